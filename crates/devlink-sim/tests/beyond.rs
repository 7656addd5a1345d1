//! What netdevsim lacks, enabled by [`DeviceOptions`]: PCI-style handles, line cards,
//! port split, SF ports with port functions, port regions, nested instances, shared buffers,
//! FW_ACTIVATE / NO_RESET reloads, selftests — and the options read from TOML.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use common::{ERAS, World, count, opts, reload_req};
use devlink_core::{Errno, Response};
use devlink_sim::{
    DeviceOptions, Era, EswitchStart, LinecardOptions, PORT_REGION, ReloadOptions,
    SF_PORT_INDEX_BASE, SPLIT_PORT_INDEX_BASE, SbOptions,
};
use devlink_wire::devlink::{
    Handle, LinecardSetReq, PortFunction, PortKeyReq, PortNewReq, PortSetReq, PortSplitReq,
    RegionEventKind, RegionNewReq, SbPoolSetReq, SbTcPoolBindSetReq, SelftestIds, SelftestsGet,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{
    Cmd, KernelEnum, LinecardState, PortFlavour, PortFnOpstate, PortFnState, ReloadAction,
    ReloadLimit, SbPoolType, SbThresholdType, SelftestStatus,
};

fn pci() -> Handle {
    Handle::new("pci", "0000:03:00.0")
}

fn pci_opts(era: Era) -> DeviceOptions {
    DeviceOptions {
        handle: Some("pci/0000:03:00.0".into()),
        ..opts(1, 2, era)
    }
}

#[test]
fn toml_options_deserialize_with_defaults() {
    let o: DeviceOptions = toml::from_str(
        r#"
        id = 7
        ports = 4
        register = "first"
        handle = "pci/0000:03:00.0"
        eswitch = "switchdev"
        vfs = 2
        flash_chunk_ms = 10
        split_lanes = 4
        sf = true
        port_regions = true
        nested = ["auxiliary/mlx5_core.sf.1"]
        selftests = true
        reload = { fw_activate = true, no_reset = true }
        [[linecards]]
        index = 0
        types = ["16x100G", "8x200G"]
        [[shared_buffers]]
        size = 1048576
        "#,
    )
    .unwrap();
    assert_eq!((o.id, o.ports, o.register), (7, 4, Era::Mainline));
    assert_eq!(
        (o.eswitch, o.vfs, o.max_vfs),
        (EswitchStart::Switchdev, 2, 4)
    );
    assert_eq!(o.linecards[0].types.len(), 2);
    assert_eq!(o.shared_buffers[0].size, 1 << 20);
    assert_eq!(
        o.shared_buffers[0].ingress_pools,
        SbOptions::default().ingress_pools
    );
    let minimal: DeviceOptions = toml::from_str("id = 3").unwrap();
    assert_eq!(minimal, DeviceOptions::new(3, 1));
    assert!(toml::from_str::<DeviceOptions>("id = 3\nbogus = 1").is_err());
    assert!(toml::from_str::<DeviceOptions>("register = \"sometime\"").is_err());
    // Everything the TOML asked for builds.
    let mut w = World::with(&o);
    w.sim.del_device(&mut w.core, 7).unwrap();
    w.settle();
}

#[test]
fn pci_handles_and_the_bus_line() {
    let w = World::with(&pci_opts(Era::Mainline));
    assert_eq!(w.core.lookup(&pci()), w.sim.instance(1));
    let o = devlink_sim::Sim::parse_new_device("10 4").unwrap();
    assert_eq!((o.id, o.ports), (10, 4));
    assert_eq!(devlink_sim::Sim::parse_new_device("10").unwrap().ports, 1);
    assert!(devlink_sim::Sim::parse_new_device("x").is_err());
}

#[test]
fn line_cards_provision_and_unprovision() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            linecards: vec![LinecardOptions {
                index: 1,
                types: vec!["16x100G".into()],
            }],
            ..pci_opts(era)
        });
        let set = |t: Option<&str>| LinecardSetReq {
            handle: pci(),
            index: 1,
            lc_type: t.map(Into::into),
            unknown: vec![],
        };
        w.request(Cmd::LinecardSet, set(Some("16x100G"))).unwrap();
        let ntfs = w.settle();
        let states: Vec<LinecardState> = ntfs
            .iter()
            .filter_map(|(_, b)| match b {
                DevlinkBody::Linecard(l) => Some(l.state),
                _ => None,
            })
            .collect();
        assert_eq!(states.last(), Some(&LinecardState::Provisioned), "{era:?}");
        w.request(Cmd::LinecardSet, set(None)).unwrap();
        w.settle();
        w.sim.del_device(&mut w.core, 1).unwrap();
        assert_eq!(count(&w.settle(), Cmd::LinecardDel), 1);
    }
}

