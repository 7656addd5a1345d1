//! SR-IOV and the e-switch (kernel: `nsim_drv_configure_vfs`, `nsim_esw_legacy_enable`,
//! `nsim_esw_switchdev_enable`, `nsim_devlink_eswitch_mode_set`, the `nsim_*_rate_*`
//! ops in `drivers/net/netdevsim/dev.c`; `sriov_numvfs` in `bus.c`).

use devlink_core::{CoreError, Devl, DriverError, Errno, RateChange};
use devlink_wire::spec::EswitchMode;

use super::NsimDevice;
use super::ports::PortKind;
use crate::{EswitchStart, NSIM_DEV_VF_PORT_INDEX_BASE, SimError};

/// `NSIM_LINK_SPEED_MAX`: rates above 5000 Mbps are refused.
const NSIM_LINK_SPEED_MAX: u64 = 5000;
/// `NSIM_LINK_SPEED_UNIT`: 1 Mbps in bytes per second; rates are multiples of it.
const NSIM_LINK_SPEED_UNIT: u64 = 125_000;

/// The bus device's VF state and the e-switch mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Vfs {
    /// sysfs `sriov_numvfs` (`nsim_bus_dev->num_vfs`).
    pub(super) num_vfs: u32,
    /// debugfs `max_vfs`.
    pub(super) max_vfs: u32,
    /// `esw_mode == DEVLINK_ESWITCH_MODE_SWITCHDEV`.
    pub(super) switchdev: bool,
}

impl Vfs {
    pub(super) const fn new(max_vfs: u32) -> Self {
        Self {
            num_vfs: 0,
            max_vfs,
            switchdev: false,
        }
    }
}

impl NsimDevice {
    /// After probe, as a user would: `sriov_numvfs`, then the e-switch mode.
    pub(super) fn start_eswitch(&mut self, devl: &mut Devl<'_>) -> Result<(), SimError> {
        if self.opts.vfs != 0 {
            self.sriov_numvfs(devl, self.opts.vfs)?;
        }
        if self.opts.eswitch == EswitchStart::Switchdev {
            self.eswitch_mode(devl, EswitchMode::Switchdev)?;
        }
        Ok(())
    }

    /// sysfs `sriov_numvfs` write (`nsim_drv_configure_vfs`): the same count is a no-op;
    /// a non-zero count cannot change to another non-zero one (`-EBUSY`); above
    /// `max_vfs` is `-ENOMEM`. In switchdev mode enabling adds the VF ports and
    /// disabling goes back to legacy (`nsim_esw_legacy_enable`).
    pub(crate) fn sriov_numvfs(&mut self, devl: &mut Devl<'_>, n: u32) -> Result<(), SimError> {
        let vfs = &mut self.vfs;
        if vfs.num_vfs == n {
            return Ok(());
        }
        if vfs.num_vfs != 0 && n != 0 {
            let msg = format!("{} VFs enabled: disable them first", vfs.num_vfs);
            return Err(SimError::refused(Errno::EBUSY, msg));
        }
        if vfs.max_vfs < n {
            let msg = format!("{n} VFs asked, max_vfs is {}", vfs.max_vfs);
            return Err(SimError::refused(Errno::ENOMEM, msg));
        }
        vfs.num_vfs = n;
        if !vfs.switchdev {
            return Ok(());
        }
        if n == 0 {
            self.legacy_enable(devl)?;
            return Ok(());
        }
        if let Err(e) = self.switchdev_enable(devl) {
            self.vfs.num_vfs = 0;
            return Err(e.into());
        }
        Ok(())
    }

    /// `nsim_devlink_eswitch_mode_set`.
    pub(super) fn eswitch_mode(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchMode,
    ) -> Result<(), DriverError> {
        let internal = |e: CoreError| DriverError::new(Errno::EINVAL, format!("netdevsim: {e}"));
        match (mode, self.vfs.switchdev) {
            (EswitchMode::Legacy, false) | (EswitchMode::Switchdev, true) => Ok(()),
            (EswitchMode::Legacy, true) => self.legacy_enable(devl).map_err(internal),
            (EswitchMode::Switchdev, false) => self.switchdev_enable(devl).map_err(|e| {
                DriverError::new(
                    Errno::EINVAL,
                    format!("netdevsim: Failed to initialize VFs' netdevsim ports ({e})"),
                )
            }),
            (EswitchMode::SwitchdevInactive, _) => Err(DriverError::new(Errno::EINVAL, "")),
        }
    }

    /// `nsim_esw_legacy_enable`: rate nodes destroyed (`devl_rate_nodes_destroy`), VF
    /// ports deleted (most recent first), mode legacy.
    pub(super) fn legacy_enable(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.rate_nodes_destroy();
        for (index, kind) in self.ports.clone() {
            if kind == PortKind::Vf {
                self.port_del(devl, index)?;
            }
        }
        self.vfs.switchdev = false;
        Ok(())
    }

    /// `nsim_esw_switchdev_enable`: a port per enabled VF (ascending); on failure the
    /// VF ports added so far go again.
    fn switchdev_enable(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        for n in 0..self.vfs.num_vfs {
            if let Err(e) = self.vf_port_add(devl, n) {
                for (index, kind) in self.ports.clone() {
                    if kind == PortKind::Vf {
                        self.port_del(devl, index)?;
                    }
                }
                return Err(e);
            }
        }
        self.vfs.switchdev = true;
        Ok(())
    }

    /// sysfs `sriov_numvfs` read.
    pub(crate) const fn num_vfs(&self) -> u32 {
        self.vfs.num_vfs
    }

    /// The current mode (`nsim_devlink_eswitch_mode_get`).
    pub(super) const fn eswitch_mode_now(&self) -> EswitchMode {
        if self.vfs.switchdev {
            EswitchMode::Switchdev
        } else {
            EswitchMode::Legacy
        }
    }

    /// debugfs `max_vfs` write: only while no VF is enabled (`-EBUSY`), at most the
    /// number of port indexes above the VF base (`-ERANGE`). A value that does not
    /// parse is `-EINVAL` (mainline; 6.1 answered `-EIO`).
    pub(super) fn set_max_vfs(&mut self, max: u32) -> Result<(), SimError> {
        if max > u32::MAX - NSIM_DEV_VF_PORT_INDEX_BASE {
            return Err(SimError::BadValue {
                what: "max_vfs".into(),
                value: max.to_string(),
                why: "more VFs than port indexes",
                errno: Errno::ERANGE,
            });
        }
        if self.vfs.num_vfs != 0 {
            return Err(SimError::refused(Errno::EBUSY, "VFs are enabled"));
        }
        self.vfs.max_vfs = max;
        Ok(())
    }
}

/// `nsim_rate_bytes_to_units`: a rate must be whole Mbps, at most 5000.
pub(super) fn rate_check(change: &RateChange) -> Result<(), DriverError> {
    let (RateChange::TxShare(rate) | RateChange::TxMax(rate)) = change else {
        return Ok(());
    };
    if rate % NSIM_LINK_SPEED_UNIT != 0 {
        return Err(DriverError::new(
            Errno::EINVAL,
            "netdevsim: TX rate value not in link speed units of 1Mbps.",
        ));
    }
    if rate / NSIM_LINK_SPEED_UNIT > NSIM_LINK_SPEED_MAX {
        return Err(DriverError::new(
            Errno::EINVAL,
            "netdevsim: TX rate value exceed link maximum speed 5000Mbps.",
        ));
    }
    Ok(())
}
