//! Permissions through the real daemon (issue 9).
//!
//! A client running as nobody (uid/gid 65534) gets `-EPERM` for every command the
//! kernel marks `GENL_ADMIN_PERM` / `GENL_UNS_ADMIN_PERM` — each op of `DEVLINK_OPS`
//! and of `SIM_OPS` that has the bit, sent without attributes (genetlink checks the
//! permission before it parses) — and every other op of devlink, `devlinkd_sim` and
//! `devlinkd_watch` answers it with something other than `-EPERM`. A socket made with
//! `--socket-mode 0660 --socket-group G` refuses nobody at `connect` (`EACCES`). Needs
//! root to switch users: skipped otherwise. The child is this test binary re-executed
//! as nobody.
//!
//! The socket file's mode and group (`--socket-mode`, `--socket-group`, the config
//! file's `socket_mode` and `socket_group`) are checked for any user.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::process::Command;

use common::*;
use devlink_client::{Connection, msg};
use devlink_wire::ctrl::{DEVLINK_OPS, OpHalf, OpSpec};
use devlink_wire::devlink::{Handle, ParamValue};
use devlink_wire::message::{Message, Payload};
use devlink_wire::nl::NLMSG_DONE;
use devlink_wire::nl::flags::{NLM_F_DUMP, NLM_F_REQUEST};
use devlink_wire::simctl::SIM_OPS;
use devlink_wire::spec::{GENL_ADMIN_PERM, GENL_UNS_ADMIN_PERM};
use devlink_wire::watch::WATCH_OPS;

const CHILD_ENV: &str = "DEVLINKD_TEST_PERM_SOCKET";
const CLOSED_ENV: &str = "DEVLINKD_TEST_PERM_CLOSED_SOCKET";
/// The daemon's family ids (`ServerConfig::default()`).
const SIM: u16 = 0x15;
const WATCH: u16 = 0x16;
/// A gid nobody is in.
const OTHER_GID: &str = "4242";

fn is_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

#[test]
fn nobody_gets_eperm_on_every_admin_command_and_can_read() {
    if !is_root() {
        eprintln!("skipped: needs root to run a client as another user");
        return;
    }
    // An admin group nobody is in (the child keeps root's supplementary groups: the
    // standard library cannot drop them without `unsafe`).
    let d = Daemon::start(&["--admin-group", OTHER_GID]);
    // A second daemon whose socket only root and group 4242 may open (started on a
    // thread of another name: `Daemon::start` names its directory after the thread).
    let closed = std::thread::Builder::new()
        .name("closed-socket".into())
        .spawn(|| {
            Daemon::start(&[
                "--admin-group",
                OTHER_GID,
                "--socket-mode",
                "0660",
                "--socket-group",
                OTHER_GID,
            ])
        })
        .unwrap()
        .join()
        .unwrap();
    for dir in [&d.dir, &closed.dir] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_as_nobody", "--nocapture"])
        .env(CHILD_ENV, &d.socket)
        .env(CLOSED_ENV, &closed.socket)
        .uid(65534)
        .gid(65534)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs only when re-executed by the test above.
#[test]
fn child_as_nobody() {
    let (Some(path), Some(closed)) = (std::env::var_os(CHILD_ENV), std::env::var_os(CLOSED_ENV))
    else {
        return;
    };
    let path = std::path::Path::new(&path);
    assert_eq!(std::fs::metadata("/proc/self").unwrap().uid(), 65534);
    let e = Connection::connect(std::path::Path::new(&closed)).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied, "{e}");

    let mut checked = (0, 0);
    for (family, ops) in [
        (FAM, &DEVLINK_OPS[..]),
        (SIM, &SIM_OPS[..]),
        (WATCH, &WATCH_OPS[..]),
    ] {
        for op in ops {
            let admin = op.perm & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM) != 0;
            for (half, dump) in [(op.doit, false), (op.dumpit, true)] {
                if half == OpHalf::Absent {
                    continue;
                }
                let errno = answer(path, family, op, dump);
                if admin {
                    assert_eq!(errno, -1, "family {family:#x} cmd {} dump {dump}", op.cmd);
                    checked.0 += 1;
                } else {
                    assert_ne!(errno, -1, "family {family:#x} cmd {} dump {dump}", op.cmd);
                    checked.1 += 1;
                }
            }
        }
    }
    eprintln!(
        "nobody: {} admin halves -EPERM, {} read halves open",
        checked.0, checked.1
    );

    // A real change refused, a real read answered.
    let c = Connection::connect(path).unwrap();
    let dev = Handle::new("netdevsim", "netdevsim0");
    let set = msg::param_set(FAM, ACK, 1, &dev, "test1", ParamValue::Bool(true));
    c.send(&set).unwrap();
    let m = recv(&c);
    assert!(
        matches!(&m[0].payload, Payload::Error(e) if e.error == -1),
        "{m:?}"
    );
    // The two demo devices, then DONE.
    let m = dump_devices(&c, 2);
    assert_eq!(m.len(), 3);
    assert_eq!(m[2].header.ty, NLMSG_DONE);
    // devlinkd_sim: changes are admin-only, the list is open.
    let mut sim = devlink_client::SimClient::connect(path).unwrap();
    let new = devlink_wire::simctl::NewDevice {
        id: 5,
        ..Default::default()
    };
    let Err(devlink_client::ClientError::Nl { errno, .. }) = sim.new_device(new) else {
        panic!("a non-admin created a device")
    };
    assert_eq!(errno, 1);
    assert_eq!(sim.list().unwrap().len(), 2);
}

