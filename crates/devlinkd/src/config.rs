//! The daemon's configuration file (`--config FILE`, TOML) and its default paths.
//!
//! ```toml
//! socket = "/run/devlinkd/devlinkd.sock"   # optional daemon settings; CLI flags win
//! socket_mode = "0660"                     # octal; default 0666
//! socket_group = "netdev"                  # a name or a gid; default the daemon's
//! state_dir = "/var/lib/devlinkd"
//! admin_group = "netdev"                   # a name or a gid
//! max_backlog = 4194304
//!
//! [[device]]                               # devlink_sim::DeviceOptions, one per table
//! id = 0
//! ports = 4
//! ```
//!
//! With a config file its `[[device]]` tables are the devices (none if it has none); the
//! demo devices ([`demo_devices`]) are only for a daemon started without one.

use std::path::{Path, PathBuf};

use devlink_sim::{DeviceOptions, EswitchStart};
use serde::Deserialize;

/// A configuration file: optional daemon settings and the simulated devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The socket to listen on (`--socket`).
    pub socket: Option<PathBuf>,
    /// The socket file's mode, octal digits (`--socket-mode`).
    pub socket_mode: Option<String>,
    /// The socket file's group, a name or a gid (`--socket-group`).
    pub socket_group: Option<String>,
    /// Where permanent params persist (`--state-dir`).
    pub state_dir: Option<PathBuf>,
    /// The admin group, a name or a gid (`--admin-group`).
    pub admin_group: Option<String>,
    /// The cap on a connection's notification backlog in bytes (`--max-backlog`).
    pub max_backlog: Option<usize>,
    /// The `[[device]]` tables, created in file order.
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceOptions>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("reading {path}: {error}", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is not valid TOML or does not describe a configuration; the message
    /// names the line, the column and the key.
    #[error("{path}: {error}", path = path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// toml's error, with the line, column and a snippet (in the message, not as a
        /// source: it would be printed twice).
        error: toml::de::Error,
    },
}

impl Config {
    /// Read and parse `path`.
    ///
    /// # Errors
    /// [`ConfigError`], naming the file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_owned(),
            error,
        })?;
        Self::parse(&text, path)
    }

    /// Parse `text`, read from `path` (named in errors).
    ///
    /// # Errors
    /// [`ConfigError::Parse`].
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|error| ConfigError::Parse {
            path: path.to_owned(),
            error,
        })
    }
}

/// The mode of the socket file when neither `--socket-mode` nor `socket_mode` sets
/// it: anyone who can reach the socket may connect, as anyone may open a netlink socket
/// (reads are open, admin commands are checked per peer).
pub const DEFAULT_SOCKET_MODE: u32 = 0o666;

/// Parse a file mode written in octal (`0660`, `660`, `0o660`): permission bits only,
/// at most `0o777`.
///
/// # Errors
/// A message naming the text, for anything else.
pub fn parse_mode(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    match u32::from_str_radix(digits, 8) {
        Ok(mode) if mode <= 0o777 && !digits.is_empty() => Ok(mode),
        _ => Err(format!(
            "{text:?} is not a file mode (octal permission bits, e.g. 0660)"
        )),
    }
}

/// The devices of a daemon started without a config file (unless
/// `--no-default-devices`): `netdevsim/netdevsim0` with 4 ports, as `new_device "0 4"`
/// makes it, and a PCI-style device `pci/0000:03:00.0` with 2 ports in switchdev mode
/// with 2 VFs (VF representor ports 128 and 129 with rate leaves).
/// `examples/devlinkd.toml` describes the same.
#[must_use]
pub fn demo_devices() -> Vec<DeviceOptions> {
    let nsim = DeviceOptions::new(0, 4);
    let mut pci = DeviceOptions::new(1, 2);
    pci.handle = Some("pci/0000:03:00.0".into());
    pci.eswitch = EswitchStart::Switchdev;
    pci.vfs = 2;
    pci.first_ifindex = 100;
    vec![nsim, pci]
}

/// The effective user id (the owner of `/proc/self`).
#[must_use]
pub fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid())
}

/// The default state directory: `/var/lib/devlinkd` for root,
/// `$XDG_STATE_HOME/devlinkd` or `~/.local/state/devlinkd` otherwise (and
/// `/tmp/devlinkd-$UID/state` without a home).
#[must_use]
pub fn default_state_dir() -> PathBuf {
    let uid = euid();
    if uid == 0 {
        return PathBuf::from("/var/lib/devlinkd");
    }
    let env = |k| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = env("XDG_STATE_HOME") {
        return dir.join("devlinkd");
    }
    match env("HOME") {
        Some(home) => home.join(".local/state/devlinkd"),
        None => PathBuf::from(format!("/tmp/devlinkd-{uid}/state")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/devlinkd.toml");

    #[test]
    fn the_example_is_the_demo_topology() {
        let c = Config::parse(EXAMPLE, Path::new("examples/devlinkd.toml"));
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.devices, demo_devices());
        assert_eq!(c.socket, None);
    }

    #[test]
    fn settings_and_devices() {
        let text = "socket = \"/tmp/x.sock\"\nmax_backlog = 1024\nadmin_group = \"wheel\"\n\
                    [[device]]\nid = 7\nports = 2\nregister = \"first\"\n";
        let c = Config::parse(text, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.socket.as_deref(), Some(Path::new("/tmp/x.sock")));
        assert_eq!(c.max_backlog, Some(1024));
        assert_eq!(c.admin_group.as_deref(), Some("wheel"));
        assert_eq!(c.devices.len(), 1);
        assert_eq!(c.devices.first().map(|d| (d.id, d.ports)), Some((7, 2)));
        let text = "socket_mode = \"0660\"\nsocket_group = \"netdev\"\n";
        let c = Config::parse(text, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.socket_mode.as_deref(), Some("0660"));
        assert_eq!(c.socket_group.as_deref(), Some("netdev"));
    }

    #[test]
    fn modes_are_octal_permission_bits() {
        assert_eq!(parse_mode("0660"), Ok(0o660));
        assert_eq!(parse_mode("600"), Ok(0o600));
        assert_eq!(parse_mode("0o640"), Ok(0o640));
        assert_eq!(parse_mode("0777"), Ok(0o777));
        for bad in ["", "0o", "888", "4755", "rw-rw----", "-1", "01000"] {
            assert!(parse_mode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let text = "[[device]]\nid = 1\nprots = 4\n";
        let Err(e) = Config::parse(text, Path::new("bad.toml")) else {
            panic!("accepted a misspelt key");
        };
        let msg = e.to_string();
        assert!(msg.starts_with("bad.toml: "), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("prots"), "{msg}");

        let Err(e) = Config::parse("max_backlog = \"big\"\n", Path::new("b.toml")) else {
            panic!("accepted a string backlog");
        };
        let msg = e.to_string();
        assert!(
            msg.contains("line 1") && msg.contains("max_backlog"),
            "{msg}"
        );

        let Err(e) = Config::parse("[[device]\n", Path::new("s.toml")) else {
            panic!("accepted bad syntax");
        };
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
