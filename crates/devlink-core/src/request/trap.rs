//! Trap, trap group and trap policer requests (kernel: `net/devlink/trap.c`). The sets
//! are silent (no notification), but counted as changes.

use devlink_wire::devlink::{
    TrapGetReq, TrapGroupGetReq, TrapGroupSetReq, TrapPolicerGetReq, TrapPolicerSetReq, TrapSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction, TrapType};

use super::lend::{instance, with_driver};
use super::{Rejection, Reply, Response, Warning};
use crate::{Core, Errno};

const NO_TRAP: &str = "Device did not register this trap";
const NO_GROUP: &str = "Device did not register this trap group";
const NO_POLICER: &str = "Device did not register this trap policer";
/// `__devlink_trap_action_set`: the warning of a skipped non-drop trap.
const NON_DROP_SKIPPED: &str = "Cannot change action of non-drop traps. Skipping";

/// The trap, group or policer a request names: `-EOPNOTSUPP` for a device that
/// registered none of that kind, `-ENOENT` with `missing` for an unknown (or no) name,
/// as `devlink_trap_item_get_from_info` and its group / policer twins answer.
fn registered<'a, T>(
    list: &'a [T],
    named: impl FnMut(&&T) -> bool,
    missing: &'static str,
) -> Result<&'a T, Rejection> {
    if list.is_empty() {
        return Err(Rejection::errno(Errno::EOPNOTSUPP));
    }
    list.iter()
        .find(named)
        .ok_or(Rejection::msg(Errno::ENOENT, missing))
}

fn reply(cmd: Cmd, body: DevlinkBody) -> Response {
    Response::Do(vec![Reply { cmd, body }])
}

impl Core {
    /// `TRAP_GET` do: `-EOPNOTSUPP` for a device without traps, `-ENOENT` for an unknown
    /// (or missing) name; answered as `TRAP_NEW`, its drop count read now.
    pub(crate) fn trap_get(&self, req: &TrapGetReq) -> Result<Response, Rejection> {
        let (_, inst) = instance(self, req.handle.as_ref())?;
        let trap = registered(
            &inst.objects.traps,
            |t| Some(&t.name) == req.name.as_ref(),
            NO_TRAP,
        )?;
        Ok(reply(
            Cmd::TrapNew,
            DevlinkBody::from(inst.objects.trap_fill(trap)?),
        ))
    }

    /// `TRAP_GROUP_GET` do, answered as `TRAP_GROUP_NEW`.
    pub(crate) fn trap_group_get(&self, req: &TrapGroupGetReq) -> Result<Response, Rejection> {
        let (_, inst) = instance(self, req.handle.as_ref())?;
        let group = registered(
            &inst.objects.groups,
            |g| Some(&g.name) == req.name.as_ref(),
            NO_GROUP,
        )?;
        Ok(reply(Cmd::TrapGroupNew, DevlinkBody::from(group.clone())))
    }

    /// `TRAP_POLICER_GET` do, answered as `TRAP_POLICER_NEW` (drops read now).
    pub(crate) fn trap_policer_get(&self, req: &TrapPolicerGetReq) -> Result<Response, Rejection> {
        let (_, inst) = instance(self, req.handle.as_ref())?;
        let policer = registered(&inst.objects.policers, |p| Some(p.id) == req.id, NO_POLICER)?;
        Ok(reply(
            Cmd::TrapPolicerNew,
            DevlinkBody::from(inst.objects.policer_fill(policer)?),
        ))
    }

