//! Rate requests (kernel: `net/devlink/rate.c`): `RATE_GET` do (the dump is in
//! `dump.rs`), `RATE_SET`, `RATE_NEW` (a node), `RATE_DEL` (a node).
//!
//! The setters run in the kernel's order (`devlink_nl_rate_set`: tx_share, tx_max,
//! tx_priority, tx_weight, parent, tc bandwidths). Like the kernel, a `RATE_SET` whose
//! later setter fails keeps the earlier ones; the kernel sends no `RATE_NEW` then
//! although a dump shows them, while here the partial change is notified so that a
//! folded event stream still equals a dump.

use std::borrow::Cow;

use devlink_wire::devlink::{Rate, RateDelReq, RateGetReq, RateKey, RateReq, RateTcBw};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

use super::{Rejection, Reply, Response};
use crate::port_ops::{RateChange, RateSetOps};
use crate::{Core, Errno, InstanceId};

/// `DEVLINK_RATE_TCS_MAX`.
const TCS: usize = 8;

impl Core {
    /// `RATE_GET` do: the leaf of `PORT_INDEX` or the node named, as `RATE_NEW`.
    pub(crate) fn rate_get(&self, req: &RateGetReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let key = req.key.as_ref().ok_or(Rejection::errno(Errno::EINVAL))?;
        let rate = self.rate_of(id, key)?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::RateNew,
            body: DevlinkBody::from(rate.clone()),
        }]))
    }

    /// `RATE_SET`: the object, every requested setter's op, then the setters;
    /// `RATE_NEW` on success (even if nothing was asked).
    pub(crate) fn rate_set_req(&mut self, req: &RateReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let mut staged = self.rate_of(id, &req.key)?.clone();
        let ops = self.rate_ops_of(id);
        let set_ops = match req.key {
            RateKey::Leaf(_) => ops.leaf,
            RateKey::Node(_) => ops.node,
        };
        check_ops(req, &set_ops, &req.key)?;
        let (applied, result) = self.rate_apply(id, &mut staged, req, true);
        if result.is_ok() || applied {
            let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
            devl.rate_replace(staged)
                .map_err(|_| Rejection::errno(Errno::ENODEV))?;
        }
        result.map(|()| Response::Do(Vec::new()))
    }

    /// `RATE_NEW`: node ops, the node setters asked for, a valid and unused name, the
    /// driver's `rate_node_new`, the setters (on failure the driver's `rate_node_del`
    /// and nothing is listed), then the node is listed first; `RATE_NEW`.
    pub(crate) fn rate_new_req(&mut self, req: &RateReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let ops = self.rate_ops_of(id);
        if !ops.node_new_del {
            return Err(Rejection::msg(
                Errno::EOPNOTSUPP,
                "Rate nodes aren't supported",
            ));
        }
        let key = RateKey::Node(String::new());
        check_ops(req, &ops.node, &key)?;
        // The kernel reads RATE_NODE_NAME even next to a PORT_INDEX (which the codec
        // then keeps as an unknown attribute).
        let name = match &req.key {
            RateKey::Node(n) => Some(n.clone()),
            RateKey::Leaf(_) => node_name_in_unknown(req),
        };
        let name = name.ok_or(Rejection::errno(Errno::EINVAL))?;
        match self.node_of(id, &name) {
            Ok(_) => return Err(Rejection::errno(Errno::EEXIST)),
            Err(e) if e.errno == Errno::EINVAL => return Err(e),
            Err(_) => {}
        }
        let handle = req.handle.clone();
        self.call_driver(id, |driver, devl| Ok(driver.rate_node_new(devl, &name)?))?;
        let mut staged = Rate {
            handle,
            key: RateKey::Node(name.clone()),
            tx_share: 0,
            tx_max: 0,
            tx_priority: Some(0),
            tx_weight: Some(0),
            parent: None,
            tc_bws: Vec::new(),
            unknown: Vec::new(),
        };
        let (_, result) = self.rate_apply(id, &mut staged, req, false);
        if let Err(e) = result {
            // The driver's own error on this cleanup is ignored, as in the kernel.
            let _ = self.call_driver(id, |driver, devl| Ok(driver.rate_node_del(devl, &name)?));
            return Err(e);
        }
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.rate_node_add(staged)
            .map_err(|_| Rejection::errno(Errno::EEXIST))?;
        Ok(Response::Do(Vec::new()))
    }

    /// `RATE_DEL`: a valid, existing node without children ("Node has children. Cannot
    /// delete node."); its `RATE_DEL`, then the driver's `rate_node_del`. The node goes
    /// even if the driver fails, whose error is then the answer.
    pub(crate) fn rate_del_req(&mut self, req: &RateDelReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.node_of(id, &req.node)?;
        let has_children = self.instances.get(&id).is_some_and(|i| {
            i.objects
                .rates
                .iter()
                .any(|r| r.parent.as_deref() == Some(&req.node))
        });
        if has_children {
            return Err(Rejection::msg(
                Errno::EBUSY,
                "Node has children. Cannot delete node.",
            ));
        }
        let name = req.node.as_str();
        self.call_driver(id, |driver, devl| {
            devl.rate_node_destroy(name)
                .map_err(|_| Rejection::errno(Errno::ENODEV))?;
            Ok(driver.rate_node_del(devl, name)?)
        })?;
        Ok(Response::Do(Vec::new()))
    }

    /// `devlink_nl_rate_set` on `staged`: whether any setter succeeded, and the result.
    /// `listed`: `staged` is in the rate list (`RATE_SET`), not being created.
    fn rate_apply(
        &mut self,
        id: InstanceId,
        staged: &mut Rate,
        req: &RateReq,
        listed: bool,
    ) -> (bool, Result<(), Rejection>) {
        let mut applied = false;
        let mut plain = Vec::new();
        plain.extend(req.tx_share.map(RateChange::TxShare));
        plain.extend(req.tx_max.map(RateChange::TxMax));
        plain.extend(req.tx_priority.map(RateChange::TxPriority));
        plain.extend(req.tx_weight.map(RateChange::TxWeight));
        for change in plain {
            if let Err(e) = self.rate_call(id, staged, &change) {
                return (applied, Err(e));
            }
            applied = true;
        }
        if let Some(parent) = &req.parent {
            match self.parent_change(id, staged, parent, listed) {
                Ok(None) => {}
                Ok(Some(change)) => {
                    if let Err(e) = self.rate_call(id, staged, &change) {
                        return (applied, Err(e));
                    }
                    applied = true;
                }
                Err(e) => return (applied, Err(e)),
            }
        }
        if !req.tc_bws.is_empty() {
            let r = tc_bw_parse(&req.tc_bws)
                .and_then(|bws| self.rate_call(id, staged, &RateChange::TcBw(bws)));
            if let Err(e) = r {
                return (applied, Err(e));
            }
            applied = true;
        }
        (applied, Ok(()))
    }

    /// One setter through the driver; on success recorded in `staged`.
    fn rate_call(
        &mut self,
        id: InstanceId,
        staged: &mut Rate,
        change: &RateChange,
    ) -> Result<(), Rejection> {
        let key = staged.key.clone();
        self.call_driver(id, |driver, devl| Ok(driver.rate_set(devl, &key, change)?))?;
        match change {
            RateChange::TxShare(v) => staged.tx_share = *v,
            RateChange::TxMax(v) => staged.tx_max = *v,
            RateChange::TxPriority(v) => staged.tx_priority = Some(*v),
            RateChange::TxWeight(v) => staged.tx_weight = Some(*v),
            RateChange::Parent(p) => staged.parent.clone_from(p),
            RateChange::TcBw(bws) => {
                staged.tc_bws = (0u8..)
                    .zip(bws)
                    .map(|(index, &bw)| RateTcBw { index, bw })
                    .collect();
            }
        }
        Ok(())
    }

    /// `devlink_nl_rate_parent_node_set`: the setter call to make, if any. `""`
    /// detaches (nothing to do without a parent); a name must be an existing node
    /// (`-ENODEV`), not the object itself, and not one of a node's descendants.
    fn parent_change(
        &self,
        id: InstanceId,
        staged: &Rate,
        parent: &str,
        listed: bool,
    ) -> Result<Option<RateChange>, Rejection> {
        if parent.is_empty() {
            return Ok(staged.parent.is_some().then_some(RateChange::Parent(None)));
        }
        let rates = self
            .instances
            .get(&id)
            .map(|i| i.objects.rates.as_slice())
            .unwrap_or_default();
        let node = |name: &str| {
            rates
                .iter()
                .find(|r| matches!(&r.key, RateKey::Node(n) if n == name))
        };
        let found = node(parent).ok_or(Rejection::errno(Errno::ENODEV))?;
        let is_self = listed && found.key == staged.key;
        if is_self {
            return Err(Rejection::msg(
                Errno::EINVAL,
                "Parent to self is not allowed",
            ));
        }
        if let RateKey::Node(me) = &staged.key {
            // devlink_rate_is_parent_node(me, parent->parent).
            let mut up = found.parent.as_deref();
            for _ in 0..=rates.len() {
                let Some(name) = up else { break };
                if listed && name == me {
                    return Err(Rejection::msg(
                        Errno::EEXIST,
                        "Node is already a parent of parent node.",
                    ));
                }
                up = node(name).and_then(|r| r.parent.as_deref());
            }
        }
        Ok(Some(RateChange::Parent(Some(parent.to_owned()))))
    }

    /// The leaf of a port (`-ENODEV` if the port or its leaf is missing) or a node.
    fn rate_of(&self, id: InstanceId, key: &RateKey) -> Result<&Rate, Rejection> {
        match key {
            RateKey::Leaf(port) => {
                self.port_of(id, *port)?;
                self.instances
                    .get(&id)
                    .and_then(|i| i.objects.rates.iter().find(|r| &r.key == key))
                    .ok_or(Rejection::errno(Errno::ENODEV))
            }
            RateKey::Node(name) => self.node_of(id, name),
        }
    }

    /// `devlink_rate_node_get_from_attrs`: `-EINVAL` for an empty or all-digit name,
    /// `-ENODEV` if there is no such node.
    fn node_of(&self, id: InstanceId, name: &str) -> Result<&Rate, Rejection> {
        if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Rejection::errno(Errno::EINVAL));
        }
        self.instances
            .get(&id)
            .and_then(|i| {
                i.objects
                    .rates
                    .iter()
                    .find(|r| matches!(&r.key, RateKey::Node(n) if n == name))
            })
            .ok_or(Rejection::errno(Errno::ENODEV))
    }

    fn rate_ops_of(&self, id: InstanceId) -> crate::port_ops::RateOps {
        self.instances
            .get(&id)
            .and_then(|i| i.driver.as_ref())
            .map(|d| d.rate_ops())
            .unwrap_or_default()
    }
}

