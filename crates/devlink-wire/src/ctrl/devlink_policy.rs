//! Devlink's request policies as data, transcribed from the kernel's
//! `net/devlink/netlink_gen.c` (YNL-generated from `devlink.yaml`; torvalds/linux at
//! a4a508df2aa3: 74 split ops, `HEALTH_REPORTER_BURST_PERIOD`, no `DEVLINK_ATTR_INDEX`).
//! One static per kernel `struct nla_policy` array, named after it, attributes in the
//! file's order. The ops table that uses them is in `devlink_family.rs`.

use crate::spec::{Attr, PortFnAttr, RateTcAttr, SelftestIdAttr};

use super::policy_dump::{AttrPolicy as P, PolicyTable};

/// `policy!("kernel_name", Space::MaxAttr, [Attr: policy, …])`.
macro_rules! policy {
    ($name:literal, $space:ident :: $max:ident, [$($attr:ident: $pol:expr),* $(,)?]) => {
        PolicyTable {
            name: $name,
            maxattr: $space::$max as u16,
            attrs: &[$(($space::$attr as u16, $pol)),*],
        }
    };
}

const NUL: P = P::NUL_STRING;

// Common nested types.
pub(crate) static PORT_FUNCTION: PolicyTable = policy!("devlink_dl_port_function_nl_policy",
    PortFnAttr::Caps, [HwAddr: P::BINARY, State: P::u8_max(1), Opstate: P::u8_max(1),
    Caps: P::Bitfield32 { mask: 15 }]);
/// `DEVLINK_RATE_TC_INDEX_MAX` = `DEVLINK_RATE_TCS_MAX` (8) − 1.
pub(crate) static RATE_TC_BWS: PolicyTable = policy!("devlink_dl_rate_tc_bws_nl_policy",
    RateTcAttr::Bw, [Index: P::u8_max(7), Bw: P::U32]);
pub(crate) static SELFTEST_ID: PolicyTable = policy!("devlink_dl_selftest_id_nl_policy",
    SelftestIdAttr::Flash, [Flash: P::Flag]);

