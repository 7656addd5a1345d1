//! The random workload: one worker per thread, each with its own devlink and
//! `devlinkd_sim` connections, doing a random mix of dumps, gets, sets and simulator
//! operations over every device. Each request is one operation; its outcome is counted
//! by kind (accepted, or refused with which errno).

use std::collections::BTreeMap;
use std::path::Path;

use devlink_client::{ClientError, SimClient};
use devlink_wire::devlink::{
    DevReq, FlashUpdateReq, Handle, HealthReq, HealthSetReq, LinecardGetReq, LinecardSetReq,
    ParamGetReq, ParamSetReq, ParamValue, PortFunction, PortGetReq, PortKeyReq, PortNewReq,
    PortSetReq, PortSplitReq, RateDelReq, RateGetReq, RateKey, RegionGetReq, RegionNewReq,
    ResourceSetReq, SelftestIds, SelftestsGet, TrapGetReq, TrapGroupGetReq, TrapGroupSetReq,
    TrapPolicerGetReq, TrapPolicerSetReq, TrapSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::simctl::{NewDevice, Register, SimEswitch};
use devlink_wire::spec::{
    Cmd, EswitchMode, ParamCmode, PortFlavour, PortFnState, ReloadAction, TrapAction,
};

use crate::client::{Dl, Refused};
use crate::common::requests::{eswitch, rate, reload, reporter, snapshot_del};
use crate::common::rng::Rng;
use crate::topology::{self, Device};

/// Outcomes of one kind of operation: accepted, and refused by errno.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub ok: u64,
    pub refused: BTreeMap<i32, u64>,
}

/// Every kind's outcomes.
pub type Tallies = BTreeMap<&'static str, Tally>;

pub fn merge(into: &mut Tallies, from: &Tallies) {
    for (k, t) in from {
        let e = into.entry(k).or_default();
        e.ok += t.ok;
        for (errno, n) in &t.refused {
            *e.refused.entry(*errno).or_default() += n;
        }
    }
}

/// A simulator request's outcome as a devlink one.
fn sim<T>(r: Result<T, ClientError>) -> Result<(), Refused> {
    match r {
        Ok(_) => Ok(()),
        Err(ClientError::Nl { errno, ext }) => Err(Refused {
            errno,
            msg: ext.msg.clone(),
        }),
        Err(e) => panic!("devlinkd_sim: {e}"),
    }
}

/// One worker's connections and generator.
pub struct Worker {
    pub dl: Dl,
    pub sim: SimClient,
    pub rng: Rng,
    pub tallies: Tallies,
    /// Devices this worker may pick.
    pub devices: Vec<Device>,
}

impl Worker {
    pub fn new(path: &Path, seed: u64, devices: Vec<Device>) -> Self {
        Self {
            dl: Dl::connect(path),
            sim: SimClient::connect(path).unwrap(),
            rng: Rng::new(seed),
            tallies: Tallies::new(),
            devices,
        }
    }

    /// One random operation (one request).
    pub fn step(&mut self) {
        let d = self.rng.pick(&self.devices).clone();
        let h = d.handle();
        let roll = self.rng.below(100);
        let (kind, r) = match roll {
            0..=19 => self.dump(),
            20..=29 => self.get(&h),
            30..=37 => ("param set", self.param_set(&h)),
            38..=45 => self.traps(&h),
            46..=51 => self.health(&h),
            52..=57 => self.regions(&h),
            58..=65 => self.ports(&d, &h),
            66..=71 => self.rates(&h),
            72..=74 => self.linecards(&h),
            75..=79 => self.device_ops(&d, &h),
            _ => self.sim_ops(&d),
        };
        let t = self.tallies.entry(kind).or_default();
        match r {
            Ok(()) => t.ok += 1,
            Err(e) => *t.refused.entry(e.errno).or_default() += 1,
        }
    }

