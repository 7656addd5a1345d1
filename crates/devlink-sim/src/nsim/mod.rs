//! netdevsim (kernel: `drivers/net/netdevsim/`): the devlink side of a simulated
//! device, one file per concept. Names, values and order follow the Debian 6.1
//! netdevsim that recorded `shared/traces/kernel-6.1`; see `kernel-semantics.md` §5.3
//! and §5.4.

mod config;
mod device;
mod driver;
mod health;
mod params;
mod ports;
mod traps;

#[cfg(test)]
mod tests;

pub use config::{Era, NsimConfig};
pub use device::{
    NSIM_DUMMY_REGION_SIZE, NSIM_DUMMY_REGION_SNAPSHOT_MAX, NsimDevice, probe, remove,
};
