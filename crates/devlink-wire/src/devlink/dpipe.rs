//! The data pipeline (dpipe) debug interface: the `DPIPE_TABLE_GET`, `DPIPE_ENTRIES_GET`
//! and `DPIPE_HEADERS_GET` replies and the dpipe requests. Kernel: `net/devlink/dpipe.c`
//! (`devlink_dpipe_table_put`, `devlink_dpipe_match_put`, `devlink_dpipe_action_put`,
//! `devlink_dpipe_entry_put`, `devlink_dpipe_value_put`, `devlink_dpipe_header_put`).
//!
//! All three replies are multipart dos: each message repeats the handle and carries a
//! container nest with as many entries as fit. Every dpipe nest is opened without
//! `NLA_F_NESTED`.

mod entries;
mod headers;

pub use entries::*;
pub use headers::*;

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, DpipeActionType, DpipeHeaderId, DpipeMatchType};

use super::body::{AttrError, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{Nested, Scalar, get, list, need, put, put_list, request, walk, walk_attrs};

/// The header field a match or an action refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpipeFieldRef {
    /// `DEVLINK_ATTR_DPIPE_HEADER_INDEX` (u32): which instance of the header.
    pub header_index: u32,
    /// `DEVLINK_ATTR_DPIPE_HEADER_ID` (u32): a [`DpipeHeaderId`] if `global`, else a
    /// driver-specific header id.
    pub header_id: u32,
    /// `DEVLINK_ATTR_DPIPE_FIELD_ID` (u32).
    pub field_id: u32,
    /// `DEVLINK_ATTR_DPIPE_HEADER_GLOBAL` (u8 0/1).
    pub global: bool,
}

impl DpipeFieldRef {
    /// The header as a global header id, if it is one.
    #[must_use]
    pub const fn global_header(&self) -> Option<DpipeHeaderId> {
        if self.global {
            DpipeHeaderId::from_repr(self.header_id)
        } else {
            None
        }
    }
}

