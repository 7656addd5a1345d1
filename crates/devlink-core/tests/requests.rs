//! Requests against the core: replies, dumps with resumption, and the kernel's errno and
//! extack for each rejection; a rejected request changes and emits nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, InstanceId, NoopDriver, ParamDef,
    PortAttrs, Rejection, ReloadCaps, Reply, Request, Response,
};
use devlink_wire::devlink::{
    Bitfield32, DevReq, Handle, ParamGetReq, ParamSetReq, ParamValue, PortGetReq, ReloadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{
    Attr, Cmd, KernelEnum, ParamCmode, ReloadAction, ReloadLimit, VarAttrType,
};

/// Supports driver_reinit and fw_activate with limit no_reset; changes nothing.
struct Reloadable;

impl Driver for Reloadable {
    fn reload_caps(&self) -> ReloadCaps {
        ReloadCaps {
            actions: (1 << ReloadAction::DriverReinit.repr())
                | (1 << ReloadAction::FwActivate.repr()),
            limits: 1 << ReloadLimit::NoReset.repr(),
        }
    }

    fn reload_down(
        &mut self,
        _: &mut Devl<'_>,
        _: bool,
        _: ReloadAction,
        _: ReloadLimit,
    ) -> Result<(), DriverError> {
        Ok(())
    }
}

fn h(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

fn device(core: &mut Core, n: u32, ports: u32, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(n), driver);
    let mut d = core.devl(id).unwrap();
    for i in 0..ports {
        d.port_register(i, PortAttrs::physical(i + 1)).unwrap();
    }
    d.param_register(ParamDef {
        id: 1,
        name: "max_macs".into(),
        generic: true,
        ty: VarAttrType::U32,
        values: vec![(ParamCmode::Driverinit, ParamValue::U32(32))],
    })
    .unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn dump_all(core: &Core, r: Response, per_call: usize) -> Vec<Reply> {
    let Response::Dump(mut cursor) = r else {
        panic!("not a dump: {r:?}")
    };
    let mut out = Vec::new();
    loop {
        let mut room = per_call;
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

#[test]
fn get_do_and_errors() {
    let mut core = Core::new();
    device(&mut core, 1, 0, Box::new(NoopDriver));
    let r = core.handle_request(req(
        Cmd::Get,
        DevlinkBody::from(DevReq {
            handle: Some(h(1)),
            unknown: vec![],
        }),
    ));
    let Ok(Accepted {
        response: Response::Do(replies),
        ..
    }) = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].cmd, Cmd::New);
    let err = rejected(
        &mut core,
        req(
            Cmd::Get,
            DevlinkBody::from(DevReq {
                handle: Some(h(9)),
                unknown: vec![],
            }),
        ),
    );
    assert_eq!(err, Rejection::errno(Errno::ENODEV));
    let err = rejected(
        &mut core,
        req(
            Cmd::Get,
            DevlinkBody::from(DevReq {
                handle: None,
                unknown: vec![],
            }),
        ),
    );
    assert_eq!(err.errno, Errno::EINVAL);
}

#[test]
fn get_dump_lists_registered_instances_in_index_order() {
    let mut core = Core::new();
    device(&mut core, 3, 0, Box::new(NoopDriver));
    let hidden = core.alloc(h(4), Box::new(NoopDriver));
    device(&mut core, 1, 0, Box::new(NoopDriver));
    let mut r = req(
        Cmd::Get,
        DevlinkBody::from(DevReq {
            handle: None,
            unknown: vec![],
        }),
    );
    r.dump = true;
    let resp = core.handle_request(r).unwrap().response;
    let replies = dump_all(&core, resp, 1);
    let names: Vec<String> = replies
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::Dev(d) => d.handle.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["netdevsim/netdevsim3", "netdevsim/netdevsim1"]);
    let _ = hidden;
}

#[test]
fn port_dump_resumes_by_key_across_changes() {
    let mut core = Core::new();
    let id = device(&mut core, 1, 10, Box::new(NoopDriver));
    let mut r = req(
        Cmd::PortGet,
        DevlinkBody::from(PortGetReq {
            handle: None,
            index: None,
            unknown: vec![],
        }),
    );
    r.dump = true;
    let Response::Dump(mut cursor) = core.handle_request(r).unwrap().response else {
        panic!()
    };
    let mut seen = Vec::new();
    let mut take = |core: &Core, cursor: &mut devlink_core::DumpCursor, n: usize| {
        let mut room = n;
        core.dump_next(cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            let DevlinkBody::Port(p) = reply.body else {
                panic!()
            };
            assert_eq!(reply.cmd, Cmd::PortNew);
            seen.push(p.index);
            true
        })
    };
    assert_eq!(take(&core, &mut cursor, 4), DumpStep::More);
    // Between chunks: a port before the resume point goes, one after it comes.
    let mut d = core.devl(id).unwrap();
    d.port_unregister(1).unwrap();
    d.port_register(42, PortAttrs::physical(43)).unwrap();
    assert_eq!(take(&core, &mut cursor, 100), DumpStep::Done);
    assert_eq!(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42]);
}

