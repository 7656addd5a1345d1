//! pyroute2 (pinned in `.ci/run`) through the shim: `pyroute2.DL` lists the devices and
//! ports (`tests/scripts/pyroute2_dl.py`), and sockets joined to devlink's `config` group
//! (`DevlinkSocket` + `add_membership`, `GenericNetlinkSocket` bound with an `nl_groups`
//! mask, asyncio's `AsyncDL`) hear what other clients cause, in order
//! (`tests/scripts/pyroute2_config.py`). Skipped, with the reason printed, only when
//! pyroute2 cannot be imported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod common;

use std::process::{Command, Stdio};

use common::wait::wait_timeout;
use common::{Daemon, T, artefacts};

/// Run `tests/scripts/SCRIPT ARGS` under the shim against `d`: its stdout, or `None`
/// (after saying why) when the script reports that pyroute2 cannot be imported.
fn run_script(d: &Daemon, script: &str, args: &[&std::ffi::OsStr]) -> Option<String> {
    let a = artefacts();
    let path = format!("{}/tests/scripts/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("python3")
        .arg(path)
        .args(args)
        .env("LD_PRELOAD", &a.shim)
        .env("DEVLINKD_SOCKET", &d.socket)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (apt-get install python3)");
    // Drained as it comes: a failing script may write more than a pipe holds.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            r.read_to_string(&mut s).unwrap();
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = wait_timeout(&mut child, T);
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    let Some(status) = status else {
        panic!("{script} did not finish in {T:?}\nstdout:\n{out}\nstderr:\n{err}");
    };
    if status.code() == Some(3) && out.starts_with("skip: ") {
        println!("pyroute2 test skipped: {}", out.trim_end());
        return None;
    }
    assert!(status.success(), "{script}: {status:?}\n{out}\n{err}");
    Some(out)
}

#[test]
fn pyroute2_lists_devices_and_ports() {
    let d = Daemon::start("pyroute2");
    let Some(out) = run_script(&d, "pyroute2_dl.py", &[]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "devices netdevsim/netdevsim0 pci/0000:03:00.0",
            "ports netdevsim/netdevsim0/0 netdevsim/netdevsim0/1 netdevsim/netdevsim0/2 \
             netdevsim/netdevsim0/3 pci/0000:03:00.0/0 pci/0000:03:00.0/1 \
             pci/0000:03:00.0/128 pci/0000:03:00.0/129",
            "pyroute2 0.9.7",
        ],
        "{out}"
    );
}

/// What a `config` subscriber hears, in order, from `dlctl sim new-device 9 --ports 2`,
/// iproute2's `devlink dev param set` of `max_macs` on it (through the shim), and `dlctl
/// sim del-device 9`: genl cmd, handle (with the port index), the object named. Linux
/// 6.1's order: the instance registers last, so `NEW` (3) comes first, then its ports
/// (`PORT_NEW` 7), trap policers (71), trap groups (67), traps (63), region (44) and
/// params (40); the `param set` adds one `PARAM_NEW`; on removal every object goes
/// (41, 45, 64, 68, 72, `PORT_DEL` 8) before the instance's `DEL` (4).
const SEQUENCE: &str = "\
3 netdevsim/netdevsim9 -
7 netdevsim/netdevsim9/0 -
7 netdevsim/netdevsim9/1 -
71 netdevsim/netdevsim9 policer:1
71 netdevsim/netdevsim9 policer:2
71 netdevsim/netdevsim9 policer:3
67 netdevsim/netdevsim9 group:l2_drops
67 netdevsim/netdevsim9 group:l3_drops
67 netdevsim/netdevsim9 group:l3_exceptions
67 netdevsim/netdevsim9 group:buffer_drops
67 netdevsim/netdevsim9 group:acl_drops
67 netdevsim/netdevsim9 group:mc_snooping
63 netdevsim/netdevsim9 trap:source_mac_is_multicast
63 netdevsim/netdevsim9 trap:vlan_tag_mismatch
63 netdevsim/netdevsim9 trap:ingress_vlan_filter
63 netdevsim/netdevsim9 trap:ingress_spanning_tree_filter
63 netdevsim/netdevsim9 trap:port_list_is_empty
63 netdevsim/netdevsim9 trap:port_loopback_filter
63 netdevsim/netdevsim9 trap:fid_miss
63 netdevsim/netdevsim9 trap:blackhole_route
63 netdevsim/netdevsim9 trap:ttl_value_is_too_small
63 netdevsim/netdevsim9 trap:tail_drop
63 netdevsim/netdevsim9 trap:ingress_flow_action_drop
63 netdevsim/netdevsim9 trap:egress_flow_action_drop
63 netdevsim/netdevsim9 trap:igmp_query
63 netdevsim/netdevsim9 trap:igmp_v1_report
44 netdevsim/netdevsim9 region:dummy
40 netdevsim/netdevsim9 param:max_macs
40 netdevsim/netdevsim9 param:test1
40 netdevsim/netdevsim9 param:max_macs
41 netdevsim/netdevsim9 param:max_macs
41 netdevsim/netdevsim9 param:test1
45 netdevsim/netdevsim9 region:dummy
64 netdevsim/netdevsim9 trap:igmp_v1_report
64 netdevsim/netdevsim9 trap:igmp_query
64 netdevsim/netdevsim9 trap:egress_flow_action_drop
64 netdevsim/netdevsim9 trap:ingress_flow_action_drop
64 netdevsim/netdevsim9 trap:tail_drop
64 netdevsim/netdevsim9 trap:ttl_value_is_too_small
64 netdevsim/netdevsim9 trap:blackhole_route
64 netdevsim/netdevsim9 trap:fid_miss
64 netdevsim/netdevsim9 trap:port_loopback_filter
64 netdevsim/netdevsim9 trap:port_list_is_empty
64 netdevsim/netdevsim9 trap:ingress_spanning_tree_filter
64 netdevsim/netdevsim9 trap:ingress_vlan_filter
64 netdevsim/netdevsim9 trap:vlan_tag_mismatch
64 netdevsim/netdevsim9 trap:source_mac_is_multicast
68 netdevsim/netdevsim9 group:mc_snooping
68 netdevsim/netdevsim9 group:acl_drops
68 netdevsim/netdevsim9 group:buffer_drops
68 netdevsim/netdevsim9 group:l3_exceptions
68 netdevsim/netdevsim9 group:l3_drops
68 netdevsim/netdevsim9 group:l2_drops
72 netdevsim/netdevsim9 policer:3
72 netdevsim/netdevsim9 policer:2
72 netdevsim/netdevsim9 policer:1
8 netdevsim/netdevsim9/0 -
8 netdevsim/netdevsim9/1 -
4 netdevsim/netdevsim9 -
";

#[test]
fn pyroute2_config_subscribers_hear_other_clients() {
    let d = Daemon::start("pyroute2-config");
    let a = artefacts();
    let args = [
        a.dlctl.as_os_str(),
        a.devlink.as_os_str(),
        d.socket.as_os_str(),
    ];
    let Some(out) = run_script(&d, "pyroute2_config.py", &args) else {
        return;
    };
    // Every subscriber hears the whole sequence: the asyncio one while the clients run,
    // the others afterwards (from their sockets and the daemon's backlog).
    let want: Vec<String> = ["async", "sync", "mask"]
        .iter()
        .flat_map(|label| SEQUENCE.lines().map(move |l| format!("{label} {l}")))
        .collect();
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got, want, "{out}");
}
