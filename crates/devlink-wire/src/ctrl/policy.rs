//! `CTRL_CMD_GETPOLICY`: the request and the two kinds of reply message of the policy
//! dump. Kernel: `net/netlink/genetlink.c` (`ctrl_dumppolicy_start`, `ctrl_dumppolicy`,
//! `ctrl_dumppolicy_put_op`), `net/netlink/policy.c` (`netlink_policy_dump_write`,
//! `__netlink_policy_dump_write_attr`).

use crate::devlink::{
    AttrError, AttrErrorKind, Body, DecodeCtx, UnknownAttr, each, encode_unknown,
};
use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::Space;

use super::attrs::{i64_of, string_of, u16_of, u32_of, u64_of};
use super::consts::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP, CTRL_ATTR_OP_POLICY,
    CTRL_ATTR_POLICY, CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP,
    NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, NL_POLICY_TYPE_ATTR_MASK, NL_POLICY_TYPE_ATTR_MAX_LENGTH,
    NL_POLICY_TYPE_ATTR_MAX_VALUE_S, NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
    NL_POLICY_TYPE_ATTR_MIN_LENGTH, NL_POLICY_TYPE_ATTR_MIN_VALUE_S,
    NL_POLICY_TYPE_ATTR_MIN_VALUE_U, NL_POLICY_TYPE_ATTR_PAD, NL_POLICY_TYPE_ATTR_POLICY_IDX,
    NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, NL_POLICY_TYPE_ATTR_TYPE,
};

