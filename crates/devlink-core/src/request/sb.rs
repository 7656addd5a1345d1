//! Shared buffer requests (kernel: `net/devlink/sb.c`): the buffers the core holds, and
//! pools, port pools and TC bindings through the driver's `sb_*` ops. Nothing here is
//! notified.

use devlink_wire::devlink::{
    Handle, SbGetReq, SbOcc, SbOccReq, SbPool, SbPoolGetReq, SbPoolSetReq, SbPortPool,
    SbPortPoolGetReq, SbPortPoolSetReq, SbTcPoolBind, SbTcPoolBindGetReq, SbTcPoolBindSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SbPoolType};

use super::info::driver_of;
use super::{Rejection, Reply, Response};
use crate::driver::DriverError;
use crate::instance::Instance;
use crate::objects::{SbDef, SbPortPoolKey, SbTcKey};
use crate::{Core, Errno, InstanceId};

/// `devlink_sb_get_from_attrs`: `-EINVAL` without `SB_INDEX`, `-ENODEV` if unknown.
fn sb_of(inst: &Instance, index: Option<u32>) -> Result<SbDef, Rejection> {
    let index = index.ok_or(Rejection::errno(Errno::EINVAL))?;
    inst.objects
        .sbs
        .iter()
        .find(|s| s.index == index)
        .copied()
        .ok_or(Rejection::errno(Errno::ENODEV))
}

/// `devlink_sb_pool_index_get_from_attrs`: `-EINVAL` if missing or out of range.
fn pool_of(sb: &SbDef, pool: Option<u16>) -> Result<u16, Rejection> {
    pool.filter(|&p| u32::from(p) < sb.pool_count())
        .ok_or(Rejection::errno(Errno::EINVAL))
}

/// `devlink_sb_tc_index_get_from_attrs`: `-EINVAL` if missing or out of range for the
/// pool type.
fn tc_of(sb: &SbDef, ty: SbPoolType, tc: Option<u16>) -> Result<u16, Rejection> {
    tc.filter(|&t| t < sb.tc_count(ty))
        .ok_or(Rejection::errno(Errno::EINVAL))
}

/// Occupancy: shown if the op gives it, left out on `EOPNOTSUPP`.
fn occ(r: Result<SbOcc, DriverError>) -> Result<Option<SbOcc>, DriverError> {
    match r {
        Ok(o) => Ok(Some(o)),
        Err(e) if e.errno == Errno::EOPNOTSUPP => Ok(None),
        Err(e) => Err(e),
    }
}

/// `devlink_nl_sb_pool_fill`.
pub(crate) fn pool_fill(inst: &Instance, sb: &SbDef, pool: u16) -> Result<SbPool, DriverError> {
    let i = driver_of(inst).sb_pool_get(sb.index, pool)?;
    Ok(SbPool {
        handle: inst.handle.clone(),
        sb_index: sb.index,
        pool_index: pool,
        pool_type: i.pool_type,
        size: i.size,
        threshold_type: i.threshold_type,
        cell_size: i.cell_size,
        unknown: Vec::new(),
    })
}

/// `devlink_nl_sb_port_pool_fill`.
pub(crate) fn port_pool_fill(
    inst: &Instance,
    key: SbPortPoolKey,
) -> Result<SbPortPool, DriverError> {
    let d = driver_of(inst);
    let threshold = d.sb_port_pool_get(key)?;
    Ok(SbPortPool {
        handle: inst.handle.clone(),
        port_index: key.port,
        sb_index: key.sb,
        pool_index: key.pool,
        threshold,
        occ: occ(d.sb_occ_port_pool_get(key))?,
        unknown: Vec::new(),
    })
}

/// `devlink_nl_sb_tc_pool_bind_fill`.
pub(crate) fn tc_bind_fill(inst: &Instance, key: SbTcKey) -> Result<SbTcPoolBind, DriverError> {
    let d = driver_of(inst);
    let (pool_index, threshold) = d.sb_tc_pool_bind_get(key)?;
    Ok(SbTcPoolBind {
        handle: inst.handle.clone(),
        port_index: key.port,
        sb_index: key.sb,
        tc_index: key.tc,
        pool_type: key.pool_type,
        pool_index,
        threshold,
        occ: occ(d.sb_occ_tc_port_bind_get(key))?,
        unknown: Vec::new(),
    })
}

fn one(cmd: Cmd, body: DevlinkBody) -> Response {
    Response::Do(vec![Reply { cmd, body }])
}