/// `devlink_rate_set_ops_supported`: the first requested setter the type lacks.
fn check_ops(req: &RateReq, ops: &RateSetOps, key: &RateKey) -> Result<(), Rejection> {
    let leaf = matches!(key, RateKey::Leaf(_));
    let pick = |l, n| if leaf { l } else { n };
    if req.tx_share.is_some() && !ops.tx_share {
        return Err(Rejection::msg(
            Errno::EOPNOTSUPP,
            pick(
                "TX share set isn't supported for the leafs",
                "TX share set isn't supported for the nodes",
            ),
        ));
    }
    if req.tx_max.is_some() && !ops.tx_max {
        return Err(Rejection::msg(
            Errno::EOPNOTSUPP,
            pick(
                "TX max set isn't supported for the leafs",
                "TX max set isn't supported for the nodes",
            ),
        ));
    }
    if req.parent.is_some() && !ops.parent {
        return Err(Rejection::msg(
            Errno::EOPNOTSUPP,
            pick(
                "Parent set isn't supported for the leafs",
                "Parent set isn't supported for the nodes",
            ),
        ));
    }
    if req.tx_priority.is_some() && !ops.tx_priority {
        return Err(Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTxPriority,
            pick(
                "TX priority set isn't supported for the leafs",
                "TX priority set isn't supported for the nodes",
            ),
        ));
    }
    if req.tx_weight.is_some() && !ops.tx_weight {
        return Err(Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTxWeight,
            pick(
                "TX weight set isn't supported for the leafs",
                "TX weight set isn't supported for the nodes",
            ),
        ));
    }
    if !req.tc_bws.is_empty() && !ops.tc_bw {
        return Err(Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTcBws,
            pick(
                "TC bandwidth set isn't supported for the leafs",
                "TC bandwidth set isn't supported for the nodes",
            ),
        ));
    }
    Ok(())
}

