//! Resource requests (kernel: `net/devlink/resource.c`, `devlink_nl_resource_dump_doit`,
//! `devlink_nl_resource_set_doit`).

use std::borrow::Cow;

use devlink_wire::devlink::{Handle, ResourceDump, ResourceSetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::info::driver_of;
use super::{Rejection, Reply, Response};
use crate::objects::resource_find;
use crate::{Core, Errno};

impl Core {
    /// `RESOURCE_DUMP`: `-EOPNOTSUPP` without resources; otherwise the tree in one
    /// `NLM_F_MULTI` message (the kernel starts another message only when one overflows).
    pub(crate) fn resource_dump(&self, handle: Option<&Handle>) -> Result<Response, Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let list = &inst.objects.resources;
        if list.is_empty() {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let d = driver_of(inst);
        let occ = |rid| d.resource_occ_get(rid);
        Ok(Response::Multi(vec![Reply {
            cmd: Cmd::ResourceDump,
            body: DevlinkBody::from(ResourceDump {
                handle: inst.handle.clone(),
                resources: list.iter().map(|r| r.fill(&occ)).collect(),
                unknown: Vec::new(),
            }),
        }]))
    }

    /// `RESOURCE_SET`: unknown id `-EINVAL`; the size checked against max, min and
    /// granularity (the last failing check's message); then the new size, shown until
    /// the next driver_reinit reload makes it the size.
    pub(crate) fn resource_set(&mut self, req: &ResourceSetReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let r = resource_find(&inst.objects.resources, req.id)
            .ok_or(Rejection::errno(Errno::EINVAL))?;
        if let Err(msg) = crate::objects::resource_validate_size(&r.def, req.size) {
            return Err(Rejection {
                errno: Errno::EINVAL,
                msg: Some(Cow::Borrowed(msg)),
                attr: None,
                missing: None,
            });
        }
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.resource_size_new_set(req.id, req.size);
        Ok(Response::Do(Vec::new()))
    }

    /// `devlink_resources_validate`, first of the `RELOAD` checks: `-EINVAL` "resources
    /// size validation failed" if some resource's children do not fit its new size.
    pub(crate) fn resources_validate(&self, handle: &Handle) -> Result<(), Rejection> {
        let id = self.resolve(Some(handle))?;
        let ok = self
            .instances
            .get(&id)
            .is_none_or(|i| crate::objects::resources_all_valid(&i.objects.resources));
        if ok {
            Ok(())
        } else {
            Err(Rejection::msg(
                Errno::EINVAL,
                "resources size validation failed",
            ))
        }
    }
}
