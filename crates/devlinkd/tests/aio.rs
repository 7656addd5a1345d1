//! The async connection against the real daemon: concurrent requests on clones of one
//! connection each get their own replies, a dump comes whole, an error is that
//! request's alone, and `devlink` notifications arrive as unsolicited messages.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use devlink_client::aio::AsyncConnection;
use devlink_client::{ClientError, SimClient};
use devlink_wire::devlink::PortGetReq;
use devlink_wire::message::{DevlinkBody, Payload};
use devlink_wire::nl::flags::NLM_F_DUMP;
use devlink_wire::spec::Cmd;

use common::requests::nsim;
use common::{CONFIG, Daemon};

fn port(id: u32, index: u32) -> PortGetReq {
    PortGetReq {
        handle: Some(nsim(id)),
        index: Some(index),
        unknown: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_matched_by_sequence_number() {
    let d = Daemon::start(&[]);
    let conn = AsyncConnection::connect(&d.socket).await.unwrap();
    // netdevsim0 has ports 0..4: 64 requests at once on clones of one connection.
    let gets: Vec<_> = (0..64u32)
        .map(|i| {
            let conn = conn.clone();
            tokio::spawn(async move {
                let index = i % 4;
                let r = conn
                    .devlink(0, Cmd::PortGet, port(0, index).into())
                    .await
                    .unwrap();
                match r.as_slice() {
                    [DevlinkBody::Port(p)] => assert_eq!(p.index, index),
                    other => panic!("{other:?}"),
                }
            })
        })
        .collect();
    for g in gets {
        g.await.unwrap();
    }
    // A dump: every port of both demo devices (4, and 2 with 2 VF representors).
    let all = conn
        .devlink(NLM_F_DUMP, Cmd::PortGet, PortGetReq::default().into())
        .await
        .unwrap();
    assert_eq!(all.len(), 8, "{all:?}");
    // An error is the failing request's, and the connection goes on.
    match conn.devlink(0, Cmd::PortGet, port(0, 77).into()).await {
        Err(ClientError::Nl { errno, .. }) => assert!(errno > 0),
        other => panic!("{other:?}"),
    }
    let one = conn
        .devlink(0, Cmd::PortGet, port(0, 1).into())
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_of_a_joined_group_are_unsolicited() {
    let d = Daemon::start(&[]);
    let conn = AsyncConnection::connect(&d.socket).await.unwrap();
    let mut notes = conn.take_unsolicited().unwrap();
    assert!(conn.take_unsolicited().is_none());
    conn.join(CONFIG).await.unwrap();
    let mut sim = SimClient::connect(&d.socket).unwrap();
    sim.port(0, 9, true).unwrap();
    let note = async {
        loop {
            let m = notes.recv().await.unwrap();
            if let Payload::Devlink(n) = &m.payload
                && let DevlinkBody::Port(p) = &n.body
                && p.index == 9
            {
                return (m.header.seq, n.genl.cmd);
            }
        }
    };
    let (seq, cmd) = tokio::time::timeout(Duration::from_secs(5), note)
        .await
        .unwrap();
    assert_eq!((seq, cmd), (0, Cmd::PortNew as u8));
    // Requests still work beside the notifications.
    let r = conn
        .devlink(0, Cmd::PortGet, port(0, 9).into())
        .await
        .unwrap();
    assert_eq!(r.len(), 1);
    // The connection closes with the daemon: the queue ends.
    drop(d);
    let end = async { while notes.recv().await.is_some() {} };
    tokio::time::timeout(Duration::from_secs(5), end)
        .await
        .unwrap();
    assert!(
        conn.devlink(0, Cmd::PortGet, port(0, 9).into())
            .await
            .is_err()
    );
}
