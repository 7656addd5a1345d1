//! GENL_ADMIN_PERM through the real daemon: a client running as nobody (uid/gid 65534)
//! gets -EPERM for a mutating request (devlink and devlinkd_sim) and can still read. Needs root to switch users:
//! skipped otherwise. The child is this test binary re-executed as nobody.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::process::Command;

use common::*;
use devlink_client::{Connection, msg};
use devlink_wire::devlink::{Handle, ParamValue};
use devlink_wire::message::Payload;
use devlink_wire::nl::NLMSG_DONE;

const CHILD_ENV: &str = "DEVLINKD_TEST_PERM_SOCKET";

#[test]
fn nobody_cannot_set_but_can_read() {
    if std::fs::metadata("/proc/self").unwrap().uid() != 0 {
        eprintln!("skipped: needs root to run a client as another user");
        return;
    }
    // An admin group nobody is in (the child keeps root's supplementary groups: the
    // standard library cannot drop them without `unsafe`).
    let d = Daemon::start(&["--admin-group", "4242"]);
    std::fs::set_permissions(&d.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_as_nobody", "--nocapture"])
        .env(CHILD_ENV, &d.socket)
        .uid(65534)
        .gid(65534)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs only when re-executed by the test above.
#[test]
fn child_as_nobody() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let c = Connection::connect(std::path::Path::new(&path)).unwrap();
    let dev = Handle::new("netdevsim", "netdevsim0");
    c.send(&msg::param_set(
        FAM,
        ACK,
        1,
        &dev,
        "test1",
        ParamValue::Bool(true),
    ))
    .unwrap();
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
    let mut sim = devlink_client::SimClient::connect(std::path::Path::new(&path)).unwrap();
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
