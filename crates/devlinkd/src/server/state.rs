//! [`Server`]: connections, the datagram loop (`netlink_rcv_skb`), notification fan-out
//! and what the shell pulls out.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use devlink_core::Core;
use devlink_sim::{DeviceOptions, Sim, SimError};
use devlink_wire::nl::flags::NLM_F_ACK;
use devlink_wire::nl::{GENL_ID_CTRL, Messages, NLMSG_MIN_TYPE, RawMessage};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{DEVLINKD_NLMSG_TRANSPORT, Transport};

use super::conn::{Conn, ConnId, DEFAULT_BACKLOG, Datagram, PortId};
use super::errors::NlErr;
use super::gate::Gate;
use super::persist::Persist;
use super::reply::{self, To};

/// Fixed choices of the daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// The devlink family id (≥ `GENL_START_ALLOC`).
    pub family_id: u16,
    /// The id of devlink's multicast group "config" (2..=31).
    pub config_group: u32,
    /// The largest notification backlog a connection may have, in bytes.
    pub max_backlog: usize,
    /// The `devlinkd_sim` family id (above devlink's).
    pub sim_family_id: u16,
    /// The `devlinkd_watch` family id (above the sim's).
    pub watch_family_id: u16,
    /// The most ports one `devlinkd_sim` request may create: `NEW_DEVICE`'s `PORTS` and
    /// `VFS`, `SRIOV_NUMVFS`'s `VFS` (`-ENOMEM` above it). netdevsim has no such limit
    /// (the kernel runs out of memory instead); here one request would otherwise stall
    /// every client while it builds millions of ports.
    pub max_sim_ports: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            family_id: 0x14,
            config_group: 2,
            max_backlog: 4 * 1024 * 1024,
            sim_family_id: 0x15,
            watch_family_id: 0x16,
            max_sim_ports: 1 << 20,
        }
    }
}

/// How a handled request is finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Send an ACK if the request asked for one, with this warning as its extack
    /// message (a success-with-warning; dropped when no ACK was asked for).
    Ack(Option<Cow<'static, str>>),
    /// A dump started: its `NLMSG_DONE` stands for the ACK.
    NoAck,
}

/// The daemon's state.
#[derive(Debug)]
pub struct Server {
    pub(crate) core: Core,
    /// The simulated devices on the core (the `dlctl sim` bus).
    pub(crate) sim: Sim,
    pub(crate) config: ServerConfig,
    pub(crate) conns: BTreeMap<ConnId, Conn>,
    pub(crate) ports: HashMap<u32, ConnId>,
    next_conn: u64,
    /// The next negative autobind candidate (`netlink_autobind`).
    pub(crate) rover: i32,
    pub(crate) overrun: Vec<u8>,
    /// Permanent param values: what was notified, where they persist.
    pub(crate) persist: Persist,
    /// Output held back for flash pacing.
    pub(crate) gate: Gate,
    /// Connections with new output, or whose next datagram may be read, since the shell
    /// last took the list ([`Server::take_touched`]).
    pub(crate) touched: Vec<ConnId>,
    /// Connections that started a `devlinkd_watch` subscription (some may have ended it).
    pub(crate) watchers: BTreeSet<ConnId>,
}

impl Server {
    /// A server around `core`. Notifications already queued in the core (devices
    /// probed before anyone connected) are discarded on the first request.
    #[must_use]
    pub fn new(core: Core, config: ServerConfig) -> Self {
        Self {
            core,
            sim: Sim::new(),
            config,
            conns: BTreeMap::new(),
            ports: HashMap::new(),
            next_conn: 0,
            rover: -4097,
            overrun: Transport::Overrun.to_message(0, 0, 0).unwrap_or_default(),
            persist: Persist::default(),
            gate: Gate::default(),
            touched: Vec::new(),
            watchers: BTreeSet::new(),
        }
    }

    /// Create a simulated device (`new_device`) with the permanent param values stored
    /// for its handle in its NVM; its start-up notifications are queued for
    /// [`Server::fan_out`].
    ///
    /// # Errors
    /// What the simulator refuses, with its errno.
    pub fn new_sim_device(&mut self, options: &DeviceOptions) -> Result<(), SimError> {
        let mut options = options.clone();
        let stored = self.stored_values(&options.devlink_handle()?);
        options.nvm.extend(stored);
        self.sim.new_device(&mut self.core, &options).map(|_| ())
    }

