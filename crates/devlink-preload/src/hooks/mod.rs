//! The exported functions that stand in for libc's. Each one asks the table whether
//! its descriptor is a shimmed netlink socket and otherwise calls libc unchanged.

#![allow(
    unreachable_pub,
    reason = "exported C symbols: `pub` + `no_mangle` is what puts them in the .so"
)]

mod fd;
mod io;
mod socket;
