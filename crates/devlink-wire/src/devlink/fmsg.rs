//! The formatted message (fmsg) of `DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE` replies and
//! `HEALTH_REPORTER_DUMP_GET` dump messages. Kernel: `net/devlink/health.c`
//! (`devlink_fmsg_prepare_skb`, `devlink_fmsg_item_fill_data`, `devlink_fmsg_snd`,
//! `devlink_fmsg_dumpit`).
//!
//! The body is only the `DEVLINK_ATTR_FMSG` nest (no `NLA_F_NESTED`) — no handle: the
//! kernel puts the nest right after the genl header. Inside is a flat stream of items;
//! nesting is expressed by start/end flags. A long stream is split across messages at
//! item boundaries, so one message holds an arbitrary slice of the stream.

use std::iter::Peekable;

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, Space, VarAttrType};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};

/// A value item: `DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE` (u8) followed by
/// `DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA` typed by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FmsgValue {
    /// `DEVLINK_VAR_ATTR_TYPE_FLAG`: data is a u8 0/1 (never a flag).
    Bool(bool),
    /// `DEVLINK_VAR_ATTR_TYPE_U8`.
    U8(u8),
    /// `DEVLINK_VAR_ATTR_TYPE_U32`.
    U32(u32),
    /// `DEVLINK_VAR_ATTR_TYPE_U64`.
    U64(u64),
    /// `DEVLINK_VAR_ATTR_TYPE_NUL_STRING`.
    String(String),
    /// `DEVLINK_VAR_ATTR_TYPE_BINARY`.
    Binary(Vec<u8>),
}

impl FmsgValue {
    /// The `FMSG_OBJ_VALUE_TYPE` of this value.
    #[must_use]
    pub const fn ty(&self) -> VarAttrType {
        match self {
            Self::Bool(_) => VarAttrType::Flag,
            Self::U8(_) => VarAttrType::U8,
            Self::U32(_) => VarAttrType::U32,
            Self::U64(_) => VarAttrType::U64,
            Self::String(_) => VarAttrType::NulString,
            Self::Binary(_) => VarAttrType::Binary,
        }
    }

    fn decode(ty_attr: &RawAttr<'_>, data: &RawAttr<'_>) -> Result<Self, AttrError> {
        let t = ty_attr.get_u8()?;
        let bad = |a: &RawAttr<'_>, v: u8| {
            AttrError::bad(Space::Devlink, a, AttrErrorKind::BadValue(v.into()))
        };
        Ok(match VarAttrType::from_repr(t) {
            Some(VarAttrType::Flag) => match data.get_u8()? {
                v @ 0..=1 => Self::Bool(v == 1),
                v => return Err(bad(data, v)),
            },
            Some(VarAttrType::U8) => Self::U8(data.get_u8()?),
            Some(VarAttrType::U32) => Self::U32(data.get_u32()?),
            Some(VarAttrType::U64) => Self::U64(data.get_u64()?),
            Some(VarAttrType::NulString) => Self::String(data.get_str()?),
            Some(VarAttrType::Binary) => Self::Binary(data.payload().to_vec()),
            _ => return Err(bad(ty_attr, t)),
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u8(Attr::FmsgObjValueType as u16, self.ty() as u8);
        let kind = Attr::FmsgObjValueData as u16;
        match self {
            Self::Bool(b) => e.u8(kind, u8::from(*b)),
            Self::U8(v) => e.u8(kind, *v),
            Self::U32(v) => e.u32(kind, *v),
            Self::U64(v) => e.u64(kind, *v),
            Self::String(s) => e.str(kind, s),
            Self::Binary(b) => e.bytes(kind, b),
        }
    }
}

/// One item of the flat fmsg stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FmsgItem {
    /// `DEVLINK_ATTR_FMSG_OBJ_NEST_START` (flag).
    ObjNestStart,
    /// `DEVLINK_ATTR_FMSG_PAIR_NEST_START` (flag); a `Name` follows.
    PairNestStart,
    /// `DEVLINK_ATTR_FMSG_ARR_NEST_START` (flag).
    ArrNestStart,
    /// `DEVLINK_ATTR_FMSG_NEST_END` (flag).
    NestEnd,
    /// `DEVLINK_ATTR_FMSG_OBJ_NAME` (string).
    Name(String),
    /// `FMSG_OBJ_VALUE_TYPE` + `FMSG_OBJ_VALUE_DATA`.
    Value(FmsgValue),
    /// A `FMSG_OBJ_VALUE_TYPE` (raw u8) with no `FMSG_OBJ_VALUE_DATA` after it. The kernel
    /// leaves one at the end of a full message when the type fit but the data did not
    /// (`devlink_fmsg_prepare_skb` does not cancel it); the next message repeats the
    /// whole value.
    TypeOnly(u8),
    /// An attribute of the stream not modelled here, kept in place.
    Unknown(UnknownAttr),
}

