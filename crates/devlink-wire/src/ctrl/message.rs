//! A whole controller message: `genlmsghdr` plus a typed body chosen by command and
//! direction. Kernel: `net/netlink/genetlink.c` (`genl_ctrl`, `genl_ctrl_ops`).

use crate::devlink::{AttrError, Body, DecodeCtx, UnknownAttr, each, encode_unknown};
use crate::nl::{
    AttrIter, EmitError, Emitter, GENL_HDRLEN, GenlHeader, NLMSG_HDRLEN, NlError, NlmsgHeader,
};
use crate::spec::Space;

use super::consts::{
    CTRL_ATTR_OP_POLICY, CTRL_ATTR_POLICY, CTRL_CMD_DELFAMILY, CTRL_CMD_GETFAMILY,
    CTRL_CMD_GETPOLICY, CTRL_CMD_NEWFAMILY, CTRL_REQUEST_VERSION, CTRL_VERSION,
};
use super::family::{FamilyInfo, GetFamily};
use super::policy::{GetPolicy, OpPolicy, Policy};

/// Why a controller message does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CtrlError {
    /// The netlink or generic netlink header is cut short, or `nlmsg_len` is wrong.
    #[error(transparent)]
    Framing(#[from] NlError),
    /// An attribute is malformed or a required one is missing.
    #[error(transparent)]
    Attr(#[from] AttrError),
}

/// The body of a controller message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CtrlBody {
    /// `CTRL_CMD_GETFAMILY` request (by id, by name, or empty for the dump of all).
    GetFamily(GetFamily),
    /// `CTRL_CMD_NEWFAMILY`: reply to GETFAMILY, or notification.
    NewFamily(FamilyInfo),
    /// `CTRL_CMD_DELFAMILY` notification.
    DelFamily(FamilyInfo),
    /// `CTRL_CMD_GETPOLICY` request.
    GetPolicy(GetPolicy),
    /// `CTRL_CMD_GETPOLICY` reply, phase 1: an op's policy indexes.
    OpPolicy(OpPolicy),
    /// `CTRL_CMD_GETPOLICY` reply, phase 2: one attribute of one policy.
    Policy(Policy),
    /// Any other command (or a GETPOLICY reply with neither nest), attributes as received.
    Other(Vec<UnknownAttr>),
}

impl CtrlBody {
    /// The `genlmsghdr.cmd` this body travels with; `None` for [`CtrlBody::Other`].
    #[must_use]
    pub const fn cmd(&self) -> Option<u8> {
        match self {
            Self::GetFamily(_) => Some(CTRL_CMD_GETFAMILY),
            Self::NewFamily(_) => Some(CTRL_CMD_NEWFAMILY),
            Self::DelFamily(_) => Some(CTRL_CMD_DELFAMILY),
            Self::GetPolicy(_) | Self::OpPolicy(_) | Self::Policy(_) => Some(CTRL_CMD_GETPOLICY),
            Self::Other(_) => None,
        }
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        match self {
            Self::GetFamily(b) => b.encode(e),
            Self::NewFamily(b) | Self::DelFamily(b) => b.encode(e),
            Self::GetPolicy(b) => b.encode(e),
            Self::OpPolicy(b) => b.encode(e),
            Self::Policy(b) => b.encode(e),
            Self::Other(attrs) => encode_unknown(attrs, e),
        }
    }
}

/// A controller (`nlctrl`, `nlmsg_type` 0x10) message after its `nlmsghdr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtrlMessage {
    /// `genlmsghdr`: the command, version 2 in kernel replies (1 from clients).
    pub header: GenlHeader,
    /// The attributes, typed by command and direction.
    pub body: CtrlBody,
}

impl CtrlMessage {
    /// A reply or notification as the kernel writes it: the body's command, version 2.
    /// [`CtrlBody::Other`] gets command 0; build such messages with a literal instead.
    #[must_use]
    pub fn reply(body: CtrlBody) -> Self {
        Self {
            header: GenlHeader::new(body.cmd().unwrap_or(0), CTRL_VERSION),
            body,
        }
    }

