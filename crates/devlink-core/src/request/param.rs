//! Param requests (kernel: `net/devlink/param.c`, `devlink_nl_param_get_doit`,
//! `__devlink_nl_cmd_param_set_doit`).

use devlink_wire::devlink::{ParamGetReq, ParamSetReq, ParamValue};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd, ParamCmode, VarAttrType};

use super::{Rejection, Reply, Response};
use crate::{Core, Errno};

/// `__DEVLINK_PARAM_MAX_STRING_VALUE`: the size of a string param's value, NUL included.
const MAX_STRING_VALUE: usize = 32;

impl Core {
    /// `PARAM_GET` do: the param by name (missing name: `-EINVAL` with the missing
    /// attribute; unknown name: `-EINVAL`), answered as `PARAM_GET`.
    pub(crate) fn param_get(&self, req: &ParamGetReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let name = req
            .name
            .as_deref()
            .ok_or(Rejection::missing(Attr::ParamName))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let item = inst
            .objects
            .params
            .values()
            .find(|p| p.param.name == name)
            .ok_or(Rejection::errno(Errno::EINVAL))?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::ParamGet,
            body: DevlinkBody::from(item.param.clone()),
        }]))
    }

    /// `PARAM_SET`: the kernel's checks in order (name, type, value, cmode), then the
    /// value is set (runtime, permanent) or staged (driverinit); `PARAM_NEW`.
    pub(crate) fn param_set_req(&mut self, req: &ParamSetReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let item = inst
            .objects
            .params
            .values()
            .find(|p| p.param.name == req.name)
            .ok_or(Rejection::errno(Errno::EINVAL))?;
        if req.ty != item.param.ty {
            return Err(Rejection::errno(Errno::EINVAL));
        }
        // Without RESET_DEFAULT the value comes first; the cmode check after.
        let value = match (&req.value, req.ty, req.reset_default) {
            (_, _, true) => None,
            (Some(v), _, false) => Some(v.clone()),
            (None, VarAttrType::Flag, false) => Some(ParamValue::Bool(false)),
            (None, _, false) => return Err(Rejection::errno(Errno::EINVAL)),
        };
        // A string value must fit `__DEVLINK_PARAM_MAX_STRING_VALUE` bytes with its NUL
        // (`devlink_param_value_get_from_info`).
        if let Some(ParamValue::String(s)) = &value
            && s.len() >= MAX_STRING_VALUE
        {
            return Err(Rejection::errno(Errno::EINVAL));
        }
        if !item.param.values.iter().any(|e| e.cmode == req.cmode) {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let value = match value {
            Some(v) => v,
            // Driverinit resets to the driver's value; other cmodes would need a
            // driver `reset_default` op, which no driver here has.
            None if req.cmode == ParamCmode::Driverinit => item.driverinit_default.clone().ok_or(
                Rejection::msg(Errno::EOPNOTSUPP, "Default value not available"),
            )?,
            None => return Err(Rejection::errno(Errno::EOPNOTSUPP)),
        };
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.param_set(&req.name, req.cmode, value)
            .map_err(|_| Rejection::errno(Errno::EINVAL))?;
        Ok(Response::Do(Vec::new()))
    }
}