#[test]
fn filtered_dump_and_unknown_handle() {
    let mut core = Core::new();
    device(&mut core, 1, 2, Box::new(NoopDriver));
    device(&mut core, 2, 3, Box::new(NoopDriver));
    let mut r = req(
        Cmd::PortGet,
        DevlinkBody::from(PortGetReq {
            handle: Some(h(2)),
            index: None,
            unknown: vec![],
        }),
    );
    r.dump = true;
    let resp = core.handle_request(r.clone()).unwrap().response;
    let Response::Dump(c) = &resp else { panic!() };
    assert!(c.filtered());
    assert_eq!(dump_all(&core, resp, 2).len(), 3);
    r.body = DevlinkBody::from(PortGetReq {
        handle: Some(h(7)),
        index: None,
        unknown: vec![],
    });
    assert_eq!(rejected(&mut core, r), Rejection::errno(Errno::ENODEV));
}

#[test]
fn port_get_do() {
    let mut core = Core::new();
    device(&mut core, 1, 2, Box::new(NoopDriver));
    let get = |index| {
        req(
            Cmd::PortGet,
            DevlinkBody::from(PortGetReq {
                handle: Some(h(1)),
                index,
                unknown: vec![],
            }),
        )
    };
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(get(Some(1)))
    else {
        panic!()
    };
    assert!(matches!(&r[0].body, DevlinkBody::Port(p) if p.index == 1));
    assert_eq!(
        rejected(&mut core, get(Some(5))),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, get(None)),
        Rejection::errno(Errno::EINVAL)
    );
}

