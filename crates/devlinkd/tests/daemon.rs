//! The real `devlinkd` over real sockets: family lookup, dumps, errors, notifications,
//! overrun, permissions, malformed input, synchronous completion.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::Duration;

use common::*;
use devlink_client::msg;
use devlink_wire::devlink::{Handle, ParamValue, PortGetReq};
use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::nl::flags::NLM_F_MULTI;
use devlink_wire::nl::{NLMSG_DONE, NLMSG_ERROR};
use devlink_wire::spec::{Attr, Cmd};
use devlink_wire::transport::{Complete, Hello, Transport, opt};

fn param_set(flags: u16, seq: u32, name: &str, value: ParamValue) -> Vec<u8> {
    let dev = Handle::new("netdevsim", "netdevsim0");
    msg::param_set(FAM, flags, seq, &dev, name, value)
}

fn devlink_cmd(m: &Message) -> Option<u8> {
    match &m.payload {
        Payload::Devlink(d) => Some(d.genl.cmd),
        _ => None,
    }
}

fn error_of(m: &Message) -> i32 {
    match &m.payload {
        Payload::Error(e) => e.error,
        p => panic!("not an error: {p:?}"),
    }
}

fn is_max_macs(m: &Message) -> bool {
    format!("{:?}", m.payload).contains("max_macs")
}

#[test]
fn getfamily_gives_ids_and_the_config_group() {
    let d = Daemon::start(&[]);
    let c = d.connect();
    c.send(&msg::get_family(ACK, 42, "devlink")).unwrap();
    let reply = recv(&c);
    let f = msg::family_info(&reply[0]).unwrap();
    assert_eq!(f.id, FAM);
    assert_eq!(f.mcast_groups[0].name, "config");
    assert_eq!(f.mcast_groups[0].id, CONFIG);
    assert_eq!(reply[0].header.seq, 42);
    assert_eq!(error_of(&recv(&c)[0]), 0);
}

#[test]
fn dumps_list_the_demo_devices_and_their_ports() {
    let d = Daemon::start(&[]);
    let c = d.connect();
    let m = dump_devices(&c, 1);
    assert_eq!(m.len(), 3);
    assert!(format!("{:?}", m[0].payload).contains("netdevsim0"));
    assert!(format!("{:?}", m[1].payload).contains("0000:03:00.0"));
    assert_eq!(m[0].header.flags, NLM_F_MULTI);
    assert_eq!(m[2].header.ty, NLMSG_DONE);

    let m = dump_ports(&c, 2);
    let n = m
        .iter()
        .filter(|m| devlink_cmd(m) == Some(Cmd::PortNew as u8))
        .count();
    // netdevsim0: 4 physical ports; pci/0000:03:00.0: 2 physical and 2 VF representors.
    assert_eq!(n, 8);
    let vfs = m
        .iter()
        .filter(|m| format!("{:?}", m.payload).contains("PciVf"))
        .count();
    assert_eq!(vfs, 2);
    assert_eq!(m.last().unwrap().header.ty, NLMSG_DONE);
}

#[test]
fn bad_requests_get_errno_and_extack() {
    let d = Daemon::start(&[]);
    let c = d.connect();
    iproute2_opts(&c);
    // PORT_GET do without PORT_INDEX: -EINVAL, missing attribute named.
    let body = PortGetReq {
        handle: Some(Handle::new("netdevsim", "netdevsim0")),
        index: None,
        unknown: vec![],
    };
    c.send(&msg::devlink_request(
        FAM,
        ACK,
        3,
        Cmd::PortGet,
        DevlinkBody::from(body),
    ))
    .unwrap();
    let m = recv(&c);
    let Payload::Error(e) = &m[0].payload else {
        panic!("{m:?}")
    };
    assert_eq!(e.error, -22);
    assert_eq!(e.ext_ack.miss_type, Some(Attr::PortIndex as u32));
    // GET with a BUS_NAME lacking its NUL: the policy violation text and its offset.
    let mut raw = vec![0u8; 16];
    raw.extend_from_slice(&[Cmd::Get as u8, 1, 0, 0]);
    raw.extend_from_slice(&[8, 0, 1, 0, b'a', b'b', b'c', b'd']);
    raw[0] = u8::try_from(raw.len()).unwrap();
    raw[4] = 0x14;
    raw[6] = 0x05; // REQUEST | ACK
    c.send(&raw).unwrap();
    let m = recv(&c);
    let Payload::Error(e) = &m[0].payload else {
        panic!("{m:?}")
    };
    assert_eq!(e.error, -22);
    assert_eq!(
        e.ext_ack.msg.as_deref(),
        Some("Attribute failed policy validation")
    );
    assert_eq!(e.ext_ack.offset, Some(20));
}

