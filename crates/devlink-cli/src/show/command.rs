//! The `show` commands: which section each opens and which renderer each reply goes
//! to (the `cmd_*_show` functions and their `*_cb` callbacks in devlink.c).

use devlink_wire::message::DevlinkBody;

use super::printer::{Options, Printer};
use super::{
    dev, dpipe, fmsg, health, info, linecard, param, port, rate, region, reload, resource, sb,
    selftests, trap,
};

/// A `devlink … show` command whose replies can be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowCmd {
    /// `devlink dev show` (`cmd_dev_show`).
    Dev,
    /// `devlink dev info` (`cmd_dev_info`).
    DevInfo,
    /// `devlink dev param show` (`cmd_dev_param_show`).
    DevParam,
    /// `devlink dev eswitch show DEV` (`cmd_dev_eswitch_show`).
    DevEswitch,
    /// `devlink port show` (`cmd_port_show`).
    Port,
    /// `devlink port param show` (`cmd_port_param_show`).
    PortParam,
    /// `devlink port health show` (`__cmd_health_show(dl, false, true)`).
    PortHealth,
    /// `devlink port function rate show` (`cmd_port_fn_rate_show`).
    Rate,
    /// `devlink health show` (`__cmd_health_show(dl, true, true)`).
    Health,
    /// `devlink region show` (`cmd_region_show`).
    Region,
    /// `devlink trap show` (`cmd_trap_show`).
    Trap,
    /// `devlink trap group show` (`cmd_trap_group_show`).
    TrapGroup,
    /// `devlink trap policer show` (`cmd_trap_policer_show`).
    TrapPolicer,
    /// `devlink resource show DEV` (`cmd_resource_show`): the dpipe table replies,
    /// then the resource dump.
    Resource,
    /// `devlink lc show` (`cmd_linecard_show`).
    Linecard,
    /// `devlink sb show` (`cmd_sb_show`).
    Sb,
    /// `devlink sb pool show` (`cmd_sb_pool_show`).
    SbPool,
    /// `devlink sb port pool show` (`cmd_sb_port_pool_show`).
    SbPortPool,
    /// `devlink sb tc bind show` (`cmd_sb_tc_bind_show`).
    SbTcBind,
    /// `devlink dev reload DEV action …`'s reply (`cmd_dev_reload_cb`).
    Reload,
    /// `devlink region new DEV/REGION`'s reply (`cmd_region_snapshot_new_cb`).
    RegionNew,
    /// `devlink region dump DEV/REGION …` (`cmd_region_dump`, `cmd_region_read_cb`).
    RegionDump,
    /// `devlink region read DEV/REGION …` (`cmd_region_read`, `cmd_region_read_cb`).
    RegionRead,
    /// `devlink port add …`'s reply (`cmd_port_add`: `cmd_port_show_cb`, no section).
    PortNew,
    /// `devlink health diagnose|dump show` (`cmd_health_object_common`,
    /// `cmd_fmsg_object_cb`): no section.
    Fmsg,
    /// `devlink dpipe header show DEV` (`cmd_dpipe_headers_show`).
    DpipeHeaders,
    /// `devlink dpipe table show DEV` (`cmd_dpipe_table_show`): the header replies and
    /// the resource dump (remembered), then the table replies.
    DpipeTable,
    /// `devlink dpipe table dump DEV name T` (`cmd_dpipe_table_dump`): the header
    /// replies (remembered), then the entry replies.
    DpipeEntries,
    /// `devlink dev selftests show` (`cmd_dev_selftests_show`).
    Selftests,
    /// `devlink dev selftests run DEV` (`cmd_dev_selftests_run`): the callback opens
    /// the section, and only when there are results.
    SelftestsRun,
    /// `devlink dev flash`: its status lines are not rendered here; no section, only
    /// the end of the (empty) JSON stream with `-j`.
    Flash,
}

impl ShowCmd {
    /// The JSON section (`pr_out_section_start`) the command opens.
    #[must_use]
    pub const fn section(self) -> &'static str {
        match self {
            Self::Dev | Self::DevEswitch => "dev",
            Self::DevInfo => "info",
            Self::DevParam | Self::PortParam => "param",
            Self::Port => "port",
            Self::PortHealth | Self::Health => "health",
            Self::Rate => "rate",
            Self::Region | Self::RegionNew => "regions",
            Self::Reload => "reload",
            Self::Trap => "trap",
            Self::TrapGroup => "trap_group",
            Self::TrapPolicer => "trap_policer",
            Self::Resource => "resources",
            Self::Linecard => "lc",
            Self::Sb => "sb",
            Self::SbPool => "pool",
            Self::SbPortPool => "port_pool",
            Self::SbTcBind => "tc_bind",
            Self::RegionDump => "dump",
            Self::RegionRead => "read",
            Self::Selftests => "selftests",
            Self::DpipeHeaders => "header",
            Self::DpipeTable => "table",
            Self::DpipeEntries => "table_entry",
            Self::Fmsg | Self::PortNew | Self::Flash | Self::SelftestsRun => "",
        }
    }
}

/// Why a reply could not be rendered: where iproute2's callback returns
/// `MNL_CB_ERROR` (the rest of the dump is not printed and the command fails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShowError {
    /// A reply of another kind than the command's.
    #[error("unexpected reply to {0:?}: {1}")]
    Unexpected(ShowCmd, String),
    /// A reply without an attribute the callback requires.
    #[error("reply to {0:?} lacks {1}")]
    Missing(ShowCmd, &'static str),
}