    /// `TRAP_SET`: the action, through the driver's `trap_action_set`. Changing the action
    /// of a non-drop trap is skipped: success, with the warning "Cannot change action of
    /// non-drop traps. Skipping".
    pub(crate) fn trap_set(
        &mut self,
        req: &TrapSetReq,
        warning: &mut Warning,
    ) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let trap = registered(
            &inst.objects.traps,
            |t| Some(&t.name) == req.name.as_ref(),
            NO_TRAP,
        )?;
        let Some(action) = req.action else {
            return Ok(Response::Do(Vec::new()));
        };
        if trap.action != action && trap.trap_type != TrapType::Drop {
            *warning = Some(NON_DROP_SKIPPED.into());
            return Ok(Response::Do(Vec::new()));
        }
        let name = trap.name.clone();
        with_driver(self, id, |driver, devl| {
            driver.trap_action_set(devl, &name, action)?;
            devl.trap_action_store(&name, action);
            Ok::<_, Rejection>(())
        })??;
        Ok(Response::Do(Vec::new()))
    }

    /// `TRAP_GROUP_SET`: the action of every trap of the group (as the kernel does for a
    /// driver without `trap_group_action_set`: a non-drop trap whose action would change
    /// is skipped with the warning of `TRAP_SET`), then the policer binding through
    /// `trap_group_set`. A failure after actions were changed keeps them, with the
    /// kernel's message saying so.
    pub(crate) fn trap_group_set(
        &mut self,
        req: &TrapGroupSetReq,
        warning: &mut Warning,
    ) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let group = registered(
            &inst.objects.groups,
            |g| Some(&g.name) == req.name.as_ref(),
            NO_GROUP,
        )?
        .name
        .clone();
        let members: Vec<(String, TrapAction, TrapType)> = inst
            .objects
            .traps
            .iter()
            .filter(|t| t.group == group)
            .map(|t| (t.name.clone(), t.action, t.trap_type))
            .collect();
        let policers: Vec<u32> = inst.objects.policers.iter().map(|p| p.id).collect();
        let caps = inst
            .driver
            .as_ref()
            .map(|d| d.trap_caps())
            .unwrap_or_default();
        let (action, policer) = (req.action, req.policer_id);
        with_driver(self, id, |driver, devl| {
            let mut modified = false;
            if let Some(action) = action {
                for (name, current, ty) in &members {
                    if *current != action && *ty != TrapType::Drop {
                        *warning = Some(NON_DROP_SKIPPED.into());
                        continue;
                    }
                    driver.trap_action_set(devl, name, action)?;
                    devl.trap_action_store(name, action);
                }
                modified = true;
            }
            let Some(policer) = policer else {
                return Ok(());
            };
            let bind = (|| {
                if !caps.group_set {
                    return Err(Rejection::errno(Errno::EOPNOTSUPP));
                }
                let known = policers.contains(&policer);
                if policer != 0 && !known {
                    return Err(Rejection::msg(Errno::ENOENT, NO_POLICER));
                }
                let bound = known.then_some(policer);
                driver.trap_group_set(devl, &group, bound)?;
                devl.trap_group_policer_store(&group, bound);
                Ok(())
            })();
            bind.map_err(|mut e| {
                if modified {
                    e.msg = Some(
                        "Trap group set failed, but some changes were committed already".into(),
                    );
                }
                e
            })
        })??;
        Ok(Response::Do(Vec::new()))
    }

    /// `TRAP_POLICER_SET`: rate and burst (each defaulting to the current value) within
    /// the policer's limits, through the driver's `trap_policer_set`.
    pub(crate) fn trap_policer_set(
        &mut self,
        req: &TrapPolicerSetReq,
    ) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        if inst.objects.policers.is_empty() {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let driver = inst
            .driver
            .as_ref()
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        if !driver.trap_caps().policer_set {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let policer = inst
            .objects
            .policers
            .iter()
            .find(|p| Some(p.id) == req.id)
            .ok_or(Rejection::msg(Errno::ENOENT, NO_POLICER))?;
        let rate = req.rate.unwrap_or(policer.rate);
        let burst = req.burst.unwrap_or(policer.burst);
        let limits = driver.trap_policer_limits(policer.id);
        let bad = |msg| Err(Rejection::msg(Errno::EINVAL, msg));
        if rate < limits.min_rate {
            return bad("Policer rate lower than limit");
        }
        if rate > limits.max_rate {
            return bad("Policer rate higher than limit");
        }
        if burst < limits.min_burst {
            return bad("Policer burst size lower than limit");
        }
        if burst > limits.max_burst {
            return bad("Policer burst size higher than limit");
        }
        let pid = policer.id;
        with_driver(self, id, |driver, devl| {
            driver.trap_policer_set(devl, pid, rate, burst)?;
            devl.trap_policer_store(pid, rate, burst);
            Ok::<_, Rejection>(())
        })??;
        Ok(Response::Do(Vec::new()))
    }
}
