//! The test's driver: a small fake with the ops the random sequences exercise, and the
//! objects it builds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devlink_core::{
    CoreError, Devl, Driver, DriverError, Errno, ParamDef, PortAttrs, RegionDef, ReloadCaps,
};
use devlink_wire::devlink::{
    Handle, ParamValue, Stats, Trap, TrapGroup, TrapMetadata, TrapPolicer,
};
use devlink_wire::spec::{
    ParamCmode, ReloadAction, ReloadLimit, TrapAction, TrapType, VarAttrType,
};

/// A small driver: reload tears down ports 0..2 and the trap objects, then re-creates
/// them; `fail` makes `reload_up` fail.
pub(crate) struct Fake {
    pub(crate) fail: Arc<AtomicBool>,
}

pub(crate) fn policer(id: u32) -> TrapPolicer {
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
        trap_type: TrapType::Drop,
        generic: true,
        action: TrapAction::Drop,
        metadata: TrapMetadata::default(),
        stats: Stats::default(),
        unknown: Vec::new(),
    }
}

pub(crate) fn build(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    for i in 0..2 {
        devl.port_register(i, PortAttrs::physical(i + 1))?;
    }
    devl.trap_policer_register(policer(1))?;
    devl.trap_group_register(group(0, Some(1)))?;
    devl.trap_register(trap(0, 0))?;
    Ok(())
}

pub(crate) fn teardown(devl: &mut Devl<'_>) {
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
