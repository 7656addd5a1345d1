//! [`Informer`]: a mirror of the daemon's objects kept up to date by a task — list at a
//! revision, watch from it, apply the events; re-list on "too old" and after a lost
//! connection (`docs/watch.md`, "Client recipe"). What it offers: the mirror at the
//! last completed revision, a way to wait until it reaches a revision, a stream of
//! typed changes and counters.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use devlink_wire::message::DevlinkBody;
use devlink_wire::watch::{Filter, Mirror, ObjectKey};

use super::follow;

/// How often [`Informer::wait_for`] asks again for a bookmark while it waits.
const PROGRESS_RETRY: Duration = Duration::from_millis(100);

/// How an informer watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformerOptions {
    /// `MAX_LAG`: changes the watch may fall behind before the daemon cancels it (and
    /// the informer re-lists); `None`: no limit but the history's.
    pub max_lag: Option<u32>,
    /// `BOOKMARK_MS`: ask for a bookmark this often (quiet filtered watches).
    pub bookmark_ms: Option<u32>,
    /// List first at this revision (resuming from a revision kept from before); if it
    /// is too old or not reached, the informer lists at the current one instead.
    pub start_at: Option<u64>,
    /// Watch messages read from the socket but not yet applied (at least 1).
    pub queue: usize,
    /// Room of the change stream; a receiver further behind misses changes
    /// (`RecvError::Lagged`).
    pub changes: usize,
}

impl Default for InformerOptions {
    fn default() -> Self {
        Self {
            max_lag: None,
            bookmark_ms: None,
            start_at: None,
            queue: super::DEFAULT_QUEUE,
            changes: 4096,
        }
    }
}

/// One change of the mirror, in the order applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An object was created or changed (by an event of `revision`, or by a list).
    Put {
        /// The revision of the change.
        revision: u64,
        /// The object.
        key: ObjectKey,
        /// What it was (`None`: it is new).
        before: Option<DevlinkBody>,
        /// What it is.
        after: DevlinkBody,
    },
    /// An object was deleted.
    Del {
        /// The revision of the change.
        revision: u64,
        /// The object.
        key: ObjectKey,
        /// What it was.
        before: DevlinkBody,
    },
    /// The mirror was replaced by a snapshot at `revision` (the `Put`s and `Del`s just
    /// before this are the difference). Follows every list but the first.
    Relisted {
        /// The snapshot's revision.
        revision: u64,
    },
    /// The mirror is complete at `revision` (after a `LAST` event, a bookmark or a
    /// list): folding the changes so far gives the daemon's objects at it.
    Revision {
        /// The revision.
        revision: u64,
    },
}

/// Counters of an informer's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InformerStats {
    /// Snapshots taken (the first list included).
    pub lists: u64,
    /// Lists after the first: "too old", cancelled watches, lost connections.
    pub relists: u64,
    /// Watches the daemon cancelled (overflow, history passed by).
    pub cancelled: u64,
    /// Requests refused with `ESTALE` (a revision older than the history).
    pub too_old: u64,
    /// Connections made after the first.
    pub reconnects: u64,
    /// Events applied.
    pub events: u64,
    /// Bookmarks received.
    pub bookmarks: u64,
}

/// The counters, shared with the task.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) lists: AtomicU64,
    pub(super) relists: AtomicU64,
    pub(super) cancelled: AtomicU64,
    pub(super) too_old: AtomicU64,
    pub(super) reconnects: AtomicU64,
    pub(super) events: AtomicU64,
    pub(super) bookmarks: AtomicU64,
}

