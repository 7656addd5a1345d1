//! [`DeviceOptions`]: what a simulated device is created with — netdevsim's
//! `new_device "ID PORT_COUNT"` plus the simulator's choices and the kinds netdevsim
//! lacks. Deserializable (serde) for the daemon's TOML config; every field has a
//! default, unknown fields are refused.

use std::collections::BTreeMap;

use devlink_wire::devlink::{Handle, ParamValue};
use serde::Deserialize;

use crate::SimError;

/// `NSIM_DEV_VF_PORT_INDEX_BASE`: VF `n`'s port index is `128 + n`.
pub const NSIM_DEV_VF_PORT_INDEX_BASE: u32 = 128;
/// `NSIM_BUS_DEV_MAX_VFS`: the default `max_vfs`.
pub const NSIM_BUS_DEV_MAX_VFS: u32 = 4;
/// The most lanes a splittable port may have here (split ports take indexes
/// `SPLIT_PORT_INDEX_BASE + 16 * port + subport`).
pub const MAX_SPLIT_LANES: u32 = 16;

/// Which netdevsim the device follows: when it registers its instance, and how its
/// ports follow their netdevs. TOML: `register = "last"` (default) or `"first"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Era {
    /// Debian 6.1 (v5.16…v6.2), `register = "last"`: every object is created first and
    /// `devlink_register` runs last, so the registration replay announces everything;
    /// remove unregisters first and the rest of the teardown is silent. No netdev
    /// notifier tracking: a port becomes type ETH with its netdev in one `PORT_NEW`
    /// (`devlink_port_type_eth_set`), and `devlink_port_type_clear` precedes `PORT_DEL`.
    #[default]
    #[serde(rename = "last")]
    Kernel61,
    /// Mainline (v6.3+), `register = "first"`: `devl_register` first, so every object is
    /// announced live in probe order; remove tears down live and unregisters last. Ports
    /// follow their netdev through the notifier (v6.2+): `PORT_NEW` type ETH without
    /// netdev (`NETDEV_POST_INIT`), then with it (`NETDEV_REGISTER`); on removal netdev
    /// cleared (`NETDEV_UNREGISTER`), then type `NOTSET` (`NETDEV_PRE_UNINIT`), then
    /// `PORT_DEL`.
    #[serde(rename = "first")]
    Mainline,
}

/// The e-switch mode a device starts in (`DEVLINK_ESWITCH_MODE_*`). TOML: `"legacy"`
/// (default) or `"switchdev"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EswitchStart {
    /// `DEVLINK_ESWITCH_MODE_LEGACY`: VFs have no representor ports.
    #[default]
    Legacy,
    /// `DEVLINK_ESWITCH_MODE_SWITCHDEV`: each VF gets a port at `128 + n` with a rate leaf.
    Switchdev,
}

/// A line card (beyond netdevsim; kernel: `devl_linecard_create`, as mlxsw has).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinecardOptions {
    /// `DEVLINK_ATTR_LINECARD_INDEX`.
    pub index: u32,
    /// The types it can be provisioned with (`DEVLINK_ATTR_LINECARD_SUPPORTED_TYPES`).
    pub types: Vec<String>,
}

/// A shared buffer (beyond netdevsim; kernel: `devl_sb_register`). Pools split the size
/// evenly; every pool starts dynamic, every port-pool threshold and TC binding at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SbOptions {
    /// `DEVLINK_ATTR_SB_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_SB_SIZE` in bytes.
    pub size: u32,
    /// Ingress pools.
    pub ingress_pools: u16,
    /// Egress pools.
    pub egress_pools: u16,
    /// Ingress traffic classes per port.
    pub ingress_tcs: u16,
    /// Egress traffic classes per port.
    pub egress_tcs: u16,
    /// `DEVLINK_ATTR_SB_POOL_CELL_SIZE`.
    pub cell_size: u32,
}

impl Default for SbOptions {
    fn default() -> Self {
        Self {
            index: 0,
            size: 16 << 20,
            ingress_pools: 2,
            egress_pools: 2,
            ingress_tcs: 8,
            egress_tcs: 8,
            cell_size: 96,
        }
    }
}

/// Reload actions and limits beyond netdevsim's `driver_reinit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReloadOptions {
    /// `DEVLINK_RELOAD_ACTION_FW_ACTIVATE`: activates the flashed firmware; without a
    /// limit it resets the device (objects torn down and re-created, `driver_reinit`
    /// performed too).
    pub fw_activate: bool,
    /// `DEVLINK_RELOAD_LIMIT_NO_RESET` (with `fw_activate`): activation without a reset,
    /// nothing torn down.
    pub no_reset: bool,
}

