//! `devlinkd_watch` through the real daemon over real sockets: a watcher's mirror,
//! built from a snapshot and the events after it, equals the snapshot at every revision
//! it completes while another client creates, changes and deletes devices.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use devlink_client::{SimClient, WatchClient, WatchItem};
use devlink_wire::simctl::NewDevice;
use devlink_wire::watch::{Filter, Mirror, WatchReq};

use common::Daemon;

const T: Duration = Duration::from_secs(10);

/// Read events until the mirror reaches `revision`.
fn follow(w: &mut WatchClient, mirror: &mut Mirror, revision: u64) -> Vec<u64> {
    let mut completed = Vec::new();
    while mirror.revision < revision {
        match w.next(T).unwrap() {
            WatchItem::Event(e) => {
                mirror
                    .apply(e.revision, e.op, e.kind, &e.object, e.last)
                    .unwrap();
                if e.last {
                    completed.push(e.revision);
                }
            }
            WatchItem::Bookmark(b) => mirror.revision = mirror.revision.max(b.revision),
            WatchItem::Cancelled(c) => panic!("cancelled: {c:?}"),
        }
    }
    completed
}

#[test]
fn a_mirror_equals_the_snapshot_at_every_revision_it_completes() {
    let d = Daemon::start(&[]);
    let mut w = WatchClient::connect(&d.socket).unwrap();
    let snap = w.snapshot(None, &Filter::default()).unwrap();
    let mut mirror = Mirror::from_snapshot(snap.end.revision, snap.objects).unwrap();
    w.watch(WatchReq {
        from: Some(snap.end.revision),
        ..WatchReq::default()
    })
    .unwrap();
    let mut sim = SimClient::connect(&d.socket).unwrap();
    sim.new_device(NewDevice {
        id: 20,
        ports: Some(3),
        vfs: Some(2),
        ..NewDevice::default()
    })
    .unwrap();
    sim.set_knob(20, "health/break_health", "1").ok();
    sim.port(20, 3, true).unwrap();
    sim.del_device(0).unwrap();
    let mut reader = WatchClient::connect(&d.socket).unwrap();
    let now = reader.snapshot(None, &Filter::default()).unwrap();
    let completed = follow(&mut w, &mut mirror, now.end.revision);
    assert!(completed.len() >= 4, "{completed:?}");
    let at_end = Mirror::from_snapshot(now.end.revision, now.objects).unwrap();
    assert_eq!(mirror, at_end);
    // Each revision the watcher completed, as a snapshot, equals its mirror then:
    // replay into a second mirror and compare at each.
    let mut replay = Mirror::from_snapshot(
        snap.end.revision,
        w_snapshot(&mut reader, snap.end.revision),
    )
    .unwrap();
    reader
        .watch(WatchReq {
            from: Some(snap.end.revision),
            ..WatchReq::default()
        })
        .unwrap();
    for rev in completed {
        follow(&mut reader, &mut replay, rev);
        let mut other = WatchClient::connect(&d.socket).unwrap();
        let at = w_snapshot(&mut other, rev);
        assert_eq!(replay, Mirror::from_snapshot(rev, at).unwrap(), "at {rev}");
    }
}

fn w_snapshot(
    w: &mut WatchClient,
    at: u64,
) -> Vec<(
    devlink_wire::watch::WatchKind,
    devlink_wire::message::DevlinkBody,
)> {
    w.snapshot(Some(at), &Filter::default()).unwrap().objects
}
