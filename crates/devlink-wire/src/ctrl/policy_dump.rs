//! What a family advertises about its requests: the ops list of `CTRL_CMD_NEWFAMILY` and
//! the `CTRL_CMD_GETPOLICY` dump, computed from request policies given as data.
//!
//! The algorithm follows the kernel: `net/netlink/genetlink.c` (`genl_op_from_split`,
//! `ctrl_fill_info`, `ctrl_dumppolicy_start`, `ctrl_dumppolicy_put_op`,
//! `ctrl_dumppolicy`) and `net/netlink/policy.c` (`netlink_policy_dump_add_policy`,
//! `netlink_policy_dump_write`, `__netlink_policy_dump_write_attr`):
//! - an op half (do or dump) without a policy gets `genl_policy_reject_all` (two
//!   `NLA_REJECT` entries, maxattr 1) when the ops are walked for HASPOL and for the
//!   all-ops dump, but not for the single-op dump (`CTRL_ATTR_OP`, `genl_get_cmd`);
//! - policies get indexes in order of first use (do half, then dump half, op by op),
//!   and after each addition every nested sub-policy not yet listed is appended;
//! - phase 2 describes every attribute type `0..=maxattr` of every policy in index
//!   order, skipping types without a policy (and `NLA_REJECT`, so the reject-all policy
//!   takes an index but yields no message).

use super::consts::{
    GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, GENL_CMD_CAP_HASPOL, NL_ATTR_TYPE_BINARY,
    NL_ATTR_TYPE_BITFIELD32, NL_ATTR_TYPE_FLAG, NL_ATTR_TYPE_NESTED, NL_ATTR_TYPE_NUL_STRING,
    NL_ATTR_TYPE_STRING, NL_ATTR_TYPE_U8, NL_ATTR_TYPE_U16, NL_ATTR_TYPE_U32, NL_ATTR_TYPE_U64,
    NL_ATTR_TYPE_UINT,
};
use super::family::OpInfo;
use super::message::{CtrlBody, CtrlMessage};
use super::policy::{OpPolicy, Policy, PolicyAttr};

