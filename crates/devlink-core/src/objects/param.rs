//! Params (kernel: `net/devlink/param.c`). The core keeps every cmode's value; a
//! driverinit value set by the user is staged and becomes effective at reload.

use devlink_wire::devlink::{Param, ParamValue, ParamValueEntry};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode, VarAttrType};
use devlink_wire::watch::WatchKind;

use crate::Devl;
use crate::error::{CoreError, ParamError};

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = WatchKind::Param.bit();

/// A param as a driver registers it (`struct devlink_param` plus initial values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamDef {
    /// The param id: a generic id (`enum devlink_param_generic_id`) or a driver id above
    /// `DEVLINK_PARAM_GENERIC_ID_MAX`. Params are listed by ascending id.
    pub id: u32,
    /// `DEVLINK_ATTR_PARAM_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_PARAM_GENERIC`.
    pub generic: bool,
    /// `DEVLINK_ATTR_PARAM_TYPE`.
    pub ty: VarAttrType,
    /// The supported cmodes with their initial values.
    pub values: Vec<(ParamCmode, ParamValue)>,
}

/// A registered param: its reply body plus the staged driverinit value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamItem {
    /// The values list shows the staged driverinit value when there is one.
    pub(crate) param: Param,
    /// The effective driverinit value (`driverinit_value`).
    pub(crate) driverinit: Option<ParamValue>,
    /// What `PARAM_SET` with `PARAM_RESET_DEFAULT` restores in driverinit mode: the
    /// value the driver last set (`driverinit_default`).
    pub(crate) driverinit_default: Option<ParamValue>,
}

impl Devl<'_> {
    /// `devl_params_register` for one param; `PARAM_NEW`.
    pub fn param_register(&mut self, def: ParamDef) -> Result<(), CoreError> {
        let params = &self.inst.objects.params;
        if params.contains_key(&def.id) || params.values().any(|p| p.param.name == def.name) {
            return Err(ParamError::Exists(def.name).into());
        }
        let invalid = |what| ParamError::Invalid {
            name: def.name.clone(),
            what,
        };
        if def.values.is_empty() {
            return Err(invalid("no supported cmode").into());
        }
        if def.values.iter().any(|(_, v)| v.ty() != def.ty) {
            return Err(invalid("a value does not match the param type").into());
        }
        let mut values: Vec<ParamValueEntry> = def
            .values
            .iter()
            .map(|(cmode, data)| ParamValueEntry {
                cmode: *cmode,
                data: data.clone(),
                default: None,
                unknown: Vec::new(),
            })
            .collect();
        values.sort_by_key(|e| e.cmode as u8);
        values.dedup_by_key(|e| e.cmode as u8);
        if values.len() != def.values.len() {
            return Err(invalid("a cmode is listed twice").into());
        }
        let driverinit = def
            .values
            .iter()
            .find(|(c, _)| *c == ParamCmode::Driverinit)
            .map(|(_, v)| v.clone());
        let item = ParamItem {
            param: Param {
                handle: self.inst.handle.clone(),
                port_index: None,
                name: def.name,
                generic: def.generic,
                ty: def.ty,
                values,
                param_unknown: Vec::new(),
                unknown: Vec::new(),
            },
            driverinit_default: driverinit.clone(),
            driverinit,
        };
        self.inst.objects.params.insert(def.id, item);
        self.changed_kinds(WATCHED);
        self.param_notify(def.id, Cmd::ParamNew);
        Ok(())
    }

    /// `devl_params_unregister` for one param; `PARAM_DEL`.
    pub fn param_unregister(&mut self, name: &str) -> Result<(), CoreError> {
        let id = self.param_id(name)?;
        self.param_notify(id, Cmd::ParamDel);
        self.inst.objects.params.remove(&id);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// The driver changed a value itself (`devl_param_value_changed` for runtime values,
    /// `devl_param_driverinit_value_set` for the effective driverinit value); `PARAM_NEW`.
    pub fn param_value_changed(
        &mut self,
        name: &str,
        cmode: ParamCmode,
        value: ParamValue,
    ) -> Result<(), CoreError> {
        self.param_update(name, cmode, value, true)
    }

    /// A user `PARAM_SET`: runtime and permanent values take effect, a driverinit value
    /// is staged until the next driver_reinit reload; `PARAM_NEW` either way.
    pub fn param_set(
        &mut self,
        name: &str,
        cmode: ParamCmode,
        value: ParamValue,
    ) -> Result<(), CoreError> {
        self.param_update(name, cmode, value, false)
    }

    /// Store a value; `effective`: a driverinit value takes effect now (not staged).
    fn param_update(
        &mut self,
        name: &str,
        cmode: ParamCmode,
        value: ParamValue,
        effective: bool,
    ) -> Result<(), CoreError> {
        let id = self.param_id(name)?;
        self.param_store(id, cmode, value.clone())?;
        if effective
            && cmode == ParamCmode::Driverinit
            && let Some(item) = self.inst.objects.params.get_mut(&id)
        {
            item.driverinit_default = Some(value.clone());
            item.driverinit = Some(value);
        }
        self.changed_kind(WatchKind::Param);
        self.param_notify(id, Cmd::ParamNew);
        Ok(())
    }

    /// `devlink_params_driverinit_load_new`: staged driverinit values become effective.
    /// Silent, as in the kernel: the staged value was already notified.
    pub(crate) fn params_driverinit_load_new(&mut self) {
        let mut changed = false;
        for item in self.inst.objects.params.values_mut() {
            let staged = item
                .param
                .values
                .iter()
                .find(|e| e.cmode == ParamCmode::Driverinit)
                .map(|e| e.data.clone());
            if staged.is_some() && staged != item.driverinit {
                item.driverinit = staged;
                changed = true;
            }
        }
        if changed {
            self.changed_kinds(WATCHED);
        }
    }

    /// The effective driverinit value (`devl_param_driverinit_value_get`): what a driver
    /// uses when it (re)initialises.
    #[must_use]
    pub fn param_driverinit_value(&self, name: &str) -> Option<ParamValue> {
        self.inst
            .objects
            .params
            .values()
            .find(|p| p.param.name == name)
            .and_then(|p| p.driverinit.clone())
    }

    fn param_id(&self, name: &str) -> Result<u32, CoreError> {
        self.inst
            .objects
            .params
            .iter()
            .find(|(_, p)| p.param.name == name)
            .map(|(id, _)| *id)
            .ok_or_else(|| ParamError::NotFound(name.to_owned()).into())
    }

    fn param_store(
        &mut self,
        id: u32,
        cmode: ParamCmode,
        value: ParamValue,
    ) -> Result<(), CoreError> {
        let Some(item) = self.inst.objects.params.get_mut(&id) else {
            return Err(ParamError::NotFound(id.to_string()).into());
        };
        let name = item.param.name.clone();
        if value.ty() != item.param.ty {
            return Err(ParamError::Invalid {
                name,
                what: "value type differs from the param type",
            }
            .into());
        }
        let Some(entry) = item.param.values.iter_mut().find(|e| e.cmode == cmode) else {
            return Err(ParamError::Invalid {
                name,
                what: "cmode not supported",
            }
            .into());
        };
        entry.data = value;
        Ok(())
    }

    fn param_notify(&mut self, id: u32, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            inst.objects
                .params
                .get(&id)
                .map(|p| DevlinkBody::from(p.param.clone()))
        });
    }
}
