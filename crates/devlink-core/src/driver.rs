//! The `Driver` trait: the device-specific callbacks (kernel: `struct devlink_ops`).
//! Every callback has a default that behaves like a driver without that op.

use std::any::Any;

use devlink_wire::devlink::FmsgItem;
use devlink_wire::spec::{KernelEnum, ReloadAction, ReloadLimit, TrapAction};

use crate::{Devl, Errno};

/// A driver's refusal: errno and the extack message the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{msg} (errno {})", errno.0)]
pub struct DriverError {
    /// The errno.
    pub errno: Errno,
    /// The extack message; empty for none.
    pub msg: String,
}

impl DriverError {
    /// An error with an extack message.
    pub fn new(errno: Errno, msg: impl Into<String>) -> Self {
        Self {
            errno,
            msg: msg.into(),
        }
    }
}

/// Which reload actions and limits a driver supports (`devlink_ops.reload_actions`,
/// `.reload_limits`), as bitmasks of `enum devlink_reload_action` / `_limit` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReloadCaps {
    /// Bit `1 << action` per supported action.
    pub actions: u32,
    /// Bit `1 << limit` per supported limit (besides `UNSPEC`, always allowed).
    pub limits: u32,
}

impl ReloadCaps {
    /// Whether `action` is supported.
    #[must_use]
    pub fn action(self, action: ReloadAction) -> bool {
        self.actions & (1 << action.repr()) != 0
    }

    /// Whether `limit` is supported.
    #[must_use]
    pub fn limit(self, limit: ReloadLimit) -> bool {
        self.limits & (1 << limit.repr()) != 0
    }
}

/// Device-specific callbacks. The core calls them with the instance's [`Devl`], through
/// which the driver changes its objects exactly as the kernel's `devl_*` API does; every
/// change is notified under the contract.
///
/// A driver is also its instance's private state (kernel: `devlink_priv`): reach it with
/// [`crate::Core::with_driver`], which needs the concrete type (hence `Any`).
pub trait Driver: Any + Send {
    /// Supported reload actions and limits; none by default (no `reload_down`/`up` ops).
    fn reload_caps(&self) -> ReloadCaps {
        ReloadCaps::default()
    }

