//! Encoding what the daemon sends: devlink replies and notifications, ACKs and errors,
//! `NLMSG_DONE`.

use devlink_wire::message::{DevlinkBody, DevlinkMessage, Message, Payload};
use devlink_wire::nl::{
    DoneMsg, EmitError, ErrorMsg, ExtAck, GenlHeader, NLMSG_DONE, NLMSG_ERROR, NlmsgHeader,
    flags::{NLM_F_ACK_TLVS, NLM_F_MULTI},
};
use devlink_wire::simctl::{SimBody, SimMessage};
use devlink_wire::spec::Cmd;

use super::conn::SockOpts;
use super::errors::NlErr;

/// `DEVLINK_GENL_VERSION`, the version of every devlink reply and notification.
const DEVLINK_VERSION: u8 = 1;

/// Addressing of a reply: the family, the request's seq and the requester's port id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct To {
    pub ty: u16,
    pub seq: u32,
    pub pid: u32,
}

/// A devlink message: reply (`to` the requester) or notification (seq 0, pid 0).
pub(crate) fn devlink(
    to: To,
    flags: u16,
    cmd: Cmd,
    body: DevlinkBody,
) -> Result<Vec<u8>, EmitError> {
    devlink_message(to, flags, cmd, body).encode()
}

/// [`devlink`], appended to the datagram `out` (left as it was on error).
pub(crate) fn devlink_into(
    to: To,
    flags: u16,
    cmd: Cmd,
    body: DevlinkBody,
    out: &mut Vec<u8>,
) -> Result<(), EmitError> {
    devlink_message(to, flags, cmd, body).encode_into(out)
}

fn devlink_message(to: To, flags: u16, cmd: Cmd, body: DevlinkBody) -> Message {
    Message {
        header: NlmsgHeader {
            len: 0,
            ty: to.ty,
            flags,
            seq: to.seq,
            pid: to.pid,
        },
        payload: Payload::Devlink(DevlinkMessage {
            genl: GenlHeader::new(cmd as u8, DEVLINK_VERSION),
            body,
        }),
        padding: Vec::new(),
    }
}

/// A `devlinkd_sim` reply `to` the requester.
pub(crate) fn sim(to: To, flags: u16, body: SimBody) -> Result<Vec<u8>, EmitError> {
    SimMessage::new(body).to_message(NlmsgHeader {
        len: 0,
        ty: to.ty,
        flags,
        seq: to.seq,
        pid: to.pid,
    })
}

/// The `NLMSG_ERROR` answering `request` (its bytes): an ACK (`err` `None`) or an error,
/// shaped by the socket's `CAP_ACK` and `EXT_ACK` (`netlink_ack`).
pub(crate) fn ack(request: &[u8], err: Option<&NlErr>, opts: SockOpts, pid: u32) -> Vec<u8> {
    let req = NlmsgHeader::parse(request).unwrap_or_default();
    let (errno, ext) = err.map_or((0, ExtAck::default()), |e| (-e.errno, (*e.ext).clone()));
    let (msg, flags) = ErrorMsg::reply_to(request, errno, ext, opts.cap_ack, opts.ext_ack);
    let m = Message {
        header: NlmsgHeader {
            len: 0,
            ty: NLMSG_ERROR,
            flags,
            seq: req.seq,
            pid,
        },
        payload: Payload::Error(msg),
        padding: Vec::new(),
    };
    // An ACK always encodes: its parts come from a request that fit a datagram.
    m.encode().unwrap_or_default()
}

/// `NLMSG_DONE`: with the dump's result (`Some`), or empty (`None`, after a multipart
/// do reply). Extended-ACK TLVs only if the socket enabled them.
pub(crate) fn done(to: To, result: Option<&NlErr>, empty: bool, ext_ack_on: bool) -> Vec<u8> {
    let ext = match result {
        Some(e) if ext_ack_on => (*e.ext).clone(),
        _ => ExtAck::default(),
    };
    let mut flags = NLM_F_MULTI;
    if !ext.is_empty() {
        flags |= NLM_F_ACK_TLVS;
    }
    let error = (!empty).then(|| result.map_or(0, |e| -e.errno));
    Message {
        header: NlmsgHeader {
            len: 0,
            ty: NLMSG_DONE,
            flags,
            seq: to.seq,
            pid: to.pid,
        },
        payload: Payload::Done(DoneMsg {
            error,
            ext_ack: ext,
        }),
        padding: Vec::new(),
    }
    .encode()
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use devlink_core::Errno;
    use devlink_wire::nl::flags::NLM_F_CAPPED;

    fn request() -> Vec<u8> {
        let mut r = Vec::new();
        NlmsgHeader {
            len: 24,
            ty: 0x14,
            flags: 5,
            seq: 9,
            pid: 0,
        }
        .emit(&mut r);
        r.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
        r
    }

    #[test]
    fn success_ack_is_capped() {
        let a = ack(&request(), None, SockOpts::default(), 77);
        let h = NlmsgHeader::parse(&a).unwrap();
        assert_eq!(
            (h.ty, h.flags, h.seq, h.pid, h.len),
            (2, NLM_F_CAPPED, 9, 77, 36)
        );
    }

    #[test]
    fn error_echoes_whole_request_without_cap_ack() {
        let e = NlErr::msg(Errno::EINVAL, "nope");
        let a = ack(&request(), Some(&e), SockOpts::default(), 77);
        let h = NlmsgHeader::parse(&a).unwrap();
        assert_eq!((h.flags, h.len), (0, 16 + 4 + 24));
        let opts = SockOpts {
            cap_ack: true,
            ext_ack: true,
            ..SockOpts::default()
        };
        let a = ack(&request(), Some(&e), opts, 77);
        let h = NlmsgHeader::parse(&a).unwrap();
        assert_eq!(h.flags, NLM_F_CAPPED | NLM_F_ACK_TLVS);
        assert_eq!(h.len, 16 + 4 + 16 + 12);
    }

    #[test]
    fn done_shapes() {
        let to = To {
            ty: 0x14,
            seq: 1,
            pid: 2,
        };
        assert_eq!(done(to, None, true, true).len(), 16);
        assert_eq!(done(to, None, false, true).len(), 20);
        let e = NlErr::msg(Errno::ENODEV, "gone");
        let d = done(to, Some(&e), false, true);
        let h = NlmsgHeader::parse(&d).unwrap();
        assert_eq!(h.flags, NLM_F_MULTI | NLM_F_ACK_TLVS);
        assert_eq!(&d[16..20], &(-19i32).to_ne_bytes());
    }
}
