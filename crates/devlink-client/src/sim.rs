//! [`SimClient`]: the `devlinkd_sim` family as method calls — what `dlctl sim` runs.
//! Sockets options as iproute2 sets them (`NETLINK_CAP_ACK`, `NETLINK_EXT_ACK`), the
//! family resolved by name, every request with `NLM_F_ACK`, replies read up to the ACK
//! (or the dump's `NLMSG_DONE`).

use std::io;
use std::path::Path;
use std::time::Duration;

use devlink_wire::ctrl::{CtrlBody, CtrlMessage};
use devlink_wire::message::{Families, Message, Payload};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP};
use devlink_wire::nl::{ExtAck, Messages};
use devlink_wire::simctl::{
    DeviceReq, NewDevice, NumVfsReq, PortReq, SIM_GENL_NAME, SetKnobReq, SimBody, SimDevice,
    SimMessage,
};
use devlink_wire::transport::{SetOpt, Transport, opt};

use crate::{Connection, msg};

/// How long to wait for each reply datagram.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a `devlinkd_sim` request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The socket failed (no daemon, a closed connection, a timeout).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The daemon answered with an error: the positive errno and the extended ACK.
    #[error("the daemon answered errno {errno}")]
    Nl {
        /// Positive errno.
        errno: i32,
        /// Its extended ACK (message, missing attribute, …).
        ext: Box<ExtAck>,
    },
    /// The daemon serves no family of that name.
    #[error("devlinkd serves no {0} family")]
    NoFamily(&'static str),
    /// A reply this client cannot read.
    #[error("unexpected reply: {0}")]
    Protocol(String),
}

/// A connection speaking one of the daemon's own generic-netlink families: set up as
/// iproute2 sets its sockets, the family resolved by name.
#[derive(Debug)]
pub(crate) struct GenlClient {
    pub(crate) conn: Connection,
    pub(crate) family: u16,
    pub(crate) seq: u32,
}

impl GenlClient {
    /// Connect to the daemon at `path`, set the socket up as iproute2 does and resolve
    /// family `name`.
    pub(crate) fn connect(path: &Path, name: &'static str) -> Result<Self, ClientError> {
        let conn = Connection::connect(path)?;
        for o in [opt::NETLINK_CAP_ACK, opt::NETLINK_EXT_ACK] {
            let set = Transport::SetOpt(SetOpt {
                opt: o,
                value: 1,
                errno: None,
            });
            conn.send(&msg::transport(1, &set))?;
            match Transport::parse(&conn.recv(TIMEOUT)?) {
                Ok((_, Transport::SetOpt(SetOpt { errno: Some(0), .. }))) => {}
                other => return Err(ClientError::Protocol(format!("{other:?}"))),
            }
        }
        let mut c = Self {
            conn,
            family: 0,
            seq: 1,
        };
        c.conn.send(&msg::get_family(NLM_F_ACK, c.seq, name))?;
        let mut family = None;
        let done = c.read_until_ack(&mut |m| {
            if let Payload::Ctrl(CtrlMessage {
                body: CtrlBody::NewFamily(f),
                ..
            }) = &m.payload
            {
                family = Some(f.id);
            }
        });
        match done {
            Err(ClientError::Nl { errno: 2, .. }) => return Err(ClientError::NoFamily(name)),
            r => r?,
        }
        c.family = family.ok_or(ClientError::NoFamily(name))?;
        Ok(c)
    }

    /// Read datagrams until the current request's ACK, error or `NLMSG_DONE`; every
    /// other message of this request goes to `each`, and every message with sequence
    /// number 0 (unsolicited: watch events) to `other`.
    pub(crate) fn read_until_ack_or(
        &mut self,
        each: &mut dyn FnMut(&Message),
        other: &mut dyn FnMut(&Message),
    ) -> Result<(), ClientError> {
        loop {
            let dg = self.conn.recv(TIMEOUT)?;
            let mut done = None;
            for raw in Messages::new(&dg) {
                let raw = raw.map_err(|e| ClientError::Protocol(e.to_string()))?;
                let m = Message::decode(&raw, Families { devlink: None })
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                if raw.header.seq != self.seq {
                    if raw.header.seq == 0 {
                        other(&m);
                    }
                    continue;
                }
                if done.is_some() {
                    continue;
                }
                match ack_of(&m) {
                    Some(result) => done = Some(result),
                    None => each(&m),
                }
            }
            if let Some(result) = done {
                return result;
            }
        }
    }