    /// A request as clients write it: the body's command, version 1.
    #[must_use]
    pub fn request(body: CtrlBody) -> Self {
        Self {
            header: GenlHeader::new(body.cmd().unwrap_or(0), CTRL_REQUEST_VERSION),
            body,
        }
    }

    /// Decode the bytes after the `nlmsghdr` (`genlmsghdr` first). `request`: the message
    /// carries `NLM_F_REQUEST` (GETFAMILY and GETPOLICY are requests, everything else, and
    /// GETPOLICY without the flag, a reply). Attribute offsets in errors count from the
    /// start of the netlink message.
    pub fn decode(payload: &[u8], request: bool) -> Result<Self, CtrlError> {
        let header = GenlHeader::parse(payload)?;
        let attrs = payload.get(GENL_HDRLEN..).unwrap_or_default();
        let iter = || AttrIter::with_base(attrs, NLMSG_HDRLEN + GENL_HDRLEN);
        let ctx = DecodeCtx::default();
        let body = match (header.cmd, request) {
            (CTRL_CMD_GETFAMILY, true) => CtrlBody::GetFamily(GetFamily::decode(iter(), ctx)?),
            (CTRL_CMD_GETPOLICY, true) => CtrlBody::GetPolicy(GetPolicy::decode(iter(), ctx)?),
            (CTRL_CMD_NEWFAMILY, false) => CtrlBody::NewFamily(FamilyInfo::decode(iter(), ctx)?),
            (CTRL_CMD_DELFAMILY, false) => CtrlBody::DelFamily(FamilyInfo::decode(iter(), ctx)?),
            (CTRL_CMD_GETPOLICY, false) => match policy_reply_kind(iter())? {
                Some(CTRL_ATTR_OP_POLICY) => CtrlBody::OpPolicy(OpPolicy::decode(iter(), ctx)?),
                Some(_) => CtrlBody::Policy(Policy::decode(iter(), ctx)?),
                None => CtrlBody::Other(raw_attrs(iter())?),
            },
            _ => CtrlBody::Other(raw_attrs(iter())?),
        };
        Ok(Self { header, body })
    }

    /// Decode a whole netlink message (`nlmsghdr` first); the direction comes from its
    /// `NLM_F_REQUEST` flag. The caller checks `nlmsg_type` (0x10).
    pub fn parse(message: &[u8]) -> Result<(NlmsgHeader, Self), CtrlError> {
        let nlh = NlmsgHeader::parse(message)?;
        let len = usize::try_from(nlh.len).unwrap_or(usize::MAX);
        let bytes = match message.get(..len) {
            Some(b) if len >= NLMSG_HDRLEN => b,
            _ => {
                return Err(CtrlError::Framing(NlError::BadLength {
                    len: nlh.len,
                    offset: 0,
                    datagram: message.len(),
                }));
            }
        };
        let msg = Self::decode(
            bytes.get(NLMSG_HDRLEN..).unwrap_or_default(),
            nlh.is_request(),
        )?;
        Ok((nlh, msg))
    }

    /// Append `genlmsghdr` and the attributes (not the `nlmsghdr`) to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EmitError> {
        self.header.emit(out);
        let mut e = Emitter::new(out);
        self.body.encode(&mut e);
        e.finish()
    }

    /// Append the whole netlink message to `out`: `nlh` with its `nlmsg_len` filled in,
    /// then [`CtrlMessage::encode`].
    pub fn emit(&self, nlh: NlmsgHeader, out: &mut Vec<u8>) -> Result<(), EmitError> {
        let start = out.len();
        nlh.emit(out);
        self.encode(out)?;
        let len = out.len() - start;
        let len32 = u32::try_from(len).map_err(|_| EmitError::MessageTooLong(len))?;
        if let Some(slot) = out.get_mut(start..start + 4) {
            slot.copy_from_slice(&len32.to_ne_bytes());
        }
        Ok(())
    }
}

