//! The fault knobs, one method each: set the knob, make the request it breaks, check
//! the errno, extack and what the instance shows, and compare the monitors' views at
//! checkpoints ([`Faults::checkpoint`]).

use devlink_client::ClientError;
use devlink_sim::{NSIM_DEV_FLASH_CHUNK_SIZE, NSIM_DEV_FLASH_SIZE, NSIM_DUMMY_REGION_SNAPSHOT_MAX};
use devlink_wire::devlink::HealthState;
use devlink_wire::devlink::{
    Bitfield32, DevReq, FlashUpdateReq, Fmsg, FmsgItem, FmsgValue, Handle, HealthSetReq,
    PortGetReq, SelftestIds, SelftestsGet, TrapGetReq, TrapGroupGetReq, TrapGroupSetReq,
    TrapPolicerGetReq, TrapPolicerSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ReloadAction, SelftestStatus, TrapAction};

use super::{EBUSY, EINVAL, ENOMEM, ENOSPC, EOPNOTSUPP, F, Faults};
use crate::client::{Refused, Reply};
use crate::common::requests::{param_u32, reload, reporter, snapshot_del};

impl Faults {
    fn dev(&mut self) -> devlink_wire::devlink::Dev {
        let r = self.dl.request(
            Cmd::Get,
            DevReq {
                handle: Some(self.h.clone()),
                unknown: vec![],
            },
        );
        match r.unwrap().pop() {
            Some((_, DevlinkBody::Dev(d))) => (*d).clone(),
            other => panic!("{other:?}"),
        }
    }

    fn ports(&mut self) -> usize {
        let r = self.dl.dump(
            Cmd::PortGet,
            PortGetReq {
                handle: Some(self.h.clone()),
                ..Default::default()
            },
        );
        r.unwrap().len()
    }

