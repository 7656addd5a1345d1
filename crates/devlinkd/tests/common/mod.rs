//! Start the real `devlinkd` binary on a temporary socket, and small helpers to talk to it.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod requests;
pub mod rng;
pub mod state;
pub mod wait;

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use devlink_client::{Connection, msg};
use devlink_wire::devlink::{DevReq, PortGetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::message::{Message, Payload};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{Membership, SetOpt, Transport, opt};

pub const FAM: u16 = 0x14;
pub const CONFIG: u32 = 2;
pub const T: Duration = Duration::from_secs(10);

/// A running daemon; killed and its directory removed on drop. It runs with
/// `--exit-on-stdin-eof` and its stdin is a pipe whose write end this holds, so that it
/// also ends with the test process, however that ends.
pub struct Daemon {
    child: Child,
    /// Held, not written: the daemon exits when it closes.
    _stdin: Option<ChildStdin>,
    pub dir: PathBuf,
    pub socket: PathBuf,
}

impl Daemon {
    /// Start `devlinkd` with the default devices; the test's own group is the admin group
    /// unless `extra` names one, and the state directory is `dir/state` unless `extra`
    /// names one.
    pub fn start(extra: &[&str]) -> Self {
        Self::start_bin(std::path::Path::new(env!("CARGO_BIN_EXE_devlinkd")), extra)
    }

    /// [`Daemon::start`] with another build of the daemon (the stress test's soak mode
    /// runs a release build).
    pub fn start_bin(bin: &std::path::Path, extra: &[&str]) -> Self {
        // Named after the test (its thread), shortened and hashed: a socket path has
        // at most 107 bytes.
        let name = std::thread::current()
            .name()
            .unwrap_or("t")
            .replace("::", "-");
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&name, &mut hash);
        let short: String = name.chars().take(24).collect();
        let dir = std::env::temp_dir().join(format!(
            "devlinkd-test-{}-{short}-{:08x}",
            std::process::id(),
            std::hash::Hasher::finish(&hash) & 0xffff_ffff
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
        let mut cmd = Command::new(bin);
        cmd.arg("--socket").arg(&socket);
        if !extra.contains(&"--admin-group") {
            cmd.args(["--admin-group", &gid]);
        }
        if !extra.contains(&"--state-dir") {
            cmd.arg("--state-dir").arg(dir.join("state"));
        }
        // The daemon's log goes to a file, shown if the test fails: on the test's own
        // stderr it would interleave with the harness's output.
        let log = std::fs::File::create(dir.join("devlinkd.log")).unwrap();
        if !extra.contains(&"--exit-on-stdin-eof") {
            cmd.arg("--exit-on-stdin-eof");
        }
        let mut child = cmd
            .args(extra)
            .stdin(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let d = Self {
            _stdin: child.stdin.take(),
            child,
            dir,
            socket,
        };
        // The daemon renames its socket into place once it listens. On a failure `d`'s
        // drop kills it and shows its log.
        let start = Instant::now();
        while !d.socket.exists() {
            assert!(start.elapsed() < T, "devlinkd did not start");
            std::thread::sleep(Duration::from_millis(5));
        }
        d
    }

    /// The daemon's resident set size in KiB (`VmRSS` of `/proc/PID/status`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn connect(&self) -> Connection {
        Connection::connect(&self.socket).unwrap()
    }
}

impl Drop for Daemon {
    #[allow(clippy::print_stderr, reason = "a failing test shows the daemon's log")]
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Ok(log) = std::fs::read_to_string(self.dir.join("devlinkd.log"))
        {
            eprintln!("devlinkd's log:\n{log}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The messages of the next datagram.
pub fn recv(c: &Connection) -> Vec<Message> {
    msg::decode_all(&c.recv(T).unwrap(), FAM)
}

/// Read datagrams until one ends with `NLMSG_DONE` or `NLMSG_ERROR`; all messages.
pub fn recv_until_done(c: &Connection) -> Vec<Message> {
    let mut all = Vec::new();
    loop {
        let m = recv(c);
        let last = m
            .last()
            .map(|m| matches!(m.payload, Payload::Done(_) | Payload::Error(_)));
        all.extend(m);
        if last.unwrap_or(true) {
            return all;
        }
    }
}

/// Send a transport op in-band and read its reply.
pub fn transport(c: &Connection, t: &Transport) -> Transport {
    c.send(&msg::transport(1, t)).unwrap();
    Transport::parse(&c.recv(T).unwrap()).unwrap().1
}

pub fn setopt(c: &Connection, o: u32, value: u32) {
    let r = transport(
        c,
        &Transport::SetOpt(SetOpt {
            opt: o,
            value,
            errno: None,
        }),
    );
    assert!(
        matches!(r, Transport::SetOpt(SetOpt { errno: Some(0), .. })),
        "{r:?}"
    );
}

/// Join "config".
pub fn subscribe(c: &Connection) {
    let r = transport(
        c,
        &Transport::Membership(Membership {
            group: CONFIG,
            drop: false,
            errno: None,
        }),
    );
    assert!(
        matches!(r, Transport::Membership(Membership { errno: Some(0), .. })),
        "{r:?}"
    );
}

/// CAP_ACK + EXT_ACK, as iproute2 sets them.
pub fn iproute2_opts(c: &Connection) {
    setopt(c, opt::NETLINK_CAP_ACK, 1);
    setopt(c, opt::NETLINK_EXT_ACK, 1);
}

pub const ACK: u16 = NLM_F_ACK;

/// `DEVLINK_CMD_GET` dump (`devlink dev show`): every message up to the `NLMSG_DONE`.
pub fn dump_devices(c: &Connection, seq: u32) -> Vec<Message> {
    let get = DevlinkBody::from(DevReq::default());
    let req = msg::devlink_request(FAM, NLM_F_ACK | NLM_F_DUMP, seq, Cmd::Get, get);
    c.send(&req).unwrap();
    recv_until_done(c)
}

/// `DEVLINK_CMD_PORT_GET` dump (`devlink port show`): every message up to the
/// `NLMSG_DONE`.
pub fn dump_ports(c: &Connection, seq: u32) -> Vec<Message> {
    let get = DevlinkBody::from(PortGetReq::default());
    let req = msg::devlink_request(FAM, NLM_F_ACK | NLM_F_DUMP, seq, Cmd::PortGet, get);
    c.send(&req).unwrap();
    recv_until_done(c)
}
