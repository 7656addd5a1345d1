//! `devlink monitor [OBJECT…]` (`cmd_mon`): join the `config` group and print every
//! notification with the [`Monitor`] renderer. On an overrun (the daemon dropped
//! notifications for this connection: `ENOBUFS`, where 6.1 dies with "devlink answers:
//! No buffer space available") it says so on standard error, re-dumps the selected
//! objects (printed as `[obj,get]` events) and goes on. With `--check` the notification
//! order is checked as well ([`check`]).
//!
//! With `--reconnect` (dlctl's) the end of the connection is not the end: the monitor
//! says so on standard error, connects to the same socket again (waiting 20 ms doubling
//! to 2 s between attempts, for as long as it takes: [`Backoff`]), joins `config` again
//! and re-dumps silently; what changed meanwhile is printed as the `[obj,del]` and
//! `[obj,new]` events that take a reader of the output from the state it knew to the
//! daemon's ([`view`]), and a line on standard error says it resynced. The checker is
//! seeded again from that dump.

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
use crate::backoff::{Backoff, connection_lost};
use crate::request::{Event, RequestError};

mod check;
mod view;

use check::OrderCheck;
use view::View;

/// What a re-dump prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Print {
    /// Nothing: the state is learnt silently.
    Nothing,
    /// Every object the filter selects, as its `GET` event (after an overrun).
    All,
    /// The difference from what the monitor knew, as `DEL` and `NEW` events.
    Diff,
}

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
    let mut view = ctx.reconnect.then(View::default);
    let mut s = Sync {
        objects: &objects,
        check: check.as_mut(),
        view: view.as_mut(),
    };
    if s.check.is_some() || s.view.is_some() {
        // Learn what exists (nothing is printed: iproute2 starts silently).
        resync(ctx, &mut mon, &mut s, Print::Nothing)?;
    }
    flush(ctx, &mut mon)?;
    loop {
        let events = match ctx.dl()?.events() {
            Ok(e) => e,
            Err(e) if s.view.is_some() && lost(&e) => {
                reconnect(ctx, &mut mon, &mut s, &e)?;
                continue;
            }
            Err(e) => {
                let end = mon.finish();
                ctx.out.write_all(end.as_bytes())?;
                return end_of_stream(ctx, s.check.as_deref(), e);
            }
        };
        for ev in events {
            match ev {
                Event::Notification(r) => {
                    let violation = s.check.as_deref_mut().and_then(|c| c.check(r.cmd, &r.body));
                    if let Some(v) = s.view.as_deref_mut() {
                        v.apply(r.cmd, &r.body);
                    }
                    event(ctx, &mut mon, r.cmd, &r.body)?;
                    if let Some(line) = violation {
                        writeln!(ctx.err, "{line}")?;
                    }
                }
                Event::Overrun => {
                    overrun(ctx)?;
                    resync(ctx, &mut mon, &mut s, Print::All)?;
                }
            }
        }
    }
}

/// What a re-dump feeds: the filter's objects, the checker, the folded view.
struct Sync<'a> {
    objects: &'a [String],
    check: Option<&'a mut OrderCheck>,
    view: Option<&'a mut View>,
}

/// Whether `e` means the daemon's end of the connection is gone.
fn lost(e: &RequestError) -> bool {
    matches!(e, RequestError::Io(io) if connection_lost(io.kind()))
}

