//! Crash safety: the real daemon is killed with `SIGKILL` at random points while
//! several clients commit permanent param values of every type the sim offers (bool,
//! u8, u32, string), and started again on the same state directory, many times. After
//! every restart:
//! - the store file (`params.json`) parses, and agrees with what the daemon shows;
//! - every param shows the value of its last acknowledged `PARAM_SET`, or the value of
//!   the set that was in flight when the daemon died (it may or may not have landed) —
//!   never an older, a default or a torn value.
//!
//! `DEVLINKD_CRASH_ITERATIONS` sets the number of kills (default 1 000, the CI mode;
//! `RELIABILITY.md` has the soak run) and `DEVLINKD_CRASH_SEED` the seed of the
//! schedule (which params, which values, when to kill); the seed is printed, and with
//! it a failure's iteration. The moment of each kill is real time, so a seed repeats the
//! schedule, not the interleaving. In the iterations where the daemon is killed only after
//! the writers finish, a writer that cannot connect or gets no ACK fails the test; at
//! the end writers must have connected, had sets acknowledged and had sets in flight at
//! kills.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::rng::Rng;
use common::state::{DEVICES, StateDir, permanent_values, set_permanent};
use devlink_client::Connection;
use devlink_wire::devlink::{Handle, ParamValue};
use devlinkd::store::{PARAMS_FILE, Stored};

/// The permanent params of each device (`devlink-sim`'s `permanent_params`).
const PARAMS: [&str; 4] = [
    "enable_sriov",
    "msix_vec_per_pf_max",
    "fw_load_policy",
    "cqe_compress_type",
];
/// Writer threads; each owns a fixed set of params, so the order of one param's sets
/// is the order its writer sent them in.
const WRITERS: usize = 4;
/// The longest wait before a kill in the middle of writes.
const MAX_DELAY_US: u32 = 20_000;

