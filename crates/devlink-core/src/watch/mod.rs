//! The watch state (brief §3.2, `docs/watch.md`): every object of every registered
//! instance as last published, a global revision counted per commit, and a bounded
//! history of the changes with what each replaced, from which a subscription resumes
//! and a snapshot is taken at a past revision.
//!
//! Changes are not announced one by one: every change to a registered instance leaves a
//! mark ([`dirty`]); [`Core::watch_commit`] renders the marked objects again
//! ([`render`]), compares them with what was published and records the differences as
//! one revision. So the watch stream is complete by construction (the changes the
//! kernel makes silently are differences like any other), a no-op change is not an
//! event, and the published state always equals a fresh rendering of the core
//! ([`Core::watch_check`]).

pub(crate) mod dirty;
mod render;

use std::collections::{BTreeMap, VecDeque};

use devlink_wire::message::DevlinkBody;
use devlink_wire::watch::{Filter, SubKey, WatchKind, WatchOp, sub_key};

use crate::{Core, InstanceId};

/// How many changes the history keeps by default (a registration's changes are never
/// split: the newest revision is kept whole even beyond it).
pub const DEFAULT_HISTORY: usize = 262_144;

/// One change of one object, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchChange {
    /// The revision of the commit that made it.
    pub revision: u64,
    /// The instance (core id).
    pub instance: InstanceId,
    /// Created or changed, or deleted.
    pub op: WatchOp,
    /// The object's kind.
    pub kind: WatchKind,
    /// The object's name within its instance and kind.
    pub sub: SubKey,
    /// The object after a `PUT`; before a `DEL`.
    pub body: DevlinkBody,
    /// What a `PUT` replaced (`None`: it created the object).
    pub prev: Option<DevlinkBody>,
}

/// A consistent view of every object (or those a filter passes) at one revision.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WatchSnapshot {
    /// The revision it reflects.
    pub revision: u64,
    /// The oldest revision a watch can start from now.
    pub oldest: u64,
    /// The objects: by instance (creation order), kind, name.
    pub objects: Vec<(WatchKind, DevlinkBody)>,
}

/// A revision the history cannot serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    /// Older than the history: the client must re-list.
    #[error("revision {asked} is too old, the oldest available is {oldest}: re-list")]
    TooOld {
        /// What was asked.
        asked: u64,
        /// The oldest revision available.
        oldest: u64,
    },
    /// A watch's next change was dropped from the history before it was read.
    #[error(
        "the history moved past this watch, the oldest available revision is {oldest}: re-list"
    )]
    Compacted {
        /// The oldest revision available.
        oldest: u64,
    },
    /// Not reached yet.
    #[error("revision {asked} is in the future, the current revision is {current}")]
    Future {
        /// What was asked.
        asked: u64,
        /// The current revision.
        current: u64,
    },
}

type Published = BTreeMap<(InstanceId, WatchKind), BTreeMap<SubKey, DevlinkBody>>;

/// The published objects and the history.
#[derive(Debug)]
pub(crate) struct WatchState {
    published: Published,
    history: VecDeque<WatchChange>,
    /// The sequence number of `history[0]` (changes are numbered from 0, forever).
    first_seq: u64,
    revision: u64,
    /// Every change up to this revision may be gone from the history.
    oldest: u64,
    capacity: usize,
}

impl Default for WatchState {
    fn default() -> Self {
        Self {
            published: BTreeMap::new(),
            history: VecDeque::new(),
            first_seq: 0,
            revision: 0,
            oldest: 0,
            capacity: DEFAULT_HISTORY,
        }
    }
}

/// The differences of one commit, before they are ordered.
#[derive(Default)]
struct Diff {
    dels: Vec<WatchChange>,
    puts: Vec<WatchChange>,
}

impl WatchState {
    /// Compare the published objects of `(id, kind)` with `rendered` (all of them, in
    /// sub-key order) and publish the latter.
    fn diff_kind(
        &mut self,
        id: InstanceId,
        kind: WatchKind,
        rendered: Vec<(SubKey, DevlinkBody)>,
        out: &mut Diff,
    ) {
        let old = self.published.remove(&(id, kind)).unwrap_or_default();
        let mut new = BTreeMap::new();
        let mut old_iter = old.into_iter().peekable();
        for (sub, body) in rendered {
            while let Some((o, _)) = old_iter.peek() {
                if *o >= sub {
                    break;
                }
                if let Some((o, prev)) = old_iter.next() {
                    out.dels.push(change(id, WatchOp::Del, kind, o, prev, None));
                }
            }
            let prev = match old_iter.peek() {
                Some((o, _)) if *o == sub => old_iter.next().map(|(_, b)| b),
                _ => None,
            };
            if prev.as_ref() != Some(&body) {
                out.puts.push(change(
                    id,
                    WatchOp::Put,
                    kind,
                    sub.clone(),
                    body.clone(),
                    prev,
                ));
            }
            new.insert(sub, body);
        }
        for (o, prev) in old_iter {
            out.dels.push(change(id, WatchOp::Del, kind, o, prev, None));
        }
        if !new.is_empty() {
            self.published.insert((id, kind), new);
        }
    }

