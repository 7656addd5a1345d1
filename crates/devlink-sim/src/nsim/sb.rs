//! Shared buffers (beyond netdevsim; kernel: `devl_sb_register` and the `sb_*` ops of
//! `struct devlink_ops`, as mlxsw has): the geometry lives in the core, the pool
//! settings, port-pool thresholds and TC bindings here.

use std::collections::BTreeMap;

use devlink_core::{DriverError, Errno, SbPoolInfo, SbPortPoolKey, SbTcKey};
use devlink_wire::devlink::SbOcc;
use devlink_wire::spec::{SbPoolType, SbThresholdType};

use crate::SbOptions;

/// One buffer's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Buffer {
    opts: SbOptions,
    /// Per pool: size and threshold type.
    pools: Vec<(u32, SbThresholdType)>,
}

/// Every buffer's settings, by buffer index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct SbData {
    buffers: BTreeMap<u32, Buffer>,
    port_pools: BTreeMap<(u32, u32, u16), u32>,
    tc_binds: BTreeMap<(u32, u32, u16, u8), (u16, u32)>,
}

fn invalid(msg: &str) -> DriverError {
    DriverError::new(Errno::EINVAL, msg)
}

impl SbData {
    /// Pools split the size evenly and start dynamic.
    pub(super) fn new(opts: &[SbOptions]) -> Self {
        let buffers = opts.iter().map(|o| {
            let count = u32::from(o.ingress_pools) + u32::from(o.egress_pools);
            let size = o.size.checked_div(count).unwrap_or(0);
            let pools = (0..count)
                .map(|_| (size, SbThresholdType::Dynamic))
                .collect();
            (o.index, Buffer { opts: *o, pools })
        });
        Self {
            buffers: buffers.collect(),
            ..Self::default()
        }
    }

    fn buffer(&self, sb: u32) -> Result<&Buffer, DriverError> {
        self.buffers
            .get(&sb)
            .ok_or_else(|| invalid("no such shared buffer"))
    }

    /// The pool's type: ingress pools come first.
    fn pool_type(&self, sb: u32, pool: u16) -> Result<SbPoolType, DriverError> {
        let b = self.buffer(sb)?;
        if usize::from(pool) >= b.pools.len() {
            return Err(invalid("no such pool"));
        }
        Ok(if pool < b.opts.ingress_pools {
            SbPoolType::Ingress
        } else {
            SbPoolType::Egress
        })
    }

    /// `sb_pool_get`.
    pub(super) fn pool_get(&self, sb: u32, pool: u16) -> Result<SbPoolInfo, DriverError> {
        let pool_type = self.pool_type(sb, pool)?;
        let b = self.buffer(sb)?;
        let (size, threshold_type) = b
            .pools
            .get(usize::from(pool))
            .copied()
            .ok_or_else(|| invalid("no such pool"))?;
        Ok(SbPoolInfo {
            pool_type,
            size,
            threshold_type,
            cell_size: b.opts.cell_size,
        })
    }

    /// `sb_pool_set`: a pool cannot outgrow its buffer.
    pub(super) fn pool_set(
        &mut self,
        sb: u32,
        pool: u16,
        size: u32,
        ty: SbThresholdType,
    ) -> Result<(), DriverError> {
        self.pool_type(sb, pool)?;
        let b = self
            .buffers
            .get_mut(&sb)
            .ok_or_else(|| invalid("no such shared buffer"))?;
        if size > b.opts.size {
            return Err(invalid("Exceeded shared buffer size"));
        }
        if let Some(p) = b.pools.get_mut(usize::from(pool)) {
            *p = (size, ty);
        }
        Ok(())
    }

    /// `sb_port_pool_get` (0 until set).
    pub(super) fn port_pool_get(&self, k: SbPortPoolKey) -> Result<u32, DriverError> {
        self.pool_type(k.sb, k.pool)?;
        Ok(self
            .port_pools
            .get(&(k.port, k.sb, k.pool))
            .copied()
            .unwrap_or(0))
    }

    /// `sb_port_pool_set`.
    pub(super) fn port_pool_set(
        &mut self,
        k: SbPortPoolKey,
        threshold: u32,
    ) -> Result<(), DriverError> {
        self.pool_type(k.sb, k.pool)?;
        self.port_pools.insert((k.port, k.sb, k.pool), threshold);
        Ok(())
    }

    /// `sb_tc_pool_bind_get` (pool 0 of the direction, or the first egress pool, and
    /// threshold 0 until set).
    pub(super) fn tc_bind_get(&self, k: SbTcKey) -> Result<(u16, u32), DriverError> {
        let b = self.buffer(k.sb)?;
        let default_pool = match k.pool_type {
            SbPoolType::Ingress => 0,
            SbPoolType::Egress => b.opts.ingress_pools,
        };
        let key = (k.port, k.sb, k.tc, k.pool_type as u8);
        Ok(self
            .tc_binds
            .get(&key)
            .copied()
            .unwrap_or((default_pool, 0)))
    }

    /// `sb_tc_pool_bind_set`: the pool must be of the TC's direction.
    pub(super) fn tc_bind_set(
        &mut self,
        k: SbTcKey,
        pool: u16,
        threshold: u32,
    ) -> Result<(), DriverError> {
        if self.pool_type(k.sb, pool)? != k.pool_type {
            return Err(invalid(
                "Binding egress TC to ingress pool and vice versa is forbidden",
            ));
        }
        self.tc_binds
            .insert((k.port, k.sb, k.tc, k.pool_type as u8), (pool, threshold));
        Ok(())
    }

    /// Occupancy: nothing is ever buffered here.
    pub(super) fn occ(&self, sb: u32) -> Result<SbOcc, DriverError> {
        self.buffer(sb)?;
        Ok(SbOcc { cur: 0, max: 0 })
    }
}