/// How the kernel validates one attribute: one entry of a `struct nla_policy` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrPolicy {
    /// `NLA_FLAG`.
    Flag,
    /// `NLA_U8`, with the accepted range (`NLA_POLICY_MAX` / `NLA_POLICY_RANGE`).
    U8 {
        /// Smallest accepted value.
        min: u8,
        /// Largest accepted value.
        max: u8,
    },
    /// `NLA_U16`, with the accepted range.
    U16 {
        /// Smallest accepted value.
        min: u16,
        /// Largest accepted value.
        max: u16,
    },
    /// `NLA_U32`, full range.
    U32,
    /// `NLA_U64`, full range.
    U64,
    /// `NLA_UINT` (4 or 8 bytes), with the accepted range (`NLA_POLICY_FULL_RANGE`).
    Uint {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// `NLA_NUL_STRING`; `max_len` 0 means unlimited (`.len` unset).
    NulString {
        /// `.len`: longest accepted string, NUL not counted.
        max_len: u32,
    },
    /// `NLA_STRING`; `max_len` 0 means unlimited.
    String {
        /// `.len`.
        max_len: u32,
    },
    /// `NLA_BINARY`; `max_len` 0 means unlimited.
    Binary {
        /// `.len`.
        max_len: u32,
    },
    /// `NLA_POLICY_BITFIELD32(mask)`.
    Bitfield32 {
        /// The selector bits a request may use.
        mask: u32,
    },
    /// `NLA_POLICY_NESTED(sub_policy)`.
    Nested(&'static PolicyTable),
}

impl AttrPolicy {
    /// `NLA_U8` with no range (0..=255; also `NLA_POLICY_VALIDATE_FN`).
    pub const U8_ANY: Self = Self::U8 {
        min: 0,
        max: u8::MAX,
    };
    /// `NLA_U16` with no range.
    pub const U16_ANY: Self = Self::U16 {
        min: 0,
        max: u16::MAX,
    };
    /// `NLA_NUL_STRING` without `.len`.
    pub const NUL_STRING: Self = Self::NulString { max_len: 0 };
    /// `NLA_BINARY` without `.len`.
    pub const BINARY: Self = Self::Binary { max_len: 0 };

    /// `NLA_POLICY_MAX(NLA_U8, max)`.
    #[must_use]
    pub const fn u8_max(max: u8) -> Self {
        Self::U8 { min: 0, max }
    }

    /// `NLA_POLICY_RANGE(NLA_U8, min, max)`.
    #[must_use]
    pub const fn u8_range(min: u8, max: u8) -> Self {
        Self::U8 { min, max }
    }

    /// `NLA_POLICY_MAX(NLA_U16, max)`.
    #[must_use]
    pub const fn u16_max(max: u16) -> Self {
        Self::U16 { min: 0, max }
    }

    /// The `NL_POLICY_TYPE_ATTR_*` list `__netlink_policy_dump_write_attr` writes;
    /// `sub_idx` is the index of a nested attribute's sub-policy.
    fn describe(&self, sub_idx: u32) -> Vec<PolicyAttr> {
        let range = |min: u64, max: u64, ty| {
            vec![
                PolicyAttr::MinValueU(min),
                PolicyAttr::MaxValueU(max),
                PolicyAttr::Type(ty),
            ]
        };
        let sized = |max_len: u32, ty| {
            let mut d = Vec::new();
            if max_len != 0 {
                d.push(PolicyAttr::MaxLength(max_len));
            }
            d.push(PolicyAttr::Type(ty));
            d
        };
        match *self {
            Self::Flag => vec![PolicyAttr::Type(NL_ATTR_TYPE_FLAG)],
            Self::U8 { min, max } => range(min.into(), max.into(), NL_ATTR_TYPE_U8),
            Self::U16 { min, max } => range(min.into(), max.into(), NL_ATTR_TYPE_U16),
            Self::U32 => range(0, u32::MAX.into(), NL_ATTR_TYPE_U32),
            Self::U64 => range(0, u64::MAX, NL_ATTR_TYPE_U64),
            Self::Uint { min, max } => range(min, max, NL_ATTR_TYPE_UINT),
            Self::NulString { max_len } => sized(max_len, NL_ATTR_TYPE_NUL_STRING),
            Self::String { max_len } => sized(max_len, NL_ATTR_TYPE_STRING),
            Self::Binary { max_len } => sized(max_len, NL_ATTR_TYPE_BINARY),
            Self::Bitfield32 { mask } => vec![
                PolicyAttr::Bitfield32Mask(mask),
                PolicyAttr::Type(NL_ATTR_TYPE_BITFIELD32),
            ],
            Self::Nested(sub) if sub.maxattr != 0 => vec![
                PolicyAttr::PolicyIdx(sub_idx),
                PolicyAttr::PolicyMaxtype(sub.maxattr.into()),
                PolicyAttr::Type(NL_ATTR_TYPE_NESTED),
            ],
            Self::Nested(_) => vec![PolicyAttr::Type(NL_ATTR_TYPE_NESTED)],
        }
    }
}

/// A request policy: a kernel `struct nla_policy name[maxattr + 1]`, given sparsely.
#[derive(Debug, PartialEq, Eq)]
pub struct PolicyTable {
    /// The kernel's C name; two tables are the same policy if name and `maxattr` match
    /// (the kernel compares the array's address and `maxattr`).
    pub name: &'static str,
    /// `.maxattr`: the highest attribute type validated.
    pub maxattr: u16,
    /// `(attribute type, policy)`, each type at most once, in any order (phase 2 walks
    /// types in ascending order); missing types are `NLA_UNSPEC`.
    pub attrs: &'static [(u16, AttrPolicy)],
}

/// `genl_policy_reject_all`: what an op half without a policy is given.
pub static REJECT_ALL: PolicyTable = PolicyTable {
    name: "genl_policy_reject_all",
    maxattr: 1,
    attrs: &[],
};

/// One half (do or dump) of an op, as `struct genl_split_ops` describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpHalf {
    /// The op has no such half (no `doit` / no `dumpit`).
    Absent,
    /// The half exists without a policy (`GENL_DONT_VALIDATE_DUMP` dumps).
    NoPolicy,
    /// The half exists and validates with this policy.
    Policy(&'static PolicyTable),
}

impl OpHalf {
    const fn present(self) -> bool {
        !matches!(self, Self::Absent)
    }

    /// The policy the op iterator sees: missing ones become [`REJECT_ALL`].
    const fn iter_policy(self) -> Option<&'static PolicyTable> {
        match self {
            Self::Absent => None,
            Self::NoPolicy => Some(&REJECT_ALL),
            Self::Policy(p) => Some(p),
        }
    }

    /// The policy `genl_get_cmd` returns: missing ones stay missing.
    const fn own_policy(self) -> Option<&'static PolicyTable> {
        match self {
            Self::Policy(p) => Some(p),
            Self::Absent | Self::NoPolicy => None,
        }
    }
}

