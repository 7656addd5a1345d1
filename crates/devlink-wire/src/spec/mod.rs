//! Protocol tables: numbers, names, wire types and nesting of every devlink command,
//! attribute and enum, and of the netlink controller.
//!
//! Everything in `generated.rs` is produced by `cargo xtask gen-tables` from the kernel's
//! uapi headers (Debian `linux-libc-dev`), the YNL spec `devlink.yaml` (shipped in the
//! `netlink-bindings` crate) and `xtask/spec-overlay.toml` (facts read from the kernel's
//! `net/devlink/*.c` that neither source carries, each with its citation). A test fails
//! when the committed tables drift from those sources. Do not edit it by hand.

mod generated;
mod types;

pub use generated::*;
pub use types::*;
