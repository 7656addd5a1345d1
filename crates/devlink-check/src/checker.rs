//! The ordering checker: validates an event stream of the `devlink` family against the
//! notification contract (brief §3.1). Reused by the core's tests, the daemon's tests,
//! `dlctl monitor --check` and our tools.
//!
//! Structural rules hold for any stream (with or without revisions): the instance window
//! (rules 1–2), parents before children and children deleted first (rule 5), nothing left
//! at the instance's `DEL` (rule 4), no `DEL` of an object never announced. When events
//! carry the core's revisions, the registration and unregistration bursts (the events
//! sharing the instance `NEW`'s / `DEL`'s revision) are also checked for the replay
//! order of rule 3 and rule 4. A `lost` marker (`ENOBUFS`) resets what is known, since
//! only a re-dump can recover.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use devlink_wire::devlink::{Handle, RateKey, RegionEventKind};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

/// A broken rule, with the index of the offending event in the stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// An event about an instance that is not between its `NEW` and `DEL` (rules 1–2).
    #[error("event {at}: {cmd:?} about {handle} outside its NEW..DEL window")]
    OutsideWindow {
        /// Event index.
        at: usize,
        /// The command.
        cmd: Cmd,
        /// The instance.
        handle: Handle,
    },
    /// A child announced before its parent (rule 5).
    #[error("event {at}: {child} announced before its parent {parent}")]
    ParentMissing {
        /// Event index.
        at: usize,
        /// The child object.
        child: String,
        /// The missing parent.
        parent: String,
    },
    /// A parent deleted while a child is still announced (rule 5, reversed).
    #[error("event {at}: {parent} deleted while {child} still exists")]
    ChildRemains {
        /// Event index.
        at: usize,
        /// The parent being deleted.
        parent: String,
        /// A remaining child.
        child: String,
    },
    /// The instance `DEL` came while sub-objects were still announced (rule 4).
    #[error("event {at}: {handle} DEL while {remaining} is still announced")]
    NotEmptyAtDel {
        /// Event index.
        at: usize,
        /// The instance.
        handle: Handle,
        /// One remaining object.
        remaining: String,
    },
    /// A `DEL` for an object that was never announced.
    #[error("event {at}: DEL of {object}, which was never announced")]
    DelOfUnknown {
        /// Event index.
        at: usize,
        /// The object.
        object: String,
    },
    /// A registration or unregistration burst out of the replay order (rules 3–4).
    #[error("event {at}: {object} out of replay order ({why})")]
    ReplayOrder {
        /// Event index.
        at: usize,
        /// The object.
        object: String,
        /// What precedes what.
        why: &'static str,
    },
}

/// A DEL of an unregistration burst: event index, rank, port index, object.
type PendingDel = (usize, u8, u32, String);

/// What is announced about one instance.
#[derive(Debug, Default)]
struct Model {
    ports: BTreeMap<u32, Option<u32>>,
    params: BTreeSet<String>,
    policers: BTreeSet<u32>,
    groups: BTreeMap<String, Option<u32>>,
    traps: BTreeMap<String, String>,
    rates: BTreeMap<String, Option<String>>,
    regions: BTreeMap<(Option<u32>, String), BTreeSet<u32>>,
    linecards: BTreeSet<u32>,
    /// The revision of the instance's `NEW` that opened the window.
    opened_at: Option<u64>,
    /// Rank and port index of the last event of the registration burst.
    register_burst: Option<(u8, Option<u32>)>,
    /// The DELs of the current revision, waiting for the instance `DEL`.
    del_run: Option<(u64, Vec<PendingDel>)>,
}

/// Validates events one at a time.
#[derive(Debug, Default)]
pub struct Checker {
    instances: HashMap<Handle, Model>,
    at: usize,
}

fn rate_name(key: &RateKey) -> String {
    match key {
        RateKey::Leaf(p) => format!("rate leaf {p}"),
        RateKey::Node(n) => format!("rate node {n}"),
    }
}