/// One command of a family: its do and dump halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpSpec {
    /// The command number.
    pub cmd: u8,
    /// `GENL_ADMIN_PERM` / `GENL_UNS_ADMIN_PERM` (the CAP bits are derived).
    pub perm: u32,
    /// The do half.
    pub doit: OpHalf,
    /// The dump half.
    pub dumpit: OpHalf,
}

/// Why the kernel answers a GETPOLICY dump with an error instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyDumpError {
    /// `CTRL_ATTR_OP` names no command of the family (`ENOENT`, bad attribute
    /// `CTRL_ATTR_OP`).
    #[error("no such command")]
    NoSuchOp,
    /// Nothing to describe (`ENODATA`).
    #[error("no policies")]
    NoData,
}

/// The `CTRL_ATTR_OPS` entries `ctrl_fill_info` writes for `ops`.
#[must_use]
pub fn family_ops(ops: &[OpSpec]) -> Vec<OpInfo> {
    ops.iter()
        .map(|op| {
            let mut flags = op.perm;
            if op.doit.present() {
                flags |= GENL_CMD_CAP_DO;
            }
            if op.dumpit.present() {
                flags |= GENL_CMD_CAP_DUMP;
            }
            if op.doit.iter_policy().is_some() || op.dumpit.iter_policy().is_some() {
                flags |= GENL_CMD_CAP_HASPOL;
            }
            OpInfo::new(op.cmd.into(), flags)
        })
        .collect()
}

/// The policy list of a dump, in index order (`struct netlink_policy_dump_state`).
#[derive(Debug, Default)]
struct DumpState {
    policies: Vec<&'static PolicyTable>,
}

impl DumpState {
    fn find(&self, p: &PolicyTable) -> Option<u32> {
        let i = self
            .policies
            .iter()
            .position(|q| q.name == p.name && q.maxattr == p.maxattr)?;
        u32::try_from(i).ok()
    }

    fn add_one(&mut self, p: &'static PolicyTable) {
        if p.maxattr != 0 && self.find(p).is_none() {
            self.policies.push(p);
        }
    }

    /// `netlink_policy_dump_add_policy`: add `p`, then every sub-policy not yet listed.
    fn add(&mut self, p: Option<&'static PolicyTable>) {
        let Some(p) = p else { return };
        self.add_one(p);
        let mut i = 0;
        while let Some(q) = self.policies.get(i).copied() {
            for (ty, a) in q.attrs {
                if let (AttrPolicy::Nested(sub), true) = (a, *ty <= q.maxattr) {
                    self.add_one(sub);
                }
            }
            i += 1;
        }
    }

    fn idx(&self, p: Option<&'static PolicyTable>) -> Option<u32> {
        p.and_then(|p| self.find(p))
    }

    /// Phase 2: one [`Policy`] per described attribute.
    fn describe(&self, family_id: u16, out: &mut Vec<CtrlMessage>) {
        for (idx, p) in self.policies.iter().enumerate() {
            let Ok(policy_idx) = u16::try_from(idx) else {
                return;
            };
            for ty in 0..=p.maxattr {
                let Some((_, a)) = p.attrs.iter().find(|(t, _)| *t == ty) else {
                    continue;
                };
                let sub_idx = match a {
                    AttrPolicy::Nested(sub) => self.find(sub).unwrap_or(0),
                    _ => 0,
                };
                out.push(CtrlMessage::reply(CtrlBody::Policy(Policy {
                    family_id,
                    policy_idx,
                    attr_type: ty,
                    description: a.describe(sub_idx),
                    unknown: Vec::new(),
                })));
            }
        }
    }
}

