//! The devlink family as the controller describes it: `NEWFAMILY` contents and the
//! `GETPOLICY` dump. Shaped like current mainline (`net/devlink/netlink_gen.c`
//! `devlink_nl_ops`, `net/devlink/netlink.c` `devlink_nl_family`): split ops, so
//! `MAXATTR` 0; one multicast group, "config".

use crate::spec::Cmd;

use super::consts::GENL_ADMIN_PERM;
use super::devlink_policy as pol;
use super::family::{FamilyInfo, McastGroup};
use super::message::CtrlMessage;
use super::policy_dump::{
    OpHalf, OpSpec, PolicyDumpError, family_ops, policy_dump, policy_dump_op,
};

/// `DEVLINK_GENL_NAME`.
pub const DEVLINK_GENL_NAME: &str = "devlink";
/// `DEVLINK_GENL_VERSION`.
pub const DEVLINK_GENL_VERSION: u8 = 1;
/// `DEVLINK_GENL_MCGRP_CONFIG_NAME`.
pub const DEVLINK_GENL_MCGRP_CONFIG_NAME: &str = "config";

use OpHalf::{Absent as NO, NoPolicy as UNCHECKED, Policy as P};

const ADMIN: u32 = GENL_ADMIN_PERM;

const fn op(cmd: Cmd, perm: u32, doit: OpHalf, dumpit: OpHalf) -> OpSpec {
    OpSpec {
        cmd: cmd as u8,
        perm,
        doit,
        dumpit,
    }
}

