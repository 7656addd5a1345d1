//! dpipe: the driver's description of its pipeline (kernel: `struct devlink_dpipe_table`,
//! `devlink->dpipe_headers`, `net/devlink/dpipe.c`). Tables and headers are registered by
//! the driver; table sizes and entries come from its ops. No notifications.

use devlink_wire::devlink::{DpipeAction, DpipeHeader, DpipeMatch, DpipeTable, DpipeTableResource};

use crate::Devl;

use super::DevObjError;

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = 0;

/// A table as a driver registers it (`devl_dpipe_table_register`; the matches and
/// actions are what its `matches_dump` / `actions_dump` put).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeTableDef {
    /// `DEVLINK_ATTR_DPIPE_TABLE_NAME`.
    pub name: String,
    /// Counters are controlled by the driver: `DPIPE_TABLE_COUNTERS_SET` is refused.
    pub counter_control_extern: bool,
    /// `DEVLINK_ATTR_DPIPE_TABLE_MATCHES`.
    pub matches: Vec<DpipeMatch>,
    /// `DEVLINK_ATTR_DPIPE_TABLE_ACTIONS`.
    pub actions: Vec<DpipeAction>,
}

/// A registered table with its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DpipeTableItem {
    pub(crate) def: DpipeTableDef,
    pub(crate) counters_enabled: bool,
    pub(crate) resource: Option<DpipeTableResource>,
}

impl DpipeTableItem {
    /// `devlink_dpipe_table_put`, with the size from the driver.
    pub(crate) fn fill(&self, size: u64) -> DpipeTable {
        DpipeTable {
            name: self.def.name.clone(),
            size,
            counters_enabled: self.counters_enabled,
            resource: self.resource,
            matches: self.def.matches.clone(),
            actions: self.def.actions.clone(),
            unknown: Vec::new(),
        }
    }
}

/// An instance's dpipe state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dpipe {
    /// Registration order.
    pub(crate) tables: Vec<DpipeTableItem>,
    /// `devlink->dpipe_headers`: `None` until registered.
    pub(crate) headers: Option<Vec<DpipeHeader>>,
}

impl Dpipe {
    pub(crate) fn table(&self, name: &str) -> Option<&DpipeTableItem> {
        self.tables.iter().find(|t| t.def.name == name)
    }
}

impl Devl<'_> {
    /// `devl_dpipe_table_register`: `EEXIST` for a name in use.
    pub fn dpipe_table_register(&mut self, def: DpipeTableDef) -> Result<(), DevObjError> {
        if self.inst.objects.dpipe.table(&def.name).is_some() {
            return Err(DevObjError::Exists(def.name));
        }
        self.inst.objects.dpipe.tables.push(DpipeTableItem {
            def,
            counters_enabled: false,
            resource: None,
        });
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_dpipe_table_unregister` (an unknown name is ignored, as in the kernel).
    pub fn dpipe_table_unregister(&mut self, name: &str) {
        self.inst
            .objects
            .dpipe
            .tables
            .retain(|t| t.def.name != name);
        self.changed_kinds(WATCHED);
    }

    /// `devl_dpipe_table_resource_set`: the table uses `units` of resource `id` per entry.
    pub fn dpipe_table_resource_set(
        &mut self,
        name: &str,
        id: u64,
        units: u64,
    ) -> Result<(), DevObjError> {
        let t = self
            .inst
            .objects
            .dpipe
            .tables
            .iter_mut()
            .find(|t| t.def.name == name)
            .ok_or_else(|| DevObjError::NotFound(name.to_owned()))?;
        t.resource = Some(DpipeTableResource { id, units });
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devlink_dpipe_table_counter_enabled`.
    #[must_use]
    pub fn dpipe_table_counter_enabled(&self, name: &str) -> bool {
        self.inst
            .objects
            .dpipe
            .table(name)
            .is_some_and(|t| t.counters_enabled)
    }

    /// `devl_dpipe_headers_register`.
    pub fn dpipe_headers_register(&mut self, headers: Vec<DpipeHeader>) {
        self.inst.objects.dpipe.headers = Some(headers);
        self.changed_kinds(WATCHED);
    }

    /// `devl_dpipe_headers_unregister`.
    pub fn dpipe_headers_unregister(&mut self) {
        self.inst.objects.dpipe.headers = None;
        self.changed_kinds(WATCHED);
    }

    /// `DPIPE_TABLE_COUNTERS_SET` after the checks: whether the flag changed.
    pub(crate) fn dpipe_counters_set(&mut self, name: &str, enable: bool) -> bool {
        let Some(t) = self
            .inst
            .objects
            .dpipe
            .tables
            .iter_mut()
            .find(|t| t.def.name == name)
        else {
            return false;
        };
        if t.counters_enabled == enable {
            return false;
        }
        t.counters_enabled = enable;
        self.changed_kinds(WATCHED);
        true
    }
}
