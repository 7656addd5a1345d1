//! The `Driver` trait: the device-specific callbacks (kernel: `struct devlink_ops`).
//! Every callback has a default that behaves like a driver without that op.

use std::any::Any;

use devlink_wire::devlink::{DpipeEntry, FmsgItem, PortFunction, RateKey, SbOcc};
use devlink_wire::spec::{
    EswitchEncapMode, EswitchInlineMode, EswitchMode, KernelEnum, PortType, ReloadAction,
    ReloadLimit, SbThresholdType, SelftestStatus, TrapAction,
};

use crate::objects::{FlashParams, InfoReq, SbPoolInfo, SbPortPoolKey, SbTcKey};
use crate::port_ops::{EswitchOps, PortFnChange, PortNewAttrs, PortOps, RateChange, RateOps};
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
    /// `-EOPNOTSUPP` with no message: what a driver without the op answers.
    #[must_use]
    pub const fn not_supported() -> Self {
        Self {
            errno: Errno::EOPNOTSUPP,
            msg: String::new(),
        }
    }

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
        Err(DriverError::not_supported())
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

    /// The ops port `index` has (kernel: its `devlink_port_ops`); none by default.
    fn port_ops(&self, index: u32) -> PortOps {
        let _ = index;
        PortOps::default()
    }

    /// `port_type_set` (only called if [`PortOps::type_set`]): the user wants `ty`. On
    /// success the core records it as the desired type and notifies `PORT_NEW`.
    fn port_type_set(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        ty: PortType,
    ) -> Result<(), DriverError> {
        let _ = (devl, index, ty);
        Err(DriverError::not_supported())
    }

    /// One port function setter (only called for ops [`PortOps`] lists). `function`
    /// already shows the change; the driver may adjust it further (e.g. the opstate
    /// after a state change). The core stores it and notifies one `PORT_NEW` at the end.
    fn port_fn_set(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        change: &PortFnChange,
        function: &mut PortFunction,
    ) -> Result<(), DriverError> {
        let _ = (devl, index, change, function);
        Err(DriverError::not_supported())
    }

    /// `port_new`: create (register) a port as asked; returns its index.
    fn port_new(&mut self, devl: &mut Devl<'_>, attrs: &PortNewAttrs) -> Result<u32, DriverError> {
        let _ = (devl, attrs);
        Err(DriverError::not_supported())
    }

    /// `port_del`: remove (unregister) a port the user created.
    fn port_del(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::not_supported())
    }

    /// `port_split` (only called if [`PortOps::split`], after the core's checks):
    /// unregister the port and register `count` split ports.
    fn port_split(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        count: u32,
    ) -> Result<(), DriverError> {
        let _ = (devl, index, count);
        Err(DriverError::not_supported())
    }

    /// `port_unsplit`: unregister the split ports and register the original one.
    fn port_unsplit(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::not_supported())
    }

    /// The rate ops the driver has; none by default.
    fn rate_ops(&self) -> RateOps {
        RateOps::default()
    }

    /// One rate setter (only called for ops [`RateOps`] lists) on the leaf or node
    /// `key`. The core records the value on success.
    fn rate_set(
        &mut self,
        devl: &mut Devl<'_>,
        key: &RateKey,
        change: &RateChange,
    ) -> Result<(), DriverError> {
        let _ = (devl, key, change);
        Err(DriverError::not_supported())
    }

    /// `rate_node_new`: a user node `name` is being created (not yet listed).
    fn rate_node_new(&mut self, devl: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        let _ = (devl, name);
        Err(DriverError::not_supported())
    }

    /// `rate_node_del`: node `name` goes (after its `RATE_DEL`); it goes even if this
    /// fails, as in the kernel.
    fn rate_node_del(&mut self, devl: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        let _ = (devl, name);
        Ok(())
    }

    /// Line card `provision` with one of the card's supported types. The card is in
    /// `PROVISIONING` with that type; the driver moves it on (now or later) with
    /// [`Devl::linecard_state_set`]. On failure the core marks it unprovisioned.
    fn linecard_provision(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        lc_type: &str,
    ) -> Result<(), DriverError> {
        let _ = (devl, index, lc_type);
        Err(DriverError::not_supported())
    }

    /// Line card `unprovision`: the card is in `UNPROVISIONING`; the driver clears it
    /// (now or later). On failure the core marks it unprovisioned.
    fn linecard_unprovision(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::not_supported())
    }

    /// Line card `same_provision`: a provisioned card already is of `lc_type`, so
    /// provisioning it again succeeds without a change. No op by default.
    fn linecard_same_provision(&self, index: u32, lc_type: &str) -> bool {
        let _ = (index, lc_type);
        false
    }

    /// `eswitch_mode_get`: `None` without the op (the attribute is left out).
    fn eswitch_mode_get(&self) -> Option<Result<EswitchMode, DriverError>> {
        None
    }

    /// `eswitch_inline_mode_get`: `None` without the op.
    fn eswitch_inline_mode_get(&self) -> Option<Result<EswitchInlineMode, DriverError>> {
        None
    }

    /// `eswitch_encap_mode_get`: `None` without the op.
    fn eswitch_encap_mode_get(&self) -> Option<Result<EswitchEncapMode, DriverError>> {
        None
    }

    /// Which e-switch setters the driver has; none by default.
    fn eswitch_ops(&self) -> EswitchOps {
        EswitchOps::default()
    }

    /// `eswitch_mode_set` (only called if [`EswitchOps::mode_set`] and no rate node
    /// exists).
    fn eswitch_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchMode,
    ) -> Result<(), DriverError> {
        let _ = (devl, mode);
        Err(DriverError::not_supported())
    }

    /// `eswitch_inline_mode_set`.
    fn eswitch_inline_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchInlineMode,
    ) -> Result<(), DriverError> {
        let _ = (devl, mode);
        Err(DriverError::not_supported())
    }

    /// `eswitch_encap_mode_set`.
    fn eswitch_encap_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchEncapMode,
    ) -> Result<(), DriverError> {
        let _ = (devl, mode);
        Err(DriverError::not_supported())
    }

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
        Err(DriverError::not_supported())
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
        Err(DriverError::not_supported())
    }

    /// The reporter's `.recover` (called only for reporters created with it).
    fn health_recover(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<(), DriverError> {
        let _ = (devl, port, reporter);
        Err(DriverError::not_supported())
    }

    /// The reporter's `.dump`: the fmsg items inside the outer object nest (the core adds
    /// the nest, as `devlink_health_do_dump` does).
    fn health_dump(&self, port: Option<u32>, reporter: &str) -> Result<Vec<FmsgItem>, DriverError> {
        let _ = (port, reporter);
        Err(DriverError::not_supported())
    }

    /// The reporter's `.diagnose`: the fmsg items inside the outer object nest.
    fn health_diagnose(
        &self,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<Vec<FmsgItem>, DriverError> {
        let _ = (port, reporter);
        Err(DriverError::not_supported())
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
        Err(DriverError::not_supported())
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
        Err(DriverError::not_supported())
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
        Err(DriverError::not_supported())
    }

    // == end regions ==

    // == info, flash, selftests, shared buffers, resources, dpipe (request/info.rs,
    // flash.rs, selftests.rs, sb.rs, resource.rs, dpipe.rs) ==

    /// Which of the info, flash and selftest ops the driver has (kernel: whether
    /// `devlink_ops.info_get`, `.flash_update`, `.selftest_check` / `.selftest_run` are
    /// set, and `.supported_flash_update_params`). None by default.
    fn info_caps(&self) -> InfoCaps {
        InfoCaps::default()
    }

    /// The driver's name (`DEVLINK_ATTR_INFO_DRIVER_NAME`, put after what `info_get`
    /// puts); empty for none.
    fn driver_name(&self) -> &str {
        ""
    }

    /// `info_get`: put serial numbers and versions into `req`, in reply order. Called
    /// only if [`InfoCaps::info_get`]; also for the component lookup of a flash update.
    fn info_get(&self, req: &mut InfoReq) -> Result<(), DriverError> {
        let _ = req;
        Ok(())
    }

    /// `request_firmware`: whether the firmware file can be found. The core has no file
    /// system; by default every file is found. An error rejects the flash update with
    /// "failed to locate the requested firmware file" before anything is notified.
    fn flash_request_firmware(&self, file_name: &str) -> Result<(), Errno> {
        let _ = file_name;
        Ok(())
    }

    /// `flash_update`: called between the `FLASH_UPDATE` and `FLASH_UPDATE_END`
    /// notifications; report progress with [`Devl::flash_update_status`].
    fn flash_update(
        &mut self,
        devl: &mut Devl<'_>,
        params: &FlashParams,
    ) -> Result<(), DriverError> {
        let _ = (devl, params);
        Err(DriverError::not_supported())
    }

    /// `selftest_check`: whether selftest `id` (`DEVLINK_ATTR_SELFTEST_ID_*`) is
    /// supported. Called only if [`InfoCaps::selftests`].
    fn selftest_check(&self, id: u32) -> bool {
        let _ = id;
        false
    }

    /// `selftest_run`: run selftest `id` (one [`Driver::selftest_check`] accepted).
    fn selftest_run(&mut self, devl: &mut Devl<'_>, id: u32) -> SelftestStatus {
        let _ = (devl, id);
        SelftestStatus::Skip
    }

    /// `sb_pool_get`: a pool of a shared buffer registered with [`Devl::sb_register`].
    fn sb_pool_get(&self, sb: u32, pool: u16) -> Result<SbPoolInfo, DriverError> {
        let _ = (sb, pool);
        Err(DriverError::not_supported())
    }

    /// `sb_pool_set`.
    fn sb_pool_set(
        &mut self,
        devl: &mut Devl<'_>,
        sb: u32,
        pool: u16,
        size: u32,
        threshold_type: SbThresholdType,
    ) -> Result<(), DriverError> {
        let _ = (devl, sb, pool, size, threshold_type);
        Err(DriverError::not_supported())
    }

    /// `sb_port_pool_get`: the threshold of a port's pool.
    fn sb_port_pool_get(&self, key: SbPortPoolKey) -> Result<u32, DriverError> {
        let _ = key;
        Err(DriverError::not_supported())
    }

    /// `sb_port_pool_set`.
    fn sb_port_pool_set(
        &mut self,
        devl: &mut Devl<'_>,
        key: SbPortPoolKey,
        threshold: u32,
    ) -> Result<(), DriverError> {
        let _ = (devl, key, threshold);
        Err(DriverError::not_supported())
    }

    /// `sb_tc_pool_bind_get`: the pool index and threshold a port's TC is bound to.
    fn sb_tc_pool_bind_get(&self, key: SbTcKey) -> Result<(u16, u32), DriverError> {
        let _ = key;
        Err(DriverError::not_supported())
    }

    /// `sb_tc_pool_bind_set`.
    fn sb_tc_pool_bind_set(
        &mut self,
        devl: &mut Devl<'_>,
        key: SbTcKey,
        pool: u16,
        threshold: u32,
    ) -> Result<(), DriverError> {
        let _ = (devl, key, pool, threshold);
        Err(DriverError::not_supported())
    }

    /// `sb_occ_snapshot`.
    fn sb_occ_snapshot(&mut self, devl: &mut Devl<'_>, sb: u32) -> Result<(), DriverError> {
        let _ = (devl, sb);
        Err(DriverError::not_supported())
    }

    /// `sb_occ_max_clear`.
    fn sb_occ_max_clear(&mut self, devl: &mut Devl<'_>, sb: u32) -> Result<(), DriverError> {
        let _ = (devl, sb);
        Err(DriverError::not_supported())
    }

    /// `sb_occ_port_pool_get`: occupancy shown with a port pool; `EOPNOTSUPP` leaves it
    /// out, another error fails the get.
    fn sb_occ_port_pool_get(&self, key: SbPortPoolKey) -> Result<SbOcc, DriverError> {
        let _ = key;
        Err(DriverError::not_supported())
    }

    /// `sb_occ_tc_port_bind_get`: occupancy shown with a TC binding, as above.
    fn sb_occ_tc_port_bind_get(&self, key: SbTcKey) -> Result<SbOcc, DriverError> {
        let _ = key;
        Err(DriverError::not_supported())
    }

    /// The occupancy of resource `id`, for resources registered with
    /// [`Devl::resource_occ_get_register`] (kernel: the registered `occ_get` callback).
    fn resource_occ_get(&self, id: u64) -> u64 {
        let _ = id;
        0
    }

    /// A dpipe table's `size_get`.
    fn dpipe_table_size(&self, table: &str) -> u64 {
        let _ = table;
        0
    }

    /// A dpipe table's `entries_dump`; the default is a table without it (`-EINVAL`).
    fn dpipe_entries_dump(
        &self,
        table: &str,
        counters_enabled: bool,
    ) -> Result<Vec<DpipeEntry>, DriverError> {
        let _ = (table, counters_enabled);
        Err(DriverError::new(Errno::EINVAL, ""))
    }

    /// A dpipe table's `counters_set_update`, after the core changed the flag.
    fn dpipe_counters_set_update(&mut self, devl: &mut Devl<'_>, table: &str, enable: bool) {
        let _ = (devl, table, enable);
    }

    // == end info ==
}

/// Which info, flash and selftest ops a driver has (kernel: which of these
/// `devlink_ops` are set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InfoCaps {
    /// `info_get`: without it `INFO_GET` shows the handle and driver name only, and a
    /// flash update cannot name a component.
    pub info_get: bool,
    /// `flash_update`.
    pub flash_update: bool,
    /// `supported_flash_update_params` has `DEVLINK_SUPPORT_FLASH_UPDATE_OVERWRITE_MASK`.
    pub flash_overwrite_mask: bool,
    /// `selftest_check` and `selftest_run`.
    pub selftests: bool,
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
