//! The simulator against a real kernel: for each Debian 6.1 netdevsim scenario in
//! `../shared/traces/kernel-6.1/<scenario>/netlink.pcap`, the devlink multicast
//! notifications of every step are compared with what devlink-core + [`NsimDevice`]
//! queue for the same action: same commands, same order, same attribute values —
//! including the trap and policer drop counters (`RX_DROPPED`), which netdevsim advances
//! on every read, i.e. on every fill of a message (0, 1, … 13 across the 14 `TRAP_NEW`s
//! of a registration; the core reads them through `TrapCounters` at each fill).
//!
//! Reading the pcap and normalising are shared with the daemon's trace test
//! (`devlink_testkit::traces`). Normalised on both sides, and nothing else:
//! - netdev names and ifindexes (they depend on the VM);
//! - at unregistration, the order of the `PARAM_DEL` and `PORT_DEL` runs: 6.1 replays
//!   them in reverse registration order, the core follows mainline (ascending param id,
//!   ascending port index), see `shared/reference/kernel-semantics.md` §3.3 ("Old era:
//!   param/port DEL order is reverse of registration; current era: ascending key") and
//!   §3.7. netdevsim registers both in ascending key order, so reversing each run of the
//!   kernel's stream gives mainline's order.

// Test code: a failed unwrap is a failed test; helpers live outside #[test] fns.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failed unwrap or index is a failed test"
)]

mod common;

use std::collections::BTreeMap;

use devlink_core::{Core, Errno, InstanceId, Request};
use devlink_sim::{DeviceOptions, NsimDevice, probe, remove};
use devlink_testkit::{Ntf, Step, assert_same, expect_len, mainline_unregister_order};
use devlink_wire::devlink::ParamValue;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, KernelEnum, ParamCmode, ReloadAction, ReloadLimit};

/// The scenario's notifications by step (`devlink_testkit::kernel_steps`).
fn kernel_steps(scenario: &str) -> BTreeMap<u32, Vec<Ntf>> {
    devlink_testkit::kernel_steps(scenario)
        .unwrap_or_else(|e| panic!("{scenario}: {e}"))
        .into_iter()
        .map(|(n, s): (u32, Step)| (n, s.notifications))
        .collect()
}

fn drain(core: &mut Core) -> Vec<Ntf> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| (n.cmd, n.body))
        .collect()
}

fn step(steps: &mut BTreeMap<u32, Vec<Ntf>>, n: u32) -> Vec<Ntf> {
    steps.remove(&n).unwrap_or_default()
}

fn probed(id: u32, ports: u32) -> (Core, InstanceId) {
    let mut core = Core::new();
    let inst = probe(&mut core, &DeviceOptions::new(id, ports)).unwrap();
    (core, inst)
}

fn knobs(core: &mut Core, id: InstanceId, f: impl FnOnce(&mut NsimDevice)) {
    core.with_driver::<NsimDevice, _>(id, |d, _| f(d)).unwrap();
}

fn reload(core: &mut Core, id: InstanceId) -> Result<u32, devlink_core::DriverError> {
    // No RELOAD request layer yet: the default action is driver_reinit, no limit.
    core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
}

#[test]
fn create_1port() {
    let mut k = kernel_steps("create_1port");
    let (mut core, _) = probed(10, 1);
    assert_same(
        "new_device 10 1",
        expect_len(step(&mut k, 1), 28),
        drain(&mut core),
    );
    assert!(k.values().all(Vec::is_empty), "unchecked steps: {k:?}");
}

#[test]
fn create_4ports() {
    let mut k = kernel_steps("create_4ports");
    let (mut core, _) = probed(11, 4);
    assert_same(
        "new_device 11 4",
        expect_len(step(&mut k, 1), 31),
        drain(&mut core),
    );
    assert!(k.values().all(Vec::is_empty), "unchecked steps: {k:?}");
}

#[test]
fn delete() {
    let mut k = kernel_steps("delete");
    let (mut core, id) = probed(12, 4);
    drain(&mut core);
    remove(&mut core, id).unwrap();
    let kernel = mainline_unregister_order(expect_len(step(&mut k, 1), 31));
    assert_same("del_device 12", kernel, drain(&mut core));
    assert!(core.lifecycle(id).is_none(), "the instance is freed");
    assert!(k.values().all(Vec::is_empty), "unchecked steps: {k:?}");
}

