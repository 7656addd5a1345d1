//! [`Core`]: every instance, the lifecycle transitions and the notification queue.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use devlink_wire::devlink::Handle;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, KernelEnum, ReloadAction, ReloadLimit};

use crate::driver::{Driver, DriverError};
use crate::error::{CoreError, LifecycleError};
use crate::instance::{Instance, Lifecycle};
use crate::nested::Relations;
use crate::notify::{Notification, Notifier};
use crate::objects::Sink;
use crate::{Devl, Errno, InstanceId, Time};

/// The devlink core: one owner of all state. Drive it with method calls; drain
/// notifications with [`Core::poll_notification`] in the order they were queued.
#[derive(Debug, Default)]
pub struct Core {
    pub(crate) instances: BTreeMap<InstanceId, Instance>,
    next_id: u32,
    pub(crate) notifier: Notifier,
    pub(crate) relations: Relations,
    pub(crate) time: Time,
    pub(crate) watch: crate::watch::WatchState,
}

impl Core {
    /// An empty core.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `devlink_alloc`: a new, invisible instance driven by `driver`. Nothing is notified
    /// until [`Core::register`].
    pub fn alloc(&mut self, handle: Handle, driver: Box<dyn Driver>) -> InstanceId {
        let id = InstanceId(self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
        self.relations.set_peer(id, &handle, Lifecycle::Allocated);
        self.instances.insert(id, Instance::new(handle, driver));
        self.notifier.bump();
        id
    }

    /// The instance, borrowed for changes through the driver-side API.
    pub fn devl(&mut self, id: InstanceId) -> Result<Devl<'_>, CoreError> {
        let inst = self
            .instances
            .get_mut(&id)
            .ok_or(CoreError::NoInstance(id))?;
        Ok(Devl {
            id,
            inst,
            notifier: &mut self.notifier,
            rels: &mut self.relations,
            time: self.time,
        })
    }

    /// Set the time the core works with from now on (see [`Time`]). Not a state change.
    pub const fn set_time(&mut self, time: Time) {
        self.time = time;
    }

