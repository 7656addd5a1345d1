//! The committed protocol tables equal what the generator makes from its sources (the
//! uapi header from linux-libc-dev and the YNL spec in the netlink-bindings crate).
//! Fails, never skips, when a source is missing.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::process::Command;

#[test]
fn generated_tables_are_current() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bootstrap/gen_tables.py");
    let out = Command::new("python3")
        .args([script, "--check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
