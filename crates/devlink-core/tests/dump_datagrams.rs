//! A dump packed the way the daemon will pack it: each reply encoded as a netlink
//! message and added to the current datagram while that stays within 3 776 bytes
//! (`NLMSG_GOODSIZE` on x86-64 with 4 KiB pages, so a libmnl 4 KiB read always takes a
//! whole datagram). Every port comes out once, in order, and the cursor resumes exactly
//! where a full datagram stopped.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test: a failure is the test failing"
)]

use devlink_core::{Core, DumpStep, NoopDriver, PortAttrs, Request, Response};
use devlink_wire::devlink::{Handle, PortGetReq};
use devlink_wire::message::{DevlinkMessage, Families, Message, Payload};
use devlink_wire::nl::flags::NLM_F_MULTI;
use devlink_wire::nl::{GenlHeader, Messages, NlmsgHeader};
use devlink_wire::spec::Cmd;

const GOODSIZE: usize = 3776;
const FAMILY: u16 = 0x15;

#[test]
fn a_large_port_dump_fits_4k_reads() {
    let mut core = Core::new();
    let id = core.alloc(Handle::new("pci", "0000:03:00.0"), Box::new(NoopDriver));
    let mut devl = core.devl(id).unwrap();
    for i in 0..5000 {
        devl.port_register(i, PortAttrs::physical(i + 1)).unwrap();
        devl.port_type_eth_set(i, Some((100 + i, format!("enp3s0f0np{i}"))))
            .unwrap();
    }
    core.register(id).unwrap();
    let Response::Dump(mut cursor) = core
        .handle_request(Request {
            cmd: Cmd::PortGet,
            body: devlink_wire::message::DevlinkBody::from(PortGetReq {
                handle: None,
                index: None,
                unknown: vec![],
            }),
            dump: true,
            admin: false,
        })
        .unwrap()
        .response
    else {
        panic!("not a dump")
    };
    let mut datagrams: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut dgram = Vec::with_capacity(GOODSIZE);
        let step = core.dump_next(&mut cursor, &mut |reply| {
            let msg = Message {
                header: NlmsgHeader {
                    len: 0,
                    ty: FAMILY,
                    flags: NLM_F_MULTI,
                    seq: 7,
                    pid: 4242,
                },
                payload: Payload::Devlink(DevlinkMessage {
                    genl: GenlHeader {
                        cmd: reply.cmd as u8,
                        version: 1,
                        reserved: 0,
                    },
                    body: reply.body,
                }),
                padding: Vec::new(),
            };
            let bytes = msg.encode().unwrap();
            if dgram.len() + bytes.len() > GOODSIZE {
                return false;
            }
            dgram.extend_from_slice(&bytes);
            true
        });
        assert!(!dgram.is_empty(), "a reply did not fit an empty datagram");
        datagrams.push(dgram);
        if step == DumpStep::Done {
            break;
        }
    }
    let families = Families {
        devlink: Some(FAMILY),
    };
    let mut next = 0u32;
    for d in &datagrams {
        assert!(d.len() <= GOODSIZE, "datagram of {} bytes", d.len());
        for raw in Messages::new(d) {
            let m = Message::decode(&raw.unwrap(), families).unwrap();
            let Payload::Devlink(DevlinkMessage {
                body: devlink_wire::message::DevlinkBody::Port(p),
                ..
            }) = m.payload
            else {
                panic!("not a port message")
            };
            assert_eq!(p.index, next);
            next += 1;
        }
    }
    assert_eq!(next, 5000);
    assert!(datagrams.len() > 100, "only {} datagrams", datagrams.len());
}