#[test]
fn op_table_checks_come_first() {
    let mut core = Core::new();
    device(&mut core, 1, 1, Box::new(NoopDriver));
    let mut set = req(
        Cmd::ParamSet,
        DevlinkBody::from(param_set(
            "max_macs",
            ParamCmode::Driverinit,
            Some(ParamValue::U32(4)),
        )),
    );
    set.admin = false;
    assert_eq!(rejected(&mut core, set), Rejection::errno(Errno::EPERM));
    let mut get = req(Cmd::Reload, DevlinkBody::from(reload(None, None)));
    get.dump = true;
    assert_eq!(
        rejected(&mut core, get),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

fn param_set(name: &str, cmode: ParamCmode, value: Option<ParamValue>) -> ParamSetReq {
    ParamSetReq {
        handle: h(1),
        port_index: None,
        name: name.into(),
        cmode,
        reset_default: false,
        ty: value.as_ref().map_or(VarAttrType::U32, ParamValue::ty),
        value,
        unknown: vec![],
    }
}

#[test]
fn param_get_and_set() {
    let mut core = Core::new();
    let id = device(&mut core, 1, 0, Box::new(Reloadable));
    let get = |name: Option<&str>| {
        req(
            Cmd::ParamGet,
            DevlinkBody::from(ParamGetReq {
                handle: Some(h(1)),
                port_index: None,
                name: name.map(Into::into),
                unknown: vec![],
            }),
        )
    };
    assert_eq!(
        rejected(&mut core, get(None)),
        Rejection::missing(Attr::ParamName)
    );
    assert_eq!(
        rejected(&mut core, get(Some("nope"))),
        Rejection::errno(Errno::EINVAL)
    );
    let set = |p: ParamSetReq| req(Cmd::ParamSet, DevlinkBody::from(p));
    // Runtime is not a cmode of max_macs; a string is not its type.
    let e = rejected(
        &mut core,
        set(param_set(
            "max_macs",
            ParamCmode::Runtime,
            Some(ParamValue::U32(4)),
        )),
    );
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
    let e = rejected(
        &mut core,
        set(param_set(
            "max_macs",
            ParamCmode::Driverinit,
            Some(ParamValue::String("x".into())),
        )),
    );
    assert_eq!(e, Rejection::errno(Errno::EINVAL));
    // Driverinit: staged and notified; effective after a driver_reinit reload.
    let ok = core.handle_request(set(param_set(
        "max_macs",
        ParamCmode::Driverinit,
        Some(ParamValue::U32(4)),
    )));
    assert_eq!(ok, Ok(Response::Do(vec![]).into()));
    let n = core.poll_notification().unwrap();
    assert_eq!(n.cmd, Cmd::ParamNew);
    let DevlinkBody::Param(p) = n.body else {
        panic!()
    };
    assert_eq!(p.values[0].data, ParamValue::U32(4));
    assert_eq!(
        core.devl(id).unwrap().param_driverinit_value("max_macs"),
        Some(ParamValue::U32(32))
    );
    core.handle_request(req(Cmd::Reload, DevlinkBody::from(reload(None, None))))
        .unwrap();
    assert_eq!(
        core.devl(id).unwrap().param_driverinit_value("max_macs"),
        Some(ParamValue::U32(4))
    );
    // Reset to the driver's value.
    let mut reset = param_set("max_macs", ParamCmode::Driverinit, None);
    reset.reset_default = true;
    core.handle_request(set(reset)).unwrap();
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(get(Some("max_macs")))
    else {
        panic!()
    };
    let DevlinkBody::Param(p) = &r[0].body else {
        panic!()
    };
    assert_eq!(p.values[0].data, ParamValue::U32(32));
}

fn reload(action: Option<ReloadAction>, limits: Option<u32>) -> ReloadReq {
    ReloadReq {
        handle: h(1),
        netns_pid: None,
        netns_fd: None,
        netns_id: None,
        action,
        limits: limits.map(|v| Bitfield32 {
            value: v,
            selector: v,
        }),
        unknown: vec![],
    }
}

#[test]
fn reload_checks_in_kernel_order() {
    let mut core = Core::new();
    device(&mut core, 1, 0, Box::new(Reloadable));
    let r = |a, l| req(Cmd::Reload, DevlinkBody::from(reload(a, l)));
    let e = rejected(&mut core, r(None, Some(0)));
    assert_eq!(e, Rejection::msg(Errno::EINVAL, "Invalid limit selected"));
    let e = rejected(&mut core, r(None, Some(0b11)));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "Multiselection of limit is not supported"
        )
    );
    let e = rejected(&mut core, r(Some(ReloadAction::DriverReinit), Some(0b10)));
    assert_eq!(
        e,
        Rejection::msg(Errno::EINVAL, "Requested limit is invalid for this action")
    );
    // fw_activate with no_reset is fine: the reply names what was done.
    let Ok(Accepted {
        response: Response::Do(replies),
        ..
    }) = core.handle_request(r(Some(ReloadAction::FwActivate), Some(0b10)))
    else {
        panic!()
    };
    let DevlinkBody::ReloadReply(rr) = &replies[0].body else {
        panic!()
    };
    assert_eq!(
        rr.actions_performed.value,
        1 << ReloadAction::FwActivate.repr()
    );
    // A plain reload gets only the ACK, and the stats NEW.
    assert_eq!(
        core.handle_request(r(None, None)),
        Ok(Response::Do(vec![]).into())
    );

    let mut bare = Core::new();
    device(&mut bare, 1, 0, Box::new(NoopDriver));
    let e = rejected(&mut bare, r(None, None));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "Requested reload action is not supported by the driver"
        )
    );
}

