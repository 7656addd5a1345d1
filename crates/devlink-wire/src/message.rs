//! Whole netlink messages, typed: control messages, the controller family and the devlink
//! family, each devlink command mapped to its body by direction (request or
//! reply/notification).

use std::sync::Arc;

use crate::ctrl::{CtrlError, CtrlMessage};
use crate::devlink::*;
use crate::nl::{
    AttrIter, DoneMsg, EmitError, Emitter, ErrorMsg, GENL_HDRLEN, GENL_ID_CTRL, GenlHeader,
    NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, NlError, NlmsgHeader,
    RawMessage,
};
use crate::spec::{Attr, Cmd, Space};

/// Family ids needed to tell devlink messages from others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Families {
    /// The devlink family's dynamic id, once known.
    pub devlink: Option<u16>,
}

impl Families {
    /// Learn the devlink family id from a controller `CTRL_CMD_NEWFAMILY` reply for
    /// "devlink" (`CTRL_ATTR_FAMILY_NAME` = 2, `CTRL_ATTR_FAMILY_ID` = 1); other messages
    /// leave it unchanged.
    pub fn learn(&mut self, raw: &RawMessage<'_>) {
        const CTRL_CMD_NEWFAMILY: u8 = 1;
        if raw.header.ty != GENL_ID_CTRL || raw.header.is_request() {
            return;
        }
        let p = raw.payload();
        if GenlHeader::parse(p).map(|g| g.cmd) != Ok(CTRL_CMD_NEWFAMILY) {
            return;
        }
        let (mut name, mut id) = (None, None);
        for a in AttrIter::new(p.get(GENL_HDRLEN..).unwrap_or_default()).flatten() {
            match a.kind() {
                1 => id = a.u16().ok(),
                2 => name = a.str().ok(),
                _ => {}
            }
        }
        if let (Some(crate::spec::DEVLINK_GENL_NAME), Some(id)) = (name, id) {
            self.devlink = Some(id);
        }
    }
}

/// A netlink message with a typed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The header; `len` is recomputed by [`Message::encode`].
    pub header: NlmsgHeader,
    /// What it carries.
    pub payload: Payload,
    /// Non-zero bytes found in attribute alignment padding, as `(offset, byte)`.
    /// The kernel ignores padding, but libmnl (iproute2) leaves stale bytes there in
    /// requests; keeping them lets captured messages re-encode byte for byte. Empty for
    /// messages built here, whose padding is zero as in the kernel's.
    pub padding: Vec<(usize, u8)>,
}

/// The payload of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `NLMSG_NOOP`, payload kept.
    Noop(Vec<u8>),
    /// `NLMSG_ERROR`: error or ACK.
    Error(ErrorMsg),
    /// `NLMSG_DONE`.
    Done(DoneMsg),
    /// `NLMSG_OVERRUN`, payload kept.
    Overrun(Vec<u8>),
    /// The generic netlink controller.
    Ctrl(CtrlMessage),
    /// The devlink family.
    Devlink(DevlinkMessage),
    /// Another family or protocol, payload kept.
    Other(Vec<u8>),
}

/// A devlink message: its generic netlink header and typed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevlinkMessage {
    /// `cmd`, `version`, `reserved` as sent.
    pub genl: GenlHeader,
    /// The attributes.
    pub body: DevlinkBody,
}

/// Why a message did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes are not a netlink message.
    #[error(transparent)]
    Framing(#[from] NlError),
    /// A devlink command number the tables do not know.
    #[error("unknown devlink command {0}")]
    UnknownCommand(u8),
    /// A devlink command that is not a request (a reply or notification number).
    #[error("{} is not a request command", .0.kernel_name())]
    NotARequest(Cmd),
    /// A devlink command the kernel never sends as a reply or notification.
    #[error("{} is never sent by the kernel", .0.kernel_name())]
    NotAReply(Cmd),
    /// An attribute problem in a devlink body.
    #[error("{}: {error}", .cmd.kernel_name())]
    Devlink {
        /// The command.
        cmd: Cmd,
        /// The attribute and what is wrong.
        error: AttrError,
    },
    /// An attribute problem in a controller message.
    #[error("nlctrl command {cmd}: {error}")]
    Ctrl {
        /// The controller command.
        cmd: u8,
        /// The attribute and what is wrong.
        error: AttrError,
    },
}

