//! `devlink sb …` (`cmd_sb`): shared buffers, their pools, port-pool thresholds and TC
//! bindings — show and set (`sb occupancy` in `sb_occ.rs`).

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    SbGetReq, SbPoolGetReq, SbPoolSetReq, SbPortPoolGetReq, SbPortPoolSetReq, SbTcPoolBindGetReq,
    SbTcPoolBindSetReq,
};
use devlink_wire::spec::{Cmd, SbPoolType, SbThresholdType};

use super::ctx::{CmdError, Ctx, all};
use super::help;
use crate::args::{ArgError, Argv};

/// `cmd_sb`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::SB);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return sb_show(ctx, a);
    } else if a.matches("pool") {
        a.inc();
        return sub(ctx, a, pool_show, pool_set);
    } else if a.matches("port") {
        a.inc();
        if a.matches("help") {
            return help(ctx, help::SB);
        } else if a.matches("pool") {
            a.inc();
            return sub(ctx, a, port_pool_show, port_pool_set);
        }
    } else if a.matches("tc") {
        a.inc();
        if a.matches("help") {
            return help(ctx, help::SB);
        } else if a.matches("bind") {
            a.inc();
            return sub(ctx, a, tc_bind_show, tc_bind_set);
        }
    } else if a.matches("occupancy") {
        a.inc();
        return super::sb_occ::run(ctx, a);
    }
    Err(a.command_not_found().into())
}

type Step = fn(&mut Ctx<'_>, &mut Argv) -> Result<(), CmdError>;

/// `cmd_sb_pool`, `cmd_sb_port_pool`, `cmd_sb_tc_bind`: help, show, set.
fn sub(ctx: &mut Ctx<'_>, a: &mut Argv, show: Step, set: Step) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::SB);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a);
    } else if a.matches("set") {
        a.inc();
        return set(ctx, a);
    }
    Err(a.command_not_found().into())
}

/// The options of the sb commands (`DL_OPT_SB*`).
#[derive(Default)]
struct Opts {
    /// `sb`: iproute2 sends 0 when it is not given.
    sb: Option<u32>,
    pool: Option<u16>,
    size: Option<u32>,
    pool_type: Option<SbPoolType>,
    thtype: Option<SbThresholdType>,
    th: Option<u32>,
    tc: Option<u16>,
}

impl Opts {
    /// `dl_argv_parse`'s loop over the sb keywords.
    fn parse(a: &mut Argv) -> Result<Self, ArgError> {
        let mut o = Self::default();
        a.options(|a| {
            if a.keyword("sb") {
                o.sb = Some(a.u32()?);
            } else if a.keyword("pool") {
                o.pool = Some(a.u16()?);
            } else if a.keyword("size") {
                o.size = Some(a.u32()?);
            } else if a.keyword("type") {
                let s = a.str()?;
                o.pool_type = Some(match s.as_str() {
                    "ingress" => SbPoolType::Ingress,
                    "egress" => SbPoolType::Egress,
                    _ => return Err(ArgError::new(format!("Unknown pool type \"{s}\""))),
                });
            } else if a.keyword("th") {
                // Before `thtype`: keywords match by prefix, and `th` is one of it.
                o.th = Some(a.u32()?);
            } else if a.keyword("thtype") {
                let s = a.str()?;
                o.thtype = Some(match s.as_str() {
                    "static" => SbThresholdType::Static,
                    "dynamic" => SbThresholdType::Dynamic,
                    _ => return Err(ArgError::new(format!("Unknown threshold type \"{s}\""))),
                });
            } else if a.keyword("tc") {
                o.tc = Some(a.u16()?);
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(o)
    }
}

/// A required option, or iproute2's line for its absence.
fn need<T>(v: Option<T>, missing: &str) -> Result<T, ArgError> {
    v.ok_or_else(|| ArgError::new(missing))
}

/// `sb show [DEV [sb SB_INDEX]]`.
fn sb_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        return ctx.show(ShowCmd::Sb, Cmd::SbGet, SbGetReq::default(), true, &all);
    }
    let handle = a.handle()?;
    let o = Opts::parse(a)?;
    let req = SbGetReq {
        handle: Some(handle),
        sb_index: Some(o.sb.unwrap_or(0)),
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::Sb, Cmd::SbGet, req, false, &all)
}

/// `sb pool show [DEV [sb SB_INDEX] pool POOL_INDEX]`.
fn pool_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.is_empty() {
        let req = SbPoolGetReq::default();
        return ctx.show(ShowCmd::SbPool, Cmd::SbPoolGet, req, true, &all);
    }
    let handle = a.handle()?;
    let o = Opts::parse(a)?;
    let req = SbPoolGetReq {
        handle: Some(handle),
        sb_index: Some(o.sb.unwrap_or(0)),
        pool_index: Some(need(o.pool, "Pool index option expected.")?),
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::SbPool, Cmd::SbPoolGet, req, false, &all)
}

