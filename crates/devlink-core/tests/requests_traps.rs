//! Trap, trap group and trap policer requests: replies, dumps, the silent sets (counted,
//! never notified) and each of the kernel's rejections.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, InstanceId, NoopDriver,
    PolicerLimits, Rejection, Reply, Request, Response, TrapCaps,
};
use devlink_wire::devlink::{
    Handle, Stats, Trap, TrapGetReq, TrapGroup, TrapGroupGetReq, TrapGroupSetReq, TrapMetadata,
    TrapPolicer, TrapPolicerGetReq, TrapPolicerSetReq, TrapSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, TrapAction, TrapType};

/// Has every trap op; policer limits rate 1..=100, burst 2..=50; refuses the trap "bad",
/// and the trap "mute" without a message.
struct Traps;

impl Driver for Traps {
    fn trap_caps(&self) -> TrapCaps {
        TrapCaps {
            group_set: true,
            policer_set: true,
        }
    }

    fn trap_action_set(
        &mut self,
        _: &mut Devl<'_>,
        trap: &str,
        _: TrapAction,
    ) -> Result<(), DriverError> {
        match trap {
            "bad" => Err(DriverError::new(Errno::EBUSY, "refused")),
            "mute" => Err(DriverError::new(Errno::EBUSY, "")),
            _ => Ok(()),
        }
    }

    fn trap_group_set(
        &mut self,
        _: &mut Devl<'_>,
        _: &str,
        _: Option<u32>,
    ) -> Result<(), DriverError> {
        Ok(())
    }

    fn trap_policer_limits(&self, _: u32) -> PolicerLimits {
        PolicerLimits {
            min_rate: 1,
            max_rate: 100,
            min_burst: 2,
            max_burst: 50,
        }
    }

    fn trap_policer_set(
        &mut self,
        _: &mut Devl<'_>,
        _: u32,
        _: u64,
        _: u64,
    ) -> Result<(), DriverError> {
        Ok(())
    }
}

fn h(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

fn trap(name: &str, group: &str, ty: TrapType, action: TrapAction) -> Trap {
    Trap {
        handle: Handle::new("", ""),
        group: group.into(),
        name: name.into(),
        trap_type: ty,
        generic: false,
        action,
        metadata: TrapMetadata::default(),
        stats: Stats::default(),
        unknown: vec![],
    }
}

/// Policers 1 and 2, group "g" (policer 1) with traps "d" (drop), "c" (control, trap),
/// group "h" with trap "bad" (drop).
fn device(core: &mut Core, n: u32, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(n), driver);
    let mut d = core.devl(id).unwrap();
    for pid in [1, 2] {
        d.trap_policer_register(TrapPolicer {
            handle: Handle::new("", ""),
            id: pid,
            rate: 10,
            burst: 10,
            stats: None,
            unknown: vec![],
        })
        .unwrap();
    }
    for (g, p) in [("g", Some(1)), ("h", None)] {
        d.trap_group_register(TrapGroup {
            handle: Handle::new("", ""),
            name: g.into(),
            generic: false,
            policer_id: p,
            stats: Stats::default(),
            unknown: vec![],
        })
        .unwrap();
    }
    d.trap_register(trap("d", "g", TrapType::Drop, TrapAction::Drop))
        .unwrap();
    d.trap_register(trap("c", "g", TrapType::Control, TrapAction::Trap))
        .unwrap();
    d.trap_register(trap("bad", "h", TrapType::Drop, TrapAction::Drop))
        .unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn bare(core: &mut Core, n: u32) {
    let id = core.alloc(h(n), Box::new(NoopDriver));
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
}

/// A set that succeeds silently: an empty reply, no warning, no notification.
fn silent(core: &mut Core, r: Request) {
    assert_eq!(core.handle_request(r), Ok(Response::Do(vec![]).into()));
    assert_eq!(core.pending_notifications(), 0, "a trap set notified");
}

/// A set that skips a non-drop trap: success with the kernel's warning, no reply, no
/// notification.
fn skipped(core: &mut Core, r: Request) {
    let skipping = "Cannot change action of non-drop traps. Skipping";
    assert_eq!(
        core.handle_request(r),
        Ok(Accepted {
            response: Response::Do(vec![]),
            warning: Some(skipping.into()),
        })
    );
    assert_eq!(core.pending_notifications(), 0, "a trap set notified");
}

fn dump_all(core: &Core, r: Response, per_call: usize) -> Vec<Reply> {
    let Response::Dump(mut cursor) = r else {
        panic!("not a dump: {r:?}")
    };
    let mut out = Vec::new();
    loop {
        let mut room = per_call;
        let step = core.dump_next(&mut cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            out.push(reply);
            true
        });
        if step == DumpStep::Done {
            assert_eq!(cursor.take_error(), None);
            return out;
        }
    }
}

