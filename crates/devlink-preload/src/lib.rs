//! `libdevlink_preload.so`: run an unmodified netlink client against `devlinkd`.
//!
//! ```sh
//! LD_PRELOAD=target/debug/libdevlink_preload.so DEVLINKD_SOCKET=/tmp/d.sock devlink dev show
//! ```
//!
//! The library interposes the libc socket calls and turns every
//! `socket(AF_NETLINK, SOCK_RAW | SOCK_DGRAM, NETLINK_GENERIC)` into a Unix
//! `SOCK_SEQPACKET` connection to the daemon (`docs/transport.md`); every other socket,
//! and every other file descriptor, goes straight to libc. The file descriptor the
//! application gets **is** the `SOCK_SEQPACKET` socket, so `poll`, `select`, `epoll`,
//! `O_NONBLOCK`, `MSG_PEEK | MSG_TRUNC` and `SO_RCVTIMEO` work on it natively; the shim
//! only adds what a netlink socket does beyond a datagram socket:
//!
//! - `bind` / `connect` / `getsockname` / `getpeername`: `sockaddr_nl` with the port id
//!   the daemon assigns (`BIND`), 12 bytes long;
//! - `setsockopt(SOL_NETLINK, …)`: memberships and the socket flags (`MEMBERSHIP`,
//!   `SETOPT`); `SO_RCVBUF` is also told to the daemon; `getsockopt` answers
//!   `SO_TYPE` / `SO_DOMAIN` / `SO_PROTOCOL` as a netlink socket would;
//! - `send*` / `write`: the destination address is dropped, and the call returns only
//!   once the daemon has finished the datagram (`COMPLETE` on the completion channel),
//!   as the kernel runs a request inside `sendmsg`;
//! - `recv*` / `read`: the source address is `sockaddr_nl { AF_NETLINK, 0, 0 }`, and the
//!   daemon's `OVERRUN` marker becomes `ENOBUFS` (unless `NETLINK_NO_ENOBUFS`);
//! - `dup*` / `fcntl(F_DUPFD*)` / `close`: the state follows the descriptor.
//!
//! This is the only crate of the workspace with `unsafe` code: every block carries a
//! `SAFETY:` comment (enforced by `clippy::undocumented_unsafe_blocks`), and no panic
//! crosses the C boundary (each hook runs under `catch_unwind`).

#![allow(
    unsafe_code,
    reason = "the C ABI: exported hooks, raw pointers from the application, dlsym"
)]
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]
// The unit-test binary leaves the hooks out (it would otherwise interpose libc for the
// test harness itself), so what only the hooks call is unused there.
#![cfg_attr(test, allow(dead_code))]

mod daemon;
#[cfg(not(test))]
mod hooks;
mod real;
mod sys;
mod table;

pub use daemon::socket_path;
