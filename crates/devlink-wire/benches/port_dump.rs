//! Encode and decode of a 100 000-port `DEVLINK_CMD_PORT_GET` dump reply, packed into
//! datagrams the way the kernel's `netlink_dump` fills them. Figures: BENCHMARKS.md.
//!
//! Run: `cargo bench -p devlink-wire --bench port_dump`.

// Bench code, not wire code: a failed setup or round trip aborts loudly, the fixture's
// small numbers fit their fields, and the dump's size is reported on stderr.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::print_stderr
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use devlink_wire::devlink::{Handle, Port, PortFunction};
use devlink_wire::message::{DevlinkMessage, Families, Message, Payload};
use devlink_wire::nl::{DoneMsg, GenlHeader, Messages, NLMSG_DONE, NlmsgHeader, flags};
use devlink_wire::spec::{Cmd, PortFlavour, PortFnOpstate, PortFnState, PortType};

/// Ports in the dump.
const PORTS: u32 = 100_000;

/// The devlink family id the messages carry (the usual dynamic id on a fresh boot).
const DEVLINK_FAMILY: u16 = 0x15;

/// Largest datagram: `NLMSG_GOODSIZE` on x86-64 with 4 KiB pages (4096 minus the
/// 320-byte `skb_shared_info`), the smallest skb `netlink_dump` fills, so every datagram
/// fits libmnl's `MNL_SOCKET_BUFFER_SIZE` (4 KiB) reads.
const DATAGRAM_MAX: usize = 3776;

/// VF representors per PF, plus one uplink: an mlx5 switchdev with 511 VFs per PF.
const PORTS_PER_PF: u32 = 512;

/// The sequence number and port id of the dump request the reply answers.
const SEQ: u32 = 1;
const PID: u32 = 4242;

/// One port as `devlink port show` on an mlx5 switchdev lists it: every 512th an uplink
/// (`flavour physical`, splittable, 4 lanes, no function), the rest VF representors
/// (`flavour pcivf controller 0 pfnum N vfnum M external false`, with a function carrying
/// a MAC, state and opstate).
fn port(i: u32) -> Port {
    let pf = i / PORTS_PER_PF;
    let slot = i % PORTS_PER_PF;
    let mut p = Port {
        port_type: PortType::Eth,
        netdev_ifindex: Some(10 + i),
        splittable: Some(false),
        ..Port::new(Handle::new("pci", "0000:03:00.0"), i)
    };
    if slot == 0 {
        p.netdev_name = Some(format!("p{pf}").into());
        p.lanes = Some(4);
        p.splittable = Some(true);
        p.flavour = Some(PortFlavour::Physical);
        p.number = Some(pf);
    } else {
        let vf = slot - 1;
        let active = vf % 4 != 3;
        p.netdev_name = Some(format!("pf{pf}vf{vf}").into());
        p.flavour = Some(PortFlavour::PciVf);
        p.controller = Some(0);
        p.pci_pf = Some(pf as u16);
        p.pci_vf = Some(vf as u16);
        p.external = Some(false);
        let [_, a, b, c] = i.to_be_bytes();
        p.function = Some(PortFunction {
            hw_addr: Some(vec![0x02, 0x00, 0x00, a, b, c]),
            state: Some(if active {
                PortFnState::Active
            } else {
                PortFnState::Inactive
            }),
            opstate: Some(if active {
                PortFnOpstate::Attached
            } else {
                PortFnOpstate::Detached
            }),
            ..PortFunction::default()
        });
    }
    p
}

