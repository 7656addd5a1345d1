//! The informer's task: connect, list, watch from the list's revision and apply what
//! comes; on `CANCELLED` or `ESTALE` list again on the same connection, on a lost
//! connection connect again and list (a daemon that restarted numbers its revisions
//! anew, so nothing is resumed across connections; the mirror is not `live` from the
//! loss until that list). Failed attempts back off (10 ms
//! doubling to 1 s) until a watch starts.
//!
//! The events of a revision are applied to a working copy; the copy is published (what
//! [`super::Informer::mirror`] answers) only at a completed revision — after a `LAST`
//! event, a bookmark or a list — and, while more watch messages wait, at most every
//! [`PUBLISH_EVERY`] revisions: a copy costs one clone of the mirror.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};

use devlink_wire::nl::flags::NLM_F_ACK;
use devlink_wire::watch::{Filter, Mirror, WatchBody, WatchEvent, WatchOp, WatchReq, object_key};

use crate::msg;
use crate::sim::ClientError;
use crate::watch::{Snapshot, WatchItem};

use super::AsyncWatch;
use super::informer::{Change, Command, Counters, InformerOptions};

/// `ESTALE`: "too old, re-list".
const ESTALE: i32 = 116;
/// `EINVAL`: among others, a revision not reached yet.
const EINVAL: i32 = 22;
/// The first and the longest wait between connection attempts.
const BACKOFF_MIN: Duration = Duration::from_millis(10);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// Completed revisions after which the working copy is published even while more
/// watch messages wait.
const PUBLISH_EVERY: u64 = 64;

/// What the task owns.
pub(super) struct Task {
    pub(super) path: PathBuf,
    pub(super) filter: Filter,
    pub(super) options: InformerOptions,
    pub(super) mirror: watch::Sender<Arc<Mirror>>,
    /// Whether the mirror was listed on the current connection.
    pub(super) live: watch::Sender<bool>,
    pub(super) changes: broadcast::Sender<Change>,
    pub(super) commands: mpsc::UnboundedReceiver<Command>,
    pub(super) counters: Arc<Counters>,
}

/// How a session on one connection ended.
enum End {
    /// The connection is lost (or unusable): connect again.
    Reconnect,
    /// The handle is gone.
    Stop,
}

/// The working copy and what is known about it.
struct State {
    working: Mirror,
    /// Events of a revision were applied but not its `LAST`.
    partial: bool,
    /// Completed revisions not published yet.
    unpublished: u64,
    /// A list happened already (the next is a re-list).
    listed: bool,
    /// The wait before the next attempt (zero once a watch started).
    backoff: Duration,
}

pub(super) async fn run(mut task: Task) {
    let mut state = State {
        working: Mirror::default(),
        partial: false,
        unpublished: 0,
        listed: false,
        backoff: Duration::ZERO,
    };
    let mut start_at = task.options.start_at;
    let mut connected_once = false;
    loop {
        if !pause(&mut task, &mut state).await {
            return;
        }
        let Ok(w) = AsyncWatch::connect(&task.path, task.options.queue).await else {
            continue;
        };
        if connected_once {
            Counters::bump(&task.counters.reconnects);
        }
        connected_once = true;
        let end = session(&mut task, &mut state, w, &mut start_at).await;
        // The mirror is of a daemon this informer no longer hears from.
        task.live.send_replace(false);
        match end {
            End::Reconnect => {}
            End::Stop => return,
        }
    }
}

/// Wait the current backoff (none once a watch started) and lengthen it for the next
/// failure: a daemon that refuses or drops every attempt is not hammered. `false` if
/// the handle went meanwhile.
async fn pause(task: &mut Task, state: &mut State) -> bool {
    if !state.backoff.is_zero() {
        tokio::select! {
            () = tokio::time::sleep(state.backoff) => {}
            () = drain_until_closed(&mut task.commands) => return false,
        }
    }
    state.backoff = (state.backoff * 2).clamp(BACKOFF_MIN, BACKOFF_MAX);
    true
}

/// List and watch on one connection until it is lost.
async fn session(
    task: &mut Task,
    state: &mut State,
    mut w: AsyncWatch,
    start_at: &mut Option<u64>,
) -> End {
    loop {
        let snap = match w.snapshot(start_at.take(), &task.filter).await {
            Ok(s) => s,
            // Too old or not reached: list at the current revision instead.
            Err(e) if refused(task, &e) => {
                if !pause(task, state).await {
                    return End::Stop;
                }
                continue;
            }
            Err(_) => return End::Reconnect,
        };
        relist(task, state, snap);
        let req = WatchReq {
            from: Some(state.working.revision),
            filter: task.filter.clone(),
            max_lag: task.options.max_lag,
            bookmark_ms: task.options.bookmark_ms,
            unknown: Vec::new(),
        };
        match w.watch(req).await {
            // Listed and watching: the next failure is retried at once.
            Ok(()) => state.backoff = Duration::ZERO,
            Err(e) if refused(task, &e) => {
                if !pause(task, state).await {
                    return End::Stop;
                }
                continue;
            }
            Err(_) => return End::Reconnect,
        }
        match follow(task, state, &mut w).await {
            Followed::Relist => {}
            Followed::End(end) => return end,
        }
    }
}