/// The port regions a batch of notifications created (`true`) or deleted, by port.
fn port_regions(ntfs: &[common::Ntf]) -> Vec<(bool, u32)> {
    ntfs.iter()
        .filter_map(|(c, b)| match b {
            DevlinkBody::RegionEvent(r)
                if r.name == PORT_REGION && matches!(r.kind, RegionEventKind::Size(_)) =>
            {
                Some((*c == Cmd::RegionNew, r.port_index?))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn port_regions_come_and_go_with_their_ports() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            port_regions: true,
            split_lanes: 4,
            ..pci_opts(era)
        });
        w.core.watch_check().unwrap();
        let snapshot = RegionNewReq {
            handle: pci(),
            port_index: Some(1),
            name: PORT_REGION.into(),
            snapshot_id: Some(1),
            unknown: vec![],
        };
        w.request(Cmd::RegionNew, snapshot).unwrap();
        w.settle();
        w.core.watch_check().unwrap();
        // A split port's region goes with it; the parts have none; unsplit brings it back.
        let split = PortSplitReq {
            handle: pci(),
            index: 0,
            count: 2,
            unknown: vec![],
        };
        w.request(Cmd::PortSplit, split).unwrap();
        assert_eq!(port_regions(&w.settle()), [(false, 0)], "{era:?}");
        w.core.watch_check().unwrap();
        let unsplit = PortKeyReq {
            handle: pci(),
            index: SPLIT_PORT_INDEX_BASE,
            unknown: vec![],
        };
        w.request(Cmd::PortUnsplit, unsplit).unwrap();
        assert_eq!(port_regions(&w.settle()), [(true, 0)], "{era:?}");
        w.core.watch_check().unwrap();
        // A reload takes every port down with its region (and snapshot) and back.
        let reload = reload_req(pci(), ReloadAction::DriverReinit, None);
        w.request(Cmd::Reload, reload).unwrap();
        let mut seen = port_regions(&w.settle());
        seen.sort_unstable();
        assert_eq!(
            seen,
            [(false, 0), (false, 1), (true, 0), (true, 1)],
            "{era:?}"
        );
        w.core.watch_check().unwrap();
    }
}

#[test]
fn split_and_unsplit() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            split_lanes: 4,
            ..pci_opts(era)
        });
        let split = |index, count| PortSplitReq {
            handle: pci(),
            index,
            count,
            unknown: vec![],
        };
        assert_eq!(
            w.request(Cmd::PortSplit, split(0, 3)).unwrap_err().errno,
            Errno::EINVAL
        );
        w.request(Cmd::PortSplit, split(0, 2)).unwrap();
        let ntfs = w.settle();
        assert_eq!(count(&ntfs, Cmd::PortDel), 1);
        let parts: Vec<(u32, Option<u32>, Option<u32>)> = ntfs
            .iter()
            .filter_map(|(c, b)| match b {
                DevlinkBody::Port(p) if *c == Cmd::PortNew && p.netdev_ifindex.is_some() => {
                    Some((p.index, p.split_subport_number, p.lanes))
                }
                _ => None,
            })
            .collect();
        let base = SPLIT_PORT_INDEX_BASE;
        assert_eq!(
            parts,
            [(base, Some(0), Some(2)), (base + 1, Some(1), Some(2))],
            "{era:?}"
        );
        // A split port cannot be split again.
        let e = w.request(Cmd::PortSplit, split(base, 2)).unwrap_err();
        assert_eq!(e.errno, Errno::EINVAL);
        let unsplit = |index| PortKeyReq {
            handle: pci(),
            index,
            unknown: vec![],
        };
        assert_eq!(
            w.request(Cmd::PortUnsplit, unsplit(1)).unwrap_err().errno,
            Errno::EINVAL
        );
        w.request(Cmd::PortUnsplit, unsplit(base + 1)).unwrap();
        let back = w.settle();
        assert_eq!(count(&back, Cmd::PortDel), 2);
        assert!(w.core.dump_objects(w.sim.instance(1).unwrap()).unwrap().iter().any(
            |(_, b)| matches!(b, DevlinkBody::Port(p) if p.index == 0 && p.splittable == Some(true))
        ));
    }
}

