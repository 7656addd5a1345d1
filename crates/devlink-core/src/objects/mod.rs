//! The sub-objects of an instance, one file per kind (mirroring `net/devlink/*.c`), and
//! the order in which they are replayed at registration and unregistration.

mod dpipe;
mod health;
mod info;
mod linecard;
mod param;
mod port;
mod rate;
mod region;
mod replay;
mod resource;
mod sb;
mod trap;
mod trap_stats;

pub use health::ReporterOps;
pub use param::ParamDef;
pub use port::PortAttrs;
pub use region::RegionDef;
pub use trap_stats::TrapCounters;

pub use dpipe::DpipeTableDef;
pub use info::{FlashParams, InfoReq, VersionType};
pub use resource::{RESOURCE_ID_PARENT_TOP, ResourceDef};
pub use sb::{SbDef, SbPoolInfo, SbPortPoolKey, SbTcKey};

pub(crate) use dpipe::Dpipe;
pub(crate) use resource::{
    ResourceNode, all_valid as resources_all_valid, find as resource_find,
    validate_size as resource_validate_size,
};

pub(crate) use health::ReporterItem;
pub(crate) use param::ParamItem;
pub(crate) use region::{RegionItem, region_event};
pub(crate) use replay::{Replayed, Sink};

use std::collections::BTreeMap;
use std::sync::Arc;

use devlink_wire::devlink::{Linecard, Port, Rate, Trap, TrapGroup, TrapPolicer};

/// Everything an instance owns besides its own attributes. Objects are stored as the
/// kernel describes them (the reply bodies of `devlink-wire`), so a notification or a
/// dump message is a copy of the stored value; ports, the objects that come by the
/// million, are shared with it (`Arc`) rather than copied.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    /// By port index (the kernel's ports xarray). Shared with the notifications and
    /// replies that carry them: a change copies the port only while one is still queued
    /// (`Arc::make_mut`).
    pub(crate) ports: BTreeMap<u32, Arc<Port>>,
    /// By param id: generic ids first, then driver ids (the params xarray).
    pub(crate) params: BTreeMap<u32, ParamItem>,
    /// Registration order. Stored without stats (see `trap_counters`).
    pub(crate) policers: Vec<TrapPolicer>,
    /// Registration order.
    pub(crate) groups: Vec<TrapGroup>,
    /// Registration order. Stored without drop counts (see `trap_counters`).
    pub(crate) traps: Vec<Trap>,
    /// Where trap and policer drop counts are read at every fill (`trap_stats.rs`).
    pub(crate) trap_counters: Option<Arc<dyn TrapCounters>>,
    /// Creation order; instance and port regions.
    pub(crate) regions: Vec<RegionItem>,
    /// Creation order; leaves and nodes.
    pub(crate) rates: Vec<Rate>,
    /// Creation order.
    pub(crate) linecards: Vec<Linecard>,
    /// Creation order; instance and port reporters.
    pub(crate) reporters: Vec<ReporterItem>,
    /// Registration order (`devlink->sb_list`).
    pub(crate) sbs: Vec<SbDef>,
    /// Top-level resources in registration order, each with its subtree.
    pub(crate) resources: Vec<ResourceNode>,
    /// dpipe tables and headers.
    pub(crate) dpipe: Dpipe,
}

/// A driver's misuse of the shared buffer, resource and dpipe registration calls (the
/// kernel returns `-EEXIST` / `-EINVAL` to the driver).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevObjError {
    /// An object with that index, id or name is registered.
    #[error("{0} already exists")]
    Exists(String),
    /// No such object (or no such parent resource).
    #[error("{0} not found")]
    NotFound(String),
}

impl Objects {
    /// An upper bound of what a replay announces (to size the queue once).
    pub(crate) fn replay_len(&self) -> usize {
        let snapshots: usize = self.regions.iter().map(|r| r.data.len()).sum();
        self.ports.len()
            + self.params.len()
            + self.policers.len()
            + self.groups.len()
            + self.traps.len()
            + self.regions.len()
            + snapshots
            + self.rates.len()
            + self.linecards.len()
    }
}
