//! Project automation behind `cargo xtask`. Only `gen-tables` for now.

pub mod tables;
