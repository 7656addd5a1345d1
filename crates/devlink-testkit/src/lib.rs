//! Test support shared by the workspace's tests (a dev-dependency only, never shipped).
//!
//! [`traces`]: the Debian 6.1 netdevsim golden traces of `shared/traces/kernel-6.1`, read
//! per step (notifications de-duplicated, requests with the kernel's answer) and the
//! normalisation both the simulator's and the daemon's trace tests apply.

pub mod traces;

pub use traces::{
    Exchange, Ntf, Step, TraceError, assert_same, expect_len, kernel_steps,
    mainline_unregister_order, normalise, strip_module_prefix, traces_dir,
};
