//! Attribute TLVs (`struct nlattr`): a checked zero-copy reader and an emitter.
//!
//! Layout: `nla_len` (u16, header + payload, padding not counted), `nla_type` (u16: bits
//! 0–13 the type, bit 15 `NLA_F_NESTED`, bit 14 `NLA_F_NET_BYTEORDER`), payload, zero
//! padding to 4 bytes. Iteration follows the kernel's `nla_for_each_attr`/`nla_ok`: a
//! malformed attribute ends the walk and the rest is reported as leftover bytes.

use super::header::align;

/// `NLA_HDRLEN`.
pub const NLA_HDRLEN: usize = 4;
/// `NLA_F_NESTED`: the payload is an attribute stream.
pub const NLA_F_NESTED: u16 = 0x8000;
/// `NLA_F_NET_BYTEORDER`: the payload is in network byte order (never used by devlink).
pub const NLA_F_NET_BYTEORDER: u16 = 0x4000;
/// `NLA_TYPE_MASK`.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// One attribute as it sits in a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttr<'a> {
    raw_type: u16,
    payload: &'a [u8],
    offset: usize,
}

/// Why an attribute's payload does not fit the type asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Fixed-width scalar with another length.
    #[error("expected {expected} bytes, got {got}")]
    Width {
        /// Bytes the type needs.
        expected: usize,
        /// Bytes the attribute carries.
        got: usize,
    },
    /// A string that is not terminated by a NUL byte.
    #[error("string is not NUL-terminated")]
    NotNulTerminated,
    /// A string that is not UTF-8.
    #[error("string is not valid UTF-8")]
    NotUtf8,
    /// A flag with a payload.
    #[error("flag carries {0} bytes of payload")]
    FlagPayload(usize),
}

impl<'a> RawAttr<'a> {
    /// An attribute over `payload` with the raw `nla_type` (flags included), found at
    /// `offset` (of its header, from the start of the enclosing message).
    #[must_use]
    pub const fn new(raw_type: u16, payload: &'a [u8], offset: usize) -> Self {
        Self {
            raw_type,
            payload,
            offset,
        }
    }

    /// The type number, flag bits masked off.
    #[must_use]
    pub const fn kind(&self) -> u16 {
        self.raw_type & NLA_TYPE_MASK
    }

    /// `nla_type` as it was on the wire, flag bits included.
    #[must_use]
    pub const fn raw_type(&self) -> u16 {
        self.raw_type
    }

    /// True if the sender set `NLA_F_NESTED`.
    #[must_use]
    pub const fn nested_flag(&self) -> bool {
        self.raw_type & NLA_F_NESTED != 0
    }

    /// The payload bytes (without header or padding).
    #[must_use]
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Offset of this attribute's header from the start of the message it came from.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The attributes nested in this one's payload, with offsets relative to the message.
    #[must_use]
    pub fn nested(&self) -> AttrIter<'a> {
        AttrIter::with_base(self.payload, self.offset + NLA_HDRLEN)
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], PayloadError> {
        self.payload.try_into().map_err(|_| PayloadError::Width {
            expected: N,
            got: self.payload.len(),
        })
    }

    /// The payload as a u8 (exactly 1 byte).
    pub fn u8(&self) -> Result<u8, PayloadError> {
        self.fixed::<1>().map(|[b]| b)
    }

    /// The payload as a u16 (exactly 2 bytes, host order).
    pub fn u16(&self) -> Result<u16, PayloadError> {
        self.fixed().map(u16::from_ne_bytes)
    }

    /// The payload as a u32 (exactly 4 bytes, host order).
    pub fn u32(&self) -> Result<u32, PayloadError> {
        self.fixed().map(u32::from_ne_bytes)
    }

    /// The payload as an s32 (exactly 4 bytes, host order).
    pub fn s32(&self) -> Result<i32, PayloadError> {
        self.fixed().map(i32::from_ne_bytes)
    }

    /// The payload as a u64 (exactly 8 bytes, host order).
    pub fn u64(&self) -> Result<u64, PayloadError> {
        self.fixed().map(u64::from_ne_bytes)
    }

    /// The payload as an `NLA_UINT`: 4 or 8 bytes.
    pub fn uint(&self) -> Result<u64, PayloadError> {
        match self.payload.len() {
            4 => self.u32().map(u64::from),
            _ => self.u64(),
        }
    }

    /// The payload as a `struct nla_bitfield32`: `(value, selector)`.
    pub fn bitfield32(&self) -> Result<(u32, u32), PayloadError> {
        let b: [u8; 8] = self.fixed()?;
        let [v0, v1, v2, v3, s0, s1, s2, s3] = b;
        Ok((
            u32::from_ne_bytes([v0, v1, v2, v3]),
            u32::from_ne_bytes([s0, s1, s2, s3]),
        ))
    }

    /// The payload as an `NLA_NUL_STRING`: NUL-terminated UTF-8, returned without the NUL.
    /// Bytes after the first NUL are ignored, as the kernel does.
    pub fn str(&self) -> Result<&'a str, PayloadError> {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .ok_or(PayloadError::NotNulTerminated)?;
        let bytes = self.payload.get(..end).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| PayloadError::NotUtf8)
    }

    /// True if this is a flag (no payload).
    pub fn flag(&self) -> Result<(), PayloadError> {
        if self.payload.is_empty() {
            Ok(())
        } else {
            Err(PayloadError::FlagPayload(self.payload.len()))
        }
    }
}

