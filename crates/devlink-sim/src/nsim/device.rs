//! The device (kernel: `struct nsim_dev`, `nsim_drv_probe`, `nsim_drv_remove`,
//! `nsim_dev_reload_create` / `_destroy` in `drivers/net/netdevsim/dev.c`).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use devlink_core::{Core, CoreError, Devl, InstanceId, RegionDef};

use super::eswitch::Vfs;
use super::health::HealthData;
use super::knobs::Knobs;
use super::params::Applied;
use super::ports::PortKind;
use super::sb::SbData;
use super::traps::CounterFaults;
use super::{dpipe, extras, resources, traps};
use crate::{DeviceOptions, Era, SimError};

/// `NSIM_DEV_DUMMY_REGION_SIZE`: the `dummy` region's size in bytes.
pub const NSIM_DUMMY_REGION_SIZE: u64 = 32 * 1024;
/// `NSIM_DEV_DUMMY_REGION_SNAPSHOT_MAX`.
pub const NSIM_DUMMY_REGION_SNAPSHOT_MAX: u32 = 16;

/// A netdevsim device: its driver state (kernel: `struct nsim_dev` and the bus
/// device's `num_vfs` / `max_vfs`) and the [`devlink_core::Driver`] callbacks
/// (`nsim_dev_devlink_ops`, plus the ops netdevsim lacks when [`DeviceOptions`] asks
/// for them). Reach it in a core with [`Core::with_driver`]; the [`crate::Sim`] control
/// API does.
#[derive(Debug)]
pub struct NsimDevice {
    /// What it was created with.
    pub(super) opts: DeviceOptions,
    /// Ports, most recent first (`port_list`, filled with `list_add`).
    pub(super) ports: VecDeque<(u32, PortKind)>,
    /// The ifindex of each port's netdev.
    pub(super) ifindexes: BTreeMap<u32, u32>,
    pub(super) next_ifindex: u32,
    /// The applied driverinit values (debugfs `max_macs`, `test1`).
    pub(super) applied: Applied,
    /// The reload-scoped objects are gone (a reload failed after tearing them down).
    pub(super) torn_down: bool,
    /// The debugfs fault and behaviour knobs.
    pub(super) knobs: Knobs,
    /// The counter-read fault knobs, shared with the trap counter source.
    pub(super) counter_faults: Arc<CounterFaults>,
    /// The `health/` debugfs directory and the dummy reporter's context.
    pub(super) health: HealthData,
    /// SR-IOV and the e-switch mode.
    pub(super) vfs: Vfs,
    /// Shared buffer settings (beyond netdevsim).
    pub(super) sb: SbData,
    /// The next SF number (beyond netdevsim).
    pub(super) next_sfnum: u32,
    /// State of the deterministic generator that stands in for `get_random_bytes`.
    pub(super) prng: u64,
}

impl NsimDevice {
    /// A device not yet probed.
    #[must_use]
    pub fn new(opts: &DeviceOptions) -> Self {
        Self {
            opts: opts.clone(),
            ports: VecDeque::new(),
            ifindexes: BTreeMap::new(),
            next_ifindex: opts.first_ifindex,
            applied: Applied::default(),
            torn_down: false,
            knobs: Knobs::default(),
            counter_faults: Arc::default(),
            health: HealthData::default(),
            vfs: Vfs::new(opts.max_vfs),
            sb: SbData::new(&opts.shared_buffers),
            next_sfnum: 0,
            prng: 0x9e37_79b9_7f4a_7c15 ^ u64::from(opts.id),
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
        self.knobs.fail_reload = on;
    }

    /// Set the `dont_allow_reload` knob.
    pub const fn set_dont_allow_reload(&mut self, on: bool) {
        self.knobs.dont_allow_reload = on;
    }

    /// The register order and netdev tracking the device follows.
    #[must_use]
    pub const fn era(&self) -> Era {
        self.opts.register
    }

    /// The probe steps after `devlink_alloc`, up to (excluding) registration in 6.1:
    /// resources, params with their initial driverinit values, the objects beyond
    /// netdevsim that live as long as the device (line cards, shared buffers), then
    /// `nsim_dev_reload_create`'s objects (debugfs, fib, bpf, psample and hwstats are
    /// not devlink objects here).
    fn probe_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), SimError> {
        resources::register(devl)?;
        self.applied.register(devl, &self.opts)?;
        extras::create(devl, &self.opts)?;
        self.create_objects(devl)?;
        Ok(())
    }