fn get_trap(core: &mut Core, n: u32, name: Option<&str>) -> Result<Accepted, Rejection> {
    core.handle_request(req(
        Cmd::TrapGet,
        DevlinkBody::from(TrapGetReq {
            handle: Some(h(n)),
            name: name.map(Into::into),
            unknown: vec![],
        }),
    ))
}

fn trap_of(core: &mut Core, name: &str) -> Trap {
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = get_trap(core, 1, Some(name))
    else {
        panic!()
    };
    assert_eq!(r[0].cmd, Cmd::TrapNew);
    let DevlinkBody::Trap(t) = &r[0].body else {
        panic!()
    };
    (**t).clone()
}

#[test]
fn gets_answer_new_and_refuse_unknown_names() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Traps));
    bare(&mut core, 2);
    assert_eq!(trap_of(&mut core, "d").action, TrapAction::Drop);
    let rev = core.revision();
    let e = get_trap(&mut core, 1, Some("nope")).unwrap_err();
    assert_eq!(
        e,
        Rejection::msg(Errno::ENOENT, "Device did not register this trap")
    );
    let e = get_trap(&mut core, 1, None).unwrap_err();
    assert_eq!(e.errno, Errno::ENOENT);
    assert_eq!(
        get_trap(&mut core, 2, Some("d")).unwrap_err(),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    assert_eq!(core.revision(), rev);

    let group = |n, name: &str| {
        req(
            Cmd::TrapGroupGet,
            DevlinkBody::from(TrapGroupGetReq {
                handle: Some(h(n)),
                name: Some(name.into()),
                unknown: vec![],
            }),
        )
    };
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(group(1, "g"))
    else {
        panic!()
    };
    assert!(
        matches!(&r[0], Reply { cmd: Cmd::TrapGroupNew, body: DevlinkBody::TrapGroup(g) } if g.policer_id == Some(1))
    );
    assert_eq!(
        rejected(&mut core, group(1, "x")),
        Rejection::msg(Errno::ENOENT, "Device did not register this trap group")
    );
    assert_eq!(
        rejected(&mut core, group(2, "g")),
        Rejection::errno(Errno::EOPNOTSUPP)
    );

    let policer = |n, id| {
        req(
            Cmd::TrapPolicerGet,
            DevlinkBody::from(TrapPolicerGetReq {
                handle: Some(h(n)),
                id,
                unknown: vec![],
            }),
        )
    };
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(policer(1, Some(2)))
    else {
        panic!()
    };
    assert!(
        matches!(&r[0], Reply { cmd: Cmd::TrapPolicerNew, body: DevlinkBody::TrapPolicer(p) } if p.id == 2)
    );
    let no_policer = Rejection::msg(Errno::ENOENT, "Device did not register this trap policer");
    assert_eq!(rejected(&mut core, policer(1, Some(7))), no_policer);
    assert_eq!(rejected(&mut core, policer(1, None)), no_policer);
    assert_eq!(
        rejected(&mut core, policer(2, Some(1))),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

#[test]
fn dumps_list_every_instance_in_registration_order() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Traps));
    bare(&mut core, 2);
    device(&mut core, 3, Box::new(Traps));
    let dump = |cmd, body| Request {
        dump: true,
        ..req(cmd, body)
    };
    let r = core
        .handle_request(dump(Cmd::TrapGet, DevlinkBody::from(TrapGetReq::default())))
        .unwrap()
        .response;
    let names: Vec<String> = dump_all(&core, r, 1)
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::Trap(t) => format!("{}:{}", t.handle.dev, t.name),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "netdevsim1:d",
            "netdevsim1:c",
            "netdevsim1:bad",
            "netdevsim3:d",
            "netdevsim3:c",
            "netdevsim3:bad"
        ]
    );
    let r = core
        .handle_request(dump(
            Cmd::TrapGroupGet,
            DevlinkBody::from(TrapGroupGetReq {
                handle: Some(h(3)),
                ..TrapGroupGetReq::default()
            }),
        ))
        .unwrap()
        .response;
    let replies = dump_all(&core, r, 1);
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r.cmd == Cmd::TrapGroupNew));
    let r = core
        .handle_request(dump(
            Cmd::TrapPolicerGet,
            DevlinkBody::from(TrapPolicerGetReq::default()),
        ))
        .unwrap()
        .response;
    let replies = dump_all(&core, r, 3);
    assert_eq!(replies.len(), 4);
    assert!(replies.iter().all(|r| r.cmd == Cmd::TrapPolicerNew));
}

