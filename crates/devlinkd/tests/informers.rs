//! Informers against the real daemon while writers change many objects at once: each
//! ends with a mirror equal to a final snapshot, and every mirror it published equals
//! the snapshot at that mirror's revision. Informers started late, resumed from a
//! revision the history no longer holds, or cancelled for falling behind re-list and
//! still converge.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use devlink_client::SimClient;
use devlink_client::aio::{AsyncWatch, Change, Informer, InformerOptions};
use devlink_wire::devlink::{Handle, RateKey};
use devlink_wire::message::DevlinkBody;
use devlink_wire::simctl::{NewDevice, SimEswitch};
use devlink_wire::spec::{Cmd, EswitchMode, TrapAction};
use devlink_wire::watch::{Filter, Mirror, ObjectKey};

use common::Daemon;
use common::requests::{Dl, nsim};

const WAIT: Duration = Duration::from_secs(10);

/// What one informer saw: the mirrors it published (by revision), and its change
/// stream folded.
#[derive(Default)]
struct Seen {
    mirrors: BTreeMap<u64, Arc<Mirror>>,
    folded: BTreeMap<ObjectKey, DevlinkBody>,
    revisions: u64,
}

/// Follow `inf`'s change stream: fold it and keep the mirror each time a revision
/// completes. Ends when the informer is dropped.
fn record(inf: &Arc<Informer>) -> JoinHandle<Seen> {
    let mut rx = inf.changes();
    let weak = Arc::downgrade(inf);
    tokio::spawn(async move {
        let mut seen = Seen::default();
        loop {
            match rx.recv().await {
                Ok(Change::Put { key, after, .. }) => {
                    seen.folded.insert(key, after);
                }
                Ok(Change::Del { key, .. }) => {
                    seen.folded.remove(&key);
                }
                Ok(Change::Relisted { .. }) => {}
                Ok(Change::Revision { .. }) => {
                    seen.revisions += 1;
                    let Some(inf) = weak.upgrade() else { break };
                    let m = inf.mirror();
                    seen.mirrors.insert(m.revision, m);
                }
                Err(RecvError::Closed) => break,
                Err(RecvError::Lagged(n)) => panic!("the change stream lagged by {n}"),
            }
        }
        seen
    })
}

/// One sim device's writer: traps, groups, policers, params, snapshots, health,
/// ports and reloads, `rounds` times. Returns the requests the daemon accepted.
async fn device_writer(path: PathBuf, id: u32, rounds: u32) -> u32 {
    let dl = Dl::connect(&path).await;
    let h = nsim(id);
    let mut ok = 0;
    let mut count = |r: bool| ok += u32::from(r);
    for i in 0..rounds {
        let action = if i % 2 == 0 {
            TrapAction::Trap
        } else {
            TrapAction::Drop
        };
        count(dl.trap_set(&h, "blackhole_route", action).await.is_ok());
        count(
            dl.trap_group_set(&h, "l3_drops", Some(action), None)
                .await
                .is_ok(),
        );
        count(
            dl.trap_group_set(&h, "l2_drops", None, Some(1 + i % 3))
                .await
                .is_ok(),
        );
        count(
            dl.policer_set(&h, 1 + i % 3, 100 + u64::from(i), 64)
                .await
                .is_ok(),
        );
        count(dl.param_set_u32(&h, "max_macs", 10 + i).await.is_ok());
        count(dl.snapshot_new(&h, 100 + i).await.is_ok());
        if i >= 2 {
            count(dl.snapshot_del(&h, 100 + i - 2).await.is_ok());
        }
        count(
            dl.health_set(&h, "dummy", u64::from(i), i % 2 == 0)
                .await
                .is_ok(),
        );
        count(dl.health_recover(&h, "dummy").await.is_ok());
        let path = path.clone();
        count(
            tokio::task::spawn_blocking(move || {
                let mut sim = SimClient::connect(&path).unwrap();
                let port = sim.port(id, 10 + i % 4, i % 8 < 4).is_ok();
                let broke = sim.set_knob(id, "health/break_health", "x").is_ok();
                port && broke
            })
            .await
            .unwrap(),
        );
        if i % 5 == 4 {
            count(dl.resource_set(&h, 2, 1000 + u64::from(i)).await.is_ok());
            count(dl.reload(&h).await.is_ok());
        }
    }
    ok
}

