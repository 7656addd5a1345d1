//! Devices, ports, eswitch, reload, line cards, selftests, notify filter.

use devlink_wire::devlink::*;
use devlink_wire::spec::{
    KernelEnum, PortFnAttr, ReloadAction, SelftestIdAttr, SelftestResultAttr,
};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

use crate::common::*;

fn reload_stats() -> impl Strategy<Value = Vec<ReloadActionInfo>> {
    let entry =
        (any_of(), any::<u32>()).prop_map(|(limit, value)| ReloadStatsEntry { limit, value });
    let info = (any_of(), vec(entry, 0..4))
        .prop_map(|(action, entries)| ReloadActionInfo { action, entries });
    vec(info, 0..3)
}

pub(crate) fn dev() -> impl Strategy<Value = Dev> {
    let stats = (reload_stats(), reload_stats()).prop_map(|(reload, remote_reload)| DevStats {
        reload,
        remote_reload,
    });
    (
        handle(),
        any::<Option<bool>>(),
        of(stats),
        vec(nested_handle(), 0..3),
        unknowns(),
    )
        .prop_map(|(handle, reload_failed, stats, nested, unknown)| Dev {
            handle,
            reload_failed,
            stats,
            nested,
            unknown,
        })
}

pub(crate) fn dev_req() -> impl Strategy<Value = DevReq> {
    (opt_handle(), unknowns()).prop_map(|(handle, unknown)| DevReq { handle, unknown })
}

fn port_function() -> impl Strategy<Value = PortFunction> {
    let caps = any::<(u32, u32)>().prop_map(|(value, selector)| PortFnCaps { value, selector });
    (
        of(bytes(8)),
        of(caps),
        of(any_of()),
        of(any_of()),
        any::<Option<u32>>(),
        of(nested_handle()),
        unknowns_in(first_undefined_in::<PortFnAttr>()),
    )
        .prop_map(
            |(hw_addr, caps, state, opstate, max_io_eqs, devlink, unknown)| PortFunction {
                hw_addr,
                caps,
                state,
                opstate,
                max_io_eqs,
                devlink,
                unknown,
            },
        )
}

pub(crate) fn port() -> impl Strategy<Value = Port> {
    let o32 = any::<Option<u32>>;
    let o16 = any::<Option<u16>>;
    let head = (handle(), any::<u32>(), any_of(), of(any_of()));
    let netdev = (o32(), opt_text(), opt_text(), o32(), any::<Option<bool>>());
    let attrs = (
        of(any_of()),
        o32(),
        o32(),
        o32(),
        o32(),
        o16(),
        o16(),
        o32(),
    );
    let tail = (
        any::<Option<bool>>(),
        of(port_function()),
        o32(),
        unknowns(),
    );
    (head, netdev, attrs, tail).prop_map(
        |(
            (handle, index, port_type, desired_type),
            (netdev_ifindex, netdev_name, ibdev_name, lanes, splittable),
            (
                flavour,
                number,
                split_group,
                split_subport_number,
                controller,
                pci_pf,
                pci_vf,
                pci_sf,
            ),
            (external, function, linecard_index, unknown),
        )| Port {
            handle,
            index,
            port_type,
            desired_type,
            netdev_ifindex,
            netdev_name: netdev_name.map(Into::into),
            ibdev_name: ibdev_name.map(Into::into),
            lanes,
            splittable,
            flavour,
            number,
            split_group,
            split_subport_number,
            controller,
            pci_pf,
            pci_vf,
            pci_sf,
            external,
            function,
            linecard_index,
            unknown,
        },
    )
}

pub(crate) fn port_get_req() -> impl Strategy<Value = PortGetReq> {
    (opt_handle(), any::<Option<u32>>(), unknowns()).prop_map(|(handle, index, unknown)| {
        PortGetReq {
            handle,
            index,
            unknown,
        }
    })
}

pub(crate) fn port_set_req() -> impl Strategy<Value = PortSetReq> {
    (
        handle(),
        any::<u32>(),
        of(any_of()),
        of(port_function()),
        unknowns(),
    )
        .prop_map(|(handle, index, port_type, function, unknown)| PortSetReq {
            handle,
            index,
            port_type,
            function,
            unknown,
        })
}

pub(crate) fn port_new_req() -> impl Strategy<Value = PortNewReq> {
    (
        handle(),
        any::<Option<u32>>(),
        any_of(),
        any::<u16>(),
        any::<Option<u32>>(),
        any::<Option<u32>>(),
        unknowns(),
    )
        .prop_map(
            |(handle, index, flavour, pci_pf, pci_sf, controller, unknown)| PortNewReq {
                handle,
                index,
                flavour,
                pci_pf,
                pci_sf,
                controller,
                unknown,
            },
        )
}

