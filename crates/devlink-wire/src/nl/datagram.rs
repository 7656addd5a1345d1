//! Splitting a datagram into netlink messages (`NLMSG_OK` / `NLMSG_NEXT`).

use super::NlError;
use super::header::{NLMSG_HDRLEN, NlmsgHeader, align};

/// One netlink message inside a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMessage<'a> {
    /// Its header.
    pub header: NlmsgHeader,
    /// The whole message, header included, `nlmsg_len` bytes.
    pub bytes: &'a [u8],
    /// Offset of the message in its datagram.
    pub offset: usize,
}

impl<'a> RawMessage<'a> {
    /// The bytes after the netlink header.
    #[must_use]
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(NLMSG_HDRLEN..).unwrap_or_default()
    }
}

/// Iterator over the messages of a datagram. A message whose `nlmsg_len` is below 16 or
/// runs past the datagram yields one error and ends the walk.
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    buf: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Messages<'a> {
    /// The messages of `datagram`.
    #[must_use]
    pub const fn new(datagram: &'a [u8]) -> Self {
        Self {
            buf: datagram,
            pos: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<RawMessage<'a>, NlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.buf.len() {
            return None;
        }
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        let header = match NlmsgHeader::parse(rest) {
            Ok(h) => h,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let len = usize::try_from(header.len).unwrap_or(usize::MAX);
        match rest.get(..len) {
            Some(bytes) if len >= NLMSG_HDRLEN => {
                let msg = RawMessage {
                    header,
                    bytes,
                    offset: self.pos,
                };
                self.pos += align(len);
                Some(Ok(msg))
            }
            _ => {
                self.done = true;
                Some(Err(NlError::BadLength {
                    len: header.len,
                    offset: self.pos,
                    datagram: self.buf.len(),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_packed_messages() {
        let mut dg = Vec::new();
        for seq in 0..3u32 {
            NlmsgHeader {
                len: 20,
                ty: 0x15,
                flags: 2,
                seq,
                pid: 7,
            }
            .emit(&mut dg);
            dg.extend_from_slice(&[1, 1, 0, 0]);
        }
        let msgs: Vec<_> = Messages::new(&dg).collect::<Result<_, _>>().unwrap();
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[2].header.seq, 2);
        assert_eq!(msgs[2].offset, 40);
        assert_eq!(msgs[1].payload(), &[1, 1, 0, 0]);
    }

    #[test]
    fn bad_length_ends_walk() {
        let mut dg = Vec::new();
        NlmsgHeader {
            len: 64,
            ..NlmsgHeader::default()
        }
        .emit(&mut dg);
        let mut it = Messages::new(&dg);
        assert!(matches!(it.next(), Some(Err(NlError::BadLength { .. }))));
        assert!(it.next().is_none());
    }
}
