//! Line cards: the object (`LINECARD_NEW` replies and `LINECARD_NEW` / `LINECARD_DEL`
//! notifications) and the `LINECARD_GET` / `LINECARD_SET` requests. Kernel:
//! `net/devlink/linecard.c` (`devlink_nl_linecard_fill`, `devlink_nl_linecard_set_doit`).

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, LinecardState, Space};

use super::body::{
    AttrError, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::dev::NestedHandle;
use super::handle::{Handle, HandleParts};
use super::notify::request;

/// A line card as the kernel describes it (`devlink_nl_linecard_fill`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linecard {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_LINECARD_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_LINECARD_STATE` (u8).
    pub state: LinecardState,
    /// `DEVLINK_ATTR_LINECARD_TYPE`: whenever a type is set — while provisioning,
    /// provisioned, active, and also after provisioning failed (the kernel keeps it).
    pub lc_type: Option<String>,
    /// `DEVLINK_ATTR_LINECARD_SUPPORTED_TYPES` (`NLA_F_NESTED`) → one `LINECARD_TYPE` per
    /// supported type; `None` when the driver reports no types (the nest is omitted).
    pub supported_types: Option<Vec<String>>,
    /// `DEVLINK_ATTR_NESTED_DEVLINK` (`NLA_F_NESTED`): the line card's own instance.
    pub nested: Option<NestedHandle>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for Linecard {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut state, mut lc_type) = (None, None, None);
        let (mut supported_types, mut nested, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::LinecardIndex) => index = Some(a.get_u32()?),
                Some(Attr::LinecardState) => state = Some(a.get_enum_u8::<LinecardState>()?),
                Some(Attr::LinecardType) => lc_type = Some(a.get_str()?),
                Some(Attr::LinecardSupportedTypes) => {
                    let mut types = Vec::new();
                    for t in each(a.nested(), Space::Devlink) {
                        let t = t?;
                        if Attr::from_repr(t.kind()) == Some(Attr::LinecardType) {
                            types.push(t.get_str()?);
                        }
                    }
                    supported_types = Some(types);
                }
                Some(Attr::NestedDevlink) if nested.is_none() => {
                    nested = Some(NestedHandle::decode(a.nested())?);
                }
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::LinecardIndex)?,
            state: required(state, Attr::LinecardState)?,
            lc_type,
            supported_types,
            nested,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::LinecardIndex as u16, self.index);
        e.u8(Attr::LinecardState as u16, self.state as u8);
        if let Some(t) = &self.lc_type {
            e.str(Attr::LinecardType as u16, t);
        }
        if let Some(types) = &self.supported_types {
            let n = e.nest(Attr::LinecardSupportedTypes as u16, true);
            for t in types {
                e.str(Attr::LinecardType as u16, t);
            }
            e.end(n);
        }
        if let Some(nested) = &self.nested {
            let n = e.nest(Attr::NestedDevlink as u16, true);
            nested.encode_inner(e);
            e.end(n);
        }
        encode_unknown(&self.unknown, e);
    }
}

request! {
    /// `DEVLINK_CMD_LINECARD_GET`: handle and `LINECARD_INDEX`, both required for a do;
    /// for a dump the handle is an optional filter.
    LinecardGetReq, get {
        /// `DEVLINK_ATTR_LINECARD_INDEX`.
        index: key u32 = LinecardIndex,
    }
}

