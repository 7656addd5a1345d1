//! `devlink [-j -p] … show` output against iproute2 6.1's, byte for byte.
//!
//! The `dump/` goldens were printed after each scenario by the real iproute2 6.1 on a
//! Debian 6.1 kernel with netdevsim. Their replies are not in the captures, so the
//! same state is rebuilt with `devlink-core` + `devlink-sim` (dev-dependencies only:
//! `devlink_sim::probe` for `new_device`, then the scenario's requests through
//! `Core::handle_request`), the show command's request is dumped from the core, and
//! the replies are rendered.
//!
//! All 136 goldens of the five scenarios must match. `dev info`, `dev eswitch show` and
//! `resource show` are also rendered from real kernel replies: the `reload` capture
//! holds the `INFO_GET`, `ESWITCH_GET`, `DPIPE_TABLE_GET` and `RESOURCE_DUMP` replies of
//! an iproute2 run (the device's state for those is the same as at the end), and
//! [`reload_goldens_from_captured_replies`] renders those.
//!
//! Normalised: netdev names only (the VM named ports `ethN`; the simulator names them
//! its own way) — each `netdev NAME` / `"netdev": "NAME"` becomes `netdev NETDEV` on
//! both sides. Nothing else is touched.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod common;

use devlink_cli::show::{Options, ShowCmd, render_show};
use devlink_core::{Core, Request, Response};
use devlink_sim::DeviceOptions;
use devlink_wire::devlink::{
    DevReq, DpipeTableGetReq, Handle, HealthReq, LinecardGetReq, ParamGetReq, ParamSetReq,
    ParamValue, PortGetReq, RateGetReq, RegionGetReq, ReloadReq, ResourceSetReq, TrapGetReq,
    TrapGroupGetReq, TrapPolicerGetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode, VarAttrType};

/// Run a request as root; the replies of a do, a multi-part do or a whole dump.
fn run(core: &mut Core, cmd: Cmd, body: DevlinkBody, dump: bool) -> Vec<DevlinkBody> {
    try_run(core, cmd, body, dump).unwrap_or_else(|r| panic!("{cmd:?} rejected: {r:?}"))
}

/// [`run`], or the core's rejection.
fn try_run(
    core: &mut Core,
    cmd: Cmd,
    body: DevlinkBody,
    dump: bool,
) -> Result<Vec<DevlinkBody>, devlink_core::Rejection> {
    let accepted = core.handle_request(Request {
        cmd,
        body,
        dump,
        admin: true,
    })?;
    Ok(match accepted.response {
        Response::Do(replies) | Response::Multi(replies) => {
            replies.into_iter().map(|r| r.body).collect()
        }
        Response::Dump(mut cursor) => {
            let mut v = Vec::new();
            while core.dump_next(&mut cursor, &mut |reply| {
                v.push(reply.body);
                true
            }) != devlink_core::DumpStep::Done
            {}
            v
        }
        Response::NotifyFilter(_) => Vec::new(),
    })
}

fn nsim(id: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{id}"))
}

fn reload(core: &mut Core, id: u32) {
    let body = ReloadReq {
        handle: nsim(id),
        netns_pid: None,
        netns_fd: None,
        netns_id: None,
        action: None,
        limits: None,
        unknown: Vec::new(),
    };
    run(core, Cmd::Reload, body.into(), false);
}

fn param_set(core: &mut Core, id: u32, name: &str, ty: VarAttrType, value: Option<ParamValue>) {
    let body = ParamSetReq {
        handle: nsim(id),
        port_index: None,
        name: name.into(),
        cmode: ParamCmode::Driverinit,
        reset_default: false,
        ty,
        value,
        unknown: Vec::new(),
    };
    run(core, Cmd::ParamSet, body.into(), false);
}

