//! Requests of every area that changes state, with arguments drawn so that both
//! accepted and refused requests come up (unknown names and ports, bad values, driver
//! refusals, failures after a change), and random dumps read with small budgets.

use devlink_wire::devlink::{
    HealthReq, HealthSetReq, LinecardSetReq, PortFunction, PortKeyReq, PortNewReq, PortSetReq,
    PortSplitReq, RateDelReq, RateKey, RateReq, RegionDelReq, RegionNewReq, ResourceSetReq,
    TrapGroupSetReq, TrapPolicerSetReq, TrapSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour, PortFnState, PortType, TrapAction};
use proptest::prelude::*;

use crate::fake::{LC_TYPES, handle};
use crate::sb::{self, SbReq};

/// Rate node names: valid ones, one the driver refuses to create, invalid ones.
const NODES: [&str; 6] = ["node0", "node1", "node2", "bad", "", "7"];

/// A port index: physical, unknown, user-created, split.
fn port() -> impl Strategy<Value = u32> + Clone {
    proptest::sample::select(vec![0u32, 1, 2, 3, 9, 10, 11, 100, 101, 104, 108])
}

fn node() -> impl Strategy<Value = u8> + Clone {
    0u8..6
}

fn node_name(n: u8) -> String {
    NODES[usize::from(n)].to_owned()
}

/// A state-changing request of some area.
#[derive(Debug, Clone)]
pub(crate) enum Req {
    /// Type (0 eth, 1 ib, 2 auto), hardware address (0 unicast, 1 multicast, 2 short),
    /// function state (active or not).
    PortSet(u32, Option<u8>, Option<u8>, Option<bool>),
    /// Index asked, SF (else VF, which the driver refuses).
    PortNew(Option<u32>, bool),
    PortDel(u32),
    PortSplit(u32, u32),
    PortUnsplit(u32),
    /// Node, tx_share, tx_max, parent (`None`: absent; `""` detaches).
    RateNew(u8, Option<u64>, Option<u64>, Option<u8>),
    /// A leaf (port) or a node; tx_share, tx_max, parent.
    RateSet(Result<u32, u8>, Option<u64>, Option<u64>, Option<u8>),
    RateDel(u8),
    /// Card, type (0..3 the supported ones, 3 unprovision, 4 unsupported).
    LinecardSet(u32, Option<u8>),
    /// Port, region (0 snapshots, 1 no snapshot op, 2 unknown), snapshot id.
    RegionNew(Option<u32>, u8, Option<u32>),
    RegionDel(Option<u32>, u8, u32),
    /// Port, known name, graceful period, burst period, auto-recover, auto-dump.
    HealthSet(
        Option<u32>,
        bool,
        Option<u64>,
        Option<u64>,
        Option<bool>,
        Option<bool>,
    ),
    HealthRecover(Option<u32>, bool),
    HealthTest(Option<u32>, bool),
    /// Trap, action (0..3, 3 absent).
    TrapSet(Option<u8>, u8),
    /// Group, action, policer (0 unbinds).
    TrapGroupSet(Option<u8>, u8, Option<u32>),
    /// Policer, rate, burst.
    TrapPolicerSet(Option<u32>, Option<u64>, Option<u64>),
    /// Resource id (3 unknown), size.
    ResourceSet(u64, u64),
    /// A shared-buffer set.
    Sb(SbReq),
}

