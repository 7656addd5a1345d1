//! Port requests (kernel: `net/devlink/port.c`): `PORT_GET` do (the dump is in
//! `dump.rs`), `PORT_SET` (type and function), `PORT_NEW`, `PORT_DEL`, `PORT_SPLIT`,
//! `PORT_UNSPLIT`. The port function setters are in `port_fn.rs`.

use std::sync::Arc;

use devlink_wire::devlink::{Port, PortGetReq, PortKeyReq, PortNewReq, PortSetReq, PortSplitReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour};

use super::{Rejection, Reply, Response};
use crate::driver::Driver;
use crate::port_ops::{PortNewAttrs, PortOps};
use crate::{Core, Devl, Errno, InstanceId};

impl Core {
    /// `PORT_GET` do: `-EINVAL` without `PORT_INDEX`, `-ENODEV` for an unknown port
    /// (`devlink_port_get_from_attrs`); answered as `PORT_NEW`.
    pub(crate) fn port_get(&self, req: &PortGetReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let index = req.index.ok_or(Rejection::errno(Errno::EINVAL))?;
        let port = self.port_of(id, index)?;
        Ok(port_reply(Arc::clone(port)))
    }

    /// `PORT_SET`: the type first (`devlink_port_type_set`: op check, nothing to do if
    /// the port already has that type, else the driver and a `PORT_NEW` with the
    /// desired type), then the function attributes. As in the kernel, a failing
    /// function set after a successful type set leaves the type set.
    pub(crate) fn port_set(&mut self, req: &PortSetReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let index = req.index;
        let port_type = self.port_of(id, index)?.port_type;
        if let Some(ty) = req.port_type {
            if !self.port_ops(id, index).type_set {
                return Err(Rejection::errno(Errno::EOPNOTSUPP));
            }
            if ty != port_type {
                self.call_driver(id, |driver, devl| {
                    driver.port_type_set(devl, index, ty)?;
                    devl.port_desired_type_set(index, ty)
                        .map_err(|_| Rejection::errno(Errno::ENODEV))
                })?;
            }
        }
        if let Some(function) = &req.function {
            self.port_function_set_req(id, index, function)?;
        }
        Ok(Response::Do(Vec::new()))
    }

    /// `PORT_NEW`: the driver's `port_new` with the request's attributes (the codec has
    /// rejected a request without flavour or PF with the kernel's message); the reply is
    /// the new port, as `PORT_NEW`.
    pub(crate) fn port_new_req(&mut self, req: &PortNewReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let attrs = PortNewAttrs {
            flavour: req.flavour,
            pfnum: req.pci_pf,
            port_index: req.index,
            // nla_get_u16 of a u32 attribute: the low 16 bits.
            controller: req
                .controller
                .map(|c| u16::try_from(c & 0xffff).unwrap_or_default()),
            sfnum: req.pci_sf.filter(|_| req.flavour == PortFlavour::PciSf),
        };
        let index = self.call_driver(id, |driver, devl| Ok(driver.port_new(devl, &attrs)?))?;
        let port = self.port_of(id, index)?;
        Ok(port_reply(Arc::clone(port)))
    }

    /// `PORT_DEL`: the port must exist, then the driver's `port_del`.
    pub(crate) fn port_del_req(&mut self, req: &PortKeyReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.port_of(id, req.index)?;
        self.call_driver(id, |driver, devl| Ok(driver.port_del(devl, req.index)?))?;
        Ok(Response::Do(Vec::new()))
    }

    /// `PORT_SPLIT`: the op, then splittable ("Port cannot be split" / "… further" for
    /// a port that is itself a split port), then the count (a power of two, at least 2,
    /// at most the port's lanes), then the driver.
    pub(crate) fn port_split_req(&mut self, req: &PortSplitReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let port = self.port_of(id, req.index)?;
        let (splittable, split) = (
            port.splittable.unwrap_or(false),
            port.split_subport_number.is_some(),
        );
        let lanes = port.lanes.unwrap_or(0);
        if !self.port_ops(id, req.index).split {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        if !splittable {
            let msg = if split {
                "Port cannot be split further"
            } else {
                "Port cannot be split"
            };
            return Err(Rejection::msg(Errno::EINVAL, msg));
        }
        let count = req.count;
        if count < 2 || !count.is_power_of_two() || count > lanes {
            return Err(Rejection::msg(Errno::EINVAL, "Invalid split count"));
        }
        self.call_driver(id, |driver, devl| {
            Ok(driver.port_split(devl, req.index, count)?)
        })?;
        Ok(Response::Do(Vec::new()))
    }

    /// `PORT_UNSPLIT`: the port must exist, then the driver's `port_unsplit`.
    pub(crate) fn port_unsplit_req(&mut self, req: &PortKeyReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.port_of(id, req.index)?;
        self.call_driver(id, |driver, devl| Ok(driver.port_unsplit(devl, req.index)?))?;
        Ok(Response::Do(Vec::new()))
    }

    /// The port, or `-ENODEV` (`devlink_port_get_from_attrs`).
    pub(super) fn port_of(&self, id: InstanceId, index: u32) -> Result<&Arc<Port>, Rejection> {
        self.instances
            .get(&id)
            .and_then(|i| i.objects.ports.get(&index))
            .ok_or(Rejection::errno(Errno::ENODEV))
    }

    /// The ops of port `index` (none while the driver is busy, which cannot happen
    /// between requests).
    pub(super) fn port_ops(&self, id: InstanceId, index: u32) -> PortOps {
        self.instances
            .get(&id)
            .and_then(|i| i.driver.as_ref())
            .map(|d| d.port_ops(index))
            .unwrap_or_default()
    }

    /// Run `f` with the instance's driver and the instance borrowed for changes (the
    /// driver is taken out of the instance meanwhile, as for reload).
    pub(super) fn call_driver<R>(
        &mut self,
        id: InstanceId,
        f: impl FnOnce(&mut dyn Driver, &mut Devl<'_>) -> Result<R, Rejection>,
    ) -> Result<R, Rejection> {
        self.lend_driver(id, f)
            .unwrap_or(Err(Rejection::errno(Errno::ENODEV)))
    }
}

fn port_reply(port: Arc<Port>) -> Response {
    Response::Do(vec![Reply {
        cmd: Cmd::PortNew,
        body: DevlinkBody::Port(port),
    }])
}
