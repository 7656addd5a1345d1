//! The server driven without I/O: datagrams in, queued datagrams out.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use devlink_core::Core;
use devlink_sim::DeviceOptions;
use devlink_wire::devlink::{DevReq, Handle, ParamValue, PortGetReq};
use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI};
use devlink_wire::nl::{NLMSG_DONE, NLMSG_ERROR, NlmsgHeader};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{Hello, Membership, SetOpt, Transport, opt};

use super::{ConnId, Datagram, Server, ServerConfig};
use devlink_client::msg;

const FAM: u16 = 0x14;

pub(super) fn server() -> Server {
    let mut s = Server::new(Core::new(), ServerConfig::default());
    s.new_sim_device(&DeviceOptions::new(0, 4)).unwrap();
    s.fan_out();
    s
}

/// Everything queued for `id`, flattened to bytes per datagram.
pub(super) fn drain(s: &mut Server, id: ConnId) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(d) = s.front(id) {
        out.push(match d {
            Datagram::Bytes(b) | Datagram::HelloSync(b) => b.clone(),
            Datagram::Notifications { parts, .. } => parts.concat(),
        });
        s.sent(id);
    }
    out
}

pub(super) fn msgs(dgs: &[Vec<u8>]) -> Vec<Message> {
    dgs.iter().flat_map(|d| msg::decode_all(d, FAM)).collect()
}

fn param_set(value: bool) -> Vec<u8> {
    let dev = Handle::new("netdevsim", "netdevsim0");
    msg::param_set(FAM, NLM_F_ACK, 7, &dev, "test1", ParamValue::Bool(value))
}

pub(super) fn subscribe(s: &mut Server, id: ConnId) {
    let m = Transport::Membership(Membership {
        group: 2,
        drop: false,
        errno: None,
    });
    s.handle_datagram(id, &msg::transport(1, &m));
    drain(s, id);
}

#[test]
fn getfamily_then_ack_in_separate_datagrams() {
    let mut s = server();
    let c = s.connect(false, Some(1234));
    s.handle_datagram(c, &msg::get_family(NLM_F_ACK, 5, "devlink"));
    let dgs = drain(&mut s, c);
    assert_eq!(dgs.len(), 2);
    let m = msgs(&dgs);
    let f = msg::family_info(&m[0]).unwrap();
    assert_eq!((f.id, f.mcast_groups[0].id), (FAM, 2));
    assert_eq!((m[0].header.seq, m[0].header.pid), (5, 1234));
    assert_eq!(m[1].header.ty, NLMSG_ERROR);
}

