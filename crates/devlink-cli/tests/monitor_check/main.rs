//! `dlctl --check monitor`: the ordering checker run live over the monitor's stream.
//!
//! - Against a fake daemon (`fake.rs`, a real `SOCK_SEQPACKET` socket) sending a
//!   hand-crafted out-of-order stream: every violation is reported on standard error,
//!   the exit status is 1, and standard output is what the monitor prints without
//!   `--check`. The corrected stream passes with status 0.
//! - Against the real daemon with its demo devices (which exist before the monitor
//!   starts, so they were never announced to it) and runtime churn: nothing reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../common/mod.rs"]
mod common;
mod fake;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use devlink_wire::devlink::{Dev, Handle, Port};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use common::daemon::{DLCTL, Daemon};
use fake::{Dumps, Step};

fn nsim(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

fn dev(n: u32) -> DevlinkBody {
    DevlinkBody::from(Dev {
        handle: nsim(n),
        ..Dev::default()
    })
}

fn port(n: u32, index: u32) -> DevlinkBody {
    DevlinkBody::Port(Arc::new(Port::new(nsim(n), index)))
}

/// The fake daemon's state before the monitor starts: netdevsim1 with port 0, which
/// the monitor learns from its seeding dump (never from a notification).
fn dumps() -> Dumps {
    vec![
        (Cmd::Get, vec![(Cmd::New, dev(1))]),
        (Cmd::PortGet, vec![(Cmd::PortNew, port(1, 0))]),
    ]
}

/// `dlctl [--check] monitor` against a fake daemon serving `stream` (after the
/// seeding dumps under `--check`).
fn monitor_fake(name: &str, check: bool, stream: Vec<(Cmd, DevlinkBody)>) -> Output {
    // dev, port, param, region, trap, trap-group, trap-policer, lc, rate.
    let seeding = Step::Serve(if check { 9 } else { 0 }, dumps());
    let script = std::iter::once(seeding)
        .chain(stream.into_iter().map(|(c, b)| Step::Notify(c, b)))
        .collect();
    run_fake(name, check, script)
}

fn run_fake(name: &str, check: bool, script: Vec<Step>) -> Output {
    let dir = std::env::temp_dir().join(format!("dlctl-check-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let socket = dir.join("fake.sock");
    let server = fake::serve(&socket, script);
    let mut cmd = Command::new(DLCTL);
    if check {
        cmd.arg("--check");
    }
    let out = cmd
        .arg("monitor")
        .env("DEVLINKD_SOCKET", &socket)
        .output()
        .unwrap();
    server.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// A `[port,new]` before its `[dev,new]`, an instance `DEL` with a port left, and the
/// `DEL` of an instance the monitor only knows from its dump while its port remains.
fn out_of_order() -> Vec<(Cmd, DevlinkBody)> {
    vec![
        (Cmd::PortNew, port(0, 1)),
        (Cmd::New, dev(0)),
        (Cmd::PortNew, port(0, 1)),
        (Cmd::Del, dev(0)),
        (Cmd::Del, dev(1)),
    ]
}

#[test]
fn monitor_check_flags_a_hand_crafted_out_of_order_stream() {
    let out = monitor_fake("bad", true, out_of_order());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "dlctl: order violation: event 0: PortNew about netdevsim/netdevsim0 outside its NEW..DEL window (got [port,new] netdevsim/netdevsim0/1)\n\
         dlctl: order violation: event 3: netdevsim/netdevsim0 DEL while port 1 is still announced (got [dev,del] netdevsim/netdevsim0)\n\
         dlctl: order violation: event 4: netdevsim/netdevsim1 DEL while port 0 is still announced (got [dev,del] netdevsim/netdevsim1)\n\
         dlctl: monitor --check: 3 order violations\n"
    );
    assert_eq!(out.status.code(), Some(1));
    // The events are printed all the same, exactly as without --check.
    let plain = monitor_fake("bad-plain", false, out_of_order());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(plain.stdout).unwrap()
    );
}

#[test]
fn monitor_check_accepts_the_corrected_stream() {
    let stream = vec![
        (Cmd::New, dev(0)),
        (Cmd::PortNew, port(0, 1)),
        (Cmd::PortDel, port(0, 1)),
        (Cmd::Del, dev(0)),
        (Cmd::PortDel, port(1, 0)),
        (Cmd::Del, dev(1)),
    ];
    let out = monitor_fake("good", true, stream);
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .ends_with("[dev,del] netdevsim/netdevsim1\n")
    );
}

/// Standard output of a running process, collected by a thread.
fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = from.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    buf
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn monitor_check_reports_nothing_on_the_real_daemon_with_churn() {
    let d = Daemon::start_demo("monitor-check");
    let mut mon = Command::new(DLCTL)
        .args(["--check", "monitor"])
        .env("DEVLINKD_SOCKET", &d.socket)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = collect(mon.stdout.take().unwrap());
    let stderr = collect(mon.stderr.take().unwrap());
    // Wait until the monitor has subscribed and seeded: it prints a param change.
    let start = Instant::now();
    let mut macs = 1;
    while stdout.lock().unwrap().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "monitor silent");
        let value = macs.to_string();
        ok(
            &d.run(&[
                "dev",
                "param",
                "set",
                "netdevsim/netdevsim0",
                "name",
                "max_macs",
                "value",
                &value,
                "cmode",
                "driverinit",
            ]),
            "param set",
        );
        macs += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let sim: &[&[&str]] = &[
        &["new-device", "5", "--ports", "2"],
        &["new-port", "5", "4"],
        &["sriov-numvfs", "5", "2"],
        &["new-device", "6", "--ports", "3", "--register", "first"],
        &["new-port", "0", "7"],
        &["del-port", "0", "7"],
        // Objects of the demo devices, never announced to the monitor.
        &["del-port", "0", "1"],
    ];
    for args in sim {
        ok(&d.sim(args), &args.join(" "));
    }
    let dl: &[&[&str]] = &[
        &["dev", "reload", "netdevsim/netdevsim0"],
        &[
            "dev",
            "eswitch",
            "set",
            "netdevsim/netdevsim6",
            "mode",
            "switchdev",
        ],
        &[
            "region",
            "new",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "3",
        ],
        &[
            "region",
            "del",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "3",
        ],
        &[
            "region",
            "new",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "4",
        ],
        &["dev", "reload", "pci/0000:03:00.0"],
        &[
            "dev",
            "eswitch",
            "set",
            "pci/0000:03:00.0",
            "mode",
            "legacy",
        ],
    ];
    for args in dl {
        ok(&d.run(args), &args.join(" "));
    }
    for args in [
        ["del-device", "5"],
        ["del-device", "6"],
        ["del-device", "0"],
    ] {
        ok(&d.sim(&args), &args.join(" "));
    }
    // The daemon goes away: the monitor's stream ends, cleanly.
    drop(d);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = mon.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = mon.kill();
            panic!("the monitor did not end with the daemon");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(50));
    let out = String::from_utf8(stdout.lock().unwrap().clone()).unwrap();
    let err = String::from_utf8(stderr.lock().unwrap().clone()).unwrap();
    assert_eq!(err, "", "violations reported; stream:\n{out}");
    assert_eq!(status.code(), Some(0));
    for seen in [
        "[dev,new] netdevsim/netdevsim5",
        "[port,del] netdevsim/netdevsim0/1",
        "[dev,del] netdevsim/netdevsim0",
        "[dev,del] netdevsim/netdevsim6",
    ] {
        assert!(out.contains(seen), "{seen} missing from\n{out}");
    }
}

