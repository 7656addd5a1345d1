//! Instance requests: `GET` (do; the dump is in `dump.rs`) and `RELOAD`
//! (kernel: `net/devlink/dev.c`, `devlink_nl_get_doit`, `devlink_nl_reload_doit`).

use devlink_wire::devlink::{Bitfield32, Handle, ReloadReply, ReloadReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd, KernelEnum, ReloadAction, ReloadLimit};

use super::{Rejection, Reply, Response};
use crate::instance::reload_combination_is_invalid;
use crate::{Core, Errno};

impl Core {
    /// `GET` do: the instance, answered as `NEW`.
    pub(crate) fn dev_get(&self, handle: Option<&Handle>) -> Result<Response, Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::New,
            body: DevlinkBody::from(inst.fill()),
        }]))
    }

    /// `RELOAD`: the kernel's checks in its order, then [`Core::reload`]. Answers with a
    /// `RELOAD` message (actions performed) only if the request named an action or
    /// limits, as the kernel does for backward compatibility.
    pub(crate) fn dev_reload(&mut self, req: &ReloadReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.resources_validate(&req.handle)?;
        let caps = self
            .instances
            .get(&id)
            .map(|i| i.reload_caps)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let action = req.action.unwrap_or(ReloadAction::DriverReinit);
        if !caps.action(action) {
            return Err(Rejection::msg(
                Errno::EOPNOTSUPP,
                "Requested reload action is not supported by the driver",
            ));
        }
        let mut limit = ReloadLimit::Unspec;
        if let Some(limits) = req.limits {
            let selected = limits.value & limits.selector;
            if selected == 0 {
                return Err(Rejection::msg(Errno::EINVAL, "Invalid limit selected"));
            }
            let lowest = ReloadLimit::ALL
                .iter()
                .copied()
                .find(|l| selected & (1 << l.repr()) != 0);
            // Bits above the last limit: the kernel's loop runs off the end and the
            // multiselection check below rejects them.
            let Some(first) = lowest.filter(|l| selected == 1 << l.repr()) else {
                return Err(Rejection::msg(
                    Errno::EOPNOTSUPP,
                    "Multiselection of limit is not supported",
                ));
            };
            limit = first;
            if !caps.limit(limit) {
                return Err(Rejection::msg(
                    Errno::EOPNOTSUPP,
                    "Requested limit is not supported by the driver",
                ));
            }
            if reload_combination_is_invalid(action, limit) {
                return Err(Rejection::msg(
                    Errno::EINVAL,
                    "Requested limit is invalid for this action",
                ));
            }
        }
        let netns = [req.netns_pid, req.netns_fd, req.netns_id];
        match netns.iter().filter(|n| n.is_some()).count() {
            0 => {}
            1 => {
                return Err(Rejection::attr(
                    Errno::EOPNOTSUPP,
                    netns_attr(req),
                    "Network namespaces are not supported by devlinkd",
                ));
            }
            _ => {
                return Err(Rejection::msg(
                    Errno::EINVAL,
                    "multiple netns identifying attributes specified",
                ));
            }
        }
        let performed = self.reload(id, action, limit)?;
        if req.action.is_none() && req.limits.is_none() {
            return Ok(Response::Do(Vec::new()));
        }
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::Reload,
            body: DevlinkBody::from(ReloadReply {
                handle: req.handle.clone(),
                actions_performed: Bitfield32 {
                    value: performed,
                    selector: performed,
                },
                unknown: Vec::new(),
            }),
        }]))
    }
}

fn netns_attr(req: &ReloadReq) -> Attr {
    if req.netns_pid.is_some() {
        Attr::NetnsPid
    } else if req.netns_fd.is_some() {
        Attr::NetnsFd
    } else {
        Attr::NetnsId
    }
}
