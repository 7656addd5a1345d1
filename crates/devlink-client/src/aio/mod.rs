//! The async client (tokio): a connection that routes replies to their requests by
//! sequence number, the `devlinkd_watch` family over it, and the [`Informer`] — the
//! list+watch mirror of `docs/watch.md`.

mod conn;
mod follow;
mod informer;
mod watch;

pub use conn::{AsyncConnection, DEFAULT_QUEUE};
pub use informer::{Change, Informer, InformerOptions, InformerStats, Stopped};
pub use watch::AsyncWatch;