    /// [`GenlClient::read_until_ack_or`], dropping unsolicited messages.
    pub(crate) fn read_until_ack(
        &mut self,
        each: &mut dyn FnMut(&Message),
    ) -> Result<(), ClientError> {
        self.read_until_ack_or(each, &mut |_| {})
    }
}

/// The outcome an ACK, error or `NLMSG_DONE` carries; `None` for other messages.
pub(crate) fn ack_of(m: &Message) -> Option<Result<(), ClientError>> {
    let (error, ext) = match &m.payload {
        Payload::Error(e) => (e.error, &e.ext_ack),
        Payload::Done(d) => (d.error.unwrap_or(0), &d.ext_ack),
        _ => return None,
    };
    Some(if error == 0 {
        Ok(())
    } else {
        Err(ClientError::Nl {
            errno: error.saturating_neg(),
            ext: Box::new(ext.clone()),
        })
    })
}

/// A connection speaking `devlinkd_sim`.
#[derive(Debug)]
pub struct SimClient {
    inner: GenlClient,
}

impl SimClient {
    /// Connect to the daemon at `path`, set the socket up as iproute2 does and resolve
    /// the family.
    pub fn connect(path: &Path) -> Result<Self, ClientError> {
        GenlClient::connect(path, SIM_GENL_NAME).map(|inner| Self { inner })
    }

    /// The family id the daemon gave.
    #[must_use]
    pub const fn family(&self) -> u16 {
        self.inner.family
    }

    /// Send `body` (as a dump with `dump`) and collect the `DEVICE` replies.
    pub fn request(&mut self, body: SimBody, dump: bool) -> Result<Vec<SimDevice>, ClientError> {
        let c = &mut self.inner;
        c.seq = c.seq.wrapping_add(1);
        let flags = if dump {
            NLM_F_ACK | NLM_F_DUMP
        } else {
            NLM_F_ACK
        };
        c.conn
            .send(&msg::sim_request(c.family, flags, c.seq, body))?;
        let family = c.family;
        let mut devices = Vec::new();
        c.read_until_ack(&mut |m| {
            if let Some(SimMessage {
                body: SimBody::Device(d),
                ..
            }) = msg::sim_message(m, family)
            {
                devices.push(d);
            }
        })?;
        Ok(devices)
    }

    /// `NEW_DEVICE`: the device as created.
    pub fn new_device(&mut self, req: NewDevice) -> Result<SimDevice, ClientError> {
        one(self.request(SimBody::NewDevice(req), false)?)
    }

    /// `DEL_DEVICE`.
    pub fn del_device(&mut self, id: u32) -> Result<(), ClientError> {
        let req = DeviceReq {
            id: Some(id),
            unknown: Vec::new(),
        };
        self.request(SimBody::DelDevice(req), false).map(drop)
    }

    /// `NEW_PORT` (`new` true) or `DEL_PORT`.
    pub fn port(&mut self, id: u32, index: u32, new: bool) -> Result<(), ClientError> {
        let req = PortReq {
            id,
            index,
            unknown: Vec::new(),
        };
        let body = if new {
            SimBody::NewPort(req)
        } else {
            SimBody::DelPort(req)
        };
        self.request(body, false).map(drop)
    }

    /// `SRIOV_NUMVFS`.
    pub fn sriov_numvfs(&mut self, id: u32, vfs: u32) -> Result<(), ClientError> {
        let req = NumVfsReq {
            id,
            vfs,
            unknown: Vec::new(),
        };
        self.request(SimBody::SriovNumvfs(req), false).map(drop)
    }

    /// `SET_KNOB`.
    pub fn set_knob(&mut self, id: u32, name: &str, value: &str) -> Result<(), ClientError> {
        let req = SetKnobReq {
            id,
            name: name.to_owned(),
            value: value.to_owned(),
            unknown: Vec::new(),
        };
        self.request(SimBody::SetKnob(req), false).map(drop)
    }

    /// The `GET` dump: every device with its knobs.
    pub fn list(&mut self) -> Result<Vec<SimDevice>, ClientError> {
        self.request(SimBody::Get(DeviceReq::default()), true)
    }
}

/// The one device a `NEW_DEVICE` answers with.
fn one(mut devices: Vec<SimDevice>) -> Result<SimDevice, ClientError> {
    match (devices.pop(), devices.is_empty()) {
        (Some(d), true) => Ok(d),
        _ => Err(ClientError::Protocol("expected one DEVICE reply".into())),
    }
}
