//! Where the daemon's socket is (`docs/transport.md`, "Where"): one rule for the daemon
//! and every client.

use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// The environment variable every client and the daemon honour.
pub const SOCKET_ENV: &str = "DEVLINKD_SOCKET";

/// `--socket` if given, else `$DEVLINKD_SOCKET`, else `/run/devlinkd/devlinkd.sock` for
/// root and `$XDG_RUNTIME_DIR/devlinkd.sock` (or `/tmp/devlinkd-$UID/devlinkd.sock`)
/// for everyone else.
#[must_use]
pub fn socket_path(arg: Option<PathBuf>) -> PathBuf {
    let uid = std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid());
    resolve(
        arg,
        std::env::var_os(SOCKET_ENV),
        std::env::var_os("XDG_RUNTIME_DIR"),
        uid,
    )
}

/// The rule itself, without the environment.
fn resolve(
    arg: Option<PathBuf>,
    env: Option<OsString>,
    runtime_dir: Option<OsString>,
    uid: u32,
) -> PathBuf {
    if let Some(p) = arg {
        return p;
    }
    if let Some(p) = env {
        return p.into();
    }
    if uid == 0 {
        return PathBuf::from("/run/devlinkd/devlinkd.sock");
    }
    match runtime_dir {
        Some(dir) => PathBuf::from(dir).join("devlinkd.sock"),
        None => PathBuf::from(format!("/tmp/devlinkd-{uid}/devlinkd.sock")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_of_the_rules() {
        let p = |s: &str| Some(PathBuf::from(s));
        let o = |s: &str| Some(OsString::from(s));
        assert_eq!(resolve(p("/a"), o("/b"), o("/x"), 0), PathBuf::from("/a"));
        assert_eq!(resolve(None, o("/b"), o("/x"), 0), PathBuf::from("/b"));
        assert_eq!(
            resolve(None, None, o("/x"), 0),
            PathBuf::from("/run/devlinkd/devlinkd.sock")
        );
        assert_eq!(
            resolve(None, None, o("/x"), 1000),
            PathBuf::from("/x/devlinkd.sock")
        );
        assert_eq!(
            resolve(None, None, None, 1000),
            PathBuf::from("/tmp/devlinkd-1000/devlinkd.sock")
        );
    }
}
