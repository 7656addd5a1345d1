//! The iproute2 `devlink` commands: `dlctl [OPTIONS] OBJECT COMMAND …`.

mod ctx;
mod dev;
mod dpipe;
mod entry;
mod flash;
mod flash_bar;
mod health;
mod help;
mod monitor;
mod other;
mod port;
mod region;
mod sb;
mod sb_occ;
mod selftests;
mod trap;

pub(crate) use entry::run;

use ctx::{CmdError, Ctx};

/// Print a usage text (iproute2: to standard error, and the command succeeds).
fn help(ctx: &mut Ctx<'_>, text: &str) -> Result<(), CmdError> {
    ctx.err.write_all(text.as_bytes())?;
    Ok(())
}