macro_rules! bodies {
    ($($t:ident),* $(,)?) => {
        /// Every devlink body shape, named after its type. Each is reference-counted: a
        /// body is immutable once built (`Arc::make_mut` to edit a copy), so cloning a
        /// message (a notification queued for many subscribers, a stored object sent in a
        /// reply) shares it instead of copying it, and the enum is two words.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum DevlinkBody {
            $($t(Arc<$t>),)*
        }

        impl DevlinkBody {
            /// Append the attributes.
            pub fn encode(&self, e: &mut Emitter<'_>) {
                match self {
                    $(Self::$t(b) => b.encode(e),)*
                }
            }
        }

        $(impl From<$t> for DevlinkBody {
            fn from(b: $t) -> Self { Self::$t(Arc::new(b)) }
        }
        impl From<Arc<$t>> for DevlinkBody {
            fn from(b: Arc<$t>) -> Self { Self::$t(b) }
        })*
    };
}

bodies! {
    Dev, DevReq,
    Port, PortGetReq, PortSetReq, PortNewReq, PortKeyReq, PortSplitReq,
    Sb, SbPool, SbPortPool, SbTcPoolBind, SbGetReq, SbPoolGetReq, SbPoolSetReq,
    SbPortPoolGetReq, SbPortPoolSetReq, SbTcPoolBindGetReq, SbTcPoolBindSetReq, SbOccReq,
    Eswitch,
    DpipeTables, DpipeEntries, DpipeHeaders, DpipeTableGetReq, DpipeEntriesGetReq,
    DpipeCountersSetReq,
    ResourceDump, ResourceSetReq,
    ReloadReq, ReloadReply,
    Param, ParamGetReq, ParamSetReq,
    Region, RegionEvent, RegionRead, RegionGetReq, RegionNewReq, RegionDelReq, RegionReadReq,
    Info,
    HealthReporter, HealthReq, HealthSetReq, Fmsg,
    FlashStatus, FlashUpdateReq,
    Trap, TrapGroup, TrapPolicer, TrapGetReq, TrapSetReq, TrapGroupGetReq, TrapGroupSetReq,
    TrapPolicerGetReq, TrapPolicerSetReq,
    Rate, RateGetReq, RateReq, RateDelReq,
    Linecard, LinecardGetReq, LinecardSetReq,
    SelftestsGet, SelftestsRun,
    NotifyFilterReq,
}

fn body<T: Body + Into<DevlinkBody>>(
    attrs: AttrIter<'_>,
    ctx: DecodeCtx,
) -> Result<DevlinkBody, AttrError> {
    T::decode(attrs, ctx).map(Into::into)
}

/// True if the stream has a top-level `PORT_INDEX` (6.1-era port dump replies use `NEW`).
fn has_port_index(attrs: &AttrIter<'_>) -> bool {
    attrs
        .clone()
        .flatten()
        .any(|a| a.kind() == Attr::PortIndex as u16)
}

impl DevlinkBody {
    /// Decode the body of devlink command `cmd`; `request` is `NLM_F_REQUEST`.
    pub fn decode(
        cmd: u8,
        request: bool,
        attrs: AttrIter<'_>,
        ctx: DecodeCtx,
    ) -> Result<Self, DecodeError> {
        let c = Cmd::from_repr(cmd).ok_or(DecodeError::UnknownCommand(cmd))?;
        let r = if request {
            Self::decode_request(c, attrs, ctx)?
        } else {
            Self::decode_reply(c, attrs, ctx)?
        };
        r.map_err(|error| DecodeError::Devlink { cmd: c, error })
    }

