//! Parameters, regions, health reporters and their formatted messages.

use devlink_wire::devlink::*;
use devlink_wire::spec::VarAttrType;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

use crate::common::*;

/// The six `DEVLINK_ATTR_PARAM_TYPE`s a parameter can have (the other `var_attr_type`
/// values are rejected by the decoder, as by the kernel's `devlink_param_type` mapping).
fn param_type() -> impl Strategy<Value = VarAttrType> {
    proptest::sample::select(vec![
        VarAttrType::U8,
        VarAttrType::U16,
        VarAttrType::U32,
        VarAttrType::U64,
        VarAttrType::String,
        VarAttrType::Flag,
    ])
}

/// A value of parameter type `ty`: values are decoded by the `PARAM_TYPE` of their
/// parameter, so a value of another type could not come back as itself.
fn typed_value(ty: VarAttrType) -> BoxedStrategy<ParamValue> {
    match ty {
        VarAttrType::U8 => any::<u8>().prop_map(ParamValue::U8).boxed(),
        VarAttrType::U16 => any::<u16>().prop_map(ParamValue::U16).boxed(),
        VarAttrType::U32 => any::<u32>().prop_map(ParamValue::U32).boxed(),
        VarAttrType::U64 => any::<u64>().prop_map(ParamValue::U64).boxed(),
        VarAttrType::String => text().prop_map(ParamValue::String).boxed(),
        _ => any::<bool>().prop_map(ParamValue::Bool).boxed(),
    }
}

pub(crate) fn param() -> impl Strategy<Value = Param> {
    param_type().prop_flat_map(|ty| {
        let entry = (any_of(), typed_value(ty), of(typed_value(ty)), unknowns()).prop_map(
            |(cmode, data, default, unknown)| ParamValueEntry {
                cmode,
                data,
                default,
                unknown,
            },
        );
        (
            handle(),
            any::<Option<u32>>(),
            text(),
            any::<bool>(),
            vec(entry, 0..4),
            unknowns(),
            unknowns(),
        )
            .prop_map(
                move |(handle, port_index, name, generic, values, param_unknown, unknown)| Param {
                    handle,
                    port_index,
                    name,
                    generic,
                    ty,
                    values,
                    param_unknown,
                    unknown,
                },
            )
    })
}

pub(crate) fn param_get_req() -> impl Strategy<Value = ParamGetReq> {
    (opt_handle(), any::<Option<u32>>(), opt_text(), unknowns()).prop_map(
        |(handle, port_index, name, unknown)| ParamGetReq {
            handle,
            port_index,
            name,
            unknown,
        },
    )
}

pub(crate) fn param_set_req() -> impl Strategy<Value = ParamSetReq> {
    (param_type(), any::<bool>()).prop_flat_map(|(ty, reset_default)| {
        // A bool travels as a flag that is absent when false, so its value is always
        // `Some` (absent data = `Some(false)`). Other types need the data unless the
        // request resets to the default; only then can it be absent.
        let value = if ty != VarAttrType::Flag && reset_default {
            of(typed_value(ty)).boxed()
        } else {
            typed_value(ty).prop_map(Some).boxed()
        };
        (
            handle(),
            any::<Option<u32>>(),
            text(),
            any_of(),
            value,
            unknowns(),
        )
            .prop_map(move |(handle, port_index, name, cmode, value, unknown)| {
                ParamSetReq {
                    handle,
                    port_index,
                    name,
                    cmode,
                    reset_default,
                    ty,
                    value,
                    unknown,
                }
            })
    })
}

pub(crate) fn region() -> impl Strategy<Value = Region> {
    (
        handle(),
        any::<Option<u32>>(),
        text(),
        any::<u64>(),
        any::<u32>(),
        vec(any::<u32>(), 0..5),
        unknowns(),
    )
        .prop_map(
            |(handle, port_index, name, size, max_snapshots, snapshots, unknown)| Region {
                handle,
                port_index,
                name,
                size,
                max_snapshots,
                snapshots,
                unknown,
            },
        )
}

pub(crate) fn region_event() -> impl Strategy<Value = RegionEvent> {
    let kind = prop_oneof![
        any::<u32>().prop_map(RegionEventKind::Snapshot),
        any::<u64>().prop_map(RegionEventKind::Size),
    ];
    (handle(), any::<Option<u32>>(), text(), kind, unknowns()).prop_map(
        |(handle, port_index, name, kind, unknown)| RegionEvent {
            handle,
            port_index,
            name,
            kind,
            unknown,
        },
    )
}

pub(crate) fn region_read() -> impl Strategy<Value = RegionRead> {
    let chunk = (bytes(300), any::<u64>()).prop_map(|(data, addr)| RegionChunk { data, addr });
    (
        handle(),
        any::<Option<u32>>(),
        text(),
        vec(chunk, 0..4),
        unknowns(),
    )
        .prop_map(|(handle, port_index, name, chunks, unknown)| RegionRead {
            handle,
            port_index,
            name,
            chunks,
            unknown,
        })
}

