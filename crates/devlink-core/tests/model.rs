//! Model-based property test of the core: random operation sequences on several
//! instances, registering first or last, with reloads (including failures), rejected
//! operations, health reports before registration and nested-instance relations.
//! After every step:
//! - the ordering checker accepts every notification;
//! - folding all notifications so far equals what the dumps show;
//! - a rejected operation changed nothing (revision, dumps) and emitted nothing.
//!
//! And the same sequence run twice gives the same trace.

#![allow(
    clippy::indexing_slicing,
    reason = "test harness: slot numbers come from 0..SLOTS"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devlink_core::Request;
use devlink_core::checker::Checker;
use devlink_core::fold::View;
use devlink_core::{
    Core, CoreError, Devl, Driver, DriverError, Errno, InstanceId, Lifecycle, ParamDef, PortAttrs,
    RegionDef, ReloadCaps,
};
use devlink_wire::devlink::{Bitfield32, DevReq, ParamGetReq, ParamSetReq, PortGetReq, ReloadReq};
use devlink_wire::devlink::{
    Handle, ParamValue, Stats, Trap, TrapGroup, TrapMetadata, TrapPolicer,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour};
use devlink_wire::spec::{
    LinecardState, ParamCmode, ReloadAction, ReloadLimit, TrapAction, TrapType, VarAttrType,
};
use proptest::prelude::*;

const SLOTS: u8 = 3;

/// A small driver: reload tears down ports 0..2 and the trap objects, then re-creates
/// them; `fail` makes `reload_up` fail.
struct Fake {
    fail: Arc<AtomicBool>,
}

fn policer(id: u32) -> TrapPolicer {
    TrapPolicer {
        handle: Handle::default(),
        id,
        rate: 1000 * u64::from(id),
        burst: 128,
        stats: Some(Stats {
            rx_dropped: Some(0),
            ..Stats::default()
        }),
        unknown: Vec::new(),
    }
}

fn group(n: u8, policer_id: Option<u32>) -> TrapGroup {
    TrapGroup {
        handle: Handle::default(),
        name: format!("group{n}"),
        generic: true,
        policer_id,
        stats: Stats::default(),
        unknown: Vec::new(),
    }
}

fn trap(n: u8, group: u8) -> Trap {
    Trap {
        handle: Handle::default(),
        group: format!("group{group}"),
        name: format!("trap{n}"),
        trap_type: TrapType::Drop,
        generic: true,
        action: TrapAction::Drop,
        metadata: TrapMetadata::default(),
        stats: Stats::default(),
        unknown: Vec::new(),
    }
}

fn build(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    for i in 0..2 {
        devl.port_register(i, PortAttrs::physical(i + 1))?;
    }
    devl.trap_policer_register(policer(1))?;
    devl.trap_group_register(group(0, Some(1)))?;
    devl.trap_register(trap(0, 0))?;
    Ok(())
}

fn teardown(devl: &mut Devl<'_>) {
    let _ = devl.trap_unregister("trap0");
    let _ = devl.trap_group_unregister("group0");
    let _ = devl.trap_policer_unregister(1);
    for i in 0..2 {
        let _ = devl.port_unregister(i);
    }
}

impl Driver for Fake {
    fn reload_caps(&self) -> ReloadCaps {
        ReloadCaps {
            actions: 1 << ReloadAction::DriverReinit as u32,
            limits: 0,
        }
    }

    fn reload_down(
        &mut self,
        devl: &mut Devl<'_>,
        _netns_change: bool,
        _action: ReloadAction,
        _limit: ReloadLimit,
    ) -> Result<(), DriverError> {
        teardown(devl);
        Ok(())
    }