/// The e-switch and rate writer: switchdev, VFs with rate leaves, nodes made, set and
/// deleted, VFs disabled (the driver destroys the nodes), `rounds` times.
async fn rate_writer(path: PathBuf, id: u32, rounds: u32) -> u32 {
    let dl = Dl::connect(&path).await;
    let h = nsim(id);
    let mut ok = 0;
    let sim = |f: Box<dyn FnOnce(&mut SimClient) -> bool + Send>| {
        let path = path.clone();
        async move {
            tokio::task::spawn_blocking(move || f(&mut SimClient::connect(&path).unwrap()))
                .await
                .unwrap()
        }
    };
    const MBIT: u64 = 125_000;
    for i in 0..rounds {
        ok += u32::from(dl.eswitch_set(&h, EswitchMode::Switchdev).await.is_ok());
        ok += u32::from(sim(Box::new(move |s| s.sriov_numvfs(id, 2).is_ok())).await);
        for n in 0..2 {
            let node = RateKey::Node(format!("n{n}"));
            let r = dl.rate(Cmd::RateNew, &h, node, Some(MBIT * u64::from(i + 1)), None);
            ok += u32::from(r.await.is_ok());
        }
        let leaf = dl.rate(Cmd::RateSet, &h, RateKey::Leaf(128), Some(MBIT), Some("n0"));
        ok += u32::from(leaf.await.is_ok());
        let set = dl.rate(
            Cmd::RateSet,
            &h,
            RateKey::Node("n1".into()),
            None,
            Some("n0"),
        );
        ok += u32::from(set.await.is_ok());
        if i % 2 == 0 {
            let unparent = dl.rate(Cmd::RateSet, &h, RateKey::Leaf(128), None, Some(""));
            ok += u32::from(unparent.await.is_ok());
            ok += u32::from(dl.rate_del(&h, "n1").await.is_ok());
        }
        ok += u32::from(sim(Box::new(move |s| s.sriov_numvfs(id, 0).is_ok())).await);
    }
    ok
}

/// Devices created and deleted.
async fn churn_writer(path: PathBuf, first: u32, rounds: u32) -> u32 {
    tokio::task::spawn_blocking(move || {
        let mut sim = SimClient::connect(&path).unwrap();
        let mut ok = 0;
        for i in 0..rounds {
            let id = first + i % 3;
            let made = sim.new_device(NewDevice {
                id,
                ports: Some(1 + i % 3),
                ..NewDevice::default()
            });
            ok += u32::from(made.is_ok());
            if i % 3 == 2 {
                for d in first..first + 3 {
                    ok += u32::from(sim.del_device(d).is_ok());
                }
            }
        }
        ok
    })
    .await
    .unwrap()
}

/// The devices the writers work on.
fn make_devices(path: &Path) {
    let mut sim = SimClient::connect(path).unwrap();
    for id in [10, 11] {
        sim.new_device(NewDevice {
            id,
            ports: Some(2),
            ..NewDevice::default()
        })
        .unwrap();
    }
    sim.new_device(NewDevice {
        id: 12,
        ports: Some(1),
        eswitch: Some(SimEswitch::Legacy),
        ..NewDevice::default()
    })
    .unwrap();
}

/// Run every writer at once, `rounds` rounds each; the requests they got through.
async fn write(path: PathBuf, rounds: u32) -> u32 {
    let p = || path.clone();
    let writers = vec![
        tokio::spawn(device_writer(p(), 10, rounds)),
        tokio::spawn(device_writer(p(), 11, rounds)),
        tokio::spawn(rate_writer(p(), 12, rounds)),
        tokio::spawn(churn_writer(p(), 20, rounds)),
    ];
    let mut ok = 0;
    for w in writers {
        ok += w.await.unwrap();
    }
    ok
}

/// The objects `filter` passes at `revision` (`None`: now).
async fn snapshot(path: &Path, at: Option<u64>, filter: &Filter) -> Mirror {
    let w = AsyncWatch::connect(path, 16).await.unwrap();
    let s = w.snapshot(at, filter).await.unwrap();
    Mirror::from_snapshot(s.end.revision, s.objects).unwrap()
}