    /// [`WatchState::diff_kind`] for one object.
    fn diff_one(
        &mut self,
        id: InstanceId,
        kind: WatchKind,
        sub: SubKey,
        body: Option<DevlinkBody>,
        out: &mut Diff,
    ) {
        let map = self.published.entry((id, kind)).or_default();
        let prev = match &body {
            Some(b) => map.insert(sub.clone(), b.clone()),
            None => map.remove(&sub),
        };
        if map.is_empty() {
            self.published.remove(&(id, kind));
        }
        match (body, prev) {
            (Some(b), prev) if prev.as_ref() != Some(&b) => {
                out.puts.push(change(id, WatchOp::Put, kind, sub, b, prev));
            }
            (None, Some(prev)) => out
                .dels
                .push(change(id, WatchOp::Del, kind, sub, prev, None)),
            _ => {}
        }
    }

    /// Unpublish everything of `id`.
    fn drop_instance(&mut self, id: InstanceId, out: &mut Diff) {
        for kind in WatchKind::ALL {
            if self.published.contains_key(&(id, kind)) {
                self.diff_kind(id, kind, Vec::new(), out);
            }
        }
    }

    /// Record `diff` as the next revision: deletions first (children before parents),
    /// then creations and changes (parents first).
    fn record(&mut self, mut diff: Diff) {
        if diff.dels.is_empty() && diff.puts.is_empty() {
            return;
        }
        self.revision += 1;
        diff.dels
            .sort_by(|a, b| (a.instance, b.kind, &b.sub).cmp(&(b.instance, a.kind, &a.sub)));
        diff.puts
            .sort_by(|a, b| (a.instance, a.kind, &a.sub).cmp(&(b.instance, b.kind, &b.sub)));
        for mut c in diff.dels.into_iter().chain(diff.puts) {
            c.revision = self.revision;
            self.history.push_back(c);
        }
        self.compact();
    }

    /// Drop the oldest revisions while the history is over capacity (never the newest).
    fn compact(&mut self) {
        while self.history.len() > self.capacity {
            let Some(front) = self.history.front().map(|c| c.revision) else {
                break;
            };
            if front == self.revision {
                break;
            }
            while self.history.front().is_some_and(|c| c.revision == front) {
                self.history.pop_front();
                self.first_seq += 1;
            }
            self.oldest = front;
        }
    }

    fn check_revision(&self, asked: u64) -> Result<(), WatchError> {
        if asked < self.oldest {
            return Err(WatchError::TooOld {
                asked,
                oldest: self.oldest,
            });
        }
        if asked > self.revision {
            return Err(WatchError::Future {
                asked,
                current: self.revision,
            });
        }
        Ok(())
    }
}

fn change(
    instance: InstanceId,
    op: WatchOp,
    kind: WatchKind,
    sub: SubKey,
    body: DevlinkBody,
    prev: Option<DevlinkBody>,
) -> WatchChange {
    WatchChange {
        revision: 0,
        instance,
        op,
        kind,
        sub,
        body,
        prev,
    }
}

/// An object's instance handle, bus and device name.
fn handle_of(kind: WatchKind, body: &DevlinkBody) -> Option<(&str, &str)> {
    sub_key(kind, body).ok().map(|(h, _)| (&*h.bus, &*h.dev))
}

impl Core {
    /// Turn the marks left by changes since the last commit into the next revision (if
    /// anything visible changed); returns the current revision. Call it whenever the
    /// core is between changes (after a request, a driver event, a registration).
    pub fn watch_commit(&mut self) -> u64 {
        if self.notifier.dirty.is_empty() {
            return self.watch.revision;
        }
        let marks = self.notifier.dirty.take();
        let mut diff = Diff::default();
        for (id, m) in marks {
            let Some(inst) = self.instances.get(&id).filter(|i| i.is_registered()) else {
                self.watch.drop_instance(id, &mut diff);
                continue;
            };
            for kind in render::OTHER_KINDS {
                if (m.others || m.kinds.contains(&kind))
                    && let Some(r) = render::kind(inst, kind)
                {
                    self.watch.diff_kind(id, kind, r, &mut diff);
                }
            }
            if m.all_ports {
                if let Some(r) = render::kind(inst, WatchKind::Port) {
                    self.watch.diff_kind(id, WatchKind::Port, r, &mut diff);
                }
            } else {
                for idx in m.ports {
                    let body = render::port(inst, idx);
                    self.watch
                        .diff_one(id, WatchKind::Port, SubKey::Index(idx), body, &mut diff);
                }
            }
        }
        self.watch.record(diff);
        self.watch.revision
    }

    /// The watch revision (as of the last [`Core::watch_commit`]).
    #[must_use]
    pub const fn watch_revision(&self) -> u64 {
        self.watch.revision
    }

