//! The Debian 6.1 netdevsim golden traces (`shared/traces/kernel-6.1/<scenario>/`),
//! read step by step, and the normalisation the trace tests apply on both sides.
//!
//! Each scenario's `netlink.pcap` holds every generic-netlink message of the run; the
//! harness separated its steps with an rtnetlink marker (`mark-stepNN`, protocol 0).
//! [`kernel_steps`] keeps, per step, the devlink multicast notifications (each captured
//! once per listening socket: de-duplicated here) and every devlink request with the
//! kernel's final answer (`NLMSG_ERROR` or `NLMSG_DONE`: errno and extack message).
//!
//! Normalised, and nothing else (see each function):
//! - [`normalise`]: netdev names and ifindexes (they depend on the VM);
//! - [`mainline_unregister_order`]: at unregistration, 6.1 replays the `PARAM_DEL` and
//!   `PORT_DEL` runs in reverse registration order; mainline (and devlink-core) in
//!   ascending key order (`shared/reference/kernel-semantics.md` §3.3 and §3.7);
//! - [`strip_module_prefix`]: 6.1's devlink core prefixes its own extack messages with
//!   `leftover: ` (the `KBUILD_MODNAME` of `net/devlink/leftover.c`); devlink-core sends
//!   them without a prefix. Drivers' prefixes (`netdevsim: `) are kept.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use devlink_wire::message::{DevlinkBody, Families, Message, Payload};
use devlink_wire::nl::{Messages, NETLINK_GENERIC};
use devlink_wire::pcap::Pcap;
use devlink_wire::spec::Cmd;

/// Every multicast message is captured once per listening socket; the recording ran
/// two `devlink monitor`s (`shared/traces/kernel-6.1/README.md`).
const LISTENERS: usize = 2;

/// The prefix 6.1's `NL_SET_ERR_MSG_MOD` puts on devlink's own messages.
const DEVLINK_61_PREFIX: &str = "leftover: ";

/// One notification: command and body.
pub type Ntf = (Cmd, DevlinkBody);

/// A devlink request of the trace and the kernel's answer to it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request as captured (header as sent: the kernel's family id, its seq).
    pub request: Message,
    /// The command of the request.
    pub cmd: Cmd,
    /// The final answer's errno, positive (0: ACK or a dump's clean `NLMSG_DONE`).
    pub errno: i32,
    /// The final answer's extack message, as the kernel sent it.
    pub extack: Option<String>,
}

/// One step of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// Its devlink notifications, in order, de-duplicated.
    pub notifications: Vec<Ntf>,
    /// Its devlink requests, in order, with the kernel's answers.
    pub requests: Vec<Exchange>,
}

/// Why a trace could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The pcap file could not be read.
    #[error("golden trace missing at {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A record or message that does not decode.
    #[error("{0}")]
    Decode(String),
    /// A notification not captured once per listening socket (two) in a row.
    #[error("step {step}: {cmd} captured {run} times")]
    Duplicates {
        /// The step.
        step: u32,
        /// The notification's command.
        cmd: &'static str,
        /// How many copies.
        run: usize,
    },
    /// A devlink request the capture has no final answer for.
    #[error("step {0}: a devlink request without an answer")]
    Unanswered(u32),
    /// No `NEWFAMILY` reply told the devlink family id.
    #[error("no devlink family id")]
    NoFamily,
}

/// `shared/traces/kernel-6.1`, or `$DEVLINK_TRACES`.
#[must_use]
pub fn traces_dir() -> PathBuf {
    std::env::var_os("DEVLINK_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces/kernel-6.1"),
        PathBuf::from,
    )
}

/// The scenario's steps by number (from the marker `mark-stepNN`; 0 before the first).
pub fn kernel_steps(scenario: &str) -> Result<BTreeMap<u32, Step>, TraceError> {
    let path = traces_dir().join(scenario).join("netlink.pcap");
    let buf = std::fs::read(&path).map_err(|source| TraceError::Io { path, source })?;
    let decode = |e: &dyn std::fmt::Display| TraceError::Decode(e.to_string());
    let mut families = Families::default();
    let mut step = 0;
    // Per step: raw bytes and decoded notification, duplicates still in.
    let mut raw: BTreeMap<u32, Vec<(Vec<u8>, Ntf)>> = BTreeMap::new();
    let mut requests: BTreeMap<u32, Vec<Exchange>> = BTreeMap::new();
    // The request waiting for its answer: its step and seq.
    let mut pending: Option<(u32, u32)> = None;
    for rec in Pcap::parse(&buf).map_err(|e| decode(&e))? {
        let rec = rec.map_err(|e| decode(&e))?;
        if rec.protocol != NETLINK_GENERIC {
            if let Some(n) = marker(rec.data) {
                step = n;
            }
            continue;
        }
        for m in Messages::new(rec.data) {
            let m = m.map_err(|e| decode(&e))?;
            families.learn(&m);
            let h = m.header;
            let msg = Message::decode(&m, families).map_err(|e| decode(&e))?;
            match msg.payload {
                Payload::Devlink(ref d) if h.is_request() => {
                    let cmd = Cmd::from_repr(d.genl.cmd)
                        .ok_or_else(|| TraceError::Decode(format!("cmd {}", d.genl.cmd)))?;
                    if pending.is_some() {
                        return Err(TraceError::Unanswered(step));
                    }
                    pending = Some((step, h.seq));
                    requests.entry(step).or_default().push(Exchange {
                        request: msg.clone(),
                        cmd,
                        errno: -1,
                        extack: None,
                    });
                }
                Payload::Devlink(d) if h.seq == 0 && h.pid == 0 => {
                    let cmd = Cmd::from_repr(d.genl.cmd)
                        .ok_or_else(|| TraceError::Decode(format!("cmd {}", d.genl.cmd)))?;
                    raw.entry(step)
                        .or_default()
                        .push((m.bytes.to_vec(), (cmd, d.body)));
                }
                Payload::Error(e) if pending.is_some_and(|(_, seq)| seq == h.seq) => {
                    answer(&mut requests, &mut pending, e.error, e.ext_ack.msg);
                }
                Payload::Done(d) if pending.is_some_and(|(_, seq)| seq == h.seq) => {
                    answer(
                        &mut requests,
                        &mut pending,
                        d.error.unwrap_or(0),
                        d.ext_ack.msg,
                    );
                }
                _ => {}
            }
        }
    }
    if families.devlink.is_none() {
        return Err(TraceError::NoFamily);
    }
    if let Some((step, _)) = pending {
        return Err(TraceError::Unanswered(step));
    }
    let mut steps: BTreeMap<u32, Step> = BTreeMap::new();
    for (n, msgs) in raw {
        steps.entry(n).or_default().notifications = dedup(n, msgs)?;
    }
    for (n, reqs) in requests {
        steps.entry(n).or_default().requests = reqs;
    }
    Ok(steps)
}

