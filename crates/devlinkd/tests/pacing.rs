//! Flash pacing through the real daemon: a device with `flash_chunk_ms = 1` from
//! `--config` trickles its ~506 status messages out over ≥ 500 ms, in order, to every
//! subscriber, and the requester's ACK and `COMPLETE` come only after them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use devlink_client::{Connection, msg};
use devlink_wire::devlink::Handle;
use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{Complete, Transport, opt};

/// `FLASH_UPDATE` + "Preparing" + 501 "Flashing" + "Flash select" + "Flashing done" +
/// `FLASH_UPDATE_END`.
const STREAM: usize = 506;

fn flash() -> Vec<u8> {
    let dev = Handle::new("netdevsim", "netdevsim0");
    msg::flash_update(FAM, ACK, 3, &dev, "fw.bin")
}

/// A daemon whose one device, netdevsim0, is paced at 1 ms per chunk; and its config.
fn paced_daemon(name: &str) -> (Daemon, PathBuf) {
    let file = std::env::temp_dir().join(format!("devlinkd-{name}-{}.toml", std::process::id()));
    std::fs::write(&file, "[[device]]\nid = 0\nflash_chunk_ms = 1\n").unwrap();
    (Daemon::start(&["--config", file.to_str().unwrap()]), file)
}

/// The stream's shape: commands in order, `done` never going back within "Flashing".
fn check_stream(m: &[Message]) {
    assert_eq!(m.len(), STREAM);
    let cmd = |m: &Message| match &m.payload {
        Payload::Devlink(d) => Cmd::from_repr(d.genl.cmd),
        p => panic!("not a notification: {p:?}"),
    };
    assert_eq!(cmd(&m[0]), Some(Cmd::FlashUpdate));
    assert_eq!(cmd(&m[STREAM - 1]), Some(Cmd::FlashUpdateEnd));
    let done: Vec<u64> = m[2..503]
        .iter()
        .map(|m| match &m.payload {
            Payload::Devlink(d) => match &d.body {
                DevlinkBody::FlashStatus(s) => s.progress.as_ref().map_or(0, |p| p.done),
                b => panic!("{b:?}"),
            },
            p => panic!("{p:?}"),
        })
        .collect();
    let expected: Vec<u64> = (0..=500).map(|k| k * 1000).collect();
    assert_eq!(done, expected);
}

#[test]
fn a_paced_flash_trickles_out_and_its_ack_follows() {
    let (d, file) = paced_daemon("pacing");

    // A plain subscriber, read only at the end (the daemon keeps its backlog).
    let sub = d.connect();
    subscribe(&sub);
    // The requester subscribes too (one notification per datagram, as from the kernel),
    // then asks for a completion channel.
    let mut req = d.connect();
    subscribe(&req);
    setopt(&req, opt::UNPACKED_NOTIFICATIONS, 1);
    req.hello_sync(None, T).unwrap();

    let t0 = Instant::now();
    req.send(&flash()).unwrap();
    let mut got = Vec::new();
    let mut times = Vec::new();
    let ack = loop {
        let m = msg::decode_all(&req.recv(T).unwrap(), FAM);
        let at = t0.elapsed();
        assert_eq!(m.len(), 1, "{m:?}");
        let m = m.into_iter().next().unwrap();
        if let Payload::Error(e) = &m.payload {
            break (e.error, at);
        }
        got.push(m);
        times.push(at);
    };
    assert_eq!(ack.0, 0, "flash failed");
    check_stream(&got);
    // Paced: the first messages come at once, the last after the whole flash time.
    assert!(times[2] < Duration::from_millis(400), "{:?}", times[2]);
    assert!(times[STREAM - 1] >= Duration::from_millis(500), "{times:?}");
    assert!(ack.1 >= Duration::from_millis(500), "{:?}", ack.1);
    // MEMBERSHIP, SETOPT, HELLO, then the flash: datagram 4 (HELLO's own COMPLETE
    // may come first).
    loop {
        let complete = Transport::parse(&req.recv_sync(T).unwrap()).unwrap().1;
        match complete {
            Transport::Complete(Complete { count: 4, .. }) => break,
            Transport::Complete(Complete { count: 3, .. }) => {}
            c => panic!("{c:?}"),
        }
    }

    // The other subscriber has the same stream in the same order.
    let mut theirs = Vec::new();
    while theirs.len() < STREAM {
        theirs.extend(recv(&sub));
    }
    check_stream(&theirs);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn other_connections_are_answered_after_the_held_stream() {
    let (d, file) = paced_daemon("pacing2");
    let req = d.connect();
    let other: Connection = d.connect();
    let t0 = Instant::now();
    req.send(&flash()).unwrap();
    // Give the daemon the flash first.
    std::thread::sleep(Duration::from_millis(50));
    let m = dump_devices(&other, 1);
    let answered = t0.elapsed();
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(answered >= Duration::from_millis(500), "{answered:?}");
    let ack = recv(&req);
    assert!(
        matches!(&ack[0].payload, Payload::Error(e) if e.error == 0),
        "{ack:?}"
    );
    let _ = std::fs::remove_file(&file);
}
