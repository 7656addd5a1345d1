//! Traps (kernel: `nsim_dev_traps_init` / `_exit` in `drivers/net/netdevsim/dev.c`): 3
//! policers, 6 generic groups, 14 traps, and the drop counters of `struct
//! nsim_trap_data`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use devlink_core::{CoreError, Devl, DriverError, Errno, PolicerLimits, TrapCounters};
use devlink_wire::devlink::{Handle, Stats, Trap, TrapGroup, TrapMetadata, TrapPolicer};
use devlink_wire::spec::{TrapAction, TrapType};

/// `nsim_trap_policers_arr`: id, rate (pps), burst (packets).
const POLICERS: [(u32, u64, u64); 3] = [(1, 1000, 128), (2, 2000, 256), (3, 3000, 512)];

/// `nsim_trap_groups_arr`: generic group name and policer id (0: none).
const GROUPS: [(&str, u32); 6] = [
    ("l2_drops", 0),
    ("l3_drops", 1),
    ("l3_exceptions", 1),
    ("buffer_drops", 2),
    ("acl_drops", 3),
    ("mc_snooping", 3),
];

/// One entry of `nsim_traps_arr`.
struct TrapDef {
    name: &'static str,
    ty: TrapType,
    action: TrapAction,
    group: &'static str,
    generic: bool,
    fa_cookie: bool,
}

const fn drop_trap(name: &'static str, group: &'static str) -> TrapDef {
    TrapDef {
        name,
        ty: TrapType::Drop,
        action: TrapAction::Drop,
        group,
        generic: true,
        fa_cookie: false,
    }
}

/// `nsim_traps_arr`, in array (registration) order. Every trap reports the ingress
/// port (`NSIM_TRAP_METADATA`); the flow-action drops also the flow-action cookie.
const TRAPS: [TrapDef; 14] = [
    drop_trap("source_mac_is_multicast", "l2_drops"),
    drop_trap("vlan_tag_mismatch", "l2_drops"),
    drop_trap("ingress_vlan_filter", "l2_drops"),
    drop_trap("ingress_spanning_tree_filter", "l2_drops"),
    drop_trap("port_list_is_empty", "l2_drops"),
    drop_trap("port_loopback_filter", "l2_drops"),
    TrapDef {
        name: "fid_miss",
        ty: TrapType::Exception,
        action: TrapAction::Trap,
        group: "l2_drops",
        generic: false,
        fa_cookie: false,
    },
    drop_trap("blackhole_route", "l3_drops"),
    TrapDef {
        name: "ttl_value_is_too_small",
        ty: TrapType::Exception,
        action: TrapAction::Trap,
        group: "l3_exceptions",
        generic: true,
        fa_cookie: false,
    },
    drop_trap("tail_drop", "buffer_drops"),
    TrapDef {
        fa_cookie: true,
        ..drop_trap("ingress_flow_action_drop", "acl_drops")
    },
    TrapDef {
        fa_cookie: true,
        ..drop_trap("egress_flow_action_drop", "acl_drops")
    },
    TrapDef {
        name: "igmp_query",
        ty: TrapType::Control,
        action: TrapAction::Mirror,
        group: "mc_snooping",
        generic: true,
        fa_cookie: false,
    },
    TrapDef {
        name: "igmp_v1_report",
        ty: TrapType::Control,
        action: TrapAction::Trap,
        group: "mc_snooping",
        generic: true,
        fa_cookie: false,
    },
];

/// The debugfs knobs `fail_trap_drop_counter_get` and `fail_trap_policer_counter_get`:
/// the counter ops fail with `-EINVAL` while set. Shared with the counter source, which
/// reads them at fill time.
#[derive(Debug, Default)]
pub(super) struct CounterFaults {
    /// `fail_trap_drop_counter_get`.
    pub(super) drop: AtomicBool,
    /// `fail_trap_policer_counter_get`.
    pub(super) policer: AtomicBool,
}

