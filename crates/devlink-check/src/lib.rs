//! devlink-check: the ordering checker of the `devlink` family's notification stream
//! (brief §3.1, `shared/reference/kernel-semantics.md` §7). It depends on `devlink-wire`
//! only, so that the core's tests, the sim's and the daemon's tests, and `dlctl monitor
//! --check` (which must not link the core) share one implementation.
//!
//! [`Checker`] takes events one at a time and answers each with a [`Violation`] when it
//! breaks a rule; [`Checker::lost`] resets it after an overrun, and [`Checker::seed`] and
//! [`Checker::assume`] let an observer that missed history (a monitor started on a
//! populated daemon, or after an overrun) teach it what a dump showed, so that no false
//! positive follows.

mod checker;

pub use checker::{Checker, Violation, body_handle};
