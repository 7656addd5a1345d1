//! The time the core works with. The core reads no clock: the caller sets the time with
//! [`crate::Core::set_time`] before the requests or driver events that need it (health
//! graceful and burst periods, dump timestamps). It starts at zero.

/// A point in time as the kernel's health code sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Time {
    /// Monotonic milliseconds (kernel: `jiffies_to_msecs(jiffies)`): graceful and burst
    /// periods, `HEALTH_REPORTER_DUMP_TS`.
    pub monotonic_ms: u64,
    /// Wall-clock nanoseconds since the epoch (kernel: `ktime_get_real_ns()`):
    /// `HEALTH_REPORTER_DUMP_TS_NS`.
    pub realtime_ns: u64,
}
