//! Every generic-netlink message recorded from a real kernel (Debian 6.1 with netdevsim,
//! `../shared/traces/kernel-6.1/*/netlink.pcap`) decodes with the codec — typed bodies
//! where this crate models the command, the schema-driven tree elsewhere — with no unknown
//! family and no decode error, and re-encodes byte for byte.

// Test code: a failed unwrap is a failed test.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use devlink_wire::message::{Families, Message, Payload};
use devlink_wire::nl::{Messages, NETLINK_GENERIC};
use devlink_wire::pcap::Pcap;

fn traces_dir() -> PathBuf {
    std::env::var_os("DEVLINK_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces/kernel-6.1"),
        PathBuf::from,
    )
}

fn captures() -> Vec<PathBuf> {
    let dir = traces_dir();
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("golden traces missing at {}: {e}", dir.display()))
        .filter_map(|e| {
            let p = e.ok()?.path().join("netlink.pcap");
            p.exists().then_some(p)
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 5,
        "expected the 5 kernel-6.1 captures, found {out:?}"
    );
    out
}

#[test]
fn every_kernel_message_round_trips() {
    let mut total = 0;
    let mut devlink_msgs = 0;
    let mut failures = Vec::new();
    for path in captures() {
        let buf = std::fs::read(&path).unwrap();
        let mut families = Families::default();
        for rec in Pcap::parse(&buf).unwrap() {
            let rec = rec.unwrap();
            if rec.protocol != NETLINK_GENERIC {
                continue;
            }
            for raw in Messages::new(rec.data) {
                let raw = raw.unwrap();
                families.learn(&raw);
                total += 1;
                let where_ = format!("{} record {}", path.display(), rec.index);
                let msg = match Message::decode(&raw, families) {
                    Ok(m) => m,
                    Err(e) => {
                        failures.push(format!("{where_}: decode: {e}"));
                        continue;
                    }
                };
                match msg.payload {
                    Payload::Other(_) => {
                        failures.push(format!(
                            "{where_}: family {:#x} not recognised",
                            raw.header.ty
                        ));
                        continue;
                    }
                    Payload::Devlink(_) => devlink_msgs += 1,
                    _ => {}
                }
                match msg.encode() {
                    Ok(bytes) if bytes == raw.bytes => {}
                    Ok(bytes) => {
                        let first = bytes
                            .iter()
                            .zip(raw.bytes)
                            .position(|(a, b)| a != b)
                            .unwrap_or(bytes.len().min(raw.bytes.len()));
                        failures.push(format!(
                            "{where_}: re-encoded {} bytes vs captured {}, first difference at byte {first}",
                            bytes.len(),
                            raw.bytes.len()
                        ));
                    }
                    Err(e) => failures.push(format!("{where_}: encode: {e}")),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} messages failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The captures hold ~1000 generic-netlink messages, most of them devlink.
    assert!(total > 900, "only {total} messages found");
    assert!(
        devlink_msgs > 700,
        "only {devlink_msgs} devlink messages found"
    );
}
