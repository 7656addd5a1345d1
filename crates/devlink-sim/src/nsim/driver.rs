//! `nsim_dev_devlink_ops`: the [`Driver`] callbacks of [`NsimDevice`].

use devlink_core::{CoreError, Devl, Driver, DriverError, Errno, ReloadCaps};
use devlink_wire::spec::{KernelEnum, ReloadAction, ReloadLimit};

use super::NsimDevice;

fn internal(e: &CoreError) -> DriverError {
    DriverError::new(Errno::EINVAL, format!("netdevsim: {e}"))
}

impl Driver for NsimDevice {
    /// `.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT)`, no limits.
    fn reload_caps(&self) -> ReloadCaps {
        ReloadCaps {
            actions: 1 << ReloadAction::DriverReinit.repr(),
            limits: 0,
        }
    }

    /// `nsim_dev_reload_down`.
    fn reload_down(
        &mut self,
        devl: &mut Devl<'_>,
        _netns_change: bool,
        _action: ReloadAction,
        _limit: ReloadLimit,
    ) -> Result<(), DriverError> {
        if self.dont_allow_reload {
            return Err(DriverError::new(
                Errno::EOPNOTSUPP,
                "netdevsim: User forbid the reload for testing purposes",
            ));
        }
        self.destroy_objects(devl).map_err(|e| internal(&e))
    }

    /// `nsim_dev_reload_up`: fails right away with `fail_reload`; else the staged
    /// driverinit values are applied and the objects re-created.
    fn reload_up(
        &mut self,
        devl: &mut Devl<'_>,
        _action: ReloadAction,
        _limit: ReloadLimit,
    ) -> Result<u32, DriverError> {
        if self.fail_reload {
            return Err(DriverError::new(
                Errno::EINVAL,
                "netdevsim: User setup the reload to fail for testing purposes",
            ));
        }
        // nsim_devlink_param_load_driverinit_values.
        self.applied.load(devl);
        self.create_objects(devl).map_err(|e| internal(&e))?;
        Ok(1 << ReloadAction::DriverReinit.repr())
    }
}