    /// `fail_reload`: reload_up fails with `-EINVAL`; the instance stays registered,
    /// flagged `reload_failed`, without the objects netdevsim re-creates at reload
    /// (its ports); a reload after clearing the knob brings them back.
    pub(super) fn fail_reload(&mut self) {
        self.knob("fail_reload", "Y");
        let r = self
            .dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit));
        refused(
            &r,
            EINVAL,
            Some("netdevsim: User setup the reload to fail for testing purposes"),
        );
        assert_eq!(self.dev().reload_failed, Some(true));
        assert_eq!(self.ports(), 0, "a failed reload left ports");
        let v = self.checkpoint().unwrap();
        assert!(v.ports.is_empty() && !v.params.is_empty());
        self.knob("fail_reload", "N");
        self.dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit))
            .unwrap();
        assert_eq!(self.dev().reload_failed, Some(false));
        assert_eq!(self.ports(), 2);
        self.checkpoint();
        self.row("fail_reload");
    }

    /// `dont_allow_reload`: reload_down fails with `-EOPNOTSUPP`; nothing changes and
    /// nothing is sent.
    pub(super) fn dont_allow_reload(&mut self) {
        let before = self.checkpoint();
        self.knob("dont_allow_reload", "Y");
        let r = self
            .dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit));
        refused(
            &r,
            EOPNOTSUPP,
            Some("netdevsim: User forbid the reload for testing purposes"),
        );
        assert_eq!(self.checkpoint(), before);
        self.knob("dont_allow_reload", "N");
        self.row("dont_allow_reload");
    }

    fn flash(&mut self, mask: Option<u32>) -> Reply {
        let body = FlashUpdateReq {
            handle: self.h.clone(),
            file_name: "fault.bin".into(),
            component: None,
            overwrite_mask: mask.map(|m| Bitfield32 {
                value: m,
                selector: m,
            }),
            unknown: vec![],
        };
        self.dl.request(Cmd::FlashUpdate, body)
    }

    /// `fw_update_status` off: the flash succeeds without status messages.
    /// `fw_update_overwrite_mask`: overwrite bits it does not allow fail the flash
    /// with `-EOPNOTSUPP`.
    pub(super) fn flash_knobs(&mut self) {
        self.knob("fw_update_status", "N");
        for (status, _) in self.measured(|f| drop(f.flash(None).unwrap())) {
            assert_eq!(status, 2, "begin and end only, without fw_update_status");
        }
        self.knob("fw_update_status", "Y");
        for (status, _) in self.measured(|f| drop(f.flash(None).unwrap())) {
            let chunks = NSIM_DEV_FLASH_SIZE / NSIM_DEV_FLASH_CHUNK_SIZE;
            assert!(status > chunks, "{status} flash status messages");
        }
        self.row("fw_update_status");
        refused(&self.flash(Some(1)), EOPNOTSUPP, None);
        self.knob("fw_update_overwrite_mask", "1");
        self.flash(Some(1)).unwrap();
        refused(&self.flash(Some(3)), EOPNOTSUPP, None);
        self.knob("fw_update_overwrite_mask", "0");
        self.checkpoint();
        self.row("fw_update_overwrite_mask");
    }

    /// `take_snapshot` until the region is full (`-ENOSPC`), then every snapshot deleted.
    pub(super) fn take_snapshot(&mut self) {
        let mut taken = 0;
        loop {
            match self.sim.set_knob(F, "take_snapshot", "1") {
                Ok(()) => taken += 1,
                Err(ClientError::Nl { errno, ext }) => {
                    assert_eq!(errno, ENOSPC);
                    assert_eq!(ext.msg.as_deref(), Some("Failed to create region snapshot"));
                    break;
                }
                Err(e) => panic!("{e}"),
            }
            assert!(
                taken <= NSIM_DUMMY_REGION_SNAPSHOT_MAX,
                "too many snapshots"
            );
        }
        let v = self.checkpoint().unwrap();
        let snaps = v
            .regions
            .get(&(None, "dummy".to_owned()))
            .unwrap()
            .1
            .clone();
        assert_eq!(
            snaps.len(),
            usize::try_from(NSIM_DUMMY_REGION_SNAPSHOT_MAX).unwrap()
        );
        for id in snaps {
            let body = snapshot_del(&self.h, id);
            self.dl.request(Cmd::RegionDel, body).unwrap();
        }
        let v = self.checkpoint().unwrap();
        assert!(
            v.regions
                .get(&(None, "dummy".to_owned()))
                .unwrap()
                .1
                .is_empty()
        );
        self.row("take_snapshot");
    }

    /// The action of a trap of group `l2_drops`, and the group's policer.
    fn group_state(&mut self) -> (TrapAction, Option<u32>) {
        let get = TrapGroupGetReq {
            handle: Some(self.h.clone()),
            name: Some("l2_drops".into()),
            unknown: vec![],
        };
        let policer = match self.dl.request(Cmd::TrapGroupGet, get).unwrap().pop() {
            Some((_, DevlinkBody::TrapGroup(g))) => g.policer_id,
            other => panic!("{other:?}"),
        };
        let get = TrapGetReq {
            handle: Some(self.h.clone()),
            name: Some("source_mac_is_multicast".into()),
            unknown: vec![],
        };
        match self.dl.request(Cmd::TrapGet, get).unwrap().pop() {
            Some((_, DevlinkBody::Trap(t))) => (t.action, policer),
            other => panic!("{other:?}"),
        }
    }

    fn policer_rate(&mut self) -> u64 {
        let r = self.dl.request(
            Cmd::TrapPolicerGet,
            TrapPolicerGetReq {
                handle: Some(self.h.clone()),
                id: Some(1),
                unknown: vec![],
            },
        );
        match r.unwrap().pop() {
            Some((_, DevlinkBody::TrapPolicer(p))) => p.rate,
            other => panic!("{other:?}"),
        }
    }

    /// `fail_trap_group_set`, `fail_trap_policer_set`: the set fails with `-EINVAL` and
    /// changes nothing.
    pub(super) fn trap_set_knobs(&mut self) {
        // The driver's trap_group_set binds a policer (netdevsim has no group action
        // op: actions are set trap by trap), so the knob fails requests with a policer.
        let (action, policer) = self.group_state();
        let other = if action == TrapAction::Drop {
            TrapAction::Trap
        } else {
            TrapAction::Drop
        };
        let new_policer = if policer == Some(1) { 2 } else { 1 };
        let set = |h: &Handle, a, p| TrapGroupSetReq {
            handle: h.clone(),
            name: Some("l2_drops".into()),
            action: a,
            policer_id: p,
            unknown: vec![],
        };
        self.knob("fail_trap_group_set", "Y");
        refused(
            &self
                .dl
                .request(Cmd::TrapGroupSet, set(&self.h, None, Some(new_policer))),
            EINVAL,
            None,
        );
        assert_eq!(
            self.group_state(),
            (action, policer),
            "a refused group set changed it"
        );
        // devlink_nl_trap_group_set: the actions are set before the policer binding
        // fails, and the extack says so.
        let r = self.dl.request(
            Cmd::TrapGroupSet,
            set(&self.h, Some(other), Some(new_policer)),
        );
        refused(
            &r,
            EINVAL,
            Some("Trap group set failed, but some changes were committed already"),
        );
        assert_eq!(self.group_state(), (other, policer));
        self.knob("fail_trap_group_set", "N");
        self.dl
            .request(
                Cmd::TrapGroupSet,
                set(&self.h, Some(action), Some(new_policer)),
            )
            .unwrap();
        assert_eq!(self.group_state(), (action, Some(new_policer)));
        self.row("fail_trap_group_set");

        let rate = self.policer_rate();
        let set = |h: &Handle, rate| TrapPolicerSetReq {
            handle: h.clone(),
            id: Some(1),
            rate: Some(rate),
            burst: Some(128),
            unknown: vec![],
        };
        self.knob("fail_trap_policer_set", "Y");
        refused(
            &self.dl.request(Cmd::TrapPolicerSet, set(&self.h, rate + 1)),
            EINVAL,
            Some("netdevsim: User setup the operation to fail for testing purposes"),
        );
        assert_eq!(self.policer_rate(), rate);
        self.knob("fail_trap_policer_set", "N");
        self.dl
            .request(Cmd::TrapPolicerSet, set(&self.h, rate + 1))
            .unwrap();
        assert_eq!(self.policer_rate(), rate + 1);
        self.checkpoint();
        self.row("fail_trap_policer_set");
    }

    /// `fail_trap_policer_counter_get`, `fail_trap_drop_counter_get`: reads of the
    /// policers and traps fail with `-EINVAL` (the kernel fails the fill); notifications
    /// of them (the traps a reload re-creates) go out without the drop count, and the
    /// streams stay whole.
    pub(super) fn counter_knobs(&mut self) {
        self.knob("fail_trap_policer_counter_get", "Y");
        let get = TrapPolicerGetReq {
            handle: Some(self.h.clone()),
            id: Some(1),
            unknown: vec![],
        };
        refused(
            &self.dl.request(Cmd::TrapPolicerGet, get.clone()),
            EINVAL,
            None,
        );
        refused(
            &self.dl.dump(
                Cmd::TrapPolicerGet,
                TrapPolicerGetReq {
                    handle: Some(self.h.clone()),
                    ..Default::default()
                },
            ),
            EINVAL,
            None,
        );
        self.dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit))
            .unwrap();
        self.knob("fail_trap_policer_counter_get", "N");
        self.dl.request(Cmd::TrapPolicerGet, get).unwrap();
        self.checkpoint();
        self.row("fail_trap_policer_counter_get");

        self.knob("fail_trap_drop_counter_get", "Y");
        let get = TrapGetReq {
            handle: Some(self.h.clone()),
            name: Some("blackhole_route".into()),
            unknown: vec![],
        };
        refused(&self.dl.request(Cmd::TrapGet, get.clone()), EINVAL, None);
        self.dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit))
            .unwrap();
        self.knob("fail_trap_drop_counter_get", "N");
        self.dl.request(Cmd::TrapGet, get).unwrap();
        self.checkpoint();
        self.row("fail_trap_drop_counter_get");
    }

    /// `max_vfs`: more VFs than it allows is `-ENOMEM`; it cannot change while VFs
    /// are enabled (`-EBUSY`).
    pub(super) fn max_vfs(&mut self) {
        self.knob("max_vfs", "1");
        sim_refused(self.sim.sriov_numvfs(F, 2), ENOMEM);
        self.sim.sriov_numvfs(F, 1).unwrap();
        sim_refused(self.sim.set_knob(F, "max_vfs", "4"), EBUSY);
        self.sim.sriov_numvfs(F, 0).unwrap();
        self.knob("max_vfs", "4");
        self.checkpoint();
        self.row("max_vfs");
    }

    fn reporter(&mut self) -> (HealthState, u64, u64) {
        match self
            .dl
            .request(Cmd::HealthReporterGet, reporter(&self.h, "dummy"))
            .unwrap()
            .pop()
        {
            Some((_, DevlinkBody::HealthReporter(r))) => (r.state, r.error_count, r.recover_count),
            other => panic!("{other:?}"),
        }
    }

    /// `health/break_health` (a report: error, auto-dump, auto-recovery),
    /// `health/fail_recover` (the recovery and a user recover fail with `-EINVAL`,
    /// the reporter stays in error), `health/binary_len` (the dump's binary).
    pub(super) fn health_knobs(&mut self) {
        let set = HealthSetReq {
            handle: self.h.clone(),
            port_index: None,
            name: "dummy".into(),
            graceful_period: Some(0),
            burst_period: None,
            auto_recover: Some(true),
            auto_dump: Some(true),
            unknown: vec![],
        };
        self.dl.request(Cmd::HealthReporterSet, set).unwrap();
        self.checkpoint();
        let breaks = self.measured(|f| {
            let (_, errors, recovers) = f.reporter();
            f.knob("health/break_health", "fault");
            assert_eq!(
                f.reporter(),
                (HealthState::Healthy, errors + 1, recovers + 1)
            );
        });
        for (_, recover_events) in breaks {
            assert_eq!(recover_events, 2, "error, then recovered");
        }
        let (_, errors, recovers) = self.reporter();
        self.row("health/break_health");

        self.knob("health/fail_recover", "Y");
        sim_refused(self.sim.set_knob(F, "health/break_health", "fault"), EINVAL);
        assert_eq!(self.reporter(), (HealthState::Error, errors + 1, recovers));
        let r = self
            .dl
            .request(Cmd::HealthReporterRecover, reporter(&self.h, "dummy"));
        refused(
            &r,
            EINVAL,
            Some("netdevsim: User setup the recover to fail for testing purposes"),
        );
        self.knob("health/fail_recover", "N");
        self.dl
            .request(Cmd::HealthReporterRecover, reporter(&self.h, "dummy"))
            .unwrap();
        assert_eq!(
            self.reporter(),
            (HealthState::Healthy, errors + 1, recovers + 1)
        );
        self.checkpoint();
        self.row("health/fail_recover");

        for len in [64, 16] {
            self.knob("health/binary_len", &len.to_string());
            let r = self
                .dl
                .request(Cmd::HealthReporterDiagnose, reporter(&self.h, "dummy"))
                .unwrap();
            let bytes: usize = r
                .iter()
                .filter_map(|(_, b)| match b {
                    DevlinkBody::Fmsg(f) => Some(binary_len(f)),
                    _ => None,
                })
                .sum();
            assert_eq!(bytes, len, "health/binary_len {len}");
        }
        self.row("health/binary_len");
    }

    /// `fail_selftests`: the flash selftest reports FAIL.
    pub(super) fn selftests(&mut self) {
        for (fail, status) in [("Y", SelftestStatus::Fail), ("N", SelftestStatus::Pass)] {
            self.knob("fail_selftests", fail);
            let body = SelftestsGet {
                handle: self.h.clone(),
                tests: SelftestIds {
                    flash: true,
                    unknown: vec![],
                },
                unknown: vec![],
            };
            let r = self.dl.request(Cmd::SelftestsRun, body).unwrap();
            let got: Vec<_> = r
                .iter()
                .filter_map(|(_, b)| match b {
                    DevlinkBody::SelftestsRun(s) => {
                        Some(s.results.iter().map(|r| r.status).collect::<Vec<_>>())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            assert_eq!(got, vec![status]);
        }
        self.row("fail_selftests");
    }

    /// The knobs that inject nothing into devlink: `trap_flow_action_cookie` (read
    /// back), `max_macs` and `test1` (the values applied at the last reload), and bad
    /// values (`-EINVAL`, nothing changed).
    pub(super) fn plain_knobs(&mut self) {
        self.knob("trap_flow_action_cookie", "deadbeef");
        sim_refused(
            self.sim.set_knob(F, "trap_flow_action_cookie", "xyz"),
            EINVAL,
        );
        sim_refused(self.sim.set_knob(F, "fail_reload", "maybe"), EINVAL);
        self.dl
            .request(Cmd::ParamSet, param_u32(&self.h, "max_macs", 7))
            .unwrap();
        self.dl
            .request(Cmd::Reload, reload(&self.h, ReloadAction::DriverReinit))
            .unwrap();
        let knobs = self
            .sim
            .list()
            .unwrap()
            .into_iter()
            .find(|d| d.id == F)
            .unwrap()
            .knobs;
        let value = |n: &str| {
            knobs
                .iter()
                .find(|k| k.name == n)
                .and_then(|k| k.value.clone())
        };
        assert_eq!(
            value("trap_flow_action_cookie").as_deref(),
            Some("deadbeef")
        );
        assert_eq!(value("max_macs").as_deref(), Some("7"));
        assert_eq!(value("fail_reload").as_deref(), Some("N"));
        self.knob("max_macs", "32");
        self.knob("test1", "N");
        self.knob("test1", "Y");
        self.checkpoint();
        for k in ["trap_flow_action_cookie", "max_macs", "test1"] {
            self.row(k);
        }
    }
}

/// `Err` with `errno` and (when given) exactly that extack message.
#[track_caller]
fn refused(r: &Reply, errno: i32, msg: Option<&str>) {
    match r {
        Err(Refused { errno: e, msg: m }) => {
            assert_eq!(*e, errno, "{r:?}");
            if let Some(msg) = msg {
                assert_eq!(m.as_deref(), Some(msg));
            }
        }
        Ok(_) => panic!("accepted; expected errno {errno}"),
    }
}

#[track_caller]
fn sim_refused<T: std::fmt::Debug>(r: Result<T, ClientError>, errno: i32) {
    match r {
        Err(ClientError::Nl { errno: e, .. }) => assert_eq!(e, errno),
        other => panic!("expected errno {errno}: {other:?}"),
    }
}

/// Bytes of binary values in a health message.
fn binary_len(f: &Fmsg) -> usize {
    f.items
        .iter()
        .map(|i| match i {
            FmsgItem::Value(FmsgValue::Binary(b)) => b.len(),
            _ => 0,
        })
        .sum()
}