/// An iterator over an attribute stream. Yields `Err(leftover)` once, at the end, if bytes
/// remain that do not form a well-formed attribute (the kernel's "bytes leftover").
#[derive(Debug, Clone)]
pub struct AttrIter<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    done: bool,
}

/// Bytes left at the end of an attribute stream that do not form an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{len} bytes leftover after parsing attributes at offset {offset}")]
pub struct Leftover {
    /// Offset of the first leftover byte from the start of the message.
    pub offset: usize,
    /// How many bytes are left.
    pub len: usize,
}

impl<'a> AttrIter<'a> {
    /// Attributes of `buf`, with offsets counted from `buf` itself.
    #[must_use]
    pub const fn new(buf: &'a [u8]) -> Self {
        Self::with_base(buf, 0)
    }

    /// Attributes of `buf`, which starts `base` bytes into its message.
    #[must_use]
    pub const fn with_base(buf: &'a [u8], base: usize) -> Self {
        Self {
            buf,
            pos: 0,
            base,
            done: false,
        }
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<RawAttr<'a>, Leftover>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        let attr = match rest {
            [l0, l1, t0, t1, ..] => {
                let len = usize::from(u16::from_ne_bytes([*l0, *l1]));
                let raw_type = u16::from_ne_bytes([*t0, *t1]);
                if len < NLA_HDRLEN {
                    None
                } else {
                    rest.get(NLA_HDRLEN..len)
                        .map(|payload| (len, RawAttr::new(raw_type, payload, self.base + self.pos)))
                }
            }
            _ => None,
        };
        match attr {
            Some((len, attr)) => {
                self.pos += align(len);
                Some(Ok(attr))
            }
            None => {
                self.done = true;
                if rest.is_empty() {
                    None
                } else {
                    Some(Err(Leftover {
                        offset: self.base + self.pos,
                        len: rest.len(),
                    }))
                }
            }
        }
    }
}

/// A nest opened with [`Emitter::nest`]; close it with [`Emitter::end`].
#[derive(Debug)]
#[must_use = "a nest must be closed with Emitter::end"]
pub struct Nest {
    start: usize,
}

/// Why encoding failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    /// An attribute or nest longer than `nla_len` can express.
    #[error("attribute type {kind} is {len} bytes, more than a u16 nla_len can hold")]
    AttrTooLong {
        /// Attribute type.
        kind: u16,
        /// Its length.
        len: usize,
    },
    /// A message longer than `nlmsg_len` can express.
    #[error("message of {0} bytes is too long")]
    MessageTooLong(usize),
}

/// Appends attributes to a buffer, padded with zeros the way the kernel's `nla_put` does.
///
/// Errors (an attribute too long for `nla_len`) are sticky: the first is kept and
/// reported by [`Emitter::finish`], so encoders stay straight-line code.
#[derive(Debug)]
pub struct Emitter<'a> {
    buf: &'a mut Vec<u8>,
    error: Option<EmitError>,
}

impl<'a> Emitter<'a> {
    /// Append to `buf`.
    pub fn new(buf: &'a mut Vec<u8>) -> Self {
        Self { buf, error: None }
    }

    /// The first error met, if any.
    pub fn finish(self) -> Result<(), EmitError> {
        self.error.map_or(Ok(()), Err)
    }

    /// The bytes written so far (the whole underlying buffer).
    #[must_use]
    pub fn written(&self) -> &[u8] {
        self.buf
    }

