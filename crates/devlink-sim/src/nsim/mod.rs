//! netdevsim (kernel: `drivers/net/netdevsim/`): the devlink side of a simulated
//! device, one file per concept, plus the kinds netdevsim lacks. Names, values and
//! order follow the Debian 6.1 netdevsim that recorded `shared/traces/kernel-6.1`; see
//! `kernel-semantics.md` §5.3 and §5.4.

mod device;
mod dpipe;
mod driver;
mod eswitch;
mod extras;
mod flash;
mod health;
mod knobs;
mod params;
mod ports;
mod resources;
mod sb;
mod sf;
mod split;
mod traps;

#[cfg(test)]
mod tests;

pub use device::{
    NSIM_DUMMY_REGION_SIZE, NSIM_DUMMY_REGION_SNAPSHOT_MAX, NsimDevice, probe, remove,
};
pub use dpipe::{TABLE_ADJ, TABLE_ERIF, TABLE_HOST4, TABLE_HOST6};
pub use flash::{
    FlashPacing, NSIM_DEV_FLASH_CHUNK_SIZE, NSIM_DEV_FLASH_CHUNK_TIME_MS, NSIM_DEV_FLASH_SIZE,
};
pub use knobs::{KNOBS, KnobAccess};
pub use sf::SF_PORT_INDEX_BASE;
pub use split::SPLIT_PORT_INDEX_BASE;
