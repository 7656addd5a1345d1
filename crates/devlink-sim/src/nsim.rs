//! netdevsim (kernel: `drivers/net/netdevsim/dev.c`, `health.c`): the devlink side of a
//! simulated device. Names, values and order follow the Debian 6.1 netdevsim that
//! recorded `shared/traces/kernel-6.1`; see `kernel-semantics.md` §5.3 and §5.4.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use devlink_core::{
    Core, CoreError, Devl, Driver, DriverError, Errno, InstanceId, ParamDef, PortAttrs, RegionDef,
    ReloadCaps, TrapCounters,
};
use devlink_wire::devlink::{
    Handle, ParamValue, Stats, Trap, TrapGroup, TrapMetadata, TrapPolicer,
};
use devlink_wire::spec::{
    KernelEnum, ParamCmode, ReloadAction, ReloadLimit, TrapAction, TrapType, VarAttrType,
};

use crate::SimError;

/// `NSIM_DEV_DUMMY_REGION_SIZE`: the `dummy` region's size in bytes.
pub const NSIM_DUMMY_REGION_SIZE: u64 = 32 * 1024;
/// `NSIM_DEV_DUMMY_REGION_SNAPSHOT_MAX`.
pub const NSIM_DUMMY_REGION_SNAPSHOT_MAX: u32 = 16;

/// `DEVLINK_PARAM_GENERIC_ID_MAX_MACS`.
const PARAM_ID_MAX_MACS: u32 = 1;
/// `NSIM_DEVLINK_PARAM_ID_TEST1`: the first driver id, `DEVLINK_PARAM_GENERIC_ID_MAX + 1`
/// (17 in 6.1); only its place after every generic id matters.
const PARAM_ID_TEST1: u32 = 17;
/// `NSIM_DEV_MAX_MACS_DEFAULT`.
const MAX_MACS_DEFAULT: u32 = 32;
/// `NSIM_DEV_TEST1_DEFAULT`.
const TEST1_DEFAULT: bool = true;

/// `nsim_trap_policers_arr`: id, rate (pps), burst (packets).
const POLICERS: [(u32, u64, u64); 3] = [(1, 1000, 128), (2, 2000, 256), (3, 3000, 512)];

/// `nsim_trap_groups_arr`: generic group name and policer id (0: none).
const GROUPS: [(&str, u32); 6] = [
    ("l2_drops", 0),
    ("l3_drops", 1),
    ("l3_exceptions", 1),
    ("buffer_drops", 2),
    ("acl_drops", 3),
    ("mc_snooping", 3),
];

/// One entry of `nsim_traps_arr`.
struct TrapDef {
    name: &'static str,
    ty: TrapType,
    action: TrapAction,
    group: &'static str,
    generic: bool,
    fa_cookie: bool,
}

const fn drop_trap(name: &'static str, group: &'static str) -> TrapDef {
    TrapDef {
        name,
        ty: TrapType::Drop,
        action: TrapAction::Drop,
        group,
        generic: true,
        fa_cookie: false,
    }
}

/// `nsim_traps_arr`, in array (registration) order. Every trap reports the ingress
/// port (`NSIM_TRAP_METADATA`); the flow-action drops also the flow-action cookie.
const TRAPS: [TrapDef; 14] = [
    drop_trap("source_mac_is_multicast", "l2_drops"),
    drop_trap("vlan_tag_mismatch", "l2_drops"),
    drop_trap("ingress_vlan_filter", "l2_drops"),
    drop_trap("ingress_spanning_tree_filter", "l2_drops"),
    drop_trap("port_list_is_empty", "l2_drops"),
    drop_trap("port_loopback_filter", "l2_drops"),
    TrapDef {
        name: "fid_miss",
        ty: TrapType::Exception,
        action: TrapAction::Trap,
        group: "l2_drops",
        generic: false,
        fa_cookie: false,
    },
    drop_trap("blackhole_route", "l3_drops"),
    TrapDef {
        name: "ttl_value_is_too_small",
        ty: TrapType::Exception,
        action: TrapAction::Trap,
        group: "l3_exceptions",
        generic: true,
        fa_cookie: false,
    },
    drop_trap("tail_drop", "buffer_drops"),
    TrapDef {
        fa_cookie: true,
        ..drop_trap("ingress_flow_action_drop", "acl_drops")
    },
    TrapDef {
        fa_cookie: true,
        ..drop_trap("egress_flow_action_drop", "acl_drops")
    },
    TrapDef {
        name: "igmp_query",
        ty: TrapType::Control,
        action: TrapAction::Mirror,
        group: "mc_snooping",
        generic: true,
        fa_cookie: false,
    },
    TrapDef {
        name: "igmp_v1_report",
        ty: TrapType::Control,
        action: TrapAction::Trap,
        group: "mc_snooping",
        generic: true,
        fa_cookie: false,
    },
];

