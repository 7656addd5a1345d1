//! Traps, trap groups and trap policers (kernel: `net/devlink/trap.c`). A driver hands
//! over the objects as the kernel would describe them (the core sets the handle); the
//! core keeps the dependency order: policer → group → trap. Drop counts are not part of
//! what is stored: they are read at every fill (`trap_stats.rs`).

use devlink_wire::devlink::{Trap, TrapGroup, TrapPolicer};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction};

use crate::Devl;
use crate::error::{CoreError, TrapError};

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Trap.bit()
    | devlink_wire::watch::WatchKind::TrapGroup.bit()
    | devlink_wire::watch::WatchKind::TrapPolicer.bit();

impl Devl<'_> {
    /// `devl_trap_policers_register` for one policer; `TRAP_POLICER_NEW`. The body's
    /// `stats` are ignored: a policer's only counter, its drops, is read at every fill
    /// from [`crate::TrapCounters`].
    pub fn trap_policer_register(&mut self, mut policer: TrapPolicer) -> Result<(), CoreError> {
        let o = &mut self.inst.objects;
        if policer.id == 0 || o.policers.iter().any(|p| p.id == policer.id) {
            return Err(TrapError::Exists(format!("trap policer {}", policer.id)).into());
        }
        policer.handle = self.inst.handle.clone();
        policer.stats = None;
        let id = policer.id;
        o.policers.push(policer);
        self.changed_kinds(WATCHED);
        self.policer_notify(id, Cmd::TrapPolicerNew);
        Ok(())
    }

    /// `devl_trap_policers_unregister` for one policer; refused while a group is bound to
    /// it. `TRAP_POLICER_DEL`.
    pub fn trap_policer_unregister(&mut self, id: u32) -> Result<(), CoreError> {
        let o = &self.inst.objects;
        if !o.policers.iter().any(|p| p.id == id) {
            return Err(TrapError::NotFound(format!("trap policer {id}")).into());
        }
        if o.groups.iter().any(|g| g.policer_id == Some(id)) {
            return Err(TrapError::InUse(format!("trap policer {id}")).into());
        }
        self.policer_notify(id, Cmd::TrapPolicerDel);
        self.inst.objects.policers.retain(|p| p.id != id);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_trap_groups_register` for one group; its policer must exist.
    /// `TRAP_GROUP_NEW`.
    pub fn trap_group_register(&mut self, mut group: TrapGroup) -> Result<(), CoreError> {
        let o = &mut self.inst.objects;
        if o.groups.iter().any(|g| g.name == group.name) {
            return Err(TrapError::Exists(format!("trap group {}", group.name)).into());
        }
        if let Some(p) = group.policer_id
            && !o.policers.iter().any(|x| x.id == p)
        {
            return Err(TrapError::NotFound(format!("trap policer {p}")).into());
        }
        group.handle = self.inst.handle.clone();
        let name = group.name.clone();
        o.groups.push(group);
        self.changed_kinds(WATCHED);
        self.group_notify(&name, Cmd::TrapGroupNew);
        Ok(())
    }

    /// `devl_trap_groups_unregister` for one group; refused while traps are in it.
    /// `TRAP_GROUP_DEL`.
    pub fn trap_group_unregister(&mut self, name: &str) -> Result<(), CoreError> {
        let o = &self.inst.objects;
        if !o.groups.iter().any(|g| g.name == name) {
            return Err(TrapError::NotFound(format!("trap group {name}")).into());
        }
        if o.traps.iter().any(|t| t.group == name) {
            return Err(TrapError::InUse(format!("trap group {name}")).into());
        }
        self.group_notify(name, Cmd::TrapGroupDel);
        self.inst.objects.groups.retain(|g| g.name != name);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_traps_register` for one trap; its group must exist. `TRAP_NEW`. The body's
    /// packet and byte counters are kept; its `rx_dropped` is ignored (read at every
    /// fill from [`crate::TrapCounters`]).
    pub fn trap_register(&mut self, mut trap: Trap) -> Result<(), CoreError> {
        let o = &mut self.inst.objects;
        if o.traps.iter().any(|t| t.name == trap.name) {
            return Err(TrapError::Exists(format!("trap {}", trap.name)).into());
        }
        if !o.groups.iter().any(|g| g.name == trap.group) {
            return Err(TrapError::NotFound(format!("trap group {}", trap.group)).into());
        }
        trap.handle = self.inst.handle.clone();
        trap.stats.rx_dropped = None;
        let name = trap.name.clone();
        o.traps.push(trap);
        self.changed_kinds(WATCHED);
        self.trap_notify(&name, Cmd::TrapNew);
        Ok(())
    }

    /// `devl_traps_unregister` for one trap: the trap is disabled first (action `DROP`,
    /// silently: `devlink_trap_disable`, which the kernel applies to every trap of the
    /// batch before the first DEL), so `TRAP_DEL` carries action `DROP`. The
    /// unregistration replay, which runs without unregistering traps, keeps the action.
    pub fn trap_unregister(&mut self, name: &str) -> Result<(), CoreError> {
        let traps = self.inst.objects.traps.iter_mut();
        let Some(trap) = traps.into_iter().find(|t| t.name == name) else {
            return Err(TrapError::NotFound(format!("trap {name}")).into());
        };
        if trap.action != TrapAction::Drop {
            trap.action = TrapAction::Drop;
            self.changed_kinds(WATCHED);
        }
        self.trap_notify(name, Cmd::TrapDel);
        self.inst.objects.traps.retain(|t| t.name != name);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// A trap's action (`TRAP_SET`, `TRAP_GROUP_SET`, after the driver accepted it).
    /// Silent, as in the kernel; counted if it changes.
    pub(crate) fn trap_action_store(&mut self, name: &str, action: TrapAction) {
        let traps = self.inst.objects.traps.iter_mut();
        if let Some(t) = traps.into_iter().find(|t| t.name == name)
            && t.action != action
        {
            t.action = action;
            self.changed_kinds(WATCHED);
        }
    }

    /// A group's policer binding (`TRAP_GROUP_SET`, after the driver accepted it).
    /// Silent; counted if it changes.
    pub(crate) fn trap_group_policer_store(&mut self, name: &str, policer: Option<u32>) {
        let groups = self.inst.objects.groups.iter_mut();
        if let Some(g) = groups.into_iter().find(|g| g.name == name)
            && g.policer_id != policer
        {
            g.policer_id = policer;
            self.changed_kinds(WATCHED);
        }
    }

    /// A policer's rate and burst (`TRAP_POLICER_SET`, after the driver accepted them).
    /// Silent; counted if they change.
    pub(crate) fn trap_policer_store(&mut self, id: u32, rate: u64, burst: u64) {
        let policers = self.inst.objects.policers.iter_mut();
        if let Some(p) = policers.into_iter().find(|p| p.id == id)
            && (p.rate, p.burst) != (rate, burst)
        {
            (p.rate, p.burst) = (rate, burst);
            self.changed_kinds(WATCHED);
        }
    }

    fn policer_notify(&mut self, id: u32, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            let o = &inst.objects;
            let p = o.policers.iter().find(|p| p.id == id);
            p.map(|p| DevlinkBody::from(o.policer_notify_fill(p)))
        });
    }

    fn group_notify(&mut self, name: &str, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            let g = inst.objects.groups.iter().find(|g| g.name == name);
            g.cloned().map(DevlinkBody::from)
        });
    }

    fn trap_notify(&mut self, name: &str, cmd: Cmd) {
        self.notify(None, cmd, |inst| {
            let o = &inst.objects;
            let t = o.traps.iter().find(|t| t.name == name);
            t.map(|t| DevlinkBody::from(o.trap_notify_fill(t)))
        });
    }
}

