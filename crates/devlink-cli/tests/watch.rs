//! `dlctl snapshot` and `dlctl watch` against the real daemon (`common::daemon`): the
//! objects with their revision, a watch running as a child process while devices and
//! params change, replay with `--from`, the re-list errors, and `-j`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Output;

use common::child::Dlctl;
use common::daemon::Daemon;
use serde_json::Value;

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The revision a text snapshot ends with.
fn revision(snapshot: &str) -> u64 {
    let last = snapshot.lines().last().unwrap();
    let rest = last.strip_prefix("revision ").expect(last);
    rest.split(' ').next().unwrap().parse().unwrap()
}

/// `dlctl watch ARGS` as a child.
struct Watcher;

impl Watcher {
    fn start(d: &Daemon, args: &[&str]) -> Dlctl {
        Dlctl::start(d, &[&["watch"], args].concat())
    }
}

/// The first line starting with each of `wanted`, in that order.
fn assert_in_order(lines: &[String], wanted: &[&str]) {
    let mut at = 0;
    for w in wanted {
        match lines.iter().skip(at).position(|l| l.starts_with(w)) {
            Some(i) => at += i + 1,
            None => panic!("{w:?} missing after line {at}:\n{}", lines.join("\n")),
        }
    }
}

#[test]
fn snapshot_lists_every_object_and_its_revision() {
    let d = Daemon::start("snapshot");
    assert_eq!(stdout(&d.run(&["snapshot"])), "revision 0 (oldest 0)\n");
    stdout(&d.sim(&["new-device", "1", "--ports", "2"]));
    let snap = stdout(&d.run(&["snapshot"]));
    assert_in_order(
        &snap.lines().map(str::to_owned).collect::<Vec<_>>(),
        &[
            "dev netdevsim/netdevsim1",
            "eswitch netdevsim/netdevsim1: mode legacy",
            "port netdevsim/netdevsim1/0: type eth netdev eth0 flavour physical port 1",
            "port netdevsim/netdevsim1/1: type eth netdev eth1 flavour physical port 2",
            "trap netdevsim/netdevsim1: name blackhole_route type drop generic true",
            "region netdevsim/netdevsim1/dummy: size 32768",
            "param netdevsim/netdevsim1: name max_macs type generic",
            "revision 1 (oldest 0)",
        ],
    );
    let ports = stdout(&d.run(&["snapshot", "kind", "port", "port", "1"]));
    assert_eq!(
        ports,
        "port netdevsim/netdevsim1/1: type eth netdev eth1 flavour physical port 2 \
         splittable false\nrevision 1 (oldest 0)\n"
    );

    stdout(&d.sim(&["new-port", "1", "5"]));
    let now = stdout(&d.run(&["snapshot", "kind", "port"]));
    assert_eq!(revision(&now), 2);
    assert!(now.contains("port netdevsim/netdevsim1/5:"), "{now}");
    // The past, rebuilt from the history.
    let then = stdout(&d.run(&["snapshot", "--at", "1", "kind", "port"]));
    assert_eq!(revision(&then), 1);
    assert!(!then.contains("netdevsim1/5:"), "{then}");
    assert_eq!(then.lines().count(), 3, "{then}");

    let j: Value = serde_json::from_str(&stdout(&d.run(&["snapshot", "-j"]))).unwrap();
    assert_eq!(j["revision"], 2);
    assert_eq!(j["oldest"], 0);
    let objects = j["objects"].as_array().unwrap();
    let text = stdout(&d.run(&["snapshot"]));
    let kinds = text.lines().filter(|l| !l.starts_with(' ')).count() - 1;
    assert_eq!(objects.len(), kinds);
    let port = objects
        .iter()
        .find(|o| o["kind"] == "port")
        .expect("a port");
    assert_eq!(
        port["object"]["netdevsim/netdevsim1/0"]["flavour"],
        "physical"
    );
    // Options may come first, as for the iproute2 commands.
    let first: Value = serde_json::from_str(&stdout(&d.run(&["-j", "snapshot"]))).unwrap();
    assert_eq!(first, j);
    // -j -p is the same document.
    let pretty: Value = serde_json::from_str(&stdout(&d.run(&["snapshot", "-j", "-p"]))).unwrap();
    assert_eq!(pretty, j);
}

