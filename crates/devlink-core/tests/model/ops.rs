//! The driver-API operations of the random sequences and their strategy.

use devlink_core::{CoreError, Devl, ReporterOps};
use devlink_wire::devlink::ParamValue;
use devlink_wire::spec::{LinecardState, ParamCmode, PortFlavour};
use proptest::prelude::*;

use crate::SLOTS;
use crate::dumps::KINDS;
use crate::fake::{LC_TYPES, group, param_def, physical, policer, region, trap};
use crate::requests::{Req, req};

#[derive(Debug, Clone)]
pub(crate) enum Op {
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
    /// A reporter `fw`, with every op (recover, dump, test) or none.
    HealthCreate(u8, Option<u32>, bool),
    HealthReport(u8, Option<u32>),
    HealthRecover(u8, Option<u32>),
    Reload(u8, bool),
    /// `RELOAD` request: action (0..=3, 3 = absent), limits bits, fail knob, admin.
    ReqReload(u8, u8, Option<u32>, bool, bool),
    /// `PARAM_SET` request: param, cmode (0..=3, 3 invalid for it), value, as string, admin.
    ReqParamSet(u8, u32, u8, u32, bool, bool),
    /// `GET` / `PORT_GET` / `PARAM_GET` do requests, possibly for unknown objects.
    ReqGet(u8, u8, u32),
    /// A state-changing request of some area, with admin or not.
    Req(u8, bool, Req),
    /// A dump: kind, of one slot's instance or all, replies per call (1..=5).
    Dump(u8, Option<u8>, u8),
    /// Time passes (ms).
    Tick(u64),
    /// `Alloc`, then [`populate`], then `Register` if not registered first: one step.
    Setup(u8, bool),
    /// Nest slot 2's instance in slot 1's: the instance (0), port (1) or line card (2)
    /// with that index.
    Nest(u8, u8, u8, u32),
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
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
        1 => (s.clone(), oport.clone(), any::<bool>()).prop_map(|(s, p, f)| Op::HealthCreate(s, p, f)),
        2 => (s.clone(), oport.clone()).prop_map(|(s, p)| Op::HealthReport(s, p)),
        1 => (s.clone(), oport.clone()).prop_map(|(s, p)| Op::HealthRecover(s, p)),
        1 => (s.clone(), any::<bool>()).prop_map(|(s, f)| Op::Reload(s, f)),
        2 => (s.clone(), 0u8..4, proptest::option::of(0u32..4), any::<bool>(), any::<bool>())
            .prop_map(|(s, a, l, f, adm)| Op::ReqReload(s, a, l, f, adm)),
        3 => (s.clone(), 0u32..5, 0u8..4, any::<u32>(), any::<bool>(), any::<bool>())
            .prop_map(|(s, i, c, v, st, adm)| Op::ReqParamSet(s, i, c, v, st, adm)),
        1 => (s.clone(), 0u8..3, 0u32..5).prop_map(|(s, k, i)| Op::ReqGet(s, k, i)),
        30 => (s.clone(), proptest::bool::weighted(0.9), req()).prop_map(|(s, a, r)| Op::Req(s, a, r)),
        4 => (0..KINDS, proptest::option::of(s.clone()), 1u8..=5).prop_map(|(k, f, b)| Op::Dump(k, f, b)),
        1 => (0u64..2000).prop_map(Op::Tick),
        4 => (s.clone(), s.clone(), 0u8..3, 0u32..4).prop_map(|(s, t, k, i)| Op::Nest(s, t, k, i)),
    ]
}

pub(crate) fn devl_op(d: &mut Devl<'_>, op: &Op) -> Result<(), CoreError> {
    let node = |n: u8| format!("node{n}");
    match op {
        Op::PortAdd(_, p, lc) => {
            let mut attrs = physical(*p);
            if *p == 3 {
                // A local PCI SF port: one that can have a nested instance.
                attrs.flavour = PortFlavour::PciSf;
                (attrs.number, attrs.controller, attrs.pci_pf, attrs.pci_sf) =
                    (None, Some(0), Some(0), Some(1));
                attrs.external = Some(false);
                attrs.splittable = false;
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
        Op::LinecardAdd(_, l) => d.linecard_create(*l, LC_TYPES.map(String::from).to_vec()),
        Op::LinecardDel(_, l) => d.linecard_destroy(*l),
        Op::LinecardProvision(_, l) => {
            d.linecard_state_set(*l, LinecardState::Provisioned, Some("16x100G".into()))
        }
        Op::HealthCreate(_, p, full) => {
            let ops = ReporterOps {
                recover: *full,
                dump: *full,
                diagnose: false,
                test: *full,
                default_graceful_period: 500,
            };
            d.health_reporter_create_ops(*p, "fw", ops)
        }
        Op::HealthReport(_, p) => d.health_report(*p, "fw"),
        Op::HealthRecover(_, p) => d.health_recovered(*p, "fw"),
        _ => Ok(()),
    }
}

/// What [`Op::Setup`] does after the `Alloc`: line cards, extra ports, health
/// reporters, regions, rate leaves and nodes, a param and more traps.
pub(crate) fn populate(s: u8) -> [Op; 21] {
    [
        Op::LinecardAdd(s, 0),
        Op::LinecardAdd(s, 1),
        Op::PortAdd(s, 2, Some(0)),
        Op::PortAdd(s, 3, None),
        Op::HealthCreate(s, None, true),
        Op::HealthCreate(s, Some(0), true),
        Op::HealthCreate(s, Some(1), true),
        Op::HealthCreate(s, Some(2), false),
        Op::RegionAdd(s, 0, None),
        Op::RegionAdd(s, 1, None),
        Op::RegionAdd(s, 0, Some(0)),
        Op::LeafAdd(s, 0),
        Op::LeafAdd(s, 1),
        Op::NodeAdd(s, 0, None),
        Op::NodeAdd(s, 1, Some(0)),
        Op::ParamAdd(s, 0),
        Op::PolicerAdd(s, 2),
        Op::GroupAdd(s, 1, Some(2)),
        Op::GroupAdd(s, 2, None),
        Op::TrapAdd(s, 1, 1),
        Op::TrapAdd(s, 2, 2),
    ]
}

/// A start that gives the random ops something to work on: most slots get a
/// populated instance, registered first or last.
pub(crate) fn setup() -> impl Strategy<Value = Vec<Op>> {
    let slot = (proptest::bool::weighted(0.8), any::<bool>());
    proptest::collection::vec(slot, usize::from(SLOTS)).prop_map(|slots| {
        (0..SLOTS)
            .zip(slots)
            .filter(|(_, (on, _))| *on)
            .map(|(s, (_, first))| Op::Setup(s, first))
            .collect()
    })
}

/// A random sequence of up to `max` ops after [`setup`].
pub(crate) fn sequence(max: usize) -> impl Strategy<Value = Vec<Op>> {
    (setup(), proptest::collection::vec(op(), 1..max)).prop_map(|(mut ops, more)| {
        ops.extend(more);
        ops
    })
}