/// Which nest a GETPOLICY reply carries (`CTRL_ATTR_OP_POLICY` or `CTRL_ATTR_POLICY`).
fn policy_reply_kind(attrs: AttrIter<'_>) -> Result<Option<u16>, AttrError> {
    for a in each(attrs, Space::Ctrl) {
        let kind = a?.kind();
        if kind == CTRL_ATTR_OP_POLICY || kind == CTRL_ATTR_POLICY {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

fn raw_attrs(attrs: AttrIter<'_>) -> Result<Vec<UnknownAttr>, AttrError> {
    each(attrs, Space::Ctrl)
        .map(|a| a.map(|a| UnknownAttr::from_raw(&a)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctrl::{McastGroup, OpInfo};
    use crate::nl::{GENL_ID_CTRL, Messages, NETLINK_GENERIC, flags};

    /// The nlctrl `NEWFAMILY` reply of wire-protocol §2.2, all 136 bytes.
    fn captured_nlctrl_reply() -> Vec<u8> {
        let mut msg = vec![
            0x88, 0, 0, 0, 0x10, 0, 0, 0, 0x2a, 0, 0, 0, 0x21, 0x50, 0, 0, // nlmsghdr
            0x01, 0x02, 0, 0, // NEWFAMILY, version 2
        ];
        msg.extend_from_slice(crate::ctrl::family::tests::NLCTRL_ATTRS);
        msg
    }

    #[test]
    fn captured_nlctrl_message_round_trips() {
        let bytes = captured_nlctrl_reply();
        let (nlh, msg) = CtrlMessage::parse(&bytes).unwrap();
        assert_eq!(
            (nlh.ty, nlh.flags, nlh.seq, nlh.pid),
            (GENL_ID_CTRL, 0, 42, 0x5021)
        );
        let CtrlBody::NewFamily(info) = &msg.body else {
            panic!("not a family: {msg:?}");
        };
        assert_eq!(info.ops, [OpInfo::new(3, 0x0e), OpInfo::new(10, 0x0c)]);
        assert_eq!(info.mcast_groups, [McastGroup::new("notify", 0x10)]);
        assert_eq!(msg, CtrlMessage::reply(CtrlBody::NewFamily(info.clone())));
        let mut out = Vec::new();
        msg.emit(NlmsgHeader { len: 0, ..nlh }, &mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn direction_picks_the_body() {
        let req = CtrlMessage::request(CtrlBody::GetPolicy(GetPolicy {
            id: Some(0x15),
            ..GetPolicy::default()
        }));
        let mut bytes = Vec::new();
        req.encode(&mut bytes).unwrap();
        assert_eq!(bytes, [10, 1, 0, 0, 6, 0, 1, 0, 0x15, 0, 0, 0]);
        assert_eq!(CtrlMessage::decode(&bytes, true).unwrap(), req);
        // The same bytes as a reply carry neither policy nest.
        let reply = CtrlMessage::decode(&bytes, false).unwrap();
        assert!(matches!(reply.body, CtrlBody::Other(ref a) if a.len() == 1));
        let mut again = Vec::new();
        reply.encode(&mut again).unwrap();
        assert_eq!(again, bytes);
    }

    #[test]
    fn errors_carry_message_offsets() {
        // GETFAMILY with a 4-byte FAMILY_ID (offset 20 from the nlmsghdr).
        let bytes = [3, 1, 0, 0, 8, 0, 1, 0, 0x15, 0, 0, 0];
        let CtrlError::Attr(err) = CtrlMessage::decode(&bytes, true).unwrap_err() else {
            panic!("not an attribute error");
        };
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::Ctrl, 1, Some(20))
        );
        assert_eq!(
            crate::ctrl::attr_kernel_name(err.space, err.attr),
            Some("CTRL_ATTR_FAMILY_ID")
        );
        assert!(matches!(
            CtrlMessage::decode(&[3, 1], true),
            Err(CtrlError::Framing(NlError::Truncated { .. }))
        ));
        assert!(matches!(
            CtrlMessage::parse(&[40, 0, 0, 0, 0x10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(CtrlError::Framing(NlError::BadLength { .. }))
        ));
    }

    /// Netlink messages of a classic little-endian pcap with link type 253 (`nlmon`):
    /// `(netlink protocol, datagram)` per record.
    fn pcap_datagrams(file: &[u8]) -> Vec<(u16, Vec<u8>)> {
        assert_eq!(&file[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
        assert_eq!(u32::from_le_bytes(file[20..24].try_into().unwrap()), 253);
        let mut out = Vec::new();
        let mut pos = 24;
        while pos + 16 <= file.len() {
            let incl = u32::from_le_bytes(file[pos + 8..pos + 12].try_into().unwrap()) as usize;
            let rec = &file[pos + 16..pos + 16 + incl];
            pos += 16 + incl;
            let proto = u16::from_be_bytes([rec[14], rec[15]]);
            out.push((proto, rec[16..].to_vec()));
        }
        assert_eq!(pos, file.len(), "trailing bytes in pcap");
        out
    }

    /// `message` with the padding after each top-level attribute zeroed if it is a
    /// request. The kernel zeroes padding; clients need not: iproute2 6.1 sends stale
    /// bytes there (GETFAMILY by id), which a re-encoding cannot and need not reproduce.
    fn canonical(message: &[u8], nlh: NlmsgHeader) -> Vec<u8> {
        let mut out = message.to_vec();
        if !nlh.is_request() {
            return out;
        }
        let start = NLMSG_HDRLEN + GENL_HDRLEN;
        for a in AttrIter::with_base(&message[start..], start) {
            let a = a.unwrap();
            let end = a.offset() + 4 + a.payload().len();
            let padded = crate::nl::align(end).min(out.len());
            out[end..padded].fill(0);
        }
        out
    }

    fn traces_dir() -> std::path::PathBuf {
        std::env::var_os("DEVLINKD_TRACES_6_1")
            .map_or_else(|| "/work/shared/traces/kernel-6.1".into(), Into::into)
    }

    /// Every controller message in the 6.1 golden captures decodes and re-encodes byte
    /// for byte (GETFAMILY by name and by id, 1216-byte NEWFAMILY replies).
    #[test]
    fn kernel_6_1_captures_round_trip() {
        let dir = traces_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipping: no captures at {}", dir.display());
            return;
        };
        let (mut requests, mut replies) = (0, 0);
        for entry in entries {
            let pcap = entry.unwrap().path().join("netlink.pcap");
            let Ok(file) = std::fs::read(&pcap) else {
                continue;
            };
            for (proto, dg) in pcap_datagrams(&file) {
                if proto != NETLINK_GENERIC {
                    continue;
                }
                for m in Messages::new(&dg) {
                    let m = m.unwrap();
                    if m.header.ty != GENL_ID_CTRL {
                        continue;
                    }
                    let (nlh, msg) = CtrlMessage::parse(m.bytes)
                        .unwrap_or_else(|e| panic!("{}: {e}", pcap.display()));
                    match &msg.body {
                        CtrlBody::GetFamily(req) => {
                            assert!(req.id.is_some() || req.name.as_deref() == Some("devlink"));
                            requests += 1;
                        }
                        CtrlBody::NewFamily(info) => {
                            assert_eq!(m.bytes.len(), 1216);
                            assert_eq!((info.name.as_str(), info.maxattr), ("devlink", 176));
                            assert_eq!((info.ops.len(), info.version, info.hdrsize), (56, 1, 0));
                            assert_eq!(info.mcast_groups[0].name, "config");
                            replies += 1;
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                    let mut out = Vec::new();
                    msg.emit(nlh, &mut out).unwrap();
                    assert_eq!(out, canonical(m.bytes, nlh), "{}", pcap.display());
                }
            }
        }
        assert!(
            requests > 0 && requests == replies,
            "{requests} requests, {replies} replies"
        );
        assert_eq!(requests, 121);
    }

    /// Three messages cut from `create_1port/netlink.pcap` (records 5, 6, 8): GETFAMILY by
    /// name, the 1216-byte NEWFAMILY of a 6.1 kernel (56 ops, MAXATTR 176, group "config"
    /// id 5), GETFAMILY by id. Kept in the tree so the test runs without the captures.
    #[test]
    fn embedded_6_1_exchange_round_trips() {
        let stream = include_bytes!("testdata/getfamily-6.1.bin");
        let msgs: Vec<_> = Messages::new(stream).collect::<Result<_, _>>().unwrap();
        assert_eq!(msgs.len(), 3);
        for m in &msgs {
            let (nlh, msg) = CtrlMessage::parse(m.bytes).unwrap();
            let mut out = Vec::new();
            msg.emit(nlh, &mut out).unwrap();
            assert_eq!(out, canonical(m.bytes, nlh));
        }
        // iproute2's GETFAMILY by id leaves a stale byte in the u16's padding.
        assert_eq!(&msgs[2].bytes[24..], &[21, 0, 5, 0]);
        let (nlh, msg) = CtrlMessage::parse(msgs[1].bytes).unwrap();
        assert_eq!((nlh.flags, nlh.pid), (0, 199));
        let CtrlBody::NewFamily(info) = msg.body else {
            panic!()
        };
        assert_eq!((info.id, info.maxattr, info.ops.len()), (21, 176, 56));
        assert_eq!(info.mcast_groups, [McastGroup::new("config", 5)]);
        // 6.1 op order starts GET, PORT_GET, PORT_SET, RATE_GET…; REGION_GET needs admin.
        let ids: Vec<u32> = info.ops.iter().take(4).map(|o| o.id).collect();
        assert_eq!(ids, [1, 5, 6, 74]);
        assert!(info.ops.contains(&OpInfo::new(42, 0x0f)));
        let (_, by_name) = CtrlMessage::parse(msgs[0].bytes).unwrap();
        assert_eq!(
            by_name.body,
            CtrlBody::GetFamily(GetFamily::by_name("devlink"))
        );
        assert_eq!(by_name.header, GenlHeader::new(3, 1));
        let (nlh, by_id) = CtrlMessage::parse(msgs[2].bytes).unwrap();
        assert_eq!(by_id.body, CtrlBody::GetFamily(GetFamily::by_id(21)));
        assert_eq!(nlh.flags, flags::NLM_F_REQUEST | flags::NLM_F_ACK);
    }
}

#[cfg(test)]
mod prop {
    use super::*;
    use proptest::prelude::*;

    /// An attribute stream of types the controller knows (and a few it does not), with
    /// random payloads, some of them nests of such streams two levels deep.
    fn stream(depth: u32) -> BoxedStrategy<Vec<u8>> {
        let leaf = (
            0u16..13,
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..20),
        );
        let item = if depth == 0 {
            leaf.boxed()
        } else {
            prop_oneof![
                leaf,
                (0u16..13, any::<bool>(), stream(depth - 1)),
                // Plausible scalars: u16, u32, u64 widths and NUL-terminated text.
                (
                    0u16..13,
                    Just(false),
                    prop_oneof![
                        Just(vec![0x15, 0]),
                        Just(vec![5, 0, 0, 0]),
                        Just(vec![1, 0, 0, 0, 0, 0, 0, 0]),
                        Just(b"devlink\0".to_vec()),
                    ]
                ),
            ]
            .boxed()
        };
        proptest::collection::vec(item, 0..6)
            .prop_map(|items| {
                let mut out = Vec::new();
                let mut e = Emitter::new(&mut out);
                for (t, nested, payload) in items {
                    e.raw(
                        if nested {
                            t | crate::nl::NLA_F_NESTED
                        } else {
                            t
                        },
                        &payload,
                    );
                }
                e.finish().map(|()| out).unwrap_or_default()
            })
            .boxed()
    }

    proptest! {
        /// Never panics; whatever decodes re-encodes to bytes that decode to the same
        /// value (kernel-shaped input is checked byte for byte by the capture tests).
        #[test]
        fn decode_encode_is_stable(
            cmd in prop_oneof![Just(1u8), Just(2), Just(3), Just(10), any::<u8>()],
            request in any::<bool>(),
            attrs in stream(2),
            chop in 0usize..4,
        ) {
            let mut payload = vec![cmd, 2, 0, 0];
            payload.extend_from_slice(&attrs);
            payload.truncate(payload.len().saturating_sub(chop));
            if let Ok(msg) = CtrlMessage::decode(&payload, request) {
                let mut again = Vec::new();
                if msg.encode(&mut again).is_ok() {
                    prop_assert_eq!(CtrlMessage::decode(&again, request).unwrap(), msg);
                }
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = CtrlMessage::parse(&bytes);
            let _ = CtrlMessage::decode(&bytes, true);
            let _ = CtrlMessage::decode(&bytes, false);
        }
    }
}
