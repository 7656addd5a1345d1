//! dpipe headers: the `DEVLINK_CMD_DPIPE_HEADERS_GET` reply (`devlink_dpipe_header_put`,
//! `devlink_dpipe_fields_put`).

use crate::nl::{Emitter, RawAttr};
use crate::spec::{Attr, DpipeFieldMappingType};

use super::super::body::{AttrError, UnknownAttr, encode_unknown};
use super::super::notify::{Nested, get, list, need, put, put_list, walk_attrs};
use super::container_reply;

/// A `DEVLINK_ATTR_DPIPE_FIELD` nest of a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeField {
    /// `DEVLINK_ATTR_DPIPE_FIELD_NAME`, e.g. "destination mac".
    pub name: String,
    /// `DEVLINK_ATTR_DPIPE_FIELD_ID` (u32).
    pub id: u32,
    /// `DEVLINK_ATTR_DPIPE_FIELD_BITWIDTH` (u32).
    pub bitwidth: u32,
    /// `DEVLINK_ATTR_DPIPE_FIELD_MAPPING_TYPE` (u32).
    pub mapping_type: DpipeFieldMappingType,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeField {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut name, mut id, mut bitwidth, mut mapping) = (None, None, None, None);
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::DpipeFieldName => name = Some(get(a)?),
                Attr::DpipeFieldId => id = Some(get(a)?),
                Attr::DpipeFieldBitwidth => bitwidth = Some(get(a)?),
                Attr::DpipeFieldMappingType => mapping = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            name: need(name, Attr::DpipeFieldName, nest)?,
            id: need(id, Attr::DpipeFieldId, nest)?,
            bitwidth: need(bitwidth, Attr::DpipeFieldBitwidth, nest)?,
            mapping_type: need(mapping, Attr::DpipeFieldMappingType, nest)?,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, Attr::DpipeFieldName, &self.name);
        put(e, Attr::DpipeFieldId, &self.id);
        put(e, Attr::DpipeFieldBitwidth, &self.bitwidth);
        put(e, Attr::DpipeFieldMappingType, &self.mapping_type);
        encode_unknown(&self.unknown, e);
    }
}

/// A `DEVLINK_ATTR_DPIPE_HEADER` nest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeHeader {
    /// `DEVLINK_ATTR_DPIPE_HEADER_NAME`, e.g. "ethernet".
    pub name: String,
    /// `DEVLINK_ATTR_DPIPE_HEADER_ID` (u32): a [`DpipeHeaderId`](crate::spec::DpipeHeaderId) if `global`.
    pub id: u32,
    /// `DEVLINK_ATTR_DPIPE_HEADER_GLOBAL` (u8 0/1).
    pub global: bool,
    /// `DEVLINK_ATTR_DPIPE_HEADER_FIELDS` → `DPIPE_FIELD` nests.
    pub fields: Vec<DpipeField>,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeHeader {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut name, mut id, mut global, mut fields) = (None, None, None, None);
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::DpipeHeaderName => name = Some(get(a)?),
                Attr::DpipeHeaderId => id = Some(get(a)?),
                Attr::DpipeHeaderGlobal => global = Some(get(a)?),
                Attr::DpipeHeaderFields => fields = Some(list(a, Attr::DpipeField)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            name: need(name, Attr::DpipeHeaderName, nest)?,
            id: need(id, Attr::DpipeHeaderId, nest)?,
            global: need(global, Attr::DpipeHeaderGlobal, nest)?,
            fields: need(fields, Attr::DpipeHeaderFields, nest)?,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, Attr::DpipeHeaderName, &self.name);
        put(e, Attr::DpipeHeaderId, &self.id);
        put(e, Attr::DpipeHeaderGlobal, &self.global);
        put_list(e, Attr::DpipeHeaderFields, Attr::DpipeField, &self.fields);
        encode_unknown(&self.unknown, e);
    }
}

container_reply!(
    /// One message of the `DEVLINK_CMD_DPIPE_HEADERS_GET` reply: `DPIPE_HEADERS` holding
    /// `DPIPE_HEADER` nests.
    DpipeHeaders,
    /// `DEVLINK_ATTR_DPIPE_HEADERS` → `DPIPE_HEADER` nests.
    headers: DpipeHeader = DpipeHeaders / DpipeHeader
);

#[cfg(test)]
mod tests {
    use super::super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use crate::spec::DpipeHeaderId;

    /// The global `ethernet` header and a driver header with two fields (one mapped to an
    /// ifindex), built by an independent encoder from `devlink_dpipe_header_put`.
    const HEADERS: &str = "
        dc003100580032000d00330065746865726e6574000000000800340000000000050036000100000034003500
        300038001400390064657374696e6174696f6e206d61630008003a000000000008003b003000000008003c00
        00000000800032000f0033006d6c7873775f6d6574610000080034000000000005003600000000005c003500
        2c0038000e003900657269665f706f727400000008003a000000000008003b002000000008003c0001000000
        2c0038000f0039006c335f666f7277617264000008003a000100000008003b000100000008003c0000000000";

    #[test]
    fn headers_layout() {
        let h: DpipeHeaders = roundtrip(&hex(&format!("{NSIM14} {HEADERS}")));
        let names: Vec<_> = h
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.global))
            .collect();
        assert_eq!(names, [("ethernet", true), ("mlxsw_meta", false)]);
        assert_eq!(
            DpipeHeaderId::from_repr(h.headers[0].id),
            Some(DpipeHeaderId::Ethernet)
        );
        let f = &h.headers[0].fields[0];
        assert_eq!(
            (f.name.as_str(), f.bitwidth, f.mapping_type),
            ("destination mac", 48, DpipeFieldMappingType::None)
        );
        assert_eq!(
            h.headers[1].fields[0].mapping_type,
            DpipeFieldMappingType::Ifindex
        );
        identity(&h);
    }

    #[test]
    fn header_errors() {
        // Mapping type 2 does not exist (the last u32 of the first field).
        let mut body = hex(&format!("{NSIM14} {HEADERS}"));
        let at = 32 + 4 + 4 + 16 + 8 + 8 + 4 + 4 + 20 + 8 + 8;
        body[at + 4] = 2;
        let err = decode::<DpipeHeaders>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (
                Attr::DpipeFieldMappingType as u16,
                AttrErrorKind::BadValue(2)
            )
        );
        assert_eq!(err.offset, Some(20 + at));
        // HEADER_GLOBAL as a u32.
        let body = hex(&format!(
            "{NSIM14} 20003100 1c003200 08003300 65746800 08003400 00000000 08003600 01000000"
        ));
        let err = decode::<DpipeHeaders>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::DpipeHeaderGlobal as u16, Some(20 + 32 + 8 + 16))
        );
        // A header without fields.
        let body = hex(&format!(
            "{NSIM14} 20003100 1c003200 08003300 65746800 08003400 00000000 05003600 01000000"
        ));
        let err = decode::<DpipeHeaders>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeHeaderFields as u16, AttrErrorKind::Missing)
        );
    }
}
