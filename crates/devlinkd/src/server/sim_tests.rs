//! The `devlinkd_sim` family driven without I/O.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use devlink_client::msg;
use devlink_wire::message::{Message, Payload};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI};
use devlink_wire::nl::{NLMSG_DONE, NLMSG_ERROR};
use devlink_wire::simctl::{
    DeviceReq, NewDevice, PortReq, SetKnobReq, SimBody, SimDevice, SimMessage,
};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{SetOpt, Transport, opt};

use super::tests::{drain, msgs, server, subscribe};
use super::{ConnId, Server};

const SIM: u16 = 0x15;

fn request(s: &mut Server, c: ConnId, flags: u16, body: SimBody) -> Vec<Message> {
    s.handle_datagram(c, &msg::sim_request(SIM, flags, 9, body));
    msgs(&drain(s, c))
}

fn error_of(m: &Message) -> (i32, Option<String>) {
    match &m.payload {
        Payload::Error(e) => (e.error, e.ext_ack.msg.clone()),
        p => panic!("not an error: {p:?}"),
    }
}

/// `NETLINK_EXT_ACK` on `c`, so that errors carry their message.
fn ext_ack(s: &mut Server, c: ConnId) {
    let on = Transport::SetOpt(SetOpt {
        opt: opt::NETLINK_EXT_ACK,
        value: 1,
        errno: None,
    });
    s.handle_datagram(c, &msg::transport(1, &on));
    drain(s, c);
}

fn device(m: &Message) -> SimDevice {
    match msg::sim_message(m, SIM) {
        Some(SimMessage {
            body: SimBody::Device(d),
            ..
        }) => d,
        other => panic!("not a device: {other:?} from {m:?}"),
    }
}

fn new_device(id: u32) -> SimBody {
    SimBody::NewDevice(NewDevice {
        id,
        ports: Some(2),
        ..NewDevice::default()
    })
}

#[test]
fn nlctrl_lists_the_family() {
    let mut s = server();
    let c = s.connect(false, None);
    s.handle_datagram(c, &msg::get_family(0, 1, "devlinkd_sim"));
    let m = msgs(&drain(&mut s, c));
    let f = msg::family_info(&m[0]).unwrap();
    assert_eq!((f.id, f.ops.len()), (SIM, 7));
    let all = devlink_wire::ctrl::CtrlBody::GetFamily(Default::default());
    s.handle_datagram(c, &msg::ctrl_request(NLM_F_DUMP, 2, all));
    let m = msgs(&drain(&mut s, c));
    let names: Vec<_> = m
        .iter()
        .filter_map(msg::family_info)
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(
        names,
        ["nlctrl", "devlink", "devlinkd_sim", "devlinkd_watch"]
    );
}

#[test]
fn changes_need_admin_reads_do_not() {
    let mut s = server();
    let c = s.connect(false, None);
    let m = request(&mut s, c, NLM_F_ACK, new_device(10));
    assert_eq!(error_of(&m[0]).0, -1);
    let m = request(
        &mut s,
        c,
        NLM_F_ACK | NLM_F_DUMP,
        SimBody::Get(DeviceReq::default()),
    );
    assert_eq!(device(&m[0]).handle, "netdevsim/netdevsim0");
    assert_eq!(m[0].header.flags, NLM_F_MULTI);
    assert_eq!(m.last().unwrap().header.ty, NLMSG_DONE);
}

#[test]
fn new_device_notifies_subscribers_then_replies_then_acks() {
    let mut s = server();
    let watcher = s.connect(false, None);
    subscribe(&mut s, watcher);
    let c = s.connect(true, None);
    subscribe(&mut s, c);
    let m = request(&mut s, c, NLM_F_ACK, new_device(10));
    let n = m.iter().take_while(|m| m.header.seq == 0).count();
    assert!(n > 10, "the device's objects are announced first: {m:?}");
    assert!(matches!(&m[0].payload, Payload::Devlink(d) if d.genl.cmd == Cmd::New as u8));
    let d = device(&m[n]);
    assert_eq!(
        (d.id, d.handle.as_str(), d.vfs),
        (10, "netdevsim/netdevsim10", 0)
    );
    assert!(
        d.knobs
            .iter()
            .any(|k| k.name == "take_snapshot" && k.write_only)
    );
    assert_eq!(m[n + 1].header.ty, NLMSG_ERROR);
    assert_eq!(error_of(&m[n + 1]).0, 0);
    assert_eq!(msgs(&drain(&mut s, watcher)).len(), n);
}

#[test]
fn sim_errors_carry_errno_and_message() {
    let mut s = server();
    let c = s.connect(true, None);
    ext_ack(&mut s, c);
    request(&mut s, c, NLM_F_ACK, new_device(10));
    let m = request(&mut s, c, NLM_F_ACK, new_device(10));
    let (errno, text) = error_of(&m[0]);
    assert_eq!(errno, -28, "ENOSPC, as the bus's id allocator");
    assert_eq!(text.as_deref(), Some("netdevsim device 10 already exists"));
    let knob = |name: &str, value: &str| {
        SimBody::SetKnob(SetKnobReq {
            id: 10,
            name: name.into(),
            value: value.into(),
            unknown: Vec::new(),
        })
    };
    assert_eq!(
        error_of(&request(&mut s, c, 0, knob("nosuch", "1"))[0]).0,
        -2
    );
    assert_eq!(
        error_of(&request(&mut s, c, 0, knob("fail_reload", "maybe"))[0]).0,
        -22
    );
    let gone = SimBody::DelPort(PortReq {
        id: 10,
        index: 7,
        unknown: Vec::new(),
    });
    assert_eq!(error_of(&request(&mut s, c, 0, gone)[0]).0, -2);
    // Missing ID: -EINVAL naming the attribute.
    let m = request(&mut s, c, 0, SimBody::DelDevice(DeviceReq::default()));
    assert!(
        matches!(&m[0].payload, Payload::Error(e) if e.error == -22 && e.ext_ack.miss_type == Some(1))
    );
}

