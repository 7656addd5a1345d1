//! Driver faults under load: every fault knob of the simulator (`SET_KNOB`, netdevsim's
//! debugfs files) on one device while workers load the others and a reader keeps
//! reading the faulty one. After each injected failure: the failing request got the
//! kernel's errno and extack; the instance shows what the failure leaves (a failed
//! reload: `reload_failed`, no ports); and at a checkpoint every monitor's folded view
//! of the instance equals a dump of it (the streams themselves are checked by the
//! ordering checker all along, and against a full dump at the end). This file: the run,
//! the reader and the checkpoints; `knobs`: one method per knob.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use devlink_client::SimClient;
use devlink_core::fold::{InstanceView, View};
use devlink_wire::devlink::{
    DevReq, Handle, PortGetReq, RegionGetReq, TrapGetReq, TrapPolicerGetReq,
};
use devlink_wire::simctl::NewDevice;
use devlink_wire::spec::Cmd;

mod knobs;

use crate::client::Dl;
use crate::common::requests::reporter;
use crate::harness::{MONITORS, Run, diff, env_u64, join, load, print_tallies};
use crate::monitor::{CHECKPOINT_BASE, CHECKPOINTS_MAX, Checkpoint, Watch, dumped_view};
use crate::topology;

const F: u32 = 5;
const EINVAL: i32 = 22;
const EOPNOTSUPP: i32 = 95;
const ENOMEM: i32 = 12;
const EBUSY: i32 = 16;
const ENOSPC: i32 = 28;

/// The faulty device: netdevsim's defaults plus the flash selftest.
const FAULTY: &str = "\n[[device]]\nid = 5\nports = 2\nselftests = true\n";

/// One row of the table: the knob, what it injected, how often, what was checked.
struct Row {
    knob: &'static str,
    times: u32,
}

struct Faults {
    dl: Dl,
    sim: SimClient,
    h: Handle,
    rx: Receiver<Checkpoint>,
    checkpoints: u32,
    /// Monitor views compared with a dump (up to one per monitor and checkpoint).
    compared: u32,
    /// Checkpoints no monitor could compare at (every one had overrun), taken again.
    missed: u32,
    /// Operations measured again: every monitor had overrun around them.
    retried: u32,
    /// The last checkpoint of each monitor.
    last: BTreeMap<&'static str, Checkpoint>,
    rows: Vec<Row>,
}

pub fn run() {
    let rounds = u32::try_from(env_u64("DEVLINKD_STRESS_FAULT_ROUNDS", 10)).unwrap();
    let pace = Duration::from_micros(env_u64("DEVLINKD_STRESS_FAULT_PACE_US", 200));
    let h = Handle::new("netdevsim", format!("netdevsim{F}"));
    let (tx, rx) = channel();
    let watch = Watch {
        handle: h.clone(),
        tx,
    };
    let mut run = Run::start(&format!("{}{FAULTY}", topology::CONFIG), Some(&watch));
    drop(watch);
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&run, 3, u64::MAX, &topology::all(), &stop, Some(pace));
    let reader = spawn_reader(&run, &h, &stop);
    let mut f = Faults {
        dl: Dl::connect(&run.path()),
        sim: SimClient::connect(&run.path()).unwrap(),
        h,
        rx,
        checkpoints: 0,
        compared: 0,
        missed: 0,
        retried: 0,
        last: BTreeMap::new(),
        rows: Vec::new(),
    };
    f.checkpoint();
    for _ in 0..rounds {
        f.fail_reload();
        f.dont_allow_reload();
        f.flash_knobs();
        f.take_snapshot();
        f.trap_set_knobs();
        f.counter_knobs();
        f.max_vfs();
        f.health_knobs();
        f.selftests();
        f.plain_knobs();
    }
    stop.store(true, Ordering::Relaxed);
    let (tallies, ops, _) = join(workers);
    let reads = reader.join().unwrap();
    let elapsed = started.elapsed();
    let s = run.finish();
    let mut rows: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &f.rows {
        *rows.entry(r.knob).or_default() += r.times;
    }
    eprintln!(
        "faults: {} injections over {} knobs in {:.1} s, under {ops} operations of 3 workers and {reads} reads of the faulty device; {} checkpoints ({} missed by every monitor, taken again), {} monitor views compared, {} operations measured again (every monitor had overrun); {} notifications checked",
        f.rows.iter().map(|r| r.times).sum::<u32>(),
        rows.len(),
        elapsed.as_secs_f64(),
        f.checkpoints,
        f.missed,
        f.compared,
        f.retried,
        s.checked(),
    );
    for (knob, times) in &rows {
        eprintln!("  {knob:<30} {times}");
    }
    print_tallies(&tallies);
    // Every knob the simulator has was exercised.
    let knobs = f.sim.list().unwrap();
    let faulty = knobs.iter().find(|d| d.id == F).unwrap();
    for k in &faulty.knobs {
        assert!(
            rows.contains_key(k.name.as_str()),
            "knob {} not exercised",
            k.name
        );
    }
    // The checkpoints compared for real: few were missed by every monitor, and most
    // monitors compared at most of them (the tiny backlog's overruns aside).
    assert!(
        f.missed * 10 <= f.checkpoints,
        "{} of {} checkpoints missed by every monitor",
        f.missed,
        f.checkpoints
    );
    let possible = f.checkpoints * u32::try_from(MONITORS.len()).unwrap();
    assert!(
        f.compared * 2 >= possible,
        "only {} of {possible} monitor views compared at checkpoints",
        f.compared
    );
}

