//! `struct nlmsghdr` and `struct genlmsghdr`, and the netlink flag and type constants.
//!
//! Kernel sources: `include/uapi/linux/netlink.h`, `include/uapi/linux/genetlink.h`.

use super::{EmitError, NlError, read_u16, read_u32};

/// `NLMSG_HDRLEN`: the netlink header is 16 bytes.
pub const NLMSG_HDRLEN: usize = 16;
/// `GENL_HDRLEN`: the generic netlink header is 4 bytes.
pub const GENL_HDRLEN: usize = 4;
/// `NLMSG_ALIGNTO`.
pub const NLMSG_ALIGNTO: usize = 4;

/// `NLMSG_NOOP`.
pub const NLMSG_NOOP: u16 = 0x1;
/// `NLMSG_ERROR`: an error or, with error 0, an acknowledgement.
pub const NLMSG_ERROR: u16 = 0x2;
/// `NLMSG_DONE`: end of a multipart message.
pub const NLMSG_DONE: u16 = 0x3;
/// `NLMSG_OVERRUN`.
pub const NLMSG_OVERRUN: u16 = 0x4;
/// `NLMSG_MIN_TYPE`: types below this are reserved control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;
/// `GENL_ID_CTRL`: the generic netlink controller (`nlctrl`).
pub const GENL_ID_CTRL: u16 = 0x10;
/// `GENL_START_ALLOC`: the first dynamically allocated family id.
pub const GENL_START_ALLOC: u16 = 0x13;

/// `NETLINK_ROUTE`: protocol 0, used by the trace harness' step markers.
pub const NETLINK_ROUTE: u16 = 0;
/// `NETLINK_GENERIC`: protocol 16.
pub const NETLINK_GENERIC: u16 = 16;

/// `NLM_F_*` flags of `nlmsghdr.nlmsg_flags`.
pub mod flags {
    /// `NLM_F_REQUEST`: it is a request message.
    pub const NLM_F_REQUEST: u16 = 0x001;
    /// `NLM_F_MULTI`: multipart message, terminated by `NLMSG_DONE`.
    pub const NLM_F_MULTI: u16 = 0x002;
    /// `NLM_F_ACK`: reply with an acknowledgement.
    pub const NLM_F_ACK: u16 = 0x004;
    /// `NLM_F_ECHO`: echo this request.
    pub const NLM_F_ECHO: u16 = 0x008;
    /// `NLM_F_DUMP_INTR`: dump was inconsistent due to a sequence change.
    pub const NLM_F_DUMP_INTR: u16 = 0x010;
    /// `NLM_F_DUMP_FILTERED`: dump was filtered as requested.
    pub const NLM_F_DUMP_FILTERED: u16 = 0x020;
    /// `NLM_F_ROOT`: GET request modifier, return the complete table.
    pub const NLM_F_ROOT: u16 = 0x100;
    /// `NLM_F_MATCH`: GET request modifier, return all entries matching.
    pub const NLM_F_MATCH: u16 = 0x200;
    /// `NLM_F_ATOMIC`: GET request modifier, atomic GET.
    pub const NLM_F_ATOMIC: u16 = 0x400;
    /// `NLM_F_DUMP` = `NLM_F_ROOT | NLM_F_MATCH`: a dump needs both bits.
    pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
    /// `NLM_F_REPLACE`: NEW request modifier.
    pub const NLM_F_REPLACE: u16 = 0x100;
    /// `NLM_F_EXCL`: NEW request modifier.
    pub const NLM_F_EXCL: u16 = 0x200;
    /// `NLM_F_CREATE`: NEW request modifier.
    pub const NLM_F_CREATE: u16 = 0x400;
    /// `NLM_F_APPEND`: NEW request modifier.
    pub const NLM_F_APPEND: u16 = 0x800;
    /// `NLM_F_NONREC`: DELETE request modifier.
    pub const NLM_F_NONREC: u16 = 0x100;
    /// `NLM_F_BULK`: DELETE request modifier.
    pub const NLM_F_BULK: u16 = 0x200;
    /// `NLM_F_CAPPED`: on `NLMSG_ERROR`, the echoed request was cut to its header.
    pub const NLM_F_CAPPED: u16 = 0x100;
    /// `NLM_F_ACK_TLVS`: on `NLMSG_ERROR` / `NLMSG_DONE`, extended ACK TLVs follow.
    pub const NLM_F_ACK_TLVS: u16 = 0x200;
}

/// Round `len` up to the netlink alignment (`NLMSG_ALIGN`, `NLA_ALIGN`).
#[must_use]
pub const fn align(len: usize) -> usize {
    (len + NLMSG_ALIGNTO - 1) & !(NLMSG_ALIGNTO - 1)
}

/// `struct nlmsghdr`, host byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NlmsgHeader {
    /// `nlmsg_len`: length of the message including this header.
    pub len: u32,
    /// `nlmsg_type`: a family id or a control message type.
    pub ty: u16,
    /// `nlmsg_flags`: `NLM_F_*`.
    pub flags: u16,
    /// `nlmsg_seq`: sequence number, echoed in replies; 0 in notifications.
    pub seq: u32,
    /// `nlmsg_pid`: sender port id; the requester's port id in replies; 0 in notifications.
    pub pid: u32,
}