/// A `CTRL_CMD_GETPOLICY` dump request. iproute2 sends `FAMILY_ID` only (all ops).
///
/// The kernel validates this request strictly (attributes other than these three are
/// rejected); the codec keeps them in `unknown` and leaves the verdict to the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetPolicy {
    /// `CTRL_ATTR_FAMILY_ID`; wins over the name when both are given.
    pub id: Option<u16>,
    /// `CTRL_ATTR_FAMILY_NAME`.
    pub name: Option<String>,
    /// `CTRL_ATTR_OP`: only this command's policies.
    pub op: Option<u32>,
    /// Other attributes, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for GetPolicy {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut req = Self::default();
        for a in each(attrs, Space::Ctrl) {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_FAMILY_ID => req.id = Some(u16_of(&a, Space::Ctrl)?),
                CTRL_ATTR_FAMILY_NAME => req.name = Some(string_of(&a, Space::Ctrl)?),
                CTRL_ATTR_OP => req.op = Some(u32_of(&a, Space::Ctrl)?),
                _ => req.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(req)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(id) = self.id {
            e.u16(CTRL_ATTR_FAMILY_ID, id);
        }
        if let Some(name) = &self.name {
            e.str(CTRL_ATTR_FAMILY_NAME, name);
        }
        if let Some(op) = self.op {
            e.u32(CTRL_ATTR_OP, op);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// Phase 1 of the policy dump: which policy index validates an op's do and dump
/// requests. Wire: `FAMILY_ID`, `OP_POLICY`|NESTED → nest(`cmd`)|NESTED →
/// `POLICY_DO`, `POLICY_DUMP`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpPolicy {
    /// `CTRL_ATTR_FAMILY_ID` of the family described.
    pub family_id: u16,
    /// The inner nest's type. The kernel writes the command number of the op's do half,
    /// so for dump-only ops (devlink `REGION_READ`, `HEALTH_REPORTER_DUMP_GET`) it is 0;
    /// [`OpPolicy::for_op`] applies that rule.
    pub cmd: u16,
    /// `CTRL_ATTR_POLICY_DO`.
    pub do_idx: Option<u32>,
    /// `CTRL_ATTR_POLICY_DUMP`.
    pub dump_idx: Option<u32>,
    /// Attributes inside the op's nest not modelled here, re-emitted last there.
    pub unknown_in_op: Vec<UnknownAttr>,
    /// Top-level attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl OpPolicy {
    /// The entry the kernel writes for command `cmd` (quirk: nest type 0 without a do).
    #[must_use]
    pub fn for_op(family_id: u16, cmd: u8, do_idx: Option<u32>, dump_idx: Option<u32>) -> Self {
        Self {
            family_id,
            cmd: if do_idx.is_some() { u16::from(cmd) } else { 0 },
            do_idx,
            dump_idx,
            unknown_in_op: Vec::new(),
            unknown: Vec::new(),
        }
    }
}

/// Phase 2 of the policy dump: one attribute of one policy. Wire: `FAMILY_ID`,
/// `POLICY`|NESTED → nest(`policy_idx`)|NESTED → nest(`attr_type`)|NESTED →
/// description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// `CTRL_ATTR_FAMILY_ID` of the family described.
    pub family_id: u16,
    /// The policy's index (as referenced by [`OpPolicy`] and [`PolicyAttr::PolicyIdx`]).
    pub policy_idx: u16,
    /// The attribute type this entry describes.
    pub attr_type: u16,
    /// `NL_POLICY_TYPE_ATTR_*`, in wire order.
    pub description: Vec<PolicyAttr>,
    /// Top-level attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// One `NL_POLICY_TYPE_ATTR_*` of an attribute's policy description. The kernel writes
/// the bounds (or mask, length, sub-policy) first and `TYPE` last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyAttr {
    /// `NL_POLICY_TYPE_ATTR_TYPE`: `enum netlink_attribute_type` (`NL_ATTR_TYPE_U8` 2, …).
    Type(u32),
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_S` (s64).
    MinValueS(i64),
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_S` (s64).
    MaxValueS(i64),
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_U` (u64).
    MinValueU(u64),
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_U` (u64).
    MaxValueU(u64),
    /// `NL_POLICY_TYPE_ATTR_MIN_LENGTH` (u32).
    MinLength(u32),
    /// `NL_POLICY_TYPE_ATTR_MAX_LENGTH` (u32).
    MaxLength(u32),
    /// `NL_POLICY_TYPE_ATTR_POLICY_IDX` (u32): the nested attribute's sub-policy.
    PolicyIdx(u32),
    /// `NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE` (u32): that sub-policy's highest type.
    PolicyMaxtype(u32),
    /// `NL_POLICY_TYPE_ATTR_BITFIELD32_MASK` (u32).
    Bitfield32Mask(u32),
    /// `NL_POLICY_TYPE_ATTR_MASK` (u64).
    Mask(u64),
    /// `NL_POLICY_TYPE_ATTR_PAD`: zero-length filler some architectures put before u64s.
    Pad,
    /// Anything else, kept as received.
    Other(UnknownAttr),
}

