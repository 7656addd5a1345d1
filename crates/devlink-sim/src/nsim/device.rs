//! The device (kernel: `struct nsim_dev`, `nsim_drv_probe`, `nsim_drv_remove`,
//! `nsim_dev_reload_create` / `_destroy` in `drivers/net/netdevsim/dev.c`).

use devlink_core::{Core, CoreError, Devl, InstanceId, RegionDef};

use super::health::{health_exit, health_init};
use super::params::Applied;
use super::traps::{traps_exit, traps_init};
use super::{Era, NsimConfig};
use crate::SimError;

/// `NSIM_DEV_DUMMY_REGION_SIZE`: the `dummy` region's size in bytes.
pub const NSIM_DUMMY_REGION_SIZE: u64 = 32 * 1024;
/// `NSIM_DEV_DUMMY_REGION_SNAPSHOT_MAX`.
pub const NSIM_DUMMY_REGION_SNAPSHOT_MAX: u32 = 16;

/// A netdevsim device: its driver state (kernel: `struct nsim_dev`) and the
/// [`devlink_core::Driver`] callbacks (`nsim_dev_devlink_ops`). Reach it in a core with
/// [`Core::with_driver`].
#[derive(Debug)]
pub struct NsimDevice {
    pub(super) era: Era,
    pub(super) port_count: u32,
    /// Port indexes, most recent first (`port_list`, filled with `list_add`).
    pub(super) ports: Vec<u32>,
    pub(super) next_ifindex: u32,
    /// The applied driverinit values (debugfs `max_macs`, `test1`).
    pub(super) applied: Applied,
    /// The reload-scoped objects are gone (a reload failed after tearing them down).
    pub(super) torn_down: bool,
    /// debugfs `fail_reload`: `reload_up` fails with `EINVAL`.
    pub fail_reload: bool,
    /// debugfs `dont_allow_reload`: `reload_down` fails with `EOPNOTSUPP`.
    pub dont_allow_reload: bool,
}

impl NsimDevice {
    /// A device not yet probed.
    #[must_use]
    pub fn new(config: &NsimConfig) -> Self {
        Self {
            era: config.era,
            port_count: config.port_count,
            ports: Vec::new(),
            next_ifindex: config.first_ifindex,
            applied: Applied::default(),
            torn_down: false,
            fail_reload: false,
            dont_allow_reload: false,
        }
    }

    /// The applied `max_macs` (debugfs `max_macs`): changes only at reload.
    #[must_use]
    pub const fn max_macs(&self) -> u32 {
        self.applied.max_macs
    }

    /// The applied `test1` (debugfs `test1`): changes only at reload.
    #[must_use]
    pub const fn test1(&self) -> bool {
        self.applied.test1
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
    /// objects (debugfs, fib, bpf, psample and hwstats are not devlink objects here).
    fn probe_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        self.applied.register(devl)?;
        self.create_objects(devl)
    }

    /// `nsim_dev_reload_create` after loading the driverinit values: region `dummy`,
    /// traps (policers, groups, traps), health reporters, ports (ascending index).
    pub(super) fn create_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        devl.region_create(RegionDef {
            name: "dummy".into(),
            size: NSIM_DUMMY_REGION_SIZE,
            max_snapshots: NSIM_DUMMY_REGION_SNAPSHOT_MAX,
            port: None,
        })?;
        traps_init(devl)?;
        health_init(devl)?;
        for i in 0..self.port_count {
            self.port_add(devl, i)?;
        }
        self.torn_down = false;
        Ok(())
    }

    /// `nsim_dev_reload_destroy`: nothing if a reload failed (already gone); else ports
    /// (most recent first), health reporters, traps (traps, groups, policers, each in
    /// reverse), region `dummy` (its snapshots first).
    pub(super) fn destroy_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        if self.torn_down {
            return Ok(());
        }
        self.port_del_all(devl)?;
        health_exit(devl)?;
        traps_exit(devl)?;
        devl.region_destroy(None, "dummy")?;
        self.torn_down = true;
        Ok(())
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
        Applied::unregister(devl)
    })??;
    if era == Era::Mainline {
        core.unregister(id)?;
    }
    core.free(id)?;
    Ok(())
}
