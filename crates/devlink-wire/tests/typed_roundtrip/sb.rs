//! Shared buffers.

use devlink_wire::devlink::*;
use proptest::option::of;
use proptest::prelude::*;

use crate::common::*;

fn occ() -> impl Strategy<Value = Option<SbOcc>> {
    of(any::<(u32, u32)>().prop_map(|(cur, max)| SbOcc { cur, max }))
}

pub(crate) fn sb() -> impl Strategy<Value = Sb> {
    (
        handle(),
        any::<(u32, u32)>(),
        any::<(u16, u16, u16, u16)>(),
        unknowns(),
    )
        .prop_map(
            |(handle, (index, size), (ipc, epc, itc, etc), unknown)| Sb {
                handle,
                index,
                size,
                ingress_pool_count: ipc,
                egress_pool_count: epc,
                ingress_tc_count: itc,
                egress_tc_count: etc,
                unknown,
            },
        )
}

pub(crate) fn sb_pool() -> impl Strategy<Value = SbPool> {
    (
        handle(),
        any::<(u32, u16)>(),
        any_of(),
        any::<u32>(),
        any_of(),
        any::<u32>(),
        unknowns(),
    )
        .prop_map(
            |(
                handle,
                (sb_index, pool_index),
                pool_type,
                size,
                threshold_type,
                cell_size,
                unknown,
            )| {
                SbPool {
                    handle,
                    sb_index,
                    pool_index,
                    pool_type,
                    size,
                    threshold_type,
                    cell_size,
                    unknown,
                }
            },
        )
}

pub(crate) fn sb_port_pool() -> impl Strategy<Value = SbPortPool> {
    (handle(), any::<(u32, u32, u16, u32)>(), occ(), unknowns()).prop_map(
        |(handle, (port_index, sb_index, pool_index, threshold), occ, unknown)| SbPortPool {
            handle,
            port_index,
            sb_index,
            pool_index,
            threshold,
            occ,
            unknown,
        },
    )
}

pub(crate) fn sb_tc_pool_bind() -> impl Strategy<Value = SbTcPoolBind> {
    (
        handle(),
        any::<(u32, u32, u16)>(),
        any_of(),
        any::<(u16, u32)>(),
        occ(),
        unknowns(),
    )
        .prop_map(
            |(
                handle,
                (port_index, sb_index, tc_index),
                pool_type,
                (pool_index, threshold),
                occ,
                unknown,
            )| SbTcPoolBind {
                handle,
                port_index,
                sb_index,
                tc_index,
                pool_type,
                pool_index,
                threshold,
                occ,
                unknown,
            },
        )
}

pub(crate) fn sb_get_req() -> impl Strategy<Value = SbGetReq> {
    (opt_handle(), any::<Option<u32>>(), unknowns()).prop_map(|(handle, sb_index, unknown)| {
        SbGetReq {
            handle,
            sb_index,
            unknown,
        }
    })
}

pub(crate) fn sb_pool_get_req() -> impl Strategy<Value = SbPoolGetReq> {
    (
        opt_handle(),
        any::<(Option<u32>, Option<u16>)>(),
        unknowns(),
    )
        .prop_map(|(handle, (sb_index, pool_index), unknown)| SbPoolGetReq {
            handle,
            sb_index,
            pool_index,
            unknown,
        })
}

pub(crate) fn sb_pool_set_req() -> impl Strategy<Value = SbPoolSetReq> {
    (handle(), any::<(u32, u16, u32)>(), any_of(), unknowns()).prop_map(
        |(handle, (sb_index, pool_index, size), threshold_type, unknown)| SbPoolSetReq {
            handle,
            sb_index,
            pool_index,
            size,
            threshold_type,
            unknown,
        },
    )
}

pub(crate) fn sb_port_pool_get_req() -> impl Strategy<Value = SbPortPoolGetReq> {
    (
        opt_handle(),
        any::<(Option<u32>, Option<u32>, Option<u16>)>(),
        unknowns(),
    )
        .prop_map(
            |(handle, (port_index, sb_index, pool_index), unknown)| SbPortPoolGetReq {
                handle,
                port_index,
                sb_index,
                pool_index,
                unknown,
            },
        )
}

pub(crate) fn sb_port_pool_set_req() -> impl Strategy<Value = SbPortPoolSetReq> {
    (handle(), any::<(u32, u32, u16, u32)>(), unknowns()).prop_map(
        |(handle, (port_index, sb_index, pool_index, threshold), unknown)| SbPortPoolSetReq {
            handle,
            port_index,
            sb_index,
            pool_index,
            threshold,
            unknown,
        },
    )
}

pub(crate) fn sb_tc_pool_bind_get_req() -> impl Strategy<Value = SbTcPoolBindGetReq> {
    (
        opt_handle(),
        any::<(Option<u32>, Option<u32>)>(),
        of(any_of()),
        any::<Option<u16>>(),
        unknowns(),
    )
        .prop_map(
            |(handle, (port_index, sb_index), pool_type, tc_index, unknown)| SbTcPoolBindGetReq {
                handle,
                port_index,
                sb_index,
                pool_type,
                tc_index,
                unknown,
            },
        )
}

pub(crate) fn sb_tc_pool_bind_set_req() -> impl Strategy<Value = SbTcPoolBindSetReq> {
    (
        handle(),
        any::<(u32, u32, u16)>(),
        any_of(),
        any::<(u32, u16)>(),
        unknowns(),
    )
        .prop_map(
            |(
                handle,
                (port_index, sb_index, pool_index),
                pool_type,
                (threshold, tc_index),
                unknown,
            )| {
                SbTcPoolBindSetReq {
                    handle,
                    port_index,
                    sb_index,
                    pool_index,
                    pool_type,
                    threshold,
                    tc_index,
                    unknown,
                }
            },
        )
}

pub(crate) fn sb_occ_req() -> impl Strategy<Value = SbOccReq> {
    (handle(), any::<u32>(), unknowns()).prop_map(|(handle, sb_index, unknown)| SbOccReq {
        handle,
        sb_index,
        unknown,
    })
}
