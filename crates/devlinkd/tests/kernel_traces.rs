//! The daemon against a real kernel: each Debian 6.1 netdevsim scenario of
//! `shared/traces/kernel-6.1` run through the real `devlinkd` binary (started with
//! `--no-default-devices` on a temporary socket and state directory, its log in a file)
//! over real sockets, and the notification stream it sends compared, step by step, with
//! the stream in the scenario's `netlink.pcap`.
//!
//! One connection does everything, as `devlink monitor` and `devlink` together: it sets
//! `NETLINK_CAP_ACK` and `NETLINK_EXT_ACK` (as iproute2 does), joins `config`, and sends
//! every action of the scenario in the order of its `actions.txt`:
//! - the sysfs and debugfs writes (`new_device "ID PORTS"`, `del_device`,
//!   `dont_allow_reload`, `fail_reload`) as `devlinkd_sim` requests (`NEW_DEVICE` with
//!   `REGISTER` last, as 6.1's netdevsim; `DEL_DEVICE`; `SET_KNOB`);
//! - the `devlink` tool's requests (`PARAM_GET`/`PARAM_SET`, `RELOAD`, `RESOURCE_SET`,
//!   the dumps of the "mid" checks) replayed from the capture itself: each captured
//!   devlink request, decoded and re-encoded with devlinkd's family id, flags and seq as
//!   the kernel received them.
//!
//! No sleeps: after each action the connection reads up to that action's final answer
//! (`NLMSG_ERROR` or `NLMSG_DONE` with the action's seq). The daemon queues what a
//! request causes to every subscriber before the request's answer, so what arrived on the
//! connection by then is everything the action caused. Each replayed request's answer
//! must carry the kernel's errno and extack message, refusals included (reload action,
//! limit, `dont_allow_reload`, `fail_reload`, unknown parameter).
//!
//! Compared as decoded typed messages (command and body), not bytes: the kernel's
//! devlink family id was 21, devlinkd's is 0x14. Normalised (`devlink_testkit::traces`
//! says why), and nothing else: netdev names and ifindexes; 6.1's reverse order of the
//! `PARAM_DEL`/`PORT_DEL` runs at unregistration (mainline's ascending order is the
//! target); the `leftover: ` prefix 6.1 puts on devlink's own extack messages. The
//! pcap has each notification once per listening socket (two monitors): de-duplicated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap is a failed test"
)]

mod common;

use std::collections::BTreeMap;

use common::{Daemon, FAM, iproute2_opts, recv, subscribe};
use devlink_client::{Connection, SimClient, msg};
use devlink_testkit::{
    Exchange, Ntf, Step, assert_same, expect_len, mainline_unregister_order, strip_module_prefix,
};
use devlink_wire::message::{Message, Payload};
use devlink_wire::nl::flags::NLM_F_ACK;
use devlink_wire::simctl::{DeviceReq, NewDevice, Register, SetKnobReq, SimBody};
use devlink_wire::spec::Cmd;

/// How an action ended: positive errno (0: success) and extack message.
type Answer = (i32, Option<String>);

/// The connection that acts and listens, and the scenario's remaining steps.
struct Replay {
    conn: Connection,
    sim_family: u16,
    seq: u32,
    kernel: BTreeMap<u32, Step>,
    _daemon: Daemon,
}

impl Replay {
    fn start(scenario: &str) -> Self {
        let kernel =
            devlink_testkit::kernel_steps(scenario).unwrap_or_else(|e| panic!("{scenario}: {e}"));
        let daemon = Daemon::start(&["--no-default-devices"]);
        let sim_family = SimClient::connect(&daemon.socket).unwrap().family();
        let conn = daemon.connect();
        iproute2_opts(&conn);
        subscribe(&conn);
        Self {
            conn,
            sim_family,
            seq: 0,
            kernel,
            _daemon: daemon,
        }
    }

