//! Transport ops (`docs/transport.md`): `HELLO`, `BIND` and autobind, `MEMBERSHIP`,
//! `SETOPT`. Kernel counterparts: `netlink_bind`, `netlink_autobind`,
//! `netlink_setsockopt` (`net/netlink/af_netlink.c`).

use devlink_core::Errno;
use devlink_wire::nl::RawMessage;
use devlink_wire::transport::{Bind, Hello, Membership, SetOpt, TRANSPORT_VERSION, Transport, opt};

use super::conn::{ConnId, Datagram, MIN_BACKLOG, Out, PortId};
use super::errors::NlErr;
use super::reply;
use super::state::Server;

/// `nlctrl`'s own group "notify": joinable, never used.
const NLCTRL_NOTIFY_GROUP: u32 = 0x10;

impl Server {
    /// Handle a transport message; returns the errno for `COMPLETE` (0: done).
    pub(crate) fn handle_transport(&mut self, id: ConnId, raw: &RawMessage<'_>) -> u32 {
        let seq = raw.header.seq;
        let parsed = Transport::parse(raw.bytes);
        let (reply, errno) = match parsed {
            Ok((_, Transport::Hello(h))) => return self.hello(id, h, seq),
            Ok((_, Transport::Bind(b))) => {
                let r = self.bind(id, b.port_id.unwrap_or(0), b.groups);
                let errno = r.err().map_or(0, |e| e.0.unsigned_abs());
                let port_id = self.port(id).map(|p| p.0);
                (
                    Transport::Bind(Bind {
                        port_id,
                        groups: None,
                        errno: Some(errno),
                    }),
                    errno,
                )
            }
            Ok((_, Transport::Membership(m))) => {
                let errno = self
                    .membership(id, m.group, m.drop)
                    .err()
                    .map_or(0, |e| e.0.unsigned_abs());
                (
                    Transport::Membership(Membership {
                        errno: Some(errno),
                        ..m
                    }),
                    errno,
                )
            }
            Ok((_, Transport::SetOpt(s))) => {
                let errno = self
                    .setopt(id, s.opt, s.value)
                    .err()
                    .map_or(0, |e| e.0.unsigned_abs());
                (
                    Transport::SetOpt(SetOpt {
                        errno: Some(errno),
                        ..s
                    }),
                    errno,
                )
            }
            Ok((_, Transport::Complete(_) | Transport::Overrun | Transport::Other { .. })) => {
                return self.transport_error(id, raw, Errno::EOPNOTSUPP);
            }
            Err(_) => return self.transport_error(id, raw, Errno::EINVAL),
        };
        let bytes = reply.to_message(0, seq, 0).unwrap_or_default();
        self.push_transport_reply(id, bytes);
        errno
    }

    fn hello(&mut self, id: ConnId, h: Hello, seq: u32) -> u32 {
        let Some(conn) = self.conns.get_mut(&id) else {
            return 0;
        };
        if h.pid.is_some() {
            conn.hello_pid = h.pid;
        }
        let reply = Transport::Hello(Hello {
            version: TRANSPORT_VERSION,
            sync: false,
            pid: None,
        });
        let bytes = reply.to_message(0, seq, 0).unwrap_or_default();
        if h.sync && !conn.sync {
            conn.sync = true;
            conn.push_out(Out::Data(Datagram::HelloSync(bytes)));
        } else {
            self.push_transport_reply(id, bytes);
        }
        0
    }

    /// A bad transport message: answered in-band like a bad netlink message.
    fn transport_error(&mut self, id: ConnId, raw: &RawMessage<'_>, errno: Errno) -> u32 {
        if let Some(conn) = self.conns.get_mut(&id) {
            let pid = conn.port.map_or(0, |p| p.0);
            let e = NlErr::errno(errno);
            conn.push_reply(reply::ack(raw.bytes, Some(&e), conn.opts, pid));
        }
        errno.0.unsigned_abs()
    }

