//! `CTRL_CMD_GETFAMILY` requests and the family description of `CTRL_CMD_NEWFAMILY`
//! replies. Kernel: `net/netlink/genetlink.c` (`ctrl_getfamily`, `ctrl_dumpfamily`,
//! `ctrl_fill_info`).

use crate::devlink::{AttrError, Body, DecodeCtx, UnknownAttr, each, encode_unknown};
use crate::nl::{AttrIter, Emitter};
use crate::spec::Space;

use super::attrs::{string_of, u16_of, u32_of};
use super::consts::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR,
    CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_ID, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_OP_FLAGS,
    CTRL_ATTR_OP_ID, CTRL_ATTR_OPS, CTRL_ATTR_VERSION,
};

/// A `CTRL_CMD_GETFAMILY` request: look a family up by id (iproute2 monitor) or by name
/// (iproute2, pyroute2). With neither, as a dump (`NLM_F_DUMP`), it asks for every family
/// (YNL); as a do the kernel answers `EINVAL`. With both, the kernel's answer is the
/// name's (`ctrl_getfamily` looks the name up last); an unknown one is `ENOENT`. The
/// kernel validates liberally here (`GENL_DONT_VALIDATE_STRICT`): it accepts an
/// over-wide `FAMILY_ID` with a warning, which this codec rejects, and it refuses names
/// longer than 15 bytes (`GENL_NAMSIZ` − 1), which this codec accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetFamily {
    /// `CTRL_ATTR_FAMILY_ID` (u16).
    pub id: Option<u16>,
    /// `CTRL_ATTR_FAMILY_NAME`, without its NUL.
    pub name: Option<String>,
    /// Attributes the controller ignores, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl GetFamily {
    /// A lookup by name, as iproute2 and pyroute2 send it.
    #[must_use]
    pub fn by_name(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// A lookup by id, as `devlink monitor` sends it.
    #[must_use]
    pub fn by_id(id: u16) -> Self {
        Self {
            id: Some(id),
            ..Self::default()
        }
    }
}

impl Body for GetFamily {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut req = Self::default();
        for a in each(attrs, Space::Ctrl) {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_FAMILY_ID => req.id = Some(u16_of(&a, Space::Ctrl)?),
                CTRL_ATTR_FAMILY_NAME => req.name = Some(string_of(&a, Space::Ctrl)?),
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
        encode_unknown(&self.unknown, e);
    }
}

/// One entry of `CTRL_ATTR_OPS`: a command the family accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpInfo {
    /// `CTRL_ATTR_OP_ID`: the command number.
    pub id: u32,
    /// `CTRL_ATTR_OP_FLAGS`: `GENL_ADMIN_PERM` 0x01, `GENL_CMD_CAP_DO` 0x02,
    /// `GENL_CMD_CAP_DUMP` 0x04, `GENL_CMD_CAP_HASPOL` 0x08, `GENL_UNS_ADMIN_PERM` 0x10.
    pub flags: u32,
    /// Attributes of the entry not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl OpInfo {
    /// An entry for command `id` with `flags`.
    #[must_use]
    pub const fn new(id: u32, flags: u32) -> Self {
        Self {
            id,
            flags,
            unknown: Vec::new(),
        }
    }
}

/// One entry of `CTRL_ATTR_MCAST_GROUPS`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct McastGroup {
    /// `CTRL_ATTR_MCAST_GRP_NAME`, e.g. `config`.
    pub name: String,
    /// `CTRL_ATTR_MCAST_GRP_ID`: the number clients join with `NETLINK_ADD_MEMBERSHIP`.
    pub id: u32,
    /// Attributes of the entry not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl McastGroup {
    /// Group `name` with number `id`.
    #[must_use]
    pub fn new(name: impl Into<String>, id: u32) -> Self {
        Self {
            name: name.into(),
            id,
            unknown: Vec::new(),
        }
    }
}

