//! `devlinkd_watch` through the real daemon (`BENCHMARKS.md`): what a watcher receives
//! per second, and how long an informer takes to catch up on a backlog by replaying the
//! history, against a fresh snapshot of the same objects.
//!
//! `cargo bench -p devlinkd --bench watch` runs N = 100 000 (`WATCH_BENCH_N` overrides);
//! without `--bench` (`cargo test -p devlinkd --benches`) it is a smoke run of N = 1 000
//! that only checks the results. Either way every replay is checked against a snapshot.
//!
//! 1. **Bulk**: a watcher subscribed, a device with N ports registers: one revision of
//!    N + ~40 events. Timed: the request until its ACK, and until the watcher has the
//!    revision's `LAST` event.
//! 2. **Churn**: a watcher (another thread) subscribed, a port of a small device added
//!    and removed N times, one request each: N revisions of one event. Timed: the
//!    requests, and until the watcher has the last. (Not N ports added one by one to one
//!    device: each such commit costs time linear in the device's ports, see
//!    `BENCHMARKS.md`.)
//! 3. **Catch-up** from before each backlog, filtered to that device: a watch replaying
//!    the history until its `BOOKMARK`, against a `SNAPSHOT` of the device's objects
//!    (the bulk backlog: 100 k changes that made 100 k objects; the churn backlog:
//!    100 k changes that left a few dozen).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::cast_precision_loss
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use devlink_client::{SimClient, WatchClient, WatchItem};
use devlink_wire::simctl::NewDevice;
use devlink_wire::watch::{Filter, Mirror, WatchReq};

use common::Daemon;

const T: Duration = Duration::from_secs(120);

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let n: u32 = std::env::var("WATCH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100_000 } else { 1_000 });
    let history = (4 * n).max(262_144).to_string();
    let d = Daemon::start(&["--no-default-devices", "--watch-history", &history]);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    println!("devlinkd_watch, N = {n}");

    // 1. Bulk: one revision of N ports.
    let before_bulk = revision(&d);
    let mut w = subscribed(&d, None);
    let t = Instant::now();
    sim.new_device(NewDevice {
        id: 1,
        ports: Some(n),
        ..NewDevice::default()
    })
    .unwrap();
    let ack = t.elapsed();
    let (events, rev, first) = until_last(&mut w, before_bulk + 1);
    let got = t.elapsed();
    report("bulk: one revision", events, got, Some(ack));
    let stream = got.saturating_sub(first.duration_since(t));
    report("bulk: first event to last", events, stream, None);
    assert_eq!(rev, before_bulk + 1);

    // 2. Churn: N revisions of one event each, the watcher in its own thread.
    sim.new_device(NewDevice {
        id: 2,
        ports: Some(0),
        ..NewDevice::default()
    })
    .unwrap();
    let before_churn = revision(&d);
    let mut w = subscribed(&d, Some(dev_filter(2)));
    let watcher = std::thread::spawn(move || {
        let mut events = 0;
        let mut last = 0;
        while last < before_churn + u64::from(n) {
            let (e, r, _) = until_last(&mut w, 0);
            events += e;
            last = r;
        }
        (events, Instant::now())
    });
    let t = Instant::now();
    for i in 0..n {
        sim.port(2, 0, i % 2 == 0).unwrap();
    }
    let sent = t.elapsed();
    let (events, end) = watcher.join().unwrap();
    report("churn: N revisions", events, end - t, Some(sent));

    // 3. Catch-up on each backlog against a snapshot of the same objects.
    println!("catch-up (filtered to the device)   | replay to BOOKMARK | SNAPSHOT | ratio");
    for (name, id, from) in [
        ("bulk backlog (1 revision)", 1, before_bulk),
        ("churn backlog (N revisions)", 2, before_churn),
    ] {
        let filter = dev_filter(id);
        let mut c = WatchClient::connect(&d.socket).unwrap();
        let start = c.snapshot(Some(from), &filter).unwrap();
        let mut mirror = Mirror::from_snapshot(from, start.objects).unwrap();
        let t = Instant::now();
        c.watch(WatchReq {
            from: Some(from),
            filter: filter.clone(),
            ..WatchReq::default()
        })
        .unwrap();
        let events = replay(&mut c, &mut mirror);
        let replay_time = t.elapsed();
        let t = Instant::now();
        let snap = WatchClient::connect(&d.socket)
            .unwrap()
            .snapshot(None, &filter)
            .unwrap();
        let snap_time = t.elapsed();
        let objects = snap.objects.len();
        assert_eq!(
            mirror,
            Mirror::from_snapshot(snap.end.revision, snap.objects).unwrap(),
            "{name}: the replay does not end at the snapshot"
        );
        println!(
            "{name:<36}| {events} events {:>8.1} ms | {objects} objects {:>8.1} ms | {:.2}",
            ms(replay_time),
            ms(snap_time),
            replay_time.as_secs_f64() / snap_time.as_secs_f64()
        );
    }
}

fn dev_filter(id: u32) -> Filter {
    Filter {
        handle: Some(("netdevsim".into(), format!("netdevsim{id}"))),
        ..Filter::default()
    }
}

/// The current revision.
fn revision(d: &Daemon) -> u64 {
    let mut c = WatchClient::connect(&d.socket).unwrap();
    let f = Filter {
        kinds: Some(0),
        ..Filter::default()
    };
    c.snapshot(None, &f).unwrap().end.revision
}

/// A watch from now (ACKed: subscribed).
fn subscribed(d: &Daemon, filter: Option<Filter>) -> WatchClient {
    let mut w = WatchClient::connect(&d.socket).unwrap();
    w.watch(WatchReq {
        filter: filter.unwrap_or_default(),
        ..WatchReq::default()
    })
    .unwrap();
    w
}

/// Events until a `LAST` of a revision ≥ `rev`: their count, that revision and when
/// the first came.
fn until_last(w: &mut WatchClient, rev: u64) -> (u64, u64, Instant) {
    let mut events = 0;
    let mut first = None;
    loop {
        match w.next(T).unwrap() {
            WatchItem::Event(e) => {
                events += 1;
                let first = *first.get_or_insert_with(Instant::now);
                if e.last && e.revision >= rev {
                    return (events, e.revision, first);
                }
            }
            WatchItem::Bookmark(_) => {}
            WatchItem::Cancelled(c) => panic!("cancelled: {c:?}"),
        }
    }
}

/// Apply events to `mirror` until the replay's `BOOKMARK`; the number of events.
fn replay(w: &mut WatchClient, mirror: &mut Mirror) -> u64 {
    let mut events = 0;
    loop {
        match w.next(T).unwrap() {
            WatchItem::Event(e) => {
                events += 1;
                mirror
                    .apply(e.revision, e.op, e.kind, &e.object, e.last)
                    .unwrap();
            }
            WatchItem::Bookmark(b) => {
                mirror.revision = mirror.revision.max(b.revision);
                return events;
            }
            WatchItem::Cancelled(c) => panic!("cancelled: {c:?}"),
        }
    }
}

fn report(name: &str, events: u64, watcher: Duration, request: Option<Duration>) {
    let request = request.map_or_else(String::new, |r| format!(", requests done {:.1} ms", ms(r)));
    println!(
        "{name}: {events} events in {:.1} ms at the watcher ({:.0} events/s){request}",
        ms(watcher),
        events as f64 / watcher.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
