//! The request layer of the iproute2 commands: one connection to devlinkd set up as
//! iproute2 sets up its netlink socket (`NETLINK_CAP_ACK`, `NETLINK_EXT_ACK`, the
//! `devlink` family resolved by name), do and dump requests with `NLM_F_ACK`, replies
//! collected up to the ACK or `NLMSG_DONE`, and the error reply kept whole (errno and
//! extended ACK) for [`crate::errors`] to print as iproute2 does.

use std::io::ErrorKind;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use devlink_client::{Connection, msg};
use devlink_wire::message::{DevlinkBody, DevlinkMessage, Families, Message, Payload};
use devlink_wire::nl::Messages;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{DEVLINKD_NLMSG_TRANSPORT, Membership, SetOpt, Transport, opt};

/// How long to wait for each reply datagram (a reload or a flash takes a while).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The devlink family name (`DEVLINK_GENL_NAME`).
const FAMILY: &str = "devlink";

/// Why a request failed: the client library's error (`Nl` for the daemon's error
/// reply, errno and extended ACK).
pub(crate) use devlink_client::ClientError as RequestError;

/// One devlink reply: its command and body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The genl command of the reply.
    pub cmd: Cmd,
    /// The decoded body.
    pub body: DevlinkBody,
}

/// What a connection received outside a request: a notification or an overrun.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// A devlink notification.
    Notification(Reply),
    /// The daemon dropped notifications for this connection (`ENOBUFS`).
    Overrun,
}

/// A connection speaking devlink.
#[derive(Debug)]
pub(crate) struct Devlink {
    conn: Connection,
    family: u16,
    config_group: Option<u32>,
    seq: u32,
    /// Subscribed: notifications (and overruns) read while waiting for a reply are kept
    /// here, in order, for [`Devlink::events`], instead of being skipped.
    pending: Option<Vec<Event>>,
    /// Warnings (`extack` messages of successful ACKs) to print, in order.
    pub warnings: Vec<String>,
}

