//! What an instance's registration and unregistration announce about existing objects
//! (kernel: `devlink_notify_register` / `devlink_notify_unregister` in `dev.c`).
//!
//! Register: line cards, ports (ascending index), trap policers, trap groups, traps,
//! rates, regions, params (ascending id). Unregister: params (ascending id), regions,
//! rates, traps, trap groups, trap policers (each in reverse), ports (ascending index),
//! line cards (reverse). Where the kernel's order would put a child before its parent
//! (rate nodes, which it lists most recent first) or leaves objects out (snapshots, port
//! regions), the core lists parents first and everything a dump shows.

use std::sync::Arc;

use devlink_wire::devlink::RateKey;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::Objects;
use super::region::region_event;

/// One replayed notification: descriptor port index, command, body.
pub(crate) type Replayed = (Option<u32>, Cmd, DevlinkBody);

/// Where replayed notifications go (straight into the queue: a registration of a
/// million ports must not build a second million-entry list first).
pub(crate) trait Sink {
    fn push(&mut self, item: Replayed);
}

impl Objects {
    /// The NEWs that follow the instance's `NEW` at registration.
    pub(crate) fn replay_register(&self, out: &mut impl Sink) {
        for l in &self.linecards {
            out.push((None, Cmd::LinecardNew, DevlinkBody::from(l.clone())));
        }
        for (&i, p) in &self.ports {
            out.push((Some(i), Cmd::PortNew, DevlinkBody::Port(Arc::clone(p))));
        }
        for p in &self.policers {
            out.push((
                None,
                Cmd::TrapPolicerNew,
                DevlinkBody::from(self.policer_notify_fill(p)),
            ));
        }
        for g in &self.groups {
            out.push((None, Cmd::TrapGroupNew, DevlinkBody::from(g.clone())));
        }
        for t in &self.traps {
            out.push((
                None,
                Cmd::TrapNew,
                DevlinkBody::from(self.trap_notify_fill(t)),
            ));
        }
        for i in self.rate_order() {
            if let Some(r) = self.rates.get(i) {
                out.push((None, Cmd::RateNew, DevlinkBody::from(r.clone())));
            }
        }
        for ev in self.region_events(Cmd::RegionNew) {
            out.push(ev);
        }
        for item in self.params.values() {
            out.push((None, Cmd::ParamNew, DevlinkBody::from(item.param.clone())));
        }
    }

    /// The DELs that precede the instance's `DEL` at unregistration.
    pub(crate) fn replay_unregister(&self, out: &mut impl Sink) {
        for item in self.params.values() {
            out.push((None, Cmd::ParamDel, DevlinkBody::from(item.param.clone())));
        }
        for ev in self.region_events(Cmd::RegionDel).into_iter().rev() {
            out.push(ev);
        }
        for i in self.rate_order().into_iter().rev() {
            if let Some(r) = self.rates.get(i) {
                out.push((None, Cmd::RateDel, DevlinkBody::from(r.clone())));
            }
        }
        for t in self.traps.iter().rev() {
            out.push((
                None,
                Cmd::TrapDel,
                DevlinkBody::from(self.trap_notify_fill(t)),
            ));
        }
        for g in self.groups.iter().rev() {
            out.push((None, Cmd::TrapGroupDel, DevlinkBody::from(g.clone())));
        }
        for p in self.policers.iter().rev() {
            out.push((
                None,
                Cmd::TrapPolicerDel,
                DevlinkBody::from(self.policer_notify_fill(p)),
            ));
        }
        for (&i, p) in &self.ports {
            out.push((Some(i), Cmd::PortDel, DevlinkBody::Port(Arc::clone(p))));
        }
        for l in self.linecards.iter().rev() {
            out.push((None, Cmd::LinecardDel, DevlinkBody::from(l.clone())));
        }
    }

    /// Regions in creation order, instance regions before port regions, each followed by
    /// its snapshots (ascending id).
    fn region_events(&self, cmd: Cmd) -> Vec<Replayed> {
        let instance = self
            .regions
            .iter()
            .filter(|r| r.region.port_index.is_none());
        let port = self
            .regions
            .iter()
            .filter(|r| r.region.port_index.is_some());
        let mut out = Vec::new();
        for item in instance.chain(port) {
            out.push((
                None,
                cmd,
                DevlinkBody::from(region_event(&item.region, None)),
            ));
            for &id in item.data.keys() {
                let ev = region_event(&item.region, Some(id));
                out.push((None, cmd, DevlinkBody::from(ev)));
            }
        }
        out
    }

    /// Indexes into `rates`: nodes parents first (depth-first from the roots, siblings
    /// in creation order), then leaves in creation order.
    fn rate_order(&self) -> Vec<usize> {
        fn visit(objs: &Objects, parent: Option<&str>, out: &mut Vec<usize>) {
            for (i, r) in objs.rates.iter().enumerate() {
                if let RateKey::Node(name) = &r.key
                    && r.parent.as_deref() == parent
                {
                    out.push(i);
                    visit(objs, Some(name), out);
                }
            }
        }
        let mut out = Vec::with_capacity(self.rates.len());
        visit(self, None, &mut out);
        for (i, r) in self.rates.iter().enumerate() {
            if matches!(r.key, RateKey::Leaf(_)) {
                out.push(i);
            }
        }
        out
    }
}
