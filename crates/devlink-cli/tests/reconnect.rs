//! `dlctl --reconnect monitor` and `dlctl watch --relist` follow a daemon that is killed
//! with `SIGKILL` and started again on the same socket, while devices change before
//! the kill, while it is down and after the restart: what a reader folds from the
//! client's output ends equal to a fresh dump of the restarted daemon, and a monitor
//! prints, for a device that outlives the restarts, only what differs. Both real
//! binaries, over the real socket.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

use common::child::{Dlctl, WAIT};
use common::daemon::Daemon;
use common::wait::wait_timeout;

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Wait until `folded(c's output) == want()`, polling both.
fn converge<T: PartialEq + std::fmt::Debug>(
    c: &Dlctl,
    folded: impl Fn(&[String]) -> T,
    want: impl Fn() -> T,
) {
    let start = Instant::now();
    loop {
        let (got, want) = (folded(&c.out()), want());
        if got == want {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "the client's view:\n{got:#?}\nthe daemon's:\n{want:#?}\nstderr: {:?}",
            c.err()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Devices and ports as a reader of `dlctl monitor dev port` folds them onto what it
/// knew at the start: a `NEW` line (re)places its object, a `DEL` line removes it; the
/// key is the handle (a port's with its index), the value the rest of the line (an
/// instance's indented reload statistics are left out, as `dev show` shows none).
/// Params are left out ([`since`] looks at them).
fn fold_monitor(initial: &BTreeMap<String, String>, lines: &[String]) -> BTreeMap<String, String> {
    let mut objects = initial.clone();
    for l in lines
        .iter()
        .filter(|l| !l.starts_with(' ') && !l.starts_with("[param,"))
    {
        let (label, rest) = l.split_once(' ').unwrap_or((l, ""));
        let (key, value) = rest
            .split_once(": ")
            .unwrap_or((rest.trim_end_matches(':'), ""));
        match label {
            "[dev,new]" | "[port,new]" => {
                objects.insert(key.to_owned(), value.to_owned());
            }
            "[dev,del]" | "[port,del]" => {
                objects.remove(key);
            }
            _ => panic!("unexpected monitor line {l:?}"),
        }
    }
    objects
}

/// The same from `dlctl dev show` and `dlctl port show`.
fn shown(d: &Daemon) -> BTreeMap<String, String> {
    let devs = ok(&d.run(&["dev", "show"]));
    let ports = ok(&d.run(&["port", "show"]));
    devs.lines()
        .chain(ports.lines())
        .map(|l| {
            let (key, value) = l.split_once(": ").unwrap_or((l, ""));
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

/// Make and remove netdevsim9 until the monitor shows its removal: from then on it
/// sees every change (and the churn folds to nothing).
fn until_subscribed(d: &Daemon, m: &Dlctl) {
    let start = Instant::now();
    loop {
        ok(&d.sim(&["new-device", "9"]));
        ok(&d.sim(&["del-device", "9"]));
        std::thread::sleep(Duration::from_millis(50));
        if m.out()
            .iter()
            .any(|l| l.starts_with("[dev,del] netdevsim/netdevsim9:"))
        {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "the monitor never subscribed: {:?}",
            m.err()
        );
    }
}

/// A device of the daemon's config: it is there again after every restart, as it was
/// at start.
const KEPT: &str = "pci/0000:07:00.0";

/// The top lines (not indented) of the monitor's output from line `from` on that are
/// about [`KEPT`].
fn since(m: &Dlctl, from: usize) -> Vec<String> {
    let kept = format!(" {KEPT}");
    m.out()
        .iter()
        .skip(from)
        .filter(|l| !l.starts_with(' ') && l.contains(&kept))
        .cloned()
        .collect()
}

/// Wait until `want` is among [`since`]`(m, from)`.
fn wait_since(m: &Dlctl, from: usize, want: &str) {
    let start = Instant::now();
    while !since(m, from).iter().any(|l| l.starts_with(want)) {
        assert!(
            start.elapsed() < WAIT,
            "no {want:?} since line {from}: {:?}\nstderr: {:?}",
            since(m, from),
            m.err()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn monitor_reconnects_to_a_restarted_daemon_and_prints_what_changed() {
    let mut d = Daemon::start_with_config(
        "reconnect-monitor",
        &format!("[[device]]\nid = 7\nports = 2\nsplit_lanes = 4\nhandle = \"{KEPT}\"\n"),
    );
    // netdevsim1 exists before the monitor starts: it learns it silently (as iproute2
    // prints nothing at start), and the reader from a dump.
    ok(&d.sim(&["new-device", "1", "--ports", "2"]));
    // --check as well: the checker is seeded again after each reconnect.
    let m = Dlctl::start(
        &d,
        &["--check", "--reconnect", "monitor", "dev", "port", "param"],
    );
    until_subscribed(&d, &m);
    let initial = shown(&d);
    let fold = |out: &[String]| fold_monitor(&initial, out);
    ok(&d.sim(&["new-device", "2", "--ports", "1"]));
    ok(&d.sim(&["new-port", "1", "5"]));
    ok(&d.sim(&["del-port", "1", "0"]));
    // The kept device changes too, in what a restart undoes: port 0 split in two, a
    // param's driverinit value. Its port 1 and its other param stay as they were.
    ok(&d.run(&["port", "split", &format!("{KEPT}/0"), "count", "2"]));
    let test1 = ["name", "test1", "value", "false", "cmode", "driverinit"];
    ok(&d.run(&[&["dev", "param", "set", KEPT][..], &test1].concat()));
    wait_since(&m, 0, &format!("[param,new] {KEPT}: name test1"));
    converge(&m, fold, || shown(&d));

    // Killed; started again with none of those devices and the kept one as at start;
    // changes while the client reconnects and after it resynced.
    let before = m.out().len();
    d.restart();
    ok(&d.sim(&["new-device", "3", "--ports", "1"]));
    m.wait_err("lost the connection", 1);
    m.wait_err("resynced", 1);
    ok(&d.sim(&["new-port", "3", "7"]));
    ok(&d.sim(&["new-device", "4", "--ports", "2"]));
    ok(&d.sim(&["del-device", "3"]));
    converge(&m, fold, || shown(&d));
    // Those existed only before the kill: only the resync can have removed them.
    for gone in ["netdevsim/netdevsim1", "netdevsim/netdevsim2"] {
        let line = format!("[dev,del] {gone}:");
        assert!(m.out().contains(&line), "{line} missing: {:?}", m.out());
    }
    // Of the kept device, the resync printed what the restart undid, and nothing else
    // (no `[dev,new]`, no `[port,new]` of port 1, no other param).
    wait_since(&m, before, &format!("[param,new] {KEPT}: name test1"));
    let mut got = since(&m, before);
    got.sort();
    let want = [
        format!("[param,new] {KEPT}: name test1 type driver-specific"),
        format!("[port,del] {KEPT}/65536: "),
        format!("[port,del] {KEPT}/65537: "),
        format!("[port,new] {KEPT}/0: "),
    ];
    assert!(
        got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| g.starts_with(w)),
        "after the first restart, of {KEPT}: {got:#?}"
    );

    // A second kill while nothing changes: the same again, and nothing of the kept
    // device is printed.
    let before = m.out().len();
    d.restart();
    m.wait_err("resynced", 2);
    ok(&d.sim(&["new-device", "5", "--ports", "1"]));
    converge(&m, fold, || shown(&d));
    assert_eq!(
        since(&m, before),
        Vec::<String>::new(),
        "after the second restart, of {KEPT}"
    );
    let err = m.err();
    assert!(
        !err.iter().any(|l| l.contains("order violation")),
        "{err:?}"
    );
    assert_eq!(
        err.iter()
            .filter(|l| l.contains("lost the connection"))
            .count(),
        2,
        "{err:?}"
    );
}

/// Objects as a reader of `dlctl watch` output folds them: `[REV] relist` starts
/// afresh, `[REV] KIND put OBJECT` (re)places the object, `… del` removes it. An object
/// is keyed by its kind and first line, and its value is its indented lines.
fn fold_watch(lines: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut objects = BTreeMap::new();
    let mut current: Option<String> = None;
    for l in lines {
        if l.starts_with(' ') {
            if let Some(key) = &current {
                objects
                    .entry(key.clone())
                    .or_insert_with(Vec::new)
                    .push(l.clone());
            }
            continue;
        }
        current = None;
        let rest = l.split_once("] ").map_or("", |(_, r)| r);
        let words: Vec<&str> = rest.splitn(3, ' ').collect();
        match words[..] {
            ["relist"] => objects.clear(),
            [kind, "put", object] => {
                let key = format!("{kind} {object}");
                objects.insert(key.clone(), Vec::new());
                current = Some(key);
            }
            [kind, "del", object] => {
                objects.remove(&format!("{kind} {object}"));
            }
            _ => {} // bookmarks
        }
    }
    objects
}

/// The same from `dlctl snapshot`.
fn snapshot(d: &Daemon) -> BTreeMap<String, Vec<String>> {
    let mut objects = BTreeMap::new();
    let mut current = String::new();
    for l in ok(&d.run(&["snapshot"])).lines() {
        if l.starts_with(' ') {
            objects
                .entry(current.clone())
                .or_insert_with(Vec::new)
                .push(l.to_owned());
        } else if !l.starts_with("revision ") {
            current = l.to_owned();
            objects.insert(current.clone(), Vec::new());
        }
    }
    objects
}

#[test]
fn watch_relist_reconnects_to_a_restarted_daemon_and_lists_again() {
    let mut d = Daemon::start("reconnect-watch");
    ok(&d.sim(&["new-device", "1", "--ports", "2"]));
    // From revision 0 (nothing): the replay ends with a bookmark once it is subscribed.
    let w = Dlctl::start(&d, &["watch", "--relist", "--from", "0"]);
    w.until("[1] bookmark");
    ok(&d.sim(&["new-device", "2", "--ports", "1"]));
    ok(&d.sim(&["new-port", "1", "5"]));
    let max_macs = [
        "dev",
        "param",
        "set",
        "netdevsim/netdevsim2",
        "name",
        "max_macs",
    ];
    ok(&d.run(&[&max_macs[..], &["value", "16", "cmode", "driverinit"]].concat()));
    converge(&w, fold_watch, || snapshot(&d));

    // Killed, started again (no devices; its revisions start again from 0), changes
    // while the client reconnects and after it re-listed.
    d.restart();
    ok(&d.sim(&["new-device", "3", "--ports", "1"]));
    w.wait_err("lost the connection", 1);
    w.wait_err("re-listed", 1);
    ok(&d.sim(&["new-port", "3", "7"]));
    ok(&d.sim(&["new-device", "4"]));
    ok(&d.sim(&["del-device", "3"]));
    converge(&w, fold_watch, || snapshot(&d));
    assert!(
        w.out().iter().any(|l| l.ends_with("] relist")),
        "{:?}",
        w.out()
    );

    // Again while nothing changes.
    d.restart();
    w.wait_err("re-listed", 2);
    ok(&d.sim(&["new-device", "5", "--ports", "1"]));
    converge(&w, fold_watch, || snapshot(&d));
}

#[test]
fn watch_without_relist_ends_when_the_daemon_goes() {
    let mut d = Daemon::start("reconnect-watch-end");
    // Something to replay, so that a bookmark says the watch is on.
    ok(&d.sim(&["new-device", "1"]));
    let mut w = Dlctl::start(&d, &["watch", "--from", "0"]);
    w.until("[1] bookmark");
    d.restart();
    let status = wait_timeout(&mut w.child, WAIT).expect("the watch did not end");
    assert_eq!(status.code(), Some(1));
    w.wait_err("--relist reconnects", 1);
}
