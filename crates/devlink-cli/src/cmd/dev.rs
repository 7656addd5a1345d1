//! `devlink dev …` (`cmd_dev` and its subcommands in devlink.c).

use devlink_cli::show::{PARAM_VAL_CONV, ShowCmd};
use devlink_wire::devlink::{
    Bitfield32, DevReq, Eswitch, Param, ParamGetReq, ParamSetReq, ParamValue, ReloadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{
    Cmd, EswitchEncapMode, EswitchInlineMode, EswitchMode, ParamCmode, ReloadAction, ReloadLimit,
    VarAttrType,
};

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::help;
use crate::args::{ArgError, Argv, strtobool, strtou};

/// `cmd_dev`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::DEV);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a, Cmd::Get, ShowCmd::Dev);
    } else if a.matches("eswitch") {
        a.inc();
        return eswitch(ctx, a);
    } else if a.matches("reload") {
        a.inc();
        return reload(ctx, a);
    } else if a.matches("param") {
        a.inc();
        return param(ctx, a);
    } else if a.matches("info") {
        a.inc();
        return show(ctx, a, Cmd::InfoGet, ShowCmd::DevInfo);
    } else if a.matches("flash") {
        a.inc();
        return super::flash::flash(ctx, a);
    } else if a.matches("selftests") {
        a.inc();
        return super::selftests::run(ctx, a);
    }
    Err(a.command_not_found().into())
}

/// `dev show [DEV]`, `dev info [DEV]`, `dev selftests show [DEV]`: a dump, or a do for
/// one device.
pub(super) fn show(
    ctx: &mut Ctx<'_>,
    a: &mut Argv,
    cmd: Cmd,
    show: ShowCmd,
) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(show, cmd, DevReq::default(), true, &all);
    }
    let handle = a.handle()?;
    a.options(|_| Ok(false))?;
    let req = DevReq {
        handle: Some(handle),
        unknown: Vec::new(),
    };
    ctx.show(show, cmd, req, false, &all)
}

/// `cmd_dev_eswitch`.
fn eswitch(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::DEV);
    } else if a.matches("set") {
        a.inc();
        let handle = a.handle()?;
        let mut req = Eswitch {
            handle,
            mode: None,
            inline_mode: None,
            encap_mode: None,
            unknown: Vec::new(),
        };
        a.options(|a| {
            if a.keyword("mode") {
                let s = a.str()?;
                req.mode = Some(match s.as_str() {
                    "legacy" => EswitchMode::Legacy,
                    "switchdev" => EswitchMode::Switchdev,
                    _ => return Err(ArgError::new(format!("Unknown eswitch mode \"{s}\""))),
                });
            } else if a.keyword("inline-mode") {
                let s = a.str()?;
                req.inline_mode = Some(match s.as_str() {
                    "none" => EswitchInlineMode::None,
                    "link" => EswitchInlineMode::Link,
                    "network" => EswitchInlineMode::Network,
                    "transport" => EswitchInlineMode::Transport,
                    _ => {
                        return Err(ArgError::new(format!(
                            "Unknown eswitch inline mode \"{s}\""
                        )));
                    }
                });
            } else if a.keyword("encap") || a.keyword("encap-mode") {
                let s = a.str()?;
                req.encap_mode = Some(match s.as_str() {
                    "none" | "disable" => EswitchEncapMode::None,
                    "basic" | "enable" => EswitchEncapMode::Basic,
                    _ => {
                        return Err(ArgError::new(format!("Unknown eswitch encap mode \"{s}\"")));
                    }
                });
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        if req.mode.is_none() && req.inline_mode.is_none() && req.encap_mode.is_none() {
            return Err(ArgError::new("Need to set at least one option").into());
        }
        return ctx.request(Cmd::EswitchSet, req, false).map(drop);
    } else if a.matches("show") {
        a.inc();
        let handle = a.handle()?;
        a.options(|_| Ok(false))?;
        let req = DevReq {
            handle: Some(handle),
            unknown: Vec::new(),
        };
        return ctx.show(ShowCmd::DevEswitch, Cmd::EswitchGet, req, false, &all);
    }
    Err(a.command_not_found().into())
}

/// `cmd_dev_reload`: `DEV [netns PID] [action A] [limit L]`; the actions performed are
/// printed when the daemon answers with them (a reload with an explicit action).
fn reload(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::DEV);
    }
    let handle = a.handle()?;
    let mut req = ReloadReq {
        handle,
        netns_pid: None,
        netns_fd: None,
        netns_id: None,
        action: None,
        limits: None,
        unknown: Vec::new(),
    };
    a.options(|a| {
        if a.keyword("netns") {
            req.netns_pid = Some(a.u32()?);
        } else if a.keyword("action") {
            let s = a.str()?;
            req.action = Some(match s.as_str() {
                "driver_reinit" => ReloadAction::DriverReinit,
                "fw_activate" => ReloadAction::FwActivate,
                _ => return Err(ArgError::new(format!("Unknown reload action \"{s}\""))),
            });
        } else if a.keyword("limit") {
            let s = a.str()?;
            let limit = match s.as_str() {
                "no_reset" => ReloadLimit::NoReset,
                _ => return Err(ArgError::new(format!("Unknown reload limit \"{s}\""))),
            };
            // DEVLINK_RELOAD_LIMITS_VALID_MASK as selector, the one limit as value.
            req.limits = Some(Bitfield32 {
                value: 1 << (limit as u32),
                selector: (1 << (ReloadLimit::NoReset as u32 + 1)) - 1,
            });
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let replies = ctx.request(Cmd::Reload, req, false)?;
    let bodies: Vec<DevlinkBody> = replies.into_iter().map(|r| r.body).collect();
    if bodies.is_empty() && !ctx.opts.json {
        return Ok(());
    }
    ctx.print(ShowCmd::Reload, &bodies)
}

/// `cmd_dev_param`.
fn param(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::DEV);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return param_show(ctx, a);
    } else if a.matches("set") {
        a.inc();
        return param_set(ctx, a, false);
    }
    Err(a.command_not_found().into())
}

/// `dev param show [DEV [name NAME]]` (`DEV` alone: a dump of that device, as newer
/// iproute2's dump selectors).
fn param_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(
            ShowCmd::DevParam,
            Cmd::ParamGet,
            ParamGetReq::default(),
            true,
            &all,
        );
    }
    let handle = a.handle()?;
    let name = a.string_option("name")?;
    let dump = name.is_none();
    let req = ParamGetReq {
        handle: Some(handle.clone()),
        port_index: None,
        name,
        unknown: Vec::new(),
    };
    ctx.show(
        ShowCmd::DevParam,
        Cmd::ParamGet,
        req,
        dump,
        &of_dev(Some(&handle)),
    )
}

