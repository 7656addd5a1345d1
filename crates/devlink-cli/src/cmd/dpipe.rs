//! `devlink dpipe …` (`cmd_dpipe`): every show and dump starts with the device's
//! header list (`DPIPE_HEADERS_GET`), as iproute2 needs it to name fields.
//!
//! devlinkd's devices register no dpipe headers (netdevsim has none), so the headers
//! request fails and the commands end as iproute2 6.1 ends them then: the kernel's
//! error, `error get headers Success` (iproute2 prints its own context's error code,
//! still 0), exit status 1. Rendering tables, headers and entries of a device that has
//! them is not implemented: dlctl says so instead of printing something unchecked.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{DevReq, DpipeCountersSetReq, Handle};
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx};
use super::help;
use crate::args::{ArgError, Argv};
use crate::errors;
use crate::request::RequestError;

/// `cmd_dpipe`, `cmd_dpipe_table` and `cmd_dpipe_header`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::DPIPE);
    }
    let table = if a.matches("header") {
        false
    } else if a.matches("table") {
        true
    } else {
        return Err(a.command_not_found().into());
    };
    a.inc();
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::DPIPE);
    } else if a.matches("show") {
        a.inc();
        let handle = a.handle()?;
        if !table {
            a.options(|_| Ok(false))?;
            return headers_then(ctx, handle, ShowCmd::DpipeHeaders);
        }
        table_options(a, false)?;
        return headers_then(ctx, handle, ShowCmd::Flash);
    } else if table && a.matches("set") {
        a.inc();
        return table_set(ctx, a);
    } else if table && a.matches("dump") {
        a.inc();
        let handle = a.handle()?;
        let (name, _) = table_options(a, false)?;
        name.ok_or_else(|| ArgError::new("Dpipe table name expected."))?;
        return headers_then(ctx, handle, ShowCmd::Flash);
    }
    Err(a.command_not_found().into())
}

/// `[ name TABLE_NAME ]` and, for `set`, `[ counters_enabled BOOL ]`.
fn table_options(a: &mut Argv, counters: bool) -> Result<(Option<String>, Option<bool>), ArgError> {
    let (mut name, mut enabled) = (None, None);
    a.options(|a| {
        if a.keyword("name") {
            name = Some(a.str()?);
        } else if counters && a.keyword("counters_enabled") {
            enabled = Some(a.bool()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok((name, enabled))
}

/// `dpipe table set DEV name TABLE_NAME counters_enabled { true | false }`.
fn table_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let handle = a.handle()?;
    let (name, enabled) = table_options(a, true)?;
    let table_name = name.ok_or_else(|| ArgError::new("Dpipe table name expected."))?;
    let enabled = enabled.ok_or_else(|| ArgError::new("Dpipe table counter state expected."))?;
    let req = DpipeCountersSetReq {
        handle,
        table_name,
        counters_enabled: u8::from(enabled),
        unknown: Vec::new(),
    };
    ctx.request(Cmd::DpipeTableCountersSet, req, false)
        .map(drop)
}

/// The headers request every show and dump starts with; `section`: what is printed
/// when it fails (`header show` has opened its JSON section by then, the others
/// nothing).
fn headers_then(ctx: &mut Ctx<'_>, handle: Handle, section: ShowCmd) -> Result<(), CmdError> {
    let req = DevReq {
        handle: Some(handle),
        unknown: Vec::new(),
    };
    let result = ctx.request(Cmd::DpipeHeadersGet, req, false);
    let Err(e) = result else {
        return Err(ArgError::new("dlctl: rendering dpipe headers is not implemented").into());
    };
    match &e {
        CmdError::Request(RequestError::Nl { errno, ext }) => {
            errors::print_error(*errno, ext, ctx.err)?;
            writeln!(ctx.err, "error get headers Success")?;
        }
        _ => return Err(e),
    }
    ctx.print(section, &[])?;
    Err(CmdError::Quiet)
}
