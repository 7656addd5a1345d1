//! `dlctl`'s iproute2 commands against the real daemon: both real binaries over a real
//! socket, the output compared with what iproute2 6.1 printed on a 6.1 kernel.
//!
//! - The `create_4ports` goldens (`dump/*.txt`, `*.json` from `devlink [-j -p] … show`
//!   after `echo '11 4' > new_device`): the same device is made with `dlctl sim
//!   new-device 11 --ports 4` and every show command's output must equal the golden, netdev
//!   names normalised as in `iproute2_show.rs`.
//! - The `reload` transcript's outputs and exit codes, errors and argument errors as
//!   iproute2 prints them, `dev param set`, and `monitor`, against the `create_1port`
//!   monitor golden.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::daemon::{DLCTL, Daemon};

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    text(&o.stdout)
}

#[test]
fn show_commands_match_the_6_1_goldens() {
    let d = Daemon::start("cli-goldens");
    ok(&d.sim(&["new-device", "11", "--ports", "4"]));
    let dir = common::traces().join("create_4ports").join("dump");
    let cases: &[(&str, &[&str])] = &[
        ("dev_show", &["dev", "show"]),
        ("dev_info", &["dev", "info"]),
        ("dev_param_show", &["dev", "param", "show"]),
        ("port_show", &["port", "show"]),
        ("port_param_show", &["port", "param", "show"]),
        ("health_show", &["health", "show"]),
        ("region_show", &["region", "show"]),
        ("trap_show", &["trap", "show"]),
        ("trap_group_show", &["trap", "group", "show"]),
        ("trap_policer_show", &["trap", "policer", "show"]),
        ("rate_show", &["port", "function", "rate", "show"]),
        ("lc_show", &["lc", "show"]),
        (
            "eswitch_show.netdevsim_netdevsim11",
            &["dev", "eswitch", "show", "netdevsim/netdevsim11"],
        ),
        (
            "resource_show.netdevsim_netdevsim11",
            &["resource", "show", "netdevsim/netdevsim11"],
        ),
    ];
    let mut failures = Vec::new();
    for (stem, args) in cases {
        for json in [false, true] {
            let ext = if json { "json" } else { "txt" };
            let want = std::fs::read_to_string(dir.join(format!("{stem}.{ext}"))).unwrap();
            let mut argv: Vec<&str> = if json { vec!["-j", "-p"] } else { Vec::new() };
            argv.extend_from_slice(args);
            let got = ok(&d.run(&argv));
            let (want, got) = (common::normalise(&want), common::normalise(&got));
            if want != got {
                failures.push(format!(
                    "{stem}.{ext}: {}",
                    common::first_difference(&want, &got)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn selectors_and_abbreviations() {
    let d = Daemon::start("cli-selectors");
    ok(&d.sim(&["new-device", "11", "--ports", "4"]));
    ok(&d.sim(&["new-device", "12", "--ports", "1"]));
    let one = ok(&d.run(&["port", "show", "netdevsim/netdevsim11/2"]));
    assert!(
        one.starts_with("netdevsim/netdevsim11/2: type eth netdev "),
        "{one}"
    );
    assert_eq!(one.lines().count(), 1);
    let dev = ok(&d.run(&["port", "sh", "netdevsim/netdevsim12"]));
    assert_eq!(dev.lines().count(), 1, "{dev}");
    assert!(dev.starts_with("netdevsim/netdevsim12/0:"), "{dev}");
    assert_eq!(
        ok(&d.run(&["d", "sh", "netdevsim/netdevsim12"])),
        "netdevsim/netdevsim12\n"
    );
    assert_eq!(
        ok(&d.run(&["dev", "show", "-j"])),
        "{\"dev\":{\"netdevsim/netdevsim11\":{},\"netdevsim/netdevsim12\":{}}}\n"
    );
    let param = ok(&d.run(&[
        "dev",
        "param",
        "show",
        "netdevsim/netdevsim12",
        "name",
        "max_macs",
    ]));
    assert_eq!(
        param,
        "netdevsim/netdevsim12:\n  name max_macs type generic\n    values:\n      cmode driverinit value 32\n"
    );
}

/// The `reload` scenario's transcript (`reload/actions.txt`), steps 01–05.
#[test]
fn reload_as_in_the_6_1_transcript() {
    let d = Daemon::start("cli-reload");
    ok(&d.sim(&["new-device", "14", "--ports", "2"]));
    let dev = "netdevsim/netdevsim14";
    assert_eq!(ok(&d.run(&["dev", "reload", dev])), "");
    assert_eq!(
        ok(&d.run(&["dev", "reload", dev, "action", "driver_reinit"])),
        "reload_actions_performed:\n    driver_reinit\n"
    );
    assert_eq!(
        ok(&d.run(&["-j", "dev", "reload", dev, "action", "driver_reinit"])),
        "{\"reload\":{\"reload_actions_performed\":[\"driver_reinit\"]}}\n"
    );
    let o = d.run(&["dev", "reload", dev, "action", "fw_activate"]);
    assert_eq!(o.status.code(), Some(1));
    // 6.1 printed "Error: leftover: Requested …": the daemon's extack has no prefix.
    assert!(
        text(&o.stderr)
            .ends_with("Requested reload action is not supported by the driver.\nkernel answers: Operation not supported\n"),
        "{o:?}"
    );
    let o = d.run(&[
        "dev",
        "reload",
        dev,
        "action",
        "driver_reinit",
        "limit",
        "no_reset",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).ends_with("kernel answers: Operation not supported\n"),
        "{o:?}"
    );
}

#[test]
fn errors_and_exit_codes() {
    let d = Daemon::start("cli-errors");
    ok(&d.sim(&["new-device", "11", "--ports", "1"]));
    let cases: &[(&[&str], &str)] = &[
        (
            &["dev", "show", "nosuch/dev"],
            "kernel answers: No such device\n",
        ),
        (
            &["dev", "show", "bad"],
            "Wrong identification string format.\nDevlink identification (\"bus_name/dev_name\") expected\n",
        ),
        (&["foo"], "Object \"foo\" not found\n"),
        (&["dev", "frob"], "Command \"frob\" not found\n"),
        (
            &["dev", "show", "netdevsim/netdevsim11", "extra"],
            "Unknown option \"extra\"\n",
        ),
        (
            &[
                "dev",
                "param",
                "set",
                "netdevsim/netdevsim11",
                "name",
                "max_macs",
            ],
            "Value to set expected.\n",
        ),
        (
            &[
                "dev",
                "param",
                "set",
                "netdevsim/netdevsim11",
                "name",
                "max_macs",
                "value",
                "x",
                "cmode",
                "driverinit",
            ],
            "Value \"x\" is not a number or not within range\n",
        ),
        (
            &[
                "dev",
                "param",
                "set",
                "netdevsim/netdevsim11",
                "name",
                "max_macs",
                "value",
                "1",
                "cmode",
                "runtime",
            ],
            "Configuration mode not supported\n",
        ),
        (
            &["dev", "eswitch", "set", "netdevsim/netdevsim11"],
            "Need to set at least one option\n",
        ),
        (
            &["port", "show", "netdevsim/netdevsim11/x"],
            "Port index \"x\" is not a number or not within range\n",
        ),
        (
            &["port", "split", "netdevsim/netdevsim11/0"],
            "Port split count option expected.\n",
        ),
        (
            &[
                "trap",
                "set",
                "netdevsim/netdevsim11",
                "trap",
                "t",
                "action",
                "keep",
            ],
            "Unknown trap action \"keep\"\n",
        ),
        (
            &["health", "recover", "netdevsim/netdevsim11"],
            "Reporter's name is expected.\n",
        ),
        (&["monitor", "bogus"], "Unknown object \"bogus\"\n"),
    ];
    for (args, want) in cases {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {o:?}");
        assert_eq!(text(&o.stderr), *want, "{args:?}");
    }
    // Help goes to standard error, and succeeds.
    let o = d.run(&["dev", "help"]);
    assert!(o.status.success());
    assert!(text(&o.stderr).starts_with("Usage: dlctl dev show [ DEV ]\n"));
    // No daemon: iproute2's line, exit 1.
    let o = Command::new(DLCTL)
        .args(["--socket", "/nonexistent/d.sock", "dev", "show"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), "Failed to connect to devlink Netlink\n");
}

#[test]
fn mutating_commands() {
    let d = Daemon::start("cli-set");
    ok(&d.sim(&["new-device", "11", "--ports", "2"]));
    let dev = "netdevsim/netdevsim11";
    ok(&d.run(&[
        "dev",
        "param",
        "set",
        dev,
        "name",
        "max_macs",
        "value",
        "16",
        "cmode",
        "driverinit",
    ]));
    // The same value again: nothing is sent.
    ok(&d.run(&[
        "dev",
        "param",
        "set",
        dev,
        "name",
        "max_macs",
        "value",
        "16",
        "cmode",
        "driverinit",
    ]));
    let p = ok(&d.run(&["dev", "param", "show", dev, "name", "max_macs"]));
    assert!(p.ends_with("cmode driverinit value 16\n"), "{p}");
    ok(&d.run(&[
        "dev",
        "param",
        "set",
        dev,
        "name",
        "test1",
        "value",
        "false",
        "cmode",
        "driverinit",
    ]));
    let p = ok(&d.run(&["dev", "param", "show", dev, "name", "test1"]));
    assert!(p.ends_with("cmode driverinit value false\n"), "{p}");

    assert_eq!(
        ok(&d.run(&["region", "new", &format!("{dev}/dummy"), "snapshot", "5"])),
        ""
    );
    let r = ok(&d.run(&["region", "show", &format!("{dev}/dummy")]));
    assert_eq!(r, format!("{dev}/dummy: size 32768 snapshot [5] max 16\n"));
    ok(&d.run(&["region", "del", &format!("{dev}/dummy"), "snapshot", "5"]));
    let r = ok(&d.run(&["region", "show", &format!("{dev}/dummy")]));
    assert_eq!(r, format!("{dev}/dummy: size 32768 snapshot [] max 16\n"));

    ok(&d.run(&[
        "health",
        "set",
        dev,
        "reporter",
        "dummy",
        "grace_period",
        "10",
    ]));
    let h = ok(&d.run(&["health", "show", dev, "reporter", "dummy"]));
    assert!(h.contains("grace_period 10 "), "{h}");
    ok(&d.run(&["health", "recover", dev, "reporter", "dummy"]));

    ok(&d.run(&[
        "trap",
        "set",
        dev,
        "trap",
        "source_mac_is_multicast",
        "action",
        "trap",
    ]));
    let t = ok(&d.run(&["trap", "show", dev, "trap", "source_mac_is_multicast"]));
    assert!(t.contains(" action trap "), "{t}");
    ok(&d.run(&[
        "trap", "policer", "set", dev, "policer", "1", "rate", "2000", "burst", "256",
    ]));
    let t = ok(&d.run(&["trap", "policer", "show", dev, "policer", "1"]));
    assert_eq!(t, format!("{dev}:\n  policer 1 rate 2000 burst 256\n"));
}

/// `dlctl monitor` while a device is created: the `create_1port` monitor golden (step 01).
#[test]
fn monitor_prints_what_6_1_printed() {
    let d = Daemon::start("cli-monitor");
    let mut mon = Command::new(DLCTL)
        .arg("monitor")
        .env("DEVLINKD_SOCKET", &d.socket)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let golden =
        std::fs::read_to_string(common::traces().join("create_1port/monitor.txt")).unwrap();
    let want: String = golden
        .split("### cleanup")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("### "))
        .map(|l| format!("{l}\n"))
        .collect();
    // Give the monitor time to subscribe, then create the device.
    let start = Instant::now();
    let mut stdout = mon.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf
    });
    std::thread::sleep(Duration::from_millis(300));
    ok(&d.sim(&["new-device", "10", "--ports", "1"]));
    std::thread::sleep(Duration::from_millis(500));
    assert!(start.elapsed() < Duration::from_secs(30));
    mon.kill().unwrap();
    let _ = mon.wait();
    let got = text(&reader.join().unwrap());
    let (want, got) = (common::normalise(&want), common::normalise(&got));
    assert_eq!(want, got, "{}", common::first_difference(&want, &got));
}
