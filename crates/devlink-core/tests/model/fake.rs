//! The test's driver: a small fake with the ops the random sequences exercise, and the
//! objects it builds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devlink_core::{
    CoreError, DevObjError, Devl, Driver, DriverError, Errno, ParamDef, PolicerLimits, PortAttrs,
    PortFnChange, PortNewAttrs, PortOps, RESOURCE_ID_PARENT_TOP, RateChange, RateOps, RateSetOps,
    RegionDef, RegionOps, ReloadCaps, ResourceDef, SbPortPoolKey, SbTcKey, TrapCaps, TrapCounters,
};
use devlink_wire::devlink::{
    FmsgItem, Handle, ParamValue, PortFunction, RateKey, Stats, Trap, TrapGroup, TrapMetadata,
    TrapPolicer,
};
use devlink_wire::spec::{
    LinecardState, ParamCmode, PortFlavour, PortFnOpstate, PortFnState, PortType, ReloadAction,
    ReloadLimit, ResourceUnit, SbThresholdType, TrapAction, TrapType, VarAttrType,
};

use crate::sb::{SB, SbState};

/// User-created (`PORT_NEW`) ports start here.
pub(crate) const SF_BASE: u32 = 10;
/// Split port `sub` of port `p` is `SPLIT_BASE + 4 * p + sub`.
pub(crate) const SPLIT_BASE: u32 = 100;
/// The line card types every card supports: the first provisions at once, the second
/// fails in the driver, the third stays `PROVISIONING`.
pub(crate) const LC_TYPES: [&str; 3] = ["16x100G", "8x200G", "4x400G"];

/// A small driver: reload tears down ports 0..2, the trap objects and the shared buffer,
/// then re-creates them; `fail` makes `reload_up` fail. Its request ops succeed or fail
/// by rule (see each), so that random requests meet both, including failures after a
/// change.
pub(crate) struct Fake {
    pub(crate) fail: Arc<AtomicBool>,
    /// Split ports: original index → count.
    pub(crate) split: BTreeMap<u32, u32>,
    /// The shared buffer's configuration (kept across reloads, as the hardware's).
    pub(crate) sb: SbState,
}

impl Fake {
    pub(crate) fn new(fail: Arc<AtomicBool>) -> Self {
        Self {
            fail,
            split: BTreeMap::new(),
            sb: SbState::default(),
        }
    }
}

fn err(errno: i32, msg: &str) -> DriverError {
    DriverError::new(Errno(errno), msg)
}

const EIO: i32 = 5;
const EBUSY: i32 = 16;
const EINVAL: i32 = 22;
const ENOSPC: i32 = 28;
const EOPNOTSUPP: i32 = 95;

/// A physical port: even ones are splittable in 4 lanes.
pub(crate) fn physical(p: u32) -> PortAttrs {
    let mut attrs = PortAttrs::physical(p + 1);
    attrs.splittable = p.is_multiple_of(2);
    attrs.lanes = 4;
    attrs
}

/// The resources registered at probe: `kvd` (id 1) and its child `linear` (id 2).
pub(crate) fn resources(devl: &mut Devl<'_>) -> Result<(), DevObjError> {
    let def = |name: &str, id, parent, size| ResourceDef {
        name: name.into(),
        size,
        id,
        parent,
        size_min: 0,
        size_max: 1000,
        size_granularity: 10,
        unit: ResourceUnit::Entry,
    };
    devl.resource_register(def("kvd", 1, RESOURCE_ID_PARENT_TOP, 100))?;
    devl.resource_register(def("linear", 2, 1, 50))?;
    Ok(())
}

pub(crate) fn policer(id: u32) -> TrapPolicer {
    TrapPolicer {
        handle: Handle::default(),
        id,
        rate: 1000 * u64::from(id),
        burst: 128,
        stats: None,
        unknown: Vec::new(),
    }
}

