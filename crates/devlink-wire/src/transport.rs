//! The devlinkd transport messages (`docs/transport.md`): what a netlink socket does
//! outside `sendmsg`/`recvmsg` (`bind`, `setsockopt`, synchronous completion, overrun),
//! carried in-band as netlink messages of type [`DEVLINKD_NLMSG_TRANSPORT`] whose payload
//! is a `u32` op followed by netlink attributes.

use crate::nl::{
    AttrIter, EmitError, Emitter, NLMSG_HDRLEN, NlError, NlmsgHeader, PayloadError, RawAttr,
};

/// `nlmsg_type` of a transport message: a control type (< `NLMSG_MIN_TYPE`) the kernel
/// never uses.
pub const DEVLINKD_NLMSG_TRANSPORT: u16 = 0x000f;
/// The transport version this crate speaks (`HELLO` `VERSION`).
pub const TRANSPORT_VERSION: u32 = 1;

/// `NETLINK_ADD_MEMBERSHIP`'s neighbour options, as `SETOPT` `OPT` values
/// (`<linux/netlink.h>`), and `SO_RCVBUF` shifted out of their way.
pub mod opt {
    /// `NETLINK_NO_ENOBUFS`.
    pub const NETLINK_NO_ENOBUFS: u32 = 5;
    /// `NETLINK_CAP_ACK`.
    pub const NETLINK_CAP_ACK: u32 = 10;
    /// `NETLINK_EXT_ACK`.
    pub const NETLINK_EXT_ACK: u32 = 11;
    /// `NETLINK_GET_STRICT_CHK`.
    pub const NETLINK_GET_STRICT_CHK: u32 = 12;
    /// `SO_RCVBUF` (8) as `0x10000 + SO_RCVBUF`: the notification backlog limit.
    pub const SO_RCVBUF: u32 = 0x1_0008;
    /// devlinkd's own: 1 sends every notification in a datagram of its own, as the
    /// kernel does (one skb per multicast), instead of packing waiting ones together.
    /// The preload shim sets it: `devlink dev flash` stops reading a datagram after
    /// each status message, so packed ones after it would be lost.
    pub const UNPACKED_NOTIFICATIONS: u32 = 0x2_0001;
}

/// The op numbers (first `u32` of the payload).
mod op {
    pub(super) const HELLO: u32 = 1;
    pub(super) const BIND: u32 = 2;
    pub(super) const MEMBERSHIP: u32 = 3;
    pub(super) const SETOPT: u32 = 4;
    pub(super) const COMPLETE: u32 = 5;
    pub(super) const OVERRUN: u32 = 6;
}

/// The attribute numbers.
mod attr {
    pub(super) const VERSION: u16 = 1;
    pub(super) const SYNC: u16 = 2;
    pub(super) const PID: u16 = 3;
    pub(super) const PORTID: u16 = 4;
    pub(super) const GROUPS: u16 = 5;
    pub(super) const GROUP: u16 = 6;
    pub(super) const DROP: u16 = 7;
    pub(super) const OPT: u16 = 8;
    pub(super) const VALUE: u16 = 9;
    pub(super) const COUNT: u16 = 10;
    pub(super) const ERRNO: u16 = 11;
}

/// A transport message. Requests (client → daemon) and their replies share a shape: a
/// reply is the request's op with `errno` set (0: done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// `HELLO`: the first message of a connection (optional); its reply carries the
    /// daemon's `version` only.
    Hello(Hello),
    /// `BIND`: `bind(2)`; the reply carries the bound port id or an errno.
    Bind(Bind),
    /// `MEMBERSHIP`: `NETLINK_ADD_MEMBERSHIP` / `NETLINK_DROP_MEMBERSHIP`.
    Membership(Membership),
    /// `SETOPT`: a `SOL_NETLINK` option or `SO_RCVBUF`.
    SetOpt(SetOpt),
    /// `COMPLETE` (daemon → client, completion channel): datagrams up to `count` are done.
    Complete(Complete),
    /// `OVERRUN` (daemon → client): notifications were dropped here.
    Overrun,
    /// An op this crate does not know, kept with its raw attributes.
    Other {
        /// The op.
        op: u32,
        /// The attribute bytes.
        attrs: Vec<u8>,
    },
}