/// Replay rank at registration: line cards, ports, policers, groups, traps, rates,
/// regions, params.
fn register_rank(cmd: Cmd) -> Option<u8> {
    Some(match cmd {
        Cmd::LinecardNew => 0,
        Cmd::PortNew => 1,
        Cmd::TrapPolicerNew => 2,
        Cmd::TrapGroupNew => 3,
        Cmd::TrapNew => 4,
        Cmd::RateNew => 5,
        Cmd::RegionNew => 6,
        Cmd::ParamNew => 7,
        _ => return None,
    })
}

/// Replay rank at unregistration: params, regions, rates, traps, groups, policers, ports,
/// line cards.
fn unregister_rank(cmd: Cmd) -> Option<u8> {
    Some(match cmd {
        Cmd::ParamDel => 0,
        Cmd::RegionDel => 1,
        Cmd::RateDel => 2,
        Cmd::TrapDel => 3,
        Cmd::TrapGroupDel => 4,
        Cmd::TrapPolicerDel => 5,
        Cmd::PortDel => 6,
        Cmd::LinecardDel => 7,
        _ => return None,
    })
}

/// The instance handle of a devlink body, if it has one.
#[must_use]
pub fn body_handle(body: &DevlinkBody) -> Option<&Handle> {
    Some(match body {
        DevlinkBody::Dev(b) => &b.handle,
        DevlinkBody::Port(b) => &b.handle,
        DevlinkBody::Param(b) => &b.handle,
        DevlinkBody::TrapPolicer(b) => &b.handle,
        DevlinkBody::TrapGroup(b) => &b.handle,
        DevlinkBody::Trap(b) => &b.handle,
        DevlinkBody::Rate(b) => &b.handle,
        DevlinkBody::RegionEvent(b) => &b.handle,
        DevlinkBody::Linecard(b) => &b.handle,
        DevlinkBody::HealthReporter(b) => &b.handle,
        DevlinkBody::FlashStatus(b) => &b.handle,
        _ => return None,
    })
}

impl Checker {
    /// A checker that has seen nothing.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Events were lost (`ENOBUFS`): forget everything; checking resumes from the next
    /// instance `NEW` of each instance.
    pub fn lost(&mut self) {
        self.instances.clear();
    }

    /// An object a dump showed exists: recorded without checks, and without counting an
    /// event. An observer that missed history (it subscribed after instances were
    /// registered, or lost events: kernel-semantics N1, N7) seeds the checker with a
    /// dump taken after subscribing — instances first, then every replayable object —
    /// so that later events about those objects are judged against what exists. Takes
    /// the `GET` replies (a region with its snapshots); other bodies are ignored.
    pub fn seed(&mut self, body: &DevlinkBody) {
        let Some(handle) = body_handle(body).or(match body {
            DevlinkBody::Region(r) => Some(&r.handle),
            _ => None,
        }) else {
            return;
        };
        let m = self.instances.entry(handle.clone()).or_default();
        if let DevlinkBody::Region(r) = body {
            let snaps = m.regions.entry((r.port_index, r.name.clone())).or_default();
            snaps.extend(r.snapshots.iter().copied());
        } else {
            record(m, true, body);
        }
    }

    /// An event that cannot be judged: one received while the state it applies to was
    /// still being learnt (between subscribing and the end of the seeding dump, whose
    /// parts may come before or after it). Applied without checks, and counted as an
    /// event, so that event numbers stay those of the stream.
    pub fn assume(&mut self, cmd: Cmd, body: &DevlinkBody) {
        self.at += 1;
        let Some(handle) = body_handle(body) else {
            return;
        };
        match (cmd, self.instances.get_mut(handle)) {
            (Cmd::New, None) => {
                self.instances.insert(handle.clone(), Model::default());
            }
            (Cmd::Del, Some(_)) => {
                self.instances.remove(handle);
            }
            (_, Some(m)) => {
                if let Some(new) = kind(cmd) {
                    record(m, new, body);
                }
            }
            (_, None) => {}
        }
    }

