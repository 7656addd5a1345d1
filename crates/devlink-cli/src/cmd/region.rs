//! `devlink region …` (`cmd_region`): show, new, del, dump, read.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{RegionDelReq, RegionGetReq, RegionNewReq, RegionReadReq};
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
    } else if a.matches("dump") {
        a.inc();
        return read(ctx, a, false);
    } else if a.matches("read") {
        a.inc();
        return read(ctx, a, true);
    }
    Err(a.command_not_found().into())
}

/// `region dump DEV/REGION [snapshot ID]` (`cmd_region_dump`) and `region read
/// DEV/REGION [snapshot ID] address ADDR length LEN` (`cmd_region_read`): a
/// `REGION_READ` dump, the bytes in hex.
fn read(ctx: &mut Ctx<'_>, a: &mut Argv, ranged: bool) -> Result<(), CmdError> {
    let (handle, name) = a.region_handle()?;
    let (mut snapshot_id, mut addr, mut len) = (None, None, None);
    a.options(|a| {
        if a.keyword("snapshot") {
            snapshot_id = Some(a.u32()?);
        } else if ranged && a.keyword("address") {
            addr = Some(a.u64()?);
        } else if ranged && a.keyword("length") {
            len = Some(a.u64()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    // 6.1 checks the required options in this order (and has no direct reads).
    if snapshot_id.is_none() {
        return Err(ArgError::new("Region snapshot id expected.").into());
    }
    if ranged && addr.is_none() {
        return Err(ArgError::new("Region address value expected.").into());
    }
    if ranged && len.is_none() {
        return Err(ArgError::new("Region length value expected.").into());
    }
    let req = RegionReadReq {
        handle,
        port_index: None,
        name,
        direct: false,
        snapshot_id,
        chunk_addr: addr,
        chunk_len: len,
        unknown: Vec::new(),
    };
    let show = if ranged {
        ShowCmd::RegionRead
    } else {
        ShowCmd::RegionDump
    };
    ctx.show(show, Cmd::RegionRead, req, true, &all)
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
