//! Reading netlink captures: classic pcap files recorded on an `nlmon` interface
//! (`LINKTYPE_NETLINK`, 253). Parsing only; the caller reads the file.
//!
//! Each record starts with the 16-byte cooked header nlmon produces (packet type,
//! `ARPHRD_NETLINK`, address length, 8 address bytes, and the netlink protocol as a
//! big-endian u16), followed by one datagram of netlink messages.

use thiserror::Error;

/// `LINKTYPE_NETLINK`.
pub const LINKTYPE_NETLINK: u32 = 253;
const COOKED_LEN: usize = 16;

/// Why a capture could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PcapError {
    /// Not a classic pcap file (pcapng is not supported).
    #[error(
        "not a pcap file (magic {0:#010x}); pcapng is not supported, convert with `editcap -F pcap`"
    )]
    BadMagic(u32),
    /// A link type other than `LINKTYPE_NETLINK`.
    #[error("link type {0} is not NETLINK (253): capture on an nlmon interface")]
    LinkType(u32),
    /// The file ends inside a header or record.
    #[error("capture truncated at byte {0}")]
    Truncated(usize),
}

/// One captured datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// 0-based record number.
    pub index: usize,
    /// Timestamp seconds.
    pub ts_sec: u32,
    /// Timestamp fraction (micro- or nanoseconds, as the file says).
    pub ts_frac: u32,
    /// Netlink protocol of the socket (`NETLINK_GENERIC` = 16, `NETLINK_ROUTE` = 0).
    pub protocol: u16,
    /// The netlink datagram.
    pub data: &'a [u8],
}

/// The records of a classic pcap file.
#[derive(Debug, Clone)]
pub struct Pcap<'a> {
    buf: &'a [u8],
    swapped: bool,
    pos: usize,
    index: usize,
}

fn u32_at(buf: &[u8], at: usize, swapped: bool) -> Option<u32> {
    let b: [u8; 4] = buf.get(at..at + 4)?.try_into().ok()?;
    Some(if swapped {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

impl<'a> Pcap<'a> {
    /// Check the global header of `buf`.
    pub fn parse(buf: &'a [u8]) -> Result<Self, PcapError> {
        let magic = u32_at(buf, 0, false).ok_or(PcapError::Truncated(0))?;
        let swapped = match magic {
            0xa1b2_c3d4 | 0xa1b2_3c4d => false,
            0xd4c3_b2a1 | 0x4d3c_b2a1 => true,
            other => return Err(PcapError::BadMagic(other)),
        };
        let link = u32_at(buf, 20, swapped).ok_or(PcapError::Truncated(20))?;
        if link != LINKTYPE_NETLINK {
            return Err(PcapError::LinkType(link));
        }
        Ok(Self {
            buf,
            swapped,
            pos: 24,
            index: 0,
        })
    }
}

impl<'a> Iterator for Pcap<'a> {
    type Item = Result<Record<'a>, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let at = self.pos;
        let rec = (|| {
            let ts_sec = u32_at(self.buf, at, self.swapped)?;
            let ts_frac = u32_at(self.buf, at + 4, self.swapped)?;
            let incl = usize::try_from(u32_at(self.buf, at + 8, self.swapped)?).ok()?;
            let body = self.buf.get(at + 16..at + 16 + incl)?;
            let proto = body.get(COOKED_LEN - 2..COOKED_LEN)?;
            let protocol = u16::from_be_bytes(proto.try_into().ok()?);
            let data = body.get(COOKED_LEN..)?;
            Some((ts_sec, ts_frac, incl, protocol, data))
        })();
        match rec {
            Some((ts_sec, ts_frac, incl, protocol, data)) => {
                self.pos = at + 16 + incl;
                let index = self.index;
                self.index += 1;
                Some(Ok(Record {
                    index,
                    ts_sec,
                    ts_frac,
                    protocol,
                    data,
                }))
            }
            None => {
                self.pos = self.buf.len();
                Some(Err(PcapError::Truncated(at)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(records: &[(u16, &[u8])]) -> Vec<u8> {
        let mut f = Vec::new();
        for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 0xffff, LINKTYPE_NETLINK] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        for (proto, data) in records {
            let len = u32::try_from(COOKED_LEN + data.len()).unwrap();
            for v in [1u32, 2, len, len] {
                f.extend_from_slice(&v.to_le_bytes());
            }
            let mut cooked = [0u8; COOKED_LEN];
            cooked[2..4].copy_from_slice(&0x0338u16.to_be_bytes());
            cooked[14..16].copy_from_slice(&proto.to_be_bytes());
            f.extend_from_slice(&cooked);
            f.extend_from_slice(data);
        }
        f
    }

    #[test]
    fn reads_records_and_protocols() {
        let f = file(&[(16, &[1, 2, 3, 4]), (0, &[9; 20])]);
        let recs: Vec<_> = Pcap::parse(&f).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].protocol, 16);
        assert_eq!(recs[0].data, &[1, 2, 3, 4]);
        assert_eq!(recs[1].protocol, 0);
        assert_eq!(recs[1].index, 1);
    }

    #[test]
    fn rejects_other_files_without_panicking() {
        assert!(matches!(
            Pcap::parse(b"\x0a\x0d\x0d\x0a...."),
            Err(PcapError::BadMagic(_))
        ));
        assert!(Pcap::parse(&[]).is_err());
        let mut f = file(&[(16, &[1, 2, 3, 4])]);
        f.truncate(f.len() - 2);
        let last = Pcap::parse(&f).unwrap().last().unwrap();
        assert!(matches!(last, Err(PcapError::Truncated(24))));
    }
}
