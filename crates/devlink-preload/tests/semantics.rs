//! The netlink socket semantics clients rely on, through the shim, driven by CPython's
//! socket module (`tests/scripts/sockets.py`): address sizes and port ids, socket
//! options and their lies, `MSG_PEEK | MSG_TRUNC`, `O_NONBLOCK`, `dup`, `fork`,
//! memberships, `ENOBUFS` on overrun and `NETLINK_NO_ENOBUFS`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::wait::wait_timeout;
use common::{Daemon, T, artefacts};

#[test]
fn cpython_socket_semantics() {
    let d = Daemon::start("semantics");
    let a = artefacts();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/sockets.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(&a.devlink)
        .env("LD_PRELOAD", &a.shim)
        .env("DEVLINKD_SOCKET", &d.socket)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (apt-get install python3)");
    let status = wait_timeout(&mut child, T).expect("sockets.py did not finish");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success() && out == "ok\n", "{status:?}\n{out}");
}
