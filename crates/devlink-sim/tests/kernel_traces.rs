//! The simulator against a real kernel: for each Debian 6.1 netdevsim scenario in
//! `../shared/traces/kernel-6.1/<scenario>/netlink.pcap`, the devlink multicast
//! notifications of every step are compared with what devlink-core + [`NsimDevice`]
//! queue for the same action: same commands, same order, same attribute values —
//! including the trap and policer drop counters (`RX_DROPPED`), which netdevsim advances
//! on every read, i.e. on every fill of a message (0, 1, … 13 across the 14 `TRAP_NEW`s
//! of a registration; the core reads them through `TrapCounters` at each fill).
//!
//! Normalised on both sides, and nothing else:
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

use std::collections::BTreeMap;
use std::path::PathBuf;

use devlink_core::{Core, Errno, InstanceId, Request};
use devlink_sim::{DeviceOptions, NsimDevice, probe, remove};
use devlink_wire::devlink::{Bitfield32, ParamValue, ReloadReq};
use devlink_wire::message::{DevlinkBody, Families, Message, Payload};
use devlink_wire::nl::{Messages, NETLINK_GENERIC};
use devlink_wire::pcap::Pcap;
use devlink_wire::spec::{Cmd, KernelEnum, ParamCmode, ReloadAction, ReloadLimit};

/// Every multicast message is captured once per listening socket; the recording ran
/// two `devlink monitor`s (`shared/traces/kernel-6.1/README.md`).
const LISTENERS: usize = 2;

fn traces_dir() -> PathBuf {
    std::env::var_os("DEVLINK_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces/kernel-6.1"),
        PathBuf::from,
    )
}

/// One notification: command and body.
type Ntf = (Cmd, DevlinkBody);

/// The scenario's devlink notifications by step number (from the harness's rtnetlink
/// marker `mark-stepNN`; 0 before the first marker), duplicates of the listening
/// sockets removed.
fn kernel_steps(scenario: &str) -> BTreeMap<u32, Vec<Ntf>> {
    let path = traces_dir().join(scenario).join("netlink.pcap");
    let buf = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("golden trace missing at {}: {e}", path.display()));
    let mut families = Families::default();
    let mut step = 0;
    // Per step: raw bytes and decoded notification, duplicates still in.
    let mut raw: BTreeMap<u32, Vec<(Vec<u8>, Ntf)>> = BTreeMap::new();
    for rec in Pcap::parse(&buf).unwrap() {
        let rec = rec.unwrap();
        if rec.protocol != NETLINK_GENERIC {
            if let Some(at) = find(rec.data, b"mark-step") {
                let digits = &rec.data[at + 9..at + 11];
                step = std::str::from_utf8(digits).unwrap().parse().unwrap();
            }
            continue;
        }
        for m in Messages::new(rec.data) {
            let m = m.unwrap();
            families.learn(&m);
            let h = m.header;
            if h.seq != 0 || h.pid != 0 || h.is_request() {
                continue;
            }
            let msg = Message::decode(&m, families).unwrap();
            if let Payload::Devlink(d) = msg.payload {
                let cmd = Cmd::from_repr(d.genl.cmd).unwrap();
                raw.entry(step)
                    .or_default()
                    .push((m.bytes.to_vec(), (cmd, d.body)));
            }
        }
    }
    assert!(
        families.devlink.is_some(),
        "{scenario}: no devlink family id"
    );
    raw.into_iter()
        .map(|(step, msgs)| (step, dedup(scenario, step, msgs)))
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The copies of one multicast message are captured back to back, once per listener:
/// each run of identical messages stands for `run / LISTENERS` notifications.
fn dedup(scenario: &str, step: u32, msgs: Vec<(Vec<u8>, Ntf)>) -> Vec<Ntf> {
    let mut out = Vec::new();
    let mut it = msgs.into_iter().peekable();
    while let Some((bytes, ntf)) = it.next() {
        let mut run = 1;
        while it.peek().is_some_and(|(b, _)| *b == bytes) {
            it.next();
            run += 1;
        }
        assert_eq!(
            run % LISTENERS,
            0,
            "{scenario} step {step}: {:?} captured {run} times",
            ntf.0
        );
        out.extend(std::iter::repeat_n(ntf, run / LISTENERS));
    }
    out
}

fn drain(core: &mut Core) -> Vec<Ntf> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| (n.cmd, n.body))
        .collect()
}

/// Netdev names and ifindexes.
fn normalise(ntfs: Vec<Ntf>) -> Vec<Ntf> {
    ntfs.into_iter()
        .map(|(cmd, mut body)| {
            if let DevlinkBody::Port(p) = &mut body {
                let p = std::sync::Arc::make_mut(p);
                if p.netdev_ifindex.is_some() {
                    p.netdev_ifindex = Some(0);
                }
                if p.netdev_name.is_some() {
                    p.netdev_name = Some("netdev".into());
                }
            }
            (cmd, body)
        })
        .collect()
}

/// 6.1's unregistration replay lists params and ports in reverse registration order;
/// mainline (and the core) in ascending key order. Reverse each run (see the header).
fn mainline_unregister_order(mut ntfs: Vec<Ntf>) -> Vec<Ntf> {
    for cmd in [Cmd::ParamDel, Cmd::PortDel] {
        let start = ntfs.iter().position(|(c, _)| *c == cmd).unwrap();
        let len = ntfs[start..].iter().take_while(|(c, _)| *c == cmd).count();
        ntfs[start..start + len].reverse();
    }
    ntfs
}

/// Count of the kernel's notifications in a step, as `summary.txt` lists them: proves
/// the step was found and de-duplicated right before comparing.
#[track_caller]
fn expect_len(step: Vec<Ntf>, n: usize) -> Vec<Ntf> {
    assert_eq!(step.len(), n, "kernel step size");
    step
}

#[track_caller]
fn assert_same(what: &str, kernel: Vec<Ntf>, ours: Vec<Ntf>) {
    let (kernel, ours) = (normalise(kernel), normalise(ours));
    for (i, (k, o)) in kernel.iter().zip(&ours).enumerate() {
        assert_eq!(k, o, "{what}: notification {i} differs (left: kernel)");
    }
    let cmds = |v: &[Ntf]| v.iter().map(|(c, _)| c.kernel_name()).collect::<Vec<_>>();
    assert_eq!(
        kernel.len(),
        ours.len(),
        "{what}: kernel sent {:?}\nwe sent {:?}",
        cmds(&kernel),
        cmds(&ours)
    );
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
        let req = ReloadReq {
            handle: DeviceOptions::new(14, 2).devlink_handle().unwrap(),
            netns_pid: None,
            netns_fd: None,
            netns_id: None,
            action: Some(action),
            limits: limits.map(|value| Bitfield32 {
                value,
                selector: value,
            }),
            unknown: Vec::new(),
        };
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