/// The drop counters `build` installs: fixed per object, so that the dump checks (a
/// dump reply equals the object's `GET`, and `Core::dump_objects`) hold while every
/// trap and policer message still carries a count read at fill time.
#[derive(Debug)]
struct Drops;

impl TrapCounters for Drops {
    fn trap_drop(&self, trap: &str) -> Result<Option<u64>, DriverError> {
        Ok(u64::try_from(trap.len()).ok())
    }

    fn policer_drop(&self, id: u32) -> Result<Option<u64>, DriverError> {
        Ok(Some(u64::from(id) * 10))
    }
}

pub(crate) fn group(n: u8, policer_id: Option<u32>) -> TrapGroup {
    TrapGroup {
        handle: Handle::default(),
        name: format!("group{n}"),
        generic: true,
        policer_id,
        stats: Stats::default(),
        unknown: Vec::new(),
    }
}

pub(crate) fn trap(n: u8, group: u8) -> Trap {
    Trap {
        handle: Handle::default(),
        group: format!("group{group}"),
        name: format!("trap{n}"),
        trap_type: if n == 1 {
            TrapType::Control
        } else {
            TrapType::Drop
        },
        generic: true,
        action: if n == 1 {
            TrapAction::Trap
        } else {
            TrapAction::Drop
        },
        metadata: TrapMetadata::default(),
        stats: Stats::default(),
        unknown: Vec::new(),
    }
}

pub(crate) fn build(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    devl.trap_counters_set(Some(Arc::new(Drops)));
    for i in 0..2 {
        devl.port_register(i, physical(i))?;
    }
    devl.trap_policer_register(policer(1))?;
    devl.trap_group_register(group(0, Some(1)))?;
    devl.trap_register(trap(0, 0))?;
    // Taken down by `teardown`, so never there yet (and its error is no `CoreError`).
    let _ = devl.sb_register(SB);
    Ok(())
}

