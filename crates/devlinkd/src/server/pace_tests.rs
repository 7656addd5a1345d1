//! Flash pacing (`gate.rs`) on a fake clock.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use devlink_client::msg;
use devlink_core::Core;
use devlink_sim::DeviceOptions;
use devlink_wire::devlink::{Handle, ParamValue};
use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::nl::NLMSG_ERROR;
use devlink_wire::nl::flags::NLM_F_ACK;
use devlink_wire::spec::Cmd;

use super::tests::{drain, msgs, subscribe};
use super::{ConnId, Server, ServerConfig};

const FAM: u16 = 0x14;
const CHUNK: Duration = Duration::from_millis(10);

fn paced_server(t0: Instant) -> Server {
    let mut s = Server::new(Core::new(), ServerConfig::default());
    let mut o = DeviceOptions::new(0, 2);
    o.flash_chunk_ms = 10;
    s.new_sim_device(&o).unwrap();
    s.fan_out();
    s.poll_time(t0);
    s
}

fn flash(seq: u32) -> Vec<u8> {
    let dev = Handle::new("netdevsim", "netdevsim0");
    msg::flash_update(FAM, NLM_F_ACK, seq, &dev, "fw.bin")
}

/// Each message as (cmd, status message, done); an ACK as (None, …).
fn summary(m: &[Message]) -> Vec<(Option<Cmd>, Option<String>, u64)> {
    m.iter()
        .map(|m| match &m.payload {
            Payload::Devlink(d) => {
                let cmd = Cmd::from_repr(d.genl.cmd);
                match &d.body {
                    DevlinkBody::FlashStatus(s) => (
                        cmd,
                        s.msg.clone(),
                        s.progress.as_ref().map_or(0, |p| p.done),
                    ),
                    _ => (cmd, None, 0),
                }
            }
            Payload::Error(e) => (None, None, u64::from(e.error.unsigned_abs())),
            _ => (None, Some("other".into()), 0),
        })
        .collect()
}

fn take(s: &mut Server, c: ConnId) -> Vec<(Option<Cmd>, Option<String>, u64)> {
    summary(&msgs(&drain(s, c)))
}

fn flashing(done: u64) -> (Option<Cmd>, Option<String>, u64) {
    (Some(Cmd::FlashUpdateStatus), Some("Flashing".into()), done)
}

#[test]
fn the_stream_is_released_on_time_and_everything_later_waits_behind_it() {
    let t0 = Instant::now();
    let mut s = paced_server(t0);
    let sub = s.connect(false, None);
    subscribe(&mut s, sub);
    let req = s.connect(true, None);
    // Not subscribed: it only waits for its ACK.
    let other = s.connect(true, None);

    s.handle_datagram(req, &flash(1));
    // Due now: the begin, "Preparing to flash" and the first "Flashing".
    let first = take(&mut s, sub);
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(first[0].0, Some(Cmd::FlashUpdate));
    assert_eq!(first[2], flashing(0));
    assert!(take(&mut s, req).is_empty());
    assert!(!s.wants_input(req));
    assert_eq!(s.next_deadline(), Some(t0 + CHUNK));

    // Just before the next chunk: nothing.
    s.poll_time(t0 + CHUNK - Duration::from_millis(1));
    assert!(take(&mut s, sub).is_empty());

    // Another connection's change mid-flash: its notification and ACK wait.
    let mid = t0 + CHUNK * 10 + Duration::from_millis(5);
    for k in 1..=10u32 {
        s.poll_time(t0 + CHUNK * k);
        assert_eq!(take(&mut s, sub), [flashing(u64::from(k) * 1000)]);
    }
    s.poll_time(mid);
    let dev = Handle::new("netdevsim", "netdevsim0");
    s.handle_datagram(
        other,
        &msg::param_set(FAM, NLM_F_ACK, 7, &dev, "test1", ParamValue::Bool(false)),
    );
    assert!(take(&mut s, other).is_empty());
    assert!(take(&mut s, sub).is_empty());
    assert!(!s.wants_input(other));

    for k in 11..500u32 {
        s.poll_time(t0 + CHUNK * k);
        assert_eq!(take(&mut s, sub), [flashing(u64::from(k) * 1000)]);
        assert!(take(&mut s, req).is_empty());
        assert!(take(&mut s, other).is_empty());
    }
    // The whole flash time: the end of the stream, then the requester's ACK, then what
    // came later.
    s.poll_time(t0 + CHUNK * 500);
    let last = take(&mut s, sub);
    let cmds: Vec<_> = last.iter().map(|m| m.0).collect();
    assert_eq!(
        cmds,
        [
            Some(Cmd::FlashUpdateStatus),
            Some(Cmd::FlashUpdateStatus),
            Some(Cmd::FlashUpdateStatus),
            Some(Cmd::FlashUpdateEnd),
            Some(Cmd::ParamNew),
        ]
    );
    assert_eq!(last[0], flashing(500_000));
    let acks = msgs(&drain(&mut s, req));
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].header.ty, NLMSG_ERROR);
    let theirs = take(&mut s, other);
    assert_eq!(theirs, [(None, None, 0)]);
    assert_eq!(s.next_deadline(), None);
    assert!(s.wants_input(req) && s.wants_input(other));

    // The gate is open again: a change is answered at once.
    s.handle_datagram(
        other,
        &msg::param_set(FAM, NLM_F_ACK, 8, &dev, "test1", ParamValue::Bool(true)),
    );
    assert_eq!(take(&mut s, other).len(), 1);
    assert_eq!(take(&mut s, sub).len(), 1);
}

