//! Strategies shared by every object group: strings, handles, enums, unknown attributes,
//! and the message frame around a body.

use devlink_wire::devlink::{Bitfield32, Handle, NestedHandle, UnknownAttr};
use devlink_wire::nl::{Emitter, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK};
use devlink_wire::spec::{
    Attr, KernelEnum, PortFnAttr, RateTcAttr, SelftestIdAttr, SelftestResultAttr, StatsAttr,
    TrapMetadataAttr,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

/// A string as the codec carries it: any Unicode without NUL (the wire form is
/// NUL-terminated, so a NUL inside could not come back), possibly empty.
pub(crate) fn text() -> impl Strategy<Value = String> {
    "[^\\x00]{0,10}"
}

/// `Some(text)` or `None`.
pub(crate) fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

/// Any variant of a kernel enum.
pub(crate) fn any_of<E: KernelEnum + std::fmt::Debug>() -> impl Strategy<Value = E> {
    proptest::sample::select(E::ALL)
}

/// Binary payloads.
pub(crate) fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..=max)
}

/// A device handle.
pub(crate) fn handle() -> impl Strategy<Value = Handle> {
    (text(), text()).prop_map(|(bus, dev)| Handle::new(bus, dev))
}

/// `Some(handle)` or `None`.
pub(crate) fn opt_handle() -> impl Strategy<Value = Option<Handle>> {
    proptest::option::of(handle())
}

/// A nested devlink handle (`NESTED_DEVLINK`, port function `DEVLINK`).
pub(crate) fn nested_handle() -> impl Strategy<Value = NestedHandle> {
    (handle(), any::<Option<i32>>())
        .prop_map(|(handle, netns_id)| NestedHandle { handle, netns_id })
}

/// A `struct nla_bitfield32`.
pub(crate) fn bitfield32() -> impl Strategy<Value = Bitfield32> {
    any::<(u32, u32)>().prop_map(|(value, selector)| Bitfield32 { value, selector })
}

/// The first attribute type no devlink space defines: unknown attributes take their type
/// from here up, so that no decoder (whatever space it reads) can mistake them for a known
/// attribute.
fn first_undefined() -> u16 {
    fn max<E: KernelEnum<Repr = u16>>() -> u16 {
        E::ALL.iter().map(|a| a.repr()).max().unwrap_or(0)
    }
    [
        max::<Attr>(),
        max::<StatsAttr>(),
        max::<TrapMetadataAttr>(),
        max::<PortFnAttr>(),
        max::<RateTcAttr>(),
        max::<SelftestIdAttr>(),
        max::<SelftestResultAttr>(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
        + 1
}

/// The first attribute type the nested space `E` does not define (`StatsAttr`: 3).
pub(crate) fn first_undefined_in<E: KernelEnum<Repr = u16>>() -> u16 {
    E::ALL.iter().map(|a| a.repr()).max().map_or(0, |m| m + 1)
}

/// A type no table defines, or (from `space_lo` up) one the nested space being filled
/// does not define: small numbers just past a nested space's last attribute exercise the
/// decoders' handling of attributes they do not know in that space.
fn undefined_type(space_lo: u16) -> impl Strategy<Value = u16> {
    let lo = first_undefined();
    prop_oneof![lo..lo + 8, lo..=NLA_TYPE_MASK, space_lo.min(lo)..=lo]
}

/// One attribute no table defines. Without `NLA_F_NESTED` the payload is arbitrary
/// (`NLA_F_NET_BYTEORDER` may be set). With it, the payload is a well-formed attribute
/// stream: `Message::decode` walks flagged nests to record non-zero padding, and in an
/// arbitrary payload it would record payload bytes as padding (harmless for re-encoding,
/// but then the decoded message would not equal one built with empty `padding`).
pub(crate) fn unknown_attr() -> impl Strategy<Value = UnknownAttr> {
    unknown_attr_in(first_undefined())
}

/// [`unknown_attr`] inside a nested space whose first undefined type is `space_lo`.
pub(crate) fn unknown_attr_in(space_lo: u16) -> impl Strategy<Value = UnknownAttr> {
    let flat =
        (undefined_type(space_lo), any::<bool>(), bytes(9)).prop_map(|(kind, net, payload)| {
            let raw_type = if net {
                kind | NLA_F_NET_BYTEORDER
            } else {
                kind
            };
            UnknownAttr { raw_type, payload }
        });
    let nested = (
        undefined_type(space_lo),
        vec((undefined_type(space_lo), bytes(7)), 0..3),
    )
        .prop_map(|(kind, inner)| {
            let mut payload = Vec::new();
            let mut e = Emitter::new(&mut payload);
            for (k, p) in &inner {
                e.raw(*k, p);
            }
            e.finish().unwrap();
            UnknownAttr {
                raw_type: kind | NLA_F_NESTED,
                payload,
            }
        });
    prop_oneof![3 => flat, 1 => nested]
}

/// A list of unknown attributes, often empty.
pub(crate) fn unknowns() -> impl Strategy<Value = Vec<UnknownAttr>> {
    unknowns_in(first_undefined())
}

/// [`unknowns`] inside a nested space whose first undefined type is `space_lo` (see
/// [`first_undefined_in`]).
pub(crate) fn unknowns_in(space_lo: u16) -> impl Strategy<Value = Vec<UnknownAttr>> {
    prop_oneof![2 => Just(Vec::new()), 1 => vec(unknown_attr_in(space_lo), 1..4)]
}

/// The frame around a body: everything of the message that is not the body.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// The devlink family id (`nlmsg_type`).
    pub(crate) family: u16,
    /// `nlmsg_flags` before `NLM_F_REQUEST` / `NLM_F_DUMP` are forced to fit the body.
    pub(crate) flags: u16,
    pub(crate) seq: u32,
    pub(crate) pid: u32,
    pub(crate) version: u8,
    pub(crate) reserved: u16,
    /// Which of the body's commands to send it with.
    pub(crate) pick: Index,
}

pub(crate) fn frame() -> impl Strategy<Value = Frame> {
    (
        0x11u16..,
        any::<u16>(),
        any::<u32>(),
        any::<u32>(),
        any::<u8>(),
        any::<u16>(),
        any::<Index>(),
    )
        .prop_map(|(family, flags, seq, pid, version, reserved, pick)| Frame {
            family,
            flags,
            seq,
            pid,
            version,
            reserved,
            pick,
        })
}
