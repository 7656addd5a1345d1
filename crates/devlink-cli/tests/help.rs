//! Snapshots of dlctl's help texts: `dlctl --help` (iproute2's usage, on standard
//! output), the clap subcommands' `--help`, and `completions`' refusal of an unknown
//! shell. `UPDATE_GOLDEN=1 cargo test -p devlink-cli --test help` rewrites them
//! (review the diff).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

const DLCTL: &str = env!("CARGO_BIN_EXE_dlctl");

/// `(snapshot name, arguments)`.
const CASES: &[(&str, &[&str])] = &[
    ("help", &["--help"]),
    ("help_word", &["help"]),
    ("dev_help", &["dev", "help"]),
    ("port_function_help", &["port", "function", "help"]),
    ("sb_help", &["sb", "help"]),
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
