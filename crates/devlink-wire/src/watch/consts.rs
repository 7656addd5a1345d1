//! The numbers of the `devlinkd_watch` family: commands, attributes, object kinds and
//! event operations (`docs/watch.md`). The daemon's own family, not the kernel's: the
//! numbers are ours, fixed here and in the document.

use crate::spec::{AttrKind, AttrSpec, Cmd, Space};

/// The family name clients resolve with `CTRL_CMD_GETFAMILY`.
pub const WATCH_GENL_NAME: &str = "devlinkd_watch";
/// The family version (`CTRL_ATTR_VERSION`, and `genlmsghdr.version` of every message).
pub const WATCH_GENL_VERSION: u8 = 1;

/// `DEVLINKD_WATCH_CMD_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum WatchCmd {
    /// `DEVLINKD_WATCH_CMD_SNAPSHOT`: a consistent dump (request, dump only) and each
    /// object in it (reply).
    Snapshot = 1,
    /// `DEVLINKD_WATCH_CMD_SNAPSHOT_END`: the last message of a snapshot, with the
    /// revision it reflects.
    SnapshotEnd = 2,
    /// `DEVLINKD_WATCH_CMD_WATCH`: subscribe (do).
    Watch = 3,
    /// `DEVLINKD_WATCH_CMD_EVENT`: one change of one object.
    Event = 4,
    /// `DEVLINKD_WATCH_CMD_BOOKMARK`: every change up to a revision was sent.
    Bookmark = 5,
    /// `DEVLINKD_WATCH_CMD_CANCELLED`: the watch ended; re-list.
    Cancelled = 6,
    /// `DEVLINKD_WATCH_CMD_PROGRESS`: ask for a bookmark (do).
    Progress = 7,
    /// `DEVLINKD_WATCH_CMD_UNWATCH`: end the watch (do).
    Unwatch = 8,
}

impl WatchCmd {
    /// Every command, in number order.
    pub const ALL: [Self; 8] = [
        Self::Snapshot,
        Self::SnapshotEnd,
        Self::Watch,
        Self::Event,
        Self::Bookmark,
        Self::Cancelled,
        Self::Progress,
        Self::Unwatch,
    ];

    /// The command numbered `v`.
    #[must_use]
    pub fn from_repr(v: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| *c as u8 == v)
    }
}

/// `DEVLINKD_WATCH_ATTR_*`: one attribute space for the whole family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum WatchAttr {
    /// `DEVLINKD_WATCH_ATTR_UNSPEC`.
    Unspec = 0,
    /// `DEVLINKD_WATCH_ATTR_REVISION` (u64): an event's revision, the revision a snapshot
    /// reflects or a bookmark promises, the revision a cancelled watch reached.
    Revision = 1,
    /// `DEVLINKD_WATCH_ATTR_OLDEST` (u64): the oldest revision a watch can start from.
    Oldest = 2,
    /// `DEVLINKD_WATCH_ATTR_AT` (u64): the revision a snapshot is asked at.
    At = 3,
    /// `DEVLINKD_WATCH_ATTR_FROM` (u64): a watch starts after this revision.
    From = 4,
    /// `DEVLINKD_WATCH_ATTR_BUS_NAME` (string): filter by instance.
    BusName = 5,
    /// `DEVLINKD_WATCH_ATTR_DEV_NAME` (string): filter by instance.
    DevName = 6,
    /// `DEVLINKD_WATCH_ATTR_KINDS` (u32): filter by kind, bit N for kind N.
    Kinds = 7,
    /// `DEVLINKD_WATCH_ATTR_PORT_INDEX` (u32): filter by port.
    PortIndex = 8,
    /// `DEVLINKD_WATCH_ATTR_MAX_LAG` (u32): how many events may wait for a slow watcher
    /// before its watch is cancelled.
    MaxLag = 9,
    /// `DEVLINKD_WATCH_ATTR_BOOKMARK_MS` (u32): send a bookmark this often (0: never).
    BookmarkMs = 10,
    /// `DEVLINKD_WATCH_ATTR_KIND` (u8): an object's kind ([`WatchKind`]).
    Kind = 11,
    /// `DEVLINKD_WATCH_ATTR_OP` (u8): an event's operation ([`WatchOp`]).
    Op = 12,
    /// `DEVLINKD_WATCH_ATTR_LAST` (flag): the last event of its revision.
    Last = 13,
    /// `DEVLINKD_WATCH_ATTR_OBJECT` (nest of `DEVLINK_ATTR_*`): the object, as the
    /// `devlink` family's reply for its kind carries it.
    Object = 14,
    /// `DEVLINKD_WATCH_ATTR_ERRNO` (u32): why a watch was cancelled.
    Errno = 15,
    /// `DEVLINKD_WATCH_ATTR_MESSAGE` (string): the same, for people.
    Message = 16,
}