/// What a simulated device is created with. Defaults: netdevsim's (1 port, `max_vfs`
/// 4, legacy e-switch, registered last, handle `netdevsim/netdevsim<id>`), no extras.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceOptions {
    /// The bus device id (`new_device "ID …"`, at most `INT_MAX`).
    pub id: u32,
    /// Physical ports created at probe and at every reload (`PORT_COUNT`).
    pub ports: u32,
    /// Register order and netdev tracking ([`Era`]).
    pub register: Era,
    /// The devlink handle as `bus/name` (e.g. `pci/0000:03:00.0`); default
    /// `netdevsim/netdevsim<id>`.
    pub handle: Option<String>,
    /// E-switch mode set after probe.
    pub eswitch: EswitchStart,
    /// VFs enabled after probe (`sriov_numvfs`), before the e-switch mode is set.
    pub vfs: u32,
    /// debugfs `max_vfs`.
    pub max_vfs: u32,
    /// The ifindex of the first netdev; each new netdev takes the next one.
    pub first_ifindex: u32,
    /// Flash pacing in ms per chunk (`NSIM_DEV_FLASH_CHUNK_TIME_MS` is 10); 0, the
    /// default, sends the whole status stream at once. See [`crate::FlashPacing`].
    pub flash_chunk_ms: u32,
    /// Line cards (none by default).
    pub linecards: Vec<LinecardOptions>,
    /// Lanes of each physical port; above 1 the ports are splittable (`PORT_SPLIT`).
    pub split_lanes: u32,
    /// User `PORT_NEW` / `PORT_DEL` of PCI SF ports with port functions (hw_addr,
    /// state).
    pub sf: bool,
    /// A port region on every physical port (beyond netdevsim, as mlx5's): `port_dummy`
    /// ([`PORT_REGION_SIZE`] bytes, [`PORT_REGION_SNAPSHOTS`] snapshots, the `snapshot`
    /// op), created with the port and destroyed before it.
    pub port_regions: bool,
    /// Handles (`bus/name`) of instances nested in this one (`NESTED_DEVLINK`).
    pub nested: Vec<String>,
    /// Shared buffers.
    pub shared_buffers: Vec<SbOptions>,
    /// Reload actions and limits beyond `driver_reinit`.
    pub reload: ReloadOptions,
    /// Selftests (`SELFTESTS_GET` / `_RUN`): the flash selftest, passing unless the
    /// `fail_selftests` knob is set.
    pub selftests: bool,
    /// Params with cmode `permanent` (beyond netdevsim), one of each type drivers keep in
    /// NVM: bnxt_en's generic `enable_sriov` (bool, default false) and
    /// `msix_vec_per_pf_max` (u32, default 8), nfp's generic `fw_load_policy` (u8,
    /// default 0: driver) and mlx5's driver-specific `cqe_compress_type` (string,
    /// default `balanced`).
    /// Their values are only stored and reported: they would take effect at the next
    /// firmware reset.
    pub permanent_params: bool,
    /// dpipe headers and tables modelled on mlxsw's (`mlxsw_meta`; `mlxsw_erif`,
    /// `mlxsw_host4`, `mlxsw_host6`, `mlxsw_adj`), with one entry per PF port in each
    /// table and table counters that can be switched on and off.
    pub dpipe: bool,
    /// The device's non-volatile memory: permanent param values it probes with instead
    /// of the defaults, by param name (the daemon fills it from its state directory; not
    /// in TOML). A name without a permanent param, or a value of another type, is
    /// ignored.
    #[serde(skip)]
    pub nvm: BTreeMap<String, ParamValue>,
}

/// The size of a port's `port_dummy` region ([`DeviceOptions::port_regions`]).
pub const PORT_REGION_SIZE: u64 = 4096;
/// How many snapshots a port's `port_dummy` region holds.
pub const PORT_REGION_SNAPSHOTS: u32 = 4;
/// The name of a port's region.
pub const PORT_REGION: &str = "port_dummy";

impl Default for DeviceOptions {
    fn default() -> Self {
        Self::new(0, 1)
    }
}

impl DeviceOptions {
    /// A netdevsim device as `new_device "ID PORT_COUNT"` makes it (6.1 order).
    #[must_use]
    pub const fn new(id: u32, ports: u32) -> Self {
        Self {
            id,
            ports,
            register: Era::Kernel61,
            handle: None,
            eswitch: EswitchStart::Legacy,
            vfs: 0,
            max_vfs: NSIM_BUS_DEV_MAX_VFS,
            first_ifindex: 2,
            flash_chunk_ms: 0,
            linecards: Vec::new(),
            split_lanes: 0,
            sf: false,
            port_regions: false,
            nested: Vec::new(),
            shared_buffers: Vec::new(),
            reload: ReloadOptions {
                fw_activate: false,
                no_reset: false,
            },
            selftests: false,
            permanent_params: false,
            dpipe: false,
            nvm: BTreeMap::new(),
        }
    }

    /// The devlink handle: [`DeviceOptions::handle`] parsed, or
    /// `netdevsim/netdevsim<id>`.
    pub fn devlink_handle(&self) -> Result<Handle, SimError> {
        match &self.handle {
            None => Ok(Handle::new("netdevsim", format!("netdevsim{}", self.id))),
            Some(h) => parse_handle("handle", h),
        }
    }

    /// Check what the kernel's bus would refuse and what the simulator cannot build.
    pub(crate) fn validate(&self) -> Result<(), SimError> {
        let bad =
            |what: &str, value: u32, why| Err(SimError::invalid(what, &value.to_string(), why));
        if i32::try_from(self.id).is_err() {
            return bad("id", self.id, "above INT_MAX");
        }
        if self.max_vfs > u32::MAX - NSIM_DEV_VF_PORT_INDEX_BASE {
            return bad("max_vfs", self.max_vfs, "more VFs than port indexes");
        }
        if self.vfs > self.max_vfs {
            return bad("vfs", self.vfs, "above max_vfs");
        }
        if self.split_lanes > MAX_SPLIT_LANES {
            return bad("split_lanes", self.split_lanes, "more than 16 lanes");
        }
        if self.reload.no_reset && !self.reload.fw_activate {
            return bad(
                "reload.no_reset",
                1,
                "only fw_activate has a no_reset limit",
            );
        }
        self.devlink_handle()?;
        for h in &self.nested {
            parse_handle("nested", h)?;
        }
        Ok(())
    }
}

/// `bus/name`, both non-empty, one slash.
pub(crate) fn parse_handle(what: &str, s: &str) -> Result<Handle, SimError> {
    match s.split_once('/') {
        Some((bus, name)) if !bus.is_empty() && !name.is_empty() && !name.contains('/') => {
            Ok(Handle::new(bus, name))
        }
        _ => Err(SimError::invalid(what, s, "not a bus/name handle")),
    }
}