    fn fail(&mut self, e: EmitError) {
        self.error.get_or_insert(e);
    }

    fn pad(&mut self) {
        let pad = align(self.buf.len()) - self.buf.len();
        self.buf
            .extend_from_slice([0u8; 3].get(..pad).unwrap_or_default());
    }

    /// An attribute of `N` ≤ 8 payload bytes, written in one piece (the hot path of
    /// every encoder: dumps write millions of these).
    fn put_fixed<const N: usize>(&mut self, raw_type: u16, payload: [u8; N]) {
        const { assert!(N <= 8) };
        let len = NLA_HDRLEN + N;
        let mut a = [0u8; NLA_HDRLEN + 8];
        #[allow(clippy::cast_possible_truncation)] // `len` is at most 12
        let nla_len = len as u16;
        let (hdr, rest) = a.split_at_mut(NLA_HDRLEN);
        let (l, t) = hdr.split_at_mut(2);
        l.copy_from_slice(&nla_len.to_ne_bytes());
        t.copy_from_slice(&raw_type.to_ne_bytes());
        if let Some(p) = rest.get_mut(..N) {
            p.copy_from_slice(&payload);
        }
        self.buf
            .extend_from_slice(a.get(..align(len)).unwrap_or(&a));
    }

    /// An attribute with a raw `nla_type` (flags included) and the given payload pieces.
    pub fn raw_parts(&mut self, raw_type: u16, parts: &[&[u8]]) {
        let payload_len: usize = parts.iter().map(|p| p.len()).sum();
        let len = NLA_HDRLEN + payload_len;
        let Ok(nla_len) = u16::try_from(len) else {
            self.fail(EmitError::AttrTooLong {
                kind: raw_type & NLA_TYPE_MASK,
                len,
            });
            return;
        };
        self.buf.reserve(align(len));
        self.buf.extend_from_slice(&nla_len.to_ne_bytes());
        self.buf.extend_from_slice(&raw_type.to_ne_bytes());
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        self.pad();
    }

    /// An attribute with a raw `nla_type` (flags included) and payload.
    pub fn raw(&mut self, raw_type: u16, payload: &[u8]) {
        self.raw_parts(raw_type, &[payload]);
    }

    /// `nla_put_u8`.
    pub fn u8(&mut self, kind: u16, v: u8) {
        self.put_fixed(kind, [v]);
    }

    /// `nla_put_u16`.
    pub fn u16(&mut self, kind: u16, v: u16) {
        self.put_fixed(kind, v.to_ne_bytes());
    }

    /// `nla_put_u32`.
    pub fn u32(&mut self, kind: u16, v: u32) {
        self.put_fixed(kind, v.to_ne_bytes());
    }

    /// `nla_put_s32`.
    pub fn s32(&mut self, kind: u16, v: i32) {
        self.put_fixed(kind, v.to_ne_bytes());
    }

    /// `nla_put_u64_64bit` on an architecture with efficient unaligned access: never a PAD.
    pub fn u64(&mut self, kind: u16, v: u64) {
        self.put_fixed(kind, v.to_ne_bytes());
    }

    /// `nla_put_uint`: 4 bytes if the value fits in 32 bits, else 8.
    pub fn uint(&mut self, kind: u16, v: u64) {
        match u32::try_from(v) {
            Ok(small) => self.u32(kind, small),
            Err(_) => self.u64(kind, v),
        }
    }

    /// `nla_put_flag`.
    pub fn flag(&mut self, kind: u16) {
        self.put_fixed(kind, []);
    }

    /// `nla_put_string`: the bytes and one NUL.
    pub fn str(&mut self, kind: u16, s: &str) {
        self.raw_parts(kind, &[s.as_bytes(), &[0]]);
    }

    /// `nla_put`: binary payload.
    pub fn bytes(&mut self, kind: u16, b: &[u8]) {
        self.raw(kind, b);
    }

    /// `nla_put_bitfield32`.
    pub fn bitfield32(&mut self, kind: u16, value: u32, selector: u32) {
        self.raw_parts(kind, &[&value.to_ne_bytes(), &selector.to_ne_bytes()]);
    }

    /// Open a nest: `nla_nest_start` (`nested_flag` true) or `nla_nest_start_noflag`.
    pub fn nest(&mut self, kind: u16, nested_flag: bool) -> Nest {
        self.nest_raw(if nested_flag {
            kind | NLA_F_NESTED
        } else {
            kind
        })
    }

