//! devlink-client: a small blocking client of devlinkd, for `dlctl` and the tests.
//!
//! - [`socket_path`]: where the daemon listens (the rule the daemon uses too).
//! - [`Connection`]: one `SOCK_SEQPACKET` connection (`docs/transport.md`), plain
//!   blocking calls with receive timeouts, and the completion channel of `HELLO SYNC`.
//! - [`msg`]: request builders and reply readers as bytes (no I/O).
//! - [`SimClient`]: the `devlinkd_sim` family as method calls (`dlctl sim`).
//! - [`WatchClient`]: the `devlinkd_watch` family (`docs/watch.md`): snapshots and
//!   watches.
//!
//! Architecture invariant: depends on `devlink-wire` only among the workspace crates,
//! never on the core or the simulator.

mod conn;
pub mod msg;
mod path;
mod sim;
mod watch;

pub use conn::Connection;
pub use path::{SOCKET_ENV, socket_path};
pub use sim::{ClientError, SimClient};
pub use watch::{Snapshot, WatchClient, WatchItem};
