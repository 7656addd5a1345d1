//! Line card and e-switch requests: `LINECARD_GET` (do, dump), `LINECARD_SET`
//! (provision, unprovision, each state's refusal), `ESWITCH_GET`, `ESWITCH_SET`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, EswitchOps, InstanceId, NoopDriver,
    Rejection, Request, Response,
};
use devlink_wire::devlink::{DevReq, Eswitch, Handle, Linecard, LinecardGetReq, LinecardSetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, EswitchEncapMode, EswitchInlineMode, EswitchMode, LinecardState};

const EIO: Errno = Errno(5);

#[derive(Default)]
struct Dev {
    fail: bool,
    same: bool,
    /// Provisioning completes later (the card stays in PROVISIONING).
    slow: bool,
    calls: Vec<String>,
}

impl Driver for Dev {
    fn linecard_provision(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        lc_type: &str,
    ) -> Result<(), DriverError> {
        self.calls.push(format!("provision {index} {lc_type}"));
        if self.fail {
            return Err(DriverError::new(EIO, "no such card"));
        }
        if !self.slow {
            devl.linecard_state_set(index, LinecardState::Provisioned, Some(lc_type.into()))
                .unwrap();
        }
        Ok(())
    }

    fn linecard_unprovision(&mut self, devl: &mut Devl<'_>, index: u32) -> Result<(), DriverError> {
        self.calls.push(format!("unprovision {index}"));
        if self.fail {
            return Err(DriverError::new(EIO, "stuck"));
        }
        devl.linecard_state_set(index, LinecardState::Unprovisioned, None)
            .unwrap();
        Ok(())
    }

    fn linecard_same_provision(&self, _: u32, _: &str) -> bool {
        self.same
    }
}

fn h() -> Handle {
    Handle::new("pci", "0000:01:00.0")
}

fn device(core: &mut Core, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(), driver);
    let mut d = core.devl(id).unwrap();
    d.linecard_create(1, vec!["16x100G".into(), "8x200G".into()])
        .unwrap();
    d.linecard_create(2, vec!["16x100G".into()]).unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

