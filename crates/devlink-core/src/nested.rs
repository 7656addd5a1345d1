//! Nested-instance relations (kernel: `devlink_rel_*` in `net/devlink/core.c`,
//! `devl_nested_devlink_set` in `dev.c`, `devl_port_fn_devlink_set` in `port.c`,
//! `devl_linecard_nested_dl_set` in `linecard.c`).
//!
//! An instance may be nested in one object of another instance: the instance itself
//! (`NESTED_DEVLINK` in the parent's `NEW`), a port function (`PORT_FN_ATTR_DEVLINK` in
//! `PORT_NEW`) or a line card (`NESTED_DEVLINK` in `LINECARD_NEW`). The relation is set
//! while the nested instance is not registered and is *shown* only while it is registered
//! (`devlink_rel_devlink_handle_put` skips an unregistered one). The parent's stored
//! body carries the handle exactly while it is shown, so dumps stay copies of stored
//! bodies.
//!
//! When the nested instance registers, the parent object's `NEW` is re-sent right after
//! the nested instance's `NEW` and replay; when it unregisters, the relation is dropped
//! and the parent object's `NEW` is re-sent right after the nested instance's `DEL`
//! (both through the parent's registration gate). The kernel does this from delayed
//! work, so its order is not guaranteed (kernel-semantics.md §7.2 N9); doing it
//! synchronously gives one deterministic order that is one of the kernel's.

use std::collections::BTreeMap;

use devlink_wire::devlink::{Handle, NestedHandle};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour};

use crate::error::{CoreError, LinecardError, NestedError, PortError};
use crate::instance::Lifecycle;
use crate::{Core, Devl, InstanceId};

/// The parent object an instance is nested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelObj {
    /// The parent instance itself (`devl_nested_devlink_set`).
    Dev,
    /// A port's function, by port index (`devl_port_fn_devlink_set`).
    Port(u32),
    /// A line card, by index (`devl_linecard_nested_dl_set`).
    Linecard(u32),
}

/// One relation, kept by the nested instance's id (kernel: `devlink->rel`).
#[derive(Debug, Clone, Copy)]
struct Rel {
    parent: InstanceId,
    obj: RelObj,
    /// Creation order: the parent's `NESTED_DEVLINK` list follows it (the kernel's
    /// `nested_rels` xarray is indexed by the relation's allocated index).
    seq: u64,
}

/// Every relation, and what a [`Devl`] of one instance needs to know about the others
/// (their handle and place in life) to check and show a relation.
#[derive(Debug, Default)]
pub(crate) struct Relations {
    peers: BTreeMap<InstanceId, (Handle, Lifecycle)>,
    rels: BTreeMap<InstanceId, Rel>,
    next_seq: u64,
}

impl Relations {
    /// Record an instance's handle and place in life (kept current by [`Core`]).
    pub(crate) fn set_peer(&mut self, id: InstanceId, handle: &Handle, lifecycle: Lifecycle) {
        self.peers.insert(id, (handle.clone(), lifecycle));
    }

    /// An instance is freed: forget it, the relation it is nested in and every relation
    /// nested in it. Nothing visible changes: it is not registered.
    pub(crate) fn forget(&mut self, id: InstanceId) {
        self.peers.remove(&id);
        self.rels.remove(&id);
        self.rels.retain(|_, r| r.parent != id);
    }

    /// A parent object is gone: the relations nested in it end.
    pub(crate) fn drop_object(&mut self, parent: InstanceId, obj: RelObj) {
        self.rels
            .retain(|_, r| !(r.parent == parent && r.obj == obj));
    }

    /// The nested handle of `nested` as a parent shows it: only while it is registered.
    fn shown(&self, nested: InstanceId) -> Option<NestedHandle> {
        match self.peers.get(&nested) {
            Some((handle, Lifecycle::Registered)) => Some(NestedHandle {
                handle: handle.clone(),
                netns_id: None,
            }),
            _ => None,
        }
    }

    /// The `NESTED_DEVLINK` list of `parent`: its instance-level relations whose nested
    /// instance is registered, in relation creation order.
    fn dev_list(&self, parent: InstanceId) -> Vec<NestedHandle> {
        let mut rels: Vec<(u64, InstanceId)> = self
            .rels
            .iter()
            .filter(|(_, r)| r.parent == parent && r.obj == RelObj::Dev)
            .map(|(&id, r)| (r.seq, id))
            .collect();
        rels.sort_unstable();
        rels.into_iter()
            .filter_map(|(_, id)| self.shown(id))
            .collect()
    }

