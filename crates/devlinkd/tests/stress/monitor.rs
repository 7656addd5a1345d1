//! A monitor: a connection joined to `config` whose every notification goes through the
//! ordering checker (`devlink-check`) and is folded into a `View` (`devlink_core::fold`),
//! as `dlctl monitor --check` does. The state is learnt from dumps on the same
//! connection after joining: the daemon's output has one order (`docs/transport.md`), so
//! dump replies and notifications folded in the order they arrive give the state at the
//! end of the dump exactly; the notifications that arrive while it is learnt are applied
//! unchecked (`Checker::assume`). After an `OVERRUN` the same again (counted).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use devlink_client::{Connection, msg};
use devlink_core::checker::{Checker, Violation, body_handle};
use devlink_core::fold::{InstanceView, View};
use devlink_wire::devlink::{
    DevReq, Handle, LinecardGetReq, ParamGetReq, PortGetReq, RateGetReq, RegionGetReq, TrapGetReq,
    TrapGroupGetReq, TrapPolicerGetReq,
};
use devlink_wire::message::{DevlinkBody, Payload};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{DEVLINKD_NLMSG_TRANSPORT, Transport, opt};

use crate::client::{Dl, decode};
use crate::common::{self, FAM};

/// The dumps that show every object with notifications (the checker's and the view's
/// kinds), of every instance or of `only`: instances first, then what hangs off them.
pub fn view_dumps(only: Option<&Handle>) -> [(Cmd, DevlinkBody); 9] {
    let handle = only.cloned();
    [
        (
            Cmd::Get,
            DevReq {
                handle: handle.clone(),
                unknown: vec![],
            }
            .into(),
        ),
        (
            Cmd::LinecardGet,
            LinecardGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::PortGet,
            PortGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::TrapPolicerGet,
            TrapPolicerGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::TrapGroupGet,
            TrapGroupGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::TrapGet,
            TrapGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::RateGet,
            RateGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::RegionGet,
            RegionGetReq {
                handle: handle.clone(),
                ..Default::default()
            }
            .into(),
        ),
        (
            Cmd::ParamGet,
            ParamGetReq {
                handle,
                ..Default::default()
            }
            .into(),
        ),
    ]
}

/// The state dumps show (of every instance, or of `only`), from a connection of its
/// own, while nothing changes what they list: every object must be listed once.
pub fn dumped_view(dl: &mut Dl, only: Option<&Handle>) -> View {
    let mut view = View::default();
    for (cmd, body) in view_dumps(only) {
        for (c, b) in dl.dump_quiet(cmd, body).unwrap() {
            view.apply(c, &b);
        }
    }
    view
}

/// How a monitor reads.
#[derive(Debug, Clone, Copy)]
pub struct Flavour {
    pub name: &'static str,
    /// `SO_RCVBUF` (the backlog limit, doubled by the daemon): small ones overrun.
    pub rcvbuf: Option<u32>,
    /// `UNPACKED_NOTIFICATIONS`: one notification per datagram, as from the kernel.
    pub unpacked: bool,
}

/// What a monitor knew of the watched instance when it saw a checkpoint device's `DEL`
/// (everything produced before it had been received).
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub number: u32,
    pub monitor: &'static str,
    /// Its overruns so far: a monitor that overran since the last checkpoint may have
    /// missed flash status messages.
    pub overruns: u64,
    /// The instance as folded; `None` while the monitor was learning the state (its
    /// view was partial then, nothing to compare).
    pub instance: Option<Option<InstanceView>>,
    /// Order violations so far.
    pub violations: u64,
    /// `FLASH_UPDATE_STATUS` / `_END` notifications about the instance so far.
    pub flash_status: u64,
    /// `HEALTH_REPORTER_RECOVER` notifications about the instance so far.
    pub recovers: u64,
}

