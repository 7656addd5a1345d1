//! The smaller objects: `resource show`, `lc show|set`, and `rate` (`port function rate`)
//! `show|del`.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    DevReq, DpipeTableGetReq, Handle, LinecardGetReq, LinecardSetReq, RateDelReq, RateGetReq,
    RateKey,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::help;
use crate::args::{ArgError, Argv, strtou};

/// `cmd_resource`: `show DEV`.
pub(crate) fn resource(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::RESOURCE);
    } else if a.matches("show") {
        a.inc();
        let handle = a.handle()?;
        a.options(|_| Ok(false))?;
        // cmd_resource_show: the dpipe tables first (to name the tables a resource
        // backs), then the resource tree.
        let tables = DpipeTableGetReq {
            handle: handle.clone(),
            table_name: None,
            unknown: Vec::new(),
        };
        let mut bodies: Vec<DevlinkBody> = ctx
            .request(Cmd::DpipeTableGet, tables, false)?
            .into_iter()
            .map(|r| r.body)
            .collect();
        let req = DevReq {
            handle: Some(handle),
            unknown: Vec::new(),
        };
        let result = ctx.request(Cmd::ResourceDump, req, false);
        if let Ok(r) = &result {
            bodies.extend(r.iter().map(|r| r.body.clone()));
        }
        ctx.print(ShowCmd::Resource, &bodies)?;
        return result.map(drop);
    }
    Err(a.command_not_found().into())
}

/// `cmd_linecard`: `show [DEV [lc N]]`, `set DEV lc N { type T | notype }`.
pub(crate) fn linecard(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::LC);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        if a.is_empty() {
            let req = LinecardGetReq::default();
            return ctx.show(ShowCmd::Linecard, Cmd::LinecardGet, req, true, &all);
        }
        let handle = a.handle()?;
        let mut index = None;
        a.options(|a| {
            if a.keyword("lc") {
                index = Some(a.u32()?);
                Ok(true)
            } else {
                Ok(false)
            }
        })?;
        let dump = index.is_none();
        let req = LinecardGetReq {
            handle: Some(handle.clone()),
            index,
            unknown: Vec::new(),
        };
        let keep = of_dev(Some(&handle));
        return ctx.show(ShowCmd::Linecard, Cmd::LinecardGet, req, dump, &keep);
    } else if a.matches("set") {
        a.inc();
        let handle = a.handle()?;
        let (mut index, mut lc_type) = (None, None);
        a.options(|a| {
            if a.keyword("lc") {
                index = Some(a.u32()?);
            } else if a.keyword("type") {
                lc_type = Some(a.str()?);
            } else if a.keyword("notype") {
                lc_type = Some(String::new());
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        let index = index.ok_or_else(|| ArgError::new("Linecard index expected."))?;
        let req = LinecardSetReq {
            handle,
            index,
            // `notype`: no LINECARD_TYPE (unprovision), as iproute2 sends it.
            lc_type: lc_type.filter(|t| !t.is_empty()),
            unknown: Vec::new(),
        };
        return ctx.request(Cmd::LinecardSet, req, false).map(drop);
    }
    Err(a.command_not_found().into())
}

/// `cmd_port_fn_rate`: `show [DEV/{PORT_INDEX | NODE} | DEV]`, `del DEV/NODE`.
pub(crate) fn rate(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::RATE);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        if a.is_empty() {
            let req = RateGetReq::default();
            return ctx.show(ShowCmd::Rate, Cmd::RateGet, req, true, &all);
        }
        if a.peek().is_some_and(|w| w.matches('/').count() == 1) {
            let handle = a.handle()?;
            a.options(|_| Ok(false))?;
            let req = RateGetReq {
                handle: Some(handle.clone()),
                key: None,
                unknown: Vec::new(),
            };
            let keep = of_dev(Some(&handle));
            return ctx.show(ShowCmd::Rate, Cmd::RateGet, req, true, &keep);
        }
        let (handle, key) = rate_handle(a)?;
        a.options(|_| Ok(false))?;
        let req = RateGetReq {
            handle: Some(handle),
            key: Some(key),
            unknown: Vec::new(),
        };
        return ctx.show(ShowCmd::Rate, Cmd::RateGet, req, false, &all);
    } else if a.matches("del") {
        a.inc();
        let (handle, key) = rate_handle(a)?;
        let RateKey::Node(node) = key else {
            return Err(ArgError::new("Node name cannot be a devlink port index or empty.").into());
        };
        a.options(|_| Ok(false))?;
        let req = RateDelReq {
            handle,
            node,
            unknown: Vec::new(),
        };
        return ctx.request(Cmd::RateDel, req, false).map(drop);
    }
    Err(a.command_not_found().into())
}

/// `dl_argv_handle_rate`: `DEV/PORT_INDEX` (a leaf) or `DEV/NODE_NAME`.
fn rate_handle(a: &mut Argv) -> Result<(Handle, RateKey), ArgError> {
    let s = match a.next_word() {
        Some(s) if s.matches('/').count() == 2 => s,
        _ => {
            return Err(ArgError::lines(vec![
                "Wrong identification string format.".into(),
                "Expected \"bus_name/dev_name/node\" or \"bus_name/dev_name/port_index\" identification."
                    .into(),
            ]));
        }
    };
    let (dev, last) = s.rsplit_once('/').unwrap_or_default();
    let (bus, dev) = dev.rsplit_once('/').unwrap_or_default();
    if last.is_empty() {
        return Err(ArgError::new(format!("Identification \"{s}\" is invalid")));
    }
    let key = match strtou(last, u64::from(u32::MAX)) {
        Some(i) => RateKey::Leaf(u32::try_from(i).unwrap_or(u32::MAX)),
        None => RateKey::Node(last.to_owned()),
    };
    Ok((Handle::new(bus, dev), key))
}