/// The drop counters of `struct nsim_trap_data`, read by netdevsim's
/// `trap_drop_counter_get` and `trap_policer_counter_get` ops. They live in the trap
/// data that `nsim_dev_traps_init` allocates zeroed and `nsim_dev_traps_exit` frees: a
/// reload (driver_reinit) starts them from 0 again.
#[derive(Debug, Default)]
struct TrapData {
    /// The device's `fail_trap_drop_counter_get` / `fail_trap_policer_counter_get`
    /// knobs: they live in `struct nsim_dev`, so they outlast a reload.
    faults: Arc<CounterFaults>,
    /// `trap_pkt_cnt`: one counter for every trap of the device.
    trap_pkt_cnt: AtomicU64,
    /// `trap_policers_cnt_arr`: one counter per policer, at `id - 1`.
    trap_policers_cnt_arr: [AtomicU64; POLICERS.len()],
}

impl TrapCounters for TrapData {
    /// `nsim_dev_devlink_trap_drop_counter_get`: the device's one counter, whichever
    /// trap is asked about, advanced by every read (so each fill of a trap message
    /// shows the next value).
    fn trap_drop(&self, _trap: &str) -> Result<Option<u64>, DriverError> {
        if self.faults.drop.load(Ordering::Relaxed) {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        Ok(Some(self.trap_pkt_cnt.fetch_add(1, Ordering::Relaxed)))
    }

    /// `nsim_dev_devlink_trap_policer_counter_get`: the policer's own counter, advanced
    /// by every read.
    fn policer_drop(&self, id: u32) -> Result<Option<u64>, DriverError> {
        if self.faults.policer.load(Ordering::Relaxed) {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        let counter = id
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.trap_policers_cnt_arr.get(i));
        Ok(counter.map(|c| c.fetch_add(1, Ordering::Relaxed)))
    }
}

/// `nsim_dev_traps_init`: fresh trap data (its drop counters at 0, read at every fill
/// through [`TrapCounters`]), then policers, groups, traps, each in array order. Groups
/// and traps report zero packets and bytes (nothing is ever trapped here).
pub(super) fn traps_init(
    devl: &mut Devl<'_>,
    faults: &Arc<CounterFaults>,
) -> Result<(), CoreError> {
    devl.trap_counters_set(Some(Arc::new(TrapData {
        faults: Arc::clone(faults),
        ..TrapData::default()
    })));
    let nobody = Handle::new("", "");
    for (id, rate, burst) in POLICERS {
        devl.trap_policer_register(TrapPolicer {
            handle: nobody.clone(),
            id,
            rate,
            burst,
            stats: None,
            unknown: Vec::new(),
        })?;
    }
    for (name, policer) in GROUPS {
        devl.trap_group_register(TrapGroup {
            handle: nobody.clone(),
            name: name.into(),
            generic: true,
            policer_id: (policer != 0).then_some(policer),
            stats: Stats {
                rx_packets: Some(0),
                rx_bytes: Some(0),
                ..Stats::default()
            },
            unknown: Vec::new(),
        })?;
    }
    for t in &TRAPS {
        devl.trap_register(Trap {
            handle: nobody.clone(),
            group: t.group.into(),
            name: t.name.into(),
            trap_type: t.ty,
            generic: t.generic,
            action: t.action,
            metadata: TrapMetadata {
                in_port: true,
                fa_cookie: t.fa_cookie,
                unknown: Vec::new(),
            },
            stats: Stats {
                rx_packets: Some(0),
                rx_bytes: Some(0),
                ..Stats::default()
            },
            unknown: Vec::new(),
        })?;
    }
    Ok(())
}

/// `nsim_dev_traps_exit`: traps, groups, policers, each in reverse registration order;
/// then the trap data (and its counters) goes.
pub(super) fn traps_exit(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    for t in TRAPS.iter().rev() {
        devl.trap_unregister(t.name)?;
    }
    for (name, _) in GROUPS.iter().rev() {
        devl.trap_group_unregister(name)?;
    }
    for (id, _, _) in POLICERS.iter().rev() {
        devl.trap_policer_unregister(*id)?;
    }
    devl.trap_counters_set(None);
    Ok(())
}

/// The policers' limits (`NSIM_DEV_TRAP_POLICER_MIN_RATE` … `_MAX_BURST`).
pub(super) const POLICER_LIMITS: PolicerLimits = PolicerLimits {
    min_rate: 1,
    max_rate: 8000,
    min_burst: 8,
    max_burst: 65536,
};