/// Whether the daemon refused a revision (too old, or not reached): list again.
fn refused(task: &Task, e: &ClientError) -> bool {
    match e {
        ClientError::Nl { errno: ESTALE, .. } => {
            Counters::bump(&task.counters.too_old);
            true
        }
        ClientError::Nl { errno: EINVAL, .. } => true,
        _ => false,
    }
}

/// How following a watch ended.
enum Followed {
    /// The daemon cancelled it.
    Relist,
    End(End),
}

/// Apply what the watch delivers until it ends.
async fn follow(task: &mut Task, state: &mut State, w: &mut AsyncWatch) -> Followed {
    loop {
        tokio::select! {
            item = w.next() => {
                let item = match item {
                    Some(Ok(item)) => item,
                    // An error in the stream, or the connection lost.
                    Some(Err(_)) | None => return Followed::End(End::Reconnect),
                };
                match item {
                    WatchItem::Event(e) => {
                        if apply(task, state, &e).is_err() {
                            // An object this client cannot key: start afresh on a new
                            // connection (this one's watch still runs).
                            return Followed::End(End::Reconnect);
                        }
                    }
                    WatchItem::Bookmark(b) => {
                        Counters::bump(&task.counters.bookmarks);
                        if !state.partial && b.revision > state.working.revision {
                            state.working.revision = b.revision;
                            complete(task, state);
                        }
                    }
                    WatchItem::Cancelled(_) => {
                        Counters::bump(&task.counters.cancelled);
                        return Followed::Relist;
                    }
                }
                // Only between revisions: the working copy may hold part of one.
                if state.unpublished > 0
                    && !state.partial
                    && (w.queued() == 0 || state.unpublished >= PUBLISH_EVERY)
                {
                    publish(task, state);
                }
            }
            command = task.commands.recv() => match command {
                Some(Command::Progress) => {
                    // One PROGRESS answers every request made so far.
                    while task.commands.try_recv().is_ok() {}
                    let conn = w.connection().clone();
                    let family = w.family();
                    // The ACK comes on the connection's route while this task goes on
                    // reading events; a refusal (no watch yet) is harmless.
                    tokio::spawn(async move {
                        let _ = conn
                            .request(|seq| {
                                msg::watch_request(family, NLM_F_ACK, seq, WatchBody::Progress)
                            })
                            .await;
                    });
                }
                None => return Followed::End(End::Stop),
            },
        }
    }
}

/// Apply one event to the working copy and tell the change stream.
fn apply(task: &Task, state: &mut State, e: &WatchEvent) -> Result<(), ()> {
    let key = object_key(e.kind, &e.object).map_err(drop)?;
    let before = state
        .working
        .apply(e.revision, e.op, e.kind, &e.object, e.last)
        .map_err(drop)?;
    Counters::bump(&task.counters.events);
    state.partial = !e.last;
    if task.changes.receiver_count() > 0 {
        let change = match (e.op, before) {
            (WatchOp::Put, before) => Change::Put {
                revision: e.revision,
                key,
                before,
                after: e.object.clone(),
            },
            (WatchOp::Del, before) => Change::Del {
                revision: e.revision,
                key,
                before: before.unwrap_or_else(|| e.object.clone()),
            },
        };
        let _ = task.changes.send(change);
    }
    if e.last {
        complete(task, state);
    }
    Ok(())
}

/// Replace the working copy by a snapshot, telling the change stream the difference,
/// and publish it.
fn relist(task: &Task, state: &mut State, snap: Snapshot) {
    let revision = snap.end.revision;
    // An object that does not key is left out, as the mirror cannot hold it.
    let objects = snap
        .objects
        .into_iter()
        .filter(|(kind, body)| object_key(*kind, body).is_ok());
    let new = Mirror::from_snapshot(revision, objects).unwrap_or_default();
    Counters::bump(&task.counters.lists);
    if state.listed {
        Counters::bump(&task.counters.relists);
    }
    if task.changes.receiver_count() > 0 {
        for (key, (_, before)) in &state.working.objects {
            if !new.objects.contains_key(key) {
                let _ = task.changes.send(Change::Del {
                    revision,
                    key: key.clone(),
                    before: before.clone(),
                });
            }
        }
        for (key, (_, after)) in &new.objects {
            let before = state.working.objects.get(key).map(|(_, b)| b);
            if before != Some(after) {
                let _ = task.changes.send(Change::Put {
                    revision,
                    key: key.clone(),
                    before: before.cloned(),
                    after: after.clone(),
                });
            }
        }
        if state.listed {
            let _ = task.changes.send(Change::Relisted { revision });
        }
    }
    state.working = new;
    state.partial = false;
    state.listed = true;
    complete(task, state);
    publish(task, state);
    task.live.send_replace(true);
}

/// The working copy completed a revision.
fn complete(task: &Task, state: &mut State) {
    state.unpublished += 1;
    let _ = task.changes.send(Change::Revision {
        revision: state.working.revision,
    });
}

/// Make the working copy what the handle answers.
fn publish(task: &Task, state: &mut State) {
    state.unpublished = 0;
    task.mirror.send_replace(Arc::new(state.working.clone()));
}

/// Wait until the handle is gone.
async fn drain_until_closed(commands: &mut mpsc::UnboundedReceiver<Command>) {
    while commands.recv().await.is_some() {}
}
