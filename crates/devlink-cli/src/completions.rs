//! `dlctl completions SHELL`: a completion script from clap's description of dlctl —
//! the clap subcommands (`decode`, `sim`, `snapshot`, `watch`, `completions`, `man`) as
//! they are, plus the iproute2 objects and their commands, which `cmd::run` parses by
//! hand (prefix matching, options anywhere) and which are described here for completion
//! only.

use std::io::Write;

use clap::{Arg, ArgAction, Args, Command, CommandFactory};
use clap_complete::Shell;
use devlink_cli::show::monitor_objects;

/// `dlctl completions`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// The iproute2 objects and the words that may follow each (`dl_cmd` and the `cmd_*`
/// functions), in devlink.c's order; `help`, which each object takes, is clap's own
/// `help` subcommand here.
pub(crate) const OBJECTS: &[(&str, &str, &[&str])] = &[
    (
        "dev",
        "devlink instances",
        &[
            "show",
            "eswitch",
            "reload",
            "param",
            "info",
            "flash",
            "selftests",
        ],
    ),
    (
        "port",
        "devlink ports",
        &[
            "show", "set", "split", "unsplit", "add", "del", "function", "param",
        ],
    ),
    (
        "sb",
        "shared buffers",
        &["show", "pool", "port", "tc", "occupancy"],
    ),
    ("dpipe", "dpipe tables and headers", &["table", "header"]),
    // Its words are the monitor's own list (`show::monitor_objects`).
    ("monitor", "print notifications", &[]),
    ("resource", "device resources", &["show", "set"]),
    (
        "region",
        "address regions and snapshots",
        &["show", "new", "del", "dump", "read"],
    ),
    (
        "health",
        "health reporters",
        &["show", "recover", "diagnose", "test", "dump", "set"],
    ),
    (
        "trap",
        "packet traps, groups and policers",
        &["show", "set", "group", "policer"],
    ),
    ("lc", "line cards", &["show", "set"]),
    (
        "rate",
        "rate objects (port function rate)",
        &["show", "add", "set", "del"],
    ),
];

/// dlctl as clap would describe it if clap parsed all of it (also the man page's
/// source, `man.rs`).
pub(crate) fn command() -> Command {
    let rest = || {
        Arg::new("args")
            .num_args(0..)
            .trailing_var_arg(true)
            .allow_hyphen_values(true)
    };
    let mut cmd = crate::Cli::command()
        .arg(
            Arg::new("json")
                .short('j')
                .long("json")
                .action(ArgAction::SetTrue)
                .help("JSON output"),
        )
        .arg(
            Arg::new("pretty")
                .short('p')
                .long("pretty")
                .action(ArgAction::SetTrue)
                .help("Pretty JSON output"),
        )
        .arg(
            Arg::new("statistics")
                .short('s')
                .long("statistics")
                .action(ArgAction::SetTrue)
                .help("Statistics"),
        )
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .action(ArgAction::SetTrue)
                .help("Verbose output"),
        )
        .arg(
            Arg::new("iec")
                .short('i')
                .long("iec")
                .action(ArgAction::SetTrue)
                .help("IEC units for rates"),
        )
        .arg(
            Arg::new("socket")
                .long("socket")
                .value_name("PATH")
                .help("The daemon's socket"),
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("monitor: check the notification order"),
        )
        .arg(
            Arg::new("reconnect")
                .long("reconnect")
                .action(ArgAction::SetTrue)
                .help("monitor: reconnect and resync when the daemon goes away"),
        );
    for (object, about, words) in OBJECTS {
        let words: Vec<&str> = if *object == "monitor" {
            monitor_objects().collect()
        } else {
            words.to_vec()
        };
        let sub = Command::new(*object)
            .about(*about)
            .subcommands(words.into_iter().map(|w| Command::new(w).arg(rest())));
        cmd = cmd.subcommand(sub);
    }
    cmd
}

/// Write the script for `args.shell`.
pub(crate) fn run(args: &CompletionsArgs, out: &mut dyn Write) {
    let mut cmd = command();
    clap_complete::generate(args.shell, &mut cmd, "dlctl", out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_shell_gets_the_objects() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            run(&CompletionsArgs { shell }, &mut out);
            let text = String::from_utf8_lossy(&out);
            for (object, _, _) in OBJECTS {
                assert!(text.contains(object), "{shell}: {object}");
            }
            assert!(text.contains("diagnose"), "{shell}");
        }
    }
}