pub(crate) static GET: PolicyTable = policy!("devlink_get_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);

pub(crate) static PORT_GET_DO: PolicyTable = policy!("devlink_port_get_do_nl_policy",
    Attr::PortIndex, [BusName: NUL, DevName: NUL, PortIndex: P::U32]);
pub(crate) static PORT_GET_DUMP: PolicyTable = policy!("devlink_port_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static PORT_SET: PolicyTable = policy!("devlink_port_set_nl_policy",
    Attr::PortFunction, [BusName: NUL, DevName: NUL, PortIndex: P::U32,
    PortType: P::u16_max(3), PortFunction: P::Nested(&PORT_FUNCTION)]);
pub(crate) static PORT_NEW: PolicyTable = policy!("devlink_port_new_nl_policy",
    Attr::PortPciSfNumber, [BusName: NUL, DevName: NUL, PortIndex: P::U32,
    PortFlavour: P::u16_max(7), PortPciPfNumber: P::U16_ANY, PortPciSfNumber: P::U32,
    PortControllerNumber: P::U32]);
pub(crate) static PORT_DEL: PolicyTable = policy!("devlink_port_del_nl_policy",
    Attr::PortIndex, [BusName: NUL, DevName: NUL, PortIndex: P::U32]);
pub(crate) static PORT_SPLIT: PolicyTable = policy!("devlink_port_split_nl_policy",
    Attr::PortSplitCount, [BusName: NUL, DevName: NUL, PortIndex: P::U32,
    PortSplitCount: P::U32]);
pub(crate) static PORT_UNSPLIT: PolicyTable = policy!("devlink_port_unsplit_nl_policy",
    Attr::PortIndex, [BusName: NUL, DevName: NUL, PortIndex: P::U32]);

pub(crate) static SB_GET_DO: PolicyTable = policy!("devlink_sb_get_do_nl_policy",
    Attr::SbIndex, [BusName: NUL, DevName: NUL, SbIndex: P::U32]);
pub(crate) static SB_GET_DUMP: PolicyTable = policy!("devlink_sb_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static SB_POOL_GET_DO: PolicyTable = policy!("devlink_sb_pool_get_do_nl_policy",
    Attr::SbPoolIndex, [BusName: NUL, DevName: NUL, SbIndex: P::U32,
    SbPoolIndex: P::U16_ANY]);
pub(crate) static SB_POOL_GET_DUMP: PolicyTable = policy!(
    "devlink_sb_pool_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static SB_POOL_SET: PolicyTable = policy!("devlink_sb_pool_set_nl_policy",
    Attr::SbPoolThresholdType, [BusName: NUL, DevName: NUL, SbIndex: P::U32,
    SbPoolIndex: P::U16_ANY, SbPoolThresholdType: P::u8_max(1), SbPoolSize: P::U32]);
pub(crate) static SB_PORT_POOL_GET_DO: PolicyTable = policy!(
    "devlink_sb_port_pool_get_do_nl_policy", Attr::SbPoolIndex, [BusName: NUL, DevName: NUL,
    PortIndex: P::U32, SbIndex: P::U32, SbPoolIndex: P::U16_ANY]);
pub(crate) static SB_PORT_POOL_GET_DUMP: PolicyTable = policy!(
    "devlink_sb_port_pool_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static SB_PORT_POOL_SET: PolicyTable = policy!(
    "devlink_sb_port_pool_set_nl_policy", Attr::SbThreshold, [BusName: NUL, DevName: NUL,
    PortIndex: P::U32, SbIndex: P::U32, SbPoolIndex: P::U16_ANY, SbThreshold: P::U32]);
pub(crate) static SB_TC_POOL_BIND_GET_DO: PolicyTable = policy!(
    "devlink_sb_tc_pool_bind_get_do_nl_policy", Attr::SbTcIndex, [BusName: NUL, DevName: NUL,
    PortIndex: P::U32, SbIndex: P::U32, SbPoolType: P::u8_max(1), SbTcIndex: P::U16_ANY]);
pub(crate) static SB_TC_POOL_BIND_GET_DUMP: PolicyTable = policy!(
    "devlink_sb_tc_pool_bind_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static SB_TC_POOL_BIND_SET: PolicyTable = policy!(
    "devlink_sb_tc_pool_bind_set_nl_policy", Attr::SbTcIndex, [BusName: NUL, DevName: NUL,
    PortIndex: P::U32, SbIndex: P::U32, SbPoolIndex: P::U16_ANY, SbPoolType: P::u8_max(1),
    SbTcIndex: P::U16_ANY, SbThreshold: P::U32]);
pub(crate) static SB_OCC_SNAPSHOT: PolicyTable = policy!("devlink_sb_occ_snapshot_nl_policy",
    Attr::SbIndex, [BusName: NUL, DevName: NUL, SbIndex: P::U32]);
pub(crate) static SB_OCC_MAX_CLEAR: PolicyTable = policy!(
    "devlink_sb_occ_max_clear_nl_policy", Attr::SbIndex, [BusName: NUL, DevName: NUL,
    SbIndex: P::U32]);

pub(crate) static ESWITCH_GET: PolicyTable = policy!("devlink_eswitch_get_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static ESWITCH_SET: PolicyTable = policy!("devlink_eswitch_set_nl_policy",
    Attr::EswitchEncapMode, [BusName: NUL, DevName: NUL, EswitchMode: P::u16_max(1),
    EswitchInlineMode: P::u8_max(3), EswitchEncapMode: P::u8_max(1)]);

pub(crate) static DPIPE_TABLE_GET: PolicyTable = policy!("devlink_dpipe_table_get_nl_policy",
    Attr::DpipeTableName, [BusName: NUL, DevName: NUL, DpipeTableName: NUL]);
pub(crate) static DPIPE_ENTRIES_GET: PolicyTable = policy!(
    "devlink_dpipe_entries_get_nl_policy", Attr::DpipeTableName, [BusName: NUL, DevName: NUL,
    DpipeTableName: NUL]);
pub(crate) static DPIPE_HEADERS_GET: PolicyTable = policy!(
    "devlink_dpipe_headers_get_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static DPIPE_TABLE_COUNTERS_SET: PolicyTable = policy!(
    "devlink_dpipe_table_counters_set_nl_policy", Attr::DpipeTableCountersEnabled,
    [BusName: NUL, DevName: NUL, DpipeTableName: NUL, DpipeTableCountersEnabled: P::U8_ANY]);

pub(crate) static RESOURCE_SET: PolicyTable = policy!("devlink_resource_set_nl_policy",
    Attr::ResourceSize, [BusName: NUL, DevName: NUL, ResourceId: P::U64, ResourceSize: P::U64]);
pub(crate) static RESOURCE_DUMP: PolicyTable = policy!("devlink_resource_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);

pub(crate) static RELOAD: PolicyTable = policy!("devlink_reload_nl_policy",
    Attr::ReloadLimits, [BusName: NUL, DevName: NUL, ReloadAction: P::u8_range(1, 2),
    ReloadLimits: P::Bitfield32 { mask: 6 }, NetnsPid: P::U32, NetnsFd: P::U32,
    NetnsId: P::U32]);

pub(crate) static PARAM_GET_DO: PolicyTable = policy!("devlink_param_get_do_nl_policy",
    Attr::ParamName, [BusName: NUL, DevName: NUL, ParamName: NUL]);
pub(crate) static PARAM_GET_DUMP: PolicyTable = policy!("devlink_param_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
/// `PARAM_TYPE` is `NLA_POLICY_VALIDATE_FN(NLA_U8, …)`: dumped as a plain u8.
pub(crate) static PARAM_SET: PolicyTable = policy!("devlink_param_set_nl_policy",
    Attr::ParamValueCmode, [BusName: NUL, DevName: NUL, ParamName: NUL,
    ParamType: P::U8_ANY, ParamValueCmode: P::u8_max(2)]);

pub(crate) static REGION_GET_DO: PolicyTable = policy!("devlink_region_get_do_nl_policy",
    Attr::RegionName, [BusName: NUL, DevName: NUL, PortIndex: P::U32, RegionName: NUL]);
pub(crate) static REGION_GET_DUMP: PolicyTable = policy!("devlink_region_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static REGION_NEW: PolicyTable = policy!("devlink_region_new_nl_policy",
    Attr::RegionSnapshotId, [BusName: NUL, DevName: NUL, PortIndex: P::U32, RegionName: NUL,
    RegionSnapshotId: P::U32]);
pub(crate) static REGION_DEL: PolicyTable = policy!("devlink_region_del_nl_policy",
    Attr::RegionSnapshotId, [BusName: NUL, DevName: NUL, PortIndex: P::U32, RegionName: NUL,
    RegionSnapshotId: P::U32]);
pub(crate) static REGION_READ: PolicyTable = policy!("devlink_region_read_nl_policy",
    Attr::RegionDirect, [BusName: NUL, DevName: NUL, PortIndex: P::U32, RegionName: NUL,
    RegionSnapshotId: P::U32, RegionDirect: P::Flag, RegionChunkAddr: P::U64,
    RegionChunkLen: P::U64]);

pub(crate) static PORT_PARAM_GET: PolicyTable = policy!("devlink_port_param_get_nl_policy",
    Attr::PortIndex, [BusName: NUL, DevName: NUL, PortIndex: P::U32]);
pub(crate) static PORT_PARAM_SET: PolicyTable = policy!("devlink_port_param_set_nl_policy",
    Attr::PortIndex, [BusName: NUL, DevName: NUL, PortIndex: P::U32]);

pub(crate) static INFO_GET: PolicyTable = policy!("devlink_info_get_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);

pub(crate) static HEALTH_REPORTER_GET_DO: PolicyTable = policy!(
    "devlink_health_reporter_get_do_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);
pub(crate) static HEALTH_REPORTER_GET_DUMP: PolicyTable = policy!(
    "devlink_health_reporter_get_dump_nl_policy", Attr::PortIndex, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32]);
pub(crate) static HEALTH_REPORTER_SET: PolicyTable = policy!(
    "devlink_health_reporter_set_nl_policy", Attr::HealthReporterBurstPeriod, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL,
    HealthReporterGracefulPeriod: P::U64, HealthReporterAutoRecover: P::U8_ANY,
    HealthReporterAutoDump: P::U8_ANY, HealthReporterBurstPeriod: P::U64]);
pub(crate) static HEALTH_REPORTER_RECOVER: PolicyTable = policy!(
    "devlink_health_reporter_recover_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);
pub(crate) static HEALTH_REPORTER_DIAGNOSE: PolicyTable = policy!(
    "devlink_health_reporter_diagnose_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);
pub(crate) static HEALTH_REPORTER_DUMP_GET: PolicyTable = policy!(
    "devlink_health_reporter_dump_get_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);
pub(crate) static HEALTH_REPORTER_DUMP_CLEAR: PolicyTable = policy!(
    "devlink_health_reporter_dump_clear_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);
pub(crate) static HEALTH_REPORTER_TEST: PolicyTable = policy!(
    "devlink_health_reporter_test_nl_policy", Attr::HealthReporterName, [BusName: NUL,
    DevName: NUL, PortIndex: P::U32, HealthReporterName: NUL]);

pub(crate) static FLASH_UPDATE: PolicyTable = policy!("devlink_flash_update_nl_policy",
    Attr::FlashUpdateOverwriteMask, [BusName: NUL, DevName: NUL, FlashUpdateFileName: NUL,
    FlashUpdateComponent: NUL, FlashUpdateOverwriteMask: P::Bitfield32 { mask: 3 }]);

pub(crate) static TRAP_GET_DO: PolicyTable = policy!("devlink_trap_get_do_nl_policy",
    Attr::TrapName, [BusName: NUL, DevName: NUL, TrapName: NUL]);
pub(crate) static TRAP_GET_DUMP: PolicyTable = policy!("devlink_trap_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static TRAP_SET: PolicyTable = policy!("devlink_trap_set_nl_policy",
    Attr::TrapAction, [BusName: NUL, DevName: NUL, TrapName: NUL, TrapAction: P::u8_max(2)]);
pub(crate) static TRAP_GROUP_GET_DO: PolicyTable = policy!(
    "devlink_trap_group_get_do_nl_policy", Attr::TrapGroupName, [BusName: NUL, DevName: NUL,
    TrapGroupName: NUL]);
pub(crate) static TRAP_GROUP_GET_DUMP: PolicyTable = policy!(
    "devlink_trap_group_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static TRAP_GROUP_SET: PolicyTable = policy!("devlink_trap_group_set_nl_policy",
    Attr::TrapPolicerId, [BusName: NUL, DevName: NUL, TrapGroupName: NUL,
    TrapAction: P::u8_max(2), TrapPolicerId: P::U32]);
pub(crate) static TRAP_POLICER_GET_DO: PolicyTable = policy!(
    "devlink_trap_policer_get_do_nl_policy", Attr::TrapPolicerId, [BusName: NUL, DevName: NUL,
    TrapPolicerId: P::U32]);
pub(crate) static TRAP_POLICER_GET_DUMP: PolicyTable = policy!(
    "devlink_trap_policer_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static TRAP_POLICER_SET: PolicyTable = policy!(
    "devlink_trap_policer_set_nl_policy", Attr::TrapPolicerBurst, [BusName: NUL, DevName: NUL,
    TrapPolicerId: P::U32, TrapPolicerRate: P::U64, TrapPolicerBurst: P::U64]);

pub(crate) static RATE_GET_DO: PolicyTable = policy!("devlink_rate_get_do_nl_policy",
    Attr::RateNodeName, [BusName: NUL, DevName: NUL, PortIndex: P::U32, RateNodeName: NUL]);
pub(crate) static RATE_GET_DUMP: PolicyTable = policy!("devlink_rate_get_dump_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static RATE_SET: PolicyTable = policy!("devlink_rate_set_nl_policy",
    Attr::RateTcBws, [BusName: NUL, DevName: NUL, RateNodeName: NUL, RateTxShare: P::U64,
    RateTxMax: P::U64, RateTxPriority: P::U32, RateTxWeight: P::U32,
    RateParentNodeName: NUL, RateTcBws: P::Nested(&RATE_TC_BWS)]);
pub(crate) static RATE_NEW: PolicyTable = policy!("devlink_rate_new_nl_policy",
    Attr::RateTcBws, [BusName: NUL, DevName: NUL, RateNodeName: NUL, RateTxShare: P::U64,
    RateTxMax: P::U64, RateTxPriority: P::U32, RateTxWeight: P::U32,
    RateParentNodeName: NUL, RateTcBws: P::Nested(&RATE_TC_BWS)]);
pub(crate) static RATE_DEL: PolicyTable = policy!("devlink_rate_del_nl_policy",
    Attr::RateNodeName, [BusName: NUL, DevName: NUL, RateNodeName: NUL]);

pub(crate) static LINECARD_GET_DO: PolicyTable = policy!("devlink_linecard_get_do_nl_policy",
    Attr::LinecardIndex, [BusName: NUL, DevName: NUL, LinecardIndex: P::U32]);
pub(crate) static LINECARD_GET_DUMP: PolicyTable = policy!(
    "devlink_linecard_get_dump_nl_policy", Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static LINECARD_SET: PolicyTable = policy!("devlink_linecard_set_nl_policy",
    Attr::LinecardType, [BusName: NUL, DevName: NUL, LinecardIndex: P::U32,
    LinecardType: NUL]);

pub(crate) static SELFTESTS_GET: PolicyTable = policy!("devlink_selftests_get_nl_policy",
    Attr::DevName, [BusName: NUL, DevName: NUL]);
pub(crate) static SELFTESTS_RUN: PolicyTable = policy!("devlink_selftests_run_nl_policy",
    Attr::Selftests, [BusName: NUL, DevName: NUL, Selftests: P::Nested(&SELFTEST_ID)]);

pub(crate) static NOTIFY_FILTER_SET: PolicyTable = policy!(
    "devlink_notify_filter_set_nl_policy", Attr::PortIndex, [BusName: NUL, DevName: NUL,
    PortIndex: P::U32]);
