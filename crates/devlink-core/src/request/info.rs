//! Info and flash requests (kernel: `net/devlink/dev.c`, `devlink_nl_info_get_doit`,
//! `devlink_nl_info_get_dump_one`, `devlink_nl_flash_update_doit`).

use std::borrow::Cow;

use devlink_wire::devlink::{FlashUpdateReq, Handle, Info};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

use super::{Rejection, Reply, Response};
use crate::driver::DriverError;
use crate::instance::Instance;
use crate::objects::{FlashParams, InfoReq};
use crate::{Core, Driver, Errno, NoopDriver};

/// The instance's driver for a read-only op (a bare driver while one of its callbacks
/// runs, which cannot happen while a request is handled).
pub(crate) fn driver_of(inst: &Instance) -> &dyn Driver {
    inst.driver.as_deref().unwrap_or(&NoopDriver)
}

/// `devlink_nl_info_fill`: the handle, what `info_get` puts, the driver name.
pub(crate) fn info_fill(inst: &Instance) -> Result<Info, DriverError> {
    let d = driver_of(inst);
    let mut req = InfoReq::default();
    if d.info_caps().info_get {
        d.info_get(&mut req)?;
    }
    Ok(req.into_info(inst.handle.clone(), d.driver_name()))
}

impl Core {
    /// `INFO_GET` do: answered as `INFO_GET`; a driver error fails the request.
    pub(crate) fn info_get(&self, handle: Option<&Handle>) -> Result<Response, Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let info = info_fill(inst)?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::InfoGet,
            body: DevlinkBody::from(info),
        }]))
    }

    /// `FLASH_UPDATE`: the kernel's checks in order (op, component, overwrite mask,
    /// firmware file), then `FLASH_UPDATE` → the driver's status messages →
    /// `FLASH_UPDATE_END`, the end also when the driver fails.
    pub(crate) fn flash_update(&mut self, req: &FlashUpdateReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let d = driver_of(inst);
        let caps = d.info_caps();
        if !caps.flash_update {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        if let Some(c) = &req.component {
            if !caps.info_get {
                return Err(Rejection::attr(
                    Errno::EOPNOTSUPP,
                    Attr::FlashUpdateComponent,
                    "component update is not supported by this device",
                ));
            }
            let mut lookup = InfoReq::default();
            d.info_get(&mut lookup)?;
            if !lookup.has_component(c) {
                return Err(Rejection::attr(
                    Errno::EINVAL,
                    Attr::FlashUpdateComponent,
                    "selected component is not supported by this device",
                ));
            }
        }
        let mut overwrite_mask = 0;
        if let Some(m) = req.overwrite_mask {
            if !caps.flash_overwrite_mask {
                return Err(Rejection::attr(
                    Errno::EOPNOTSUPP,
                    Attr::FlashUpdateOverwriteMask,
                    "overwrite settings are not supported by this device",
                ));
            }
            overwrite_mask = m.value & m.selector;
        }
        if let Err(errno) = d.flash_request_firmware(&req.file_name) {
            return Err(Rejection {
                errno,
                msg: Some(Cow::Borrowed(
                    "failed to locate the requested firmware file",
                )),
                attr: Some(Attr::FlashUpdateFileName),
                missing: None,
            });
        }
        let params = FlashParams {
            file_name: req.file_name.clone(),
            component: req.component.clone(),
            overwrite_mask,
        };
        super::lend::with_driver(self, id, |driver, devl| {
            devl.flash_bracket_notify(Cmd::FlashUpdate);
            let result = driver.flash_update(devl, &params);
            devl.flash_bracket_notify(Cmd::FlashUpdateEnd);
            result
        })??;
        Ok(Response::Do(Vec::new()))
    }
}
