//! Model-based property test of the core: random operation sequences on several
//! instances (most populated at the start, registered first or last), with driver-API
//! changes, reloads (including failures), health reports before registration, requests
//! of every area that changes state (ports, port functions, split, rates, line cards,
//! region snapshots, health reporters, traps, resources, shared buffers, params, reload;
//! accepted, refused and failing after a change) and dumps read a few replies at a time.
//! After every step:
//! - the ordering checker accepts every notification;
//! - folding all notifications so far equals what the dumps show;
//! - a refused operation changed nothing (revision, dumps, health reporters, resources,
//!   shared buffers) and emitted nothing; a request that failed after a change is told
//!   apart by the revision (`requests::may_fail_after_change`);
//! - the watch state equals a fresh rendering; a mirror fed with its changes equals
//!   the snapshot at every revision, and a refused step moved no revision
//!   (`watch.rs`);
//! - a dump lists exactly the objects there are, each as its do-style `GET` shows it;
//!   reads change and emit nothing.
//!
//! And the same sequence run twice gives the same trace.

#![allow(
    clippy::indexing_slicing,
    reason = "test harness: slot numbers come from 0..SLOTS"
)]

mod dumps;
mod fake;
mod ops;
mod requests;
mod sb;
mod watch;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devlink_core::Request;
use devlink_core::checker::Checker;
use devlink_core::fold::View;
use devlink_core::{Core, CoreError, Errno, InstanceId, Lifecycle, Time};
use devlink_wire::devlink::{
    Bitfield32, DevReq, Handle, ParamGetReq, ParamSetReq, ParamValue, PortGetReq, ReloadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode, ReloadAction, ReloadLimit};
use proptest::prelude::*;

use fake::{Fake, build, handle};
use ops::{Op, devl_op, sequence};

const SLOTS: u8 = 3;

/// One run: the core, the slots' current instances and their fail knobs.
struct World {
    core: Core,
    slots: Vec<Option<(InstanceId, Arc<AtomicBool>)>>,
    /// Monotonic time (ms).
    now: u64,
}