/// The step number of a harness marker (`mark-stepNN` in an rtnetlink message).
fn marker(data: &[u8]) -> Option<u32> {
    let needle = b"mark-step";
    let at = data.windows(needle.len()).position(|w| w == needle)?;
    let digits = data.get(at + needle.len()..at + needle.len() + 2)?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Record the final answer of the pending request.
fn answer(
    requests: &mut BTreeMap<u32, Vec<Exchange>>,
    pending: &mut Option<(u32, u32)>,
    error: i32,
    msg: Option<String>,
) {
    let Some((step, _)) = pending.take() else {
        return;
    };
    if let Some(x) = requests.get_mut(&step).and_then(|r| r.last_mut()) {
        x.errno = error.saturating_neg();
        x.extack = msg;
    }
}

/// The copies of one multicast message are captured back to back, once per listener:
/// each run of identical messages stands for `run / LISTENERS` notifications.
fn dedup(step: u32, msgs: Vec<(Vec<u8>, Ntf)>) -> Result<Vec<Ntf>, TraceError> {
    let mut out = Vec::new();
    let mut it = msgs.into_iter().peekable();
    while let Some((bytes, ntf)) = it.next() {
        let mut run = 1;
        while it.peek().is_some_and(|(b, _)| *b == bytes) {
            it.next();
            run += 1;
        }
        if run % LISTENERS != 0 {
            let cmd = ntf.0.kernel_name();
            return Err(TraceError::Duplicates { step, cmd, run });
        }
        out.extend(std::iter::repeat_n(ntf, run / LISTENERS));
    }
    Ok(out)
}

/// Netdev names and ifindexes: set to fixed values where present.
#[must_use]
pub fn normalise(ntfs: Vec<Ntf>) -> Vec<Ntf> {
    ntfs.into_iter()
        .map(|(cmd, mut body)| {
            if let DevlinkBody::Port(p) = &mut body {
                let p = Arc::make_mut(p);
                if p.netdev_ifindex.is_some() {
                    p.netdev_ifindex = Some(0);
                }
                if p.netdev_name.is_some() {
                    p.netdev_name = Some("netdev".into());
                }
            }
            (cmd, body)
        })
        .collect()
}

/// 6.1's unregistration replay lists params and ports in reverse registration order;
/// mainline (and the core) in ascending key order. netdevsim registers both in
/// ascending key order, so reversing the first run of each gives mainline's order.
#[must_use]
pub fn mainline_unregister_order(mut ntfs: Vec<Ntf>) -> Vec<Ntf> {
    for cmd in [Cmd::ParamDel, Cmd::PortDel] {
        let Some(start) = ntfs.iter().position(|(c, _)| *c == cmd) else {
            continue;
        };
        if let Some(run) = ntfs.get_mut(start..) {
            let len = run.iter().take_while(|(c, _)| *c == cmd).count();
            if let Some(run) = run.get_mut(..len) {
                run.reverse();
            }
        }
    }
    ntfs
}

/// An extack message of the kernel without 6.1's `leftover: ` prefix on devlink's own
/// messages (see the module header).
#[must_use]
pub fn strip_module_prefix(msg: &str) -> &str {
    msg.strip_prefix(DEVLINK_61_PREFIX).unwrap_or(msg)
}

/// `step`, after checking it holds `n` notifications (as `summary.txt` lists them):
/// proves the step was found and de-duplicated right before comparing.
#[track_caller]
#[must_use]
pub fn expect_len(step: Vec<Ntf>, n: usize) -> Vec<Ntf> {
    assert_eq!(step.len(), n, "kernel step size");
    step
}

/// The kernel's notifications equal ours, after [`normalise`] on both sides.
#[track_caller]
pub fn assert_same(what: &str, kernel: Vec<Ntf>, ours: Vec<Ntf>) {
    let (kernel, ours) = (normalise(kernel), normalise(ours));
    for (i, (k, o)) in kernel.iter().zip(&ours).enumerate() {
        assert_eq!(k, o, "{what}: notification {i} differs (left: kernel)");
    }
    let cmds = |v: &[Ntf]| v.iter().map(|(c, _)| c.kernel_name()).collect::<Vec<_>>();
    assert_eq!(
        kernel.len(),
        ours.len(),
        "{what}: kernel sent {:?}\nwe sent {:?}",
        cmds(&kernel),
        cmds(&ours)
    );
}