    /// Transport replies go on the completion channel if there is one, else in-band.
    fn push_transport_reply(&mut self, id: ConnId, bytes: Vec<u8>) {
        if let Some(conn) = self.conns.get_mut(&id) {
            if conn.sync {
                conn.push_sync(bytes);
            } else {
                conn.push_reply(bytes);
            }
        }
    }

    /// `netlink_bind`: port 0 autobinds; a bound socket may only "rebind" to its own id;
    /// a taken id is `EADDRINUSE`. `groups` replaces the legacy group mask.
    pub(crate) fn bind(&mut self, id: ConnId, port: u32, groups: Option<u32>) -> Result<(), Errno> {
        const EADDRINUSE: Errno = Errno(98);
        let bound = self.port(id);
        match (bound, port) {
            (Some(PortId(p)), want) if want != 0 && want != p => return Err(Errno::EINVAL),
            (Some(_), _) => {}
            (None, 0) => {
                self.autobind(id);
            }
            (None, want) => {
                if self.ports.contains_key(&want) {
                    return Err(EADDRINUSE);
                }
                self.ports.insert(want, id);
                if let Some(c) = self.conns.get_mut(&id) {
                    c.port = Some(PortId(want));
                }
            }
        }
        if let (Some(g), Some(c)) = (groups, self.conns.get_mut(&id)) {
            c.groups = g;
        }
        Ok(())
    }

    /// `netlink_autobind`: the process id if free, else negative ids from -4097 down.
    pub(crate) fn autobind(&mut self, id: ConnId) {
        let Some(conn) = self.conns.get(&id) else {
            return;
        };
        if conn.port.is_some() {
            return;
        }
        let mut candidate = conn.hello_pid.filter(|&p| p != 0);
        let port = loop {
            match candidate {
                Some(p) if !self.ports.contains_key(&p) => break p,
                _ => {
                    candidate = Some(self.rover.cast_unsigned());
                    self.rover = self.rover.checked_sub(1).unwrap_or(-4097);
                }
            }
        };
        self.ports.insert(port, id);
        if let Some(c) = self.conns.get_mut(&id) {
            c.port = Some(PortId(port));
        }
    }

    /// `NETLINK_ADD_MEMBERSHIP` / `NETLINK_DROP_MEMBERSHIP`: groups 1..=32 that a family
    /// owns ("config", nlctrl's "notify"); anything else is `EINVAL`.
    fn membership(&mut self, id: ConnId, group: u32, drop: bool) -> Result<(), Errno> {
        if group != self.config.config_group && group != NLCTRL_NOTIFY_GROUP {
            return Err(Errno::EINVAL);
        }
        let conn = self.conns.get_mut(&id).ok_or(Errno::EINVAL)?;
        let bit = 1u32 << (group - 1);
        if drop {
            conn.groups &= !bit;
        } else {
            conn.groups |= bit;
        }
        Ok(())
    }

    /// `setsockopt`: the `SOL_NETLINK` flags and `SO_RCVBUF` (doubled, capped by
    /// `--max-backlog`, at least `SOCK_MIN_RCVBUF`); others are `ENOPROTOOPT`.
    fn setopt(&mut self, id: ConnId, option: u32, value: u32) -> Result<(), Errno> {
        const ENOPROTOOPT: Errno = Errno(92);
        let max = self.config.max_backlog;
        let conn = self.conns.get_mut(&id).ok_or(Errno::EINVAL)?;
        let on = value != 0;
        match option {
            opt::NETLINK_CAP_ACK => conn.opts.cap_ack = on,
            opt::NETLINK_EXT_ACK => conn.opts.ext_ack = on,
            opt::NETLINK_GET_STRICT_CHK => conn.opts.strict_chk = on,
            opt::NETLINK_NO_ENOBUFS => conn.opts.no_enobufs = on,
            opt::UNPACKED_NOTIFICATIONS => conn.opts.unpacked = on,
            opt::SO_RCVBUF => {
                let bytes = usize::try_from(value).unwrap_or(usize::MAX);
                conn.backlog_limit = bytes.saturating_mul(2).min(max).max(MIN_BACKLOG);
            }
            _ => return Err(ENOPROTOOPT),
        }
        Ok(())
    }
}