    /// Check one event. `revision` is the core's revision when known.
    pub fn check(
        &mut self,
        revision: Option<u64>,
        cmd: Cmd,
        body: &DevlinkBody,
    ) -> Result<(), Violation> {
        let at = self.at;
        self.at += 1;
        let Some(handle) = body_handle(body) else {
            return Ok(());
        };
        if cmd == Cmd::New {
            match self.instances.get_mut(handle) {
                Some(m) => {
                    // An update (reload, flag change): ends any burst.
                    if revision.is_none() || revision != m.opened_at {
                        m.register_burst = None;
                    }
                    m.del_run = None;
                }
                None => {
                    let m = Model {
                        opened_at: revision,
                        register_burst: revision.map(|_| (0, None)),
                        ..Model::default()
                    };
                    self.instances.insert(handle.clone(), m);
                }
            }
            return Ok(());
        }
        let Some(m) = self.instances.get_mut(handle) else {
            return Err(Violation::OutsideWindow {
                at,
                cmd,
                handle: handle.clone(),
            });
        };
        if cmd == Cmd::Del {
            let m = self.instances.remove(handle).unwrap_or_default();
            return check_del_burst(&m, at, revision, handle);
        }
        // Registration burst: same revision as the opening NEW.
        let in_burst = revision.is_some() && revision == m.opened_at;
        if !in_burst {
            m.register_burst = None;
        }
        if let (Some(rank), Some((last_rank, last_port))) = (register_rank(cmd), m.register_burst) {
            let port = match body {
                DevlinkBody::Port(p) => p.index,
                _ => 0,
            };
            if rank < last_rank {
                return Err(Violation::ReplayOrder {
                    at,
                    object: describe(cmd, body),
                    why: "registration replays line cards, ports, policers, groups, traps, rates, regions, params",
                });
            }
            if rank == 1 && last_rank == 1 && last_port.is_some_and(|last| port <= last) {
                return Err(Violation::ReplayOrder {
                    at,
                    object: describe(cmd, body),
                    why: "ports are replayed by ascending index",
                });
            }
            m.register_burst = Some((rank, (rank == 1).then_some(port)));
        }
        // Unregistration burst: DELs sharing one revision, checked at the instance DEL.
        match (unregister_rank(cmd), revision) {
            (Some(rank), Some(rev)) => {
                let port = match body {
                    DevlinkBody::Port(p) => p.index,
                    _ => 0,
                };
                let run = m.del_run.get_or_insert_with(|| (rev, Vec::new()));
                if run.0 != rev {
                    *run = (rev, Vec::new());
                }
                run.1.push((at, rank, port, describe(cmd, body)));
            }
            _ => m.del_run = None,
        }
        apply(m, at, cmd, body)
    }
}

fn check_del_burst(
    m: &Model,
    at: usize,
    revision: Option<u64>,
    handle: &Handle,
) -> Result<(), Violation> {
    if let Some(remaining) = first_remaining(m) {
        return Err(Violation::NotEmptyAtDel {
            at,
            handle: handle.clone(),
            remaining,
        });
    }
    let Some((rev, run)) = &m.del_run else {
        return Ok(());
    };
    if Some(*rev) != revision {
        return Ok(());
    }
    for pair in run.windows(2) {
        if let [(_, r1, p1, _), (at2, r2, p2, obj)] = pair {
            if r2 < r1 {
                return Err(Violation::ReplayOrder {
                    at: *at2,
                    object: obj.clone(),
                    why: "unregistration deletes params, regions, rates, traps, groups, policers, ports, line cards",
                });
            }
            if *r1 == 6 && *r2 == 6 && p2 <= p1 {
                return Err(Violation::ReplayOrder {
                    at: *at2,
                    object: obj.clone(),
                    why: "ports are deleted by ascending index",
                });
            }
        }
    }
    Ok(())
}

