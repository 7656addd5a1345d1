//! The sans-IO server: owns the [`devlink_core::Core`] and every connection's netlink
//! socket state; turns a datagram received from one connection into datagrams queued for
//! any number of connections. The I/O shell ([`crate::shell`]) feeds it and writes out
//! what it queues.

mod conn;
mod ctrl;
mod dump;
mod errors;
mod gate;
mod genl;
mod persist;
mod reply;
mod simctl;
mod state;
mod transport;
mod watch;

#[cfg(test)]
mod pace_tests;
#[cfg(test)]
mod sim_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod watch_tests;

pub use conn::{ConnId, DEFAULT_BACKLOG, Datagram, MAX_DATAGRAM, PortId, SockOpts};
pub use persist::PermanentStore;
pub use state::{Server, ServerConfig};
