//! Slow and hostile clients against the real daemon (issue 9; figures in
//! `RELIABILITY.md`): a subscriber that never reads, a dump never read, a truncated
//! datagram, bogus `nlmsg_len`s, datagrams shorter than a header or longer than the
//! daemon reads, nested attributes 1 000 (and 16 000) deep, the largest string an
//! attribute can carry, thousands of connections. Each is answered with the kernel's
//! error, dropped as `netlink_rcv_skb` drops it, or refused by the socket layer; a
//! well-behaved client on another connection keeps getting answers (its worst latency
//! checked against a generous liveness bound) and the daemon's RSS stays bounded.
//!
//! Soak sizes: `DEVLINKD_HOSTILE_SCALE=10` multiplies the counts (`RELIABILITY.md`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod common;

use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use devlink_client::{Connection, msg};
use devlink_wire::devlink::{Handle, ParamValue};
use devlink_wire::message::{Message, Payload};
use devlink_wire::nl::NLMSG_DONE;
use devlink_wire::nl::flags::{NLM_F_DUMP, NLM_F_REQUEST};
use devlink_wire::spec::{Attr, Cmd};
use devlink_wire::transport::{Transport, opt};
use rustix::net::{AddressFamily, SendFlags, SocketAddrUnix, SocketFlags, SocketType, sockopt};

/// The most the daemon reads of one datagram (`MAX_REQUEST` in `src/shell/link.rs`).
const MAX_REQUEST: usize = 256 * 1024;
/// `NLA_F_NESTED`.
const NLA_F_NESTED: u16 = 0x8000;
/// A liveness bound, not a performance figure: a request of the well-behaved client is
/// answered within this however hostile the others are.
const LIVENESS: Duration = Duration::from_secs(5);

