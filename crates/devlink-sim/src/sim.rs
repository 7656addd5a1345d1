//! [`Sim`]: the control API of the simulated bus — what `/sys/bus/netdevsim/` and the
//! debugfs knobs are to netdevsim (kernel: `drivers/net/netdevsim/bus.c`, `dev.c`),
//! as typed method calls on a [`Core`] the caller owns. Errors carry the kernel's
//! errno ([`SimError::errno`]).

use std::collections::BTreeMap;

use devlink_core::{Core, InstanceId, NoopDriver};

use crate::nsim::{FlashPacing, KNOBS, KnobAccess, NsimDevice, probe, remove};
use crate::options::parse_handle;
use crate::{DeviceOptions, SimError};

/// One device on the bus.
#[derive(Debug, Clone)]
struct Entry {
    instance: InstanceId,
    /// Instances nested in it ([`DeviceOptions::nested`]), in creation order.
    nested: Vec<InstanceId>,
}

/// The simulated bus: devices by netdevsim id, each a devlink instance in the caller's
/// [`Core`]. Every method that changes something takes the core; notifications are
/// queued there (drain them with [`Core::poll_notification`]).
#[derive(Debug, Default)]
pub struct Sim {
    devices: BTreeMap<u32, Entry>,
}

impl Sim {
    /// An empty bus.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `new_device`: probe a device (see [`probe`]), then create and register the
    /// instances nested in it. `-ENOSPC` for an id in use (the bus's id allocator),
    /// `-EINVAL` for options the bus or the simulator refuses.
    pub fn new_device(
        &mut self,
        core: &mut Core,
        options: &DeviceOptions,
    ) -> Result<InstanceId, SimError> {
        if self.devices.contains_key(&options.id) {
            return Err(SimError::DeviceExists(options.id));
        }
        let instance = probe(core, options)?;
        let mut entry = Entry {
            instance,
            nested: Vec::new(),
        };
        for h in &options.nested {
            if let Err(e) = nest(core, &mut entry, h) {
                // Undo: the device goes as a whole.
                let _ = unnest_all(core, &mut entry);
                let _ = remove(core, instance);
                return Err(e);
            }
        }
        self.devices.insert(options.id, entry);
        Ok(instance)
    }

    /// `new_device "ID [PORT_COUNT]"` as written to the bus file: the options of that
    /// line (everything else default).
    pub fn parse_new_device(line: &str) -> Result<DeviceOptions, SimError> {
        let mut it = line.split_whitespace();
        let bad = || SimError::invalid("new_device", line, "format is \"id [port_count]\"");
        let id = it.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let ports = match it.next() {
            Some(p) => p.parse().map_err(|_| bad())?,
            None => 1,
        };
        // Newer kernels accept a queue count; it has no devlink side.
        if it.nth(1).is_some() {
            return Err(bad());
        }
        Ok(DeviceOptions::new(id, ports))
    }

    /// `del_device`: the nested instances go (unregistered, freed), then the device
    /// ([`remove`]). `-ENOENT` for an unknown id.
    pub fn del_device(&mut self, core: &mut Core, id: u32) -> Result<(), SimError> {
        let mut entry = self.devices.remove(&id).ok_or(SimError::NoDevice(id))?;
        unnest_all(core, &mut entry)?;
        remove(core, entry.instance)
    }

    /// sysfs `new_port`: a PF port at `index` (`-EEXIST` if taken).
    pub fn new_port(&mut self, core: &mut Core, id: u32, index: u32) -> Result<(), SimError> {
        self.with(core, id, |d, devl| d.bus_port_add(devl, index))
    }

    /// sysfs `del_port`: the PF port at `index` (`-ENOENT` if there is none).
    pub fn del_port(&mut self, core: &mut Core, id: u32, index: u32) -> Result<(), SimError> {
        self.with(core, id, |d, devl| d.bus_port_del(devl, index))
    }