impl Devlink {
    /// Connect, set the socket options iproute2 sets and resolve the family.
    pub(crate) fn connect(path: &Path) -> Result<Self, RequestError> {
        let conn = Connection::connect(path)?;
        // iproute2: seq = time(NULL), then one more per request.
        let seq = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| u32::try_from(d.as_secs() & 0x7fff_ffff).unwrap_or(1));
        let mut c = Self {
            conn,
            family: 0,
            config_group: None,
            seq,
            pending: None,
            warnings: Vec::new(),
        };
        for o in [opt::NETLINK_CAP_ACK, opt::NETLINK_EXT_ACK] {
            let reply = c.transport(&Transport::SetOpt(SetOpt {
                opt: o,
                value: 1,
                errno: None,
            }))?;
            if !matches!(reply, Transport::SetOpt(SetOpt { errno: Some(0), .. })) {
                return Err(RequestError::Protocol(format!("{reply:?}")));
            }
        }
        c.seq = c.seq.wrapping_add(1);
        c.conn.send(&msg::get_family(NLM_F_ACK, c.seq, FAMILY))?;
        let mut found = None;
        c.read_until_ack(&mut |m| {
            if let Some(f) = msg::family_info(m) {
                found = Some((
                    f.id,
                    f.mcast_groups
                        .iter()
                        .find(|g| g.name == "config")
                        .map(|g| g.id),
                ));
            }
        })?;
        let (family, group) =
            found.ok_or_else(|| RequestError::Protocol("no devlink family".into()))?;
        c.family = family;
        c.config_group = group;
        Ok(c)
    }

    /// A transport op and its in-band reply.
    fn transport(&mut self, t: &Transport) -> Result<Transport, RequestError> {
        self.seq = self.seq.wrapping_add(1);
        self.conn.send(&msg::transport(self.seq, t))?;
        loop {
            let dg = self.conn.recv(TIMEOUT)?;
            for raw in Messages::new(&dg).map_while(Result::ok) {
                if raw.header.ty != DEVLINKD_NLMSG_TRANSPORT || raw.header.seq != self.seq {
                    continue;
                }
                return Transport::parse(raw.bytes)
                    .map(|(_, t)| t)
                    .map_err(|e| RequestError::Protocol(e.to_string()));
            }
        }
    }

    /// A do request (`dump` false) or a dump: every reply up to the ACK or `NLMSG_DONE`.
    pub(crate) fn request(
        &mut self,
        cmd: Cmd,
        body: impl Into<DevlinkBody>,
        dump: bool,
    ) -> Result<Vec<Reply>, RequestError> {
        self.seq = self.seq.wrapping_add(1);
        let flags = if dump {
            NLM_F_ACK | NLM_F_DUMP
        } else {
            NLM_F_ACK
        };
        let req = msg::devlink_request(self.family, flags, self.seq, cmd, body.into());
        self.conn.send(&req)?;
        let mut replies = Vec::new();
        self.read_until_ack(&mut |m| {
            if let Payload::Devlink(DevlinkMessage { genl, body }) = &m.payload
                && let Some(cmd) = Cmd::from_repr(genl.cmd)
            {
                replies.push(Reply {
                    cmd,
                    body: body.clone(),
                });
            }
        })?;
        Ok(replies)
    }

    /// Join the `config` group (`NETLINK_ADD_MEMBERSHIP`), as `devlink monitor` does.
    pub(crate) fn subscribe(&mut self) -> Result<(), RequestError> {
        let group = self
            .config_group
            .ok_or_else(|| RequestError::Protocol("no config group".into()))?;
        let reply = self.transport(&Transport::Membership(Membership {
            group,
            drop: false,
            errno: None,
        }))?;
        match reply {
            Transport::Membership(Membership { errno: Some(0), .. }) => {
                self.pending = Some(Vec::new());
                Ok(())
            }
            Transport::Membership(Membership {
                errno: Some(errno), ..
            }) => Err(RequestError::Nl {
                errno: i32::try_from(errno).unwrap_or(i32::MAX),
                ext: Box::default(),
            }),
            other => Err(RequestError::Protocol(format!("{other:?}"))),
        }
    }

    /// Wait for the next datagram of notifications (forever): its events in order; the
    /// events kept while a request was waiting for its reply come first.
    pub(crate) fn events(&mut self) -> Result<Vec<Event>, RequestError> {
        let kept = self.take_pending();
        if !kept.is_empty() {
            return Ok(kept);
        }
        let dg = self.conn.recv(Duration::from_secs(3600 * 24 * 365))?;
        Ok(self.parse_events(&dg))
    }

    /// The events that came while requests waited for their replies, in order (none
    /// before [`Devlink::subscribe`]).
    pub(crate) fn take_pending(&mut self) -> Vec<Event> {
        self.pending
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// [`Devlink::events`], waiting at most `timeout`: `None` if nothing came.
    pub(crate) fn events_within(
        &mut self,
        timeout: Duration,
    ) -> Result<Option<Vec<Event>>, RequestError> {
        match self.conn.recv(timeout) {
            Ok(dg) => Ok(Some(self.parse_events(&dg))),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The events of one datagram, in order.
    fn parse_events(&self, dg: &[u8]) -> Vec<Event> {
        self.events_of(dg, false)
    }

    /// The events of a datagram read while waiting for a reply: notifications only
    /// (`nlmsg_seq` 0), never a reply.
    fn parse_notifications(&self, dg: &[u8]) -> Vec<Event> {
        self.events_of(dg, true)
    }

    fn events_of(&self, dg: &[u8], seq0_only: bool) -> Vec<Event> {
        let families = Families {
            devlink: Some(self.family),
        };
        let mut out = Vec::new();
        for raw in Messages::new(dg).map_while(Result::ok) {
            if seq0_only && raw.header.seq != 0 {
                continue;
            }
            if raw.header.ty == DEVLINKD_NLMSG_TRANSPORT {
                if let Ok((_, Transport::Overrun)) = Transport::parse(raw.bytes) {
                    out.push(Event::Overrun);
                }
                continue;
            }
            let Ok(m) = Message::decode(&raw, families) else {
                continue;
            };
            if let Payload::Devlink(DevlinkMessage { genl, body }) = m.payload
                && let Some(cmd) = Cmd::from_repr(genl.cmd)
            {
                out.push(Event::Notification(Reply { cmd, body }));
            }
        }
        out
    }

    /// Read datagrams until this request's ACK, error or `NLMSG_DONE`; every other
    /// message of this request goes to `each`. Notifications (seq 0) are kept for
    /// [`Devlink::events`] once subscribed, else skipped.
    fn read_until_ack(&mut self, each: &mut dyn FnMut(&Message)) -> Result<(), RequestError> {
        let families = Families {
            devlink: (self.family != 0).then_some(self.family),
        };
        loop {
            let dg = self.conn.recv(TIMEOUT)?;
            if self.pending.is_some() {
                let events = self.parse_notifications(&dg);
                if let Some(kept) = self.pending.as_mut() {
                    kept.extend(events);
                }
            }
            for raw in Messages::new(&dg) {
                let raw = raw.map_err(|e| RequestError::Protocol(e.to_string()))?;
                if raw.header.seq != self.seq || raw.header.ty == DEVLINKD_NLMSG_TRANSPORT {
                    continue;
                }
                let m = Message::decode(&raw, families)
                    .map_err(|e| RequestError::Protocol(e.to_string()))?;
                let (error, ext) = match &m.payload {
                    Payload::Error(e) => (e.error, &e.ext_ack),
                    // A DONE's warning is not printed by iproute2 (`mnlu_cb_stop`).
                    Payload::Done(d) => match d.error {
                        Some(e) if e < 0 => (e, &d.ext_ack),
                        _ => return Ok(()),
                    },
                    _ => {
                        each(&m);
                        continue;
                    }
                };
                if error == 0 {
                    if let Some(w) = ext.msg.as_deref().filter(|w| !w.is_empty()) {
                        self.warnings.push(w.to_owned());
                    }
                    return Ok(());
                }
                return Err(RequestError::Nl {
                    errno: error.saturating_neg(),
                    ext: Box::new(ext.clone()),
                });
            }
        }
    }
}