impl Counters {
    pub(super) fn bump(c: &AtomicU64) {
        c.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the handle asks of the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Command {
    /// Send `PROGRESS` (a bookmark will tell how far the watch is).
    Progress,
}

/// The informer stopped: its task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the informer stopped")]
pub struct Stopped;

/// A mirror of the daemon's objects (those `filter` passes), kept by a task. Dropping
/// the handle stops the task.
#[derive(Debug)]
pub struct Informer {
    mirror: watch::Receiver<Arc<Mirror>>,
    /// Whether the mirror is of the daemon the informer is connected to: false until the
    /// first list, and from a lost connection until the list on the next one.
    live: watch::Receiver<bool>,
    changes: broadcast::Sender<Change>,
    first: Mutex<Option<broadcast::Receiver<Change>>>,
    commands: mpsc::UnboundedSender<Command>,
    counters: Arc<Counters>,
    task: JoinHandle<()>,
}

impl Informer {
    /// Start an informer of the daemon at `path`. Until the first list the mirror is
    /// empty at revision 0. `examples/informer.rs` prints what one sees.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (it spawns its task there).
    #[must_use]
    pub fn start(path: impl Into<PathBuf>, filter: Filter, options: InformerOptions) -> Self {
        let (mirror_tx, mirror) = watch::channel(Arc::new(Mirror::default()));
        let (live_tx, live) = watch::channel(false);
        let (changes, first) = broadcast::channel(options.changes.max(1));
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        let task = tokio::spawn(follow::run(follow::Task {
            path: path.into(),
            filter,
            options,
            mirror: mirror_tx,
            live: live_tx,
            changes: changes.clone(),
            commands: commands_rx,
            counters: counters.clone(),
        }));
        Self {
            mirror,
            live,
            changes,
            first: Mutex::new(Some(first)),
            commands,
            counters,
            task,
        }
    }

    /// The mirror at the last revision it completed (shared, not copied). After a lost
    /// connection, until the informer has listed on a new one, this is still the last
    /// mirror of the old one (see [`Informer::wait_for`]).
    #[must_use]
    pub fn mirror(&self) -> Arc<Mirror> {
        self.mirror.borrow().clone()
    }

    /// The revision of [`Informer::mirror`].
    #[must_use]
    pub fn revision(&self) -> u64 {
        self.mirror.borrow().revision
    }

    /// Wait until the mirror is at `revision` or later, and return its revision then.
    /// While it waits it asks the daemon for bookmarks (`PROGRESS`), so a filtered
    /// informer that sees no change learns it is up to date too. `revision` should be
    /// one the daemon has reached: a later one is waited for until it is. It waits as
    /// long as it takes (the informer keeps reconnecting): wrap it in
    /// `tokio::time::timeout` for a limit.
    ///
    /// Only a mirror listed on the current connection counts: from a lost connection
    /// until the list on the next, it waits, since a restarted daemon numbers its
    /// revisions anew and the old mirror's revision says nothing about the new daemon.
    /// (A daemon restarted in the moment before the informer has read the end of its
    /// connection cannot be told apart: revisions carry no daemon identity.)
    pub async fn wait_for(&self, revision: u64) -> Result<u64, Stopped> {
        let mut rx = self.mirror.clone();
        let mut live = self.live.clone();
        // A `PROGRESS` at the start, after a quiet `PROGRESS_RETRY` and on a new
        // connection; not on every published revision (a busy stream would cost a round
        // trip each).
        let mut ask = true;
        loop {
            let now = rx.borrow_and_update().revision;
            if now >= revision && *live.borrow_and_update() {
                return Ok(now);
            }
            if ask {
                self.commands.send(Command::Progress).map_err(|_| Stopped)?;
            }
            let changed = async {
                tokio::select! {
                    r = rx.changed() => r.map(|()| false),
                    r = live.changed() => r.map(|()| true),
                }
            };
            ask = match tokio::time::timeout(PROGRESS_RETRY, changed).await {
                Ok(Ok(connection_changed)) => connection_changed,
                Err(_) => true,
                Ok(Err(_)) => return Err(Stopped),
            };
        }
    }

    /// The change stream. The first call returns a receiver made at the start (it
    /// misses nothing); later calls subscribe from now on.
    pub fn changes(&self) -> broadcast::Receiver<Change> {
        self.first
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_else(|| self.changes.subscribe())
    }

    /// The counters now.
    #[must_use]
    pub fn stats(&self) -> InformerStats {
        let c = &*self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        InformerStats {
            lists: get(&c.lists),
            relists: get(&c.relists),
            cancelled: get(&c.cancelled),
            too_old: get(&c.too_old),
            reconnects: get(&c.reconnects),
            events: get(&c.events),
            bookmarks: get(&c.bookmarks),
        }
    }
}

impl Drop for Informer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
