//! `devlink region …` (`cmd_region`): show, new, del.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{RegionDelReq, RegionGetReq, RegionNewReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx, all, of_dev};
use super::help;
use crate::args::{ArgError, Argv};

/// `cmd_region`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.matches("-h") {
        return help(ctx, help::REGION);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a);
    } else if a.matches("del") {
        a.inc();
        let (handle, name) = a.region_handle()?;
        let snapshot =
            snapshot_opt(a)?.ok_or_else(|| ArgError::new("Region snapshot id expected."))?;
        let req = RegionDelReq {
            handle,
            port_index: None,
            name,
            snapshot_id: snapshot,
            unknown: Vec::new(),
        };
        return ctx.request(Cmd::RegionDel, req, false).map(drop);
    } else if a.matches("new") {
        a.inc();
        let (handle, name) = a.region_handle()?;
        let snapshot_id = snapshot_opt(a)?;
        let req = RegionNewReq {
            handle,
            port_index: None,
            name,
            snapshot_id,
            unknown: Vec::new(),
        };
        let replies = ctx.request(Cmd::RegionNew, req, false)?;
        let bodies: Vec<DevlinkBody> = replies.into_iter().map(|r| r.body).collect();
        return ctx.print(ShowCmd::RegionNew, &bodies);
    }
    Err(a.command_not_found().into())
}

/// `[snapshot ID]`.
fn snapshot_opt(a: &mut Argv) -> Result<Option<u32>, ArgError> {
    let mut id = None;
    a.options(|a| {
        if a.keyword("snapshot") {
            id = Some(a.u32()?);
            Ok(true)
        } else {
            Ok(false)
        }
    })?;
    Ok(id)
}

/// `region show [DEV/REGION | DEV]`.
fn show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(
            ShowCmd::Region,
            Cmd::RegionGet,
            RegionGetReq::default(),
            true,
            &all,
        );
    }
    if a.peek().is_some_and(|w| w.matches('/').count() == 1) {
        let handle = a.handle()?;
        a.options(|_| Ok(false))?;
        let req = RegionGetReq {
            handle: Some(handle.clone()),
            port_index: None,
            name: None,
            unknown: Vec::new(),
        };
        return ctx.show(
            ShowCmd::Region,
            Cmd::RegionGet,
            req,
            true,
            &of_dev(Some(&handle)),
        );
    }
    let (handle, name) = a.region_handle()?;
    a.options(|_| Ok(false))?;
    let req = RegionGetReq {
        handle: Some(handle),
        port_index: None,
        name: Some(name),
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::Region, Cmd::RegionGet, req, false, &all)
}
