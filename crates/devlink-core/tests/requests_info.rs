//! INFO_GET, FLASH_UPDATE and SELFTESTS_GET/RUN: replies, the flash notification
//! bracket, and the kernel's errno and extack for each rejection.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use std::sync::Arc;

use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, FlashParams, InfoCaps, InfoReq,
    InstanceId, NoopDriver, Rejection, Reply, Request, Response, SELFTEST_ID_FLASH, VersionType,
};
use devlink_wire::devlink::{
    Bitfield32, DevReq, FlashProgress, FlashStatus, FlashUpdateReq, Handle, InfoItem, InfoVersion,
    InfoVersionKind, SelftestIds, SelftestResult, SelftestsGet,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd, SelftestStatus};

/// A device with info, flash (with overwrite mask) and the flash selftest.
struct Fw {
    caps: InfoCaps,
}

impl Fw {
    fn full() -> Self {
        Self {
            caps: InfoCaps {
                info_get: true,
                flash_update: true,
                flash_overwrite_mask: true,
                selftests: true,
            },
        }
    }
}

impl Driver for Fw {
    fn info_caps(&self) -> InfoCaps {
        self.caps
    }

    fn driver_name(&self) -> &str {
        "netdevsim"
    }

    fn info_get(&self, req: &mut InfoReq) -> Result<(), DriverError> {
        req.serial_number_put("SN1");
        req.version_fixed_put("asic.id", "5");
        req.version_running_put("fw.mgmt", "10.20.30", VersionType::Component);
        // An empty value: not shown, still a component for the flash lookup.
        req.version_stored_put("fw.psid", "", VersionType::Component);
        Ok(())
    }

    fn flash_request_firmware(&self, file_name: &str) -> Result<(), Errno> {
        if file_name == "missing.bin" {
            Err(Errno::ENOENT)
        } else {
            Ok(())
        }
    }

    fn flash_update(&mut self, devl: &mut Devl<'_>, p: &FlashParams) -> Result<(), DriverError> {
        devl.flash_update_status("Preparing", p.component.as_deref(), 0, 2);
        devl.flash_update_status("Flashing", p.component.as_deref(), 2, 2);
        devl.flash_update_timeout("Waiting", None, 30);
        if p.file_name == "bad.bin" {
            return Err(DriverError::new(Errno::EINVAL, "bad image"));
        }
        Ok(())
    }

    fn selftest_check(&self, id: u32) -> bool {
        id == SELFTEST_ID_FLASH
    }

    fn selftest_run(&mut self, _: &mut Devl<'_>, _: u32) -> SelftestStatus {
        SelftestStatus::Pass
    }
}

fn h(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

fn device(core: &mut Core, n: u32, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(n), driver);
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn dev_req(cmd: Cmd, n: Option<u32>, dump: bool) -> Request {
    Request {
        cmd,
        body: DevlinkBody::from(DevReq {
            handle: n.map(h),
            unknown: vec![],
        }),
        dump,
        admin: true,
    }
}

fn dump_all(core: &Core, r: Response) -> Vec<Reply> {
    let Response::Dump(mut cursor) = r else {
        panic!("not a dump: {r:?}")
    };
    let mut out = Vec::new();
    loop {
        let mut room = 1;
        let step = core.dump_next(&mut cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            out.push(reply);
            true
        });
        if step == DumpStep::Done {
            return out;
        }
    }
}

fn flash(n: u32, file: &str, component: Option<&str>, mask: Option<u32>) -> Request {
    req(
        Cmd::FlashUpdate,
        DevlinkBody::from(FlashUpdateReq {
            handle: h(n),
            file_name: file.into(),
            component: component.map(Into::into),
            overwrite_mask: mask.map(|m| Bitfield32 {
                value: m,
                selector: 3,
            }),
            unknown: vec![],
        }),
    )
}

fn drain(core: &mut Core) -> Vec<(Cmd, DevlinkBody)> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| (n.cmd, n.body))
        .collect()
}