fn first_remaining(m: &Model) -> Option<String> {
    m.ports
        .keys()
        .map(|p| format!("port {p}"))
        .chain(m.params.iter().map(|p| format!("param {p}")))
        .chain(m.policers.iter().map(|p| format!("trap policer {p}")))
        .chain(m.groups.keys().map(|g| format!("trap group {g}")))
        .chain(m.traps.keys().map(|t| format!("trap {t}")))
        .chain(m.rates.keys().cloned())
        .chain(m.regions.keys().map(|(_, r)| format!("region {r}")))
        .chain(m.linecards.iter().map(|l| format!("line card {l}")))
        .next()
}

fn describe(cmd: Cmd, body: &DevlinkBody) -> String {
    match body {
        DevlinkBody::Port(p) => format!("port {}", p.index),
        DevlinkBody::Param(p) => format!("param {}", p.name),
        DevlinkBody::TrapPolicer(p) => format!("trap policer {}", p.id),
        DevlinkBody::TrapGroup(g) => format!("trap group {}", g.name),
        DevlinkBody::Trap(t) => format!("trap {}", t.name),
        DevlinkBody::Rate(r) => rate_name(&r.key),
        DevlinkBody::RegionEvent(r) => match r.kind {
            RegionEventKind::Size(_) => format!("region {}", r.name),
            RegionEventKind::Snapshot(id) => format!("region {} snapshot {id}", r.name),
        },
        DevlinkBody::Linecard(l) => format!("line card {}", l.index),
        _ => format!("{cmd:?}"),
    }
}

/// Whether a sub-object command announces (`true`) or deletes (`false`) its object.
fn kind(cmd: Cmd) -> Option<bool> {
    match cmd {
        Cmd::PortNew
        | Cmd::ParamNew
        | Cmd::TrapPolicerNew
        | Cmd::TrapGroupNew
        | Cmd::TrapNew
        | Cmd::RateNew
        | Cmd::RegionNew
        | Cmd::LinecardNew => Some(true),
        Cmd::PortDel
        | Cmd::ParamDel
        | Cmd::TrapPolicerDel
        | Cmd::TrapGroupDel
        | Cmd::TrapDel
        | Cmd::RateDel
        | Cmd::RegionDel
        | Cmd::LinecardDel => Some(false),
        _ => None,
    }
}

