//! The watch state under the model: after every step the published state equals a
//! fresh rendering of the core (no change left no mark); a client mirror fed with every
//! change equals the snapshot at each revision, revisions follow each other without
//! gaps, a step refused changed no revision, and at the end every revision still in the
//! history gives back, as a snapshot at it, the mirror seen then.

use std::collections::BTreeMap;

use devlink_core::Core;
use devlink_wire::watch::{Filter, Mirror};

/// A client reading every change.
pub(crate) struct Watcher {
    next_seq: u64,
    mirror: Mirror,
    /// The mirror at each revision reached.
    seen: BTreeMap<u64, Mirror>,
}

impl Watcher {
    pub(crate) fn new() -> Self {
        Self {
            next_seq: 0,
            mirror: Mirror::default(),
            seen: BTreeMap::from([(0, Mirror::default())]),
        }
    }

    /// Commit and read the new changes (the mirrors are compared with snapshots at the
    /// end, [`Watcher::finish`]).
    pub(crate) fn step(&mut self, core: &mut Core) -> Result<(), String> {
        core.watch_check()?;
        while let Some(c) = core
            .watch_change(self.next_seq)
            .map_err(|e| e.to_string())?
        {
            if c.revision != self.mirror.revision && c.revision != self.mirror.revision + 1 {
                return Err(format!(
                    "revision {} follows {}",
                    c.revision, self.mirror.revision
                ));
            }
            let next_is_same = core
                .watch_change(self.next_seq + 1)
                .ok()
                .flatten()
                .is_some_and(|n| n.revision == c.revision);
            let (rev, op, kind, body) = (c.revision, c.op, c.kind, c.body.clone());
            let prev = c.prev.clone();
            let before = self
                .mirror
                .apply(rev, op, kind, &body, !next_is_same)
                .map_err(|e| e.to_string())?;
            if op == devlink_wire::watch::WatchOp::Put && before != prev {
                return Err(format!(
                    "change {rev} says it replaced {prev:?}, the mirror had {before:?}"
                ));
            }
            self.next_seq += 1;
            if !next_is_same {
                self.seen.insert(rev, self.mirror.clone());
            }
        }
        Ok(())
    }

    /// Every revision still in the history, as a snapshot, equals the mirror then.
    pub(crate) fn finish(&self, core: &mut Core) -> Result<(), String> {
        for (&rev, seen) in self.seen.range(core.watch_oldest()..) {
            let snap = core
                .watch_snapshot(Some(rev), &Filter::default())
                .map_err(|e| e.to_string())?;
            let at = Mirror::from_snapshot(rev, snap.objects).map_err(|e| e.to_string())?;
            if &at != seen {
                return Err(format!("snapshot at {rev} != the mirror seen then"));
            }
        }
        Ok(())
    }
}
