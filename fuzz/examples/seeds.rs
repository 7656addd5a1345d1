//! Write the seed corpus of `decode_request` from the kernel captures.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds -- [TRACES_DIR] [OUT_DIR]`
//! (defaults: `../shared/traces/kernel-6.1` and `fuzz/corpus/decode_request`, relative to
//! the repository root). Each distinct generic-netlink message a client sent (devlink and
//! controller requests) becomes one seed file named by its content hash, with the devlink
//! family id rewritten to the fuzz target's. Seeds are written at run time so that no
//! binaries are committed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use devlink_wire::message::Families;
use devlink_wire::nl::{GENL_ID_CTRL, Messages, NETLINK_GENERIC};
use devlink_wire::pcap::Pcap;

/// Must match `DEVLINK_ID` in `fuzz_targets/decode_request.rs`.
const DEVLINK_ID: u16 = 0x15;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let traces = args.next().map_or_else(
        || fuzz_dir.join("../../shared/traces/kernel-6.1"),
        PathBuf::from,
    );
    let out = args
        .next()
        .map_or_else(|| fuzz_dir.join("corpus/decode_request"), PathBuf::from);
    std::fs::create_dir_all(&out)?;

    let mut pcaps: Vec<PathBuf> = std::fs::read_dir(&traces)
        .map_err(|e| format!("{}: {e}", traces.display()))?
        .filter_map(|e| Some(e.ok()?.path().join("netlink.pcap")))
        .filter(|p| p.exists())
        .collect();
    pcaps.sort();

    let mut seeds = BTreeSet::new();
    for path in &pcaps {
        let buf = std::fs::read(path)?;
        let mut families = Families::default();
        for rec in Pcap::parse(&buf)? {
            let rec = rec?;
            if rec.protocol != NETLINK_GENERIC {
                continue;
            }
            for raw in Messages::new(rec.data) {
                let Ok(raw) = raw else { break };
                families.learn(&raw);
                if !raw.header.is_request() {
                    continue;
                }
                let mut bytes = raw.bytes.to_vec();
                if Some(raw.header.ty) == families.devlink {
                    if let Some(ty) = bytes.get_mut(4..6) {
                        ty.copy_from_slice(&DEVLINK_ID.to_ne_bytes());
                    }
                } else if raw.header.ty != GENL_ID_CTRL {
                    continue;
                }
                seeds.insert(bytes);
            }
        }
    }
    for seed in &seeds {
        std::fs::write(out.join(format!("kernel-{:016x}", fnv1a(seed))), seed)?;
    }
    println!(
        "{} seeds from {} captures in {}",
        seeds.len(),
        pcaps.len(),
        out.display()
    );
    Ok(())
}

/// FNV-1a, for stable file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
