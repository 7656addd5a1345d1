//! devlink-bench: a load generator for devlinkd, with its baselines measured in the same
//! run (BENCHMARKS.md).
//!
//! - `fanout`: registration storms (a simulated device with P ports registers last and
//!   is deleted, R times) fanned out to N `config` subscribers; against the same
//!   datagrams over bare `SOCK_SEQPACKET` pairs, and the same number of events as
//!   D-Bus signals through `dbus-daemon`, to the same N subscribers.
//! - `ports`: the storm with one subscriber and a port dump, 1 k → 1 M ports, against
//!   the raw replay of the same datagrams; the daemon's RSS per port.
//! - `latency`: param churn at a fixed rate, notification latency percentiles, against
//!   the one-way latency of bare `SOCK_SEQPACKET` at the same rate and size, direct and
//!   through a relay thread (the two hops of a request and its notification).
//! - `all`: the three, tables printed, CSV and SVG plots written to `--out`.
//!
//! `--quick` runs everything tiny (CI's smoke test: counts are checked, never times).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line report: the table is the output"
)]

mod daemon;
mod dbus;
mod devlinkd;
mod plot;
mod raw;
mod recv;
mod report;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use clap::{Parser, Subcommand};

use crate::daemon::Daemon;
use crate::recv::SubStats;
use crate::report::{LatRow, PortsRow, Report, Row};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Load generator for devlinkd, with raw SOCK_SEQPACKET and dbus-daemon baselines"
)]
struct Args {
    /// Everything tiny: a smoke test of correctness (counts), no meaningful figures.
    #[arg(long, global = true)]
    quick: bool,
    /// Repetitions of each measurement (interleaved: devlinkd, raw, dbus per repetition).
    #[arg(long, global = true, default_value_t = 3)]
    reps: usize,
    /// The devlinkd binary [default: next to this one].
    #[arg(long, global = true, value_name = "PATH")]
    devlinkd: Option<PathBuf>,
    /// Where CSV files and SVG plots go [default: bench, or a temporary directory with
    /// --quick].
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Fan-out rate against the number of subscribers: devlinkd, raw, dbus-daemon.
    Fanout {
        /// Subscriber counts [default: 1,2,4,…,256].
        #[arg(long, value_delimiter = ',')]
        subscribers: Vec<usize>,
        /// Ports of the device each round registers.
        #[arg(long, default_value_t = 1000)]
        ports: u32,
    },
    /// Registration storm (one subscriber) and port dump against the number of ports.
    Ports {
        /// Port counts [default: 1000,10000,100000,1000000].
        #[arg(long, value_delimiter = ',')]
        ports: Vec<u32>,
    },
    /// Notification latency percentiles at a fixed event rate.
    Latency {
        /// Events per second.
        #[arg(long, default_value_t = 10_000)]
        rate: u32,
        /// Events per repetition.
        #[arg(long, default_value_t = 20_000)]
        events: usize,
    },
    /// All of the above with their defaults (the default command).
    All,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let exe = daemon::devlinkd_exe(args.devlinkd.as_deref())?;
    let out = args.out.clone().unwrap_or_else(|| {
        if args.quick {
            std::env::temp_dir().join(format!("devlink-bench-quick-{}", std::process::id()))
        } else {
            PathBuf::from("bench")
        }
    });
    std::fs::create_dir_all(&out)?;
    let reps = if args.quick { 1 } else { args.reps.max(1) };
    let mut report = Report::default();
    let cmd = args.cmd.unwrap_or(Cmd::All);
    let (run_fanout, run_ports, run_latency) = match &cmd {
        Cmd::Fanout { .. } => (true, false, false),
        Cmd::Ports { .. } => (false, true, false),
        Cmd::Latency { .. } => (false, false, true),
        Cmd::All => (true, true, true),
    };
    if run_fanout {
        let (subs, ports) = match &cmd {
            Cmd::Fanout { subscribers, ports } if !subscribers.is_empty() => {
                (subscribers.clone(), *ports)
            }
            Cmd::Fanout { ports, .. } => (default_subs(args.quick), *ports),
            _ => (default_subs(args.quick), 1000),
        };
        let ports = if args.quick { 20 } else { ports };
        fanout(&exe, &subs, ports, reps, args.quick, &mut report)?;
    }
    if run_ports {
        let list = match &cmd {
            Cmd::Ports { ports } if !ports.is_empty() => ports.clone(),
            _ if args.quick => vec![100, 1000],
            _ => vec![1000, 10_000, 100_000, 1_000_000],
        };
        for p in list {
            ports(&exe, p, reps, &mut report)?;
        }
    }
    if run_latency {
        let (rate, events) = match &cmd {
            _ if args.quick => (2000, 200),
            Cmd::Latency { rate, events } => (*rate, *events),
            _ => (10_000, 20_000),
        };
        latency(&exe, rate, events, reps, &mut report)?;
    }
    report.print();
    report.write_csv(&out)?;
    plot::all(&report, &out)?;
    println!("\nCSV and SVG written to {}", out.display());
    if args.quick {
        if args.out.is_none() {
            let _ = std::fs::remove_dir_all(&out);
        }
        println!("quick: all counts matched");
    }
    Ok(())
}