#[test]
fn notify_filter_set_and_matching() {
    use devlink_core::NotifyFilter;
    use devlink_wire::devlink::NotifyFilterReq;
    let mut core = Core::new();
    let set = |bus: Option<&str>, dev: Option<&str>, port| {
        let mut r = req(
            Cmd::NotifyFilterSet,
            DevlinkBody::from(NotifyFilterReq {
                bus_name: bus.map(Into::into),
                dev_name: dev.map(Into::into),
                port_index: port,
                unknown: vec![],
            }),
        );
        r.admin = false; // not an admin command, and no instance needed
        r
    };
    let Ok(Accepted {
        response: Response::NotifyFilter(Some(f)),
        ..
    }) = core.handle_request(set(None, Some("netdevsim1"), Some(0)))
    else {
        panic!()
    };
    assert_eq!(
        core.handle_request(set(None, None, None)),
        Ok(Response::NotifyFilter(None).into())
    );

    // Events of two devices: the filter keeps dev netdevsim1, and of its ports only 0.
    let id = device(&mut core, 1, 2, Box::new(NoopDriver));
    device(&mut core, 2, 1, Box::new(NoopDriver));
    core.unregister(id).unwrap();
    let mut kept = Vec::new();
    while let Some(n) = core.poll_notification() {
        if f.matches(&n) {
            kept.push((n.cmd, n.port_index));
        }
    }
    // netdevsim1's unregistration: param DEL (no port), PORT_DEL 0 (kept), 1 (dropped), DEL.
    assert_eq!(
        kept,
        [
            (Cmd::ParamDel, None),
            (Cmd::PortDel, Some(0)),
            (Cmd::Del, None)
        ]
    );
    let bus_only = NotifyFilter {
        bus: Some("pci".into()),
        ..NotifyFilter::default()
    };
    let mut other = Core::new();
    let oid = device(&mut other, 1, 0, Box::new(NoopDriver));
    other.unregister(oid).unwrap();
    while let Some(n) = other.poll_notification() {
        assert!(
            !bus_only.matches(&n),
            "a netdevsim event passed a pci filter"
        );
    }
}

#[test]
fn port_params_are_not_supported() {
    let mut core = Core::new();
    device(&mut core, 1, 1, Box::new(NoopDriver));
    let get = req(
        Cmd::PortParamGet,
        DevlinkBody::from(ParamGetReq {
            handle: Some(h(1)),
            port_index: Some(0),
            name: Some("x".into()),
            unknown: vec![],
        }),
    );
    let e = rejected(&mut core, get.clone());
    assert_eq!(
        e,
        Rejection::msg(Errno::EINVAL, "Port params are not supported")
    );
    let mut dump = get;
    dump.dump = true;
    // The dump lists nothing, and its NLMSG_DONE carries the message as a warning.
    let Ok(Accepted {
        response: Response::Dump(mut cursor),
        warning: None,
    }) = core.handle_request(dump)
    else {
        panic!()
    };
    assert_eq!(cursor.warning(), Some("Port params are not supported"));
    assert_eq!(core.dump_next(&mut cursor, &mut |_| true), DumpStep::Done);
    assert_eq!(cursor.take_error(), None);
    // Other dumps do not warn.
    let r = core.handle_request(Request {
        dump: true,
        ..req(Cmd::Get, DevlinkBody::from(DevReq::default()))
    });
    let Ok(Accepted {
        response: Response::Dump(cursor),
        ..
    }) = r
    else {
        panic!()
    };
    assert_eq!(cursor.warning(), None);
}
