//! The typed bodies of the `devlinkd_watch` family. Attributes are emitted in
//! [`WatchAttr`] order; unknown ones are kept and re-emitted last.

use crate::devlink::{AttrError, AttrErrorKind, UnknownAttr, each, encode_unknown};
use crate::message::{DecodeError, DevlinkBody};
use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::Space;

use super::consts::{WatchAttr, WatchKind, WatchOp};
use super::key::{ObjectKey, SubKey, sub_key};

/// What a snapshot or a watch is limited to; every part is optional and they combine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// `BUS_NAME` and `DEV_NAME`: one instance.
    pub handle: Option<(String, String)>,
    /// `KINDS`: bit N for [`WatchKind`] N.
    pub kinds: Option<u32>,
    /// `PORT_INDEX`: objects of that port ([`SubKey::port`]).
    pub port_index: Option<u32>,
}

impl Filter {
    /// True if the object `key` passes.
    #[must_use]
    pub fn matches(&self, key: &ObjectKey) -> bool {
        self.matches_parts(&key.handle.bus, &key.handle.dev, key.kind, &key.sub)
    }

    /// [`Filter::matches`] on the parts of a key.
    #[must_use]
    pub fn matches_parts(&self, bus: &str, dev: &str, kind: WatchKind, sub: &SubKey) -> bool {
        self.handle
            .as_ref()
            .is_none_or(|(b, d)| b == bus && d == dev)
            && self.kinds.is_none_or(|k| k & kind.bit() != 0)
            && self.port_index.is_none_or(|p| sub.port(kind) == Some(p))
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some((bus, dev)) = &self.handle {
            e.str(WatchAttr::BusName as u16, bus);
            e.str(WatchAttr::DevName as u16, dev);
        }
        if let Some(k) = self.kinds {
            e.u32(WatchAttr::Kinds as u16, k);
        }
        if let Some(p) = self.port_index {
            e.u32(WatchAttr::PortIndex as u16, p);
        }
    }
}

/// `SNAPSHOT` request: every object, or those the filter passes, at the current
/// revision or at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotReq {
    /// `AT`.
    pub at: Option<u64>,
    /// The filter.
    pub filter: Filter,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `SNAPSHOT` reply: one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchObject {
    /// `KIND`.
    pub kind: WatchKind,
    /// `OBJECT`.
    pub object: DevlinkBody,
}

/// `SNAPSHOT_END`: the snapshot reflects `revision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnapshotEnd {
    /// `REVISION`.
    pub revision: u64,
    /// `OLDEST`: a watch can start from any revision ≥ this.
    pub oldest: u64,
}

/// `WATCH` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WatchReq {
    /// `FROM`: send every change after this revision (default: the current one).
    pub from: Option<u64>,
    /// The filter.
    pub filter: Filter,
    /// `MAX_LAG`: events allowed to wait before the watch is cancelled.
    pub max_lag: Option<u32>,
    /// `BOOKMARK_MS`: bookmark period.
    pub bookmark_ms: Option<u32>,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `EVENT`: one object changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEvent {
    /// `REVISION`.
    pub revision: u64,
    /// `OP`.
    pub op: WatchOp,
    /// `KIND`.
    pub kind: WatchKind,
    /// `LAST`: no more events of this revision follow (for this watch's filter).
    pub last: bool,
    /// `OBJECT`: the object after a `PUT`, before a `DEL`.
    pub object: DevlinkBody,
}

/// `BOOKMARK`: every change up to `revision` that the watch's filter passes was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bookmark {
    /// `REVISION`.
    pub revision: u64,
}

/// `CANCELLED`: the watch ended; the client re-lists (snapshot, then watch from it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cancelled {
    /// `ERRNO` (positive), e.g. `ESTALE` for "too old" and overflow.
    pub errno: u32,
    /// `REVISION`: every change up to here was sent.
    pub revision: u64,
    /// `OLDEST`: the oldest revision a watch can start from now.
    pub oldest: u64,
    /// `MESSAGE`.
    pub message: String,
}

/// Every attribute a body may carry, decoded once; bodies pick theirs.
#[derive(Default)]
pub(super) struct Attrs<'a> {
    revision: Option<u64>,
    oldest: Option<u64>,
    at: Option<u64>,
    from: Option<u64>,
    bus: Option<String>,
    dev: Option<String>,
    kinds: Option<u32>,
    port_index: Option<u32>,
    max_lag: Option<u32>,
    bookmark_ms: Option<u32>,
    kind: Option<WatchKind>,
    op: Option<WatchOp>,
    last: bool,
    object: Option<AttrIter<'a>>,
    errno: Option<u32>,
    message: Option<String>,
    unknown: Vec<UnknownAttr>,
}

