//! dpipe table entries: the `DEVLINK_CMD_DPIPE_ENTRIES_GET` reply
//! (`devlink_dpipe_entry_put`, `devlink_dpipe_match_values_put`,
//! `devlink_dpipe_action_values_put`, `devlink_dpipe_value_put`).

use crate::nl::{Emitter, RawAttr};
use crate::spec::Attr;

use super::super::body::{AttrError, UnknownAttr, encode_unknown};
use super::super::notify::{Nested, get, list, need, put, put_list, put_nest, put_opt, walk_attrs};
use super::{DpipeAction, DpipeMatch, container_reply};

/// The value part of a match or action value: `DPIPE_VALUE`, `[DPIPE_VALUE_MASK]`,
/// `[DPIPE_VALUE_MAPPING]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DpipeValue {
    /// `DEVLINK_ATTR_DPIPE_VALUE` (binary).
    pub value: Vec<u8>,
    /// `DEVLINK_ATTR_DPIPE_VALUE_MASK` (binary, same length as the value).
    pub mask: Option<Vec<u8>>,
    /// `DEVLINK_ATTR_DPIPE_VALUE_MAPPING` (u32), e.g. an ifindex.
    pub mapping: Option<u32>,
}

/// Decode a `DPIPE_MATCH_VALUE` / `DPIPE_ACTION_VALUE` nest: the `inner` match or action
/// nest, then the value.
fn decode_valued<T: Nested>(
    nest: &RawAttr<'_>,
    inner: Attr,
) -> Result<(T, DpipeValue, Vec<UnknownAttr>), AttrError> {
    let (mut op, mut value, mut mask, mut mapping) = (None, None, None, None);
    let unknown = walk_attrs(nest.nested(), |k, a| {
        match k {
            k if k == inner => op = Some(T::decode_nest(a)?),
            Attr::DpipeValue => value = Some(get(a)?),
            Attr::DpipeValueMask => mask = Some(get(a)?),
            Attr::DpipeValueMapping => mapping = Some(get(a)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let op = need(op, inner, nest)?;
    let value = need(value, Attr::DpipeValue, nest)?;
    Ok((
        op,
        DpipeValue {
            value,
            mask,
            mapping,
        },
        unknown,
    ))
}

fn encode_valued<T: Nested>(
    e: &mut Emitter<'_>,
    inner: Attr,
    op: &T,
    v: &DpipeValue,
    unknown: &[UnknownAttr],
) {
    put_nest(e, inner, false, op);
    put(e, Attr::DpipeValue, &v.value);
    put_opt(e, Attr::DpipeValueMask, &v.mask);
    put_opt(e, Attr::DpipeValueMapping, &v.mapping);
    encode_unknown(unknown, e);
}

/// A `DEVLINK_ATTR_DPIPE_MATCH_VALUE` nest of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeMatchValue {
    /// `DEVLINK_ATTR_DPIPE_MATCH`.
    pub field_match: DpipeMatch,
    /// The matched value.
    pub value: DpipeValue,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeMatchValue {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (field_match, value, unknown) = decode_valued(nest, Attr::DpipeMatch)?;
        Ok(Self {
            field_match,
            value,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        encode_valued(
            e,
            Attr::DpipeMatch,
            &self.field_match,
            &self.value,
            &self.unknown,
        );
    }
}

/// A `DEVLINK_ATTR_DPIPE_ACTION_VALUE` nest of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeActionValue {
    /// `DEVLINK_ATTR_DPIPE_ACTION`.
    pub action: DpipeAction,
    /// The value the action writes.
    pub value: DpipeValue,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeActionValue {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (action, value, unknown) = decode_valued(nest, Attr::DpipeAction)?;
        Ok(Self {
            action,
            value,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        encode_valued(
            e,
            Attr::DpipeAction,
            &self.action,
            &self.value,
            &self.unknown,
        );
    }
}

/// A `DEVLINK_ATTR_DPIPE_ENTRY` nest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeEntry {
    /// `DEVLINK_ATTR_DPIPE_ENTRY_INDEX` (u64).
    pub index: u64,
    /// `DEVLINK_ATTR_DPIPE_ENTRY_COUNTER` (u64), when counters are enabled and valid.
    pub counter: Option<u64>,
    /// `DEVLINK_ATTR_DPIPE_ENTRY_MATCH_VALUES` → `DPIPE_MATCH_VALUE` nests.
    pub match_values: Vec<DpipeMatchValue>,
    /// `DEVLINK_ATTR_DPIPE_ENTRY_ACTION_VALUES` → `DPIPE_ACTION_VALUE` nests.
    pub action_values: Vec<DpipeActionValue>,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeEntry {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut index, mut counter, mut matches, mut actions) = (None, None, None, None);
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::DpipeEntryIndex => index = Some(get(a)?),
                Attr::DpipeEntryCounter => counter = Some(get(a)?),
                Attr::DpipeEntryMatchValues => matches = Some(list(a, Attr::DpipeMatchValue)?),
                Attr::DpipeEntryActionValues => actions = Some(list(a, Attr::DpipeActionValue)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            index: need(index, Attr::DpipeEntryIndex, nest)?,
            counter,
            match_values: need(matches, Attr::DpipeEntryMatchValues, nest)?,
            action_values: need(actions, Attr::DpipeEntryActionValues, nest)?,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, Attr::DpipeEntryIndex, &self.index);
        put_opt(e, Attr::DpipeEntryCounter, &self.counter);
        let (mv, av) = (Attr::DpipeMatchValue, Attr::DpipeActionValue);
        put_list(e, Attr::DpipeEntryMatchValues, mv, &self.match_values);
        put_list(e, Attr::DpipeEntryActionValues, av, &self.action_values);
        encode_unknown(&self.unknown, e);
    }
}

container_reply!(
    /// One message of the `DEVLINK_CMD_DPIPE_ENTRIES_GET` reply: `DPIPE_ENTRIES` holding
    /// `DPIPE_ENTRY` nests, as many as the driver put in this message.
    DpipeEntries,
    /// `DEVLINK_ATTR_DPIPE_ENTRIES` → `DPIPE_ENTRY` nests.
    entries: DpipeEntry = DpipeEntries / DpipeEntry
);