impl WatchAttr {
    /// Every attribute, in number order.
    pub const ALL: [Self; 17] = [
        Self::Unspec,
        Self::Revision,
        Self::Oldest,
        Self::At,
        Self::From,
        Self::BusName,
        Self::DevName,
        Self::Kinds,
        Self::PortIndex,
        Self::MaxLag,
        Self::BookmarkMs,
        Self::Kind,
        Self::Op,
        Self::Last,
        Self::Object,
        Self::Errno,
        Self::Message,
    ];

    /// The attribute numbered `v`.
    #[must_use]
    pub fn from_repr(v: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|a| *a as u16 == v)
    }

    /// Name, wire type and nesting.
    #[must_use]
    pub const fn spec(self) -> AttrSpec {
        let (kernel_name, kind) = match self {
            Self::Unspec => ("DEVLINKD_WATCH_ATTR_UNSPEC", AttrKind::Unspec),
            Self::Revision => ("DEVLINKD_WATCH_ATTR_REVISION", AttrKind::U64),
            Self::Oldest => ("DEVLINKD_WATCH_ATTR_OLDEST", AttrKind::U64),
            Self::At => ("DEVLINKD_WATCH_ATTR_AT", AttrKind::U64),
            Self::From => ("DEVLINKD_WATCH_ATTR_FROM", AttrKind::U64),
            Self::BusName => ("DEVLINKD_WATCH_ATTR_BUS_NAME", AttrKind::String),
            Self::DevName => ("DEVLINKD_WATCH_ATTR_DEV_NAME", AttrKind::String),
            Self::Kinds => ("DEVLINKD_WATCH_ATTR_KINDS", AttrKind::U32),
            Self::PortIndex => ("DEVLINKD_WATCH_ATTR_PORT_INDEX", AttrKind::U32),
            Self::MaxLag => ("DEVLINKD_WATCH_ATTR_MAX_LAG", AttrKind::U32),
            Self::BookmarkMs => ("DEVLINKD_WATCH_ATTR_BOOKMARK_MS", AttrKind::U32),
            Self::Kind => ("DEVLINKD_WATCH_ATTR_KIND", AttrKind::U8),
            Self::Op => ("DEVLINKD_WATCH_ATTR_OP", AttrKind::U8),
            Self::Last => ("DEVLINKD_WATCH_ATTR_LAST", AttrKind::Flag),
            Self::Object => ("DEVLINKD_WATCH_ATTR_OBJECT", AttrKind::Nest(Space::Devlink)),
            Self::Errno => ("DEVLINKD_WATCH_ATTR_ERRNO", AttrKind::U32),
            Self::Message => ("DEVLINKD_WATCH_ATTR_MESSAGE", AttrKind::String),
        };
        AttrSpec {
            kernel_name,
            kind,
            nested_flag: matches!(self, Self::Object),
            multi: false,
        }
    }
}

/// [`crate::spec::attr_spec`] for [`Space::Watch`].
#[must_use]
pub fn attr_spec(kind: u16) -> Option<AttrSpec> {
    WatchAttr::from_repr(kind).map(WatchAttr::spec)
}