const fn missing(attr: WatchAttr) -> AttrError {
    AttrError::missing(Space::Watch, attr as u16, None)
}

fn bad_value(raw: &RawAttr<'_>, v: impl Into<u64>) -> AttrError {
    AttrError::bad(Space::Watch, raw, AttrErrorKind::BadValue(v.into()))
}

impl<'a> Attrs<'a> {
    pub(super) fn parse(attrs: AttrIter<'a>) -> Result<Self, AttrError> {
        let mut a = Self::default();
        for raw in each(attrs, Space::Watch) {
            let raw = raw?;
            let bad = |e| AttrError::bad(Space::Watch, &raw, e);
            let u64_of = |r: &RawAttr<'_>| r.u64().map(Some).map_err(bad);
            let u32_of = |r: &RawAttr<'_>| r.u32().map(Some).map_err(bad);
            let str_of = |r: &RawAttr<'_>| r.str().map(|s| Some(s.to_owned())).map_err(bad);
            match WatchAttr::from_repr(raw.kind()) {
                Some(WatchAttr::Revision) => a.revision = u64_of(&raw)?,
                Some(WatchAttr::Oldest) => a.oldest = u64_of(&raw)?,
                Some(WatchAttr::At) => a.at = u64_of(&raw)?,
                Some(WatchAttr::From) => a.from = u64_of(&raw)?,
                Some(WatchAttr::BusName) => a.bus = str_of(&raw)?,
                Some(WatchAttr::DevName) => a.dev = str_of(&raw)?,
                Some(WatchAttr::Kinds) => a.kinds = u32_of(&raw)?,
                Some(WatchAttr::PortIndex) => a.port_index = u32_of(&raw)?,
                Some(WatchAttr::MaxLag) => a.max_lag = u32_of(&raw)?,
                Some(WatchAttr::BookmarkMs) => a.bookmark_ms = u32_of(&raw)?,
                Some(WatchAttr::Kind) => {
                    let v = raw.u8().map_err(bad)?;
                    a.kind = Some(WatchKind::from_repr(v).ok_or_else(|| bad_value(&raw, v))?);
                }
                Some(WatchAttr::Op) => {
                    let v = raw.u8().map_err(bad)?;
                    a.op = Some(WatchOp::from_repr(v).ok_or_else(|| bad_value(&raw, v))?);
                }
                Some(WatchAttr::Last) => a.last = raw.flag().map(|()| true).map_err(bad)?,
                Some(WatchAttr::Object) => a.object = Some(raw.nested()),
                Some(WatchAttr::Errno) => a.errno = u32_of(&raw)?,
                Some(WatchAttr::Message) => a.message = str_of(&raw)?,
                Some(WatchAttr::Unspec) | None => a.unknown.push(UnknownAttr::from_raw(&raw)),
            }
        }
        Ok(a)
    }

    fn need<T>(v: Option<T>, attr: WatchAttr) -> Result<T, AttrError> {
        v.ok_or(missing(attr))
    }

    fn filter(&mut self) -> Result<Filter, AttrError> {
        let handle = match (self.bus.take(), self.dev.take()) {
            (Some(b), Some(d)) => Some((b, d)),
            (None, None) => None,
            (Some(_), None) => return Err(missing(WatchAttr::DevName)),
            (None, Some(_)) => return Err(missing(WatchAttr::BusName)),
        };
        Ok(Filter {
            handle,
            kinds: self.kinds,
            port_index: self.port_index,
        })
    }

    /// The `OBJECT` nest, decoded as the reply body of `kind`'s devlink command, and
    /// checked to be an object of that kind.
    fn object(&self, kind: WatchKind) -> Result<DevlinkBody, WatchBodyError> {
        let attrs = self.object.clone().ok_or(missing(WatchAttr::Object))?;
        let cmd = kind.devlink_cmd();
        let body = DevlinkBody::decode(
            cmd as u8,
            false,
            attrs,
            crate::devlink::DecodeCtx::default(),
        )?;
        sub_key(kind, &body).map_err(|e| WatchBodyError::Key(e.to_string()))?;
        Ok(body)
    }

    pub(super) fn snapshot_req(mut self) -> Result<SnapshotReq, WatchBodyError> {
        Ok(SnapshotReq {
            at: self.at,
            filter: self.filter()?,
            unknown: self.unknown,
        })
    }