/// The line card notifications: (state, type).
fn notes(core: &mut Core) -> Vec<(LinecardState, Option<String>)> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| match n.body {
            DevlinkBody::Linecard(l) if n.cmd == Cmd::LinecardNew => (l.state, l.lc_type.clone()),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn set(index: u32, lc_type: Option<&str>) -> Request {
    req(
        Cmd::LinecardSet,
        DevlinkBody::from(LinecardSetReq {
            handle: h(),
            index,
            lc_type: lc_type.map(Into::into),
            unknown: vec![],
        }),
    )
}

fn get(index: Option<u32>, dump: bool) -> Request {
    let mut r = req(
        Cmd::LinecardGet,
        DevlinkBody::from(LinecardGetReq {
            handle: Some(h()),
            index,
            unknown: vec![],
        }),
    );
    r.dump = dump;
    r
}

fn card(core: &mut Core, index: u32) -> Linecard {
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(get(Some(index), false))
    else {
        panic!()
    };
    assert_eq!(r[0].cmd, Cmd::LinecardNew);
    match &r[0].body {
        DevlinkBody::Linecard(l) => (**l).clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn linecard_get_do_and_dump() {
    let mut core = Core::new();
    device(&mut core, Box::new(NoopDriver));
    assert_eq!(card(&mut core, 2).index, 2);
    assert_eq!(
        rejected(&mut core, get(Some(7), false)),
        Rejection::errno(Errno::ENODEV)
    );
    let Response::Dump(mut cursor) = core.handle_request(get(None, true)).unwrap().response else {
        panic!()
    };
    assert!(cursor.filtered());
    let mut seen = Vec::new();
    loop {
        let mut room = 1;
        let step = core.dump_next(&mut cursor, &mut |r| {
            if room == 0 {
                return false;
            }
            room -= 1;
            let DevlinkBody::Linecard(l) = r.body else {
                panic!()
            };
            seen.push(l.index);
            true
        });
        if step == DumpStep::Done {
            break;
        }
    }
    assert_eq!(seen, [1, 2]);
}

/// Success with an extack warning, no reply.
fn warned(msg: &'static str) -> Result<Accepted, Rejection> {
    Ok(Accepted {
        response: Response::Do(vec![]),
        warning: Some(msg.into()),
    })
}

#[test]
fn provision_and_unprovision() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(Dev::default()));
    // No type: nothing.
    assert_eq!(
        core.handle_request(set(1, None)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(core.pending_notifications(), 0);
    // Provisioned: no warning.
    assert_eq!(
        core.handle_request(set(1, Some("8x200G"))),
        Ok(Response::Do(vec![]).into())
    );
    let t = Some("8x200G".to_owned());
    assert_eq!(
        notes(&mut core),
        [
            (LinecardState::Provisioning, t.clone()),
            (LinecardState::Provisioned, t.clone())
        ]
    );
    assert_eq!(
        rejected(&mut core, set(1, Some("16x100G"))),
        Rejection::msg(Errno::EBUSY, "Line card already provisioned")
    );
    // The driver says it is provisioned that way already: success, no change, and the
    // refusal's message as a warning.
    core.with_driver::<Dev, _>(id, |d, _| d.same = true)
        .unwrap();
    let rev = core.revision();
    assert_eq!(
        core.handle_request(set(1, Some("8x200G"))),
        warned("Line card already provisioned")
    );
    assert_eq!((core.revision(), core.pending_notifications()), (rev, 0));
    core.handle_request(set(1, Some(""))).unwrap();
    assert_eq!(
        notes(&mut core),
        [
            (LinecardState::Unprovisioning, t),
            (LinecardState::Unprovisioned, None)
        ]
    );
    // Unprovisioned already: success with a warning, nothing.
    assert_eq!(
        core.handle_request(set(1, Some(""))),
        warned("Line card is not provisioned")
    );
    assert_eq!(core.pending_notifications(), 0);
    let calls = core
        .with_driver::<Dev, _>(id, |d, _| d.calls.clone())
        .unwrap();
    assert_eq!(calls, ["provision 1 8x200G", "unprovision 1"]);
    assert_eq!(
        rejected(&mut core, set(2, Some("8x200G"))),
        Rejection::msg(Errno::EINVAL, "Unsupported line card type provided")
    );
    assert_eq!(
        rejected(&mut core, set(3, Some(""))),
        Rejection::errno(Errno::ENODEV)
    );
}

#[test]
fn busy_states_and_failures() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(Dev::default()));
    let busy = |msg| Rejection::msg(Errno::EBUSY, msg);
    core.with_driver::<Dev, _>(id, |d, _| d.slow = true)
        .unwrap();
    core.handle_request(set(1, Some("16x100G"))).unwrap();
    assert_eq!(notes(&mut core).len(), 1);
    let msg = "Line card is currently being provisioned";
    assert_eq!(rejected(&mut core, set(1, Some("16x100G"))), busy(msg));
    assert_eq!(rejected(&mut core, set(1, Some(""))), busy(msg));
    let mut d = core.devl(id).unwrap();
    d.linecard_state_set(1, LinecardState::Unprovisioning, None)
        .unwrap();
    notes(&mut core);
    let msg = "Line card is currently being unprovisioned";
    assert_eq!(rejected(&mut core, set(1, Some("16x100G"))), busy(msg));
    // A failed provisioning: unprovisioning just clears it.
    let mut d = core.devl(id).unwrap();
    d.linecard_state_set(1, LinecardState::ProvisioningFailed, Some("16x100G".into()))
        .unwrap();
    notes(&mut core);
    assert_eq!(
        core.handle_request(set(1, Some(""))),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(notes(&mut core), [(LinecardState::Unprovisioned, None)]);
    // The driver fails: back to unprovisioned, with its error.
    core.with_driver::<Dev, _>(id, |d, _| d.fail = true)
        .unwrap();
    let e = core.handle_request(set(2, Some("16x100G"))).unwrap_err();
    assert_eq!(e, Rejection::msg(EIO, "no such card"));
    assert_eq!(
        notes(&mut core),
        [
            (LinecardState::Provisioning, Some("16x100G".into())),
            (LinecardState::Unprovisioned, None)
        ]
    );
    let mut d = core.devl(id).unwrap();
    d.linecard_state_set(2, LinecardState::Active, Some("16x100G".into()))
        .unwrap();
    notes(&mut core);
    let e = core.handle_request(set(2, Some(""))).unwrap_err();
    assert_eq!(e.errno, EIO);
    assert_eq!(
        notes(&mut core),
        [
            (LinecardState::Unprovisioning, Some("16x100G".into())),
            (LinecardState::Unprovisioned, None)
        ]
    );
}

/// An e-switch in legacy mode with inline mode and no encap getter.
#[derive(Default)]
struct Esw {
    mode: Option<EswitchMode>,
    inline: Option<EswitchInlineMode>,
    ops: EswitchOps,
    calls: Vec<String>,
}

impl Driver for Esw {
    fn eswitch_mode_get(&self) -> Option<Result<EswitchMode, DriverError>> {
        Some(self.mode.ok_or(DriverError::new(EIO, "")))
    }

    fn eswitch_inline_mode_get(&self) -> Option<Result<EswitchInlineMode, DriverError>> {
        self.inline.map(Ok)
    }

    fn eswitch_ops(&self) -> EswitchOps {
        self.ops
    }

    fn eswitch_mode_set(
        &mut self,
        devl: &mut Devl<'_>,
        mode: EswitchMode,
    ) -> Result<(), DriverError> {
        self.calls.push(format!("mode {mode:?}"));
        self.mode = Some(mode);
        // Switchdev brings a port (its PORT_NEW is the only notification).
        if mode == EswitchMode::Switchdev {
            devl.port_register(0, devlink_core::PortAttrs::physical(1))
                .unwrap();
        }
        Ok(())
    }

    fn eswitch_inline_mode_set(
        &mut self,
        _: &mut Devl<'_>,
        mode: EswitchInlineMode,
    ) -> Result<(), DriverError> {
        self.calls.push(format!("inline {mode:?}"));
        Ok(())
    }

    fn eswitch_encap_mode_set(
        &mut self,
        _: &mut Devl<'_>,
        mode: EswitchEncapMode,
    ) -> Result<(), DriverError> {
        self.calls.push(format!("encap {mode:?}"));
        Ok(())
    }
}

fn esw_get() -> Request {
    req(
        Cmd::EswitchGet,
        DevlinkBody::from(DevReq {
            handle: Some(h()),
            unknown: vec![],
        }),
    )
}

fn esw_set(
    mode: Option<EswitchMode>,
    inline_mode: Option<EswitchInlineMode>,
    encap_mode: Option<EswitchEncapMode>,
) -> Request {
    req(
        Cmd::EswitchSet,
        DevlinkBody::from(Eswitch {
            handle: h(),
            mode,
            inline_mode,
            encap_mode,
            unknown: vec![],
        }),
    )
}

fn eswitch(core: &mut Core) -> Eswitch {
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(esw_get())
    else {
        panic!()
    };
    assert_eq!(r[0].cmd, Cmd::EswitchGet);
    match &r[0].body {
        DevlinkBody::Eswitch(e) => (**e).clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn eswitch_get_reports_what_the_getters_give() {
    let mut core = Core::new();
    device(&mut core, Box::new(NoopDriver));
    let e = eswitch(&mut core);
    assert_eq!((e.mode, e.inline_mode, e.encap_mode), (None, None, None));
    let mut r = esw_get();
    r.admin = false;
    assert_eq!(rejected(&mut core, r), Rejection::errno(Errno::EPERM));

    let mut core = Core::new();
    let esw = Esw {
        mode: Some(EswitchMode::Legacy),
        inline: Some(EswitchInlineMode::Link),
        ..Esw::default()
    };
    let id = device(&mut core, Box::new(esw));
    let e = eswitch(&mut core);
    assert_eq!(e.handle, h());
    assert_eq!(
        (e.mode, e.inline_mode, e.encap_mode),
        (
            Some(EswitchMode::Legacy),
            Some(EswitchInlineMode::Link),
            None
        )
    );
    // A getter's error is the answer.
    core.with_driver::<Esw, _>(id, |d, _| d.mode = None)
        .unwrap();
    assert_eq!(rejected(&mut core, esw_get()), Rejection::errno(EIO));
}

#[test]
fn eswitch_set_order_and_checks() {
    let mut core = Core::new();
    let esw = Esw {
        mode: Some(EswitchMode::Legacy),
        ops: EswitchOps {
            mode_set: true,
            inline_mode_set: true,
            encap_mode_set: false,
        },
        ..Esw::default()
    };
    let id = device(&mut core, Box::new(esw));
    let r = esw_set(
        Some(EswitchMode::Switchdev),
        Some(EswitchInlineMode::Transport),
        None,
    );
    assert_eq!(core.handle_request(r), Ok(Response::Do(vec![]).into()));
    let calls = core
        .with_driver::<Esw, _>(id, |d, _| std::mem::take(&mut d.calls))
        .unwrap();
    assert_eq!(calls, ["mode Switchdev", "inline Transport"]);
    assert_eq!(core.poll_notification().unwrap().cmd, Cmd::PortNew);
    assert_eq!(core.pending_notifications(), 0);
    assert_eq!(eswitch(&mut core).mode, Some(EswitchMode::Switchdev));
    // No encap setter.
    assert_eq!(
        rejected(
            &mut core,
            esw_set(None, None, Some(EswitchEncapMode::Basic))
        ),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    // A rate node blocks mode changes.
    core.devl(id)
        .unwrap()
        .rate_node_create("grp", None)
        .unwrap();
    while core.poll_notification().is_some() {}
    assert_eq!(
        rejected(&mut core, esw_set(Some(EswitchMode::Legacy), None, None)),
        Rejection::msg(Errno::EBUSY, "Rate node(s) exists.")
    );
    // Without the mode setter, that comes first.
    let mut bare = Core::new();
    let bid = device(&mut bare, Box::new(NoopDriver));
    bare.devl(bid)
        .unwrap()
        .rate_node_create("grp", None)
        .unwrap();
    while bare.poll_notification().is_some() {}
    assert_eq!(
        rejected(&mut bare, esw_set(Some(EswitchMode::Legacy), None, None)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}