/// Decode a `DPIPE_MATCH` / `DPIPE_ACTION` nest: `type_attr`, header index, header id,
/// field id, global.
fn decode_op<T: Scalar>(
    nest: &RawAttr<'_>,
    type_attr: Attr,
) -> Result<(T, DpipeFieldRef, Vec<UnknownAttr>), AttrError> {
    let (mut ty, mut index, mut id, mut field, mut global) = (None, None, None, None, None);
    let unknown = walk_attrs(nest.nested(), |k, a| {
        match k {
            k if k == type_attr => ty = Some(get(a)?),
            Attr::DpipeHeaderIndex => index = Some(get(a)?),
            Attr::DpipeHeaderId => id = Some(get(a)?),
            Attr::DpipeFieldId => field = Some(get(a)?),
            Attr::DpipeHeaderGlobal => global = Some(get(a)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let ty = need(ty, type_attr, nest)?;
    let field = DpipeFieldRef {
        header_index: need(index, Attr::DpipeHeaderIndex, nest)?,
        header_id: need(id, Attr::DpipeHeaderId, nest)?,
        field_id: need(field, Attr::DpipeFieldId, nest)?,
        global: need(global, Attr::DpipeHeaderGlobal, nest)?,
    };
    Ok((ty, field, unknown))
}

fn encode_op<T: Scalar>(
    e: &mut Emitter<'_>,
    type_attr: Attr,
    ty: &T,
    f: &DpipeFieldRef,
    unknown: &[UnknownAttr],
) {
    put(e, type_attr, ty);
    put(e, Attr::DpipeHeaderIndex, &f.header_index);
    put(e, Attr::DpipeHeaderId, &f.header_id);
    put(e, Attr::DpipeFieldId, &f.field_id);
    put(e, Attr::DpipeHeaderGlobal, &f.global);
    encode_unknown(unknown, e);
}

/// A `DEVLINK_ATTR_DPIPE_MATCH` nest: what a table matches on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeMatch {
    /// `DEVLINK_ATTR_DPIPE_MATCH_TYPE` (u32).
    pub match_type: DpipeMatchType,
    /// The header field matched.
    pub field: DpipeFieldRef,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeMatch {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (match_type, field, unknown) = decode_op(nest, Attr::DpipeMatchType)?;
        Ok(Self {
            match_type,
            field,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        encode_op(
            e,
            Attr::DpipeMatchType,
            &self.match_type,
            &self.field,
            &self.unknown,
        );
    }
}

/// A `DEVLINK_ATTR_DPIPE_ACTION` nest: what a table does on a hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeAction {
    /// `DEVLINK_ATTR_DPIPE_ACTION_TYPE` (u32).
    pub action_type: DpipeActionType,
    /// The header field acted on.
    pub field: DpipeFieldRef,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeAction {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (action_type, field, unknown) = decode_op(nest, Attr::DpipeActionType)?;
        Ok(Self {
            action_type,
            field,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        encode_op(
            e,
            Attr::DpipeActionType,
            &self.action_type,
            &self.field,
            &self.unknown,
        );
    }
}

/// `DEVLINK_ATTR_DPIPE_TABLE_RESOURCE_ID` and `_RESOURCE_UNITS` (u64 each), sent together
/// when the table is bound to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DpipeTableResource {
    /// `DEVLINK_ATTR_DPIPE_TABLE_RESOURCE_ID`.
    pub id: u64,
    /// `DEVLINK_ATTR_DPIPE_TABLE_RESOURCE_UNITS`: resource units per table entry.
    pub units: u64,
}

/// A `DEVLINK_ATTR_DPIPE_TABLE` nest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpipeTable {
    /// `DEVLINK_ATTR_DPIPE_TABLE_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_DPIPE_TABLE_SIZE` (u64).
    pub size: u64,
    /// `DEVLINK_ATTR_DPIPE_TABLE_COUNTERS_ENABLED` (u8 0/1).
    pub counters_enabled: bool,
    /// `RESOURCE_ID`, `RESOURCE_UNITS`.
    pub resource: Option<DpipeTableResource>,
    /// `DEVLINK_ATTR_DPIPE_TABLE_MATCHES` → `DPIPE_MATCH` nests.
    pub matches: Vec<DpipeMatch>,
    /// `DEVLINK_ATTR_DPIPE_TABLE_ACTIONS` → `DPIPE_ACTION` nests.
    pub actions: Vec<DpipeAction>,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for DpipeTable {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut name, mut size, mut counters, mut res_id, mut res_units) =
            (None, None, None, None, None);
        let (mut matches, mut actions) = (None, None);
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::DpipeTableName => name = Some(get(a)?),
                Attr::DpipeTableSize => size = Some(get(a)?),
                Attr::DpipeTableCountersEnabled => counters = Some(get(a)?),
                Attr::DpipeTableResourceId => res_id = Some(get(a)?),
                Attr::DpipeTableResourceUnits => res_units = Some(get(a)?),
                Attr::DpipeTableMatches => matches = Some(list(a, Attr::DpipeMatch)?),
                Attr::DpipeTableActions => actions = Some(list(a, Attr::DpipeAction)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        let resource = match (res_id, res_units) {
            (None, None) => None,
            (id, units) => Some(DpipeTableResource {
                id: need(id, Attr::DpipeTableResourceId, nest)?,
                units: need(units, Attr::DpipeTableResourceUnits, nest)?,
            }),
        };
        Ok(Self {
            name: need(name, Attr::DpipeTableName, nest)?,
            size: need(size, Attr::DpipeTableSize, nest)?,
            counters_enabled: need(counters, Attr::DpipeTableCountersEnabled, nest)?,
            resource,
            matches: need(matches, Attr::DpipeTableMatches, nest)?,
            actions: need(actions, Attr::DpipeTableActions, nest)?,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, Attr::DpipeTableName, &self.name);
        put(e, Attr::DpipeTableSize, &self.size);
        put(e, Attr::DpipeTableCountersEnabled, &self.counters_enabled);
        if let Some(r) = &self.resource {
            put(e, Attr::DpipeTableResourceId, &r.id);
            put(e, Attr::DpipeTableResourceUnits, &r.units);
        }
        put_list(e, Attr::DpipeTableMatches, Attr::DpipeMatch, &self.matches);
        put_list(e, Attr::DpipeTableActions, Attr::DpipeAction, &self.actions);
        encode_unknown(&self.unknown, e);
    }
}

/// Decode a message holding the handle and one required container `outer` of `item`s.
fn decode_container<T: Nested>(
    attrs: AttrIter<'_>,
    outer: Attr,
    item: Attr,
) -> Result<(Handle, Vec<T>, Vec<UnknownAttr>), AttrError> {
    let mut items = None;
    let (h, unknown) = walk(attrs, |k, a| {
        if k != outer {
            return Ok(false);
        }
        items = Some(list(a, item)?);
        Ok(true)
    })?;
    Ok((h.finish()?, required(items, outer)?, unknown))
}

/// Declares a reply message made of the handle and one required container of entries.
macro_rules! container_reply {
    ($(#[$doc:meta])* $name:ident, $(#[$fdoc:meta])* $field:ident: $ty:ty = $outer:ident / $item:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// `BUS_NAME`, `DEV_NAME`.
            pub handle: $crate::devlink::Handle,
            $(#[$fdoc])*
            pub $field: Vec<$ty>,
            /// Attributes not modelled here, re-emitted last.
            pub unknown: Vec<$crate::devlink::UnknownAttr>,
        }

        impl $crate::devlink::Body for $name {
            fn decode(
                attrs: $crate::nl::AttrIter<'_>,
                _ctx: $crate::devlink::DecodeCtx,
            ) -> Result<Self, $crate::devlink::AttrError> {
                use $crate::spec::Attr;
                let (handle, $field, unknown) =
                    $crate::devlink::dpipe::decode_container(attrs, Attr::$outer, Attr::$item)?;
                Ok(Self { handle, $field, unknown })
            }

            fn encode(&self, e: &mut $crate::nl::Emitter<'_>) {
                use $crate::spec::Attr;
                self.handle.encode(e);
                $crate::devlink::notify::put_list(e, Attr::$outer, Attr::$item, &self.$field);
                $crate::devlink::encode_unknown(&self.unknown, e);
            }
        }
    };
}
pub(crate) use container_reply;

container_reply!(
    /// One message of the `DEVLINK_CMD_DPIPE_TABLE_GET` reply: `DPIPE_TABLES` holding
    /// `DPIPE_TABLE` nests (all tables, or the one named in the request).
    DpipeTables,
    /// `DEVLINK_ATTR_DPIPE_TABLES` → `DPIPE_TABLE` nests.
    tables: DpipeTable = DpipeTables / DpipeTable
);

request!(
    /// `DEVLINK_CMD_DPIPE_TABLE_GET` request (a do only): all tables, or the named one.
    DpipeTableGetReq, do_only {
        /// `DEVLINK_ATTR_DPIPE_TABLE_NAME`.
        table_name: opt String = DpipeTableName,
    }
);

request!(
    /// `DEVLINK_CMD_DPIPE_ENTRIES_GET` request (`DPIPE_TABLE_NAME` checked with
    /// `GENL_REQ_ATTR_CHECK`).
    DpipeEntriesGetReq, do_only {
        /// `DEVLINK_ATTR_DPIPE_TABLE_NAME`.
        table_name: req String = DpipeTableName,
    }
);

request!(
    /// `DEVLINK_CMD_DPIPE_TABLE_COUNTERS_SET` request (iproute2 order: table name,
    /// counters; both checked with `GENL_REQ_ATTR_CHECK`, in that order).
    DpipeCountersSetReq, do_only {
        /// `DEVLINK_ATTR_DPIPE_TABLE_NAME`.
        table_name: req String = DpipeTableName,
        /// `DEVLINK_ATTR_DPIPE_TABLE_COUNTERS_ENABLED` (u8; nonzero enables).
        counters_enabled: req u8 = DpipeTableCountersEnabled,
    }
);

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    /// One table shaped like mlxsw's `mlxsw_erif` (driver header, counters on, bound to
    /// resource 3), built by an independent encoder from `devlink_dpipe_table_put`.
    const TABLES: &str = "
        a4001b00a0001c000f001d006d6c7873775f6572696600000c001e00e8030000000000000500210001000000
        0c004b0003000000000000000c004c00020000000000000030001f002c00280008002a000000000008003700
        00000000080034000000000008003a00010000000500360000000000300020002c002b0008002d0000000000
        0800370000000000080034000000000008003a00020000000500360000000000";

    #[test]
    fn empty_tables_from_capture() {
        // netdevsim has no tables: the container is there, empty.
        let t: DpipeTables = roundtrip(&hex(&format!("{NSIM14} 04001b00")));
        assert!(t.tables.is_empty());
        // The request iproute2 sent (no NLM_F_ACK): the handle only.
        let r: DpipeTableGetReq = roundtrip(&hex(NSIM14));
        assert_eq!(r.table_name, None);
    }

    #[test]
    fn table_layout() {
        let t: DpipeTables = roundtrip(&hex(&format!("{NSIM14} {TABLES}")));
        let table = &t.tables[0];
        assert_eq!(
            (table.name.as_str(), table.size, table.counters_enabled),
            ("mlxsw_erif", 1000, true)
        );
        assert_eq!(table.resource, Some(DpipeTableResource { id: 3, units: 2 }));
        let m = &table.matches[0];
        assert_eq!(m.match_type, DpipeMatchType::FieldExact);
        assert_eq!(
            (m.field.field_id, m.field.global, m.field.global_header()),
            (1, false, None)
        );
        assert_eq!(table.actions[0].action_type, DpipeActionType::FieldModify);
        assert_eq!(table.actions[0].field.field_id, 2);
    }

    #[test]
    fn table_errors() {
        let mut body = hex(&format!("{NSIM14} {TABLES}"));
        // MATCH_TYPE 1 is not a match type: the first u32 of the first DPIPE_MATCH.
        let at = 32 + 4 + 4 + 16 + 12 + 8 + 12 + 12 + 4 + 4;
        body[at + 4] = 1;
        let err = decode::<DpipeTables>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeMatchType as u16, AttrErrorKind::BadValue(1))
        );
        assert_eq!(err.offset, Some(20 + at));
        // A table without TABLE_ACTIONS (drop the last 48 bytes, fix the two lengths).
        let mut body = hex(&format!("{NSIM14} {TABLES}"));
        body.truncate(body.len() - 48);
        body[32] -= 48;
        body[36] -= 48;
        let err = decode::<DpipeTables>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeTableActions as u16, AttrErrorKind::Missing)
        );
        assert_eq!(err.offset, Some(20 + 36), "the DPIPE_TABLE nest");
        // The reply needs its container.
        let err = decode::<DpipeTables>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::DpipeTables as u16);
    }

    #[test]
    fn requests() {
        // dpipe table show DEV name mlxsw_erif
        let body = hex(&format!("{NSIM14} 0f001d006d6c7873775f657269660000"));
        let r: DpipeTableGetReq = roundtrip(&body);
        assert_eq!(r.table_name.as_deref(), Some("mlxsw_erif"));
        let r: DpipeEntriesGetReq = roundtrip(&body);
        assert_eq!(r.table_name, "mlxsw_erif");
        // dpipe table set DEV name mlxsw_erif counters enable
        let body = hex(&format!(
            "{NSIM14} 0f001d006d6c7873775f657269660000 0500210001000000"
        ));
        let r: DpipeCountersSetReq = roundtrip(&body);
        assert_eq!(r.counters_enabled, 1);
        // Missing pieces, in the kernel's order: name, then counters.
        let err = decode::<DpipeCountersSetReq>(&hex(&format!("{NSIM14} 0500210001000000")), false)
            .unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::DpipeTableName as u16, AttrErrorKind::Missing)
        );
        let err = decode::<DpipeEntriesGetReq>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::DpipeTableName as u16);
        // Counters as a u32.
        let body = hex(&format!(
            "{NSIM14} 0f001d006d6c7873775f657269660000 0800210001000000"
        ));
        let err = decode::<DpipeCountersSetReq>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::DpipeTableCountersEnabled as u16, Some(20 + 48))
        );
    }

    fn field_ref() -> impl Strategy<Value = DpipeFieldRef> {
        any::<(u32, u32, u32, bool)>().prop_map(|(header_index, header_id, field_id, global)| {
            DpipeFieldRef {
                header_index,
                header_id,
                field_id,
                global,
            }
        })
    }

    proptest! {
        #[test]
        fn tables_identity(
            name in "[a-z_]{1,16}", size: u64, counters: bool, res in proptest::option::of(any::<(u64, u64)>()),
            matches in proptest::collection::vec(field_ref(), 0..3),
            actions in proptest::collection::vec(field_ref(), 0..3),
        ) {
            let table = DpipeTable {
                name,
                size,
                counters_enabled: counters,
                resource: res.map(|(id, units)| DpipeTableResource { id, units }),
                matches: matches.into_iter().map(|field| DpipeMatch {
                    match_type: DpipeMatchType::FieldExact, field, unknown: vec![],
                }).collect(),
                actions: actions.into_iter().map(|field| DpipeAction {
                    action_type: DpipeActionType::FieldModify, field, unknown: vec![],
                }).collect(),
                unknown: vec![],
            };
            identity(&DpipeTables { handle: Handle::new("pci", "0000:01:00.0"), tables: vec![table], unknown: vec![] });
        }
    }
}
