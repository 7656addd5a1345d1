//! `devlink-wire`: the devlink generic-netlink protocol as bytes and as typed values.
//!
//! No I/O: everything here turns bytes into values and values into bytes, and never
//! panics on input. Layers, bottom up:
//! - [`nl`]: netlink framing shared by all families — headers, attribute TLVs, ACKs,
//!   `NLMSG_DONE` with extended ACK.
//! - [`transport`]: the devlinkd transport messages (`docs/transport.md`).
//! - [`simctl`]: `devlinkd_sim`, the daemon's simulator-control family.
//! - [`watch`]: `devlinkd_watch`, the daemon's revisioned list+watch family.
//! - [`spec`]: the tables generated from the kernel's uapi header and YNL spec — command
//!   and attribute numbers, wire types and widths, nesting, enums.

pub mod ctrl;
pub mod devlink;
pub mod message;
pub mod nl;
pub mod pcap;
pub mod simctl;
pub mod spec;
pub mod transport;
pub mod tree;
pub mod watch;
