//! Resources: a tree of sized entities whose new size takes effect at the next reload
//! (kernel: `struct devlink_resource`, `net/devlink/resource.c`). No notifications.

use devlink_wire::devlink::Resource;
use devlink_wire::spec::ResourceUnit;

use crate::Devl;

use super::DevObjError;

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Resources.bit();

/// `DEVLINK_RESOURCE_ID_PARENT_TOP`: the parent id of a top-level resource.
pub const RESOURCE_ID_PARENT_TOP: u64 = 0;

/// A resource as a driver registers it (`devl_resource_register`, with
/// `struct devlink_resource_size_params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDef {
    /// `DEVLINK_ATTR_RESOURCE_NAME`.
    pub name: String,
    /// Current size (also the initial new size).
    pub size: u64,
    /// `DEVLINK_ATTR_RESOURCE_ID`, unique in the instance.
    pub id: u64,
    /// The parent's id, or [`RESOURCE_ID_PARENT_TOP`].
    pub parent: u64,
    /// Smallest size `RESOURCE_SET` accepts.
    pub size_min: u64,
    /// Largest size `RESOURCE_SET` accepts.
    pub size_max: u64,
    /// Sizes must be multiples of this.
    pub size_granularity: u64,
    /// Unit.
    pub unit: ResourceUnit,
}

/// A registered resource and its children, in registration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceNode {
    pub(crate) def: ResourceDef,
    pub(crate) size_new: u64,
    pub(crate) size_valid: bool,
    pub(crate) occ: bool,
    pub(crate) children: Vec<ResourceNode>,
}

/// `devlink_resource_find`: depth-first, in registration order.
pub(crate) fn find(list: &[ResourceNode], id: u64) -> Option<&ResourceNode> {
    list.iter().find_map(|r| {
        if r.def.id == id {
            Some(r)
        } else {
            find(&r.children, id)
        }
    })
}

fn find_mut(list: &mut [ResourceNode], id: u64) -> Option<&mut ResourceNode> {
    for r in list {
        if r.def.id == id {
            return Some(r);
        }
        if let Some(c) = find_mut(&mut r.children, id) {
            return Some(c);
        }
    }
    None
}

/// The parent of resource `id` (`None` for a top-level one or an unknown id).
fn parent_of(list: &[ResourceNode], id: u64) -> Option<u64> {
    list.iter().find_map(|r| {
        if r.children.iter().any(|c| c.def.id == id) {
            Some(r.def.id)
        } else {
            parent_of(&r.children, id)
        }
    })
}

impl ResourceNode {
    /// `devlink_resource_validate_children`: the children's new sizes fit in the new size.
    fn validate_children(&mut self) {
        let parts = self
            .children
            .iter()
            .fold(0u64, |acc, c| acc.saturating_add(c.size_new));
        self.size_valid = self.children.is_empty() || parts <= self.size_new;
    }

    /// `devlink_resource_put`, with the occupancy from `occ`.
    pub(crate) fn fill(&self, occ: &dyn Fn(u64) -> u64) -> Resource {
        let d = &self.def;
        Resource {
            name: d.name.clone(),
            size: d.size,
            id: d.id,
            size_new: (d.size != self.size_new).then_some(self.size_new),
            occ: self.occ.then(|| occ(d.id)),
            size_gran: d.size_granularity,
            size_max: d.size_max,
            size_min: d.size_min,
            unit: d.unit,
            size_valid: (!self.children.is_empty()).then_some(self.size_valid),
            children: self.children.iter().map(|c| c.fill(occ)).collect(),
            unknown: Vec::new(),
        }
    }

    /// The new size becomes the size, in the whole subtree; whether any size changed.
    fn commit(&mut self) -> bool {
        let mut changed = self.def.size != self.size_new;
        self.def.size = self.size_new;
        for c in &mut self.children {
            changed |= c.commit();
        }
        changed
    }
}