/// Checkpoints: devices `netdevsimID` (ID [`CHECKPOINT_BASE`] + N, checkpoint N) whose
/// `DEL` makes every monitor report the watched instance. Numbers do not wrap (up to
/// [`CHECKPOINTS_MAX`]), so a late report is never taken for a later checkpoint's; the
/// ids start with 8, not the sentinels' 9.
pub const CHECKPOINT_BASE: u32 = 80_000_000;
pub const CHECKPOINTS_MAX: u32 = 10_000_000;

/// Where a monitor sends its checkpoints, and the instance they are about.
#[derive(Debug, Clone)]
pub struct Watch {
    pub handle: Handle,
    pub tx: Sender<Checkpoint>,
}

/// What one monitor saw.
#[derive(Debug)]
pub struct Report {
    pub name: &'static str,
    /// The state its stream folded into when it stopped.
    pub view: View,
    /// Notifications checked.
    pub checked: u64,
    /// Notifications applied unchecked while the state was being learnt.
    pub assumed: u64,
    /// `OVERRUN`s received (each followed by a re-dump).
    pub overruns: u64,
    /// Broken rules (the first 20) and their number.
    pub violations: Vec<String>,
    pub violation_count: u64,
    /// Learning passes whose dumps failed (a counter-read fault knob was set) and were
    /// retried.
    pub failed_dumps: u64,
}

struct Monitor {
    conn: Connection,
    seq: u32,
    checker: Checker,
    view: View,
    learning: bool,
    /// An overrun came: the state must be learnt again.
    relearn: bool,
    /// The sentinel's `DEL` was seen: everything before it has been received.
    ended: bool,
    sentinel: String,
    watch: Option<Watch>,
    flash_status: u64,
    recovers: u64,
    /// A seeding dump failed: learn again.
    dump_failed: bool,
    report: Report,
}

