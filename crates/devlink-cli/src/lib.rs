//! The library half of `dlctl`: iproute2 `devlink`'s output from decoded devlink
//! messages ([`show`]). The binary (`src/main.rs`) adds the command line.
//!
//! Architecture invariant: depends on `devlink-wire` (and `devlink-client`, for the
//! transport) only, never on `devlink-core`
//! (which appears only among the dev-dependencies, to build device state for tests).

pub mod show;
