//! What every typed devlink message body has in common: the [`Body`] trait, decode errors
//! that name the attribute, preserved unknown attributes, and small decode helpers.

use crate::nl::{AttrIter, Emitter, PayloadError, RawAttr};
use crate::spec::{Attr, KernelEnum, Space};

/// Context a body decoder may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeCtx {
    /// The message is a dump request (`NLM_F_DUMP`): object keys are optional filters.
    pub dump: bool,
}

/// A typed message body: the attributes after the generic netlink header.
pub trait Body: Sized {
    /// Decode from the attribute stream. Offsets in errors are from the message start.
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError>;
    /// Append the attributes in the kernel's order (requests: iproute2's order).
    fn encode(&self, e: &mut Emitter<'_>);
}

/// An attribute this crate does not model at that place, kept to be re-emitted byte for
/// byte (after the known attributes of the same stream).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownAttr {
    /// `nla_type` as received, `NLA_F_NESTED` included.
    pub raw_type: u16,
    /// The payload as received.
    pub payload: Vec<u8>,
}

impl UnknownAttr {
    /// Keep `a`.
    #[must_use]
    pub fn from_raw(a: &RawAttr<'_>) -> Self {
        Self {
            raw_type: a.raw_type(),
            payload: a.payload().to_vec(),
        }
    }

    /// Re-emit it.
    pub fn encode(&self, e: &mut Emitter<'_>) {
        e.raw(self.raw_type, &self.payload);
    }
}

/// Re-emit a list of unknown attributes.
pub fn encode_unknown(list: &[UnknownAttr], e: &mut Emitter<'_>) {
    for u in list {
        u.encode(e);
    }
}

/// What is wrong with an attribute stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttrErrorKind {
    /// The payload does not fit the attribute's type (width, NUL, UTF-8, flag payload).
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// A required attribute is absent.
    #[error("missing required attribute")]
    Missing,
    /// A value outside the kernel enum (or range) for this attribute.
    #[error("value {0} is out of range")]
    BadValue(u64),
    /// Bytes that do not form an attribute.
    #[error("{0} bytes leftover after parsing attributes")]
    Leftover(usize),
    /// Anything else the kernel would reject, with the kernel's wording where it has one.
    #[error("{0}")]
    Invalid(&'static str),
}

/// An error tied to one attribute: which one, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {kind}", self.name())]
pub struct AttrError {
    /// The space the attribute type belongs to.
    pub space: Space,
    /// The attribute type (flag bits masked).
    pub attr: u16,
    /// For a bad attribute: offset of its header from the message start. For a missing
    /// one: offset of the nest it is missing from (`NLMSGERR_ATTR_MISS_NEST`), if nested.
    pub offset: Option<usize>,
    /// What is wrong.
    pub kind: AttrErrorKind,
}

impl AttrError {
    /// The attribute's kernel name, e.g. `DEVLINK_ATTR_PORT_INDEX`.
    #[must_use]
    pub fn name(&self) -> String {
        crate::spec::attr_spec(self.space, self.attr).map_or_else(
            || format!("attribute {} of {:?}", self.attr, self.space),
            |s| s.kernel_name.to_owned(),
        )
    }

    /// `a` (of `space`) is malformed.
    #[must_use]
    pub fn bad(space: Space, a: &RawAttr<'_>, kind: impl Into<AttrErrorKind>) -> Self {
        Self {
            space,
            attr: a.kind(),
            offset: Some(a.offset()),
            kind: kind.into(),
        }
    }

    /// Required `attr` of `space` is missing (from the nest at `nest_offset`, if any).
    #[must_use]
    pub const fn missing(space: Space, attr: u16, nest_offset: Option<usize>) -> Self {
        Self {
            space,
            attr,
            offset: nest_offset,
            kind: AttrErrorKind::Missing,
        }
    }

    /// Required top-level devlink attribute `attr` is missing.
    #[must_use]
    pub const fn missing_attr(attr: Attr) -> Self {
        Self::missing(Space::Devlink, attr as u16, None)
    }
}

/// Iterate `attrs`, turning leftover bytes into an error of `space`.
pub fn each<'a>(
    attrs: AttrIter<'a>,
    space: Space,
) -> impl Iterator<Item = Result<RawAttr<'a>, AttrError>> {
    attrs.map(move |r| {
        r.map_err(|l| AttrError {
            space,
            attr: 0,
            offset: Some(l.offset),
            kind: AttrErrorKind::Leftover(l.len),
        })
    })
}

/// Typed accessors that turn payload errors into [`AttrError`]s of the top-level space.
/// Nested spaces use [`AttrError::bad`] directly.
pub trait AttrExt<'a> {
    /// u8.
    fn get_u8(&self) -> Result<u8, AttrError>;
    /// u16.
    fn get_u16(&self) -> Result<u16, AttrError>;
    /// u32.
    fn get_u32(&self) -> Result<u32, AttrError>;
    /// u64.
    fn get_u64(&self) -> Result<u64, AttrError>;
    /// NUL-terminated string.
    fn get_str(&self) -> Result<String, AttrError>;
    /// Flag.
    fn get_flag(&self) -> Result<bool, AttrError>;
    /// bitfield32 `(value, selector)`.
    fn get_bitfield32(&self) -> Result<(u32, u32), AttrError>;
    /// A u8 kernel enum.
    fn get_enum_u8<E: KernelEnum<Repr = u8>>(&self) -> Result<E, AttrError>;
    /// A u16 kernel enum.
    fn get_enum_u16<E: KernelEnum<Repr = u16>>(&self) -> Result<E, AttrError>;
    /// A u32 kernel enum.
    fn get_enum_u32<E: KernelEnum<Repr = u32>>(&self) -> Result<E, AttrError>;
}

impl<'a> AttrExt<'a> for RawAttr<'a> {
    fn get_u8(&self) -> Result<u8, AttrError> {
        self.u8()
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_u16(&self) -> Result<u16, AttrError> {
        self.u16()
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_u32(&self) -> Result<u32, AttrError> {
        self.u32()
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_u64(&self) -> Result<u64, AttrError> {
        self.u64()
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_str(&self) -> Result<String, AttrError> {
        self.str()
            .map(str::to_owned)
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_flag(&self) -> Result<bool, AttrError> {
        self.flag()
            .map(|()| true)
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_bitfield32(&self) -> Result<(u32, u32), AttrError> {
        self.bitfield32()
            .map_err(|e| AttrError::bad(Space::Devlink, self, e))
    }
    fn get_enum_u8<E: KernelEnum<Repr = u8>>(&self) -> Result<E, AttrError> {
        let v = self.get_u8()?;
        E::from_repr(v)
            .ok_or_else(|| AttrError::bad(Space::Devlink, self, AttrErrorKind::BadValue(v.into())))
    }
    fn get_enum_u16<E: KernelEnum<Repr = u16>>(&self) -> Result<E, AttrError> {
        let v = self.get_u16()?;
        E::from_repr(v)
            .ok_or_else(|| AttrError::bad(Space::Devlink, self, AttrErrorKind::BadValue(v.into())))
    }
    fn get_enum_u32<E: KernelEnum<Repr = u32>>(&self) -> Result<E, AttrError> {
        let v = self.get_u32()?;
        E::from_repr(v)
            .ok_or_else(|| AttrError::bad(Space::Devlink, self, AttrErrorKind::BadValue(v.into())))
    }
}

/// Unwrap a required field or report it missing.
pub fn required<T>(v: Option<T>, attr: Attr) -> Result<T, AttrError> {
    v.ok_or(AttrError::missing_attr(attr))
}
