//! Resources (kernel: `nsim_dev_resources_register` in `drivers/net/netdevsim/dev.c`,
//! occupancy from `fib.c`): `IPv4` with `fib` and `fib-rules`, `IPv6` with the same,
//! `nexthops`; unit entry, size unlimited. They live as long as the device.

use devlink_core::{DevObjError, Devl, RESOURCE_ID_PARENT_TOP, ResourceDef};
use devlink_wire::spec::ResourceUnit;

/// `enum nsim_resource_id`, with its name and parent.
const RESOURCES: [(u64, &str, u64); 7] = [
    (1, "IPv4", RESOURCE_ID_PARENT_TOP),
    (2, "fib", 1),
    (3, "fib-rules", 1),
    (4, "IPv6", RESOURCE_ID_PARENT_TOP),
    (5, "fib", 4),
    (6, "fib-rules", 4),
    (7, "nexthops", RESOURCE_ID_PARENT_TOP),
];

/// The fib simulator's occupancy of the leaf resources: what a fresh namespace showed
/// on the 6.1 kernel of the golden traces (`resource_show` in `create_1port/dump`:
/// the default IPv4 routes and rules, IPv6's local route and rules). There is no fib
/// here, so they never change.
pub(super) const fn occupancy(id: u64) -> u64 {
    match id {
        2 | 3 => 3,
        5 => 1,
        6 => 2,
        _ => 0,
    }
}

/// `nsim_dev_resources_register`, and the fib's `devl_resource_occ_get_register` for
/// the leaves.
pub(super) fn register(devl: &mut Devl<'_>) -> Result<(), DevObjError> {
    for (id, name, parent) in RESOURCES {
        devl.resource_register(ResourceDef {
            name: name.into(),
            size: u64::MAX,
            id,
            parent,
            size_min: 0,
            size_max: u64::MAX,
            size_granularity: 1,
            unit: ResourceUnit::Entry,
        })?;
        if parent != RESOURCE_ID_PARENT_TOP || id == 7 {
            devl.resource_occ_get_register(id)?;
        }
    }
    Ok(())
}