    /// Open a nest with a raw `nla_type` (flag bits exactly as given).
    pub fn nest_raw(&mut self, raw_type: u16) -> Nest {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf.extend_from_slice(&raw_type.to_ne_bytes());
        Nest { start }
    }

    /// Close a nest: `nla_nest_end`, its length covers everything written since it opened.
    pub fn end(&mut self, nest: Nest) {
        let len = self.buf.len() - nest.start;
        match u16::try_from(len) {
            Ok(l) => {
                if let Some(slot) = self.buf.get_mut(nest.start..nest.start + 2) {
                    slot.copy_from_slice(&l.to_ne_bytes());
                }
            }
            Err(_) => {
                let kind = match self.buf.get(nest.start + 2..nest.start + 4) {
                    Some(&[t0, t1]) => u16::from_ne_bytes([t0, t1]) & NLA_TYPE_MASK,
                    _ => 0,
                };
                self.fail(EmitError::AttrTooLong { kind, len });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_kernel_padding() {
        let mut buf = Vec::new();
        let mut e = Emitter::new(&mut buf);
        e.str(1, "netdevsim");
        e.u8(148, 0);
        e.u16(4, 2);
        e.u64(89, 32768);
        e.u32(3, 0x0102_0304);
        e.s32(7, -2);
        e.flag(9);
        e.finish().unwrap();
        assert_eq!(
            buf,
            [
                0x0e, 0, 1, 0, b'n', b'e', b't', b'd', b'e', b'v', b's', b'i', b'm', 0, 0,
                0, //
                5, 0, 148, 0, 0, 0, 0, 0, //
                6, 0, 4, 0, 2, 0, 0, 0, //
                12, 0, 89, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, //
                8, 0, 3, 0, 4, 3, 2, 1, //
                8, 0, 7, 0, 0xfe, 0xff, 0xff, 0xff, //
                4, 0, 9, 0,
            ]
        );
    }

    #[test]
    fn nests_cover_inner_padding() {
        let mut buf = Vec::new();
        let mut e = Emitter::new(&mut buf);
        let n = e.nest(129, true);
        e.u64(0, 7);
        e.u8(3, 1);
        e.end(n);
        e.finish().unwrap();
        assert_eq!(&buf[..4], &[24, 0, 129, 0x80]);
        let attrs: Vec<_> = AttrIter::new(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(attrs.len(), 1);
        assert!(attrs[0].nested_flag());
        let inner: Vec<_> = attrs[0].nested().collect::<Result<_, _>>().unwrap();
        assert_eq!(inner[0].kind(), 0);
        assert_eq!(inner[0].u64().unwrap(), 7);
        assert_eq!(inner[0].offset(), 4);
        assert_eq!(inner[1].u8().unwrap(), 1);
        assert_eq!(inner[1].offset(), 16);
    }

    #[test]
    fn malformed_tail_is_leftover() {
        // One good u32, then a header claiming 200 bytes.
        let buf = [8, 0, 3, 0, 1, 0, 0, 0, 200, 0, 1, 0, 0, 0];
        let mut it = AttrIter::with_base(&buf, 20);
        assert_eq!(it.next().unwrap().unwrap().u32().unwrap(), 1);
        assert_eq!(it.next(), Some(Err(Leftover { offset: 28, len: 6 })));
        assert_eq!(it.next(), None);
    }

    #[test]
    fn widths_are_exact() {
        let a = RawAttr::new(3, &[1, 0, 0, 0, 0, 0, 0, 0], 0);
        assert_eq!(
            a.u32(),
            Err(PayloadError::Width {
                expected: 4,
                got: 8
            })
        );
        assert_eq!(a.u64().unwrap(), 1);
        assert_eq!(a.uint().unwrap(), 1);
        assert_eq!(
            RawAttr::new(1, b"abc", 0).str(),
            Err(PayloadError::NotNulTerminated)
        );
        assert_eq!(RawAttr::new(1, b"abc\0\0", 0).str().unwrap(), "abc");
    }

    #[test]
    fn oversized_attribute_is_reported_not_truncated() {
        let mut buf = Vec::new();
        let mut e = Emitter::new(&mut buf);
        e.bytes(95, &vec![0u8; 70_000]);
        assert!(matches!(
            e.finish(),
            Err(EmitError::AttrTooLong { kind: 95, .. })
        ));
    }
}