#[test]
fn kill_9_at_random_points_never_loses_an_ack_nor_tears_a_value() {
    let iterations: u32 = env("DEVLINKD_CRASH_ITERATIONS", 1_000);
    let seed: u64 = env("DEVLINKD_CRASH_SEED", 0x00c0_ffee);
    eprintln!("crash: {iterations} iterations, DEVLINKD_CRASH_SEED={seed:#x}");
    let mut rng = Rng::new(seed);
    let f = StateDir::new("crash");
    let params = all_params();
    let mut stats = Stats::default();
    let started = Instant::now();

    // What each param may show at the next start: its committed value, and the value
    // of a set in flight at the kill. Before the first kill: what the devices start with.
    let d = f.start();
    let first = permanent_values(&d.connect());
    let defaults: Vec<ParamValue> = params.iter().map(|p| first[&p.key()].clone()).collect();
    let mut allowed: Vec<Vec<ParamValue>> = defaults.iter().map(|v| vec![v.clone()]).collect();
    let mut generation = vec![0u64; params.len()];
    let mut daemon = Some(d);

    for iteration in 0..=iterations {
        let at = |what: String| format!("iteration {iteration} (seed {seed:#x}): {what}");
        // The store parses (before a daemon reads it: one refuses a torn store), and the
        // daemon shows an allowed value of every param, the one the store holds (or the
        // default when the store has none).
        let stored = f.stored().unwrap_or_else(|e| panic!("{}", at(e)));
        let d = daemon.take().unwrap_or_else(|| f.start());
        let shown = permanent_values(&d.connect());
        for (i, p) in params.iter().enumerate() {
            let v = shown
                .get(&p.key())
                .unwrap_or_else(|| panic!("{}", at(format!("{} is missing", p.name))));
            assert!(
                allowed[i].contains(v),
                "{}",
                at(format!(
                    "{} {} shows {v:?}; allowed: {:?}",
                    p.handle, p.name, allowed[i]
                ))
            );
            let in_store = stored
                .as_ref()
                .and_then(|s| s.devices.get(&p.handle.to_string()))
                .and_then(|params| params.get(p.name));
            let expect_stored = match in_store {
                Some(s) => s.clone(),
                None => Stored::from(&defaults[i]),
            };
            assert_eq!(
                Stored::from(v),
                expect_stored,
                "{}",
                at(format!(
                    "{} {}: the daemon and the store differ",
                    p.handle, p.name
                ))
            );
            if allowed[i].len() == 2 {
                stats.in_flight_landed += u32::from(*v == allowed[i][1]);
            }
            allowed[i] = vec![v.clone()];
            stats.values_checked += 1;
        }
        if iteration == iterations {
            break;
        }

        // Writers commit values while the daemon is killed (three in four iterations),
        // or finish a few sets each and the daemon is killed while idle.
        let burst = rng.below(4) != 0;
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let owned: Vec<usize> = (0..params.len())
                    .filter(|i| params[*i].writer == w)
                    .collect();
                let plan = Plan {
                    socket: d.socket.clone(),
                    params: owned
                        .iter()
                        .map(|i| (*i, params[*i].clone(), generation[*i]))
                        .collect(),
                    limit: (!burst).then(|| u64::from(rng.below(6))),
                    seed: rng.next(),
                };
                std::thread::spawn(move || plan.run())
            })
            .collect();
        let outcomes: Vec<Outcome> = if burst {
            std::thread::sleep(Duration::from_micros(u64::from(rng.below(MAX_DELAY_US))));
            drop(d); // SIGKILL, whatever the writers are doing
            writers.into_iter().map(|w| w.join().unwrap()).collect()
        } else {
            let o = writers.into_iter().map(|w| w.join().unwrap()).collect();
            drop(d); // SIGKILL while idle
            o
        };
        stats.kills += 1;
        stats.kills_in_burst += u32::from(burst);
        stats.tmp_left += u32::from(
            f.root
                .join("state")
                .join(format!("{PARAMS_FILE}.tmp"))
                .exists(),
        );
        let mut in_flight = false;
        for o in outcomes {
            let o = o.unwrap_or_else(|e| panic!("{}", at(e)));
            stats.acked += o.acked;
            stats.connected += u32::from(o.connected);
            for (i, last_acked, pending, next) in o.params {
                generation[i] = next;
                if let Some(v) = last_acked {
                    allowed[i] = vec![v];
                }
                if let Some(v) = pending {
                    allowed[i].push(v);
                    in_flight = true;
                    stats.in_flight += 1;
                }
            }
        }
        stats.kills_with_set_in_flight += u32::from(in_flight);
    }
    stats.print(started.elapsed());
    // The writers reached the daemon, got their sets acknowledged and had sets in
    // flight at kills: otherwise the checks above checked nothing (a run of a handful of
    // iterations may have no kill in the middle of a set).
    assert!(
        stats.connected > 0 && stats.acked > 0,
        "no writer connected or got a set acknowledged: {stats:?}"
    );
    assert!(
        iterations < 10 || stats.kills_with_set_in_flight > 0,
        "no kill caught a set in flight: {stats:?}"
    );
}

/// One param: its device, name, and the writer that owns it.
#[derive(Debug, Clone)]
struct Param {
    handle: Handle,
    name: &'static str,
    writer: usize,
}

impl Param {
    fn key(&self) -> (String, String) {
        (self.handle.to_string(), self.name.to_owned())
    }
}

/// Every permanent param of every device, spread over the writers so that each
/// writer has params of two types on two devices.
fn all_params() -> Vec<Param> {
    DEVICES
        .iter()
        .enumerate()
        .flat_map(|(d, h)| {
            let (bus, dev) = h.split_once('/').unwrap();
            PARAMS.iter().enumerate().map(move |(t, name)| Param {
                handle: Handle::new(bus, dev),
                name,
                writer: (t + d) % WRITERS,
            })
        })
        .collect()
}

/// What one writer does in one iteration.
struct Plan {
    socket: PathBuf,
    /// Its params: index, param, first generation.
    params: Vec<(usize, Param, u64)>,
    /// Stop after this many sets, the daemon alive throughout (`None`: until the
    /// daemon dies).
    limit: Option<u64>,
    seed: u64,
}

