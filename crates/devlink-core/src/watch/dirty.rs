//! What changed since the watch state was last brought up to date: marks left by every
//! change to a registered instance ([`crate::Devl`], the port table, driver calls),
//! turned into events by [`crate::Core::watch_commit`].

use std::collections::{BTreeMap, BTreeSet};

use devlink_wire::watch::WatchKind;

use crate::InstanceId;

/// The marks of one instance.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Marks {
    /// Every object but the ports may have changed (they are few: rendered again and
    /// compared).
    pub(crate) others: bool,
    /// These kinds (not ports) may have changed; only read when `others` is not set.
    /// A change that knows its kind marks just that kind, so that the commit renders
    /// and compares one kind rather than sixteen (a param set: ~30 µs less).
    pub(crate) kinds: BTreeSet<WatchKind>,
    /// Every port may have changed (registration, unregistration).
    pub(crate) all_ports: bool,
    /// These ports may have changed.
    pub(crate) ports: BTreeSet<u32>,
}

/// Marks by instance.
#[derive(Debug, Default)]
pub(crate) struct Dirty {
    marks: BTreeMap<InstanceId, Marks>,
}

impl Dirty {
    fn of(&mut self, id: InstanceId) -> &mut Marks {
        self.marks.entry(id).or_default()
    }

    /// Something other than a port changed.
    pub(crate) fn others(&mut self, id: InstanceId) {
        self.of(id).others = true;
    }

    /// Something of `kind` (not a port) changed, nothing else.
    pub(crate) fn kind(&mut self, id: InstanceId, kind: WatchKind) {
        let m = self.of(id);
        if !m.others {
            m.kinds.insert(kind);
        }
    }

    /// Port `index` changed (or came or went).
    pub(crate) fn port(&mut self, id: InstanceId, index: u32) {
        let m = self.of(id);
        if !m.all_ports {
            m.ports.insert(index);
        }
    }

    /// Anything about the instance changed (it came or went).
    pub(crate) fn all(&mut self, id: InstanceId) {
        let m = self.of(id);
        m.others = true;
        m.all_ports = true;
        m.ports.clear();
    }

    /// Take every mark.
    pub(crate) fn take(&mut self) -> BTreeMap<InstanceId, Marks> {
        std::mem::take(&mut self.marks)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}
