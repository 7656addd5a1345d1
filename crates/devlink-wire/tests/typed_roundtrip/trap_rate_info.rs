//! Traps, trap groups and policers, rates, device info, flash.

use devlink_wire::devlink::*;
use devlink_wire::spec::{StatsAttr, TrapMetadataAttr};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

use crate::common::*;

fn stats() -> impl Strategy<Value = Stats> {
    (
        any::<(Option<u64>, Option<u64>, Option<u64>)>(),
        unknowns_in(first_undefined_in::<StatsAttr>()),
    )
        .prop_map(|((rx_dropped, rx_packets, rx_bytes), unknown)| Stats {
            rx_dropped,
            rx_packets,
            rx_bytes,
            unknown,
        })
}

pub(crate) fn trap() -> impl Strategy<Value = Trap> {
    let unknown = unknowns_in(first_undefined_in::<TrapMetadataAttr>());
    let metadata =
        (any::<(bool, bool)>(), unknown).prop_map(|((in_port, fa_cookie), unknown)| TrapMetadata {
            in_port,
            fa_cookie,
            unknown,
        });
    (
        (handle(), text(), text(), any_of()),
        (any::<bool>(), any_of(), metadata, stats(), unknowns()),
    )
        .prop_map(
            |((handle, group, name, trap_type), (generic, action, metadata, stats, unknown))| {
                Trap {
                    handle,
                    group,
                    name,
                    trap_type,
                    generic,
                    action,
                    metadata,
                    stats,
                    unknown,
                }
            },
        )
}

pub(crate) fn trap_group() -> impl Strategy<Value = TrapGroup> {
    (
        handle(),
        text(),
        any::<(bool, Option<u32>)>(),
        stats(),
        unknowns(),
    )
        .prop_map(
            |(handle, name, (generic, policer_id), stats, unknown)| TrapGroup {
                handle,
                name,
                generic,
                policer_id,
                stats,
                unknown,
            },
        )
}

pub(crate) fn trap_policer() -> impl Strategy<Value = TrapPolicer> {
    (handle(), any::<(u32, u64, u64)>(), of(stats()), unknowns()).prop_map(
        |(handle, (id, rate, burst), stats, unknown)| TrapPolicer {
            handle,
            id,
            rate,
            burst,
            stats,
            unknown,
        },
    )
}

pub(crate) fn trap_get_req() -> impl Strategy<Value = TrapGetReq> {
    (opt_handle(), opt_text(), unknowns()).prop_map(|(handle, name, unknown)| TrapGetReq {
        handle,
        name,
        unknown,
    })
}

pub(crate) fn trap_set_req() -> impl Strategy<Value = TrapSetReq> {
    (handle(), opt_text(), of(any_of()), unknowns()).prop_map(|(handle, name, action, unknown)| {
        TrapSetReq {
            handle,
            name,
            action,
            unknown,
        }
    })
}

pub(crate) fn trap_group_get_req() -> impl Strategy<Value = TrapGroupGetReq> {
    (opt_handle(), opt_text(), unknowns()).prop_map(|(handle, name, unknown)| TrapGroupGetReq {
        handle,
        name,
        unknown,
    })
}

pub(crate) fn trap_group_set_req() -> impl Strategy<Value = TrapGroupSetReq> {
    (
        handle(),
        opt_text(),
        of(any_of()),
        any::<Option<u32>>(),
        unknowns(),
    )
        .prop_map(
            |(handle, name, action, policer_id, unknown)| TrapGroupSetReq {
                handle,
                name,
                action,
                policer_id,
                unknown,
            },
        )
}

pub(crate) fn trap_policer_get_req() -> impl Strategy<Value = TrapPolicerGetReq> {
    (opt_handle(), any::<Option<u32>>(), unknowns()).prop_map(|(handle, id, unknown)| {
        TrapPolicerGetReq {
            handle,
            id,
            unknown,
        }
    })
}

pub(crate) fn trap_policer_set_req() -> impl Strategy<Value = TrapPolicerSetReq> {
    (
        handle(),
        any::<(Option<u32>, Option<u64>, Option<u64>)>(),
        unknowns(),
    )
        .prop_map(|(handle, (id, rate, burst), unknown)| TrapPolicerSetReq {
            handle,
            id,
            rate,
            burst,
            unknown,
        })
}