/// What a writer saw: sets acknowledged, and per param (index) its last acknowledged
/// value, the value of a set that got no answer and the next generation (so that the
/// values of one param do not repeat, as far as its type allows).
struct WriterOutcome {
    /// It reached the daemon.
    connected: bool,
    acked: u32,
    params: Vec<(usize, Option<ParamValue>, Option<ParamValue>, u64)>,
}

type Outcome = Result<WriterOutcome, String>;

impl Plan {
    fn run(self) -> Outcome {
        let mut rng = Rng::new(self.seed);
        let mut out = WriterOutcome {
            connected: false,
            acked: 0,
            params: self
                .params
                .iter()
                .map(|(i, _, g)| (*i, None, None, *g))
                .collect(),
        };
        // During a burst the daemon may be gone before this writer connects; with a
        // limit it is killed only after the writers finish, so every failure is one.
        let c = match Connection::connect(Path::new(&self.socket)) {
            Ok(c) => c,
            Err(e) if self.limit.is_some() => return Err(format!("connect: {e}")),
            Err(_) => return Ok(out),
        };
        out.connected = true;
        let mut n = 0u64;
        while self.limit.is_none_or(|l| n < l) {
            let k = usize::try_from(rng.below(u32::try_from(self.params.len()).unwrap())).unwrap();
            let (_, p, _) = &self.params[k];
            let value = value_of(p.name, out.params[k].3);
            out.params[k].3 += 1;
            n += 1;
            out.params[k].2 = Some(value.clone());
            let seq = u32::try_from(n % u64::from(u32::MAX)).unwrap();
            match set_permanent(&c, seq, &p.handle, p.name, value.clone()) {
                Ok(0) => {
                    out.acked += 1;
                    out.params[k].1 = Some(value);
                    out.params[k].2 = None;
                }
                Ok(e) => return Err(format!("{} {} := {value:?}: error {e}", p.handle, p.name)),
                Err(e) if self.limit.is_some() => {
                    return Err(format!(
                        "{} {} := {value:?} with the daemon alive: {e}",
                        p.handle, p.name
                    ));
                }
                // The daemon died: this set is in flight.
                Err(_) => break,
            }
        }
        Ok(out)
    }
}

/// The value of generation `g` of param `name`: consecutive generations differ.
fn value_of(name: &str, g: u64) -> ParamValue {
    match name {
        "enable_sriov" => ParamValue::Bool(g % 2 == 1),
        "fw_load_policy" => ParamValue::U8(u8::try_from(g % 251).unwrap() + 1),
        "msix_vec_per_pf_max" => ParamValue::U32(u32::try_from(g % 0xffff_fff0).unwrap() + 9),
        // Up to 31 bytes (with the NUL, the kernel's 32).
        _ => ParamValue::String(format!("cqe-{g:x}")),
    }
}

#[derive(Debug, Default)]
struct Stats {
    kills: u32,
    /// Writers that reached the daemon.
    connected: u32,
    kills_in_burst: u32,
    kills_with_set_in_flight: u32,
    in_flight: u32,
    in_flight_landed: u32,
    tmp_left: u32,
    acked: u32,
    values_checked: u32,
}

impl Stats {
    fn print(&self, took: Duration) {
        eprintln!(
            "crash: {} kills ({} during a burst of writes, {} with a set in flight), \
             {} writers connected, {} acknowledged sets, {} sets in flight at a kill ({} of them landed), \
             {} kills left a params.json.tmp, {} values checked after restarts, {:.1} s",
            self.kills,
            self.kills_in_burst,
            self.kills_with_set_in_flight,
            self.connected,
            self.acked,
            self.in_flight,
            self.in_flight_landed,
            self.tmp_left,
            self.values_checked,
            took.as_secs_f64()
        );
    }
}

/// `name` from the environment, or `default`.
fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(s) => {
            let s = s.trim();
            let parsed = match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok().map(|v| v.to_string()),
                None => Some(s.to_owned()),
            };
            parsed
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{name}={s:?}: not a number"))
        }
        Err(_) => default,
    }
}
