//! Unit tests: probe, reload and remove in both eras; the reload knobs; drop counters.

use devlink_core::checker::Checker;
use devlink_core::{Core, Errno, Request, Response};
use devlink_wire::devlink::{TrapGetReq, TrapPolicerGetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;
use devlink_wire::spec::{ReloadAction, ReloadLimit};

use super::*;
use crate::{DeviceOptions, Era};

fn run(era: Era) -> Vec<Cmd> {
    let mut core = Core::new();
    let config = DeviceOptions {
        register: era,
        ..DeviceOptions::new(1, 2)
    };
    let id = probe(&mut core, &config).unwrap();
    core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
        .unwrap();
    remove(&mut core, id).unwrap();
    let mut checker = Checker::new();
    let mut cmds = Vec::new();
    while let Some(n) = core.poll_notification() {
        checker
            .check(Some(n.revision), n.cmd, &n.body)
            .unwrap_or_else(|v| panic!("{era:?}: {v:?}"));
        cmds.push(n.cmd);
    }
    cmds
}

fn count(cmds: &[Cmd], cmd: Cmd) -> usize {
    cmds.iter().filter(|&&c| c == cmd).count()
}

#[test]
fn both_eras_pass_the_ordering_checker() {
    for era in [Era::Kernel61, Era::Mainline] {
        let cmds = run(era);
        assert_eq!(cmds.first(), Some(&Cmd::New), "{era:?}");
        assert_eq!(cmds.last(), Some(&Cmd::Del), "{era:?}");
    }
}

#[test]
fn mainline_registers_first_and_announces_live() {
    let cmds = run(Era::Mainline);
    // Probe: NEW, params registered then their initial driverinit values set
    // (devl_param_driverinit_value_set notifies), region, traps, ports with three
    // PORT_NEWs each (register, NETDEV_POST_INIT, NETDEV_REGISTER).
    let probe_len = 1 + 4 + 1 + 3 + 6 + 14 + 2 * 3;
    let (probe, rest) = cmds.split_at(probe_len);
    assert_eq!(
        &probe[..6],
        &[
            Cmd::New,
            Cmd::ParamNew,
            Cmd::ParamNew,
            Cmd::ParamNew,
            Cmd::ParamNew,
            Cmd::RegionNew
        ]
    );
    assert_eq!(count(probe, Cmd::PortNew), 6);
    // Remove (after the reload): live DELs, params, then the instance.
    let tail = &rest[rest.len() - 3..];
    assert_eq!(tail, &[Cmd::ParamDel, Cmd::ParamDel, Cmd::Del]);
    assert_eq!(count(rest, Cmd::PortDel), 4);
}

#[test]
fn kernel61_registers_last_and_removes_silently() {
    let cmds = run(Era::Kernel61);
    // Replay: NEW, ports (one PORT_NEW each, full state), policers, groups, traps,
    // region, params; remove: the unregistration replay only.
    assert_eq!(count(&cmds, Cmd::ParamNew), 2);
    let del_run = 2 + 1 + 14 + 6 + 3 + 2 + 1;
    let tail = &cmds[cmds.len() - del_run..];
    assert_eq!(tail.first(), Some(&Cmd::ParamDel));
    assert_eq!(count(tail, Cmd::PortDel), 2);
    // Replay 29; reload: per port PORT_NEW (type cleared) + PORT_DEL, 23 trap
    // DELs, region DEL and NEW, 23 trap NEWs, 2 PORT_NEWs per port, NEW; remove.
    assert_eq!(cmds.len(), 29 + (4 + 23 + 2 + 23 + 4 + 1) + del_run);
}

#[test]
fn knobs_fail_reload_and_failed_reload_skips_teardown() {
    let mut core = Core::new();
    let id = probe(&mut core, &DeviceOptions::new(3, 1)).unwrap();
    core.with_driver::<NsimDevice, _>(id, |d, _| d.set_fail_reload(true))
        .unwrap();
    let e = core
        .reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
        .unwrap_err();
    assert_eq!(e.errno, Errno::EINVAL);
    while core.poll_notification().is_some() {}
    // Nothing left to tear down: the next reload only re-creates.
    core.with_driver::<NsimDevice, _>(id, |d, _| d.set_fail_reload(false))
        .unwrap();
    core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
        .unwrap();
    let cmds: Vec<Cmd> = std::iter::from_fn(|| core.poll_notification())
        .map(|n| n.cmd)
        .collect();
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Cmd::PortDel | Cmd::TrapDel))
    );
    assert_eq!(count(&cmds, Cmd::TrapNew), 14);
    remove(&mut core, id).unwrap();
}

/// The drop count a `TRAP_GET` (of `trap`) or `TRAP_POLICER_GET` (of `policer`)
/// answers on device 4.
fn drops(core: &mut Core, trap: Option<&str>, policer: Option<u32>) -> Option<u64> {
    let handle = Some(DeviceOptions::new(4, 1).devlink_handle().unwrap());
    let (cmd, body) = match trap {
        Some(name) => (
            Cmd::TrapGet,
            DevlinkBody::from(TrapGetReq {
                handle,
                name: Some(name.into()),
                unknown: Vec::new(),
            }),
        ),
        None => (
            Cmd::TrapPolicerGet,
            DevlinkBody::from(TrapPolicerGetReq {
                handle,
                id: policer,
                unknown: Vec::new(),
            }),
        ),
    };
    let request = Request {
        cmd,
        body,
        dump: false,
        admin: false,
    };
    let Ok(Response::Do(replies)) = core.handle_request(request).map(|a| a.response) else {
        panic!("{trap:?} {policer:?}")
    };
    match &replies.first()?.body {
        DevlinkBody::Trap(t) => t.stats.rx_dropped,
        DevlinkBody::TrapPolicer(p) => p.stats.as_ref()?.rx_dropped,
        other => panic!("{other:?}"),
    }
}

#[test]
fn drop_counters_advance_per_read_per_device_and_per_policer_until_reload() {
    let mut core = Core::new();
    let id = probe(&mut core, &DeviceOptions::new(4, 1)).unwrap();
    // The registration replay read the trap counter 14 times, each policer's once.
    assert_eq!(drops(&mut core, Some("tail_drop"), None), Some(14));
    assert_eq!(drops(&mut core, Some("igmp_query"), None), Some(15));
    assert_eq!(drops(&mut core, None, Some(2)), Some(1));
    assert_eq!(drops(&mut core, None, Some(2)), Some(2));
    assert_eq!(drops(&mut core, None, Some(3)), Some(1));
    // A reload re-creates the trap data: the re-registered objects start from 0.
    core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
        .unwrap();
    assert_eq!(drops(&mut core, Some("tail_drop"), None), Some(14));
    assert_eq!(drops(&mut core, None, Some(2)), Some(1));
}