/// `inf` reaches the final revision, and its mirror then equals the final snapshot.
async fn converges(path: &Path, name: &str, inf: &Informer, filter: &Filter, end: &Mirror) {
    let reached = tokio::time::timeout(WAIT, inf.wait_for(end.revision))
        .await
        .unwrap_or_else(|_| panic!("{name}: stuck at {}", inf.revision()))
        .unwrap();
    assert_eq!(
        reached, end.revision,
        "{name}: nothing was written after the end"
    );
    let expected = snapshot(path, Some(end.revision), filter).await;
    let m = inf.mirror();
    assert!(
        *m == expected,
        "{name}: final mirror: {}",
        diff(&m, &expected)
    );
}

/// What differs between two mirrors, readably.
fn diff(a: &Mirror, b: &Mirror) -> String {
    let mut out = format!("revisions {} and {}", a.revision, b.revision);
    for (k, (_, x)) in &a.objects {
        match b.objects.get(k) {
            None => out += &format!("\n  only in the mirror: {k:?}"),
            Some((_, y)) if x != y => out += &format!("\n  differs: {x:?}\n    snapshot: {y:?}"),
            Some(_) => {}
        }
    }
    for k in b.objects.keys().filter(|k| !a.objects.contains_key(*k)) {
        out += &format!("\n  only in the snapshot: {k:?}");
    }
    out
}