/// The state each scenario leaves (see its `actions.txt`).
fn scenario_core(scenario: &str) -> Core {
    let mut core = Core::new();
    let probe = |core: &mut Core, id, ports| {
        devlink_sim::probe(core, &DeviceOptions::new(id, ports)).unwrap();
    };
    match scenario {
        "create_1port" => probe(&mut core, 10, 1),
        "create_4ports" => probe(&mut core, 11, 4),
        // The device was deleted: nothing is left.
        "delete" => {}
        "param_set" => {
            probe(&mut core, 15, 1);
            param_set(
                &mut core,
                15,
                "max_macs",
                VarAttrType::U32,
                Some(ParamValue::U32(64)),
            );
            // A false flag is sent without a value (P-19).
            param_set(&mut core, 15, "test1", VarAttrType::Flag, None);
            reload(&mut core, 15);
            // Needs simulator resources (see SIM_LACKS when the simulator has none).
            if let Some(fib) = resource_id(&mut core, 15, &["IPv4", "fib"]) {
                let body = ResourceSetReq {
                    handle: nsim(15),
                    id: fib,
                    size: 100,
                    unknown: Vec::new(),
                };
                run(&mut core, Cmd::ResourceSet, body.into(), false);
            }
            reload(&mut core, 15);
        }
        // The three reloads that succeed (steps 01, 02, 08); the rejected ones change
        // nothing, and the failed one is undone by step 08's.
        "reload" => {
            probe(&mut core, 14, 2);
            reload(&mut core, 14);
            reload(&mut core, 14);
            reload(&mut core, 14);
        }
        other => panic!("unknown scenario {other}"),
    }
    core
}

/// The id of a resource by path (what `devlink resource set … path` looks up).
fn resource_id(core: &mut Core, id: u32, path: &[&str]) -> Option<u64> {
    let dev = DevReq {
        handle: Some(nsim(id)),
        unknown: Vec::new(),
    };
    let replies = try_run(core, Cmd::ResourceDump, dev.into(), false).ok()?;
    let Some(DevlinkBody::ResourceDump(d)) = replies.first() else {
        panic!("no resource dump")
    };
    let mut list = &d.resources;
    let mut found = None;
    for name in path {
        let r = list.iter().find(|r| r.name == *name).unwrap();
        found = Some(r.id);
        list = &r.children;
    }
    found
}

/// The show command of a golden file and the replies it would get.
fn replies_for(
    core: &mut Core,
    file: &str,
) -> Result<(ShowCmd, Vec<DevlinkBody>), devlink_core::Rejection> {
    let (stem, dev) = file
        .split_once('.')
        .map_or((file, None), |(s, d)| (s, Some(d.replacen('_', "/", 1))));
    let handle = dev.map(|d| {
        let (bus, name) = d.split_once('/').unwrap();
        Handle::new(bus, name)
    });
    let dump = |core: &mut Core, cmd, body: DevlinkBody| try_run(core, cmd, body, true);
    Ok(match stem {
        "dev_show" => (
            ShowCmd::Dev,
            dump(core, Cmd::Get, DevReq::default().into())?,
        ),
        "dev_info" => (
            ShowCmd::DevInfo,
            dump(core, Cmd::InfoGet, DevReq::default().into())?,
        ),
        "dev_param_show" => (
            ShowCmd::DevParam,
            dump(core, Cmd::ParamGet, ParamGetReq::default().into())?,
        ),
        "port_param_show" => (
            ShowCmd::PortParam,
            dump(core, Cmd::PortParamGet, ParamGetReq::default().into())?,
        ),
        "eswitch_show" => {
            let body = DevReq {
                handle,
                unknown: Vec::new(),
            };
            (
                ShowCmd::DevEswitch,
                try_run(core, Cmd::EswitchGet, body.into(), false)?,
            )
        }
        "health_show" => (
            ShowCmd::Health,
            dump(core, Cmd::HealthReporterGet, HealthReq::default().into())?,
        ),
        "lc_show" => (
            ShowCmd::Linecard,
            dump(core, Cmd::LinecardGet, LinecardGetReq::default().into())?,
        ),
        "port_show" => (
            ShowCmd::Port,
            dump(core, Cmd::PortGet, PortGetReq::default().into())?,
        ),
        "rate_show" => (
            ShowCmd::Rate,
            dump(core, Cmd::RateGet, RateGetReq::default().into())?,
        ),
        "region_show" => (
            ShowCmd::Region,
            dump(core, Cmd::RegionGet, RegionGetReq::default().into())?,
        ),
        "resource_show" => {
            let h = handle.unwrap();
            let tables = DpipeTableGetReq {
                handle: h.clone(),
                table_name: None,
                unknown: Vec::new(),
            };
            let dev = DevReq {
                handle: Some(h),
                unknown: Vec::new(),
            };
            let mut v = try_run(core, Cmd::DpipeTableGet, tables.into(), false)?;
            v.extend(try_run(core, Cmd::ResourceDump, dev.into(), false)?);
            (ShowCmd::Resource, v)
        }
        "trap_show" => (
            ShowCmd::Trap,
            dump(core, Cmd::TrapGet, TrapGetReq::default().into())?,
        ),
        "trap_group_show" => (
            ShowCmd::TrapGroup,
            dump(core, Cmd::TrapGroupGet, TrapGroupGetReq::default().into())?,
        ),
        "trap_policer_show" => (
            ShowCmd::TrapPolicer,
            dump(
                core,
                Cmd::TrapPolicerGet,
                TrapPolicerGetReq::default().into(),
            )?,
        ),
        other => panic!("no command for golden {other}"),
    })
}

