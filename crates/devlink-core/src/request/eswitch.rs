//! E-switch requests (kernel: `net/devlink/dev.c`, `devlink_nl_eswitch_get_doit`,
//! `devlink_nl_eswitch_set_doit`). The e-switch has no state in the core: the driver's
//! getters answer `ESWITCH_GET`, and nothing is ever notified.

use devlink_wire::devlink::RateKey;
use devlink_wire::devlink::{DevReq, Eswitch};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::{Rejection, Reply, Response};
use crate::driver::DriverError;
use crate::{Core, Devl, Driver, Errno, InstanceId};

impl Core {
    /// `ESWITCH_GET`: each mode whose getter the driver has (a getter's failure is the
    /// answer), answered as `ESWITCH_GET`.
    pub(crate) fn eswitch_get(&self, req: &DevReq) -> Result<Response, Rejection> {
        let id = self.resolve(req.handle.as_ref())?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let driver = inst
            .driver
            .as_ref()
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let reply = Eswitch {
            handle: inst.handle.clone(),
            mode: driver.eswitch_mode_get().transpose()?,
            inline_mode: driver.eswitch_inline_mode_get().transpose()?,
            encap_mode: driver.eswitch_encap_mode_get().transpose()?,
            unknown: Vec::new(),
        };
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::EswitchGet,
            body: DevlinkBody::from(reply),
        }]))
    }

    /// `ESWITCH_SET`: mode (op, then no rate node may exist: `-EBUSY` "Rate node(s)
    /// exists."), inline mode, encap mode, each applied in turn; a later failure leaves
    /// the earlier ones applied, as in the kernel.
    pub(crate) fn eswitch_set(&mut self, req: &Eswitch) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let ops = inst
            .driver
            .as_ref()
            .map(|d| d.eswitch_ops())
            .unwrap_or_default();
        let nodes = inst
            .objects
            .rates
            .iter()
            .any(|r| matches!(r.key, RateKey::Node(_)));
        let no_op = || Rejection::errno(Errno::EOPNOTSUPP);
        if let Some(mode) = req.mode {
            if !ops.mode_set {
                return Err(no_op());
            }
            if nodes {
                return Err(Rejection::msg(Errno::EBUSY, "Rate node(s) exists."));
            }
            self.eswitch_call(id, |d, devl| d.eswitch_mode_set(devl, mode))?;
        }
        if let Some(mode) = req.inline_mode {
            if !ops.inline_mode_set {
                return Err(no_op());
            }
            self.eswitch_call(id, |d, devl| d.eswitch_inline_mode_set(devl, mode))?;
        }
        if let Some(mode) = req.encap_mode {
            if !ops.encap_mode_set {
                return Err(no_op());
            }
            self.eswitch_call(id, |d, devl| d.eswitch_encap_mode_set(devl, mode))?;
        }
        Ok(Response::Do(Vec::new()))
    }

    fn eswitch_call(
        &mut self,
        id: InstanceId,
        f: impl FnOnce(&mut dyn Driver, &mut Devl<'_>) -> Result<(), DriverError>,
    ) -> Result<(), Rejection> {
        self.call_driver(id, |d, devl| Ok(f(d, devl)?))
    }
}
