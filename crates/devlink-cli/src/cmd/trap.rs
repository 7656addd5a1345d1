//! `devlink trap …` (`cmd_trap`): traps, trap groups and policers, show and set.

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{
    Handle, TrapGetReq, TrapGroupGetReq, TrapGroupSetReq, TrapPolicerGetReq, TrapPolicerSetReq,
    TrapSetReq,
};
use devlink_wire::spec::{Cmd, TrapAction};

use super::ctx::{CmdError, Ctx, of_dev};
use super::help;
use crate::args::{ArgError, Argv};

/// `cmd_trap`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::TRAP);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a, Kind::Trap);
    } else if a.matches("set") {
        a.inc();
        return set(ctx, a, Kind::Trap);
    } else if a.matches("group") {
        a.inc();
        return sub(ctx, a, Kind::Group);
    } else if a.matches("policer") {
        a.inc();
        return sub(ctx, a, Kind::Policer);
    }
    Err(a.command_not_found().into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Trap,
    Group,
    Policer,
}

/// `cmd_trap_group`, `cmd_trap_policer`.
fn sub(ctx: &mut Ctx<'_>, a: &mut Argv, kind: Kind) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::TRAP);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return show(ctx, a, kind);
    } else if a.matches("set") {
        a.inc();
        return set(ctx, a, kind);
    }
    Err(a.command_not_found().into())
}

/// What a trap command names: the device and its options.
#[derive(Debug, Default)]
struct Opts {
    trap: Option<String>,
    group: Option<String>,
    policer: Option<u32>,
    action: Option<TrapAction>,
    rate: Option<u64>,
    burst: Option<u64>,
}

fn parse(a: &mut Argv, kind: Kind, set: bool) -> Result<(Handle, Opts), ArgError> {
    let handle = a.handle()?;
    let mut o = Opts::default();
    a.options(|a| {
        if kind == Kind::Trap && a.keyword("trap") {
            o.trap = Some(a.str()?);
        } else if kind == Kind::Group && a.keyword("group") {
            o.group = Some(a.str()?);
        } else if kind != Kind::Trap && a.keyword("policer") {
            o.policer = Some(a.u32()?);
        } else if set && kind == Kind::Group && a.keyword("nopolicer") {
            o.policer = Some(0);
        } else if set && kind != Kind::Policer && a.keyword("action") {
            let s = a.str()?;
            o.action = Some(match s.as_str() {
                "drop" => TrapAction::Drop,
                "trap" => TrapAction::Trap,
                "mirror" => TrapAction::Mirror,
                _ => return Err(ArgError::new(format!("Unknown trap action \"{s}\""))),
            });
        } else if set && kind == Kind::Policer && a.keyword("rate") {
            o.rate = Some(a.u64()?);
        } else if set && kind == Kind::Policer && a.keyword("burst") {
            o.burst = Some(a.u64()?);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok((handle, o))
}

/// `trap [group|policer] show [DEV [trap T | group G | policer P]]`.
fn show(ctx: &mut Ctx<'_>, a: &mut Argv, kind: Kind) -> Result<(), CmdError> {
    let (handle, o) = if a.is_empty() {
        (None, Opts::default())
    } else {
        let (h, o) = parse(a, kind, false)?;
        (Some(h), o)
    };
    let f = of_dev(handle.as_ref());
    match kind {
        Kind::Trap => {
            let dump = o.trap.is_none();
            let req = TrapGetReq {
                handle: handle.clone(),
                name: o.trap,
                unknown: Vec::new(),
            };
            ctx.show(ShowCmd::Trap, Cmd::TrapGet, req, dump, &f)
        }
        Kind::Group => {
            let dump = o.group.is_none();
            let req = TrapGroupGetReq {
                handle: handle.clone(),
                name: o.group,
                unknown: Vec::new(),
            };
            ctx.show(ShowCmd::TrapGroup, Cmd::TrapGroupGet, req, dump, &f)
        }
        Kind::Policer => {
            let dump = o.policer.is_none();
            let req = TrapPolicerGetReq {
                handle: handle.clone(),
                id: o.policer,
                unknown: Vec::new(),
            };
            ctx.show(ShowCmd::TrapPolicer, Cmd::TrapPolicerGet, req, dump, &f)
        }
    }
}

/// `trap set DEV trap T [action A]`, `trap group set DEV group G [action A] [policer P |
/// nopolicer]`, `trap policer set DEV policer P [rate R] [burst B]`.
fn set(ctx: &mut Ctx<'_>, a: &mut Argv, kind: Kind) -> Result<(), CmdError> {
    let (handle, o) = parse(a, kind, true)?;
    match kind {
        Kind::Trap => {
            let name = o
                .trap
                .ok_or_else(|| ArgError::new("Trap's name is expected."))?;
            let req = TrapSetReq {
                handle,
                name: Some(name),
                action: o.action,
                unknown: Vec::new(),
            };
            ctx.request(Cmd::TrapSet, req, false).map(drop)
        }
        Kind::Group => {
            let name = o
                .group
                .ok_or_else(|| ArgError::new("Trap group's name is expected."))?;
            let req = TrapGroupSetReq {
                handle,
                name: Some(name),
                action: o.action,
                policer_id: o.policer,
                unknown: Vec::new(),
            };
            ctx.request(Cmd::TrapGroupSet, req, false).map(drop)
        }
        Kind::Policer => {
            let req = TrapPolicerSetReq {
                handle,
                id: o.policer,
                rate: o.rate,
                burst: o.burst,
                unknown: Vec::new(),
            };
            ctx.request(Cmd::TrapPolicerSet, req, false).map(drop)
        }
    }
}