    /// `reload_down`: tear down what the action needs torn down. `netns_change`: the
    /// request asked for another network namespace.
    fn reload_down(
        &mut self,
        devl: &mut Devl<'_>,
        netns_change: bool,
        action: ReloadAction,
        limit: ReloadLimit,
    ) -> Result<(), DriverError> {
        let _ = (devl, netns_change, action, limit);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `reload_up`: bring the device back; returns the actions performed (bitmask).
    fn reload_up(
        &mut self,
        devl: &mut Devl<'_>,
        action: ReloadAction,
        limit: ReloadLimit,
    ) -> Result<u32, DriverError> {
        let _ = (devl, limit);
        Ok(1 << action.repr())
    }

    // == ports, port functions, rates, line cards, eswitch (request/port.rs, rate.rs,
    // linecard.rs, eswitch.rs) ==

    // == end ports ==

    // == regions, health reporters, traps (request/region.rs, health.rs, trap.rs) ==

    /// Which region ops a region has (`devlink_region_ops.snapshot`, `.read`); none by
    /// default (a region only the driver snapshots).
    fn region_ops(&self, port: Option<u32>, region: &str) -> RegionOps {
        let _ = (port, region);
        RegionOps::default()
    }

    /// `.snapshot`: the region's contents now, for a user `REGION_NEW` (only called if
    /// [`Driver::region_ops`] says `snapshot`).
    fn region_snapshot(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        region: &str,
    ) -> Result<Vec<u8>, DriverError> {
        let _ = (devl, port, region);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `.read`: `len` bytes of the live region at `offset`, for a direct `REGION_READ`
    /// (only called if [`Driver::region_ops`] says `read`).
    fn region_read(
        &self,
        port: Option<u32>,
        region: &str,
        offset: u64,
        len: u32,
    ) -> Result<Vec<u8>, DriverError> {
        let _ = (port, region, offset, len);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// The reporter's `.recover` (called only for reporters created with it).
    fn health_recover(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<(), DriverError> {
        let _ = (devl, port, reporter);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// The reporter's `.dump`: the fmsg items inside the outer object nest (the core adds
    /// the nest, as `devlink_health_do_dump` does).
    fn health_dump(&self, port: Option<u32>, reporter: &str) -> Result<Vec<FmsgItem>, DriverError> {
        let _ = (port, reporter);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// The reporter's `.diagnose`: the fmsg items inside the outer object nest.
    fn health_diagnose(
        &self,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<Vec<FmsgItem>, DriverError> {
        let _ = (port, reporter);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// The reporter's `.test`: typically reports an error with
    /// [`Devl::health_report_with`] (passing `self`).
    fn health_test(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<(), DriverError> {
        let _ = (devl, port, reporter);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// Which optional trap ops the driver has (`trap_group_set`, `trap_policer_set`).
    fn trap_caps(&self) -> TrapCaps {
        TrapCaps::default()
    }

    /// `trap_action_set`. Every driver that registers traps has it; the default accepts.
    fn trap_action_set(
        &mut self,
        devl: &mut Devl<'_>,
        trap: &str,
        action: TrapAction,
    ) -> Result<(), DriverError> {
        let _ = (devl, trap, action);
        Ok(())
    }

    /// `trap_group_set`: bind the group to a policer (`None`: unbind). Called only if
    /// [`TrapCaps::group_set`].
    fn trap_group_set(
        &mut self,
        devl: &mut Devl<'_>,
        group: &str,
        policer: Option<u32>,
    ) -> Result<(), DriverError> {
        let _ = (devl, group, policer);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// The limits of a policer (`struct devlink_trap_policer` min/max rate and burst);
    /// unlimited by default.
    fn trap_policer_limits(&self, id: u32) -> PolicerLimits {
        let _ = id;
        PolicerLimits::default()
    }

    /// `trap_policer_set`. Called only if [`TrapCaps::policer_set`], within the limits.
    fn trap_policer_set(
        &mut self,
        devl: &mut Devl<'_>,
        id: u32,
        rate: u64,
        burst: u64,
    ) -> Result<(), DriverError> {
        let _ = (devl, id, rate, burst);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    // == end regions ==

    // == info, flash, selftests, shared buffers, resources, dpipe (request/info.rs,
    // flash.rs, selftests.rs, sb.rs, resource.rs, dpipe.rs) ==

    // == end info ==
}

// == regions, health reporters, traps: types ==

/// A region's ops (`struct devlink_region_ops`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegionOps {
    /// `.snapshot`: the user may take snapshots (`REGION_NEW`).
    pub snapshot: bool,
    /// `.read`: the user may read the live region (`REGION_READ` with `REGION_DIRECT`).
    pub read: bool,
}

/// The optional trap ops a driver has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrapCaps {
    /// `trap_group_set` (policer binding).
    pub group_set: bool,
    /// `trap_policer_set`.
    pub policer_set: bool,
}

/// A trap policer's limits (`struct devlink_trap_policer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicerLimits {
    /// `min_rate`.
    pub min_rate: u64,
    /// `max_rate`.
    pub max_rate: u64,
    /// `min_burst`.
    pub min_burst: u64,
    /// `max_burst`.
    pub max_burst: u64,
}

impl Default for PolicerLimits {
    fn default() -> Self {
        Self {
            min_rate: 0,
            max_rate: u64::MAX,
            min_burst: 0,
            max_burst: u64::MAX,
        }
    }
}

// == end regions: types ==

/// A driver with no ops: a bare instance, for tests and for user-space devices that only
/// publish objects.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopDriver;

impl Driver for NoopDriver {}
