//! [`WatchClient`]: the `devlinkd_watch` family as method calls (`docs/watch.md`) —
//! snapshots at a revision, a watch from a revision and its events, what `dlctl watch`
//! and `dlctl snapshot` run. Blocking, like the rest of this crate.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::watch::{
    Bookmark, Cancelled, Filter, SnapshotEnd, SnapshotReq, WATCH_GENL_NAME, WatchBody, WatchEvent,
    WatchKind, WatchMessage, WatchReq,
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
        let mut bad_reply = None;
        let result = c.read_until_ack_or(
            &mut |m| match watch_body(m, family) {
                Ok(Some(b)) => each(b),
                Ok(None) => {}
                Err(e) => bad_reply = Some(e),
            },
            &mut |m| match item_of(m, family) {
                Ok(Some(item)) => pending.push_back(item),
                Ok(None) => {}
                Err(e) => bad = Some(e),
            },
        );
        match bad_reply.or(bad) {
            Some(e) => Err(e),
            None => result,
        }
    }
}

/// The body of `m` if it is a message of the watch family `family`; an error if it is
/// one but does not decode (a watcher must not miss an object silently).
pub(crate) fn watch_body(m: &Message, family: u16) -> Result<Option<WatchBody>, ClientError> {
    match &m.payload {
        Payload::Other(p) if m.header.ty == family => WatchMessage::decode(p, false)
            .map(|w| Some(w.body))
            .map_err(|e| ClientError::Protocol(format!("a watch message does not decode: {e}"))),
        _ => Ok(None),
    }
}

/// The watch item an unsolicited message carries; an error if it is an error.
pub(crate) fn item_of(m: &Message, family: u16) -> Result<Option<WatchItem>, ClientError> {
    if let Some(Err(e)) = ack_of(m) {
        return Err(e);
    }
    Ok(match watch_body(m, family)? {
        Some(WatchBody::Event(e)) => Some(WatchItem::Event(e)),
        Some(WatchBody::Bookmark(b)) => Some(WatchItem::Bookmark(b)),
        Some(WatchBody::Cancelled(c)) => Some(WatchItem::Cancelled(c)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use devlink_wire::nl::NlmsgHeader;

    use super::*;

    fn message(ty: u16, payload: Vec<u8>) -> Message {
        Message {
            header: NlmsgHeader {
                len: 0,
                ty,
                flags: 0,
                seq: 0,
                pid: 0,
            },
            payload: Payload::Other(payload),
            padding: Vec::new(),
        }
    }

    #[test]
    fn a_watch_message_that_does_not_decode_is_an_error_not_nothing() {
        // EVENT (4), version 1, and none of its required attributes.
        let event = message(0x16, vec![4, 1, 0, 0]);
        assert!(matches!(
            item_of(&event, 0x16),
            Err(ClientError::Protocol(_))
        ));
        // Another family's message is not the watch's business.
        assert!(matches!(watch_body(&event, 0x17), Ok(None)));
        let bookmark = WatchMessage::new(WatchBody::Bookmark(Bookmark { revision: 7 }));
        let bytes = bookmark.to_message(NlmsgHeader::default()).unwrap();
        let ok = message(0x16, bytes[16..].to_vec());
        assert_eq!(
            item_of(&ok, 0x16).unwrap(),
            Some(WatchItem::Bookmark(Bookmark { revision: 7 }))
        );
    }
}