    /// The instance's driver as its concrete type `T`, with the instance borrowed for
    /// changes: the counterpart of a kernel driver reaching `devlink_priv()` under the
    /// instance lock (probe steps after `alloc`, driver-side events such as a port added
    /// from sysfs, fault knobs). Changes to objects still go through [`Devl`] and are
    /// notified under the registration gate.
    pub fn with_driver<T: Driver, R>(
        &mut self,
        id: InstanceId,
        f: impl FnOnce(&mut T, &mut Devl<'_>) -> R,
    ) -> Result<R, CoreError> {
        if !self.instances.contains_key(&id) {
            return Err(CoreError::NoInstance(id));
        }
        self.lend_driver(id, |driver, devl| {
            (driver as &mut dyn Any)
                .downcast_mut::<T>()
                .map(|d| f(d, devl))
        })
        .flatten()
        .ok_or(CoreError::DriverUnavailable(id))
    }

    /// Lend an instance's driver for one call, with the instance borrowed for changes:
    /// the driver is taken out of the instance meanwhile (so both can be borrowed) and
    /// put back after. `None` if there is no such instance or its driver is already
    /// lent (a callback cannot re-enter its own driver).
    pub(crate) fn lend_driver<R>(
        &mut self,
        id: InstanceId,
        f: impl FnOnce(&mut dyn Driver, &mut Devl<'_>) -> R,
    ) -> Option<R> {
        let inst = self.instances.get_mut(&id)?;
        if inst.is_registered() {
            // The driver may change what its getters answer (e-switch, shared buffers).
            self.notifier
                .dirty
                .kinds(id, crate::watch::dirty::DRIVER_KINDS);
        }
        let mut driver = inst.driver.take()?;
        let result = self
            .devl(id)
            .ok()
            .map(|mut devl| f(driver.as_mut(), &mut devl));
        if let Some(inst) = self.instances.get_mut(&id) {
            inst.driver = Some(driver);
        }
        result
    }

    /// `devl_register`: the instance becomes visible. Queues its `NEW`, then the
    /// replay of every object it already has (see `objects/replay.rs`).
    pub fn register(&mut self, id: InstanceId) -> Result<(), CoreError> {
        let inst = self.instances.get(&id).ok_or(CoreError::NoInstance(id))?;
        if inst.lifecycle != Lifecycle::Allocated {
            return Err(LifecycleError::NotAllocated(inst.handle.clone()).into());
        }
        if self.lookup(&inst.handle).is_some() {
            return Err(LifecycleError::HandleInUse(inst.handle.clone()).into());
        }
        let inst = self
            .instances
            .get_mut(&id)
            .ok_or(CoreError::NoInstance(id))?;
        inst.lifecycle = Lifecycle::Registered;
        self.notifier.bump();
        self.notifier.dirty.all(id);
        let mut sink = self
            .notifier
            .sink(id, &inst.handle, 1 + inst.objects.replay_len());
        sink.push((None, Cmd::New, DevlinkBody::from(inst.fill())));
        inst.objects.replay_register(&mut sink);
        self.nested_lifecycle_changed(id, Lifecycle::Registered);
        Ok(())
    }

    /// `devl_unregister`: queues the DEL of every remaining object, then the instance's
    /// `DEL`; afterwards the instance is invisible and nothing more is queued about it.
    pub fn unregister(&mut self, id: InstanceId) -> Result<(), CoreError> {
        let inst = self
            .instances
            .get_mut(&id)
            .ok_or(CoreError::NoInstance(id))?;
        if inst.lifecycle != Lifecycle::Registered {
            return Err(LifecycleError::NotRegistered(inst.handle.clone()).into());
        }
        let mut sink = self
            .notifier
            .sink(id, &inst.handle, 1 + inst.objects.replay_len());
        inst.objects.replay_unregister(&mut sink);
        sink.push((None, Cmd::Del, DevlinkBody::from(inst.fill())));
        inst.lifecycle = Lifecycle::Unregistered;
        self.notifier.bump();
        self.notifier.dirty.all(id);
        self.nested_lifecycle_changed(id, Lifecycle::Unregistered);
        Ok(())
    }

    /// `devlink_free`: forget an instance that is not registered, with whatever objects
    /// it still has (silently: it is invisible).
    pub fn free(&mut self, id: InstanceId) -> Result<(), CoreError> {
        let inst = self.instances.get(&id).ok_or(CoreError::NoInstance(id))?;
        if inst.lifecycle == Lifecycle::Registered {
            return Err(LifecycleError::StillRegistered(inst.handle.clone()).into());
        }
        self.instances.remove(&id);
        self.relations.forget(id);
        self.notifier.bump();
        Ok(())
    }

    /// `devlink_reload` after the request checks: `reload_down`, driverinit values and
    /// new resource sizes applied (driver_reinit), `reload_up`, the `reload_failed` flag (instance `NEW` if
    /// it changed), then on success the statistics and the instance `NEW`. Returns the
    /// actions performed (bitmask). A failed `reload_down` changes and emits nothing.
    pub fn reload(
        &mut self,
        id: InstanceId,
        action: ReloadAction,
        limit: ReloadLimit,
    ) -> Result<u32, DriverError> {
        let no_dev = || DriverError::new(Errno::ENODEV, "");
        let inst = self.instances.get_mut(&id).ok_or_else(no_dev)?;
        if !inst.is_registered() {
            return Err(no_dev());
        }
        self.lend_driver(id, |driver, devl| reload_with(driver, devl, action, limit))
            .unwrap_or_else(|| Err(no_dev()))
    }

    /// The next queued notification, in queue order.
    pub fn poll_notification(&mut self) -> Option<Notification> {
        self.notifier.pop()
    }

    /// How many notifications are queued.
    #[must_use]
    pub fn pending_notifications(&self) -> usize {
        self.notifier.len()
    }

    /// The global revision: advanced by every change.
    #[must_use]
    pub const fn revision(&self) -> u64 {
        self.notifier.revision()
    }

    /// The registered instance with this handle (what requests resolve).
    #[must_use]
    pub fn lookup(&self, handle: &Handle) -> Option<InstanceId> {
        self.instances
            .iter()
            .find(|(_, i)| i.is_registered() && &i.handle == handle)
            .map(|(&id, _)| id)
    }

    /// An instance's place in its life, if it is allocated.
    #[must_use]
    pub fn lifecycle(&self, id: InstanceId) -> Option<Lifecycle> {
        self.instances.get(&id).map(|i| i.lifecycle)
    }

    /// Registered instances in index order (the order of unfiltered dumps).
    pub fn registered(&self) -> impl Iterator<Item = InstanceId> + '_ {
        self.instances
            .iter()
            .filter(|(_, i)| i.is_registered())
            .map(|(&id, _)| id)
    }

    /// What dumps of every notified object kind show for a registered instance, in
    /// dump order: the instance (`NEW`), line cards, ports, trap policers, trap groups,
    /// traps, rates, regions (with their snapshot lists), params. `None` if the
    /// instance is not registered. Like a dump, it reads the trap and policer drop
    /// counters ([`crate::TrapCounters`]), which a counting source advances.
    #[must_use]
    pub fn dump_objects(&self, id: InstanceId) -> Option<Vec<(Cmd, DevlinkBody)>> {
        let inst = self.instances.get(&id).filter(|i| i.is_registered())?;
        let o = &inst.objects;
        let mut out = vec![(Cmd::New, DevlinkBody::from(inst.fill()))];
        out.extend(
            o.linecards
                .iter()
                .map(|l| (Cmd::LinecardNew, DevlinkBody::from(l.clone()))),
        );
        out.extend(
            o.ports
                .values()
                .map(|p| (Cmd::PortNew, DevlinkBody::Port(Arc::clone(p)))),
        );
        out.extend(o.policers.iter().map(|p| {
            (
                Cmd::TrapPolicerNew,
                DevlinkBody::from(o.policer_notify_fill(p)),
            )
        }));
        out.extend(
            o.groups
                .iter()
                .map(|g| (Cmd::TrapGroupNew, DevlinkBody::from(g.clone()))),
        );
        out.extend(
            o.traps
                .iter()
                .map(|t| (Cmd::TrapNew, DevlinkBody::from(o.trap_notify_fill(t)))),
        );
        out.extend(
            o.rates
                .iter()
                .map(|r| (Cmd::RateNew, DevlinkBody::from(r.clone()))),
        );
        out.extend(
            o.regions
                .iter()
                .map(|r| (Cmd::RegionGet, DevlinkBody::from(r.region.clone()))),
        );
        out.extend(
            o.params
                .values()
                .map(|p| (Cmd::ParamGet, DevlinkBody::from(p.param.clone()))),
        );
        Some(out)
    }
}

/// The reload sequence proper, with the driver lent (see [`Core::reload`]).
fn reload_with(
    driver: &mut dyn Driver,
    devl: &mut Devl<'_>,
    action: ReloadAction,
    limit: ReloadLimit,
) -> Result<u32, DriverError> {
    driver.reload_down(devl, false, action, limit)?;
    if action == ReloadAction::DriverReinit {
        devl.params_driverinit_load_new();
        devl.resources_commit();
    }
    let up = driver.reload_up(devl, action, limit);
    let failed = up.is_err();
    if devl.inst.reload_failed != failed {
        devl.inst.reload_failed = failed;
        devl.changed();
        devl.notify(None, Cmd::New, |inst| Some(DevlinkBody::from(inst.fill())));
    }
    let performed = up?;
    devl.inst.stats.add(limit, performed | (1 << action.repr()));
    devl.changed();
    devl.notify(None, Cmd::New, |inst| Some(DevlinkBody::from(inst.fill())));
    Ok(performed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoopDriver, PortAttrs};

    #[derive(Debug, Default)]
    struct Counter(u32);
    impl Driver for Counter {}

    fn handle() -> Handle {
        Handle::new("bus", "dev")
    }

    #[test]
    fn with_driver_reaches_the_concrete_driver_and_the_instance() {
        let mut core = Core::new();
        let id = core.alloc(handle(), Box::new(Counter(41)));
        core.register(id).unwrap();
        while core.poll_notification().is_some() {}
        let got = core
            .with_driver::<Counter, _>(id, |c, devl| {
                c.0 += 1;
                devl.port_register(0, PortAttrs::physical(1)).unwrap();
                c.0
            })
            .unwrap();
        assert_eq!(got, 42);
        // The change went through Devl: notified, and the driver kept its state.
        assert_eq!(core.poll_notification().unwrap().cmd, Cmd::PortNew);
        assert_eq!(core.with_driver::<Counter, _>(id, |c, _| c.0), Ok(42));
    }

    #[test]
    fn with_driver_refuses_another_type_and_changes_nothing() {
        let mut core = Core::new();
        let id = core.alloc(handle(), Box::new(NoopDriver));
        let rev = core.revision();
        assert_eq!(
            core.with_driver::<Counter, _>(id, |_, _| ()),
            Err(CoreError::DriverUnavailable(id))
        );
        assert_eq!(core.revision(), rev);
        // The driver was put back.
        assert_eq!(core.with_driver::<NoopDriver, _>(id, |_, _| 1), Ok(1));
        let gone = InstanceId(99);
        assert_eq!(
            core.with_driver::<NoopDriver, _>(gone, |_, _| ()),
            Err(CoreError::NoInstance(gone))
        );
    }
}
