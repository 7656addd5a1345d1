//! `dlctl sim` against the real daemon: both real binaries, over a real socket.
//! The daemon: `common::daemon`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Command, Output};

use common::daemon::{DLCTL, Daemon};

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn create_set_list_delete() {
    let d = Daemon::start("create");
    let out = stdout(&d.sim(&["new-device", "10", "--ports", "2"]));
    assert!(
        out.starts_with("netdevsim/netdevsim10: id 10 vfs 0\n"),
        "{out}"
    );
    stdout(&d.sim(&["set", "10", "fail_reload", "true"]));
    stdout(&d.sim(&["set", "10", "health/break_health", "the msg"]));
    stdout(&d.sim(&["set", "10", "take_snapshot", "1"]));
    stdout(&d.sim(&["new-port", "10", "0x7"]));
    stdout(&d.sim(&["sriov-numvfs", "10", "2"]));

    let list = stdout(&d.sim(&["list"]));
    assert!(
        list.contains("netdevsim/netdevsim10: id 10 vfs 2\n"),
        "{list}"
    );
    assert!(list.contains("\n  fail_reload Y\n"), "{list}");
    assert!(list.contains("\n  take_snapshot (write-only)\n"), "{list}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&d.sim(&["list", "-j"]))).unwrap();
    let dev = &json["sim"][0];
    assert_eq!(dev["handle"], "netdevsim/netdevsim10");
    let knobs = dev["knobs"].as_array().unwrap();
    assert!(
        knobs
            .iter()
            .any(|k| k["name"] == "fail_reload" && k["value"] == "Y")
    );

    stdout(&d.sim(&["del-device", "10"]));
    assert_eq!(stdout(&d.sim(&["list"])), "");
}

#[test]
fn errors_print_as_iproute2_and_exit_1() {
    let d = Daemon::start("errors");
    let o = d.sim(&["del-device", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "Error: no netdevsim device 3.\nkernel answers: No such file or directory\n"
    );
    stdout(&d.sim(&["new-device", "3"]));
    let o = d.sim(&["--socket", d.socket.to_str().unwrap(), "new-device", "3"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.ends_with("kernel answers: No space left on device\n"),
        "{err}"
    );
    // `--socket` before `sim`, as before an iproute2 object, is the same option.
    let o = Command::new(DLCTL)
        .args(["--socket", d.socket.to_str().unwrap(), "sim", "list"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("netdevsim/netdevsim3"));
    // No daemon there: not a daemon's answer, exit 2.
    let o = Command::new(DLCTL)
        .args(["sim", "list", "--socket", "/nonexistent/d.sock"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
