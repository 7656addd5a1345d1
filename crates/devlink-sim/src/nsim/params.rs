//! Params (kernel: `nsim_devlink_params` in `drivers/net/netdevsim/dev.c`): the generic
//! `max_macs` and the driver-specific `test1`, both driverinit only. They live for the
//! whole device (not torn down by reload); reload applies the staged values. Beyond
//! netdevsim, with [`DeviceOptions::permanent_params`], params of cmode `permanent`,
//! one of each type drivers store in NVM: bnxt_en's generic `enable_sriov` (bool) and
//! `msix_vec_per_pf_max` (u32), nfp's generic `fw_load_policy` (u8) and mlx5's
//! driver-specific `cqe_compress_type` (string); their values come from
//! [`DeviceOptions::nvm`].

use devlink_core::{CoreError, Devl, ParamDef};
use devlink_wire::devlink::ParamValue;
use devlink_wire::spec::{ParamCmode, VarAttrType};

use crate::DeviceOptions;

/// `DEVLINK_PARAM_GENERIC_ID_MAX_MACS`.
const PARAM_ID_MAX_MACS: u32 = 1;
/// `DEVLINK_PARAM_GENERIC_ID_ENABLE_SRIOV`.
const PARAM_ID_ENABLE_SRIOV: u32 = 2;
/// `DEVLINK_PARAM_GENERIC_ID_MSIX_VEC_PER_PF_MAX`.
const PARAM_ID_MSIX_VEC_PER_PF_MAX: u32 = 5;
/// `DEVLINK_PARAM_GENERIC_ID_FW_LOAD_POLICY`.
const PARAM_ID_FW_LOAD_POLICY: u32 = 7;
/// mlx5's `MLX5_DEVLINK_PARAM_ID_CQE_COMPRESSION_TYPE`: a driver id, after
/// [`PARAM_ID_TEST1`] here.
const PARAM_ID_CQE_COMPRESS_TYPE: u32 = PARAM_ID_TEST1 + 1;
/// The permanent params: id, name, generic, type and default value.
fn permanent() -> [(u32, &'static str, bool, VarAttrType, ParamValue); 4] {
    [
        (
            PARAM_ID_ENABLE_SRIOV,
            "enable_sriov",
            true,
            VarAttrType::Flag,
            ParamValue::Bool(false),
        ),
        (
            PARAM_ID_MSIX_VEC_PER_PF_MAX,
            "msix_vec_per_pf_max",
            true,
            VarAttrType::U32,
            ParamValue::U32(8),
        ),
        (
            PARAM_ID_FW_LOAD_POLICY,
            "fw_load_policy",
            true,
            VarAttrType::U8,
            // DEVLINK_PARAM_FW_LOAD_POLICY_VALUE_DRIVER
            ParamValue::U8(0),
        ),
        (
            PARAM_ID_CQE_COMPRESS_TYPE,
            "cqe_compress_type",
            false,
            VarAttrType::String,
            // mlx5's values: "balanced" (the default) or "aggressive"; any string here.
            ParamValue::String("balanced".into()),
        ),
    ]
}
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
    /// instance is already registered). Then the permanent params, if asked for, with
    /// their values from the device's NVM.
    pub(super) fn register(
        self,
        devl: &mut Devl<'_>,
        opts: &DeviceOptions,
    ) -> Result<(), CoreError> {
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
        )?;
        if !opts.permanent_params {
            return Ok(());
        }
        for (id, name, generic, ty, default) in permanent() {
            let value = opts
                .nvm
                .get(name)
                .filter(|v| v.ty() == ty)
                .cloned()
                .unwrap_or(default);
            devl.param_register(ParamDef {
                id,
                name: name.into(),
                generic,
                ty,
                values: vec![(ParamCmode::Permanent, value)],
            })?;
        }
        Ok(())
    }

    /// `devlink_params_unregister` (array order).
    pub(super) fn unregister(devl: &mut Devl<'_>, opts: &DeviceOptions) -> Result<(), CoreError> {
        devl.param_unregister("max_macs")?;
        devl.param_unregister("test1")?;
        if opts.permanent_params {
            for (_, name, _, _, _) in permanent() {
                devl.param_unregister(name)?;
            }
        }
        Ok(())
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