fn trap_set(name: Option<&str>, action: Option<TrapAction>) -> Request {
    req(
        Cmd::TrapSet,
        DevlinkBody::from(TrapSetReq {
            handle: h(1),
            name: name.map(Into::into),
            action,
            unknown: vec![],
        }),
    )
}

#[test]
fn trap_set_changes_drop_traps_silently() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Traps));
    let rev = core.revision();
    silent(&mut core, trap_set(Some("d"), Some(TrapAction::Trap)));
    assert!(core.revision() > rev, "a trap set is a change");
    assert_eq!(trap_of(&mut core, "d").action, TrapAction::Trap);
    // A non-drop trap keeps its action: success (with a warning), nothing changed.
    let rev = core.revision();
    skipped(&mut core, trap_set(Some("c"), Some(TrapAction::Drop)));
    silent(&mut core, trap_set(Some("c"), None));
    assert_eq!(core.revision(), rev);
    assert_eq!(trap_of(&mut core, "c").action, TrapAction::Trap);

    let e = rejected(&mut core, trap_set(Some("x"), Some(TrapAction::Trap)));
    assert_eq!(
        e,
        Rejection::msg(Errno::ENOENT, "Device did not register this trap")
    );
    let e = rejected(&mut core, trap_set(None, Some(TrapAction::Trap)));
    assert_eq!(e.errno, Errno::ENOENT);
    let e = rejected(&mut core, trap_set(Some("bad"), Some(TrapAction::Trap)));
    assert_eq!(e, Rejection::msg(Errno::EBUSY, "refused"));
    let mut no_traps = Core::new();
    bare(&mut no_traps, 1);
    let e = rejected(&mut no_traps, trap_set(Some("d"), Some(TrapAction::Trap)));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
}

fn group_set(name: &str, action: Option<TrapAction>, policer: Option<u32>) -> Request {
    req(
        Cmd::TrapGroupSet,
        DevlinkBody::from(TrapGroupSetReq {
            handle: h(1),
            name: Some(name.into()),
            action,
            policer_id: policer,
            unknown: vec![],
        }),
    )
}

fn group_policer(core: &mut Core, name: &str) -> Option<u32> {
    let r = core.handle_request(req(
        Cmd::TrapGroupGet,
        DevlinkBody::from(TrapGroupGetReq {
            handle: Some(h(1)),
            name: Some(name.into()),
            unknown: vec![],
        }),
    ));
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = r
    else {
        panic!()
    };
    let DevlinkBody::TrapGroup(g) = &r[0].body else {
        panic!()
    };
    g.policer_id
}

#[test]
fn trap_group_set_actions_and_policer_binding() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Traps));
    silent(&mut core, group_set("g", Some(TrapAction::Trap), None));
    assert_eq!(trap_of(&mut core, "d").action, TrapAction::Trap);
    assert_eq!(trap_of(&mut core, "c").action, TrapAction::Trap);
    silent(&mut core, group_set("g", None, Some(2)));
    assert_eq!(group_policer(&mut core, "g"), Some(2));
    silent(&mut core, group_set("g", None, Some(0)));
    assert_eq!(group_policer(&mut core, "g"), None);

    let e = rejected(&mut core, group_set("x", None, Some(1)));
    assert_eq!(
        e,
        Rejection::msg(Errno::ENOENT, "Device did not register this trap group")
    );
    let e = rejected(&mut core, group_set("g", None, Some(9)));
    assert_eq!(
        e,
        Rejection::msg(Errno::ENOENT, "Device did not register this trap policer")
    );
    let e = rejected(&mut core, group_set("h", Some(TrapAction::Trap), None));
    assert_eq!(e, Rejection::msg(Errno::EBUSY, "refused"));
    // The actions were committed before the policer failed: the kernel says so.
    let rev = core.revision();
    let e = core
        .handle_request(group_set("g", Some(TrapAction::Drop), Some(9)))
        .unwrap_err();
    assert_eq!(
        e,
        Rejection::msg(
            Errno::ENOENT,
            "Trap group set failed, but some changes were committed already"
        )
    );
    assert!(core.revision() > rev);
    assert_eq!(trap_of(&mut core, "d").action, TrapAction::Drop);
    assert_eq!(core.pending_notifications(), 0);

    // Without trap_group_set the binding is not supported.
    let mut plain = Core::new();
    device(&mut plain, 1, Box::new(NoopDriver));
    let e = rejected(&mut plain, group_set("g", None, Some(9)));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
}

