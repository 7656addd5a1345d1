//! Netlink framing shared by every family: headers, attribute TLVs, ACKs and errors,
//! and splitting a datagram into messages.

mod ack;
mod attr;
mod datagram;
mod header;

pub use ack::*;
pub use attr::*;
pub use datagram::*;
pub use header::*;

/// Framing errors: the bytes do not form netlink messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NlError {
    /// Fewer bytes than a fixed structure needs.
    #[error("{what}: need {need} bytes, have {have}")]
    Truncated {
        /// The structure.
        what: &'static str,
        /// Bytes it needs.
        need: usize,
        /// Bytes available.
        have: usize,
    },
    /// `nlmsg_len` smaller than the header or larger than the datagram.
    #[error("nlmsg_len {len} at offset {offset} does not fit a datagram of {datagram} bytes")]
    BadLength {
        /// The declared length.
        len: u32,
        /// Offset of the message in its datagram.
        offset: usize,
        /// Datagram size.
        datagram: usize,
    },
    /// Attribute stream with bytes that do not form an attribute.
    #[error(transparent)]
    Leftover(#[from] Leftover),
    /// An extended ACK TLV of the wrong shape.
    #[error("extended ACK attribute {kind}: {source}")]
    BadExtAck {
        /// The TLV type.
        kind: u16,
        /// What is wrong with it.
        source: PayloadError,
    },
}

pub(crate) fn read_u16(buf: &[u8], at: usize) -> u16 {
    match buf.get(at..at + 2) {
        Some(&[a, b]) => u16::from_ne_bytes([a, b]),
        _ => 0,
    }
}

pub(crate) fn read_u32(buf: &[u8], at: usize) -> u32 {
    match buf.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_ne_bytes([a, b, c, d]),
        _ => 0,
    }
}

pub(crate) fn read_i32(buf: &[u8], at: usize) -> Option<i32> {
    match buf.get(at..at + 4) {
        Some(&[a, b, c, d]) => Some(i32::from_ne_bytes([a, b, c, d])),
        _ => None,
    }
}
