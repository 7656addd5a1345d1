//! Rate objects: leaves (one per port) and nodes (kernel: `net/devlink/rate.c`).

use devlink_wire::devlink::{Rate, RateKey};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::Devl;
use crate::error::{CoreError, PortError, RateError};

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Rate.bit();

fn key_name(key: &RateKey) -> String {
    match key {
        RateKey::Leaf(p) => format!("leaf {p}"),
        RateKey::Node(n) => format!("node {n}"),
    }
}

impl Devl<'_> {
    /// `devl_rate_leaf_create`: the port's leaf; `RATE_NEW`.
    pub fn rate_leaf_create(&mut self, port: u32) -> Result<(), CoreError> {
        if !self.inst.objects.ports.contains_key(&port) {
            return Err(PortError::NotFound(port).into());
        }
        self.rate_insert(RateKey::Leaf(port), None)
    }

    /// `devl_rate_leaf_destroy`; `RATE_DEL`.
    pub fn rate_leaf_destroy(&mut self, port: u32) -> Result<(), CoreError> {
        self.rate_remove(&RateKey::Leaf(port))
    }

    /// `devl_rate_node_create` (driver) or a user `RATE_NEW`; `RATE_NEW`. `parent` must
    /// be an existing node.
    pub fn rate_node_create(&mut self, name: &str, parent: Option<&str>) -> Result<(), CoreError> {
        if let Some(p) = parent
            && self.rate(&RateKey::Node(p.to_owned())).is_none()
        {
            return Err(RateError::NotFound(format!("node {p}")).into());
        }
        self.rate_insert(RateKey::Node(name.to_owned()), parent)
    }

    /// A user `RATE_DEL`: refused while the node has children; `RATE_DEL`.
    pub fn rate_node_destroy(&mut self, name: &str) -> Result<(), CoreError> {
        let rates = &self.inst.objects.rates;
        if rates.iter().any(|r| r.parent.as_deref() == Some(name)) {
            return Err(RateError::HasChildren(name.to_owned()).into());
        }
        self.rate_remove(&RateKey::Node(name.to_owned()))
    }

    /// `devl_rate_nodes_destroy`: every node goes, children unparented first. The kernel
    /// does this silently; here each orphaned child gets a `RATE_NEW` and each node a
    /// `RATE_DEL` (children before parents), so that folding the stream still equals a
    /// dump.
    pub fn rate_nodes_destroy(&mut self) {
        let nodes: Vec<String> = self
            .inst
            .objects
            .rates
            .iter()
            .filter_map(|r| match &r.key {
                RateKey::Node(n) => Some(n.clone()),
                RateKey::Leaf(_) => None,
            })
            .collect();
        let leaves: Vec<RateKey> = self
            .inst
            .objects
            .rates
            .iter()
            .filter(|r| matches!(r.key, RateKey::Leaf(_)) && r.parent.is_some())
            .map(|r| r.key.clone())
            .collect();
        for key in leaves {
            if let Some(r) = self.rate_mut(&key) {
                r.parent = None;
            }
            self.changed_kinds(WATCHED);
            self.rate_notify(&key, Cmd::RateNew);
        }
        // Children before parents: repeatedly remove nodes nobody points at.
        let mut left = nodes;
        while !left.is_empty() {
            let rates = &self.inst.objects.rates;
            let Some(pos) = left
                .iter()
                .position(|n| !rates.iter().any(|r| r.parent.as_deref() == Some(n)))
            else {
                break; // a parent cycle cannot be built through this API
            };
            let name = left.remove(pos);
            let _ = self.rate_remove(&RateKey::Node(name));
        }
    }

    /// A user `RATE_NEW`: the node with its settings, listed first (the kernel adds
    /// nodes at the head of the rate list); `RATE_NEW`.
    pub(crate) fn rate_node_add(&mut self, rate: Rate) -> Result<(), CoreError> {
        if self.rate(&rate.key).is_some() {
            return Err(RateError::Exists(key_name(&rate.key)).into());
        }
        let key = rate.key.clone();
        self.inst.objects.rates.insert(0, rate);
        self.changed_kinds(WATCHED);
        self.rate_notify(&key, Cmd::RateNew);
        Ok(())
    }

    /// A user `RATE_SET`: the object's new settings; `RATE_NEW`.
    pub(crate) fn rate_replace(&mut self, rate: Rate) -> Result<(), CoreError> {
        let key = rate.key.clone();
        let Some(slot) = self.rate_mut(&key) else {
            return Err(RateError::NotFound(key_name(&key)).into());
        };
        *slot = rate;
        self.changed_kinds(WATCHED);
        self.rate_notify(&key, Cmd::RateNew);
        Ok(())
    }

    pub(crate) fn rate_leaf_exists(&self, port: u32) -> bool {
        self.rate(&RateKey::Leaf(port)).is_some()
    }

    fn rate(&self, key: &RateKey) -> Option<&Rate> {
        self.inst.objects.rates.iter().find(|r| &r.key == key)
    }

    fn rate_mut(&mut self, key: &RateKey) -> Option<&mut Rate> {
        self.inst.objects.rates.iter_mut().find(|r| &r.key == key)
    }

    fn rate_insert(&mut self, key: RateKey, parent: Option<&str>) -> Result<(), CoreError> {
        if self.rate(&key).is_some() {
            return Err(RateError::Exists(key_name(&key)).into());
        }
        // Leaves are added at the tail of the kernel's rate list, nodes at its head.
        let at = match key {
            RateKey::Leaf(_) => self.inst.objects.rates.len(),
            RateKey::Node(_) => 0,
        };
        self.inst.objects.rates.insert(
            at,
            Rate {
                handle: self.inst.handle.clone(),
                key: key.clone(),
                tx_share: 0,
                tx_max: 0,
                tx_priority: Some(0),
                tx_weight: Some(0),
                parent: parent.map(str::to_owned),
                tc_bws: Vec::new(),
                unknown: Vec::new(),
            },
        );
        self.changed_kinds(WATCHED);
        self.rate_notify(&key, Cmd::RateNew);
        Ok(())
    }

    fn rate_remove(&mut self, key: &RateKey) -> Result<(), CoreError> {
        if self.rate(key).is_none() {
            return Err(RateError::NotFound(key_name(key)).into());
        }
        self.rate_notify(key, Cmd::RateDel);
        self.inst.objects.rates.retain(|r| &r.key != key);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    fn rate_notify(&mut self, key: &RateKey, cmd: Cmd) {
        // Rate-leaf events carry no port index in the notify-filter descriptor.
        self.notify(None, cmd, |inst| {
            let r = inst.objects.rates.iter().find(|r| &r.key == key);
            r.cloned().map(DevlinkBody::from)
        });
    }
}