    /// The oldest revision a watch can start from.
    #[must_use]
    pub const fn watch_oldest(&self) -> u64 {
        self.watch.oldest
    }

    /// Keep at most `changes` changes in the history (at least the newest revision).
    pub fn watch_set_history(&mut self, changes: usize) {
        self.watch.capacity = changes;
        self.watch.compact();
    }

    /// The sequence number of the first change after revision `after`: where a watch
    /// from `after` starts reading with [`Core::watch_change`].
    pub fn watch_seq_after(&self, after: u64) -> Result<u64, WatchError> {
        self.watch.check_revision(after)?;
        let w = &self.watch;
        let idx = w.history.partition_point(|c| c.revision <= after);
        Ok(w.first_seq + idx as u64)
    }

    /// The change numbered `seq`; [`WatchError::Compacted`] if it is gone from the
    /// history, `Ok(None)` if it has not happened yet.
    pub fn watch_change(&self, seq: u64) -> Result<Option<&WatchChange>, WatchError> {
        let w = &self.watch;
        if seq < w.first_seq {
            return Err(WatchError::Compacted { oldest: w.oldest });
        }
        let idx = usize::try_from(seq - w.first_seq).unwrap_or(usize::MAX);
        Ok(w.history.get(idx))
    }

    /// The sequence number the next change will get.
    #[must_use]
    pub fn watch_next_seq(&self) -> u64 {
        self.watch.first_seq + self.watch.history.len() as u64
    }

    /// Every published object `filter` passes, at revision `at` (default: the current
    /// one), after a commit.
    pub fn watch_snapshot(
        &mut self,
        at: Option<u64>,
        filter: &Filter,
    ) -> Result<WatchSnapshot, WatchError> {
        self.watch_commit();
        let w = &self.watch;
        let revision = at.unwrap_or(w.revision);
        w.check_revision(revision)?;
        let passes = |kind: WatchKind, sub: &SubKey, body: &DevlinkBody| {
            handle_of(kind, body)
                .is_some_and(|(bus, dev)| filter.matches_parts(bus, dev, kind, sub))
        };
        let objects = if revision == w.revision {
            w.published
                .iter()
                .flat_map(|(&(_, kind), objs)| objs.iter().map(move |(s, b)| (kind, s, b)))
                .filter(|(k, s, b)| passes(*k, s, b))
                .map(|(k, _, b)| (k, b.clone()))
                .collect()
        } else {
            let mut view: BTreeMap<(InstanceId, WatchKind, SubKey), DevlinkBody> = w
                .published
                .iter()
                .flat_map(|(&(id, kind), objs)| {
                    objs.iter()
                        .map(move |(s, b)| ((id, kind, s.clone()), b.clone()))
                })
                .collect();
            for c in w.history.iter().rev().take_while(|c| c.revision > revision) {
                let key = (c.instance, c.kind, c.sub.clone());
                match (c.op, &c.prev) {
                    (WatchOp::Del, _) => {
                        view.insert(key, c.body.clone());
                    }
                    (WatchOp::Put, Some(prev)) => {
                        view.insert(key, prev.clone());
                    }
                    (WatchOp::Put, None) => {
                        view.remove(&key);
                    }
                }
            }
            view.into_iter()
                .filter(|((_, k, s), b)| passes(*k, s, b))
                .map(|((_, k, _), b)| (k, b))
                .collect()
        };
        Ok(WatchSnapshot {
            revision,
            oldest: w.oldest,
            objects,
        })
    }

    /// Commit, then compare every published object with a fresh rendering of the core:
    /// the first difference found, if any (a change that left no mark). For tests and
    /// the daemon's self-checks.
    pub fn watch_check(&mut self) -> Result<(), String> {
        self.watch_commit();
        let mut fresh: Published = BTreeMap::new();
        for (&id, inst) in self.instances.iter().filter(|(_, i)| i.is_registered()) {
            for kind in WatchKind::ALL {
                let Some(r) = render::kind(inst, kind) else {
                    continue;
                };
                if !r.is_empty() {
                    fresh.insert((id, kind), r.into_iter().collect());
                }
            }
        }
        if fresh == self.watch.published {
            return Ok(());
        }
        let empty = BTreeMap::new();
        for (key, objs) in &fresh {
            let published = self.watch.published.get(key).unwrap_or(&empty);
            let differs = objs
                .iter()
                .find(|(s, b)| published.get(s) != Some(b))
                .map(|(s, b)| (s, Some(b)))
                .or_else(|| {
                    published
                        .keys()
                        .find(|s| !objs.contains_key(s))
                        .map(|s| (s, None))
                });
            if let Some((sub, body)) = differs {
                return Err(format!(
                    "{key:?} {sub:?}: rendered {body:?}, published {:?} (a change left no mark)",
                    published.get(sub)
                ));
            }
        }
        let extra = self.watch.published.keys().find(|k| !fresh.contains_key(k));
        Err(format!("published but gone: {extra:?}"))
    }
}