/// `HELLO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hello {
    /// `VERSION`.
    pub version: u32,
    /// `SYNC`: create a completion channel (request only).
    pub sync: bool,
    /// `PID`: the client's process id, the first autobind candidate (request only).
    pub pid: Option<u32>,
}

/// `BIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bind {
    /// `PORTID`: requested (0: autobind) or, in the reply, assigned.
    pub port_id: Option<u32>,
    /// `GROUPS`: the legacy `nl_groups` bitmask (bit N-1 is group N).
    pub groups: Option<u32>,
    /// `ERRNO` (reply): 0 or a positive errno.
    pub errno: Option<u32>,
}

/// `MEMBERSHIP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Membership {
    /// `GROUP`: the multicast group id.
    pub group: u32,
    /// `DROP`: leave instead of join.
    pub drop: bool,
    /// `ERRNO` (reply).
    pub errno: Option<u32>,
}

/// `SETOPT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetOpt {
    /// `OPT`: one of [`opt`].
    pub opt: u32,
    /// `VALUE`.
    pub value: u32,
    /// `ERRNO` (reply).
    pub errno: Option<u32>,
}

/// `COMPLETE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Complete {
    /// `COUNT`: every datagram up to this one (1-based) is done.
    pub count: u64,
    /// `ERRNO`: the result of the transport op in that datagram, if it was one.
    pub errno: Option<u32>,
}

/// Why a transport message does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Not a transport message, or shorter than header + op.
    #[error(transparent)]
    Framing(#[from] NlError),
    /// `nlmsg_type` is not [`DEVLINKD_NLMSG_TRANSPORT`].
    #[error("nlmsg_type {0:#x} is not a transport message")]
    NotTransport(u16),
    /// An attribute of the wrong width.
    #[error("transport attribute {attr}: {source}")]
    Attr {
        /// The attribute type.
        attr: u16,
        /// What is wrong.
        source: PayloadError,
    },
    /// A required attribute is missing.
    #[error("transport op {op}: missing attribute {attr}")]
    Missing {
        /// The op.
        op: u32,
        /// The attribute type.
        attr: u16,
    },
}

impl Transport {
    /// Decode the payload of a message (the bytes after its `nlmsghdr`).
    pub fn decode(payload: &[u8]) -> Result<Self, TransportError> {
        let op = match payload.get(..4) {
            Some(&[a, b, c, d]) => u32::from_ne_bytes([a, b, c, d]),
            _ => {
                return Err(NlError::Truncated {
                    what: "transport op",
                    need: 4,
                    have: payload.len(),
                }
                .into());
            }
        };
        let rest = payload.get(4..).unwrap_or_default();
        let a = Attrs::parse(rest)?;
        let need = |v: Option<u32>, attr| v.ok_or(TransportError::Missing { op, attr });
        Ok(match op {
            op::HELLO => Self::Hello(Hello {
                version: need(a.version, attr::VERSION)?,
                sync: a.sync,
                pid: a.pid,
            }),
            op::BIND => Self::Bind(Bind {
                port_id: a.port_id,
                groups: a.groups,
                errno: a.errno,
            }),
            op::MEMBERSHIP => Self::Membership(Membership {
                group: need(a.group, attr::GROUP)?,
                drop: a.drop,
                errno: a.errno,
            }),
            op::SETOPT => Self::SetOpt(SetOpt {
                opt: need(a.opt, attr::OPT)?,
                value: need(a.value, attr::VALUE)?,
                errno: a.errno,
            }),
            op::COMPLETE => Self::Complete(Complete {
                count: a.count.ok_or(TransportError::Missing {
                    op,
                    attr: attr::COUNT,
                })?,
                errno: a.errno,
            }),
            op::OVERRUN => Self::Overrun,
            op => Self::Other {
                op,
                attrs: rest.to_vec(),
            },
        })
    }