/// Every golden `dump/*.txt` / `*.json` of every scenario, with its outcome.
fn results() -> Vec<(String, Result<(), String>)> {
    let mut out = Vec::new();
    for scenario in common::SCENARIOS {
        let dir = common::traces().join(scenario).join("dump");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        for file in files {
            let (stem, ext) = file.rsplit_once('.').unwrap();
            let json = ext == "json";
            let mut core = scenario_core(scenario);
            let (cmd, replies) = match replies_for(&mut core, stem) {
                Ok(x) => x,
                Err(rej) => {
                    out.push((
                        format!("{scenario}/dump/{file}"),
                        Err(format!("the core rejects the request: {rej:?}")),
                    ));
                    continue;
                }
            };
            let opts = Options {
                json,
                pretty: json,
                ..Options::default()
            };
            let r = render_show(cmd, &replies, opts);
            let want = common::normalise(&std::fs::read_to_string(dir.join(&file)).unwrap());
            let got = common::normalise(&r.output);
            let outcome = match (r.error, want == got) {
                (Some(e), _) => Err(format!("render error: {e}")),
                (None, true) => Ok(()),
                (None, false) => Err(common::first_difference(&want, &got)),
            };
            out.push((format!("{scenario}/dump/{file}"), outcome));
        }
    }
    out
}

#[test]
fn show_output_matches_iproute2_6_1() {
    let results = results();
    let failed: Vec<_> = results
        .iter()
        .filter_map(|(f, r)| r.as_ref().err().map(|e| format!("{f}: {e}")))
        .collect();
    assert_eq!(results.len(), 136, "every golden of every scenario");
    assert!(
        failed.is_empty(),
        "{} of {} goldens differ:\n{}",
        failed.len(),
        results.len(),
        failed.join("\n")
    );
}