#[test]
fn info_get_do_lists_what_the_driver_put_then_its_name() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(dev_req(Cmd::InfoGet, Some(1), false))
    else {
        panic!()
    };
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].cmd, Cmd::InfoGet);
    let DevlinkBody::Info(info) = &r[0].body else {
        panic!()
    };
    assert_eq!(info.handle, h(1));
    assert_eq!(
        info.items,
        [
            InfoItem::SerialNumber("SN1".into()),
            InfoItem::Version(InfoVersion::new(InfoVersionKind::Fixed, "asic.id", "5")),
            InfoItem::Version(InfoVersion::new(
                InfoVersionKind::Running,
                "fw.mgmt",
                "10.20.30"
            )),
            InfoItem::DriverName("netdevsim".into()),
        ]
    );
    // Without an info_get op: the handle only (no driver name from NoopDriver).
    device(&mut core, 2, Box::new(NoopDriver));
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(dev_req(Cmd::InfoGet, Some(2), false))
    else {
        panic!()
    };
    let DevlinkBody::Info(info) = &r[0].body else {
        panic!()
    };
    assert!(info.items.is_empty());
    assert_eq!(
        rejected(&mut core, dev_req(Cmd::InfoGet, Some(9), false)),
        Rejection::errno(Errno::ENODEV)
    );
}

struct InfoFails;
impl Driver for InfoFails {
    fn info_caps(&self) -> InfoCaps {
        InfoCaps {
            info_get: true,
            ..InfoCaps::default()
        }
    }
    fn info_get(&self, _: &mut InfoReq) -> Result<(), DriverError> {
        Err(DriverError::not_supported())
    }
}

#[test]
fn info_dump_skips_instances_whose_info_get_is_eopnotsupp() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    device(&mut core, 2, Box::new(InfoFails));
    device(&mut core, 3, Box::new(NoopDriver));
    let resp = core
        .handle_request(dev_req(Cmd::InfoGet, None, true))
        .unwrap()
        .response;
    let names: Vec<Handle> = dump_all(&core, resp)
        .into_iter()
        .map(|r| match r.body {
            DevlinkBody::Info(i) => i.handle.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, [h(1), h(3)]);
    // The doit reports the driver's error.
    assert_eq!(
        rejected(&mut core, dev_req(Cmd::InfoGet, Some(2), false)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

fn status(n: u32, msg: &str, component: Option<&str>, p: (u64, u64, u64)) -> DevlinkBody {
    DevlinkBody::from(FlashStatus {
        handle: h(n),
        msg: Some(msg.into()),
        component: component.map(Into::into),
        progress: Some(FlashProgress {
            done: p.0,
            total: p.1,
            timeout: p.2,
        }),
        unknown: vec![],
    })
}

#[test]
fn flash_update_brackets_the_driver_status_messages() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    let r = core
        .handle_request(flash(1, "fw.bin", Some("fw.mgmt"), Some(1)))
        .unwrap()
        .response;
    assert_eq!(r, Response::Do(vec![]));
    let bare = DevlinkBody::from(FlashStatus::bare(h(1)));
    assert_eq!(
        drain(&mut core),
        [
            (Cmd::FlashUpdate, bare.clone()),
            (
                Cmd::FlashUpdateStatus,
                status(1, "Preparing", Some("fw.mgmt"), (0, 2, 0))
            ),
            (
                Cmd::FlashUpdateStatus,
                status(1, "Flashing", Some("fw.mgmt"), (2, 2, 0))
            ),
            (
                Cmd::FlashUpdateStatus,
                status(1, "Waiting", None, (0, 0, 30))
            ),
            (Cmd::FlashUpdateEnd, bare),
        ]
    );
    // A component with an empty version value is still a component.
    core.handle_request(flash(1, "fw.bin", Some("fw.psid"), None))
        .unwrap();
    assert_eq!(drain(&mut core).len(), 5);
}

#[test]
fn flash_update_end_is_sent_when_the_driver_fails() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    let err = core
        .handle_request(flash(1, "bad.bin", None, None))
        .unwrap_err();
    assert_eq!(err, Rejection::msg(Errno::EINVAL, "bad image"));
    let cmds: Vec<Cmd> = drain(&mut core).into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        cmds,
        [
            Cmd::FlashUpdate,
            Cmd::FlashUpdateStatus,
            Cmd::FlashUpdateStatus,
            Cmd::FlashUpdateStatus,
            Cmd::FlashUpdateEnd
        ]
    );
}

