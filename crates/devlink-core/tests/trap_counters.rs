//! Trap and policer drop counters are read from the instance's `TrapCounters` at every
//! fill (notification, do reply, dump reply, replay), and are absent without one.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use devlink_core::{
    Core, Driver, DriverError, DumpStep, Errno, InstanceId, NoopDriver, Rejection, Request,
    Response, TrapCounters,
};
use devlink_wire::devlink::{
    Handle, Stats, Trap, TrapGetReq, TrapGroup, TrapMetadata, TrapPolicer, TrapPolicerGetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction, TrapType};

/// Counts like netdevsim: one counter for every trap, one for every policer, each
/// advanced by every read. Trap reads also remember the name asked for.
#[derive(Debug, Default)]
struct Counting {
    traps: AtomicU64,
    policers: AtomicU64,
    last_trap: std::sync::Mutex<String>,
    /// Reads fail (netdevsim's `fail_trap_drop_counter_get`).
    fail: std::sync::atomic::AtomicBool,
}

impl TrapCounters for Counting {
    fn trap_drop(&self, trap: &str) -> Result<Option<u64>, DriverError> {
        if self.fail.load(Ordering::Relaxed) {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        trap.clone_into(&mut self.last_trap.lock().unwrap());
        Ok(Some(self.traps.fetch_add(1, Ordering::Relaxed)))
    }

    fn policer_drop(&self, id: u32) -> Result<Option<u64>, DriverError> {
        if self.fail.load(Ordering::Relaxed) {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        Ok(Some(
            1000 * u64::from(id) + self.policers.fetch_add(1, Ordering::Relaxed),
        ))
    }
}

/// A driver whose only state is nothing: its callbacks do not matter here.
struct Plain;
impl Driver for Plain {}

fn h() -> Handle {
    Handle::new("netdevsim", "netdevsim1")
}

/// What a driver hands over, with a drop count and policer stats that must be ignored.
fn trap(name: &str) -> Trap {
    Trap {
        handle: Handle::default(),
        group: "g".into(),
        name: name.into(),
        trap_type: TrapType::Drop,
        generic: false,
        action: TrapAction::Drop,
        metadata: TrapMetadata::default(),
        stats: Stats {
            rx_dropped: Some(77),
            rx_packets: Some(5),
            rx_bytes: Some(6),
            unknown: vec![],
        },
        unknown: vec![],
    }
}

/// Policer 1, group "g", traps "a" and "b"; `counters` installed before registration.
fn device(core: &mut Core, counters: Option<Arc<dyn TrapCounters>>) -> InstanceId {
    let id = core.alloc(h(), Box::new(Plain));
    let mut d = core.devl(id).unwrap();
    d.trap_counters_set(counters);
    d.trap_policer_register(TrapPolicer {
        handle: Handle::default(),
        id: 1,
        rate: 10,
        burst: 10,
        stats: Some(Stats {
            rx_dropped: Some(77),
            ..Stats::default()
        }),
        unknown: vec![],
    })
    .unwrap();
    d.trap_group_register(TrapGroup {
        handle: Handle::default(),
        name: "g".into(),
        generic: false,
        policer_id: Some(1),
        stats: Stats::default(),
        unknown: vec![],
    })
    .unwrap();
    d.trap_register(trap("a")).unwrap();
    d.trap_register(trap("b")).unwrap();
    core.register(id).unwrap();
    id
}

/// The drop count and packet count of a trap body, the drops of a policer body.
fn drops(body: &DevlinkBody) -> (Option<u64>, Option<u64>) {
    match body {
        DevlinkBody::Trap(t) => (t.stats.rx_dropped, t.stats.rx_packets),
        DevlinkBody::TrapPolicer(p) => (p.stats.as_ref().and_then(|s| s.rx_dropped), None),
        other => panic!("{other:?}"),
    }
}

/// The drop counts of every trap or policer notification queued, in order.
fn notified(core: &mut Core) -> Vec<(Cmd, Option<u64>)> {
    std::iter::from_fn(|| core.poll_notification())
        .filter(|n| matches!(n.body, DevlinkBody::Trap(_) | DevlinkBody::TrapPolicer(_)))
        .map(|n| (n.cmd, drops(&n.body).0))
        .collect()
}

fn get(core: &mut Core, cmd: Cmd, dump: bool) -> Vec<(Option<u64>, Option<u64>)> {
    let body = match cmd {
        Cmd::TrapGet => DevlinkBody::from(TrapGetReq {
            handle: Some(h()),
            name: (!dump).then(|| "b".into()),
            unknown: vec![],
        }),
        _ => DevlinkBody::from(TrapPolicerGetReq {
            handle: Some(h()),
            id: (!dump).then_some(1),
            unknown: vec![],
        }),
    };
    let r = core.handle_request(Request {
        cmd,
        body,
        dump,
        admin: false,
    });
    let replies = match r.unwrap().response {
        Response::Do(replies) => replies,
        Response::Dump(mut cursor) => {
            let mut out = Vec::new();
            while core.dump_next(&mut cursor, &mut |r| {
                out.push(r);
                true
            }) != DumpStep::Done
            {}
            out
        }
        other => panic!("{other:?}"),
    };
    replies.iter().map(|r| drops(&r.body)).collect()
}

#[test]
fn every_fill_reads_the_source_once() {
    let counting = Arc::new(Counting::default());
    let mut core = Core::new();
    let id = device(&mut core, Some(counting.clone()));
    // The registration replay: policer 1 read once, then traps a and b.
    assert_eq!(
        notified(&mut core),
        [
            (Cmd::TrapPolicerNew, Some(1000)),
            (Cmd::TrapNew, Some(0)),
            (Cmd::TrapNew, Some(1)),
        ]
    );
    // Two GETs of the same trap: two reads, two values; the driver's packet count kept.
    assert_eq!(get(&mut core, Cmd::TrapGet, false), [(Some(2), Some(5))]);
    assert_eq!(get(&mut core, Cmd::TrapGet, false), [(Some(3), Some(5))]);
    assert_eq!(*counting.last_trap.lock().unwrap(), "b");
    assert_eq!(
        get(&mut core, Cmd::TrapPolicerGet, false),
        [(Some(1001), None)]
    );
    assert_eq!(
        get(&mut core, Cmd::TrapPolicerGet, false),
        [(Some(1002), None)]
    );
    // A dump reads each object it fills.
    assert_eq!(
        get(&mut core, Cmd::TrapGet, true),
        [(Some(4), Some(5)), (Some(5), Some(5))]
    );
    assert_eq!(
        get(&mut core, Cmd::TrapPolicerGet, true),
        [(Some(1003), None)]
    );
    // Live notifications and the unregistration replay read too.
    core.devl(id).unwrap().trap_unregister("b").unwrap();
    core.unregister(id).unwrap();
    assert_eq!(
        notified(&mut core),
        [
            (Cmd::TrapDel, Some(6)),
            (Cmd::TrapDel, Some(7)),
            (Cmd::TrapPolicerDel, Some(1004)),
        ]
    );
}

#[test]
fn without_a_source_there_is_no_drop_count() {
    let mut core = Core::new();
    device(&mut core, None);
    // Traps keep their packet and byte counters; policers have no stats at all.
    for (cmd, d) in notified(&mut core) {
        assert_eq!(d, None, "{cmd:?}");
    }
    assert_eq!(get(&mut core, Cmd::TrapGet, false), [(None, Some(5))]);
    assert_eq!(get(&mut core, Cmd::TrapGet, true), [(None, Some(5)); 2]);
    let Response::Do(r) = core
        .handle_request(Request {
            cmd: Cmd::TrapPolicerGet,
            body: DevlinkBody::from(TrapPolicerGetReq {
                handle: Some(h()),
                id: Some(1),
                unknown: vec![],
            }),
            dump: false,
            admin: false,
        })
        .unwrap()
        .response
    else {
        panic!()
    };
    let DevlinkBody::TrapPolicer(p) = &r[0].body else {
        panic!()
    };
    assert_eq!(p.stats, None);
}

#[test]
fn a_source_set_later_is_read_from_the_next_fill_and_counts_no_change() {
    let mut core = Core::new();
    let id = device(&mut core, None);
    notified(&mut core);
    let rev = core.revision();
    let counting: Arc<dyn TrapCounters> = Arc::new(Counting::default());
    core.devl(id).unwrap().trap_counters_set(Some(counting));
    assert_eq!(core.revision(), rev, "not a state change");
    assert_eq!(core.pending_notifications(), 0);
    assert_eq!(get(&mut core, Cmd::TrapGet, false), [(Some(0), Some(5))]);
    core.devl(id).unwrap().trap_counters_set(None);
    assert_eq!(get(&mut core, Cmd::TrapGet, false), [(None, Some(5))]);
}

/// The fill runs while the driver is lent out (a driver registering a trap from its
/// own code): the source is reached through the instance, not the driver.
#[test]
fn a_notification_filled_while_the_driver_is_lent_reads_the_source() {
    let mut core = Core::new();
    let id = core.alloc(h(), Box::new(NoopDriver));
    core.register(id).unwrap();
    notified(&mut core);
    core.with_driver::<NoopDriver, _>(id, |_, devl| {
        devl.trap_counters_set(Some(Arc::new(Counting::default())));
        devl.trap_group_register(TrapGroup {
            handle: Handle::default(),
            name: "g".into(),
            generic: false,
            policer_id: None,
            stats: Stats::default(),
            unknown: vec![],
        })
        .unwrap();
        devl.trap_register(trap("a")).unwrap();
        devl.trap_register(trap("b")).unwrap();
    })
    .unwrap();
    assert_eq!(
        notified(&mut core),
        [(Cmd::TrapNew, Some(0)), (Cmd::TrapNew, Some(1))]
    );
}

#[test]
fn a_failing_read_fails_gets_and_dumps_but_never_loses_a_notification() {
    let counting = Arc::new(Counting::default());
    let mut core = Core::new();
    let id = device(&mut core, Some(counting.clone()));
    notified(&mut core);
    counting.fail.store(true, Ordering::Relaxed);
    // The kernel's fill fails: the GET gets the driver's errno, no extack.
    let get = |core: &mut Core, dump: bool| {
        core.handle_request(Request {
            cmd: Cmd::TrapGet,
            body: DevlinkBody::from(TrapGetReq {
                handle: Some(h()),
                name: (!dump).then(|| "b".into()),
                unknown: vec![],
            }),
            dump,
            admin: false,
        })
    };
    assert_eq!(
        get(&mut core, false).unwrap_err(),
        Rejection::errno(Errno::EINVAL)
    );
    // A dump ends with that error (it goes in the NLMSG_DONE), having sent nothing.
    let Response::Dump(mut cursor) = get(&mut core, true).unwrap().response else {
        panic!()
    };
    let mut sent = 0;
    while core.dump_next(&mut cursor, &mut |_| {
        sent += 1;
        true
    }) != DumpStep::Done
    {}
    assert_eq!(
        (sent, cursor.take_error()),
        (0, Some(Rejection::errno(Errno::EINVAL)))
    );
    // The kernel would drop these notifications; they come, without the drop count.
    core.devl(id).unwrap().trap_unregister("b").unwrap();
    core.unregister(id).unwrap();
    assert_eq!(
        notified(&mut core),
        [
            (Cmd::TrapDel, None),
            (Cmd::TrapDel, None),
            (Cmd::TrapPolicerDel, None),
        ]
    );
    // Reading works again once the knob is off.
    counting.fail.store(false, Ordering::Relaxed);
}
