//! `dev flash` on a terminal draws progress bars; piped, it prints iproute2's lines
//! (compared with the real iproute2 in `iproute2_shim.rs`). The terminal is a real
//! pseudo-terminal: util-linux's `script` runs dlctl in one and records what it drew.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::daemon::{DLCTL, Daemon};

/// The text a terminal was sent in `raw`: carriage returns as line breaks, escape
/// sequences (cursor moves, line erases) dropped.
fn screen(raw: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for part in raw.split(['\r', '\n']) {
        let mut text = String::new();
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI: ESC [ params final-letter.
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                text.push(c);
            }
        }
        let text = text.trim_end().to_owned();
        if !text.is_empty() {
            lines.push(text);
        }
    }
    lines
}

#[test]
fn flash_on_a_terminal_draws_bars() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let d = Daemon::start_demo("flash_tty");
    let typescript = d.socket.with_file_name("typescript");
    let cmd = format!(
        "{DLCTL} --socket {} dev flash netdevsim/netdevsim0 file fw.bin",
        d.socket.display()
    );
    let status = Command::new("script")
        .args(["-qec", &cmd])
        .arg(&typescript)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let raw = std::fs::read_to_string(&typescript).unwrap();
    let shown = screen(&raw);
    assert!(
        shown
            .iter()
            .any(|l| l.contains("Flashing [=") && l.contains("] 100%")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|l| l.contains("Flashing done")),
        "{shown:?}"
    );
    // No iproute2 in-place percentages (" 42%" after backspaces) on a terminal.
    assert!(!raw.contains('\x08'), "{raw:?}");
}