    fn dump(&mut self) -> (&'static str, Result<(), Refused>) {
        let which = self.rng.below(11);
        let h = self
            .rng
            .chance(30)
            .then(|| self.rng.pick(&self.devices).handle());
        let (kind, cmd, body): (_, _, DevlinkBody) = match which {
            0 => (
                "dump dev",
                Cmd::Get,
                DevReq {
                    handle: None,
                    unknown: vec![],
                }
                .into(),
            ),
            1 => (
                "dump port",
                Cmd::PortGet,
                PortGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            2 => (
                "dump param",
                Cmd::ParamGet,
                ParamGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            3 => (
                "dump region",
                Cmd::RegionGet,
                RegionGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            4 => (
                "dump health",
                Cmd::HealthReporterGet,
                HealthReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            5 => (
                "dump trap",
                Cmd::TrapGet,
                TrapGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            6 => (
                "dump trap group",
                Cmd::TrapGroupGet,
                TrapGroupGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            7 => (
                "dump trap policer",
                Cmd::TrapPolicerGet,
                TrapPolicerGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            8 => (
                "dump rate",
                Cmd::RateGet,
                RateGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            9 => (
                "dump line card",
                Cmd::LinecardGet,
                LinecardGetReq {
                    handle: h,
                    ..Default::default()
                }
                .into(),
            ),
            _ => (
                "dump info",
                Cmd::InfoGet,
                DevReq {
                    handle: None,
                    unknown: vec![],
                }
                .into(),
            ),
        };
        (kind, self.dl.dump(cmd, body).map(drop))
    }

    fn get(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let port = self.rng.below(4);
        let (kind, cmd, body): (_, _, DevlinkBody) = match self.rng.below(7) {
            0 => (
                "get dev",
                Cmd::Get,
                DevReq {
                    handle: Some(h.clone()),
                    unknown: vec![],
                }
                .into(),
            ),
            1 => (
                "get port",
                Cmd::PortGet,
                PortGetReq {
                    handle: Some(h.clone()),
                    index: Some(port),
                    unknown: vec![],
                }
                .into(),
            ),
            2 => (
                "get param",
                Cmd::ParamGet,
                ParamGetReq {
                    handle: Some(h.clone()),
                    port_index: None,
                    name: Some("max_macs".into()),
                    unknown: vec![],
                }
                .into(),
            ),
            3 => (
                "get health",
                Cmd::HealthReporterGet,
                reporter(h, "dummy").into(),
            ),
            4 => (
                "get eswitch",
                Cmd::EswitchGet,
                DevReq {
                    handle: Some(h.clone()),
                    unknown: vec![],
                }
                .into(),
            ),
            5 => (
                "get resources",
                Cmd::ResourceDump,
                DevReq {
                    handle: Some(h.clone()),
                    unknown: vec![],
                }
                .into(),
            ),
            _ => (
                "get info",
                Cmd::InfoGet,
                DevReq {
                    handle: Some(h.clone()),
                    unknown: vec![],
                }
                .into(),
            ),
        };
        (kind, self.dl.request(cmd, body).map(drop))
    }

    fn param_set(&mut self, h: &Handle) -> Result<(), Refused> {
        let (name, value) = if self.rng.chance(50) {
            ("max_macs", ParamValue::U32(1 + self.rng.below(64)))
        } else {
            ("test1", ParamValue::Bool(self.rng.chance(50)))
        };
        let body = ParamSetReq {
            handle: h.clone(),
            port_index: None,
            name: name.into(),
            cmode: ParamCmode::Driverinit,
            reset_default: false,
            ty: value.ty(),
            value: Some(value),
            unknown: vec![],
        };
        self.dl.request(Cmd::ParamSet, body).map(drop)
    }

    fn traps(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let action = *self.rng.pick(&[TrapAction::Drop, TrapAction::Trap]);
        match self.rng.below(3) {
            0 => {
                let name = *self.rng.pick(&topology::TRAPS);
                let body = TrapSetReq {
                    handle: h.clone(),
                    name: Some(name.into()),
                    action: Some(action),
                    unknown: vec![],
                };
                ("trap set", self.dl.request(Cmd::TrapSet, body).map(drop))
            }
            1 => {
                let name = *self.rng.pick(&topology::TRAP_GROUPS);
                let policer = self.rng.chance(50).then(|| self.rng.below(4));
                let body = TrapGroupSetReq {
                    handle: h.clone(),
                    name: Some(name.into()),
                    action: Some(action),
                    policer_id: policer,
                    unknown: vec![],
                };
                (
                    "trap group set",
                    self.dl.request(Cmd::TrapGroupSet, body).map(drop),
                )
            }
            _ => {
                let body = TrapPolicerSetReq {
                    handle: h.clone(),
                    id: Some(1 + self.rng.below(3)),
                    rate: Some(u64::from(1 + self.rng.below(10_000))),
                    burst: Some(8u64 << self.rng.below(8)),
                    unknown: vec![],
                };
                (
                    "trap policer set",
                    self.dl.request(Cmd::TrapPolicerSet, body).map(drop),
                )
            }
        }
    }

    fn health(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let name = *self.rng.pick(&["dummy", "empty"]);
        match self.rng.below(4) {
            0 => (
                "health recover",
                self.dl
                    .request(Cmd::HealthReporterRecover, reporter(h, name))
                    .map(drop),
            ),
            1 => (
                "health diagnose",
                self.dl
                    .request(Cmd::HealthReporterDiagnose, reporter(h, name))
                    .map(drop),
            ),
            2 => (
                "health dump clear",
                self.dl
                    .request(Cmd::HealthReporterDumpClear, reporter(h, name))
                    .map(drop),
            ),
            _ => {
                let body = HealthSetReq {
                    handle: h.clone(),
                    port_index: None,
                    name: name.into(),
                    graceful_period: Some(u64::from(self.rng.below(2) * 10)),
                    burst_period: None,
                    auto_recover: Some(self.rng.chance(70)),
                    auto_dump: Some(self.rng.chance(50)),
                    unknown: vec![],
                };
                (
                    "health set",
                    self.dl.request(Cmd::HealthReporterSet, body).map(drop),
                )
            }
        }
    }

    fn regions(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let id = 1 + self.rng.below(24);
        if self.rng.chance(55) {
            let body = RegionNewReq {
                handle: h.clone(),
                port_index: None,
                name: "dummy".into(),
                snapshot_id: Some(id),
                unknown: vec![],
            };
            (
                "region new",
                self.dl.request(Cmd::RegionNew, body).map(drop),
            )
        } else {
            let body = snapshot_del(h, id);
            (
                "region del",
                self.dl.request(Cmd::RegionDel, body).map(drop),
            )
        }
    }

    fn ports(&mut self, d: &Device, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let sf = topology::SF_INDEX_BASE + self.rng.below(4);
        match self.rng.below(6) {
            0 => {
                let body = PortNewReq {
                    handle: h.clone(),
                    index: Some(sf),
                    flavour: PortFlavour::PciSf,
                    pci_pf: 0,
                    pci_sf: Some(sf),
                    controller: None,
                    unknown: vec![],
                };
                (
                    "port new (sf)",
                    self.dl.request(Cmd::PortNew, body).map(drop),
                )
            }
            1 => {
                let body = PortKeyReq {
                    handle: h.clone(),
                    index: sf,
                    unknown: vec![],
                };
                (
                    "port del (sf)",
                    self.dl.request(Cmd::PortDel, body).map(drop),
                )
            }
            2 | 3 => {
                let function = PortFunction {
                    hw_addr: self.rng.chance(50).then(|| {
                        vec![0x02, 0, 0, 0, 0, u8::try_from(self.rng.below(256)).unwrap()]
                    }),
                    state: Some(*self.rng.pick(&[PortFnState::Active, PortFnState::Inactive])),
                    ..PortFunction::default()
                };
                let body = PortSetReq {
                    handle: h.clone(),
                    index: sf,
                    port_type: None,
                    function: Some(function),
                    unknown: vec![],
                };
                (
                    "port function set",
                    self.dl.request(Cmd::PortSet, body).map(drop),
                )
            }
            4 => {
                let index = self.rng.below(d.ports.max(1));
                let body = PortSplitReq {
                    handle: h.clone(),
                    index,
                    count: *self.rng.pick(&[2, 4]),
                    unknown: vec![],
                };
                (
                    "port split",
                    self.dl.request(Cmd::PortSplit, body).map(drop),
                )
            }
            _ => {
                // Any port of a split (the kernel asks the driver; "Port was not
                // split" for the others).
                let index =
                    topology::split_index(self.rng.below(d.ports.max(1)), self.rng.below(2));
                let body = PortKeyReq {
                    handle: h.clone(),
                    index,
                    unknown: vec![],
                };
                (
                    "port unsplit",
                    self.dl.request(Cmd::PortUnsplit, body).map(drop),
                )
            }
        }
    }

    fn rates(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let node = format!("n{}", self.rng.below(3));
        let rate = |key, tx_max, parent: Option<String>| rate(h, key, tx_max, parent.as_deref());
        match self.rng.below(4) {
            0 => {
                let parent = self
                    .rng
                    .chance(30)
                    .then(|| format!("n{}", self.rng.below(3)));
                let body = rate(
                    RateKey::Node(node),
                    Some(125_000 * u64::from(1 + self.rng.below(100))),
                    parent,
                );
                ("rate new", self.dl.request(Cmd::RateNew, body).map(drop))
            }
            1 => {
                let body = RateDelReq {
                    handle: h.clone(),
                    node,
                    unknown: vec![],
                };
                ("rate del", self.dl.request(Cmd::RateDel, body).map(drop))
            }
            _ => {
                let key = if self.rng.chance(60) {
                    RateKey::Leaf(topology::VF_INDEX_BASE + self.rng.below(2))
                } else {
                    RateKey::Node(node)
                };
                let parent = if self.rng.chance(50) {
                    Some(format!("n{}", self.rng.below(3)))
                } else {
                    Some(String::new())
                };
                let body = rate(key, Some(125_000 * u64::from(self.rng.below(100))), parent);
                ("rate set", self.dl.request(Cmd::RateSet, body).map(drop))
            }
        }
    }

    fn linecards(&mut self, h: &Handle) -> (&'static str, Result<(), Refused>) {
        let lc_type = if self.rng.chance(50) {
            (*self.rng.pick(&topology::LINECARD_TYPES)).to_owned()
        } else {
            String::new()
        };
        let body = LinecardSetReq {
            handle: h.clone(),
            index: 0,
            lc_type: Some(lc_type),
            unknown: vec![],
        };
        (
            "line card set",
            self.dl.request(Cmd::LinecardSet, body).map(drop),
        )
    }

    /// Reload, flash, e-switch mode, resources, selftests.
    fn device_ops(&mut self, d: &Device, h: &Handle) -> (&'static str, Result<(), Refused>) {
        match self.rng.below(6) {
            0 | 1 => {
                let action = if d.fw_activate && self.rng.chance(50) {
                    ReloadAction::FwActivate
                } else {
                    ReloadAction::DriverReinit
                };
                (
                    "reload",
                    self.dl.request(Cmd::Reload, reload(h, action)).map(drop),
                )
            }
            2 => {
                let body = FlashUpdateReq {
                    handle: h.clone(),
                    file_name: "stress.bin".into(),
                    component: None,
                    overwrite_mask: None,
                    unknown: vec![],
                };
                ("flash", self.dl.request(Cmd::FlashUpdate, body).map(drop))
            }
            3 => {
                let mode = *self
                    .rng
                    .pick(&[EswitchMode::Legacy, EswitchMode::Switchdev]);
                let body = eswitch(h, mode);
                (
                    "eswitch set",
                    self.dl.request(Cmd::EswitchSet, body).map(drop),
                )
            }
            4 => {
                let body = ResourceSetReq {
                    handle: h.clone(),
                    id: topology::RESOURCE_IPV4_FIB,
                    size: u64::from(100 + self.rng.below(1000)),
                    unknown: vec![],
                };
                (
                    "resource set",
                    self.dl.request(Cmd::ResourceSet, body).map(drop),
                )
            }
            _ => {
                let body = SelftestsGet {
                    handle: h.clone(),
                    tests: SelftestIds {
                        flash: true,
                        unknown: vec![],
                    },
                    unknown: vec![],
                };
                (
                    "selftests run",
                    self.dl.request(Cmd::SelftestsRun, body).map(drop),
                )
            }
        }
    }

    /// Simulator operations: device storms (only of the churning devices), ports, VFs,
    /// snapshots, health breaks.
    fn sim_ops(&mut self, d: &Device) -> (&'static str, Result<(), Refused>) {
        match self.rng.below(6) {
            0 | 1 => {
                let id = topology::churn_id(self.rng.below(topology::CHURN));
                if self.rng.chance(50) {
                    let req = NewDevice {
                        id,
                        ports: Some(self.rng.below(4)),
                        register: Some(*self.rng.pick(&[Register::First, Register::Last])),
                        eswitch: self.rng.chance(30).then_some(SimEswitch::Switchdev),
                        vfs: self.rng.chance(30).then(|| 1 + self.rng.below(2)),
                        ..NewDevice::default()
                    };
                    ("sim new device", sim(self.sim.new_device(req)))
                } else {
                    ("sim del device", sim(self.sim.del_device(id)))
                }
            }
            2 => {
                let index = topology::SIM_PORT_BASE + self.rng.below(3);
                let new = self.rng.chance(50);
                ("sim port", sim(self.sim.port(d.id, index, new)))
            }
            3 => (
                "sim sriov_numvfs",
                sim(self.sim.sriov_numvfs(d.id, self.rng.below(3))),
            ),
            4 => (
                "sim take_snapshot",
                sim(self.sim.set_knob(d.id, "take_snapshot", "1")),
            ),
            _ => (
                "sim break_health",
                sim(self.sim.set_knob(d.id, "health/break_health", "stress")),
            ),
        }
    }
}
