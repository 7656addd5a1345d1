//! Round trips of every body, keys, filters, malformed input, the family description.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::devlink::{Dev, Handle, RegionEvent, RegionEventKind, UnknownAttr};
use crate::message::DevlinkBody;
use crate::nl::NlmsgHeader;
use crate::nl::flags::NLM_F_REQUEST;
use crate::spec::{Space, attr_spec};

fn nlh(flags: u16) -> NlmsgHeader {
    NlmsgHeader {
        len: 0,
        ty: 0x16,
        flags,
        seq: 3,
        pid: 0,
    }
}

fn round_trip(body: WatchBody, flags: u16) {
    let bytes = WatchMessage::new(body.clone())
        .to_message(nlh(flags))
        .unwrap();
    let (h, back) = WatchMessage::parse(&bytes).unwrap();
    assert_eq!(usize::try_from(h.len).unwrap(), bytes.len());
    assert_eq!(back.body, body);
    assert_eq!(back.to_message(h).unwrap(), bytes, "{back:?}");
}

fn handle() -> Handle {
    Handle::new("netdevsim", "netdevsim10")
}

fn dev() -> DevlinkBody {
    DevlinkBody::from(Dev {
        handle: handle(),
        ..Dev::default()
    })
}

fn snapshot(id: u32) -> DevlinkBody {
    DevlinkBody::from(RegionEvent {
        handle: handle(),
        port_index: None,
        name: "dummy".into(),
        kind: RegionEventKind::Snapshot(id),
        unknown: Vec::new(),
    })
}

#[test]
fn every_body_round_trips() {
    let filter = Filter {
        handle: Some(("netdevsim".into(), "netdevsim10".into())),
        kinds: Some(WatchKind::Port.bit() | WatchKind::Param.bit()),
        port_index: Some(3),
    };
    let unknown = vec![UnknownAttr {
        raw_type: 99,
        payload: vec![1, 2, 3, 4],
    }];
    let requests = [
        WatchBody::SnapshotReq(SnapshotReq::default()),
        WatchBody::SnapshotReq(SnapshotReq {
            at: Some(7),
            filter: filter.clone(),
            unknown: unknown.clone(),
        }),
        WatchBody::Watch(WatchReq::default()),
        WatchBody::Watch(WatchReq {
            from: Some(0),
            filter,
            max_lag: Some(10),
            bookmark_ms: Some(1000),
            unknown,
        }),
        WatchBody::Progress,
        WatchBody::Unwatch,
    ];
    for b in requests {
        round_trip(b, NLM_F_REQUEST);
    }
    let replies = [
        WatchBody::Object(WatchObject {
            kind: WatchKind::Dev,
            object: dev(),
        }),
        WatchBody::SnapshotEnd(SnapshotEnd {
            revision: u64::MAX,
            oldest: 3,
        }),
        WatchBody::Event(WatchEvent {
            revision: 12,
            op: WatchOp::Del,
            kind: WatchKind::Snapshot,
            last: true,
            object: snapshot(4),
        }),
        WatchBody::Event(WatchEvent {
            revision: 13,
            op: WatchOp::Put,
            kind: WatchKind::Dev,
            last: false,
            object: dev(),
        }),
        WatchBody::Bookmark(Bookmark { revision: 9 }),
        WatchBody::Cancelled(Cancelled {
            errno: 116,
            revision: 5,
            oldest: 100,
            message: "too old".into(),
        }),
    ];
    for b in replies {
        round_trip(b, 0);
    }
}

#[test]
fn a_body_of_the_wrong_kind_is_refused() {
    let wrong = WatchMessage::new(WatchBody::Event(WatchEvent {
        revision: 1,
        op: WatchOp::Put,
        kind: WatchKind::Region,
        last: true,
        object: snapshot(1),
    }));
    let bytes = wrong.to_message(nlh(0)).unwrap();
    assert!(matches!(
        WatchMessage::parse(&bytes),
        Err(WatchMsgError::Body(WatchBodyError::Key(_)))
    ));
}

#[test]
fn direction_and_missing_attributes_are_errors() {
    let ev = WatchMessage::new(WatchBody::Bookmark(Bookmark { revision: 1 }));
    let bytes = ev.to_message(nlh(NLM_F_REQUEST)).unwrap();
    assert!(matches!(
        WatchMessage::parse(&bytes),
        Err(WatchMsgError::WrongDirection(WatchCmd::Bookmark, "request"))
    ));
    // A BOOKMARK without REVISION.
    let mut empty = WatchMessage::new(WatchBody::Progress);
    empty.header.cmd = WatchCmd::Bookmark as u8;
    let bytes = empty.to_message(nlh(0)).unwrap();
    let err = WatchMessage::parse(&bytes).unwrap_err();
    assert!(
        err.to_string().contains("DEVLINKD_WATCH_ATTR_REVISION"),
        "{err}"
    );
    // A bus without a device name.
    let mut req = WatchMessage::new(WatchBody::Watch(WatchReq::default()))
        .to_message(nlh(NLM_F_REQUEST))
        .unwrap();
    let mut e = crate::nl::Emitter::new(&mut req);
    e.str(WatchAttr::BusName as u16, "pci");
    e.finish().unwrap();
    let len = u32::try_from(req.len()).unwrap();
    req[0..4].copy_from_slice(&len.to_ne_bytes());
    let err = WatchMessage::parse(&req).unwrap_err();
    assert!(err.to_string().contains("DEV_NAME"), "{err}");
}

#[test]
fn keys_and_filters() {
    let key = object_key(WatchKind::Snapshot, &snapshot(4)).unwrap();
    assert_eq!(key.sub, SubKey::Snapshot(None, "dummy".into(), 4));
    assert_eq!(key.sub.port(WatchKind::Snapshot), None);
    assert!(object_key(WatchKind::Region, &snapshot(4)).is_err());
    let f = Filter {
        kinds: Some(WatchKind::Snapshot.bit()),
        ..Filter::default()
    };
    assert!(f.matches(&key));
    let f = Filter {
        port_index: Some(1),
        ..Filter::default()
    };
    assert!(!f.matches(&key));
    let f = Filter {
        handle: Some(("netdevsim".into(), "netdevsim11".into())),
        ..Filter::default()
    };
    assert!(!f.matches(&key));
    assert!(Filter::default().matches(&key));
}

#[test]
fn names_and_numbers() {
    for k in WatchKind::ALL {
        assert_eq!(WatchKind::from_name(k.name()), Some(k));
        assert_eq!(WatchKind::from_repr(k as u8), Some(k));
    }
    for c in WatchCmd::ALL {
        assert_eq!(WatchCmd::from_repr(c as u8), Some(c));
    }
    assert_eq!(
        attr_spec(Space::Watch, WatchAttr::Object as u16).map(|s| s.kernel_name),
        Some("DEVLINKD_WATCH_ATTR_OBJECT")
    );
    let fam = watch_family(0x16);
    assert_eq!(fam.name, WATCH_GENL_NAME);
    assert_eq!(fam.ops.len(), 4);
}
