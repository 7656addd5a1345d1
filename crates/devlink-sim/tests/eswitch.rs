//! SR-IOV and the e-switch (kernel: `nsim_drv_configure_vfs`, `nsim_esw_*_enable`,
//! the rate ops in `drivers/net/netdevsim/dev.c`): sysfs errnos, VF ports at
//! `128 + n` with rate leaves in switchdev mode, rate nodes destroyed when VFs go,
//! and reload tearing VFs down — in both eras, every stream through the checker and
//! fold == dump.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use common::{ERAS, Ntf, World, count, nsim, opts};
use devlink_core::{Errno, Response};
use devlink_sim::{DeviceOptions, Era, EswitchStart};
use devlink_wire::devlink::{DevReq, Eswitch, RateKey, RateReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, EswitchMode, PortFlavour, ReloadAction, ReloadLimit};

fn eswitch_set(w: &mut World, mode: EswitchMode) -> Result<Response, devlink_core::Rejection> {
    let req = Eswitch {
        handle: nsim(1),
        mode: Some(mode),
        inline_mode: None,
        encap_mode: None,
        unknown: vec![],
    };
    w.request(Cmd::EswitchSet, req)
}

fn eswitch_get(w: &mut World) -> EswitchMode {
    let req = DevReq {
        handle: Some(nsim(1)),
        unknown: vec![],
    };
    let Ok(Response::Do(r)) = w.request(Cmd::EswitchGet, req) else {
        panic!()
    };
    match &r[0].body {
        DevlinkBody::Eswitch(e) => e.mode.unwrap(),
        other => panic!("{other:?}"),
    }
}

fn rate(key: RateKey) -> RateReq {
    RateReq {
        handle: nsim(1),
        key,
        tx_share: None,
        tx_max: None,
        tx_priority: None,
        tx_weight: None,
        parent: None,
        tc_bws: vec![],
        unknown: vec![],
    }
}

fn node(name: &str) -> RateKey {
    RateKey::Node(name.into())
}

/// The port indexes of `PORT_NEW`s that carry a netdev, and of `PORT_DEL`s.
fn ports(ntfs: &[Ntf], cmd: Cmd) -> Vec<u32> {
    ntfs.iter()
        .filter_map(|(c, b)| match b {
            DevlinkBody::Port(p)
                if *c == cmd && (cmd == Cmd::PortDel || p.netdev_ifindex.is_some()) =>
            {
                Some(p.index)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn sriov_numvfs_errnos_follow_the_bus() {
    let mut w = World::with(&DeviceOptions::new(1, 1));
    let (core, sim) = (&mut w.core, &mut w.sim);
    assert_eq!(
        sim.sriov_numvfs(core, 2, 1).unwrap_err().errno(),
        Errno::ENOENT
    );
    assert_eq!(
        sim.sriov_numvfs(core, 1, 5).unwrap_err().errno(),
        Errno::ENOMEM
    );
    sim.sriov_numvfs(core, 1, 2).unwrap();
    sim.sriov_numvfs(core, 1, 2).unwrap(); // the same count: nothing to do
    let e = sim.sriov_numvfs(core, 1, 3).unwrap_err();
    assert_eq!(e.errno(), Errno::EBUSY);
    assert_eq!(sim.num_vfs(core, 1).unwrap(), 2);
    // Legacy mode: VFs have no devlink objects.
    assert!(w.settle().is_empty());
    w.sim.sriov_numvfs(&mut w.core, 1, 0).unwrap();
    w.sim.sriov_numvfs(&mut w.core, 1, 4).unwrap();
    assert!(w.settle().is_empty());
}

#[test]
fn switchdev_adds_vf_ports_with_leaves_and_legacy_removes_them() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            vfs: 2,
            ..opts(1, 1, era)
        });
        assert_eq!(eswitch_get(&mut w), EswitchMode::Legacy);
        eswitch_set(&mut w, EswitchMode::Switchdev).unwrap();
        let up = w.settle();
        assert_eq!(ports(&up, Cmd::PortNew), [128, 129], "{era:?}");
        assert_eq!(count(&up, Cmd::RateNew), 2);
        let vf1 = up.iter().find_map(|(_, b)| match b {
            DevlinkBody::Port(p) if p.index == 129 => Some(p.clone()),
            _ => None,
        });
        let vf1 = vf1.unwrap();
        assert_eq!(
            (vf1.flavour, vf1.pci_pf, vf1.pci_vf),
            (Some(PortFlavour::PciVf), Some(0), Some(1))
        );
        assert_eq!(eswitch_get(&mut w), EswitchMode::Switchdev);
        eswitch_set(&mut w, EswitchMode::Switchdev).unwrap(); // same mode: nothing
        assert!(w.settle().is_empty());
        eswitch_set(&mut w, EswitchMode::Legacy).unwrap();
        let down = w.settle();
        // Most recent first: VF 1, then VF 0, each leaf before its port.
        assert_eq!(ports(&down, Cmd::PortDel), [129, 128], "{era:?}");
        let first_del = down.iter().position(|(c, _)| *c == Cmd::RateDel).unwrap();
        let port_del = down.iter().position(|(c, _)| *c == Cmd::PortDel).unwrap();
        assert!(first_del < port_del);
        assert_eq!(eswitch_get(&mut w), EswitchMode::Legacy);
    }
}

