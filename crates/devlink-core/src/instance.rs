//! A devlink instance: handle, lifecycle, reload statistics and its objects
//! (kernel: `struct devlink`, `net/devlink/core.c`, `dev.c`).

use devlink_wire::devlink::{
    Dev, DevStats, Handle, NestedHandle, ReloadActionInfo, ReloadStatsEntry,
};
use devlink_wire::spec::{KernelEnum, ReloadAction, ReloadLimit};

use crate::driver::{Driver, ReloadCaps};
use crate::objects::Objects;

/// Where an instance is in its life (kernel: the `DEVLINK_REGISTERED` xarray mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Allocated, not yet registered: invisible to requests, dumps and notifications.
    Allocated,
    /// Registered: visible.
    Registered,
    /// Unregistered: invisible again, waiting to be freed. Cannot register again.
    Unregistered,
}

/// Number of reload actions including `UNSPEC` (`__DEVLINK_RELOAD_ACTION_MAX`).
const ACTIONS: usize = ReloadAction::ALL.len();
/// Number of reload limits including `UNSPEC` (`__DEVLINK_RELOAD_LIMIT_MAX`).
const LIMITS: usize = ReloadLimit::ALL.len();

/// Reload counters indexed like the kernel's `reload_stats[limit * ACTIONS + action]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ReloadStats([[u32; ACTIONS]; LIMITS]);

impl ReloadStats {
    fn get(&self, action: ReloadAction, limit: ReloadLimit) -> u32 {
        self.0
            .get(usize::from(limit.repr()))
            .and_then(|row| row.get(usize::from(action.repr())))
            .copied()
            .unwrap_or(0)
    }

    /// Count every action of `performed` (a bitmask of actions) once under `limit`.
    pub(crate) fn add(&mut self, limit: ReloadLimit, performed: u32) {
        for action in ReloadAction::ALL {
            if performed & (1 << action.repr()) != 0
                && let Some(v) = self
                    .0
                    .get_mut(usize::from(limit.repr()))
                    .and_then(|row| row.get_mut(usize::from(action.repr())))
            {
                *v = v.wrapping_add(1);
            }
        }
    }
}

/// An instance and everything it owns.
pub(crate) struct Instance {
    pub(crate) handle: Handle,
    pub(crate) lifecycle: Lifecycle,
    pub(crate) reload_caps: ReloadCaps,
    pub(crate) reload_failed: bool,
    pub(crate) stats: ReloadStats,
    pub(crate) remote_stats: ReloadStats,
    pub(crate) objects: Objects,
    /// `NESTED_DEVLINK`: the registered instances nested in this one, in relation
    /// order (kept by `nested.rs`).
    pub(crate) nested: Vec<NestedHandle>,
    /// Taken out while one of its callbacks runs (so it can borrow the instance).
    pub(crate) driver: Option<Box<dyn Driver>>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("handle", &self.handle)
            .field("lifecycle", &self.lifecycle)
            .field("reload_failed", &self.reload_failed)
            .finish_non_exhaustive()
    }
}

impl Instance {
    pub(crate) fn new(handle: Handle, driver: Box<dyn Driver>) -> Self {
        Self {
            reload_caps: driver.reload_caps(),
            handle,
            lifecycle: Lifecycle::Allocated,
            reload_failed: false,
            stats: ReloadStats::default(),
            remote_stats: ReloadStats::default(),
            objects: Objects::default(),
            nested: Vec::new(),
            driver: Some(driver),
        }
    }

    pub(crate) fn is_registered(&self) -> bool {
        self.lifecycle == Lifecycle::Registered
    }

    /// The instance as `devlink_nl_fill` describes it.
    pub(crate) fn fill(&self) -> Dev {
        Dev {
            handle: self.handle.clone(),
            reload_failed: Some(self.reload_failed),
            stats: Some(DevStats {
                reload: self.stats_put(&self.stats, false),
                remote_reload: self.stats_put(&self.remote_stats, true),
            }),
            nested: self.nested.clone(),
            unknown: Vec::new(),
        }
    }

    /// `devlink_reload_stats_put`: local stats list the supported actions and, under each,
    /// `UNSPEC` plus the supported limits; remote stats list every action and limit. The
    /// invalid combination driver_reinit + no_reset is never listed.
    fn stats_put(&self, stats: &ReloadStats, remote: bool) -> Vec<ReloadActionInfo> {
        let mut out = Vec::new();
        for &action in ReloadAction::ALL {
            if action == ReloadAction::Unspec || (!remote && !self.reload_caps.action(action)) {
                continue;
            }
            let entries = ReloadLimit::ALL
                .iter()
                .filter(|&&limit| {
                    (remote || limit == ReloadLimit::Unspec || self.reload_caps.limit(limit))
                        && !reload_combination_is_invalid(action, limit)
                })
                .map(|&limit| ReloadStatsEntry {
                    limit,
                    value: stats.get(action, limit),
                })
                .collect();
            out.push(ReloadActionInfo { action, entries });
        }
        out
    }
}

/// `devlink_reload_combination_is_invalid`: the driver cannot re-initialise with no reset.
pub(crate) fn reload_combination_is_invalid(action: ReloadAction, limit: ReloadLimit) -> bool {
    action == ReloadAction::DriverReinit && limit == ReloadLimit::NoReset
}
