//! `devlink port …` (`cmd_port`), and `port function rate …` (same as `dlctl rate …`).

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{PortGetReq, PortKeyReq, PortSetReq, PortSplitReq};
use devlink_wire::spec::{Cmd, PortType};

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::{help, other};
use crate::args::{ArgError, Argv, DevOrPort};

/// `cmd_port`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::PORT);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a);
    } else if a.matches("set") {
        a.inc();
        return set(ctx, a);
    } else if a.matches("split") {
        a.inc();
        let (handle, index) = a.port_handle()?;
        let mut count = None;
        a.options(|a| {
            if a.keyword("count") {
                count = Some(a.u32()?);
                Ok(true)
            } else {
                Ok(false)
            }
        })?;
        let count = count.ok_or_else(|| ArgError::new("Port split count option expected."))?;
        let req = PortSplitReq {
            handle,
            index,
            count,
            unknown: Vec::new(),
        };
        return ctx.request(Cmd::PortSplit, req, false).map(drop);
    } else if a.matches("unsplit") {
        a.inc();
        return port_key(ctx, a, Cmd::PortUnsplit);
    } else if a.matches("del") {
        a.inc();
        return port_key(ctx, a, Cmd::PortDel);
    } else if a.matches("function") {
        a.inc();
        if a.matches("rate") {
            a.inc();
            return other::rate(ctx, a);
        }
        return Err(ArgError::new("dlctl: only \"port function rate\" is implemented").into());
    }
    Err(a.command_not_found().into())
}

/// `port unsplit|del DEV/PORT_INDEX`: a request naming the port only.
fn port_key(ctx: &mut Ctx<'_>, a: &mut Argv, cmd: Cmd) -> Result<(), CmdError> {
    let (handle, index) = a.port_handle()?;
    a.options(|_| Ok(false))?;
    let req = PortKeyReq {
        handle,
        index,
        unknown: Vec::new(),
    };
    ctx.request(cmd, req, false).map(drop)
}

/// `port show [DEV/PORT_INDEX | DEV]`.
fn show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(
            ShowCmd::Port,
            Cmd::PortGet,
            PortGetReq::default(),
            true,
            &all,
        );
    }
    let target = a.dev_or_port()?;
    a.options(|_| Ok(false))?;
    match target {
        DevOrPort::Port(handle, index) => {
            let req = PortGetReq {
                handle: Some(handle),
                index: Some(index),
                unknown: Vec::new(),
            };
            ctx.show(ShowCmd::Port, Cmd::PortGet, req, false, &all)
        }
        DevOrPort::Dev(handle) => {
            let req = PortGetReq {
                handle: Some(handle.clone()),
                index: None,
                unknown: Vec::new(),
            };
            ctx.show(
                ShowCmd::Port,
                Cmd::PortGet,
                req,
                true,
                &of_dev(Some(&handle)),
            )
        }
    }
}

/// `port set DEV/PORT_INDEX type { eth | ib | auto }`.
fn set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, index) = a.port_handle()?;
    let mut port_type = None;
    a.options(|a| {
        if a.keyword("type") {
            let s = a.str()?;
            port_type = Some(match s.as_str() {
                "auto" => PortType::Auto,
                "eth" => PortType::Eth,
                "ib" => PortType::Ib,
                _ => return Err(ArgError::new(format!("Unknown port type \"{s}\""))),
            });
            Ok(true)
        } else {
            Ok(false)
        }
    })?;
    let port_type = port_type.ok_or_else(|| ArgError::new("Port type not set."))?;
    let req = PortSetReq {
        handle,
        index,
        port_type: Some(port_type),
        function: None,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::PortSet, req, false).map(drop)
}
