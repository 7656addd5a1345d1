//! dpipe and resources.

use devlink_wire::devlink::*;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

use crate::common::*;

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

fn dpipe_match() -> impl Strategy<Value = DpipeMatch> {
    (any_of(), field_ref(), unknowns()).prop_map(|(match_type, field, unknown)| DpipeMatch {
        match_type,
        field,
        unknown,
    })
}

fn dpipe_action() -> impl Strategy<Value = DpipeAction> {
    (any_of(), field_ref(), unknowns()).prop_map(|(action_type, field, unknown)| DpipeAction {
        action_type,
        field,
        unknown,
    })
}

pub(crate) fn dpipe_tables() -> impl Strategy<Value = DpipeTables> {
    let resource = any::<(u64, u64)>().prop_map(|(id, units)| DpipeTableResource { id, units });
    let table = (
        (text(), any::<u64>(), any::<bool>(), of(resource)),
        (
            vec(dpipe_match(), 0..3),
            vec(dpipe_action(), 0..3),
            unknowns(),
        ),
    )
        .prop_map(
            |((name, size, counters_enabled, resource), (matches, actions, unknown))| DpipeTable {
                name,
                size,
                counters_enabled,
                resource,
                matches,
                actions,
                unknown,
            },
        );
    (handle(), vec(table, 0..3), unknowns()).prop_map(|(handle, tables, unknown)| DpipeTables {
        handle,
        tables,
        unknown,
    })
}

fn dpipe_value() -> impl Strategy<Value = DpipeValue> {
    (bytes(12), of(bytes(12)), any::<Option<u32>>()).prop_map(|(value, mask, mapping)| DpipeValue {
        value,
        mask,
        mapping,
    })
}

pub(crate) fn dpipe_entries() -> impl Strategy<Value = DpipeEntries> {
    let mv =
        (dpipe_match(), dpipe_value(), unknowns()).prop_map(|(field_match, value, unknown)| {
            DpipeMatchValue {
                field_match,
                value,
                unknown,
            }
        });
    let av = (dpipe_action(), dpipe_value(), unknowns()).prop_map(|(action, value, unknown)| {
        DpipeActionValue {
            action,
            value,
            unknown,
        }
    });
    let entry = (
        any::<(u64, Option<u64>)>(),
        vec(mv, 0..3),
        vec(av, 0..3),
        unknowns(),
    )
        .prop_map(
            |((index, counter), match_values, action_values, unknown)| DpipeEntry {
                index,
                counter,
                match_values,
                action_values,
                unknown,
            },
        );
    (handle(), vec(entry, 0..3), unknowns()).prop_map(|(handle, entries, unknown)| DpipeEntries {
        handle,
        entries,
        unknown,
    })
}

pub(crate) fn dpipe_headers() -> impl Strategy<Value = DpipeHeaders> {
    let field = (text(), any::<(u32, u32)>(), any_of(), unknowns()).prop_map(
        |(name, (id, bitwidth), mapping_type, unknown)| DpipeField {
            name,
            id,
            bitwidth,
            mapping_type,
            unknown,
        },
    );
    let header = (text(), any::<(u32, bool)>(), vec(field, 0..3), unknowns()).prop_map(
        |(name, (id, global), fields, unknown)| DpipeHeader {
            name,
            id,
            global,
            fields,
            unknown,
        },
    );
    (handle(), vec(header, 0..3), unknowns()).prop_map(|(handle, headers, unknown)| DpipeHeaders {
        handle,
        headers,
        unknown,
    })
}

pub(crate) fn dpipe_table_get_req() -> impl Strategy<Value = DpipeTableGetReq> {
    (handle(), opt_text(), unknowns()).prop_map(|(handle, table_name, unknown)| DpipeTableGetReq {
        handle,
        table_name,
        unknown,
    })
}

pub(crate) fn dpipe_entries_get_req() -> impl Strategy<Value = DpipeEntriesGetReq> {
    (handle(), text(), unknowns()).prop_map(|(handle, table_name, unknown)| DpipeEntriesGetReq {
        handle,
        table_name,
        unknown,
    })
}

pub(crate) fn dpipe_counters_set_req() -> impl Strategy<Value = DpipeCountersSetReq> {
    (handle(), text(), any::<u8>(), unknowns()).prop_map(
        |(handle, table_name, counters_enabled, unknown)| DpipeCountersSetReq {
            handle,
            table_name,
            counters_enabled,
            unknown,
        },
    )
}

/// A resource with children down to `depth` more levels.
fn resource(depth: u32) -> BoxedStrategy<Resource> {
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        vec(resource(depth - 1), 0..3).boxed()
    };
    (
        (
            text(),
            any::<(u64, u64)>(),
            any::<(Option<u64>, Option<u64>)>(),
        ),
        (any::<(u64, u64, u64)>(), any_of(), any::<Option<bool>>()),
        children,
        unknowns(),
    )
        .prop_map(
            |(
                (name, (size, id), (size_new, occ)),
                ((size_gran, size_max, size_min), unit, size_valid),
                children,
                unknown,
            )| Resource {
                name,
                size,
                id,
                size_new,
                occ,
                size_gran,
                size_max,
                size_min,
                unit,
                size_valid,
                children,
                unknown,
            },
        )
        .boxed()
}

pub(crate) fn resource_dump() -> impl Strategy<Value = ResourceDump> {
    (handle(), vec(resource(2), 0..3), unknowns()).prop_map(|(handle, resources, unknown)| {
        ResourceDump {
            handle,
            resources,
            unknown,
        }
    })
}

pub(crate) fn resource_set_req() -> impl Strategy<Value = ResourceSetReq> {
    (handle(), any::<(u64, u64)>(), unknowns()).prop_map(|(handle, (id, size), unknown)| {
        ResourceSetReq {
            handle,
            id,
            size,
            unknown,
        }
    })
}
