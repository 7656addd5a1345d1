//! How `devlinkd_sim` describes itself to the controller: its ops with their request
//! policies (for `CTRL_CMD_NEWFAMILY` and `CTRL_CMD_GETPOLICY`) and the family. No
//! multicast group: what the simulator does is announced on devlink's own `config`.

use crate::ctrl::{AttrPolicy, FamilyInfo, OpHalf, OpSpec, PolicyTable, family_ops};
use crate::spec::GENL_ADMIN_PERM;

use super::consts::{SIM_GENL_NAME, SIM_GENL_VERSION, SimAttr, SimCmd};

const ID: (u16, AttrPolicy) = (SimAttr::Id as u16, AttrPolicy::U32);

/// `GET` (do), `DEL_DEVICE`: the device id.
static SIM_POLICY_DEVICE: PolicyTable = PolicyTable {
    name: "devlinkd_sim_device",
    maxattr: SimAttr::Id as u16,
    attrs: &[ID],
};

/// `NEW_DEVICE`.
static SIM_POLICY_NEW_DEVICE: PolicyTable = PolicyTable {
    name: "devlinkd_sim_new_device",
    maxattr: SimAttr::Vfs as u16,
    attrs: &[
        ID,
        (SimAttr::Ports as u16, AttrPolicy::U32),
        (SimAttr::Register as u16, AttrPolicy::u8_max(1)),
        (SimAttr::Handle as u16, AttrPolicy::NUL_STRING),
        (SimAttr::Eswitch as u16, AttrPolicy::u8_max(1)),
        (SimAttr::Vfs as u16, AttrPolicy::U32),
    ],
};

/// `NEW_PORT`, `DEL_PORT`.
static SIM_POLICY_PORT: PolicyTable = PolicyTable {
    name: "devlinkd_sim_port",
    maxattr: SimAttr::PortIndex as u16,
    attrs: &[ID, (SimAttr::PortIndex as u16, AttrPolicy::U32)],
};

/// `SRIOV_NUMVFS`.
static SIM_POLICY_NUMVFS: PolicyTable = PolicyTable {
    name: "devlinkd_sim_numvfs",
    maxattr: SimAttr::Vfs as u16,
    attrs: &[ID, (SimAttr::Vfs as u16, AttrPolicy::U32)],
};

/// `SET_KNOB`.
static SIM_POLICY_KNOB: PolicyTable = PolicyTable {
    name: "devlinkd_sim_knob",
    maxattr: SimAttr::KnobValue as u16,
    attrs: &[
        ID,
        (SimAttr::KnobName as u16, AttrPolicy::NUL_STRING),
        (SimAttr::KnobValue as u16, AttrPolicy::NUL_STRING),
    ],
};

const fn admin_do(cmd: SimCmd, policy: &'static PolicyTable) -> OpSpec {
    OpSpec {
        cmd: cmd as u8,
        perm: GENL_ADMIN_PERM,
        doit: OpHalf::Policy(policy),
        dumpit: OpHalf::Absent,
    }
}

/// The family's ops: `GET` (do and dump) open to all, every change `GENL_ADMIN_PERM`.
pub static SIM_OPS: [OpSpec; 7] = [
    OpSpec {
        cmd: SimCmd::Get as u8,
        perm: 0,
        doit: OpHalf::Policy(&SIM_POLICY_DEVICE),
        dumpit: OpHalf::NoPolicy,
    },
    admin_do(SimCmd::NewDevice, &SIM_POLICY_NEW_DEVICE),
    admin_do(SimCmd::DelDevice, &SIM_POLICY_DEVICE),
    admin_do(SimCmd::NewPort, &SIM_POLICY_PORT),
    admin_do(SimCmd::DelPort, &SIM_POLICY_PORT),
    admin_do(SimCmd::SriovNumvfs, &SIM_POLICY_NUMVFS),
    admin_do(SimCmd::SetKnob, &SIM_POLICY_KNOB),
];

/// `devlinkd_sim` as `CTRL_CMD_NEWFAMILY` describes it, with family id `id`.
#[must_use]
pub fn sim_family(id: u16) -> FamilyInfo {
    FamilyInfo {
        name: SIM_GENL_NAME.to_owned(),
        id,
        version: SIM_GENL_VERSION.into(),
        hdrsize: 0,
        maxattr: 0,
        ops: family_ops(&SIM_OPS),
        mcast_groups: Vec::new(),
        unknown: Vec::new(),
    }
}
