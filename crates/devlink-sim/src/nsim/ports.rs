//! Ports (kernel: `__nsim_dev_port_add` / `__nsim_dev_port_del` in
//! `drivers/net/netdevsim/dev.c`): PF ports at their own index with a netdev.

use devlink_core::{CoreError, Devl, PortAttrs};

use super::{Era, NsimDevice};

impl NsimDevice {
    /// `__nsim_dev_port_add` for PF port `i`: port index `i`, physical port number
    /// `i + 1`, then its netdev.
    pub(super) fn port_add(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        devl.port_register(i, PortAttrs::physical(i.wrapping_add(1)))?;
        self.netdev_add(devl, i)?;
        self.ports.insert(0, i);
        Ok(())
    }

    /// The port's netdev appears (`nsim_create`): in mainline the netdev notifier
    /// announces type ETH first without, then with the netdev; 6.1's
    /// `devlink_port_type_eth_set` does both at once.
    fn netdev_add(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        let ifindex = self.next_ifindex;
        self.next_ifindex = self.next_ifindex.wrapping_add(1);
        if self.era == Era::Mainline {
            devl.port_type_eth_set(i, None)?;
        }
        devl.port_type_eth_set(i, Some((ifindex, format!("eth{i}"))))
    }

    /// `__nsim_dev_port_del`: the netdev goes, then the port.
    pub(super) fn port_del(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), CoreError> {
        self.ports.retain(|&p| p != i);
        if self.era == Era::Mainline {
            devl.port_type_eth_set(i, None)?;
        }
        devl.port_type_clear(i)?;
        devl.port_unregister(i)
    }

    /// `nsim_dev_port_del_all`: most recent first.
    pub(super) fn port_del_all(&mut self, devl: &mut Devl<'_>) -> Result<(), CoreError> {
        for i in self.ports.clone() {
            self.port_del(devl, i)?;
        }
        Ok(())
    }
}
