//! Permanent params persist in the state directory: a value whose `PARAM_SET` was
//! ACKed survives `kill -9`, and killing the daemon in the middle of a stream of sets
//! never leaves a torn store or loses an acknowledged value.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::sync::mpsc;

use common::state::{StateDir, set_permanent};
use common::*;
use devlink_client::{Connection, msg};
use devlink_wire::devlink::{Handle, ParamGetReq, ParamValue};
use devlink_wire::message::{DevlinkBody, Payload};
use devlink_wire::spec::{Cmd, ParamCmode};
use devlinkd::store::{Contents, Stored};

const MSIX: &str = "msix_vec_per_pf_max";

fn dev() -> Handle {
    Handle::new("pci", "0000:03:00.0")
}

/// `PARAM_SET` with cmode permanent on [`dev`]; the ACK's error (0: committed).
fn set(c: &Connection, seq: u32, name: &str, value: ParamValue) -> std::io::Result<i32> {
    set_permanent(c, seq, &dev(), name, value)
}

/// The store, which must parse and exist.
fn stored(f: &StateDir) -> Contents {
    f.stored().unwrap_or_else(|e| panic!("{e}")).unwrap()
}

/// The permanent value of `name` (`PARAM_GET`).
fn get(c: &Connection, name: &str) -> ParamValue {
    let body = ParamGetReq {
        handle: Some(dev()),
        name: Some(name.into()),
        ..ParamGetReq::default()
    };
    c.send(&msg::devlink_request(
        FAM,
        ACK,
        1,
        Cmd::ParamGet,
        body.into(),
    ))
    .unwrap();
    let m = recv(c);
    let Payload::Devlink(d) = &m[0].payload else {
        panic!("{m:?}")
    };
    let DevlinkBody::Param(p) = &d.body else {
        panic!("{d:?}")
    };
    let e = p.values.iter().find(|e| e.cmode == ParamCmode::Permanent);
    let value = e.unwrap().data.clone();
    assert_eq!(recv(c).len(), 1, "the ACK");
    value
}

#[test]
fn an_acknowledged_permanent_value_survives_kill_9() {
    let f = StateDir::new("persist-kill");
    let d = f.start();
    let c = d.connect();
    assert_eq!(get(&c, MSIX), ParamValue::U32(8));
    assert_eq!(set(&c, 2, MSIX, ParamValue::U32(32)).unwrap(), 0);
    assert_eq!(
        set(&c, 3, "enable_sriov", ParamValue::Bool(true)).unwrap(),
        0
    );
    drop(c);
    drop(d); // SIGKILL

    let d = f.start();
    let c = d.connect();
    assert_eq!(get(&c, MSIX), ParamValue::U32(32));
    assert_eq!(get(&c, "enable_sriov"), ParamValue::Bool(true));
    let stored = stored(&f);
    assert_eq!(
        stored.devices["pci/0000:03:00.0"][MSIX],
        Stored::U32(32),
        "{stored:?}"
    );
}

#[test]
fn kill_9_during_sets_never_tears_the_store_nor_loses_an_ack() {
    let f = StateDir::new("persist-torn");
    let mut next = 100u32;
    let mut expected = ParamValue::U32(8);
    for round in 0..25u32 {
        let d = f.start();
        // What the previous daemon committed is what this one starts with.
        assert_eq!(get(&d.connect(), MSIX), expected, "round {round}");

        // A client sets increasing values as fast as the ACKs come back.
        let (acked_tx, acked_rx) = mpsc::channel();
        let socket = d.socket.clone();
        let first = next;
        let client = std::thread::spawn(move || {
            let c = Connection::connect(Path::new(&socket)).unwrap();
            let mut v = first;
            loop {
                match set(&c, v, MSIX, ParamValue::U32(v)) {
                    Ok(0) => {
                        if acked_tx.send(v).is_err() {
                            break;
                        }
                    }
                    Ok(e) => panic!("set {v}: error {e}"),
                    Err(_) => break, // the daemon is gone
                }
                v += 1;
            }
            v // the value in flight when the daemon died
        });
        // Kill it after a varying number of ACKs, while the client keeps going.
        let mut last_acked = None;
        for _ in 0..=round % 5 {
            last_acked = Some(acked_rx.recv_timeout(T).unwrap());
        }
        drop(d); // SIGKILL, mid-stream
        let in_flight = client.join().unwrap();
        while let Ok(v) = acked_rx.try_recv() {
            last_acked = Some(v);
        }
        let last_acked = last_acked.unwrap();

        let stored = stored(&f);
        let Stored::U32(v) = stored.devices["pci/0000:03:00.0"][MSIX] else {
            panic!("{stored:?}")
        };
        assert!(
            v == last_acked || v == in_flight,
            "round {round}: stored {v}, last ACKed {last_acked}, in flight {in_flight}"
        );
        expected = ParamValue::U32(v);
        next = in_flight + 1;
    }
    let d = f.start();
    assert_eq!(get(&d.connect(), MSIX), expected);
}
