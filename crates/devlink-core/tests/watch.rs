//! The watch state: one revision per commit with deletions first, no revision for a
//! change that shows nothing, snapshots at past revisions, a bounded history with its
//! "too old" answers, filters.

#![allow(clippy::unwrap_used, reason = "test: a failure is the test failing")]

use devlink_core::{Core, InstanceId, NoopDriver, WatchError};
use devlink_wire::devlink::Handle;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::PortType;
use devlink_wire::watch::{Filter, SubKey, WatchKind, WatchOp};

fn ports(core: &mut Core, id: InstanceId, n: u32) {
    let mut devl = core.devl(id).unwrap();
    for i in 0..n {
        devl.port_register(i, devlink_core::PortAttrs::physical(i + 1))
            .unwrap();
    }
}

/// `(revision, op, kind, sub)` of every change from `seq` on.
fn changes(core: &Core, mut seq: u64) -> Vec<(u64, WatchOp, WatchKind, SubKey)> {
    let mut out = Vec::new();
    while let Some(c) = core.watch_change(seq).unwrap() {
        out.push((c.revision, c.op, c.kind, c.sub.clone()));
        seq += 1;
    }
    out
}

fn setup() -> (Core, InstanceId) {
    let mut core = Core::new();
    let id = core.alloc(Handle::new("netdevsim", "netdevsim1"), Box::new(NoopDriver));
    ports(&mut core, id, 2);
    (core, id)
}

#[test]
fn registration_is_one_revision_parents_first_and_unregistration_children_first() {
    let (mut core, id) = setup();
    assert_eq!(
        core.watch_commit(),
        0,
        "an unregistered instance shows nothing"
    );
    core.register(id).unwrap();
    assert_eq!(core.watch_commit(), 1);
    assert_eq!(
        changes(&core, 0),
        [
            (1, WatchOp::Put, WatchKind::Dev, SubKey::One),
            (1, WatchOp::Put, WatchKind::Port, SubKey::Index(0)),
            (1, WatchOp::Put, WatchKind::Port, SubKey::Index(1)),
        ]
    );
    core.unregister(id).unwrap();
    assert_eq!(core.watch_commit(), 2);
    assert_eq!(
        changes(&core, 3),
        [
            (2, WatchOp::Del, WatchKind::Port, SubKey::Index(1)),
            (2, WatchOp::Del, WatchKind::Port, SubKey::Index(0)),
            (2, WatchOp::Del, WatchKind::Dev, SubKey::One),
        ]
    );
}

#[test]
fn a_change_is_put_with_what_it_replaced_and_a_no_op_is_no_revision() {
    let (mut core, id) = setup();
    core.register(id).unwrap();
    core.watch_commit();
    let seq = core.watch_next_seq();
    core.devl(id).unwrap().port_type_clear(1).unwrap();
    assert_eq!(
        core.watch_commit(),
        1,
        "the port was NOTSET already: nothing shows"
    );
    core.devl(id)
        .unwrap()
        .port_type_eth_set(1, Some((7, "eth7".into())))
        .unwrap();
    assert_eq!(core.watch_commit(), 2);
    let c = core.watch_change(seq).unwrap().unwrap();
    let (DevlinkBody::Port(now), Some(DevlinkBody::Port(before))) = (&c.body, &c.prev) else {
        panic!("{c:?}");
    };
    assert_eq!(
        (now.port_type, before.port_type),
        (PortType::Eth, PortType::Notset)
    );
    assert_eq!(core.watch_change(seq + 1).unwrap(), None);
}

#[test]
fn snapshots_at_past_revisions_and_the_bounded_history() {
    let (mut core, id) = setup();
    core.register(id).unwrap();
    core.watch_commit();
    for i in 2..6 {
        ports(&mut core, id, 0);
        core.devl(id)
            .unwrap()
            .port_register(i, devlink_core::PortAttrs::physical(i + 1))
            .unwrap();
        core.watch_commit();
    }
    assert_eq!(core.watch_revision(), 5);
    let count = |core: &mut Core, at| {
        core.watch_snapshot(Some(at), &Filter::default())
            .unwrap()
            .objects
            .len()
    };
    // Revision r shows the instance and r + 1 ports.
    for (r, objects) in (1..=5).zip(3..) {
        assert_eq!(count(&mut core, r), objects, "at {r}");
    }
    assert_eq!(count(&mut core, 0), 0);
    assert_eq!(
        core.watch_snapshot(Some(6), &Filter::default()),
        Err(WatchError::Future {
            asked: 6,
            current: 5
        })
    );
    // Keep 2 changes: revisions 4 and 5 (one change each) stay.
    core.watch_set_history(2);
    assert_eq!(core.watch_oldest(), 3);
    assert_eq!(
        core.watch_seq_after(2),
        Err(WatchError::TooOld {
            asked: 2,
            oldest: 3
        })
    );
    assert_eq!(core.watch_seq_after(3), Ok(5), "revision 4 is change 5");
    assert!(matches!(
        core.watch_change(0),
        Err(WatchError::Compacted { oldest: 3 })
    ));
    assert_eq!(count(&mut core, 3), 5);
    assert!(core.watch_snapshot(Some(2), &Filter::default()).is_err());
    // The newest revision is never split, however big.
    core.devl(id).unwrap().port_unregister(0).unwrap();
    core.devl(id).unwrap().port_unregister(1).unwrap();
    core.devl(id).unwrap().port_unregister(2).unwrap();
    assert_eq!(core.watch_commit(), 6);
    assert_eq!(core.watch_oldest(), 5);
    assert_eq!(changes(&core, core.watch_seq_after(5).unwrap()).len(), 3);
}

#[test]
fn snapshot_filters() {
    let (mut core, id) = setup();
    core.register(id).unwrap();
    let other = core.alloc(Handle::new("pci", "0000:01:00.0"), Box::new(NoopDriver));
    ports(&mut core, other, 3);
    core.register(other).unwrap();
    let snap = |core: &mut Core, f: Filter| core.watch_snapshot(None, &f).unwrap().objects.len();
    assert_eq!(snap(&mut core, Filter::default()), 7);
    let pci = Filter {
        handle: Some(("pci".into(), "0000:01:00.0".into())),
        ..Filter::default()
    };
    assert_eq!(snap(&mut core, pci.clone()), 4);
    let ports_only = Filter {
        kinds: Some(WatchKind::Port.bit()),
        ..pci
    };
    assert_eq!(snap(&mut core, ports_only), 3);
    let port1 = Filter {
        port_index: Some(1),
        ..Filter::default()
    };
    assert_eq!(snap(&mut core, port1), 2);
}
