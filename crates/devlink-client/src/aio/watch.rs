//! [`AsyncWatch`]: the `devlinkd_watch` family over an [`AsyncConnection`] — snapshots
//! at a revision, a watch and what it delivers (`docs/watch.md`). The async twin of
//! [`crate::WatchClient`].

use std::path::Path;

use tokio::sync::mpsc;

use devlink_wire::message::Message;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::watch::{Filter, SnapshotReq, WATCH_GENL_NAME, WatchBody, WatchReq};

use crate::msg;
use crate::sim::ClientError;
use crate::watch::{Snapshot, WatchItem, item_of, watch_body};

use super::AsyncConnection;

/// A connection speaking `devlinkd_watch`, and the watch items it received. While a
/// watch runs, read its items: once `queue` of them wait, the connection is not read,
/// and a request's replies on it wait too.
#[derive(Debug)]
pub struct AsyncWatch {
    conn: AsyncConnection,
    family: u16,
    items: mpsc::Receiver<Message>,
}

impl AsyncWatch {
    /// Connect to the daemon at `path` (at most `queue` watch messages wait to be
    /// read) and resolve the family.
    pub async fn connect(path: &Path, queue: usize) -> Result<Self, ClientError> {
        let conn = AsyncConnection::connect_with(path, queue).await?;
        let family = conn.family(WATCH_GENL_NAME).await?;
        let items = conn
            .take_unsolicited()
            .ok_or_else(|| ClientError::Protocol("unsolicited queue already taken".into()))?;
        Ok(Self {
            conn,
            family,
            items,
        })
    }

    /// The connection (for requests made from elsewhere, e.g. `PROGRESS`).
    #[must_use]
    pub const fn connection(&self) -> &AsyncConnection {
        &self.conn
    }

    /// The family id the daemon gave.
    #[must_use]
    pub const fn family(&self) -> u16 {
        self.family
    }

    /// `SNAPSHOT` at `at` (default: now) of the objects `filter` passes.
    pub async fn snapshot(
        &self,
        at: Option<u64>,
        filter: &Filter,
    ) -> Result<Snapshot, ClientError> {
        let body = WatchBody::SnapshotReq(SnapshotReq {
            at,
            filter: filter.clone(),
            unknown: Vec::new(),
        });
        let family = self.family;
        let replies = self
            .conn
            .request(|seq| msg::watch_request(family, NLM_F_ACK | NLM_F_DUMP, seq, body))
            .await?;
        let mut snap = Snapshot::default();
        let mut ended = false;
        for m in &replies {
            match watch_body(m, family)? {
                Some(WatchBody::Object(o)) => snap.objects.push((o.kind, o.object)),
                Some(WatchBody::SnapshotEnd(e)) => {
                    snap.end = e;
                    ended = true;
                }
                _ => {}
            }
        }
        if !ended {
            return Err(ClientError::Protocol(
                "snapshot without SNAPSHOT_END".into(),
            ));
        }
        Ok(snap)
    }

    /// `WATCH`: subscribe; read what comes with [`AsyncWatch::next`].
    pub async fn watch(&self, req: WatchReq) -> Result<(), ClientError> {
        self.simple(WatchBody::Watch(req)).await
    }

    /// `PROGRESS`: a bookmark will follow once everything up to now was sent.
    pub async fn progress(&self) -> Result<(), ClientError> {
        self.simple(WatchBody::Progress).await
    }

    /// `UNWATCH`.
    pub async fn unwatch(&self) -> Result<(), ClientError> {
        self.simple(WatchBody::Unwatch).await
    }

    /// The next thing the watch delivers; `None` once the connection is lost.
    pub async fn next(&mut self) -> Option<Result<WatchItem, ClientError>> {
        loop {
            let m = self.items.recv().await?;
            match item_of(&m, self.family) {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Watch items waiting to be read.
    #[must_use]
    pub fn queued(&self) -> usize {
        self.items.len()
    }

    async fn simple(&self, body: WatchBody) -> Result<(), ClientError> {
        let family = self.family;
        self.conn
            .request(|seq| msg::watch_request(family, NLM_F_ACK, seq, body))
            .await
            .map(drop)
    }
}