pub(crate) fn teardown(devl: &mut Devl<'_>) {
    let _ = devl.sb_unregister(SB.index);
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

    /// Every port has type and hardware-address setters; even ports a state setter;
    /// all but user-created ports the split op.
    fn port_ops(&self, index: u32) -> PortOps {
        PortOps {
            type_set: true,
            split: !(SF_BASE..SPLIT_BASE).contains(&index),
            fn_hw_addr_set: true,
            fn_state_set: index.is_multiple_of(2),
            ..PortOps::default()
        }
    }

    /// InfiniBand is refused.
    fn port_type_set(&mut self, _: &mut Devl<'_>, _: u32, ty: PortType) -> Result<(), DriverError> {
        if ty == PortType::Ib {
            return Err(err(EOPNOTSUPP, "no InfiniBand"));
        }
        Ok(())
    }

    /// Deactivating a function fails (after any hardware address was set).
    fn port_fn_set(
        &mut self,
        _: &mut Devl<'_>,
        _: u32,
        change: &PortFnChange,
        function: &mut PortFunction,
    ) -> Result<(), DriverError> {
        match change {
            PortFnChange::State(PortFnState::Inactive) => Err(err(EIO, "cannot deactivate")),
            PortFnChange::State(PortFnState::Active) => {
                function.opstate = Some(PortFnOpstate::Attached);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// PCI SF ports only, at the index asked or the first free one from `SF_BASE`.
    fn port_new(&mut self, devl: &mut Devl<'_>, a: &PortNewAttrs) -> Result<u32, DriverError> {
        if a.flavour != PortFlavour::PciSf {
            return Err(err(EOPNOTSUPP, "Unsupported port flavour"));
        }
        let candidates = a.port_index.map_or(SF_BASE..SF_BASE + 2, |i| i..i + 1);
        for index in candidates {
            let mut attrs = PortAttrs::physical(0);
            attrs.flavour = PortFlavour::PciSf;
            attrs.number = None;
            attrs.pci_pf = Some(a.pfnum);
            attrs.controller = Some(a.controller.map_or(0, u32::from));
            attrs.pci_sf = a.sfnum;
            if devl.port_register(index, attrs).is_ok() {
                return Ok(index);
            }
        }
        Err(err(ENOSPC, "no free port index"))
    }

    /// Only user-created ports can be deleted.
    fn port_del(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        if !(SF_BASE..SPLIT_BASE).contains(&index) {
            return Err(err(EOPNOTSUPP, "not a user port"));
        }
        devl.port_unregister(index)
            .map_err(|e| err(EINVAL, &e.to_string()))
    }

    fn port_split(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        count: u32,
    ) -> Result<(), DriverError> {
        if self.split.contains_key(&index) {
            return Err(err(EBUSY, "already split"));
        }
        devl.port_unregister(index)
            .map_err(|e| err(EINVAL, &e.to_string()))?;
        for sub in 0..count {
            let mut attrs = PortAttrs::physical(index + 1);
            attrs.split_subport = Some(sub);
            attrs.lanes = 1;
            // Cannot collide: only a split registers these indices.
            let _ = devl.port_register(SPLIT_BASE + 4 * index + sub, attrs);
        }
        self.split.insert(index, count);
        Ok(())
    }

    /// Any split port unsplits its group; the original comes back unless it exists.
    fn port_unsplit(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let orig = index.checked_sub(SPLIT_BASE).map(|i| i / 4);
        let Some((orig, count)) = orig.and_then(|o| self.split.remove(&o).map(|c| (o, c))) else {
            return Err(err(EINVAL, "Port was not split"));
        };
        for sub in 0..count {
            let _ = devl.port_unregister(SPLIT_BASE + 4 * orig + sub);
        }
        let _ = devl.port_register(orig, physical(orig));
        Ok(())
    }

    /// Leaves: tx_share, tx_max, parent; nodes: tx_share, parent.
    fn rate_ops(&self) -> RateOps {
        let leaf = RateSetOps {
            tx_share: true,
            tx_max: true,
            parent: true,
            ..RateSetOps::default()
        };
        RateOps {
            leaf,
            node: RateSetOps {
                tx_max: false,
                ..leaf
            },
            node_new_del: true,
        }
    }

    /// tx_share above 1000 and the parent `node2` are refused.
    fn rate_set(
        &mut self,
        _: &mut Devl<'_>,
        _: &RateKey,
        change: &RateChange,
    ) -> Result<(), DriverError> {
        match change {
            RateChange::TxShare(v) if *v > 1000 => Err(err(EINVAL, "tx_share too big")),
            RateChange::Parent(Some(p)) if p == "node2" => Err(err(EBUSY, "node2 is full")),
            _ => Ok(()),
        }
    }

    /// Names starting with `bad` are refused.
    fn rate_node_new(&mut self, _: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        if name.starts_with("bad") {
            return Err(err(ENOSPC, "no room for bad nodes"));
        }
        Ok(())
    }

    /// `node1` fails to go (it goes anyway).
    fn rate_node_del(&mut self, _: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        if name == "node1" {
            return Err(err(EIO, "node1 sticks"));
        }
        Ok(())
    }

    fn linecard_provision(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        lc_type: &str,
    ) -> Result<(), DriverError> {
        match LC_TYPES.iter().position(|t| *t == lc_type) {
            Some(0) => devl
                .linecard_state_set(index, LinecardState::Provisioned, Some(lc_type.into()))
                .map_err(|e| err(EINVAL, &e.to_string())),
            Some(2) => Ok(()),
            _ => Err(err(EIO, "provisioning failed")),
        }
    }

    /// Card 1 fails to unprovision.
    fn linecard_unprovision(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        if index == 1 {
            return Err(err(EIO, "unprovisioning failed"));
        }
        devl.linecard_state_set(index, LinecardState::Unprovisioned, None)
            .map_err(|e| err(EINVAL, &e.to_string()))
    }

    fn linecard_same_provision(&self, index: u32, _: &str) -> bool {
        index == 0
    }

    /// Only `region0` takes user snapshots.
    fn region_ops(&self, _: Option<u32>, region: &str) -> RegionOps {
        RegionOps {
            snapshot: region == "region0",
            read: false,
        }
    }

    fn region_snapshot(
        &mut self,
        _: &mut Devl<'_>,
        _: Option<u32>,
        _: &str,
    ) -> Result<Vec<u8>, DriverError> {
        Ok(vec![7; 16])
    }

    /// Port 1's reporters fail to recover.
    fn health_recover(
        &mut self,
        _: &mut Devl<'_>,
        port: Option<u32>,
        _: &str,
    ) -> Result<(), DriverError> {
        if port == Some(1) {
            return Err(err(EIO, "recovery failed"));
        }
        Ok(())
    }

    fn health_dump(&self, _: Option<u32>, _: &str) -> Result<Vec<FmsgItem>, DriverError> {
        Ok(Vec::new())
    }

    fn health_test(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        name: &str,
    ) -> Result<(), DriverError> {
        devl.health_report_with(self, port, name)
            .map_err(|e| err(EINVAL, &e.to_string()))?
    }

    fn trap_caps(&self) -> TrapCaps {
        TrapCaps {
            group_set: true,
            policer_set: true,
        }
    }

    /// `trap2` is refused.
    fn trap_action_set(
        &mut self,
        _: &mut Devl<'_>,
        trap: &str,
        _: TrapAction,
    ) -> Result<(), DriverError> {
        if trap == "trap2" {
            return Err(err(EBUSY, "trap2 is busy"));
        }
        Ok(())
    }

    /// `group2` cannot be bound.
    fn trap_group_set(
        &mut self,
        _: &mut Devl<'_>,
        group: &str,
        _: Option<u32>,
    ) -> Result<(), DriverError> {
        if group == "group2" {
            return Err(err(EIO, "group2 cannot be bound"));
        }
        Ok(())
    }

    fn trap_policer_limits(&self, _: u32) -> PolicerLimits {
        PolicerLimits {
            min_rate: 1,
            max_rate: 10_000,
            min_burst: 1,
            max_burst: 1000,
        }
    }

    fn trap_policer_set(
        &mut self,
        _: &mut Devl<'_>,
        _: u32,
        _: u64,
        _: u64,
    ) -> Result<(), DriverError> {
        Ok(())
    }

    // Shared buffer: see `SbState`. No getters: the sequences never read it back
    // through the core.
    fn sb_pool_set(
        &mut self,
        _: &mut Devl<'_>,
        _: u32,
        pool: u16,
        size: u32,
        ty: SbThresholdType,
    ) -> Result<(), DriverError> {
        self.sb.pool_set(pool, size, ty)
    }

    fn sb_port_pool_set(
        &mut self,
        _: &mut Devl<'_>,
        key: SbPortPoolKey,
        threshold: u32,
    ) -> Result<(), DriverError> {
        self.sb.port_pool_set(key, threshold)
    }

    fn sb_tc_pool_bind_set(
        &mut self,
        _: &mut Devl<'_>,
        key: SbTcKey,
        pool: u16,
        threshold: u32,
    ) -> Result<(), DriverError> {
        self.sb.tc_bind_set(key, pool, threshold)
    }

    fn sb_occ_snapshot(&mut self, _: &mut Devl<'_>, _: u32) -> Result<(), DriverError> {
        self.sb.occ_snapshot();
        Ok(())
    }

    fn sb_occ_max_clear(&mut self, _: &mut Devl<'_>, _: u32) -> Result<(), DriverError> {
        self.sb.occ_max_clear();
        Ok(())
    }
}

pub(crate) fn param_def(i: u32) -> ParamDef {
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

pub(crate) fn region(r: u8, port: Option<u32>) -> RegionDef {
    RegionDef {
        name: format!("region{r}"),
        size: 4096,
        max_snapshots: 2,
        port,
    }
}

pub(crate) fn handle(s: u8) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{s}"))
}
