//! Model-based property test of the core: random operation sequences on several
//! instances, registering first or last, with reloads (including failures), rejected
//! operations and health reports before registration. After every step:
//! - the ordering checker accepts every notification;
//! - folding all notifications so far equals what the dumps show;
//! - a rejected operation changed nothing (revision, dumps) and emitted nothing.
//!
//! And the same sequence run twice gives the same trace.

#![allow(
    clippy::indexing_slicing,
    reason = "test harness: slot numbers come from 0..SLOTS"
)]

mod fake;
mod ops;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devlink_core::Request;
use devlink_core::checker::Checker;
use devlink_core::fold::View;
use devlink_core::{Core, CoreError, Errno, InstanceId, Lifecycle};
use devlink_wire::devlink::{
    Bitfield32, DevReq, Handle, ParamGetReq, ParamSetReq, ParamValue, PortGetReq, ReloadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode, ReloadAction, ReloadLimit};
use proptest::prelude::*;

use fake::{Fake, build, handle};
use ops::{Op, devl_op, op};

const SLOTS: u8 = 3;

/// One run: the core, the slots' current instances and their fail knobs.
struct World {
    core: Core,
    slots: Vec<Option<(InstanceId, Arc<AtomicBool>)>>,
}

impl World {
    /// Run a request. A refusal is `Err`; a reload that got past its checks and then
    /// failed in the driver (`reload_up`) changed state (`reload_failed`, torn-down
    /// objects) and said so: a failed operation, not a refusal.
    fn request(&mut self, cmd: Cmd, body: DevlinkBody, admin: bool) -> Result<(), String> {
        let rev = self.core.revision();
        let r = self.core.handle_request(Request {
            cmd,
            body,
            dump: false,
            admin,
        });
        match r {
            Ok(_) => Ok(()),
            Err(_) if cmd == Cmd::Reload && self.core.revision() != rev => Ok(()),
            Err(rej) => Err(format!("{:?} {:?}", rej.errno, rej.msg)),
        }
    }

    fn new() -> Self {
        Self {
            core: Core::new(),
            slots: vec![None; usize::from(SLOTS)],
        }
    }

