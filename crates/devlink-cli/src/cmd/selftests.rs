//! `devlink dev selftests …` (`cmd_dev_selftests` of iproute2 6.1).

use devlink_cli::show::ShowCmd;
use devlink_wire::devlink::{SelftestIds, SelftestsRunReq};
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx, all};
use super::help;
use crate::args::{ArgError, Argv};

/// `cmd_dev_selftests`.
pub(crate) fn run(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") {
        return help(ctx, help::DEV);
    } else if a.matches("show") || a.matches("list") || a.is_empty() {
        a.inc();
        return super::dev::show(ctx, a, Cmd::SelftestsGet, ShowCmd::Selftests);
    } else if a.matches("run") {
        a.inc();
        return run_tests(ctx, a);
    }
    Err(a.command_not_found().into())
}

/// `dev selftests run DEV [id TESTNAME …]`: every word after `id` names a test; with
/// none named (or no `id`), every test iproute2 knows is asked for.
fn run_tests(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    let handle = a.handle()?;
    a.options(|a| {
        if !a.keyword("id") {
            return Ok(false);
        }
        while let Some(name) = a.next_word() {
            // `selftests_get`: the one test iproute2 6.1 knows.
            if name != "flash" {
                return Err(ArgError::new(format!("Unknown selftest \"{name}\"")));
            }
        }
        Ok(true)
    })?;
    let req = SelftestsRunReq {
        handle,
        tests: SelftestIds {
            flash: true,
            unknown: Vec::new(),
        },
        unknown: Vec::new(),
    };
    // Printed even when the request fails: with `-j`, the JSON stream's end.
    ctx.show(ShowCmd::SelftestsRun, Cmd::SelftestsRun, req, false, &all)
}
