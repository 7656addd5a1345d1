//! Regions and their snapshots (kernel: `net/devlink/region.c`).

use std::collections::BTreeMap;

use devlink_wire::devlink::{Region, RegionEvent, RegionEventKind};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::Devl;
use crate::error::{CoreError, PortError, RegionError};

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 =
    devlink_wire::watch::WatchKind::Region.bit() | devlink_wire::watch::WatchKind::Snapshot.bit();

/// A region as a driver creates it (`devl_region_create` / `devl_port_region_create`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionDef {
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_SIZE`.
    pub size: u64,
    /// `DEVLINK_ATTR_REGION_MAX_SNAPSHOTS`.
    pub max_snapshots: u32,
    /// The port of a port region.
    pub port: Option<u32>,
}

/// A region: its reply body (snapshot ids ascending) and the snapshot contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegionItem {
    pub(crate) region: Region,
    pub(crate) data: BTreeMap<u32, Vec<u8>>,
}

impl Devl<'_> {
    /// `devl_region_create` or, with `def.port`, `devl_port_region_create`;
    /// `REGION_NEW` with the size.
    pub fn region_create(&mut self, def: RegionDef) -> Result<(), CoreError> {
        if let Some(p) = def.port
            && !self.inst.objects.ports.contains_key(&p)
        {
            return Err(PortError::NotFound(p).into());
        }
        if self.region(def.port, &def.name).is_some() {
            return Err(RegionError::Exists(def.name).into());
        }
        let (port, name) = (def.port, def.name.clone());
        self.inst.objects.regions.push(RegionItem {
            region: Region {
                handle: self.inst.handle.clone(),
                port_index: def.port,
                name: def.name,
                size: def.size,
                max_snapshots: def.max_snapshots,
                snapshots: Vec::new(),
                unknown: Vec::new(),
            },
            data: BTreeMap::new(),
        });
        self.changed_kinds(WATCHED);
        self.region_notify(port, &name, None, Cmd::RegionNew);
        Ok(())
    }

    /// `devl_region_destroy`: a `REGION_DEL` per snapshot (ascending id), then the
    /// region's `REGION_DEL`.
    pub fn region_destroy(&mut self, port: Option<u32>, name: &str) -> Result<(), CoreError> {
        let Some(item) = self.region(port, name) else {
            return Err(RegionError::NotFound(name.to_owned()).into());
        };
        for id in item.region.snapshots.clone() {
            self.region_snapshot_delete(port, name, id)?;
        }
        self.region_notify(port, name, None, Cmd::RegionDel);
        self.inst
            .objects
            .regions
            .retain(|r| !(r.region.port_index == port && r.region.name == name));
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// A snapshot with `id` and contents `data` (`devlink_region_snapshot_create`, or a
    /// user `REGION_NEW`); `REGION_NEW` with the snapshot id.
    pub fn region_snapshot_create(
        &mut self,
        port: Option<u32>,
        name: &str,
        id: u32,
        data: Vec<u8>,
    ) -> Result<(), CoreError> {
        let Some(item) = self.region_mut(port, name) else {
            return Err(RegionError::NotFound(name.to_owned()).into());
        };
        if item.data.contains_key(&id) {
            return Err(RegionError::SnapshotExists(id).into());
        }
        let max = usize::try_from(item.region.max_snapshots).unwrap_or(usize::MAX);
        if item.data.len() >= max {
            return Err(RegionError::NoSpace(name.to_owned()).into());
        }
        item.data.insert(id, data);
        item.region.snapshots = item.data.keys().copied().collect();
        self.changed_kinds(WATCHED);
        self.region_notify(port, name, Some(id), Cmd::RegionNew);
        Ok(())
    }

    /// Delete a snapshot (user `REGION_DEL`, or region destruction); `REGION_DEL` with
    /// the snapshot id.
    pub fn region_snapshot_delete(
        &mut self,
        port: Option<u32>,
        name: &str,
        id: u32,
    ) -> Result<(), CoreError> {
        match self.region(port, name) {
            None => return Err(RegionError::NotFound(name.to_owned()).into()),
            Some(r) if !r.data.contains_key(&id) => {
                return Err(RegionError::SnapshotNotFound(id).into());
            }
            Some(_) => {}
        }
        self.region_notify(port, name, Some(id), Cmd::RegionDel);
        if let Some(item) = self.region_mut(port, name) {
            item.data.remove(&id);
            item.region.snapshots = item.data.keys().copied().collect();
        }
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devlink_region_snapshot_id_get`: the lowest snapshot id no snapshot of this
    /// instance uses (the kernel's `snapshot_ids` xarray allocates from 0), for a driver
    /// that takes a snapshot on its own. `None` if every id is taken.
    #[must_use]
    pub fn region_snapshot_id_get(&self) -> Option<u32> {
        let regions = &self.inst.objects.regions;
        (0..=u32::MAX).find(|id| !regions.iter().any(|r| r.data.contains_key(id)))
    }

    pub(crate) fn port_region_names(&self, port: u32) -> Vec<String> {
        let regions = self.inst.objects.regions.iter();
        regions
            .filter(|r| r.region.port_index == Some(port))
            .map(|r| r.region.name.clone())
            .collect()
    }

    fn region(&self, port: Option<u32>, name: &str) -> Option<&RegionItem> {
        let mut regions = self.inst.objects.regions.iter();
        regions.find(|r| r.region.port_index == port && r.region.name == name)
    }

    fn region_mut(&mut self, port: Option<u32>, name: &str) -> Option<&mut RegionItem> {
        let mut regions = self.inst.objects.regions.iter_mut();
        regions.find(|r| r.region.port_index == port && r.region.name == name)
    }

    fn region_notify(&mut self, port: Option<u32>, name: &str, snapshot: Option<u32>, cmd: Cmd) {
        // Region events carry no port index in the notify-filter descriptor.
        self.notify(None, cmd, |inst| {
            let mut regions = inst.objects.regions.iter();
            let r = regions.find(|r| r.region.port_index == port && r.region.name == name)?;
            Some(DevlinkBody::from(region_event(&r.region, snapshot)))
        });
    }
}

/// `devlink_nl_region_notify_build`: handle, optional port, name, then the size (region
/// events) or the snapshot id (snapshot events).
pub(crate) fn region_event(r: &Region, snapshot: Option<u32>) -> RegionEvent {
    RegionEvent {
        handle: r.handle.clone(),
        port_index: r.port_index,
        name: r.name.clone(),
        kind: snapshot.map_or(RegionEventKind::Size(r.size), RegionEventKind::Snapshot),
        unknown: Vec::new(),
    }
}