#[test]
fn skipping_a_non_drop_trap_warns() {
    let mut core = Core::new();
    let id = device(&mut core, 1, Box::new(Traps));
    // TRAP_SET warns only when it would change a non-drop trap's action.
    skipped(&mut core, trap_set(Some("c"), Some(TrapAction::Mirror)));
    silent(&mut core, trap_set(Some("c"), Some(TrapAction::Trap)));
    silent(&mut core, trap_set(Some("d"), Some(TrapAction::Mirror)));
    // TRAP_GROUP_SET: "d" changes, "c" is skipped; the warning outlives the binding.
    skipped(&mut core, group_set("g", Some(TrapAction::Drop), Some(2)));
    assert_eq!(trap_of(&mut core, "d").action, TrapAction::Drop);
    assert_eq!(trap_of(&mut core, "c").action, TrapAction::Trap);
    assert_eq!(group_policer(&mut core, "g"), Some(2));
    silent(&mut core, group_set("g", Some(TrapAction::Trap), None));

    // One extack per request: a later failure without a message of its own carries the
    // warning ("c" is skipped, then the driver refuses "mute" mutely). A failure with a
    // message replaces it (`trap_group_set_actions_and_policer_binding`).
    let mut d = core.devl(id).unwrap();
    d.trap_register(trap("mute", "g", TrapType::Drop, TrapAction::Trap))
        .unwrap();
    while core.poll_notification().is_some() {}
    // "d" changed first: a failure, not a refusal.
    let e = core
        .handle_request(group_set("g", Some(TrapAction::Mirror), None))
        .unwrap_err();
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EBUSY,
            "Cannot change action of non-drop traps. Skipping"
        )
    );
    let e = rejected(&mut core, trap_set(Some("mute"), Some(TrapAction::Drop)));
    assert_eq!(e, Rejection::errno(Errno::EBUSY));
}

fn policer_set(id: Option<u32>, rate: Option<u64>, burst: Option<u64>) -> Request {
    req(
        Cmd::TrapPolicerSet,
        DevlinkBody::from(TrapPolicerSetReq {
            handle: h(1),
            id,
            rate,
            burst,
            unknown: vec![],
        }),
    )
}

#[test]
fn trap_policer_set_checks_limits_in_order() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Traps));
    let rev = core.revision();
    silent(&mut core, policer_set(Some(1), Some(100), None));
    assert!(core.revision() > rev);
    let r = core.handle_request(req(
        Cmd::TrapPolicerGet,
        DevlinkBody::from(TrapPolicerGetReq {
            handle: Some(h(1)),
            id: Some(1),
            unknown: vec![],
        }),
    ));
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = r
    else {
        panic!()
    };
    assert!(matches!(&r[0].body, DevlinkBody::TrapPolicer(p) if (p.rate, p.burst) == (100, 10)));

    let cases = [
        (Some(0), None, "Policer rate lower than limit"),
        (Some(101), Some(1), "Policer rate higher than limit"),
        (None, Some(1), "Policer burst size lower than limit"),
        (None, Some(51), "Policer burst size higher than limit"),
    ];
    for (rate, burst, msg) in cases {
        let e = rejected(&mut core, policer_set(Some(1), rate, burst));
        assert_eq!(e, Rejection::msg(Errno::EINVAL, msg));
    }
    let e = rejected(&mut core, policer_set(Some(5), Some(1), None));
    assert_eq!(
        e,
        Rejection::msg(Errno::ENOENT, "Device did not register this trap policer")
    );
    // A driver without trap_policer_set: EOPNOTSUPP before the lookup.
    let mut plain = Core::new();
    device(&mut plain, 1, Box::new(NoopDriver));
    let e = rejected(&mut plain, policer_set(Some(5), Some(1), None));
    assert_eq!(e, Rejection::errno(Errno::EOPNOTSUPP));
}
