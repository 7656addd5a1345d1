//! `dlctl --reconnect monitor`: the objects the stream has shown, folded (a `NEW`
//! replaces, a `DEL` removes), so that after a reconnect the monitor can print what
//! changed while it was away as the events that take a reader of its output from the
//! state it knew to the state a fresh dump shows: `[obj,del]` for what is gone, then
//! `[obj,new]` for what is new or different.
//!
//! Objects are keyed as the watch family keys them ([`object_key`]). Health reporters
//! are not kept: the monitor shows only their `[health,status]` recoveries, never their
//! creation or removal.

use std::collections::BTreeMap;

use devlink_wire::devlink::{RegionEvent, RegionEventKind};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;
use devlink_wire::watch::{ObjectKey, WatchKind, object_key};

/// The folded stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct View {
    objects: BTreeMap<ObjectKey, DevlinkBody>,
}

impl View {
    /// Apply one notification.
    pub(super) fn apply(&mut self, cmd: Cmd, body: &DevlinkBody) {
        let Some(kind) = kind_of(body) else {
            return;
        };
        let Ok(key) = object_key(kind, body) else {
            return;
        };
        if !is_del(cmd) {
            self.objects.insert(key, body.clone());
        } else if kind == WatchKind::Dev {
            // What is left of a removed instance goes with it.
            self.objects.retain(|k, _| k.handle != key.handle);
        } else {
            self.objects.remove(&key);
        }
    }

    /// Add one reply of a `GET` dump (a region with its snapshots: the region's and each
    /// snapshot's `REGION_NEW`).
    pub(super) fn seed(&mut self, body: &DevlinkBody) {
        let DevlinkBody::Region(r) = body else {
            if let Some(kind) = kind_of(body) {
                self.apply(cmds(kind).0, body);
            }
            return;
        };
        let event = |kind| {
            DevlinkBody::from(RegionEvent {
                handle: r.handle.clone(),
                port_index: r.port_index,
                name: r.name.clone(),
                kind,
                unknown: Vec::new(),
            })
        };
        self.apply(Cmd::RegionNew, &event(RegionEventKind::Size(r.size)));
        for id in &r.snapshots {
            self.apply(Cmd::RegionNew, &event(RegionEventKind::Snapshot(*id)));
        }
    }

    /// The events that turn `self` into `next`: the `DEL`s of what `next` lacks,
    /// children before parents, then the `NEW`s of what is new or changed, parents
    /// first.
    pub(super) fn diff(&self, next: &Self) -> Vec<(Cmd, DevlinkBody)> {
        let gone = self
            .objects
            .iter()
            .rev()
            .filter(|(k, _)| !next.objects.contains_key(*k))
            .map(|(k, b)| (cmds(k.kind).1, b.clone()));
        let new = next
            .objects
            .iter()
            .filter(|(k, b)| self.objects.get(*k) != Some(*b))
            .map(|(k, b)| (cmds(k.kind).0, b.clone()));
        gone.chain(new).collect()
    }
}

/// The kind of object a notification or dump reply is about (`None`: not kept).
fn kind_of(body: &DevlinkBody) -> Option<WatchKind> {
    use DevlinkBody as B;
    use WatchKind as K;
    Some(match body {
        B::Dev(_) => K::Dev,
        B::Port(_) => K::Port,
        B::Param(_) => K::Param,
        B::RegionEvent(r) => match r.kind {
            RegionEventKind::Size(_) => K::Region,
            RegionEventKind::Snapshot(_) => K::Snapshot,
        },
        B::Trap(_) => K::Trap,
        B::TrapGroup(_) => K::TrapGroup,
        B::TrapPolicer(_) => K::TrapPolicer,
        B::Linecard(_) => K::Linecard,
        B::Rate(_) => K::Rate,
        _ => return None,
    })
}

/// Whether `cmd` removes an object.
const fn is_del(cmd: Cmd) -> bool {
    matches!(
        cmd,
        Cmd::Del
            | Cmd::PortDel
            | Cmd::ParamDel
            | Cmd::RegionDel
            | Cmd::TrapDel
            | Cmd::TrapGroupDel
            | Cmd::TrapPolicerDel
            | Cmd::LinecardDel
            | Cmd::RateDel
    )
}

