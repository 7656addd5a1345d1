//! [`WatchClient`]: the `devlinkd_watch` family as method calls (`docs/watch.md`) —
//! snapshots at a revision, a watch from a revision and its events, what `dlctl watch`
//! and `dlctl snapshot` run. Blocking, like the rest of this crate.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use devlink_wire::message::{DevlinkBody, Message};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::watch::{
    Bookmark, Cancelled, Filter, SnapshotEnd, SnapshotReq, WATCH_GENL_NAME, WatchBody, WatchEvent,
    WatchKind, WatchReq,
};

use crate::msg;
use crate::sim::{ClientError, GenlClient, ack_of};

/// A consistent view of the daemon's objects at one revision.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    /// The revision it reflects, and the oldest a watch can start from.
    pub end: SnapshotEnd,
    /// The objects, in the daemon's order.
    pub objects: Vec<(WatchKind, DevlinkBody)>,
}

/// What a watch delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchItem {
    /// One object changed.
    Event(WatchEvent),
    /// Every change up to a revision was sent.
    Bookmark(Bookmark),
    /// The watch ended: re-list.
    Cancelled(Cancelled),
}

/// A connection speaking `devlinkd_watch`.
#[derive(Debug)]
pub struct WatchClient {
    inner: GenlClient,
    /// Watch messages read while waiting for a reply.
    pending: VecDeque<WatchItem>,
}

impl WatchClient {
    /// Connect to the daemon at `path` and resolve the family.
    pub fn connect(path: &Path) -> Result<Self, ClientError> {
        Ok(Self {
            inner: GenlClient::connect(path, WATCH_GENL_NAME)?,
            pending: VecDeque::new(),
        })
    }

    /// `SNAPSHOT` at `at` (default: now) of the objects `filter` passes.
    pub fn snapshot(&mut self, at: Option<u64>, filter: &Filter) -> Result<Snapshot, ClientError> {
        let body = WatchBody::SnapshotReq(SnapshotReq {
            at,
            filter: filter.clone(),
            unknown: Vec::new(),
        });
        let mut snap = Snapshot::default();
        let mut ended = false;
        self.request(body, NLM_F_DUMP, &mut |b| match b {
            WatchBody::Object(o) => snap.objects.push((o.kind, o.object)),
            WatchBody::SnapshotEnd(e) => {
                snap.end = e;
                ended = true;
            }
            _ => {}
        })?;
        if !ended {
            return Err(ClientError::Protocol(
                "snapshot without SNAPSHOT_END".into(),
            ));
        }
        Ok(snap)
    }

    /// `WATCH`: subscribe; read what comes with [`WatchClient::next`].
    pub fn watch(&mut self, req: WatchReq) -> Result<(), ClientError> {
        self.request(WatchBody::Watch(req), 0, &mut |_| {})
    }

    /// `PROGRESS`: a bookmark will follow once everything up to now was sent.
    pub fn progress(&mut self) -> Result<(), ClientError> {
        self.request(WatchBody::Progress, 0, &mut |_| {})
    }

    /// `UNWATCH`.
    pub fn unwatch(&mut self) -> Result<(), ClientError> {
        self.request(WatchBody::Unwatch, 0, &mut |_| {})
    }

    /// The next thing the watch delivers, waiting up to `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Result<WatchItem, ClientError> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Ok(item);
            }
            let dg = self.inner.conn.recv(timeout)?;
            let family = self.inner.family;
            for raw in Messages::new(&dg) {
                let raw = raw.map_err(|e| ClientError::Protocol(e.to_string()))?;
                let m = Message::decode(&raw, devlink_wire::message::Families { devlink: None })
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                if let Some(item) = item_of(&m, family)? {
                    self.pending.push_back(item);
                }
            }
        }
    }

    /// Send `body` with `NLM_F_ACK | flags`, hand the replies' bodies to `each` and
    /// keep the watch messages that come meanwhile.
    fn request(
        &mut self,
        body: WatchBody,
        flags: u16,
        each: &mut dyn FnMut(WatchBody),
    ) -> Result<(), ClientError> {
        let c = &mut self.inner;
        c.seq = c.seq.wrapping_add(1);
        c.conn.send(&msg::watch_request(
            c.family,
            NLM_F_ACK | flags,
            c.seq,
            body,
        ))?;
        let family = c.family;
        let pending = &mut self.pending;
        let mut bad = None;
        let result = c.read_until_ack_or(
            &mut |m| {
                if let Some(w) = msg::watch_message(m, family) {
                    each(w.body);
                }
            },
            &mut |m| match item_of(m, family) {
                Ok(Some(item)) => pending.push_back(item),
                Ok(None) => {}
                Err(e) => bad = Some(e),
            },
        );
        match bad {
            Some(e) => Err(e),
            None => result,
        }
    }
}

/// The watch item an unsolicited message carries; an error if it is an error.
pub(crate) fn item_of(m: &Message, family: u16) -> Result<Option<WatchItem>, ClientError> {
    if let Some(Err(e)) = ack_of(m) {
        return Err(e);
    }
    Ok(match msg::watch_message(m, family).map(|w| w.body) {
        Some(WatchBody::Event(e)) => Some(WatchItem::Event(e)),
        Some(WatchBody::Bookmark(b)) => Some(WatchItem::Bookmark(b)),
        Some(WatchBody::Cancelled(c)) => Some(WatchItem::Cancelled(c)),
        _ => None,
    })
}