/// The output of one command, and whether it failed partway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Exactly what iproute2 would write to standard output.
    pub output: String,
    /// The callback failure that stopped rendering, if any (exit status 1).
    pub error: Option<ShowError>,
}

/// Short name of a body's kind, for errors.
fn kind(body: &DevlinkBody) -> String {
    let dbg = format!("{body:?}");
    dbg.split('(').next().unwrap_or_default().to_owned()
}

/// Render the replies of `cmd` in arrival order as iproute2 `devlink` does, in text or
/// (`opts.json`) JSON: `pr_out_section_start`, one callback per reply,
/// `pr_out_section_end`.
#[must_use]
pub fn render_show(cmd: ShowCmd, replies: &[DevlinkBody], opts: Options) -> Rendered {
    let mut p = Printer::new(opts);
    let mut ctx = Ctx::default();
    let section = !cmd.section().is_empty();
    if section {
        p.section_start(cmd.section());
    }
    let mut error = None;
    for body in replies {
        if let Err(e) = show_one(&mut p, &mut ctx, cmd, body) {
            error = Some(e);
            break;
        }
    }
    if section {
        p.section_end();
    }
    if matches!(cmd, ShowCmd::RegionDump | ShowCmd::RegionRead) && !p.json() {
        p.pr_out("\n");
    }
    p.finish();
    Rendered {
        output: p.take(),
        error,
    }
}

/// What a command's callbacks keep from one reply to the next.
#[derive(Default)]
struct Ctx {
    resources: resource::ResourceCtx,
    dpipe: dpipe::DpipeCtx,
    fmsg: fmsg::FmsgCtx,
    /// `pr_out_region_chunk`'s `align_val`.
    align: u64,
}

/// One reply through the command's callback.
fn show_one(
    p: &mut Printer,
    ctx: &mut Ctx,
    cmd: ShowCmd,
    body: &DevlinkBody,
) -> Result<(), ShowError> {
    use DevlinkBody as B;
    use ShowCmd as S;
    match (cmd, body) {
        (S::Dev, B::Dev(d)) => dev::pr_out_dev(p, d),
        (S::DevInfo, B::Info(i)) => info::pr_out_info_cb(p, i),
        (S::DevParam, B::Param(x)) => param::pr_out_param(p, x, param::ParamHandle::Array, false),
        (S::PortParam, B::Param(x)) => {
            if x.port_index.is_none() {
                return Err(ShowError::Missing(cmd, "DEVLINK_ATTR_PORT_INDEX"));
            }
            param::pr_out_param(p, x, param::ParamHandle::Array, true);
        }
        (S::DevEswitch, B::Eswitch(e)) => dev::pr_out_eswitch(p, e),
        (S::Port | S::PortNew, B::Port(x)) => port::pr_out_port(p, x),
        (S::Health, B::HealthReporter(r)) => health::pr_out_health(p, r, true, true),
        (S::PortHealth, B::HealthReporter(r)) => health::pr_out_health(p, r, false, true),
        (S::Rate, B::Rate(r)) => rate::pr_out_port_fn_rate(p, r),
        (S::Region, B::Region(r)) => region::pr_out_region(p, r),
        (S::Trap, B::Trap(t)) => trap::pr_out_trap(p, t, true),
        (S::TrapGroup, B::TrapGroup(g)) => trap::pr_out_trap_group(p, g, true),
        (S::TrapPolicer, B::TrapPolicer(t)) => trap::pr_out_trap_policer(p, t, true),
        (S::Resource, B::DpipeTables(t)) => ctx.resources.add_tables(t),
        (S::Resource, B::ResourceDump(d)) => resource::pr_out_resources(p, &mut ctx.resources, d),
        (S::DpipeHeaders, B::DpipeHeaders(h)) => dpipe::pr_out_dpipe_headers(p, &mut ctx.dpipe, h),
        (S::DpipeTable | S::DpipeEntries, B::DpipeHeaders(h)) => ctx.dpipe.add_headers(h),
        (S::DpipeTable, B::ResourceDump(d)) => ctx.dpipe.add_resources(d),
        (S::DpipeTable, B::DpipeTables(t)) => dpipe::pr_out_dpipe_tables(p, &ctx.dpipe, t),
        (S::DpipeEntries, B::DpipeEntries(e)) => dpipe::pr_out_dpipe_entries(p, &ctx.dpipe, e),
        (S::Linecard, B::Linecard(l)) => linecard::pr_out_linecard(p, l),
        (S::Sb, B::Sb(s)) => sb::pr_out_sb(p, s),
        (S::SbPool, B::SbPool(s)) => sb::pr_out_sb_pool(p, s),
        (S::SbPortPool, B::SbPortPool(s)) => sb::pr_out_sb_port_pool(p, s),
        (S::SbTcBind, B::SbTcPoolBind(s)) => sb::pr_out_sb_tc_bind(p, s),
        (S::Reload, B::ReloadReply(r)) => reload::pr_out_reload_actions_performed(p, r),
        (S::RegionNew, B::RegionEvent(r)) => region::pr_out_region_event(p, r),
        (S::RegionDump | S::RegionRead, B::RegionRead(r)) => {
            region::pr_out_region_read(p, &mut ctx.align, r);
        }
        (S::Selftests, B::SelftestsGet(s)) => selftests::pr_out_selftests(p, s),
        (S::SelftestsRun, B::SelftestsRun(s)) => selftests::pr_out_selftests_run(p, s),
        (S::Fmsg, B::Fmsg(f)) => fmsg::pr_out_fmsg(p, &mut ctx.fmsg, f)?,
        (cmd, body) => return Err(ShowError::Unexpected(cmd, kind(body))),
    }
    Ok(())
}
