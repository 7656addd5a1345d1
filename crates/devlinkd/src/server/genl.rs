//! Devlink requests: generic netlink dispatch in the kernel's order
//! (`genl_family_rcv_msg`: header length, header check for new commands, op lookup,
//! permission, then attribute validation), the core, and the replies.

use devlink_core::{Accepted, Errno, Request, Response, is_admin_cmd};
use devlink_wire::ctrl::{DEVLINK_OPS, OpHalf};
use devlink_wire::message::{Families, Message, Payload};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_MULTI, NLM_F_REQUEST};
use devlink_wire::nl::{GENL_HDRLEN, GenlHeader, NLMSG_HDRLEN, RawMessage};
use devlink_wire::spec::Cmd;

use super::conn::{ConnId, MAX_DATAGRAM};
use super::dump::PendingDump;
use super::errors::NlErr;
use super::reply;
use super::state::{Outcome, Server};

/// `devlink_nl_family.resv_start_op`: commands from here on get `genl_header_check`.
const RESV_START_OP: u8 = Cmd::NotifyFilterSet as u8;

impl Server {
    pub(crate) fn handle_devlink(
        &mut self,
        id: ConnId,
        raw: &RawMessage<'_>,
    ) -> Result<Outcome, NlErr> {
        let h = raw.header;
        if raw.bytes.len() < NLMSG_HDRLEN + GENL_HDRLEN {
            return Err(NlErr::errno(Errno::EINVAL));
        }
        let genl = GenlHeader::parse(raw.payload()).map_err(|_| NlErr::errno(Errno::EINVAL))?;
        header_check(genl, h.flags)?;
        let dump = h.is_dump();
        let op = DEVLINK_OPS
            .iter()
            .find(|o| o.cmd == genl.cmd)
            .ok_or(NlErr::errno(Errno::EOPNOTSUPP))?;
        let half = if dump { op.dumpit } else { op.doit };
        let cmd = Cmd::from_repr(genl.cmd).ok_or(NlErr::errno(Errno::EOPNOTSUPP))?;
        if half == OpHalf::Absent {
            return Err(NlErr::errno(Errno::EOPNOTSUPP));
        }
        let conn = self.conns.get(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
        let (admin, opts) = (conn.admin, conn.opts);
        if is_admin_cmd(cmd) && !admin {
            return Err(NlErr::errno(Errno::EPERM));
        }
        if dump && conn.dump.is_some() {
            // netlink_dump_start: one dump at a time per socket.
            return Err(NlErr::errno(Errno::EBUSY));
        }
        let families = Families {
            devlink: Some(self.config.family_id),
        };
        let msg = Message::decode(raw, families).map_err(|e| NlErr::from_decode(&e))?;
        let Payload::Devlink(m) = msg.payload else {
            return Err(NlErr::errno(Errno::EINVAL));
        };
        let _ = self.take_persist_error();
        // A flash starts after whatever is held: its reply waits for its whole time.
        let flash_start = if cmd == Cmd::FlashUpdate {
            self.gate.flash = None;
            self.gate.tail()
        } else {
            None
        };
        let result = self.core.handle_request(Request {
            cmd,
            body: m.body,
            dump,
            admin,
        });
        // The request's notifications reach every subscriber before its reply, and a
        // permanent value it commits is durable before then.
        self.fan_out();
        let Accepted { response, warning } =
            result.map_err(|r| NlErr::from_rejection(&r, raw.bytes))?;
        if let Some(e) = self.take_persist_error() {
            return Err(NlErr::not_persisted(&e));
        }
        if let Some(start) = flash_start {
            self.hold_flash_reply(start);
        }
        let to = self.to(id, raw);
        let conn = self.conns.get_mut(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
        match response {
            Response::Do(replies) => {
                for r in replies {
                    let bytes = reply::devlink(to, 0, r.cmd, r.body)
                        .map_err(|_| NlErr::errno(Errno::EMSGSIZE))?;
                    if bytes.len() > MAX_DATAGRAM {
                        return Err(NlErr::errno(Errno::EMSGSIZE));
                    }
                    conn.push_reply(bytes);
                }
                Ok(Outcome::Ack(warning))
            }
            Response::Multi(replies) => {
                for r in replies {
                    let bytes = reply::devlink(to, NLM_F_MULTI, r.cmd, r.body)
                        .map_err(|_| NlErr::errno(Errno::EMSGSIZE))?;
                    if bytes.len() > MAX_DATAGRAM {
                        return Err(NlErr::errno(Errno::EMSGSIZE));
                    }
                    conn.push_reply(bytes);
                }
                conn.push_reply(reply::done(to, None, true, opts.ext_ack));
                Ok(Outcome::Ack(warning))
            }
            Response::Dump(cursor) => {
                let mut d = PendingDump::devlink(cursor, to, raw.bytes, opts.ext_ack);
                // The kernel fills the first datagram inside sendmsg.
                let (dg, over) = d.next_datagram(&self.core);
                conn.push_reply(dg);
                if !over {
                    conn.dump = Some(d);
                }
                Ok(Outcome::NoAck)
            }
            Response::NotifyFilter(f) => {
                conn.filter = f;
                Ok(Outcome::Ack(warning))
            }
        }
    }
}

/// `genl_header_check`, for commands from [`RESV_START_OP`] on.
fn header_check(genl: GenlHeader, flags: u16) -> Result<(), NlErr> {
    if genl.cmd < RESV_START_OP {
        return Ok(());
    }
    if genl.reserved != 0 {
        return Err(NlErr::msg(
            Errno::EINVAL,
            "genlmsghdr.reserved field is not 0",
        ));
    }
    let mut f = flags;
    if f & NLM_F_DUMP == NLM_F_DUMP {
        f &= !NLM_F_DUMP;
    }
    if f & !(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO) != 0 {
        return Err(NlErr::msg(
            Errno::EINVAL,
            "ambiguous or reserved bits set in nlmsg_flags",
        ));
    }
    Ok(())
}