    fn reload_up(
        &mut self,
        devl: &mut Devl<'_>,
        action: ReloadAction,
        _limit: ReloadLimit,
    ) -> Result<u32, DriverError> {
        if self.fail.load(Ordering::Relaxed) {
            return Err(DriverError::new(Errno::EINVAL, "fail_reload"));
        }
        build(devl).map_err(|e| DriverError::new(Errno::EINVAL, e.to_string()))?;
        Ok(1 << action as u32)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc(u8, bool),
    Register(u8),
    Unregister(u8),
    Free(u8),
    PortAdd(u8, u32, Option<u32>),
    PortDel(u8, u32),
    PortEth(u8, u32),
    PortClear(u8, u32),
    ParamAdd(u8, u32),
    ParamDel(u8, u32),
    ParamSet(u8, u32, u32, bool),
    PolicerAdd(u8, u32),
    PolicerDel(u8, u32),
    GroupAdd(u8, u8, Option<u32>),
    GroupDel(u8, u8),
    TrapAdd(u8, u8, u8),
    TrapDel(u8, u8),
    RegionAdd(u8, u8, Option<u32>),
    RegionDel(u8, u8, Option<u32>),
    SnapAdd(u8, u8, Option<u32>, u32),
    SnapDel(u8, u8, Option<u32>, u32),
    LeafAdd(u8, u32),
    LeafDel(u8, u32),
    NodeAdd(u8, u8, Option<u8>),
    NodeDel(u8, u8),
    NodesDestroy(u8),
    LinecardAdd(u8, u32),
    LinecardDel(u8, u32),
    LinecardProvision(u8, u32),
    HealthCreate(u8, Option<u32>),
    HealthReport(u8, Option<u32>),
    HealthRecover(u8, Option<u32>),
    Reload(u8, bool),
    /// `RELOAD` request: action (0..=3, 3 = absent), limits bits, fail knob, admin.
    ReqReload(u8, u8, Option<u32>, bool, bool),
    /// `PARAM_SET` request: param, cmode (0..=3, 3 invalid for it), value, as string, admin.
    ReqParamSet(u8, u32, u8, u32, bool, bool),
    /// `GET` / `PORT_GET` / `PARAM_GET` do requests, possibly for unknown objects.
    ReqGet(u8, u8, u32),
    /// Nest slot 2's instance in slot 1's: the instance (0), port (1) or line card (2)
    /// with that index.
    Nest(u8, u8, u8, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SLOTS;
    let port = 0u32..4;
    let oport = proptest::option::of(0u32..4);
    prop_oneof![
        2 => (s.clone(), any::<bool>()).prop_map(|(s, b)| Op::Alloc(s, b)),
        2 => s.clone().prop_map(Op::Register),
        1 => s.clone().prop_map(Op::Unregister),
        1 => s.clone().prop_map(Op::Free),
        4 => (s.clone(), port.clone(), proptest::option::of(0u32..2)).prop_map(|(s, p, l)| Op::PortAdd(s, p, l)),
        2 => (s.clone(), port.clone()).prop_map(|(s, p)| Op::PortDel(s, p)),
        2 => (s.clone(), port.clone()).prop_map(|(s, p)| Op::PortEth(s, p)),
        1 => (s.clone(), port.clone()).prop_map(|(s, p)| Op::PortClear(s, p)),
        2 => (s.clone(), 0u32..4).prop_map(|(s, i)| Op::ParamAdd(s, i)),
        1 => (s.clone(), 0u32..4).prop_map(|(s, i)| Op::ParamDel(s, i)),
        2 => (s.clone(), 0u32..4, any::<u32>(), any::<bool>()).prop_map(|(s, i, v, d)| Op::ParamSet(s, i, v, d)),
        1 => (s.clone(), 0u32..3).prop_map(|(s, i)| Op::PolicerAdd(s, i)),
        1 => (s.clone(), 0u32..3).prop_map(|(s, i)| Op::PolicerDel(s, i)),
        1 => (s.clone(), 0u8..3, proptest::option::of(0u32..3)).prop_map(|(s, g, p)| Op::GroupAdd(s, g, p)),
        1 => (s.clone(), 0u8..3).prop_map(|(s, g)| Op::GroupDel(s, g)),
        1 => (s.clone(), 0u8..3, 0u8..3).prop_map(|(s, t, g)| Op::TrapAdd(s, t, g)),
        1 => (s.clone(), 0u8..3).prop_map(|(s, t)| Op::TrapDel(s, t)),
        1 => (s.clone(), 0u8..2, oport.clone()).prop_map(|(s, r, p)| Op::RegionAdd(s, r, p)),
        1 => (s.clone(), 0u8..2, oport.clone()).prop_map(|(s, r, p)| Op::RegionDel(s, r, p)),
        2 => (s.clone(), 0u8..2, oport.clone(), 0u32..3).prop_map(|(s, r, p, i)| Op::SnapAdd(s, r, p, i)),
        1 => (s.clone(), 0u8..2, oport.clone(), 0u32..3).prop_map(|(s, r, p, i)| Op::SnapDel(s, r, p, i)),
        1 => (s.clone(), port.clone()).prop_map(|(s, p)| Op::LeafAdd(s, p)),
        1 => (s.clone(), port.clone()).prop_map(|(s, p)| Op::LeafDel(s, p)),
        1 => (s.clone(), 0u8..3, proptest::option::of(0u8..3)).prop_map(|(s, n, p)| Op::NodeAdd(s, n, p)),
        1 => (s.clone(), 0u8..3).prop_map(|(s, n)| Op::NodeDel(s, n)),
        1 => s.clone().prop_map(Op::NodesDestroy),
        1 => (s.clone(), 0u32..2).prop_map(|(s, l)| Op::LinecardAdd(s, l)),
        1 => (s.clone(), 0u32..2).prop_map(|(s, l)| Op::LinecardDel(s, l)),
        1 => (s.clone(), 0u32..2).prop_map(|(s, l)| Op::LinecardProvision(s, l)),
        1 => (s.clone(), oport.clone()).prop_map(|(s, p)| Op::HealthCreate(s, p)),
        2 => (s.clone(), oport.clone()).prop_map(|(s, p)| Op::HealthReport(s, p)),
        1 => (s.clone(), oport.clone()).prop_map(|(s, p)| Op::HealthRecover(s, p)),
        1 => (s.clone(), any::<bool>()).prop_map(|(s, f)| Op::Reload(s, f)),
        2 => (s.clone(), 0u8..4, proptest::option::of(0u32..4), any::<bool>(), any::<bool>())
            .prop_map(|(s, a, l, f, adm)| Op::ReqReload(s, a, l, f, adm)),
        3 => (s.clone(), 0u32..5, 0u8..4, any::<u32>(), any::<bool>(), any::<bool>())
            .prop_map(|(s, i, c, v, st, adm)| Op::ReqParamSet(s, i, c, v, st, adm)),
        1 => (s.clone(), 0u8..3, 0u32..5).prop_map(|(s, k, i)| Op::ReqGet(s, k, i)),
        4 => (s.clone(), s.clone(), 0u8..3, 0u32..4).prop_map(|(s, t, k, i)| Op::Nest(s, t, k, i)),
    ]
}

/// One run: the core, the slots' current instances and their fail knobs.
struct World {
    core: Core,
    slots: Vec<Option<(InstanceId, Arc<AtomicBool>)>>,
}

fn param_def(i: u32) -> ParamDef {
    ParamDef {
        id: i,
        name: format!("param{i}"),
        generic: i < 2,
        ty: VarAttrType::U32,
        values: vec![
            (ParamCmode::Runtime, ParamValue::U32(0)),
            (ParamCmode::Driverinit, ParamValue::U32(0)),
        ],
    }
}

fn region(r: u8, port: Option<u32>) -> RegionDef {
    RegionDef {
        name: format!("region{r}"),
        size: 4096,
        max_snapshots: 2,
        port,
    }
}

fn handle(s: u8) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{s}"))
}

impl World {
    /// Run a request. A refusal is `Err`; a reload that got past its checks and then
    /// failed in the driver (`reload_up`) changed state (`reload_failed`, torn-down
    /// objects) and said so: a failed operation, not a refusal.
    fn request(&mut self, cmd: Cmd, body: DevlinkBody, admin: bool) -> Result<(), String> {
        let rev = self.core.revision();
        let r = self.core.handle_request(Request {
            cmd,
            body,
            dump: false,
            admin,
        });
        match r {
            Ok(_) => Ok(()),
            Err(_) if cmd == Cmd::Reload && self.core.revision() != rev => Ok(()),
            Err(rej) => Err(format!("{:?} {:?}", rej.errno, rej.msg)),
        }
    }