impl FmsgItem {
    /// Append this item to the stream.
    pub fn encode(&self, e: &mut Emitter<'_>) {
        match self {
            Self::ObjNestStart => e.flag(Attr::FmsgObjNestStart as u16),
            Self::PairNestStart => e.flag(Attr::FmsgPairNestStart as u16),
            Self::ArrNestStart => e.flag(Attr::FmsgArrNestStart as u16),
            Self::NestEnd => e.flag(Attr::FmsgNestEnd as u16),
            Self::Name(n) => e.str(Attr::FmsgObjName as u16, n),
            Self::Value(v) => v.encode(e),
            Self::TypeOnly(t) => e.u8(Attr::FmsgObjValueType as u16, *t),
            Self::Unknown(u) => u.encode(e),
        }
    }
}

/// The body of a `HEALTH_REPORTER_DIAGNOSE` reply message or a `HEALTH_REPORTER_DUMP_GET`
/// dump message: `DEVLINK_ATTR_FMSG` holding a slice of the item stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fmsg {
    /// The items inside `DEVLINK_ATTR_FMSG`, in order.
    pub items: Vec<FmsgItem>,
    /// Top-level attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

fn decode_items(nest: &RawAttr<'_>) -> Result<Vec<FmsgItem>, AttrError> {
    let mut items = Vec::new();
    let mut it: Peekable<_> = each(nest.nested(), Space::Devlink).peekable();
    while let Some(a) = it.next() {
        let a = a?;
        let item = match Attr::from_repr(a.kind()) {
            Some(Attr::FmsgObjNestStart) => a.get_flag().map(|_| FmsgItem::ObjNestStart)?,
            Some(Attr::FmsgPairNestStart) => a.get_flag().map(|_| FmsgItem::PairNestStart)?,
            Some(Attr::FmsgArrNestStart) => a.get_flag().map(|_| FmsgItem::ArrNestStart)?,
            Some(Attr::FmsgNestEnd) => a.get_flag().map(|_| FmsgItem::NestEnd)?,
            Some(Attr::FmsgObjName) => FmsgItem::Name(a.get_str()?),
            Some(Attr::FmsgObjValueType) => {
                let data = match it.peek() {
                    Some(Ok(d)) if Attr::from_repr(d.kind()) == Some(Attr::FmsgObjValueData) => {
                        Some(*d)
                    }
                    _ => None,
                };
                match data {
                    Some(d) => {
                        it.next();
                        FmsgItem::Value(FmsgValue::decode(&a, &d)?)
                    }
                    None => FmsgItem::TypeOnly(a.get_u8()?),
                }
            }
            Some(Attr::FmsgObjValueData) => {
                let attr = Attr::FmsgObjValueType as u16;
                return Err(AttrError::missing(
                    Space::Devlink,
                    attr,
                    Some(nest.offset()),
                ));
            }
            _ => FmsgItem::Unknown(UnknownAttr::from_raw(&a)),
        };
        items.push(item);
    }
    Ok(items)
}

