//! Trap and trap policer drop counters, read from the driver every time a message about
//! the object is filled (kernel: `devlink_trap_stats_put` and
//! `devlink_trap_policer_stats_put` in `net/devlink/trap.c`, which call the driver's
//! `trap_drop_counter_get` / `trap_policer_counter_get` ops).
//!
//! The stored trap and policer bodies never hold a drop count: every fill — a queued
//! notification, a `GET` reply, a dump reply, a registration replay — reads the
//! instance's [`TrapCounters`] at that moment. Fills happen while the driver itself may
//! be lent out (a driver registering a trap from inside its own callback notifies right
//! away), so the source cannot be a method of [`crate::Driver`]: it is a separate,
//! shared value the driver hands over with [`Devl::trap_counters_set`].

use std::fmt::Debug;
use std::sync::Arc;

use devlink_wire::devlink::{Stats, Trap, TrapPolicer};

use super::Objects;
use crate::Devl;
use crate::driver::DriverError;

/// Where an instance's drop counters come from at fill time: the driver's
/// `devlink_ops.trap_drop_counter_get` and `.trap_policer_counter_get`. Both are called
/// with `&self` from wherever a message is filled, so an implementation that counts
/// (netdevsim advances its counter on every read) uses interior mutability, such as
/// atomics.
///
/// Each method defaults to `Ok(None)`, a driver without that op. A read that fails
/// (`Err`, netdevsim's `fail_trap_drop_counter_get` knob) fails the fill as in the
/// kernel: a `GET` or a dump is answered with the error. A notification is the
/// exception: the kernel drops it (`devlink_trap_notify` frees the message when the
/// fill fails), which would lose an event silently; the core sends it without the drop
/// count instead (brief §3.1: loss is never silent).
pub trait TrapCounters: Send + Sync + Debug {
    /// `trap_drop_counter_get`: the drops of trap `trap` (by name), for
    /// `DEVLINK_ATTR_STATS_RX_DROPPED` inside the trap's `DEVLINK_ATTR_STATS`. Called
    /// for every trap, whatever its type, as the kernel does. `Ok(None)`: no
    /// `RX_DROPPED` (the packet and byte counters are still put).
    ///
    /// # Errors
    /// The driver's refusal; the fill fails with it.
    fn trap_drop(&self, trap: &str) -> Result<Option<u64>, DriverError> {
        let _ = trap;
        Ok(None)
    }

    /// `trap_policer_counter_get`: the drops of policer `id`, the only attribute of the
    /// policer's `DEVLINK_ATTR_STATS` (`RX_DROPPED`). `Ok(None)`: no
    /// `DEVLINK_ATTR_STATS` at all.
    ///
    /// # Errors
    /// The driver's refusal; the fill fails with it.
    fn policer_drop(&self, id: u32) -> Result<Option<u64>, DriverError> {
        let _ = id;
        Ok(None)
    }
}

impl Devl<'_> {
    /// Install (or with `None`, remove) the instance's drop counter source: the
    /// driver's `trap_drop_counter_get` / `trap_policer_counter_get` ops. The driver
    /// keeps its own clone of the `Arc` to count with. Every trap and policer message
    /// filled from now on reads it; nothing is notified and the revision does not move
    /// (counters are not notified state, as in the kernel).
    pub fn trap_counters_set(&mut self, counters: Option<Arc<dyn TrapCounters>>) {
        self.inst.objects.trap_counters = counters;
    }
}

impl Objects {
    /// A trap as `devlink_nl_trap_fill` puts it: the stored body with the drop count
    /// read now (none without a source).
    ///
    /// # Errors
    /// The counter read failed.
    pub(crate) fn trap_fill(&self, trap: &Trap) -> Result<Trap, DriverError> {
        let mut t = trap.clone();
        t.stats.rx_dropped = match &self.trap_counters {
            Some(c) => c.trap_drop(&t.name)?,
            None => None,
        };
        Ok(t)
    }

    /// A policer as `devlink_nl_trap_policer_fill` puts it: `DEVLINK_ATTR_STATS` with
    /// the drop count read now, or no stats without a source.
    ///
    /// # Errors
    /// The counter read failed.
    pub(crate) fn policer_fill(&self, policer: &TrapPolicer) -> Result<TrapPolicer, DriverError> {
        let drops = match &self.trap_counters {
            Some(c) => c.policer_drop(policer.id)?,
            None => None,
        };
        Ok(TrapPolicer {
            stats: drops.map(|d| Stats {
                rx_dropped: Some(d),
                ..Stats::default()
            }),
            ..policer.clone()
        })
    }

    /// [`Objects::trap_fill`] for a notification or a replay: a failed counter read
    /// leaves the drop count out rather than losing the event (see [`TrapCounters`]).
    pub(crate) fn trap_notify_fill(&self, trap: &Trap) -> Trap {
        self.trap_fill(trap).unwrap_or_else(|_| {
            let mut t = trap.clone();
            t.stats.rx_dropped = None;
            t
        })
    }

    /// [`Objects::policer_fill`] for a notification or a replay: without stats if the
    /// counter read fails.
    pub(crate) fn policer_notify_fill(&self, policer: &TrapPolicer) -> TrapPolicer {
        self.policer_fill(policer).unwrap_or_else(|_| TrapPolicer {
            stats: None,
            ..policer.clone()
        })
    }
}