    #[allow(clippy::type_complexity)]
    fn decode_request(
        c: Cmd,
        a: AttrIter<'_>,
        x: DecodeCtx,
    ) -> Result<Result<Self, AttrError>, DecodeError> {
        use Cmd as C;
        Ok(match c {
            C::Get
            | C::EswitchGet
            | C::DpipeHeadersGet
            | C::ResourceDump
            | C::InfoGet
            | C::SelftestsGet => body::<DevReq>(a, x),
            C::PortGet => body::<PortGetReq>(a, x),
            C::PortSet => body::<PortSetReq>(a, x),
            C::PortNew => body::<PortNewReq>(a, x),
            C::PortDel | C::PortUnsplit => body::<PortKeyReq>(a, x),
            C::PortSplit => body::<PortSplitReq>(a, x),
            C::SbGet => body::<SbGetReq>(a, x),
            C::SbPoolGet => body::<SbPoolGetReq>(a, x),
            C::SbPoolSet => body::<SbPoolSetReq>(a, x),
            C::SbPortPoolGet => body::<SbPortPoolGetReq>(a, x),
            C::SbPortPoolSet => body::<SbPortPoolSetReq>(a, x),
            C::SbTcPoolBindGet => body::<SbTcPoolBindGetReq>(a, x),
            C::SbTcPoolBindSet => body::<SbTcPoolBindSetReq>(a, x),
            C::SbOccSnapshot | C::SbOccMaxClear => body::<SbOccReq>(a, x),
            C::EswitchSet => body::<EswitchSetReq>(a, x),
            C::DpipeTableGet => body::<DpipeTableGetReq>(a, x),
            C::DpipeEntriesGet => body::<DpipeEntriesGetReq>(a, x),
            C::DpipeTableCountersSet => body::<DpipeCountersSetReq>(a, x),
            C::ResourceSet => body::<ResourceSetReq>(a, x),
            C::Reload => body::<ReloadReq>(a, x),
            C::ParamGet | C::PortParamGet => body::<ParamGetReq>(a, x),
            C::ParamSet | C::PortParamSet => body::<ParamSetReq>(a, x),
            C::RegionGet => body::<RegionGetReq>(a, x),
            C::RegionNew => body::<RegionNewReq>(a, x),
            C::RegionDel => body::<RegionDelReq>(a, x),
            C::RegionRead => body::<RegionReadReq>(a, x),
            C::HealthReporterGet
            | C::HealthReporterRecover
            | C::HealthReporterDiagnose
            | C::HealthReporterDumpGet
            | C::HealthReporterDumpClear
            | C::HealthReporterTest => body::<HealthReq>(a, x),
            C::HealthReporterSet => body::<HealthSetReq>(a, x),
            C::FlashUpdate => body::<FlashUpdateReq>(a, x),
            C::TrapGet => body::<TrapGetReq>(a, x),
            C::TrapSet => body::<TrapSetReq>(a, x),
            C::TrapGroupGet => body::<TrapGroupGetReq>(a, x),
            C::TrapGroupSet => body::<TrapGroupSetReq>(a, x),
            C::TrapPolicerGet => body::<TrapPolicerGetReq>(a, x),
            C::TrapPolicerSet => body::<TrapPolicerSetReq>(a, x),
            C::RateGet => body::<RateGetReq>(a, x),
            C::RateSet | C::RateNew => body::<RateReq>(a, x),
            C::RateDel => body::<RateDelReq>(a, x),
            C::LinecardGet => body::<LinecardGetReq>(a, x),
            C::LinecardSet => body::<LinecardSetReq>(a, x),
            C::SelftestsRun => body::<SelftestsRunReq>(a, x),
            C::NotifyFilterSet => body::<NotifyFilterReq>(a, x),
            other => return Err(DecodeError::NotARequest(other)),
        })
    }

    #[allow(clippy::type_complexity)]
    fn decode_reply(
        c: Cmd,
        a: AttrIter<'_>,
        x: DecodeCtx,
    ) -> Result<Result<Self, AttrError>, DecodeError> {
        use Cmd as C;
        Ok(match c {
            C::New if has_port_index(&a) => body::<Port>(a, x),
            C::New | C::Del => body::<Dev>(a, x),
            C::PortNew | C::PortDel => body::<Port>(a, x),
            C::SbNew => body::<Sb>(a, x),
            C::SbPoolNew => body::<SbPool>(a, x),
            C::SbPortPoolNew => body::<SbPortPool>(a, x),
            C::SbTcPoolBindNew => body::<SbTcPoolBind>(a, x),
            C::EswitchGet => body::<Eswitch>(a, x),
            C::DpipeTableGet => body::<DpipeTables>(a, x),
            C::DpipeEntriesGet => body::<DpipeEntries>(a, x),
            C::DpipeHeadersGet => body::<DpipeHeaders>(a, x),
            C::ResourceDump => body::<ResourceDump>(a, x),
            C::Reload => body::<ReloadReply>(a, x),
            C::ParamGet
            | C::ParamNew
            | C::ParamDel
            | C::PortParamGet
            | C::PortParamNew
            | C::PortParamDel => body::<Param>(a, x),
            C::RegionGet => body::<Region>(a, x),
            C::RegionNew | C::RegionDel => body::<RegionEvent>(a, x),
            C::RegionRead => body::<RegionRead>(a, x),
            C::InfoGet => body::<Info>(a, x),
            C::HealthReporterGet | C::HealthReporterRecover => body::<HealthReporter>(a, x),
            C::HealthReporterDiagnose | C::HealthReporterDumpGet => body::<Fmsg>(a, x),
            C::FlashUpdate | C::FlashUpdateEnd | C::FlashUpdateStatus => body::<FlashStatus>(a, x),
            C::TrapNew | C::TrapDel => body::<Trap>(a, x),
            C::TrapGroupNew | C::TrapGroupDel => body::<TrapGroup>(a, x),
            C::TrapPolicerNew | C::TrapPolicerDel => body::<TrapPolicer>(a, x),
            C::RateNew | C::RateDel => body::<Rate>(a, x),
            C::LinecardNew | C::LinecardDel => body::<Linecard>(a, x),
            C::SelftestsGet => body::<SelftestsGet>(a, x),
            C::SelftestsRun => body::<SelftestsRun>(a, x),
            other => return Err(DecodeError::NotAReply(other)),
        })
    }
}

