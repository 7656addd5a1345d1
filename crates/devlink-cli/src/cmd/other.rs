//! The smaller objects: `resource show|set`, `lc show|set`, and `rate` (`port function
//! rate`) `show|add|set|del`.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    DevReq, DpipeTableGetReq, Handle, LinecardGetReq, LinecardSetReq, RateDelReq, RateGetReq,
    RateKey, RateReq, Resource, ResourceSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::help;
use crate::args::{ArgError, Argv, strtou};
use crate::rate_value::get_rate64;
use crate::request::RequestError;

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
    } else if a.matches("set") {
        a.inc();
        return resource_set(ctx, a);
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
    } else if a.matches("add") {
        a.inc();
        return rate_add(ctx, a);
    } else if a.matches("set") {
        a.inc();
        return rate_set(ctx, a);
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
    let s = ident(
        a,
        "Expected \"bus_name/dev_name/node\" or \"bus_name/dev_name/port_index\" identification.",
    )?;
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

/// `resource set DEV path PATH size SIZE` (`cmd_resource_set`): the resource tree is
/// dumped to find PATH's id, then `RESOURCE_SET`.
fn resource_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let handle = a.handle()?;
    let (mut path, mut size) = (None, None);
    a.options(|a| {
        if a.keyword("path") {
            path = Some(a.str()?);
        } else if a.keyword("size") {
            size = Some(a.u64()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let path = path.ok_or_else(|| ArgError::new("Resource path expected."))?;
    let size = size.ok_or_else(|| ArgError::new("Resource size expected."))?;
    let req = DevReq {
        handle: Some(handle.clone()),
        unknown: Vec::new(),
    };
    let replies = match ctx.request(Cmd::ResourceDump, req, false) {
        Ok(r) => r,
        // iproute2 prints the error, then its own line with `strerror(ctx.err)`, which
        // the failed dump never set.
        Err(CmdError::Request(RequestError::Nl { errno, ext })) => {
            crate::errors::print_error(errno, &ext, ctx.err)?;
            return Err(ArgError::new("error getting resources Success").into());
        }
        Err(e) => return Err(e),
    };
    let mut resources = Vec::new();
    for r in replies {
        if let DevlinkBody::ResourceDump(d) = r.body {
            resources.extend(d.resources.iter().cloned());
        }
    }
    let id = resource_path_id(&resources, &path)
        .ok_or_else(|| ArgError::new("error parsing resource path Invalid argument"))?;
    let req = ResourceSetReq {
        handle,
        id,
        size,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::ResourceSet, req, false).map(drop)
}

/// `resource_path_parse`: the names between slashes, from the top of the tree down (empty
/// names skipped, as `strtok` skips them); the last one's id, truncated to 32 bits as
/// iproute2 keeps it (0 for a path of no names).
fn resource_path_id(resources: &[Resource], path: &str) -> Option<u64> {
    let mut list = resources;
    let mut id = 0u64;
    for name in path.split('/').filter(|n| !n.is_empty()) {
        let r = list.iter().find(|r| r.name == name)?;
        id = r.id & u64::from(u32::MAX);
        list = &r.children;
    }
    Some(id)
}

/// `tx_share VAL`, `tx_max VAL`, `parent NODE` / `noparent`.
#[derive(Default)]
struct RateOpts {
    tx_share: Option<u64>,
    tx_max: Option<u64>,
    parent: Option<String>,
}

impl RateOpts {
    fn parse(a: &mut Argv) -> Result<Self, ArgError> {
        let mut o = Self::default();
        a.options(|a| {
            if a.keyword("tx_share") {
                o.tx_share = Some(rate_value(a)?);
            } else if a.keyword("tx_max") {
                o.tx_max = Some(rate_value(a)?);
            } else if a.keyword("parent") {
                o.parent = Some(a.str()?);
            } else if a.keyword("noparent") {
                o.parent = Some(String::new());
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(o)
    }
}

/// `port_fn_rate_value_get`: a rate word, in bytes per second.
fn rate_value(a: &mut Argv) -> Result<u64, ArgError> {
    let s = a.str()?;
    get_rate64(&s).ok_or_else(|| ArgError::new(format!("Invalid rate value: \"{s}\"")))
}

/// `port_fn_check_tx_rates`.
fn check_tx_rates(min: u64, max: u64) -> Result<(), ArgError> {
    if max != 0 && min > max {
        return Err(ArgError::new(
            "Invalid. Expected tx_share <= tx_max or tx_share == 0.",
        ));
    }
    Ok(())
}

/// `rate add DEV/NODE_NAME [tx_share VAL] [tx_max VAL] [parent NODE | noparent]`
/// (`cmd_port_fn_rate_add`).
fn rate_add(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, node) = rate_node_handle(a)?;
    let o = RateOpts::parse(a)?;
    if let (Some(share), Some(max)) = (o.tx_share, o.tx_max) {
        check_tx_rates(share, max)?;
    }
    let req = RateReq {
        handle,
        key: RateKey::Node(node),
        tx_share: o.tx_share,
        tx_max: o.tx_max,
        tx_priority: None,
        tx_weight: None,
        parent: o.parent,
        tc_bws: Vec::new(),
        unknown: Vec::new(),
    };
    ctx.request(Cmd::RateNew, req, false).map(drop)
}

/// `rate set DEV/{PORT_INDEX | NODE_NAME} [tx_share VAL] [tx_max VAL] [parent NODE |
/// noparent]` (`cmd_port_fn_rate_set`): with only one of the two rates given, the
/// object's current other one is fetched first to check them together.
fn rate_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, key) = rate_handle(a)?;
    let o = RateOpts::parse(a)?;
    match (o.tx_share, o.tx_max) {
        (Some(share), Some(max)) => check_tx_rates(share, max)?,
        (None, None) => {}
        (share, max) => {
            let req = RateGetReq {
                handle: Some(handle.clone()),
                key: Some(key.clone()),
                unknown: Vec::new(),
            };
            let (mut cur_share, mut cur_max) = (0, 0);
            for r in ctx.request(Cmd::RateGet, req, false)? {
                if let DevlinkBody::Rate(r) = r.body {
                    (cur_share, cur_max) = (r.tx_share, r.tx_max);
                }
            }
            match share {
                Some(s) => check_tx_rates(s, cur_max)?,
                None => check_tx_rates(cur_share, max.unwrap_or(0))?,
            }
        }
    }
    let req = RateReq {
        handle,
        key,
        tx_share: o.tx_share,
        tx_max: o.tx_max,
        tx_priority: None,
        tx_weight: None,
        parent: o.parent,
        tc_bws: Vec::new(),
        unknown: Vec::new(),
    };
    ctx.request(Cmd::RateSet, req, false).map(drop)
}

/// `dl_argv_handle_rate_node`: `DEV/NODE_NAME`.
fn rate_node_handle(a: &mut Argv) -> Result<(Handle, String), ArgError> {
    let s = ident(a, "Expected \"bus_name/dev_name/node\" identification.")?;
    let (dev, node) = s.rsplit_once('/').unwrap_or_default();
    let (bus, dev) = dev.rsplit_once('/').unwrap_or_default();
    if node.is_empty() || strtou(node, u64::from(u32::MAX)).is_some() {
        return Err(ArgError::new(
            "Node name cannot be a devlink port index or empty.",
        ));
    }
    Ok((Handle::new(bus, dev), node.to_owned()))
}

/// A `bus/dev/last` word (`ident_str_validate(str, 2)`): `expected` alone when there is
/// no word, after "Wrong identification string format." when it has the wrong shape.
fn ident(a: &mut Argv, expected: &str) -> Result<String, ArgError> {
    match a.next_word() {
        Some(s) if s.matches('/').count() == 2 => Ok(s),
        Some(_) => Err(ArgError::lines(vec![
            "Wrong identification string format.".into(),
            expected.into(),
        ])),
        None => Err(ArgError::new(expected)),
    }
}
