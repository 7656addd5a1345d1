//! The I/O shell: one task owns the [`crate::server::Server`] and every socket, and is
//! its clock (`poll_time` before each datagram, a timer for `next_deadline`: flash
//! pacing, watch bookmarks).
//!
//! **Readiness-driven.** A wake-up visits only the connections that have something to
//! do: those whose sockets tokio reported ready (each connection polls with a waker of
//! its own, `wake.rs`) and those the server listed (`Server::take_touched`: new output,
//! a datagram just handled, held replies released, a new connection). A visit writes
//! out, without blocking, what the server queued for the data socket, then the
//! completion channel (data sockets of all visited first, so a `COMPLETE` never
//! overtakes what its datagram caused), then reads at most one datagram if the server
//! `wants_input` from it; the datagrams are handed to the server in connection order.
//! A socket that takes no more, or has nothing to read, wakes its connection when that
//! changes. So the work of a wake-up grows with the connections that are busy, not with
//! all connections, and a client that does not read only fills its own socket and its
//! bounded backlog.

mod activation;
mod creds;
mod link;
mod serve;
mod stdin;
mod wake;

pub use activation::{ActivationError, listen_fd};
pub use creds::{AdminPolicy, group_id};
pub use serve::run;
pub use stdin::StdinWatch;
