//! [`Devl`]: one instance as its driver sees it, the counterpart of the kernel's
//! `devl_*` API. Every change goes through here so that it is counted (revision) and
//! notified behind the registration gate.

use devlink_wire::devlink::Handle;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::instance::{Instance, Lifecycle};
use crate::nested::Relations;
use crate::notify::Notifier;
use crate::{InstanceId, Time};

/// One instance, borrowed for changes. Obtained from [`crate::Core::devl`], or passed to
/// [`crate::Driver`] callbacks.
#[derive(Debug)]
pub struct Devl<'a> {
    pub(crate) id: InstanceId,
    pub(crate) inst: &'a mut Instance,
    pub(crate) notifier: &'a mut Notifier,
    pub(crate) rels: &'a mut Relations,
    pub(crate) time: Time,
}

impl Devl<'_> {
    /// The instance id.
    #[must_use]
    pub const fn id(&self) -> InstanceId {
        self.id
    }

    /// The instance handle.
    #[must_use]
    pub fn handle(&self) -> &Handle {
        &self.inst.handle
    }

    /// The time the core works with ([`crate::Core::set_time`]).
    #[must_use]
    pub const fn time(&self) -> Time {
        self.time
    }

    /// Where the instance is in its life.
    #[must_use]
    pub fn lifecycle(&self) -> Lifecycle {
        self.inst.lifecycle
    }

    /// Count one state change (advances the global revision).
    pub(crate) fn changed(&mut self) {
        self.notifier.bump();
        if self.inst.is_registered() {
            self.notifier
                .dirty
                .kinds(self.id, crate::watch::dirty::OTHERS);
        }
    }

    /// Count one state change that touched only port `index` (and what hangs off it
    /// in the shared buffers): the watch state renders that port again, not every
    /// object of the instance.
    pub(crate) fn port_changed(&mut self, index: u32) {
        self.notifier.bump();
        self.port_touched(index);
        if self.inst.is_registered() && !self.inst.objects.sbs.is_empty() {
            self.notifier
                .dirty
                .kinds(self.id, crate::watch::dirty::PORT_KINDS);
        }
    }

    /// Count one state change that touches objects of `kind` only (not ports): the
    /// watch commit then compares that kind alone.
    pub(crate) fn changed_kind(&mut self, kind: devlink_wire::watch::WatchKind) {
        self.changed_kinds(kind.bit());
    }

    /// Count one state change that touches objects of these kinds only (bit N for
    /// kind N, not ports; 0 for state no watched object shows).
    pub(crate) fn changed_kinds(&mut self, kinds: u32) {
        self.notifier.bump();
        if self.inst.is_registered() && kinds != 0 {
            self.notifier.dirty.kinds(self.id, kinds);
        }
    }

    /// Port `index` changed, came or goes (for the watch state).
    pub(crate) fn port_touched(&mut self, index: u32) {
        if self.inst.is_registered() {
            self.notifier.dirty.port(self.id, index);
        }
    }

    /// The registration gate: queue `cmd` with the body `fill` builds, only while the
    /// instance is registered (the body is not even built otherwise). `fill` returns
    /// `None` when the object is gone, which callers avoid by notifying DELs before
    /// removing.
    pub(crate) fn notify(
        &mut self,
        port_index: Option<u32>,
        cmd: Cmd,
        fill: impl FnOnce(&Instance) -> Option<DevlinkBody>,
    ) {
        if self.inst.is_registered()
            && let Some(body) = fill(self.inst)
        {
            self.notifier
                .push(self.id, &self.inst.handle, port_index, cmd, body);
        }
    }
}
