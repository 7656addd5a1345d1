//! `devlink monitor [OBJECT…]` (`cmd_mon`): join the `config` group and print every
//! notification with the [`Monitor`] renderer. On an overrun (the daemon dropped
//! notifications for this connection: `ENOBUFS`, where 6.1 dies with "devlink answers:
//! No buffer space available") it says so on standard error, re-dumps the selected
//! objects (printed as `[obj,get]` events) and goes on. With `--check` the notification
//! order is checked as well ([`check`]).

use devlink_cli::show::{Monitor, MonitorError};
use devlink_wire::devlink::{
    DevReq, HealthReq, LinecardGetReq, ParamGetReq, PortGetReq, RateGetReq, RegionGetReq,
    TrapGetReq, TrapGroupGetReq, TrapPolicerGetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx};
use super::help;
use crate::args::{ArgError, Argv};
use crate::request::{Event, RequestError};

mod check;

use check::OrderCheck;

/// `cmd_mon`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::MONITOR);
    }
    let mut objects = Vec::new();
    while let Some(w) = a.next_word() {
        objects.push(w);
    }
    let mut mon =
        Monitor::new_dlctl(&objects, ctx.opts.clone()).map_err(|e| ArgError::new(e.to_string()))?;
    ctx.dl()?.subscribe()?;
    let mut check = ctx.check.then(OrderCheck::new);
    if let Some(c) = check.as_mut() {
        // Learn what exists (nothing is printed: iproute2 starts silently).
        resync(ctx, &mut mon, &objects, Some(c), false)?;
    }
    flush(ctx, &mut mon)?;
    loop {
        let events = match ctx.dl()?.events() {
            Ok(e) => e,
            Err(e) => {
                let end = mon.finish();
                ctx.out.write_all(end.as_bytes())?;
                return end_of_stream(ctx, check.as_ref(), e);
            }
        };
        for ev in events {
            match ev {
                Event::Notification(r) => {
                    let violation = check.as_mut().and_then(|c| c.check(r.cmd, &r.body));
                    event(ctx, &mut mon, r.cmd, &r.body)?;
                    if let Some(line) = violation {
                        writeln!(ctx.err, "{line}")?;
                    }
                }
                Event::Overrun => {
                    overrun(ctx)?;
                    resync(ctx, &mut mon, &objects, check.as_mut(), true)?;
                }
            }
        }
    }
}

/// The stream ended with `e`. Under `--check` the daemon closing the connection is
/// the normal end: status 0 if every event kept the rules, else the count and status 1.
fn end_of_stream(
    ctx: &mut Ctx<'_>,
    check: Option<&OrderCheck>,
    e: RequestError,
) -> Result<(), CmdError> {
    let Some(c) = check else {
        return Err(e.into());
    };
    let closed =
        matches!(&e, RequestError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof);
    let summary = c.summary();
    if let Some(line) = &summary {
        writeln!(ctx.err, "{line}")?;
    }
    match (closed, summary) {
        (true, None) => Ok(()),
        (true, Some(_)) => Err(CmdError::Quiet),
        (false, _) => Err(e.into()),
    }
}

fn overrun(ctx: &mut Ctx<'_>) -> Result<(), CmdError> {
    writeln!(
        ctx.err,
        "devlink answers: No buffer space available (events were lost; re-dumping)"
    )?;
    Ok(())
}

/// Re-dump (after an overrun: printed; to seed the checker: all objects), then handle
/// the events that came during the dump, unchecked: the dump may show an object before
/// or after any of them. Again if one of them is an overrun.
fn resync(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    objects: &[String],
    mut check: Option<&mut OrderCheck>,
    mut print: bool,
) -> Result<(), CmdError> {
    loop {
        if let Some(c) = check.as_deref_mut() {
            c.lost();
        }
        redump(ctx, mon, objects, check.as_deref_mut(), print)?;
        let mut again = false;
        for ev in ctx.dl()?.take_pending() {
            match ev {
                Event::Notification(r) => {
                    if let Some(c) = check.as_deref_mut() {
                        c.assume(r.cmd, &r.body);
                    }
                    event(ctx, mon, r.cmd, &r.body)?;
                }
                Event::Overrun => {
                    overrun(ctx)?;
                    again = true;
                }
            }
        }
        if !again {
            return Ok(());
        }
        print = true;
    }
}

/// One event; its output flushed at once, as iproute2 does.
fn event(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    cmd: Cmd,
    body: &DevlinkBody,
) -> Result<(), CmdError> {
    let r = mon.event(cmd, body);
    flush(ctx, mon)?;
    r.map_err(|e: MonitorError| CmdError::Arg(ArgError::new(format!("devlink answers: {e}"))))
}

fn flush(ctx: &mut Ctx<'_>, mon: &mut Monitor) -> Result<(), CmdError> {
    ctx.out.write_all(mon.take_output().as_bytes())?;
    ctx.out.flush()?;
    Ok(())
}

/// After an overrun (`print`): dump what the filter selects, each object as its `GET`
/// event (health reporters as `[health,status]`, the only health event iproute2
/// prints). With a checker: every object it follows, seeding it.
fn redump(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    objects: &[String],
    mut check: Option<&mut OrderCheck>,
    print: bool,
) -> Result<(), CmdError> {
    let wanted = |o: &str| {
        objects.is_empty() && o != "rate"
            || objects.iter().any(|w| w == o || w == "all" && o != "rate")
    };
    let dumps: [(&str, Cmd, Cmd, DevlinkBody); 10] = [
        ("dev", Cmd::Get, Cmd::Get, DevReq::default().into()),
        (
            "port",
            Cmd::PortGet,
            Cmd::PortGet,
            PortGetReq::default().into(),
        ),
        (
            "param",
            Cmd::ParamGet,
            Cmd::ParamGet,
            ParamGetReq::default().into(),
        ),
        (
            "region",
            Cmd::RegionGet,
            Cmd::RegionGet,
            RegionGetReq::default().into(),
        ),
        (
            "health",
            Cmd::HealthReporterGet,
            Cmd::HealthReporterRecover,
            HealthReq::default().into(),
        ),
        (
            "trap",
            Cmd::TrapGet,
            Cmd::TrapGet,
            TrapGetReq::default().into(),
        ),
        (
            "trap-group",
            Cmd::TrapGroupGet,
            Cmd::TrapGroupGet,
            TrapGroupGetReq::default().into(),
        ),
        (
            "trap-policer",
            Cmd::TrapPolicerGet,
            Cmd::TrapPolicerGet,
            TrapPolicerGetReq::default().into(),
        ),
        (
            "lc",
            Cmd::LinecardGet,
            Cmd::LinecardGet,
            LinecardGetReq::default().into(),
        ),
        (
            "rate",
            Cmd::RateGet,
            Cmd::RateGet,
            RateGetReq::default().into(),
        ),
    ];
    for (obj, req, as_event, body) in dumps {
        let show = print && wanted(obj);
        let seed = check.is_some() && obj != "health";
        if !show && !seed {
            continue;
        }
        for r in ctx.request(req, body, true)? {
            if let Some(c) = check.as_deref_mut().filter(|_| seed) {
                c.seed(&r.body);
            }
            if show {
                // A region's GET reply is a Region (not an event): printed as the show line.
                event(ctx, mon, as_event, &r.body)?;
            }
        }
    }
    Ok(())
}