#[test]
fn sf_ports_with_functions() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            sf: true,
            ..pci_opts(era)
        });
        let new = |flavour| PortNewReq {
            handle: pci(),
            index: None,
            flavour,
            pci_pf: 0,
            pci_sf: Some(88),
            controller: None,
            unknown: vec![],
        };
        let e = w
            .request(Cmd::PortNew, new(PortFlavour::PciVf))
            .unwrap_err();
        assert_eq!(e.errno, Errno::EOPNOTSUPP);
        let Ok(Response::Do(r)) = w.request(Cmd::PortNew, new(PortFlavour::PciSf)) else {
            panic!()
        };
        let DevlinkBody::Port(p) = &r[0].body else {
            panic!()
        };
        assert_eq!((p.index, p.pci_sf), (SF_PORT_INDEX_BASE + 88, Some(88)));
        w.settle();
        let set = |f: PortFunction| PortSetReq {
            handle: pci(),
            index: SF_PORT_INDEX_BASE + 88,
            port_type: None,
            function: Some(f),
            unknown: vec![],
        };
        let mac = vec![0x02, 0, 0, 0, 0, 0x58];
        w.request(
            Cmd::PortSet,
            set(PortFunction {
                hw_addr: Some(mac.clone()),
                state: Some(PortFnState::Active),
                ..PortFunction::default()
            }),
        )
        .unwrap();
        let ntfs = w.settle();
        let DevlinkBody::Port(p) = &ntfs.last().unwrap().1 else {
            panic!()
        };
        let f = p.function.as_ref().unwrap();
        assert_eq!(f.hw_addr.as_ref(), Some(&mac));
        assert_eq!(
            (f.state, f.opstate),
            (Some(PortFnState::Active), Some(PortFnOpstate::Attached))
        );
        let multicast = set(PortFunction {
            hw_addr: Some(vec![1, 0, 0, 0, 0, 1]),
            ..PortFunction::default()
        });
        assert_eq!(
            w.request(Cmd::PortSet, multicast).unwrap_err().errno,
            Errno::EINVAL
        );
        w.settle();
        let del = |index| PortKeyReq {
            handle: pci(),
            index,
            unknown: vec![],
        };
        assert_eq!(
            w.request(Cmd::PortDel, del(0)).unwrap_err().errno,
            Errno::EOPNOTSUPP
        );
        w.request(Cmd::PortDel, del(SF_PORT_INDEX_BASE + 88))
            .unwrap();
        assert_eq!(count(&w.settle(), Cmd::PortDel), 1);
    }
}

#[test]
fn nested_instances_are_listed_by_their_parent() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            nested: vec!["auxiliary/sf.1".into(), "auxiliary/sf.2".into()],
            ..pci_opts(era)
        });
        let id = w.sim.instance(1).unwrap();
        let dump = w.core.dump_objects(id).unwrap();
        let DevlinkBody::Dev(d) = &dump[0].1 else {
            panic!()
        };
        assert_eq!(d.nested.len(), 2, "{era:?}");
        assert_eq!(w.core.registered().count(), 3);
        w.sim.del_device(&mut w.core, 1).unwrap();
        w.settle();
        assert_eq!(w.core.registered().count(), 0);
    }
}

