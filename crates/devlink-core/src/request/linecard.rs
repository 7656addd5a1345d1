//! Line card requests (kernel: `net/devlink/linecard.c`): `LINECARD_GET` do (the dump
//! is in `dump.rs`) and `LINECARD_SET`, which provisions a card with a type
//! (`devlink_linecard_type_set`) or, with the empty type, unprovisions it
//! (`devlink_linecard_type_unset`).
//!
//! The kernel answers two no-op cases with success and a warning in the extack ("Line
//! card already provisioned" when the driver's `same_provision` agrees, "Line card is
//! not provisioned"); the ACK here carries no warning.

use devlink_wire::devlink::{Linecard, LinecardGetReq, LinecardSetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, LinecardState};

use super::{Rejection, Reply, Response};
use crate::{Core, Errno, InstanceId};

const PROVISIONING: &str = "Line card is currently being provisioned";
const UNPROVISIONING: &str = "Line card is currently being unprovisioned";

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
    pub(crate) fn linecard_set(&mut self, req: &LinecardSetReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        self.linecard_of(id, req.index)?;
        match req.lc_type.as_deref() {
            None => {}
            Some("") => self.linecard_unprovision_req(id, req.index)?,
            Some(t) => self.linecard_provision_req(id, req.index, t)?,
        }
        Ok(Response::Do(Vec::new()))
    }

    /// `devlink_linecard_type_set`: not while (un)provisioning (`-EBUSY`), a supported
    /// type (`-EINVAL`), not when provisioned already (`-EBUSY`, or success if the
    /// driver says it is the same provisioning); then `PROVISIONING` with the type, the
    /// driver, and on its failure back to `UNPROVISIONED`.
    fn linecard_provision_req(
        &mut self,
        id: InstanceId,
        index: u32,
        lc_type: &str,
    ) -> Result<(), Rejection> {
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
                return Ok(());
            }
            return Err(Rejection::msg(
                Errno::EBUSY,
                "Line card already provisioned",
            ));
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
            Ok(r?)
        })
    }

    /// `devlink_linecard_type_unset`: not while (un)provisioning (`-EBUSY`); a failed
    /// provisioning is simply cleared; an unprovisioned card stays so; otherwise
    /// `UNPROVISIONING`, the driver, and on its failure `UNPROVISIONED`.
    fn linecard_unprovision_req(&mut self, id: InstanceId, index: u32) -> Result<(), Rejection> {
        let card = self.linecard_of(id, index)?;
        let (state, lc_type) = (card.state, card.lc_type.clone());
        busy(state)?;
        self.call_driver(id, |driver, devl| {
            let set = |devl: &mut crate::Devl<'_>, s, t| {
                devl.linecard_state_set(index, s, t)
                    .map_err(|_| Rejection::errno(Errno::ENODEV))
            };
            match state {
                LinecardState::ProvisioningFailed => set(devl, LinecardState::Unprovisioned, None),
                LinecardState::Unprovisioned => Ok(()),
                _ => {
                    set(devl, LinecardState::Unprovisioning, lc_type)?;
                    let r = driver.linecard_unprovision(devl, index);
                    if r.is_err() {
                        set(devl, LinecardState::Unprovisioned, None)?;
                    }
                    Ok(r?)
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
