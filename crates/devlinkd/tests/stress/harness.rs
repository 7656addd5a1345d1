//! A stress run: the real daemon with the stress topology, monitors joined to `config`,
//! workers, a sampler of the daemon's memory, and the end of a run — quiesce, let every
//! monitor catch up (sentinel devices), and compare what each folded with a fresh dump.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use devlink_client::SimClient;
use devlink_core::fold::View;
use devlink_wire::simctl::NewDevice;

use crate::client::Dl;
use crate::common::Daemon;
use crate::monitor::{self, Flavour, Report, Watch};
use crate::topology::{self, Device};
use crate::workload::{Tallies, Worker, merge};

/// A number from the environment, or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// The monitors of every run: default backlog (packed), one notification per
/// datagram, and a tiny backlog that overruns.
pub const MONITORS: [Flavour; 3] = [
    Flavour {
        name: "packed",
        rcvbuf: None,
        unpacked: false,
    },
    Flavour {
        name: "unpacked",
        rcvbuf: None,
        unpacked: true,
    },
    Flavour {
        name: "tiny backlog",
        rcvbuf: Some(16_384),
        unpacked: false,
    },
];

pub struct Run {
    pub daemon: Daemon,
    pub seed: u64,
    monitors: Vec<(JoinHandle<Report>, Arc<AtomicBool>)>,
    rss: Arc<(AtomicU64, AtomicBool)>,
    sampler: Option<JoinHandle<()>>,
    pub rss_start: u64,
}