/// Devlink's commands in the kernel's split-op order (`devlink_nl_ops`, do half before
/// dump half of the same command), with each half's policy.
#[rustfmt::skip]
pub static DEVLINK_OPS: [OpSpec; 57] = [
    op(Cmd::Get, 0, P(&pol::GET), UNCHECKED),
    op(Cmd::PortGet, 0, P(&pol::PORT_GET_DO), P(&pol::PORT_GET_DUMP)),
    op(Cmd::PortSet, ADMIN, P(&pol::PORT_SET), NO),
    op(Cmd::PortNew, ADMIN, P(&pol::PORT_NEW), NO),
    op(Cmd::PortDel, ADMIN, P(&pol::PORT_DEL), NO),
    op(Cmd::PortSplit, ADMIN, P(&pol::PORT_SPLIT), NO),
    op(Cmd::PortUnsplit, ADMIN, P(&pol::PORT_UNSPLIT), NO),
    op(Cmd::SbGet, 0, P(&pol::SB_GET_DO), P(&pol::SB_GET_DUMP)),
    op(Cmd::SbPoolGet, 0, P(&pol::SB_POOL_GET_DO), P(&pol::SB_POOL_GET_DUMP)),
    op(Cmd::SbPoolSet, ADMIN, P(&pol::SB_POOL_SET), NO),
    op(Cmd::SbPortPoolGet, 0, P(&pol::SB_PORT_POOL_GET_DO), P(&pol::SB_PORT_POOL_GET_DUMP)),
    op(Cmd::SbPortPoolSet, ADMIN, P(&pol::SB_PORT_POOL_SET), NO),
    op(Cmd::SbTcPoolBindGet, 0, P(&pol::SB_TC_POOL_BIND_GET_DO), P(&pol::SB_TC_POOL_BIND_GET_DUMP)),
    op(Cmd::SbTcPoolBindSet, ADMIN, P(&pol::SB_TC_POOL_BIND_SET), NO),
    op(Cmd::SbOccSnapshot, ADMIN, P(&pol::SB_OCC_SNAPSHOT), NO),
    op(Cmd::SbOccMaxClear, ADMIN, P(&pol::SB_OCC_MAX_CLEAR), NO),
    op(Cmd::EswitchGet, ADMIN, P(&pol::ESWITCH_GET), NO),
    op(Cmd::EswitchSet, ADMIN, P(&pol::ESWITCH_SET), NO),
    op(Cmd::DpipeTableGet, 0, P(&pol::DPIPE_TABLE_GET), NO),
    op(Cmd::DpipeEntriesGet, 0, P(&pol::DPIPE_ENTRIES_GET), NO),
    op(Cmd::DpipeHeadersGet, 0, P(&pol::DPIPE_HEADERS_GET), NO),
    op(Cmd::DpipeTableCountersSet, ADMIN, P(&pol::DPIPE_TABLE_COUNTERS_SET), NO),
    op(Cmd::ResourceSet, ADMIN, P(&pol::RESOURCE_SET), NO),
    op(Cmd::ResourceDump, 0, P(&pol::RESOURCE_DUMP), NO),
    op(Cmd::Reload, ADMIN, P(&pol::RELOAD), NO),
    op(Cmd::ParamGet, 0, P(&pol::PARAM_GET_DO), P(&pol::PARAM_GET_DUMP)),
    op(Cmd::ParamSet, ADMIN, P(&pol::PARAM_SET), NO),
    op(Cmd::RegionGet, 0, P(&pol::REGION_GET_DO), P(&pol::REGION_GET_DUMP)),
    op(Cmd::RegionNew, ADMIN, P(&pol::REGION_NEW), NO),
    op(Cmd::RegionDel, ADMIN, P(&pol::REGION_DEL), NO),
    op(Cmd::RegionRead, ADMIN, NO, P(&pol::REGION_READ)),
    op(Cmd::PortParamGet, 0, P(&pol::PORT_PARAM_GET), UNCHECKED),
    op(Cmd::PortParamSet, ADMIN, P(&pol::PORT_PARAM_SET), NO),
    op(Cmd::InfoGet, 0, P(&pol::INFO_GET), UNCHECKED),
    op(Cmd::HealthReporterGet, 0, P(&pol::HEALTH_REPORTER_GET_DO), P(&pol::HEALTH_REPORTER_GET_DUMP)),
    op(Cmd::HealthReporterSet, ADMIN, P(&pol::HEALTH_REPORTER_SET), NO),
    op(Cmd::HealthReporterRecover, ADMIN, P(&pol::HEALTH_REPORTER_RECOVER), NO),
    op(Cmd::HealthReporterDiagnose, ADMIN, P(&pol::HEALTH_REPORTER_DIAGNOSE), NO),
    op(Cmd::HealthReporterDumpGet, ADMIN, NO, P(&pol::HEALTH_REPORTER_DUMP_GET)),
    op(Cmd::HealthReporterDumpClear, ADMIN, P(&pol::HEALTH_REPORTER_DUMP_CLEAR), NO),
    op(Cmd::FlashUpdate, ADMIN, P(&pol::FLASH_UPDATE), NO),
    op(Cmd::TrapGet, 0, P(&pol::TRAP_GET_DO), P(&pol::TRAP_GET_DUMP)),
    op(Cmd::TrapSet, ADMIN, P(&pol::TRAP_SET), NO),
    op(Cmd::TrapGroupGet, 0, P(&pol::TRAP_GROUP_GET_DO), P(&pol::TRAP_GROUP_GET_DUMP)),
    op(Cmd::TrapGroupSet, ADMIN, P(&pol::TRAP_GROUP_SET), NO),
    op(Cmd::TrapPolicerGet, 0, P(&pol::TRAP_POLICER_GET_DO), P(&pol::TRAP_POLICER_GET_DUMP)),
    op(Cmd::TrapPolicerSet, ADMIN, P(&pol::TRAP_POLICER_SET), NO),
    op(Cmd::HealthReporterTest, ADMIN, P(&pol::HEALTH_REPORTER_TEST), NO),
    op(Cmd::RateGet, 0, P(&pol::RATE_GET_DO), P(&pol::RATE_GET_DUMP)),
    op(Cmd::RateSet, ADMIN, P(&pol::RATE_SET), NO),
    op(Cmd::RateNew, ADMIN, P(&pol::RATE_NEW), NO),
    op(Cmd::RateDel, ADMIN, P(&pol::RATE_DEL), NO),
    op(Cmd::LinecardGet, 0, P(&pol::LINECARD_GET_DO), P(&pol::LINECARD_GET_DUMP)),
    op(Cmd::LinecardSet, ADMIN, P(&pol::LINECARD_SET), NO),
    op(Cmd::SelftestsGet, 0, P(&pol::SELFTESTS_GET), UNCHECKED),
    op(Cmd::SelftestsRun, ADMIN, P(&pol::SELFTESTS_RUN), NO),
    op(Cmd::NotifyFilterSet, 0, P(&pol::NOTIFY_FILTER_SET), NO),
];