/// The `NEW` and `DEL` commands of the objects of `kind` ([`kind_of`]'s kinds).
const fn cmds(kind: WatchKind) -> (Cmd, Cmd) {
    use WatchKind as K;
    match kind {
        K::Dev => (Cmd::New, Cmd::Del),
        K::Port => (Cmd::PortNew, Cmd::PortDel),
        K::Param => (Cmd::ParamNew, Cmd::ParamDel),
        K::Region | K::Snapshot => (Cmd::RegionNew, Cmd::RegionDel),
        K::Trap => (Cmd::TrapNew, Cmd::TrapDel),
        K::TrapGroup => (Cmd::TrapGroupNew, Cmd::TrapGroupDel),
        K::TrapPolicer => (Cmd::TrapPolicerNew, Cmd::TrapPolicerDel),
        K::Linecard => (Cmd::LinecardNew, Cmd::LinecardDel),
        // Only rates are left (the other kinds are never kept).
        _ => (Cmd::RateNew, Cmd::RateDel),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use devlink_wire::devlink::{Dev, Handle, Port, Region};

    use super::*;

    fn dev(n: &str) -> DevlinkBody {
        Dev {
            handle: Handle::new("netdevsim", n),
            ..Dev::default()
        }
        .into()
    }

    fn port(n: &str, index: u32, splittable: bool) -> DevlinkBody {
        Port {
            splittable: Some(splittable),
            ..Port::new(Handle::new("netdevsim", n), index)
        }
        .into()
    }

    #[test]
    fn the_diff_deletes_children_first_then_adds_parents_first() {
        let mut before = View::default();
        for b in [dev("a"), port("a", 1, false), port("a", 2, false), dev("b")] {
            before.seed(&b);
        }
        let mut after = View::default();
        for b in [dev("b"), dev("c"), port("c", 0, false)] {
            after.seed(&b);
        }
        let d = before.diff(&after);
        let cmds: Vec<Cmd> = d.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            cmds,
            [Cmd::PortDel, Cmd::PortDel, Cmd::Del, Cmd::New, Cmd::PortNew]
        );
        assert_eq!(d[2].1, dev("a"));
        assert_eq!(d[3].1, dev("c"));
        // Applying the diff gives the new view.
        let mut folded = before.clone();
        for (c, b) in &d {
            folded.apply(*c, b);
        }
        assert_eq!(folded, after);
        assert!(after.diff(&folded).is_empty());
    }

    #[test]
    fn a_changed_object_is_new_again_and_a_dev_del_takes_its_objects() {
        let mut v = View::default();
        v.apply(Cmd::New, &dev("a"));
        v.apply(Cmd::PortNew, &port("a", 1, false));
        let mut w = v.clone();
        w.apply(Cmd::PortNew, &port("a", 1, true));
        assert_eq!(v.diff(&w), vec![(Cmd::PortNew, port("a", 1, true))]);
        v.apply(Cmd::Del, &dev("a"));
        assert_eq!(v, View::default());
    }

    #[test]
    fn a_dumped_region_is_its_region_and_snapshot_events() {
        let region = Region {
            handle: Handle::new("netdevsim", "a"),
            port_index: None,
            name: "dummy".into(),
            size: 32768,
            max_snapshots: 16,
            snapshots: vec![1, 5],
            unknown: Vec::new(),
        };
        let mut v = View::default();
        v.seed(&region.into());
        let d = View::default().diff(&v);
        let kinds: Vec<_> = d
            .iter()
            .map(|(c, b)| match b {
                DevlinkBody::RegionEvent(e) => (*c, e.kind),
                _ => panic!("{b:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (Cmd::RegionNew, RegionEventKind::Size(32768)),
                (Cmd::RegionNew, RegionEventKind::Snapshot(1)),
                (Cmd::RegionNew, RegionEventKind::Snapshot(5)),
            ]
        );
        let mut folded = View::default();
        for (c, b) in &d {
            folded.apply(*c, b);
        }
        assert_eq!(folded, v);
    }
}
