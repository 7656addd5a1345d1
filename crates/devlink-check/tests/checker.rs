//! One stream per violation type: the checker must catch each, and accept the
//! corrected stream.

use devlink_check::{Checker, Violation};
use devlink_wire::devlink::{
    Dev, Handle, Port, Rate, RateKey, RegionEvent, RegionEventKind, Stats, Trap, TrapGroup,
    TrapMetadata, TrapPolicer,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction, TrapType};

fn h() -> Handle {
    Handle::new("netdevsim", "netdevsim10")
}

fn dev() -> DevlinkBody {
    DevlinkBody::from(Dev {
        handle: h(),
        ..Dev::default()
    })
}

fn port(index: u32) -> DevlinkBody {
    DevlinkBody::Port(std::sync::Arc::new(Port::new(h(), index)))
}

fn policer(id: u32) -> DevlinkBody {
    DevlinkBody::from(TrapPolicer {
        handle: h(),
        id,
        rate: 1,
        burst: 1,
        stats: None,
        unknown: Vec::new(),
    })
}

fn group(name: &str, policer_id: Option<u32>) -> DevlinkBody {
    DevlinkBody::from(TrapGroup {
        handle: h(),
        name: name.into(),
        generic: true,
        policer_id,
        stats: Stats::default(),
        unknown: Vec::new(),
    })
}

fn trap(name: &str, group: &str) -> DevlinkBody {
    DevlinkBody::from(Trap {
        handle: h(),
        group: group.into(),
        name: name.into(),
        trap_type: TrapType::Drop,
        generic: true,
        action: TrapAction::Drop,
        metadata: TrapMetadata::default(),
        stats: Stats::default(),
        unknown: Vec::new(),
    })
}

fn leaf(port: u32) -> DevlinkBody {
    DevlinkBody::from(Rate {
        handle: h(),
        key: RateKey::Leaf(port),
        tx_share: 0,
        tx_max: 0,
        tx_priority: None,
        tx_weight: None,
        parent: None,
        tc_bws: Vec::new(),
        unknown: Vec::new(),
    })
}

fn region(kind: RegionEventKind) -> DevlinkBody {
    DevlinkBody::from(RegionEvent {
        handle: h(),
        port_index: None,
        name: "dummy".into(),
        kind,
        unknown: Vec::new(),
    })
}

/// Feed `(revision, cmd, body)` events; the first violation, if any.
fn check(events: &[(Option<u64>, Cmd, DevlinkBody)]) -> Option<Violation> {
    let mut c = Checker::new();
    events
        .iter()
        .find_map(|(rev, cmd, body)| c.check(*rev, *cmd, body).err())
}

#[test]
fn event_before_instance_new() {
    let v = check(&[(None, Cmd::PortNew, port(0)), (None, Cmd::New, dev())]);
    assert!(
        matches!(v, Some(Violation::OutsideWindow { at: 0, .. })),
        "{v:?}"
    );
    assert_eq!(
        check(&[(None, Cmd::New, dev()), (None, Cmd::PortNew, port(0))]),
        None
    );
}

#[test]
fn event_after_instance_del() {
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::Del, dev()),
        (None, Cmd::ParamNew, port(0)),
    ]);
    assert!(
        matches!(v, Some(Violation::OutsideWindow { at: 2, .. })),
        "{v:?}"
    );
}

#[test]
fn child_before_parent() {
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::TrapGroupNew, group("g", Some(1))),
    ]);
    assert!(matches!(v, Some(Violation::ParentMissing { .. })), "{v:?}");
    let v = check(&[(None, Cmd::New, dev()), (None, Cmd::RateNew, leaf(3))]);
    assert!(matches!(v, Some(Violation::ParentMissing { .. })), "{v:?}");
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::RegionNew, region(RegionEventKind::Snapshot(1))),
    ]);
    assert!(matches!(v, Some(Violation::ParentMissing { .. })), "{v:?}");
    assert_eq!(
        check(&[
            (None, Cmd::New, dev()),
            (None, Cmd::TrapPolicerNew, policer(1)),
            (None, Cmd::TrapGroupNew, group("g", Some(1))),
            (None, Cmd::TrapNew, trap("t", "g")),
        ]),
        None
    );
}

