//! `nsim_dev_devlink_ops`: the [`Driver`] callbacks of [`NsimDevice`], each handing off
//! to the file of its concept. Ops netdevsim lacks answer as a driver without them
//! unless [`crate::DeviceOptions`] enables them.

use devlink_core::{
    Devl, Driver, DriverError, Errno, EswitchOps, FlashParams, InfoCaps, InfoReq, PolicerLimits,
    PortFnChange, PortNewAttrs, PortOps, RateChange, RateOps, RateSetOps, RegionOps, ReloadCaps,
    SELFTEST_ID_FLASH, SbPoolInfo, SbPortPoolKey, SbTcKey, TrapCaps,
};
use devlink_wire::devlink::{DpipeEntry, FmsgItem, PortFunction, RateKey, SbOcc};
use devlink_wire::spec::{
    EswitchMode, KernelEnum, ReloadAction, ReloadLimit, SbThresholdType, SelftestStatus,
};

use super::NsimDevice;
use super::eswitch::rate_check;
use super::ports::PortKind;
use super::traps::POLICER_LIMITS;

fn bit(action: ReloadAction) -> u32 {
    1 << action.repr()
}

impl NsimDevice {
    /// FW_ACTIVATE with NO_RESET: the firmware is activated live, nothing torn down.
    fn live_activation(action: ReloadAction, limit: ReloadLimit) -> bool {
        action == ReloadAction::FwActivate && limit == ReloadLimit::NoReset
    }
}

impl Driver for NsimDevice {
    /// `.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT)`, no limits; plus
    /// FW_ACTIVATE and NO_RESET when the options ask.
    fn reload_caps(&self) -> ReloadCaps {
        let r = self.opts.reload;
        let fw = if r.fw_activate {
            bit(ReloadAction::FwActivate)
        } else {
            0
        };
        ReloadCaps {
            actions: bit(ReloadAction::DriverReinit) | fw,
            limits: if r.no_reset {
                1 << ReloadLimit::NoReset.repr()
            } else {
                0
            },
        }
    }

    /// `nsim_dev_reload_down`.
    fn reload_down(
        &mut self,
        devl: &mut Devl<'_>,
        _netns_change: bool,
        action: ReloadAction,
        limit: ReloadLimit,
    ) -> Result<(), DriverError> {
        if self.knobs.dont_allow_reload {
            return Err(DriverError::new(
                Errno::EOPNOTSUPP,
                "netdevsim: User forbid the reload for testing purposes",
            ));
        }
        if Self::live_activation(action, limit) {
            return Ok(());
        }
        self.destroy_objects(devl)
            .map_err(|e| DriverError::new(Errno::EINVAL, format!("netdevsim: {e}")))
    }

    /// `nsim_dev_reload_up`: fails right away with `fail_reload`; else the staged
    /// driverinit values are applied and the objects re-created. A FW_ACTIVATE with a
    /// reset re-creates too and performs DRIVER_REINIT as well.
    fn reload_up(
        &mut self,
        devl: &mut Devl<'_>,
        action: ReloadAction,
        limit: ReloadLimit,
    ) -> Result<u32, DriverError> {
        if self.knobs.fail_reload {
            return Err(DriverError::new(
                Errno::EINVAL,
                "netdevsim: User setup the reload to fail for testing purposes",
            ));
        }
        if Self::live_activation(action, limit) {
            return Ok(bit(ReloadAction::FwActivate));
        }
        // nsim_devlink_param_load_driverinit_values.
        self.applied.load(devl);
        self.create_objects(devl)
            .map_err(|e| DriverError::new(Errno::EINVAL, format!("netdevsim: {e}")))?;
        Ok(bit(ReloadAction::DriverReinit) | bit(action))
    }

    fn port_ops(&self, index: u32) -> PortOps {
        match self.port_kind(index) {
            // The physical ports and their parts share one ops struct (as mlxsw's), so
            // splitting a part is refused by the core as "cannot be split further".
            Some(PortKind::Pf | PortKind::Split(_)) => PortOps {
                split: self.opts.split_lanes > 1,
                ..PortOps::default()
            },
            Some(PortKind::Sf) => PortOps {
                fn_hw_addr_set: true,
                fn_state_set: true,
                ..PortOps::default()
            },
            _ => PortOps::default(),
        }
    }

