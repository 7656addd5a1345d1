//! devlink-core: the devlink object model, the instance lifecycle and the ordered,
//! queue-based notification engine. Sans-IO: the caller (the daemon, a test) drives it
//! with method calls and drains notifications with [`Core::poll_notification`]; the core
//! never touches sockets, threads, clocks or OS randomness.
//!
//! - [`Core`] owns every instance ([`InstanceId`]) and the notification queue.
//! - Drivers build their devices through [`Devl`], the counterpart of the kernel's
//!   `devl_*` functions, and receive callbacks through the [`Driver`] trait. Trap and
//!   policer drop counters are read at every fill from a [`TrapCounters`] the driver
//!   shares with its instance.
//! - [`checker`] validates any event stream against the notification contract, and
//!   [`fold`] replays a stream into the state a dump shows.

/// The ordering checker, from the `devlink-check` crate (kept here for the core's users).
pub use devlink_check as checker;
pub mod fold;

mod core;
mod devl;
mod driver;
mod error;
mod ids;
mod instance;
mod nested;
mod notify;
mod objects;
mod port_ops;
mod request;
mod time;
mod watch;

pub use crate::core::Core;
pub use devl::Devl;
pub use driver::{
    Driver, DriverError, InfoCaps, NoopDriver, PolicerLimits, RegionOps, ReloadCaps, TrapCaps,
};
pub use error::{CoreError, Errno, NestedError};
pub use ids::InstanceId;
pub use instance::Lifecycle;
pub use notify::Notification;
pub use objects::{
    DevObjError, DpipeTableDef, FlashParams, InfoReq, RESOURCE_ID_PARENT_TOP, ResourceDef, SbDef,
    SbPoolInfo, SbPortPoolKey, SbTcKey, VersionType,
};
pub use objects::{ParamDef, PortAttrs, RegionDef, ReporterOps, TrapCounters};
pub use port_ops::{
    EswitchOps, PortFnChange, PortNewAttrs, PortOps, RateChange, RateOps, RateSetOps,
};
pub use request::{
    Accepted, DumpCursor, DumpStep, NotifyFilter, Rejection, Reply, Request, Response,
    SELFTEST_ID_FLASH, has_doit, has_dumpit, is_admin_cmd,
};
pub use time::Time;
pub use watch::{DEFAULT_HISTORY, WatchChange, WatchError, WatchSnapshot};