    /// sysfs `sriov_numvfs` write: `-EBUSY` from a non-zero count to another non-zero
    /// one, `-ENOMEM` above `max_vfs`. In switchdev mode VF ports (index `128 + n`, with
    /// rate leaves) come and go; disabling VFs there also destroys the rate nodes and
    /// goes back to legacy, as netdevsim does.
    pub fn sriov_numvfs(&mut self, core: &mut Core, id: u32, n: u32) -> Result<(), SimError> {
        self.with(core, id, |d, devl| d.sriov_numvfs(devl, n))
    }

    /// sysfs `sriov_numvfs` read.
    pub fn num_vfs(&self, core: &mut Core, id: u32) -> Result<u32, SimError> {
        self.with(core, id, |d, _| Ok(d.num_vfs()))
    }

    /// Write a debugfs knob by its path under the device's directory (`fail_reload`,
    /// `health/break_health`, … see [`KNOBS`]), as text the kernel would parse.
    /// `-ENOENT` for an unknown knob, `-EINVAL` (or the knob's own errno) for a bad
    /// value.
    pub fn set_knob(
        &mut self,
        core: &mut Core,
        id: u32,
        name: &str,
        value: &str,
    ) -> Result<(), SimError> {
        self.with(core, id, |d, devl| d.knob_set(devl, name, value))
    }

    /// Read a debugfs knob as the kernel prints it (`Y`/`N`, decimal). `-EACCES` for
    /// the write-only ones.
    pub fn get_knob(&self, core: &mut Core, id: u32, name: &str) -> Result<String, SimError> {
        self.with(core, id, |d, _| d.knob_get(name))
    }

    /// Every knob with its value (`None` for the write-only ones and unset values).
    pub fn knobs(
        &self,
        core: &mut Core,
        id: u32,
    ) -> Result<Vec<(&'static str, Option<String>)>, SimError> {
        self.with(core, id, |d, _| {
            Ok(KNOBS
                .iter()
                .map(|&(name, access)| {
                    let value = (access == KnobAccess::ReadWrite)
                        .then(|| d.knob_get(name).ok())
                        .flatten();
                    (name, value)
                })
                .collect())
        })
    }

    /// How the daemon should pace this device's flash status stream
    /// ([`DeviceOptions::flash_chunk_ms`]; see [`FlashPacing`]).
    pub fn flash_pacing(&self, core: &mut Core, id: u32) -> Result<FlashPacing, SimError> {
        self.with(core, id, |d, _| Ok(d.flash_pacing()))
    }

    /// The instance of device `id`.
    #[must_use]
    pub fn instance(&self, id: u32) -> Option<InstanceId> {
        self.devices.get(&id).map(|e| e.instance)
    }

    /// Every device: netdevsim id and instance, by id.
    pub fn devices(&self) -> impl Iterator<Item = (u32, InstanceId)> + '_ {
        self.devices.iter().map(|(&id, e)| (id, e.instance))
    }

    /// Run `f` with device `id`'s driver and instance.
    fn with<R>(
        &self,
        core: &mut Core,
        id: u32,
        f: impl FnOnce(&mut NsimDevice, &mut devlink_core::Devl<'_>) -> Result<R, SimError>,
    ) -> Result<R, SimError> {
        let entry = self.devices.get(&id).ok_or(SimError::NoDevice(id))?;
        core.with_driver::<NsimDevice, _>(entry.instance, f)?
    }
}

/// A bare instance at `handle`, nested in the device (`devl_nested_devlink_set`), then
/// registered: its `NEW`, then the parent's `NEW` listing it.
fn nest(core: &mut Core, entry: &mut Entry, handle: &str) -> Result<(), SimError> {
    let child = core.alloc(parse_handle("nested", handle)?, Box::new(NoopDriver));
    let linked = core
        .devl(entry.instance)
        .and_then(|mut devl| devl.nested_devlink_set(child))
        .and_then(|()| core.register(child));
    if let Err(e) = linked {
        let _ = core.free(child);
        return Err(e.into());
    }
    entry.nested.push(child);
    Ok(())
}

/// The nested instances go, most recent first.
fn unnest_all(core: &mut Core, entry: &mut Entry) -> Result<(), SimError> {
    while let Some(child) = entry.nested.pop() {
        core.unregister(child)?;
        core.free(child)?;
    }
    Ok(())
}