/// `--reconnect`: connect again until a connection subscribes and resyncs.
fn reconnect(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    s: &mut Sync<'_>,
    why: &RequestError,
) -> Result<(), CmdError> {
    writeln!(
        ctx.err,
        "dlctl: monitor: lost the connection to the daemon ({why}); reconnecting"
    )?;
    let mut backoff = Backoff::new();
    loop {
        ctx.disconnect();
        backoff.pause();
        let subscribed = match ctx.dl() {
            Ok(dl) => dl.subscribe(),
            Err(CmdError::Connect(_)) => continue,
            Err(e) => return Err(e),
        };
        let result = match subscribed {
            Ok(()) => resync(ctx, mon, s, Print::Diff),
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(changes) => {
                writeln!(
                    ctx.err,
                    "dlctl: monitor: reconnected and resynced ({changes} changes)"
                )?;
                return Ok(());
            }
            // Gone again (or not up yet): try again.
            Err(CmdError::Request(e)) if lost(&e) => {}
            Err(e) => return Err(e),
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

/// Re-dump (`print` says what is printed; the checker and the view learn every
/// object), then handle the events that came during the dump, unchecked: the dump may
/// show an object before or after any of them. Again if one of them is an overrun. The
/// number of events the re-dump printed.
fn resync(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    s: &mut Sync<'_>,
    mut print: Print,
) -> Result<usize, CmdError> {
    let mut printed = 0;
    loop {
        if let Some(c) = s.check.as_deref_mut() {
            c.lost();
        }
        let mut next = s.view.is_some().then(View::default);
        printed += redump(
            ctx,
            mon,
            s.objects,
            s.check.as_deref_mut(),
            next.as_mut(),
            print == Print::All,
        )?;
        if let (Some(view), Some(next)) = (s.view.as_deref_mut(), next) {
            if print == Print::Diff {
                for (cmd, body) in view.diff(&next) {
                    printed += usize::from(event(ctx, mon, cmd, &body)?);
                }
            }
            *view = next;
        }
        let mut again = false;
        for ev in ctx.dl()?.take_pending() {
            match ev {
                Event::Notification(r) => {
                    if let Some(c) = s.check.as_deref_mut() {
                        c.assume(r.cmd, &r.body);
                    }
                    if let Some(v) = s.view.as_deref_mut() {
                        v.apply(r.cmd, &r.body);
                    }
                    printed += usize::from(event(ctx, mon, r.cmd, &r.body)?);
                }
                Event::Overrun => {
                    overrun(ctx)?;
                    again = true;
                }
            }
        }
        if !again {
            return Ok(printed);
        }
        if print == Print::Nothing {
            print = Print::All;
        }
    }
}

/// One event; its output flushed at once, as iproute2 does. Whether it printed anything
/// (the monitor's object filter may hide it).
fn event(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    cmd: Cmd,
    body: &DevlinkBody,
) -> Result<bool, CmdError> {
    let r = mon.event(cmd, body);
    let out = mon.take_output();
    ctx.out.write_all(out.as_bytes())?;
    ctx.out.flush()?;
    r.map(|()| !out.is_empty())
        .map_err(|e: MonitorError| CmdError::Arg(ArgError::new(format!("devlink answers: {e}"))))
}

fn flush(ctx: &mut Ctx<'_>, mon: &mut Monitor) -> Result<(), CmdError> {
    ctx.out.write_all(mon.take_output().as_bytes())?;
    ctx.out.flush()?;
    Ok(())
}

/// After an overrun (`print`): dump what the filter selects, each object as its `GET`
/// event (health reporters as `[health,status]`, the only health event iproute2
/// prints). With a checker: every object it follows, seeding it; with a view, every
/// object it keeps. The number of events printed.
fn redump(
    ctx: &mut Ctx<'_>,
    mon: &mut Monitor,
    objects: &[String],
    mut check: Option<&mut OrderCheck>,
    mut view: Option<&mut View>,
    print: bool,
) -> Result<usize, CmdError> {
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
    let mut printed = 0;
    for (obj, req, as_event, body) in dumps {
        let show = print && wanted(obj);
        let seed = (check.is_some() || view.is_some()) && obj != "health";
        if !show && !seed {
            continue;
        }
        for r in ctx.request(req, body, true)? {
            if seed {
                if let Some(c) = check.as_deref_mut() {
                    c.seed(&r.body);
                }
                if let Some(v) = view.as_deref_mut() {
                    v.seed(&r.body);
                }
            }
            if show {
                // A region's GET reply is a Region (not an event): printed as the show line.
                printed += usize::from(event(ctx, mon, as_event, &r.body)?);
            }
        }
    }
    Ok(printed)
}