impl Core {
    fn sb_instance(&self, handle: Option<&Handle>) -> Result<(InstanceId, &Instance), Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        Ok((id, inst))
    }

    /// The instance and the port of a port-level command (the pre-doit's
    /// `devlink_port_get_from_info`: `-EINVAL` without `PORT_INDEX`, `-ENODEV` if unknown).
    fn sb_port(
        &self,
        handle: Option<&Handle>,
        port: Option<u32>,
    ) -> Result<(InstanceId, &Instance, u32), Rejection> {
        let (id, inst) = self.sb_instance(handle)?;
        let port = port.ok_or(Rejection::errno(Errno::EINVAL))?;
        if !inst.objects.ports.contains_key(&port) {
            return Err(Rejection::errno(Errno::ENODEV));
        }
        Ok((id, inst, port))
    }

    /// `SB_GET` do: answered as `SB_NEW`.
    pub(crate) fn sb_get(&self, req: &SbGetReq) -> Result<Response, Rejection> {
        let (_, inst) = self.sb_instance(req.handle.as_ref())?;
        let sb = sb_of(inst, req.sb_index)?;
        Ok(one(Cmd::SbNew, DevlinkBody::from(sb.fill(&inst.handle))))
    }

    /// `SB_POOL_GET` do: answered as `SB_POOL_NEW`.
    pub(crate) fn sb_pool_get(&self, req: &SbPoolGetReq) -> Result<Response, Rejection> {
        let (_, inst) = self.sb_instance(req.handle.as_ref())?;
        let sb = sb_of(inst, req.sb_index)?;
        let pool = pool_of(&sb, req.pool_index)?;
        let body = pool_fill(inst, &sb, pool)?;
        Ok(one(Cmd::SbPoolNew, DevlinkBody::from(body)))
    }

    /// `SB_POOL_SET`: sb, pool index, then the driver.
    pub(crate) fn sb_pool_set(&mut self, req: &SbPoolSetReq) -> Result<Response, Rejection> {
        let (id, inst) = self.sb_instance(Some(&req.handle))?;
        let sb = sb_of(inst, Some(req.sb_index))?;
        let pool = pool_of(&sb, Some(req.pool_index))?;
        self.sb_driver_set(id, |d, devl| {
            d.sb_pool_set(devl, sb.index, pool, req.size, req.threshold_type)
        })
    }

    /// `SB_PORT_POOL_GET` do: answered as `SB_PORT_POOL_NEW`.
    pub(crate) fn sb_port_pool_get(&self, req: &SbPortPoolGetReq) -> Result<Response, Rejection> {
        let (_, inst, port) = self.sb_port(req.handle.as_ref(), req.port_index)?;
        let sb = sb_of(inst, req.sb_index)?;
        let pool = pool_of(&sb, req.pool_index)?;
        let key = SbPortPoolKey {
            port,
            sb: sb.index,
            pool,
        };
        let body = port_pool_fill(inst, key)?;
        Ok(one(Cmd::SbPortPoolNew, DevlinkBody::from(body)))
    }

    /// `SB_PORT_POOL_SET`: port, sb, pool index, then the driver.
    pub(crate) fn sb_port_pool_set(
        &mut self,
        req: &SbPortPoolSetReq,
    ) -> Result<Response, Rejection> {
        let (id, inst, port) = self.sb_port(Some(&req.handle), Some(req.port_index))?;
        let sb = sb_of(inst, Some(req.sb_index))?;
        let pool = pool_of(&sb, Some(req.pool_index))?;
        let key = SbPortPoolKey {
            port,
            sb: sb.index,
            pool,
        };
        self.sb_driver_set(id, |d, devl| d.sb_port_pool_set(devl, key, req.threshold))
    }

    /// `SB_TC_POOL_BIND_GET` do: answered as `SB_TC_POOL_BIND_NEW`.
    pub(crate) fn sb_tc_pool_bind_get(
        &self,
        req: &SbTcPoolBindGetReq,
    ) -> Result<Response, Rejection> {
        let (_, inst, port) = self.sb_port(req.handle.as_ref(), req.port_index)?;
        let sb = sb_of(inst, req.sb_index)?;
        let pool_type = req.pool_type.ok_or(Rejection::errno(Errno::EINVAL))?;
        let tc = tc_of(&sb, pool_type, req.tc_index)?;
        let key = SbTcKey {
            port,
            sb: sb.index,
            tc,
            pool_type,
        };
        let body = tc_bind_fill(inst, key)?;
        Ok(one(Cmd::SbTcPoolBindNew, DevlinkBody::from(body)))
    }

    /// `SB_TC_POOL_BIND_SET`: port, sb, pool type, TC, pool index, then the driver.
    pub(crate) fn sb_tc_pool_bind_set(
        &mut self,
        req: &SbTcPoolBindSetReq,
    ) -> Result<Response, Rejection> {
        let (id, inst, port) = self.sb_port(Some(&req.handle), Some(req.port_index))?;
        let sb = sb_of(inst, Some(req.sb_index))?;
        let tc = tc_of(&sb, req.pool_type, Some(req.tc_index))?;
        let pool = pool_of(&sb, Some(req.pool_index))?;
        let key = SbTcKey {
            port,
            sb: sb.index,
            tc,
            pool_type: req.pool_type,
        };
        self.sb_driver_set(id, |d, devl| {
            d.sb_tc_pool_bind_set(devl, key, pool, req.threshold)
        })
    }

    /// `SB_OCC_SNAPSHOT` (`max_clear` false) or `SB_OCC_MAX_CLEAR`.
    pub(crate) fn sb_occ(
        &mut self,
        req: &SbOccReq,
        max_clear: bool,
    ) -> Result<Response, Rejection> {
        let (id, inst) = self.sb_instance(Some(&req.handle))?;
        let sb = sb_of(inst, Some(req.sb_index))?.index;
        self.sb_driver_set(id, |d, devl| {
            if max_clear {
                d.sb_occ_max_clear(devl, sb)
            } else {
                d.sb_occ_snapshot(devl, sb)
            }
        })
    }

    /// A driver op that may change the driver's state: counted if it succeeds.
    fn sb_driver_set(
        &mut self,
        id: InstanceId,
        f: impl FnOnce(&mut dyn crate::Driver, &mut crate::Devl<'_>) -> Result<(), DriverError>,
    ) -> Result<Response, Rejection> {
        super::lend::with_driver(self, id, |d, devl| {
            f(d, devl)?;
            devl.changed();
            Ok::<(), DriverError>(())
        })??;
        Ok(Response::Do(Vec::new()))
    }
}