    pub(super) fn watch_object(self) -> Result<WatchObject, WatchBodyError> {
        let kind = Self::need(self.kind, WatchAttr::Kind)?;
        Ok(WatchObject {
            kind,
            object: self.object(kind)?,
        })
    }

    pub(super) fn snapshot_end(self) -> Result<SnapshotEnd, WatchBodyError> {
        Ok(SnapshotEnd {
            revision: Self::need(self.revision, WatchAttr::Revision)?,
            oldest: Self::need(self.oldest, WatchAttr::Oldest)?,
        })
    }

    pub(super) fn watch_req(mut self) -> Result<WatchReq, WatchBodyError> {
        Ok(WatchReq {
            from: self.from,
            filter: self.filter()?,
            max_lag: self.max_lag,
            bookmark_ms: self.bookmark_ms,
            unknown: self.unknown,
        })
    }

    pub(super) fn event(self) -> Result<WatchEvent, WatchBodyError> {
        let kind = Self::need(self.kind, WatchAttr::Kind)?;
        Ok(WatchEvent {
            revision: Self::need(self.revision, WatchAttr::Revision)?,
            op: Self::need(self.op, WatchAttr::Op)?,
            kind,
            last: self.last,
            object: self.object(kind)?,
        })
    }

    pub(super) fn bookmark(self) -> Result<Bookmark, WatchBodyError> {
        Ok(Bookmark {
            revision: Self::need(self.revision, WatchAttr::Revision)?,
        })
    }

    pub(super) fn cancelled(self) -> Result<Cancelled, WatchBodyError> {
        Ok(Cancelled {
            errno: Self::need(self.errno, WatchAttr::Errno)?,
            revision: Self::need(self.revision, WatchAttr::Revision)?,
            oldest: Self::need(self.oldest, WatchAttr::Oldest)?,
            message: self.message.unwrap_or_default(),
        })
    }
}

/// Why a `devlinkd_watch` body does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchBodyError {
    /// An attribute of the family is malformed or missing.
    #[error(transparent)]
    Attr(#[from] AttrError),
    /// The `OBJECT` nest is not a devlink body of its kind.
    #[error("OBJECT: {0}")]
    Object(#[from] DecodeError),
    /// The `OBJECT` nest lacks what names an object of its kind.
    #[error("OBJECT: {0}")]
    Key(String),
}

/// Append an `OBJECT` nest holding `body`.
fn encode_object(e: &mut Emitter<'_>, body: &DevlinkBody) {
    let nest = e.nest(WatchAttr::Object as u16, true);
    body.encode(e);
    e.end(nest);
}

impl SnapshotReq {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(at) = self.at {
            e.u64(WatchAttr::At as u16, at);
        }
        self.filter.encode(e);
        encode_unknown(&self.unknown, e);
    }
}

impl WatchObject {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        e.u8(WatchAttr::Kind as u16, self.kind as u8);
        encode_object(e, &self.object);
    }
}

impl SnapshotEnd {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        e.u64(WatchAttr::Revision as u16, self.revision);
        e.u64(WatchAttr::Oldest as u16, self.oldest);
    }
}

impl WatchReq {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(from) = self.from {
            e.u64(WatchAttr::From as u16, from);
        }
        self.filter.encode(e);
        if let Some(l) = self.max_lag {
            e.u32(WatchAttr::MaxLag as u16, l);
        }
        if let Some(ms) = self.bookmark_ms {
            e.u32(WatchAttr::BookmarkMs as u16, ms);
        }
        encode_unknown(&self.unknown, e);
    }
}

impl WatchEvent {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        e.u64(WatchAttr::Revision as u16, self.revision);
        e.u8(WatchAttr::Kind as u16, self.kind as u8);
        e.u8(WatchAttr::Op as u16, self.op as u8);
        if self.last {
            e.flag(WatchAttr::Last as u16);
        }
        encode_object(e, &self.object);
    }
}

impl Bookmark {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        e.u64(WatchAttr::Revision as u16, self.revision);
    }
}

impl Cancelled {
    pub(super) fn encode(&self, e: &mut Emitter<'_>) {
        e.u64(WatchAttr::Revision as u16, self.revision);
        e.u64(WatchAttr::Oldest as u16, self.oldest);
        e.u32(WatchAttr::Errno as u16, self.errno);
        e.str(WatchAttr::Message as u16, &self.message);
    }
}