#[test]
fn rate_nodes_need_switchdev_block_eswitch_set_and_die_with_the_vfs() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            vfs: 2,
            eswitch: EswitchStart::Switchdev,
            ..opts(1, 1, era)
        });
        w.request(Cmd::RateNew, rate(node("group"))).unwrap();
        w.request(
            Cmd::RateNew,
            RateReq {
                parent: Some("group".into()),
                ..rate(node("sub"))
            },
        )
        .unwrap();
        w.request(
            Cmd::RateSet,
            RateReq {
                parent: Some("sub".into()),
                tx_max: Some(10 * 125_000),
                ..rate(RateKey::Leaf(129))
            },
        )
        .unwrap();
        w.settle();
        // netdevsim's rate units: whole Mbps, at most 5000.
        let bad = RateReq {
            tx_share: Some(1000),
            ..rate(RateKey::Leaf(128))
        };
        let e = w.request(Cmd::RateSet, bad).unwrap_err();
        assert_eq!(e.errno, Errno::EINVAL);
        let fast = RateReq {
            tx_max: Some(5001 * 125_000),
            ..rate(node("group"))
        };
        assert_eq!(
            w.request(Cmd::RateSet, fast).unwrap_err().errno,
            Errno::EINVAL
        );
        // ESWITCH_SET refuses while nodes exist (devlink_rate_nodes_check).
        let e = eswitch_set(&mut w, EswitchMode::Legacy).unwrap_err();
        assert_eq!(e.errno, Errno::EBUSY);
        assert!(w.settle().is_empty());
        // Disabling the VFs in switchdev mode: nodes destroyed (the leaf unparented
        // first), VF ports gone, back to legacy.
        w.sim.sriov_numvfs(&mut w.core, 1, 0).unwrap();
        let gone = w.settle();
        let rate_dels: Vec<&RateKey> = gone
            .iter()
            .filter_map(|(c, b)| match b {
                DevlinkBody::Rate(r) if *c == Cmd::RateDel => Some(&r.key),
                _ => None,
            })
            .collect();
        assert_eq!(
            rate_dels,
            [
                &node("sub"),
                &node("group"),
                &RateKey::Leaf(129),
                &RateKey::Leaf(128)
            ],
            "{era:?}"
        );
        assert_eq!(ports(&gone, Cmd::PortDel), [129, 128]);
        assert_eq!(eswitch_get(&mut w), EswitchMode::Legacy);
        // Nodes are refused in legacy mode.
        let e = w.request(Cmd::RateNew, rate(node("late"))).unwrap_err();
        assert_eq!(e.errno, Errno::EOPNOTSUPP);
        assert_eq!(
            e.msg.as_deref(),
            Some("netdevsim: Node creation allowed only in switchdev mode.")
        );
    }
}

#[test]
fn reload_disables_vfs_first_and_comes_back_legacy() {
    for era in ERAS {
        let mut w = World::with(&DeviceOptions {
            vfs: 3,
            eswitch: EswitchStart::Switchdev,
            ..opts(1, 2, era)
        });
        let id = w.sim.instance(1).unwrap();
        w.core
            .reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        let ntfs = w.settle();
        let dels = ports(&ntfs, Cmd::PortDel);
        assert_eq!(dels, [130, 129, 128, 1, 0], "{era:?}: VFs first, then PFs");
        assert_eq!(ports(&ntfs, Cmd::PortNew), [0, 1]);
        assert_eq!(w.sim.num_vfs(&mut w.core, 1).unwrap(), 0);
        assert_eq!(eswitch_get(&mut w), EswitchMode::Legacy);
        w.sim.del_device(&mut w.core, 1).unwrap();
        assert_eq!(w.settle().last().map(|(c, _)| *c), Some(Cmd::Del));
    }
}

#[test]
fn remove_with_vfs_in_switchdev_passes_the_checker() {
    for era in [Era::Kernel61, Era::Mainline] {
        let mut w = World::with(&DeviceOptions {
            vfs: 2,
            eswitch: EswitchStart::Switchdev,
            ..opts(1, 1, era)
        });
        w.request(Cmd::RateNew, rate(node("n"))).unwrap();
        w.settle();
        w.sim.del_device(&mut w.core, 1).unwrap();
        let ntfs = w.settle();
        assert_eq!(ntfs.last().map(|(c, _)| *c), Some(Cmd::Del));
        assert!(w.sim.instance(1).is_none());
    }
}