    fn port_fn_set(
        &mut self,
        _devl: &mut Devl<'_>,
        _index: u32,
        change: &PortFnChange,
        function: &mut PortFunction,
    ) -> Result<(), DriverError> {
        Self::sf_fn_set(change, function)
    }

    fn port_new(&mut self, devl: &mut Devl<'_>, attrs: &PortNewAttrs) -> Result<u32, DriverError> {
        self.sf_port_new(devl, attrs)
    }

    fn port_del(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        self.sf_port_del(devl, index)
    }

    fn port_split(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        count: u32,
    ) -> Result<(), DriverError> {
        NsimDevice::port_split(self, devl, index, count)
    }

    fn port_unsplit(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        NsimDevice::port_unsplit(self, devl, index)
    }

    /// `rate_leaf_tx_share_set`, `_tx_max_set`, `_parent_set` and the node ones,
    /// `rate_node_new` / `_del`.
    fn rate_ops(&self) -> RateOps {
        let set = RateSetOps {
            tx_share: true,
            tx_max: true,
            parent: true,
            ..RateSetOps::default()
        };
        RateOps {
            leaf: set,
            node: set,
            node_new_del: true,
        }
    }

    fn rate_set(
        &mut self,
        _devl: &mut Devl<'_>,
        _key: &RateKey,
        change: &RateChange,
    ) -> Result<(), DriverError> {
        rate_check(change)
    }

    /// `nsim_rate_node_new`: switchdev mode only.
    fn rate_node_new(&mut self, _devl: &mut Devl<'_>, _name: &str) -> Result<(), DriverError> {
        if !self.vfs.switchdev {
            return Err(DriverError::new(
                Errno::EOPNOTSUPP,
                "netdevsim: Node creation allowed only in switchdev mode.",
            ));
        }
        Ok(())
    }

    fn linecard_provision(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        lc_type: &str,
    ) -> Result<(), DriverError> {
        Self::linecard_provision(devl, index, lc_type)
    }

    fn linecard_unprovision(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        Self::linecard_unprovision(devl, index)
    }

    fn eswitch_mode_get(&self) -> Option<Result<EswitchMode, DriverError>> {
        Some(Ok(self.eswitch_mode_now()))
    }

    fn eswitch_ops(&self) -> EswitchOps {
        EswitchOps {
            mode_set: true,
            ..EswitchOps::default()
        }
    }

