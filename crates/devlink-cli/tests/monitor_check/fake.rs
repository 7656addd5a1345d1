//! A fake devlinkd: one `SOCK_SEQPACKET` listener that speaks just enough of the
//! transport (docs/transport.md) for `dlctl monitor`: `SETOPT` and `MEMBERSHIP` answered
//! in-band, nlctrl `GETFAMILY` answered with the devlink family (id 0x14, `config`
//! group 2) and an ACK, dumps answered from a table and `NLMSG_DONE`. Once the client
//! has subscribed it plays a script — notifications, overruns, rounds of dumps — and
//! closes the connection.

use std::os::fd::OwnedFd;
use std::path::Path;
use std::thread::JoinHandle;

use devlink_wire::ctrl::{CtrlBody, CtrlMessage, devlink_family};
use devlink_wire::message::{DevlinkBody, Message, Payload};
use devlink_wire::nl::flags::{NLM_F_DUMP, NLM_F_MULTI};
use devlink_wire::nl::{
    DoneMsg, ErrorMsg, ExtAck, GENL_ID_CTRL, Messages, NLMSG_DONE, NLMSG_ERROR, NlmsgHeader,
};
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{DEVLINKD_NLMSG_TRANSPORT, Membership, SetOpt, Transport};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketAddrUnix, SocketType};

/// The devlink family id and `config` group the fake announces.
const FAMILY: u16 = 0x14;
const CONFIG_GROUP: u32 = 2;

/// `(request command, replies)`: what a dump of that command returns (others: none).
pub(crate) type Dumps = Vec<(Cmd, Vec<(Cmd, DevlinkBody)>)>;

/// One step of the script.
pub(crate) enum Step {
    /// Send a notification.
    Notify(Cmd, DevlinkBody),
    /// Send the transport's `OVERRUN` (notifications were dropped).
    Overrun,
    /// Answer this many dump requests from the table.
    Serve(usize, Dumps),
}

/// Listen at `path` and serve one client with `script` on a thread.
pub(crate) fn serve(path: &Path, script: Vec<Step>) -> JoinHandle<()> {
    let listener = rustix::net::socket(AddressFamily::UNIX, SocketType::SEQPACKET, None).unwrap();
    rustix::net::bind(&listener, &SocketAddrUnix::new(path).unwrap()).unwrap();
    rustix::net::listen(&listener, 1).unwrap();
    std::thread::spawn(move || {
        let conn = rustix::net::accept(&listener).unwrap();
        session(&conn, &script);
    })
}

fn session(conn: &OwnedFd, script: &[Step]) {
    let mut subscribed = false;
    requests(conn, &mut subscribed, 0, &[]);
    for step in script {
        match step {
            Step::Notify(cmd, body) => send(conn, &devlink(*cmd, body, 0, 0)),
            Step::Overrun => send(conn, &Transport::Overrun.to_message(0, 0, 0).unwrap()),
            Step::Serve(n, dumps) => requests(conn, &mut subscribed, *n, dumps),
        }
    }
    // Dropping the connection ends the client's stream.
}

/// Answer requests until the client has subscribed and `n` dumps are answered.
fn requests(
    conn: &OwnedFd,
    subscribed: &mut bool,
    n: usize,
    table: &[(Cmd, Vec<(Cmd, DevlinkBody)>)],
) {
    let mut dumps = 0;
    let mut buf = vec![0u8; 65536];
    while !(*subscribed && dumps == n) {
        let (n, _) = rustix::net::recv(conn, &mut buf, RecvFlags::empty()).unwrap();
        assert!(n > 0, "the client left before the script ended");
        for raw in Messages::new(&buf[..n]) {
            let raw = raw.unwrap();
            let h = raw.header;
            if h.ty == DEVLINKD_NLMSG_TRANSPORT {
                let (_, t) = Transport::parse(raw.bytes).unwrap();
                let reply = match t {
                    Transport::SetOpt(o) => Transport::SetOpt(SetOpt {
                        errno: Some(0),
                        ..o
                    }),
                    Transport::Membership(m) => {
                        *subscribed = true;
                        Transport::Membership(Membership {
                            errno: Some(0),
                            ..m
                        })
                    }
                    other => panic!("unexpected transport op {other:?}"),
                };
                send(conn, &reply.to_message(0, h.seq, 0).unwrap());
            } else if h.ty == GENL_ID_CTRL {
                let mut out = Vec::new();
                CtrlMessage::reply(CtrlBody::NewFamily(devlink_family(FAMILY, CONFIG_GROUP)))
                    .emit(header(h.ty, 0, h.seq), &mut out)
                    .unwrap();
                send(conn, &out);
                send(conn, &ack(raw.bytes, h.seq));
            } else if h.ty == FAMILY && h.flags & NLM_F_DUMP == NLM_F_DUMP {
                let cmd = raw.bytes.get(16).copied().unwrap();
                let mut out = Vec::new();
                for (req, replies) in table {
                    if *req as u8 == cmd {
                        for (reply_cmd, body) in replies {
                            out.extend(devlink(*reply_cmd, body, NLM_F_MULTI, h.seq));
                        }
                    }
                }
                out.extend(done(h.seq));
                send(conn, &out);
                dumps += 1;
            } else {
                panic!("unexpected request {h:?}");
            }
        }
    }
}

fn send(conn: &OwnedFd, datagram: &[u8]) {
    rustix::net::send(conn, datagram, SendFlags::NOSIGNAL).unwrap();
}

fn header(ty: u16, flags: u16, seq: u32) -> NlmsgHeader {
    NlmsgHeader {
        len: 0,
        ty,
        flags,
        seq,
        pid: 0,
    }
}

/// A devlink message: a dump reply (`seq`) or a notification (seq 0).
fn devlink(cmd: Cmd, body: &DevlinkBody, flags: u16, seq: u32) -> Vec<u8> {
    devlink_client::msg::devlink_message(FAMILY, flags, seq, cmd, body.clone())
}

fn ack(request: &[u8], seq: u32) -> Vec<u8> {
    let (msg, flags) = ErrorMsg::reply_to(request, 0, ExtAck::default(), true, true);
    Message {
        header: header(NLMSG_ERROR, flags, seq),
        payload: Payload::Error(msg),
        padding: Vec::new(),
    }
    .encode()
    .unwrap()
}

fn done(seq: u32) -> Vec<u8> {
    Message {
        header: header(NLMSG_DONE, NLM_F_MULTI, seq),
        payload: Payload::Done(DoneMsg {
            error: Some(0),
            ext_ack: ExtAck::default(),
        }),
        padding: Vec::new(),
    }
    .encode()
    .unwrap()
}
