//! Devlink requests through an [`AsyncConnection`]: the changes the informer and
//! watch tests make, as `devlink` itself would send them.

use devlink_client::ClientError;
use devlink_client::aio::AsyncConnection;
use devlink_wire::devlink::{
    Eswitch, Handle, HealthReq, HealthSetReq, ParamSetReq, ParamValue, RateDelReq, RateKey,
    RateReq, RegionDelReq, RegionNewReq, ReloadReq, ResourceSetReq, TrapGroupSetReq,
    TrapPolicerSetReq, TrapSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, EswitchMode, ParamCmode, ReloadAction, TrapAction, VarAttrType};

/// The handle of sim device `id` made without a handle of its own.
pub fn nsim(id: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{id}"))
}

/// A devlink connection.
pub struct Dl {
    pub conn: AsyncConnection,
}

pub type R = Result<Vec<DevlinkBody>, ClientError>;

impl Dl {
    pub async fn connect(path: &std::path::Path) -> Self {
        Self {
            conn: AsyncConnection::connect(path).await.unwrap(),
        }
    }

    pub async fn req(&self, cmd: Cmd, body: impl Into<DevlinkBody>) -> R {
        self.conn.devlink(0, cmd, body.into()).await
    }

    pub async fn trap_set(&self, h: &Handle, name: &str, action: TrapAction) -> R {
        let body = TrapSetReq {
            handle: h.clone(),
            name: Some(name.into()),
            action: Some(action),
            unknown: vec![],
        };
        self.req(Cmd::TrapSet, body).await
    }

    pub async fn trap_group_set(
        &self,
        h: &Handle,
        name: &str,
        action: Option<TrapAction>,
        policer_id: Option<u32>,
    ) -> R {
        let body = TrapGroupSetReq {
            handle: h.clone(),
            name: Some(name.into()),
            action,
            policer_id,
            unknown: vec![],
        };
        self.req(Cmd::TrapGroupSet, body).await
    }

    pub async fn policer_set(&self, h: &Handle, id: u32, rate: u64, burst: u64) -> R {
        let body = TrapPolicerSetReq {
            handle: h.clone(),
            id: Some(id),
            rate: Some(rate),
            burst: Some(burst),
            unknown: vec![],
        };
        self.req(Cmd::TrapPolicerSet, body).await
    }

    pub async fn health_recover(&self, h: &Handle, name: &str) -> R {
        self.req(Cmd::HealthReporterRecover, reporter(h, name))
            .await
    }

    pub async fn health_set(&self, h: &Handle, name: &str, graceful: u64, auto: bool) -> R {
        let body = HealthSetReq {
            handle: h.clone(),
            port_index: None,
            name: name.into(),
            graceful_period: Some(graceful),
            burst_period: None,
            auto_recover: Some(auto),
            auto_dump: None,
            unknown: vec![],
        };
        self.req(Cmd::HealthReporterSet, body).await
    }

    /// `region new DEV/dummy snapshot ID`.
    pub async fn snapshot_new(&self, h: &Handle, id: u32) -> R {
        self.port_snapshot_new(h, None, "dummy", id).await
    }

    /// `region new DEV[/PORT]/REGION snapshot ID`.
    pub async fn port_snapshot_new(
        &self,
        h: &Handle,
        port: Option<u32>,
        region: &str,
        id: u32,
    ) -> R {
        let body = RegionNewReq {
            handle: h.clone(),
            port_index: port,
            name: region.into(),
            snapshot_id: Some(id),
            unknown: vec![],
        };
        self.req(Cmd::RegionNew, body).await
    }

    pub async fn snapshot_del(&self, h: &Handle, id: u32) -> R {
        self.req(Cmd::RegionDel, snapshot_del(h, id)).await
    }

    pub async fn rate(
        &self,
        cmd: Cmd,
        h: &Handle,
        key: RateKey,
        tx_max: Option<u64>,
        parent: Option<&str>,
    ) -> R {
        self.req(cmd, rate(h, key, tx_max, parent)).await
    }

    pub async fn rate_del(&self, h: &Handle, node: &str) -> R {
        let body = RateDelReq {
            handle: h.clone(),
            node: node.into(),
            unknown: vec![],
        };
        self.req(Cmd::RateDel, body).await
    }

    pub async fn eswitch_set(&self, h: &Handle, mode: EswitchMode) -> R {
        self.req(Cmd::EswitchSet, eswitch(h, mode)).await
    }

    pub async fn resource_set(&self, h: &Handle, id: u64, size: u64) -> R {
        let body = ResourceSetReq {
            handle: h.clone(),
            id,
            size,
            unknown: vec![],
        };
        self.req(Cmd::ResourceSet, body).await
    }

    /// `dev reload DEV` (driver_reinit).
    pub async fn reload(&self, h: &Handle) -> R {
        self.req(Cmd::Reload, reload(h, ReloadAction::DriverReinit))
            .await
    }

    /// `dev param set DEV name NAME value V cmode driverinit` of a u32 param.
    pub async fn param_set_u32(&self, h: &Handle, name: &str, v: u32) -> R {
        self.req(Cmd::ParamSet, param_u32(h, name, v)).await
    }
}

/// A health request naming reporter `name` of instance `h`.
pub fn reporter(h: &Handle, name: &str) -> HealthReq {
    HealthReq {
        handle: Some(h.clone()),
        port_index: None,
        name: Some(name.into()),
        unknown: vec![],
    }
}

/// A rate request (`RATE_NEW` / `RATE_SET`) with `tx_max` and `parent` only.
pub fn rate(h: &Handle, key: RateKey, tx_max: Option<u64>, parent: Option<&str>) -> RateReq {
    RateReq {
        handle: h.clone(),
        key,
        tx_share: None,
        tx_max,
        tx_priority: None,
        tx_weight: None,
        parent: parent.map(str::to_owned),
        tc_bws: vec![],
        unknown: vec![],
    }
}

/// `dev eswitch set DEV mode MODE`.
pub fn eswitch(h: &Handle, mode: EswitchMode) -> Eswitch {
    Eswitch {
        handle: h.clone(),
        mode: Some(mode),
        inline_mode: None,
        encap_mode: None,
        unknown: vec![],
    }
}

/// `dev reload DEV action ACTION`.
pub fn reload(h: &Handle, action: ReloadAction) -> ReloadReq {
    ReloadReq {
        handle: h.clone(),
        netns_pid: None,
        netns_fd: None,
        netns_id: None,
        action: Some(action),
        limits: None,
        unknown: vec![],
    }
}

/// `dev param set DEV name NAME value V cmode driverinit` of a u32 param.
pub fn param_u32(h: &Handle, name: &str, v: u32) -> ParamSetReq {
    ParamSetReq {
        handle: h.clone(),
        port_index: None,
        name: name.into(),
        cmode: ParamCmode::Driverinit,
        reset_default: false,
        ty: VarAttrType::U32,
        value: Some(ParamValue::U32(v)),
        unknown: vec![],
    }
}

/// `region del DEV/dummy snapshot ID`.
pub fn snapshot_del(h: &Handle, id: u32) -> RegionDelReq {
    RegionDelReq {
        handle: h.clone(),
        port_index: None,
        name: "dummy".into(),
        snapshot_id: id,
        unknown: vec![],
    }
}
