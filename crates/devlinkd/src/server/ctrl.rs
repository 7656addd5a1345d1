//! The generic netlink controller (`nlctrl`, 0x10): `GETFAMILY` by name, by id and the
//! dump, and the `GETPOLICY` dump, for `nlctrl`, `devlink` and `devlinkd_sim`. Kernel:
//! `net/netlink/genetlink.c` (`ctrl_getfamily`, `ctrl_dumpfamily`,
//! `ctrl_dumppolicy_start`).

use devlink_core::Errno;
use devlink_wire::ctrl::{
    CtrlBody, CtrlError, CtrlMessage, DEVLINK_OPS, FamilyInfo, GetPolicy, NLCTRL_OPS, OpSpec,
    PolicyDumpError, devlink_family, nlctrl_family, policy_dump, policy_dump_op,
};
use devlink_wire::nl::flags::NLM_F_MULTI;
use devlink_wire::nl::{
    AttrIter, ExtAck, GENL_HDRLEN, GENL_ID_CTRL, NLMSG_HDRLEN, NlmsgHeader, RawMessage,
};
use devlink_wire::simctl::{SIM_OPS, sim_family};
use devlink_wire::watch::{WATCH_OPS, watch_family};

use super::conn::ConnId;
use super::errors::NlErr;
use super::reply::To;
use super::state::{Outcome, Server};

/// `CTRL_CMD_GETFAMILY`.
const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_GETPOLICY`.
const CTRL_CMD_GETPOLICY: u8 = 10;
/// `CTRL_ATTR_OP`.
const CTRL_ATTR_OP: u16 = 10;
/// `ENODATA`.
const ENODATA: Errno = Errno(61);

impl Server {
    pub(crate) fn handle_ctrl(
        &mut self,
        id: ConnId,
        raw: &RawMessage<'_>,
    ) -> Result<Outcome, NlErr> {
        let h = raw.header;
        if raw.bytes.len() < NLMSG_HDRLEN + GENL_HDRLEN {
            return Err(NlErr::errno(Errno::EINVAL));
        }
        let dump = h.is_dump();
        let cmd = raw.payload().first().copied().unwrap_or(0);
        match (cmd, dump) {
            (CTRL_CMD_GETFAMILY, _) | (CTRL_CMD_GETPOLICY, true) => {}
            _ => return Err(NlErr::errno(Errno::EOPNOTSUPP)),
        }
        let pending = self.conns.get(&id).is_some_and(|c| c.dump.is_some());
        if dump && pending {
            return Err(NlErr::errno(Errno::EBUSY));
        }
        let msg = CtrlMessage::decode(raw.payload(), true).map_err(|e| match e {
            CtrlError::Attr(a) => NlErr::from_attr(&a),
            CtrlError::Framing(_) => NlErr::errno(Errno::EINVAL),
        })?;
        let to = self.to(id, raw);
        let flags = if dump { NLM_F_MULTI } else { 0 };
        let messages: Vec<Vec<u8>> = match (&msg.body, dump) {
            (CtrlBody::GetFamily(_), true) => self
                .families()
                .into_iter()
                .map(|f| encode(to, flags, CtrlBody::NewFamily(f)))
                .collect(),
            (CtrlBody::GetFamily(g), false) => {
                // ctrl_getfamily: the name, if given, wins over the id.
                let found = match (&g.name, g.id) {
                    (Some(name), _) => self.families().into_iter().find(|f| &f.name == name),
                    (None, Some(fid)) => self.families().into_iter().find(|f| f.id == fid),
                    (None, None) => return Err(NlErr::errno(Errno::EINVAL)),
                };
                let f = found.ok_or(NlErr::errno(Errno::ENOENT))?;
                vec![encode(to, 0, CtrlBody::NewFamily(f))]
            }
            (CtrlBody::GetPolicy(p), true) => self
                .policy(p, raw.bytes)?
                .into_iter()
                .map(|m| encode(to, flags, m.body))
                .collect(),
            _ => return Err(NlErr::errno(Errno::EOPNOTSUPP)),
        };
        if dump {
            self.start_ready_dump(id, messages, to);
            return Ok(Outcome::NoAck);
        }
        let conn = self.conns.get_mut(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
        for m in messages {
            conn.push_reply(m);
        }
        Ok(Outcome::Ack(None))
    }

    /// Every family, in id order.
    fn families(&self) -> Vec<FamilyInfo> {
        vec![
            nlctrl_family(),
            devlink_family(self.config.family_id, self.config.config_group),
            sim_family(self.config.sim_family_id),
            watch_family(self.config.watch_family_id),
        ]
    }

    /// `ctrl_dumppolicy_start` and the dump's messages.
    fn policy(&self, p: &GetPolicy, request: &[u8]) -> Result<Vec<CtrlMessage>, NlErr> {
        let family = match (p.id, &p.name) {
            (Some(fid), _) => self.families().into_iter().find(|f| f.id == fid),
            (None, Some(name)) => self.families().into_iter().find(|f| &f.name == name),
            (None, None) => return Err(NlErr::errno(Errno::EINVAL)),
        }
        .ok_or(NlErr::errno(Errno::ENOENT))?;
        let ops: &[OpSpec] = match family.id {
            GENL_ID_CTRL => &NLCTRL_OPS,
            fid if fid == self.config.sim_family_id => &SIM_OPS,
            fid if fid == self.config.watch_family_id => &WATCH_OPS,
            _ => &DEVLINK_OPS,
        };
        let result = match p.op {
            Some(op) => policy_dump_op(family.id, ops, op),
            None => policy_dump(family.id, ops),
        };
        result.map_err(|e| match e {
            PolicyDumpError::NoSuchOp => NlErr {
                errno: Errno::ENOENT.0,
                ext: Box::new(ExtAck {
                    offset: op_offset(request),
                    ..ExtAck::default()
                }),
            },
            PolicyDumpError::NoData => NlErr::errno(ENODATA),
        })
    }
}

/// A controller reply: version 2, the body's command.
fn encode(to: To, flags: u16, body: CtrlBody) -> Vec<u8> {
    let mut out = Vec::new();
    let nlh = NlmsgHeader {
        len: 0,
        ty: GENL_ID_CTRL,
        flags,
        seq: to.seq,
        pid: to.pid,
    };
    // Controller replies are small and built here: they always encode.
    let _ = CtrlMessage::reply(body).emit(nlh, &mut out);
    out
}

/// Offset of `CTRL_ATTR_OP` in a GETPOLICY request (`NL_SET_BAD_ATTR`).
fn op_offset(request: &[u8]) -> Option<u32> {
    let start = NLMSG_HDRLEN + GENL_HDRLEN;
    AttrIter::with_base(request.get(start..)?, start)
        .map_while(Result::ok)
        .find(|a| a.kind() == CTRL_ATTR_OP)
        .and_then(|a| u32::try_from(a.offset()).ok())
}
