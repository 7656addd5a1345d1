//! How `devlinkd_watch` describes itself to the controller: its ops with their request
//! policies (for `CTRL_CMD_NEWFAMILY` and `CTRL_CMD_GETPOLICY`) and the family. No
//! multicast group: a watch is a subscription of one connection, sent to it alone.

use crate::ctrl::{AttrPolicy, FamilyInfo, OpHalf, OpSpec, PolicyTable, family_ops};

use super::consts::{WATCH_GENL_NAME, WATCH_GENL_VERSION, WatchAttr, WatchCmd};

const FILTER: [(u16, AttrPolicy); 4] = [
    (WatchAttr::BusName as u16, AttrPolicy::NUL_STRING),
    (WatchAttr::DevName as u16, AttrPolicy::NUL_STRING),
    (WatchAttr::Kinds as u16, AttrPolicy::U32),
    (WatchAttr::PortIndex as u16, AttrPolicy::U32),
];

/// `SNAPSHOT` (dump).
static WATCH_POLICY_SNAPSHOT: PolicyTable = PolicyTable {
    name: "devlinkd_watch_snapshot",
    maxattr: WatchAttr::PortIndex as u16,
    attrs: &[
        (WatchAttr::At as u16, AttrPolicy::U64),
        FILTER[0],
        FILTER[1],
        FILTER[2],
        FILTER[3],
    ],
};

/// `WATCH`.
static WATCH_POLICY_WATCH: PolicyTable = PolicyTable {
    name: "devlinkd_watch_watch",
    maxattr: WatchAttr::BookmarkMs as u16,
    attrs: &[
        (WatchAttr::From as u16, AttrPolicy::U64),
        FILTER[0],
        FILTER[1],
        FILTER[2],
        FILTER[3],
        (WatchAttr::MaxLag as u16, AttrPolicy::U32),
        (WatchAttr::BookmarkMs as u16, AttrPolicy::U32),
    ],
};

/// `PROGRESS`, `UNWATCH`: no attributes.
static WATCH_POLICY_NONE: PolicyTable = PolicyTable {
    name: "devlinkd_watch_none",
    maxattr: 0,
    attrs: &[],
};

const fn open_do(cmd: WatchCmd, policy: &'static PolicyTable) -> OpSpec {
    OpSpec {
        cmd: cmd as u8,
        perm: 0,
        doit: OpHalf::Policy(policy),
        dumpit: OpHalf::Absent,
    }
}

/// The family's ops, all open to every user (watching changes nothing).
pub static WATCH_OPS: [OpSpec; 4] = [
    OpSpec {
        cmd: WatchCmd::Snapshot as u8,
        perm: 0,
        doit: OpHalf::Absent,
        dumpit: OpHalf::Policy(&WATCH_POLICY_SNAPSHOT),
    },
    open_do(WatchCmd::Watch, &WATCH_POLICY_WATCH),
    open_do(WatchCmd::Progress, &WATCH_POLICY_NONE),
    open_do(WatchCmd::Unwatch, &WATCH_POLICY_NONE),
];

/// `devlinkd_watch` as `CTRL_CMD_NEWFAMILY` describes it, with family id `id`.
#[must_use]
pub fn watch_family(id: u16) -> FamilyInfo {
    FamilyInfo {
        name: WATCH_GENL_NAME.to_owned(),
        id,
        version: WATCH_GENL_VERSION.into(),
        hdrsize: 0,
        maxattr: WatchAttr::Message as u32,
        ops: family_ops(&WATCH_OPS),
        mcast_groups: Vec::new(),
        unknown: Vec::new(),
    }
}