    /// `nsim_dev_reload_create` after loading the driverinit values: the flash knobs
    /// reset, region `dummy`, traps (policers, groups, traps), health reporters, dpipe
    /// (beyond netdevsim, if the options ask for it), ports (ascending index).
    pub(super) fn create_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        self.knobs.reset_flash();
        devl.region_create(RegionDef {
            name: "dummy".into(),
            size: NSIM_DUMMY_REGION_SIZE,
            max_snapshots: NSIM_DUMMY_REGION_SNAPSHOT_MAX,
            port: None,
        })?;
        traps::traps_init(devl, &self.counter_faults)?;
        self.health = HealthData::default();
        super::health::health_init(devl)?;
        if self.opts.dpipe {
            dpipe::init(devl)?;
        }
        for i in 0..self.opts.ports {
            self.pf_port_add(devl, i)?;
        }
        self.torn_down = false;
        Ok(())
    }

    /// `nsim_dev_reload_destroy`: nothing if a reload failed (already gone); else VFs
    /// disabled (in switchdev mode: rate nodes and VF ports go, the e-switch back to
    /// legacy), ports (most recent first), dpipe, health reporters, traps (traps, groups,
    /// policers, each in reverse), region `dummy` (its snapshots first).
    pub(super) fn destroy_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        if self.torn_down {
            return Ok(());
        }
        if self.vfs.num_vfs != 0 {
            self.vfs.num_vfs = 0;
            if self.vfs.switchdev {
                self.legacy_enable(devl)?;
            }
        }
        self.port_del_all(devl)?;
        if self.opts.dpipe {
            dpipe::fini(devl);
        }
        super::health::health_exit(devl)?;
        traps::traps_exit(devl)?;
        devl.region_destroy(None, "dummy")?;
        self.torn_down = true;
        Ok(())
    }

    /// The remove steps after `nsim_dev_reload_destroy`: the long-lived objects beyond
    /// netdevsim, params (array order), resources.
    fn remove_objects(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        self.destroy_objects(devl)?;
        extras::destroy(devl, &self.opts)?;
        Applied::unregister(devl, &self.opts)?;
        devl.resources_unregister();
        Ok(())
    }

    /// `n` bytes from the deterministic generator (xorshift64*), standing in for
    /// `get_random_bytes`: the core draws no OS randomness.
    pub(super) fn random_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.prng ^= self.prng >> 12;
            self.prng ^= self.prng << 25;
            self.prng ^= self.prng >> 27;
            let word = self.prng.wrapping_mul(0x2545_f491_4f6c_dd1d);
            out.extend(word.to_le_bytes().iter().take(n - out.len()));
        }
        out
    }
}

/// `nsim_drv_probe`: allocate the instance (`netdevsim/netdevsim<id>` unless the
/// options name another handle) and create its objects, registering it last
/// ([`Era::Kernel61`]) or first ([`Era::Mainline`]). Then, as a user would after
/// `new_device`: `sriov_numvfs` and the e-switch mode of the options.
pub fn probe(core: &mut Core, opts: &DeviceOptions) -> Result<InstanceId, SimError> {
    opts.validate()?;
    let id = core.alloc(opts.devlink_handle()?, Box::new(NsimDevice::new(opts)));
    let result = (|| {
        if opts.register == Era::Mainline {
            core.register(id)?;
        }
        core.with_driver::<NsimDevice, _>(id, |d, devl| d.probe_objects(devl))??;
        if opts.register == Era::Kernel61 {
            core.register(id)?;
        }
        core.with_driver::<NsimDevice, _>(id, |d, devl| d.start_eswitch(devl))??;
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
    let era = core.with_driver::<NsimDevice, _>(id, |d, _| d.era())?;
    if era == Era::Kernel61 {
        core.unregister(id)?;
    }
    core.with_driver::<NsimDevice, _>(id, |d, devl| d.remove_objects(devl))??;
    if era == Era::Mainline {
        core.unregister(id)?;
    }
    core.free(id)?;
    Ok(())
}