fn rate_key() -> impl Strategy<Value = RateKey> {
    prop_oneof![
        any::<u32>().prop_map(RateKey::Leaf),
        text().prop_map(RateKey::Node),
    ]
}

/// TC bandwidths; `max_index` bounds the index.
fn tc_bws(max_index: u8) -> impl Strategy<Value = Vec<RateTcBw>> {
    vec(
        (0..=max_index, any::<u32>()).prop_map(|(index, bw)| RateTcBw { index, bw }),
        0..4,
    )
}

pub(crate) fn rate() -> impl Strategy<Value = Rate> {
    (
        (handle(), rate_key(), any::<(u64, u64)>()),
        (any::<(Option<u32>, Option<u32>)>(), opt_text()),
        (tc_bws(u8::MAX), unknowns()),
    )
        .prop_map(
            |(
                (handle, key, (tx_share, tx_max)),
                ((tx_priority, tx_weight), parent),
                (tc_bws, unknown),
            )| Rate {
                handle,
                key,
                tx_share,
                tx_max,
                tx_priority,
                tx_weight,
                parent,
                tc_bws,
                unknown,
            },
        )
}

pub(crate) fn rate_get_req() -> impl Strategy<Value = RateGetReq> {
    (opt_handle(), of(rate_key()), unknowns()).prop_map(|(handle, key, unknown)| RateGetReq {
        handle,
        key,
        unknown,
    })
}

pub(crate) fn rate_req() -> impl Strategy<Value = RateReq> {
    (
        (handle(), rate_key(), any::<(Option<u64>, Option<u64>)>()),
        (any::<(Option<u32>, Option<u32>)>(), opt_text()),
        // In requests the policy bounds the TC index by `DEVLINK_RATE_TC_INDEX_MAX` (7)
        // and the decoder enforces it; replies carry whatever the kernel sends.
        (tc_bws(7), unknowns()),
    )
        .prop_map(
            |(
                (handle, key, (tx_share, tx_max)),
                ((tx_priority, tx_weight), parent),
                (tc_bws, unknown),
            )| RateReq {
                handle,
                key,
                tx_share,
                tx_max,
                tx_priority,
                tx_weight,
                parent,
                tc_bws,
                unknown,
            },
        )
}

pub(crate) fn rate_del_req() -> impl Strategy<Value = RateDelReq> {
    (handle(), text(), unknowns()).prop_map(|(handle, node, unknown)| RateDelReq {
        handle,
        node,
        unknown,
    })
}

pub(crate) fn info() -> impl Strategy<Value = Info> {
    let kind = prop_oneof![
        Just(InfoVersionKind::Fixed),
        Just(InfoVersionKind::Running),
        Just(InfoVersionKind::Stored),
    ];
    let version =
        (kind, text(), text(), unknowns()).prop_map(|(kind, name, value, unknown)| InfoVersion {
            kind,
            name,
            value,
            unknown,
        });
    let item = prop_oneof![
        text().prop_map(InfoItem::SerialNumber),
        text().prop_map(InfoItem::BoardSerialNumber),
        version.prop_map(InfoItem::Version),
        text().prop_map(InfoItem::DriverName),
    ];
    (handle(), vec(item, 0..8), unknowns()).prop_map(|(handle, items, unknown)| Info {
        handle,
        items,
        unknown,
    })
}

pub(crate) fn flash_status() -> impl Strategy<Value = FlashStatus> {
    let progress = any::<(u64, u64, u64)>().prop_map(|(done, total, timeout)| FlashProgress {
        done,
        total,
        timeout,
    });
    (handle(), opt_text(), opt_text(), of(progress), unknowns()).prop_map(
        |(handle, msg, component, progress, unknown)| FlashStatus {
            handle,
            msg,
            component,
            progress,
            unknown,
        },
    )
}

pub(crate) fn flash_update_req() -> impl Strategy<Value = FlashUpdateReq> {
    (handle(), text(), opt_text(), of(bitfield32()), unknowns()).prop_map(
        |(handle, file_name, component, overwrite_mask, unknown)| FlashUpdateReq {
            handle,
            file_name,
            component,
            overwrite_mask,
            unknown,
        },
    )
}
