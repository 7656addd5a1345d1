//! The `Driver` trait: the device-specific callbacks (kernel: `struct devlink_ops`).
//! Every callback has a default that behaves like a driver without that op.

use std::any::Any;

use devlink_wire::spec::{KernelEnum, ReloadAction, ReloadLimit};

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
