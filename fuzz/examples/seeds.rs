//! Write the seed corpora of the fuzz targets from the kernel captures.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeds -- [TRACES_DIR] [CORPUS_DIR]`
//! (defaults: `../shared/traces/kernel-6.1` and `fuzz/corpus`, relative to the
//! repository root). Seeds are written at run time so that no binaries are committed;
//! each file is named by its content hash.
//!
//! - `decode_request`: each distinct generic-netlink message a client sent (devlink and
//!   controller requests), the devlink family id rewritten to the target's.
//! - `dispatch`: per capture, the client's requests in order as one input of the
//!   target's step format (connection 0, admin), after a subscriber joins `config` on
//!   connection 2; and sequences of `devlinkd_sim` and `devlinkd_watch` requests.
//! - `decode_families`: those sim and watch requests, and the replies, events and
//!   bookmarks a server with the demo devices answers them with.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use devlink_client::msg;
use devlink_wire::message::Families;
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::nl::{GENL_ID_CTRL, Messages, NETLINK_GENERIC};
use devlink_wire::pcap::Pcap;
use devlink_wire::simctl::{DeviceReq, NewDevice, NumVfsReq, PortReq, SetKnobReq, SimBody};
use devlink_wire::transport::{Membership, Transport};
use devlink_wire::watch::{SnapshotReq, WatchBody, WatchReq};
use devlinkd::server::{Datagram, Server, ServerConfig};

/// Must match `DEVLINK_ID` in `fuzz_targets/decode_request.rs`.
const DEVLINK_ID: u16 = 0x15;
/// The daemon's family ids (`ServerConfig::default()`), which `dispatch` uses.
const DL: u16 = 0x14;
const SIM: u16 = 0x15;
const WATCH: u16 = 0x16;
/// `dispatch` control bytes: connection 0 (admin) with the first message's type set to
/// devlink, sim, watch, nlctrl; connection 2 (not admin) with a transport message.
const CTL_DEVLINK: u8 = 1 << 2;
const CTL_SIM: u8 = 2 << 2;
const CTL_WATCH: u8 = 3 << 2;
const CTL_CTRL: u8 = 4 << 2;
const CTL_TRANSPORT_CONN2: u8 = (5 << 2) | 2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let traces = args.next().map_or_else(
        || fuzz_dir.join("../../shared/traces/kernel-6.1"),
        PathBuf::from,
    );
    let out = args
        .next()
        .map_or_else(|| fuzz_dir.join("corpus"), PathBuf::from);

    let captures = kernel_requests(&traces)?;
    // decode_request: each distinct message.
    let mut single = BTreeSet::new();
    for (_, requests) in &captures {
        for (is_devlink, bytes) in requests {
            let mut b = bytes.clone();
            if *is_devlink {
                set_type(&mut b, DEVLINK_ID);
            }
            single.insert(b);
        }
    }
    write(&out.join("decode_request"), &single)?;

    // dispatch: one input per capture, and the daemon's own families.
    let join = msg::transport(
        1,
        &Transport::Membership(Membership {
            group: 2,
            drop: false,
            errno: None,
        }),
    );
    let mut sequences = BTreeSet::new();
    for (_, requests) in &captures {
        let mut input = step(CTL_TRANSPORT_CONN2, &join);
        for (is_devlink, bytes) in requests {
            let mut b = bytes.clone();
            if *is_devlink {
                set_type(&mut b, DL);
            }
            input.extend(step(if *is_devlink { CTL_DEVLINK } else { CTL_CTRL }, &b));
        }
        sequences.insert(input);
    }
    let sims = sim_requests();
    let watches = watch_requests();
    let mut input = step(CTL_TRANSPORT_CONN2, &join);
    for w in &watches {
        input.extend(step(CTL_WATCH, w));
    }
    for s in &sims {
        input.extend(step(CTL_SIM, s));
    }
    sequences.insert(input);
    write(&out.join("dispatch"), &sequences)?;

    // decode_families: the requests and what a server answers.
    let mut families: BTreeSet<Vec<u8>> = sims.iter().chain(&watches).cloned().collect();
    families.extend(answers(&watches, &sims)?);
    write(&out.join("decode_families"), &families)?;
    println!(
        "{} + {} + {} seeds from {} captures in {}",
        single.len(),
        sequences.len(),
        families.len(),
        captures.len(),
        out.display()
    );
    Ok(())
}

