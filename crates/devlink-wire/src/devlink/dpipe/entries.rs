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

#[cfg(test)]
mod tests {
    use super::super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::{AttrErrorKind, Handle};
    use crate::spec::{DpipeActionType, DpipeMatchType};
    use proptest::prelude::*;

    /// Entry 5 (counter 77) matching an ifindex-mapped value and rewriting a MAC under a
    /// mask, then entry 6 with no values; built by an independent encoder from
    /// `devlink_dpipe_entry_put`.
    const ENTRIES: &str = "
        c8002200ac0023000c00240005000000000000000c0027004d0000000000000044002500400029002c002800
        08002a00000000000800370000000000080034000000000008003a0000000000050036000000000008002e00
        0700000008003000070000004c00260048002c002c002b0008002d0000000000080037000000000008003400
        0000000008003a000100000005003600010000000a002e000a0b0c0d0e0f00000a002f00ffffffffffff0000
        180023000c00240006000000000000000400250004002600";

    #[test]
    fn entries_layout() {
        let d: DpipeEntries = roundtrip(&hex(&format!("{NSIM14} {ENTRIES}")));
        let e = &d.entries[0];
        assert_eq!((e.index, e.counter), (5, Some(77)));
        let mv = &e.match_values[0];
        assert_eq!(mv.field_match.match_type, DpipeMatchType::FieldExact);
        assert_eq!(
            mv.value,
            DpipeValue {
                value: vec![7, 0, 0, 0],
                mask: None,
                mapping: Some(7)
            }
        );
        let av = &e.action_values[0];
        assert_eq!(av.action.action_type, DpipeActionType::FieldModify);
        assert!(av.action.field.global);
        assert_eq!(av.value.mask.as_deref(), Some(&[0xff; 6][..]));
        let empty = &d.entries[1];
        assert_eq!(
            (
                empty.counter,
                empty.match_values.len(),
                empty.action_values.len()
            ),
            (None, 0, 0)
        );
    }

    #[test]
    fn entry_errors() {
        // An entry without its index.
        let body = hex(&format!("{NSIM14} 10002200 0c002300 04002500 04002600"));
        let err = decode::<DpipeEntries>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeEntryIndex as u16, AttrErrorKind::Missing)
        );
        assert_eq!(err.offset, Some(20 + 32 + 4));
        // A match without FIELD_ID: reported against the DPIPE_MATCH nest.
        let body = hex(&format!(
            "{NSIM14} 44002200 40002300 0c002400 0500000000000000 04002600
             2c002500 28002900 24002800 08002a00 00000000 08003700 00000000 08003400 00000000
             05003600 00000000"
        ));
        let err = decode::<DpipeEntries>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeFieldId as u16, AttrErrorKind::Missing)
        );
        assert_eq!(err.offset, Some(20 + 32 + 4 + 4 + 12 + 4 + 4 + 4));
        // ENTRY_INDEX as a u32.
        let body = hex(&format!(
            "{NSIM14} 18002200 14002300 08002400 05000000 04002500 04002600"
        ));
        let err = decode::<DpipeEntries>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::DpipeEntryIndex as u16, Some(20 + 32 + 8))
        );
        assert!(matches!(err.kind, AttrErrorKind::Payload(_)));
    }

    #[test]
    fn unknown_kept_inside_an_entry() {
        let body = hex(&format!(
            "{NSIM14} 20002200 1c002300 0c002400 0500000000000000 04002500 04002600 0400ff01"
        ));
        let d: DpipeEntries = roundtrip(&body);
        assert_eq!(d.entries[0].unknown[0].raw_type, 0x1ff);
    }

    proptest! {
        #[test]
        fn entries_identity(
            index: u64, counter: Option<u64>,
            value in proptest::collection::vec(any::<u8>(), 0..20),
            masked: bool, mapping: Option<u32>,
        ) {
            let field = super::super::DpipeFieldRef::default();
            let mask = masked.then(|| vec![0xff; value.len()]);
            let entry = DpipeEntry {
                index,
                counter,
                match_values: vec![DpipeMatchValue {
                    field_match: DpipeMatch { match_type: DpipeMatchType::FieldExact, field, unknown: vec![] },
                    value: DpipeValue { value: value.clone(), mask: mask.clone(), mapping },
                    unknown: vec![],
                }],
                action_values: vec![DpipeActionValue {
                    action: DpipeAction { action_type: DpipeActionType::FieldModify, field, unknown: vec![] },
                    value: DpipeValue { value, mask, mapping: None },
                    unknown: vec![],
                }],
                unknown: vec![],
            };
            identity(&DpipeEntries { handle: Handle::new("pci", "0000:01:00.0"), entries: vec![entry], unknown: vec![] });
        }
    }
}
