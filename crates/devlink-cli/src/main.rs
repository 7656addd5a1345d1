//! `dlctl`: devlink from the command line.
//!
//! `dlctl [OPTIONS] OBJECT COMMAND …` speaks to devlinkd with iproute2 `devlink`'s
//! vocabulary and output (`cmd/`); `dlctl decode` decodes netlink captures and `dlctl
//! sim` drives the daemon's simulated devices, `dlctl snapshot` and `dlctl watch` show
//! the objects at a revision and their changes, `dlctl completions SHELL` prints a
//! completion script, `dlctl man` the man page (clap subcommands).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod args;
mod backoff;
mod cmd;
mod completions;
mod decode;
mod decode_order;
mod errors;
mod man;
mod rate_value;
mod request;
mod sim;
mod watch;

/// devlink from the command line, with iproute2 devlink's vocabulary.
#[derive(Debug, Parser)]
#[command(name = "dlctl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode a netlink capture (pcap from an nlmon interface, or a hex dump): every
    /// message with its netlink header, genl header, command and attributes by kernel name.
    Decode(decode::DecodeArgs),
    /// Drive devlinkd's simulated devices, as netdevsim's sysfs and debugfs files do.
    Sim(sim::SimArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the dlctl(1) man page (roff: `dlctl man | man -l -`).
    Man(man::ManArgs),
    /// Print every object (or those the filter selects) and the revision it reflects
    /// (the devlinkd_watch family).
    Snapshot(watch::SnapshotArgs),
    /// Print every change with its revision, from now or from --from REV, until the
    /// daemon cancels the watch.
    Watch(watch::WatchArgs),
}

/// The words clap handles; everything else is an iproute2 command line.
const CLAP_COMMANDS: &[&str] = &["decode", "sim", "completions", "man", "snapshot", "watch"];

/// The first word that is not an option (nor `--socket`'s value).
fn first_positional(words: &[String]) -> Option<&str> {
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if w == "--socket" {
            it.next();
        } else if !w.starts_with('-') {
            return Some(w);
        }
    }
    None
}

/// `dlctl --socket PATH sim …` as `dlctl sim --socket PATH …`: `--socket` goes before
/// the object for the iproute2 commands, and is taken in the same place by the clap
/// ones (which define it themselves).
fn socket_after_command(words: Vec<String>) -> Vec<String> {
    let mut before = Vec::new();
    let mut it = words.into_iter();
    let mut out = vec!["dlctl".to_owned()];
    while let Some(w) = it.next() {
        if w == "--socket" {
            before.push(w);
            before.extend(it.next());
        } else if w.starts_with("--socket=") {
            before.push(w);
        } else {
            out.push(w);
            break;
        }
    }
    out.extend(before);
    out.extend(it);
    out
}

/// `dlctl -j snapshot …` as `dlctl snapshot -j …`: options may come first, as for the
/// iproute2 commands (only `snapshot` and `watch`, whose options are their own).
fn options_after_watch_command(words: Vec<String>) -> Vec<String> {
    let at = words
        .iter()
        .position(|w| w == "snapshot" || w == "watch")
        .filter(|&i| first_positional(&words) == words.get(i).map(String::as_str));
    let mut out = vec!["dlctl".to_owned()];
    match at {
        Some(i) => {
            let mut words = words;
            let rest = words.split_off(i);
            let mut rest = rest.into_iter();
            out.extend(rest.next());
            out.extend(words);
            out.extend(rest);
        }
        None => out.extend(words),
    }
    out
}

fn main() -> ExitCode {
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    if !first_positional(&words).is_some_and(|w| CLAP_COMMANDS.contains(&w)) {
        let code = cmd::run(
            words,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        );
        return ExitCode::from(code);
    }
    let cli = Cli::parse_from(match first_positional(&words) {
        Some("snapshot" | "watch") => options_after_watch_command(words),
        _ => socket_after_command(words),
    });
    let result = match &cli.command {
        Command::Decode(args) => decode::run(args, &mut std::io::stdout().lock()),
        Command::Sim(args) => sim::run(
            args,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
        .map(i32::from),
        Command::Completions(args) => {
            completions::run(args, &mut std::io::stdout().lock());
            Ok(0)
        }
        Command::Man(_) => man::run(&mut std::io::stdout().lock()).map(|()| 0),
        Command::Snapshot(args) => watch::snapshot(
            args,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
        .map(i32::from),
        Command::Watch(args) => watch::watch(
            args,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )
        .map(i32::from),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("dlctl: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn options_before_snapshot_or_watch_move_after_it() {
        let moved = |s| options_after_watch_command(words(s)).join(" ");
        assert_eq!(
            moved("-j -p snapshot kind port"),
            "dlctl snapshot -j -p kind port"
        );
        assert_eq!(
            moved("--socket /s watch --from 3"),
            "dlctl watch --socket /s --from 3"
        );
        assert_eq!(moved("watch -j"), "dlctl watch -j");
        // Other commands, and "watch" as a value, are left alone.
        assert_eq!(moved("-j sim list"), "dlctl -j sim list");
        assert_eq!(
            moved("--socket watch sim list"),
            "dlctl --socket watch sim list"
        );
    }
}
