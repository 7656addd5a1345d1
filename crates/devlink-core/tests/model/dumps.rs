//! Random dumps, read a few replies per call: they list exactly the objects there are
//! (as `Core::dump_objects` has them), and each reply equals the do-style `GET` of its
//! object. And the state that has no notifications (health reporters, resources, shared
//! buffers), for checking that a refused request did not change it.

use devlink_core::{Accepted, Core, DumpCursor, DumpStep, Reply, Request, Response};
use devlink_wire::devlink::{
    DevReq, HealthReq, LinecardGetReq, ParamGetReq, PortGetReq, RateGetReq, RegionGetReq,
    TrapGetReq, TrapGroupGetReq, TrapPolicerGetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::SLOTS;
use crate::fake::handle;

/// Kinds of dumps: dev, port, param, rate, line card, region, trap, trap group, trap
/// policer, health reporter.
pub(crate) const KINDS: u8 = 10;

/// Read a dump to its end, `budget` replies per call.
fn read(core: &Core, cursor: &mut DumpCursor, budget: u8) -> Result<Vec<Reply>, String> {
    let mut replies = Vec::new();
    for _ in 0..10_000 {
        let mut taken = 0u8;
        let step = core.dump_next(cursor, &mut |r| {
            if taken == budget {
                return false;
            }
            taken += 1;
            replies.push(r);
            true
        });
        if step == DumpStep::Done {
            return match cursor.take_error() {
                None => Ok(replies),
                Some(e) => Err(format!("dump failed midway: {e:?}")),
            };
        }
        if taken == 0 {
            return Err("the dump made no progress".into());
        }
    }
    Err("the dump does not end".into())
}

/// The dump request of `kind`, and the command of its replies.
fn dump_request(kind: u8, h: Option<devlink_wire::devlink::Handle>) -> (Cmd, DevlinkBody, Cmd) {
    match kind {
        0 => (
            Cmd::Get,
            DevlinkBody::from(DevReq {
                handle: h,
                unknown: vec![],
            }),
            Cmd::New,
        ),
        1 => (
            Cmd::PortGet,
            DevlinkBody::from(PortGetReq {
                handle: h,
                ..PortGetReq::default()
            }),
            Cmd::PortNew,
        ),
        2 => (
            Cmd::ParamGet,
            DevlinkBody::from(ParamGetReq {
                handle: h,
                ..ParamGetReq::default()
            }),
            Cmd::ParamGet,
        ),
        3 => (
            Cmd::RateGet,
            DevlinkBody::from(RateGetReq {
                handle: h,
                ..RateGetReq::default()
            }),
            Cmd::RateNew,
        ),
        4 => (
            Cmd::LinecardGet,
            DevlinkBody::from(LinecardGetReq {
                handle: h,
                ..LinecardGetReq::default()
            }),
            Cmd::LinecardNew,
        ),
        5 => (
            Cmd::RegionGet,
            DevlinkBody::from(RegionGetReq {
                handle: h,
                ..RegionGetReq::default()
            }),
            Cmd::RegionGet,
        ),
        6 => (
            Cmd::TrapGet,
            DevlinkBody::from(TrapGetReq {
                handle: h,
                ..TrapGetReq::default()
            }),
            Cmd::TrapNew,
        ),
        7 => (
            Cmd::TrapGroupGet,
            DevlinkBody::from(TrapGroupGetReq {
                handle: h,
                ..TrapGroupGetReq::default()
            }),
            Cmd::TrapGroupNew,
        ),
        8 => (
            Cmd::TrapPolicerGet,
            DevlinkBody::from(TrapPolicerGetReq {
                handle: h,
                ..TrapPolicerGetReq::default()
            }),
            Cmd::TrapPolicerNew,
        ),
        _ => (
            Cmd::HealthReporterGet,
            DevlinkBody::from(HealthReq {
                handle: h,
                ..HealthReq::default()
            }),
            Cmd::HealthReporterGet,
        ),
    }
}

/// The do-style `GET` of the object a dump reply shows.
fn get_for(body: &DevlinkBody) -> Option<(Cmd, DevlinkBody)> {
    let h = |h: &devlink_wire::devlink::Handle| Some(h.clone());
    Some(match body {
        DevlinkBody::Dev(d) => (
            Cmd::Get,
            DevlinkBody::from(DevReq {
                handle: h(&d.handle),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Port(p) => (
            Cmd::PortGet,
            DevlinkBody::from(PortGetReq {
                handle: h(&p.handle),
                index: Some(p.index),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Param(p) => (
            Cmd::ParamGet,
            DevlinkBody::from(ParamGetReq {
                handle: h(&p.handle),
                port_index: None,
                name: Some(p.name.clone()),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Rate(r) => (
            Cmd::RateGet,
            DevlinkBody::from(RateGetReq {
                handle: h(&r.handle),
                key: Some(r.key.clone()),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Linecard(l) => (
            Cmd::LinecardGet,
            DevlinkBody::from(LinecardGetReq {
                handle: h(&l.handle),
                index: Some(l.index),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Region(r) => (
            Cmd::RegionGet,
            DevlinkBody::from(RegionGetReq {
                handle: h(&r.handle),
                port_index: r.port_index,
                name: Some(r.name.clone()),
                unknown: vec![],
            }),
        ),
        DevlinkBody::Trap(t) => (
            Cmd::TrapGet,
            DevlinkBody::from(TrapGetReq {
                handle: h(&t.handle),
                name: Some(t.name.clone()),
                unknown: vec![],
            }),
        ),
        DevlinkBody::TrapGroup(g) => (
            Cmd::TrapGroupGet,
            DevlinkBody::from(TrapGroupGetReq {
                handle: h(&g.handle),
                name: Some(g.name.clone()),
                unknown: vec![],
            }),
        ),
        DevlinkBody::TrapPolicer(p) => (
            Cmd::TrapPolicerGet,
            DevlinkBody::from(TrapPolicerGetReq {
                handle: h(&p.handle),
                id: Some(p.id),
                unknown: vec![],
            }),
        ),
        DevlinkBody::HealthReporter(r) => (
            Cmd::HealthReporterGet,
            DevlinkBody::from(HealthReq {
                handle: h(&r.handle),
                port_index: r.port_index,
                name: Some(r.name.clone()),
                unknown: vec![],
            }),
        ),
        _ => return None,
    })
}

/// Take dump `kind` (of slot `filter`'s instance only, or of all), `budget` replies per
/// call, and check it against the objects there are and against the do-style `GET`s.
/// Returns what the trace records.
pub(crate) fn check(
    core: &mut Core,
    kind: u8,
    filter: Option<u8>,
    budget: u8,
) -> Result<String, String> {
    let h = filter.map(handle);
    let ids: Vec<_> = match &h {
        Some(h) => core.lookup(h).into_iter().collect(),
        None => core.registered().collect(),
    };
    let (cmd, body, reply_cmd) = dump_request(kind, h.clone());
    let r = core.handle_request(Request {
        cmd,
        body,
        dump: true,
        admin: false,
    });
    let mut cursor = match r {
        Ok(Accepted {
            response: Response::Dump(c),
            ..
        }) => c,
        Err(e) if h.is_some() && ids.is_empty() && e.errno.0 == 19 => {
            return Ok(format!("dump {cmd:?} ENODEV"));
        }
        other => return Err(format!("dump {cmd:?} {h:?} answered {other:?}")),
    };
    if cursor.filtered() != h.is_some() {
        return Err(format!(
            "dump {cmd:?} {h:?}: filtered is {}",
            cursor.filtered()
        ));
    }
    let mut replies = read(core, &mut cursor, budget)?;
    if replies.iter().any(|r| r.cmd != reply_cmd) {
        return Err(format!("dump {cmd:?}: replies not all {reply_cmd:?}"));
    }
    for reply in &replies {
        let (cmd, body) = get_for(&reply.body).ok_or("a dump reply of an unknown kind")?;
        let r = core.handle_request(Request {
            cmd,
            body,
            dump: false,
            admin: false,
        });
        if r != Ok(Response::Do(vec![reply.clone()]).into()) {
            return Err(format!("dump reply {reply:?} but do {cmd:?} gives {r:?}"));
        }
    }
    let trace = format!("dump {cmd:?} {h:?}: {} replies", replies.len());
    if cmd == Cmd::HealthReporterGet {
        return Ok(trace);
    }
    let mut expected: Vec<Reply> = ids
        .iter()
        .flat_map(|&id| core.dump_objects(id).unwrap_or_default())
        .filter(|(c, _)| *c == reply_cmd)
        .map(|(cmd, body)| Reply { cmd, body })
        .collect();
    if cmd == Cmd::RegionGet {
        // Instance regions, then by port: not the order dump_objects lists them in.
        let key = |r: &Reply| format!("{r:?}");
        expected.sort_by_key(key);
        replies.sort_by_key(key);
    }
    if replies != expected {
        return Err(format!(
            "dump {cmd:?} {h:?} budget {budget}:\n{replies:#?}\nexpected\n{expected:#?}"
        ));
    }
    Ok(trace)
}

/// What the health reporter and resource dumps show for every slot (or why not), and
/// the shared-buffer state of its driver.
pub(crate) fn silent_state(core: &mut Core) -> Vec<String> {
    let mut out = Vec::new();
    for s in 0..SLOTS {
        let h = Some(handle(s));
        let reqs = [
            (
                Cmd::HealthReporterGet,
                DevlinkBody::from(HealthReq {
                    handle: h.clone(),
                    ..HealthReq::default()
                }),
                true,
            ),
            (
                Cmd::ResourceDump,
                DevlinkBody::from(DevReq {
                    handle: h,
                    unknown: vec![],
                }),
                false,
            ),
        ];
        for (cmd, body, dump) in reqs {
            let r = core.handle_request(Request {
                cmd,
                body,
                dump,
                admin: false,
            });
            let shown = match r {
                Ok(Accepted {
                    response: Response::Dump(mut c),
                    ..
                }) => format!("{:?}", read(core, &mut c, u8::MAX)),
                other => format!("{other:?}"),
            };
            out.push(shown);
        }
        out.push(crate::sb::state(core, &handle(s)));
    }
    out
}