/// `sb pool set DEV [sb SB_INDEX] pool POOL_INDEX size POOL_SIZE thtype TYPE`.
fn pool_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let handle = a.handle()?;
    let o = Opts::parse(a)?;
    let req = SbPoolSetReq {
        handle,
        sb_index: o.sb.unwrap_or(0),
        pool_index: need(o.pool, "Pool index option expected.")?,
        size: need(o.size, "Pool size option expected.")?,
        threshold_type: need(o.thtype, "Pool threshold type option expected.")?,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::SbPoolSet, req, false).map(drop)
}

/// `sb port pool show [DEV/PORT_INDEX [sb SB_INDEX] pool POOL_INDEX]` (ports by
/// netdev name, unless `-n`).
fn port_pool_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    ctx.load_netdev_names()?;
    if a.is_empty() {
        let req = SbPortPoolGetReq::default();
        return ctx.show(ShowCmd::SbPortPool, Cmd::SbPortPoolGet, req, true, &all);
    }
    let (handle, port) = ctx.port_handle(a)?;
    let o = Opts::parse(a)?;
    let req = SbPortPoolGetReq {
        handle: Some(handle),
        port_index: Some(port),
        sb_index: Some(o.sb.unwrap_or(0)),
        pool_index: Some(need(o.pool, "Pool index option expected.")?),
        unknown: Vec::new(),
    };
    // iproute2 6.1's `cmd_sb_port_pool_show` prints the error and exits 0.
    match ctx.show(ShowCmd::SbPortPool, Cmd::SbPortPoolGet, req, false, &all) {
        Err(e @ CmdError::Request(_)) => {
            e.report(ctx.err, ctx.opts.verbose);
            Ok(())
        }
        r => r,
    }
}

/// `sb port pool set DEV/PORT_INDEX [sb SB_INDEX] pool POOL_INDEX th THRESHOLD`.
fn port_pool_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, port) = ctx.port_handle(a)?;
    let o = Opts::parse(a)?;
    let req = SbPortPoolSetReq {
        handle,
        port_index: port,
        sb_index: o.sb.unwrap_or(0),
        pool_index: need(o.pool, "Pool index option expected.")?,
        threshold: need(o.th, "Threshold option expected.")?,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::SbPortPoolSet, req, false).map(drop)
}

/// `sb tc bind show [DEV/PORT_INDEX [sb SB_INDEX] tc TC_INDEX type TYPE]`.
fn tc_bind_show(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    ctx.load_netdev_names()?;
    if a.is_empty() {
        let req = SbTcPoolBindGetReq::default();
        return ctx.show(ShowCmd::SbTcBind, Cmd::SbTcPoolBindGet, req, true, &all);
    }
    let (handle, port) = ctx.port_handle(a)?;
    let o = Opts::parse(a)?;
    let (pool_type, tc) = (
        need(o.pool_type, "Pool type option expected.")?,
        need(o.tc, "TC index option expected.")?,
    );
    let req = SbTcPoolBindGetReq {
        handle: Some(handle),
        port_index: Some(port),
        sb_index: Some(o.sb.unwrap_or(0)),
        pool_type: Some(pool_type),
        tc_index: Some(tc),
        unknown: Vec::new(),
    };
    ctx.show(ShowCmd::SbTcBind, Cmd::SbTcPoolBindGet, req, false, &all)
}

/// `sb tc bind set DEV/PORT_INDEX [sb SB_INDEX] tc TC_INDEX type TYPE pool POOL_INDEX
/// th THRESHOLD`.
fn tc_bind_set(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let (handle, port) = ctx.port_handle(a)?;
    let o = Opts::parse(a)?;
    // The required options in `DL_OPT_*` bit order: pool, type, th, tc.
    let pool_index = need(o.pool, "Pool index option expected.")?;
    let pool_type = need(o.pool_type, "Pool type option expected.")?;
    let threshold = need(o.th, "Threshold option expected.")?;
    let tc_index = need(o.tc, "TC index option expected.")?;
    let req = SbTcPoolBindSetReq {
        handle,
        port_index: port,
        sb_index: o.sb.unwrap_or(0),
        pool_index,
        pool_type,
        threshold,
        tc_index,
        unknown: Vec::new(),
    };
    ctx.request(Cmd::SbTcPoolBindSet, req, false).map(drop)
}