#[test]
fn parent_deleted_before_child() {
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::TrapGroupNew, group("g", None)),
        (None, Cmd::TrapNew, trap("t", "g")),
        (None, Cmd::TrapGroupDel, group("g", None)),
    ]);
    assert!(
        matches!(v, Some(Violation::ChildRemains { at: 3, .. })),
        "{v:?}"
    );
    // A policer may go while a group was announced bound to it: TRAP_GROUP_SET rebinds
    // silently, so the binding the stream showed may be stale.
    let silent_rebind = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::TrapPolicerNew, policer(1)),
        (None, Cmd::TrapGroupNew, group("g", Some(1))),
        (None, Cmd::TrapPolicerDel, policer(1)),
    ]);
    assert_eq!(silent_rebind, None);
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::PortNew, port(1)),
        (None, Cmd::RateNew, leaf(1)),
        (None, Cmd::PortDel, port(1)),
    ]);
    assert!(matches!(v, Some(Violation::ChildRemains { .. })), "{v:?}");
}

#[test]
fn instance_del_with_objects_left() {
    let v = check(&[
        (None, Cmd::New, dev()),
        (None, Cmd::PortNew, port(0)),
        (None, Cmd::Del, dev()),
    ]);
    assert!(
        matches!(v, Some(Violation::NotEmptyAtDel { at: 2, .. })),
        "{v:?}"
    );
}

#[test]
fn del_of_unknown_object() {
    let v = check(&[(None, Cmd::New, dev()), (None, Cmd::PortDel, port(7))]);
    assert!(matches!(v, Some(Violation::DelOfUnknown { .. })), "{v:?}");
}

#[test]
fn registration_burst_out_of_order() {
    // Params replayed before ports within the registration burst (same revision).
    let v = check(&[
        (Some(5), Cmd::New, dev()),
        (Some(5), Cmd::ParamNew, DevlinkBody::from(param())),
        (Some(5), Cmd::PortNew, port(0)),
    ]);
    assert!(
        matches!(v, Some(Violation::ReplayOrder { at: 2, .. })),
        "{v:?}"
    );
    // Ports not ascending.
    let v = check(&[
        (Some(5), Cmd::New, dev()),
        (Some(5), Cmd::PortNew, port(2)),
        (Some(5), Cmd::PortNew, port(1)),
    ]);
    assert!(matches!(v, Some(Violation::ReplayOrder { .. })), "{v:?}");
    // The same events as live changes (later revisions) are fine.
    let ok = check(&[
        (Some(5), Cmd::New, dev()),
        (Some(6), Cmd::ParamNew, DevlinkBody::from(param())),
        (Some(7), Cmd::PortNew, port(0)),
    ]);
    assert_eq!(ok, None);
}

#[test]
fn unregistration_burst_out_of_order() {
    let v = check(&[
        (Some(1), Cmd::New, dev()),
        (Some(2), Cmd::PortNew, port(0)),
        (Some(3), Cmd::ParamNew, DevlinkBody::from(param())),
        (Some(4), Cmd::PortDel, port(0)),
        (Some(4), Cmd::ParamDel, DevlinkBody::from(param())),
        (Some(4), Cmd::Del, dev()),
    ]);
    assert!(
        matches!(v, Some(Violation::ReplayOrder { at: 4, .. })),
        "{v:?}"
    );
    let ok = check(&[
        (Some(1), Cmd::New, dev()),
        (Some(2), Cmd::PortNew, port(0)),
        (Some(3), Cmd::ParamNew, DevlinkBody::from(param())),
        (Some(4), Cmd::ParamDel, DevlinkBody::from(param())),
        (Some(4), Cmd::PortDel, port(0)),
        (Some(4), Cmd::Del, dev()),
    ]);
    assert_eq!(ok, None);
}

