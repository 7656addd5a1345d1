//! Ports (kernel: `net/devlink/port.c`).

use std::sync::Arc;

use devlink_wire::devlink::{NestedHandle, Port, PortFunction};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour, PortType};

use crate::Devl;
use crate::error::{CoreError, LinecardError, PortError};
use crate::nested::RelObj;

/// The attributes a driver gives a port at registration (`devlink_port_attrs_set` and
/// the `devlink_port_attrs_pci_*_set` helpers), flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortAttrs {
    /// `DEVLINK_ATTR_PORT_FLAVOUR`.
    pub flavour: PortFlavour,
    /// Physical port number (physical, CPU, DSA).
    pub number: Option<u32>,
    /// `DEVLINK_ATTR_PORT_SPLITTABLE`.
    pub splittable: bool,
    /// `DEVLINK_ATTR_PORT_LANES` (0: not reported).
    pub lanes: u32,
    /// Split subport number: the port is one part of a split port `number`.
    pub split_subport: Option<u32>,
    /// Controller number (PCI PF/VF/SF).
    pub controller: Option<u32>,
    /// PCI PF number (PCI PF/VF/SF).
    pub pci_pf: Option<u16>,
    /// PCI VF number (PCI VF).
    pub pci_vf: Option<u16>,
    /// PCI SF number (PCI SF).
    pub pci_sf: Option<u32>,
    /// The function is on an external controller (PCI PF/VF).
    pub external: Option<bool>,
    /// The port function, if the port has one.
    pub function: Option<PortFunction>,
    /// The line card the port sits on.
    pub linecard: Option<u32>,
}

impl PortAttrs {
    /// A physical port with the given number.
    #[must_use]
    pub const fn physical(number: u32) -> Self {
        Self {
            flavour: PortFlavour::Physical,
            number: Some(number),
            splittable: false,
            lanes: 0,
            split_subport: None,
            controller: None,
            pci_pf: None,
            pci_vf: None,
            pci_sf: None,
            external: None,
            function: None,
            linecard: None,
        }
    }
}