impl Message {
    /// Decode one message of protocol `NETLINK_GENERIC`.
    pub fn decode(raw: &RawMessage<'_>, families: Families) -> Result<Self, DecodeError> {
        let h = raw.header;
        let p = raw.payload();
        let payload = match h.ty {
            NLMSG_NOOP => Payload::Noop(p.to_vec()),
            NLMSG_ERROR => Payload::Error(ErrorMsg::parse(p, h.flags)?),
            NLMSG_DONE => Payload::Done(DoneMsg::parse(p, h.flags)?),
            NLMSG_OVERRUN => Payload::Overrun(p.to_vec()),
            GENL_ID_CTRL => {
                Payload::Ctrl(CtrlMessage::decode(p, h.is_request()).map_err(|e| match e {
                    CtrlError::Framing(e) => DecodeError::Framing(e),
                    CtrlError::Attr(error) => DecodeError::Ctrl {
                        cmd: p.first().copied().unwrap_or(0),
                        error,
                    },
                })?)
            }
            ty if Some(ty) == families.devlink => {
                let genl = GenlHeader::parse(p)?;
                let attrs = AttrIter::with_base(
                    p.get(GENL_HDRLEN..).unwrap_or_default(),
                    NLMSG_HDRLEN + GENL_HDRLEN,
                );
                let ctx = DecodeCtx { dump: h.is_dump() };
                let body = DevlinkBody::decode(genl.cmd, h.is_request(), attrs, ctx)?;
                Payload::Devlink(DevlinkMessage { genl, body })
            }
            _ => Payload::Other(p.to_vec()),
        };
        let padding = match &payload {
            Payload::Ctrl(_) | Payload::Devlink(_) => {
                let space = if h.ty == GENL_ID_CTRL {
                    Space::Ctrl
                } else {
                    Space::Devlink
                };
                let start = NLMSG_HDRLEN + GENL_HDRLEN;
                let mut found = Vec::new();
                nonzero_padding(raw.bytes, start, raw.bytes.len(), space, &mut found);
                found
            }
            _ => Vec::new(),
        };
        let mut msg = Self {
            header: h,
            payload,
            padding,
        };
        // Padding is recorded by offset, so it is only meaningful if the typed payload
        // re-encodes to the same layout. When it does not (attributes out of kernel order,
        // bytes after a string's NUL, trailing bytes, ...), applying the offsets to the new
        // encoding would write into other attributes' data: drop them instead.
        if !msg.padding.is_empty() && !msg.padding_fits(raw.bytes) {
            msg.padding.clear();
        }
        Ok(msg)
    }

    /// True if the message, encoded without its padding bytes, is `bytes` with those bytes
    /// zeroed.
    fn padding_fits(&self, bytes: &[u8]) -> bool {
        let plain = Self {
            header: self.header,
            payload: self.payload.clone(),
            padding: Vec::new(),
        };
        let Ok(mut canonical) = plain.encode() else {
            return false;
        };
        if canonical.len() != bytes.len() {
            return false;
        }
        for &(at, byte) in &self.padding {
            match canonical.get_mut(at) {
                Some(slot) if *slot == 0 => *slot = byte,
                _ => return false,
            }
        }
        canonical == bytes
    }

