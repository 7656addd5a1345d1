//! `dlctl`: devlink from the command line.
//!
//! Today it decodes netlink captures (`dlctl decode`) and drives the daemon's simulated
//! devices (`dlctl sim`); the iproute2-style object commands come next.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod decode;
mod sim;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Decode(args) => decode::run(args, &mut std::io::stdout().lock()),
        Command::Sim(args) => sim::run(
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
