//! A small client of the daemon: request builders and reply readers ([`msg`]), and a
//! blocking connection ([`Connection`]).

mod conn;
pub mod msg;

pub use conn::Connection;