/// Reads of the faulty instance while it fails: they must be answered (with data, or
/// with the error a counter fault makes them fail with).
fn spawn_reader(run: &Run, h: &Handle, stop: &Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    let (path, h, stop) = (run.path(), h.clone(), stop.clone());
    std::thread::spawn(move || {
        let mut dl = Dl::connect(&path);
        let mut n = 0u64;
        while !stop.load(Ordering::Relaxed) {
            let f = Some(h.clone());
            let answers = [
                dl.request(
                    Cmd::Get,
                    DevReq {
                        handle: f.clone(),
                        unknown: vec![],
                    },
                )
                .map(drop),
                dl.dump(
                    Cmd::PortGet,
                    PortGetReq {
                        handle: f.clone(),
                        ..Default::default()
                    },
                )
                .map(drop),
                dl.dump(
                    Cmd::TrapGet,
                    TrapGetReq {
                        handle: f.clone(),
                        ..Default::default()
                    },
                )
                .map(drop),
                dl.dump(
                    Cmd::TrapPolicerGet,
                    TrapPolicerGetReq {
                        handle: f.clone(),
                        ..Default::default()
                    },
                )
                .map(drop),
                dl.dump(
                    Cmd::RegionGet,
                    RegionGetReq {
                        handle: f.clone(),
                        ..Default::default()
                    },
                )
                .map(drop),
                dl.request(Cmd::HealthReporterGet, reporter(&h, "dummy"))
                    .map(drop),
            ];
            for a in answers {
                if let Err(e) = a {
                    assert_eq!(e.errno, EINVAL, "a read of the faulty device: {e:?}");
                }
                n += 1;
            }
        }
        n
    })
}

impl Faults {
    fn knob(&mut self, name: &str, value: &str) {
        self.sim.set_knob(F, name, value).unwrap();
    }

    fn row(&mut self, knob: &'static str) {
        self.rows.push(Row { knob, times: 1 });
    }

    /// Make every monitor report the faulty instance and compare each report with a
    /// dump of it; the dumped view.
    fn checkpoint(&mut self) -> Option<InstanceView> {
        // The faulty instance does not change meanwhile: when every monitor was
        // re-learning (overrun) at a checkpoint, another one is as good.
        for _ in 0..20 {
            if let Some(dumped) = self.checkpoint_once() {
                return dumped;
            }
            self.missed += 1;
        }
        panic!("no monitor could compare at 20 checkpoints in a row");
    }

    /// One checkpoint: `None` when no monitor could compare.
    fn checkpoint_once(&mut self) -> Option<Option<InstanceView>> {
        let n = self.checkpoints;
        assert!(n < CHECKPOINTS_MAX, "out of checkpoint numbers");
        self.checkpoints += 1;
        let id = CHECKPOINT_BASE + n;
        self.sim
            .new_device(NewDevice {
                id,
                ports: Some(0),
                ..NewDevice::default()
            })
            .unwrap();
        self.sim.del_device(id).unwrap();
        let dumped = dumped_view(&mut self.dl, Some(&self.h))
            .instances
            .get(&self.h)
            .cloned();
        // A monitor that overran around the checkpoint may miss it: wait for the others.
        let deadline = Instant::now() + Duration::from_secs(5);
        let (mut got, mut compared) = (0, 0);
        while got < MONITORS.len() {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            let Ok(c) = self.rx.recv_timeout(left) else {
                break;
            };
            // A late report of an earlier checkpoint.
            if c.number != n {
                continue;
            }
            got += 1;
            assert_eq!(
                c.violations, 0,
                "monitor {} at checkpoint {n}: order violations",
                c.monitor
            );
            let Some(instance) = &c.instance else {
                continue;
            };
            if *instance != dumped {
                let view = |i: &Option<InstanceView>| View {
                    instances: i.iter().map(|v| (self.h.clone(), v.clone())).collect(),
                };
                panic!(
                    "monitor {} at checkpoint {n}: the folded view of {} is not what a dump shows:\n{}",
                    c.monitor,
                    self.h,
                    diff(&view(instance), &view(&dumped))
                );
            }
            self.compared += 1;
            compared += 1;
            self.last.insert(c.monitor, c);
        }
        (compared > 0).then_some(dumped)
    }

    /// Run `act` between two checkpoints; the flash status and recover notifications
    /// about the instance in between, as each monitor that did not overrun meanwhile
    /// counted them. Again (up to 10 times) if every monitor overran.
    fn measured(&mut self, mut act: impl FnMut(&mut Self)) -> Vec<(u64, u64)> {
        for _ in 0..10 {
            self.checkpoint();
            let before = self.last.clone();
            act(self);
            self.checkpoint();
            let d: Vec<_> = self
                .last
                .iter()
                .filter_map(|(m, c)| {
                    let b = before.get(m)?;
                    (b.overruns == c.overruns && b.number != c.number)
                        .then(|| (c.flash_status - b.flash_status, c.recovers - b.recovers))
                })
                .collect();
            if !d.is_empty() {
                return d;
            }
            self.retried += 1;
        }
        panic!("every monitor overran around the same operation 10 times");
    }
}
