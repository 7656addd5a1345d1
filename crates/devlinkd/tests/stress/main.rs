//! Concurrency stress and driver faults under load, against the real daemon binary
//! (issue 9, `RELIABILITY.md` "Concurrency stress" and "Driver faults under load").
//!
//! Workers, each on its own connections, run a random mix of dumps, gets, sets and
//! simulator operations (register storms, ports, VFs, reloads, flashes, health breaks,
//! snapshots) over many devices, while monitors joined to `config` feed every
//! notification to the ordering checker (`devlink-check`) and fold it. At the end every
//! monitor must have broken no rule and folded exactly what a fresh dump shows.
//!
//! Scale: `DEVLINKD_STRESS_OPS` operations (default: the CI size), `DEVLINKD_STRESS_WORKERS`
//! workers, `DEVLINKD_STRESS_SEED` (printed), `DEVLINKD_STRESS_BIN` another build of the
//! daemon (the soak runs a release build), `DEVLINKD_STRESS_DAEMON_ARGS` more arguments
//! for it; the faults test: `DEVLINKD_STRESS_FAULT_ROUNDS` rounds of every knob,
//! `DEVLINKD_STRESS_FAULT_PACE_US` the load workers' pause after each operation. Figures
//! on stderr (`--nocapture`); `RELIABILITY.md` has the soak commands.

#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::indexing_slicing,
    reason = "a test harness: a failure is a panic with its reason, figures go to stderr"
)]

#[path = "../common/mod.rs"]
mod common;

mod client;
mod faults;
mod harness;
mod monitor;
mod topology;
mod workload;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use harness::{Run, env_u64, join, load, print_tallies};

/// Operations in CI mode.
const CI_OPS: u64 = 50_000;

#[test]
fn concurrent_clients_keep_every_stream_valid() {
    let ops = env_u64("DEVLINKD_STRESS_OPS", CI_OPS);
    let workers = env_u64("DEVLINKD_STRESS_WORKERS", 6);
    let mut run = Run::start(topology::CONFIG, None);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let (tallies, done, repeats) = join(load(&run, workers, ops, &topology::all(), &stop, None));
    let elapsed = started.elapsed();
    let s = run.finish();
    eprintln!(
        "{done} operations by {workers} workers in {:.1} s ({:.0} ops/s); daemon RSS {} KiB at start, peak {}, end {} KiB; {} instances at the end",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        run.rss_start,
        s.rss_peak,
        s.rss_end,
        s.instances,
    );
    eprintln!("  objects listed again in a later datagram of the same dump: {repeats}");
    for r in &s.reports {
        eprintln!(
            "  monitor {:<13} checked {:>8}  assumed {:>6}  overruns {:>4}  failed dumps {}  violations {}",
            r.name, r.checked, r.assumed, r.overruns, r.failed_dumps, r.violation_count
        );
    }
    print_tallies(&tallies);
    assert_eq!(done, ops);
    // The mix reached what it is meant to: state changed everywhere, and the tiny
    // backlog's monitor went through overruns and re-learnt.
    let accepted: u64 = tallies.values().map(|t| t.ok).sum();
    assert!(
        accepted * 3 > done,
        "only {accepted} of {done} operations accepted"
    );
    for kind in [
        "sim new device",
        "sim del device",
        "reload",
        "flash",
        "port new (sf)",
        "port function set",
        "port split",
        "port unsplit",
        "rate new",
        "line card set",
        "region new",
        "sim break_health",
    ] {
        let ok = tallies.get(kind).map_or(0, |t| t.ok);
        assert!(ok > 0, "no {kind} was accepted");
    }
    let tiny = s.reports.iter().find(|r| r.name == "tiny backlog").unwrap();
    assert!(tiny.overruns > 0, "the tiny backlog never overran");
    assert!(
        s.checked() > done,
        "only {} notifications checked",
        s.checked()
    );
}

#[test]
fn every_fault_knob_under_load() {
    faults::run();
}
