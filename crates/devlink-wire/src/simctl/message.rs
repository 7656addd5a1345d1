//! A whole `devlinkd_sim` message: `genlmsghdr` (version [`SIM_GENL_VERSION`]) and a
//! body typed by command. Every command has one body type, whatever the direction.

use crate::devlink::{AttrError, Body, DecodeCtx};
use crate::nl::{
    AttrIter, EmitError, Emitter, GENL_HDRLEN, GenlHeader, NLMSG_HDRLEN, NlError, NlmsgHeader,
};

use super::body::{DeviceReq, NewDevice, NumVfsReq, PortReq, SetKnobReq, SimDevice};
use super::consts::{SIM_GENL_VERSION, SimCmd};

/// Why a `devlinkd_sim` message does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimMsgError {
    /// The generic netlink header is cut short, or `nlmsg_len` is wrong.
    #[error(transparent)]
    Framing(#[from] NlError),
    /// A command number the family does not have.
    #[error("unknown devlinkd_sim command {0}")]
    UnknownCommand(u8),
    /// An attribute is malformed or a required one is missing.
    #[error(transparent)]
    Attr(#[from] AttrError),
}

/// The body of a `devlinkd_sim` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimBody {
    /// `GET`.
    Get(DeviceReq),
    /// `DEVICE`.
    Device(SimDevice),
    /// `NEW_DEVICE`.
    NewDevice(NewDevice),
    /// `DEL_DEVICE`.
    DelDevice(DeviceReq),
    /// `NEW_PORT`.
    NewPort(PortReq),
    /// `DEL_PORT`.
    DelPort(PortReq),
    /// `SRIOV_NUMVFS`.
    SriovNumvfs(NumVfsReq),
    /// `SET_KNOB`.
    SetKnob(SetKnobReq),
}

impl SimBody {
    /// The command this body travels with.
    #[must_use]
    pub const fn cmd(&self) -> SimCmd {
        match self {
            Self::Get(_) => SimCmd::Get,
            Self::Device(_) => SimCmd::Device,
            Self::NewDevice(_) => SimCmd::NewDevice,
            Self::DelDevice(_) => SimCmd::DelDevice,
            Self::NewPort(_) => SimCmd::NewPort,
            Self::DelPort(_) => SimCmd::DelPort,
            Self::SriovNumvfs(_) => SimCmd::SriovNumvfs,
            Self::SetKnob(_) => SimCmd::SetKnob,
        }
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        match self {
            Self::Get(b) | Self::DelDevice(b) => b.encode(e),
            Self::Device(b) => b.encode(e),
            Self::NewDevice(b) => b.encode(e),
            Self::NewPort(b) | Self::DelPort(b) => b.encode(e),
            Self::SriovNumvfs(b) => b.encode(e),
            Self::SetKnob(b) => b.encode(e),
        }
    }
}

/// A `devlinkd_sim` message after its `nlmsghdr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMessage {
    /// `genlmsghdr`.
    pub header: GenlHeader,
    /// The attributes, typed by command.
    pub body: SimBody,
}

impl SimMessage {
    /// A message with the body's command, version [`SIM_GENL_VERSION`].
    #[must_use]
    pub fn new(body: SimBody) -> Self {
        Self {
            header: GenlHeader::new(body.cmd() as u8, SIM_GENL_VERSION),
            body,
        }
    }

    /// Decode the bytes after the `nlmsghdr` (`genlmsghdr` first); `dump`: the message
    /// carries `NLM_F_DUMP` (a `GET` without `ID`). Attribute offsets in errors count
    /// from the start of the netlink message.
    pub fn decode(payload: &[u8], dump: bool) -> Result<Self, SimMsgError> {
        let header = GenlHeader::parse(payload)?;
        let attrs = payload.get(GENL_HDRLEN..).unwrap_or_default();
        let iter = AttrIter::with_base(attrs, NLMSG_HDRLEN + GENL_HDRLEN);
        let ctx = DecodeCtx { dump };
        let cmd = SimCmd::from_repr(header.cmd).ok_or(SimMsgError::UnknownCommand(header.cmd))?;
        let body = match cmd {
            SimCmd::Get => SimBody::Get(DeviceReq::decode(iter, ctx)?),
            SimCmd::Device => SimBody::Device(SimDevice::decode(iter, ctx)?),
            SimCmd::NewDevice => SimBody::NewDevice(NewDevice::decode(iter, ctx)?),
            SimCmd::DelDevice => SimBody::DelDevice(DeviceReq::decode(iter, ctx)?),
            SimCmd::NewPort => SimBody::NewPort(PortReq::decode(iter, ctx)?),
            SimCmd::DelPort => SimBody::DelPort(PortReq::decode(iter, ctx)?),
            SimCmd::SriovNumvfs => SimBody::SriovNumvfs(NumVfsReq::decode(iter, ctx)?),
            SimCmd::SetKnob => SimBody::SetKnob(SetKnobReq::decode(iter, ctx)?),
        };
        Ok(Self { header, body })
    }

    /// Decode a whole netlink message (`nlmsghdr` first); the caller checks
    /// `nlmsg_type`.
    pub fn parse(message: &[u8]) -> Result<(NlmsgHeader, Self), SimMsgError> {
        let (nlh, payload) = NlmsgHeader::split(message)?;
        Ok((nlh, Self::decode(payload, nlh.is_dump())?))
    }

    /// The whole netlink message: `nlh` with its `nlmsg_len` filled in, `genlmsghdr`,
    /// the attributes.
    pub fn to_message(&self, nlh: NlmsgHeader) -> Result<Vec<u8>, EmitError> {
        crate::nl::genl_message(nlh, self.header, |e| self.body.encode(e))
    }
}
