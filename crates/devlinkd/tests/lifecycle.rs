//! The daemon's life: SIGTERM and SIGINT shut it down cleanly (socket removed), so
//! does the end of its standard input with `--exit-on-stdin-eof`, and
//! under systemd socket activation it serves the socket it was handed (a connection
//! made before it ran is served) and leaves that socket to its owner. Socket activation
//! uses `systemd-socket-activate` (Debian `systemd`; `.ci/run` installs it): skipped
//! without it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::wait::wait_timeout;
use common::*;
use devlink_client::Connection;
use rustix::process::{Pid, Signal, kill_process};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("devlinkd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < T, "{} did not appear", path.display());
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Signal the child and wait for it; its exit status.
fn stop(mut child: Child, sig: Signal) -> std::process::ExitStatus {
    kill_process(Pid::from_child(&child), sig).unwrap();
    wait_timeout(&mut child, T).expect("did not stop")
}

#[test]
fn sigterm_and_sigint_shut_down_cleanly_and_remove_the_socket() {
    for (i, sig) in [Signal::TERM, Signal::INT].into_iter().enumerate() {
        let dir = scratch(&format!("signal{i}"));
        let socket = dir.join("d.sock");
        let child = Command::new(env!("CARGO_BIN_EXE_devlinkd"))
            .arg("--socket")
            .arg(&socket)
            .arg("--state-dir")
            .arg(dir.join("state"))
            // Its log would interleave with the harness's output.
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(&socket);
        let c = Connection::connect(&socket).unwrap();
        assert_eq!(dump_devices(&c, 1).len(), 3);
        let status = stop(child, sig);
        assert!(status.success(), "{sig:?}: {status}");
        assert!(!socket.exists(), "{sig:?}: socket left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn exit_on_stdin_eof_follows_the_parent() {
    let dir = scratch("stdin");
    let socket = dir.join("d.sock");
    let daemon = |stdin: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_devlinkd"))
            .arg("--socket")
            .arg(&socket)
            .arg("--state-dir")
            .arg(dir.join("state"))
            .arg("--exit-on-stdin-eof")
            .stdin(stdin)
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // The parent holds the pipe's write end; closing it is what the kernel does when
    // the parent dies, however it dies.
    let mut child = daemon(Stdio::piped());
    let pipe = child.stdin.take().unwrap();
    wait_for(&socket);
    let c = Connection::connect(&socket).unwrap();
    assert_eq!(dump_devices(&c, 1).len(), 3);
    drop(pipe);
    let status = wait_timeout(&mut child, T).expect("still running after its stdin closed");
    assert!(status.success(), "{status}");
    assert!(!socket.exists(), "socket left behind");
    // Standard input that is not a pipe is refused before the socket exists.
    let status = wait_timeout(&mut daemon(Stdio::null()), T).expect("ran with stdin not a pipe");
    assert!(!status.success());
    assert!(!socket.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn socket_activation_serves_the_inherited_socket() {
    let activate = [
        "/usr/bin/systemd-socket-activate",
        "/bin/systemd-socket-activate",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists());
    let Some(activate) = activate else {
        eprintln!("skipped: systemd-socket-activate is not installed (Debian: systemd)");
        return;
    };
    let dir = scratch("activation");
    let socket = dir.join("activated.sock");
    let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
    // systemd-socket-activate binds the socket, waits for a connection, then execs the
    // daemon (same pid) with LISTEN_FDS=1 and the socket as descriptor 3.
    let child = Command::new(activate)
        .arg("--seqpacket")
        .arg("--listen")
        .arg(&socket)
        .arg(env!("CARGO_BIN_EXE_devlinkd"))
        .arg("--socket")
        .arg(dir.join("not-this-one.sock"))
        .arg("--state-dir")
        .arg(dir.join("state"))
        .args(["--admin-group", &gid])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&socket);
    // Connected before devlinkd runs: the connection waits in the backlog.
    let c = Connection::connect(&socket).unwrap();
    let m = dump_devices(&c, 1);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(!dir.join("not-this-one.sock").exists());
    drop(c);
    let status = stop(child, Signal::TERM);
    assert!(status.success(), "{status}");
    // The socket belongs to whoever activated the daemon.
    assert!(socket.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
