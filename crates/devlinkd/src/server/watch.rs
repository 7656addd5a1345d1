//! `devlinkd_watch` (`docs/watch.md`): snapshots at a revision and subscriptions that
//! resume from one, served from the core's watch state. A subscription is a cursor into
//! the core's history: it is advanced while its connection's backlog has room, so a slow
//! reader holds no copy of anything; it ends with `CANCELLED` ("re-list") when the
//! history moves past it or it falls more than its `MAX_LAG` changes behind.

use std::time::{Duration, Instant};

use devlink_core::{Errno, WatchError};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::flags::NLM_F_MULTI;
use devlink_wire::nl::{EmitError, NlmsgHeader, RawMessage};
use devlink_wire::watch::{
    Bookmark, Cancelled, Filter, SnapshotEnd, WATCH_OPS, WatchBody, WatchEvent, WatchKind,
    WatchMessage, WatchMsgError, WatchObject, WatchReq,
};

use super::conn::{ConnId, Out};
use super::errors::NlErr;
use super::reply::To;
use super::state::{Outcome, Server};

/// `ESTALE`: the answer to "too old" and to an overflowing watch: re-list.
pub(crate) const ESTALE: Errno = Errno(116);

/// One connection's subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WatchSub {
    /// The next change to read from the core's history.
    next_seq: u64,
    filter: Filter,
    /// Changes allowed to wait before the watch is cancelled.
    max_lag: u64,
    /// Every change up to this revision was sent.
    reached: u64,
    /// A bookmark was asked for (`PROGRESS`, or the replay reaching the present).
    bookmark_due: bool,
    /// The bookmark period and when the next one is due.
    every: Option<Duration>,
    next_tick: Option<Instant>,
}

/// A snapshot being sent: objects taken at one revision, encoded as the client reads.
#[derive(Debug)]
pub(crate) struct SnapshotSource {
    objects: std::vec::IntoIter<(WatchKind, DevlinkBody)>,
    end: Option<SnapshotEnd>,
    to: To,
}

impl SnapshotSource {
    /// The next message (`NLM_F_MULTI`), `SNAPSHOT_END` last.
    pub(crate) fn next_message(&mut self) -> Option<Vec<u8>> {
        for (kind, object) in self.objects.by_ref() {
            match message(
                self.to,
                NLM_F_MULTI,
                WatchBody::Object(WatchObject { kind, object }),
            ) {
                Ok(m) => return Some(m),
                Err(e) => tracing::warn!(?e, "snapshot object does not encode; left out"),
            }
        }
        let end = self.end.take()?;
        message(self.to, NLM_F_MULTI, WatchBody::SnapshotEnd(end)).ok()
    }
}

fn message(to: To, flags: u16, body: WatchBody) -> Result<Vec<u8>, EmitError> {
    WatchMessage::new(body).to_message(NlmsgHeader {
        len: 0,
        ty: to.ty,
        flags,
        seq: to.seq,
        pid: to.pid,
    })
}

impl NlErr {
    /// A revision the history cannot serve, naming the oldest it can.
    fn from_watch(e: &WatchError) -> Self {
        let errno = match e {
            WatchError::Future { .. } => Errno::EINVAL,
            WatchError::TooOld { .. } | WatchError::Compacted { .. } => ESTALE,
        };
        Self::msg(errno, &e.to_string())
    }

    /// A `devlinkd_watch` request that did not decode.
    fn from_watch_decode(e: &WatchMsgError) -> Self {
        match e {
            WatchMsgError::Body(devlink_wire::watch::WatchBodyError::Attr(a)) => Self::from_attr(a),
            WatchMsgError::UnknownCommand(_) | WatchMsgError::WrongDirection(..) => {
                Self::errno(Errno::EOPNOTSUPP)
            }
            _ => Self::errno(Errno::EINVAL),
        }
    }
}