/// `DEVLINKD_WATCH_KIND_*`: what kind of object an event or snapshot entry is. The
/// order is the order of a snapshot and of the `PUT`s of one revision (parents first);
/// `DEL`s of one revision come in the reverse order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum WatchKind {
    /// The instance (`DEVLINK_CMD_NEW` body).
    Dev = 1,
    /// Its e-switch modes (`ESWITCH_GET`): silent in the kernel.
    Eswitch = 2,
    /// Its resource tree (`RESOURCE_DUMP`): silent in the kernel.
    Resources = 3,
    /// A line card.
    Linecard = 4,
    /// A port.
    Port = 5,
    /// A shared buffer (silent in the kernel, as are its pools and bindings).
    Sb = 6,
    /// A shared buffer pool.
    SbPool = 7,
    /// A port's threshold in a pool.
    SbPortPool = 8,
    /// A port's traffic class binding.
    SbTcBind = 9,
    /// A trap policer (its settings are silent in the kernel).
    TrapPolicer = 10,
    /// A trap group (its settings are silent in the kernel).
    TrapGroup = 11,
    /// A trap (its action is silent in the kernel).
    Trap = 12,
    /// A rate leaf or node.
    Rate = 13,
    /// A region (`REGION_NEW` body with the size).
    Region = 14,
    /// A region snapshot (`REGION_NEW` body with the snapshot id).
    Snapshot = 15,
    /// A health reporter (created, destroyed and its counters: silent in the kernel).
    Reporter = 16,
    /// A parameter.
    Param = 17,
}

impl WatchKind {
    /// Every kind, in number (and snapshot) order.
    pub const ALL: [Self; 17] = [
        Self::Dev,
        Self::Eswitch,
        Self::Resources,
        Self::Linecard,
        Self::Port,
        Self::Sb,
        Self::SbPool,
        Self::SbPortPool,
        Self::SbTcBind,
        Self::TrapPolicer,
        Self::TrapGroup,
        Self::Trap,
        Self::Rate,
        Self::Region,
        Self::Snapshot,
        Self::Reporter,
        Self::Param,
    ];

    /// The kind numbered `v`.
    #[must_use]
    pub fn from_repr(v: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| *k as u8 == v)
    }

    /// The `devlink` command whose reply body the object's attributes are.
    #[must_use]
    pub const fn devlink_cmd(self) -> Cmd {
        match self {
            Self::Dev => Cmd::New,
            Self::Eswitch => Cmd::EswitchGet,
            Self::Resources => Cmd::ResourceDump,
            Self::Linecard => Cmd::LinecardNew,
            Self::Port => Cmd::PortNew,
            Self::Sb => Cmd::SbNew,
            Self::SbPool => Cmd::SbPoolNew,
            Self::SbPortPool => Cmd::SbPortPoolNew,
            Self::SbTcBind => Cmd::SbTcPoolBindNew,
            Self::TrapPolicer => Cmd::TrapPolicerNew,
            Self::TrapGroup => Cmd::TrapGroupNew,
            Self::Trap => Cmd::TrapNew,
            Self::Rate => Cmd::RateNew,
            Self::Region | Self::Snapshot => Cmd::RegionNew,
            Self::Reporter => Cmd::HealthReporterGet,
            Self::Param => Cmd::ParamNew,
        }
    }

    /// The name `dlctl watch` prints and takes (`kind port`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Eswitch => "eswitch",
            Self::Resources => "resource",
            Self::Linecard => "lc",
            Self::Port => "port",
            Self::Sb => "sb",
            Self::SbPool => "sb-pool",
            Self::SbPortPool => "sb-port-pool",
            Self::SbTcBind => "sb-tc-bind",
            Self::TrapPolicer => "trap-policer",
            Self::TrapGroup => "trap-group",
            Self::Trap => "trap",
            Self::Rate => "rate",
            Self::Region => "region",
            Self::Snapshot => "snapshot",
            Self::Reporter => "health",
            Self::Param => "param",
        }
    }

    /// The kind named `name` ([`WatchKind::name`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Its bit in `KINDS`.
    #[must_use]
    pub const fn bit(self) -> u32 {
        1 << (self as u8)
    }
}

/// `DEVLINKD_WATCH_OP_*`: what happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum WatchOp {
    /// Created or changed: the object is now as carried.
    Put = 1,
    /// Deleted: the object carried is what it was.
    Del = 2,
}

impl WatchOp {
    /// The operation numbered `v`.
    #[must_use]
    pub const fn from_repr(v: u8) -> Option<Self> {
        match v {
            1 => Some(Self::Put),
            2 => Some(Self::Del),
            _ => None,
        }
    }
}
