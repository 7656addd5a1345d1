//! Helpers of the region, health and trap handlers: the registered instance a request
//! names, and its driver lent for one call (as `Core::reload` does).

use devlink_wire::devlink::Handle;

use super::Rejection;
use crate::instance::Instance;
use crate::{Core, Devl, Driver, Errno, InstanceId};

/// The registered instance `handle` names (`-EINVAL` without one, `-ENODEV` if none).
pub(super) fn instance<'a>(
    core: &'a Core,
    handle: Option<&Handle>,
) -> Result<(InstanceId, &'a Instance), Rejection> {
    let id = core.resolve(handle)?;
    let inst = core
        .instances
        .get(&id)
        .ok_or(Rejection::errno(Errno::ENODEV))?;
    Ok((id, inst))
}

/// Run `f` with the instance's driver and the instance borrowed for changes.
pub(super) fn with_driver<R>(
    core: &mut Core,
    id: InstanceId,
    f: impl FnOnce(&mut dyn Driver, &mut Devl<'_>) -> R,
) -> Result<R, Rejection> {
    core.lend_driver(id, f)
        .ok_or(Rejection::errno(Errno::ENODEV))
}
