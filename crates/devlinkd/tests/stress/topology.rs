//! The devices of a stress run: long-lived ones from a config file, one of each kind the
//! simulator has (line cards, split ports, port regions, SF ports with port functions,
//! VFs with rate leaves, nested instances, selftests, FW_ACTIVATE, both probe orders),
//! and netdevsim devices the workers create and delete (register storms).

use devlink_wire::devlink::Handle;

/// VF `n`'s port (`NSIM_DEV_VF_PORT_INDEX_BASE` + n).
pub const VF_INDEX_BASE: u32 = devlink_sim::NSIM_DEV_VF_PORT_INDEX_BASE;
/// SF ports are asked for at the sim's own indexes.
pub const SF_INDEX_BASE: u32 = devlink_sim::SF_PORT_INDEX_BASE;
/// The parts of a split port take indexes `SPLIT_PORT_INDEX_BASE + 16 * port + subport`.
pub const fn split_index(port: u32, subport: u32) -> u32 {
    devlink_sim::SPLIT_PORT_INDEX_BASE + 16 * port + subport
}
/// Ports the simulator adds (`devlinkd_sim NEW_PORT`) take these indexes.
pub const SIM_PORT_BASE: u32 = 10;
/// netdevsim's `NSIM_RESOURCE_IPV4_FIB`.
pub const RESOURCE_IPV4_FIB: u64 = 2;
/// How many churning devices (ids from [`CHURN_BASE`]).
pub const CHURN: u32 = 6;
pub const CHURN_BASE: u32 = 20;
/// The sentinel devices' ids start here (`netdevsim9xx`).
pub const SENTINEL_BASE: u32 = 900;
pub const SENTINEL: &str = "netdevsim9";

/// Some of netdevsim's traps and their groups.
pub const TRAPS: [&str; 5] = [
    "source_mac_is_multicast",
    "blackhole_route",
    "ttl_value_is_too_small",
    "tail_drop",
    "igmp_query",
];
pub const TRAP_GROUPS: [&str; 4] = ["l2_drops", "l3_drops", "buffer_drops", "mc_snooping"];
pub const LINECARD_TYPES: [&str; 2] = ["16x100G", "8x200G"];

/// A device the workers pick.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: u32,
    pub handle: Option<&'static str>,
    /// Physical ports at probe.
    pub ports: u32,
    pub fw_activate: bool,
}

impl Device {
    pub fn handle(&self) -> Handle {
        match self.handle.and_then(|h| h.split_once('/')) {
            Some((bus, dev)) => Handle::new(bus, dev),
            None => Handle::new("netdevsim", format!("netdevsim{}", self.id)),
        }
    }
}

/// The id of churning device `n`.
pub const fn churn_id(n: u32) -> u32 {
    CHURN_BASE + n
}

/// The long-lived devices (`CONFIG`).
pub fn stable() -> Vec<Device> {
    let d = |id, handle, ports, fw_activate| Device {
        id,
        handle,
        ports,
        fw_activate,
    };
    vec![
        d(1, None, 4, false),
        d(2, Some("pci/0000:03:00.0"), 2, true),
        d(3, None, 2, false),
        d(4, None, 1, false),
    ]
}

/// Every device the workers pick: the long-lived ones (twice: picked more often than
/// the churning ones, which exist about half the time) and the churning ones.
pub fn all() -> Vec<Device> {
    let mut v = stable();
    v.extend(stable());
    v.extend((0..CHURN).map(|n| Device {
        id: churn_id(n),
        handle: None,
        ports: 2,
        fw_activate: false,
    }));
    v
}

/// The daemon's config: the long-lived devices.
pub const CONFIG: &str = r#"
[[device]]
id = 1
ports = 4
register = "first"
split_lanes = 4
port_regions = true
selftests = true
linecards = [{ index = 0, types = ["16x100G", "8x200G"] }]

[[device]]
id = 2
ports = 2
handle = "pci/0000:03:00.0"
eswitch = "switchdev"
vfs = 2
sf = true
nested = ["nested/child0"]
reload = { fw_activate = true }
first_ifindex = 100

[[device]]
id = 3
ports = 2
eswitch = "switchdev"
vfs = 1
selftests = true

[[device]]
id = 4
ports = 1
register = "first"
sf = true
"#;