    /// The core, to create devices.
    pub fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    /// The configuration.
    #[must_use]
    pub const fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// A new connection from a peer with process id `pid` (the first autobind
    /// candidate) that may (`admin`) or may not run `GENL_ADMIN_PERM` commands.
    pub fn connect(&mut self, admin: bool, pid: Option<u32>) -> ConnId {
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        let mut conn = Conn::new(admin, DEFAULT_BACKLOG.min(self.config.max_backlog));
        conn.hello_pid = pid;
        conn.divert = self.gate.diverting;
        conn.touch(id, &mut self.touched);
        self.conns.insert(id, conn);
        id
    }

    /// The connection is gone: its port id is free again.
    pub fn disconnect(&mut self, id: ConnId) {
        if let Some(PortId(p)) = self.conns.remove(&id).and_then(|c| c.port) {
            self.ports.remove(&p);
        }
        self.watchers.remove(&id);
    }

    /// The connection's bound port id.
    #[must_use]
    pub fn port(&self, id: ConnId) -> Option<PortId> {
        self.conns.get(&id).and_then(|c| c.port)
    }

    /// Whether the next datagram of `id` may be read: the replies to the previous one are
    /// released and written and no dump is pending (queued notifications do not hold it
    /// back).
    #[must_use]
    pub fn wants_input(&self, id: ConnId) -> bool {
        self.conns.get(&id).is_some_and(|c| {
            c.dump.is_none()
                && c.held == 0
                && c.out
                    .iter()
                    .all(|d| matches!(d, Datagram::Notifications { .. }))
        })
    }

    /// Whether `id` has something for its data socket.
    #[must_use]
    pub fn has_output(&self, id: ConnId) -> bool {
        self.conns
            .get(&id)
            .is_some_and(|c| !c.out.is_empty() || c.dump.is_some())
    }

    /// The connections to visit: since the last call, each got output (replies,
    /// notifications, released held output, watch events) or may have its next datagram
    /// read (a new connection, one whose datagram was handled, one whose held replies
    /// were released). Each is listed once, in the order it was touched; a closed one may
    /// be listed. Every other connection's state is as the shell last left it, so a
    /// shell that visits only these (and those whose sockets became ready) misses
    /// nothing.
    pub fn take_touched(&mut self) -> Vec<ConnId> {
        let touched = std::mem::take(&mut self.touched);
        for id in &touched {
            if let Some(c) = self.conns.get_mut(id) {
                c.touched = false;
            }
        }
        touched
    }

    /// The next datagram for the data socket of `id` (a pending dump is continued when
    /// everything before it is written). Call [`Server::sent`] once it is written.
    pub fn front(&mut self, id: ConnId) -> Option<&Datagram> {
        let conn = self.conns.get_mut(&id)?;
        if conn.out.is_empty()
            && conn.held == 0
            && let Some(dump) = conn.dump.as_mut()
        {
            let (dg, over) = dump.next_datagram(&self.core);
            if over {
                conn.dump = None;
            }
            if !dg.is_empty() {
                conn.out.push_back(Datagram::Bytes(dg));
            }
        }
        conn.out.front()
    }

    /// The datagram [`Server::front`] gave was written.
    pub fn sent(&mut self, id: ConnId) {
        if let Some(c) = self.conns.get_mut(&id) {
            c.pop_front();
            if c.watch.is_some() && c.out.is_empty() {
                self.pump_watch(id);
            }
        }
    }

    /// The next message for the completion channel of `id` (it exists once the
    /// [`Datagram::HelloSync`] was written). Call [`Server::sync_sent`] once written.
    #[must_use]
    pub fn front_sync(&self, id: ConnId) -> Option<&[u8]> {
        self.conns.get(&id)?.sync_out.front().map(Vec::as_slice)
    }

    /// The message [`Server::front_sync`] gave was written.
    pub fn sync_sent(&mut self, id: ConnId) {
        if let Some(c) = self.conns.get_mut(&id) {
            c.sync_out.pop_front();
        }
    }

