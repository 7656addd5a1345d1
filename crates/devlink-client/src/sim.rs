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
    /// The daemon serves no `devlinkd_sim` family.
    #[error("devlinkd serves no {SIM_GENL_NAME} family")]
    NoFamily,
    /// A reply this client cannot read.
    #[error("unexpected reply: {0}")]
    Protocol(String),
}

/// A connection speaking `devlinkd_sim`.
#[derive(Debug)]
pub struct SimClient {
    conn: Connection,
    family: u16,
    seq: u32,
}

impl SimClient {
    /// Connect to the daemon at `path`, set the socket up as iproute2 does and resolve
    /// the family.
    pub fn connect(path: &Path) -> Result<Self, ClientError> {
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
        c.conn
            .send(&msg::get_family(NLM_F_ACK, c.seq, SIM_GENL_NAME))?;
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
            Err(ClientError::Nl { errno: 2, .. }) => return Err(ClientError::NoFamily),
            r => r?,
        }
        c.family = family.ok_or(ClientError::NoFamily)?;
        Ok(c)
    }

    /// The family id the daemon gave.
    #[must_use]
    pub const fn family(&self) -> u16 {
        self.family
    }

    /// Send `body` (as a dump with `dump`) and collect the `DEVICE` replies.
    pub fn request(&mut self, body: SimBody, dump: bool) -> Result<Vec<SimDevice>, ClientError> {
        self.seq = self.seq.wrapping_add(1);
        let flags = if dump {
            NLM_F_ACK | NLM_F_DUMP
        } else {
            NLM_F_ACK
        };
        self.conn
            .send(&msg::sim_request(self.family, flags, self.seq, body))?;
        let family = self.family;
        let mut devices = Vec::new();
        self.read_until_ack(&mut |m| {
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

    /// Read datagrams until this request's ACK, error or `NLMSG_DONE`; every other
    /// message of this request goes to `each`.
    fn read_until_ack(&mut self, each: &mut dyn FnMut(&Message)) -> Result<(), ClientError> {
        let families = Families { devlink: None };
        loop {
            let dg = self.conn.recv(TIMEOUT)?;
            for raw in Messages::new(&dg) {
                let raw = raw.map_err(|e| ClientError::Protocol(e.to_string()))?;
                if raw.header.seq != self.seq {
                    continue;
                }
                // devlinkd_sim messages decode as `Payload::Other` (see `msg::sim_message`).
                let m = Message::decode(&raw, families)
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                let (error, ext) = match &m.payload {
                    Payload::Error(e) => (e.error, &e.ext_ack),
                    Payload::Done(d) => (d.error.unwrap_or(0), &d.ext_ack),
                    _ => {
                        each(&m);
                        continue;
                    }
                };
                if error == 0 {
                    return Ok(());
                }
                return Err(ClientError::Nl {
                    errno: error.saturating_neg(),
                    ext: Box::new(ext.clone()),
                });
            }
        }
    }
}

/// The one device a `NEW_DEVICE` answers with.
fn one(mut devices: Vec<SimDevice>) -> Result<SimDevice, ClientError> {
    match (devices.pop(), devices.is_empty()) {
        (Some(d), true) => Ok(d),
        _ => Err(ClientError::Protocol("expected one DEVICE reply".into())),
    }
}