/// After an overrun the checker forgets what it knew and learns again from the
/// re-dump: netdevsim0's port 2 (announced in the lost events) is known, netdevsim1's
/// port 0 (deleted in them) is not. Deleting both instances then breaks no rule.
#[test]
fn monitor_check_relearns_after_an_overrun() {
    let after: Dumps = vec![
        (Cmd::Get, vec![(Cmd::New, dev(0)), (Cmd::New, dev(1))]),
        (
            Cmd::PortGet,
            vec![(Cmd::PortNew, port(0, 1)), (Cmd::PortNew, port(0, 2))],
        ),
    ];
    let script = vec![
        Step::Serve(9, dumps()),
        Step::Notify(Cmd::New, dev(0)),
        Step::Notify(Cmd::PortNew, port(0, 1)),
        Step::Overrun,
        // The seeding dumps, and health (printed after an overrun, as without --check).
        Step::Serve(10, after),
        Step::Notify(Cmd::PortDel, port(0, 2)),
        Step::Notify(Cmd::PortDel, port(0, 1)),
        Step::Notify(Cmd::Del, dev(0)),
        Step::Notify(Cmd::Del, dev(1)),
    ];
    let out = run_fake("overrun", true, script);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "devlink answers: No buffer space available (events were lost; re-dumping)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("[port,get] netdevsim/netdevsim0/2"),
        "{stdout}"
    );
}