/// `devlink_nl_rate_tc_bw_set`'s parse: each class once, all eight classes.
fn tc_bw_parse(tcs: &[RateTcBw]) -> Result<[u32; TCS], Rejection> {
    let mut bws = [0u32; TCS];
    let mut seen = [false; TCS];
    for tc in tcs {
        let i = usize::from(tc.index);
        let Some(slot) = seen.get_mut(i) else {
            return Err(Rejection::errno(Errno::EINVAL)); // the codec bounds the index
        };
        if *slot {
            return Err(Rejection {
                errno: Errno::EINVAL,
                msg: Some(Cow::Owned(format!(
                    "Duplicate traffic class index specified ({})",
                    tc.index
                ))),
                attr: None,
                missing: None,
            });
        }
        *slot = true;
        if let Some(b) = bws.get_mut(i) {
            *b = tc.bw;
        }
    }
    if seen.iter().any(|s| !s) {
        return Err(Rejection::msg(
            Errno::EINVAL,
            "Bandwidth values must be specified for all 8 traffic classes",
        ));
    }
    Ok(bws)
}

/// A `RATE_NODE_NAME` the codec kept as unknown because a `PORT_INDEX` came with it.
fn node_name_in_unknown(req: &RateReq) -> Option<String> {
    let a = req
        .unknown
        .iter()
        .find(|a| a.raw_type & 0x3fff == Attr::RateNodeName as u16)?;
    let bytes = a.payload.split(|&b| b == 0).next().unwrap_or_default();
    String::from_utf8(bytes.to_vec()).ok()
}