impl Devl<'_> {
    /// `devl_port_register`: a new port, type `NOTSET`; `PORT_NEW`.
    pub fn port_register(&mut self, index: u32, attrs: PortAttrs) -> Result<(), CoreError> {
        if self.inst.objects.ports.contains_key(&index) {
            return Err(PortError::Exists(index).into());
        }
        if let Some(lc) = attrs.linecard
            && !self.inst.objects.linecards.iter().any(|l| l.index == lc)
        {
            return Err(LinecardError::NotFound(lc).into());
        }
        let split = attrs.split_subport.is_some();
        let mut port = Port {
            handle: self.inst.handle.clone(),
            index,
            port_type: PortType::Notset,
            desired_type: None,
            netdev_ifindex: None,
            netdev_name: None,
            ibdev_name: None,
            lanes: (attrs.lanes != 0).then_some(attrs.lanes),
            splittable: Some(attrs.splittable),
            flavour: Some(attrs.flavour),
            number: attrs.number,
            split_group: if split { attrs.number } else { None },
            split_subport_number: attrs.split_subport,
            controller: attrs.controller,
            pci_pf: attrs.pci_pf,
            pci_vf: attrs.pci_vf,
            pci_sf: attrs.pci_sf,
            external: attrs.external,
            function: attrs.function,
            linecard_index: attrs.linecard,
            unknown: Vec::new(),
        };
        // A new port has no nested instance (`port_fn_devlink_set` comes after).
        set_fn_devlink(&mut port, None);
        self.inst.objects.ports.insert(index, Arc::new(port));
        self.port_changed(index);
        self.port_notify(index, Cmd::PortNew);
        Ok(())
    }

    /// `devl_port_unregister`. Whatever still hangs off the port goes first, each with
    /// its DEL (children before parents): its rate leaf, its regions (snapshots first),
    /// its health reporters (silently, as they have no notifications). Then `PORT_DEL`.
    pub fn port_unregister(&mut self, index: u32) -> Result<(), CoreError> {
        if !self.inst.objects.ports.contains_key(&index) {
            return Err(PortError::NotFound(index).into());
        }
        if self.rate_leaf_exists(index) {
            self.rate_leaf_destroy(index)?;
        }
        for name in self.port_region_names(index) {
            self.region_destroy(Some(index), &name)?;
        }
        self.inst
            .objects
            .reporters
            .retain(|r| r.reporter.port_index != Some(index));
        self.port_notify(index, Cmd::PortDel);
        self.inst.objects.ports.remove(&index);
        self.port_touched(index);
        self.rels.drop_object(self.id, RelObj::Port(index));
        self.changed();
        Ok(())
    }

    /// `devlink_port_type_eth_set` with the netdev's ifindex and name (`None`: type ETH
    /// without a netdev yet); `PORT_NEW`.
    pub fn port_type_eth_set(
        &mut self,
        index: u32,
        netdev: Option<(u32, String)>,
    ) -> Result<(), CoreError> {
        let port = self.port_mut(index)?;
        port.port_type = PortType::Eth;
        port.ibdev_name = None;
        (port.netdev_ifindex, port.netdev_name) =
            netdev.map_or((None, None), |(i, n)| (Some(i), Some(n.into())));
        self.port_changed(index);
        self.port_notify(index, Cmd::PortNew);
        Ok(())
    }

    /// `devlink_port_type_clear`: back to `NOTSET`, netdev forgotten; `PORT_NEW`.
    pub fn port_type_clear(&mut self, index: u32) -> Result<(), CoreError> {
        let port = self.port_mut(index)?;
        port.port_type = PortType::Notset;
        port.netdev_ifindex = None;
        port.netdev_name = None;
        port.ibdev_name = None;
        self.port_changed(index);
        self.port_notify(index, Cmd::PortNew);
        Ok(())
    }

    /// Replace the port function's attributes (hw_addr, state, caps, …); `PORT_NEW`. The
    /// function's `DEVLINK` is not the driver's to set here: it stays what the port's
    /// nested-instance relation shows ([`Devl::port_fn_devlink_set`]).
    pub fn port_function_set(
        &mut self,
        index: u32,
        function: Option<PortFunction>,
    ) -> Result<(), CoreError> {
        let port = self.port_mut(index)?;
        let shown = port.function.as_ref().and_then(|f| f.devlink.clone());
        port.function = function;
        set_fn_devlink(port, shown);
        self.port_changed(index);
        self.port_notify(index, Cmd::PortNew);
        Ok(())
    }

    /// A user's `PORT_SET` type request was accepted by the driver: recorded as the
    /// desired type; `PORT_NEW`.
    pub(crate) fn port_desired_type_set(
        &mut self,
        index: u32,
        ty: PortType,
    ) -> Result<(), CoreError> {
        self.port_mut(index)?.desired_type = Some(ty);
        self.port_changed(index);
        self.port_notify(index, Cmd::PortNew);
        Ok(())
    }

    /// The port function's `DEVLINK` now shows `shown` (the nested instance registered
    /// or is gone); `PORT_NEW` if that changed anything.
    pub(crate) fn port_fn_devlink_show(&mut self, index: u32, shown: Option<NestedHandle>) {
        let Ok(port) = self.port_mut(index) else {
            return;
        };
        let before = port.function.clone();
        set_fn_devlink(port, shown);
        if port.function != before {
            self.port_changed(index);
            self.port_notify(index, Cmd::PortNew);
        }
    }

    fn port_mut(&mut self, index: u32) -> Result<&mut Port, CoreError> {
        self.port_touched(index);
        self.inst
            .objects
            .ports
            .get_mut(&index)
            .map(Arc::make_mut)
            .ok_or_else(|| PortError::NotFound(index).into())
    }

    fn port_notify(&mut self, index: u32, cmd: Cmd) {
        self.notify(Some(index), cmd, |inst| {
            inst.objects
                .ports
                .get(&index)
                .map(|p| DevlinkBody::Port(Arc::clone(p)))
        });
    }
}

/// Set the port function's `DEVLINK`, creating the function for it or dropping a
/// function left empty (the kernel cancels an empty `PORT_FUNCTION` nest).
fn set_fn_devlink(port: &mut Port, shown: Option<NestedHandle>) {
    match (&mut port.function, shown) {
        (Some(f), shown) => f.devlink = shown,
        (None, Some(h)) => {
            port.function = Some(PortFunction {
                devlink: Some(h),
                ..PortFunction::default()
            });
        }
        (None, None) => {}
    }
    if port.function.as_ref() == Some(&PortFunction::default()) {
        port.function = None;
    }
}