impl Body for Fmsg {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut items, mut unknown) = (None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            match Attr::from_repr(a.kind()) {
                Some(Attr::Fmsg) => items = Some(decode_items(&a)?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            items: required(items, Attr::Fmsg)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        let n = e.nest(Attr::Fmsg as u16, false);
        for item in &self.items {
            item.encode(e);
        }
        e.end(n);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::port::test_util::*;
    use crate::nl::PayloadError;
    use proptest::prelude::*;

    fn flag(t: u16) -> Vec<u8> {
        at(t, &[])
    }

    fn value(ty: u8, data: &[u8]) -> Vec<u8> {
        [at(112, &[ty]), at(113, data)].concat()
    }

    /// A diagnose stream shaped like netdevsim's dummy reporter: an object with scalar
    /// pairs, a binary pair (array of BINARY values) and a nested object.
    fn diagnose_stream() -> Vec<u8> {
        [
            flag(107),
            flag(108),
            st(111, "test_bool"),
            value(6, &[1]),
            flag(110),
            flag(108),
            st(111, "test_u8"),
            value(1, &[7]),
            flag(110),
            flag(108),
            st(111, "test_u32"),
            value(3, &9u32.to_ne_bytes()),
            flag(110),
            flag(108),
            st(111, "test_u64"),
            value(4, &10u64.to_ne_bytes()),
            flag(110),
            flag(108),
            st(111, "test_string"),
            value(10, b"somestring\0"),
            flag(110),
            flag(108),
            st(111, "test_binary"),
            flag(109),
            value(11, &[1, 2, 3, 4, 5]),
            flag(110),
            flag(110),
            flag(108),
            st(111, "test_nest"),
            flag(107),
            flag(108),
            st(111, "test_bool"),
            value(6, &[0]),
            flag(110),
            flag(110),
            flag(110),
            flag(110),
        ]
        .concat()
    }

    #[test]
    fn diagnose_stream_roundtrips() {
        let f: Fmsg = roundtrip(&at(106, &diagnose_stream()));
        assert_eq!(f.items.first(), Some(&FmsgItem::ObjNestStart));
        assert_eq!(f.items.last(), Some(&FmsgItem::NestEnd));
        assert_eq!(f.items[2], FmsgItem::Name("test_bool".into()));
        assert_eq!(f.items[3], FmsgItem::Value(FmsgValue::Bool(true)));
        assert_eq!(f.items[7], FmsgItem::Value(FmsgValue::U8(7)));
        assert_eq!(f.items[11], FmsgItem::Value(FmsgValue::U32(9)));
        assert_eq!(f.items[15], FmsgItem::Value(FmsgValue::U64(10)));
        assert_eq!(
            f.items[19],
            FmsgItem::Value(FmsgValue::String("somestring".into()))
        );
        assert_eq!(f.items[23], FmsgItem::ArrNestStart);
        assert_eq!(
            f.items[24],
            FmsgItem::Value(FmsgValue::Binary(vec![1, 2, 3, 4, 5]))
        );
        assert_eq!(f.items.len(), 37);
    }

    /// A message that ends with a value type whose data did not fit, as the kernel sends.
    #[test]
    fn dangling_value_type_roundtrips() {
        let stream = [flag(108), st(111, "big"), flag(109), at(112, &[11])].concat();
        let f: Fmsg = roundtrip(&at(106, &stream));
        assert_eq!(f.items.last(), Some(&FmsgItem::TypeOnly(11)));
    }

    #[test]
    fn errors_name_the_attribute() {
        // A u32 value with 2 bytes of data: DATA at 4 + 8.
        let err = decode::<Fmsg>(&at(106, &value(3, &[1, 0])), false).unwrap_err();
        assert_eq!((err.attr, err.offset), (113, Some(12)));
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 4,
                got: 2
            })
        );
        // U16 is not a type the kernel puts into an fmsg.
        let err = decode::<Fmsg>(&at(106, &value(2, &[1, 0])), false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset, err.kind),
            (112, Some(4), AttrErrorKind::BadValue(2))
        );
        // A bool is sent as u8 0/1.
        let err = decode::<Fmsg>(&at(106, &value(6, &[3])), false).unwrap_err();
        assert_eq!((err.attr, err.kind), (113, AttrErrorKind::BadValue(3)));
        // Data without a type.
        let err = decode::<Fmsg>(&at(106, &at(113, &[1])), false).unwrap_err();
        assert_eq!(err, AttrError::missing(Space::Devlink, 112, Some(0)));
        // A start flag with a payload.
        let err = decode::<Fmsg>(&at(106, &at(107, &[1])), false).unwrap_err();
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::FlagPayload(1))
        );
        assert_eq!(
            decode::<Fmsg>(&[], false),
            Err(AttrError::missing_attr(Attr::Fmsg))
        );
    }

    #[test]
    fn unknown_attributes_are_kept_in_place() {
        let stream = [flag(107), at(250, &[1, 2]), flag(110)].concat();
        let f: Fmsg = roundtrip(&[at(106, &stream), at(251, &[3])].concat());
        assert_eq!(
            f.items[1],
            FmsgItem::Unknown(UnknownAttr {
                raw_type: 250,
                payload: vec![1, 2]
            })
        );
        assert_eq!(f.unknown.len(), 1);
    }

    fn item() -> impl Strategy<Value = FmsgItem> {
        let value = prop_oneof![
            any::<bool>().prop_map(FmsgValue::Bool),
            any::<u8>().prop_map(FmsgValue::U8),
            any::<u32>().prop_map(FmsgValue::U32),
            any::<u64>().prop_map(FmsgValue::U64),
            "[ -~]{0,20}".prop_map(FmsgValue::String),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(FmsgValue::Binary),
        ];
        prop_oneof![
            Just(FmsgItem::ObjNestStart),
            Just(FmsgItem::PairNestStart),
            Just(FmsgItem::ArrNestStart),
            Just(FmsgItem::NestEnd),
            "[a-z_ ]{1,16}".prop_map(FmsgItem::Name),
            value.prop_map(FmsgItem::Value),
            any::<u8>().prop_map(FmsgItem::TypeOnly),
            (150u16..300, proptest::collection::vec(any::<u8>(), 0..6)).prop_map(
                |(raw_type, payload)| FmsgItem::Unknown(UnknownAttr { raw_type, payload })
            ),
        ]
    }

    proptest! {
        #[test]
        fn any_stream_roundtrips(items in proptest::collection::vec(item(), 0..40)) {
            let f = Fmsg { items, unknown: Vec::new() };
            prop_assert_eq!(decode::<Fmsg>(&encode(&f), false).unwrap(), f);
        }
    }
}