    /// Whether some instance is nested in this object.
    fn object_taken(&self, parent: InstanceId, obj: RelObj) -> bool {
        self.rels
            .values()
            .any(|r| r.parent == parent && r.obj == obj)
    }
}

impl Devl<'_> {
    /// `devl_nested_devlink_set`: `nested` is nested in this instance. Shown in this
    /// instance's `NESTED_DEVLINK` list while `nested` is registered.
    pub fn nested_devlink_set(&mut self, nested: InstanceId) -> Result<(), CoreError> {
        self.rel_add(nested, RelObj::Dev)
    }

    /// `devl_port_fn_devlink_set`: `nested` is the instance of port `index`'s function
    /// (a local PCI SF port). Shown as the function's `DEVLINK` while `nested` is
    /// registered.
    pub fn port_fn_devlink_set(&mut self, index: u32, nested: InstanceId) -> Result<(), CoreError> {
        let port = self
            .inst
            .objects
            .ports
            .get(&index)
            .ok_or(PortError::NotFound(index))?;
        if port.flavour != Some(PortFlavour::PciSf) || port.external == Some(true) {
            return Err(NestedError::NotLocalSf(index).into());
        }
        self.rel_add(nested, RelObj::Port(index))
    }

    /// `devl_linecard_nested_dl_set`: `nested` is the device of line card `index`.
    /// Shown as the line card's `NESTED_DEVLINK` while `nested` is registered.
    pub fn linecard_nested_devlink_set(
        &mut self,
        index: u32,
        nested: InstanceId,
    ) -> Result<(), CoreError> {
        if !self.inst.objects.linecards.iter().any(|l| l.index == index) {
            return Err(LinecardError::NotFound(index).into());
        }
        self.rel_add(nested, RelObj::Linecard(index))
    }

    /// The checks shared by the three setters, then the relation. Nothing is notified:
    /// the nested instance is not registered, so nothing visible changes.
    fn rel_add(&mut self, nested: InstanceId, obj: RelObj) -> Result<(), CoreError> {
        let rels = &mut *self.rels;
        if nested == self.id {
            return Err(NestedError::Itself(nested).into());
        }
        match rels.peers.get(&nested) {
            None => return Err(CoreError::NoInstance(nested)),
            Some((_, Lifecycle::Allocated)) => {}
            Some(_) => return Err(NestedError::NotAllocated(nested).into()),
        }
        if rels.rels.contains_key(&nested) {
            return Err(NestedError::AlreadyNested(nested).into());
        }
        if obj != RelObj::Dev && rels.object_taken(self.id, obj) {
            return Err(NestedError::ObjectTaken.into());
        }
        let seq = rels.next_seq;
        rels.next_seq += 1;
        rels.rels.insert(
            nested,
            Rel {
                parent: self.id,
                obj,
                seq,
            },
        );
        self.changed();
        Ok(())
    }
}

impl Core {
    /// `nested` registered or unregistered (its `lifecycle` already recorded): update what
    /// its parent object shows and re-send the parent object's `NEW` (through the
    /// parent's registration gate). At unregistration the relation ends (kernel:
    /// `devlink_rel_put` and the cleanup callback).
    pub(crate) fn nested_lifecycle_changed(&mut self, nested: InstanceId, lifecycle: Lifecycle) {
        let Some(handle) = self.instances.get(&nested).map(|i| i.handle.clone()) else {
            return;
        };
        self.relations.set_peer(nested, &handle, lifecycle);
        let Some(rel) = self.relations.rels.get(&nested).copied() else {
            return;
        };
        if lifecycle != Lifecycle::Registered {
            self.relations.rels.remove(&nested);
        }
        let shown = self.relations.shown(nested);
        let dev_list = self.relations.dev_list(rel.parent);
        let Ok(mut devl) = self.devl(rel.parent) else {
            return;
        };
        match rel.obj {
            RelObj::Dev => {
                devl.inst.nested = dev_list;
                devl.changed();
                devl.notify(None, Cmd::New, |inst| Some(DevlinkBody::from(inst.fill())));
            }
            RelObj::Port(index) => devl.port_fn_devlink_show(index, shown),
            RelObj::Linecard(index) => devl.linecard_nested_show(index, shown),
        }
    }
}