/// The devlink family as `CTRL_CMD_NEWFAMILY` describes it: name "devlink", the given
/// dynamic `id`, version 1, hdrsize 0, maxattr 0, the 57 ops of [`DEVLINK_OPS`], and the
/// group "config" with number `mcast_id`.
#[must_use]
pub fn devlink_family(id: u16, mcast_id: u32) -> FamilyInfo {
    FamilyInfo {
        name: DEVLINK_GENL_NAME.to_owned(),
        id,
        version: DEVLINK_GENL_VERSION.into(),
        hdrsize: 0,
        maxattr: 0,
        ops: family_ops(&DEVLINK_OPS),
        mcast_groups: vec![McastGroup::new(DEVLINK_GENL_MCGRP_CONFIG_NAME, mcast_id)],
        unknown: Vec::new(),
    }
}

/// The messages of the kernel's reply to a `CTRL_CMD_GETPOLICY` dump of devlink (all
/// ops), in order, without the closing `NLMSG_DONE`. Send each with `NLM_F_MULTI`.
#[must_use]
pub fn devlink_policy_dump(family_id: u16) -> Vec<CtrlMessage> {
    policy_dump(family_id, &DEVLINK_OPS).unwrap_or_default()
}

/// The reply to a `CTRL_CMD_GETPOLICY` dump of devlink restricted to command `cmd`
/// (`CTRL_ATTR_OP`).
pub fn devlink_policy_dump_op(
    family_id: u16,
    cmd: u32,
) -> Result<Vec<CtrlMessage>, PolicyDumpError> {
    policy_dump_op(family_id, &DEVLINK_OPS, cmd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctrl::consts::{NL_ATTR_TYPE_NESTED, NL_ATTR_TYPE_U8};
    use crate::ctrl::policy_dump::{AttrPolicy, PolicyTable, REJECT_ALL};
    use crate::ctrl::{CtrlBody, OpInfo, OpPolicy, Policy, PolicyAttr};
    use crate::nl::{GENL_ID_CTRL, NlmsgHeader, flags};
    use crate::spec::Attr;

    /// `(cmd, op flags, do policy index, dump policy index)` for every op, in order.
    /// Flags as in wire-protocol §2.3. Indexes as the kernel assigns them: §2.3's, except
    /// that the dump halves without a policy (GET, PORT_PARAM_GET, INFO_GET,
    /// SELFTESTS_GET) get `genl_policy_reject_all`, index 1, which shifts every later
    /// index by one (`genl_op_from_split` → `genl_op_fill_in_reject_policy_split`).
    const EXPECTED: [(u8, u32, Option<u32>, Option<u32>); 57] = [
        (1, 0x0e, Some(0), Some(1)),
        (5, 0x0e, Some(2), Some(3)),
        (6, 0x0b, Some(4), None),
        (7, 0x0b, Some(6), None),
        (8, 0x0b, Some(7), None),
        (9, 0x0b, Some(8), None),
        (10, 0x0b, Some(9), None),
        (11, 0x0e, Some(10), Some(11)),
        (15, 0x0e, Some(12), Some(13)),
        (16, 0x0b, Some(14), None),
        (19, 0x0e, Some(15), Some(16)),
        (20, 0x0b, Some(17), None),
        (23, 0x0e, Some(18), Some(19)),
        (24, 0x0b, Some(20), None),
        (27, 0x0b, Some(21), None),
        (28, 0x0b, Some(22), None),
        (29, 0x0b, Some(23), None),
        (30, 0x0b, Some(24), None),
        (31, 0x0a, Some(25), None),
        (32, 0x0a, Some(26), None),
        (33, 0x0a, Some(27), None),
        (34, 0x0b, Some(28), None),
        (35, 0x0b, Some(29), None),
        (36, 0x0a, Some(30), None),
        (37, 0x0b, Some(31), None),
        (38, 0x0e, Some(32), Some(33)),
        (39, 0x0b, Some(34), None),
        (42, 0x0e, Some(35), Some(36)),
        (44, 0x0b, Some(37), None),
        (45, 0x0b, Some(38), None),
        (46, 0x0d, None, Some(39)),
        (47, 0x0e, Some(40), Some(1)),
        (48, 0x0b, Some(41), None),
        (51, 0x0e, Some(42), Some(1)),
        (52, 0x0e, Some(43), Some(44)),
        (53, 0x0b, Some(45), None),
        (54, 0x0b, Some(46), None),
        (55, 0x0b, Some(47), None),
        (56, 0x0d, None, Some(48)),
        (57, 0x0b, Some(49), None),
        (58, 0x0b, Some(50), None),
        (61, 0x0e, Some(51), Some(52)),
        (62, 0x0b, Some(53), None),
        (65, 0x0e, Some(54), Some(55)),
        (66, 0x0b, Some(56), None),
        (69, 0x0e, Some(57), Some(58)),
        (70, 0x0b, Some(59), None),
        (73, 0x0b, Some(60), None),
        (74, 0x0e, Some(61), Some(62)),
        (75, 0x0b, Some(63), None),
        (76, 0x0b, Some(65), None),
        (77, 0x0b, Some(66), None),
        (78, 0x0e, Some(67), Some(68)),
        (79, 0x0b, Some(69), None),
        (82, 0x0e, Some(70), Some(1)),
        (83, 0x0b, Some(71), None),
        (84, 0x0a, Some(73), None),
    ];

    fn all_policies() -> Vec<&'static PolicyTable> {
        let mut seen: Vec<&'static PolicyTable> = Vec::new();
        for op in &DEVLINK_OPS {
            for half in [op.doit, op.dumpit] {
                if let OpHalf::Policy(p) = half {
                    seen.push(p);
                    for (_, a) in p.attrs {
                        if let AttrPolicy::Nested(sub) = a {
                            seen.push(sub);
                        }
                    }
                }
            }
        }
        seen
    }

    #[test]
    fn tables_are_well_formed() {
        let mut names: Vec<&str> = all_policies().iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        // 70 op policies and 3 sub-policies (RATE_TC_BWS is shared by RATE_SET/NEW).
        assert_eq!(names.len(), 73);
        for p in all_policies() {
            let mut types: Vec<u16> = p.attrs.iter().map(|(t, _)| *t).collect();
            assert!(types.iter().all(|t| *t <= p.maxattr), "{}", p.name);
            assert!(
                types.contains(&p.maxattr),
                "{}: maxattr has no entry",
                p.name
            );
            types.sort_unstable();
            types.dedup();
            assert_eq!(types.len(), p.attrs.len(), "{}: duplicate type", p.name);
        }
    }

    #[test]
    fn newfamily_has_kernel_ops_and_length() {
        let info = devlink_family(0x14, 3);
        let ops: Vec<OpInfo> = EXPECTED
            .iter()
            .map(|(cmd, f, _, _)| OpInfo::new((*cmd).into(), *f))
            .collect();
        assert_eq!(info.ops, ops);
        let msg = CtrlMessage::reply(CtrlBody::NewFamily(info.clone()));
        let nlh = NlmsgHeader {
            ty: GENL_ID_CTRL,
            seq: 7,
            pid: 99,
            ..NlmsgHeader::default()
        };
        let mut bytes = Vec::new();
        msg.emit(nlh, &mut bytes).unwrap();
        // 16 + 4 + 12 (name) + 8 (id) + 8 + 8 + 8 + (4 + 57×20) + (4 + 24), wire-protocol §2.2.
        assert_eq!(bytes.len(), 1236);
        assert_eq!(&bytes[..4], &1236u32.to_ne_bytes());
        let (back_h, back) = CtrlMessage::parse(&bytes).unwrap();
        assert_eq!((back_h.seq, back_h.pid, back_h.flags), (7, 99, 0));
        assert_eq!(back, msg);
        assert_eq!(info.mcast_groups, [McastGroup::new("config", 3)]);
        assert_eq!((info.version, info.hdrsize, info.maxattr), (1, 0, 0));
        // (The 6.1 reply, with 56 ops and no NOTIFY_FILTER_SET, is 1216 bytes.)
    }

    fn dump_bodies(family_id: u16) -> Vec<CtrlBody> {
        devlink_policy_dump(family_id)
            .into_iter()
            .map(|m| m.body)
            .collect()
    }

    #[test]
    fn phase_one_indexes() {
        let bodies = dump_bodies(0x14);
        let ops: Vec<OpPolicy> = bodies
            .iter()
            .filter_map(|b| match b {
                CtrlBody::OpPolicy(m) => Some(m.clone()),
                _ => None,
            })
            .collect();
        let want: Vec<OpPolicy> = EXPECTED
            .iter()
            .map(|(cmd, _, d, u)| OpPolicy::for_op(0x14, *cmd, *d, *u))
            .collect();
        assert_eq!(ops, want);
        // Phase 1 comes first, then only phase 2.
        assert!(
            bodies[..57]
                .iter()
                .all(|b| matches!(b, CtrlBody::OpPolicy(_)))
        );
        assert!(
            bodies[57..]
                .iter()
                .all(|b| matches!(b, CtrlBody::Policy(_)))
        );
        // REGION_READ and HEALTH_REPORTER_DUMP_GET: inner nest type 0.
        assert_eq!((ops[30].cmd, ops[38].cmd), (0, 0));
    }

    fn described(bodies: &[CtrlBody], idx: u16, attr: u16) -> Vec<PolicyAttr> {
        bodies
            .iter()
            .find_map(|b| match b {
                CtrlBody::Policy(p) if (p.policy_idx, p.attr_type) == (idx, attr) => {
                    Some(p.description.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no description of policy {idx} attr {attr}"))
    }

    #[test]
    fn phase_two_describes_netlink_gen_c() {
        let bodies = dump_bodies(0x14);
        let nested = |idx, max| {
            vec![
                PolicyAttr::PolicyIdx(idx),
                PolicyAttr::PolicyMaxtype(max),
                PolicyAttr::Type(NL_ATTR_TYPE_NESTED),
            ]
        };
        // PORT_SET's PORT_FUNCTION → policy 5 (4 attributes), RATE_SET's and RATE_NEW's
        // RATE_TC_BWS → policy 64, SELFTESTS_RUN's SELFTESTS → policy 72.
        assert_eq!(
            described(&bodies, 4, Attr::PortFunction as u16),
            nested(5, 4)
        );
        assert_eq!(
            described(&bodies, 63, Attr::RateTcBws as u16),
            nested(64, 2)
        );
        assert_eq!(
            described(&bodies, 65, Attr::RateTcBws as u16),
            nested(64, 2)
        );
        assert_eq!(
            described(&bodies, 71, Attr::Selftests as u16),
            nested(72, 1)
        );
        // RELOAD_ACTION is NLA_POLICY_RANGE(NLA_U8, 1, 2).
        assert_eq!(
            described(&bodies, 31, Attr::ReloadAction as u16),
            [
                PolicyAttr::MinValueU(1),
                PolicyAttr::MaxValueU(2),
                PolicyAttr::Type(NL_ATTR_TYPE_U8)
            ]
        );
        assert_eq!(
            described(&bodies, 31, Attr::ReloadLimits as u16),
            [PolicyAttr::Bitfield32Mask(6), PolicyAttr::Type(15)]
        );
        // Port function CAPS and the TC index inside their sub-policies.
        assert_eq!(
            described(&bodies, 5, 4),
            [PolicyAttr::Bitfield32Mask(15), PolicyAttr::Type(15)]
        );
        assert_eq!(
            described(&bodies, 64, 1),
            [
                PolicyAttr::MinValueU(0),
                PolicyAttr::MaxValueU(7),
                PolicyAttr::Type(NL_ATTR_TYPE_U8)
            ]
        );
        // Phase 2 runs by policy index, then attribute type, whatever the table order
        // (PORT_NEW lists PCI_SF_NUMBER 164 before CONTROLLER_NUMBER 150, RELOAD lists
        // NETNS_PID 139 before NETNS_FD 138).
        let keys: Vec<(u16, u16)> = bodies
            .iter()
            .filter_map(|b| match b {
                CtrlBody::Policy(p) => Some((p.policy_idx, p.attr_type)),
                _ => None,
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.contains(&(6, Attr::PortControllerNumber as u16)));
        // The reject-all policy takes index 1 and describes nothing.
        assert!(
            !bodies
                .iter()
                .any(|b| matches!(b, CtrlBody::Policy(p) if p.policy_idx == 1))
        );
        // 74 policies: the highest index described is 73 (NOTIFY_FILTER_SET).
        let max = bodies
            .iter()
            .filter_map(|b| match b {
                CtrlBody::Policy(p) => Some(p.policy_idx),
                _ => None,
            })
            .max();
        assert_eq!(max, Some(73));
        assert_eq!(REJECT_ALL.maxattr, 1);
    }

    /// What iproute2's `mnlu_gen_cmd_dump_policy` (lib/mnl_utils.c) concludes from the
    /// reply bytes: do and dump index found, different, and ≥1 POLICY entry for dump.
    fn iproute2_accepts_dump_selector(stream: &[(NlmsgHeader, Vec<u8>)], cmd: u8) -> bool {
        let (mut do_idx, mut dump_idx, mut count) = (None, None, 0);
        for (nlh, bytes) in stream {
            assert_eq!(nlh.flags, flags::NLM_F_MULTI);
            let (_, msg) = CtrlMessage::parse(bytes).unwrap();
            match msg.body {
                CtrlBody::OpPolicy(m) if m.cmd == u16::from(cmd) => {
                    do_idx = do_idx.or(m.do_idx);
                    dump_idx = dump_idx.or(m.dump_idx);
                }
                CtrlBody::Policy(Policy { policy_idx, .. })
                    if dump_idx == Some(u32::from(policy_idx)) =>
                {
                    count += 1;
                }
                _ => {}
            }
        }
        matches!((do_idx, dump_idx), (Some(d), Some(u)) if d != u) && count > 0
    }

    #[test]
    fn iproute2_dump_selectors_are_supported() {
        let stream: Vec<(NlmsgHeader, Vec<u8>)> = devlink_policy_dump(0x14)
            .iter()
            .map(|m| {
                let nlh = NlmsgHeader {
                    ty: GENL_ID_CTRL,
                    flags: flags::NLM_F_MULTI,
                    seq: 1_700_000_000,
                    pid: 4242,
                    ..NlmsgHeader::default()
                };
                let mut bytes = Vec::new();
                m.emit(nlh, &mut bytes).unwrap();
                let (back_h, back) = CtrlMessage::parse(&bytes).unwrap();
                assert_eq!(&back, m, "round trip");
                (back_h, bytes)
            })
            .collect();
        let selectors = [
            Cmd::PortGet,
            Cmd::SbGet,
            Cmd::SbPoolGet,
            Cmd::SbPortPoolGet,
            Cmd::SbTcPoolBindGet,
            Cmd::ParamGet,
            Cmd::RegionGet,
            Cmd::HealthReporterGet,
            Cmd::TrapGet,
            Cmd::TrapGroupGet,
            Cmd::TrapPolicerGet,
            Cmd::RateGet,
            Cmd::LinecardGet,
        ];
        for cmd in selectors {
            assert!(
                iproute2_accepts_dump_selector(&stream, cmd as u8),
                "{cmd:?}"
            );
        }
        // GET has a dump index (reject-all) but it describes no attribute.
        assert!(!iproute2_accepts_dump_selector(&stream, Cmd::Get as u8));
    }

    #[test]
    fn single_op_dumps() {
        let read = devlink_policy_dump_op(0x14, Cmd::RegionRead as u32).unwrap();
        let CtrlBody::OpPolicy(m) = &read[0].body else {
            panic!()
        };
        assert_eq!((m.cmd, m.do_idx, m.dump_idx), (0, None, Some(0)));
        assert_eq!(read.len(), 1 + 8);
        // Without reject-all: GET's dump half has no index here.
        let get = devlink_policy_dump_op(0x14, Cmd::Get as u32).unwrap();
        assert_eq!(
            get[0].body,
            CtrlBody::OpPolicy(OpPolicy::for_op(0x14, 1, Some(0), None))
        );
        let set = devlink_policy_dump_op(0x14, Cmd::PortSet as u32).unwrap();
        assert_eq!(set.len(), 1 + 5 + 4);
        assert_eq!(
            devlink_policy_dump_op(0x14, Cmd::New as u32),
            Err(PolicyDumpError::NoSuchOp)
        );
    }
}
