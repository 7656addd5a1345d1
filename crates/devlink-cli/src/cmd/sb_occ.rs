//! `devlink sb occupancy …` (`cmd_sb_occ`): show (two dumps gathered per port, then
//! printed), snapshot and clearmax.

use devlink_cli::show::{OccItem, OccPort, ShowCmd, ShowError, render_occupancy};
use devlink_wire::devlink::{Handle, SbOcc, SbOccReq, SbPortPoolGetReq, SbTcPoolBindGetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SbPoolType};

use super::ctx::{CmdError, Ctx};
use super::help;
use crate::args::Argv;

/// `cmd_sb_occ`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, help::SB);
    } else if a.matches("show") || a.matches("list") {
        a.inc();
        return show(ctx, a);
    } else if a.matches("snapshot") {
        a.inc();
        return occ(ctx, a, Cmd::SbOccSnapshot);
    } else if a.matches("clearmax") {
        a.inc();
        return occ(ctx, a, Cmd::SbOccMaxClear);
    }
    Err(a.command_not_found().into())
}

/// `[ sb SB_INDEX ]`, the only option (0 when absent, as iproute2 fills it in).
fn sb_index(a: &mut Argv) -> Result<u32, CmdError> {
    let mut sb = 0;
    a.options(|a| {
        if a.keyword("sb") {
            sb = a.u32()?;
            Ok(true)
        } else {
            Ok(false)
        }
    })?;
    Ok(sb)
}

/// `sb occupancy snapshot|clearmax DEV [ sb SB_INDEX ]`.
fn occ(ctx: &mut Ctx<'_>, a: &mut Argv, cmd: Cmd) -> Result<(), CmdError> {
    let handle = a.handle()?;
    let sb_index = sb_index(a)?;
    let req = SbOccReq {
        handle,
        sb_index,
        unknown: Vec::new(),
    };
    ctx.request(cmd, req, false).map(drop)
}

/// `sb occupancy show { DEV | DEV/PORT_INDEX } [ sb SB_INDEX ]`: every port pool and
/// TC binding of the device (or port) and shared buffer, from two dumps.
fn show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, port) = ctx.dev_or_port(a)?;
    let sb = sb_index(a)?;
    let wanted =
        |h: &Handle, p: u32, s: u32| *h == handle && port.is_none_or(|x| x == p) && s == sb;
    let mut ports: Vec<(u32, OccPort)> = Vec::new();
    let pools = dump(ctx, Cmd::SbPortPoolGet, SbPortPoolGetReq::default())?;
    for b in &pools {
        let DevlinkBody::SbPortPool(pp) = b else {
            continue;
        };
        let occ = need_occ(pp.occ)?;
        if wanted(&pp.handle, pp.port_index, pp.sb_index)
            && let Some(p) = occ_port(&mut ports, pp.port_index)
        {
            p.pools.push(item(pp.pool_index, None, occ));
        }
    }
    let binds = dump(ctx, Cmd::SbTcPoolBindGet, SbTcPoolBindGetReq::default())?;
    for b in &binds {
        let DevlinkBody::SbTcPoolBind(tb) = b else {
            continue;
        };
        let occ = need_occ(tb.occ)?;
        if wanted(&tb.handle, tb.port_index, tb.sb_index) {
            let it = item(tb.tc_index, Some(tb.pool_index), occ);
            match (occ_port(&mut ports, tb.port_index), tb.pool_type) {
                (Some(p), SbPoolType::Ingress) => p.ingress_tcs.push(it),
                (Some(p), SbPoolType::Egress) => p.egress_tcs.push(it),
                (None, _) => {}
            }
        }
    }
    let ports: Vec<OccPort> = ports
        .into_iter()
        .map(|(port_index, p)| OccPort { port_index, ..p })
        .collect();
    ctx.load_netdev_names()?;
    let rendered = render_occupancy(&handle, &ports, ctx.opts.clone());
    ctx.out.write_all(rendered.output.as_bytes())?;
    Ok(())
}

/// One dump; on failure, nothing but the end of the JSON stream is printed.
fn dump(
    ctx: &mut Ctx<'_>,
    cmd: Cmd,
    body: impl Into<DevlinkBody>,
) -> Result<Vec<DevlinkBody>, CmdError> {
    match ctx.request(cmd, body, true) {
        Ok(r) => Ok(r.into_iter().map(|r| r.body).collect()),
        Err(e) => {
            ctx.print(ShowCmd::Flash, &[])?;
            Err(e)
        }
    }
}

/// The callbacks refuse a reply without `SB_OCC_CUR` and `SB_OCC_MAX`.
fn need_occ(occ: Option<SbOcc>) -> Result<SbOcc, CmdError> {
    occ.ok_or(CmdError::Render(ShowError::Missing(
        ShowCmd::SbPortPool,
        "DEVLINK_ATTR_SB_OCC_CUR",
    )))
}

fn item(index: u16, bound_pool: Option<u16>, occ: SbOcc) -> OccItem {
    OccItem {
        index,
        bound_pool,
        cur: occ.cur,
        max: occ.max,
    }
}

/// `occ_port_get`: the port's entry, added at the end on first sight.
fn occ_port(ports: &mut Vec<(u32, OccPort)>, index: u32) -> Option<&mut OccPort> {
    if !ports.iter().any(|(i, _)| *i == index) {
        ports.push((index, OccPort::default()));
    }
    ports
        .iter_mut()
        .rev()
        .find(|(i, _)| *i == index)
        .map(|(_, p)| p)
}