/// The errno (0 for success) a fresh connection gets for `op` of `family` without
/// attributes, as a do or a dump request with `NLM_F_ACK`.
fn answer(path: &std::path::Path, family: u16, op: &OpSpec, dump: bool) -> i32 {
    let c = Connection::connect(path).unwrap();
    let flags = NLM_F_REQUEST | ACK | if dump { NLM_F_DUMP } else { 0 };
    let mut req = Vec::with_capacity(20);
    req.extend(20u32.to_ne_bytes());
    req.extend(family.to_ne_bytes());
    req.extend(flags.to_ne_bytes());
    req.extend(7u32.to_ne_bytes());
    req.extend(0u32.to_ne_bytes());
    req.extend([op.cmd, 1, 0, 0]);
    c.send(&req).unwrap();
    // Replies, dump parts, watch events: read up to this request's ACK or DONE.
    loop {
        for m in recv(&c) {
            if m.header.seq != 7 {
                continue;
            }
            if let Some(e) = final_errno(&m) {
                return e;
            }
        }
    }
}

fn final_errno(m: &Message) -> Option<i32> {
    match &m.payload {
        Payload::Error(e) => Some(e.error),
        Payload::Done(d) => Some(d.error.unwrap_or(0)),
        _ => None,
    }
}

#[test]
fn the_socket_file_has_the_configured_mode_and_group() {
    // The default: 0666, the daemon's group.
    let d = Daemon::start(&[]);
    let meta = std::fs::metadata(&d.socket).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o666);
    let own_gid = std::fs::metadata("/proc/self").unwrap().gid();
    assert_eq!(meta.gid(), own_gid);
    drop(d);
    // Flags: a group this user is in (root may name any).
    let group = if is_root() {
        OTHER_GID.to_owned()
    } else {
        own_gid.to_string()
    };
    let d = Daemon::start(&["--socket-mode", "0640", "--socket-group", &group]);
    let meta = std::fs::metadata(&d.socket).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    assert_eq!(meta.gid().to_string(), group);
    // Still served (the owner may read and write).
    assert_eq!(dump_devices(&d.connect(), 1).len(), 3);
    drop(d);
    // The config file; a flag wins over it.
    let dir = std::env::temp_dir().join(format!("devlinkd-perm-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("c.toml");
    std::fs::write(
        &conf,
        format!("socket_mode = \"0600\"\nsocket_group = \"{group}\"\n"),
    )
    .unwrap();
    let d = Daemon::start(&["--config", conf.to_str().unwrap()]);
    let meta = std::fs::metadata(&d.socket).unwrap();
    assert_eq!(
        (meta.mode() & 0o7777, meta.gid().to_string()),
        (0o600, group.clone())
    );
    drop(d);
    let d = Daemon::start(&["--config", conf.to_str().unwrap(), "--socket-mode", "660"]);
    assert_eq!(std::fs::metadata(&d.socket).unwrap().mode() & 0o7777, 0o660);
    drop(d);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_socket_mode_or_group_stops_the_daemon() {
    for args in [
        &["--socket-mode", "0999"][..],
        &["--socket-mode", "4755"],
        &["--socket-group", "no-such-group-here"],
    ] {
        let dir = std::env::temp_dir().join(format!(
            "devlinkd-perm-bad-{}-{}",
            std::process::id(),
            args[1]
        ));
        let out = Command::new(env!("CARGO_BIN_EXE_devlinkd"))
            .arg("--socket")
            .arg(dir.join("d.sock"))
            .arg("--state-dir")
            .arg(dir.join("state"))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(args[1]), "{args:?}: {err}");
        assert!(!dir.join("d.sock").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
