//! `devlinkd_sim`: the daemon's companion generic-netlink family that drives the
//! simulated devices, as `/sys/bus/netdevsim/` and the netdevsim debugfs knobs do for
//! the kernel's (`docs/transport.md`, "Families"). Commands, attributes, typed bodies,
//! and the family's description for the controller.

mod body;
mod consts;
mod family;
mod message;

#[cfg(test)]
mod tests;

pub use body::*;
pub use consts::*;
pub use family::*;
pub use message::*;