/// Start a monitor: it has joined `config` and learnt the state when this returns. It reads until it sees the
/// instance `DEL` of a device whose name starts with `sentinel`, then reports.
pub fn spawn(
    path: &Path,
    flavour: Flavour,
    sentinel: &str,
    watch: Option<Watch>,
    done: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Report> {
    let conn = Connection::connect(path).unwrap();
    common::iproute2_opts(&conn);
    if let Some(size) = flavour.rcvbuf {
        common::setopt(&conn, opt::SO_RCVBUF, size);
    }
    if flavour.unpacked {
        common::setopt(&conn, opt::UNPACKED_NOTIFICATIONS, 1);
    }
    common::subscribe(&conn);
    let mut m = Monitor {
        conn,
        seq: 1,
        checker: Checker::new(),
        view: View::default(),
        learning: true,
        relearn: false,
        ended: false,
        sentinel: sentinel.to_owned(),
        watch,
        flash_status: 0,
        recovers: 0,
        dump_failed: false,
        report: Report {
            name: flavour.name,
            view: View::default(),
            checked: 0,
            assumed: 0,
            overruns: 0,
            violations: Vec::new(),
            violation_count: 0,
            failed_dumps: 0,
        },
    };
    // The first state is learnt before the monitor counts as started.
    m.learn();
    std::thread::Builder::new()
        .name(format!("monitor {}", flavour.name))
        .spawn(move || {
            while !m.ended {
                let dg = m.recv();
                m.datagram(&dg, None);
                if m.relearn {
                    m.learn();
                }
            }
            done.store(true, Ordering::Release);
            m.report.view = std::mem::take(&mut m.view);
            m.report
        })
        .unwrap()
}

impl Monitor {
    fn recv(&self) -> Vec<u8> {
        self.conn
            .recv(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("monitor {}: {e}", self.report.name))
    }

    /// Forget what is known and learn it again from dumps, until one pass completes
    /// without an overrun. Notifications that come meanwhile are applied unchecked.
    fn learn(&mut self) {
        loop {
            self.relearn = false;
            self.learning = true;
            self.checker.lost();
            self.view = View::default();
            for (cmd, body) in view_dumps(None) {
                self.seq += 1;
                let req = msg::devlink_request(FAM, NLM_F_ACK | NLM_F_DUMP, self.seq, cmd, body);
                self.conn.send(&req).unwrap();
                let mut finished = false;
                while !finished {
                    let dg = self.recv();
                    finished = self.datagram(&dg, Some(self.seq));
                }
            }
            if self.dump_failed {
                self.dump_failed = false;
                self.report.failed_dumps += 1;
                self.relearn = true;
                std::thread::sleep(Duration::from_millis(20));
            }
            if !self.relearn {
                self.learning = false;
                return;
            }
        }
    }

    /// Handle one datagram; `dump` is the sequence number of the dump under way. True
    /// when that dump ended in it.
    fn datagram(&mut self, dg: &[u8], dump: Option<u32>) -> bool {
        let mut finished = false;
        for raw in Messages::new(dg) {
            let raw = raw.unwrap();
            if raw.header.ty == DEVLINKD_NLMSG_TRANSPORT {
                let t = Transport::parse(raw.bytes).unwrap().1;
                assert_eq!(t, Transport::Overrun, "monitor {}", self.report.name);
                self.report.overruns += 1;
                self.checker.lost();
                self.view = View::default();
                self.learning = true;
                self.relearn = true;
                continue;
            }
            let m = decode(raw.bytes).pop().unwrap();
            if raw.header.seq != 0 {
                assert_eq!(
                    Some(raw.header.seq),
                    dump,
                    "monitor {}: {m:?}",
                    self.report.name
                );
                match m.payload {
                    Payload::Devlink(d) => {
                        let cmd = Cmd::from_repr(d.genl.cmd).unwrap();
                        self.checker.seed(&d.body);
                        self.view.apply(cmd, &d.body);
                    }
                    Payload::Done(d) => {
                        // Only while a counter-read fault knob is set (faults.rs).
                        self.dump_failed |= d.error.unwrap_or(0) != 0;
                        finished = true;
                    }
                    other => panic!("monitor {}: {other:?}", self.report.name),
                }
                continue;
            }
            let Payload::Devlink(d) = m.payload else {
                panic!("monitor {}: unsolicited {m:?}", self.report.name);
            };
            let cmd = Cmd::from_repr(d.genl.cmd).unwrap();
            self.notification(cmd, &d.body);
        }
        finished
    }

    fn notification(&mut self, cmd: Cmd, body: &DevlinkBody) {
        if self.learning {
            self.checker.assume(cmd, body);
            self.report.assumed += 1;
        } else {
            self.report.checked += 1;
            if let Err(v) = self.checker.check(None, cmd, body) {
                self.violation(&v, cmd, body);
            }
        }
        self.view.apply(cmd, body);
        if let Some(w) = &self.watch
            && body_handle(body) == Some(&w.handle)
        {
            match cmd {
                Cmd::FlashUpdate | Cmd::FlashUpdateEnd | Cmd::FlashUpdateStatus => {
                    self.flash_status += 1;
                }
                Cmd::HealthReporterRecover => self.recovers += 1,
                _ => {}
            }
        }
        let DevlinkBody::Dev(d) = body else { return };
        if cmd != Cmd::Del {
            return;
        }
        if d.handle.dev.starts_with(&self.sentinel) {
            self.ended = true;
        }
        let number = d
            .handle
            .dev
            .strip_prefix("netdevsim")
            .and_then(|id| id.parse::<u32>().ok())
            .and_then(|id| id.checked_sub(CHECKPOINT_BASE));
        if let (Some(w), Some(number)) = (&self.watch, number) {
            let _ = w.tx.send(Checkpoint {
                number,
                monitor: self.report.name,
                overruns: self.report.overruns,
                instance: (!self.learning).then(|| self.view.instances.get(&w.handle).cloned()),
                violations: self.report.violation_count,
                flash_status: self.flash_status,
                recovers: self.recovers,
            });
        }
    }

    fn violation(&mut self, v: &Violation, cmd: Cmd, body: &DevlinkBody) {
        self.report.violation_count += 1;
        if self.report.violations.len() < 20 {
            self.report
                .violations
                .push(format!("{v} ({cmd:?} {})", crate::client::object_key(body)));
        }
    }
}
