//! A small client of the daemon: request builders and reply readers ([`msg`]), and a
//! blocking connection ([`Connection`]).

pub mod msg;