/// Record an object's announcement (`new`) or deletion without checking any rule
/// (what [`Checker::seed`] and [`Checker::assume`] do). A deletion takes its children
/// with it, as a re-dump would no longer show them.
fn record(m: &mut Model, new: bool, body: &DevlinkBody) {
    match body {
        DevlinkBody::Port(p) if new => {
            m.ports.insert(p.index, p.linecard_index);
        }
        DevlinkBody::Port(p) => {
            m.ports.remove(&p.index);
            m.rates.remove(&format!("rate leaf {}", p.index));
            m.regions.retain(|(port, _), _| *port != Some(p.index));
        }
        DevlinkBody::Param(p) if new => {
            m.params.insert(p.name.clone());
        }
        DevlinkBody::Param(p) => {
            m.params.remove(&p.name);
        }
        DevlinkBody::TrapPolicer(p) if new => {
            m.policers.insert(p.id);
        }
        DevlinkBody::TrapPolicer(p) => {
            m.policers.remove(&p.id);
        }
        DevlinkBody::TrapGroup(g) if new => {
            m.groups.insert(g.name.clone(), g.policer_id);
        }
        DevlinkBody::TrapGroup(g) => {
            m.groups.remove(&g.name);
            m.traps.retain(|_, grp| *grp != g.name);
        }
        DevlinkBody::Trap(t) if new => {
            m.traps.insert(t.name.clone(), t.group.clone());
        }
        DevlinkBody::Trap(t) => {
            m.traps.remove(&t.name);
        }
        DevlinkBody::Rate(r) if new => {
            m.rates.insert(rate_name(&r.key), r.parent.clone());
        }
        DevlinkBody::Rate(r) => {
            m.rates.remove(&rate_name(&r.key));
            if let RateKey::Node(n) = &r.key {
                for parent in m.rates.values_mut() {
                    if parent.as_deref() == Some(n.as_str()) {
                        *parent = None;
                    }
                }
            }
        }
        DevlinkBody::RegionEvent(r) => {
            let key = (r.port_index, r.name.clone());
            match (new, r.kind) {
                (true, RegionEventKind::Size(_)) => {
                    m.regions.entry(key).or_default();
                }
                (true, RegionEventKind::Snapshot(id)) => {
                    m.regions.entry(key).or_default().insert(id);
                }
                (false, RegionEventKind::Size(_)) => {
                    m.regions.remove(&key);
                }
                (false, RegionEventKind::Snapshot(id)) => {
                    if let Some(snaps) = m.regions.get_mut(&key) {
                        snaps.remove(&id);
                    }
                }
            }
        }
        DevlinkBody::Linecard(l) if new => {
            m.linecards.insert(l.index);
        }
        DevlinkBody::Linecard(l) => {
            m.linecards.remove(&l.index);
            for lc in m.ports.values_mut() {
                if *lc == Some(l.index) {
                    *lc = None;
                }
            }
        }
        _ => {}
    }
}

fn missing(at: usize, child: String, parent: String) -> Violation {
    Violation::ParentMissing { at, child, parent }
}

fn remains(at: usize, parent: String, child: String) -> Violation {
    Violation::ChildRemains { at, parent, child }
}

fn unknown(at: usize, object: String) -> Violation {
    Violation::DelOfUnknown { at, object }
}