/// The first unicast reply of each of `cmds`, in capture order, from a scenario's pcap.
fn captured_replies(scenario: &str, cmds: &[Cmd]) -> Vec<(Cmd, DevlinkBody)> {
    use devlink_wire::message::{Families, Message, Payload};
    use devlink_wire::nl::{Messages, NETLINK_GENERIC};
    let buf = std::fs::read(common::traces().join(scenario).join("netlink.pcap")).unwrap();
    let mut families = Families::default();
    let mut out: Vec<(Cmd, DevlinkBody)> = Vec::new();
    for rec in devlink_wire::pcap::Pcap::parse(&buf).unwrap() {
        let rec = rec.unwrap();
        if rec.protocol != NETLINK_GENERIC {
            continue;
        }
        for raw in Messages::new(rec.data) {
            let raw = raw.unwrap();
            families.learn(&raw);
            if raw.header.is_request() || raw.header.pid == 0 {
                continue;
            }
            let Ok(msg) = Message::decode(&raw, families) else {
                continue;
            };
            if let Payload::Devlink(d) = msg.payload {
                let cmd = Cmd::from_repr(d.genl.cmd).unwrap();
                if cmds.contains(&cmd) && !out.iter().any(|(c, _)| *c == cmd) {
                    out.push((cmd, d.body));
                }
            }
        }
    }
    out
}

/// `dev info` and `dev eswitch show` of the `reload` scenario from the kernel's own
/// replies in its capture. (Its resource dump there was taken while the reload had
/// failed, without occupancy: see [`resource_golden_from_captured_reply`].)
#[test]
fn reload_goldens_from_captured_replies() {
    let replies = captured_replies("reload", &[Cmd::InfoGet, Cmd::EswitchGet]);
    let of = |cmds: &[Cmd]| -> Vec<DevlinkBody> {
        replies
            .iter()
            .filter(|(c, _)| cmds.contains(c))
            .map(|(_, b)| b.clone())
            .collect()
    };
    let cases = [
        ("dev_info", ShowCmd::DevInfo, of(&[Cmd::InfoGet])),
        (
            "eswitch_show.netdevsim_netdevsim14",
            ShowCmd::DevEswitch,
            of(&[Cmd::EswitchGet]),
        ),
    ];
    let dir = common::traces().join("reload").join("dump");
    for (stem, cmd, bodies) in cases {
        assert!(!bodies.is_empty(), "{stem}: no reply in the capture");
        for json in [false, true] {
            let ext = if json { "json" } else { "txt" };
            let want = std::fs::read_to_string(dir.join(format!("{stem}.{ext}"))).unwrap();
            let opts = Options {
                json,
                pretty: json,
                ..Options::default()
            };
            let r = render_show(cmd, &bodies, opts);
            assert_eq!(r.error, None);
            assert!(
                want == r.output,
                "{stem}.{ext}: {}",
                common::first_difference(&want, &r.output)
            );
        }
    }
}

/// `resource show` from the kernel's `RESOURCE_DUMP` reply in the `param_set` capture
/// (taken by `devlink resource set` at step 06, when netdevsim15's resources and
/// occupancy were those of a fresh device) and the empty `DPIPE_TABLE_GET` reply of
/// the `reload` capture, against `create_4ports`' golden. The only edit: the reply's
/// handle is set to that golden's device, netdevsim11.
#[test]
fn resource_golden_from_captured_reply() {
    let mut bodies: Vec<DevlinkBody> = captured_replies("reload", &[Cmd::DpipeTableGet])
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let mut dump = captured_replies("param_set", &[Cmd::ResourceDump]);
    let (_, DevlinkBody::ResourceDump(mut d)) = dump.remove(0) else {
        panic!("no resource dump in the capture")
    };
    std::sync::Arc::make_mut(&mut d).handle = nsim(11);
    bodies.push(DevlinkBody::ResourceDump(d));
    let dir = common::traces().join("create_4ports").join("dump");
    for json in [false, true] {
        let ext = if json { "json" } else { "txt" };
        let file = format!("resource_show.netdevsim_netdevsim11.{ext}");
        let want = std::fs::read_to_string(dir.join(&file)).unwrap();
        let opts = Options {
            json,
            pretty: json,
            ..Options::default()
        };
        let r = render_show(ShowCmd::Resource, &bodies, opts);
        assert_eq!(r.error, None);
        assert!(
            want == r.output,
            "{file}: {}",
            common::first_difference(&want, &r.output)
        );
    }
}