#[test]
fn shared_buffer_pools_and_bindings() {
    let mut w = World::with(&DeviceOptions {
        shared_buffers: vec![SbOptions::default()],
        ..pci_opts(Era::Mainline)
    });
    let pool_set = |pool, size| SbPoolSetReq {
        handle: pci(),
        sb_index: 0,
        pool_index: pool,
        size,
        threshold_type: SbThresholdType::Static,
        unknown: vec![],
    };
    w.request(Cmd::SbPoolSet, pool_set(1, 1000)).unwrap();
    assert_eq!(
        w.request(Cmd::SbPoolSet, pool_set(9, 1000))
            .unwrap_err()
            .errno,
        Errno::EINVAL
    );
    let bind = |pool, pool_type| SbTcPoolBindSetReq {
        handle: pci(),
        port_index: 0,
        sb_index: 0,
        pool_index: pool,
        pool_type,
        tc_index: 3,
        threshold: 7,
        unknown: vec![],
    };
    w.request(Cmd::SbTcPoolBindSet, bind(2, SbPoolType::Egress))
        .unwrap();
    let e = w
        .request(Cmd::SbTcPoolBindSet, bind(0, SbPoolType::Egress))
        .unwrap_err();
    assert_eq!(e.errno, Errno::EINVAL);
    assert!(
        w.settle().is_empty(),
        "shared buffers have no notifications"
    );
}

#[test]
fn fw_activate_with_and_without_reset() {
    let mut w = World::with(&DeviceOptions {
        reload: ReloadOptions {
            fw_activate: true,
            no_reset: true,
        },
        ..pci_opts(Era::Mainline)
    });
    let reload = |limits| reload_req(pci(), ReloadAction::FwActivate, limits);
    let performed = |r: Response| match r {
        Response::Do(r) => match &r[0].body {
            DevlinkBody::ReloadReply(p) => p.actions_performed.value,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let no_reset = 1 << ReloadLimit::NoReset.repr();
    let live = performed(w.request(Cmd::Reload, reload(Some(no_reset))).unwrap());
    assert_eq!(live, 1 << ReloadAction::FwActivate.repr());
    let ntfs = w.settle();
    assert_eq!(
        ntfs.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        [Cmd::New],
        "nothing torn down"
    );
    let reset = performed(w.request(Cmd::Reload, reload(None)).unwrap());
    let both = (1 << ReloadAction::FwActivate.repr()) | (1 << ReloadAction::DriverReinit.repr());
    assert_eq!(reset, both);
    assert_eq!(count(&w.settle(), Cmd::TrapNew), 14);
    // Without the option FW_ACTIVATE is refused, as netdevsim's.
    let mut plain = World::with(&pci_opts(Era::Mainline));
    assert_eq!(
        plain.request(Cmd::Reload, reload(None)).unwrap_err().errno,
        Errno::EOPNOTSUPP
    );
}

#[test]
fn selftests_pass_until_the_knob_fails_them() {
    let mut w = World::with(&DeviceOptions {
        selftests: true,
        ..pci_opts(Era::Mainline)
    });
    let run = |w: &mut World| {
        let req = SelftestsGet {
            handle: pci(),
            tests: SelftestIds {
                flash: true,
                unknown: vec![],
            },
            unknown: vec![],
        };
        let Ok(Response::Do(r)) = w.request(Cmd::SelftestsRun, req) else {
            panic!()
        };
        let DevlinkBody::SelftestsRun(s) = &r[0].body else {
            panic!()
        };
        s.results[0].status
    };
    assert_eq!(run(&mut w), SelftestStatus::Pass);
    w.sim
        .set_knob(&mut w.core, 1, "fail_selftests", "1")
        .unwrap();
    assert_eq!(run(&mut w), SelftestStatus::Fail);
}
