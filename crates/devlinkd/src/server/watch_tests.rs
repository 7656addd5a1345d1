//! The `devlinkd_watch` family driven without I/O: snapshots, subscriptions from now and
//! from a past revision with their closing bookmark, filters, "too old", overflow.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use devlink_client::msg;
use devlink_wire::message::Payload;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::simctl::{NewDevice, SimBody};
use devlink_wire::watch::{Filter, SnapshotReq, WatchBody, WatchKind, WatchOp, WatchReq};

use super::tests::{drain, msgs, server};
use super::{ConnId, Server};

const WATCH: u16 = 0x16;
const SIM: u16 = 0x15;

/// What `c` received: watch bodies, and errors as `Err((errno, message))`.
fn received(s: &mut Server, c: ConnId) -> Vec<Result<WatchBody, (i32, Option<String>)>> {
    msgs(&drain(s, c))
        .iter()
        .filter_map(|m| match &m.payload {
            Payload::Error(e) if e.error != 0 => Some(Err((e.error, e.ext_ack.msg.clone()))),
            _ => msg::watch_message(m, WATCH).map(|w| Ok(w.body)),
        })
        .collect()
}

fn watch(s: &mut Server, c: ConnId, req: WatchReq) {
    s.handle_datagram(
        c,
        &msg::watch_request(WATCH, NLM_F_ACK, 1, WatchBody::Watch(req)),
    );
}

fn new_device(s: &mut Server, admin: ConnId, id: u32) {
    let body = SimBody::NewDevice(NewDevice {
        id,
        ports: Some(2),
        ..NewDevice::default()
    });
    s.handle_datagram(admin, &msg::sim_request(SIM, 0, 2, body));
    drain(s, admin);
}

fn events(
    got: &[Result<WatchBody, (i32, Option<String>)>],
) -> Vec<(u64, WatchOp, WatchKind, bool)> {
    got.iter()
        .filter_map(|b| match b {
            Ok(WatchBody::Event(e)) => Some((e.revision, e.op, e.kind, e.last)),
            _ => None,
        })
        .collect()
}

#[test]
fn snapshot_lists_every_object_and_ends_with_its_revision() {
    let mut s = server();
    let c = s.connect(false, None);
    let req = WatchBody::SnapshotReq(SnapshotReq::default());
    s.handle_datagram(c, &msg::watch_request(WATCH, NLM_F_DUMP, 1, req));
    let got = received(&mut s, c);
    let objects = got
        .iter()
        .filter(|b| matches!(b, Ok(WatchBody::Object(_))))
        .count();
    let Some(Ok(WatchBody::SnapshotEnd(end))) = got.last() else {
        panic!("{got:?}");
    };
    assert_eq!(end.revision, s.core.watch_revision());
    assert!(end.revision > 0);
    // The instance, its 4 ports, its params, traps, regions, reporters …
    assert!(objects > 20, "{objects}");
    let Ok(WatchBody::Object(first)) = &got[0] else {
        panic!()
    };
    assert_eq!(first.kind, WatchKind::Dev);
}

#[test]
fn a_watch_sees_changes_then_replays_from_a_revision_and_ends_with_a_bookmark() {
    let mut s = server();
    let admin = s.connect(true, None);
    let w = s.connect(false, None);
    watch(&mut s, w, WatchReq::default());
    assert_eq!(received(&mut s, w), []);
    let before = s.core.watch_revision();
    new_device(&mut s, admin, 7);
    let got = events(&received(&mut s, w));
    assert!(!got.is_empty());
    // One revision (the device registers in one request), the instance first, the last
    // event flagged.
    assert!(got.iter().all(|e| e.0 == before + 1), "{got:?}");
    assert_eq!(got[0].2, WatchKind::Dev);
    assert_eq!(got.iter().filter(|e| e.3).count(), 1);
    assert!(got.last().unwrap().3);

    // Replay from `before`, ports only: the same revision, then a bookmark.
    let late = s.connect(false, None);
    watch(
        &mut s,
        late,
        WatchReq {
            from: Some(before),
            filter: Filter {
                kinds: Some(WatchKind::Port.bit()),
                ..Filter::default()
            },
            ..WatchReq::default()
        },
    );
    let got = received(&mut s, late);
    let ports = events(&got);
    assert_eq!(ports.len(), 2, "{got:?}");
    assert!(
        ports[1].3,
        "the last port completes the revision for this filter"
    );
    assert_eq!(
        got.last(),
        Some(&Ok(WatchBody::Bookmark(devlink_wire::watch::Bookmark {
            revision: before + 1
        })))
    );
    // PROGRESS: a bookmark at the present.
    s.handle_datagram(late, &msg::watch_request(WATCH, 0, 3, WatchBody::Progress));
    assert!(matches!(
        received(&mut s, late)[..],
        [Ok(WatchBody::Bookmark(b))] if b.revision == before + 1
    ));
}

#[test]
fn too_old_future_and_overflow_say_re_list() {
    let mut s = server();
    let admin = s.connect(true, None);
    new_device(&mut s, admin, 7);
    new_device(&mut s, admin, 8);
    s.core.watch_set_history(1);
    let oldest = s.core.watch_oldest();
    assert!(oldest > 0);
    let w = s.connect(false, None);
    s.conns.get_mut(&w).unwrap().opts.ext_ack = true;
    watch(
        &mut s,
        w,
        WatchReq {
            from: Some(0),
            ..WatchReq::default()
        },
    );
    let got = received(&mut s, w);
    let [Err((errno, Some(text)))] = &got[..] else {
        panic!("{got:?}")
    };
    assert_eq!(*errno, -116);
    assert!(
        text.contains(&format!("oldest available is {oldest}")),
        "{text}"
    );
    watch(
        &mut s,
        w,
        WatchReq {
            from: Some(1_000_000),
            ..WatchReq::default()
        },
    );
    assert!(matches!(received(&mut s, w)[..], [Err((-22, Some(_)))]));

    // A watch allowed to lag one change, facing a registration of many.
    s.core.watch_set_history(1_000);
    watch(
        &mut s,
        w,
        WatchReq {
            max_lag: Some(1),
            ..WatchReq::default()
        },
    );
    let rev = s.core.watch_revision();
    // The watcher does not read while the device comes: its backlog fills.
    let body = SimBody::NewDevice(NewDevice {
        id: 9,
        ports: Some(2),
        ..NewDevice::default()
    });
    s.handle_datagram(admin, &msg::sim_request(SIM, 0, 2, body));
    let got = received(&mut s, w);
    let Some(Ok(WatchBody::Cancelled(c))) = got.last() else {
        panic!("{got:?}")
    };
    assert_eq!((c.errno, c.revision), (116, rev));
    assert!(c.message.contains("re-list"), "{}", c.message);
    // The watch is over: another can start.
    watch(&mut s, w, WatchReq::default());
    assert_eq!(received(&mut s, w), []);
}
