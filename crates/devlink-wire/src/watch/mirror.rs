//! A mirror of the watched state: what a client folds from a snapshot and the events
//! after it. Equal, at every revision it reaches, to a snapshot taken at that revision.

use std::collections::BTreeMap;

use crate::message::DevlinkBody;

use super::consts::{WatchKind, WatchOp};
use super::key::{KeyError, ObjectKey, object_key};

/// Objects by identity, and the revision they reflect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mirror {
    /// The revision of the last complete change applied (or of the snapshot).
    pub revision: u64,
    /// The objects.
    pub objects: BTreeMap<ObjectKey, (WatchKind, DevlinkBody)>,
}

impl Mirror {
    /// A mirror of `objects` at `revision` (a snapshot).
    pub fn from_snapshot(
        revision: u64,
        objects: impl IntoIterator<Item = (WatchKind, DevlinkBody)>,
    ) -> Result<Self, KeyError> {
        let mut m = Self {
            revision,
            objects: BTreeMap::new(),
        };
        for (kind, body) in objects {
            m.objects.insert(object_key(kind, &body)?, (kind, body));
        }
        Ok(m)
    }

    /// Apply one event of `revision`; `last`: it completes the revision, which the
    /// mirror now reflects. Returns what the object was before.
    pub fn apply(
        &mut self,
        revision: u64,
        op: WatchOp,
        kind: WatchKind,
        body: &DevlinkBody,
        last: bool,
    ) -> Result<Option<DevlinkBody>, KeyError> {
        let key = object_key(kind, body)?;
        let before = match op {
            WatchOp::Put => self.objects.insert(key, (kind, body.clone())),
            WatchOp::Del => self.objects.remove(&key),
        };
        if last {
            self.revision = revision;
        }
        Ok(before.map(|(_, b)| b))
    }

    /// Number of objects.
    #[must_use]
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// True if it holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}
