//! What a device is created with: the bus id, the port count and the kernel era to
//! follow (kernel: `new_device "ID PORT_COUNT"` in `drivers/net/netdevsim/bus.c`).

use devlink_wire::devlink::Handle;

/// Which netdevsim the simulator reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Era {
    /// Debian 6.1 (v5.16…v6.2): every object is created first and `devlink_register`
    /// runs last, so the registration replay announces everything; remove unregisters
    /// first and the rest of the teardown is silent. No netdev notifier tracking: a
    /// port becomes type ETH with its netdev in one `PORT_NEW`
    /// (`devlink_port_type_eth_set`), and `devlink_port_type_clear` precedes `PORT_DEL`.
    #[default]
    Kernel61,
    /// Mainline (v6.3+): `devl_register` first, so every object is announced live in
    /// probe order; remove tears down live and unregisters last. Ports follow their
    /// netdev through the notifier (v6.2+): `PORT_NEW` type ETH without netdev
    /// (`NETDEV_POST_INIT`), then with it (`NETDEV_REGISTER`); on removal netdev cleared
    /// (`NETDEV_UNREGISTER`), then type `NOTSET` (`NETDEV_PRE_UNINIT`), then `PORT_DEL`.
    Mainline,
}

/// What `new_device` is given, plus the simulator's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsimConfig {
    /// The bus device id: the handle is `netdevsim/netdevsim<id>`.
    pub id: u32,
    /// Physical ports to create (`new_device "ID PORT_COUNT"`).
    pub port_count: u32,
    /// Which kernel's order to follow.
    pub era: Era,
    /// The ifindex of the first netdev; each new netdev takes the next one.
    pub first_ifindex: u32,
}

impl NsimConfig {
    /// A 6.1-era device with `port_count` ports.
    #[must_use]
    pub const fn new(id: u32, port_count: u32) -> Self {
        Self {
            id,
            port_count,
            era: Era::Kernel61,
            first_ifindex: 2,
        }
    }

    /// The devlink handle, `netdevsim/netdevsim<id>`.
    #[must_use]
    pub fn handle(&self) -> Handle {
        Handle::new("netdevsim", format!("netdevsim{}", self.id))
    }
}
