//! Shared buffers (kernel: `struct devlink_sb`, `devl_sb_register` in
//! `net/devlink/sb.c`). The core holds each buffer's geometry; pool sizes, thresholds and
//! TC bindings are the driver's (its `sb_*` ops), as in the kernel. Shared buffers have
//! no notifications.

use devlink_wire::devlink::Sb;
use devlink_wire::spec::{SbPoolType, SbThresholdType};

use crate::Devl;

use super::DevObjError;

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Sb.bit()
    | devlink_wire::watch::WatchKind::SbPool.bit()
    | devlink_wire::watch::WatchKind::SbPortPool.bit()
    | devlink_wire::watch::WatchKind::SbTcBind.bit();

/// A shared buffer as a driver registers it (`devl_sb_register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbDef {
    /// `DEVLINK_ATTR_SB_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_SB_SIZE`.
    pub size: u32,
    /// Ingress pools: pool indexes `0..ingress_pools`.
    pub ingress_pools: u16,
    /// Egress pools: the pool indexes after the ingress ones.
    pub egress_pools: u16,
    /// Ingress traffic classes.
    pub ingress_tcs: u16,
    /// Egress traffic classes.
    pub egress_tcs: u16,
}

impl SbDef {
    /// `devlink_sb_pool_count`.
    pub(crate) fn pool_count(&self) -> u32 {
        u32::from(self.ingress_pools) + u32::from(self.egress_pools)
    }

    /// TCs of one pool type.
    pub(crate) const fn tc_count(&self, ty: SbPoolType) -> u16 {
        match ty {
            SbPoolType::Ingress => self.ingress_tcs,
            SbPoolType::Egress => self.egress_tcs,
        }
    }

    pub(crate) fn fill(&self, handle: &devlink_wire::devlink::Handle) -> Sb {
        Sb {
            handle: handle.clone(),
            index: self.index,
            size: self.size,
            ingress_pool_count: self.ingress_pools,
            egress_pool_count: self.egress_pools,
            ingress_tc_count: self.ingress_tcs,
            egress_tc_count: self.egress_tcs,
            unknown: Vec::new(),
        }
    }
}

/// What [`crate::Driver::sb_pool_get`] reports (`struct devlink_sb_pool_info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbPoolInfo {
    /// Ingress or egress.
    pub pool_type: SbPoolType,
    /// Size in bytes.
    pub size: u32,
    /// Static or dynamic thresholds.
    pub threshold_type: SbThresholdType,
    /// Cell size in bytes.
    pub cell_size: u32,
}

/// A port's pool of a shared buffer: the key of the port-pool ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbPortPoolKey {
    /// Port index.
    pub port: u32,
    /// Shared buffer index.
    pub sb: u32,
    /// Pool index.
    pub pool: u16,
}

/// A port's traffic class of one direction in a shared buffer: the key of the TC-bind ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbTcKey {
    /// Port index.
    pub port: u32,
    /// Shared buffer index.
    pub sb: u32,
    /// Traffic class index.
    pub tc: u16,
    /// Direction.
    pub pool_type: SbPoolType,
}

impl Devl<'_> {
    /// `devl_sb_register`: `EEXIST` for an index in use. Silent (no notification).
    pub fn sb_register(&mut self, def: SbDef) -> Result<(), DevObjError> {
        if self.inst.objects.sbs.iter().any(|s| s.index == def.index) {
            return Err(DevObjError::Exists(format!("shared buffer {}", def.index)));
        }
        self.inst.objects.sbs.push(def);
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_sb_unregister`.
    pub fn sb_unregister(&mut self, index: u32) -> Result<(), DevObjError> {
        let before = self.inst.objects.sbs.len();
        self.inst.objects.sbs.retain(|s| s.index != index);
        if self.inst.objects.sbs.len() == before {
            return Err(DevObjError::NotFound(format!("shared buffer {index}")));
        }
        self.changed_kinds(WATCHED);
        Ok(())
    }
}
