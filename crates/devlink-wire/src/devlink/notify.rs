//! The `DEVLINK_CMD_NOTIFY_FILTER_SET` request (kernel: `net/devlink/netlink.c`,
//! `devlink_nl_notify_filter_set_doit`), and the small decode/encode toolkit the request
//! and object bodies of `trap`, `info`, `flash`, `resource`, `sb`, `eswitch`, `reload`,
//! `selftests` and `dpipe` share (walking a stream while keeping unknown attributes,
//! scalar accessors that name the attribute on error, nest helpers).

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, KernelEnum, Space};

use super::body::{AttrError, AttrErrorKind, Body, DecodeCtx, UnknownAttr, each, encode_unknown};
use super::handle::{Handle, HandleParts};

/// `DEVLINK_CMD_NOTIFY_FILTER_SET` (kernel ≥ 6.9): restrict this socket's notifications
/// to one bus, device and/or port. Sending none of the three clears the filter.
///
/// The kernel validates this command strictly (any other attribute is rejected); that
/// check belongs to the dispatcher, so other attributes are kept in `unknown` here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifyFilterReq {
    /// `DEVLINK_ATTR_BUS_NAME`: only notifications of devices on this bus.
    pub bus_name: Option<String>,
    /// `DEVLINK_ATTR_DEV_NAME`: only notifications of devices with this name.
    pub dev_name: Option<String>,
    /// `DEVLINK_ATTR_PORT_INDEX` (≥ 6.10): only notifications about this port (objects
    /// that are not port objects still pass).
    pub port_index: Option<u32>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for NotifyFilterReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut r = Self::default();
        r.unknown = walk_attrs(attrs, |k, a| {
            match k {
                Attr::BusName => r.bus_name = Some(get(a)?),
                Attr::DevName => r.dev_name = Some(get(a)?),
                Attr::PortIndex => r.port_index = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(r)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        put_opt(e, Attr::BusName, &self.bus_name);
        put_opt(e, Attr::DevName, &self.dev_name);
        put_opt(e, Attr::PortIndex, &self.port_index);
        encode_unknown(&self.unknown, e);
    }
}

/// A `struct nla_bitfield32`: `DEVLINK_ATTR_RELOAD_LIMITS`,
/// `DEVLINK_ATTR_RELOAD_ACTIONS_PERFORMED`, `DEVLINK_ATTR_FLASH_UPDATE_OVERWRITE_MASK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bitfield32 {
    /// The bits' values.
    pub value: u32,
    /// Which bits of `value` are meaningful.
    pub selector: u32,
}

impl Bitfield32 {
    /// `value & selector`: the bits that are both selected and set (what the kernel acts on).
    #[must_use]
    pub const fn selected(self) -> u32 {
        self.value & self.selector
    }
}

// ---------------------------------------------------------------------------------------
// Shared toolkit (crate-internal). Candidates for `body.rs`.
// ---------------------------------------------------------------------------------------

/// A fixed-shape attribute payload: how to read it and how to write it.
pub(crate) trait Scalar: Sized {
    /// Read the payload of `a`.
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind>;
    /// Emit it as attribute `kind`.
    fn write(&self, kind: u16, e: &mut Emitter<'_>);
}

impl Scalar for u8 {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.u8()?)
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.u8(kind, *self);
    }
}

impl Scalar for u16 {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.u16()?)
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.u16(kind, *self);
    }
}

impl Scalar for u32 {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.u32()?)
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.u32(kind, *self);
    }
}

impl Scalar for u64 {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.u64()?)
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.u64(kind, *self);
    }
}

/// A u8 used as a boolean (0 / 1); flags (`NLA_FLAG`) are handled by [`flag_in`].
impl Scalar for bool {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.u8()? != 0)
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.u8(kind, u8::from(*self));
    }
}

impl Scalar for String {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.str()?.to_owned())
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.str(kind, self);
    }
}

