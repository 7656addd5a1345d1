//! Line card requests (kernel: `net/devlink/linecard.c`): `LINECARD_GET` do (the dump
//! is in `dump.rs`) and `LINECARD_SET`, which provisions a card with a type
//! (`devlink_linecard_type_set`) or, with the empty type, unprovisions it
//! (`devlink_linecard_type_unset`).
//!
//! Two no-ops succeed with a warning, as in the kernel: "Line card already provisioned"
//! when the driver's `same_provision` agrees, and "Line card is not provisioned".

use devlink_wire::devlink::{Linecard, LinecardGetReq, LinecardSetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, LinecardState};

use super::{Rejection, Reply, Response, Warning};
use crate::{Core, Errno, InstanceId};

const PROVISIONING: &str = "Line card is currently being provisioned";
const UNPROVISIONING: &str = "Line card is currently being unprovisioned";
const PROVISIONED: &str = "Line card already provisioned";
const NOT_PROVISIONED: &str = "Line card is not provisioned";

impl Core {
    /// `LINECARD_GET` do: the card by index (`-ENODEV` if unknown), as `LINECARD_NEW`.
    pub(crate) fn linecard_get(&self, req: &LinecardGetReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let index = req.index.ok_or(Rejection::errno(Errno::EINVAL))?;
        let card = self.linecard_of(id, index)?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::LinecardNew,
            body: DevlinkBody::from(card.clone()),
        }]))
    }

    /// `LINECARD_SET`: nothing without a type; provision with a non-empty one,
    /// unprovision with `""`.
    pub(crate) fn linecard_set(
        &mut self,
        req: &LinecardSetReq,
        warning: &mut Warning,
    ) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.linecard_of(id, req.index)?;
        *warning = match req.lc_type.as_deref() {
            None => None,
            Some("") => self.linecard_unprovision_req(id, req.index)?,
            Some(t) => self.linecard_provision_req(id, req.index, t)?,
        }
        .map(Into::into);
        Ok(Response::Do(Vec::new()))
    }

    /// `devlink_linecard_type_set`: not while (un)provisioning (`-EBUSY`), a supported
    /// type (`-EINVAL`), not when provisioned already (`-EBUSY`, or success with the
    /// same message as a warning if the driver says it is the same provisioning); then
    /// `PROVISIONING` with the type, the driver, and on its failure back to
    /// `UNPROVISIONED`. `Ok` carries the warning, if any.
    fn linecard_provision_req(
        &mut self,
        id: InstanceId,
        index: u32,
        lc_type: &str,
    ) -> Result<Option<&'static str>, Rejection> {
        let card = self.linecard_of(id, index)?;
        busy(card.state)?;
        let supported = card
            .supported_types
            .as_ref()
            .is_some_and(|t| t.iter().any(|t| t == lc_type));
        if !supported {
            return Err(Rejection::msg(
                Errno::EINVAL,
                "Unsupported line card type provided",
            ));
        }
        if !matches!(
            card.state,
            LinecardState::Unprovisioned | LinecardState::ProvisioningFailed
        ) {
            let same = self
                .instances
                .get(&id)
                .and_then(|i| i.driver.as_ref())
                .is_some_and(|d| d.linecard_same_provision(index, lc_type));
            if same {
                return Ok(Some(PROVISIONED));
            }
            return Err(Rejection::msg(Errno::EBUSY, PROVISIONED));
        }
        let ty = Some(lc_type.to_owned());
        self.call_driver(id, |driver, devl| {
            devl.linecard_state_set(index, LinecardState::Provisioning, ty)
                .map_err(|_| Rejection::errno(Errno::ENODEV))?;
            let r = driver.linecard_provision(devl, index, lc_type);
            if r.is_err() {
                // "Assume the linecard is unprovisioned for future operations."
                devl.linecard_state_set(index, LinecardState::Unprovisioned, None)
                    .map_err(|_| Rejection::errno(Errno::ENODEV))?;
            }
            r?;
            Ok(None)
        })
    }

    /// `devlink_linecard_type_unset`: not while (un)provisioning (`-EBUSY`); a failed
    /// provisioning is simply cleared; an unprovisioned card stays so, with the warning
    /// "Line card is not provisioned"; otherwise `UNPROVISIONING`, the driver, and on
    /// its failure `UNPROVISIONED`. `Ok` carries the warning, if any.
    fn linecard_unprovision_req(
        &mut self,
        id: InstanceId,
        index: u32,
    ) -> Result<Option<&'static str>, Rejection> {
        let card = self.linecard_of(id, index)?;
        let (state, lc_type) = (card.state, card.lc_type.clone());
        busy(state)?;
        self.call_driver(id, |driver, devl| {
            let set = |devl: &mut crate::Devl<'_>, s, t| {
                devl.linecard_state_set(index, s, t)
                    .map_err(|_| Rejection::errno(Errno::ENODEV))
            };
            match state {
                LinecardState::ProvisioningFailed => {
                    set(devl, LinecardState::Unprovisioned, None).map(|()| None)
                }
                LinecardState::Unprovisioned => Ok(Some(NOT_PROVISIONED)),
                _ => {
                    set(devl, LinecardState::Unprovisioning, lc_type)?;
                    let r = driver.linecard_unprovision(devl, index);
                    if r.is_err() {
                        set(devl, LinecardState::Unprovisioned, None)?;
                    }
                    r?;
                    Ok(None)
                }
            }
        })
    }

    /// The card, or `-ENODEV` (`devlink_linecard_get_from_attrs`).
    fn linecard_of(&self, id: InstanceId, index: u32) -> Result<&Linecard, Rejection> {
        self.instances
            .get(&id)
            .and_then(|i| i.objects.linecards.iter().find(|l| l.index == index))
            .ok_or(Rejection::errno(Errno::ENODEV))
    }
}

fn busy(state: LinecardState) -> Result<(), Rejection> {
    match state {
        LinecardState::Provisioning => Err(Rejection::msg(Errno::EBUSY, PROVISIONING)),
        LinecardState::Unprovisioning => Err(Rejection::msg(Errno::EBUSY, UNPROVISIONING)),
        _ => Ok(()),
    }
}
