//! Every debugfs knob's effect, through the [`devlink_sim::Sim`] control API on a real
//! core (kernel: `nsim_dev_debugfs_init` in `drivers/net/netdevsim/dev.c`, `health.c`).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failed unwrap or index is a failed test"
)]

mod common;

use common::{Ntf, World, count, nsim, opts};
use devlink_core::{Errno, Response};
use devlink_sim::{DeviceOptions, EACCES, Era, KNOBS, SimError};
use devlink_wire::devlink::{
    Bitfield32, FlashUpdateReq, FmsgItem, FmsgValue, HealthReporter, HealthState, RegionEventKind,
    TrapGetReq, TrapGroupSetReq, TrapPolicerGetReq, TrapPolicerSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ReloadAction, ReloadLimit};

fn world() -> World {
    World::with(&DeviceOptions::new(1, 2))
}

fn set(w: &mut World, name: &str, value: &str) -> Result<(), SimError> {
    w.sim.set_knob(&mut w.core, 1, name, value)
}

fn get(w: &mut World, name: &str) -> String {
    w.sim.get_knob(&mut w.core, 1, name).unwrap()
}

fn reload(w: &mut World) -> Result<u32, devlink_core::DriverError> {
    let id = w.sim.instance(1).unwrap();
    w.core
        .reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
}

fn flash(w: &mut World, mask: Option<u32>) -> Result<Response, devlink_core::Rejection> {
    let req = FlashUpdateReq {
        handle: nsim(1),
        file_name: "fw.bin".into(),
        component: None,
        overwrite_mask: mask.map(|value| Bitfield32 { value, selector: 3 }),
        unknown: vec![],
    };
    w.request(Cmd::FlashUpdate, req)
}