/// Structural rules: parents first, children deleted first, no DEL of the unknown.
fn apply(m: &mut Model, at: usize, cmd: Cmd, body: &DevlinkBody) -> Result<(), Violation> {
    let me = describe(cmd, body);
    match (cmd, body) {
        (Cmd::PortNew, DevlinkBody::Port(p)) => {
            if let Some(lc) = p.linecard_index
                && !m.linecards.contains(&lc)
            {
                return Err(missing(at, me, format!("line card {lc}")));
            }
            m.ports.insert(p.index, p.linecard_index);
        }
        (Cmd::PortDel, DevlinkBody::Port(p)) => {
            if !m.ports.contains_key(&p.index) {
                return Err(unknown(at, me));
            }
            let leaf = format!("rate leaf {}", p.index);
            if m.rates.contains_key(&leaf) {
                return Err(remains(at, me, leaf));
            }
            if let Some((_, r)) = m.regions.keys().find(|(port, _)| *port == Some(p.index)) {
                return Err(remains(at, me, format!("region {r}")));
            }
            m.ports.remove(&p.index);
        }
        (Cmd::ParamNew, DevlinkBody::Param(p)) => {
            m.params.insert(p.name.clone());
        }
        (Cmd::ParamDel, DevlinkBody::Param(p)) if !m.params.remove(&p.name) => {
            return Err(unknown(at, me));
        }
        (Cmd::TrapPolicerNew, DevlinkBody::TrapPolicer(p)) => {
            m.policers.insert(p.id);
        }
        (Cmd::TrapPolicerDel, DevlinkBody::TrapPolicer(p)) => {
            if !m.policers.contains(&p.id) {
                return Err(unknown(at, me));
            }
            // No bound-group check here: TRAP_GROUP_SET rebinds groups silently (as in
            // the kernel), so a group announced with this policer may no longer use it.
            m.policers.remove(&p.id);
        }
        (Cmd::TrapGroupNew, DevlinkBody::TrapGroup(g)) => {
            if let Some(p) = g.policer_id
                && !m.policers.contains(&p)
            {
                return Err(missing(at, me, format!("trap policer {p}")));
            }
            m.groups.insert(g.name.clone(), g.policer_id);
        }
        (Cmd::TrapGroupDel, DevlinkBody::TrapGroup(g)) => {
            if !m.groups.contains_key(&g.name) {
                return Err(unknown(at, me));
            }
            if let Some((t, _)) = m.traps.iter().find(|(_, grp)| **grp == g.name) {
                return Err(remains(at, me, format!("trap {t}")));
            }
            m.groups.remove(&g.name);
        }
        (Cmd::TrapNew, DevlinkBody::Trap(t)) => {
            if !m.groups.contains_key(&t.group) {
                return Err(missing(at, me, format!("trap group {}", t.group)));
            }
            m.traps.insert(t.name.clone(), t.group.clone());
        }
        (Cmd::TrapDel, DevlinkBody::Trap(t)) if m.traps.remove(&t.name).is_none() => {
            return Err(unknown(at, me));
        }
        (Cmd::RateNew, DevlinkBody::Rate(r)) => {
            if let RateKey::Leaf(p) = r.key
                && !m.ports.contains_key(&p)
            {
                return Err(missing(at, me, format!("port {p}")));
            }
            if let Some(parent) = &r.parent {
                let pname = format!("rate node {parent}");
                if !m.rates.contains_key(&pname) {
                    return Err(missing(at, me, pname));
                }
            }
            m.rates.insert(me, r.parent.clone());
        }
        (Cmd::RateDel, DevlinkBody::Rate(r)) => {
            if !m.rates.contains_key(&me) {
                return Err(unknown(at, me));
            }
            if let RateKey::Node(n) = &r.key
                && let Some((child, _)) = m.rates.iter().find(|(_, p)| p.as_deref() == Some(n))
            {
                return Err(remains(at, me.clone(), child.clone()));
            }
            m.rates.remove(&me);
        }
        (Cmd::RegionNew, DevlinkBody::RegionEvent(r)) => {
            let key = (r.port_index, r.name.clone());
            if let Some(p) = r.port_index
                && !m.ports.contains_key(&p)
            {
                return Err(missing(at, me, format!("port {p}")));
            }
            match r.kind {
                RegionEventKind::Size(_) => {
                    m.regions.entry(key).or_default();
                }
                RegionEventKind::Snapshot(id) => match m.regions.get_mut(&key) {
                    Some(snaps) => {
                        snaps.insert(id);
                    }
                    None => return Err(missing(at, me, format!("region {}", r.name))),
                },
            }
        }
        (Cmd::RegionDel, DevlinkBody::RegionEvent(r)) => {
            let key = (r.port_index, r.name.clone());
            let Some(snaps) = m.regions.get_mut(&key) else {
                return Err(unknown(at, me));
            };
            match r.kind {
                RegionEventKind::Size(_) => {
                    if let Some(id) = snaps.iter().next() {
                        return Err(remains(at, me, format!("snapshot {id}")));
                    }
                    m.regions.remove(&key);
                }
                RegionEventKind::Snapshot(id) => {
                    if !snaps.remove(&id) {
                        return Err(unknown(at, me));
                    }
                }
            }
        }
        (Cmd::LinecardNew, DevlinkBody::Linecard(l)) => {
            m.linecards.insert(l.index);
        }
        (Cmd::LinecardDel, DevlinkBody::Linecard(l)) => {
            if !m.linecards.contains(&l.index) {
                return Err(unknown(at, me));
            }
            if let Some((p, _)) = m.ports.iter().find(|(_, lc)| **lc == Some(l.index)) {
                return Err(remains(at, me, format!("port {p}")));
            }
            m.linecards.remove(&l.index);
        }
        _ => {}
    }
    Ok(())
}