pub(crate) fn req() -> impl Strategy<Value = Req> {
    let oport = proptest::option::of(port());
    let oname = proptest::option::of(0u8..4);
    let share = proptest::option::of(proptest::sample::select(vec![5u64, 500, 5000]));
    prop_oneof![
        4 => (port(), proptest::option::of(0u8..3), proptest::option::of(0u8..3), proptest::option::of(any::<bool>()))
            .prop_map(|(p, t, h, s)| Req::PortSet(p, t, h, s)),
        2 => (proptest::option::of(proptest::sample::select(vec![0u32, 10, 11, 12])), any::<bool>())
            .prop_map(|(i, sf)| Req::PortNew(i, sf)),
        1 => port().prop_map(Req::PortDel),
        2 => (port(), proptest::sample::select(vec![1u32, 2, 3, 4, 8])).prop_map(|(p, c)| Req::PortSplit(p, c)),
        1 => port().prop_map(Req::PortUnsplit),
        3 => (node(), share.clone(), proptest::option::of(Just(7u64)), proptest::option::of(node()))
            .prop_map(|(n, s, m, p)| Req::RateNew(n, s, m, p)),
        3 => (prop_oneof![port().prop_map(Ok), node().prop_map(Err)], share, proptest::option::of(Just(7u64)), proptest::option::of(node()))
            .prop_map(|(k, s, m, p)| Req::RateSet(k, s, m, p)),
        2 => node().prop_map(Req::RateDel),
        3 => (0u32..3, proptest::option::of(0u8..5)).prop_map(|(l, t)| Req::LinecardSet(l, t)),
        3 => (oport.clone(), 0u8..3, proptest::option::of(0u32..3)).prop_map(|(p, r, i)| Req::RegionNew(p, r, i)),
        2 => (oport.clone(), 0u8..3, 0u32..3).prop_map(|(p, r, i)| Req::RegionDel(p, r, i)),
        2 => (oport.clone(), any::<bool>(), proptest::option::of(proptest::sample::select(vec![0u64, 100])),
              proptest::option::of(proptest::sample::select(vec![0u64, 50])), proptest::option::of(any::<bool>()),
              proptest::option::of(any::<bool>()))
            .prop_map(|(p, n, g, b, r, d)| Req::HealthSet(p, n, g, b, r, d)),
        2 => (oport.clone(), any::<bool>()).prop_map(|(p, n)| Req::HealthRecover(p, n)),
        2 => (oport, any::<bool>()).prop_map(|(p, n)| Req::HealthTest(p, n)),
        2 => (oname.clone(), 0u8..4).prop_map(|(t, a)| Req::TrapSet(t, a)),
        2 => (oname, 0u8..4, proptest::option::of(proptest::sample::select(vec![0u32, 1, 2, 5])))
            .prop_map(|(g, a, p)| Req::TrapGroupSet(g, a, p)),
        2 => (proptest::option::of(0u32..4), proptest::option::of(proptest::sample::select(vec![0u64, 500, 20_000])),
              proptest::option::of(proptest::sample::select(vec![0u64, 100, 5000])))
            .prop_map(|(i, r, b)| Req::TrapPolicerSet(i, r, b)),
        2 => (1u64..4, proptest::sample::select(vec![0u64, 40, 50, 150, 155, 2000])).prop_map(|(i, s)| Req::ResourceSet(i, s)),
        4 => sb::req().prop_map(Req::Sb),
    ]
}

/// Requests that may fail after they changed something (the kernel's partial
/// successes): a refusal of these is told apart by the revision.
pub(crate) const fn may_fail_after_change(cmd: Cmd) -> bool {
    matches!(
        cmd,
        Cmd::Reload
            | Cmd::PortSet
            | Cmd::RateSet
            | Cmd::RateDel
            | Cmd::LinecardSet
            | Cmd::TrapGroupSet
            | Cmd::HealthReporterTest
    )
}

fn action(a: u8) -> Option<TrapAction> {
    TrapAction::from_repr(a)
}

