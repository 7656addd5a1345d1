//! Params (kernel: `nsim_devlink_params` in `drivers/net/netdevsim/dev.c`): the generic
//! `max_macs` and the driver-specific `test1`, both driverinit only. They live for the
//! whole device (not torn down by reload); reload applies the staged values.

use devlink_core::{CoreError, Devl, ParamDef};
use devlink_wire::devlink::ParamValue;
use devlink_wire::spec::{ParamCmode, VarAttrType};

/// `DEVLINK_PARAM_GENERIC_ID_MAX_MACS`.
const PARAM_ID_MAX_MACS: u32 = 1;
/// `NSIM_DEVLINK_PARAM_ID_TEST1`: the first driver id, `DEVLINK_PARAM_GENERIC_ID_MAX + 1`
/// (17 in 6.1); only its place after every generic id matters.
const PARAM_ID_TEST1: u32 = 17;
/// `NSIM_DEV_MAX_MACS_DEFAULT`.
pub(super) const MAX_MACS_DEFAULT: u32 = 32;
/// `NSIM_DEV_TEST1_DEFAULT`.
pub(super) const TEST1_DEFAULT: bool = true;

/// The applied driverinit values (debugfs `max_macs`, `test1`; `nsim_dev->max_macs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Applied {
    pub(super) max_macs: u32,
    pub(super) test1: bool,
}

impl Default for Applied {
    fn default() -> Self {
        Self {
            max_macs: MAX_MACS_DEFAULT,
            test1: TEST1_DEFAULT,
        }
    }
}

impl Applied {
    /// `devlink_params_register`, then `nsim_devlink_set_params_init_values`:
    /// `devl_param_driverinit_value_set`, which notifies (visible only when the
    /// instance is already registered).
    pub(super) fn register(self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.param_register(ParamDef {
            id: PARAM_ID_MAX_MACS,
            name: "max_macs".into(),
            generic: true,
            ty: VarAttrType::U32,
            values: vec![(ParamCmode::Driverinit, ParamValue::U32(self.max_macs))],
        })?;
        devl.param_register(ParamDef {
            id: PARAM_ID_TEST1,
            name: "test1".into(),
            generic: false,
            ty: VarAttrType::Flag,
            values: vec![(ParamCmode::Driverinit, ParamValue::Bool(self.test1))],
        })?;
        devl.param_value_changed(
            "max_macs",
            ParamCmode::Driverinit,
            ParamValue::U32(self.max_macs),
        )?;
        devl.param_value_changed(
            "test1",
            ParamCmode::Driverinit,
            ParamValue::Bool(self.test1),
        )
    }

    /// `devlink_params_unregister` (array order).
    pub(super) fn unregister(devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.param_unregister("max_macs")?;
        devl.param_unregister("test1")
    }

    /// `nsim_devlink_param_load_driverinit_values`.
    pub(super) fn load(&mut self, devl: &Devl<'_>) {
        if let Some(ParamValue::U32(v)) = devl.param_driverinit_value("max_macs") {
            self.max_macs = v;
        }
        if let Some(ParamValue::Bool(v)) = devl.param_driverinit_value("test1") {
            self.test1 = v;
        }
    }
}