/// Which netdevsim the simulator reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Era {
    /// Debian 6.1 (v5.16…v6.2): every object is created first and `devlink_register`
    /// runs last, so the registration replay announces everything; remove unregisters
    /// first and the rest of the teardown is silent. No netdev notifier tracking: a
    /// port becomes type ETH with its netdev in one `PORT_NEW`
    /// (`devlink_port_type_eth_set`), and `devlink_port_type_clear` precedes `PORT_DEL`.
    #[default]
    Kernel61,
    /// Mainline (v6.3+): `devl_register` first, so every object is announced live in
    /// probe order; remove tears down live and unregisters last. Ports follow their
    /// netdev through the notifier (v6.2+): `PORT_NEW` type ETH without netdev
    /// (`NETDEV_POST_INIT`), then with it (`NETDEV_REGISTER`); on removal netdev cleared
    /// (`NETDEV_UNREGISTER`), then type `NOTSET` (`NETDEV_PRE_UNINIT`), then `PORT_DEL`.
    Mainline,
}

/// What `new_device` is given, plus the simulator's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsimConfig {
    /// The bus device id: the handle is `netdevsim/netdevsim<id>`.
    pub id: u32,
    /// Physical ports to create (`new_device "ID PORT_COUNT"`).
    pub port_count: u32,
    /// Which kernel's order to follow.
    pub era: Era,
    /// The ifindex of the first netdev; each new netdev takes the next one.
    pub first_ifindex: u32,
}

impl NsimConfig {
    /// A 6.1-era device with `port_count` ports.
    #[must_use]
    pub const fn new(id: u32, port_count: u32) -> Self {
        Self {
            id,
            port_count,
            era: Era::Kernel61,
            first_ifindex: 2,
        }
    }

    /// The devlink handle, `netdevsim/netdevsim<id>`.
    #[must_use]
    pub fn handle(&self) -> Handle {
        Handle::new("netdevsim", format!("netdevsim{}", self.id))
    }
}

/// A netdevsim device: its driver state (kernel: `struct nsim_dev`) and the
/// [`Driver`] callbacks (`nsim_dev_devlink_ops`). Reach it in a core with
/// [`Core::with_driver`].
#[derive(Debug)]
pub struct NsimDevice {
    era: Era,
    port_count: u32,
    /// Port indexes, most recent first (`port_list`, filled with `list_add`).
    ports: Vec<u32>,
    next_ifindex: u32,
    /// The applied driverinit values (debugfs `max_macs`, `test1`).
    max_macs: u32,
    test1: bool,
    /// The reload-scoped objects are gone (a reload failed after tearing them down).
    torn_down: bool,
    /// debugfs `fail_reload`: `reload_up` fails with `EINVAL`.
    pub fail_reload: bool,
    /// debugfs `dont_allow_reload`: `reload_down` fails with `EOPNOTSUPP`.
    pub dont_allow_reload: bool,
}

