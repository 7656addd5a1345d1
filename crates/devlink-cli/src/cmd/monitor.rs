//! `devlink monitor [OBJECT…]` (`cmd_mon`): join the `config` group and print every
//! notification with the [`Monitor`] renderer. On an overrun (the daemon dropped
//! notifications for this connection: `ENOBUFS`, where 6.1 dies with "devlink answers:
//! No buffer space available") it says so on standard error, re-dumps the selected
//! objects (printed as `[obj,get]` events) and goes on.

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
use crate::request::Event;

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
    flush(ctx, &mut mon)?;
    loop {
        let events = match ctx.dl()?.events() {
            Ok(e) => e,
            Err(e) => {
                let end = mon.finish();
                ctx.out.write_all(end.as_bytes())?;
                return Err(e.into());
            }
        };
        for ev in events {
            match ev {
                Event::Notification(r) => {
                    event(ctx, &mut mon, r.cmd, &r.body)?;
                }
                Event::Overrun => {
                    writeln!(
                        ctx.err,
                        "devlink answers: No buffer space available (events were lost; re-dumping)"
                    )?;
                    redump(ctx, &mut mon, &objects)?;
                }
            }
        }
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

/// After an overrun: dump what the filter selects, each object as its `GET` event
/// (health reporters as `[health,status]`, the only health event iproute2 prints).
fn redump(ctx: &mut Ctx<'_>, mon: &mut Monitor, objects: &[String]) -> Result<(), CmdError> {
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
        if !wanted(obj) {
            continue;
        }
        for r in ctx.request(req, body, true)? {
            // A region's GET reply is a Region (not an event): printed as the show line.
            event(ctx, mon, as_event, &r.body)?;
        }
    }
    Ok(())
}
