//! devlinkd: the devlink generic-netlink family served over a Unix `SOCK_SEQPACKET`
//! socket (`docs/transport.md`).
//!
//! - [`server`]: the sans-IO state machine — connections as netlink sockets, dispatch,
//!   ACKs, dumps, notification fan-out with bounded backlogs.
//! - [`shell`]: the I/O around it — listener, connections, completion channels,
//!   credentials.
//! - [`config`]: the configuration file and the default paths.
//! - [`store`]: permanent param values in the state directory, crash-safe.

pub mod config;
pub mod server;
pub mod shell;
pub mod store;
