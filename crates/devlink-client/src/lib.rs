//! devlink-client: a client of devlinkd, for `dlctl`, the tests and programs that keep a
//! mirror of its objects. Blocking at the top level, async (tokio) in `aio`.
//!
//! - [`socket_path`]: where the daemon listens (the rule the daemon uses too).
//! - [`Connection`]: one `SOCK_SEQPACKET` connection (`docs/transport.md`), plain
//!   blocking calls with receive timeouts, and the completion channel of `HELLO SYNC`.
//! - [`msg`]: request builders and reply readers as bytes (no I/O).
//! - [`SimClient`]: the `devlinkd_sim` family as method calls (`dlctl sim`).
//! - [`WatchClient`]: the `devlinkd_watch` family (`docs/watch.md`): snapshots and
//!   watches.
//! - `aio` (feature `aio`): the async client (tokio) — `AsyncConnection`, routing
//!   replies to their requests by sequence number; `AsyncWatch`; and the `Informer`, a
//!   mirror of the daemon's objects kept by list+watch (`docs/watch.md`).
//!
//! Architecture invariant: depends on `devlink-wire` only among the workspace crates,
//! never on the core or the simulator.

#[cfg(feature = "aio")]
pub mod aio;
mod conn;
pub mod msg;
mod path;
mod sim;
mod watch;

pub use conn::Connection;
pub use path::{SOCKET_ENV, socket_path};
pub use sim::{ClientError, SimClient};
pub use watch::{Snapshot, WatchClient, WatchItem};
