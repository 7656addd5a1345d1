//! Snapshots of dlctl's help texts: `dlctl --help` (iproute2's usage, on standard
//! output), the clap subcommands' `--help`, and `completions`' refusal of an unknown
//! shell; and of its answers to bad command lines ([`BAD`]: standard output, standard
//! error, exit status), which for the lines dlctl shares with iproute2 6.1 must also be
//! iproute2's own, run through the shim against the same devices.
//! `UPDATE_GOLDEN=1 cargo test -p devlink-cli --test help` rewrites them (review the
//! diff).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::daemon::{DLCTL, Daemon};

/// `(snapshot name, arguments)`.
const CASES: &[(&str, &[&str])] = &[
    ("help", &["--help"]),
    ("help_word", &["help"]),
    ("dev_help", &["dev", "help"]),
    ("port_function_help", &["port", "function", "help"]),
    ("sb_help", &["sb", "help"]),
    ("monitor_help", &["monitor", "help"]),
    ("decode_help", &["decode", "--help"]),
    ("sim_help", &["sim", "--help"]),
    ("snapshot_help", &["snapshot", "--help"]),
    ("watch_help", &["watch", "--help"]),
    ("completions_help", &["completions", "--help"]),
    ("completions_bad_shell", &["completions", "tcsh"]),
];

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// What a run shows: the exit status, then standard output and standard error.
fn shown(args: &[&str]) -> String {
    let o = Command::new(DLCTL)
        .args(args)
        // No daemon is needed: help never connects.
        .env("DEVLINKD_SOCKET", "/nonexistent/dlctl-help.sock")
        .output()
        .unwrap();
    format!(
        "status: {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn help_texts_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, args) in CASES {
        let path = snapshot_dir().join(format!("{name}.txt"));
        let got = shown(args);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
        if want != got {
            failures.push(format!("{name}:\n--- want\n{want}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Bad command lines, and whether iproute2 6.1's `devlink` answers exactly the same
/// (`false`: dlctl's own, said why).
const BAD: &[(&str, bool)] = &[
    ("foo", true),
    ("dev foo", true),
    ("port foo", true),
    ("dev eswitch foo", true),
    // A missing or malformed DEV, DEV/PORT_INDEX or DEV/REGION.
    ("dev eswitch show", true),
    ("dev show foo", true),
    ("dev show netdevsim/netdevsim0/1", true),
    ("port unsplit netdevsim/netdevsim0", true),
    ("port show netdevsim/netdevsim0/x", true),
    ("region del netdevsim/netdevsim0 snapshot 1", true),
    ("region del netdevsim/netdevsim0/dummy", true),
    ("port function rate add", true),
    ("dev show netdevsim/netdevsim9", true),
    // Missing or bad values.
    ("port split netdevsim/netdevsim0/0", true),
    ("port split netdevsim/netdevsim0/0 count", true),
    ("port split netdevsim/netdevsim0/0 count x", true),
    (
        "dev param set netdevsim/netdevsim0 name max_macs value x cmode driverinit",
        true,
    ),
    (
        "dev param set netdevsim/netdevsim0 name max_macs value 99999999999 cmode driverinit",
        true,
    ),
    (
        "dev param set netdevsim/netdevsim0 name test1 value maybe cmode driverinit",
        true,
    ),
    (
        "dev param set netdevsim/netdevsim0 name max_macs value 5",
        true,
    ),
    (
        "dev param set netdevsim/netdevsim0 name max_macs value 5 cmode foo",
        true,
    ),
    (
        "dev param set netdevsim/netdevsim0 name max_macs cmode driverinit",
        true,
    ),
    ("dev eswitch set netdevsim/netdevsim0 mode foo", true),
    ("dev eswitch set netdevsim/netdevsim0", true),
    ("dev reload netdevsim/netdevsim0 action foo", true),
    (
        "health set netdevsim/netdevsim0 reporter dummy auto_recover maybe",
        true,
    ),
    (
        "trap set netdevsim/netdevsim0 trap source_mac_is_multicast action foo",
        true,
    ),
    (
        "port function rate add netdevsim/netdevsim0/g1 tx_share x",
        true,
    ),
    ("monitor foo", true),
    // Unknown trailing words.
    ("dev show netdevsim/netdevsim0 foo", true),
    ("port split netdevsim/netdevsim0/0 count 2 foo", true),
    // With -j iproute2 ends standard output with its JSON writer's newline.
    ("-j dev show foo", true),
    ("-j port split netdevsim/netdevsim0/0", true),
    ("-j foo", true),
    // Options: getopt's line and "Unknown option." as iproute2, then dlctl's usage.
    ("--foo dev show", false),
    ("-z dev show", false),
    ("--socket", false),
    // Batch mode (-b) is not implemented.
    ("-b cmds dev show", false),
    // `port show DEV` is later iproute2's dump selector; 6.1 refuses the handle.
    ("port show netdevsim/netdevsim9", false),
];

/// A run as the snapshot shows it.
fn render(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// iproute2's program name in its texts, as dlctl's.
fn as_dlctl(text: &str) -> String {
    text.replace("/usr/sbin/devlink: ", "dlctl: ")
        .replace("Usage: devlink ", "Usage: dlctl ")
        .replace("       devlink ", "       dlctl ")
}

#[test]
fn bad_arguments_match_their_snapshot_and_iproute2() {
    let d = Daemon::start_demo("bad-args");
    let mut got = String::new();
    for (line, _) in BAD {
        let args: Vec<&str> = line.split_whitespace().collect();
        got.push_str(&format!("=== dlctl {line}\n{}", render(&d.run(&args))));
    }
    let path = snapshot_dir().join("bad_args.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(want == got, "--- want\n{want}--- got\n{got}");

    let mut differ = Vec::new();
    for (line, _) in BAD.iter().filter(|(_, mirrored)| *mirrored) {
        let args: Vec<&str> = line.split_whitespace().collect();
        let ours = render(&d.run(&args));
        let theirs = as_dlctl(&render(&d.iproute2(&args)));
        if ours != theirs {
            differ.push(format!("{line}:\n--- iproute2\n{theirs}--- dlctl\n{ours}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