/// Decode an attribute's policy description (the payload of the innermost nest of
/// `CTRL_ATTR_POLICY`, also the payload of the extended ACK's `NLMSGERR_ATTR_POLICY`).
pub fn decode_description(attrs: AttrIter<'_>) -> Result<Vec<PolicyAttr>, AttrError> {
    const S: Space = Space::NlPolicyType;
    let mut out = Vec::new();
    for a in each(attrs, S) {
        let a = a?;
        out.push(match a.kind() {
            NL_POLICY_TYPE_ATTR_TYPE => PolicyAttr::Type(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MIN_VALUE_S => PolicyAttr::MinValueS(i64_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MAX_VALUE_S => PolicyAttr::MaxValueS(i64_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MIN_VALUE_U => PolicyAttr::MinValueU(u64_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MAX_VALUE_U => PolicyAttr::MaxValueU(u64_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MIN_LENGTH => PolicyAttr::MinLength(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MAX_LENGTH => PolicyAttr::MaxLength(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_POLICY_IDX => PolicyAttr::PolicyIdx(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE => PolicyAttr::PolicyMaxtype(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_BITFIELD32_MASK => PolicyAttr::Bitfield32Mask(u32_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_MASK => PolicyAttr::Mask(u64_of(&a, S)?),
            NL_POLICY_TYPE_ATTR_PAD if a.payload().is_empty() && !a.nested_flag() => {
                PolicyAttr::Pad
            }
            _ => PolicyAttr::Other(UnknownAttr::from_raw(&a)),
        });
    }
    Ok(out)
}

/// Emit an attribute's policy description.
pub fn encode_description(description: &[PolicyAttr], e: &mut Emitter<'_>) {
    for d in description {
        match d {
            PolicyAttr::Type(v) => e.u32(NL_POLICY_TYPE_ATTR_TYPE, *v),
            PolicyAttr::MinValueS(v) => e.raw(NL_POLICY_TYPE_ATTR_MIN_VALUE_S, &v.to_ne_bytes()),
            PolicyAttr::MaxValueS(v) => e.raw(NL_POLICY_TYPE_ATTR_MAX_VALUE_S, &v.to_ne_bytes()),
            PolicyAttr::MinValueU(v) => e.u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, *v),
            PolicyAttr::MaxValueU(v) => e.u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, *v),
            PolicyAttr::MinLength(v) => e.u32(NL_POLICY_TYPE_ATTR_MIN_LENGTH, *v),
            PolicyAttr::MaxLength(v) => e.u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, *v),
            PolicyAttr::PolicyIdx(v) => e.u32(NL_POLICY_TYPE_ATTR_POLICY_IDX, *v),
            PolicyAttr::PolicyMaxtype(v) => e.u32(NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, *v),
            PolicyAttr::Bitfield32Mask(v) => e.u32(NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, *v),
            PolicyAttr::Mask(v) => e.u64(NL_POLICY_TYPE_ATTR_MASK, *v),
            PolicyAttr::Pad => e.raw(NL_POLICY_TYPE_ATTR_PAD, &[]),
            PolicyAttr::Other(u) => u.encode(e),
        }
    }
}

/// The only nest inside `outer` (of `space`), or an error naming `outer`.
fn single_entry<'a>(outer: &RawAttr<'a>, space: Space) -> Result<RawAttr<'a>, AttrError> {
    let mut entries = each(outer.nested(), space);
    let first = entries.next().transpose()?;
    match (first, entries.next().transpose()?) {
        (Some(entry), None) => Ok(entry),
        (None, _) => Err(AttrError::bad(
            space,
            outer,
            AttrErrorKind::Invalid("empty nest"),
        )),
        (Some(_), Some(_)) => Err(AttrError::bad(
            space,
            outer,
            AttrErrorKind::Invalid("more than one entry in a policy dump nest"),
        )),
    }
}

fn required_family_id(id: Option<u16>) -> Result<u16, AttrError> {
    id.ok_or(AttrError::missing(Space::Ctrl, CTRL_ATTR_FAMILY_ID, None))
}

impl Body for OpPolicy {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut family_id, mut seen) = (None, false);
        let mut msg = Self::default();
        for a in each(attrs, Space::Ctrl) {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_FAMILY_ID => family_id = Some(u16_of(&a, Space::Ctrl)?),
                CTRL_ATTR_OP_POLICY if !seen => {
                    seen = true;
                    let op = single_entry(&a, Space::Ctrl)?;
                    msg.cmd = op.kind();
                    for b in each(op.nested(), Space::CtrlOpPolicy) {
                        let b = b?;
                        match b.kind() {
                            CTRL_ATTR_POLICY_DO => {
                                msg.do_idx = Some(u32_of(&b, Space::CtrlOpPolicy)?);
                            }
                            CTRL_ATTR_POLICY_DUMP => {
                                msg.dump_idx = Some(u32_of(&b, Space::CtrlOpPolicy)?);
                            }
                            _ => msg.unknown_in_op.push(UnknownAttr::from_raw(&b)),
                        }
                    }
                }
                _ => msg.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        if !seen {
            return Err(AttrError::missing(Space::Ctrl, CTRL_ATTR_OP_POLICY, None));
        }
        msg.family_id = required_family_id(family_id)?;
        Ok(msg)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u16(CTRL_ATTR_FAMILY_ID, self.family_id);
        let outer = e.nest(CTRL_ATTR_OP_POLICY, true);
        let op = e.nest(self.cmd, true);
        if let Some(i) = self.do_idx {
            e.u32(CTRL_ATTR_POLICY_DO, i);
        }
        if let Some(i) = self.dump_idx {
            e.u32(CTRL_ATTR_POLICY_DUMP, i);
        }
        encode_unknown(&self.unknown_in_op, e);
        e.end(op);
        e.end(outer);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for Policy {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut family_id, mut seen) = (None, false);
        let mut msg = Self::default();
        for a in each(attrs, Space::Ctrl) {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_FAMILY_ID => family_id = Some(u16_of(&a, Space::Ctrl)?),
                CTRL_ATTR_POLICY if !seen => {
                    seen = true;
                    let policy = single_entry(&a, Space::Ctrl)?;
                    let attr = single_entry(&policy, Space::Ctrl)?;
                    msg.policy_idx = policy.kind();
                    msg.attr_type = attr.kind();
                    msg.description = decode_description(attr.nested())?;
                }
                _ => msg.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        if !seen {
            return Err(AttrError::missing(Space::Ctrl, CTRL_ATTR_POLICY, None));
        }
        msg.family_id = required_family_id(family_id)?;
        Ok(msg)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u16(CTRL_ATTR_FAMILY_ID, self.family_id);
        let outer = e.nest(CTRL_ATTR_POLICY, true);
        let policy = e.nest(self.policy_idx, true);
        let attr = e.nest(self.attr_type, true);
        encode_description(&self.description, e);
        e.end(attr);
        e.end(policy);
        e.end(outer);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ctrl::consts::NL_ATTR_TYPE_U16;

    fn encode(body: &impl Body) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out);
        body.encode(&mut e);
        e.finish().unwrap();
        out
    }

    fn decode<B: Body>(bytes: &[u8]) -> Result<B, AttrError> {
        B::decode(AttrIter::with_base(bytes, 20), DecodeCtx::default())
    }

    /// wire-protocol §2.6, phase 1, preceded by `FAMILY_ID` 0x10: nlctrl's GETFAMILY uses
    /// policy 0 for both do and dump.
    pub(crate) const OP_POLICY: &[u8] = &[
        6, 0, 1, 0, 0x10, 0, 0, 0, // FAMILY_ID 0x10
        0x18, 0, 0x09, 0x80, // OP_POLICY | NESTED
        0x14, 0, 0x03, 0x80, // cmd 3 | NESTED
        8, 0, 1, 0, 0, 0, 0, 0, // POLICY_DO 0
        8, 0, 2, 0, 0, 0, 0, 0, // POLICY_DUMP 0
    ];

    /// wire-protocol §2.6, phase 2: policy 0, attribute 1 (`CTRL_ATTR_FAMILY_ID`) is a u16.
    pub(crate) const POLICY: &[u8] = &[
        6, 0, 1, 0, 0x10, 0, 0, 0, // FAMILY_ID 0x10
        0x2c, 0, 0x08, 0x80, // POLICY | NESTED
        0x28, 0, 0x00, 0x80, // policy 0 | NESTED
        0x24, 0, 0x01, 0x80, // attribute 1 | NESTED
        0x0c, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, // MIN_VALUE_U 0
        0x0c, 0, 0x05, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, // MAX_VALUE_U 0xffff
        0x08, 0, 0x01, 0, 0x03, 0, 0, 0, // TYPE NL_ATTR_TYPE_U16
    ];

    #[test]
    fn captured_op_policy_round_trips() {
        let m: OpPolicy = decode(OP_POLICY).unwrap();
        assert_eq!(m, OpPolicy::for_op(0x10, 3, Some(0), Some(0)));
        assert_eq!(encode(&m), OP_POLICY);
    }

    #[test]
    fn captured_policy_round_trips() {
        let m: Policy = decode(POLICY).unwrap();
        assert_eq!((m.family_id, m.policy_idx, m.attr_type), (0x10, 0, 1));
        assert_eq!(
            m.description,
            [
                PolicyAttr::MinValueU(0),
                PolicyAttr::MaxValueU(0xffff),
                PolicyAttr::Type(NL_ATTR_TYPE_U16)
            ]
        );
        assert_eq!(encode(&m), POLICY);
    }

    #[test]
    fn dump_only_op_has_nest_type_zero() {
        let m = OpPolicy::for_op(0x15, 46, None, Some(39));
        let bytes = encode(&m);
        assert_eq!(&bytes[12..16], &[0x0c, 0, 0, 0x80]);
        assert_eq!(decode::<OpPolicy>(&bytes).unwrap(), m);
    }

    #[test]
    fn every_description_attribute_round_trips() {
        let description = vec![
            PolicyAttr::MinValueS(-5),
            PolicyAttr::MaxValueS(i64::MAX),
            PolicyAttr::Pad,
            PolicyAttr::MinLength(1),
            PolicyAttr::MaxLength(15),
            PolicyAttr::PolicyIdx(5),
            PolicyAttr::PolicyMaxtype(4),
            PolicyAttr::Bitfield32Mask(15),
            PolicyAttr::Mask(0xf),
            PolicyAttr::Other(UnknownAttr {
                raw_type: 40,
                payload: vec![1, 2, 3],
            }),
            PolicyAttr::Type(13),
        ];
        let m = Policy {
            family_id: 0x15,
            policy_idx: 4,
            attr_type: 145,
            description,
            unknown: vec![],
        };
        let bytes = encode(&m);
        assert_eq!(decode::<Policy>(&bytes).unwrap(), m);
    }

    #[test]
    fn get_policy_round_trips() {
        // iproute2 `mnlu_gen_cmd_dump_policy`: FAMILY_ID only.
        let bytes = [6, 0, 1, 0, 0x15, 0, 0, 0];
        let req: GetPolicy = decode(&bytes).unwrap();
        assert_eq!(req.id, Some(0x15));
        assert_eq!(encode(&req), bytes);
        let req = GetPolicy {
            id: None,
            name: Some("devlink".into()),
            op: Some(46),
            unknown: vec![],
        };
        assert_eq!(decode::<GetPolicy>(&encode(&req)).unwrap(), req);
    }

    #[test]
    fn malformed_replies_are_errors() {
        // Two ops in one OP_POLICY.
        let mut two = OP_POLICY.to_vec();
        two.extend_from_slice(&[4, 0, 4, 0x80]);
        two[8] += 4;
        let err = decode::<OpPolicy>(&two).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::Ctrl, CTRL_ATTR_OP_POLICY, Some(28))
        );
        // A u32 bound where a u64 belongs.
        let mut narrow = POLICY.to_vec();
        narrow.splice(20..32, [8, 0, 4, 0, 0, 0, 0, 0]);
        narrow[8] -= 4;
        narrow[12] -= 4;
        narrow[16] -= 4;
        let err = decode::<Policy>(&narrow).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (
                Space::NlPolicyType,
                NL_POLICY_TYPE_ATTR_MIN_VALUE_U,
                Some(40)
            )
        );
        // No FAMILY_ID.
        let err = decode::<Policy>(&POLICY[8..]).unwrap_err();
        assert_eq!(
            err,
            AttrError::missing(Space::Ctrl, CTRL_ATTR_FAMILY_ID, None)
        );
    }
}