impl NsimDevice {
    /// A device not yet probed.
    #[must_use]
    pub const fn new(config: &NsimConfig) -> Self {
        Self {
            era: config.era,
            port_count: config.port_count,
            ports: Vec::new(),
            next_ifindex: config.first_ifindex,
            max_macs: MAX_MACS_DEFAULT,
            test1: TEST1_DEFAULT,
            torn_down: false,
            fail_reload: false,
            dont_allow_reload: false,
        }
    }

    /// The applied `max_macs` (debugfs `max_macs`): changes only at reload.
    #[must_use]
    pub const fn max_macs(&self) -> u32 {
        self.max_macs
    }

    /// The applied `test1` (debugfs `test1`): changes only at reload.
    #[must_use]
    pub const fn test1(&self) -> bool {
        self.test1
    }

    /// Set the `fail_reload` knob.
    pub const fn set_fail_reload(&mut self, on: bool) {
        self.fail_reload = on;
    }

    /// Set the `dont_allow_reload` knob.
    pub const fn set_dont_allow_reload(&mut self, on: bool) {
        self.dont_allow_reload = on;
    }

    /// The probe steps after `devlink_alloc`, up to (excluding) registration in 6.1:
    /// params with their initial driverinit values, then `nsim_dev_reload_create`'s
    /// objects (resources, debugfs, fib, bpf, psample and hwstats are not devlink
    /// objects here).
    fn probe_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
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
        // nsim_devlink_set_params_init_values: devl_param_driverinit_value_set, which
        // notifies (visible only when the instance is already registered).
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
        self.create_objects(devl)
    }

    /// `nsim_dev_reload_create` after loading the driverinit values: region `dummy`,
    /// traps (policers, groups, traps), health reporters, ports (ascending index).
    fn create_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.region_create(RegionDef {
            name: "dummy".into(),
            size: NSIM_DUMMY_REGION_SIZE,
            max_snapshots: NSIM_DUMMY_REGION_SNAPSHOT_MAX,
            port: None,
        })?;
        traps_init(devl)?;
        // nsim_dev_health_init: "empty" has no ops; "dummy" recovers (grace period 0)
        // and dumps.
        devl.health_reporter_create(None, "empty", None, None)?;
        devl.health_reporter_create(None, "dummy", Some(0), Some(true))?;
        for i in 0..self.port_count {
            self.port_add(devl, i)?;
        }
        self.torn_down = false;
        Ok(())
    }

    /// `__nsim_dev_port_add` for PF port `i`: port index `i`, physical port number
    /// `i + 1`, then its netdev.
    fn port_add(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        devl.port_register(i, PortAttrs::physical(i.wrapping_add(1)))?;
        let ifindex = self.next_ifindex;
        self.next_ifindex = self.next_ifindex.wrapping_add(1);
        if self.era == Era::Mainline {
            devl.port_type_eth_set(i, None)?;
        }
        devl.port_type_eth_set(i, Some((ifindex, format!("eth{i}"))))?;
        self.ports.insert(0, i);
        Ok(())
    }

    /// `__nsim_dev_port_del`: the netdev goes, then the port.
    fn port_del(&self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        if self.era == Era::Mainline {
            devl.port_type_eth_set(i, None)?;
        }
        devl.port_type_clear(i)?;
        devl.port_unregister(i)
    }

    /// `nsim_dev_reload_destroy`: nothing if a reload failed (already gone); else ports
    /// (most recent first), health reporters, traps (traps, groups, policers, each in
    /// reverse), region `dummy` (its snapshots first).
    fn destroy_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        if self.torn_down {
            return Ok(());
        }
        for i in std::mem::take(&mut self.ports) {
            Self::port_del(self, devl, i)?;
        }
        devl.health_reporter_destroy(None, "empty")?;
        devl.health_reporter_destroy(None, "dummy")?;
        for t in TRAPS.iter().rev() {
            devl.trap_unregister(t.name)?;
        }
        for (name, _) in GROUPS.iter().rev() {
            devl.trap_group_unregister(name)?;
        }
        for (id, _, _) in POLICERS.iter().rev() {
            devl.trap_policer_unregister(*id)?;
        }
        // nsim_dev_traps_exit frees the trap data and its counters.
        devl.trap_counters_set(None);
        devl.region_destroy(None, "dummy")?;
        self.torn_down = true;
        Ok(())
    }

    /// The remove steps after `nsim_dev_reload_destroy`: params (array order).
    fn remove_params(devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.param_unregister("max_macs")?;
        devl.param_unregister("test1")
    }
}

