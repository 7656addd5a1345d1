//! `devlink health …` (`cmd_health`).

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{HealthReq, HealthSetReq};
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::help;
use crate::args::{ArgError, Argv};

/// `cmd_health`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::HEALTH);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a);
    } else if a.matches("recover") {
        a.inc();
        return simple(ctx, a, Cmd::HealthReporterRecover);
    } else if a.matches("diagnose") {
        a.inc();
        return fmsg(ctx, a, Cmd::HealthReporterDiagnose, false);
    } else if a.matches("test") {
        a.inc();
        return simple(ctx, a, Cmd::HealthReporterTest);
    } else if a.matches("dump") {
        a.inc();
        if a.matches("show") {
            a.inc();
            return fmsg(ctx, a, Cmd::HealthReporterDumpGet, true);
        } else if a.matches("clear") {
            a.inc();
            return simple(ctx, a, Cmd::HealthReporterDumpClear);
        }
    } else if a.matches("set") {
        a.inc();
        return set(ctx, a);
    }
    Err(a.command_not_found().into())
}

/// The target and `reporter NAME` of a health command (`DL_OPT_HANDLE | DL_OPT_HANDLEP`
/// with `DL_OPT_HEALTH_REPORTER_NAME`); `more` takes the command's other options.
fn target(
    ctx: &mut Ctx<'_>,
    a: &mut Argv,
    required: bool,
    mut more: impl FnMut(&mut Argv) -> Result<bool, ArgError>,
) -> Result<HealthReq, CmdError> {
    let (handle, port_index) = ctx.dev_or_port(a)?;
    let mut name = None;
    a.options(|a| {
        if a.keyword("reporter") {
            name = Some(a.str()?);
            Ok(true)
        } else {
            more(a)
        }
    })?;
    if required && name.is_none() {
        return Err(ArgError::new("Reporter's name is expected.").into());
    }
    Ok(HealthReq {
        handle: Some(handle),
        port_index,
        name,
        unknown: Vec::new(),
    })
}

/// `health show [{ DEV | DEV/PORT_INDEX } [reporter NAME]]`.
fn show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(
            ShowCmd::Health,
            Cmd::HealthReporterGet,
            HealthReq::default(),
            true,
            &all,
        );
    }
    let req = target(ctx, a, false, |_| Ok(false))?;
    let handle = req.handle.clone();
    let dump = req.name.is_none();
    ctx.show(
        ShowCmd::Health,
        Cmd::HealthReporterGet,
        req,
        dump,
        &of_dev(handle.as_ref()),
    )
}

/// `health recover|test|dump clear … reporter NAME`: a do, no output.
fn simple(ctx: &mut Ctx<'_>, a: &mut Argv, cmd: Cmd) -> Result<(), CmdError> {
    let req = target(ctx, a, true, |_| Ok(false))?;
    ctx.request(cmd, req, false).map(drop)
}

/// `health diagnose|dump show … reporter NAME` (`cmd_health_object_common`): the
/// reporter's formatted message (a dump request for `dump show`).
fn fmsg(ctx: &mut Ctx<'_>, a: &mut Argv, cmd: Cmd, dump: bool) -> Result<(), CmdError> {
    let req = target(ctx, a, true, |_| Ok(false))?;
    ctx.show(ShowCmd::Fmsg, cmd, req, dump, &all)
}

/// `health set … reporter NAME [grace_period MS] [auto_recover B] [auto_dump B]
/// [burst_period MS]`.
fn set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (mut grace, mut burst, mut recover, mut dump) = (None, None, None, None);
    let t = target(ctx, a, true, |a| {
        if a.keyword("grace_period") {
            grace = Some(a.u64()?);
        } else if a.keyword("auto_recover") {
            recover = Some(a.bool()?);
        } else if a.keyword("auto_dump") {
            dump = Some(a.bool()?);
        } else if a.keyword("burst_period") {
            burst = Some(a.u64()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let (Some(handle), Some(name)) = (t.handle, t.name) else {
        return Err(ArgError::new("Reporter's name is expected.").into());
    };
    let req = HealthSetReq {
        handle,
        port_index: t.port_index,
        name,
        graceful_period: grace,
        burst_period: burst,
        auto_recover: recover,
        auto_dump: dump,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::HealthReporterSet, req, false).map(drop)
}
