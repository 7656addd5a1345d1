//! `devlinkd_watch`: the daemon's companion generic-netlink family for gapless
//! list+watch (`docs/watch.md`): revisioned snapshots, subscriptions that resume from a
//! revision, bookmarks and a clear "re-list" signal. The `devlink` family itself stays
//! byte-compatible with the kernel; objects travel here as the `devlink` attributes of
//! their `GET` replies, nested in `OBJECT`.

mod body;
mod consts;
mod family;
mod key;
mod message;
mod mirror;

#[cfg(test)]
mod tests;

pub use body::{
    Bookmark, Cancelled, Filter, SnapshotEnd, SnapshotReq, WatchBodyError, WatchEvent, WatchObject,
    WatchReq,
};
pub use consts::*;
pub use family::*;
pub use key::*;
pub use message::*;
pub use mirror::Mirror;