#[test]
fn subscribers_see_notifications_in_order_before_the_ack() {
    let d = Daemon::start(&[]);
    let (a, b, r) = (d.connect(), d.connect(), d.connect());
    subscribe(&a);
    subscribe(&b);
    subscribe(&r);
    r.send(&param_set(ACK, 9, "test1", ParamValue::Bool(true)))
        .unwrap();
    r.send(&param_set(ACK, 10, "max_macs", ParamValue::U32(7)))
        .unwrap();
    let first = recv(&r);
    assert_eq!(devlink_cmd(&first[0]), Some(Cmd::ParamNew as u8));
    assert_eq!(first[0].header.seq, 0);
    assert_eq!(error_of(&recv(&r)[0]), 0);
    let second = recv(&r);
    assert!(is_max_macs(&second[0]));
    assert_eq!(error_of(&recv(&r)[0]), 0);
    // The other subscribers: the same two notifications, same order (maybe packed).
    for s in [&a, &b] {
        let mut got = Vec::new();
        while got.len() < 2 {
            got.extend(recv(s));
        }
        assert_eq!(got, [first[0].clone(), second[0].clone()]);
    }
}

#[test]
fn a_stuck_subscriber_gets_overrun_while_others_get_everything() {
    let d = Daemon::start(&[]);
    let (slow, fast, r) = (d.connect(), d.connect(), d.connect());
    subscribe(&slow);
    subscribe(&fast);
    // Room for one request datagram's notifications (30), so drops start only once its
    // socket is full.
    setopt(&slow, opt::SO_RCVBUF, 8192);
    setopt(&fast, opt::SO_RCVBUF, 2 << 20);
    // 100 datagrams of 30 PARAM_SETs each, no ACKs: 3000 notifications, far more than
    // the slow subscriber's socket and backlog hold.
    const SETS: usize = 3000;
    let reader = std::thread::spawn(move || {
        let (mut test1, mut overruns) = (0, 0);
        loop {
            let dg = fast.recv(T).unwrap();
            if Transport::parse(&dg).is_ok() {
                overruns += 1;
                continue;
            }
            for m in msg::decode_all(&dg, FAM) {
                if is_max_macs(&m) {
                    return (test1, overruns);
                }
                test1 += 1;
            }
        }
    });
    for chunk in 0..SETS / 30 {
        let dg: Vec<u8> = (0..30)
            .flat_map(|i| param_set(0, 1, "test1", ParamValue::Bool((chunk + i) % 2 == 0)))
            .collect();
        r.send(&dg).unwrap();
    }
    r.send(&param_set(ACK, 2, "max_macs", ParamValue::U32(33)))
        .unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    assert_eq!(reader.join().unwrap(), (SETS, 0));

    // The slow one: part of the stream with at least one OVERRUN where notifications
    // were dropped (a smaller one may fit again after a larger one was dropped).
    let (mut seen, mut overruns) = (0, 0);
    while overruns == 0 {
        let dg = slow.recv(T).unwrap();
        match Transport::parse(&dg) {
            Ok((_, t)) => {
                assert_eq!(t, Transport::Overrun);
                overruns += 1;
            }
            Err(_) => seen += msg::decode_all(&dg, FAM).len(),
        }
    }
    // Reading the first OVERRUN emptied what the socket held: the daemon's backlog
    // drains, and the stream continues.
    r.send(&param_set(ACK, 3, "max_macs", ParamValue::U32(34)))
        .unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    'read: loop {
        let dg = slow.recv(T).unwrap();
        if let Ok((_, t)) = Transport::parse(&dg) {
            assert_eq!(t, Transport::Overrun);
            overruns += 1;
            continue;
        }
        for m in msg::decode_all(&dg, FAM) {
            if format!("{:?}", m.payload).contains("U32(34)") {
                break 'read;
            }
            seen += 1;
        }
    }
    assert!(overruns >= 1);
    assert!(seen < SETS + 1, "{seen}");
}