#[test]
fn loss_resets_knowledge() {
    let mut c = Checker::new();
    assert_eq!(c.check(None, Cmd::New, &dev()), Ok(()));
    c.lost();
    assert!(c.check(None, Cmd::PortNew, &port(0)).is_err());
}

fn param() -> devlink_wire::devlink::Param {
    devlink_wire::devlink::Param {
        handle: h(),
        port_index: None,
        name: "max_macs".into(),
        generic: true,
        ty: devlink_wire::spec::VarAttrType::U32,
        values: Vec::new(),
        param_unknown: Vec::new(),
        unknown: Vec::new(),
    }
}

/// A checker that learnt the instance, port 1, a group and its trap from a dump.
fn seeded() -> Checker {
    let mut c = Checker::new();
    for b in [dev(), port(1), leaf(1), group("g", None), trap("t", "g")] {
        c.seed(&b);
    }
    c
}

#[test]
fn seeded_objects_are_known_without_their_new() {
    let mut c = seeded();
    // Deleting what the dump showed, children first, then the instance: no violation.
    for (cmd, body) in [
        (Cmd::TrapDel, trap("t", "g")),
        (Cmd::TrapGroupDel, group("g", None)),
        (Cmd::RateDel, leaf(1)),
        (Cmd::PortDel, port(1)),
        (Cmd::Del, dev()),
    ] {
        assert_eq!(c.check(None, cmd, &body), Ok(()), "{cmd:?}");
    }
}

#[test]
fn seeded_checker_still_catches_violations() {
    // A parent deleted before its seeded child.
    let mut c = seeded();
    let v = c.check(None, Cmd::PortDel, &port(1));
    assert!(
        matches!(v, Err(Violation::ChildRemains { at: 0, .. })),
        "{v:?}"
    );
    // The instance deleted while a seeded port remains.
    let mut c = seeded();
    c.check(None, Cmd::RateDel, &leaf(1)).unwrap();
    let v = c.check(None, Cmd::Del, &dev());
    assert!(
        matches!(v, Err(Violation::NotEmptyAtDel { at: 1, .. })),
        "{v:?}"
    );
    // A seeded region with a snapshot cannot go before the snapshot.
    let mut c = Checker::new();
    c.seed(&DevlinkBody::from(devlink_wire::devlink::Region {
        handle: h(),
        port_index: None,
        name: "dummy".into(),
        size: 1,
        max_snapshots: 1,
        snapshots: vec![7],
        unknown: Vec::new(),
    }));
    let v = c.check(None, Cmd::RegionDel, &region(RegionEventKind::Size(1)));
    assert!(matches!(v, Err(Violation::ChildRemains { .. })), "{v:?}");
    c.check(None, Cmd::RegionDel, &region(RegionEventKind::Snapshot(7)))
        .unwrap();
}

#[test]
fn assumed_events_are_counted_and_applied_unchecked() {
    let mut c = Checker::new();
    // Received while the seeding dump was under way: a port whose instance the dump
    // has not shown yet, the instance's NEW, a DEL of something never seen.
    c.assume(Cmd::PortNew, &port(3));
    c.assume(Cmd::New, &dev());
    c.assume(Cmd::PortNew, &port(3));
    c.assume(Cmd::PortDel, &port(9));
    // Judged from here on: event numbers continue the stream's.
    assert_eq!(c.check(None, Cmd::PortDel, &port(3)), Ok(()));
    let v = c.check(None, Cmd::PortDel, &port(3));
    assert!(
        matches!(v, Err(Violation::DelOfUnknown { at: 5, .. })),
        "{v:?}"
    );
    // An assumed instance DEL ends the instance: its events are outside the window.
    c.assume(Cmd::Del, &dev());
    let v = c.check(None, Cmd::PortNew, &port(0));
    assert!(
        matches!(v, Err(Violation::OutsideWindow { at: 7, .. })),
        "{v:?}"
    );
}
