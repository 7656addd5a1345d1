//! `devlink dpipe …` (`cmd_dpipe`): every show and dump starts with the device's
//! header list (`DPIPE_HEADERS_GET`), as iproute2 needs it to name fields; `table show`
//! then reads the resource tree (for the tables' resource paths) and the tables,
//! `table dump` the table's entries.
//!
//! On a device without dpipe headers (netdevsim has none) the headers request fails and
//! the commands end as iproute2 6.1 ends them then: the kernel's error, `error get
//! headers Success` (iproute2 prints its own context's error code, still 0), exit
//! status 1. The later requests of `table show` and `table dump` print their errors but
//! do not change the exit status, as in iproute2.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    DevReq, DpipeCountersSetReq, DpipeEntriesGetReq, DpipeTableGetReq, Handle,
};
use devlink_wire::message::DevlinkBody;
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
            return header_show(ctx, handle);
        }
        let (name, _) = table_options(a, false)?;
        return table_show(ctx, handle, name);
    } else if table && a.matches("set") {
        a.inc();
        return table_set(ctx, a);
    } else if table && a.matches("dump") {
        a.inc();
        let handle = a.handle()?;
        let (name, _) = table_options(a, false)?;
        let name = name.ok_or_else(|| ArgError::new("Dpipe table name expected."))?;
        return table_dump(ctx, handle, name);
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

/// `cmd_dpipe_headers_show`.
fn header_show(ctx: &mut Ctx<'_>, handle: Handle) -> Result<(), CmdError> {
    let headers = headers(ctx, handle, ShowCmd::DpipeHeaders)?;
    ctx.print(ShowCmd::DpipeHeaders, &headers)
}

/// `cmd_dpipe_table_show`: headers, resources, then the tables (all, or the named one;
/// an unknown name shows none).
fn table_show(ctx: &mut Ctx<'_>, handle: Handle, name: Option<String>) -> Result<(), CmdError> {
    let mut bodies = headers(ctx, handle.clone(), ShowCmd::Flash)?;
    let dev = DevReq {
        handle: Some(handle.clone()),
        unknown: Vec::new(),
    };
    bodies.extend(replies_or_print(ctx, Cmd::ResourceDump, dev.into())?);
    let req = DpipeTableGetReq {
        handle,
        table_name: name,
        unknown: Vec::new(),
    };
    bodies.extend(replies_or_print(ctx, Cmd::DpipeTableGet, req.into())?);
    ctx.print(ShowCmd::DpipeTable, &bodies)
}

/// `cmd_dpipe_table_dump`: headers, then the table's entries (an unknown table is the
/// kernel's `-EINVAL`).
fn table_dump(ctx: &mut Ctx<'_>, handle: Handle, name: String) -> Result<(), CmdError> {
    let mut bodies = headers(ctx, handle.clone(), ShowCmd::Flash)?;
    let req = DpipeEntriesGetReq {
        handle,
        table_name: name,
        unknown: Vec::new(),
    };
    bodies.extend(replies_or_print(ctx, Cmd::DpipeEntriesGet, req.into())?);
    ctx.print(ShowCmd::DpipeEntries, &bodies)
}

/// A request whose failure iproute2 prints but ignores (`_mnlg_socket_sndrcv`'s
/// result unused): its replies, or none after printing the error.
fn replies_or_print(
    ctx: &mut Ctx<'_>,
    cmd: Cmd,
    body: DevlinkBody,
) -> Result<Vec<DevlinkBody>, CmdError> {
    match ctx.request(cmd, body, false) {
        Ok(r) => Ok(r.into_iter().map(|r| r.body).collect()),
        Err(CmdError::Request(RequestError::Nl { errno, ext })) => {
            errors::print_error(errno, &ext, ctx.err)?;
            Ok(Vec::new())
        }
        Err(e) => Err(e),
    }
}

/// The headers request every show and dump starts with: its replies. When it fails,
/// iproute2 prints the error and `error get headers Success` and stops (exit status
/// 1); `section`: what is printed then (`header show` has opened its JSON section,
/// the others nothing).
fn headers(
    ctx: &mut Ctx<'_>,
    handle: Handle,
    section: ShowCmd,
) -> Result<Vec<DevlinkBody>, CmdError> {
    let req = DevReq {
        handle: Some(handle),
        unknown: Vec::new(),
    };
    let e = match ctx.request(Cmd::DpipeHeadersGet, req, false) {
        Ok(r) => return Ok(r.into_iter().map(|r| r.body).collect()),
        Err(e) => e,
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
