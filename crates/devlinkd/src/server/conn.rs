//! One client connection: the state a kernel netlink socket keeps (port id, groups,
//! options, notify filter) and what waits to be written to it.

use std::collections::VecDeque;
use std::sync::Arc;

use devlink_core::NotifyFilter;

use super::dump::PendingDump;

/// A connection, as the server numbers them (never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// A netlink port id (`nl_pid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortId(pub u32);

/// The largest datagram the daemon sends (`NLMSG_GOODSIZE` with 4 KiB pages).
pub const MAX_DATAGRAM: usize = 3776;
/// The kernel's `rmem_default`: the default notification backlog, in bytes.
pub const DEFAULT_BACKLOG: usize = 212_992;
/// `SOCK_MIN_RCVBUF`: the smallest backlog `SO_RCVBUF` can set.
pub(crate) const MIN_BACKLOG: usize = 2304;

/// `SOL_NETLINK` options the transport emulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SockOpts {
    /// `NETLINK_CAP_ACK`: errors echo only the request's header.
    pub cap_ack: bool,
    /// `NETLINK_EXT_ACK`: ACKs and errors carry extended-ACK TLVs.
    pub ext_ack: bool,
    /// `NETLINK_GET_STRICT_CHK` (no effect on generic netlink; recorded).
    pub strict_chk: bool,
    /// `NETLINK_NO_ENOBUFS` (the shim decides what an `OVERRUN` becomes; recorded).
    pub no_enobufs: bool,
    /// `UNPACKED_NOTIFICATIONS`: one notification per datagram, as the kernel sends.
    pub unpacked: bool,
}

/// A datagram waiting to be written to a connection's data socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datagram {
    /// Replies, ACKs, transport replies: written as they are.
    Bytes(Vec<u8>),
    /// Notifications packed together: each message encoded once and shared by every
    /// receiver; write them with one vectored send.
    Notifications {
        /// The messages, in order.
        parts: Vec<Arc<[u8]>>,
        /// Their total length.
        len: usize,
    },
    /// The `HELLO` reply of a `SYNC` connection: create the completion channel and pass
    /// its client end with `SCM_RIGHTS` on this datagram.
    HelloSync(Vec<u8>),
}

impl Datagram {
    /// Its length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Bytes(b) | Self::HelloSync(b) => b.len(),
            Self::Notifications { len, .. } => *len,
        }
    }

    /// True if it holds no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A connection's state.
#[derive(Debug)]
pub(crate) struct Conn {
    /// May run `GENL_ADMIN_PERM` commands.
    pub admin: bool,
    /// Bound port id, once bound (explicitly or by autobind).
    pub port: Option<PortId>,
    /// `HELLO` `PID`: the first autobind candidate.
    pub hello_pid: Option<u32>,
    /// Joined multicast groups 1..=32, bit N-1 for group N.
    pub groups: u32,
    pub opts: SockOpts,
    pub filter: Option<NotifyFilter>,
    /// Notification bytes queued and not yet written, and the limit.
    pub backlog: usize,
    pub backlog_limit: usize,
    /// A completion channel was asked for (`HELLO` with `SYNC`).
    pub sync: bool,
    /// Datagrams received (the `COMPLETE` count).
    pub datagrams: u64,
    /// The data socket's queue.
    pub out: VecDeque<Datagram>,
    /// The completion channel's queue (transport replies and `COMPLETE` records).
    pub sync_out: VecDeque<Vec<u8>>,
    /// A dump continued as the queue drains.
    pub dump: Option<PendingDump>,
    /// The `OVERRUN` marker was queued and nothing has been queued after it.
    pub overrun_last: bool,
    /// The server's gate is closed (`server/gate.rs`): replies go to `diverted`, to be
    /// moved behind the held notifications.
    pub divert: bool,
    /// Replies made while diverted, not yet moved into the gate.
    pub diverted: Vec<Out>,
    /// Replies of this connection waiting in the gate.
    pub held: usize,
    /// Its `devlinkd_watch` subscription.
    pub watch: Option<super::watch::WatchSub>,
    /// In the server's list of connections for the shell to visit.
    pub touched: bool,
}

/// A reply, for the data socket or the completion channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Out {
    Data(Datagram),
    Sync(Vec<u8>),
}

impl Conn {
    pub(crate) fn new(admin: bool, backlog_limit: usize) -> Self {
        Self {
            admin,
            port: None,
            hello_pid: None,
            groups: 0,
            opts: SockOpts::default(),
            filter: None,
            backlog: 0,
            backlog_limit,
            sync: false,
            datagrams: 0,
            out: VecDeque::new(),
            sync_out: VecDeque::new(),
            dump: None,
            overrun_last: false,
            divert: false,
            diverted: Vec::new(),
            held: 0,
            watch: None,
            touched: false,
        }
    }

    /// Put `id` (this connection) on `list` of connections with new output or that may
    /// read again, once until the list is taken.
    pub(crate) fn touch(&mut self, id: ConnId, list: &mut Vec<ConnId>) {
        if !self.touched {
            self.touched = true;
            list.push(id);
        }
    }

