//! Fuzz the daemon's dispatch: a sequence of datagrams from a few connections fed to a
//! sans-IO [`Server`] with the demo devices and a flash-paced one.
//!
//! The input is a list of steps ([`Step::parse`]): a control byte picks the connection
//! (two admin, two not) and what to do — send a datagram, raw or with its first
//! `nlmsg_type` set to one of the daemon's families (devlink, `devlinkd_sim`,
//! `devlinkd_watch`, nlctrl, transport), reconnect, advance the clock or leave the
//! output unread for a step (a slow reader). A datagram is handed over only when the
//! server wants input from that connection, as the shell does; its output is drained
//! first otherwise.
//!
//! Properties: nothing panics or hangs; and at the end, with the clock far ahead and
//! every queue drained, the server answers a well-formed `GETFAMILY devlink` on a new
//! connection with the family and its ACK.
#![no_main]

use std::time::{Duration, Instant};

use devlink_client::msg;
use devlink_sim::DeviceOptions;
use devlink_wire::message::Payload;
use devlink_wire::nl::flags::NLM_F_ACK;
use devlinkd::server::{ConnId, Server, ServerConfig};
use libfuzzer_sys::fuzz_target;

/// The nlmsg_type a datagram's first message gets, by the control byte's family bits.
const TYPES: [Option<u16>; 6] = [
    None,
    Some(0x14),
    Some(0x15),
    Some(0x16),
    Some(0x10),
    Some(0x0f),
];
/// Connections 0 and 1 are admin, 2 and 3 are not.
const CONNS: usize = 4;
/// The most steps one input runs (the rest is ignored), so a run stays short.
const MAX_STEPS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let start = Instant::now();
    let mut now = start;
    let mut server = server();
    let mut conns: Vec<ConnId> = (0..CONNS)
        .map(|i| server.connect(i < 2, Some(1000 + i as u32)))
        .collect();
    let mut rest = data;
    let mut steps = 0;
    while let Some((step, tail)) = Step::parse(rest) {
        rest = tail;
        steps += 1;
        if steps > MAX_STEPS {
            break;
        }
        let id = conns[step.conn];
        match step.action {
            Action::Send(ty, bytes) => {
                if !server.wants_input(id) {
                    drain(&mut server, id);
                }
                let mut dg = bytes.to_vec();
                if let (Some(ty), Some(field)) = (ty, dg.get_mut(4..6)) {
                    field.copy_from_slice(&ty.to_ne_bytes());
                }
                // The shell tells the server the time before each datagram.
                server.poll_time(now);
                if server.wants_input(id) {
                    server.handle_datagram(id, &dg);
                }
            }
            Action::Reconnect => {
                server.disconnect(id);
                conns[step.conn] = server.connect(step.conn < 2, None);
            }
            Action::Advance(ms) => {
                now += Duration::from_millis(ms);
                server.poll_time(now);
            }
        }
        if !step.slow {
            for &c in &conns {
                drain(&mut server, c);
            }
        }
    }
    // Everything held is released, everything queued is read.
    server.poll_time(now + Duration::from_secs(3600));
    for &c in &conns {
        drain(&mut server, c);
    }
    let c = server.connect(false, Some(4242));
    server.handle_datagram(c, &msg::get_family(NLM_F_ACK, 9, "devlink"));
    let out = drain(&mut server, c);
    let m: Vec<_> = out.iter().flat_map(|d| msg::decode_all(d, 0x14)).collect();
    let family = m.first().and_then(msg::family_info);
    assert_eq!(
        family.map(|f| f.id),
        Some(0x14),
        "no GETFAMILY reply: {m:?}"
    );
    assert!(
        matches!(m.get(1).map(|m| &m.payload), Some(Payload::Error(e)) if e.error == 0),
        "no ACK: {m:?}"
    );
});

/// The demo devices (`devlinkd::config::demo_devices`) and a netdevsim whose flash is
/// paced (1 ms chunks), as the daemon would create them. A `devlinkd_sim` request may
/// make at most 64 ports: the daemon's million is real work, not a hang, but it takes
/// longer than the target's time limit.
fn server() -> Server {
    let config = ServerConfig {
        max_sim_ports: 64,
        ..ServerConfig::default()
    };
    let mut s = Server::new(devlink_core::Core::new(), config);
    let mut paced = DeviceOptions::new(7, 1);
    paced.flash_chunk_ms = 1;
    for options in devlinkd::config::demo_devices().iter().chain([&paced]) {
        if let Err(e) = s.new_sim_device(options) {
            panic!("device {}: {e}", options.id);
        }
    }
    s.fan_out();
    s
}

/// Read everything queued for `id` (data socket and completion channel).
fn drain(s: &mut Server, id: ConnId) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // A dump yields one datagram per `front`; bound the loop so that a dump that never
    // ends is a failure rather than a hang.
    for _ in 0..100_000 {
        let Some(d) = s.front(id) else {
            while s.front_sync(id).is_some() {
                s.sync_sent(id);
            }
            return out;
        };
        out.push(match d {
            devlinkd::server::Datagram::Bytes(b) | devlinkd::server::Datagram::HelloSync(b) => {
                b.clone()
            }
            devlinkd::server::Datagram::Notifications { parts, .. } => parts.concat(),
        });
        s.sent(id);
    }
    panic!("output of {id:?} does not end");
}

/// One step of the input.
struct Step<'a> {
    conn: usize,
    action: Action<'a>,
    /// Leave every connection's output unread after this step.
    slow: bool,
}

enum Action<'a> {
    /// A datagram, its first `nlmsg_type` replaced when `Some`.
    Send(Option<u16>, &'a [u8]),
    Reconnect,
    Advance(u64),
}

impl<'a> Step<'a> {
    /// `ctl` (bits 0-1: connection; bits 2-4: action; bit 5: slow), then for a datagram
    /// a little-endian `u16` length and that many bytes (fewer at the end), for a clock
    /// step one byte of milliseconds × 8.
    fn parse(data: &'a [u8]) -> Option<(Self, &'a [u8])> {
        let (&ctl, rest) = data.split_first()?;
        let conn = usize::from(ctl & 3);
        let slow = ctl & 0x20 != 0;
        let (action, rest) = match (ctl >> 2) & 7 {
            6 => (Action::Reconnect, rest),
            7 => {
                let (&ms, rest) = rest.split_first().unwrap_or((&0, rest));
                (Action::Advance(u64::from(ms) * 8), rest)
            }
            f => {
                let len = match rest {
                    [a, b, ..] => usize::from(u16::from_le_bytes([*a, *b])),
                    _ => return None,
                };
                let rest = &rest[2..];
                let (dg, rest) = rest.split_at(len.min(rest.len()));
                (Action::Send(TYPES[usize::from(f)], dg), rest)
            }
        };
        Some((Self { conn, action, slow }, rest))
    }
}
