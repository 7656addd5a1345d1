//! Shared buffers in the model: the fake driver's buffer and the state its `sb_*` ops
//! keep, and the set requests drawn against it (valid, refused by the core, refused by
//! the driver). Shared buffers have no notifications: that a refused request changed
//! nothing is checked on the driver's state ([`state`]).

use std::collections::BTreeMap;

use devlink_core::{Core, DriverError, Errno, SbDef, SbPortPoolKey, SbTcKey};
use devlink_wire::devlink::{
    Handle, SbOcc, SbOccReq, SbPoolSetReq, SbPortPoolSetReq, SbTcPoolBindSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SbPoolType, SbThresholdType};
use proptest::prelude::*;

use crate::fake::Fake;

/// The fake's one shared buffer: pool 0 ingress, pool 1 egress; one ingress TC, two
/// egress TCs (so TC 1 is valid one way only).
pub(crate) const SB: SbDef = SbDef {
    index: 0,
    size: 4096,
    ingress_pools: 1,
    egress_pools: 1,
    ingress_tcs: 1,
    egress_tcs: 2,
};

/// The largest threshold the fake takes.
const MAX_THRESHOLD: u32 = 16;

/// The fake driver's shared-buffer configuration: what the `sb_*` setters set, and the
/// occupancy counters.
#[derive(Debug, Default)]
pub(crate) struct SbState {
    /// Pool → size and threshold type.
    pools: BTreeMap<u16, (u32, SbThresholdType)>,
    /// (port, pool) → threshold.
    port_pools: BTreeMap<(u32, u16), u32>,
    /// (port, egress, TC) → pool and threshold.
    binds: BTreeMap<(u32, bool, u16), (u16, u32)>,
    /// Occupancy: the current value (one more per snapshot) and the maximum since the
    /// last clear.
    occ: SbOcc,
}

fn pool_type(pool: u16) -> SbPoolType {
    if pool < SB.ingress_pools {
        SbPoolType::Ingress
    } else {
        SbPoolType::Egress
    }
}

fn refused(msg: &str) -> DriverError {
    DriverError::new(Errno::EINVAL, msg)
}

/// The `sb_*` setters of [`Fake`]. The core checks buffer, port, pool and TC indexes
/// before them; the fake refuses a pool larger than the buffer, a threshold above
/// [`MAX_THRESHOLD`] and a TC bound to a pool of the other direction, and then changes
/// nothing.
impl SbState {
    pub(crate) fn pool_set(
        &mut self,
        pool: u16,
        size: u32,
        ty: SbThresholdType,
    ) -> Result<(), DriverError> {
        if size > SB.size {
            return Err(refused("pool larger than the buffer"));
        }
        self.pools.insert(pool, (size, ty));
        Ok(())
    }

    pub(crate) fn port_pool_set(&mut self, k: SbPortPoolKey, th: u32) -> Result<(), DriverError> {
        if th > MAX_THRESHOLD {
            return Err(refused("threshold out of range"));
        }
        self.port_pools.insert((k.port, k.pool), th);
        Ok(())
    }

    pub(crate) fn tc_bind_set(
        &mut self,
        k: SbTcKey,
        pool: u16,
        th: u32,
    ) -> Result<(), DriverError> {
        if pool_type(pool) != k.pool_type {
            return Err(refused("pool of the other direction"));
        }
        if th > MAX_THRESHOLD {
            return Err(refused("threshold out of range"));
        }
        let egress = k.pool_type == SbPoolType::Egress;
        self.binds.insert((k.port, egress, k.tc), (pool, th));
        Ok(())
    }

    pub(crate) fn occ_snapshot(&mut self) {
        self.occ.cur += 1;
        self.occ.max = self.occ.max.max(self.occ.cur);
    }

    pub(crate) fn occ_max_clear(&mut self) {
        self.occ.max = self.occ.cur;
    }
}

/// A shared-buffer set request. Buffer 1 is unknown, pool 2 and TC 2 out of range.
#[derive(Debug, Clone)]
pub(crate) enum SbReq {
    /// Buffer, pool, size, threshold type.
    PoolSet(u32, u16, u32, SbThresholdType),
    /// Port, buffer, pool, threshold.
    PortPoolSet(u32, u32, u16, u32),
    /// Port, buffer, direction, TC, pool, threshold.
    TcBindSet(u32, u32, SbPoolType, u16, u16, u32),
    /// `SB_OCC_SNAPSHOT` or `SB_OCC_MAX_CLEAR`, buffer.
    Occ(Cmd, u32),
}

