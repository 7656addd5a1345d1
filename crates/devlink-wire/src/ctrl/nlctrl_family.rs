//! The controller's own family as it describes itself (a kernel lists it first in the
//! all-families dump YNL asks for). Kernel: `net/netlink/genetlink.c` (`genl_ctrl`,
//! `genl_ctrl_ops`, `ctrl_policy_family`, `ctrl_policy_policy`, `genl_ctrl_groups`).

use crate::nl::GENL_ID_CTRL;

use super::consts::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP, CTRL_CMD_GETFAMILY,
    CTRL_CMD_GETPOLICY, CTRL_VERSION,
};
use super::family::{FamilyInfo, McastGroup};
use super::policy_dump::{AttrPolicy, OpHalf, OpSpec, PolicyTable, family_ops};

/// `GENL_NAMSIZ` − 1: the longest family name.
const NAME_MAX: u32 = 15;

/// `ctrl_policy_family`: GETFAMILY's policy, do and dump.
static CTRL_POLICY_FAMILY: PolicyTable = PolicyTable {
    name: "ctrl_policy_family",
    maxattr: CTRL_ATTR_FAMILY_NAME,
    attrs: &[
        (CTRL_ATTR_FAMILY_ID, AttrPolicy::U16_ANY),
        (
            CTRL_ATTR_FAMILY_NAME,
            AttrPolicy::NulString { max_len: NAME_MAX },
        ),
    ],
};

/// `ctrl_policy_policy`: GETPOLICY's policy.
static CTRL_POLICY_POLICY: PolicyTable = PolicyTable {
    name: "ctrl_policy_policy",
    maxattr: CTRL_ATTR_OP,
    attrs: &[
        (CTRL_ATTR_FAMILY_ID, AttrPolicy::U16_ANY),
        (
            CTRL_ATTR_FAMILY_NAME,
            AttrPolicy::NulString { max_len: NAME_MAX },
        ),
        (CTRL_ATTR_OP, AttrPolicy::U32),
    ],
};

/// `genl_ctrl_ops`: GETFAMILY (do and dump, one shared policy) and GETPOLICY (dump only).
pub static NLCTRL_OPS: [OpSpec; 2] = [
    OpSpec {
        cmd: CTRL_CMD_GETFAMILY,
        perm: 0,
        doit: OpHalf::Policy(&CTRL_POLICY_FAMILY),
        dumpit: OpHalf::Policy(&CTRL_POLICY_FAMILY),
    },
    OpSpec {
        cmd: CTRL_CMD_GETPOLICY,
        perm: 0,
        doit: OpHalf::Absent,
        dumpit: OpHalf::Policy(&CTRL_POLICY_POLICY),
    },
];

/// `nlctrl` as `CTRL_CMD_NEWFAMILY` describes it: id 0x10, version 2, hdrsize 0,
/// maxattr 0, ops GETFAMILY (0x0e) and GETPOLICY (0x0c), group "notify" = 0x10.
#[must_use]
pub fn nlctrl_family() -> FamilyInfo {
    FamilyInfo {
        name: "nlctrl".to_owned(),
        id: GENL_ID_CTRL,
        version: CTRL_VERSION.into(),
        hdrsize: 0,
        maxattr: 0,
        ops: family_ops(&NLCTRL_OPS),
        mcast_groups: vec![McastGroup::new("notify", GENL_ID_CTRL.into())],
        unknown: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctrl::family::tests::NLCTRL_ATTRS;
    use crate::devlink::Body;
    use crate::nl::Emitter;

    /// Byte for byte the reply a live kernel sent (wire-protocol §2.2).
    #[test]
    fn matches_the_capture() {
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out);
        nlctrl_family().encode(&mut e);
        e.finish().unwrap();
        assert_eq!(out, NLCTRL_ATTRS);
    }
}