    fn eswitch_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchMode,
    ) -> Result<(), DriverError> {
        self.eswitch_mode(devl, mode)
    }

    /// `dummy_region_ops`: `.snapshot` only; the same for the ports' regions.
    fn region_ops(&self, port: Option<u32>, region: &str) -> RegionOps {
        let snapshot = match port {
            None => region == "dummy",
            Some(_) => self.opts.port_regions && region == crate::PORT_REGION,
        };
        RegionOps {
            snapshot,
            read: false,
        }
    }

    fn region_snapshot(
        &mut self,
        _devl: &mut Devl<'_>,
        _port: Option<u32>,
        _region: &str,
    ) -> Result<Vec<u8>, DriverError> {
        Ok(self.snapshot_data())
    }

    fn health_recover(
        &mut self,
        _devl: &mut Devl<'_>,
        _port: Option<u32>,
        _reporter: &str,
    ) -> Result<(), DriverError> {
        self.dummy_recover()
    }

    fn health_dump(
        &self,
        _port: Option<u32>,
        reporter: &str,
    ) -> Result<Vec<FmsgItem>, DriverError> {
        Ok(self.reporter_fmsg(reporter, false))
    }

    fn health_diagnose(
        &self,
        _port: Option<u32>,
        reporter: &str,
    ) -> Result<Vec<FmsgItem>, DriverError> {
        Ok(self.reporter_fmsg(reporter, true))
    }

    fn trap_caps(&self) -> TrapCaps {
        TrapCaps {
            group_set: true,
            policer_set: true,
        }
    }

    /// `nsim_dev_devlink_trap_group_set`.
    fn trap_group_set(
        &mut self,
        _devl: &mut Devl<'_>,
        _group: &str,
        _policer: Option<u32>,
    ) -> Result<(), DriverError> {
        if self.knobs.fail_trap_group_set {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        Ok(())
    }

    fn trap_policer_limits(&self, _id: u32) -> PolicerLimits {
        POLICER_LIMITS
    }

    /// `nsim_dev_devlink_trap_policer_set`.
    fn trap_policer_set(
        &mut self,
        _devl: &mut Devl<'_>,
        _id: u32,
        _rate: u64,
        _burst: u64,
    ) -> Result<(), DriverError> {
        if self.knobs.fail_trap_policer_set {
            return Err(DriverError::new(
                Errno::EINVAL,
                "netdevsim: User setup the operation to fail for testing purposes",
            ));
        }
        Ok(())
    }

    fn info_caps(&self) -> InfoCaps {
        InfoCaps {
            info_get: true,
            flash_update: true,
            flash_overwrite_mask: true,
            selftests: self.opts.selftests,
        }
    }

    /// `devlink_info_driver_name_put(req, DRV_NAME)`.
    fn driver_name(&self) -> &str {
        "netdevsim"
    }

    fn info_get(&self, req: &mut InfoReq) -> Result<(), DriverError> {
        Self::info(req);
        Ok(())
    }

    fn flash_update(
        &mut self,
        devl: &mut Devl<'_>,
        params: &FlashParams,
    ) -> Result<(), DriverError> {
        self.flash(devl, params)
    }

    fn selftest_check(&self, id: u32) -> bool {
        self.opts.selftests && id == SELFTEST_ID_FLASH
    }

    fn selftest_run(&mut self, _devl: &mut Devl<'_>, _id: u32) -> SelftestStatus {
        if self.knobs.fail_selftests {
            SelftestStatus::Fail
        } else {
            SelftestStatus::Pass
        }
    }

    fn sb_pool_get(&self, sb: u32, pool: u16) -> Result<SbPoolInfo, DriverError> {
        self.sb.pool_get(sb, pool)
    }

    fn sb_pool_set(
        &mut self,
        _devl: &mut Devl<'_>,
        sb: u32,
        pool: u16,
        size: u32,
        threshold_type: SbThresholdType,
    ) -> Result<(), DriverError> {
        self.sb.pool_set(sb, pool, size, threshold_type)
    }

    fn sb_port_pool_get(&self, key: SbPortPoolKey) -> Result<u32, DriverError> {
        self.sb.port_pool_get(key)
    }

    fn sb_port_pool_set(
        &mut self,
        _devl: &mut Devl<'_>,
        key: SbPortPoolKey,
        threshold: u32,
    ) -> Result<(), DriverError> {
        self.sb.port_pool_set(key, threshold)
    }

    fn sb_tc_pool_bind_get(&self, key: SbTcKey) -> Result<(u16, u32), DriverError> {
        self.sb.tc_bind_get(key)
    }

    fn sb_tc_pool_bind_set(
        &mut self,
        _devl: &mut Devl<'_>,
        key: SbTcKey,
        pool: u16,
        threshold: u32,
    ) -> Result<(), DriverError> {
        self.sb.tc_bind_set(key, pool, threshold)
    }

    fn sb_occ_snapshot(&mut self, _devl: &mut Devl<'_>, sb: u32) -> Result<(), DriverError> {
        self.sb.occ(sb).map(|_| ())
    }

    fn sb_occ_max_clear(&mut self, _devl: &mut Devl<'_>, sb: u32) -> Result<(), DriverError> {
        self.sb.occ(sb).map(|_| ())
    }

    fn sb_occ_port_pool_get(&self, key: SbPortPoolKey) -> Result<SbOcc, DriverError> {
        self.sb.occ(key.sb)
    }

    fn sb_occ_tc_port_bind_get(&self, key: SbTcKey) -> Result<SbOcc, DriverError> {
        self.sb.occ(key.sb)
    }

    fn resource_occ_get(&self, id: u64) -> u64 {
        super::resources::occupancy(id)
    }

    fn dpipe_table_size(&self, table: &str) -> u64 {
        self.dpipe_size(table)
    }

    fn dpipe_entries_dump(
        &self,
        table: &str,
        counters_enabled: bool,
    ) -> Result<Vec<DpipeEntry>, DriverError> {
        Ok(self.dpipe_entries(table, counters_enabled))
    }
}
