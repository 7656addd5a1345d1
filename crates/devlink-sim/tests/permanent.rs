//! `permanent_params`: bnxt_en's generic permanent params, probed with the values of the
//! device's NVM (`DeviceOptions::nvm`), set with cmode `permanent`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use std::collections::BTreeMap;

use common::{ERAS, Ntf, World, nsim, opts};
use devlink_sim::DeviceOptions;
use devlink_wire::devlink::{ParamSetReq, ParamValue};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode, VarAttrType};

/// The permanent value of `name` in the last `PARAM_NEW` about it.
fn permanent(ntfs: &[Ntf], name: &str) -> Option<ParamValue> {
    ntfs.iter().rev().find_map(|(cmd, body)| match body {
        DevlinkBody::Param(p) if *cmd == Cmd::ParamNew && p.name == name => p
            .values
            .iter()
            .find(|e| e.cmode == ParamCmode::Permanent)
            .map(|e| e.data.clone()),
        _ => None,
    })
}

#[test]
fn netdevsim_has_no_permanent_param() {
    for era in ERAS {
        let mut w = World::new();
        w.sim.new_device(&mut w.core, &opts(0, 1, era)).unwrap();
        let ntfs = w.settle();
        assert_eq!(permanent(&ntfs, "enable_sriov"), None);
        assert_eq!(permanent(&ntfs, "msix_vec_per_pf_max"), None);
    }
}

#[test]
fn probe_takes_the_nvm_values_and_set_changes_them() {
    for era in ERAS {
        let mut w = World::new();
        let options = DeviceOptions {
            permanent_params: true,
            // A value of the wrong type is ignored: the default stays.
            nvm: BTreeMap::from([
                ("enable_sriov".to_owned(), ParamValue::Bool(true)),
                (
                    "msix_vec_per_pf_max".to_owned(),
                    ParamValue::String("x".into()),
                ),
                ("no_such_param".to_owned(), ParamValue::U8(1)),
            ]),
            ..opts(0, 1, era)
        };
        w.sim.new_device(&mut w.core, &options).unwrap();
        let ntfs = w.settle();
        assert_eq!(
            permanent(&ntfs, "enable_sriov"),
            Some(ParamValue::Bool(true))
        );
        assert_eq!(
            permanent(&ntfs, "msix_vec_per_pf_max"),
            Some(ParamValue::U32(8))
        );

        let set = ParamSetReq {
            handle: nsim(0),
            port_index: None,
            name: "msix_vec_per_pf_max".into(),
            cmode: ParamCmode::Permanent,
            reset_default: false,
            ty: VarAttrType::U32,
            value: Some(ParamValue::U32(32)),
            unknown: vec![],
        };
        w.request(Cmd::ParamSet, set.clone()).unwrap();
        let ntfs = w.settle();
        assert_eq!(
            permanent(&ntfs, "msix_vec_per_pf_max"),
            Some(ParamValue::U32(32))
        );
        // Driverinit is not a cmode of a permanent param.
        let driverinit = ParamSetReq {
            cmode: ParamCmode::Driverinit,
            ..set
        };
        assert!(w.request(Cmd::ParamSet, driverinit).is_err());

        w.sim.del_device(&mut w.core, 0).unwrap();
        let ntfs = w.settle();
        assert!(ntfs.iter().any(|(cmd, b)| *cmd == Cmd::ParamDel
            && matches!(b, DevlinkBody::Param(p) if p.name == "enable_sriov")));
    }
}

#[test]
fn every_permanent_type_is_offered_and_a_long_string_refused() {
    let mut w = World::new();
    let options = DeviceOptions {
        permanent_params: true,
        nvm: BTreeMap::from([("fw_load_policy".to_owned(), ParamValue::U8(2))]),
        ..opts(0, 1, ERAS[0])
    };
    w.sim.new_device(&mut w.core, &options).unwrap();
    let ntfs = w.settle();
    assert_eq!(permanent(&ntfs, "fw_load_policy"), Some(ParamValue::U8(2)));
    assert_eq!(
        permanent(&ntfs, "cqe_compress_type"),
        Some(ParamValue::String("balanced".into()))
    );
    let set = |value: &str| ParamSetReq {
        handle: nsim(0),
        port_index: None,
        name: "cqe_compress_type".into(),
        cmode: ParamCmode::Permanent,
        reset_default: false,
        ty: VarAttrType::String,
        value: Some(ParamValue::String(value.into())),
        unknown: vec![],
    };
    // 31 bytes and the NUL fit __DEVLINK_PARAM_MAX_STRING_VALUE (32); 32 do not.
    let longest = "a".repeat(31);
    w.request(Cmd::ParamSet, set(&longest)).unwrap();
    assert_eq!(
        permanent(&w.settle(), "cqe_compress_type"),
        Some(ParamValue::String(longest))
    );
    let e = w.request(Cmd::ParamSet, set(&"a".repeat(32))).unwrap_err();
    assert_eq!(e.errno, devlink_core::Errno::EINVAL, "{e:?}");
    assert!(w.settle().is_empty(), "a refused set notified");
}
