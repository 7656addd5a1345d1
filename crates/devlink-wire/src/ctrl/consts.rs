//! Controller numbers from `include/uapi/linux/genetlink.h` and the policy-description
//! numbers from `include/uapi/linux/netlink.h`, plus their kernel names for errors.
//!
//! Kept here until the generated tables carry `CtrlCmd`, `CtrlAttr`, `NlAttrType`, ….

use crate::spec::Space;

/// `CTRL_CMD_NEWFAMILY`: a family description (reply or notification).
pub(crate) const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_DELFAMILY`: a family went away (notification, same layout as NEWFAMILY).
pub(crate) const CTRL_CMD_DELFAMILY: u8 = 2;
/// `CTRL_CMD_GETFAMILY`: look a family up by id or name, or dump all.
pub(crate) const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_GETPOLICY`: dump a family's request policies.
pub(crate) const CTRL_CMD_GETPOLICY: u8 = 10;

/// `genl_ctrl.version`: the version nlctrl puts in its replies.
pub(crate) const CTRL_VERSION: u8 = 2;
/// What clients put in their requests (iproute2, YNL, pyroute2).
pub(crate) const CTRL_REQUEST_VERSION: u8 = 1;

/// `CTRL_ATTR_FAMILY_ID` (u16).
pub(crate) const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME` (NUL string).
pub(crate) const CTRL_ATTR_FAMILY_NAME: u16 = 2;
/// `CTRL_ATTR_VERSION` (u32).
pub(crate) const CTRL_ATTR_VERSION: u16 = 3;
/// `CTRL_ATTR_HDRSIZE` (u32).
pub(crate) const CTRL_ATTR_HDRSIZE: u16 = 4;
/// `CTRL_ATTR_MAXATTR` (u32).
pub(crate) const CTRL_ATTR_MAXATTR: u16 = 5;
/// `CTRL_ATTR_OPS` (nest of numbered entries, no `NLA_F_NESTED`).
pub(crate) const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS` (nest of numbered entries, no `NLA_F_NESTED`).
pub(crate) const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_POLICY` (nest, `NLA_F_NESTED`).
pub(crate) const CTRL_ATTR_POLICY: u16 = 8;
/// `CTRL_ATTR_OP_POLICY` (nest, `NLA_F_NESTED`).
pub(crate) const CTRL_ATTR_OP_POLICY: u16 = 9;
/// `CTRL_ATTR_OP` (u32).
pub(crate) const CTRL_ATTR_OP: u16 = 10;

/// `CTRL_ATTR_OP_ID` (u32).
pub(crate) const CTRL_ATTR_OP_ID: u16 = 1;
/// `CTRL_ATTR_OP_FLAGS` (u32).
pub(crate) const CTRL_ATTR_OP_FLAGS: u16 = 2;

/// `CTRL_ATTR_MCAST_GRP_NAME` (NUL string).
pub(crate) const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID` (u32).
pub(crate) const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;

/// `CTRL_ATTR_POLICY_DO` (u32).
pub(crate) const CTRL_ATTR_POLICY_DO: u16 = 1;
/// `CTRL_ATTR_POLICY_DUMP` (u32).
pub(crate) const CTRL_ATTR_POLICY_DUMP: u16 = 2;

/// `GENL_ADMIN_PERM`.
pub(crate) const GENL_ADMIN_PERM: u32 = 0x01;
/// `GENL_CMD_CAP_DO`.
pub(crate) const GENL_CMD_CAP_DO: u32 = 0x02;
/// `GENL_CMD_CAP_DUMP`.
pub(crate) const GENL_CMD_CAP_DUMP: u32 = 0x04;
/// `GENL_CMD_CAP_HASPOL`.
pub(crate) const GENL_CMD_CAP_HASPOL: u32 = 0x08;

/// `NL_POLICY_TYPE_ATTR_TYPE` (u32, `enum netlink_attribute_type`).
pub(crate) const NL_POLICY_TYPE_ATTR_TYPE: u16 = 1;
/// `NL_POLICY_TYPE_ATTR_MIN_VALUE_S` (s64).
pub(crate) const NL_POLICY_TYPE_ATTR_MIN_VALUE_S: u16 = 2;
/// `NL_POLICY_TYPE_ATTR_MAX_VALUE_S` (s64).
pub(crate) const NL_POLICY_TYPE_ATTR_MAX_VALUE_S: u16 = 3;
/// `NL_POLICY_TYPE_ATTR_MIN_VALUE_U` (u64).
pub(crate) const NL_POLICY_TYPE_ATTR_MIN_VALUE_U: u16 = 4;
/// `NL_POLICY_TYPE_ATTR_MAX_VALUE_U` (u64).
pub(crate) const NL_POLICY_TYPE_ATTR_MAX_VALUE_U: u16 = 5;
/// `NL_POLICY_TYPE_ATTR_MIN_LENGTH` (u32).
pub(crate) const NL_POLICY_TYPE_ATTR_MIN_LENGTH: u16 = 6;
/// `NL_POLICY_TYPE_ATTR_MAX_LENGTH` (u32).
pub(crate) const NL_POLICY_TYPE_ATTR_MAX_LENGTH: u16 = 7;
/// `NL_POLICY_TYPE_ATTR_POLICY_IDX` (u32).
pub(crate) const NL_POLICY_TYPE_ATTR_POLICY_IDX: u16 = 8;
/// `NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE` (u32).
pub(crate) const NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE: u16 = 9;
/// `NL_POLICY_TYPE_ATTR_BITFIELD32_MASK` (u32).
pub(crate) const NL_POLICY_TYPE_ATTR_BITFIELD32_MASK: u16 = 10;
/// `NL_POLICY_TYPE_ATTR_PAD`: alignment filler before u64s (never on x86-64/arm64).
pub(crate) const NL_POLICY_TYPE_ATTR_PAD: u16 = 11;
/// `NL_POLICY_TYPE_ATTR_MASK` (u64).
pub(crate) const NL_POLICY_TYPE_ATTR_MASK: u16 = 12;

