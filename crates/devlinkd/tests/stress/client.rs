//! A blocking devlink client for the stress tests: one connection set up as iproute2
//! sets its sockets, one request at a time (`NLM_F_ACK`), its replies read up to the ACK
//! or the dump's `NLMSG_DONE`. Every datagram must decode, and every dump must end with
//! `NLMSG_DONE` and list each object at most once per datagram.
//!
//! A dump may list an object twice across datagrams, as the kernel's may: each datagram
//! is filled from the state of its moment, instances are walked by index (a device
//! deleted and created again under the same handle gets a higher one:
//! `xa_alloc_cyclic`) and list-based objects resume by position (`state->idx`). Those
//! repeats are counted ([`Dl::repeats`]); [`Dl::dump_quiet`] is for dumps of a state
//! nothing changes, which must list every object once.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use devlink_client::{Connection, msg};
use devlink_wire::message::{DevlinkBody, Families, Message, Payload};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::spec::Cmd;

use crate::common::{self, FAM};

/// A liveness bound on one reply datagram (the machine is loaded; the daemon serves one
/// request at a time for every client).
pub const WAIT: Duration = Duration::from_secs(30);

/// A request the daemon refused or failed: its errno (positive) and extack message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub errno: i32,
    pub msg: Option<String>,
}

/// The replies of a request (command and body), or why it failed.
pub type Reply = Result<Vec<(Cmd, DevlinkBody)>, Refused>;

/// One devlink connection.
pub struct Dl {
    conn: Connection,
    seq: u32,
    /// Objects listed again in a later datagram of the same dump.
    pub repeats: u64,
}

impl Dl {
    pub fn connect(path: &Path) -> Self {
        let conn = Connection::connect(path).unwrap();
        common::iproute2_opts(&conn);
        Self {
            conn,
            seq: 1,
            repeats: 0,
        }
    }

    /// A do request.
    pub fn request(&mut self, cmd: Cmd, body: impl Into<DevlinkBody>) -> Reply {
        self.exchange(cmd, body.into(), false)
    }

    /// A dump: its replies, checked to list each object once.
    pub fn dump(&mut self, cmd: Cmd, body: impl Into<DevlinkBody>) -> Reply {
        self.exchange(cmd, body.into(), true)
    }

    /// A dump of a state nothing changes meanwhile: every object listed once.
    pub fn dump_quiet(&mut self, cmd: Cmd, body: impl Into<DevlinkBody>) -> Reply {
        let before = self.repeats;
        let r = self.exchange(cmd, body.into(), true);
        assert_eq!(
            self.repeats, before,
            "{cmd:?}: a quiet dump listed an object twice"
        );
        r
    }

    fn exchange(&mut self, cmd: Cmd, body: DevlinkBody, dump: bool) -> Reply {
        self.seq = self.seq.wrapping_add(1);
        let flags = if dump {
            NLM_F_ACK | NLM_F_DUMP
        } else {
            NLM_F_ACK
        };
        let req = msg::devlink_request(FAM, flags, self.seq, cmd, body);
        self.conn.send(&req).unwrap();
        let mut replies = Vec::new();
        let mut listed = BTreeSet::new();
        loop {
            let mut in_datagram = BTreeSet::new();
            let dg = self
                .conn
                .recv(WAIT)
                .unwrap_or_else(|e| panic!("{cmd:?}: no answer in {WAIT:?}: {e}"));
            let mut done = None;
            for m in decode(&dg) {
                assert_eq!(
                    m.header.seq, self.seq,
                    "{cmd:?}: a message of another request: {m:?}"
                );
                assert!(
                    done.is_none(),
                    "{cmd:?}: a message after the ACK / DONE: {m:?}"
                );
                match m.payload {
                    Payload::Devlink(d) => {
                        let c = Cmd::from_repr(d.genl.cmd).unwrap();
                        if dump {
                            let key = object_key(&d.body);
                            assert!(
                                in_datagram.insert(key.clone()),
                                "{cmd:?}: a dump datagram lists {key} twice"
                            );
                            self.repeats += u64::from(!listed.insert(key));
                        }
                        replies.push((c, d.body));
                    }
                    Payload::Error(e) => {
                        assert!(
                            !dump || e.error != 0,
                            "{cmd:?}: a dump ACKed instead of DONE"
                        );
                        done = Some((e.error, e.ext_ack.msg));
                    }
                    // A do reply of several parts (resources, health fmsg) ends with
                    // NLMSG_DONE, then the ACK.
                    Payload::Done(d) if !dump => {
                        assert_eq!(d.error.unwrap_or(0), 0, "{cmd:?}: {d:?}");
                    }
                    Payload::Done(d) => done = Some((d.error.unwrap_or(0), d.ext_ack.msg)),
                    other => panic!("{cmd:?}: unexpected {other:?}"),
                }
            }
            match done {
                None => {}
                Some((0, _)) => return Ok(replies),
                Some((errno, msg)) => {
                    assert!(errno < 0, "{cmd:?}: error {errno}");
                    return Err(Refused { errno: -errno, msg });
                }
            }
        }
    }
}

/// Every message of a datagram; a message that does not decode fails the test.
pub fn decode(dg: &[u8]) -> Vec<Message> {
    let families = Families { devlink: Some(FAM) };
    Messages::new(dg)
        .map(|raw| {
            let raw = raw.unwrap_or_else(|e| panic!("a datagram does not frame: {e}"));
            Message::decode(&raw, families)
                .unwrap_or_else(|e| panic!("a message does not decode: {e}: {:02x?}", raw.bytes))
        })
        .collect()
}

/// What names an object in a dump reply.
pub fn object_key(b: &DevlinkBody) -> String {
    match b {
        DevlinkBody::Dev(d) => format!("dev {}", d.handle),
        DevlinkBody::Port(p) => format!("port {}/{}", p.handle, p.index),
        DevlinkBody::Param(p) => format!("param {}/{:?}/{}", p.handle, p.port_index, p.name),
        DevlinkBody::Region(r) => format!("region {}/{:?}/{}", r.handle, r.port_index, r.name),
        DevlinkBody::HealthReporter(r) => {
            format!("reporter {}/{:?}/{}", r.handle, r.port_index, r.name)
        }
        DevlinkBody::Trap(t) => format!("trap {}/{}", t.handle, t.name),
        DevlinkBody::TrapGroup(g) => format!("trap group {}/{}", g.handle, g.name),
        DevlinkBody::TrapPolicer(p) => format!("trap policer {}/{}", p.handle, p.id),
        DevlinkBody::Rate(r) => format!("rate {}/{:?}", r.handle, r.key),
        DevlinkBody::Linecard(l) => format!("line card {}/{}", l.handle, l.index),
        DevlinkBody::Info(i) => format!("info {}", i.handle),
        other => format!("{other:?}"),
    }
}