fn dev(h: &Handle) -> Filter {
    Filter {
        handle: Some((h.bus.to_string(), h.dev.to_string())),
        ..Filter::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_published_mirror_is_the_snapshot_at_its_revision() {
    let started = Instant::now();
    let d = Daemon::start(&[]);
    make_devices(&d.socket);
    let all = Filter::default();
    let one = dev(&nsim(10));
    let start =
        |filter: &Filter, options| Arc::new(Informer::start(&d.socket, filter.clone(), options));
    let mut informers = vec![
        (
            "early",
            all.clone(),
            start(&all, InformerOptions::default()),
        ),
        (
            "filtered",
            one.clone(),
            start(&one, InformerOptions::default()),
        ),
        (
            "lagging",
            all.clone(),
            start(
                &all,
                InformerOptions {
                    max_lag: Some(2),
                    ..InformerOptions::default()
                },
            ),
        ),
        (
            "tiny queue",
            all.clone(),
            start(
                &all,
                InformerOptions {
                    queue: 1,
                    ..InformerOptions::default()
                },
            ),
        ),
    ];
    let mut recorders: Vec<_> = informers.iter().map(|(_, _, i)| record(i)).collect();
    let first = tokio::spawn(write(d.socket.clone(), 12));
    tokio::time::sleep(Duration::from_millis(30)).await;
    let late = start(&all, InformerOptions::default());
    recorders.push(record(&late));
    informers.push(("late", all.clone(), late));
    let ok = first.await.unwrap() + write(d.socket.clone(), 4).await;
    assert!(ok > 300, "the writers got only {ok} requests through");

    let end = snapshot(&d.socket, None, &all).await;
    for (name, filter, inf) in &informers {
        converges(&d.socket, name, inf, filter, &end).await;
    }
    // Every mirror each published equals the snapshot at its revision.
    let stats: Vec<_> = informers.iter().map(|(n, _, i)| (*n, i.stats())).collect();
    let mirrors: Vec<_> = informers
        .iter()
        .map(|(n, f, i)| (*n, f.clone(), i.mirror()))
        .collect();
    drop(informers);
    let lagging = stats.iter().find(|(n, _)| *n == "lagging").unwrap().1;
    assert!(lagging.relists >= 1, "lagging: {lagging:?}");
    let mut checked = BTreeSet::new();
    for ((name, filter, last), recorder) in mirrors.into_iter().zip(recorders) {
        let seen = recorder.await.unwrap();
        assert!(seen.revisions > 10, "{name}: {} revisions", seen.revisions);
        assert_eq!(
            seen.folded,
            last.objects
                .iter()
                .map(|(k, (_, b))| (k.clone(), b.clone()))
                .collect(),
            "{name}: the change stream folded is the mirror"
        );
        for (rev, m) in &seen.mirrors {
            if *rev == 0 {
                continue;
            }
            let at = snapshot(&d.socket, Some(*rev), &filter).await;
            assert!(**m == at, "{name}: mirror at {rev}: {}", diff(m, &at));
            checked.insert((name, *rev));
        }
    }
    assert!(checked.len() > 40, "only {} mirrors checked", checked.len());
    eprintln!(
        "{} mirrors checked, {stats:?}, in {:?}",
        checked.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_old_or_overflowing_informers_relist() {
    let d = Daemon::start(&["--watch-history", "50"]);
    make_devices(&d.socket);
    let all = Filter::default();
    let start = |options| Arc::new(Informer::start(&d.socket, all.clone(), options));
    let lagging = start(InformerOptions {
        max_lag: Some(2),
        ..InformerOptions::default()
    });
    let tiny = start(InformerOptions {
        max_lag: Some(4),
        queue: 1,
        ..InformerOptions::default()
    });
    let writing = tokio::spawn(write(d.socket.clone(), 6));
    tokio::time::sleep(Duration::from_millis(30)).await;
    // Resumes from revision 1, long gone from a history of 50 changes.
    let resumed = start(InformerOptions {
        start_at: Some(1),
        ..InformerOptions::default()
    });
    let ok = writing.await.unwrap();
    assert!(ok > 100, "the writers got only {ok} requests through");
    let end = snapshot(&d.socket, None, &all).await;
    assert!(end.revision > 100, "only {} revisions", end.revision);
    for (name, inf) in [
        ("lagging", &lagging),
        ("tiny", &tiny),
        ("resumed", &resumed),
    ] {
        converges(&d.socket, name, inf, &all, &end).await;
    }
    let (l, t, r) = (lagging.stats(), tiny.stats(), resumed.stats());
    assert!(l.cancelled >= 1 && l.relists >= 1, "lagging: {l:?}");
    assert!(t.cancelled >= 1 && t.relists >= 1, "tiny: {t:?}");
    assert!(r.too_old >= 1, "resumed: {r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_informer_reconnects_to_a_restarted_daemon() {
    let d = Daemon::start(&[]);
    let all = Filter::default();
    let inf = Informer::start(&d.socket, all.clone(), InformerOptions::default());
    // Changes while it follows the first daemon.
    make_devices(&d.socket);
    let before = snapshot(&d.socket, None, &all).await;
    converges(&d.socket, "first daemon", &inf, &all, &before).await;
    // SIGKILL; the same socket path, a daemon with other devices and its own
    // revisions, changed while the informer reconnects.
    drop(d);
    let d = Daemon::start(&["--no-default-devices"]);
    make_devices(&d.socket);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    sim.port(10, 20, true).unwrap();
    let end = snapshot(&d.socket, None, &all).await;
    assert_ne!(end, before);
    converges(&d.socket, "restarted", &inf, &all, &end).await;
    let s = inf.stats();
    assert!(s.reconnects >= 1 && s.relists >= 1, "{s:?}");
    // And after it resynced.
    sim.del_device(11).unwrap();
    sim.port(12, 5, true).unwrap();
    let end = snapshot(&d.socket, None, &all).await;
    converges(&d.socket, "after the resync", &inf, &all, &end).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_bookmarks_advance_a_quiet_filtered_informer() {
    let d = Daemon::start(&[]);
    make_devices(&d.socket);
    // netdevsim11 stays quiet while netdevsim10 changes.
    let quiet = dev(&nsim(11));
    let inf = Informer::start(
        &d.socket,
        quiet.clone(),
        InformerOptions {
            bookmark_ms: Some(20),
            ..InformerOptions::default()
        },
    );
    let listed = snapshot(&d.socket, None, &Filter::default()).await;
    tokio::time::timeout(WAIT, inf.wait_for(listed.revision))
        .await
        .unwrap()
        .unwrap();
    // Let the bookmark wait_for asked for come first.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut sim = SimClient::connect(&d.socket).unwrap();
    for i in 0..3 {
        sim.port(10, 20 + i, true).unwrap();
    }
    let end = snapshot(&d.socket, None, &Filter::default()).await;
    assert!(end.revision >= listed.revision + 3);
    // No wait_for (no PROGRESS): the periodic bookmarks alone bring it to the end.
    let reached = async {
        while inf.revision() < end.revision {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(WAIT, reached)
        .await
        .unwrap_or_else(|_| panic!("stuck at {}", inf.revision()));
    assert_eq!(
        *inf.mirror(),
        snapshot(&d.socket, Some(end.revision), &quiet).await
    );
    let s = inf.stats();
    assert!(s.bookmarks >= 1 && s.events == 0, "{s:?}");
}