/// `NL_ATTR_TYPE_FLAG`.
pub(crate) const NL_ATTR_TYPE_FLAG: u32 = 1;
/// `NL_ATTR_TYPE_U8`.
pub(crate) const NL_ATTR_TYPE_U8: u32 = 2;
/// `NL_ATTR_TYPE_U16`.
pub(crate) const NL_ATTR_TYPE_U16: u32 = 3;
/// `NL_ATTR_TYPE_U32`.
pub(crate) const NL_ATTR_TYPE_U32: u32 = 4;
/// `NL_ATTR_TYPE_U64`.
pub(crate) const NL_ATTR_TYPE_U64: u32 = 5;
/// `NL_ATTR_TYPE_BINARY`.
pub(crate) const NL_ATTR_TYPE_BINARY: u32 = 10;
/// `NL_ATTR_TYPE_STRING`.
pub(crate) const NL_ATTR_TYPE_STRING: u32 = 11;
/// `NL_ATTR_TYPE_NUL_STRING`.
pub(crate) const NL_ATTR_TYPE_NUL_STRING: u32 = 12;
/// `NL_ATTR_TYPE_NESTED`.
pub(crate) const NL_ATTR_TYPE_NESTED: u32 = 13;
/// `NL_ATTR_TYPE_BITFIELD32`.
pub(crate) const NL_ATTR_TYPE_BITFIELD32: u32 = 15;
/// `NL_ATTR_TYPE_UINT`.
pub(crate) const NL_ATTR_TYPE_UINT: u32 = 17;

/// The kernel name of attribute `attr` in one of the controller's spaces, e.g.
/// `CTRL_ATTR_FAMILY_ID`. `None` for other spaces and unknown numbers.
///
/// [`crate::devlink::AttrError::name`] does not know the controller spaces yet; use this
/// to name a controller [`crate::devlink::AttrError`].
#[must_use]
pub fn attr_kernel_name(space: Space, attr: u16) -> Option<&'static str> {
    let names: &[&str] = match space {
        Space::Ctrl => &[
            "CTRL_ATTR_UNSPEC",
            "CTRL_ATTR_FAMILY_ID",
            "CTRL_ATTR_FAMILY_NAME",
            "CTRL_ATTR_VERSION",
            "CTRL_ATTR_HDRSIZE",
            "CTRL_ATTR_MAXATTR",
            "CTRL_ATTR_OPS",
            "CTRL_ATTR_MCAST_GROUPS",
            "CTRL_ATTR_POLICY",
            "CTRL_ATTR_OP_POLICY",
            "CTRL_ATTR_OP",
        ],
        Space::CtrlOp => &[
            "CTRL_ATTR_OP_UNSPEC",
            "CTRL_ATTR_OP_ID",
            "CTRL_ATTR_OP_FLAGS",
        ],
        Space::CtrlMcastGrp => &[
            "CTRL_ATTR_MCAST_GRP_UNSPEC",
            "CTRL_ATTR_MCAST_GRP_NAME",
            "CTRL_ATTR_MCAST_GRP_ID",
        ],
        Space::CtrlOpPolicy => &[
            "CTRL_ATTR_POLICY_UNSPEC",
            "CTRL_ATTR_POLICY_DO",
            "CTRL_ATTR_POLICY_DUMP",
        ],
        Space::NlPolicyType => &[
            "NL_POLICY_TYPE_ATTR_UNSPEC",
            "NL_POLICY_TYPE_ATTR_TYPE",
            "NL_POLICY_TYPE_ATTR_MIN_VALUE_S",
            "NL_POLICY_TYPE_ATTR_MAX_VALUE_S",
            "NL_POLICY_TYPE_ATTR_MIN_VALUE_U",
            "NL_POLICY_TYPE_ATTR_MAX_VALUE_U",
            "NL_POLICY_TYPE_ATTR_MIN_LENGTH",
            "NL_POLICY_TYPE_ATTR_MAX_LENGTH",
            "NL_POLICY_TYPE_ATTR_POLICY_IDX",
            "NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE",
            "NL_POLICY_TYPE_ATTR_BITFIELD32_MASK",
            "NL_POLICY_TYPE_ATTR_PAD",
            "NL_POLICY_TYPE_ATTR_MASK",
        ],
        _ => &[],
    };
    names.get(usize::from(attr)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_numbers() {
        assert_eq!(
            attr_kernel_name(Space::Ctrl, CTRL_ATTR_FAMILY_ID),
            Some("CTRL_ATTR_FAMILY_ID")
        );
        assert_eq!(
            attr_kernel_name(Space::Ctrl, CTRL_ATTR_OP),
            Some("CTRL_ATTR_OP")
        );
        assert_eq!(
            attr_kernel_name(Space::CtrlMcastGrp, CTRL_ATTR_MCAST_GRP_ID),
            Some("CTRL_ATTR_MCAST_GRP_ID")
        );
        assert_eq!(
            attr_kernel_name(Space::CtrlOpPolicy, CTRL_ATTR_POLICY_DUMP),
            Some("CTRL_ATTR_POLICY_DUMP")
        );
        assert_eq!(
            attr_kernel_name(Space::NlPolicyType, NL_POLICY_TYPE_ATTR_MASK),
            Some("NL_POLICY_TYPE_ATTR_MASK")
        );
        assert_eq!(attr_kernel_name(Space::Ctrl, 11), None);
        assert_eq!(attr_kernel_name(Space::Devlink, 1), None);
    }
}