pub(crate) fn port_key_req() -> impl Strategy<Value = PortKeyReq> {
    (handle(), any::<u32>(), unknowns()).prop_map(|(handle, index, unknown)| PortKeyReq {
        handle,
        index,
        unknown,
    })
}

pub(crate) fn port_split_req() -> impl Strategy<Value = PortSplitReq> {
    (handle(), any::<u32>(), any::<u32>(), unknowns()).prop_map(
        |(handle, index, count, unknown)| PortSplitReq {
            handle,
            index,
            count,
            unknown,
        },
    )
}

pub(crate) fn eswitch() -> impl Strategy<Value = Eswitch> {
    (
        handle(),
        of(any_of()),
        of(any_of()),
        of(any_of()),
        unknowns(),
    )
        .prop_map(|(handle, mode, inline_mode, encap_mode, unknown)| Eswitch {
            handle,
            mode,
            inline_mode,
            encap_mode,
            unknown,
        })
}

pub(crate) fn reload_req() -> impl Strategy<Value = ReloadReq> {
    // `RELOAD_ACTION` in a request is `NLA_POLICY_RANGE(NLA_U8, 1, 2)`: the decoder
    // rejects `UNSPEC` as the kernel does, so it never comes back.
    let action = proptest::sample::select(
        ReloadAction::ALL
            .iter()
            .copied()
            .filter(|a| *a != ReloadAction::Unspec)
            .collect::<Vec<_>>(),
    );
    let o32 = any::<Option<u32>>;
    (
        handle(),
        o32(),
        o32(),
        o32(),
        of(action),
        of(bitfield32()),
        unknowns(),
    )
        .prop_map(
            |(handle, netns_pid, netns_fd, netns_id, action, limits, unknown)| ReloadReq {
                handle,
                netns_pid,
                netns_fd,
                netns_id,
                action,
                limits,
                unknown,
            },
        )
}

pub(crate) fn reload_reply() -> impl Strategy<Value = ReloadReply> {
    (handle(), bitfield32(), unknowns()).prop_map(|(handle, actions_performed, unknown)| {
        ReloadReply {
            handle,
            actions_performed,
            unknown,
        }
    })
}

pub(crate) fn linecard() -> impl Strategy<Value = Linecard> {
    (
        handle(),
        any::<u32>(),
        any_of(),
        opt_text(),
        of(vec(text(), 0..4)),
        of(nested_handle()),
        unknowns(),
    )
        .prop_map(
            |(handle, index, state, lc_type, supported_types, nested, unknown)| Linecard {
                handle,
                index,
                state,
                lc_type,
                supported_types,
                nested,
                unknown,
            },
        )
}

pub(crate) fn linecard_get_req() -> impl Strategy<Value = LinecardGetReq> {
    (opt_handle(), any::<Option<u32>>(), unknowns()).prop_map(|(handle, index, unknown)| {
        LinecardGetReq {
            handle,
            index,
            unknown,
        }
    })
}

pub(crate) fn linecard_set_req() -> impl Strategy<Value = LinecardSetReq> {
    (handle(), any::<u32>(), opt_text(), unknowns()).prop_map(
        |(handle, index, lc_type, unknown)| LinecardSetReq {
            handle,
            index,
            lc_type,
            unknown,
        },
    )
}

pub(crate) fn selftests_get() -> impl Strategy<Value = SelftestsGet> {
    let unknown = unknowns_in(first_undefined_in::<SelftestIdAttr>());
    let tests =
        (any::<bool>(), unknown).prop_map(|(flash, unknown)| SelftestIds { flash, unknown });
    (handle(), tests, unknowns()).prop_map(|(handle, tests, unknown)| SelftestsGet {
        handle,
        tests,
        unknown,
    })
}

pub(crate) fn selftests_run() -> impl Strategy<Value = SelftestsRun> {
    let unknown = unknowns_in(first_undefined_in::<SelftestResultAttr>());
    let result =
        (any::<u32>(), any_of(), unknown).prop_map(|(id, status, unknown)| SelftestResult {
            id,
            status,
            unknown,
        });
    (handle(), vec(result, 0..4), unknowns()).prop_map(|(handle, results, unknown)| SelftestsRun {
        handle,
        results,
        unknown,
    })
}

pub(crate) fn notify_filter_req() -> impl Strategy<Value = NotifyFilterReq> {
    (opt_text(), opt_text(), any::<Option<u32>>(), unknowns()).prop_map(
        |(bus_name, dev_name, port_index, unknown)| NotifyFilterReq {
            bus_name,
            dev_name,
            port_index,
            unknown,
        },
    )
}