    /// Encode, with `nlmsg_len` computed.
    pub fn encode(&self) -> Result<Vec<u8>, EmitError> {
        let mut out = Vec::with_capacity(256);
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Append the encoded message to `out` (a datagram being filled), with `nlmsg_len`
    /// computed. On error `out` is left as it was.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        let start = out.len();
        let result = self.encode_tail(out);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn encode_tail(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        let start = out.len();
        self.header.emit(out);
        match &self.payload {
            Payload::Noop(b) | Payload::Overrun(b) | Payload::Other(b) => out.extend_from_slice(b),
            Payload::Error(e) => e.emit(out)?,
            Payload::Done(d) => d.emit(out)?,
            Payload::Ctrl(c) => c.encode(out)?,
            Payload::Devlink(m) => {
                m.genl.emit(out);
                let mut e = Emitter::new(out);
                m.body.encode(&mut e);
                e.finish()?;
            }
        }
        let msg = out.get_mut(start..).unwrap_or_default();
        for &(at, byte) in &self.padding {
            if let Some(slot) = msg.get_mut(at) {
                *slot = byte;
            }
        }
        crate::nl::set_nlmsg_len(msg)
    }
}

/// Collect the non-zero padding bytes of the attribute stream `msg[start..end]`, descending
/// into attributes the tables describe as nests (or that carry `NLA_F_NESTED`).
///
/// Depth-first in attribute order, with an explicit stack rather than recursion: a
/// datagram may nest attributes thousands deep (16 000 in 64 KiB), which recursion would
/// pay for with the thread's stack.
fn nonzero_padding(msg: &[u8], start: usize, end: usize, space: Space, out: &mut Vec<(usize, u8)>) {
    let walk = |from: usize, to: usize| {
        AttrIter::with_base(msg.get(from..to).unwrap_or_default(), from).flatten()
    };
    let mut stack = vec![(walk(start, end), space, end)];
    while let Some((attrs, space, end)) = stack.last_mut() {
        let (space, end) = (*space, *end);
        let Some(a) = attrs.next() else {
            stack.pop();
            continue;
        };
        let payload_end = a.offset() + crate::nl::NLA_HDRLEN + a.payload().len();
        let padded_end = crate::nl::align(payload_end).min(end);
        for at in payload_end..padded_end {
            if let Some(&b) = msg.get(at).filter(|&&b| b != 0) {
                out.push((at, b));
            }
        }
        let inner = match crate::spec::attr_spec(space, a.kind()).map(|s| s.kind) {
            Some(crate::spec::AttrKind::Nest(inner)) => Some(inner),
            _ if a.nested_flag() => Some(space),
            _ => None,
        };
        if let Some(inner) = inner {
            let from = a.offset() + crate::nl::NLA_HDRLEN;
            stack.push((walk(from, payload_end), inner, payload_end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nl::Messages;

    /// A `PARAM_SET` request (family id 0x15) whose `DEV_NAME` carries bytes after its NUL
    /// and whose padding is not zero: the typed value re-encodes shorter, so the recorded
    /// padding offsets no longer point at padding. Found by the `decode_request` fuzzer.
    #[test]
    fn padding_dropped_when_layout_changes() {
        let input: &[u8] = &[
            0x50, 0, 0, 0, 0x15, 0, 5, 0, 0x67, 0xcc, 5, 0x6b, 0, 0, 0, 0, // nlmsghdr
            0x27, 0, 0, 0, // genl: PARAM_SET
            0x0e, 0, 1, 0, b'n', b'e', b't', b'd', b'e', b'v', b's', b'i', b'm', 0, 0, 0, 0x10, 0,
            2, 0, 0, b'Q', 0, b't', b'e', b's', b's', b'i', b'm', b'1', b'5', 0, 0x0a, 0, 0x51, 0,
            b't', b'e', b's', b't', b'1', 0, b's', b't', // name + pad
            0x05, 0, 0x57, 0, 1, b'S', 0, 0, // PARAM_TYPE + pad
            0x05, 0, 0x53, 0, 6, b'T', 0, 0, // PARAM_VALUE_CMODE + pad
        ];
        let families = Families {
            devlink: Some(0x15),
        };
        let raw = Messages::new(input).next().unwrap().unwrap();
        let first = Message::decode(&raw, families).unwrap();
        assert!(first.padding.is_empty(), "{:?}", first.padding);
        let bytes = first.encode().unwrap();
        assert!(bytes.len() < input.len());
        let raw2 = Messages::new(&bytes).next().unwrap().unwrap();
        let second = Message::decode(&raw2, families).unwrap();
        assert_eq!(second.payload, first.payload);
        assert_eq!(second.padding, first.padding);
    }

    /// A libmnl `GET` (family id 0x15) with stale bytes in its padding.
    const LIBMNL_GET: &[u8] = &[
        0x34, 0, 0, 0, 0x15, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr
        0x01, 0, 0, 0, // genl: GET
        0x0e, 0, 1, 0, b'n', b'e', b't', b'd', b'e', b'v', b's', b'i', b'm', 0, 0xaa, 0xbb, 0x0f,
        0, 2, 0, b'n', b'e', b't', b'd', b'e', b'v', b's', b'i', b'm', b'1', 0, 0xcc,
    ];

    /// Stale padding bytes survive when the layout is the kernel's (libmnl requests).
    #[test]
    fn padding_kept_when_layout_matches() {
        let input = LIBMNL_GET;
        let families = Families {
            devlink: Some(0x15),
        };
        let raw = Messages::new(input).next().unwrap().unwrap();
        let msg = Message::decode(&raw, families).unwrap();
        assert_eq!(msg.padding, vec![(34, 0xaa), (35, 0xbb), (51, 0xcc)]);
        assert_eq!(msg.encode().unwrap(), input);
    }

    /// `encode_into` appends exactly what `encode` returns, padding offsets and
    /// `nlmsg_len` relative to the message, and leaves the buffer as it was on error.
    #[test]
    fn encode_into_appends_and_rolls_back() {
        let input = LIBMNL_GET;
        let families = Families {
            devlink: Some(0x15),
        };
        let raw = Messages::new(input).next().unwrap().unwrap();
        let msg = Message::decode(&raw, families).unwrap();
        let mut dg = vec![7u8; 12];
        msg.encode_into(&mut dg).unwrap();
        msg.encode_into(&mut dg).unwrap();
        assert_eq!(&dg[..12], &[7u8; 12]);
        assert_eq!(&dg[12..12 + input.len()], input);
        assert_eq!(&dg[12 + input.len()..], input);

        let before = dg.clone();
        let huge_name = Message {
            header: msg.header,
            payload: Payload::Devlink(DevlinkMessage {
                genl: GenlHeader::new(1, 1),
                body: DevlinkBody::from(DevReq {
                    handle: Some(Handle::new("pci", "x".repeat(70_000))),
                    unknown: Vec::new(),
                }),
            }),
            padding: Vec::new(),
        };
        assert!(huge_name.encode_into(&mut dg).is_err());
        assert_eq!(dg, before);
    }

    /// A request whose port function nests 16 000 levels deep (the most 64 KiB of
    /// attributes hold): decoding walks it without recursion. The daemon overflowed its
    /// stack on it (hostile-client test, issue 9).
    #[test]
    fn nests_16000_deep_decode() {
        fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
            let len = u16::try_from(4 + payload.len()).unwrap();
            let mut out = len.to_ne_bytes().to_vec();
            out.extend(ty.to_ne_bytes());
            out.extend(payload);
            out
        }
        let mut inner = nla(1, &7u32.to_ne_bytes());
        for _ in 0..16_000 {
            inner = nla(145 | crate::nl::NLA_F_NESTED, &inner);
        }
        let mut attrs = nla(1, b"netdevsim\0\0\0");
        attrs.extend(nla(2, b"netdevsim0\0\0"));
        attrs.extend(nla(3, &0u32.to_ne_bytes()));
        attrs.extend(inner);
        let len = u32::try_from(20 + attrs.len()).unwrap();
        let mut input = len.to_ne_bytes().to_vec();
        input.extend([0x15, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0, 0, 6, 1, 0, 0]);
        input.extend(attrs);
        let families = Families {
            devlink: Some(0x15),
        };
        let raw = Messages::new(&input).next().unwrap().unwrap();
        // On a thread with a small stack, so that recursion would fail here too.
        let m = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(s, || Message::decode(&raw, families).map(|m| m.header.len))
                .unwrap()
                .join()
                .unwrap()
        });
        assert_eq!(m.unwrap(), len);
    }
}
