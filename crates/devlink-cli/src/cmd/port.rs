//! `devlink port …` (`cmd_port`), and `port function rate …` (same as `dlctl rate …`).

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    ParamGetReq, PortFunction, PortGetReq, PortKeyReq, PortNewReq, PortSetReq, PortSplitReq,
};
use devlink_wire::spec::{Cmd, PortFlavour, PortFnState, PortType};

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::{help, other};
use crate::args::{ArgError, Argv};

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
        let (handle, index) = ctx.port_handle(a)?;
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
        if a.matches("help") || a.is_empty() {
            return help(ctx, help::PORT_FUNCTION);
        } else if a.matches("set") {
            a.inc();
            return function_set(ctx, a);
        } else if a.matches("rate") {
            a.inc();
            return other::rate(ctx, a);
        }
        return Err(a.command_not_found().into());
    } else if a.matches("add") {
        a.inc();
        return add(ctx, a);
    } else if a.matches("param") {
        a.inc();
        return param(ctx, a);
    }
    Err(a.command_not_found().into())
}

/// `port unsplit|del DEV/PORT_INDEX`: a request naming the port only.
fn port_key(ctx: &mut Ctx<'_>, a: &mut Argv, cmd: Cmd) -> Result<(), CmdError> {
    let (handle, index) = ctx.port_handle(a)?;
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
    let target = ctx.dev_or_port(a)?;
    a.options(|_| Ok(false))?;
    match target {
        (handle, Some(index)) => {
            let req = PortGetReq {
                handle: Some(handle),
                index: Some(index),
                unknown: Vec::new(),
            };
            ctx.show(ShowCmd::Port, Cmd::PortGet, req, false, &all)
        }
        (handle, None) => {
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

/// `cmd_port_param`.
fn param(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::PORT);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return param_show(ctx, a);
    } else if a.matches("set") {
        a.inc();
        return super::dev::param_set(ctx, a, true);
    }
    Err(a.command_not_found().into())
}

/// `port param show [DEV/PORT_INDEX name PARAMETER]`: a dump, or a do for one
/// parameter (the name is required with a port).
fn param_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        let req = ParamGetReq::default();
        return ctx.show(ShowCmd::PortParam, Cmd::PortParamGet, req, true, &all);
    }
    let (handle, index) = ctx.port_handle(a)?;
    let name = a.string_option("name")?;
    let name = name.ok_or_else(|| ArgError::new("Parameter name expected."))?;
    let req = ParamGetReq {
        handle: Some(handle),
        port_index: Some(index),
        name: Some(name),
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::PortParam, Cmd::PortParamGet, req, false, &all)
}

/// `port set DEV/PORT_INDEX type { eth | ib | auto }`.
fn set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, index) = ctx.port_handle(a)?;
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

/// `port add { DEV | DEV/PORT_INDEX } flavour FLAVOUR pfnum PFNUM [sfnum SFNUM]
/// [controller CNUM]` (`cmd_port_add`): `PORT_NEW`; the new port is printed as `port
/// show` prints it.
fn add(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, index) = ctx.dev_or_port(a)?;
    let (mut flavour, mut pfnum, mut sfnum, mut controller) = (None, None, None, None);
    a.options(|a| {
        if a.keyword("flavour") {
            let s = a.str()?;
            flavour = Some(match s.as_str() {
                "physical" => PortFlavour::Physical,
                "cpu" => PortFlavour::Cpu,
                "dsa" => PortFlavour::Dsa,
                "pcipf" => PortFlavour::PciPf,
                "pcivf" => PortFlavour::PciVf,
                "pcisf" => PortFlavour::PciSf,
                "virtual" => PortFlavour::Virtual,
                _ => return Err(ArgError::invarg("unknown flavour", &s)),
            });
        } else if a.keyword("pfnum") {
            pfnum = Some(a.u16()?);
        } else if a.keyword("sfnum") {
            sfnum = Some(a.u32()?);
        } else if a.keyword("controller") {
            controller = Some(a.u32()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let flavour = flavour.ok_or_else(|| ArgError::new("Port flavour is expected."))?;
    let pci_pf = pfnum.ok_or_else(|| ArgError::new("Port PCI PF number is expected."))?;
    let req = PortNewReq {
        handle,
        index,
        flavour,
        pci_pf,
        pci_sf: sfnum,
        controller,
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::PortNew, Cmd::PortNew, req, false, &all)
}

/// `port function set DEV/PORT_INDEX [hw_addr ADDR] [state { active | inactive }]`
/// (`cmd_port_function_set`): `PORT_SET` with `PORT_FUNCTION`.
fn function_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return help(ctx, help::PORT_FUNCTION);
    }
    let (handle, index) = ctx.port_handle(a)?;
    let mut function = PortFunction::default();
    a.options(|a| {
        if a.keyword("hw_addr") {
            let s = a.str()?;
            let addr =
                ll_addr(&s).ok_or_else(|| ArgError::new(format!("\"{s}\" is invalid lladdr.")))?;
            function.hw_addr = Some(addr);
        } else if a.keyword("state") {
            let s = a.str()?;
            function.state = Some(match s.as_str() {
                "active" => PortFnState::Active,
                "inactive" => PortFnState::Inactive,
                _ => return Err(ArgError::invarg("unknown state", &s)),
            });
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let req = PortSetReq {
        handle,
        index,
        port_type: None,
        function: Some(function),
        unknown: Vec::new(),
    };
    ctx.request(Cmd::PortSet, req, false).map(drop)
}

/// `ll_addr_a2n`: hex bytes separated by colons, at most 32 (`MAX_ADDR_LEN`).
fn ll_addr(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for part in s.split(':') {
        let digits = part.trim_start_matches("0x");
        if digits.is_empty() || out.len() >= 32 {
            return None;
        }
        out.push(u8::from_str_radix(digits, 16).ok()?);
    }
    Some(out)
}
