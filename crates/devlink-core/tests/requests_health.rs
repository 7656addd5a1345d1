//! Health reporter requests: get/dump, set, recover, diagnose (multi-part), the stored
//! dump (`DUMP_GET`, `DUMP_CLEAR`) and test, with `devlink_health_report`'s auto-dump,
//! auto-recover and graceful period driven by the time the caller sets.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::rejected;
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpCursor, DumpStep, Errno, InstanceId, PortAttrs,
    Rejection, Reply, ReporterOps, Request, Response, Time,
};
use devlink_wire::devlink::{
    FmsgItem, FmsgValue, Handle, HealthReporter, HealthReq, HealthSetReq, HealthState,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::Emitter;
use devlink_wire::spec::Cmd;

/// "full" has every op, "empty" none, port 0's "p" recovers only. Diagnoses and dumps
/// are `pairs` string pairs.
struct Health {
    fail_recover: bool,
    pairs: usize,
}

fn pairs(n: usize) -> Vec<FmsgItem> {
    (0..n)
        .flat_map(|i| {
            [
                FmsgItem::PairNestStart,
                FmsgItem::Name(format!("key{i}")),
                FmsgItem::Value(FmsgValue::String("x".repeat(40))),
                FmsgItem::NestEnd,
            ]
        })
        .collect()
}

impl Driver for Health {
    fn health_recover(
        &mut self,
        _: &mut Devl<'_>,
        _: Option<u32>,
        _: &str,
    ) -> Result<(), DriverError> {
        if self.fail_recover {
            return Err(DriverError::new(Errno::EBUSY, "still broken"));
        }
        Ok(())
    }

    fn health_dump(&self, _: Option<u32>, _: &str) -> Result<Vec<FmsgItem>, DriverError> {
        Ok(pairs(self.pairs))
    }

    fn health_diagnose(&self, _: Option<u32>, _: &str) -> Result<Vec<FmsgItem>, DriverError> {
        Ok(pairs(self.pairs))
    }

    fn health_test(
        &mut self,
        devl: &mut Devl<'_>,
        port: Option<u32>,
        reporter: &str,
    ) -> Result<(), DriverError> {
        devl.health_report_with(self, port, reporter)
            .map_err(|_| DriverError::new(Errno::EINVAL, ""))?
    }
}

fn h() -> Handle {
    Handle::new("netdevsim", "netdevsim1")
}

fn device(core: &mut Core, driver: Health) -> InstanceId {
    let id = core.alloc(h(), Box::new(driver));
    let mut d = core.devl(id).unwrap();
    d.port_register(0, PortAttrs::physical(1)).unwrap();
    d.health_reporter_create_ops(
        Some(0),
        "p",
        ReporterOps {
            recover: true,
            ..ReporterOps::default()
        },
    )
    .unwrap();
    let all = ReporterOps {
        recover: true,
        dump: true,
        diagnose: true,
        test: true,
        default_graceful_period: 1000,
    };
    d.health_reporter_create_ops(None, "full", all).unwrap();
    d.health_reporter_create(None, "empty", None, None).unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn req(cmd: Cmd, port: Option<u32>, name: Option<&str>) -> Request {
    Request {
        cmd,
        body: DevlinkBody::from(HealthReq {
            handle: Some(h()),
            port_index: port,
            name: name.map(Into::into),
            unknown: vec![],
        }),
        dump: false,
        admin: true,
    }
}

fn reporter(core: &mut Core, port: Option<u32>, name: &str) -> HealthReporter {
    let r = core.handle_request(req(Cmd::HealthReporterGet, port, Some(name)));
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(r[0].cmd, Cmd::HealthReporterGet);
    let DevlinkBody::HealthReporter(rep) = &r[0].body else {
        panic!()
    };
    (**rep).clone()
}

fn names(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::HealthReporter(x) => x.name.clone(),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn pull(core: &Core, c: &mut DumpCursor, per_call: usize) -> Vec<Reply> {
    let mut out = Vec::new();
    loop {
        let mut room = per_call;
        let step = core.dump_next(c, &mut |reply| {
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

#[test]
fn get_do_and_dumps() {
    let mut core = Core::new();
    device(
        &mut core,
        Health {
            fail_recover: false,
            pairs: 1,
        },
    );
    let full = reporter(&mut core, None, "full");
    assert_eq!(
        (full.graceful_period, full.auto_recover, full.auto_dump),
        (Some(1000), Some(true), Some(true))
    );
    let empty = reporter(&mut core, None, "empty");
    assert_eq!(
        (empty.graceful_period, empty.auto_recover, empty.auto_dump),
        (None, None, None)
    );
    assert_eq!(reporter(&mut core, Some(0), "p").port_index, Some(0));
    // An unknown port index falls back to the instance reporters.
    assert_eq!(reporter(&mut core, Some(9), "full").port_index, None);
    assert_eq!(
        rejected(
            &mut core,
            req(Cmd::HealthReporterGet, Some(0), Some("full"))
        ),
        Rejection::errno(Errno::EINVAL)
    );

    let mut dump = req(Cmd::HealthReporterGet, None, None);
    dump.dump = true;
    let Ok(Accepted {
        response: Response::Dump(mut c),
        ..
    }) = core.handle_request(dump.clone())
    else {
        panic!()
    };
    assert_eq!(names(&pull(&core, &mut c, 1)), ["full", "empty", "p"]);
    dump.body = DevlinkBody::from(HealthReq {
        port_index: Some(0),
        ..HealthReq::default()
    });
    let Ok(Accepted {
        response: Response::Dump(mut c),
        ..
    }) = core.handle_request(dump)
    else {
        panic!()
    };
    assert!(c.filtered());
    assert_eq!(names(&pull(&core, &mut c, 1)), ["p"]);
}

fn set(name: &str, f: impl FnOnce(&mut HealthSetReq)) -> Request {
    let mut s = HealthSetReq {
        handle: h(),
        port_index: None,
        name: name.into(),
        graceful_period: None,
        burst_period: None,
        auto_recover: None,
        auto_dump: None,
        unknown: vec![],
    };
    f(&mut s);
    Request {
        cmd: Cmd::HealthReporterSet,
        body: DevlinkBody::from(s),
        dump: false,
        admin: true,
    }
}

#[test]
fn set_checks_ops_and_periods_and_is_silent() {
    let mut core = Core::new();
    device(
        &mut core,
        Health {
            fail_recover: false,
            pairs: 1,
        },
    );
    let rev = core.revision();
    let ok = core.handle_request(set("full", |s| {
        s.graceful_period = Some(50);
        s.burst_period = Some(10);
        s.auto_recover = Some(false);
        s.auto_dump = Some(false);
    }));
    assert_eq!(ok, Ok(Response::Do(vec![]).into()));
    assert_eq!(core.pending_notifications(), 0);
    assert!(core.revision() > rev);
    let r = reporter(&mut core, None, "full");
    assert_eq!((r.graceful_period, r.burst_period), (Some(50), Some(10)));
    assert_eq!((r.auto_recover, r.auto_dump), (Some(false), Some(false)));
    // A graceful period of 0 resets the burst period.
    core.handle_request(set("full", |s| s.graceful_period = Some(0)))
        .unwrap();
    assert_eq!(reporter(&mut core, None, "full").burst_period, Some(0));

    let e = rejected(&mut core, set("full", |s| s.burst_period = Some(5)));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EINVAL,
            "devlink: Cannot set burst period without a grace period."
        )
    );
    let e = rejected(&mut core, set("empty", |s| s.graceful_period = Some(1)));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(&mut core, set("empty", |s| s.auto_recover = Some(true)));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(&mut core, set("empty", |s| s.auto_dump = Some(true)));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(&mut core, set("nope", |_| ()));
    assert_eq!(e, Rejection::errno(Errno::EINVAL));
}

/// The next notification: a RECOVER with this state and these counts.
fn recover_event(core: &mut Core, state: HealthState, errors: u64, recoveries: u64) {
    let n = core.poll_notification().unwrap();
    assert_eq!(n.cmd, Cmd::HealthReporterRecover);
    let DevlinkBody::HealthReporter(r) = n.body else {
        panic!()
    };
    assert_eq!(
        (r.state, r.error_count, r.recover_count),
        (state, errors, recoveries)
    );
}

#[test]
fn test_reports_auto_dumps_and_auto_recovers_within_the_graceful_period() {
    let mut core = Core::new();
    device(
        &mut core,
        Health {
            fail_recover: false,
            pairs: 1,
        },
    );
    core.set_time(Time {
        monotonic_ms: 5000,
        realtime_ns: 77,
    });
    let test = req(Cmd::HealthReporterTest, None, Some("full"));
    assert_eq!(
        core.handle_request(test.clone()),
        Ok(Response::Do(vec![]).into())
    );
    recover_event(&mut core, HealthState::Error, 1, 0);
    recover_event(&mut core, HealthState::Healthy, 1, 1);
    assert_eq!(core.pending_notifications(), 0);
    let r = reporter(&mut core, None, "full");
    assert_eq!((r.dump_ts, r.dump_ts_ns), (Some(5000), Some(77)));

    // Within the graceful period the next error is not recovered: ECANCELED.
    core.set_time(Time {
        monotonic_ms: 5500,
        realtime_ns: 78,
    });
    let e = core.handle_request(test.clone()).unwrap_err();
    assert_eq!(e, Rejection::errno(Errno::ECANCELED));
    recover_event(&mut core, HealthState::Error, 2, 1);
    assert_eq!(core.pending_notifications(), 0);
    // The first dump is kept.
    assert_eq!(reporter(&mut core, None, "full").dump_ts, Some(5000));

    // A user recover.
    assert_eq!(
        core.handle_request(req(Cmd::HealthReporterRecover, None, Some("full"))),
        Ok(Response::Do(vec![]).into())
    );
    recover_event(&mut core, HealthState::Healthy, 2, 2);
    // Healthy: nothing happens.
    let rev = core.revision();
    assert_eq!(
        core.handle_request(req(Cmd::HealthReporterRecover, None, Some("full"))),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!((core.revision(), core.pending_notifications()), (rev, 0));

    let e = rejected(&mut core, req(Cmd::HealthReporterTest, None, Some("empty")));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(&mut core, req(Cmd::HealthReporterTest, None, Some("nope")));
    assert_eq!(e, Rejection::errno(Errno::EINVAL));
}

#[test]
fn recover_needs_the_op_and_a_failed_recovery_changes_nothing() {
    let mut core = Core::new();
    let id = device(
        &mut core,
        Health {
            fail_recover: true,
            pairs: 1,
        },
    );
    let mut d = core.devl(id).unwrap();
    d.health_report(None, "empty").unwrap();
    d.health_report(Some(0), "p").unwrap();
    while core.poll_notification().is_some() {}
    let e = rejected(
        &mut core,
        req(Cmd::HealthReporterRecover, None, Some("empty")),
    );
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(
        &mut core,
        req(Cmd::HealthReporterRecover, Some(0), Some("p")),
    );
    assert_eq!(e, Rejection::msg(Errno::EBUSY, "still broken"));
    assert_eq!(reporter(&mut core, Some(0), "p").state, HealthState::Error);
}

fn wire_len(items: &[FmsgItem]) -> usize {
    let mut buf = Vec::new();
    let mut e = Emitter::new(&mut buf);
    for i in items {
        i.encode(&mut e);
    }
    e.finish().unwrap();
    buf.len()
}

/// The items of fmsg replies, checking each fits a 4 KiB-page message. A value cut at
/// the end of a message leaves its type attribute there (the kernel does not cancel it)
/// and is sent whole in the next one: such dangling types are dropped here.
fn items_of(replies: &[Reply], cmd: Cmd) -> Vec<FmsgItem> {
    let mut all = Vec::new();
    for r in replies {
        assert_eq!(r.cmd, cmd);
        let DevlinkBody::Fmsg(fmsg) = &r.body else {
            panic!()
        };
        let items = &fmsg.items;
        assert!(wire_len(items) <= 3752);
        let mut items = items.clone();
        if matches!(items.last(), Some(FmsgItem::TypeOnly(10))) {
            items.pop();
        }
        assert!(!items.iter().any(|i| matches!(i, FmsgItem::TypeOnly(_))));
        all.extend(items);
    }
    all
}

fn wrapped(n: usize) -> Vec<FmsgItem> {
    let mut v = vec![FmsgItem::ObjNestStart];
    v.extend(pairs(n));
    v.push(FmsgItem::NestEnd);
    v
}

#[test]
fn diagnose_answers_in_several_messages() {
    let mut core = Core::new();
    device(
        &mut core,
        Health {
            fail_recover: false,
            pairs: 100,
        },
    );
    let r = core.handle_request(req(Cmd::HealthReporterDiagnose, None, Some("full")));
    let Ok(Accepted {
        response: Response::Multi(replies),
        ..
    }) = r
    else {
        panic!("{r:?}")
    };
    assert!(replies.len() > 1);
    assert_eq!(
        items_of(&replies, Cmd::HealthReporterDiagnose),
        wrapped(100)
    );
    let e = rejected(
        &mut core,
        req(Cmd::HealthReporterDiagnose, None, Some("empty")),
    );
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(
        &mut core,
        req(Cmd::HealthReporterDiagnose, None, Some("nope")),
    );
    assert_eq!(e, Rejection::errno(Errno::EINVAL));
}

#[test]
fn dump_get_takes_a_dump_sends_it_and_notices_a_new_one() {
    let mut core = Core::new();
    device(
        &mut core,
        Health {
            fail_recover: false,
            pairs: 100,
        },
    );
    core.set_time(Time {
        monotonic_ms: 42,
        realtime_ns: 43,
    });
    let mut dump = req(Cmd::HealthReporterDumpGet, None, Some("full"));
    dump.dump = true;
    // No dump stored: one is taken now (silently, counted).
    let rev = core.revision();
    let Ok(Accepted {
        response: Response::Dump(mut c),
        ..
    }) = core.handle_request(dump.clone())
    else {
        panic!()
    };
    assert!(core.revision() > rev);
    assert_eq!(core.pending_notifications(), 0);
    let replies = pull(&core, &mut c, 1);
    assert_eq!(c.take_error(), None);
    assert!(replies.len() > 1);
    assert!(items_of(&replies, Cmd::HealthReporterDumpGet) == wrapped(100));
    assert_eq!(reporter(&mut core, None, "full").dump_ts, Some(42));

    // Cleared between two messages: the dump fails with EAGAIN.
    let Ok(Accepted {
        response: Response::Dump(mut c),
        ..
    }) = core.handle_request(dump.clone())
    else {
        panic!()
    };
    let mut first = true;
    assert_eq!(
        core.dump_next(&mut c, &mut |_| std::mem::take(&mut first)),
        DumpStep::More
    );
    assert_eq!(
        core.handle_request(req(Cmd::HealthReporterDumpClear, None, Some("full"))),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(reporter(&mut core, None, "full").dump_ts, None);
    assert_eq!(core.dump_next(&mut c, &mut |_| true), DumpStep::Done);
    assert_eq!(
        c.take_error(),
        Some(Rejection::msg(Errno::EAGAIN, "Dump trampled, please retry"))
    );

    let mut other = dump.clone();
    other.body = DevlinkBody::from(HealthReq {
        handle: Some(h()),
        port_index: None,
        name: Some("empty".into()),
        unknown: vec![],
    });
    assert_eq!(
        rejected(&mut core, other),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    let mut gone = dump;
    gone.body = DevlinkBody::from(HealthReq {
        handle: Some(Handle::new("netdevsim", "netdevsim9")),
        port_index: None,
        name: Some("full".into()),
        unknown: vec![],
    });
    assert_eq!(rejected(&mut core, gone), Rejection::errno(Errno::EINVAL));
    let e = rejected(
        &mut core,
        req(Cmd::HealthReporterDumpClear, None, Some("empty")),
    );
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
}