/// `devlink_resources_validate`: every resource's children fit.
pub(crate) fn all_valid(list: &[ResourceNode]) -> bool {
    list.iter().all(|r| r.size_valid && all_valid(&r.children))
}

/// `devlink_resource_validate_size`: every check runs and the last failing one's
/// message stands, as with the kernel's successive `NL_SET_ERR_MSG`.
pub(crate) fn validate_size(def: &ResourceDef, size: u64) -> Result<(), &'static str> {
    let mut err = None;
    if size > def.size_max {
        err = Some("Size larger than maximum");
    }
    if size < def.size_min {
        err = Some("Size smaller than minimum");
    }
    // The kernel divides by the granularity; 0 (a driver bug there) accepts any size.
    if size
        .checked_rem(def.size_granularity)
        .is_some_and(|r| r != 0)
    {
        err = Some("Wrong granularity");
    }
    err.map_or(Ok(()), Err)
}

impl Devl<'_> {
    /// `devl_resource_register`: `-EINVAL` (here [`DevObjError`]) for an id in use or an
    /// unknown parent.
    pub fn resource_register(&mut self, def: ResourceDef) -> Result<(), DevObjError> {
        let list = &mut self.inst.objects.resources;
        if find(list, def.id).is_some() {
            return Err(DevObjError::Exists(format!("resource {}", def.id)));
        }
        let node = ResourceNode {
            size_new: def.size,
            size_valid: true,
            occ: false,
            children: Vec::new(),
            def,
        };
        if node.def.parent == RESOURCE_ID_PARENT_TOP {
            list.push(node);
        } else {
            let parent = node.def.parent;
            let Some(p) = find_mut(list, parent) else {
                return Err(DevObjError::NotFound(format!("resource {parent}")));
            };
            p.children.push(node);
        }
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_resources_unregister`: every resource.
    pub fn resources_unregister(&mut self) {
        self.inst.objects.resources.clear();
        self.changed_kinds(WATCHED);
    }

    /// `devl_resource_size_get`: the new size, which becomes the size.
    pub fn resource_size_get(&mut self, id: u64) -> Result<u64, DevObjError> {
        let r = find_mut(&mut self.inst.objects.resources, id)
            .ok_or_else(|| DevObjError::NotFound(format!("resource {id}")))?;
        r.def.size = r.size_new;
        let size = r.size_new;
        self.changed_kinds(WATCHED);
        Ok(size)
    }

    /// `devl_resource_occ_get_register`: dumps show `RESOURCE_OCC` from
    /// [`crate::Driver::resource_occ_get`].
    pub fn resource_occ_get_register(&mut self, id: u64) -> Result<(), DevObjError> {
        self.set_occ(id, true)
    }

    /// `devl_resource_occ_get_unregister`.
    pub fn resource_occ_get_unregister(&mut self, id: u64) -> Result<(), DevObjError> {
        self.set_occ(id, false)
    }

    fn set_occ(&mut self, id: u64, on: bool) -> Result<(), DevObjError> {
        let r = find_mut(&mut self.inst.objects.resources, id)
            .ok_or_else(|| DevObjError::NotFound(format!("resource {id}")))?;
        r.occ = on;
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `RESOURCE_SET` after validation: the new size, then the size validity of the
    /// resource and of its parent.
    pub(crate) fn resource_size_new_set(&mut self, id: u64, size: u64) {
        let list = &mut self.inst.objects.resources;
        let parent = parent_of(list, id);
        if let Some(r) = find_mut(list, id) {
            r.size_new = size;
            r.validate_children();
        }
        if let Some(p) = parent.and_then(|p| find_mut(list, p)) {
            p.validate_children();
        }
        self.changed_kinds(WATCHED);
    }

    /// At a driver_reinit reload: every new size takes effect (what drivers do with
    /// `devl_resource_size_get` while re-initialising).
    pub(crate) fn resources_commit(&mut self) {
        let mut changed = false;
        for r in &mut self.inst.objects.resources {
            changed |= r.commit();
        }
        if changed {
            self.changed_kinds(WATCHED);
        }
    }
}
