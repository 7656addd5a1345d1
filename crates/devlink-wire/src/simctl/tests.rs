//! Round trips of every body, the byte layout, malformed input, the family description.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::devlink::{AttrErrorKind, UnknownAttr};
use crate::nl::NlmsgHeader;
use crate::spec::{GENL_ADMIN_PERM, Space, attr_spec};

fn nlh(flags: u16) -> NlmsgHeader {
    NlmsgHeader {
        len: 0,
        ty: 0x15,
        flags,
        seq: 3,
        pid: 0,
    }
}

fn round_trip(body: SimBody, flags: u16) {
    let bytes = SimMessage::new(body).to_message(nlh(flags)).unwrap();
    let (h, back) = SimMessage::parse(&bytes).unwrap();
    assert_eq!(usize::try_from(h.len).unwrap(), bytes.len());
    assert_eq!(back, SimMessage::new(back.body.clone()));
    let again = back.to_message(h).unwrap();
    assert_eq!(again, bytes, "{back:?}");
}

#[test]
fn every_body_round_trips() {
    let unknown = vec![UnknownAttr {
        raw_type: 99,
        payload: vec![1, 2, 3, 4],
    }];
    let knob = |name: &str, value: Option<&str>, write_only| Knob {
        name: name.into(),
        value: value.map(Into::into),
        write_only,
        unknown: Vec::new(),
    };
    let bodies = [
        SimBody::Get(DeviceReq::default()),
        SimBody::Get(DeviceReq {
            id: Some(10),
            unknown: unknown.clone(),
        }),
        SimBody::NewDevice(NewDevice {
            id: 10,
            ..NewDevice::default()
        }),
        SimBody::NewDevice(NewDevice {
            id: 11,
            ports: Some(4),
            register: Some(Register::First),
            handle: Some("pci/0000:01:00.0".into()),
            eswitch: Some(SimEswitch::Switchdev),
            vfs: Some(2),
            unknown: unknown.clone(),
        }),
        SimBody::DelDevice(DeviceReq {
            id: Some(10),
            unknown: Vec::new(),
        }),
        SimBody::NewPort(PortReq {
            id: 10,
            index: 7,
            unknown: Vec::new(),
        }),
        SimBody::DelPort(PortReq {
            id: 10,
            index: 7,
            unknown: unknown.clone(),
        }),
        SimBody::SriovNumvfs(NumVfsReq {
            id: 10,
            vfs: 3,
            unknown: Vec::new(),
        }),
        SimBody::SetKnob(SetKnobReq {
            id: 10,
            name: "health/break_health".into(),
            value: "the message".into(),
            unknown: Vec::new(),
        }),
        SimBody::Device(SimDevice {
            id: 10,
            handle: "netdevsim/netdevsim10".into(),
            vfs: 0,
            knobs: vec![
                knob("fail_reload", Some("N"), false),
                knob("take_snapshot", None, true),
                Knob {
                    unknown: unknown.clone(),
                    ..knob("trap_flow_action_cookie", None, false)
                },
            ],
            unknown,
        }),
    ];
    for b in bodies {
        // GET without an id is a dump.
        let dump = matches!(&b, SimBody::Get(DeviceReq { id: None, .. }));
        round_trip(b, if dump { 0x301 } else { 0x5 });
    }
}

/// The layout: headers, then attributes in `SimAttr` order with netlink padding.
#[test]
fn set_knob_bytes() {
    let body = SimBody::SetKnob(SetKnobReq {
        id: 10,
        name: "fail_reload".into(),
        value: "1".into(),
        unknown: Vec::new(),
    });
    let bytes = SimMessage::new(body).to_message(nlh(5)).unwrap();
    assert_eq!(
        bytes,
        [
            52, 0, 0, 0, 0x15, 0, 5, 0, 3, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr
            8, 1, 0, 0, // SET_KNOB, version 1
            8, 0, 1, 0, 10, 0, 0, 0, // ID 10
            16, 0, 9, 0, b'f', b'a', b'i', b'l', b'_', b'r', b'e', b'l', b'o', b'a', b'd',
            0, // KNOB_NAME
            6, 0, 10, 0, b'1', 0, 0, 0, // KNOB_VALUE "1"
        ]
    );
}

#[test]
fn malformed_requests_name_the_attribute() {
    let decode = |cmd: u8, attrs: &[u8], dump: bool| {
        let mut p = vec![cmd, 1, 0, 0];
        p.extend_from_slice(attrs);
        SimMessage::decode(&p, dump)
    };
    // DEL_DEVICE without ID; a GET dump without one is fine.
    let Err(SimMsgError::Attr(e)) = decode(SimCmd::DelDevice as u8, &[], false) else {
        panic!()
    };
    assert_eq!(
        (e.space, e.attr, e.kind),
        (Space::Simctl, 1, AttrErrorKind::Missing)
    );
    assert!(decode(SimCmd::Get as u8, &[], true).is_ok());
    // A 2-byte ID, at offset 20 of the message.
    let Err(SimMsgError::Attr(e)) = decode(SimCmd::Get as u8, &[6, 0, 1, 0, 1, 0, 0, 0], false)
    else {
        panic!()
    };
    assert_eq!((e.attr, e.offset), (1, Some(20)));
    assert_eq!(e.name(), "DEVLINKD_SIM_ATTR_ID");
    // REGISTER 2 is out of range.
    let attrs = [8, 0, 1, 0, 1, 0, 0, 0, 5, 0, 3, 0, 2, 0, 0, 0];
    let Err(SimMsgError::Attr(e)) = decode(SimCmd::NewDevice as u8, &attrs, false) else {
        panic!()
    };
    assert_eq!(e.kind, AttrErrorKind::BadValue(2));
    // Unknown command, short header, leftover bytes.
    assert_eq!(decode(0, &[], false), Err(SimMsgError::UnknownCommand(0)));
    assert!(SimMessage::decode(&[1, 1], false).is_err());
    assert!(decode(SimCmd::Get as u8, &[1, 2, 3], true).is_err());
}

#[test]
fn the_family_lists_its_ops_with_admin_bits() {
    let f = sim_family(0x15);
    assert_eq!(
        (f.name.as_str(), f.id, f.version),
        ("devlinkd_sim", 0x15, 1)
    );
    let flags: Vec<(u32, u32)> = f.ops.iter().map(|o| (o.id, o.flags)).collect();
    // GET: do + dump + haspol; the rest: admin + do + haspol.
    assert_eq!(flags[0], (1, 0x0e));
    for &(cmd, fl) in &flags[1..] {
        assert_eq!(fl, GENL_ADMIN_PERM | 0x0a, "cmd {cmd}");
    }
    assert!(f.mcast_groups.is_empty());
    assert_eq!(
        attr_spec(Space::Simctl, SimAttr::KnobName as u16)
            .unwrap()
            .kernel_name,
        "DEVLINKD_SIM_ATTR_KNOB_NAME"
    );
    for a in SimAttr::ALL {
        assert_eq!(SimAttr::from_repr(a as u16), Some(a));
    }
    for c in SimCmd::ALL {
        assert_eq!(SimCmd::from_repr(c as u8), Some(c));
    }
}