/// A family as `ctrl_fill_info` describes it in `CTRL_CMD_NEWFAMILY` (and `DELFAMILY`).
///
/// Encoded in the kernel's order: `FAMILY_NAME`, `FAMILY_ID`, `VERSION`, `HDRSIZE`,
/// `MAXATTR`, `OPS` (entries numbered 1, 2, … in list order), `MCAST_GROUPS` (entries
/// numbered likewise, `GRP_ID` before `GRP_NAME`); neither nest carries `NLA_F_NESTED`.
/// `OPS` / `MCAST_GROUPS` are left out when the list is empty, as the kernel does.
/// Decoding ignores the entry numbers; encoding renumbers from 1.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FamilyInfo {
    /// `CTRL_ATTR_FAMILY_NAME`, e.g. `devlink`.
    pub name: String,
    /// `CTRL_ATTR_FAMILY_ID`: the `nlmsg_type` of the family's messages (u16; iproute2
    /// rejects any other width).
    pub id: u16,
    /// `CTRL_ATTR_VERSION`: the family's genl version (devlink 1, nlctrl 2).
    pub version: u32,
    /// `CTRL_ATTR_HDRSIZE`: the family's fixed header after `genlmsghdr` (devlink 0).
    pub hdrsize: u32,
    /// `CTRL_ATTR_MAXATTR`: 0 for families with per-op policies (devlink since ≈6.6),
    /// `DEVLINK_ATTR_MAX` before. iproute2 needs it present.
    pub maxattr: u32,
    /// `CTRL_ATTR_OPS`, in the kernel's op order.
    pub ops: Vec<OpInfo>,
    /// `CTRL_ATTR_MCAST_GROUPS`.
    pub mcast_groups: Vec<McastGroup>,
    /// Top-level attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

fn decode_op(entry: AttrIter<'_>, nest_offset: usize) -> Result<OpInfo, AttrError> {
    let (mut id, mut flags, mut unknown) = (None, None, Vec::new());
    for a in each(entry, Space::CtrlOp) {
        let a = a?;
        match a.kind() {
            CTRL_ATTR_OP_ID => id = Some(u32_of(&a, Space::CtrlOp)?),
            CTRL_ATTR_OP_FLAGS => flags = Some(u32_of(&a, Space::CtrlOp)?),
            _ => unknown.push(UnknownAttr::from_raw(&a)),
        }
    }
    let missing = |attr| AttrError::missing(Space::CtrlOp, attr, Some(nest_offset));
    Ok(OpInfo {
        id: id.ok_or_else(|| missing(CTRL_ATTR_OP_ID))?,
        flags: flags.ok_or_else(|| missing(CTRL_ATTR_OP_FLAGS))?,
        unknown,
    })
}

fn decode_group(entry: AttrIter<'_>, nest_offset: usize) -> Result<McastGroup, AttrError> {
    let (mut name, mut id, mut unknown) = (None, None, Vec::new());
    for a in each(entry, Space::CtrlMcastGrp) {
        let a = a?;
        match a.kind() {
            CTRL_ATTR_MCAST_GRP_NAME => name = Some(string_of(&a, Space::CtrlMcastGrp)?),
            CTRL_ATTR_MCAST_GRP_ID => id = Some(u32_of(&a, Space::CtrlMcastGrp)?),
            _ => unknown.push(UnknownAttr::from_raw(&a)),
        }
    }
    let missing = |attr| AttrError::missing(Space::CtrlMcastGrp, attr, Some(nest_offset));
    Ok(McastGroup {
        name: name.ok_or_else(|| missing(CTRL_ATTR_MCAST_GRP_NAME))?,
        id: id.ok_or_else(|| missing(CTRL_ATTR_MCAST_GRP_ID))?,
        unknown,
    })
}

/// Entry numbers are `u16` on the wire; a list longer than that cannot be encoded, and
/// the emitter's nest length overflows long before, which it reports.
fn entry_type(index: usize) -> u16 {
    u16::try_from(index + 1).unwrap_or(u16::MAX)
}