    /// Decode a whole message (header included).
    pub fn parse(message: &[u8]) -> Result<(NlmsgHeader, Self), TransportError> {
        let h = NlmsgHeader::parse(message)?;
        if h.ty != DEVLINKD_NLMSG_TRANSPORT {
            return Err(TransportError::NotTransport(h.ty));
        }
        let end = usize::try_from(h.len)
            .unwrap_or(usize::MAX)
            .min(message.len());
        let payload = message.get(NLMSG_HDRLEN..end).unwrap_or_default();
        Ok((h, Self::decode(payload)?))
    }

    /// The op number.
    #[must_use]
    pub const fn op(&self) -> u32 {
        match self {
            Self::Hello(_) => op::HELLO,
            Self::Bind(_) => op::BIND,
            Self::Membership(_) => op::MEMBERSHIP,
            Self::SetOpt(_) => op::SETOPT,
            Self::Complete(_) => op::COMPLETE,
            Self::Overrun => op::OVERRUN,
            Self::Other { op, .. } => *op,
        }
    }

    /// Append the payload (op and attributes, not the `nlmsghdr`).
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        out.extend_from_slice(&self.op().to_ne_bytes());
        if let Self::Other { attrs, .. } = self {
            out.extend_from_slice(attrs);
            return Ok(());
        }
        let mut e = Emitter::new(out);
        let errno = |e: &mut Emitter<'_>, v: Option<u32>| {
            if let Some(v) = v {
                e.u32(attr::ERRNO, v);
            }
        };
        match self {
            Self::Hello(h) => {
                e.u32(attr::VERSION, h.version);
                if h.sync {
                    e.flag(attr::SYNC);
                }
                if let Some(p) = h.pid {
                    e.u32(attr::PID, p);
                }
            }
            Self::Bind(b) => {
                if let Some(p) = b.port_id {
                    e.u32(attr::PORTID, p);
                }
                if let Some(g) = b.groups {
                    e.u32(attr::GROUPS, g);
                }
                errno(&mut e, b.errno);
            }
            Self::Membership(m) => {
                e.u32(attr::GROUP, m.group);
                if m.drop {
                    e.flag(attr::DROP);
                }
                errno(&mut e, m.errno);
            }
            Self::SetOpt(s) => {
                e.u32(attr::OPT, s.opt);
                e.u32(attr::VALUE, s.value);
                errno(&mut e, s.errno);
            }
            Self::Complete(c) => {
                e.u64(attr::COUNT, c.count);
                errno(&mut e, c.errno);
            }
            Self::Overrun => {}
            Self::Other { .. } => {}
        }
        e.finish()
    }

    /// A whole message: header (`nlmsg_len` computed, type [`DEVLINKD_NLMSG_TRANSPORT`])
    /// with the given flags, seq and pid, then the payload.
    pub fn to_message(&self, flags: u16, seq: u32, pid: u32) -> Result<Vec<u8>, EmitError> {
        let mut out = Vec::with_capacity(48);
        NlmsgHeader {
            len: 0,
            ty: DEVLINKD_NLMSG_TRANSPORT,
            flags,
            seq,
            pid,
        }
        .emit(&mut out);
        self.emit(&mut out)?;
        crate::nl::set_nlmsg_len(&mut out)?;
        Ok(out)
    }
}

/// Every attribute a transport message may carry (unknown ones are ignored).
#[derive(Default)]
struct Attrs {
    version: Option<u32>,
    sync: bool,
    pid: Option<u32>,
    port_id: Option<u32>,
    groups: Option<u32>,
    group: Option<u32>,
    drop: bool,
    opt: Option<u32>,
    value: Option<u32>,
    count: Option<u64>,
    errno: Option<u32>,
}