/// Binary payload (`NLA_BINARY`), taken as is.
impl Scalar for Vec<u8> {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        Ok(a.payload().to_vec())
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.bytes(kind, self);
    }
}

impl Scalar for Bitfield32 {
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        let (value, selector) = a.bitfield32()?;
        Ok(Self { value, selector })
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        e.bitfield32(kind, self.value, self.selector);
    }
}

/// Kernel enums travel as their integer; a value outside the enum is `BadValue`.
impl<E: KernelEnum> Scalar for E
where
    E::Repr: Scalar + Into<u64>,
{
    fn read(a: &RawAttr<'_>) -> Result<Self, AttrErrorKind> {
        let v = E::Repr::read(a)?;
        E::from_repr(v).ok_or(AttrErrorKind::BadValue(v.into()))
    }
    fn write(&self, kind: u16, e: &mut Emitter<'_>) {
        self.repr().write(kind, e);
    }
}

/// Read a top-level (`enum devlink_attr`) attribute.
pub(crate) fn get<T: Scalar>(a: &RawAttr<'_>) -> Result<T, AttrError> {
    get_in(Space::Devlink, a)
}

/// Read an attribute of `space`.
pub(crate) fn get_in<T: Scalar>(space: Space, a: &RawAttr<'_>) -> Result<T, AttrError> {
    T::read(a).map_err(|k| AttrError::bad(space, a, k))
}

/// Read a flag (`NLA_FLAG`, no payload) of `space`: present means true.
pub(crate) fn flag_in(space: Space, a: &RawAttr<'_>) -> Result<bool, AttrError> {
    a.flag()
        .map(|()| true)
        .map_err(|e| AttrError::bad(space, a, e))
}

/// Emit `v` as attribute `kind` (of any space).
pub(crate) fn put<K: KernelEnum<Repr = u16>, T: Scalar>(e: &mut Emitter<'_>, kind: K, v: &T) {
    v.write(kind.repr(), e);
}

/// Emit `v` as attribute `kind` if present.
pub(crate) fn put_opt<K: KernelEnum<Repr = u16>, T: Scalar>(
    e: &mut Emitter<'_>,
    kind: K,
    v: &Option<T>,
) {
    if let Some(v) = v {
        put(e, kind, v);
    }
}

/// Emit flag `kind` if `on`.
pub(crate) fn put_flag<K: KernelEnum<Repr = u16>>(e: &mut Emitter<'_>, kind: K, on: bool) {
    if on {
        e.flag(kind.repr());
    }
}

/// Walk an attribute stream of `space`; `claim` returns whether it consumed an attribute,
/// the others are returned as unknown attributes (in stream order).
pub(crate) fn walk_in<'a>(
    attrs: AttrIter<'a>,
    space: Space,
    mut claim: impl FnMut(&RawAttr<'a>) -> Result<bool, AttrError>,
) -> Result<Vec<UnknownAttr>, AttrError> {
    let mut unknown = Vec::new();
    for a in each(attrs, space) {
        let a = a?;
        if !claim(&a)? {
            unknown.push(UnknownAttr::from_raw(&a));
        }
    }
    Ok(unknown)
}

/// [`walk_in`] for a stream of the top-level space, with the attribute type decoded.
pub(crate) fn walk_attrs<'a>(
    attrs: AttrIter<'a>,
    mut claim: impl FnMut(Attr, &RawAttr<'a>) -> Result<bool, AttrError>,
) -> Result<Vec<UnknownAttr>, AttrError> {
    walk_in(attrs, Space::Devlink, |a| match Attr::from_repr(a.kind()) {
        Some(k) => claim(k, a),
        None => Ok(false),
    })
}

/// [`walk_attrs`] for a message body: the handle halves are collected too.
pub(crate) fn walk<'a>(
    attrs: AttrIter<'a>,
    mut claim: impl FnMut(Attr, &RawAttr<'a>) -> Result<bool, AttrError>,
) -> Result<(HandleParts, Vec<UnknownAttr>), AttrError> {
    let mut h = HandleParts::default();
    let unknown = walk_attrs(attrs, |k, a| {
        if h.take(a)? {
            return Ok(true);
        }
        claim(k, a)
    })?;
    Ok((h, unknown))
}