impl Run {
    /// Start the daemon (`DEVLINKD_STRESS_BIN`, else the test build's) with `config`
    /// and the monitors.
    pub fn start(config: &str, watch: Option<&Watch>) -> Self {
        let seed = env_u64("DEVLINKD_STRESS_SEED", 0x5eed_0009);
        eprintln!("stress seed {seed:#x} (DEVLINKD_STRESS_SEED)");
        let file = std::env::temp_dir().join(format!(
            "devlinkd-stress-{}-{seed:x}-{}.toml",
            std::process::id(),
            config.len()
        ));
        std::fs::write(&file, config).unwrap();
        let bin = std::env::var_os("DEVLINKD_STRESS_BIN").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_devlinkd")),
            PathBuf::from,
        );
        // More daemon arguments (e.g. `--watch-history 1000`), split at white space.
        let extra = std::env::var("DEVLINKD_STRESS_DAEMON_ARGS").unwrap_or_default();
        let mut args = vec!["--config", file.to_str().unwrap()];
        args.extend(extra.split_whitespace());
        let daemon = Daemon::start_bin(&bin, &args);
        let _ = std::fs::remove_file(&file);
        let rss_start = daemon.rss_kib();
        let monitors = MONITORS
            .iter()
            .map(|f| {
                let done = Arc::new(AtomicBool::new(false));
                let m = monitor::spawn(
                    &daemon.socket,
                    *f,
                    topology::SENTINEL,
                    watch.cloned(),
                    done.clone(),
                );
                (m, done)
            })
            .collect();
        // The daemon's peak memory, sampled.
        let rss = Arc::new((AtomicU64::new(rss_start), AtomicBool::new(false)));
        let status = format!("/proc/{}/status", daemon.pid());
        let r = rss.clone();
        let sampler = std::thread::spawn(move || {
            while !r.1.load(Ordering::Relaxed) {
                if let Some(kib) = rss_of(&status) {
                    r.0.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Self {
            daemon,
            seed,
            monitors,
            rss,
            sampler: Some(sampler),
            rss_start,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.daemon.socket.clone()
    }

    /// Quiesced (every writer stopped): bring every monitor to the end of the stream
    /// with sentinel devices (one made and deleted per round, until every monitor saw a
    /// sentinel's `DEL`; a monitor that overran may miss one), then check that each
    /// broke no rule and folded exactly what a dump shows now.
    pub fn finish(&mut self) -> Summary {
        let mut sim = SimClient::connect(&self.daemon.socket).unwrap();
        let all_done = |m: &[(JoinHandle<Report>, Arc<AtomicBool>)]| {
            m.iter().all(|(_, d)| d.load(Ordering::Acquire))
        };
        for round in 0..50 {
            if all_done(&self.monitors) {
                break;
            }
            let id = topology::SENTINEL_BASE + round;
            sim.new_device(NewDevice {
                id,
                ports: Some(0),
                ..NewDevice::default()
            })
            .unwrap();
            sim.del_device(id).unwrap();
            let t = Instant::now();
            while !all_done(&self.monitors) && t.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        assert!(all_done(&self.monitors), "a monitor never saw a sentinel");
        let dumped = monitor::dumped_view(&mut Dl::connect(&self.daemon.socket), None);
        let mut summary = Summary {
            rss_end: self.daemon.rss_kib(),
            ..Summary::default()
        };
        self.rss.1.store(true, Ordering::Relaxed);
        if let Some(s) = self.sampler.take() {
            s.join().unwrap();
        }
        summary.rss_peak = self.rss.0.load(Ordering::Relaxed).max(summary.rss_end);
        for (m, _) in self.monitors.drain(..) {
            let r = m.join().unwrap();
            assert!(
                r.violation_count == 0,
                "monitor {}: {} order violations (seed {:#x}): {:#?}",
                r.name,
                r.violation_count,
                self.seed,
                r.violations
            );
            if r.view != dumped {
                panic!(
                    "monitor {}: the folded stream is not what a dump shows (seed {:#x}):\n{}",
                    r.name,
                    self.seed,
                    diff(&r.view, &dumped)
                );
            }
            summary.reports.push(r);
        }
        summary.instances = dumped.instances.len();
        summary
    }
}

/// `VmRSS` in KiB.
fn rss_of(status: &str) -> Option<u64> {
    std::fs::read_to_string(status)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The end of a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub reports: Vec<Report>,
    pub instances: usize,
    pub rss_peak: u64,
    pub rss_end: u64,
}

impl Summary {
    pub fn checked(&self) -> u64 {
        self.reports.iter().map(|r| r.checked).sum()
    }
}

/// What differs between a folded view and a dumped one, readably.
pub fn diff(folded: &View, dumped: &View) -> String {
    let mut out = String::new();
    for (h, a) in &folded.instances {
        let Some(b) = dumped.instances.get(h) else {
            out += &format!("  {h}: folded, not dumped: {a:?}\n");
            continue;
        };
        if a.dev != b.dev {
            out += &format!("  {h}: dev {:?}\n    dumped {:?}\n", a.dev, b.dev);
        }
        macro_rules! each {
            ($($f:ident),*) => {$(
                for (k, x) in &a.$f {
                    match b.$f.get(k) {
                        None => out += &format!("  {h}: {} {k:?} folded, not dumped: {x:?}\n", stringify!($f)),
                        Some(y) if x != y => out += &format!("  {h}: {} {k:?}: {x:?}\n    dumped {y:?}\n", stringify!($f)),
                        Some(_) => {}
                    }
                }
                for k in b.$f.keys().filter(|k| !a.$f.contains_key(*k)) {
                    out += &format!("  {h}: {} {k:?} dumped, not folded\n", stringify!($f));
                }
            )*};
        }
        each!(
            ports, params, policers, groups, traps, rates, regions, linecards
        );
    }
    for h in dumped
        .instances
        .keys()
        .filter(|h| !folded.instances.contains_key(*h))
    {
        out += &format!("  {h}: dumped, not folded\n");
    }
    out
}

/// Run `workers` workers over `devices` until `ops` operations are done or `stop` is set,
/// each pausing `pace` after every operation.
pub fn load(
    run: &Run,
    workers: u64,
    ops: u64,
    devices: &[Device],
    stop: &Arc<AtomicBool>,
    pace: Option<Duration>,
) -> Vec<JoinHandle<(Tallies, u64)>> {
    let counter = Arc::new(AtomicU64::new(0));
    (0..workers)
        .map(|i| {
            let path = run.path();
            let (counter, stop) = (counter.clone(), stop.clone());
            let seed = run.seed ^ (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let devices = devices.to_vec();
            std::thread::Builder::new()
                .name(format!("worker {i}"))
                .spawn(move || {
                    let mut w = Worker::new(&path, seed, devices);
                    while !stop.load(Ordering::Relaxed)
                        && counter.fetch_add(1, Ordering::Relaxed) < ops
                    {
                        w.step();
                        if let Some(p) = pace {
                            std::thread::sleep(p);
                        }
                    }
                    (w.tallies, w.dl.repeats)
                })
                .unwrap()
        })
        .collect()
}

/// Join workers: their tallies merged, the number of operations, and the objects their
/// dumps listed again in a later datagram (see `client.rs`).
pub fn join(workers: Vec<JoinHandle<(Tallies, u64)>>) -> (Tallies, u64, u64) {
    let mut all = Tallies::new();
    let mut repeats = 0;
    for w in workers {
        let (t, r) = w.join().unwrap();
        merge(&mut all, &t);
        repeats += r;
    }
    let ops = all
        .values()
        .map(|t| t.ok + t.refused.values().sum::<u64>())
        .sum();
    (all, ops, repeats)
}

/// The tallies as a table on stderr.
pub fn print_tallies(t: &Tallies) {
    for (kind, t) in t {
        let refused: Vec<String> = t
            .refused
            .iter()
            .map(|(e, n)| format!("errno {e}: {n}"))
            .collect();
        eprintln!("  {kind:<20} ok {:>7}  {}", t.ok, refused.join(", "));
    }
}
