//! The `Driver` trait: the device-specific callbacks (kernel: `struct devlink_ops`).
//! Every callback has a default that behaves like a driver without that op.

use std::any::Any;

use devlink_wire::devlink::{PortFunction, RateKey};
use devlink_wire::spec::{
    EswitchEncapMode, EswitchInlineMode, EswitchMode, KernelEnum, PortType, ReloadAction,
    ReloadLimit,
};

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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `port_new`: create (register) a port as asked; returns its index.
    fn port_new(&mut self, devl: &mut Devl<'_>, attrs: &PortNewAttrs) -> Result<u32, DriverError> {
        let _ = (devl, attrs);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `port_del`: remove (unregister) a port the user created.
    fn port_del(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `port_unsplit`: unregister the split ports and register the original one.
    fn port_unsplit(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `rate_node_new`: a user node `name` is being created (not yet listed).
    fn rate_node_new(&mut self, devl: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        let _ = (devl, name);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// Line card `unprovision`: the card is in `UNPROVISIONING`; the driver clears it
    /// (now or later). On failure the core marks it unprovisioned.
    fn linecard_unprovision(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        let _ = (devl, index);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
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
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `eswitch_inline_mode_set`.
    fn eswitch_inline_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchInlineMode,
    ) -> Result<(), DriverError> {
        let _ = (devl, mode);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    /// `eswitch_encap_mode_set`.
    fn eswitch_encap_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchEncapMode,
    ) -> Result<(), DriverError> {
        let _ = (devl, mode);
        Err(DriverError::new(Errno::EOPNOTSUPP, ""))
    }

    // == end ports ==

    // == regions, health reporters, traps (request/region.rs, health.rs, trap.rs) ==

    // == end regions ==

    // == info, flash, selftests, shared buffers, resources, dpipe (request/info.rs,
    // flash.rs, selftests.rs, sb.rs, resource.rs, dpipe.rs) ==

    // == end info ==
}

/// A driver with no ops: a bare instance, for tests and for user-space devices that only
/// publish objects.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopDriver;

impl Driver for NoopDriver {}