impl Attrs {
    fn parse(buf: &[u8]) -> Result<Self, TransportError> {
        let mut a = Self::default();
        for raw in AttrIter::with_base(buf, NLMSG_HDRLEN + 4) {
            let raw = raw.map_err(NlError::Leftover)?;
            let bad = |source| TransportError::Attr {
                attr: raw.kind(),
                source,
            };
            let u32_of = |r: &RawAttr<'_>| r.u32().map(Some).map_err(bad);
            match raw.kind() {
                attr::VERSION => a.version = u32_of(&raw)?,
                attr::SYNC => a.sync = raw.flag().map(|()| true).map_err(bad)?,
                attr::PID => a.pid = u32_of(&raw)?,
                attr::PORTID => a.port_id = u32_of(&raw)?,
                attr::GROUPS => a.groups = u32_of(&raw)?,
                attr::GROUP => a.group = u32_of(&raw)?,
                attr::DROP => a.drop = raw.flag().map(|()| true).map_err(bad)?,
                attr::OPT => a.opt = u32_of(&raw)?,
                attr::VALUE => a.value = u32_of(&raw)?,
                attr::COUNT => a.count = Some(raw.u64().map_err(bad)?),
                attr::ERRNO => a.errno = u32_of(&raw)?,
                _ => {}
            }
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(t: &Transport) {
        let bytes = t.to_message(1, 7, 0).unwrap();
        let (h, back) = Transport::parse(&bytes).unwrap();
        assert_eq!(usize::try_from(h.len).unwrap(), bytes.len());
        assert_eq!((h.ty, h.flags, h.seq), (DEVLINKD_NLMSG_TRANSPORT, 1, 7));
        assert_eq!(&back, t);
    }

    #[test]
    fn every_op_round_trips() {
        let all = [
            Transport::Hello(Hello {
                version: 1,
                sync: true,
                pid: Some(4242),
            }),
            Transport::Hello(Hello {
                version: 1,
                ..Hello::default()
            }),
            Transport::Bind(Bind {
                port_id: Some(0),
                groups: Some(0b10),
                errno: None,
            }),
            Transport::Bind(Bind {
                port_id: Some(77),
                groups: None,
                errno: Some(0),
            }),
            Transport::Membership(Membership {
                group: 2,
                drop: true,
                errno: Some(22),
            }),
            Transport::SetOpt(SetOpt {
                opt: opt::SO_RCVBUF,
                value: 65536,
                errno: None,
            }),
            Transport::Complete(Complete {
                count: 1 << 40,
                errno: Some(98),
            }),
            Transport::Overrun,
            Transport::Other {
                op: 99,
                attrs: vec![8, 0, 1, 0, 1, 0, 0, 0],
            },
        ];
        for t in &all {
            round_trip(t);
        }
    }

    /// The byte layout: header, op, then attributes with netlink padding.
    #[test]
    fn membership_bytes() {
        let t = Transport::Membership(Membership {
            group: 2,
            drop: false,
            errno: None,
        });
        let bytes = t.to_message(1, 3, 0).unwrap();
        assert_eq!(
            bytes,
            [
                28, 0, 0, 0, 0x0f, 0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr
                3, 0, 0, 0, // op MEMBERSHIP
                8, 0, 6, 0, 2, 0, 0, 0, // GROUP 2
            ]
        );
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert!(matches!(
            Transport::decode(&[1, 0]),
            Err(TransportError::Framing(_))
        ));
        // HELLO without VERSION.
        assert_eq!(
            Transport::decode(&[1, 0, 0, 0]),
            Err(TransportError::Missing { op: 1, attr: 1 })
        );
        // SETOPT with a 2-byte OPT.
        let bad = [4, 0, 0, 0, 6, 0, 8, 0, 1, 0, 0, 0];
        assert!(matches!(
            Transport::decode(&bad),
            Err(TransportError::Attr { attr: 8, .. })
        ));
        // Leftover bytes.
        assert!(Transport::decode(&[6, 0, 0, 0, 1]).is_err());
        // Another type.
        let mut other = Transport::Overrun.to_message(0, 0, 0).unwrap();
        other[4] = 0x10;
        assert_eq!(
            Transport::parse(&other),
            Err(TransportError::NotTransport(0x10))
        );
    }
}