impl Server {
    pub(crate) fn handle_watch(
        &mut self,
        id: ConnId,
        raw: &RawMessage<'_>,
    ) -> Result<Outcome, NlErr> {
        self.check_op(id, raw, &WATCH_OPS)?;
        let watching = self.conns.get(&id).is_some_and(|c| c.watch.is_some());
        let msg =
            WatchMessage::decode(raw.payload(), true).map_err(|e| NlErr::from_watch_decode(&e))?;
        match msg.body {
            WatchBody::SnapshotReq(req) => {
                let snap = self
                    .core
                    .watch_snapshot(req.at, &req.filter)
                    .map_err(|e| NlErr::from_watch(&e))?;
                let to = self.to(id, raw);
                let source = SnapshotSource {
                    end: Some(SnapshotEnd {
                        revision: snap.revision,
                        oldest: snap.oldest,
                    }),
                    objects: snap.objects.into_iter(),
                    to,
                };
                self.start_snapshot_dump(id, source, to);
                Ok(Outcome::NoAck)
            }
            WatchBody::Watch(req) => {
                if watching {
                    return Err(NlErr::msg(Errno::EBUSY, "Already watching: UNWATCH first"));
                }
                let sub = self.subscribe(&req)?;
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.watch = Some(sub);
                    self.watchers.insert(id);
                }
                Ok(Outcome::Ack(None))
            }
            WatchBody::Progress => {
                let conn = self.conns.get_mut(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
                let sub = conn
                    .watch
                    .as_mut()
                    .ok_or_else(|| NlErr::msg(Errno::EINVAL, "Not watching"))?;
                sub.bookmark_due = true;
                Ok(Outcome::Ack(None))
            }
            WatchBody::Unwatch => {
                let conn = self.conns.get_mut(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
                conn.watch
                    .take()
                    .ok_or_else(|| NlErr::msg(Errno::EINVAL, "Not watching"))?;
                Ok(Outcome::Ack(None))
            }
            _ => Err(NlErr::errno(Errno::EOPNOTSUPP)),
        }
    }

    /// A subscription from `req.from` (default: now).
    fn subscribe(&mut self, req: &WatchReq) -> Result<WatchSub, NlErr> {
        let now = self.core.watch_commit();
        let from = req.from.unwrap_or(now);
        let next_seq = self
            .core
            .watch_seq_after(from)
            .map_err(|e| NlErr::from_watch(&e))?;
        let every = req
            .bookmark_ms
            .filter(|&ms| ms > 0)
            .map(|ms| Duration::from_millis(ms.into()));
        Ok(WatchSub {
            next_seq,
            filter: req.filter.clone(),
            max_lag: req.max_lag.map_or(u64::MAX, u64::from),
            reached: from,
            // A replay ends with a bookmark: the client learns where the present is.
            bookmark_due: from < now,
            every,
            next_tick: every.and_then(|e| self.gate.now.map(|n| n + e)),
        })
    }

    /// Advance every subscription as far as its connection's backlog allows (after the
    /// watch state was brought up to date).
    pub(crate) fn pump_watches(&mut self) {
        self.core.watch_commit();
        // Only the watchers: a pass over every connection per datagram would make the
        // daemon's work grow with the square of the connections.
        let conns = &self.conns;
        self.watchers
            .retain(|id| conns.get(id).is_some_and(|c| c.watch.is_some()));
        let ids: Vec<ConnId> = self.watchers.iter().copied().collect();
        for id in ids {
            self.pump_watch(id);
        }
    }

    /// Advance the subscription of `id`.
    pub(crate) fn pump_watch(&mut self, id: ConnId) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        // A periodic bookmark falls due even while the connection is held back (it is
        // sent when the connection moves again): a tick left in the past would make
        // `next_deadline` due for ever and the shell spin for the whole paced flash.
        if let Some(sub) = conn.watch.as_mut()
            && let (Some(tick), Some(now)) = (sub.next_tick, self.gate.now)
            && tick <= now
        {
            sub.bookmark_due = true;
            sub.next_tick = sub.every.map(|e| now + e);
        }
        // Behind a reply still held for flash pacing, nothing overtakes it.
        if conn.divert || conn.held > 0 {
            return;
        }
        let Some(mut sub) = conn.watch.take() else {
            return;
        };
        let ty = self.config.watch_family_id;
        let head = self.core.watch_next_seq();
        let before = (conn.out.len(), conn.backlog);
        let end = loop {
            if head.saturating_sub(sub.next_seq) > sub.max_lag {
                break Some(Cancelled {
                    errno: ESTALE.0.unsigned_abs(),
                    revision: sub.reached,
                    oldest: self.core.watch_oldest(),
                    message: format!(
                        "The watch fell more than {} changes behind: re-list",
                        sub.max_lag
                    ),
                });
            }
            if conn.backlog >= conn.backlog_limit {
                break None;
            }
            let change = match self.core.watch_change(sub.next_seq) {
                Ok(Some(c)) => c,
                Ok(None) => {
                    sub.reached = self.core.watch_revision();
                    if sub.bookmark_due {
                        sub.bookmark_due = false;
                        let b = WatchBody::Bookmark(Bookmark {
                            revision: sub.reached,
                        });
                        if let Ok(m) = message(To { ty, seq: 0, pid: 0 }, 0, b) {
                            conn.push_watch(m);
                        }
                    }
                    break None;
                }
                Err(e) => {
                    break Some(Cancelled {
                        errno: ESTALE.0.unsigned_abs(),
                        revision: sub.reached,
                        oldest: self.core.watch_oldest(),
                        message: e.to_string(),
                    });
                }
            };
            // Whether another change of this revision passes the filter: if not, this
            // one completes the revision for this watch.
            let passes = |c: &devlink_core::WatchChange| sub_passes(&sub.filter, c);
            let revision = change.revision;
            let wanted = passes(change);
            let mut last = true;
            let mut later = sub.next_seq + 1;
            while let Ok(Some(n)) = self.core.watch_change(later) {
                if n.revision != revision {
                    break;
                }
                if passes(n) {
                    last = false;
                    break;
                }
                later += 1;
            }
            if wanted {
                let ev = WatchBody::Event(WatchEvent {
                    revision,
                    op: change.op,
                    kind: change.kind,
                    last,
                    object: change.body.clone(),
                });
                match message(To { ty, seq: 0, pid: 0 }, 0, ev) {
                    Ok(m) => conn.push_watch(m),
                    Err(e) => tracing::warn!(?e, "watch event does not encode; left out"),
                }
            }
            // On to the next change this watch wants: past the rest of the revision if
            // none of it passes.
            sub.next_seq = if wanted && !last {
                sub.next_seq + 1
            } else {
                later
            };
            if last {
                sub.reached = revision;
            }
        };
        match end {
            Some(c) => {
                if let Ok(m) = message(To { ty, seq: 0, pid: 0 }, 0, WatchBody::Cancelled(c)) {
                    conn.deliver(Out::Data(super::conn::Datagram::Bytes(m)));
                }
            }
            None => conn.watch = Some(sub),
        }
        if (conn.out.len(), conn.backlog) != before {
            conn.touch(id, &mut self.touched);
        }
    }

    /// The earliest periodic bookmark due.
    pub(crate) fn next_bookmark(&self) -> Option<Instant> {
        self.watchers
            .iter()
            .filter_map(|id| self.conns.get(id)?.watch.as_ref()?.next_tick)
            .min()
    }
}

/// Whether a change passes a watch's filter.
fn sub_passes(f: &Filter, c: &devlink_core::WatchChange) -> bool {
    devlink_wire::watch::sub_key(c.kind, &c.body)
        .is_ok_and(|(h, _)| f.matches_parts(&h.bus, &h.dev, c.kind, &c.sub))
}