impl NlmsgHeader {
    /// Split a whole message into its header and its payload (the bytes after the
    /// header, up to `nlmsg_len`).
    pub fn split(message: &[u8]) -> Result<(Self, &[u8]), NlError> {
        let nlh = Self::parse(message)?;
        let len = usize::try_from(nlh.len).unwrap_or(usize::MAX);
        match message.get(NLMSG_HDRLEN..len) {
            Some(payload) => Ok((nlh, payload)),
            None => Err(NlError::BadLength {
                len: nlh.len,
                offset: 0,
                datagram: message.len(),
            }),
        }
    }

    /// Parse the 16-byte header at the start of `buf`.
    pub fn parse(buf: &[u8]) -> Result<Self, NlError> {
        if buf.len() < NLMSG_HDRLEN {
            return Err(NlError::Truncated {
                what: "nlmsghdr",
                need: NLMSG_HDRLEN,
                have: buf.len(),
            });
        }
        Ok(Self {
            len: read_u32(buf, 0),
            ty: read_u16(buf, 4),
            flags: read_u16(buf, 6),
            seq: read_u32(buf, 8),
            pid: read_u32(buf, 12),
        })
    }

    /// Append the 16 header bytes to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.len.to_ne_bytes());
        out.extend_from_slice(&self.ty.to_ne_bytes());
        out.extend_from_slice(&self.flags.to_ne_bytes());
        out.extend_from_slice(&self.seq.to_ne_bytes());
        out.extend_from_slice(&self.pid.to_ne_bytes());
    }

    /// The header as its 16 bytes.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; NLMSG_HDRLEN] {
        let mut out = [0u8; NLMSG_HDRLEN];
        out[0..4].copy_from_slice(&self.len.to_ne_bytes());
        out[4..6].copy_from_slice(&self.ty.to_ne_bytes());
        out[6..8].copy_from_slice(&self.flags.to_ne_bytes());
        out[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        out[12..16].copy_from_slice(&self.pid.to_ne_bytes());
        out
    }

    /// True if the flags carry both halves of `NLM_F_DUMP`.
    #[must_use]
    pub const fn is_dump(&self) -> bool {
        self.flags & flags::NLM_F_DUMP == flags::NLM_F_DUMP
    }

    /// True if `NLM_F_REQUEST` is set.
    #[must_use]
    pub const fn is_request(&self) -> bool {
        self.flags & flags::NLM_F_REQUEST != 0
    }
}

/// `struct genlmsghdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GenlHeader {
    /// `cmd`: the family's command number.
    pub cmd: u8,
    /// `version`: 1 for devlink, 2 for nlctrl replies.
    pub version: u8,
    /// `reserved`: 0 from well-behaved senders; kept for byte-exact round trips.
    pub reserved: u16,
}

impl GenlHeader {
    /// A header with the given command and version and a zero `reserved` field.
    #[must_use]
    pub const fn new(cmd: u8, version: u8) -> Self {
        Self {
            cmd,
            version,
            reserved: 0,
        }
    }

    /// Parse the 4-byte header at the start of `buf`.
    pub fn parse(buf: &[u8]) -> Result<Self, NlError> {
        match buf {
            [cmd, version, r0, r1, ..] => Ok(Self {
                cmd: *cmd,
                version: *version,
                reserved: u16::from_ne_bytes([*r0, *r1]),
            }),
            _ => Err(NlError::Truncated {
                what: "genlmsghdr",
                need: GENL_HDRLEN,
                have: buf.len(),
            }),
        }
    }

    /// Append the 4 header bytes to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        out.push(self.cmd);
        out.push(self.version);
        out.extend_from_slice(&self.reserved.to_ne_bytes());
    }
}

/// A whole generic netlink message: `nlh` with its `nlmsg_len` filled in, `genl`, then
/// the attributes `encode` appends.
pub fn genl_message(
    nlh: NlmsgHeader,
    genl: GenlHeader,
    encode: impl FnOnce(&mut super::Emitter<'_>),
) -> Result<Vec<u8>, EmitError> {
    let mut out = Vec::with_capacity(128);
    nlh.emit(&mut out);
    genl.emit(&mut out);
    let mut e = super::Emitter::new(&mut out);
    encode(&mut e);
    e.finish()?;
    set_nlmsg_len(&mut out)?;
    Ok(out)
}

/// Write a message's length into its `nlmsg_len` (the message starts at `out[0]` and
/// ends at the end of `out`).
pub fn set_nlmsg_len(out: &mut [u8]) -> Result<(), EmitError> {
    let len = u32::try_from(out.len()).map_err(|_| EmitError::MessageTooLong(out.len()))?;
    if let Some(slot) = out.get_mut(0..4) {
        slot.copy_from_slice(&len.to_ne_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let h = NlmsgHeader {
            len: 52,
            ty: 0x14,
            flags: flags::NLM_F_REQUEST | flags::NLM_F_ACK,
            seq: 42,
            pid: 0x5021,
        };
        let mut out = Vec::new();
        h.emit(&mut out);
        assert_eq!(out, h.to_bytes());
        assert_eq!(NlmsgHeader::parse(&out).unwrap(), h);
        assert!(!h.is_dump());
        assert!(h.is_request());
    }

    #[test]
    fn short_headers_are_errors() {
        assert!(NlmsgHeader::parse(&[0; 15]).is_err());
        assert!(GenlHeader::parse(&[3, 1, 0]).is_err());
    }

    #[test]
    fn dump_needs_both_bits() {
        let mut h = NlmsgHeader {
            flags: flags::NLM_F_ROOT,
            ..NlmsgHeader::default()
        };
        assert!(!h.is_dump());
        h.flags |= flags::NLM_F_MATCH;
        assert!(h.is_dump());
    }
}
