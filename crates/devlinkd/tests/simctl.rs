//! The `devlinkd_sim` family through the real daemon: a device created, a knob set, the
//! list, the device deleted, with the devlink notifications each causes; errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use devlink_client::{ClientError, SimClient};
use devlink_wire::message::Payload;
use devlink_wire::simctl::NewDevice;
use devlink_wire::spec::Cmd;

/// The devlink commands of the notifications waiting on `c`.
fn notifications(c: &devlink_client::Connection) -> Vec<u8> {
    let mut cmds = Vec::new();
    while let Ok(dg) = c.recv(std::time::Duration::from_millis(200)) {
        for m in devlink_client::msg::decode_all(&dg, FAM) {
            if let Payload::Devlink(d) = &m.payload {
                cmds.push(d.genl.cmd);
            }
        }
    }
    cmds
}

#[test]
fn create_set_list_delete() {
    let d = Daemon::start(&["--no-default-devices"]);
    let watcher = d.connect();
    subscribe(&watcher);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    assert_eq!(sim.family(), 0x15);
    assert!(sim.list().unwrap().is_empty());

    let dev = sim
        .new_device(NewDevice {
            id: 10,
            ports: Some(2),
            ..NewDevice::default()
        })
        .unwrap();
    assert_eq!(dev.handle, "netdevsim/netdevsim10");
    let n = notifications(&watcher);
    assert_eq!(n[0], Cmd::New as u8);
    assert_eq!(n.iter().filter(|&&c| c == Cmd::PortNew as u8).count(), 2);

    sim.set_knob(10, "fail_reload", "true").unwrap();
    sim.set_knob(10, "take_snapshot", "1").unwrap();
    assert_eq!(notifications(&watcher), [Cmd::RegionNew as u8]);
    sim.set_knob(10, "health/break_health", "boom").unwrap();
    assert!(notifications(&watcher).contains(&(Cmd::HealthReporterRecover as u8)));

    let list = sim.list().unwrap();
    assert_eq!(list.len(), 1);
    let knob = |name: &str| list[0].knobs.iter().find(|k| k.name == name).unwrap();
    assert_eq!(knob("fail_reload").value.as_deref(), Some("Y"));
    assert!(knob("health/break_health").write_only);

    sim.port(10, 7, true).unwrap();
    sim.sriov_numvfs(10, 2).unwrap();
    sim.del_device(10).unwrap();
    assert_eq!(*notifications(&watcher).last().unwrap(), Cmd::Del as u8);
    assert!(sim.list().unwrap().is_empty());
}

#[test]
fn errors_carry_errno_and_message() {
    let d = Daemon::start(&["--no-default-devices"]);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    let Err(ClientError::Nl { errno, ext }) = sim.del_device(3) else {
        panic!()
    };
    assert_eq!(errno, 2);
    assert_eq!(ext.msg.as_deref(), Some("no netdevsim device 3"));
    sim.new_device(NewDevice {
        id: 3,
        ..NewDevice::default()
    })
    .unwrap();
    let Err(ClientError::Nl { errno, .. }) = sim.set_knob(3, "nosuch", "1") else {
        panic!()
    };
    assert_eq!(errno, 2);
    let Err(ClientError::Nl { errno, .. }) = sim.sriov_numvfs(3, 99) else {
        panic!()
    };
    assert_eq!(errno, 12, "ENOMEM above max_vfs");
}

#[test]
fn non_admins_get_eperm_for_changes() {
    // An admin group the test is not in; as root the test is admin anyway.
    if std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap()
        == 0
    {
        eprintln!("skipped: root is always admin (see tests/permissions.rs)");
        return;
    }
    let d = Daemon::start(&["--no-default-devices", "--admin-group", "4242"]);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    let Err(ClientError::Nl { errno, .. }) = sim.new_device(NewDevice::default()) else {
        panic!()
    };
    assert_eq!(errno, 1);
    assert!(sim.list().unwrap().is_empty());
}
