//! Folding a notification stream into the state it describes, and the same view taken
//! from the core's dumps. The contract (brief §3.1 rule 10): from an instance's `NEW`
//! on, folding its notifications gives exactly what a dump shows.
//!
//! The view covers the objects that have notifications: instances, ports, params, trap
//! policers, groups and traps, rates, regions (size and snapshot ids; a region event does
//! not carry `max_snapshots`) and line cards. Health reporters, shared buffers,
//! resources, eswitch, info and dpipe have no notifications in the `devlink` family.
//!
//! The kernel changes some attributes of notified objects silently, and the `devlink`
//! family stays compatible with it: a trap's action (`TRAP_SET`, `TRAP_GROUP_SET`), a
//! group's policer binding (`TRAP_GROUP_SET`), a policer's rate and burst
//! (`TRAP_POLICER_SET`), and every packet and drop counter (`STATS`; drops are read
//! from the driver at every fill, so two fills may differ). The view leaves those
//! attributes out (`View::put`). The watch stream will carry the set-request changes
//! (they advance the revision); counters are read, never announced.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use devlink_wire::devlink::{
    Dev, Handle, Linecard, Param, Port, Rate, RateKey, RegionEventKind, Stats, Trap, TrapGroup,
    TrapPolicer,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction};

use crate::Core;

/// What is known about one instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceView {
    /// The instance's own attributes.
    pub dev: Option<Dev>,
    /// By index.
    pub ports: BTreeMap<u32, Arc<Port>>,
    /// By name.
    pub params: BTreeMap<String, Param>,
    /// By id.
    pub policers: BTreeMap<u32, TrapPolicer>,
    /// By name.
    pub groups: BTreeMap<String, TrapGroup>,
    /// By name.
    pub traps: BTreeMap<String, Trap>,
    /// By `leaf N` / `node NAME`.
    pub rates: BTreeMap<String, Rate>,
    /// By (port, name): size and snapshot ids.
    pub regions: BTreeMap<(Option<u32>, String), (u64, BTreeSet<u32>)>,
    /// By index.
    pub linecards: BTreeMap<u32, Linecard>,
}

/// Every visible instance, by handle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    /// By handle.
    pub instances: BTreeMap<Handle, InstanceView>,
}

fn rate_key(key: &RateKey) -> String {
    match key {
        RateKey::Leaf(p) => format!("leaf {p}"),
        RateKey::Node(n) => format!("node {n}"),
    }
}

impl View {
    /// The view a dump of every registered instance of `core` gives.
    #[must_use]
    pub fn from_dump(core: &Core) -> Self {
        let mut view = Self::default();
        for id in core.registered() {
            for (_, body) in core.dump_objects(id).unwrap_or_default() {
                view.put(body);
            }
        }
        view
    }

    /// Apply one notification (commands the view does not track are ignored).
    pub fn apply(&mut self, cmd: Cmd, body: &DevlinkBody) {
        let del = matches!(
            cmd,
            Cmd::Del
                | Cmd::PortDel
                | Cmd::ParamDel
                | Cmd::TrapPolicerDel
                | Cmd::TrapGroupDel
                | Cmd::TrapDel
                | Cmd::RateDel
                | Cmd::RegionDel
                | Cmd::LinecardDel
        );
        if !del {
            if cmd != Cmd::HealthReporterRecover {
                self.put(body.clone());
            }
            return;
        }
        match body {
            DevlinkBody::Dev(d) => {
                self.instances.remove(&d.handle);
            }
            DevlinkBody::Port(p) => {
                self.inst(&p.handle).ports.remove(&p.index);
            }
            DevlinkBody::Param(p) => {
                self.inst(&p.handle).params.remove(&p.name);
            }
            DevlinkBody::TrapPolicer(p) => {
                self.inst(&p.handle).policers.remove(&p.id);
            }
            DevlinkBody::TrapGroup(g) => {
                self.inst(&g.handle).groups.remove(&g.name);
            }
            DevlinkBody::Trap(t) => {
                self.inst(&t.handle).traps.remove(&t.name);
            }
            DevlinkBody::Rate(r) => {
                self.inst(&r.handle).rates.remove(&rate_key(&r.key));
            }
            DevlinkBody::RegionEvent(r) => {
                let key = (r.port_index, r.name.clone());
                let regions = &mut self.inst(&r.handle).regions;
                match r.kind {
                    RegionEventKind::Size(_) => {
                        regions.remove(&key);
                    }
                    RegionEventKind::Snapshot(id) => {
                        if let Some((_, snaps)) = regions.get_mut(&key) {
                            snaps.remove(&id);
                        }
                    }
                }
            }
            DevlinkBody::Linecard(l) => {
                self.inst(&l.handle).linecards.remove(&l.index);
            }
            _ => {}
        }
    }

    fn inst(&mut self, handle: &Handle) -> &mut InstanceView {
        self.instances.entry(handle.clone()).or_default()
    }

    /// Insert or update the object a NEW (or dump reply) describes, without the
    /// attributes the kernel changes silently (module docs).
    fn put(&mut self, body: DevlinkBody) {
        match body {
            DevlinkBody::Dev(d) => {
                let d = Arc::unwrap_or_clone(d);
                let h = d.handle.clone();
                self.inst(&h).dev = Some(d);
            }
            DevlinkBody::Port(p) => {
                self.inst(&p.handle.clone()).ports.insert(p.index, p);
            }
            DevlinkBody::Param(p) => {
                let p = Arc::unwrap_or_clone(p);
                self.inst(&p.handle.clone())
                    .params
                    .insert(p.name.clone(), p);
            }
            DevlinkBody::TrapPolicer(p) => {
                let mut p = Arc::unwrap_or_clone(p);
                p.rate = 0;
                p.burst = 0;
                // Whether a policer has stats at all is whether its counter read
                // succeeded at that fill: read state, not notified state.
                p.stats = None;
                self.inst(&p.handle.clone()).policers.insert(p.id, p);
            }
            DevlinkBody::TrapGroup(g) => {
                let mut g = Arc::unwrap_or_clone(g);
                g.policer_id = None;
                g.stats = Stats::default();
                self.inst(&g.handle.clone())
                    .groups
                    .insert(g.name.clone(), g);
            }
            DevlinkBody::Trap(t) => {
                let mut t = Arc::unwrap_or_clone(t);
                t.action = TrapAction::Drop;
                t.stats = Stats::default();
                self.inst(&t.handle.clone()).traps.insert(t.name.clone(), t);
            }
            DevlinkBody::Rate(r) => {
                let r = Arc::unwrap_or_clone(r);
                self.inst(&r.handle.clone())
                    .rates
                    .insert(rate_key(&r.key), r);
            }
            DevlinkBody::Region(r) => {
                let snaps = r.snapshots.iter().copied().collect();
                let regions = &mut self.inst(&r.handle).regions;
                regions.insert((r.port_index, r.name.clone()), (r.size, snaps));
            }
            DevlinkBody::RegionEvent(r) => {
                let key = (r.port_index, r.name.clone());
                let regions = &mut self.inst(&r.handle).regions;
                match r.kind {
                    RegionEventKind::Size(size) => {
                        regions.entry(key).or_default().0 = size;
                    }
                    RegionEventKind::Snapshot(id) => {
                        regions.entry(key).or_default().1.insert(id);
                    }
                }
            }
            DevlinkBody::Linecard(l) => {
                let l = Arc::unwrap_or_clone(l);
                self.inst(&l.handle.clone()).linecards.insert(l.index, l);
            }
            _ => {}
        }
    }
}
