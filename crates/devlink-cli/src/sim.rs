//! `dlctl sim …`: the simulated devices through the daemon's `devlinkd_sim` family, as
//! netdevsim's sysfs and debugfs files would be written (`new_device`, `del_device`,
//! `new_port`, `del_port`, `sriov_numvfs`, the knobs), and `list`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use devlink_client::{ClientError, SimClient, socket_path};
use devlink_wire::simctl::{NewDevice, Register, SimDevice, SimEswitch};
use serde_json::{Value, json};

/// `dlctl sim`.
#[derive(Debug, Clone, Args)]
pub(crate) struct SimArgs {
    /// The daemon's socket [default: $DEVLINKD_SOCKET, else /run/devlinkd/devlinkd.sock
    /// for root, $XDG_RUNTIME_DIR/devlinkd.sock or /tmp/devlinkd-$UID/devlinkd.sock
    /// otherwise].
    #[arg(long, value_name = "PATH", global = true)]
    socket: Option<PathBuf>,
    /// JSON output.
    #[arg(short = 'j', long = "json", global = true)]
    json: bool,
    /// Pretty JSON (with -j).
    #[arg(short = 'p', long = "pretty", global = true)]
    pretty: bool,
    #[command(subcommand)]
    cmd: SimCmd,
}

#[derive(Debug, Clone, Subcommand)]
enum SimCmd {
    /// Create a device (`/sys/bus/netdevsim/new_device "ID PORTS"`); prints it.
    NewDevice {
        /// The bus id: the device is netdevsim/netdevsim{ID} unless --handle says.
        #[arg(value_parser = parse_u32)]
        id: u32,
        /// Physical ports.
        #[arg(long, value_parser = parse_u32)]
        ports: Option<u32>,
        /// When the devlink instance registers: last (Linux 6.1) or first (mainline).
        #[arg(long, value_enum)]
        register: Option<RegisterArg>,
        /// Another devlink handle, as bus/name (e.g. pci/0000:01:00.0).
        #[arg(long)]
        handle: Option<String>,
        /// The e-switch mode to start in.
        #[arg(long, value_enum)]
        eswitch: Option<EswitchArg>,
        /// VFs to enable after probe.
        #[arg(long, value_parser = parse_u32)]
        vfs: Option<u32>,
    },
    /// Remove a device (`/sys/bus/netdevsim/del_device`).
    DelDevice {
        /// The bus id.
        #[arg(value_parser = parse_u32)]
        id: u32,
    },
    /// Add a physical port (the device's sysfs `new_port`).
    NewPort {
        /// The bus id.
        #[arg(value_parser = parse_u32)]
        id: u32,
        /// The port index.
        #[arg(value_parser = parse_u32)]
        index: u32,
    },
    /// Remove a physical port (the device's sysfs `del_port`).
    DelPort {
        /// The bus id.
        #[arg(value_parser = parse_u32)]
        id: u32,
        /// The port index.
        #[arg(value_parser = parse_u32)]
        index: u32,
    },
    /// Set the VF count (the device's sysfs `sriov_numvfs`).
    SriovNumvfs {
        /// The bus id.
        #[arg(value_parser = parse_u32)]
        id: u32,
        /// The VF count.
        #[arg(value_parser = parse_u32)]
        n: u32,
    },
    /// Write a debugfs knob (e.g. `fail_reload true`, `health/break_health "msg"`,
    /// `take_snapshot 1`).
    Set {
        /// The bus id.
        #[arg(value_parser = parse_u32)]
        id: u32,
        /// The knob's path under the device's debugfs directory.
        knob: String,
        /// The text to write.
        value: String,
    },
    /// Every device with its knobs.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RegisterArg {
    Last,
    First,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EswitchArg {
    Legacy,
    Switchdev,
}

/// Run the command; the exit code (1 when the daemon refused, as iproute2 exits).
pub(crate) fn run(args: &SimArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let path = socket_path(args.socket.clone());
    let mut client =
        SimClient::connect(&path).with_context(|| format!("connecting to {}", path.display()))?;
    let result = match &args.cmd {
        SimCmd::NewDevice {
            id,
            ports,
            register,
            handle,
            eswitch,
            vfs,
        } => {
            let req = NewDevice {
                id: *id,
                ports: *ports,
                register: register.map(|r| match r {
                    RegisterArg::Last => Register::Last,
                    RegisterArg::First => Register::First,
                }),
                handle: handle.clone(),
                eswitch: eswitch.map(|m| match m {
                    EswitchArg::Legacy => SimEswitch::Legacy,
                    EswitchArg::Switchdev => SimEswitch::Switchdev,
                }),
                vfs: *vfs,
                unknown: Vec::new(),
            };
            client.new_device(req).map(|d| vec![d])
        }
        SimCmd::DelDevice { id } => client.del_device(*id).map(|()| Vec::new()),
        SimCmd::NewPort { id, index } => client.port(*id, *index, true).map(|()| Vec::new()),
        SimCmd::DelPort { id, index } => client.port(*id, *index, false).map(|()| Vec::new()),
        SimCmd::SriovNumvfs { id, n } => client.sriov_numvfs(*id, *n).map(|()| Vec::new()),
        SimCmd::Set { id, knob, value } => client.set_knob(*id, knob, value).map(|()| Vec::new()),
        SimCmd::List => client.list(),
    };
    match result {
        Ok(devices) => {
            let listing = matches!(args.cmd, SimCmd::List | SimCmd::NewDevice { .. });
            if listing {
                print_devices(&devices, args, out)?;
            }
            Ok(0)
        }
        Err(ClientError::Nl { errno, ext }) => {
            crate::errors::print_error(errno, &ext, err)?;
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}

/// The devices, as text or JSON.
fn print_devices(devices: &[SimDevice], args: &SimArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if args.json {
        let list: Vec<Value> = devices.iter().map(device_json).collect();
        let v = json!({ "sim": list });
        let text = if args.pretty {
            serde_json::to_string_pretty(&v)?
        } else {
            serde_json::to_string(&v)?
        };
        writeln!(out, "{text}")?;
        return Ok(());
    }
    for d in devices {
        writeln!(out, "{}: id {} vfs {}", d.handle, d.id, d.vfs)?;
        for k in &d.knobs {
            let value = match (&k.value, k.write_only) {
                (Some(v), _) => v.as_str(),
                (None, true) => "(write-only)",
                (None, false) => "(unset)",
            };
            writeln!(out, "  {} {value}", k.name)?;
        }
    }
    Ok(())
}

fn device_json(d: &SimDevice) -> Value {
    let knobs: Vec<Value> = d
        .knobs
        .iter()
        .map(|k| json!({ "name": k.name, "value": k.value, "write_only": k.write_only }))
        .collect();
    json!({ "handle": d.handle, "id": d.id, "vfs": d.vfs, "knobs": knobs })
}

/// A number as sysfs takes it (`kstrtouint(…, 0)`): decimal, or hex with `0x`.
fn parse_u32(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn numbers_as_sysfs_takes_them() {
        assert_eq!(parse_u32("10"), Ok(10));
        assert_eq!(parse_u32("0x10"), Ok(16));
        assert!(parse_u32("-1").is_err());
    }
}