    /// Handle one datagram from `id`: every message in order, as `netlink_rcv_skb` does
    /// (a message whose length does not fit ends the datagram silently), then, on a
    /// connection with a completion channel, queue its `COMPLETE`.
    pub fn handle_datagram(&mut self, id: ConnId, datagram: &[u8]) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        conn.datagrams += 1;
        let count = conn.datagrams;
        let mut transport_errno = None;
        for raw in Messages::new(datagram) {
            let Ok(raw) = raw else { break };
            if raw.header.ty == DEVLINKD_NLMSG_TRANSPORT {
                transport_errno = Some(self.handle_transport(id, &raw));
            } else {
                self.handle_netlink(id, &raw);
            }
        }
        // Notifications of devices created outside any request (start-up, a future
        // control family) go out now too.
        self.fan_out();
        if let Some(conn) = self.conns.get_mut(&id)
            && conn.sync
        {
            let complete = Transport::Complete(devlink_wire::transport::Complete {
                count,
                errno: transport_errno,
            });
            conn.push_sync(complete.to_message(0, 0, 0).unwrap_or_default());
        }
        // Its replies are queued, or nothing is and its next datagram may be read.
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.touch(id, &mut self.touched);
        }
        self.flush_diverted();
        self.release();
        self.pump_watches();
    }

    /// One netlink message (not a transport one).
    fn handle_netlink(&mut self, id: ConnId, raw: &RawMessage<'_>) {
        let h = raw.header;
        // Only requests are handled; control messages are skipped (both ACKed if asked).
        let result = if !h.is_request() || h.ty < NLMSG_MIN_TYPE {
            Ok(Outcome::Ack(None))
        } else {
            self.autobind(id);
            match h.ty {
                GENL_ID_CTRL => self.handle_ctrl(id, raw),
                ty if ty == self.config.family_id => self.handle_devlink(id, raw),
                ty if ty == self.config.sim_family_id => self.handle_sim(id, raw),
                ty if ty == self.config.watch_family_id => self.handle_watch(id, raw),
                _ => Err(NlErr::errno(devlink_core::Errno::ENOENT)),
            }
        };
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let pid = conn.port.map_or(0, |p| p.0);
        match result {
            Ok(Outcome::Ack(warning)) if h.flags & NLM_F_ACK != 0 => {
                let w = warning.map(|w| NlErr::warning(&w));
                conn.push_reply(reply::ack(raw.bytes, w.as_ref(), conn.opts, pid));
            }
            Ok(_) => {}
            Err(e) => conn.push_reply(reply::ack(raw.bytes, Some(&e), conn.opts, pid)),
        }
    }

    /// Encode each queued notification once and queue it for every connection that
    /// joined the "config" group and whose notify filter matches; a changed permanent
    /// value is persisted first (nothing queued is written out before this returns).
    /// A notification to be paced, and any while the gate is closed, is held in the gate
    /// (`server/gate.rs`), after the replies made so far.
    pub fn fan_out(&mut self) {
        if self.gate.closed() {
            self.flush_diverted();
        }
        while let Some(n) = self.core.poll_notification() {
            self.persist_notification(&n);
            let to = To {
                ty: self.config.family_id,
                seq: 0,
                pid: 0,
            };
            let Ok(bytes) = reply::devlink(to, 0, n.cmd, n.body.clone()) else {
                tracing::warn!(cmd = ?n.cmd, "notification does not encode; dropped");
                continue;
            };
            let bytes: Arc<[u8]> = Arc::from(bytes);
            if n.cmd == Cmd::FlashUpdate {
                self.gate.flash = Some(n.instance);
            }
            let delay = self.delay_before(&n);
            if !delay.is_zero() || self.gate.closed() {
                let to = self
                    .conns
                    .iter()
                    .filter(|(_, c)| {
                        c.joined(self.config.config_group)
                            && c.filter.as_ref().is_none_or(|f| f.matches(&n))
                    })
                    .map(|(&cid, _)| cid)
                    .collect();
                self.hold_notification(bytes, to, delay);
                continue;
            }
            for (&cid, conn) in &mut self.conns {
                let wanted = conn.joined(self.config.config_group)
                    && conn.filter.as_ref().is_none_or(|f| f.matches(&n));
                if !wanted {
                    continue;
                }
                conn.touch(cid, &mut self.touched);
                if !conn.push_notification(&bytes, &self.overrun) {
                    tracing::debug!(conn = cid.0, "backlog full: notification dropped");
                }
            }
        }
    }

    /// The requester's addressing for replies to `raw`.
    pub(crate) fn to(&self, id: ConnId, raw: &RawMessage<'_>) -> To {
        To {
            ty: raw.header.ty,
            seq: raw.header.seq,
            pid: self.port(id).map_or(0, |p| p.0),
        }
    }
}