/// The dump as typed messages: one `PORT_NEW` per port (`NLM_F_MULTI`, genl version 1),
/// then `NLMSG_DONE` with error 0. Header lengths are filled in so that the messages
/// compare equal to what decoding their bytes gives back.
fn dump() -> Vec<Message> {
    let header = |ty, len| NlmsgHeader {
        len,
        ty,
        flags: flags::NLM_F_MULTI,
        seq: SEQ,
        pid: PID,
    };
    let mut msgs: Vec<Message> = (0..PORTS)
        .map(|i| Message {
            header: header(DEVLINK_FAMILY, 0),
            payload: Payload::Devlink(DevlinkMessage {
                genl: GenlHeader::new(Cmd::PortNew as u8, 1),
                body: port(i).into(),
            }),
            padding: Vec::new(),
        })
        .collect();
    msgs.push(Message {
        header: header(NLMSG_DONE, 0),
        payload: Payload::Done(DoneMsg {
            error: Some(0),
            ..DoneMsg::default()
        }),
        padding: Vec::new(),
    });
    for m in &mut msgs {
        m.header.len = m.encode().unwrap().len() as u32;
    }
    msgs
}

/// Encode every message and pack them like `netlink_dump`: a message goes into the
/// current datagram while it fits in [`DATAGRAM_MAX`], else it starts the next one; the
/// `NLMSG_DONE` joins the last datagram when there is room.
fn encode(msgs: &[Message]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur = Vec::with_capacity(DATAGRAM_MAX);
    for m in msgs {
        let bytes = m.encode().unwrap();
        if !cur.is_empty() && cur.len() + bytes.len() > DATAGRAM_MAX {
            out.push(std::mem::replace(
                &mut cur,
                Vec::with_capacity(DATAGRAM_MAX),
            ));
        }
        cur.extend_from_slice(&bytes);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Split every datagram into messages and decode each to its typed form.
fn decode(datagrams: &[Vec<u8>]) -> Vec<Message> {
    let families = Families {
        devlink: Some(DEVLINK_FAMILY),
    };
    let mut out = Vec::with_capacity(PORTS as usize + 1);
    for d in datagrams {
        for raw in Messages::new(d) {
            out.push(Message::decode(&raw.unwrap(), families).unwrap());
        }
    }
    out
}

fn port_dump(c: &mut Criterion) {
    let msgs = dump();
    let datagrams = encode(&msgs);
    // Checked once, outside the timed loops: the dump survives the round trip, and every
    // datagram respects the size limit.
    assert_eq!(decode(&datagrams), msgs, "decode(encode(dump)) != dump");
    assert!(datagrams.iter().all(|d| d.len() <= DATAGRAM_MAX));
    let n_msgs = msgs.len() as u64;
    let n_bytes: u64 = datagrams.iter().map(|d| d.len() as u64).sum();
    eprintln!(
        "port_dump: {PORTS} ports, {n_msgs} messages, {} datagrams, {n_bytes} bytes",
        datagrams.len()
    );

    // Each iteration is one whole dump (tens of milliseconds): flat sampling, and the
    // result (up to ~40 MB of typed messages) is dropped outside the timed section
    // (`iter_batched`, one iteration per batch) so that the figures are the codec's, not
    // the allocator's freeing.
    let throughputs = [
        ("messages", Throughput::Elements(n_msgs)),
        ("bytes", Throughput::Bytes(n_bytes)),
    ];

    let mut g = c.benchmark_group("port_dump/encode");
    g.sampling_mode(SamplingMode::Flat);
    for (id, t) in throughputs.clone() {
        g.throughput(t);
        g.bench_function(BenchmarkId::new(id, PORTS), |b| {
            b.iter_batched(
                || (),
                |()| encode(black_box(&msgs)),
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();

    let mut g = c.benchmark_group("port_dump/decode");
    g.sampling_mode(SamplingMode::Flat);
    for (id, t) in throughputs {
        g.throughput(t);
        g.bench_function(BenchmarkId::new(id, PORTS), |b| {
            b.iter_batched(
                || (),
                |()| decode(black_box(&datagrams)),
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // 20 samples over ~10 s per benchmark: the whole run (4 benchmarks) takes about a
    // minute on a 2-core machine, plus the build.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = port_dump
}
criterion_main!(benches);
