//! devlink-sim: simulated devlink devices driven through [`devlink_core`]. Sans-IO: no
//! threads, sleeps, clocks, I/O or OS randomness; every change goes through the
//! caller's [`devlink_core::Core`].
//!
//! - [`Sim`] is the control API, the simulated `/sys/bus/netdevsim`: `new_device` /
//!   `del_device` with [`DeviceOptions`] (serde-deserializable, for a TOML config),
//!   `new_port` / `del_port`, `sriov_numvfs`, and the debugfs knobs by name
//!   ([`Sim::set_knob`], [`Sim::get_knob`], [`KNOBS`]). Errors are [`SimError`]s with
//!   the kernel's errno.
//! - [`NsimDevice`] is netdevsim (`drivers/net/netdevsim/`): the objects a new device
//!   creates (resources, params, region `dummy`, trap policers/groups/traps with drop
//!   counters advanced by every read, health reporters `empty`/`dummy`, info, ports),
//!   reload (driver_reinit), the e-switch (legacy/switchdev, VF ports at `128 + n` with
//!   rate leaves, rate nodes), flash with its status stream ([`FlashPacing`]), and its
//!   fault knobs; plus, when [`DeviceOptions`] asks, what netdevsim lacks: line cards,
//!   port split, SF ports with port functions, nested instances, shared buffers,
//!   FW_ACTIVATE / NO_RESET reloads, selftests, any `bus/name` handle.
//! - [`probe`] and [`remove`] bring a device into a core and out of it in netdevsim's
//!   order, either as Debian 6.1 does (instance registered last, unregistered first:
//!   every object is announced by the replay) or as mainline does (registered first:
//!   live notifications in probe order), see [`Era`].

mod error;
mod nsim;
mod options;
mod sim;

pub use error::{EACCES, SimError};
pub use nsim::{
    FlashPacing, KNOBS, KnobAccess, NSIM_DEV_FLASH_CHUNK_SIZE, NSIM_DEV_FLASH_CHUNK_TIME_MS,
    NSIM_DEV_FLASH_SIZE, NSIM_DUMMY_REGION_SIZE, NSIM_DUMMY_REGION_SNAPSHOT_MAX, NsimDevice,
    SF_PORT_INDEX_BASE, SPLIT_PORT_INDEX_BASE, TABLE_ADJ, TABLE_ERIF, TABLE_HOST4, TABLE_HOST6,
    probe, remove,
};
pub use options::{
    DeviceOptions, Era, EswitchStart, LinecardOptions, MAX_SPLIT_LANES, NSIM_BUS_DEV_MAX_VFS,
    NSIM_DEV_VF_PORT_INDEX_BASE, PORT_REGION, PORT_REGION_SIZE, PORT_REGION_SNAPSHOTS,
    ReloadOptions, SbOptions,
};
pub use sim::Sim;