#[test]
fn flash_update_rejections_in_kernel_order() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    device(
        &mut core,
        2,
        Box::new(Fw {
            caps: InfoCaps {
                flash_update: true,
                ..InfoCaps::default()
            },
        }),
    );
    device(&mut core, 3, Box::new(NoopDriver));
    // No flash_update op: bare EOPNOTSUPP, even before the component check.
    assert_eq!(
        rejected(&mut core, flash(3, "fw.bin", Some("x"), None)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    // A component without info_get.
    assert_eq!(
        rejected(&mut core, flash(2, "fw.bin", Some("fw.mgmt"), Some(1))),
        Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::FlashUpdateComponent,
            "component update is not supported by this device"
        )
    );
    // An unknown component (fixed versions are not components), before the mask check.
    assert_eq!(
        rejected(&mut core, flash(1, "missing.bin", Some("asic.id"), Some(1))),
        Rejection::attr(
            Errno::EINVAL,
            Attr::FlashUpdateComponent,
            "selected component is not supported by this device"
        )
    );
    // An overwrite mask the device does not support, before the firmware lookup.
    assert_eq!(
        rejected(&mut core, flash(2, "missing.bin", None, Some(1))),
        Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::FlashUpdateOverwriteMask,
            "overwrite settings are not supported by this device"
        )
    );
    let err = rejected(&mut core, flash(1, "missing.bin", None, None));
    assert_eq!(err.errno, Errno::ENOENT);
    assert_eq!(err.attr, Some(Attr::FlashUpdateFileName));
    assert_eq!(
        err.msg.as_deref(),
        Some("failed to locate the requested firmware file")
    );
    assert_eq!(
        rejected(&mut core, flash(9, "fw.bin", None, None)),
        Rejection::errno(Errno::ENODEV)
    );
}

#[test]
fn flash_notifications_are_gated_by_registration() {
    let mut core = Core::new();
    let id = core.alloc(h(1), Box::new(Fw::full()));
    core.devl(id).unwrap().flash_update_status("x", None, 1, 2);
    assert_eq!(core.pending_notifications(), 0);
}

#[test]
fn selftests_get_do_and_dump() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    device(&mut core, 2, Box::new(NoopDriver));
    let expected = DevlinkBody::from(SelftestsGet {
        handle: h(1),
        tests: SelftestIds {
            flash: true,
            unknown: vec![],
        },
        unknown: vec![],
    });
    let r = core
        .handle_request(dev_req(Cmd::SelftestsGet, Some(1), false))
        .unwrap()
        .response;
    assert_eq!(
        r,
        Response::Do(vec![Reply {
            cmd: Cmd::SelftestsGet,
            body: expected.clone()
        }])
    );
    assert_eq!(
        rejected(&mut core, dev_req(Cmd::SelftestsGet, Some(2), false)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    let resp = core
        .handle_request(dev_req(Cmd::SelftestsGet, None, true))
        .unwrap()
        .response;
    let bodies: Vec<DevlinkBody> = dump_all(&core, resp).into_iter().map(|r| r.body).collect();
    assert_eq!(bodies, [expected]);
}

fn run(n: u32, flash: bool) -> Request {
    req(
        Cmd::SelftestsRun,
        DevlinkBody::from(SelftestsGet {
            handle: h(n),
            tests: SelftestIds {
                flash,
                unknown: vec![],
            },
            unknown: vec![],
        }),
    )
}

struct NoFlashTest;
impl Driver for NoFlashTest {
    fn info_caps(&self) -> InfoCaps {
        InfoCaps {
            selftests: true,
            ..InfoCaps::default()
        }
    }
}

#[test]
fn selftests_run_results_and_rejections() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Fw::full()));
    device(&mut core, 2, Box::new(NoFlashTest));
    device(&mut core, 3, Box::new(NoopDriver));
    let result = |n: u32, status| {
        Response::Do(vec![Reply {
            cmd: Cmd::SelftestsRun,
            body: DevlinkBody::from(devlink_wire::devlink::SelftestsRun {
                handle: h(n),
                results: vec![SelftestResult {
                    id: SELFTEST_ID_FLASH,
                    status,
                    unknown: vec![],
                }],
                unknown: vec![],
            }),
        }])
    };
    assert_eq!(
        core.handle_request(run(1, true)).unwrap().response,
        result(1, SelftestStatus::Pass)
    );
    // A test selftest_check refuses is reported as skipped.
    assert_eq!(
        core.handle_request(run(2, true)).unwrap().response,
        result(2, SelftestStatus::Skip)
    );
    // Nothing asked: an empty result list.
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(run(1, false))
    else {
        panic!()
    };
    let DevlinkBody::SelftestsRun(b) = &r[0].body else {
        panic!()
    };
    assert!(b.results.is_empty());
    assert_eq!(
        rejected(&mut core, run(3, true)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    let mut unknown_id = run(1, true);
    if let DevlinkBody::SelftestsGet(b) = &mut unknown_id.body {
        Arc::make_mut(b)
            .tests
            .unknown
            .push(devlink_wire::devlink::UnknownAttr {
                raw_type: 2,
                payload: vec![],
            });
    }
    assert_eq!(
        rejected(&mut core, unknown_id),
        Rejection::msg(Errno::EINVAL, "Unknown attribute type")
    );
    assert_eq!(core.pending_notifications(), 0);
}