/// The request `r` for slot `s`.
pub(crate) fn request(s: u8, r: &Req) -> (Cmd, DevlinkBody) {
    let handle = handle(s);
    let region = |r: u8| format!("region{r}");
    let reporter = |known: bool| Some(if known { "fw" } else { "nope" }.to_owned());
    match r {
        Req::PortSet(index, ty, hw, state) => {
            let hw_addr = hw.map(|h| match h {
                0 => vec![2, 0, 0, 0, 0, 1],
                1 => vec![1, 0, 0, 0, 0, 1],
                _ => vec![2, 0, 0],
            });
            let state = state.map(|a| {
                if a {
                    PortFnState::Active
                } else {
                    PortFnState::Inactive
                }
            });
            let function = (hw_addr.is_some() || state.is_some()).then(|| PortFunction {
                hw_addr,
                state,
                ..PortFunction::default()
            });
            let port_type = ty.map(|t| match t {
                0 => PortType::Eth,
                1 => PortType::Ib,
                _ => PortType::Auto,
            });
            let body = PortSetReq {
                handle,
                index: *index,
                port_type,
                function,
                unknown: vec![],
            };
            (Cmd::PortSet, DevlinkBody::from(body))
        }
        Req::PortNew(index, sf) => {
            let body = PortNewReq {
                handle,
                index: *index,
                flavour: if *sf {
                    PortFlavour::PciSf
                } else {
                    PortFlavour::PciVf
                },
                pci_pf: 0,
                pci_sf: sf.then_some(1),
                controller: None,
                unknown: vec![],
            };
            (Cmd::PortNew, DevlinkBody::from(body))
        }
        Req::PortDel(index) | Req::PortUnsplit(index) => {
            let cmd = if matches!(r, Req::PortDel(_)) {
                Cmd::PortDel
            } else {
                Cmd::PortUnsplit
            };
            let body = PortKeyReq {
                handle,
                index: *index,
                unknown: vec![],
            };
            (cmd, DevlinkBody::from(body))
        }
        Req::PortSplit(index, count) => {
            let body = PortSplitReq {
                handle,
                index: *index,
                count: *count,
                unknown: vec![],
            };
            (Cmd::PortSplit, DevlinkBody::from(body))
        }
        Req::RateNew(n, tx_share, tx_max, parent)
        | Req::RateSet(Err(n), tx_share, tx_max, parent) => {
            let cmd = if matches!(r, Req::RateNew(..)) {
                Cmd::RateNew
            } else {
                Cmd::RateSet
            };
            rate(
                cmd,
                handle,
                RateKey::Node(node_name(*n)),
                *tx_share,
                *tx_max,
                *parent,
            )
        }
        Req::RateSet(Ok(p), tx_share, tx_max, parent) => rate(
            Cmd::RateSet,
            handle,
            RateKey::Leaf(*p),
            *tx_share,
            *tx_max,
            *parent,
        ),
        Req::RateDel(n) => {
            let body = RateDelReq {
                handle,
                node: node_name(*n),
                unknown: vec![],
            };
            (Cmd::RateDel, DevlinkBody::from(body))
        }
        Req::LinecardSet(index, ty) => {
            let lc_type = ty.map(|t| match t {
                0..3 => LC_TYPES[usize::from(t)].to_owned(),
                3 => String::new(),
                _ => "bogus".to_owned(),
            });
            let body = LinecardSetReq {
                handle,
                index: *index,
                lc_type,
                unknown: vec![],
            };
            (Cmd::LinecardSet, DevlinkBody::from(body))
        }
        Req::RegionNew(port, r, id) => {
            let body = RegionNewReq {
                handle,
                port_index: *port,
                name: region(*r),
                snapshot_id: *id,
                unknown: vec![],
            };
            (Cmd::RegionNew, DevlinkBody::from(body))
        }
        Req::RegionDel(port, r, id) => {
            let body = RegionDelReq {
                handle,
                port_index: *port,
                name: region(*r),
                snapshot_id: *id,
                unknown: vec![],
            };
            (Cmd::RegionDel, DevlinkBody::from(body))
        }
        Req::HealthSet(port, known, graceful, burst, auto_recover, auto_dump) => {
            let body = HealthSetReq {
                handle,
                port_index: *port,
                name: reporter(*known).unwrap_or_default(),
                graceful_period: *graceful,
                burst_period: *burst,
                auto_recover: *auto_recover,
                auto_dump: *auto_dump,
                unknown: vec![],
            };
            (Cmd::HealthReporterSet, DevlinkBody::from(body))
        }
        Req::HealthRecover(port, known) | Req::HealthTest(port, known) => {
            let cmd = if matches!(r, Req::HealthTest(..)) {
                Cmd::HealthReporterTest
            } else {
                Cmd::HealthReporterRecover
            };
            let body = HealthReq {
                handle: Some(handle),
                port_index: *port,
                name: reporter(*known),
                unknown: vec![],
            };
            (cmd, DevlinkBody::from(body))
        }
        Req::TrapSet(t, a) => {
            let body = TrapSetReq {
                handle,
                name: t.map(|t| format!("trap{t}")),
                action: action(*a),
                unknown: vec![],
            };
            (Cmd::TrapSet, DevlinkBody::from(body))
        }
        Req::TrapGroupSet(g, a, policer_id) => {
            let body = TrapGroupSetReq {
                handle,
                name: g.map(|g| format!("group{g}")),
                action: action(*a),
                policer_id: *policer_id,
                unknown: vec![],
            };
            (Cmd::TrapGroupSet, DevlinkBody::from(body))
        }
        Req::TrapPolicerSet(id, rate, burst) => {
            let body = TrapPolicerSetReq {
                handle,
                id: *id,
                rate: *rate,
                burst: *burst,
                unknown: vec![],
            };
            (Cmd::TrapPolicerSet, DevlinkBody::from(body))
        }
        Req::ResourceSet(id, size) => {
            let body = ResourceSetReq {
                handle,
                id: *id,
                size: *size,
                unknown: vec![],
            };
            (Cmd::ResourceSet, DevlinkBody::from(body))
        }
        Req::Sb(r) => sb::request(handle, r),
    }
}

fn rate(
    cmd: Cmd,
    handle: devlink_wire::devlink::Handle,
    key: RateKey,
    tx_share: Option<u64>,
    tx_max: Option<u64>,
    parent: Option<u8>,
) -> (Cmd, DevlinkBody) {
    let body = RateReq {
        handle,
        key,
        tx_share,
        tx_max,
        tx_priority: None,
        tx_weight: None,
        parent: parent.map(node_name),
        tc_bws: vec![],
        unknown: vec![],
    };
    (cmd, DevlinkBody::from(body))
}