impl World {
    /// Run a request. A refusal is `Err`; a request that changed state and then failed
    /// (a reload whose `reload_up` failed: `reload_failed`, torn-down objects; a partial
    /// port function or rate set; a line card the driver failed to (un)provision; a
    /// rate node whose driver `rate_node_del` failed; trap actions set before the policer
    /// binding failed; a health test whose auto-recovery failed) said so: a failed
    /// operation, not a refusal.
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
            Err(_) if requests::may_fail_after_change(cmd) && self.core.revision() != rev => Ok(()),
            Err(rej) => Err(format!("{:?} {:?}", rej.errno, rej.msg)),
        }
    }

    fn new() -> Self {
        Self {
            core: Core::new(),
            slots: vec![None; usize::from(SLOTS)],
            now: 0,
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
                let id = self.core.alloc(handle, Box::new(Fake::new(fail.clone())));
                self.slots[slot(s)] = Some((id, fail));
                // Probe like a driver: register first, or build then register last.
                if *register_first {
                    e(self.core.register(id))?;
                }
                let mut d = self.core.devl(id).map_err(|e| e.to_string())?;
                e(build(&mut d))?;
                fake::resources(&mut d).map_err(|e| e.to_string())?;
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
                let body = DevlinkBody::from(ReloadReq {
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
                let body = DevlinkBody::from(ParamSetReq {
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
            Op::Req(s, admin, r) => {
                let (cmd, body) = requests::request(*s, r);
                self.request(cmd, body, *admin)
            }
            Op::Tick(ms) => {
                self.now += ms;
                self.core.set_time(Time {
                    monotonic_ms: self.now,
                    realtime_ns: self.now * 1_000_000,
                });
                Ok(())
            }
            // Checked by `run`.
            Op::Dump(..) => Ok(()),
            Op::Setup(s, first) => {
                self.apply(&Op::Alloc(*s, *first))?;
                let i = id(self, s)?;
                let mut d = self.core.devl(i).map_err(|e| e.to_string())?;
                for op in ops::populate(*s) {
                    e(devl_op(&mut d, &op))?;
                }
                if !first {
                    e(self.core.register(i))?;
                }
                Ok(())
            }
            Op::Nest(s, t, kind, index) => {
                let (i, n) = (id(self, s)?, id(self, t)?);
                let mut d = self.core.devl(i).map_err(|e| e.to_string())?;
                if d.lifecycle() == Lifecycle::Unregistered {
                    return Err("unregistered instance".into());
                }
                e(match kind {
                    0 => d.nested_devlink_set(n),
                    1 => d.port_fn_devlink_set(*index, n),
                    _ => d.linecard_nested_devlink_set(*index, n),
                })
            }
            Op::ReqGet(s, kind, i) => {
                let (cmd, body) = match kind {
                    0 => (
                        Cmd::Get,
                        DevlinkBody::from(DevReq {
                            handle: Some(handle(*s)),
                            unknown: vec![],
                        }),
                    ),
                    1 => (
                        Cmd::PortGet,
                        DevlinkBody::from(PortGetReq {
                            handle: Some(handle(*s)),
                            index: Some(*i),
                            unknown: vec![],
                        }),
                    ),
                    _ => (
                        Cmd::ParamGet,
                        DevlinkBody::from(ParamGetReq {
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

/// What a run did: the notifications, the refusals, the dumps.
#[derive(Debug, PartialEq, Eq)]
enum Trace {
    Event(u64, Cmd, Box<DevlinkBody>),
    Note(String),
}

/// Run a sequence, checking every invariant after every step; returns the trace.
fn run(ops: &[Op]) -> Result<Vec<Trace>, TestCaseError> {
    let mut w = World::new();
    let mut checker = Checker::new();
    let mut folded = View::default();
    let mut trace = Vec::new();
    // Nothing happens between steps: a step starts with the view the last one ended
    // with, and the unnotified state of the last revision it was taken at.
    let mut before_view = View::default();
    let mut watcher = watch::Watcher::new();
    let mut silent: Option<(u64, Vec<String>)> = None;
    for (step, op) in ops.iter().enumerate() {
        let before_rev = w.core.revision();
        let before_watch = w.core.watch_revision();
        let before_silent = matches!(op, Op::Req(..)).then(|| match silent.take() {
            Some((rev, state)) if rev == before_rev => state,
            _ => dumps::silent_state(&mut w.core),
        });
        if let Op::Dump(kind, filter, budget) = op {
            let t = dumps::check(&mut w.core, *kind, *filter, *budget)
                .map_err(|e| TestCaseError::fail(format!("step {step} {op:?}: {e}")))?;
            trace.push(Trace::Note(t));
        }
        let result = w.apply(op);
        if let (Op::Setup(..), Err(e)) = (op, &result) {
            return Err(TestCaseError::fail(format!("step {step} {op:?}: {e}")));
        }
        let mut emitted = 0;
        while let Some(n) = w.core.poll_notification() {
            emitted += 1;
            checker
                .check(Some(n.revision), n.cmd, &n.body)
                .map_err(|v| TestCaseError::fail(format!("step {step} {op:?}: {v}")))?;
            folded.apply(n.cmd, &n.body);
            trace.push(Trace::Event(n.revision, n.cmd, Box::new(n.body)));
        }
        let now = View::from_dump(&w.core);
        watcher
            .step(&mut w.core)
            .map_err(|e| TestCaseError::fail(format!("step {step} {op:?}: watch: {e}")))?;
        match result {
            Err(why) if !matches!(op, Op::Alloc(..) | Op::Setup(..)) => {
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
                prop_assert_eq!(
                    w.core.watch_revision(),
                    before_watch,
                    "step {} {:?} rejected but moved the watch revision",
                    step,
                    op
                );
                if let Some(before) = before_silent {
                    prop_assert_eq!(
                        &dumps::silent_state(&mut w.core),
                        &before,
                        "step {} {:?} rejected but changed health, resources or shared buffers",
                        step,
                        op
                    );
                    silent = Some((before_rev, before));
                }
                trace.push(Trace::Note(format!("rejected {why}")));
            }
            Ok(()) if matches!(op, Op::Dump(..) | Op::ReqGet(..)) => {
                prop_assert_eq!(emitted, 0, "step {} {:?} emitted", step, op);
                prop_assert_eq!(
                    w.core.revision(),
                    before_rev,
                    "step {} {:?} changed",
                    step,
                    op
                );
            }
            _ => {}
        }
        prop_assert_eq!(&folded, &now, "fold != dump after step {} {:?}", step, op);
        before_view = now;
    }
    watcher
        .finish(&mut w.core)
        .map_err(|e| TestCaseError::fail(format!("watch at the end: {e}")))?;
    Ok(trace)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_contract(ops in sequence(40)) {
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
    fn soak(ops in sequence(120)) {
        run(&ops)?;
    }
}