/// The drop counters of `struct nsim_trap_data`, read by netdevsim's
/// `trap_drop_counter_get` and `trap_policer_counter_get` ops. They live in the trap
/// data that `nsim_dev_traps_init` allocates zeroed and `nsim_dev_traps_exit` frees: a
/// reload (driver_reinit) starts them from 0 again.
#[derive(Debug, Default)]
struct TrapData {
    /// `trap_pkt_cnt`: one counter for every trap of the device.
    trap_pkt_cnt: AtomicU64,
    /// `trap_policers_cnt_arr`: one counter per policer, at `id - 1`.
    trap_policers_cnt_arr: [AtomicU64; POLICERS.len()],
}

impl TrapCounters for TrapData {
    /// `nsim_dev_devlink_trap_drop_counter_get`: the device's one counter, whichever
    /// trap is asked about, advanced by every read (so each fill of a trap message
    /// shows the next value).
    fn trap_drop(&self, _trap: &str) -> Option<u64> {
        Some(self.trap_pkt_cnt.fetch_add(1, Ordering::Relaxed))
    }

    /// `nsim_dev_devlink_trap_policer_counter_get`: the policer's own counter, advanced
    /// by every read.
    fn policer_drop(&self, id: u32) -> Option<u64> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        let counter = self.trap_policers_cnt_arr.get(index)?;
        Some(counter.fetch_add(1, Ordering::Relaxed))
    }
}

/// `nsim_dev_traps_init`: fresh trap data (its drop counters at 0, read at every fill
/// through [`TrapCounters`]), then policers, groups, traps, each in array order. Groups
/// and traps report zero packets and bytes (nothing is ever trapped here).
fn traps_init(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    devl.trap_counters_set(Some(Arc::new(TrapData::default())));
    let nobody = Handle::new("", "");
    for (id, rate, burst) in POLICERS {
        devl.trap_policer_register(TrapPolicer {
            handle: nobody.clone(),
            id,
            rate,
            burst,
            stats: None,
            unknown: Vec::new(),
        })?;
    }
    for (name, policer) in GROUPS {
        devl.trap_group_register(TrapGroup {
            handle: nobody.clone(),
            name: name.into(),
            generic: true,
            policer_id: (policer != 0).then_some(policer),
            stats: Stats {
                rx_packets: Some(0),
                rx_bytes: Some(0),
                ..Stats::default()
            },
            unknown: Vec::new(),
        })?;
    }
    for t in &TRAPS {
        devl.trap_register(Trap {
            handle: nobody.clone(),
            group: t.group.into(),
            name: t.name.into(),
            trap_type: t.ty,
            generic: t.generic,
            action: t.action,
            metadata: TrapMetadata {
                in_port: true,
                fa_cookie: t.fa_cookie,
                unknown: Vec::new(),
            },
            stats: Stats {
                rx_packets: Some(0),
                rx_bytes: Some(0),
                ..Stats::default()
            },
            unknown: Vec::new(),
        })?;
    }
    Ok(())
}

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
        if let Some(ParamValue::U32(v)) = devl.param_driverinit_value("max_macs") {
            self.max_macs = v;
        }
        if let Some(ParamValue::Bool(v)) = devl.param_driverinit_value("test1") {
            self.test1 = v;
        }
        self.create_objects(devl).map_err(|e| internal(&e))?;
        Ok(1 << ReloadAction::DriverReinit.repr())
    }
}