/// Count multiplier for soak runs.
fn scale() -> usize {
    std::env::var("DEVLINKD_HOSTILE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// A well-behaved client that sends `GETFAMILY devlink` and reads the reply and ACK in
/// a loop until stopped, timing each round trip.
struct Probe {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl Probe {
    fn start(d: &Daemon) -> Self {
        let c = d.connect();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut times = Vec::new();
            let mut seq = 1;
            // At least one round trip, however soon the test stops it.
            while times.is_empty() || !flag.load(Ordering::Relaxed) {
                let t = Instant::now();
                c.send(&msg::get_family(ACK, seq, "devlink")).unwrap();
                let m = recv(&c);
                assert!(msg::family_info(&m[0]).is_some(), "{m:?}");
                assert_eq!(error_of(&recv(&c)[0]), 0);
                times.push(t.elapsed());
                seq += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            times
        });
        Self { stop, thread }
    }

    /// Stop; the round trips' count, median and maximum, the maximum checked.
    fn finish(self, what: &str) -> (usize, Duration, Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let mut times = self.thread.join().unwrap();
        assert!(!times.is_empty(), "{what}: the probe got no answer");
        times.sort();
        let (n, median, max) = (times.len(), times[times.len() / 2], times[times.len() - 1]);
        eprintln!("{what}: probe {n} round trips, median {median:?}, max {max:?}");
        assert!(max < LIVENESS, "{what}: a round trip took {max:?}");
        (n, median, max)
    }
}

fn error_of(m: &Message) -> i32 {
    match &m.payload {
        Payload::Error(e) => e.error,
        p => panic!("not an error: {p:?}"),
    }
}

fn extack(m: &Message) -> Option<String> {
    match &m.payload {
        Payload::Error(e) => e.ext_ack.msg.clone(),
        _ => None,
    }
}

/// A raw `SOCK_SEQPACKET` connection (the client's `Connection` hides its descriptor;
/// these tests set socket options on it).
fn raw_socket(d: &Daemon) -> OwnedFd {
    let s = rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )
    .unwrap();
    rustix::net::connect(&s, &SocketAddrUnix::new(&d.socket).unwrap()).unwrap();
    sockopt::set_socket_timeout(&s, sockopt::Timeout::Recv, Some(T)).unwrap();
    s
}

fn raw_recv(s: &OwnedFd) -> Vec<Message> {
    let mut buf = vec![0u8; 8192];
    let n = rustix::net::recv(s, &mut buf, rustix::net::RecvFlags::empty())
        .unwrap()
        .0;
    msg::decode_all(&buf[..n], FAM)
}

/// A devlink request: `nlmsghdr`, `genlmsghdr` (version 1) and `attrs` as given.
fn devlink_raw(cmd: Cmd, flags: u16, seq: u32, attrs: &[u8]) -> Vec<u8> {
    let len = u32::try_from(16 + 4 + attrs.len()).unwrap();
    let mut out = Vec::with_capacity(len as usize);
    out.extend(len.to_ne_bytes());
    out.extend(FAM.to_ne_bytes());
    out.extend((flags | NLM_F_REQUEST).to_ne_bytes());
    out.extend(seq.to_ne_bytes());
    out.extend(0u32.to_ne_bytes());
    out.extend([cmd as u8, 1, 0, 0]);
    out.extend(attrs);
    out
}

/// One attribute, padded to 4 bytes (`nla_len` saturates: a caller may build a lying
/// one on purpose).
fn nla(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend(len.to_ne_bytes());
    out.extend(ty.to_ne_bytes());
    out.extend(payload);
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out
}

fn nsim0() -> Vec<u8> {
    let mut a = nla(Attr::BusName as u16, b"netdevsim\0");
    a.extend(nla(Attr::DevName as u16, b"netdevsim0\0"));
    a
}

/// `depth` nests of type `ty` (with `NLA_F_NESTED`), the innermost holding a u32.
fn nested(ty: u16, depth: usize) -> Vec<u8> {
    let mut inner = nla(1, &7u32.to_ne_bytes());
    for _ in 0..depth {
        inner = nla(ty | NLA_F_NESTED, &inner);
    }
    inner
}

#[test]
fn a_subscriber_that_never_reads_costs_bounded_memory_and_others_get_everything() {
    // The watch history (one entry per change) is memory the daemon keeps on purpose:
    // kept short here, so that RSS shows what the subscribers cost. The reading
    // subscriber's backlog may hold whatever it lags by.
    let d = Daemon::start(&["--max-backlog", "268435456", "--watch-history", "1000"]);
    let stuck = d.connect();
    subscribe(&stuck);
    let fast = d.connect();
    subscribe(&fast);
    setopt(&fast, opt::SO_RCVBUF, 64 << 20);
    let sets = 30_000 * scale();
    let got = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&got);
    let reader = std::thread::spawn(move || {
        loop {
            let dg = fast.recv(T).unwrap();
            assert!(Transport::parse(&dg).is_err(), "the reader was overrun");
            for m in msg::decode_all(&dg, FAM) {
                if format!("{:?}", m.payload).contains("max_macs") {
                    return seen.load(Ordering::Relaxed);
                }
                seen.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let probe = Probe::start(&d);
    let before = d.rss_kib();
    let mut peak = before;
    let w = d.connect();
    let dev = Handle::new("netdevsim", "netdevsim0");
    let start = Instant::now();
    for chunk in 0..sets / 30 {
        let dg: Vec<u8> = (0..30)
            .flat_map(|i| {
                let v = ParamValue::Bool((chunk + i) % 2 == 0);
                msg::param_set(FAM, 0, 1, &dev, "test1", v)
            })
            .collect();
        w.send(&dg).unwrap();
        // Every 100 datagrams, let the reader come within 6 000 notifications, so that
        // its backlog does not hide what the stuck one costs; sample RSS.
        if chunk % 100 == 99 {
            let waited = Instant::now();
            while got.load(Ordering::Relaxed) + 6000 < chunk * 30 {
                assert!(waited.elapsed() < T, "the reader is stuck");
                std::thread::sleep(Duration::from_millis(1));
            }
            peak = peak.max(d.rss_kib());
        }
    }
    w.send(&msg::param_set(
        FAM,
        ACK,
        2,
        &dev,
        "max_macs",
        ParamValue::U32(9),
    ))
    .unwrap();
    assert_eq!(error_of(&recv(&w)[0]), 0);
    let elapsed = start.elapsed();
    assert_eq!(reader.join().unwrap(), sets);
    let after = d.rss_kib();
    peak = peak.max(after);
    probe.finish("never-reading subscriber");
    eprintln!(
        "never-reading subscriber: {sets} notifications in {elapsed:?}, RSS {before} -> {after} KiB, peak {peak} KiB"
    );
    // One stuck backlog is 208 KiB at most, the reader's lag ~600 KiB; allow plenty for
    // allocator slack. The bound does not grow with the number of notifications.
    assert!(
        peak.saturating_sub(before) < 8 * 1024,
        "RSS {before} -> peak {peak} KiB"
    );
    // The stuck one holds the start of the stream and an OVERRUN, and still works.
    let mut overrun = false;
    while let Ok(dg) = stuck.recv(Duration::from_millis(500)) {
        overrun |= Transport::parse(&dg).is_ok();
    }
    assert!(overrun);
    stuck.send(&msg::get_family(ACK, 3, "devlink")).unwrap();
    assert!(msg::family_info(&recv(&stuck)[0]).is_some());
}

#[test]
fn a_dump_never_read_and_a_half_datagram_block_nobody() {
    let d = Daemon::start(&[]);
    let probe = Probe::start(&d);
    // Asks for port dumps and never reads them: once its socket is full the daemon
    // holds its dump and stops reading it, and its own sends time out.
    let lazy = raw_socket(&d);
    sockopt::set_socket_timeout(
        &lazy,
        sockopt::Timeout::Send,
        Some(Duration::from_millis(200)),
    )
    .unwrap();
    let get = devlink_raw(Cmd::PortGet, ACK | NLM_F_DUMP, 1, &[]);
    let mut sent = 0;
    while rustix::net::send(&lazy, &get, SendFlags::NOSIGNAL).is_ok() {
        sent += 1;
        assert!(
            sent < 1_000_000,
            "the daemon reads an unread dumper forever"
        );
    }
    eprintln!("unread dumps: the daemon took {sent} requests, then stopped reading");
    let half = d.connect();
    let full = msg::get_family(ACK, 1, "devlink");
    half.send(&full[..full.len() / 2]).unwrap();
    // Meanwhile a writer changes things and a reader dumps.
    let w = d.connect();
    for seq in 0..200 {
        let v = ParamValue::U32(seq % 4096 + 1);
        let dev = Handle::new("netdevsim", "netdevsim0");
        w.send(&msg::param_set(FAM, ACK, seq, &dev, "max_macs", v))
            .unwrap();
        assert_eq!(error_of(&recv(&w)[0]), 0);
    }
    assert_eq!(dump_devices(&w, 9).last().unwrap().header.ty, NLMSG_DONE);
    probe.finish("unread dump, half datagram");
    // The half datagram was dropped silently: the next request is the first answered.
    half.send(&msg::get_family(ACK, 2, "devlink")).unwrap();
    assert_eq!(recv(&half)[0].header.seq, 2);
}

#[test]
fn bogus_lengths_and_short_datagrams_are_dropped_or_einval() {
    let d = Daemon::start(&[]);
    let probe = Probe::start(&d);
    let c = d.connect();
    let good = |seq| msg::get_family(ACK, seq, "devlink");
    // Dropped silently, as netlink_rcv_skb drops them: shorter than a header,
    // nlmsg_len past the datagram, below a header, zero, u32::MAX.
    let mut dropped: Vec<Vec<u8>> = vec![vec![0; 1], vec![0xff; 15]];
    for len in [u32::MAX, 0x1_0000, 200, 15, 0, 1] {
        let mut b = good(1);
        b[..4].copy_from_slice(&len.to_ne_bytes());
        dropped.push(b);
    }
    for (i, b) in dropped.iter().enumerate() {
        c.send(b).unwrap();
        let seq = 100 + u32::try_from(i).unwrap();
        c.send(&good(seq)).unwrap();
        let m = recv(&c);
        assert_eq!(
            m[0].header.seq, seq,
            "datagram {b:02x?} was answered: {m:?}"
        );
        assert_eq!(error_of(&recv(&c)[0]), 0);
    }
    // A good message, then one whose nlmsg_len runs past the datagram: the first is
    // answered, the rest of the datagram dropped.
    let mut two = good(200);
    let mut bad = good(201);
    bad[..4].copy_from_slice(&0x4000u32.to_ne_bytes());
    two.extend(&bad);
    c.send(&two).unwrap();
    assert_eq!(recv(&c)[0].header.seq, 200);
    assert_eq!(error_of(&recv(&c)[0]), 0);
    c.send(&good(202)).unwrap();
    assert_eq!(recv(&c)[0].header.seq, 202);
    assert_eq!(error_of(&recv(&c)[0]), 0);
    // nlmsg_len covering only the nlmsghdr of a devlink request: no genlmsghdr, -EINVAL
    // (genl_rcv_msg).
    let mut bare = devlink_raw(Cmd::Get, ACK, 300, &[]);
    bare[..4].copy_from_slice(&16u32.to_ne_bytes());
    bare.truncate(16);
    c.send(&bare).unwrap();
    let m = recv(&c);
    assert_eq!((m[0].header.seq, error_of(&m[0])), (300, -22), "{m:?}");
    // An empty datagram holds no message: nothing answers it, as netlink_rcv_skb finds
    // nothing in an empty sendmsg, and the connection stays open (a read of 0 bytes is
    // end-of-file only once the peer has shut down: src/shell/link.rs).
    c.send(&[]).unwrap();
    c.send(&[]).unwrap();
    c.send(&good(400)).unwrap();
    assert_eq!(recv(&c)[0].header.seq, 400);
    assert_eq!(error_of(&recv(&c)[0]), 0);
    // On a connection with a completion channel it is a datagram like any other: its
    // `COMPLETE` counts it.
    let mut s = d.connect();
    s.hello_sync(None, T).unwrap();
    let complete = |s: &Connection| match Transport::parse(&s.recv_sync(T).unwrap()).unwrap().1 {
        Transport::Complete(c) => c.count,
        t => panic!("{t:?}"),
    };
    assert_eq!(complete(&s), 1);
    s.send(&[]).unwrap();
    assert_eq!(complete(&s), 2);
    s.send(&good(500)).unwrap();
    assert_eq!(complete(&s), 3);
    assert_eq!(recv(&s)[0].header.seq, 500);
    assert_eq!(error_of(&recv(&s)[0]), 0);
    probe.finish("bogus lengths");
}

#[test]
fn deep_nests_and_huge_strings_get_an_error() {
    let d = Daemon::start(&[]);
    let probe = Probe::start(&d);
    let c = d.connect();
    iproute2_opts(&c);
    let mut answers = Vec::new();
    // A port function nested 1 000 and 16 000 deep (the most a u16 nla_len allows).
    for (seq, depth) in [(1u32, 1000), (2, 16_000)] {
        let mut attrs = nsim0();
        attrs.extend(nla(Attr::PortIndex as u16, &0u32.to_ne_bytes()));
        attrs.extend(nested(Attr::PortFunction as u16, depth));
        c.send(&devlink_raw(Cmd::PortSet, ACK, seq, &attrs))
            .unwrap();
        let m = recv(&c);
        assert_eq!(m[0].header.seq, seq);
        // devlink_port_function_set: the strict nla_parse_nested fails on the inner
        // PORT_FUNCTION type (unknown in the function space).
        assert_eq!(error_of(&m[0]), -22, "depth {depth}: {m:?}");
        assert_eq!(
            extack(&m[0]).as_deref(),
            Some("Fail to parse port function attributes")
        );
        answers.push(format!("nest depth {depth}: -22 {:?}", extack(&m[0])));
        // Unknown attributes nested as deep in a GET.
        let mut attrs = nsim0();
        attrs.extend(nested(0x7ff0, depth));
        c.send(&devlink_raw(Cmd::Get, ACK, seq + 10, &attrs))
            .unwrap();
        let m = recv_until_done(&c);
        let last = m.last().unwrap();
        assert_eq!(last.header.seq, seq + 10);
        // GET validates liberally (GENL_DONT_VALIDATE_STRICT): an attribute above
        // DEVLINK_ATTR_MAX is ignored, the device is shown.
        assert_eq!((m.len(), error_of(last)), (2, 0), "{m:?}");
        answers.push(format!(
            "unknown nest depth {depth} in GET: {} messages, last {:?}",
            m.len(),
            error_of(last)
        ));
    }
    // The largest string an attribute holds (nla_len is a u16) as the bus name.
    let mut name = vec![b'a'; usize::from(u16::MAX) - 5];
    name.push(0);
    let mut attrs = nla(Attr::BusName as u16, &name);
    attrs.extend(nla(Attr::DevName as u16, b"x\0"));
    c.send(&devlink_raw(Cmd::Get, ACK, 30, &attrs)).unwrap();
    let m = recv(&c);
    assert_eq!(m[0].header.seq, 30);
    // devlink_get_from_attrs: no such device.
    let e = error_of(&m[0]);
    assert_eq!(e, -19, "{m:?}");
    answers.push(format!("64 KiB bus name: {e} {:?}", extack(&m[0])));
    // The same string as a param name in a PARAM_GET.
    let mut attrs = nsim0();
    attrs.extend(nla(Attr::ParamName as u16, &name));
    c.send(&devlink_raw(Cmd::ParamGet, ACK, 31, &attrs))
        .unwrap();
    let m = recv(&c);
    // devlink_param_get_from_info finds no such param: -EINVAL.
    let e = error_of(&m[0]);
    assert_eq!(e, -22, "{m:?}");
    answers.push(format!("64 KiB param name: {e} {:?}", extack(&m[0])));
    for a in &answers {
        eprintln!("{a}");
    }
    probe.finish("deep nests, huge strings");
}

#[test]
fn datagrams_longer_than_the_daemon_reads_are_cut() {
    let d = Daemon::start(&[]);
    let probe = Probe::start(&d);
    let s = raw_socket(&d);
    // A 1 MiB string: no netlink attribute holds it (nla_len is a u16), so this is a
    // message of 1 MiB whose bus name claims 64 KiB. The socket layer refuses it with
    // the default send buffer, as netlink_sendmsg does (EMSGSIZE).
    let mut attrs = nla(Attr::BusName as u16, &vec![b'a'; 1 << 20]);
    attrs.extend(nla(Attr::DevName as u16, b"x\0"));
    let huge = devlink_raw(Cmd::Get, ACK, 1, &attrs);
    let e = rustix::net::send(&s, &huge, SendFlags::NOSIGNAL).unwrap_err();
    assert_eq!(e, rustix::io::Errno::MSGSIZE);
    if !is_root() {
        eprintln!("skipped the rest: needs root to raise SO_SNDBUF past wmem_max");
        probe.finish("oversized");
        return;
    }
    sockopt::set_socket_send_buffer_size_force(&s, 4 << 20).unwrap();
    // A GETFAMILY, then the 1 MiB message: the daemon reads 256 KiB of the datagram,
    // answers the first and drops the cut one.
    let mut dg = msg::get_family(ACK, 2, "devlink");
    dg.extend(&huge);
    assert!(dg.len() > MAX_REQUEST);
    rustix::net::send(&s, &dg, SendFlags::NOSIGNAL).unwrap();
    let m = raw_recv(&s);
    assert_eq!(m[0].header.seq, 2);
    assert_eq!(error_of(&raw_recv(&s)[0]), 0);
    // The next request is the next answer: nothing came of the cut message.
    rustix::net::send(&s, &msg::get_family(ACK, 3, "devlink"), SendFlags::NOSIGNAL).unwrap();
    assert_eq!(raw_recv(&s)[0].header.seq, 3);
    assert_eq!(error_of(&raw_recv(&s)[0]), 0);
    // Many messages filling 256 KiB exactly and beyond: each one in the first 256 KiB
    // answered.
    let one = msg::get_family(0, 4, "devlink");
    let n = 2 * MAX_REQUEST / one.len();
    let dg: Vec<u8> = (0..n).flat_map(|_| one.clone()).collect();
    rustix::net::send(&s, &dg, SendFlags::NOSIGNAL).unwrap();
    let expect = MAX_REQUEST / one.len();
    for i in 0..expect {
        let m = raw_recv(&s);
        assert!(msg::family_info(&m[0]).is_some(), "reply {i}: {m:?}");
    }
    rustix::net::send(&s, &msg::get_family(ACK, 5, "devlink"), SendFlags::NOSIGNAL).unwrap();
    assert_eq!(raw_recv(&s)[0].header.seq, 5);
    probe.finish("oversized");
}

#[test]
fn thousands_of_connections_come_and_go() {
    let d = Daemon::start(&[]);
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    // Each connection costs the test one descriptor and the daemon one (it inherits
    // this limit); keep 100 spare.
    let n = usize::try_from(soft.saturating_sub(100))
        .unwrap_or(usize::MAX)
        .min(2000 * scale());
    assert!(n >= 500, "RLIMIT_NOFILE {soft} is too low for this test");
    let probe = Probe::start(&d);
    let start_rss = d.rss_kib();
    let mut peak = 0;
    let mut after_rounds = Vec::new();
    let start = Instant::now();
    for round in 0..3 {
        let conns: Vec<Connection> = (0..n).map(|_| d.connect()).collect();
        // Every one is served: half subscribe, all ask for the family.
        for (i, c) in conns.iter().enumerate() {
            if i % 2 == 0 {
                c.send(&msg::transport(
                    1,
                    &Transport::Membership(devlink_wire::transport::Membership {
                        group: CONFIG,
                        drop: false,
                        errno: None,
                    }),
                ))
                .unwrap();
            }
            c.send(&msg::get_family(ACK, 2, "devlink")).unwrap();
        }
        for (i, c) in conns.iter().enumerate() {
            if i % 2 == 0 {
                assert!(Transport::parse(&c.recv(T).unwrap()).is_ok());
            }
            assert!(msg::family_info(&recv(c)[0]).is_some(), "connection {i}");
            assert_eq!(error_of(&recv(c)[0]), 0);
        }
        // A change notified to every other connection.
        let w = d.connect();
        let dev = Handle::new("netdevsim", "netdevsim0");
        let v = ParamValue::U32(100 + round);
        w.send(&msg::param_set(FAM, ACK, 1, &dev, "max_macs", v))
            .unwrap();
        assert_eq!(error_of(&recv(&w)[0]), 0);
        for (i, c) in conns.iter().enumerate() {
            if i % 2 == 0 {
                let m = recv(c);
                assert!(format!("{:?}", m[0].payload).contains("max_macs"), "{m:?}");
            }
        }
        peak = peak.max(d.rss_kib());
        drop(conns);
        // Served again once the daemon has seen every close.
        assert_eq!(dump_devices(&w, 3).last().unwrap().header.ty, NLMSG_DONE);
        after_rounds.push(d.rss_kib());
    }
    let elapsed = start.elapsed();
    probe.finish("thousands of connections");
    eprintln!(
        "{n} connections x 3 rounds in {elapsed:?}: RSS start {start_rss} KiB, peak {peak} KiB, after each round {after_rounds:?} KiB"
    );
    // Closed connections leave nothing behind: the last round ends where the first did,
    // give or take allocator slack.
    let (first, last) = (after_rounds[0], after_rounds[2]);
    assert!(
        last < first + 4 * 1024,
        "RSS after rounds: {after_rounds:?}"
    );
    assert!(peak < start_rss + 256 * 1024, "peak RSS {peak} KiB");
}
