//! Building requests and reading replies as bytes (no I/O): what a test or a tool needs
//! to speak to the daemon.

use devlink_wire::ctrl::{CtrlBody, CtrlMessage, FamilyInfo, GetFamily};
use devlink_wire::devlink::{FlashUpdateReq, Handle, ParamSetReq, ParamValue};
use devlink_wire::message::{DevlinkBody, DevlinkMessage, Families, Message, Payload};
use devlink_wire::nl::{GENL_ID_CTRL, GenlHeader, Messages, NlmsgHeader};
use devlink_wire::simctl::{SimBody, SimMessage};
use devlink_wire::spec::{Cmd, ParamCmode, VarAttrType};
use devlink_wire::transport::Transport;
use devlink_wire::watch::{WatchBody, WatchMessage};

/// A devlink message as the daemon sends it: a notification (`seq` 0, `flags` 0) or a
/// dump reply part (`NLM_F_MULTI`, the request's `seq`); genl version 1, `nlmsg_pid` 0.
/// What a test playing the daemon sends.
#[must_use]
pub fn devlink_message(family: u16, flags: u16, seq: u32, cmd: Cmd, body: DevlinkBody) -> Vec<u8> {
    Message {
        header: NlmsgHeader {
            len: 0,
            ty: family,
            flags,
            seq,
            pid: 0,
        },
        payload: Payload::Devlink(DevlinkMessage {
            genl: GenlHeader::new(cmd as u8, 1),
            body,
        }),
        padding: Vec::new(),
    }
    .encode()
    .unwrap_or_default()
}

/// A devlink request (`NLM_F_REQUEST` is added to `flags`), genl version 1.
#[must_use]
pub fn devlink_request(family: u16, flags: u16, seq: u32, cmd: Cmd, body: DevlinkBody) -> Vec<u8> {
    devlink_message(
        family,
        flags | devlink_wire::nl::flags::NLM_F_REQUEST,
        seq,
        cmd,
        body,
    )
}

/// A controller request (`NLM_F_REQUEST` added), genl version 1.
#[must_use]
pub fn ctrl_request(flags: u16, seq: u32, body: CtrlBody) -> Vec<u8> {
    let mut out = Vec::new();
    let nlh = NlmsgHeader {
        len: 0,
        ty: GENL_ID_CTRL,
        flags: flags | devlink_wire::nl::flags::NLM_F_REQUEST,
        seq,
        pid: 0,
    };
    let _ = CtrlMessage::request(body).emit(nlh, &mut out);
    out
}

/// `CTRL_CMD_GETFAMILY` by name.
#[must_use]
pub fn get_family(flags: u16, seq: u32, name: &str) -> Vec<u8> {
    ctrl_request(flags, seq, CtrlBody::GetFamily(GetFamily::by_name(name)))
}

/// A transport request (`NLM_F_REQUEST`).
#[must_use]
pub fn transport(seq: u32, t: &Transport) -> Vec<u8> {
    t.to_message(devlink_wire::nl::flags::NLM_F_REQUEST, seq, 0)
        .unwrap_or_default()
}

/// Every message of a datagram decoded (`family`: the devlink family id), in order;
/// a message that does not decode ends the list.
#[must_use]
pub fn decode_all(datagram: &[u8], family: u16) -> Vec<Message> {
    let families = Families {
        devlink: Some(family),
    };
    Messages::new(datagram)
        .map_while(Result::ok)
        .map_while(|raw| Message::decode(&raw, families).ok())
        .collect()
}

/// The family described by a `CTRL_CMD_NEWFAMILY` message, if it is one.
#[must_use]
pub fn family_info(m: &Message) -> Option<&FamilyInfo> {
    match &m.payload {
        Payload::Ctrl(CtrlMessage {
            body: CtrlBody::NewFamily(f),
            ..
        }) => Some(f),
        _ => None,
    }
}

/// `PARAM_SET` of a device parameter in cmode `driverinit` (`devlink dev param set DEV
/// name NAME value V cmode driverinit`): type `FLAG` for a bool, else from the value.
#[must_use]
pub fn param_set(
    family: u16,
    flags: u16,
    seq: u32,
    dev: &Handle,
    name: &str,
    value: ParamValue,
) -> Vec<u8> {
    let ty = match &value {
        ParamValue::Bool(_) => VarAttrType::Flag,
        ParamValue::U8(_) => VarAttrType::U8,
        ParamValue::U16(_) => VarAttrType::U16,
        ParamValue::U64(_) => VarAttrType::U64,
        ParamValue::String(_) => VarAttrType::String,
        _ => VarAttrType::U32,
    };
    let body = ParamSetReq {
        handle: dev.clone(),
        port_index: None,
        name: name.into(),
        cmode: ParamCmode::Driverinit,
        reset_default: false,
        ty,
        value: Some(value),
        unknown: Vec::new(),
    };
    devlink_request(family, flags, seq, Cmd::ParamSet, DevlinkBody::from(body))
}

/// `FLASH_UPDATE` of `dev` from firmware file `file` (`devlink dev flash DEV file FILE`).
#[must_use]
pub fn flash_update(family: u16, flags: u16, seq: u32, dev: &Handle, file: &str) -> Vec<u8> {
    let body = FlashUpdateReq {
        handle: dev.clone(),
        file_name: file.into(),
        component: None,
        overwrite_mask: None,
        unknown: Vec::new(),
    };
    devlink_request(
        family,
        flags,
        seq,
        Cmd::FlashUpdate,
        DevlinkBody::from(body),
    )
}

/// A `devlinkd_sim` request of family `family` (`NLM_F_REQUEST` is added to `flags`).
#[must_use]
pub fn sim_request(family: u16, flags: u16, seq: u32, body: SimBody) -> Vec<u8> {
    SimMessage::new(body)
        .to_message(request_header(family, flags, seq))
        .unwrap_or_default()
}

/// The `devlinkd_sim` message `m` carries, if it is one of family `family` (such
/// messages decode as [`Payload::Other`] in [`decode_all`]).
#[must_use]
pub fn sim_message(m: &Message, family: u16) -> Option<SimMessage> {
    match &m.payload {
        Payload::Other(p) if m.header.ty == family => SimMessage::decode(p, false).ok(),
        _ => None,
    }
}

/// A `devlinkd_watch` request of family `family` (`NLM_F_REQUEST` is added to `flags`).
#[must_use]
pub fn watch_request(family: u16, flags: u16, seq: u32, body: WatchBody) -> Vec<u8> {
    WatchMessage::new(body)
        .to_message(request_header(family, flags, seq))
        .unwrap_or_default()
}

/// The `devlinkd_watch` message `m` carries, if it is one of family `family` (such
/// messages decode as [`Payload::Other`] in [`decode_all`]).
#[must_use]
pub fn watch_message(m: &Message, family: u16) -> Option<WatchMessage> {
    match &m.payload {
        Payload::Other(p) if m.header.ty == family => WatchMessage::decode(p, false).ok(),
        _ => None,
    }
}

/// The header of a request of family `family` (`NLM_F_REQUEST` added to `flags`).
const fn request_header(family: u16, flags: u16, seq: u32) -> NlmsgHeader {
    NlmsgHeader {
        len: 0,
        ty: family,
        flags: flags | devlink_wire::nl::flags::NLM_F_REQUEST,
        seq,
        pid: 0,
    }
}