impl Body for FamilyInfo {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut name, mut id, mut version, mut hdrsize, mut maxattr) =
            (None, None, None, None, None);
        let mut info = Self::default();
        for a in each(attrs, Space::Ctrl) {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_FAMILY_NAME => name = Some(string_of(&a, Space::Ctrl)?),
                CTRL_ATTR_FAMILY_ID => id = Some(u16_of(&a, Space::Ctrl)?),
                CTRL_ATTR_VERSION => version = Some(u32_of(&a, Space::Ctrl)?),
                CTRL_ATTR_HDRSIZE => hdrsize = Some(u32_of(&a, Space::Ctrl)?),
                CTRL_ATTR_MAXATTR => maxattr = Some(u32_of(&a, Space::Ctrl)?),
                CTRL_ATTR_OPS => {
                    for entry in each(a.nested(), Space::Ctrl) {
                        let entry = entry?;
                        info.ops.push(decode_op(entry.nested(), entry.offset())?);
                    }
                }
                CTRL_ATTR_MCAST_GROUPS => {
                    for entry in each(a.nested(), Space::Ctrl) {
                        let entry = entry?;
                        info.mcast_groups
                            .push(decode_group(entry.nested(), entry.offset())?);
                    }
                }
                _ => info.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let missing = |attr| AttrError::missing(Space::Ctrl, attr, None);
        info.name = name.ok_or_else(|| missing(CTRL_ATTR_FAMILY_NAME))?;
        info.id = id.ok_or_else(|| missing(CTRL_ATTR_FAMILY_ID))?;
        info.version = version.ok_or_else(|| missing(CTRL_ATTR_VERSION))?;
        info.hdrsize = hdrsize.ok_or_else(|| missing(CTRL_ATTR_HDRSIZE))?;
        info.maxattr = maxattr.ok_or_else(|| missing(CTRL_ATTR_MAXATTR))?;
        Ok(info)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.str(CTRL_ATTR_FAMILY_NAME, &self.name);
        e.u16(CTRL_ATTR_FAMILY_ID, self.id);
        e.u32(CTRL_ATTR_VERSION, self.version);
        e.u32(CTRL_ATTR_HDRSIZE, self.hdrsize);
        e.u32(CTRL_ATTR_MAXATTR, self.maxattr);
        if !self.ops.is_empty() {
            let ops = e.nest(CTRL_ATTR_OPS, false);
            for (i, op) in self.ops.iter().enumerate() {
                let n = e.nest(entry_type(i), false);
                e.u32(CTRL_ATTR_OP_ID, op.id);
                e.u32(CTRL_ATTR_OP_FLAGS, op.flags);
                encode_unknown(&op.unknown, e);
                e.end(n);
            }
            e.end(ops);
        }
        if !self.mcast_groups.is_empty() {
            let groups = e.nest(CTRL_ATTR_MCAST_GROUPS, false);
            for (i, g) in self.mcast_groups.iter().enumerate() {
                let n = e.nest(entry_type(i), false);
                e.u32(CTRL_ATTR_MCAST_GRP_ID, g.id);
                e.str(CTRL_ATTR_MCAST_GRP_NAME, &g.name);
                encode_unknown(&g.unknown, e);
                e.end(n);
            }
            e.end(groups);
        }
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::devlink::AttrErrorKind;
    use crate::nl::PayloadError;

    /// Attributes of the nlctrl `NEWFAMILY` reply captured in wire-protocol §2.2 (they
    /// start at message offset 0x14).
    pub(crate) const NLCTRL_ATTRS: &[u8] = &[
        0x0b, 0, 0x02, 0, b'n', b'l', b'c', b't', b'r', b'l', 0, 0, // FAMILY_NAME "nlctrl"
        0x06, 0, 0x01, 0, 0x10, 0, 0, 0, // FAMILY_ID 0x10
        0x08, 0, 0x03, 0, 0x02, 0, 0, 0, // VERSION 2
        0x08, 0, 0x04, 0, 0x00, 0, 0, 0, // HDRSIZE 0
        0x08, 0, 0x05, 0, 0x00, 0, 0, 0, // MAXATTR 0
        0x2c, 0, 0x06, 0, // OPS, no NLA_F_NESTED
        0x14, 0, 0x01, 0, 0x08, 0, 0x01, 0, 0x03, 0, 0, 0, 0x08, 0, 0x02, 0, 0x0e, 0, 0,
        0, // #1
        0x14, 0, 0x02, 0, 0x08, 0, 0x01, 0, 0x0a, 0, 0, 0, 0x08, 0, 0x02, 0, 0x0c, 0, 0,
        0, // #2
        0x1c, 0, 0x07, 0, // MCAST_GROUPS
        0x18, 0, 0x01, 0, 0x08, 0, 0x02, 0, 0x10, 0, 0, 0, // #1 GRP_ID 0x10
        0x0b, 0, 0x01, 0, b'n', b'o', b't', b'i', b'f', b'y', 0, 0, // GRP_NAME "notify"
    ];

    fn encode(body: &impl Body) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out);
        body.encode(&mut e);
        e.finish().unwrap();
        out
    }

    #[test]
    fn captured_nlctrl_family_round_trips() {
        let info = FamilyInfo::decode(AttrIter::with_base(NLCTRL_ATTRS, 20), DecodeCtx::default())
            .unwrap();
        assert_eq!(
            info,
            FamilyInfo {
                name: "nlctrl".into(),
                id: 0x10,
                version: 2,
                hdrsize: 0,
                maxattr: 0,
                ops: vec![OpInfo::new(3, 0x0e), OpInfo::new(10, 0x0c)],
                mcast_groups: vec![McastGroup::new("notify", 0x10)],
                unknown: vec![],
            }
        );
        assert_eq!(encode(&info), NLCTRL_ATTRS);
    }

    #[test]
    fn get_family_requests_round_trip() {
        // iproute2 `family_get`: FAMILY_NAME "devlink\0".
        let by_name = [12, 0, 2, 0, b'd', b'e', b'v', b'l', b'i', b'n', b'k', 0];
        let req = GetFamily::decode(AttrIter::new(&by_name), DecodeCtx::default()).unwrap();
        assert_eq!(req, GetFamily::by_name("devlink"));
        assert_eq!(encode(&req), by_name);
        // `devlink monitor`: FAMILY_ID 0x15.
        let by_id = [6, 0, 1, 0, 0x15, 0, 0, 0];
        let req = GetFamily::decode(AttrIter::new(&by_id), DecodeCtx::default()).unwrap();
        assert_eq!(req, GetFamily::by_id(0x15));
        assert_eq!(encode(&req), by_id);
        // YNL's dump of all families has no attributes; unknown ones are kept.
        let other = [8, 0, 10, 0, 1, 0, 0, 0];
        let req = GetFamily::decode(AttrIter::new(&other), DecodeCtx::default()).unwrap();
        assert_eq!(
            (req.id, req.name.as_deref(), req.unknown.len()),
            (None, None, 1)
        );
        assert_eq!(encode(&req), other);
    }

    #[test]
    fn wide_family_id_is_an_error_naming_it() {
        let bad = [8, 0, 1, 0, 0x15, 0, 0, 0];
        let err =
            GetFamily::decode(AttrIter::with_base(&bad, 20), DecodeCtx::default()).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::Ctrl, 1, Some(20))
        );
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 2,
                got: 4
            })
        );
        assert_eq!(
            super::super::attr_kernel_name(err.space, err.attr),
            Some("CTRL_ATTR_FAMILY_ID")
        );
        // The same in a reply (P-11: iproute2 rejects a 4-byte FAMILY_ID).
        let mut reply = NLCTRL_ATTRS.to_vec();
        reply.splice(12..20, [8, 0, 1, 0, 0x10, 0, 0, 0]);
        let err = FamilyInfo::decode(AttrIter::new(&reply), DecodeCtx::default()).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::Ctrl, 1, Some(12))
        );
    }

    #[test]
    fn missing_fields_are_named() {
        // Without MAXATTR (P-11).
        let mut reply = NLCTRL_ATTRS.to_vec();
        reply.drain(36..44);
        let err = FamilyInfo::decode(AttrIter::new(&reply), DecodeCtx::default()).unwrap_err();
        assert_eq!(
            err,
            AttrError::missing(Space::Ctrl, CTRL_ATTR_MAXATTR, None)
        );
        // An op entry without flags: reported against the entry's nest.
        let mut reply = NLCTRL_ATTRS.to_vec();
        reply.splice(48..68, [12, 0, 1, 0, 8, 0, 1, 0, 3, 0, 0, 0]);
        reply.splice(44..46, [0x24, 0]);
        let err = FamilyInfo::decode(AttrIter::new(&reply), DecodeCtx::default()).unwrap_err();
        assert_eq!(
            err,
            AttrError::missing(Space::CtrlOp, CTRL_ATTR_OP_FLAGS, Some(48))
        );
    }
}