    /// Member of multicast group `group`.
    pub(crate) fn joined(&self, group: u32) -> bool {
        (1..=32).contains(&group) && self.groups & (1 << (group - 1)) != 0
    }

    /// Queue a reply datagram (never dropped).
    pub(crate) fn push_reply(&mut self, bytes: Vec<u8>) {
        self.push_out(Out::Data(Datagram::Bytes(bytes)));
    }

    /// Queue a message for the completion channel.
    pub(crate) fn push_sync(&mut self, bytes: Vec<u8>) {
        self.push_out(Out::Sync(bytes));
    }

    /// Queue a reply, or divert it while the gate is closed.
    pub(crate) fn push_out(&mut self, out: Out) {
        if self.divert {
            self.diverted.push(out);
        } else {
            self.deliver(out);
        }
    }

    /// Queue a reply on its socket now.
    pub(crate) fn deliver(&mut self, out: Out) {
        match out {
            Out::Data(d) => {
                self.out.push_back(d);
                self.overrun_last = false;
            }
            Out::Sync(b) => self.sync_out.push_back(b),
        }
    }

    /// Queue a notification message, packed after the previous notifications if the last
    /// queued datagram holds only notifications and has room; dropped (with an `OVERRUN`
    /// marker in its place) if the backlog is full. Returns false if dropped.
    pub(crate) fn push_notification(&mut self, msg: &Arc<[u8]>, overrun: &[u8]) -> bool {
        if self.backlog + msg.len() > self.backlog_limit {
            if !self.overrun_last {
                self.out.push_back(Datagram::Bytes(overrun.to_vec()));
                self.overrun_last = true;
            }
            return false;
        }
        self.backlog += msg.len();
        self.overrun_last = false;
        if let Some(Datagram::Notifications { parts, len }) = self.out.back_mut()
            && !self.opts.unpacked
            && *len + msg.len() <= MAX_DATAGRAM
        {
            parts.push(Arc::clone(msg));
            *len += msg.len();
            return true;
        }
        self.out.push_back(Datagram::Notifications {
            parts: vec![Arc::clone(msg)],
            len: msg.len(),
        });
        true
    }

    /// Queue a watch message: packed like notifications and counted in the backlog,
    /// but never dropped (the watch pumps only while the backlog has room).
    pub(crate) fn push_watch(&mut self, msg: Vec<u8>) {
        let len = msg.len();
        self.backlog += len;
        self.overrun_last = false;
        if let Some(Datagram::Notifications { parts, len: total }) = self.out.back_mut()
            && *total + len <= MAX_DATAGRAM
        {
            parts.push(Arc::from(msg));
            *total += len;
            return;
        }
        self.out.push_back(Datagram::Notifications {
            parts: vec![Arc::from(msg)],
            len,
        });
    }

    /// The front datagram was written.
    pub(crate) fn pop_front(&mut self) {
        if let Some(Datagram::Notifications { len, .. }) = self.out.pop_front() {
            self.backlog = self.backlog.saturating_sub(len);
        }
        if self.out.is_empty() {
            self.overrun_last = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(n: usize) -> Arc<[u8]> {
        Arc::from(vec![0u8; n])
    }

    #[test]
    fn notifications_pack_up_to_the_datagram_size() {
        let mut c = Conn::new(false, DEFAULT_BACKLOG);
        for _ in 0..10 {
            assert!(c.push_notification(&msg(1000), b"X"));
        }
        let sizes: Vec<_> = c.out.iter().map(Datagram::len).collect();
        assert_eq!(sizes, [3000, 3000, 3000, 1000]);
        assert_eq!(c.backlog, 10_000);
        c.pop_front();
        assert_eq!(c.backlog, 7000);
    }

    #[test]
    fn overflow_drops_with_one_marker_then_resumes() {
        let mut c = Conn::new(false, 2500);
        assert!(c.push_notification(&msg(1000), b"X"));
        assert!(c.push_notification(&msg(1000), b"X"));
        assert!(!c.push_notification(&msg(1000), b"X"));
        assert!(!c.push_notification(&msg(1000), b"X"));
        assert_eq!(c.out.len(), 2);
        assert_eq!(c.out.back(), Some(&Datagram::Bytes(b"X".to_vec())));
        c.pop_front();
        assert!(c.push_notification(&msg(1000), b"X"));
        assert_eq!(c.out.len(), 2);
        assert_eq!(c.out.back().map(Datagram::len), Some(1000));
    }

    #[test]
    fn unpacked_sends_one_notification_per_datagram() {
        let mut c = Conn::new(false, DEFAULT_BACKLOG);
        c.opts.unpacked = true;
        for _ in 0..3 {
            assert!(c.push_notification(&msg(100), b"X"));
        }
        let sizes: Vec<_> = c.out.iter().map(Datagram::len).collect();
        assert_eq!(sizes, [100, 100, 100]);
    }

    #[test]
    fn replies_break_packing() {
        let mut c = Conn::new(false, DEFAULT_BACKLOG);
        c.push_notification(&msg(100), b"X");
        c.push_reply(vec![1; 20]);
        c.push_notification(&msg(100), b"X");
        assert_eq!(c.out.len(), 3);
    }
}