fn reporter(w: &mut World, name: &str) -> HealthReporter {
    let req = devlink_wire::devlink::HealthReq {
        handle: Some(nsim(1)),
        port_index: None,
        name: Some(name.into()),
        unknown: vec![],
    };
    let Ok(Response::Do(r)) = w.request(Cmd::HealthReporterGet, req) else {
        panic!("reporter {name}")
    };
    match &r[0].body {
        DevlinkBody::HealthReporter(h) => HealthReporter::clone(h),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_device_knob_and_values_have_the_kernel_errnos() {
    let mut w = world();
    let e = w
        .sim
        .set_knob(&mut w.core, 9, "fail_reload", "1")
        .unwrap_err();
    assert_eq!((e.errno(), &e), (Errno::ENOENT, &SimError::NoDevice(9)));
    assert_eq!(
        set(&mut w, "no_such_knob", "1").unwrap_err().errno(),
        Errno::ENOENT
    );
    assert_eq!(
        set(&mut w, "fail_reload", "maybe").unwrap_err().errno(),
        Errno::EINVAL
    );
    // kstrtobool: the first character decides ("on"/"off": the second).
    for (text, value) in [
        ("true", "Y"),
        ("false", "N"),
        ("yes", "Y"),
        ("off", "N"),
        ("On", "Y"),
    ] {
        set(&mut w, "fail_reload", text).unwrap();
        assert_eq!(
            w.sim.get_knob(&mut w.core, 1, "fail_reload").unwrap(),
            value
        );
    }
    set(&mut w, "fail_reload", "0").unwrap();
    assert_eq!(
        set(&mut w, "fail_reload", "o").unwrap_err().errno(),
        Errno::EINVAL
    );
    assert_eq!(
        set(&mut w, "health/binary_len", "-1").unwrap_err().errno(),
        Errno::EINVAL
    );
    let e = w.sim.get_knob(&mut w.core, 1, "take_snapshot").unwrap_err();
    assert_eq!(e.errno(), EACCES);
    assert!(!e.to_string().is_empty());
    // Nothing changed, nothing notified.
    assert!(w.settle().is_empty());
}

#[test]
fn list_shows_every_knob_and_the_defaults() {
    let mut w = world();
    let list = w.sim.knobs(&mut w.core, 1).unwrap();
    assert_eq!(list.len(), KNOBS.len());
    let value = |n: &str| list.iter().find(|(k, _)| *k == n).unwrap().1.clone();
    assert_eq!(value("fw_update_status").as_deref(), Some("Y"));
    assert_eq!(value("fail_reload").as_deref(), Some("N"));
    assert_eq!(value("max_vfs").as_deref(), Some("4"));
    assert_eq!(value("health/binary_len").as_deref(), Some("16"));
    assert_eq!(value("take_snapshot"), None);
    assert_eq!(value("trap_flow_action_cookie"), None, "no cookie set");
}

#[test]
fn dont_allow_reload_and_fail_reload() {
    let mut w = world();
    set(&mut w, "dont_allow_reload", "Y\n").unwrap();
    assert_eq!(get(&mut w, "dont_allow_reload"), "Y");
    let e = reload(&mut w).unwrap_err();
    assert_eq!(e.errno, Errno::EOPNOTSUPP);
    assert!(
        w.settle().is_empty(),
        "a refused reload_down changes nothing"
    );
    set(&mut w, "dont_allow_reload", "0").unwrap();
    set(&mut w, "fail_reload", "on").unwrap();
    assert_eq!(reload(&mut w).unwrap_err().errno, Errno::EINVAL);
    let torn = w.settle();
    assert_eq!(count(&torn, Cmd::TrapDel), 14);
    assert_eq!(count(&torn, Cmd::TrapNew), 0);
    set(&mut w, "fail_reload", "off").unwrap();
    reload(&mut w).unwrap();
    assert_eq!(count(&w.settle(), Cmd::TrapNew), 14);
}

#[test]
fn fw_update_status_and_overwrite_mask_reset_at_reload() {
    let mut w = world();
    set(&mut w, "fw_update_status", "N").unwrap();
    flash(&mut w, None).unwrap();
    let quiet: Vec<Cmd> = w.settle().into_iter().map(|(c, _)| c).collect();
    assert_eq!(quiet, [Cmd::FlashUpdate, Cmd::FlashUpdateEnd]);
    // Overwrite bit 0 (settings) is not allowed until the mask knob allows it.
    let e = flash(&mut w, Some(1)).unwrap_err();
    assert_eq!(e.errno, Errno::EOPNOTSUPP);
    w.settle();
    set(&mut w, "fw_update_overwrite_mask", "0x1").unwrap();
    assert_eq!(get(&mut w, "fw_update_overwrite_mask"), "1");
    flash(&mut w, Some(1)).unwrap();
    w.settle();
    assert!(flash(&mut w, Some(2)).is_err(), "bit 1 still refused");
    w.settle();
    // nsim_dev_reload_create resets both.
    reload(&mut w).unwrap();
    w.settle();
    assert_eq!(get(&mut w, "fw_update_status"), "Y");
    assert_eq!(get(&mut w, "fw_update_overwrite_mask"), "0");
}

#[test]
fn take_snapshot_allocates_ids_until_the_region_is_full() {
    let mut w = world();
    for expect in 0..16_u32 {
        set(&mut w, "take_snapshot", "1").unwrap();
        let ntfs = w.settle();
        let [(Cmd::RegionNew, DevlinkBody::RegionEvent(e))] = ntfs.as_slice() else {
            panic!("{ntfs:?}")
        };
        assert_eq!(
            (e.name.as_str(), &e.kind),
            ("dummy", &RegionEventKind::Snapshot(expect))
        );
    }
    let e = set(&mut w, "take_snapshot", "1").unwrap_err();
    assert_eq!(e.errno(), Errno::ENOSPC);
    assert!(w.settle().is_empty());
    // Reload destroys the region with its snapshots (REGION_DEL per snapshot first).
    reload(&mut w).unwrap();
    assert_eq!(count(&w.settle(), Cmd::RegionDel), 17);
}

fn has_string(items: &[FmsgItem], name: &str, value: &str) -> bool {
    items.windows(3).any(|w| {
        matches!(w, [FmsgItem::Name(n), FmsgItem::Value(FmsgValue::String(v)), _] if n == name && v == value)
    })
}

fn binary_len(items: &[FmsgItem]) -> usize {
    items
        .iter()
        .find_map(|i| match i {
            FmsgItem::Value(FmsgValue::Binary(b)) => Some(b.len()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn break_health_reports_dumps_and_recovers() {
    let mut w = world();
    set(&mut w, "health/break_health", "oops\n").unwrap();
    let ntfs: Vec<Ntf> = w.settle();
    assert_eq!(
        count(&ntfs, Cmd::HealthReporterRecover),
        2,
        "error, then recovered"
    );
    let r = reporter(&mut w, "dummy");
    assert_eq!(
        (r.error_count, r.recover_count, r.state),
        (1, 1, HealthState::Healthy)
    );
    // The auto-dump saw the break message; the diagnose shows it as recovered.
    let dump = w.health_fmsg(&nsim(1), Cmd::HealthReporterDumpGet, "dummy");
    assert!(has_string(&dump, "break_message", "oops"), "{dump:?}");
    let diag = w.health_fmsg(&nsim(1), Cmd::HealthReporterDiagnose, "dummy");
    assert!(has_string(&diag, "recovered_break_message", "oops"));
    assert_eq!(binary_len(&diag), 16);
    set(&mut w, "health/binary_len", "100").unwrap();
    let diag = w.health_fmsg(&nsim(1), Cmd::HealthReporterDiagnose, "dummy");
    assert_eq!(binary_len(&diag), 100);
    assert!(
        w.health_fmsg(&nsim(1), Cmd::HealthReporterDiagnose, "empty")
            .len()
            <= 2
    );
}

#[test]
fn fail_recover_fails_the_break_and_leaves_the_reporter_in_error() {
    let mut w = world();
    set(&mut w, "health/fail_recover", "1").unwrap();
    let e = set(&mut w, "health/break_health", "boom").unwrap_err();
    assert_eq!(e.errno(), Errno::EINVAL);
    assert_eq!(count(&w.settle(), Cmd::HealthReporterRecover), 1);
    let r = reporter(&mut w, "dummy");
    assert_eq!(
        (r.error_count, r.recover_count, r.state),
        (1, 0, HealthState::Error)
    );
    // A reload re-creates the reporters and resets the health knobs.
    reload(&mut w).unwrap();
    w.settle();
    assert_eq!(get(&mut w, "health/fail_recover"), "N");
    assert_eq!(reporter(&mut w, "dummy").state, HealthState::Healthy);
}

#[test]
fn trap_fault_knobs_fail_the_ops() {
    let mut w = world();
    let group = || TrapGroupSetReq {
        handle: nsim(1),
        name: Some("l3_drops".into()),
        action: None,
        policer_id: Some(2),
        unknown: vec![],
    };
    let policer = || TrapPolicerSetReq {
        handle: nsim(1),
        id: Some(1),
        rate: Some(2000),
        burst: None,
        unknown: vec![],
    };
    w.request(Cmd::TrapGroupSet, group()).unwrap();
    w.request(Cmd::TrapPolicerSet, policer()).unwrap();
    set(&mut w, "fail_trap_group_set", "Y").unwrap();
    set(&mut w, "fail_trap_policer_set", "Y").unwrap();
    assert_eq!(
        w.request(Cmd::TrapGroupSet, group()).unwrap_err().errno,
        Errno::EINVAL
    );
    let e = w.request(Cmd::TrapPolicerSet, policer()).unwrap_err();
    assert_eq!(e.errno, Errno::EINVAL);
    assert!(e.msg.unwrap().contains("for testing purposes"));
    // The policer limits (1..=8000 pps) are netdevsim's.
    let too_fast = TrapPolicerSetReq {
        rate: Some(8001),
        ..policer()
    };
    set(&mut w, "fail_trap_policer_set", "N").unwrap();
    assert_eq!(
        w.request(Cmd::TrapPolicerSet, too_fast).unwrap_err().errno,
        Errno::EINVAL
    );
    w.settle();
}

#[test]
fn trap_flow_action_cookie_is_hex_and_read_back() {
    let mut w = world();
    let e = w
        .sim
        .get_knob(&mut w.core, 1, "trap_flow_action_cookie")
        .unwrap_err();
    assert_eq!(e.errno(), Errno::EINVAL, "none set");
    set(&mut w, "trap_flow_action_cookie", "deadBEEF\n").unwrap();
    assert_eq!(get(&mut w, "trap_flow_action_cookie"), "deadbeef");
    assert_eq!(
        set(&mut w, "trap_flow_action_cookie", "abc")
            .unwrap_err()
            .errno(),
        Errno::EINVAL
    );
    assert_eq!(
        set(&mut w, "trap_flow_action_cookie", "zz")
            .unwrap_err()
            .errno(),
        Errno::EINVAL
    );
    assert!(w.settle().is_empty());
}

#[test]
fn max_vfs_bounds_sriov_and_is_fixed_while_vfs_exist() {
    let mut w = World::with(&opts(1, 1, Era::Mainline));
    let e = w.sim.sriov_numvfs(&mut w.core, 1, 5).unwrap_err();
    assert_eq!(e.errno(), Errno::ENOMEM);
    set(&mut w, "max_vfs", "8").unwrap();
    w.sim.sriov_numvfs(&mut w.core, 1, 5).unwrap();
    assert_eq!(
        set(&mut w, "max_vfs", "2").unwrap_err().errno(),
        Errno::EBUSY
    );
    assert_eq!(
        set(&mut w, "max_vfs", "0x10").unwrap_err().errno(),
        Errno::EINVAL
    );
    let e = set(&mut w, "max_vfs", &u32::MAX.to_string()).unwrap_err();
    assert_eq!(e.errno(), Errno::ERANGE);
    assert_eq!(get(&mut w, "max_vfs"), "8");
    w.settle();
}

#[test]
fn max_macs_and_test1_show_the_applied_values() {
    let mut w = world();
    assert_eq!(
        (get(&mut w, "max_macs"), get(&mut w, "test1")),
        ("32".into(), "Y".into())
    );
    set(&mut w, "max_macs", "64").unwrap();
    assert_eq!(get(&mut w, "max_macs"), "64");
    // A reload loads the driverinit value (still 32) again.
    reload(&mut w).unwrap();
    w.settle();
    assert_eq!(get(&mut w, "max_macs"), "32");
}

#[test]
fn reporters_show_what_6_1_lists() {
    // shared/traces/kernel-6.1/create_1port/dump/health_show.json.
    let mut w = world();
    let empty = reporter(&mut w, "empty");
    assert_eq!(
        (empty.graceful_period, empty.auto_recover, empty.auto_dump),
        (None, None, Some(true))
    );
    let dummy = reporter(&mut w, "dummy");
    assert_eq!(
        (dummy.graceful_period, dummy.auto_recover, dummy.auto_dump),
        (Some(0), Some(true), Some(true))
    );
}

#[test]
fn counter_fault_knobs_fail_gets_but_not_notifications_and_outlast_a_reload() {
    let mut w = world();
    w.settle();
    let handle = DeviceOptions::new(1, 2).devlink_handle().unwrap();
    let trap = TrapGetReq {
        handle: Some(handle.clone()),
        name: Some("source_mac_is_multicast".into()),
        unknown: Vec::new(),
    };
    let policer = TrapPolicerGetReq {
        handle: Some(handle),
        id: Some(1),
        unknown: Vec::new(),
    };
    w.request(Cmd::TrapGet, trap.clone()).unwrap();
    w.request(Cmd::TrapPolicerGet, policer.clone()).unwrap();
    set(&mut w, "fail_trap_drop_counter_get", "Y").unwrap();
    set(&mut w, "fail_trap_policer_counter_get", "y").unwrap();
    assert_eq!(get(&mut w, "fail_trap_drop_counter_get"), "Y");
    // The counter ops fail with -EINVAL, so the fills (GETs) do.
    let e = w.request(Cmd::TrapGet, trap.clone()).unwrap_err();
    assert_eq!((e.errno, e.msg), (Errno::EINVAL, None));
    let e = w.request(Cmd::TrapPolicerGet, policer.clone()).unwrap_err();
    assert_eq!(e.errno, Errno::EINVAL);
    // A reload re-creates the traps with the knobs still set (they live in nsim_dev):
    // every DEL and NEW still comes (checked and folded by `settle`), without counts.
    reload(&mut w).unwrap();
    let ntfs = w.settle();
    let traps: Vec<_> = ntfs
        .iter()
        .filter_map(|(_, b)| match b {
            DevlinkBody::Trap(t) => Some(t.stats.rx_dropped),
            _ => None,
        })
        .collect();
    assert_eq!(traps.len(), 28, "14 TRAP_DEL and 14 TRAP_NEW");
    assert!(traps.iter().all(Option::is_none));
    assert!(w.request(Cmd::TrapGet, trap.clone()).is_err());
    set(&mut w, "fail_trap_drop_counter_get", "N").unwrap();
    set(&mut w, "fail_trap_policer_counter_get", "N").unwrap();
    w.request(Cmd::TrapGet, trap).unwrap();
    w.request(Cmd::TrapPolicerGet, policer).unwrap();
    w.settle();
}