/// One fan-out measurement: every subscriber's tally, summed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fanout {
    /// Messages delivered, all subscribers.
    pub(crate) msgs: u64,
    /// Bytes delivered, all subscribers.
    pub(crate) bytes: u64,
    /// Reads (datagrams, or stream reads), all subscribers.
    pub(crate) reads: u64,
    /// From the first event sent to the last subscriber done.
    pub(crate) secs: f64,
    /// The daemon's CPU time over the run (none for the raw pair).
    pub(crate) cpu: Option<Duration>,
}

impl Fanout {
    pub(crate) fn from_stats(stats: &[SubStats], start: Instant, cpu: Option<Duration>) -> Self {
        let end = stats.iter().map(|s| s.done).max().unwrap_or(start);
        Self {
            msgs: stats.iter().map(|s| s.msgs).sum(),
            bytes: stats.iter().map(|s| s.bytes).sum(),
            reads: stats.iter().map(|s| s.reads).sum(),
            secs: end.duration_since(start).as_secs_f64().max(1e-9),
            cpu,
        }
    }

    /// Aggregate messages per second.
    pub(crate) fn rate(&self) -> f64 {
        self.msgs as f64 / self.secs
    }

    /// Aggregate bytes per second.
    pub(crate) fn byte_rate(&self) -> f64 {
        self.bytes as f64 / self.secs
    }

    /// The daemon's CPU time per delivered message, in µs.
    pub(crate) fn cpu_us_per_msg(&self) -> Option<f64> {
        self.cpu
            .map(|c| c.as_secs_f64() * 1e6 / (self.msgs.max(1) as f64))
    }
}

