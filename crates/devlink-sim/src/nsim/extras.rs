//! The long-lived objects beyond netdevsim: line cards (kernel:
//! `devl_linecard_create`, the `devlink_linecard_ops` of mlxsw) and shared buffers
//! (`devl_sb_register`). Created at probe after the params, kept across reloads,
//! destroyed at remove.

use devlink_core::{CoreError, Devl, DriverError, Errno, SbDef};
use devlink_wire::spec::LinecardState;

use super::NsimDevice;
use crate::{DeviceOptions, SimError};

/// Line cards (unprovisioned), then shared buffers.
pub(super) fn create(devl: &mut Devl<'_>, opts: &DeviceOptions) -> Result<(), SimError> {
    for lc in &opts.linecards {
        devl.linecard_create(lc.index, lc.types.clone())?;
    }
    for sb in &opts.shared_buffers {
        devl.sb_register(SbDef {
            index: sb.index,
            size: sb.size,
            ingress_pools: sb.ingress_pools,
            egress_pools: sb.egress_pools,
            ingress_tcs: sb.ingress_tcs,
            egress_tcs: sb.egress_tcs,
        })?;
    }
    Ok(())
}

/// Shared buffers, then line cards (reverse order).
pub(super) fn destroy(devl: &mut Devl<'_>, opts: &DeviceOptions) -> Result<(), CoreError> {
    for sb in opts.shared_buffers.iter().rev() {
        // Registered at probe: only a simulator bug could make this fail.
        let _ = devl.sb_unregister(sb.index);
    }
    for lc in opts.linecards.iter().rev() {
        devl.linecard_destroy(lc.index)?;
    }
    Ok(())
}

impl NsimDevice {
    /// `linecard_ops.provision`: the card has no hardware to wait for, so it is
    /// provisioned at once (`devlink_linecard_provision_set`: `PROVISIONED` with the
    /// type).
    pub(super) fn linecard_provision(
        devl: &mut Devl<'_>,
        index: u32,
        lc_type: &str,
    ) -> Result<(), DriverError> {
        devl.linecard_state_set(index, LinecardState::Provisioned, Some(lc_type.to_owned()))
            .map_err(|e| DriverError::new(Errno::EINVAL, e.to_string()))
    }

    /// `linecard_ops.unprovision`: cleared at once (`devlink_linecard_provision_clear`:
    /// `UNPROVISIONED`, no type).
    pub(super) fn linecard_unprovision(devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        devl.linecard_state_set(index, LinecardState::Unprovisioned, None)
            .map_err(|e| DriverError::new(Errno::EINVAL, e.to_string()))
    }
}
