//! Port requests (kernel: `net/devlink/port.c`).

use devlink_wire::devlink::PortGetReq;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::{Rejection, Reply, Response};
use crate::{Core, Errno};

impl Core {
    /// `PORT_GET` do: `-EINVAL` without `PORT_INDEX`, `-ENODEV` for an unknown port
    /// (`devlink_port_get_from_attrs`); answered as `PORT_NEW`.
    pub(crate) fn port_get(&self, req: &PortGetReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let index = req.index.ok_or(Rejection::errno(Errno::EINVAL))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let port = inst
            .objects
            .ports
            .get(&index)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::PortNew,
            body: DevlinkBody::Port(port.clone()),
        }]))
    }
}
