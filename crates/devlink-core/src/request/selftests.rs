//! Selftest requests (kernel: `net/devlink/dev.c`, `devlink_nl_selftests_get_doit`,
//! `devlink_nl_selftests_get_dump_one`, `devlink_nl_selftests_run_doit`).

use devlink_wire::devlink::{
    Handle, SelftestIds, SelftestResult, SelftestsGet, SelftestsRun, SelftestsRunReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SelftestStatus};

use super::info::driver_of;
use super::{Rejection, Reply, Response};
use crate::instance::Instance;
use crate::{Core, Errno};

/// `DEVLINK_ATTR_SELFTEST_ID_FLASH` (the only id, `DEVLINK_ATTR_SELFTEST_ID_MAX`).
pub const SELFTEST_ID_FLASH: u32 = 1;

/// `devlink_nl_selftests_fill`: the ids `selftest_check` accepts; `None` for a driver
/// without selftests (the dump skips it).
pub(crate) fn selftests_fill(inst: &Instance) -> Option<SelftestsGet> {
    let d = driver_of(inst);
    d.info_caps().selftests.then(|| SelftestsGet {
        handle: inst.handle.clone(),
        tests: SelftestIds {
            flash: d.selftest_check(SELFTEST_ID_FLASH),
            unknown: Vec::new(),
        },
        unknown: Vec::new(),
    })
}

impl Core {
    /// `SELFTESTS_GET` do: `-EOPNOTSUPP` without selftests; answered as `SELFTESTS_GET`.
    pub(crate) fn selftests_get(&self, handle: Option<&Handle>) -> Result<Response, Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let body = selftests_fill(inst).ok_or(Rejection::errno(Errno::EOPNOTSUPP))?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::SelftestsGet,
            body: DevlinkBody::from(body),
        }]))
    }

    /// `SELFTESTS_RUN`: each requested id in id order, `SKIP` for one `selftest_check`
    /// refuses; answered as `SELFTESTS_RUN` with the results.
    pub(crate) fn selftests_run(&mut self, req: &SelftestsRunReq) -> Result<Response, Rejection> {
        let id = self.resolve(Some(&req.handle))?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        if !driver_of(inst).info_caps().selftests {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        // nla_parse_nested is strict: an id above DEVLINK_ATTR_SELFTEST_ID_MAX fails.
        if !req.tests.unknown.is_empty() {
            return Err(Rejection::msg(Errno::EINVAL, "Unknown attribute type"));
        }
        let wanted: Vec<u32> = [(SELFTEST_ID_FLASH, req.tests.flash)]
            .into_iter()
            .filter_map(|(t, on)| on.then_some(t))
            .collect();
        let results = super::lend::with_driver(self, id, |driver, devl| {
            wanted
                .iter()
                .map(|&t| SelftestResult {
                    id: t,
                    status: if driver.selftest_check(t) {
                        driver.selftest_run(devl, t)
                    } else {
                        SelftestStatus::Skip
                    },
                    unknown: Vec::new(),
                })
                .collect::<Vec<_>>()
        })?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::SelftestsRun,
            body: DevlinkBody::from(SelftestsRun {
                handle: req.handle.clone(),
                results,
                unknown: Vec::new(),
            }),
        }]))
    }
}
