//! The changes the kernel makes without a notification are events of `devlinkd_watch`
//! (`docs/watch.md`, "Complete"): each is made through the real daemon, and a watcher
//! sees an `EVENT` of the object's kind carrying the new value.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use devlink_client::aio::AsyncWatch;
use devlink_client::{SimClient, WatchItem};
use devlink_wire::devlink::{
    Handle, HealthReq, HealthState, RateKey, RegionEventKind, SbPoolSetReq, SbPortPoolSetReq,
    SbTcPoolBindSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::flags::NLM_F_DUMP;
use devlink_wire::simctl::{NewDevice, SimEswitch};
use devlink_wire::spec::{Cmd, EswitchMode, ParamCmode, SbPoolType, SbThresholdType, TrapAction};
use devlink_wire::watch::{WatchEvent, WatchKind, WatchOp, WatchReq};

use devlink_sim::{PORT_REGION, PORT_REGION_SIZE};

use common::Daemon;
use common::requests::{Dl, nsim};

const WAIT: Duration = Duration::from_secs(5);

/// A watch from now on.
struct Watcher {
    w: AsyncWatch,
}

impl Watcher {
    async fn start(path: &Path) -> Self {
        let w = AsyncWatch::connect(path, 4096).await.unwrap();
        w.watch(WatchReq::default()).await.unwrap();
        Self { w }
    }

    /// Read events until `f` picks one; fails on `CANCELLED` and after [`WAIT`].
    async fn expect<T>(&mut self, what: &str, mut f: impl FnMut(&WatchEvent) -> Option<T>) -> T {
        let read = async {
            loop {
                match self.w.next().await {
                    Some(Ok(WatchItem::Event(e))) => {
                        if let Some(t) = f(&e) {
                            return t;
                        }
                    }
                    Some(Ok(WatchItem::Bookmark(_))) => {}
                    other => panic!("{what}: {other:?}"),
                }
            }
        };
        tokio::time::timeout(WAIT, read)
            .await
            .unwrap_or_else(|_| panic!("no event: {what}"))
    }
}

/// A daemon with one sim device `id` (one port, legacy e-switch), a sim client, its
/// handle, a devlink connection and a watch from after the device was made.
async fn setup(id: u32) -> (Daemon, SimClient, Handle, Dl, Watcher) {
    let d = Daemon::start(&["--no-default-devices"]);
    let mut sim = SimClient::connect(&d.socket).unwrap();
    sim.new_device(NewDevice {
        id,
        ports: Some(1),
        eswitch: Some(SimEswitch::Legacy),
        ..NewDevice::default()
    })
    .unwrap();
    let dl = Dl::connect(&d.socket).await;
    let w = Watcher::start(&d.socket).await;
    (d, sim, nsim(id), dl, w)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traps_groups_and_policers_changed_by_set_are_events() {
    let (_d, _, h, dl, mut w) = setup(3).await;

    dl.trap_set(&h, "blackhole_route", TrapAction::Trap)
        .await
        .unwrap();
    w.expect("trap action", |e| {
        as_trap(&e.object)
            .filter(|t| t.name == "blackhole_route" && t.action == TrapAction::Trap)
            .map(drop)
    })
    .await;

    // A group's action is its traps' action: every trap of the group changes.
    dl.trap_group_set(&h, "l2_drops", Some(TrapAction::Trap), None)
        .await
        .unwrap();
    w.expect("trap of a group set to trap", |e| {
        as_trap(&e.object)
            .filter(|t| t.group == "l2_drops" && t.action == TrapAction::Trap)
            .map(drop)
    })
    .await;

    dl.trap_group_set(&h, "l2_drops", None, Some(2))
        .await
        .unwrap();
    w.expect("group bound to policer 2", |e| match &e.object {
        DevlinkBody::TrapGroup(g) if g.name == "l2_drops" && g.policer_id == Some(2) => Some(()),
        _ => None,
    })
    .await;

    dl.policer_set(&h, 1, 2000, 256).await.unwrap();
    w.expect("policer rate and burst", |e| match &e.object {
        DevlinkBody::TrapPolicer(p) if p.id == 1 && p.rate == 2000 && p.burst == 256 => Some(()),
        _ => None,
    })
    .await;
}

fn as_trap(b: &DevlinkBody) -> Option<&std::sync::Arc<devlink_wire::devlink::Trap>> {
    match b {
        DevlinkBody::Trap(t) => Some(t),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporters_their_state_counters_and_lifetimes_are_events() {
    let d = Daemon::start(&["--no-default-devices"]);
    let mut w = Watcher::start(&d.socket).await;
    let mut sim = SimClient::connect(&d.socket).unwrap();
    sim.new_device(NewDevice {
        id: 4,
        ports: Some(1),
        ..NewDevice::default()
    })
    .unwrap();
    let h = nsim(4);
    let reporter = |name: &'static str,
                    check: fn(&devlink_wire::devlink::HealthReporter) -> bool| {
        move |e: &WatchEvent| match &e.object {
            DevlinkBody::HealthReporter(r) if r.name == name && check(r) => Some(e.op),
            _ => None,
        }
    };
    // Created with the device (the kernel announces no reporter).
    assert_eq!(
        w.expect("reporter dummy created", reporter("dummy", |_| true))
            .await,
        WatchOp::Put
    );
    let dl = Dl::connect(&d.socket).await;
    dl.health_set(&h, "dummy", 0, false).await.unwrap();
    w.expect(
        "auto-recover off",
        reporter("dummy", |r| r.auto_recover == Some(false)),
    )
    .await;
    // An error: the counter and the state change.
    sim.set_knob(4, "health/break_health", "1").unwrap();
    w.expect(
        "error counted, state error",
        reporter("dummy", |r| {
            r.error_count == 1 && r.state == HealthState::Error
        }),
    )
    .await;
    dl.health_recover(&h, "dummy").await.unwrap();
    w.expect(
        "recovered",
        reporter("dummy", |r| {
            r.recover_count == 1 && r.state == HealthState::Healthy
        }),
    )
    .await;
    // The error's auto-dump cleared (`health dump clear`), then one taken on demand
    // (`health dump show`).
    let dump = || HealthReq {
        handle: Some(h.clone()),
        port_index: None,
        name: Some("dummy".into()),
        unknown: vec![],
    };
    dl.req(Cmd::HealthReporterDumpClear, dump()).await.unwrap();
    w.expect("dump cleared", reporter("dummy", |r| r.dump_ts.is_none()))
        .await;
    dl.conn
        .devlink(NLM_F_DUMP, Cmd::HealthReporterDumpGet, dump().into())
        .await
        .unwrap();
    w.expect("dump taken", reporter("dummy", |r| r.dump_ts.is_some()))
        .await;
    // A reload destroys and re-creates the reporters: the counters start again.
    dl.reload(&h).await.unwrap();
    w.expect(
        "re-created by the reload",
        reporter("dummy", |r| r.error_count == 0 && r.recover_count == 0),
    )
    .await;
    sim.del_device(4).unwrap();
    assert_eq!(
        w.expect("reporter empty destroyed", reporter("empty", |_| true))
            .await,
        WatchOp::Del
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_are_events() {
    let (_d, mut sim, h, dl, mut w) = setup(5).await;
    let snapshot = |id: Option<u32>| {
        move |e: &WatchEvent| match &e.object {
            DevlinkBody::RegionEvent(r)
                if e.kind == WatchKind::Snapshot
                    && r.name == "dummy"
                    && id.is_none_or(|id| r.kind == RegionEventKind::Snapshot(id)) =>
            {
                Some((e.op, r.kind))
            }
            _ => None,
        }
    };
    dl.snapshot_new(&h, 7).await.unwrap();
    assert_eq!(
        w.expect("snapshot 7 taken", snapshot(Some(7))).await.0,
        WatchOp::Put
    );
    dl.snapshot_del(&h, 7).await.unwrap();
    assert_eq!(
        w.expect("snapshot 7 deleted", snapshot(Some(7))).await.0,
        WatchOp::Del
    );
    // Taken by the driver (the debugfs knob).
    sim.set_knob(5, "take_snapshot", "1").unwrap();
    let (op, _) = w.expect("snapshot by the driver", snapshot(None)).await;
    assert_eq!(op, WatchOp::Put);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eswitch_mode_and_rate_nodes_the_driver_destroys_are_events() {
    let (_d, mut sim, h, dl, mut w) = setup(6).await;
    dl.eswitch_set(&h, EswitchMode::Switchdev).await.unwrap();
    w.expect("switchdev", |e| match &e.object {
        DevlinkBody::Eswitch(s) if s.mode == Some(EswitchMode::Switchdev) => Some(()),
        _ => None,
    })
    .await;
    sim.sriov_numvfs(6, 2).unwrap();
    // netdevsim takes rates in units of 1 Mbit/s (125 000 bytes/s).
    dl.rate(
        Cmd::RateNew,
        &h,
        RateKey::Node("n1".into()),
        Some(1_250_000),
        None,
    )
    .await
    .unwrap();
    let node = |e: &WatchEvent| match &e.object {
        DevlinkBody::Rate(r) if r.key == RateKey::Node("n1".into()) => Some(e.op),
        _ => None,
    };
    assert_eq!(w.expect("node created", node).await, WatchOp::Put);
    // VFs disabled in switchdev mode: the driver destroys the rate nodes
    // (devl_rate_nodes_destroy) and goes back to legacy on its own.
    sim.sriov_numvfs(6, 0).unwrap();
    assert_eq!(
        w.expect("node destroyed by the driver", node).await,
        WatchOp::Del
    );
    w.expect("legacy", |e| match &e.object {
        DevlinkBody::Eswitch(s) if s.mode == Some(EswitchMode::Legacy) => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_sizes_and_driverinit_values_at_reload_are_events() {
    let (_d, mut sim, h, dl, mut w) = setup(7).await;
    // IPv4/fib (id 2): the new size shows as pending, then applies at the reload.
    let fib = |check: fn(&devlink_wire::devlink::Resource) -> bool| {
        move |e: &WatchEvent| match &e.object {
            DevlinkBody::ResourceDump(r) => r
                .resources
                .iter()
                .flat_map(|top| std::iter::once(top).chain(top.children.iter()))
                .find(|x| x.id == 2)
                .filter(|x| check(x))
                .map(drop),
            _ => None,
        }
    };
    dl.resource_set(&h, 2, 1000).await.unwrap();
    w.expect(
        "fib size pending",
        fib(|r| r.size != 1000 && r.size_new == Some(1000)),
    )
    .await;
    dl.param_set_u32(&h, "max_macs", 7).await.unwrap();
    let max_macs = |e: &WatchEvent| match &e.object {
        DevlinkBody::Param(p) if p.name == "max_macs" => p
            .values
            .iter()
            .find(|v| v.cmode == ParamCmode::Driverinit)
            .map(|v| v.data.clone()),
        _ => None,
    };
    assert_eq!(
        w.expect("driverinit value staged", max_macs).await,
        devlink_wire::devlink::ParamValue::U32(7)
    );
    dl.reload(&h).await.unwrap();
    w.expect("fib size applied", fib(|r| r.size == 1000)).await;
    // The staged driverinit value became the one the driver uses (debugfs `max_macs`).
    // The param shows the staged value from the `PARAM_SET` on, as the kernel's `GET`
    // does, so its activation changes no object: the staged value's event above is
    // the one a watcher gets.
    let dev = sim.list().unwrap().into_iter().find(|d| d.id == 7).unwrap();
    let applied = dev.knobs.iter().find(|k| k.name == "max_macs").unwrap();
    assert_eq!(applied.value.as_deref(), Some("7"));
}

/// A daemon with the devices of the TOML `devices` (`--config`).
fn with_config(name: &str, devices: &str) -> Daemon {
    let config = std::env::temp_dir().join(format!("devlinkd-{name}-{}.toml", std::process::id()));
    std::fs::write(&config, devices).unwrap();
    let d = Daemon::start(&["--config", config.to_str().unwrap()]);
    let _ = std::fs::remove_file(&config);
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_buffer_settings_are_events() {
    let d = with_config(
        "sb",
        "[[device]]\nid = 9\nports = 1\n[[device.shared_buffers]]\nsize = 1048576\n",
    );
    let dl = Dl::connect(&d.socket).await;
    let mut w = Watcher::start(&d.socket).await;
    let h = nsim(9);
    let pool = SbPoolSetReq {
        handle: h.clone(),
        sb_index: 0,
        pool_index: 0,
        size: 4096,
        threshold_type: SbThresholdType::Static,
        unknown: vec![],
    };
    dl.req(Cmd::SbPoolSet, pool).await.unwrap();
    w.expect("pool size", |e| match &e.object {
        DevlinkBody::SbPool(p) if p.pool_index == 0 && p.size == 4096 => Some(()),
        _ => None,
    })
    .await;
    let port_pool = SbPortPoolSetReq {
        handle: h.clone(),
        port_index: 0,
        sb_index: 0,
        pool_index: 0,
        threshold: 7,
        unknown: vec![],
    };
    dl.req(Cmd::SbPortPoolSet, port_pool).await.unwrap();
    w.expect("port pool threshold", |e| match &e.object {
        DevlinkBody::SbPortPool(p) if p.port_index == 0 && p.threshold == 7 => Some(()),
        _ => None,
    })
    .await;
    let bind = SbTcPoolBindSetReq {
        handle: h.clone(),
        port_index: 0,
        sb_index: 0,
        pool_index: 0,
        pool_type: SbPoolType::Ingress,
        threshold: 9,
        tc_index: 1,
        unknown: vec![],
    };
    dl.req(Cmd::SbTcPoolBindSet, bind).await.unwrap();
    w.expect("tc binding threshold", |e| match &e.object {
        DevlinkBody::SbTcPoolBind(b) if b.tc_index == 1 && b.threshold == 9 => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_regions_and_their_snapshots_are_events() {
    let d = with_config("pr", "[[device]]\nid = 8\nports = 2\nport_regions = true\n");
    let mut sim = SimClient::connect(&d.socket).unwrap();
    let dl = Dl::connect(&d.socket).await;
    let mut w = Watcher::start(&d.socket).await;
    let h = nsim(8);
    let region = |kind: WatchKind, port: u32| {
        move |e: &WatchEvent| match &e.object {
            DevlinkBody::RegionEvent(r)
                if e.kind == kind && r.port_index == Some(port) && r.name == PORT_REGION =>
            {
                Some((e.op, r.kind))
            }
            _ => None,
        }
    };
    dl.port_snapshot_new(&h, Some(0), PORT_REGION, 3)
        .await
        .unwrap();
    assert_eq!(
        w.expect("port snapshot taken", region(WatchKind::Snapshot, 0))
            .await,
        (WatchOp::Put, RegionEventKind::Snapshot(3))
    );
    // The port goes: its region and the region's snapshot go first.
    sim.port(8, 0, false).unwrap();
    assert_eq!(
        w.expect("port snapshot gone", region(WatchKind::Snapshot, 0))
            .await,
        (WatchOp::Del, RegionEventKind::Snapshot(3))
    );
    assert_eq!(
        w.expect("port region gone", region(WatchKind::Region, 0))
            .await,
        (WatchOp::Del, RegionEventKind::Size(PORT_REGION_SIZE))
    );
    sim.port(8, 5, true).unwrap();
    assert_eq!(
        w.expect("port region made", region(WatchKind::Region, 5))
            .await,
        (WatchOp::Put, RegionEventKind::Size(PORT_REGION_SIZE))
    );
}