#[test]
fn watch_prints_changes_in_order_with_their_revisions() {
    let d = Daemon::start("watch");
    stdout(&d.sim(&["new-device", "1"]));
    let w = Watcher::start(&d, &["--from", "0", "kind", "dev,port,param"]);
    // A watch from the past ends its replay with a bookmark: subscribed.
    let replay = w.until("[1] bookmark");
    assert_eq!(replay[0], "[1] dev put netdevsim/netdevsim1");

    stdout(&d.sim(&["new-device", "2", "--ports", "1"]));
    let set = [
        "dev",
        "param",
        "set",
        "netdevsim/netdevsim2",
        "name",
        "max_macs",
    ];
    let o = d.run(&[&set[..], &["value", "16", "cmode", "driverinit"]].concat());
    stdout(&o);
    stdout(&d.sim(&["del-device", "2"]));

    let lines = w.until("[4] dev del");
    assert_in_order(
        &lines,
        &[
            "[2] dev put netdevsim/netdevsim2",
            "[2] port put netdevsim/netdevsim2/0: type eth",
            "[2] param put netdevsim/netdevsim2: name max_macs type generic",
            "    cmode driverinit value 32",
            "[3] param put netdevsim/netdevsim2: name max_macs type generic",
            "    cmode driverinit value 16",
            "[4] param del netdevsim/netdevsim2: name",
            "[4] port del netdevsim/netdevsim2/0:",
            "[4] dev del netdevsim/netdevsim2",
        ],
    );
    // Nothing of other kinds, and revisions never go back.
    let mut last = 0;
    for l in lines.iter().filter(|l| l.starts_with('[')) {
        let (rev, rest) = l[1..].split_once("] ").unwrap();
        let rev: u64 = rev.parse().unwrap();
        assert!(rev >= last, "{l}");
        last = rev;
        let kind = rest.split(' ').next().unwrap();
        assert!(["dev", "port", "param"].contains(&kind), "{l}");
    }

    // Replay: the same changes again, then a bookmark at the present.
    let r = Watcher::start(&d, &["--from", "1", "kind", "dev"]);
    assert_eq!(
        r.until("[4] bookmark"),
        [
            "[2] dev put netdevsim/netdevsim2",
            "[4] dev del netdevsim/netdevsim2",
            "[4] bookmark",
        ]
    );
}

#[test]
fn watch_json_is_one_document_per_line() {
    let d = Daemon::start("watch-json");
    stdout(&d.sim(&["new-device", "1", "--ports", "1"]));
    let w = Watcher::start(&d, &["-j", "--from", "0", "port", "netdevsim/netdevsim1/0"]);
    let lines = w.until(r#"{"revision":1,"event":"bookmark"}"#);
    let docs: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let port = docs.iter().find(|v| v["kind"] == "port").expect("the port");
    assert_eq!(port["revision"], 1);
    assert_eq!(port["event"], "put");
    assert_eq!(port["object"]["netdevsim/netdevsim1/0"]["netdev"], "eth0");
    // Only the port's objects: the port itself, no device-wide ones.
    assert!(docs.iter().all(|v| v["kind"] != "dev"), "{lines:?}");
    let ends = docs.iter().filter(|v| v["last"] == true).count();
    assert_eq!(ends, 1, "one LAST per revision: {lines:?}");
}

#[test]
fn too_old_future_and_cancelled_are_errors() {
    let d = Daemon::start_with_args("watch-old", &["--watch-history", "1"]);
    stdout(&d.sim(&["new-device", "1"]));
    stdout(&d.sim(&["new-device", "2"]));
    let snap = stdout(&d.run(&["snapshot", "kind", "dev"]));
    assert!(snap.ends_with("revision 2 (oldest 1)\n"), "{snap}");

    let stale = "Error: revision 0 is too old, the oldest available is 1: re-list.\n\
                 kernel answers: Stale file handle\n";
    for args in [&["watch", "--from", "0"][..], &["snapshot", "--at", "0"]] {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(String::from_utf8(o.stderr).unwrap(), stale, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = d.run(&["snapshot", "--at", "9"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "Error: revision 9 is in the future, the current revision is 2.\n\
         kernel answers: Invalid argument\n"
    );

    // A replay longer than --max-lag: cancelled, the reason on standard error.
    let o = d.run(&["watch", "-j", "--from", "1", "--max-lag", "3"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("Error: The watch fell more than 3 changes behind"),
        "{err}"
    );
    assert!(
        err.ends_with("kernel answers: Stale file handle\n"),
        "{err}"
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let last: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "cancelled");
    assert_eq!(last["errno"], 116);

    // --relist: the reason as a warning, then the objects of a fresh snapshot (and on).
    let mut w = Watcher::start(
        &d,
        &["--relist", "--from", "1", "--max-lag", "3", "kind", "dev"],
    );
    assert_eq!(
        w.until("[2] dev put netdevsim/netdevsim2"),
        [
            "[2] relist",
            "[2] dev put netdevsim/netdevsim1",
            "[2] dev put netdevsim/netdevsim2",
        ]
    );
    assert_eq!(
        w.stop(),
        "Warning: The watch fell more than 3 changes behind: re-list.\n"
    );

    // Bad filters never reach the daemon.
    let o = d.run(&["watch", "kind", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8(o.stderr)
            .unwrap()
            .contains("unknown kind \"nope\"")
    );
}