/// The reply stream of a `CTRL_CMD_GETPOLICY` dump for every op of a family (no
/// `CTRL_ATTR_OP`), without the closing `NLMSG_DONE`: phase 1 ([`OpPolicy`] per op with
/// a policy), then phase 2 ([`Policy`] per attribute per policy).
pub fn policy_dump(family_id: u16, ops: &[OpSpec]) -> Result<Vec<CtrlMessage>, PolicyDumpError> {
    let mut state = DumpState::default();
    for op in ops {
        state.add(op.doit.iter_policy());
        state.add(op.dumpit.iter_policy());
    }
    if state.policies.is_empty() {
        return Err(PolicyDumpError::NoData);
    }
    let mut out = Vec::new();
    for op in ops {
        let (d, u) = (op.doit.iter_policy(), op.dumpit.iter_policy());
        if d.is_some() || u.is_some() {
            let m = OpPolicy::for_op(family_id, op.cmd, state.idx(d), state.idx(u));
            out.push(CtrlMessage::reply(CtrlBody::OpPolicy(m)));
        }
    }
    state.describe(family_id, &mut out);
    Ok(out)
}

/// The reply stream of a `CTRL_CMD_GETPOLICY` dump restricted to command `cmd`
/// (`CTRL_ATTR_OP`). Halves without a policy are left out here (no reject-all).
pub fn policy_dump_op(
    family_id: u16,
    ops: &[OpSpec],
    cmd: u32,
) -> Result<Vec<CtrlMessage>, PolicyDumpError> {
    let op = ops
        .iter()
        .find(|op| u32::from(op.cmd) == cmd)
        .ok_or(PolicyDumpError::NoSuchOp)?;
    let (d, u) = (op.doit.own_policy(), op.dumpit.own_policy());
    let mut state = DumpState::default();
    state.add(d);
    state.add(u);
    if state.policies.is_empty() {
        return Err(PolicyDumpError::NoData);
    }
    let mut m = OpPolicy::for_op(family_id, op.cmd, state.idx(d), state.idx(u));
    m.cmd = if op.doit.present() { op.cmd.into() } else { 0 };
    let mut out = vec![CtrlMessage::reply(CtrlBody::OpPolicy(m))];
    state.describe(family_id, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctrl::consts::NL_ATTR_TYPE_UINT;
    use crate::ctrl::nlctrl_family::NLCTRL_OPS;
    use crate::ctrl::policy::tests::{OP_POLICY, POLICY};

    fn bodies(msgs: Vec<CtrlMessage>) -> Vec<CtrlBody> {
        msgs.into_iter().map(|m| m.body).collect()
    }

    fn policy(idx: u16, attr_type: u16, description: Vec<PolicyAttr>) -> CtrlBody {
        CtrlBody::Policy(Policy {
            family_id: 0x10,
            policy_idx: idx,
            attr_type,
            description,
            unknown: vec![],
        })
    }

    /// The tables reproduce what a live kernel said about nlctrl (wire-protocol §2.2 ops,
    /// §2.6 OP_POLICY and POLICY).
    #[test]
    fn nlctrl_tables_reproduce_the_captures() {
        assert_eq!(
            family_ops(&NLCTRL_OPS),
            [OpInfo::new(3, 0x0e), OpInfo::new(10, 0x0c)]
        );
        let u16_any = vec![
            PolicyAttr::MinValueU(0),
            PolicyAttr::MaxValueU(0xffff),
            PolicyAttr::Type(NL_ATTR_TYPE_U16),
        ];
        let name = vec![
            PolicyAttr::MaxLength(15),
            PolicyAttr::Type(NL_ATTR_TYPE_NUL_STRING),
        ];
        let u32_any = vec![
            PolicyAttr::MinValueU(0),
            PolicyAttr::MaxValueU(u32::MAX.into()),
            PolicyAttr::Type(NL_ATTR_TYPE_U32),
        ];
        assert_eq!(
            bodies(policy_dump(0x10, &NLCTRL_OPS).unwrap()),
            [
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 3, Some(0), Some(0))),
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 10, None, Some(1))),
                policy(0, 1, u16_any.clone()),
                policy(0, 2, name.clone()),
                policy(1, 1, u16_any),
                policy(1, 2, name),
                policy(1, 10, u32_any),
            ]
        );
        // Byte for byte what the kernel sent (the captures lack the genl header).
        let msgs = policy_dump(0x10, &NLCTRL_OPS).unwrap();
        for (msg, captured) in [(&msgs[0], OP_POLICY), (&msgs[2], POLICY)] {
            let mut out = Vec::new();
            msg.encode(&mut out).unwrap();
            assert_eq!(&out[..4], &[10, 2, 0, 0]);
            assert_eq!(&out[4..], captured);
        }
        // Dump-only: the op nest has type 0.
        let CtrlBody::OpPolicy(m) = &bodies(policy_dump(0x10, &NLCTRL_OPS).unwrap())[1] else {
            panic!()
        };
        assert_eq!(m.cmd, 0);
    }

    static SUB: PolicyTable = PolicyTable {
        name: "sub",
        maxattr: 2,
        attrs: &[(2, AttrPolicy::Flag)],
    };
    static WITH_SUB: PolicyTable = PolicyTable {
        name: "with_sub",
        maxattr: 3,
        attrs: &[
            (1, AttrPolicy::Nested(&SUB)),
            (3, AttrPolicy::Uint { min: 0, max: 9 }),
        ],
    };
    static PLAIN: PolicyTable = PolicyTable {
        name: "plain",
        maxattr: 1,
        attrs: &[(1, AttrPolicy::BINARY)],
    };

    #[test]
    fn reject_all_fills_missing_halves_and_sub_policies_follow_their_parent() {
        let ops = [
            OpSpec {
                cmd: 1,
                perm: 0,
                doit: OpHalf::Policy(&PLAIN),
                dumpit: OpHalf::NoPolicy,
            },
            OpSpec {
                cmd: 2,
                perm: 0x01,
                doit: OpHalf::Policy(&WITH_SUB),
                dumpit: OpHalf::Absent,
            },
            OpSpec {
                cmd: 3,
                perm: 0,
                doit: OpHalf::NoPolicy,
                dumpit: OpHalf::Absent,
            },
        ];
        assert_eq!(
            family_ops(&ops),
            [
                OpInfo::new(1, 0x0e),
                OpInfo::new(2, 0x0b),
                OpInfo::new(3, 0x0a)
            ]
        );
        let msgs = bodies(policy_dump(0x10, &ops).unwrap());
        assert_eq!(
            msgs[..3],
            [
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 1, Some(0), Some(1))),
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 2, Some(2), None)),
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 3, Some(1), None)),
            ]
        );
        // Policy 1 (reject-all) describes nothing; 2 = with_sub, 3 = sub.
        let described: Vec<(u16, u16)> = msgs[3..]
            .iter()
            .map(|b| match b {
                CtrlBody::Policy(p) => (p.policy_idx, p.attr_type),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(described, [(0, 1), (2, 1), (2, 3), (3, 2)]);
        assert_eq!(
            msgs[4],
            policy(
                2,
                1,
                vec![
                    PolicyAttr::PolicyIdx(3),
                    PolicyAttr::PolicyMaxtype(2),
                    PolicyAttr::Type(NL_ATTR_TYPE_NESTED)
                ]
            )
        );
        assert_eq!(
            msgs[5],
            policy(
                2,
                3,
                vec![
                    PolicyAttr::MinValueU(0),
                    PolicyAttr::MaxValueU(9),
                    PolicyAttr::Type(NL_ATTR_TYPE_UINT)
                ]
            )
        );
        // Asked for one op, halves without a policy stay empty.
        assert_eq!(
            bodies(policy_dump_op(0x10, &ops, 1).unwrap()),
            [
                CtrlBody::OpPolicy(OpPolicy::for_op(0x10, 1, Some(0), None)),
                policy(0, 1, vec![PolicyAttr::Type(NL_ATTR_TYPE_BINARY)]),
            ]
        );
        assert_eq!(policy_dump_op(0x10, &ops, 3), Err(PolicyDumpError::NoData));
        assert_eq!(
            policy_dump_op(0x10, &ops, 9),
            Err(PolicyDumpError::NoSuchOp)
        );
        assert_eq!(policy_dump(0x10, &[]), Err(PolicyDumpError::NoData));
    }
}