#[test]
fn knobs_and_ports_act_and_notify() {
    let mut s = server();
    let c = s.connect(true, None);
    subscribe(&mut s, c);
    request(&mut s, c, NLM_F_ACK, new_device(10));
    let snap = SimBody::SetKnob(SetKnobReq {
        id: 10,
        name: "take_snapshot".into(),
        value: "1".into(),
        unknown: Vec::new(),
    });
    let m = request(&mut s, c, NLM_F_ACK, snap);
    assert!(matches!(&m[0].payload, Payload::Devlink(d) if d.genl.cmd == Cmd::RegionNew as u8));
    assert_eq!(error_of(&m[1]).0, 0);
    let port = SimBody::NewPort(PortReq {
        id: 10,
        index: 5,
        unknown: Vec::new(),
    });
    let m = request(&mut s, c, NLM_F_ACK, port);
    assert!(
        m.iter()
            .any(|m| matches!(&m.payload, Payload::Devlink(d) if d.genl.cmd == Cmd::PortNew as u8))
    );
    let set = SimBody::SetKnob(SetKnobReq {
        id: 10,
        name: "fail_reload".into(),
        value: "true".into(),
        unknown: Vec::new(),
    });
    request(&mut s, c, NLM_F_ACK, set);
    let get = SimBody::Get(DeviceReq {
        id: Some(10),
        unknown: Vec::new(),
    });
    let d = device(&request(&mut s, c, 0, get)[0]);
    let fail = d.knobs.iter().find(|k| k.name == "fail_reload").unwrap();
    assert_eq!(fail.value.as_deref(), Some("Y"));
    let del = SimBody::DelDevice(DeviceReq {
        id: Some(10),
        unknown: Vec::new(),
    });
    let m = request(&mut s, c, NLM_F_ACK, del);
    assert!(matches!(&m.last().unwrap().payload, Payload::Error(e) if e.error == 0));
    assert!(
        m.iter()
            .any(|m| matches!(&m.payload, Payload::Devlink(d) if d.genl.cmd == Cmd::Del as u8))
    );
}

/// A `NEW_DEVICE` asking for 117 million ports (found by the `dispatch` fuzzer: the
/// daemon spent minutes building them, every client waiting) and a `SRIOV_NUMVFS` as
/// large, after raising `max_vfs`, are refused at once with `-ENOMEM`; the limit is
/// `ServerConfig::max_sim_ports`.
#[test]
fn requests_for_too_many_ports_are_refused() {
    let mut s = server();
    let c = s.connect(true, None);
    ext_ack(&mut s, c);
    let huge = SimBody::NewDevice(NewDevice {
        id: 3,
        ports: Some(0x0700_0002),
        ..NewDevice::default()
    });
    let (errno, text) = error_of(&request(&mut s, c, NLM_F_ACK, huge)[0]);
    assert_eq!(errno, -12);
    assert!(text.unwrap().contains("117440514 ports"));
    let knob = SimBody::SetKnob(SetKnobReq {
        id: 0,
        name: "max_vfs".into(),
        value: "4000000000".into(),
        unknown: Vec::new(),
    });
    let m = request(&mut s, c, NLM_F_ACK, knob);
    assert_eq!(error_of(&m[0]).0, 0, "{m:?}");
    let vfs = SimBody::SriovNumvfs(devlink_wire::simctl::NumVfsReq {
        id: 0,
        vfs: 4_000_000_000,
        unknown: Vec::new(),
    });
    assert_eq!(error_of(&request(&mut s, c, NLM_F_ACK, vfs)[0]).0, -12);
    // Nothing was made: device 3 does not exist.
    let get = SimBody::Get(DeviceReq {
        id: Some(3),
        unknown: Vec::new(),
    });
    assert_eq!(error_of(&request(&mut s, c, 0, get)[0]).0, -2);

    // The limit is the server's: at it is fine, above is not.
    let config = super::ServerConfig {
        max_sim_ports: 8,
        ..super::ServerConfig::default()
    };
    let mut s = Server::new(devlink_core::Core::new(), config);
    let c = s.connect(true, None);
    let ports = |id, n| {
        SimBody::NewDevice(NewDevice {
            id,
            ports: Some(n),
            ..NewDevice::default()
        })
    };
    let m = request(&mut s, c, NLM_F_ACK, ports(1, 8));
    assert_eq!(error_of(m.last().unwrap()).0, 0, "{m:?}");
    assert_eq!(
        error_of(&request(&mut s, c, NLM_F_ACK, ports(2, 9))[0]).0,
        -12
    );
}