#[test]
fn the_reply_waits_for_the_flash_time_even_without_status_messages() {
    let t0 = Instant::now();
    let mut s = paced_server(t0);
    let a = s.connect(true, None);
    let set = devlink_wire::simctl::SimBody::SetKnob(devlink_wire::simctl::SetKnobReq {
        id: 0,
        name: "fw_update_status".into(),
        value: "N".into(),
        unknown: vec![],
    });
    s.handle_datagram(a, &msg::sim_request(0x15, NLM_F_ACK, 1, set));
    assert_eq!(msgs(&drain(&mut s, a)).len(), 1);
    s.handle_datagram(a, &flash(2));
    assert!(drain(&mut s, a).is_empty());
    assert_eq!(s.next_deadline(), Some(t0 + CHUNK * 500));
    s.poll_time(t0 + CHUNK * 500);
    assert_eq!(msgs(&drain(&mut s, a)).len(), 1);
}

#[test]
fn without_a_clock_nothing_is_paced() {
    let mut o = DeviceOptions::new(0, 2);
    o.flash_chunk_ms = 10;
    let mut s = Server::new(Core::new(), ServerConfig::default());
    s.new_sim_device(&o).unwrap();
    s.fan_out();
    let a = s.connect(true, None);
    subscribe(&mut s, a);
    s.handle_datagram(a, &flash(1));
    assert_eq!(msgs(&drain(&mut s, a)).len(), 507);
    assert_eq!(s.next_deadline(), None);
}

/// A periodic watch bookmark that falls due while a paced flash holds the watcher back
/// moves its next tick on: `next_deadline` stays in the future (it stayed on the past
/// tick, and the shell, woken by a deadline already due, spun for the whole flash), and
/// the bookmark is sent once the flash is over.
#[test]
fn a_bookmark_due_behind_a_paced_flash_does_not_keep_the_deadline_in_the_past() {
    use devlink_wire::watch::{WatchBody, WatchReq};
    let t0 = Instant::now();
    let mut s = paced_server(t0);
    let w = s.connect(false, None);
    let req = WatchReq {
        bookmark_ms: Some(5),
        ..WatchReq::default()
    };
    s.handle_datagram(
        w,
        &msg::watch_request(0x16, NLM_F_ACK, 1, WatchBody::Watch(req)),
    );
    drain(&mut s, w);
    let flasher = s.connect(true, None);
    s.handle_datagram(flasher, &flash(1));
    let mut now = t0;
    for _ in 0..20 {
        now += Duration::from_millis(7);
        s.poll_time(now);
        let next = s.next_deadline().unwrap();
        assert!(next > now, "deadline {:?} before now", now - next);
        drain(&mut s, flasher);
        drain(&mut s, w);
    }
    // Past the end of the flash: the watcher gets its bookmarks again.
    now += CHUNK * 600;
    s.poll_time(now);
    drain(&mut s, flasher);
    s.poll_time(now + Duration::from_millis(6));
    let got = msgs(&drain(&mut s, w));
    assert!(
        got.iter().any(|m| msg::watch_message(m, 0x16)
            .is_some_and(|b| matches!(b.body, WatchBody::Bookmark(_)))),
        "{got:?}"
    );
}
