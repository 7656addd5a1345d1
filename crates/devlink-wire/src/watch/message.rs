//! A whole `devlinkd_watch` message: `genlmsghdr` (version [`WATCH_GENL_VERSION`]) and a
//! body typed by command and direction.

use crate::nl::{
    AttrIter, EmitError, Emitter, GENL_HDRLEN, GenlHeader, NLMSG_HDRLEN, NlError, NlmsgHeader,
};

use super::body::{
    Attrs, Bookmark, Cancelled, SnapshotEnd, SnapshotReq, WatchBodyError, WatchEvent, WatchObject,
    WatchReq,
};
use super::consts::{WATCH_GENL_VERSION, WatchCmd};

/// Why a `devlinkd_watch` message does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchMsgError {
    /// The generic netlink header is cut short, or `nlmsg_len` is wrong.
    #[error(transparent)]
    Framing(#[from] NlError),
    /// A command number the family does not have.
    #[error("unknown devlinkd_watch command {0}")]
    UnknownCommand(u8),
    /// A command that does not travel in that direction.
    #[error("devlinkd_watch command {0:?} is not a {1}")]
    WrongDirection(WatchCmd, &'static str),
    /// An attribute is malformed or a required one is missing.
    #[error(transparent)]
    Body(#[from] WatchBodyError),
}

impl From<crate::devlink::AttrError> for WatchMsgError {
    fn from(e: crate::devlink::AttrError) -> Self {
        Self::Body(e.into())
    }
}

/// The body of a `devlinkd_watch` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchBody {
    /// `SNAPSHOT` request.
    SnapshotReq(SnapshotReq),
    /// `SNAPSHOT` reply: one object.
    Object(WatchObject),
    /// `SNAPSHOT_END`.
    SnapshotEnd(SnapshotEnd),
    /// `WATCH` request.
    Watch(WatchReq),
    /// `EVENT`.
    Event(WatchEvent),
    /// `BOOKMARK`.
    Bookmark(Bookmark),
    /// `CANCELLED`.
    Cancelled(Cancelled),
    /// `PROGRESS` request (no attributes).
    Progress,
    /// `UNWATCH` request (no attributes).
    Unwatch,
}

impl WatchBody {
    /// The command this body travels with.
    #[must_use]
    pub const fn cmd(&self) -> WatchCmd {
        match self {
            Self::SnapshotReq(_) | Self::Object(_) => WatchCmd::Snapshot,
            Self::SnapshotEnd(_) => WatchCmd::SnapshotEnd,
            Self::Watch(_) => WatchCmd::Watch,
            Self::Event(_) => WatchCmd::Event,
            Self::Bookmark(_) => WatchCmd::Bookmark,
            Self::Cancelled(_) => WatchCmd::Cancelled,
            Self::Progress => WatchCmd::Progress,
            Self::Unwatch => WatchCmd::Unwatch,
        }
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        match self {
            Self::SnapshotReq(b) => b.encode(e),
            Self::Object(b) => b.encode(e),
            Self::SnapshotEnd(b) => b.encode(e),
            Self::Watch(b) => b.encode(e),
            Self::Event(b) => b.encode(e),
            Self::Bookmark(b) => b.encode(e),
            Self::Cancelled(b) => b.encode(e),
            Self::Progress | Self::Unwatch => {}
        }
    }
}

/// A `devlinkd_watch` message after its `nlmsghdr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchMessage {
    /// `genlmsghdr`.
    pub header: GenlHeader,
    /// The attributes, typed by command and direction.
    pub body: WatchBody,
}

impl WatchMessage {
    /// A message with the body's command, version [`WATCH_GENL_VERSION`].
    #[must_use]
    pub fn new(body: WatchBody) -> Self {
        Self {
            header: GenlHeader::new(body.cmd() as u8, WATCH_GENL_VERSION),
            body,
        }
    }

    /// Decode the bytes after the `nlmsghdr` (`genlmsghdr` first); `request`: the
    /// message carries `NLM_F_REQUEST`. Attribute offsets in errors count from the start
    /// of the netlink message.
    pub fn decode(payload: &[u8], request: bool) -> Result<Self, WatchMsgError> {
        let header = GenlHeader::parse(payload)?;
        let attrs = payload.get(GENL_HDRLEN..).unwrap_or_default();
        let iter = AttrIter::with_base(attrs, NLMSG_HDRLEN + GENL_HDRLEN);
        let cmd =
            WatchCmd::from_repr(header.cmd).ok_or(WatchMsgError::UnknownCommand(header.cmd))?;
        let a = Attrs::parse(iter)?;
        let wrong = |what| Err(WatchMsgError::WrongDirection(cmd, what));
        let body = match (cmd, request) {
            (WatchCmd::Snapshot, true) => WatchBody::SnapshotReq(a.snapshot_req()?),
            (WatchCmd::Snapshot, false) => WatchBody::Object(a.watch_object()?),
            (WatchCmd::Watch, true) => WatchBody::Watch(a.watch_req()?),
            (WatchCmd::Progress, true) => WatchBody::Progress,
            (WatchCmd::Unwatch, true) => WatchBody::Unwatch,
            (WatchCmd::Watch | WatchCmd::Progress | WatchCmd::Unwatch, false) => {
                return wrong("reply");
            }
            (WatchCmd::SnapshotEnd, false) => WatchBody::SnapshotEnd(a.snapshot_end()?),
            (WatchCmd::Event, false) => WatchBody::Event(a.event()?),
            (WatchCmd::Bookmark, false) => WatchBody::Bookmark(a.bookmark()?),
            (WatchCmd::Cancelled, false) => WatchBody::Cancelled(a.cancelled()?),
            (
                WatchCmd::SnapshotEnd | WatchCmd::Event | WatchCmd::Bookmark | WatchCmd::Cancelled,
                true,
            ) => return wrong("request"),
        };
        Ok(Self { header, body })
    }

    /// Decode a whole netlink message (`nlmsghdr` first); the caller checks
    /// `nlmsg_type`.
    pub fn parse(message: &[u8]) -> Result<(NlmsgHeader, Self), WatchMsgError> {
        let (nlh, payload) = NlmsgHeader::split(message)?;
        Ok((nlh, Self::decode(payload, nlh.is_request())?))
    }

    /// The whole netlink message: `nlh` with its `nlmsg_len` filled in, `genlmsghdr`,
    /// the attributes.
    pub fn to_message(&self, nlh: NlmsgHeader) -> Result<Vec<u8>, EmitError> {
        crate::nl::genl_message(nlh, self.header, |e| self.body.encode(e))
    }
}