/// Nanoseconds since `base` on the monotonic clock.
pub(crate) fn clock_ns(base: Instant) -> u64 {
    u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Wait until event `i` is due at `rate` per second from `t0`.
pub(crate) fn pace(t0: Instant, i: usize, rate: u32) {
    let due = t0
        + Duration::from_nanos(
            u64::try_from(i)
                .unwrap_or(u64::MAX)
                .saturating_mul(1_000_000_000)
                / u64::from(rate.max(1)),
        );
    let now = Instant::now();
    if due > now {
        std::thread::sleep(due - now);
    }
}

fn default_subs(quick: bool) -> Vec<usize> {
    if quick {
        vec![1, 4]
    } else {
        vec![1, 2, 4, 8, 16, 32, 64, 128, 256]
    }
}

/// The fan-out sweep: per subscriber count, `reps` interleaved runs of devlinkd, the
/// raw replay and dbus-daemon.
fn fanout(
    exe: &std::path::Path,
    subs: &[usize],
    ports: u32,
    reps: usize,
    quick: bool,
    report: &mut Report,
) -> Result<()> {
    let d = Daemon::devlinkd(exe, "fanout")?;
    let captured = devlinkd::capture(&d, ports)?;
    let per_round: u64 = captured
        .iter()
        .map(|dg| recv::netlink_messages(dg).count() as u64)
        .sum();
    let payload = captured
        .iter()
        .flat_map(|dg| recv::netlink_messages(dg))
        .find(|&(_, cmd, _)| cmd == devlink_wire::spec::Cmd::PortNew as u8)
        .map(|(_, _, m)| m.to_vec())
        .unwrap_or_else(|| vec![0; 160]);
    let bus = Daemon::dbus_daemon("dbus")?;
    if bus.is_none() {
        eprintln!("dbus-daemon not found (Debian package dbus): skipping the D-Bus baseline");
    }
    let deliveries: u64 = if quick { 1000 } else { 1_000_000 };
    let dbus_deliveries: u64 = if quick { 400 } else { 100_000 };
    for &n in subs {
        let n64 = n as u64;
        let rounds = u32::try_from((deliveries / (n64 * per_round)).max(if quick { 2 } else { 1 }))
            .unwrap_or(1);
        let signals = (dbus_deliveries / n64).max(if quick { 50 } else { 500 });
        for rep in 0..reps {
            let ours = devlinkd::fanout(&d, n, ports, rounds)?;
            let raw = raw::fanout(&captured, n, rounds)?;
            ensure!(
                ours.msgs == raw.msgs,
                "devlinkd delivered {} messages, the raw replay {} ({} subscribers)",
                ours.msgs,
                raw.msgs,
                n
            );
            report.fanout.push(Row::new("devlinkd", n, rep, &ours));
            report.fanout.push(Row::new("raw", n, rep, &raw));
            if let Some(bus) = &bus {
                let db = dbus::fanout(bus, n, signals, &payload)?;
                ensure!(
                    db.msgs == signals * n64,
                    "dbus-daemon delivered {} of {}",
                    db.msgs,
                    signals * n64
                );
                report.fanout.push(Row::new("dbus-daemon", n, rep, &db));
            }
            eprintln!(
                "fanout {n:>3} subs rep {rep}: devlinkd {:.3} M/s, raw {:.3} M/s{}",
                ours.rate() / 1e6,
                raw.rate() / 1e6,
                report
                    .fanout
                    .last()
                    .filter(|r| r.transport == "dbus-daemon")
                    .map(|r| format!(", dbus-daemon {:.3} M/s", r.rate / 1e6))
                    .unwrap_or_default()
            );
        }
    }
    // One message per datagram, 1 → 1: the unpacked raw rate, for reference.
    let unpacked = raw::unpack(&captured);
    let rounds = u32::try_from((deliveries / 4 / per_round).max(1)).unwrap_or(1);
    for rep in 0..reps {
        let r = raw::fanout(&unpacked, 1, rounds)?;
        report.fanout.push(Row::new("raw-unpacked", 1, rep, &r));
    }
    Ok(())
}

/// One port count: the storm with one subscriber against the raw replay, then a dump
/// against its raw replay, and RSS per port.
fn ports(exe: &std::path::Path, ports: u32, reps: usize, report: &mut Report) -> Result<()> {
    let d = Daemon::devlinkd(exe, &format!("ports{ports}"))?;
    // The dump first, in a fresh daemon: its RSS growth is the device's alone (after a
    // storm the allocator would hand freed memory back out and hide it).
    let dump = devlinkd::dump(&d, ports, reps)?;
    let raw_times = raw::dump(&dump.datagrams, reps)?;
    for (rep, (t, r)) in dump.times.iter().zip(&raw_times).enumerate() {
        report
            .ports
            .push(PortsRow::dump("devlinkd-dump", ports, rep, &dump, *t));
        report
            .ports
            .push(PortsRow::dump("raw-dump", ports, rep, &dump, *r));
    }
    let captured = devlinkd::capture(&d, ports)?;
    for rep in 0..reps {
        let ours = devlinkd::fanout(&d, 1, ports, 1)?;
        let raw = raw::fanout(&captured, 1, 1)?;
        ensure!(
            ours.msgs == raw.msgs,
            "storm: devlinkd {} messages, raw {}",
            ours.msgs,
            raw.msgs
        );
        report
            .ports
            .push(PortsRow::storm("devlinkd", ports, rep, &ours));
        report.ports.push(PortsRow::storm("raw", ports, rep, &raw));
    }
    eprintln!(
        "ports {ports}: dump {} msgs {} B, RSS {} → {} KiB",
        dump.msgs, dump.bytes, dump.rss_before, dump.rss_after
    );
    Ok(())
}

fn latency(
    exe: &std::path::Path,
    rate: u32,
    events: usize,
    reps: usize,
    report: &mut Report,
) -> Result<()> {
    for rep in 0..reps {
        let d = Daemon::devlinkd(exe, "latency")?;
        let cpu0 = d.cpu()?;
        let (ours, size) = devlinkd::latency(&d, rate, events)?;
        let cpu = d.cpu()?.saturating_sub(cpu0);
        drop(d);
        ensure!(
            ours.len() == events,
            "{} of {events} notifications",
            ours.len()
        );
        let raw = raw::latency(size, rate, events, false)?;
        let relay = raw::latency(size, rate, events, true)?;
        let mut row = LatRow::new("devlinkd", rate, rep, size, ours);
        row.cpu_us = Some(cpu.as_secs_f64() * 1e6 / events.max(1) as f64);
        report.latency.push(row);
        report
            .latency
            .push(LatRow::new("raw", rate, rep, size, raw));
        report
            .latency
            .push(LatRow::new("raw relay", rate, rep, size, relay));
        eprintln!("latency rep {rep} done");
    }
    Ok(())
}