    /// Apply one op; `Err` when the core (or the sequence) rejects it.
    fn apply(&mut self, op: &Op) -> Result<(), String> {
        let slot = |s: &u8| usize::from(*s);
        let id = |w: &Self, s: &u8| {
            w.slots[slot(s)]
                .as_ref()
                .map(|(id, _)| *id)
                .ok_or("empty slot".to_owned())
        };
        let e = |r: Result<(), CoreError>| r.map_err(|e| e.to_string());
        match op {
            Op::Alloc(s, register_first) => {
                if self.slots[slot(s)].is_some() {
                    return Err("slot in use".into());
                }
                let fail = Arc::new(AtomicBool::new(false));
                let handle = Handle::new("netdevsim", format!("netdevsim{s}"));
                let id = self
                    .core
                    .alloc(handle, Box::new(Fake { fail: fail.clone() }));
                self.slots[slot(s)] = Some((id, fail));
                // Probe like a driver: register first, or build then register last.
                if *register_first {
                    e(self.core.register(id))?;
                }
                let mut d = self.core.devl(id).map_err(|e| e.to_string())?;
                e(build(&mut d))?;
                Ok(())
            }
            Op::Register(s) => e(self.core.register(id(self, s)?)),
            Op::Unregister(s) => e(self.core.unregister(id(self, s)?)),
            Op::Free(s) => {
                let i = id(self, s)?;
                e(self.core.free(i))?;
                self.slots[slot(s)] = None;
                Ok(())
            }
            Op::Reload(s, fail) => {
                let (i, knob) = self.slots[slot(s)].clone().ok_or("empty slot")?;
                knob.store(*fail, Ordering::Relaxed);
                let r = self
                    .core
                    .reload(i, ReloadAction::DriverReinit, ReloadLimit::Unspec);
                // A failed reload_up is not a rejection: it changes state (and says so).
                if let Err(err) = r
                    && err.errno == Errno::ENODEV
                {
                    return Err(err.to_string());
                }
                Ok(())
            }
            Op::ReqReload(s, action, limits, fail, admin) => {
                let (_, knob) = self.slots[slot(s)].clone().ok_or("empty slot")?;
                knob.store(*fail, Ordering::Relaxed);
                let body = DevlinkBody::ReloadReq(ReloadReq {
                    handle: handle(*s),
                    netns_pid: None,
                    netns_fd: None,
                    netns_id: None,
                    action: ReloadAction::from_repr(*action),
                    limits: limits.map(|v| Bitfield32 {
                        value: v,
                        selector: v,
                    }),
                    unknown: vec![],
                });
                self.request(Cmd::Reload, body, *admin)
            }
            Op::ReqParamSet(s, i, cmode, v, string, admin) => {
                let value = if *string {
                    ParamValue::String(v.to_string())
                } else {
                    ParamValue::U32(*v)
                };
                let body = DevlinkBody::ParamSetReq(ParamSetReq {
                    handle: handle(*s),
                    port_index: None,
                    name: format!("param{i}"),
                    cmode: ParamCmode::from_repr(*cmode).unwrap_or(ParamCmode::Permanent),
                    reset_default: false,
                    ty: value.ty(),
                    value: Some(value),
                    unknown: vec![],
                });
                self.request(Cmd::ParamSet, body, *admin)
            }
            Op::ReqGet(s, kind, i) => {
                let (cmd, body) = match kind {
                    0 => (
                        Cmd::Get,
                        DevlinkBody::DevReq(DevReq {
                            handle: Some(handle(*s)),
                            unknown: vec![],
                        }),
                    ),
                    1 => (
                        Cmd::PortGet,
                        DevlinkBody::PortGetReq(PortGetReq {
                            handle: Some(handle(*s)),
                            index: Some(*i),
                            unknown: vec![],
                        }),
                    ),
                    _ => (
                        Cmd::ParamGet,
                        DevlinkBody::ParamGetReq(ParamGetReq {
                            handle: Some(handle(*s)),
                            port_index: None,
                            name: Some(format!("param{i}")),
                            unknown: vec![],
                        }),
                    ),
                };
                let rev = self.core.revision();
                let r = self.request(cmd, body, false);
                if self.core.revision() != rev {
                    return Err("a GET changed state".into());
                }
                r
            }
            other => {
                let s = match other {
                    Op::PortAdd(s, ..)
                    | Op::PortDel(s, ..)
                    | Op::PortEth(s, ..)
                    | Op::PortClear(s, ..)
                    | Op::ParamAdd(s, ..)
                    | Op::ParamDel(s, ..)
                    | Op::ParamSet(s, ..)
                    | Op::PolicerAdd(s, ..)
                    | Op::PolicerDel(s, ..)
                    | Op::GroupAdd(s, ..)
                    | Op::GroupDel(s, ..)
                    | Op::TrapAdd(s, ..)
                    | Op::TrapDel(s, ..)
                    | Op::RegionAdd(s, ..)
                    | Op::RegionDel(s, ..)
                    | Op::SnapAdd(s, ..)
                    | Op::SnapDel(s, ..)
                    | Op::LeafAdd(s, ..)
                    | Op::LeafDel(s, ..)
                    | Op::NodeAdd(s, ..)
                    | Op::NodeDel(s, ..)
                    | Op::NodesDestroy(s)
                    | Op::LinecardAdd(s, ..)
                    | Op::LinecardDel(s, ..)
                    | Op::LinecardProvision(s, ..)
                    | Op::HealthCreate(s, ..)
                    | Op::HealthReport(s, ..)
                    | Op::HealthRecover(s, ..) => s,
                    _ => unreachable!(),
                };
                let i = id(self, s)?;
                let mut d = self.core.devl(i).map_err(|e| e.to_string())?;
                if d.lifecycle() == Lifecycle::Unregistered {
                    return Err("unregistered instance".into());
                }
                e(devl_op(&mut d, other))
            }
        }
    }
}

/// Run a sequence, checking every invariant after every step; returns the trace.
fn run(ops: &[Op]) -> Result<Vec<String>, TestCaseError> {
    let mut w = World::new();
    let mut checker = Checker::new();
    let mut folded = View::default();
    let mut trace = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let before_rev = w.core.revision();
        let before_view = View::from_dump(&w.core);
        let result = w.apply(op);
        let mut emitted = 0;
        while let Some(n) = w.core.poll_notification() {
            emitted += 1;
            checker
                .check(Some(n.revision), n.cmd, &n.body)
                .map_err(|v| TestCaseError::fail(format!("step {step} {op:?}: {v}")))?;
            folded.apply(n.cmd, &n.body);
            trace.push(format!("{} {:?} {:?}", n.revision, n.cmd, n.body));
        }
        let now = View::from_dump(&w.core);
        match result {
            Err(why) if !matches!(op, Op::Alloc(..)) => {
                prop_assert_eq!(
                    emitted,
                    0,
                    "step {} {:?} rejected ({}) but emitted",
                    step,
                    op,
                    why
                );
                prop_assert_eq!(
                    w.core.revision(),
                    before_rev,
                    "step {} {:?} rejected but changed",
                    step,
                    op
                );
                prop_assert_eq!(&now, &before_view);
                trace.push(format!("rejected {why}"));
            }
            _ => {}
        }
        prop_assert_eq!(&folded, &now, "fold != dump after step {} {:?}", step, op);
    }
    Ok(trace)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_contract(ops in proptest::collection::vec(op(), 1..40)) {
        let first = run(&ops)?;
        let second = run(&ops)?;
        prop_assert_eq!(first, second, "same sequence, different trace");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200_000, ..ProptestConfig::default() })]

    /// The soak: `cargo test -p devlink-core --release -- --ignored`.
    #[test]
    #[ignore = "soak; run with --ignored"]
    fn soak(ops in proptest::collection::vec(op(), 1..120)) {
        run(&ops)?;
    }
}