pub(crate) fn region_get_req() -> impl Strategy<Value = RegionGetReq> {
    (opt_handle(), any::<Option<u32>>(), opt_text(), unknowns()).prop_map(
        |(handle, port_index, name, unknown)| RegionGetReq {
            handle,
            port_index,
            name,
            unknown,
        },
    )
}

pub(crate) fn region_new_req() -> impl Strategy<Value = RegionNewReq> {
    (
        handle(),
        any::<Option<u32>>(),
        text(),
        any::<Option<u32>>(),
        unknowns(),
    )
        .prop_map(
            |(handle, port_index, name, snapshot_id, unknown)| RegionNewReq {
                handle,
                port_index,
                name,
                snapshot_id,
                unknown,
            },
        )
}

pub(crate) fn region_del_req() -> impl Strategy<Value = RegionDelReq> {
    (
        handle(),
        any::<Option<u32>>(),
        text(),
        any::<u32>(),
        unknowns(),
    )
        .prop_map(
            |(handle, port_index, name, snapshot_id, unknown)| RegionDelReq {
                handle,
                port_index,
                name,
                snapshot_id,
                unknown,
            },
        )
}

pub(crate) fn region_read_req() -> impl Strategy<Value = RegionReadReq> {
    (
        (handle(), any::<Option<u32>>(), text(), any::<Option<u32>>()),
        (
            any::<bool>(),
            any::<Option<u64>>(),
            any::<Option<u64>>(),
            unknowns(),
        ),
    )
        .prop_map(
            |(
                (handle, port_index, name, snapshot_id),
                (direct, chunk_addr, chunk_len, unknown),
            )| {
                RegionReadReq {
                    handle,
                    port_index,
                    name,
                    snapshot_id,
                    direct,
                    chunk_addr,
                    chunk_len,
                    unknown,
                }
            },
        )
}

pub(crate) fn health_reporter() -> impl Strategy<Value = HealthReporter> {
    let state = prop_oneof![Just(HealthState::Healthy), Just(HealthState::Error)];
    let o64 = any::<Option<u64>>;
    let ob = any::<Option<bool>>;
    (
        (
            handle(),
            any::<Option<u32>>(),
            text(),
            state,
            any::<(u64, u64)>(),
        ),
        (o64(), o64(), ob(), o64(), o64(), ob()),
        (unknowns(), unknowns()),
    )
        .prop_map(
            |(
                (handle, port_index, name, state, (error_count, recover_count)),
                (graceful_period, burst_period, auto_recover, dump_ts, dump_ts_ns, auto_dump),
                (reporter_unknown, unknown),
            )| HealthReporter {
                handle,
                port_index,
                name,
                state,
                error_count,
                recover_count,
                graceful_period,
                burst_period,
                auto_recover,
                dump_ts,
                dump_ts_ns,
                auto_dump,
                reporter_unknown,
                unknown,
            },
        )
}

pub(crate) fn health_req() -> impl Strategy<Value = HealthReq> {
    (opt_handle(), any::<Option<u32>>(), opt_text(), unknowns()).prop_map(
        |(handle, port_index, name, unknown)| HealthReq {
            handle,
            port_index,
            name,
            unknown,
        },
    )
}

pub(crate) fn health_set_req() -> impl Strategy<Value = HealthSetReq> {
    let o64 = any::<Option<u64>>;
    let ob = any::<Option<bool>>;
    (
        (handle(), any::<Option<u32>>(), text()),
        (o64(), o64(), ob(), ob(), unknowns()),
    )
        .prop_map(
            |(
                (handle, port_index, name),
                (graceful_period, burst_period, auto_recover, auto_dump, unknown),
            )| HealthSetReq {
                handle,
                port_index,
                name,
                graceful_period,
                burst_period,
                auto_recover,
                auto_dump,
                unknown,
            },
        )
}

fn fmsg_item() -> impl Strategy<Value = FmsgItem> {
    let value = prop_oneof![
        any::<bool>().prop_map(FmsgValue::Bool),
        any::<u8>().prop_map(FmsgValue::U8),
        any::<u32>().prop_map(FmsgValue::U32),
        any::<u64>().prop_map(FmsgValue::U64),
        text().prop_map(FmsgValue::String),
        bytes(40).prop_map(FmsgValue::Binary),
    ];
    prop_oneof![
        Just(FmsgItem::ObjNestStart),
        Just(FmsgItem::PairNestStart),
        Just(FmsgItem::ArrNestStart),
        Just(FmsgItem::NestEnd),
        text().prop_map(FmsgItem::Name),
        value.prop_map(FmsgItem::Value),
        any::<u8>().prop_map(FmsgItem::TypeOnly),
        unknown_attr().prop_map(FmsgItem::Unknown),
    ]
}

pub(crate) fn fmsg() -> impl Strategy<Value = Fmsg> {
    (vec(fmsg_item(), 0..30), unknowns()).prop_map(|(items, unknown)| Fmsg { items, unknown })
}