/// `cmd_dev_param_set` (`port`: `cmd_port_param_set`, `DEV/PORT_INDEX` or a netdev
/// name): learn the type and current value with a `PARAM_GET`, send nothing if the
/// value is the same, else `PARAM_SET`.
pub(super) fn param_set(ctx: &mut Ctx<'_>, a: &mut Argv, port: bool) -> Result<(), CmdError> {
    let (handle, port_index) = if port {
        let (h, i) = ctx.port_handle(a)?;
        (h, Some(i))
    } else {
        (a.handle()?, None)
    };
    let (get_cmd, set_cmd, show) = if port {
        (Cmd::PortParamGet, Cmd::PortParamSet, ShowCmd::PortParam)
    } else {
        (Cmd::ParamGet, Cmd::ParamSet, ShowCmd::DevParam)
    };
    let (mut name, mut value, mut cmode) = (None, None, None);
    a.options(|a| {
        if a.keyword("name") {
            name = Some(a.str()?);
        } else if a.keyword("value") {
            value = Some(a.str()?);
        } else if a.keyword("cmode") {
            let s = a.str()?;
            cmode = Some(match s.as_str() {
                "runtime" => ParamCmode::Runtime,
                "driverinit" => ParamCmode::Driverinit,
                "permanent" => ParamCmode::Permanent,
                _ => {
                    return Err(ArgError::new(format!("Unknown configuration mode \"{s}\"")));
                }
            });
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    // dl_args_required order.
    let name = name.ok_or_else(|| ArgError::new("Parameter name expected."))?;
    let value = value.ok_or_else(|| ArgError::new("Value to set expected."))?;
    let cmode = cmode.ok_or_else(|| ArgError::new("Configuration mode expected."))?;

    let get = ParamGetReq {
        handle: Some(handle.clone()),
        port_index,
        name: Some(name.clone()),
        unknown: Vec::new(),
    };
    let replies = ctx.request(get_cmd, get, false)?;
    let Some(param) = replies.iter().find_map(|r| match &r.body {
        DevlinkBody::Param(p) => Some(p.clone()),
        _ => None,
    }) else {
        return Err(CmdError::Render(devlink_cli::show::ShowError::Missing(
            show,
            "DEVLINK_ATTR_PARAM",
        )));
    };
    let Some(new) = param_value(&param, cmode, &name, &value)? else {
        return Ok(());
    };
    let req = ParamSetReq {
        handle,
        port_index,
        name,
        cmode,
        reset_default: false,
        ty: param.ty,
        value: new,
        unknown: Vec::new(),
    };
    ctx.request(set_cmd, req, false).map(drop)
}

/// The value to send: `None` when it equals the current one (nothing is sent), else
/// the `PARAM_VALUE_DATA` (`Some(None)`: a false bool, sent without data).
fn param_value(
    param: &Param,
    cmode: ParamCmode,
    name: &str,
    value: &str,
) -> Result<Option<Option<ParamValue>>, CmdError> {
    let Some(current) = param.values.iter().find(|v| v.cmode == cmode) else {
        return Err(ArgError::new("Configuration mode not supported").into());
    };
    let bad = || {
        ArgError::new(format!(
            "Value \"{value}\" is not a number or not within range"
        ))
    };
    let conv = conv_value(name, value);
    let has_conv = PARAM_VAL_CONV.iter().any(|(n, _, _)| *n == name);
    let number = |max: u64| -> Result<u64, ArgError> {
        if has_conv {
            conv.ok_or_else(bad)
        } else {
            strtou(value, max).ok_or_else(bad)
        }
    };
    let new = match param.ty {
        VarAttrType::U8 => ParamValue::U8(u8::try_from(number(u64::from(u8::MAX))?).unwrap_or(0)),
        VarAttrType::U16 => {
            ParamValue::U16(u16::try_from(number(u64::from(u16::MAX))?).unwrap_or(0))
        }
        VarAttrType::U32 => {
            ParamValue::U32(u32::try_from(number(u64::from(u32::MAX))?).unwrap_or(0))
        }
        VarAttrType::Flag => ParamValue::Bool(strtobool(value).ok_or_else(bad)?),
        VarAttrType::String | VarAttrType::NulString => ParamValue::String(value.to_owned()),
        _ => {
            return Err(ArgError::new("Value type not supported").into());
        }
    };
    if new == current.data {
        return Ok(None);
    }
    Ok(Some(match new {
        ParamValue::Bool(false) => None,
        v => Some(v),
    }))
}

/// `param_val_conv_uint_get`.
fn conv_value(name: &str, value: &str) -> Option<u64> {
    PARAM_VAL_CONV
        .iter()
        .find(|(n, v, _)| *n == name && *v == value)
        .map(|(_, _, x)| u64::from(*x))
}