#[test]
fn malformed_datagrams_are_dropped_and_the_daemon_keeps_serving() {
    let d = Daemon::start(&[]);
    let c = d.connect();
    c.send(&[1, 2, 3]).unwrap(); // shorter than a header
    let mut too_long = msg::get_family(ACK, 5, "devlink");
    too_long[0] = 0xff; // nlmsg_len past the datagram
    c.send(&too_long).unwrap();
    let mut too_short = msg::get_family(ACK, 6, "devlink");
    too_short[0] = 8; // nlmsg_len below the header
    c.send(&too_short).unwrap();
    let mut unknown = msg::get_family(ACK, 7, "devlink");
    unknown[4] = 0x77; // no such family
    c.send(&unknown).unwrap();
    let m = recv(&c);
    assert_eq!((m[0].header.ty, m[0].header.seq), (NLMSG_ERROR, 7));
    assert_eq!(error_of(&m[0]), -2);
    c.send(&msg::get_family(ACK, 8, "devlink")).unwrap();
    let m = recv(&c);
    assert!(msg::family_info(&m[0]).is_some());
}

#[test]
fn complete_arrives_after_the_replies() {
    let d = Daemon::start(&[]);
    let mut c = d.connect();
    let hello = c.hello_sync(Some(4242), T).unwrap();
    assert!(matches!(hello, Transport::Hello(Hello { version: 1, .. })));
    let complete = |c: &devlink_client::Connection| match Transport::parse(&c.recv_sync(T).unwrap())
        .unwrap()
        .1
    {
        Transport::Complete(Complete { count, .. }) => count,
        t => panic!("{t:?}"),
    };
    assert_eq!(complete(&c), 1);
    c.send(&msg::get_family(ACK, 5, "devlink")).unwrap();
    assert_eq!(complete(&c), 2);
    // Both the reply and the ACK are already in the socket.
    let quick = Duration::from_millis(200);
    let reply = msg::decode_all(&c.recv(quick).unwrap(), FAM);
    assert_eq!(reply[0].header.pid, 4242, "autobind took the HELLO pid");
    assert_eq!(
        error_of(&msg::decode_all(&c.recv(quick).unwrap(), FAM)[0]),
        0
    );
}

#[test]
fn a_success_with_warning_acks_error_0_with_the_kernel_message() {
    use devlink_wire::devlink::TrapSetReq;
    use devlink_wire::spec::TrapAction;
    let d = Daemon::start(&[]);
    let c = d.connect();
    iproute2_opts(&c);
    // IGMP_QUERY is a control trap in netdevsim: its action cannot change (trap.c,
    // `__devlink_trap_action_set`), and the request still succeeds.
    let set = |flags, seq| {
        msg::devlink_request(
            FAM,
            flags,
            seq,
            Cmd::TrapSet,
            DevlinkBody::from(TrapSetReq {
                handle: Handle::new("netdevsim", "netdevsim0"),
                name: Some("igmp_query".into()),
                action: Some(TrapAction::Drop),
                unknown: vec![],
            }),
        )
    };
    c.send(&set(ACK, 7)).unwrap();
    let m = recv(&c);
    let Payload::Error(e) = &m[0].payload else {
        panic!("{m:?}")
    };
    assert_eq!(e.error, 0);
    assert_eq!(
        e.ext_ack.msg.as_deref(),
        Some("Cannot change action of non-drop traps. Skipping")
    );
    // Without NLM_F_ACK the warning goes nowhere: the next thing received is the
    // reply to the following request.
    c.send(&set(0, 8)).unwrap();
    c.send(&msg::get_family(ACK, 9, "devlink")).unwrap();
    assert_eq!(recv(&c)[0].header.seq, 9);
}