/// Per capture (sorted by name), the generic-netlink requests a client sent: devlink
/// (`true`) and controller ones, as captured.
fn kernel_requests(
    traces: &Path,
) -> Result<Vec<(PathBuf, Vec<(bool, Vec<u8>)>)>, Box<dyn std::error::Error>> {
    let mut pcaps: Vec<PathBuf> = std::fs::read_dir(traces)
        .map_err(|e| format!("{}: {e}", traces.display()))?
        .filter_map(|e| Some(e.ok()?.path().join("netlink.pcap")))
        .filter(|p| p.exists())
        .collect();
    pcaps.sort();
    let mut out = Vec::new();
    for path in pcaps {
        let buf = std::fs::read(&path)?;
        let mut families = Families::default();
        let mut requests = Vec::new();
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
                let is_devlink = Some(raw.header.ty) == families.devlink;
                if is_devlink || raw.header.ty == GENL_ID_CTRL {
                    requests.push((is_devlink, raw.bytes.to_vec()));
                }
            }
        }
        out.push((path, requests));
    }
    Ok(out)
}

/// `devlinkd_sim` requests covering every command.
fn sim_requests() -> Vec<Vec<u8>> {
    let bodies = [
        SimBody::Get(DeviceReq::default()),
        SimBody::NewDevice(NewDevice {
            id: 9,
            ports: Some(2),
            handle: Some("pci/0000:09:00.0".into()),
            vfs: Some(1),
            ..NewDevice::default()
        }),
        SimBody::NewPort(PortReq {
            id: 0,
            index: 9,
            ..PortReq::default()
        }),
        SimBody::SetKnob(SetKnobReq {
            id: 0,
            name: "health/dummy_reporter/break_health".into(),
            value: "1".into(),
            ..SetKnobReq::default()
        }),
        SimBody::SriovNumvfs(NumVfsReq {
            id: 1,
            vfs: 0,
            ..NumVfsReq::default()
        }),
        SimBody::DelPort(PortReq {
            id: 0,
            index: 9,
            ..PortReq::default()
        }),
        SimBody::DelDevice(DeviceReq {
            id: Some(9),
            ..DeviceReq::default()
        }),
    ];
    let mut out = vec![msg::sim_request(
        SIM,
        NLM_F_ACK | NLM_F_DUMP,
        1,
        bodies[0].clone(),
    )];
    for (seq, b) in (2..).zip(bodies) {
        out.push(msg::sim_request(SIM, NLM_F_ACK, seq, b));
    }
    out
}

/// `devlinkd_watch` requests: a snapshot, a watch with bookmarks, progress, unwatch.
fn watch_requests() -> Vec<Vec<u8>> {
    let watch = WatchReq {
        bookmark_ms: Some(10),
        max_lag: Some(100),
        ..WatchReq::default()
    };
    [
        WatchBody::SnapshotReq(SnapshotReq::default()),
        WatchBody::Watch(watch),
        WatchBody::Progress,
    ]
    .into_iter()
    .zip(1..)
    .map(|(b, seq)| msg::watch_request(WATCH, NLM_F_ACK, seq, b))
    .chain([msg::watch_request(WATCH, NLM_F_ACK, 9, WatchBody::Unwatch)])
    .collect()
}

/// Each message a server with the demo devices sends back for the watch requests but
/// the last (`UNWATCH`) and then the sim requests: snapshot objects, events,
/// bookmarks, sim devices.
fn answers(
    watches: &[Vec<u8>],
    sims: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
    let mut s = Server::new(devlink_core::Core::new(), ServerConfig::default());
    for d in devlinkd::config::demo_devices() {
        s.new_sim_device(&d)?;
    }
    s.fan_out();
    let c = s.connect(true, Some(1));
    let mut out = Vec::new();
    let keep = watches.len().saturating_sub(1);
    for dg in watches.iter().take(keep).chain(sims) {
        s.handle_datagram(c, dg);
        while let Some(d) = s.front(c) {
            let bytes = match d {
                Datagram::Bytes(b) | Datagram::HelloSync(b) => b.clone(),
                Datagram::Notifications { parts, .. } => parts.concat(),
            };
            s.sent(c);
            out.extend(Messages::new(&bytes).filter_map(|m| Some(m.ok()?.bytes.to_vec())));
        }
    }
    Ok(out)
}

/// A `dispatch` step sending `datagram`.
fn step(ctl: u8, datagram: &[u8]) -> Vec<u8> {
    let len = u16::try_from(datagram.len()).unwrap_or(u16::MAX);
    let mut out = vec![ctl];
    out.extend(len.to_le_bytes());
    out.extend(datagram.get(..usize::from(len)).unwrap_or_default());
    out
}

/// Set a message's `nlmsg_type`.
fn set_type(bytes: &mut [u8], ty: u16) {
    if let Some(t) = bytes.get_mut(4..6) {
        t.copy_from_slice(&ty.to_ne_bytes());
    }
}

fn write(dir: &Path, seeds: &BTreeSet<Vec<u8>>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for seed in seeds {
        std::fs::write(dir.join(format!("kernel-{:016x}", fnv1a(seed))), seed)?;
    }
    Ok(())
}

/// FNV-1a, for stable file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