/// The first pool of a direction.
fn first_pool(ty: SbPoolType) -> u16 {
    match ty {
        SbPoolType::Ingress => 0,
        SbPoolType::Egress => SB.ingress_pools,
    }
}

/// Mostly valid requests: one field at a time goes wrong often enough for each refusal
/// to come up.
pub(crate) fn req() -> impl Strategy<Value = SbReq> {
    use proptest::sample::select;
    // Ports 0 to 3 are there unless removed or split; 9 never is.
    let port = select(vec![0u32, 1, 2, 3, 9]);
    let sb = select(vec![0u32, 0, 0, 1]);
    let pool = select(vec![0u16, 1, 0, 1, 2]);
    let threshold = select(vec![0u32, 8, MAX_THRESHOLD, 17]);
    let size = select(vec![0u32, 1024, SB.size, 5000]);
    let th_type = select(vec![SbThresholdType::Static, SbThresholdType::Dynamic]);
    let direction = select(vec![SbPoolType::Ingress, SbPoolType::Egress]);
    let tc = select(vec![0u16, 0, 1, 2]);
    // The pool of the TC's direction, of the other one, or out of range.
    let bound = select(vec![0u8, 0, 0, 1, 2]);
    let occ = select(vec![Cmd::SbOccSnapshot, Cmd::SbOccMaxClear]);
    prop_oneof![
        (sb.clone(), pool.clone(), size, th_type)
            .prop_map(|(s, p, z, t)| SbReq::PoolSet(s, p, z, t)),
        (port.clone(), sb.clone(), pool, threshold.clone())
            .prop_map(|(q, s, p, t)| SbReq::PortPoolSet(q, s, p, t)),
        (port, sb.clone(), direction, tc, bound, threshold).prop_map(|(q, s, d, c, b, t)| {
            let other = match d {
                SbPoolType::Ingress => SbPoolType::Egress,
                SbPoolType::Egress => SbPoolType::Ingress,
            };
            let pool = match b {
                0 => first_pool(d),
                1 => first_pool(other),
                _ => 2,
            };
            SbReq::TcBindSet(q, s, d, c, pool, t)
        }),
        (occ, sb).prop_map(|(c, s)| SbReq::Occ(c, s)),
    ]
}

/// The request `r` for the instance `handle`.
pub(crate) fn request(handle: Handle, r: &SbReq) -> (Cmd, DevlinkBody) {
    let unknown = vec![];
    match *r {
        SbReq::PoolSet(sb_index, pool_index, size, threshold_type) => {
            let body = SbPoolSetReq {
                handle,
                sb_index,
                pool_index,
                size,
                threshold_type,
                unknown,
            };
            (Cmd::SbPoolSet, DevlinkBody::from(body))
        }
        SbReq::PortPoolSet(port_index, sb_index, pool_index, threshold) => {
            let body = SbPortPoolSetReq {
                handle,
                port_index,
                sb_index,
                pool_index,
                threshold,
                unknown,
            };
            (Cmd::SbPortPoolSet, DevlinkBody::from(body))
        }
        SbReq::TcBindSet(port_index, sb_index, pool_type, tc_index, pool_index, threshold) => {
            let body = SbTcPoolBindSetReq {
                handle,
                port_index,
                sb_index,
                pool_index,
                pool_type,
                threshold,
                tc_index,
                unknown,
            };
            (Cmd::SbTcPoolBindSet, DevlinkBody::from(body))
        }
        SbReq::Occ(cmd, sb_index) => {
            let body = SbOccReq {
                handle,
                sb_index,
                unknown,
            };
            (cmd, DevlinkBody::from(body))
        }
    }
}

/// The shared-buffer state of the fake driver of the instance registered under `handle`:
/// what a refused request must leave as it was.
pub(crate) fn state(core: &mut Core, handle: &Handle) -> String {
    let Some(id) = core.lookup(handle) else {
        return "not registered".into();
    };
    core.with_driver::<Fake, _>(id, |fake, _| format!("{:?}", fake.sb))
        .unwrap_or_else(|e| e.to_string())
}
