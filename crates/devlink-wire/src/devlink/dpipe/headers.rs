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
    /// `DEVLINK_ATTR_DPIPE_HEADER_ID` (u32): a [`DpipeHeaderId`] if `global`.
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