    fn new() -> Self {
        Self {
            core: Core::new(),
            slots: vec![None; usize::from(SLOTS)],
        }
    }

    /// Apply one op; `Err` when the core (or the sequence) rejects it.
    fn apply(&mut self, op: &Op) -> Result<(), String> {
        let slot = |s: &u8| usize::from(*s);
        let id = |w: &Self, s: &u8| {
            w.slots[slot(s)]
                .as_ref()
                .map(|(id, _)| *id)
                .ok_or("empty slot".to_owned())
        };
        let e = |r: Result<(), CoreError>| r.map_err(|e| e.to_string());
        match op {
            Op::Alloc(s, register_first) => {
                if self.slots[slot(s)].is_some() {
                    return Err("slot in use".into());
                }
                let fail = Arc::new(AtomicBool::new(false));
                let handle = Handle::new("netdevsim", format!("netdevsim{s}"));
                let id = self
                    .core
                    .alloc(handle, Box::new(Fake { fail: fail.clone() }));
                self.slots[slot(s)] = Some((id, fail));
                // Probe like a driver: register first, or build then register last.
                if *register_first {
                    e(self.core.register(id))?;
                }
                let mut d = self.core.devl(id).map_err(|e| e.to_string())?;
                e(build(&mut d))?;
                Ok(())
            }
            Op::Register(s) => e(self.core.register(id(self, s)?)),
            Op::Unregister(s) => e(self.core.unregister(id(self, s)?)),
            Op::Free(s) => {
                let i = id(self, s)?;
                e(self.core.free(i))?;
                self.slots[slot(s)] = None;
                Ok(())
            }
            Op::Reload(s, fail) => {
                let (i, knob) = self.slots[slot(s)].clone().ok_or("empty slot")?;
                knob.store(*fail, Ordering::Relaxed);
                let r = self
                    .core
                    .reload(i, ReloadAction::DriverReinit, ReloadLimit::Unspec);
                // A failed reload_up is not a rejection: it changes state (and says so).
                if let Err(err) = r
                    && err.errno == Errno::ENODEV
                {
                    return Err(err.to_string());
                }
                Ok(())
            }
            Op::ReqReload(s, action, limits, fail, admin) => {
                let (_, knob) = self.slots[slot(s)].clone().ok_or("empty slot")?;
                knob.store(*fail, Ordering::Relaxed);
                let body = DevlinkBody::ReloadReq(ReloadReq {
                    handle: handle(*s),
                    netns_pid: None,
                    netns_fd: None,
                    netns_id: None,
                    action: ReloadAction::from_repr(*action),
                    limits: limits.map(|v| Bitfield32 {
                        value: v,
                        selector: v,
                    }),
                    unknown: vec![],
                });
                self.request(Cmd::Reload, body, *admin)
            }
            Op::ReqParamSet(s, i, cmode, v, string, admin) => {
                let value = if *string {
                    ParamValue::String(v.to_string())
                } else {
                    ParamValue::U32(*v)
                };
                let body = DevlinkBody::ParamSetReq(ParamSetReq {
                    handle: handle(*s),
                    port_index: None,
                    name: format!("param{i}"),
                    cmode: ParamCmode::from_repr(*cmode).unwrap_or(ParamCmode::Permanent),
                    reset_default: false,
                    ty: value.ty(),
                    value: Some(value),
                    unknown: vec![],
                });
                self.request(Cmd::ParamSet, body, *admin)
            }
            Op::ReqGet(s, kind, i) => {
                let (cmd, body) = match kind {
                    0 => (
                        Cmd::Get,
                        DevlinkBody::DevReq(DevReq {
                            handle: Some(handle(*s)),
                            unknown: vec![],
                        }),
                    ),
                    1 => (
                        Cmd::PortGet,
                        DevlinkBody::PortGetReq(PortGetReq {
                            handle: Some(handle(*s)),
                            index: Some(*i),
                            unknown: vec![],
                        }),
                    ),
                    _ => (
                        Cmd::ParamGet,
                        DevlinkBody::ParamGetReq(ParamGetReq {
                            handle: Some(handle(*s)),
                            port_index: None,
                            name: Some(format!("param{i}")),
                            unknown: vec![],
                        }),
                    ),
                };
                let rev = self.core.revision();
                let r = self.request(cmd, body, false);
                if self.core.revision() != rev {
                    return Err("a GET changed state".into());
                }
                r
            }
            Op::Nest(s, t, kind, index) => {
                let (i, n) = (id(self, s)?, id(self, t)?);
                let mut d = self.core.devl(i).map_err(|e| e.to_string())?;
                if d.lifecycle() == Lifecycle::Unregistered {
                    return Err("unregistered instance".into());
                }
                e(match kind {
                    0 => d.nested_devlink_set(n),
                    1 => d.port_fn_devlink_set(*index, n),
                    _ => d.linecard_nested_devlink_set(*index, n),
                })
            }
            other => {
                let s = match other {
                    Op::PortAdd(s, ..)
                    | Op::PortDel(s, ..)
                    | Op::PortEth(s, ..)
                    | Op::PortClear(s, ..)
                    | Op::ParamAdd(s, ..)
                    | Op::ParamDel(s, ..)
                    | Op::ParamSet(s, ..)
                    | Op::PolicerAdd(s, ..)
                    | Op::PolicerDel(s, ..)
                    | Op::GroupAdd(s, ..)
                    | Op::GroupDel(s, ..)
                    | Op::TrapAdd(s, ..)
                    | Op::TrapDel(s, ..)
                    | Op::RegionAdd(s, ..)
                    | Op::RegionDel(s, ..)
                    | Op::SnapAdd(s, ..)
                    | Op::SnapDel(s, ..)
                    | Op::LeafAdd(s, ..)
                    | Op::LeafDel(s, ..)
                    | Op::NodeAdd(s, ..)
                    | Op::NodeDel(s, ..)
                    | Op::NodesDestroy(s)
                    | Op::LinecardAdd(s, ..)
                    | Op::LinecardDel(s, ..)
                    | Op::LinecardProvision(s, ..)
                    | Op::HealthCreate(s, ..)
                    | Op::HealthReport(s, ..)
                    | Op::HealthRecover(s, ..) => s,
                    _ => unreachable!(),
                };
                let i = id(self, s)?;
                let mut d = self.core.devl(i).map_err(|e| e.to_string())?;
                if d.lifecycle() == Lifecycle::Unregistered {
                    return Err("unregistered instance".into());
                }
                e(devl_op(&mut d, other))
            }
        }
    }
}

fn devl_op(d: &mut Devl<'_>, op: &Op) -> Result<(), CoreError> {
    let node = |n: u8| format!("node{n}");
    match op {
        Op::PortAdd(_, p, lc) => {
            let mut attrs = PortAttrs::physical(p + 1);
            if *p == 3 {
                // A local PCI SF port: one that can have a nested instance.
                attrs.flavour = PortFlavour::PciSf;
                (attrs.number, attrs.controller, attrs.pci_pf, attrs.pci_sf) =
                    (None, Some(0), Some(0), Some(1));
                attrs.external = Some(false);
            }
            attrs.linecard = *lc;
            d.port_register(*p, attrs)
        }
        Op::PortDel(_, p) => d.port_unregister(*p),
        Op::PortEth(_, p) => d.port_type_eth_set(*p, Some((100 + p, format!("eth{p}")))),
        Op::PortClear(_, p) => d.port_type_clear(*p),
        Op::ParamAdd(_, i) => d.param_register(param_def(*i)),
        Op::ParamDel(_, i) => d.param_unregister(&format!("param{i}")),
        Op::ParamSet(_, i, v, di) => {
            let cmode = if *di {
                ParamCmode::Driverinit
            } else {
                ParamCmode::Runtime
            };
            d.param_set(&format!("param{i}"), cmode, ParamValue::U32(*v))
        }
        Op::PolicerAdd(_, i) => d.trap_policer_register(policer(*i)),
        Op::PolicerDel(_, i) => d.trap_policer_unregister(*i),
        Op::GroupAdd(_, g, p) => d.trap_group_register(group(*g, *p)),
        Op::GroupDel(_, g) => d.trap_group_unregister(&format!("group{g}")),
        Op::TrapAdd(_, t, g) => d.trap_register(trap(*t, *g)),
        Op::TrapDel(_, t) => d.trap_unregister(&format!("trap{t}")),
        Op::RegionAdd(_, r, p) => d.region_create(region(*r, *p)),
        Op::RegionDel(_, r, p) => d.region_destroy(*p, &format!("region{r}")),
        Op::SnapAdd(_, r, p, i) => {
            d.region_snapshot_create(*p, &format!("region{r}"), *i, vec![1, 2, 3])
        }
        Op::SnapDel(_, r, p, i) => d.region_snapshot_delete(*p, &format!("region{r}"), *i),
        Op::LeafAdd(_, p) => d.rate_leaf_create(*p),
        Op::LeafDel(_, p) => d.rate_leaf_destroy(*p),
        Op::NodeAdd(_, n, p) => d.rate_node_create(&node(*n), p.map(node).as_deref()),
        Op::NodeDel(_, n) => d.rate_node_destroy(&node(*n)),
        Op::NodesDestroy(_) => {
            d.rate_nodes_destroy();
            Ok(())
        }
        Op::LinecardAdd(_, l) => d.linecard_create(*l, vec!["16x100G".into()]),
        Op::LinecardDel(_, l) => d.linecard_destroy(*l),
        Op::LinecardProvision(_, l) => {
            d.linecard_state_set(*l, LinecardState::Provisioned, Some("16x100G".into()))
        }
        Op::HealthCreate(_, p) => d.health_reporter_create(*p, "fw", Some(500), Some(true)),
        Op::HealthReport(_, p) => d.health_report(*p, "fw"),
        Op::HealthRecover(_, p) => d.health_recovered(*p, "fw"),
        _ => Ok(()),
    }
}

/// Run a sequence, checking every invariant after every step; returns the trace.
fn run(ops: &[Op]) -> Result<Vec<String>, TestCaseError> {
    let mut w = World::new();
    let mut checker = Checker::new();
    let mut folded = View::default();
    let mut trace = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let before_rev = w.core.revision();
        let before_view = View::from_dump(&w.core);
        let result = w.apply(op);
        let mut emitted = 0;
        while let Some(n) = w.core.poll_notification() {
            emitted += 1;
            checker
                .check(Some(n.revision), n.cmd, &n.body)
                .map_err(|v| TestCaseError::fail(format!("step {step} {op:?}: {v}")))?;
            folded.apply(n.cmd, &n.body);
            trace.push(format!("{} {:?} {:?}", n.revision, n.cmd, n.body));
        }
        let now = View::from_dump(&w.core);
        match result {
            Err(why) if !matches!(op, Op::Alloc(..)) => {
                prop_assert_eq!(
                    emitted,
                    0,
                    "step {} {:?} rejected ({}) but emitted",
                    step,
                    op,
                    why
                );
                prop_assert_eq!(
                    w.core.revision(),
                    before_rev,
                    "step {} {:?} rejected but changed",
                    step,
                    op
                );
                prop_assert_eq!(&now, &before_view);
                trace.push(format!("rejected {why}"));
            }
            _ => {}
        }
        prop_assert_eq!(&folded, &now, "fold != dump after step {} {:?}", step, op);
    }
    Ok(trace)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_contract(ops in proptest::collection::vec(op(), 1..40)) {
        let first = run(&ops)?;
        let second = run(&ops)?;
        prop_assert_eq!(first, second, "same sequence, different trace");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200_000, ..ProptestConfig::default() })]

    /// The soak: `cargo test -p devlink-core --release -- --ignored`.
    #[test]
    #[ignore = "soak; run with --ignored"]
    fn soak(ops in proptest::collection::vec(op(), 1..120)) {
        run(&ops)?;
    }
}