    /// Send one request and read up to its final answer (seq `seq`); the notifications
    /// that arrived on the way.
    fn send(&self, request: &[u8], seq: u32) -> (Vec<Ntf>, Answer) {
        self.conn.send(request).unwrap();
        let mut ntfs = Vec::new();
        loop {
            for m in recv(&self.conn) {
                let h = m.header;
                match m.payload {
                    Payload::Devlink(d) if h.seq == 0 && h.pid == 0 => {
                        ntfs.push((Cmd::from_repr(d.genl.cmd).unwrap(), d.body));
                    }
                    Payload::Error(e) if h.seq == seq => {
                        return (ntfs, (e.error.saturating_neg(), e.ext_ack.msg));
                    }
                    Payload::Done(d) if h.seq == seq => {
                        return (ntfs, (d.error.unwrap_or(0).saturating_neg(), d.ext_ack.msg));
                    }
                    _ => {}
                }
            }
        }
    }

    /// A `devlinkd_sim` request that must succeed; the notifications it caused.
    fn sim(&mut self, body: SimBody) -> Vec<Ntf> {
        self.seq += 1;
        let req = msg::sim_request(self.sim_family, NLM_F_ACK, self.seq, body.clone());
        let (ntfs, answer) = self.send(&req, self.seq);
        assert_eq!(answer, (0, None), "{body:?}");
        ntfs
    }

    fn new_device(&mut self, id: u32, ports: u32) -> Vec<Ntf> {
        self.sim(SimBody::NewDevice(NewDevice {
            id,
            ports: Some(ports),
            register: Some(Register::Last),
            ..NewDevice::default()
        }))
    }

    fn del_device(&mut self, id: u32) -> Vec<Ntf> {
        self.sim(SimBody::DelDevice(DeviceReq {
            id: Some(id),
            unknown: Vec::new(),
        }))
    }

    /// A debugfs write between steps: it causes no notification, in 6.1 as here.
    fn knob(&mut self, id: u32, name: &str, value: &str) {
        let ntfs = self.sim(SimBody::SetKnob(SetKnobReq {
            id,
            name: name.into(),
            value: value.into(),
            unknown: Vec::new(),
        }));
        assert_same(&format!("knob {name}={value}"), Vec::new(), ntfs);
    }

    /// One captured devlink request through the daemon: its answer must be the
    /// kernel's; the notifications it caused.
    fn replay(&self, what: &str, x: &Exchange) -> Vec<Ntf> {
        let mut m: Message = x.request.clone();
        m.header.ty = FAM;
        let (ntfs, (errno, ext)) = self.send(&m.encode().unwrap(), m.header.seq);
        assert_eq!(
            (errno, ext.as_deref()),
            (x.errno, x.extack.as_deref().map(strip_module_prefix)),
            "{what}: answer to {} (left: devlinkd)",
            x.cmd.kernel_name()
        );
        ntfs
    }

    /// Step `n`: `actions` (sysfs writes, run first), then the step's captured devlink
    /// requests replayed. The kernel's notifications and ours.
    fn step(&mut self, n: u32, actions: &[Action]) -> (Vec<Ntf>, Vec<Ntf>) {
        let step = self.kernel.remove(&n).unwrap_or_default();
        let mut ours = Vec::new();
        for a in actions {
            ours.extend(match *a {
                Action::New(id, ports) => self.new_device(id, ports),
                Action::Del(id) => self.del_device(id),
            });
        }
        for x in &step.requests {
            ours.extend(self.replay(&format!("step {n}"), x));
        }
        (step.notifications, ours)
    }

    /// The kernel's refusals in step `n` (errno, extack message): proves the step's
    /// answers are there to compare before running it.
    fn refusals(&self, n: u32) -> Vec<(i32, Option<&str>)> {
        let step = self.kernel.get(&n).map_or(&[][..], |s| &s.requests[..]);
        step.iter()
            .filter(|x| x.errno != 0)
            .map(|x| (x.errno, x.extack.as_deref()))
            .collect()
    }

    /// Every step of the capture was run.
    fn finish(self) {
        let left: Vec<_> = self.kernel.keys().collect();
        assert!(
            self.kernel
                .values()
                .all(|s| s.notifications.is_empty() && s.requests.is_empty()),
            "unchecked steps: {left:?}"
        );
    }
}