#[test]
fn unknown_family_is_enoent_and_bad_datagrams_are_dropped() {
    let mut s = server();
    let c = s.connect(false, None);
    s.handle_datagram(c, &msg::get_family(0, 1, "nosuch"));
    let m = msgs(&drain(&mut s, c));
    assert!(matches!(&m[0].payload, Payload::Error(e) if e.error == -2));
    // nlmsg_len larger than the datagram, shorter than a header, garbage: dropped.
    for bad in [
        vec![0xff, 0, 0, 0, 0x14, 0, 1, 0],
        vec![8, 0, 0, 0, 0x14, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        vec![1, 2, 3],
    ] {
        s.handle_datagram(c, &bad);
        assert!(drain(&mut s, c).is_empty());
    }
    // A well-framed message of an unknown type gets -ENOENT.
    let mut other = msg::get_family(0, 2, "devlink");
    other[4] = 0x99;
    s.handle_datagram(c, &other);
    let m = msgs(&drain(&mut s, c));
    assert!(matches!(&m[0].payload, Payload::Error(e) if e.error == -2));
}

#[test]
fn port_dump_is_multi_and_ends_with_done_only() {
    let mut s = server();
    let c = s.connect(false, None);
    let req = msg::devlink_request(
        FAM,
        NLM_F_ACK | NLM_F_DUMP,
        3,
        Cmd::PortGet,
        DevlinkBody::from(PortGetReq::default()),
    );
    s.handle_datagram(c, &req);
    let m = msgs(&drain(&mut s, c));
    assert_eq!(m.len(), 5);
    assert!(m[..4].iter().all(|m| m.header.flags == NLM_F_MULTI));
    assert_eq!(m[4].header.ty, NLMSG_DONE);
}

#[test]
fn notifications_precede_the_ack_and_reach_subscribers() {
    let mut s = server();
    let a = s.connect(true, None);
    let b = s.connect(false, None);
    subscribe(&mut s, a);
    subscribe(&mut s, b);
    s.handle_datagram(a, &param_set(true));
    let ma = msgs(&drain(&mut s, a));
    let mb = msgs(&drain(&mut s, b));
    assert_eq!(ma.len(), 2, "{ma:?}");
    assert_eq!(ma[0].header.seq, 0);
    assert!(matches!(&ma[0].payload, Payload::Devlink(d) if d.genl.cmd == Cmd::ParamNew as u8));
    assert!(matches!(&ma[1].payload, Payload::Error(e) if e.error == 0));
    assert_eq!(mb, ma[..1]);
}

#[test]
fn admin_commands_need_admin() {
    let mut s = server();
    let c = s.connect(false, None);
    s.handle_datagram(c, &param_set(true));
    let m = msgs(&drain(&mut s, c));
    assert!(matches!(&m[0].payload, Payload::Error(e) if e.error == -1));
}

#[test]
fn missing_handle_is_einval_with_ext_ack_tlvs_only_when_enabled() {
    let mut s = server();
    let c = s.connect(false, None);
    let req = msg::devlink_request(
        FAM,
        NLM_F_ACK,
        3,
        Cmd::Get,
        DevlinkBody::from(DevReq::default()),
    );
    s.handle_datagram(c, &req);
    let m = msgs(&drain(&mut s, c));
    assert!(
        matches!(&m[0].payload, Payload::Error(e) if e.error == -22 && e.echo.len() == req.len())
    );
    for o in [opt::NETLINK_CAP_ACK, opt::NETLINK_EXT_ACK] {
        s.handle_datagram(
            c,
            &msg::transport(
                1,
                &Transport::SetOpt(SetOpt {
                    opt: o,
                    value: 1,
                    errno: None,
                }),
            ),
        );
    }
    drain(&mut s, c);
    // PORT_GET do without PORT_INDEX: the decoder reports the missing key.
    let body = PortGetReq {
        handle: Some(Handle::new("netdevsim", "netdevsim0")),
        index: None,
        unknown: vec![],
    };
    s.handle_datagram(
        c,
        &msg::devlink_request(FAM, NLM_F_ACK, 4, Cmd::PortGet, DevlinkBody::from(body)),
    );
    let m = msgs(&drain(&mut s, c));
    let Payload::Error(e) = &m[0].payload else {
        panic!()
    };
    assert_eq!((e.error, e.echo.len()), (-22, 16));
    assert_eq!(
        e.ext_ack.miss_type,
        Some(devlink_wire::spec::Attr::PortIndex as u32)
    );
}

#[test]
fn full_backlog_drops_with_one_overrun_then_resumes() {
    let mut s = server();
    let a = s.connect(true, None);
    let slow = s.connect(false, None);
    subscribe(&mut s, a);
    subscribe(&mut s, slow);
    let rcvbuf = Transport::SetOpt(SetOpt {
        opt: opt::SO_RCVBUF,
        value: 1,
        errno: None,
    });
    s.handle_datagram(slow, &msg::transport(1, &rcvbuf));
    drain(&mut s, slow);
    for i in 0..100 {
        s.handle_datagram(a, &param_set(i % 2 == 0));
        drain(&mut s, a);
    }
    let dgs = drain(&mut s, slow);
    let overruns = dgs
        .iter()
        .filter(|d| Transport::parse(d).is_ok_and(|(_, t)| t == Transport::Overrun))
        .count();
    assert_eq!(overruns, 1);
    assert!(Transport::parse(dgs.last().unwrap()).is_ok());
    s.handle_datagram(a, &param_set(true));
    assert_eq!(msgs(&drain(&mut s, slow)).len(), 1);
}

#[test]
fn sync_hello_then_complete_records() {
    let mut s = server();
    let c = s.connect(false, Some(42));
    let hello = Transport::Hello(Hello {
        version: 1,
        sync: true,
        pid: Some(99),
    });
    s.handle_datagram(c, &msg::transport(1, &hello));
    assert!(matches!(s.front(c), Some(Datagram::HelloSync(_))));
    s.sent(c);
    let complete = |b: Vec<u8>| match Transport::parse(&b).unwrap().1 {
        Transport::Complete(c) => c.count,
        t => panic!("{t:?}"),
    };
    assert_eq!(complete(pop_sync(&mut s, c)), 1);
    s.handle_datagram(c, &msg::get_family(0, 5, "devlink"));
    let m = msgs(&drain(&mut s, c));
    assert_eq!(m[0].header.pid, 99, "autobind takes the HELLO pid");
    assert_eq!(complete(pop_sync(&mut s, c)), 2);
    let h = NlmsgHeader::parse(&drain(&mut s, c).concat());
    assert!(h.is_err());
}

fn pop_sync(s: &mut Server, c: ConnId) -> Vec<u8> {
    let m = s.front_sync(c).unwrap().to_vec();
    s.sync_sent(c);
    m
}
