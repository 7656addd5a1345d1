//! `--config FILE`: the example config gives the demo topology, a config's devices
//! replace the demo devices, flags override its settings, and a bad config stops the
//! daemon with the file, line and key.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use devlink_client::Connection;
use devlink_wire::message::Payload;
use devlink_wire::nl::NLMSG_DONE;
use devlink_wire::spec::Cmd;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/devlinkd.toml")
}

fn port_count(c: &Connection) -> usize {
    dump_ports(c, 9)
        .iter()
        .filter(|m| matches!(&m.payload, Payload::Devlink(d) if d.genl.cmd == Cmd::PortNew as u8))
        .count()
}

#[test]
fn the_example_config_serves_the_demo_topology() {
    let d = Daemon::start(&["--config", example().to_str().unwrap()]);
    let c = d.connect();
    let m = dump_devices(&c, 1);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(format!("{:?}", m[0].payload).contains("netdevsim0"));
    assert!(format!("{:?}", m[1].payload).contains("0000:03:00.0"));
    assert_eq!(m[2].header.ty, NLMSG_DONE);
    assert_eq!(port_count(&c), 8);
}

#[test]
fn config_devices_replace_the_demo_devices_and_flags_win() {
    let dir = std::env::temp_dir().join(format!("devlinkd-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("one.toml");
    // The file's socket is unusable: --socket (given by Daemon::start) overrides it.
    std::fs::write(
        &file,
        "socket = \"/proc/no/such.sock\"\nmax_backlog = 65536\n\
         [[device]]\nid = 5\nports = 3\nregister = \"first\"\n",
    )
    .unwrap();
    let d = Daemon::start(&["--config", file.to_str().unwrap()]);
    let c = d.connect();
    let m = dump_devices(&c, 1);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(format!("{:?}", m[0].payload).contains("netdevsim5"));
    assert_eq!(port_count(&c), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_config_stops_the_daemon_naming_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("devlinkd-badcfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[[device]]\nid = 1\nprots = 4\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_devlinkd"))
        .arg("--config")
        .arg(&file)
        .arg("--socket")
        .arg(dir.join("s.sock"))
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(file.to_str().unwrap()), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("prots"), "{err}");
    assert!(!dir.join("s.sock").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
