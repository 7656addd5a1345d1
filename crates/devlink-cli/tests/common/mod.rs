//! Helpers shared by the iproute2 golden tests.

#![allow(dead_code)]

pub(crate) mod child;
pub(crate) mod daemon;
#[path = "../../../devlinkd/tests/common/wait.rs"]
pub(crate) mod wait;

use std::path::PathBuf;

/// The golden traces (`DEVLINK_TRACES` overrides the default location).
pub(crate) fn traces() -> PathBuf {
    std::env::var_os("DEVLINK_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces/kernel-6.1"),
        PathBuf::from,
    )
}

/// The scenarios recorded.
pub(crate) const SCENARIOS: &[&str] = &[
    "create_1port",
    "create_4ports",
    "delete",
    "param_set",
    "reload",
];

/// First line where two outputs differ, for a readable failure.
pub(crate) fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n  want {w:?}\n  got  {g:?}", i + 1);
        }
    }
    format!(
        "lengths differ: want {} lines / {} bytes, got {} lines / {} bytes",
        want.lines().count(),
        want.len(),
        got.lines().count(),
        got.len()
    )
}

/// Replace netdev names (the only VM-specific values) with `NETDEV`: what follows each
/// `netdev ` (text) or `"netdev": "` (JSON).
pub(crate) fn normalise(s: &str) -> String {
    let s = replace_value(s, "netdev ", &[' ', '\n']);
    replace_value(&s, "\"netdev\": \"", &['"'])
}

/// Replace what follows each `pat` up to one of `ends` with `NETDEV`.
fn replace_value(s: &str, pat: &str, ends: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(pat) {
        out.push_str(&rest[..i + pat.len()]);
        out.push_str("NETDEV");
        let tail = &rest[i + pat.len()..];
        rest = &tail[tail.find(ends).unwrap_or(tail.len())..];
    }
    out.push_str(rest);
    out
}
