//! What changed since the watch state was last brought up to date: marks left by every
//! change to a registered instance ([`crate::Devl`], the port table, driver calls),
//! turned into events by [`crate::Core::watch_commit`].

use std::collections::{BTreeMap, BTreeSet};

use devlink_wire::watch::WatchKind;

use crate::InstanceId;

/// Every kind but ports.
pub(crate) const OTHERS: u32 = !WatchKind::Port.bit();

/// What a driver's getters answer (a driver call may change it): the e-switch and the
/// shared buffers.
pub(crate) const DRIVER_KINDS: u32 = WatchKind::Eswitch.bit()
    | WatchKind::Sb.bit()
    | WatchKind::SbPool.bit()
    | WatchKind::SbPortPool.bit()
    | WatchKind::SbTcBind.bit();

/// What a port's coming, going or changing changes besides the port: its shared-buffer
/// bindings.
pub(crate) const PORT_KINDS: u32 = WatchKind::SbPortPool.bit() | WatchKind::SbTcBind.bit();

/// The marks of one instance.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Marks {
    /// The kinds (bit N for [`WatchKind`] N, ports excepted) whose objects may have
    /// changed: rendered again and compared.
    pub(crate) kinds: u32,
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

    /// Objects of these kinds (bits) may have changed.
    pub(crate) fn kinds(&mut self, id: InstanceId, kinds: u32) {
        self.of(id).kinds |= kinds & OTHERS;
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
        m.kinds = OTHERS;
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
