//! `NLMSG_ERROR` (errors and acknowledgements) and `NLMSG_DONE`, with extended ACK TLVs.
//!
//! Kernel source: `net/netlink/af_netlink.c` (`netlink_ack`, `netlink_ack_tlv_fill`,
//! `netlink_dump_done`); TLV numbers from `enum nlmsgerr_attrs` in
//! `include/uapi/linux/netlink.h`.

use super::attr::{AttrIter, EmitError, Emitter, NLA_F_NESTED};
use super::header::{NLMSG_HDRLEN, NlmsgHeader, align, flags};
use super::{NlError, read_i32};

/// `NLMSGERR_ATTR_MSG`: error or warning text.
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`: offset of the offending attribute from the request's header.
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_COOKIE`: arbitrary subsystem cookie.
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// `NLMSGERR_ATTR_POLICY`: the policy the attribute violated.
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// `NLMSGERR_ATTR_MISS_TYPE`: type of a required attribute that was missing.
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest in which it was missing.
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;

/// Extended ACK contents. Encoded in the kernel's order: MSG, COOKIE, OFFS, POLICY,
/// MISS_TYPE, MISS_NEST, then any TLV types this crate does not know, as received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExtAck {
    /// `NLMSGERR_ATTR_MSG`, without its NUL.
    pub msg: Option<String>,
    /// `NLMSGERR_ATTR_COOKIE`.
    pub cookie: Option<Vec<u8>>,
    /// `NLMSGERR_ATTR_OFFS`.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_POLICY`: the nest's payload, raw (same encoding as a policy dump).
    pub policy: Option<Vec<u8>>,
    /// `NLMSGERR_ATTR_MISS_TYPE`.
    pub miss_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`.
    pub miss_nest: Option<u32>,
    /// TLVs of other types: `(raw nla_type, payload)`.
    pub other: Vec<(u16, Vec<u8>)>,
}

impl ExtAck {
    /// True if there is nothing to send (the kernel then omits `NLM_F_ACK_TLVS`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// An extack carrying only a message.
    #[must_use]
    pub fn msg(text: impl Into<String>) -> Self {
        Self {
            msg: Some(text.into()),
            ..Self::default()
        }
    }

    fn parse(buf: &[u8], base: usize) -> Result<Self, NlError> {
        const POLICY_NESTED: u16 = NLMSGERR_ATTR_POLICY | NLA_F_NESTED;
        let mut ack = Self::default();
        for a in AttrIter::with_base(buf, base) {
            let a = a.map_err(NlError::Leftover)?;
            let bad = |e| NlError::BadExtAck {
                kind: a.kind(),
                source: e,
            };
            match a.raw_type() {
                NLMSGERR_ATTR_MSG => ack.msg = Some(a.str().map_err(bad)?.to_owned()),
                NLMSGERR_ATTR_COOKIE => ack.cookie = Some(a.payload().to_vec()),
                NLMSGERR_ATTR_OFFS => ack.offset = Some(a.u32().map_err(bad)?),
                // The kernel nests the policy (nla_nest_start sets NLA_F_NESTED) and
                // `emit` writes it so; a bare type 4 is kept as received in `other`.
                POLICY_NESTED => ack.policy = Some(a.payload().to_vec()),
                NLMSGERR_ATTR_MISS_TYPE => ack.miss_type = Some(a.u32().map_err(bad)?),
                NLMSGERR_ATTR_MISS_NEST => ack.miss_nest = Some(a.u32().map_err(bad)?),
                other => ack.other.push((other, a.payload().to_vec())),
            }
        }
        Ok(ack)
    }

    fn emit(&self, e: &mut Emitter<'_>) {
        if let Some(m) = &self.msg {
            e.str(NLMSGERR_ATTR_MSG, m);
        }
        if let Some(c) = &self.cookie {
            e.bytes(NLMSGERR_ATTR_COOKIE, c);
        }
        if let Some(o) = self.offset {
            e.u32(NLMSGERR_ATTR_OFFS, o);
        }
        if let Some(p) = &self.policy {
            e.raw(NLMSGERR_ATTR_POLICY | NLA_F_NESTED, p);
        }
        if let Some(t) = self.miss_type {
            e.u32(NLMSGERR_ATTR_MISS_TYPE, t);
        }
        if let Some(n) = self.miss_nest {
            e.u32(NLMSGERR_ATTR_MISS_NEST, n);
        }
        for (t, p) in &self.other {
            e.raw(*t, p);
        }
    }
}

/// An `NLMSG_ERROR` payload: an error, or with `error == 0` an acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorMsg {
    /// 0 for an ACK, else a negative errno.
    pub error: i32,
    /// The echoed request: its 16-byte header and, unless the message is capped
    /// (`NLM_F_CAPPED`), the rest of it.
    pub echo: Vec<u8>,
    /// Extended ACK TLVs (sent with `NLM_F_ACK_TLVS`).
    pub ext_ack: ExtAck,
}

impl ErrorMsg {
    /// Build the reply the kernel sends for `request` (its bytes, header first).
    ///
    /// `cap_ack`: the socket set `NETLINK_CAP_ACK`; `ext_ack_enabled`: it set
    /// `NETLINK_EXT_ACK` (otherwise TLVs are dropped, as the kernel does). Success ACKs
    /// are always capped, and keep only the TLVs `netlink_ack_tlv_len` reports on
    /// success: `MSG` (a warning) and `COOKIE`. A success ACK is sent at all only if the
    /// request had `NLM_F_ACK` (`netlink_rcv_skb`); that is the caller's to check.
    /// Returns the message and the flags for its header.
    #[must_use]
    pub fn reply_to(
        request: &[u8],
        error: i32,
        ext_ack: ExtAck,
        cap_ack: bool,
        ext_ack_enabled: bool,
    ) -> (Self, u16) {
        let capped = error == 0 || cap_ack;
        let declared = NlmsgHeader::parse(request).map_or(request.len(), |h| {
            usize::try_from(h.len).unwrap_or(usize::MAX)
        });
        let echo_len = if capped {
            NLMSG_HDRLEN
        } else {
            declared.min(request.len())
        };
        let echo = request.get(..echo_len).unwrap_or(request).to_vec();
        let ext_ack = match (ext_ack_enabled, error) {
            (false, _) => ExtAck::default(),
            // "Following attributes are only reported as error (not warning)".
            (true, 0) => ExtAck {
                msg: ext_ack.msg,
                cookie: ext_ack.cookie,
                ..ExtAck::default()
            },
            (true, _) => ext_ack,
        };
        let mut f = 0;
        if capped {
            f |= flags::NLM_F_CAPPED;
        }
        if !ext_ack.is_empty() {
            f |= flags::NLM_F_ACK_TLVS;
        }
        (
            Self {
                error,
                echo,
                ext_ack,
            },
            f,
        )
    }

    /// Parse an `NLMSG_ERROR` payload; `msg_flags` are its message header's flags.
    pub fn parse(payload: &[u8], msg_flags: u16) -> Result<Self, NlError> {
        let error = read_i32(payload, 0).ok_or(NlError::Truncated {
            what: "nlmsgerr.error",
            need: 4,
            have: payload.len(),
        })?;
        let rest = payload.get(4..).unwrap_or_default();
        let echoed = NlmsgHeader::parse(rest)?;
        let echo_len = if msg_flags & flags::NLM_F_CAPPED != 0 {
            NLMSG_HDRLEN
        } else {
            // The kernel echoes the whole request; an echo cut short is a broken message
            // (clamping it would keep an unaligned echo that re-encodes differently).
            let declared = usize::try_from(echoed.len).unwrap_or(usize::MAX);
            if declared > rest.len() {
                return Err(NlError::Truncated {
                    what: "nlmsgerr echoed request",
                    need: declared,
                    have: rest.len(),
                });
            }
            declared.max(NLMSG_HDRLEN)
        };
        let echo = rest.get(..echo_len).unwrap_or(rest).to_vec();
        let tlv_start = 4 + align(echo_len);
        let ext_ack = if msg_flags & flags::NLM_F_ACK_TLVS != 0 {
            ExtAck::parse(
                payload.get(tlv_start..).unwrap_or_default(),
                NLMSG_HDRLEN + tlv_start,
            )?
        } else {
            ExtAck::default()
        };
        Ok(Self {
            error,
            echo,
            ext_ack,
        })
    }

    /// Append the payload (not the netlink header) to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        out.extend_from_slice(&self.error.to_ne_bytes());
        out.extend_from_slice(&self.echo);
        out.resize(out.len() + align(self.echo.len()) - self.echo.len(), 0);
        let mut e = Emitter::new(out);
        self.ext_ack.emit(&mut e);
        e.finish()
    }
}

/// An `NLMSG_DONE` payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DoneMsg {
    /// The dump's result: 0 or a negative errno. `None` for the empty `NLMSG_DONE` the
    /// kernel sends after multipart "do" replies (`nlmsg_len` 16).
    pub error: Option<i32>,
    /// Extended ACK TLVs (with `NLM_F_ACK_TLVS`).
    pub ext_ack: ExtAck,
}

impl DoneMsg {
    /// Parse an `NLMSG_DONE` payload; `msg_flags` are its message header's flags.
    pub fn parse(payload: &[u8], msg_flags: u16) -> Result<Self, NlError> {
        if payload.is_empty() {
            return Ok(Self::default());
        }
        let error = read_i32(payload, 0).ok_or(NlError::Truncated {
            what: "NLMSG_DONE error",
            need: 4,
            have: payload.len(),
        })?;
        let ext_ack = if msg_flags & flags::NLM_F_ACK_TLVS != 0 {
            ExtAck::parse(payload.get(4..).unwrap_or_default(), NLMSG_HDRLEN + 4)?
        } else {
            ExtAck::default()
        };
        Ok(Self {
            error: Some(error),
            ext_ack,
        })
    }

    /// Append the payload (not the netlink header) to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        if let Some(err) = self.error {
            out.extend_from_slice(&err.to_ne_bytes());
        }
        let mut e = Emitter::new(out);
        self.ext_ack.emit(&mut e);
        e.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The captured success ACK of wire-protocol §3.4 (CAP_ACK + EXT_ACK socket).
    #[test]
    fn captured_ack_round_trips() {
        let msg: [u8; 36] = [
            0x24, 0, 0, 0, 0x02, 0, 0x00, 0x01, 0x2a, 0, 0, 0, 0x21, 0x50, 0, 0, //
            0, 0, 0, 0, //
            0x20, 0, 0, 0, 0x10, 0, 0x05, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0,
        ];
        let h = NlmsgHeader::parse(&msg).unwrap();
        let e = ErrorMsg::parse(&msg[16..], h.flags).unwrap();
        assert_eq!(e.error, 0);
        assert_eq!(e.echo.len(), 16);
        let mut out = Vec::new();
        e.emit(&mut out).unwrap();
        assert_eq!(out, &msg[16..]);
    }

    #[test]
    fn uncapped_error_echoes_whole_request_and_tlvs_follow() {
        let mut req = vec![0u8; 32];
        req[0] = 32;
        req[16] = 3;
        let ext = ExtAck {
            msg: Some("Port params are not supported".into()),
            offset: Some(20),
            ..ExtAck::default()
        };
        let (e, f) = ErrorMsg::reply_to(&req, -95, ext.clone(), false, true);
        assert_eq!(f, flags::NLM_F_ACK_TLVS);
        assert_eq!(e.echo.len(), 32);
        let mut out = Vec::new();
        e.emit(&mut out).unwrap();
        let back = ErrorMsg::parse(&out, f).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.ext_ack, ext);
    }

    /// A success ACK with a warning (`NLM_F_CAPPED | NLM_F_ACK_TLVS`, error 0, the echoed
    /// header, `NLMSGERR_ATTR_MSG`), as `netlink_ack` builds it for a `LINECARD_SET` that
    /// unprovisions an unprovisioned card.
    #[test]
    fn success_ack_with_a_warning_round_trips() {
        let request: [u8; 16] = [
            0x20, 0, 0, 0, 0x14, 0, 0x05, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, //
        ];
        let mut expected = vec![0, 0, 0, 0]; // error 0
        expected.extend_from_slice(&request); // the echoed header only
        expected.extend_from_slice(&[33, 0, 0x01, 0]); // nla_len 33, NLMSGERR_ATTR_MSG
        expected.extend_from_slice(b"Line card is not provisioned\0");
        expected.extend_from_slice(&[0, 0, 0]); // padding to 4
        let warning = ExtAck {
            msg: Some("Line card is not provisioned".into()),
            // Error-only TLVs are not reported with a success.
            offset: Some(20),
            miss_type: Some(3),
            ..ExtAck::default()
        };
        let (e, f) = ErrorMsg::reply_to(&request, 0, warning, true, true);
        assert_eq!(f, flags::NLM_F_CAPPED | flags::NLM_F_ACK_TLVS);
        assert_eq!(e.ext_ack, ExtAck::msg("Line card is not provisioned"));
        let mut out = Vec::new();
        e.emit(&mut out).unwrap();
        assert_eq!(out, expected);
        assert_eq!(ErrorMsg::parse(&out, f).unwrap(), e);
        // An error keeps them.
        let (e, _) = ErrorMsg::reply_to(&request, -16, ExtAck::msg("x"), true, true);
        assert_eq!(e.ext_ack.msg.as_deref(), Some("x"));
        let with_offset = ExtAck {
            offset: Some(20),
            ..ExtAck::default()
        };
        let (e, _) = ErrorMsg::reply_to(&request, -22, with_offset.clone(), true, true);
        assert_eq!(e.ext_ack, with_offset);
    }

    #[test]
    fn ext_ack_dropped_unless_enabled_and_success_always_capped() {
        let mut req = vec![0u8; 40];
        req[0] = 40;
        let (e, f) = ErrorMsg::reply_to(&req, 0, ExtAck::msg("warning"), false, false);
        assert_eq!(f, flags::NLM_F_CAPPED);
        assert!(e.ext_ack.is_empty());
        assert_eq!(e.echo.len(), 16);
    }

    /// An uncapped error whose echoed request claims more bytes than the message holds
    /// is truncated, not an unaligned echo that re-encodes one byte longer. Found by the
    /// `decode_request` fuzzer.
    #[test]
    fn uncapped_echo_cut_short_is_truncated() {
        let mut payload = vec![0u8; 4 + 27];
        payload[4] = 40; // echoed nlmsg_len: 40, but only 27 bytes follow
        assert_eq!(
            ErrorMsg::parse(&payload, 0),
            Err(NlError::Truncated {
                what: "nlmsgerr echoed request",
                need: 40,
                have: 27,
            })
        );
        // An unaligned but complete echo still parses and re-encodes to itself.
        payload[4] = 27;
        let e = ErrorMsg::parse(&payload, 0).unwrap();
        assert_eq!(e.echo.len(), 27);
        let mut out = Vec::new();
        e.emit(&mut out).unwrap();
        assert_eq!(ErrorMsg::parse(&out, 0).unwrap(), e);
    }

    /// `NLMSGERR_ATTR_POLICY` is a nest (the kernel sets `NLA_F_NESTED`, and so does
    /// `emit`); a type-4 TLV without the flag is kept as received instead of becoming a
    /// policy that re-encodes with the flag and decodes differently. Found by the
    /// `decode_request` fuzzer.
    #[test]
    fn policy_is_the_nested_type_only() {
        let nested = [8, 0, 0x04, 0x80, 1, 2, 3, 4];
        let ack = ExtAck::parse(&nested, 0).unwrap();
        assert_eq!(ack.policy.as_deref(), Some(&[1, 2, 3, 4][..]));
        assert!(ack.other.is_empty());

        let bare = [8, 0, 0x04, 0x00, 1, 2, 3, 4];
        let ack = ExtAck::parse(&bare, 0).unwrap();
        assert_eq!(ack.policy, None);
        assert_eq!(ack.other, vec![(NLMSGERR_ATTR_POLICY, vec![1, 2, 3, 4])]);
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out);
        ack.emit(&mut e);
        e.finish().unwrap();
        assert_eq!(out, bare);
        assert_eq!(ExtAck::parse(&out, 0).unwrap(), ack);
    }

    #[test]
    fn done_shapes() {
        let empty = DoneMsg::parse(&[], flags::NLM_F_MULTI).unwrap();
        assert_eq!(empty.error, None);
        let mut out = Vec::new();
        empty.emit(&mut out).unwrap();
        assert!(out.is_empty());

        let d = DoneMsg {
            error: Some(-19),
            ext_ack: ExtAck::msg("no such device"),
        };
        let mut out = Vec::new();
        d.emit(&mut out).unwrap();
        assert_eq!(
            DoneMsg::parse(&out, flags::NLM_F_MULTI | flags::NLM_F_ACK_TLVS).unwrap(),
            d
        );

        // A completed dump with a warning (mainline's port-param dump).
        let done = DoneMsg {
            error: Some(0),
            ext_ack: ExtAck::msg("Port params are not supported"),
        };
        let mut out = Vec::new();
        done.emit(&mut out).unwrap();
        assert_eq!(out.get(..8), Some(&[0, 0, 0, 0, 34, 0, 0x01, 0][..]));
        let f = flags::NLM_F_MULTI | flags::NLM_F_ACK_TLVS;
        assert_eq!(DoneMsg::parse(&out, f).unwrap(), done);
    }
}
