//! Ports (kernel: `__nsim_dev_port_add` / `__nsim_dev_port_del`, `nsim_drv_port_add` /
//! `_del` in `drivers/net/netdevsim/dev.c`): PF ports at their own index and VF ports
//! at `128 + n`, each with a netdev; beyond netdevsim, split ports and PCI SF ports.

use devlink_core::{CoreError, Devl, Errno, PortAttrs, RegionDef};
use devlink_wire::spec::PortFlavour;

use super::NsimDevice;
use crate::{
    Era, NSIM_DEV_VF_PORT_INDEX_BASE, PORT_REGION, PORT_REGION_SIZE, PORT_REGION_SNAPSHOTS,
    SimError,
};

/// What a port is to the device (kernel: `enum nsim_dev_port_type`, plus the kinds
/// beyond netdevsim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PortKind {
    /// `NSIM_DEV_PORT_TYPE_PF`: a physical port.
    Pf,
    /// `NSIM_DEV_PORT_TYPE_VF`: a VF representor, with a rate leaf.
    Vf,
    /// One part of split physical port `0`.
    Split(u32),
    /// A PCI SF port a user added.
    Sf,
}

impl NsimDevice {
    /// `__nsim_dev_port_add` for PF port `i`: port index `i`, physical port number
    /// `i + 1` (with lanes when the options make ports splittable), then its netdev.
    pub(super) fn pf_port_add(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        let lanes = self.opts.split_lanes;
        let attrs = PortAttrs {
            lanes,
            splittable: lanes > 1,
            ..PortAttrs::physical(i.wrapping_add(1))
        };
        self.port_add(devl, i, attrs, PortKind::Pf)?;
        if self.opts.port_regions {
            devl.region_create(RegionDef {
                name: PORT_REGION.into(),
                size: PORT_REGION_SIZE,
                max_snapshots: PORT_REGION_SNAPSHOTS,
                port: Some(i),
            })?;
        }
        Ok(())
    }

    /// `__nsim_dev_port_add` for VF `n`: flavour `PCI_VF` (pf 0, vf `n`) at `128 + n`,
    /// its netdev and rate leaf.
    pub(super) fn vf_port_add(&mut self, devl: &mut Devl<'_>, n: u32) -> Result<(), CoreError> {
        let vf = u16::try_from(n).unwrap_or(u16::MAX);
        let attrs = PortAttrs {
            flavour: PortFlavour::PciVf,
            number: None,
            controller: Some(0),
            pci_pf: Some(0),
            pci_vf: Some(vf),
            external: Some(false),
            ..PortAttrs::physical(0)
        };
        let index = NSIM_DEV_VF_PORT_INDEX_BASE.saturating_add(n);
        self.port_add(devl, index, attrs, PortKind::Vf)
    }

    /// Register, netdev, rate leaf (VFs). 6.1 creates the netdev silently, adds the
    /// leaf, then `devlink_port_type_eth_set`; mainline's netdev notifier announces type
    /// ETH before the leaf.
    pub(super) fn port_add(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        attrs: PortAttrs,
        kind: PortKind,
    ) -> Result<(), CoreError> {
        devl.port_register(index, attrs)?;
        let netdev = (self.next_ifindex, format!("eth{index}"));
        self.ifindexes.insert(index, netdev.0);
        self.next_ifindex = self.next_ifindex.wrapping_add(1);
        let leaf = kind == PortKind::Vf;
        if self.era() == Era::Mainline {
            devl.port_type_eth_set(index, None)?;
            devl.port_type_eth_set(index, Some(netdev))?;
            if leaf {
                devl.rate_leaf_create(index)?;
            }
        } else {
            if leaf {
                devl.rate_leaf_create(index)?;
            }
            devl.port_type_eth_set(index, Some(netdev))?;
        }
        self.ports.push_front((index, kind));
        Ok(())
    }

    /// `__nsim_dev_port_del`: the rate leaf (VFs), the netdev, then the port.
    pub(super) fn port_del(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), CoreError> {
        let kind = self.port_kind(index);
        self.ports.retain(|&(p, _)| p != index);
        self.port_teardown(devl, index, kind)
    }

    /// `nsim_dev_port_del_all`: most recent first. Linear in ports: the list is taken
    /// whole rather than searched and shrunk once per port (quadratic, which made a
    /// 1 M-port device impossible to delete); on an error the ports not yet deleted
    /// stay, as they did.
    pub(super) fn port_del_all(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        let mut ports = std::mem::take(&mut self.ports).into_iter();
        while let Some((index, kind)) = ports.next() {
            if let Err(e) = self.port_teardown(devl, index, Some(kind)) {
                self.ports = ports.collect();
                return Err(e);
            }
        }
        Ok(())
    }

    /// The port region, rate leaf, netdev and port of `index`, already out of the list.
    fn port_teardown(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        kind: Option<PortKind>,
    ) -> Result<(), CoreError> {
        if kind == Some(PortKind::Pf) && self.opts.port_regions {
            devl.region_destroy(Some(index), PORT_REGION)?;
        }
        self.ifindexes.remove(&index);
        if kind == Some(PortKind::Vf) {
            devl.rate_leaf_destroy(index)?;
        }
        if self.era() == Era::Mainline {
            devl.port_type_eth_set(index, None)?;
        }
        devl.port_type_clear(index)?;
        devl.port_unregister(index)
    }

    /// What port `index` is, if the device has it.
    pub(super) fn port_kind(&self, index: u32) -> Option<PortKind> {
        self.ports
            .iter()
            .find(|&&(p, _)| p == index)
            .map(|&(_, k)| k)
    }

    /// sysfs `new_port`: `nsim_drv_port_add` of a PF port (`-EEXIST` if the index is
    /// taken, by a port of any kind).
    pub(crate) fn bus_port_add(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), SimError> {
        if self.port_kind(i).is_some() {
            return Err(SimError::refused(Errno::EEXIST, format!("port {i} exists")));
        }
        self.pf_port_add(devl, i)?;
        Ok(())
    }

    /// sysfs `del_port`: `nsim_drv_port_del` of a PF port (`-ENOENT` if there is no PF
    /// port with that index).
    pub(crate) fn bus_port_del(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), SimError> {
        if self.port_kind(i) != Some(PortKind::Pf) {
            return Err(SimError::refused(Errno::ENOENT, format!("no PF port {i}")));
        }
        self.port_del(devl, i)?;
        Ok(())
    }
}