#[test]
fn reload_steps() {
    let mut k = kernel_steps("reload");
    let (mut core, id) = probed(14, 2);
    drain(&mut core);

    let done = 1 << ReloadAction::DriverReinit.repr();
    assert_eq!(reload(&mut core, id), Ok(done));
    assert_same(
        "01 reload",
        expect_len(step(&mut k, 1), 57),
        drain(&mut core),
    );
    assert_eq!(reload(&mut core, id), Ok(done));
    assert_same(
        "02 reload driver_reinit",
        expect_len(step(&mut k, 2), 57),
        drain(&mut core),
    );

    // 03-05: fw_activate and the no_reset limit are refused by the request checks with
    // the kernel's errno and message; the kernel sent nothing.
    let no_reset = 1 << ReloadLimit::NoReset.repr();
    let refusals = [
        (
            3,
            ReloadAction::FwActivate,
            None,
            "Requested reload action is not supported by the driver",
        ),
        (
            4,
            ReloadAction::FwActivate,
            Some(no_reset),
            "Requested reload action is not supported by the driver",
        ),
        (
            5,
            ReloadAction::DriverReinit,
            Some(no_reset),
            "Requested limit is not supported by the driver",
        ),
    ];
    for (n, action, limits, msg) in refusals {
        let handle = DeviceOptions::new(14, 2).devlink_handle().unwrap();
        let req = common::reload_req(handle, action, limits);
        let request = Request {
            cmd: Cmd::Reload,
            body: DevlinkBody::from(req),
            dump: false,
            admin: true,
        };
        let e = core.handle_request(request).unwrap_err();
        assert_eq!(
            (e.errno, e.msg.as_deref()),
            (Errno::EOPNOTSUPP, Some(msg)),
            "step {n}"
        );
        assert_eq!(step(&mut k, n), Vec::new(), "step {n}");
        assert_same(&format!("0{n} refused"), Vec::new(), drain(&mut core));
    }

    knobs(&mut core, id, |d| d.set_dont_allow_reload(true));
    let err = reload(&mut core, id).unwrap_err();
    assert_eq!(err.errno, Errno::EOPNOTSUPP);
    assert_eq!(
        err.msg,
        "netdevsim: User forbid the reload for testing purposes"
    );
    assert_same("06 dont_allow_reload", step(&mut k, 6), drain(&mut core));

    knobs(&mut core, id, |d| {
        d.set_dont_allow_reload(false);
        d.set_fail_reload(true);
    });
    let err = reload(&mut core, id).unwrap_err();
    assert_eq!(err.errno, Errno::EINVAL);
    assert_same(
        "07 fail_reload",
        expect_len(step(&mut k, 7), 29),
        drain(&mut core),
    );

    knobs(&mut core, id, |d| d.set_fail_reload(false));
    assert_eq!(reload(&mut core, id), Ok(done));
    assert_same(
        "08 reload recovers",
        expect_len(step(&mut k, 8), 30),
        drain(&mut core),
    );
    assert!(k.values().all(Vec::is_empty), "unchecked steps: {k:?}");
}

#[test]
fn param_set() {
    let mut k = kernel_steps("param_set");
    let (mut core, id) = probed(15, 1);
    drain(&mut core);

    let mut devl = core.devl(id).unwrap();
    devl.param_set("max_macs", ParamCmode::Driverinit, ParamValue::U32(64))
        .unwrap();
    assert_same(
        "01 max_macs 64",
        expect_len(step(&mut k, 1), 1),
        drain(&mut core),
    );
    let mut devl = core.devl(id).unwrap();
    devl.param_set("test1", ParamCmode::Driverinit, ParamValue::Bool(false))
        .unwrap();
    assert_same("02 test1 false", step(&mut k, 2), drain(&mut core));
    // 03-04 are refused by the request layer (runtime cmode, unknown name); 06 sets a
    // resource size (no notification, no resources in the core yet).
    for n in [3, 4, 6] {
        assert_eq!(step(&mut k, n), Vec::new(), "step {n}");
    }

    let applied = |core: &mut Core| {
        core.with_driver::<NsimDevice, _>(id, |d, _| (d.max_macs(), d.test1()))
            .unwrap()
    };
    assert_eq!(applied(&mut core), (32, true), "staged until reload");
    reload(&mut core, id).unwrap();
    assert_same(
        "05 reload",
        expect_len(step(&mut k, 5), 53),
        drain(&mut core),
    );
    assert_eq!(applied(&mut core), (64, false), "applied by reload");
    reload(&mut core, id).unwrap();
    assert_same("07 reload", step(&mut k, 7), drain(&mut core));
    assert!(k.values().all(Vec::is_empty), "unchecked steps: {k:?}");
}