/// The handle of a GET-style request: required for a do, an optional filter for a dump.
pub(crate) fn handle_for(h: HandleParts, ctx: DecodeCtx) -> Result<Option<Handle>, AttrError> {
    if ctx.dump {
        h.finish_optional()
    } else {
        h.finish().map(Some)
    }
}

/// An object key of a GET-style request: required for a do, optional for a dump.
pub(crate) fn key<T>(v: Option<T>, attr: Attr, ctx: DecodeCtx) -> Result<Option<T>, AttrError> {
    match v {
        None if !ctx.dump => Err(AttrError::missing_attr(attr)),
        v => Ok(v),
    }
}

/// Declares a request body: the handle plus scalar top-level attributes, each `req`
/// (required), `opt` (optional) or `key` (required for a do, optional for a dump).
/// Attributes are encoded in declaration order (give iproute2's order) and missing ones
/// are reported in declaration order. `get` requests have an optional handle (dump
/// filter); `do_only` requests (SETs and do-only GETs) a required one.
macro_rules! request {
    ($(#[$doc:meta])* $name:ident, $hmode:ident {
        $($(#[$fdoc:meta])* $field:ident: $mode:ident $ty:ty = $attr:ident),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// `BUS_NAME`, `DEV_NAME` (for a GET: required for a do, a filter for a dump).
            pub handle: $crate::devlink::notify::request!(@handle_ty $hmode),
            $($(#[$fdoc])* pub $field: $crate::devlink::notify::request!(@ty $mode $ty),)*
            /// Attributes not modelled here (the kernel ignores them), re-emitted last.
            pub unknown: Vec<$crate::devlink::UnknownAttr>,
        }

        $crate::devlink::notify::request!(@default $hmode $name { $($field)* });

        impl $crate::devlink::Body for $name {
            fn decode(
                attrs: $crate::nl::AttrIter<'_>,
                ctx: $crate::devlink::DecodeCtx,
            ) -> Result<Self, $crate::devlink::AttrError> {
                let _ = ctx;
                $(let mut $field: Option<$ty> = None;)*
                let (h, unknown) = $crate::devlink::notify::walk(attrs, |k, a| {
                    match k {
                        $($crate::spec::Attr::$attr => {
                            $field = Some($crate::devlink::notify::get(a)?);
                        })*
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                Ok(Self {
                    handle: $crate::devlink::notify::request!(@handle $hmode h ctx),
                    $($field: $crate::devlink::notify::request!(@finish $mode $field $attr ctx),)*
                    unknown,
                })
            }

            fn encode(&self, e: &mut $crate::nl::Emitter<'_>) {
                $crate::devlink::notify::request!(@put_handle $hmode self e);
                $($crate::devlink::notify::request!(@put $mode e $attr &self.$field);)*
                $crate::devlink::encode_unknown(&self.unknown, e);
            }
        }
    };
    (@default get $name:ident { $($field:ident)* }) => {
        impl Default for $name {
            fn default() -> Self {
                Self { handle: None, $($field: None,)* unknown: Vec::new() }
            }
        }
    };
    (@default do_only $name:ident { $($field:ident)* }) => {};
    (@handle_ty get) => { Option<$crate::devlink::Handle> };
    (@handle_ty do_only) => { $crate::devlink::Handle };
    (@handle get $h:ident $ctx:ident) => { $crate::devlink::notify::handle_for($h, $ctx)? };
    (@handle do_only $h:ident $ctx:ident) => { $h.finish()? };
    (@put_handle get $s:ident $e:ident) => {
        if let Some(h) = &$s.handle {
            h.encode($e);
        }
    };
    (@put_handle do_only $s:ident $e:ident) => { $s.handle.encode($e) };
    (@ty req $ty:ty) => { $ty };
    (@ty opt $ty:ty) => { Option<$ty> };
    (@ty key $ty:ty) => { Option<$ty> };
    (@finish req $v:ident $attr:ident $ctx:ident) => {
        $crate::devlink::required($v, $crate::spec::Attr::$attr)?
    };
    (@finish opt $v:ident $attr:ident $ctx:ident) => { $v };
    (@finish key $v:ident $attr:ident $ctx:ident) => {
        $crate::devlink::notify::key($v, $crate::spec::Attr::$attr, $ctx)?
    };
    (@put req $e:ident $attr:ident $v:expr) => {
        $crate::devlink::notify::put($e, $crate::spec::Attr::$attr, $v)
    };
    (@put $mode:ident $e:ident $attr:ident $v:expr) => {
        $crate::devlink::notify::put_opt($e, $crate::spec::Attr::$attr, $v)
    };
}
pub(crate) use request;

/// A required attribute of `space` inside the nest `nest`.
pub(crate) fn need_in<T>(
    v: Option<T>,
    space: Space,
    attr: u16,
    nest: &RawAttr<'_>,
) -> Result<T, AttrError> {
    v.ok_or_else(|| AttrError::missing(space, attr, Some(nest.offset())))
}

/// A required top-level attribute inside the nest `nest`.
pub(crate) fn need<T>(v: Option<T>, attr: Attr, nest: &RawAttr<'_>) -> Result<T, AttrError> {
    need_in(v, Space::Devlink, attr as u16, nest)
}

/// A value that travels as the payload of a nest.
pub(crate) trait Nested: Sized {
    /// Decode from the nest attribute `nest` (its payload is the stream; its offset is
    /// reported for missing attributes).
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError>;
    /// Emit the nest's payload.
    fn encode_inner(&self, e: &mut Emitter<'_>);
}

/// Emit `v` as nest `kind`, with or without `NLA_F_NESTED`.
pub(crate) fn put_nest<K: KernelEnum<Repr = u16>, T: Nested>(
    e: &mut Emitter<'_>,
    kind: K,
    nested_flag: bool,
    v: &T,
) {
    let n = e.nest(kind.repr(), nested_flag);
    v.encode_inner(e);
    e.end(n);
}

/// The entries `item` of the container nest `outer` (a top-level-space list such as
/// `RESOURCE_LIST` or `DPIPE_TABLES`). The kernel puts nothing else in these containers;
/// other attributes found there are skipped.
pub(crate) fn list<T: Nested>(outer: &RawAttr<'_>, item: Attr) -> Result<Vec<T>, AttrError> {
    let mut out = Vec::new();
    walk_attrs(outer.nested(), |k, a| {
        if k == item {
            out.push(T::decode_nest(a)?);
        }
        Ok(true)
    })?;
    Ok(out)
}

/// Emit container `outer` (no `NLA_F_NESTED`, as all top-level-space lists are) holding one
/// nest `item` per entry.
pub(crate) fn put_list<T: Nested>(e: &mut Emitter<'_>, outer: Attr, item: Attr, items: &[T]) {
    let n = e.nest(outer as u16, false);
    for v in items {
        put_nest(e, item, false, v);
    }
    e.end(n);
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Helpers for the round-trip tests of this directory's bodies.

    use std::fmt::Debug;

    use crate::nl::{AttrIter, Emitter};

    use super::super::body::{AttrError, Body, DecodeCtx};

    /// `BUS_NAME "netdevsim"`, `DEV_NAME "netdevsim14"` as the kernel writes them (32 bytes).
    pub(crate) const NSIM14: &str =
        "0e0001006e657464657673696d000000 100002006e657464657673696d313400";

    /// Bytes from hex, whitespace ignored.
    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    /// Decode a message body that starts at offset 20 of its message (after the
    /// nlmsghdr and genlmsghdr), so error offsets are message offsets.
    pub(crate) fn decode<B: Body>(body: &[u8], dump: bool) -> Result<B, AttrError> {
        B::decode(AttrIter::with_base(body, 20), DecodeCtx { dump })
    }

    /// Encode a body.
    pub(crate) fn encode<B: Body>(b: &B) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out);
        b.encode(&mut e);
        e.finish().unwrap();
        out
    }

    /// Decode `body` (a do message), re-encode it, assert the bytes are identical.
    pub(crate) fn roundtrip<B: Body + Debug>(body: &[u8]) -> B {
        let b: B = decode(body, false).unwrap();
        assert_eq!(encode(&b), body, "re-encoding {b:?}");
        b
    }

    /// Encode `b`, decode it again, assert the value is unchanged.
    pub(crate) fn identity<B: Body + Debug + PartialEq>(b: &B) {
        let bytes = encode(b);
        let back: B = decode(&bytes, false).unwrap();
        assert_eq!(&back, b);
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{NSIM14, decode, encode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    #[test]
    fn filter_roundtrip() {
        // BUS_NAME "netdevsim", DEV_NAME "netdevsim14", PORT_INDEX 3, then an unknown u32.
        let body = hex(&format!("{NSIM14} 08000300 03000000 0800b800 07000000"));
        let r: NotifyFilterReq = roundtrip(&body);
        assert_eq!(r.bus_name.as_deref(), Some("netdevsim"));
        assert_eq!(r.dev_name.as_deref(), Some("netdevsim14"));
        assert_eq!(r.port_index, Some(3));
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(r.unknown[0].raw_type, 184);
    }

    #[test]
    fn filter_may_be_empty_or_partial() {
        let r: NotifyFilterReq = roundtrip(&[]);
        assert_eq!(r, NotifyFilterReq::default());
        let r: NotifyFilterReq = roundtrip(&hex("100002006e657464657673696d313400"));
        assert_eq!(r.bus_name, None);
        assert_eq!(r.dev_name.as_deref(), Some("netdevsim14"));
    }

    #[test]
    fn filter_wrong_width() {
        // PORT_INDEX as a u16.
        let body = hex(&format!("{NSIM14} 06000300 0300 0000"));
        let err = decode::<NotifyFilterReq>(&body, false).unwrap_err();
        assert_eq!(err.attr, Attr::PortIndex as u16);
        assert_eq!(err.space, Space::Devlink);
        assert_eq!(err.offset, Some(20 + 32));
        assert!(matches!(err.kind, AttrErrorKind::Payload(_)));
        assert_eq!(err.name(), "DEVLINK_ATTR_PORT_INDEX");
    }

    #[test]
    fn filter_string_needs_nul() {
        let body = hex("0d0001006e657464657673696d313400");
        let err = decode::<NotifyFilterReq>(&body, false).unwrap_err();
        assert_eq!((err.attr, err.offset), (Attr::BusName as u16, Some(20)));
    }

    #[test]
    fn leftover_bytes_are_an_error() {
        let body = hex(&format!("{NSIM14} 0800"));
        let err = decode::<NotifyFilterReq>(&body, false).unwrap_err();
        assert_eq!(err.kind, AttrErrorKind::Leftover(2));
        assert_eq!(err.offset, Some(52));
    }

    #[test]
    fn bitfield_selected() {
        let b = Bitfield32 {
            value: 0b110,
            selector: 0b011,
        };
        assert_eq!(b.selected(), 0b010);
    }

    proptest! {
        #[test]
        fn filter_identity(
            bus in proptest::option::of("[a-z]{1,12}"),
            dev in proptest::option::of("[a-z0-9:.]{1,16}"),
            port in proptest::option::of(any::<u32>()),
        ) {
            let r = NotifyFilterReq { bus_name: bus, dev_name: dev, port_index: port, unknown: vec![] };
            identity(&r);
            prop_assert_eq!(encode(&r).len() % 4, 0);
        }
    }
}