#[cfg(test)]
mod tests {
    use devlink_wire::devlink::{Handle, Stats, TrapMetadata};
    use devlink_wire::message::DevlinkBody;
    use devlink_wire::spec::{Cmd, TrapAction, TrapType};

    use crate::{Core, NoopDriver};

    #[test]
    fn a_live_trap_del_carries_action_drop_and_the_replay_keeps_the_action() {
        let mut core = Core::new();
        let id = core.alloc(Handle::new("bus", "dev"), Box::new(NoopDriver));
        let mut devl = core.devl(id).unwrap();
        devl.trap_group_register(devlink_wire::devlink::TrapGroup {
            handle: Handle::new("", ""),
            name: "g".into(),
            generic: true,
            policer_id: None,
            stats: Stats::default(),
            unknown: Vec::new(),
        })
        .unwrap();
        for name in ["a", "b"] {
            devl.trap_register(devlink_wire::devlink::Trap {
                handle: Handle::new("", ""),
                group: "g".into(),
                name: name.into(),
                trap_type: TrapType::Control,
                generic: true,
                action: TrapAction::Trap,
                metadata: TrapMetadata::default(),
                stats: Stats::default(),
                unknown: Vec::new(),
            })
            .unwrap();
        }
        core.register(id).unwrap();
        while core.poll_notification().is_some() {}
        core.devl(id).unwrap().trap_unregister("b").unwrap();
        let n = core.poll_notification().unwrap();
        assert_eq!(n.cmd, Cmd::TrapDel);
        let DevlinkBody::Trap(t) = n.body else {
            panic!("{n:?}")
        };
        assert_eq!((t.name.as_str(), t.action), ("b", TrapAction::Drop));
        // Unregistering the instance replays "a" as it is.
        core.unregister(id).unwrap();
        let n = core.poll_notification().unwrap();
        let DevlinkBody::Trap(t) = n.body else {
            panic!("{n:?}")
        };
        assert_eq!((t.name.as_str(), t.action), ("a", TrapAction::Trap));
    }
}