/// `nsim_drv_probe`: allocate the instance `netdevsim/netdevsim<id>` and create its
/// objects, registering it last ([`Era::Kernel61`]) or first ([`Era::Mainline`]).
pub fn probe(core: &mut Core, config: &NsimConfig) -> Result<InstanceId, SimError> {
    let id = core.alloc(config.handle(), Box::new(NsimDevice::new(config)));
    let result = (|| {
        if config.era == Era::Mainline {
            core.register(id)?;
        }
        core.with_driver::<NsimDevice, _>(id, |d, devl| d.probe_objects(devl))??;
        if config.era == Era::Kernel61 {
            core.register(id)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        // Probe failed: the instance goes (its DEL if it was registered).
        let _ = core.unregister(id);
        let _ = core.free(id);
        return Err(e);
    }
    Ok(id)
}

/// `nsim_drv_remove`: 6.1 unregisters first (the replay announces every object's
/// DEL) and tears down silently; mainline tears down live and unregisters last. Then
/// the instance is freed.
pub fn remove(core: &mut Core, id: InstanceId) -> Result<(), SimError> {
    let era = core.with_driver::<NsimDevice, _>(id, |d, _| d.era)?;
    if era == Era::Kernel61 {
        core.unregister(id)?;
    }
    core.with_driver::<NsimDevice, _>(id, |d, devl| {
        d.destroy_objects(devl)?;
        NsimDevice::remove_params(devl)
    })??;
    if era == Era::Mainline {
        core.unregister(id)?;
    }
    core.free(id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use devlink_core::checker::Checker;
    use devlink_core::{Request, Response};
    use devlink_wire::devlink::{TrapGetReq, TrapPolicerGetReq};
    use devlink_wire::message::DevlinkBody;
    use devlink_wire::spec::Cmd;

    use super::*;

    fn run(era: Era) -> Vec<Cmd> {
        let mut core = Core::new();
        let config = NsimConfig {
            era,
            ..NsimConfig::new(1, 2)
        };
        let id = probe(&mut core, &config).unwrap();
        core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        remove(&mut core, id).unwrap();
        let mut checker = Checker::new();
        let mut cmds = Vec::new();
        while let Some(n) = core.poll_notification() {
            checker
                .check(Some(n.revision), n.cmd, &n.body)
                .unwrap_or_else(|v| panic!("{era:?}: {v:?}"));
            cmds.push(n.cmd);
        }
        cmds
    }

    fn count(cmds: &[Cmd], cmd: Cmd) -> usize {
        cmds.iter().filter(|&&c| c == cmd).count()
    }

    #[test]
    fn both_eras_pass_the_ordering_checker() {
        for era in [Era::Kernel61, Era::Mainline] {
            let cmds = run(era);
            assert_eq!(cmds.first(), Some(&Cmd::New), "{era:?}");
            assert_eq!(cmds.last(), Some(&Cmd::Del), "{era:?}");
        }
    }

    #[test]
    fn mainline_registers_first_and_announces_live() {
        let cmds = run(Era::Mainline);
        // Probe: NEW, params registered then their initial driverinit values set
        // (devl_param_driverinit_value_set notifies), region, traps, ports with three
        // PORT_NEWs each (register, NETDEV_POST_INIT, NETDEV_REGISTER).
        let probe_len = 1 + 4 + 1 + 3 + 6 + 14 + 2 * 3;
        let (probe, rest) = cmds.split_at(probe_len);
        assert_eq!(
            &probe[..6],
            &[
                Cmd::New,
                Cmd::ParamNew,
                Cmd::ParamNew,
                Cmd::ParamNew,
                Cmd::ParamNew,
                Cmd::RegionNew
            ]
        );
        assert_eq!(count(probe, Cmd::PortNew), 6);
        // Remove (after the reload): live DELs, params, then the instance.
        let tail = &rest[rest.len() - 3..];
        assert_eq!(tail, &[Cmd::ParamDel, Cmd::ParamDel, Cmd::Del]);
        assert_eq!(count(rest, Cmd::PortDel), 4);
    }

    #[test]
    fn kernel61_registers_last_and_removes_silently() {
        let cmds = run(Era::Kernel61);
        // Replay: NEW, ports (one PORT_NEW each, full state), policers, groups, traps,
        // region, params; remove: the unregistration replay only.
        assert_eq!(count(&cmds, Cmd::ParamNew), 2);
        let del_run = 2 + 1 + 14 + 6 + 3 + 2 + 1;
        let tail = &cmds[cmds.len() - del_run..];
        assert_eq!(tail.first(), Some(&Cmd::ParamDel));
        assert_eq!(count(tail, Cmd::PortDel), 2);
        // Replay 29; reload: per port PORT_NEW (type cleared) + PORT_DEL, 23 trap
        // DELs, region DEL and NEW, 23 trap NEWs, 2 PORT_NEWs per port, NEW; remove.
        assert_eq!(cmds.len(), 29 + (4 + 23 + 2 + 23 + 4 + 1) + del_run);
    }

    #[test]
    fn knobs_fail_reload_and_failed_reload_skips_teardown() {
        let mut core = Core::new();
        let id = probe(&mut core, &NsimConfig::new(3, 1)).unwrap();
        core.with_driver::<NsimDevice, _>(id, |d, _| d.set_fail_reload(true))
            .unwrap();
        let e = core
            .reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap_err();
        assert_eq!(e.errno, Errno::EINVAL);
        while core.poll_notification().is_some() {}
        // Nothing left to tear down: the next reload only re-creates.
        core.with_driver::<NsimDevice, _>(id, |d, _| d.set_fail_reload(false))
            .unwrap();
        core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        let cmds: Vec<Cmd> = std::iter::from_fn(|| core.poll_notification())
            .map(|n| n.cmd)
            .collect();
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Cmd::PortDel | Cmd::TrapDel))
        );
        assert_eq!(count(&cmds, Cmd::TrapNew), 14);
        remove(&mut core, id).unwrap();
    }

    /// The drop count a `TRAP_GET` (of `trap`) or `TRAP_POLICER_GET` (of `policer`)
    /// answers on device 4.
    fn drops(core: &mut Core, trap: Option<&str>, policer: Option<u32>) -> Option<u64> {
        let handle = Some(NsimConfig::new(4, 1).handle());
        let (cmd, body) = match trap {
            Some(name) => (
                Cmd::TrapGet,
                DevlinkBody::from(TrapGetReq {
                    handle,
                    name: Some(name.into()),
                    unknown: Vec::new(),
                }),
            ),
            None => (
                Cmd::TrapPolicerGet,
                DevlinkBody::from(TrapPolicerGetReq {
                    handle,
                    id: policer,
                    unknown: Vec::new(),
                }),
            ),
        };
        let request = Request {
            cmd,
            body,
            dump: false,
            admin: false,
        };
        let Ok(Response::Do(replies)) = core.handle_request(request).map(|a| a.response) else {
            panic!("{trap:?} {policer:?}")
        };
        match &replies.first()?.body {
            DevlinkBody::Trap(t) => t.stats.rx_dropped,
            DevlinkBody::TrapPolicer(p) => p.stats.as_ref()?.rx_dropped,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn drop_counters_advance_per_read_per_device_and_per_policer_until_reload() {
        let mut core = Core::new();
        let id = probe(&mut core, &NsimConfig::new(4, 1)).unwrap();
        // The registration replay read the trap counter 14 times, each policer's once.
        assert_eq!(drops(&mut core, Some("tail_drop"), None), Some(14));
        assert_eq!(drops(&mut core, Some("igmp_query"), None), Some(15));
        assert_eq!(drops(&mut core, None, Some(2)), Some(1));
        assert_eq!(drops(&mut core, None, Some(2)), Some(2));
        assert_eq!(drops(&mut core, None, Some(3)), Some(1));
        // A reload re-creates the trap data: the re-registered objects start from 0.
        core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        assert_eq!(drops(&mut core, Some("tail_drop"), None), Some(14));
        assert_eq!(drops(&mut core, None, Some(2)), Some(1));
    }
}