#[test]
fn memory_stays_bounded_with_stuck_subscribers() {
    // 16 subscribers that never read, with the default backlog (212 992 bytes, the
    // kernel's rmem_default), and 48 000 notifications of ~100 bytes: unbounded, they
    // would hold 16 × 4.8 MB ≈ 77 MB in the daemon. Bounded, each holds at most its
    // backlog (the rest is in its socket buffer, the kernel's memory, or dropped).
    let d = Daemon::start(&[]);
    let stuck: Vec<_> = (0..16).map(|_| d.connect()).collect();
    for c in &stuck {
        subscribe(c);
    }
    let r = d.connect();
    let before = d.rss_kib();
    const SETS: usize = 48_000;
    for chunk in 0..SETS / 30 {
        let dg: Vec<u8> = (0..30)
            .flat_map(|i| param_set(0, 1, "test1", ParamValue::Bool((chunk + i) % 2 == 0)))
            .collect();
        r.send(&dg).unwrap();
    }
    r.send(&param_set(ACK, 2, "max_macs", ParamValue::U32(33)))
        .unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    let grown = d.rss_kib().saturating_sub(before);
    // 16 backlogs of 208 KiB are 3.3 MiB at most (less: the bytes are shared). Measured
    // 1.2 MiB; with the bound lifted (`--max-backlog 1000000000`, `SO_RCVBUF` 400 MB)
    // the same flood grows it by 25 MiB.
    assert!(grown < 8 * 1024, "RSS grew by {grown} KiB");
    // And the daemon still serves.
    assert_eq!(dump_devices(&r, 3).last().unwrap().header.ty, NLMSG_DONE);
}

#[test]
fn notify_filter_set_limits_a_subscriber_to_one_device() {
    use devlink_wire::devlink::NotifyFilterReq;
    let d = Daemon::start(&[]);
    let (s, r) = (d.connect(), d.connect());
    subscribe(&s);
    let filter = |seq, bus: Option<&str>, dev: Option<&str>| {
        msg::devlink_request(
            FAM,
            ACK,
            seq,
            Cmd::NotifyFilterSet,
            DevlinkBody::from(NotifyFilterReq {
                bus_name: bus.map(Into::into),
                dev_name: dev.map(Into::into),
                port_index: None,
                unknown: vec![],
            }),
        )
    };
    s.send(&filter(1, Some("pci"), Some("0000:03:00.0")))
        .unwrap();
    assert_eq!(error_of(&recv(&s)[0]), 0);
    let pci = Handle::new("pci", "0000:03:00.0");
    let set =
        |seq, dev: &Handle, v| msg::param_set(FAM, ACK, seq, dev, "max_macs", ParamValue::U32(v));
    // netdevsim0 first, then the PCI device: the subscriber's first notification is the
    // PCI one (the filter is the socket's; the requester is not filtered).
    r.send(&param_set(ACK, 2, "max_macs", ParamValue::U32(40)))
        .unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    r.send(&set(3, &pci, 41)).unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    let m = recv(&s);
    assert!(
        format!("{:?}", m[0].payload).contains("0000:03:00.0"),
        "{m:?}"
    );
    assert!(format!("{:?}", m[0].payload).contains("U32(41)"), "{m:?}");
    // An empty filter removes it: netdevsim0 comes through again.
    s.send(&filter(4, None, None)).unwrap();
    assert_eq!(error_of(&recv(&s)[0]), 0);
    r.send(&param_set(ACK, 5, "max_macs", ParamValue::U32(42)))
        .unwrap();
    assert_eq!(error_of(&recv(&r)[0]), 0);
    let m = recv(&s);
    assert!(
        format!("{:?}", m[0].payload).contains("netdevsim0"),
        "{m:?}"
    );
    assert!(format!("{:?}", m[0].payload).contains("U32(42)"), "{m:?}");
}

/// A client that sends requests back to back and closes without reading a reply: the
/// kernel applies each at its `sendmsg`, so every one is applied here too, though the
/// daemon reads them only after the close (a read first fails with `ECONNRESET`, then
/// writing the replies fails; the datagrams still queued are handled before the close).
#[test]
fn requests_sent_before_a_close_are_all_applied() {
    const N: u32 = 150;
    let d = Daemon::start(&[]);
    let sub = d.connect();
    subscribe(&sub);
    let w = d.connect();
    for v in 1..=N {
        w.send(&param_set(ACK, v, "max_macs", ParamValue::U32(v)))
            .unwrap();
    }
    drop(w);
    let mut seen = Vec::new();
    while seen.len() < N as usize {
        for m in recv(&sub) {
            if is_max_macs(&m) {
                seen.push(m);
            }
        }
    }
    assert_eq!(seen.len(), N as usize);
    assert!(format!("{:?}", seen.last().unwrap().payload).contains(&format!("U32({N})")));
    // And the daemon serves on.
    assert_eq!(dump_devices(&d.connect(), 1).len(), 3);
}