/// `DEVLINK_CMD_LINECARD_SET`: handle, `LINECARD_INDEX`*, optional `LINECARD_TYPE`. A
/// non-empty type provisions the card with it; the empty string unprovisions it; no type
/// at all changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinecardSetReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_LINECARD_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_LINECARD_TYPE` (`""` = unprovision).
    pub lc_type: Option<String>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for LinecardSetReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut lc_type, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::LinecardIndex) => index = Some(a.get_u32()?),
                Some(Attr::LinecardType) => lc_type = Some(a.get_str()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::LinecardIndex)?,
            lc_type,
            unknown,
        })
    }

    /// iproute2's order (`dl_opts_put`): handle, index, type.
    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::LinecardIndex as u16, self.index);
        if let Some(t) = &self.lc_type {
            e.str(Attr::LinecardType as u16, t);
        }
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::AttrErrorKind;
    use crate::devlink::port::test_util::*;
    use crate::nl::PayloadError;
    use crate::spec::KernelEnum;
    use proptest::prelude::*;

    const NESTED: u16 = 0x8000;

    /// A provisioned mlxsw-style line card with supported types and its own instance.
    #[test]
    fn linecard_roundtrips() {
        let types = [st(173, "16x100G"), st(173, "8x200G")].concat();
        let nested = [st(1, "auxiliary"), st(2, "mlxsw_core.lc.0")].concat();
        let bytes = [
            st(1, "pci"),
            st(2, "0000:01:00.0"),
            at(171, &1u32.to_ne_bytes()),
            at(172, &[5]),
            st(173, "16x100G"),
            at(174 | NESTED, &types),
            at(175 | NESTED, &nested),
        ];
        let lc: Linecard = roundtrip(&bytes.concat());
        assert_eq!((lc.index, lc.state), (1, LinecardState::Provisioned));
        assert_eq!(lc.lc_type.as_deref(), Some("16x100G"));
        assert_eq!(lc.supported_types.as_ref().map(Vec::len), Some(2));
        assert_eq!(
            lc.nested.unwrap().handle,
            Handle::new("auxiliary", "mlxsw_core.lc.0")
        );
        // An unprovisioned card without types: only the three basics.
        let bare = [st(1, "a"), st(2, "b"), at(171, &[0; 4]), at(172, &[1])].concat();
        let lc: Linecard = roundtrip(&bare);
        assert_eq!(
            (lc.lc_type, lc.supported_types, lc.nested),
            (None, None, None)
        );
    }

    #[test]
    fn errors_and_unknown() {
        let base = [st(1, "a"), st(2, "b"), at(171, &[0; 4])].concat();
        let err = decode::<Linecard>(&base, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::LinecardState));
        let err = decode::<Linecard>(&[base.clone(), at(172, &[7])].concat(), false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset, err.kind),
            (172, Some(24), AttrErrorKind::BadValue(7))
        );
        let err = decode::<Linecard>(&[base.clone(), at(172, &[1, 0])].concat(), false);
        assert_eq!(
            err.unwrap_err().kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 1,
                got: 2
            })
        );
        let with = [base, at(172, &[1]), at(240, &[9])].concat();
        let lc: Linecard = roundtrip(&with);
        assert_eq!(lc.unknown.len(), 1);
    }

    #[test]
    fn requests_roundtrip() {
        let key = [st(1, "pci"), st(2, "0000:01:00.0"), at(171, &[1, 0, 0, 0])].concat();
        let r: LinecardGetReq = roundtrip(&key);
        assert_eq!(r.index, Some(1));
        let h = [st(1, "pci"), st(2, "0000:01:00.0")].concat();
        let err = decode::<LinecardGetReq>(&h, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::LinecardIndex));
        assert_eq!(decode::<LinecardGetReq>(&h, true).unwrap().index, None);
        let r: LinecardSetReq = roundtrip(&[key.clone(), st(173, "16x100G")].concat());
        assert_eq!(r.lc_type.as_deref(), Some("16x100G"));
        let r: LinecardSetReq = roundtrip(&[key, st(173, "")].concat());
        assert_eq!(r.lc_type.as_deref(), Some(""), "empty type = unprovision");
        let err = decode::<LinecardSetReq>(&h, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::LinecardIndex));
    }

    proptest! {
        #[test]
        fn any_linecard_roundtrips(
            index: u32,
            state in proptest::sample::select(LinecardState::ALL),
            lc_type in proptest::option::of("[0-9a-zA-Z]{1,10}"),
            types in proptest::option::of(proptest::collection::vec("[0-9a-zA-Z]{0,10}", 0..4)),
            nested in proptest::option::of(("[a-z]{1,8}", "[a-z.0-9]{1,12}", proptest::option::of(any::<i32>()))),
        ) {
            let lc = Linecard {
                handle: Handle::new("pci", "0000:01:00.0"),
                index,
                state,
                lc_type,
                supported_types: types,
                nested: nested.map(|(b, d, netns_id)| NestedHandle { handle: Handle::new(b, d), netns_id }),
                unknown: Vec::new(),
            };
            prop_assert_eq!(decode::<Linecard>(&encode(&lc), false).unwrap(), lc);
        }
    }
}
