//! devlink-sim: simulated devlink devices driven through [`devlink_core`]. Sans-IO.
//!
//! - [`NsimDevice`] is netdevsim (`drivers/net/netdevsim/dev.c`): the objects a new
//!   device creates, its trap and policer drop counters (advanced by every read, as
//!   netdevsim's), reload (driver_reinit) and the `fail_reload` / `dont_allow_reload`
//!   fault knobs. [`probe`] and [`remove`] bring a device into a [`devlink_core::Core`]
//!   and out of it in netdevsim's order, either as Debian 6.1 does (instance registered
//!   last, unregistered first: every object is announced by the replay) or as mainline
//!   does (registered first: live notifications in probe order), see [`Era`].

mod nsim;

pub use nsim::{
    Era, NSIM_DUMMY_REGION_SIZE, NSIM_DUMMY_REGION_SNAPSHOT_MAX, NsimConfig, NsimDevice, probe,
    remove,
};

use devlink_core::CoreError;

/// What went wrong driving a simulated device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The core refused a driver-API call (a simulator bug or a misuse such as a
    /// duplicate handle).
    #[error(transparent)]
    Core(#[from] CoreError),
}
