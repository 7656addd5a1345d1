//! Register first (mainline) and register last (Debian 6.1) over a scenario that
//! touches every kind of object the simulator announces: both streams pass the
//! ordering checker and fold to what the dumps show after every step.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use common::{ERAS, World, count, opts};
use devlink_core::Errno;
use devlink_sim::{DeviceOptions, Era, EswitchStart};
use devlink_wire::spec::{Cmd, ReloadAction, ReloadLimit};

#[test]
fn both_register_orders_pass_the_checker_and_fold_equals_dump() {
    for era in ERAS {
        let mut w = World::new();
        let options = DeviceOptions {
            vfs: 2,
            eswitch: EswitchStart::Switchdev,
            ..opts(3, 2, era)
        };
        w.sim.new_device(&mut w.core, &options).unwrap();
        let probe = w.settle();
        assert_eq!(probe.first().map(|(c, _)| *c), Some(Cmd::New));
        assert_eq!(count(&probe, Cmd::TrapNew), 14, "{era:?}");
        w.sim.new_port(&mut w.core, 3, 7).unwrap();
        assert_eq!(
            w.sim.new_port(&mut w.core, 3, 7).unwrap_err().errno(),
            Errno::EEXIST
        );
        w.settle();
        w.sim
            .set_knob(&mut w.core, 3, "take_snapshot", "1")
            .unwrap();
        w.sim
            .set_knob(&mut w.core, 3, "health/break_health", "x")
            .unwrap();
        w.settle();
        let id = w.sim.instance(3).unwrap();
        w.core
            .reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        let reload = w.settle();
        // Reload re-creates the PORT_COUNT ports only (new_port's 7 is gone).
        assert_eq!(count(&reload, Cmd::PortDel), 2 + 2 + 1, "{era:?}");
        w.sim.del_port(&mut w.core, 3, 1).unwrap();
        assert_eq!(
            w.sim.del_port(&mut w.core, 3, 1).unwrap_err().errno(),
            Errno::ENOENT
        );
        w.settle();
        w.sim.del_device(&mut w.core, 3).unwrap();
        let gone = w.settle();
        assert_eq!(gone.last().map(|(c, _)| *c), Some(Cmd::Del));
        assert_eq!(
            w.sim.del_device(&mut w.core, 3).unwrap_err().errno(),
            Errno::ENOENT
        );
        assert_eq!(w.core.registered().count(), 0);
    }
}

#[test]
fn register_last_announces_everything_in_the_replay() {
    let mut w = World::new();
    w.sim
        .new_device(&mut w.core, &opts(4, 1, Era::Kernel61))
        .unwrap();
    let cmds: Vec<Cmd> = w.settle().into_iter().map(|(c, _)| c).collect();
    // 6.1: NEW, ports, policers, groups, traps, region, params — as the capture.
    assert_eq!(cmds.len(), 28);
    assert_eq!(cmds[1], Cmd::PortNew);
    let mut w = World::new();
    w.sim
        .new_device(&mut w.core, &opts(4, 1, Era::Mainline))
        .unwrap();
    let cmds: Vec<Cmd> = w.settle().into_iter().map(|(c, _)| c).collect();
    // Mainline: NEW first, then live in probe order (params before the region).
    assert_eq!(cmds[..2], [Cmd::New, Cmd::ParamNew]);
}

#[test]
fn duplicate_ids_and_bad_options_are_refused_without_a_trace() {
    let mut w = World::with(&DeviceOptions::new(5, 1));
    let e = w
        .sim
        .new_device(&mut w.core, &DeviceOptions::new(5, 1))
        .unwrap_err();
    assert_eq!(e.errno(), Errno::ENOSPC);
    let bad_handle = DeviceOptions {
        handle: Some("no-slash".into()),
        ..DeviceOptions::new(6, 1)
    };
    assert_eq!(
        w.sim
            .new_device(&mut w.core, &bad_handle)
            .unwrap_err()
            .errno(),
        Errno::EINVAL
    );
    let too_many_vfs = DeviceOptions {
        vfs: 9,
        ..DeviceOptions::new(6, 1)
    };
    assert!(w.sim.new_device(&mut w.core, &too_many_vfs).is_err());
    let huge_id = DeviceOptions::new(u32::MAX, 1);
    assert_eq!(
        w.sim.new_device(&mut w.core, &huge_id).unwrap_err().errno(),
        Errno::EINVAL
    );
    assert!(w.settle().is_empty());
    assert_eq!(w.sim.devices().count(), 1);
}

/// A resource's name and occupancy.
type Occ<'a> = (&'a str, Option<u64>);

#[test]
fn info_and_resources_show_what_6_1_shows() {
    // shared/traces/kernel-6.1/create_1port/dump/{dev_info,resource_show}.
    let mut w = World::with(&DeviceOptions::new(10, 1));
    let req = || devlink_wire::devlink::DevReq {
        handle: Some(common::nsim(10)),
        unknown: vec![],
    };
    let Ok(devlink_core::Response::Do(r)) = w.request(Cmd::InfoGet, req()) else {
        panic!()
    };
    let info = format!("{:?}", r[0].body);
    assert!(info.contains("\"netdevsim\""), "{info}");
    assert_eq!(
        info.matches("\"10.20.30\"").count(),
        2,
        "stored and running"
    );
    let replies = match w.request(Cmd::ResourceDump, req()) {
        Ok(devlink_core::Response::Multi(r) | devlink_core::Response::Do(r)) => r,
        other => panic!("{other:?}"),
    };
    let devlink_wire::message::DevlinkBody::ResourceDump(d) = &replies[0].body else {
        panic!()
    };
    let tree: Vec<(&str, Vec<Occ<'_>>)> = d
        .resources
        .iter()
        .map(|r| {
            let kids = r
                .children
                .iter()
                .map(|c| (c.name.as_str(), c.occ))
                .collect();
            (r.name.as_str(), kids)
        })
        .collect();
    assert_eq!(
        tree,
        [
            ("IPv4", vec![("fib", Some(3)), ("fib-rules", Some(3))]),
            ("IPv6", vec![("fib", Some(1)), ("fib-rules", Some(2))]),
            ("nexthops", vec![]),
        ]
    );
    assert_eq!(d.resources[2].occ, Some(0));
}