const EINVAL: i32 = 22;
const EOPNOTSUPP: i32 = 95;
const ACTION: &str = "leftover: Requested reload action is not supported by the driver";
const LIMIT: &str = "leftover: Requested limit is not supported by the driver";
const FORBID: &str = "netdevsim: User forbid the reload for testing purposes";
const FAIL: &str = "netdevsim: User setup the reload to fail for testing purposes";

/// A sysfs write of the bus.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// `new_device "ID PORTS"`.
    New(u32, u32),
    /// `del_device ID`.
    Del(u32),
}

/// `new_device "ID PORTS"`: the registration's `len` notifications.
fn create(scenario: &str, id: u32, ports: u32, len: usize) {
    let mut r = Replay::start(scenario);
    let (kernel, ours) = r.step(1, &[Action::New(id, ports)]);
    assert_same(
        &format!("new_device {id} {ports}"),
        expect_len(kernel, len),
        ours,
    );
    r.finish();
}

#[test]
fn create_1port() {
    create("create_1port", 10, 1, 28);
}

#[test]
fn create_4ports() {
    create("create_4ports", 11, 4, 31);
}

#[test]
fn delete() {
    let mut r = Replay::start("delete");
    r.new_device(12, 4);
    let (kernel, ours) = r.step(1, &[Action::Del(12)]);
    let kernel = mainline_unregister_order(expect_len(kernel, 31));
    assert_same("del_device 12", kernel, ours);
    r.finish();
}

#[test]
fn reload() {
    let mut r = Replay::start("reload");
    r.new_device(14, 2);
    // 01 default action, 02 driver_reinit; 03-05 refused by the request checks
    // (fw_activate, no_reset): the kernel sent nothing.
    let unsupported = |msg| vec![(EOPNOTSUPP, Some(msg))];
    assert_eq!(r.refusals(3), unsupported(ACTION));
    assert_eq!(r.refusals(4), unsupported(ACTION));
    assert_eq!(r.refusals(5), unsupported(LIMIT));
    assert_eq!(r.refusals(6), unsupported(FORBID));
    assert_eq!(r.refusals(7), vec![(EINVAL, Some(FAIL))]);
    for (n, len) in [(1, 57), (2, 57), (3, 0), (4, 0), (5, 0)] {
        let (kernel, ours) = r.step(n, &[]);
        assert_same(&format!("reload step {n}"), expect_len(kernel, len), ours);
    }
    r.knob(14, "dont_allow_reload", "Y");
    let (kernel, ours) = r.step(6, &[]);
    assert_same("06 dont_allow_reload", expect_len(kernel, 0), ours);
    r.knob(14, "dont_allow_reload", "N");
    r.knob(14, "fail_reload", "Y");
    // The failed reload, then the "mid" dumps of the failed state.
    let (kernel, ours) = r.step(7, &[]);
    assert_same("07 fail_reload", expect_len(kernel, 29), ours);
    r.knob(14, "fail_reload", "N");
    let (kernel, ours) = r.step(8, &[]);
    assert_same("08 reload recovers", expect_len(kernel, 30), ours);
    r.finish();
}

#[test]
fn param_set() {
    let mut r = Replay::start("param_set");
    r.new_device(15, 1);
    // 01-02 driverinit sets; 03 (runtime cmode: iproute2 refuses it after its
    // PARAM_GET) and 04 (unknown name: PARAM_GET answers EINVAL) send nothing; 05 reload
    // applies; 06 RESOURCE_SET, silent; 07 reload applies the size.
    assert_eq!(r.refusals(4), vec![(EINVAL, None)]);
    for (n, len) in [(1, 1), (2, 1), (3, 0), (4, 0), (5, 53), (6, 0), (7, 53)] {
        let (kernel, ours) = r.step(n, &[]);
        assert_same(
            &format!("param_set step {n}"),
            expect_len(kernel, len),
            ours,
        );
    }
    r.finish();
}
