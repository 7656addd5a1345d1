//! `devlinkd_sim` requests: the simulator's control family (`docs/transport.md`,
//! "Families"), dispatched in `genl_family_rcv_msg`'s order like devlink's (op lookup,
//! `GENL_ADMIN_PERM`, one dump at a time, then decoding) and run on the server's
//! [`devlink_sim::Sim`]. What a sim action queues in the core reaches the `config`
//! subscribers before the request's reply and ACK.

use devlink_core::Errno;
use devlink_sim::{DeviceOptions, Era, EswitchStart, KNOBS, KnobAccess, SimError};
use devlink_wire::ctrl::{OpHalf, OpSpec};
use devlink_wire::nl::flags::NLM_F_MULTI;
use devlink_wire::nl::{GENL_HDRLEN, GenlHeader, NLMSG_HDRLEN, RawMessage};
use devlink_wire::simctl::{
    Knob, NewDevice, Register, SIM_OPS, SimBody, SimDevice, SimEswitch, SimMessage,
};
use devlink_wire::spec::GENL_ADMIN_PERM;

use super::conn::ConnId;
use super::errors::NlErr;
use super::reply;
use super::state::{Outcome, Server};

impl Server {
    /// The checks `genl_family_rcv_msg` makes before a daemon family's handler runs:
    /// header, op lookup in `ops`, the do or dump half, `GENL_ADMIN_PERM`, one dump at a
    /// time. Returns whether the request is a dump.
    pub(crate) fn check_op(
        &self,
        id: ConnId,
        raw: &RawMessage<'_>,
        ops: &[OpSpec],
    ) -> Result<bool, NlErr> {
        if raw.bytes.len() < NLMSG_HDRLEN + GENL_HDRLEN {
            return Err(NlErr::errno(Errno::EINVAL));
        }
        let genl = GenlHeader::parse(raw.payload()).map_err(|_| NlErr::errno(Errno::EINVAL))?;
        let dump = raw.header.is_dump();
        let op = ops
            .iter()
            .find(|o| o.cmd == genl.cmd)
            .ok_or(NlErr::errno(Errno::EOPNOTSUPP))?;
        if (if dump { op.dumpit } else { op.doit }) == OpHalf::Absent {
            return Err(NlErr::errno(Errno::EOPNOTSUPP));
        }
        let conn = self.conns.get(&id).ok_or(NlErr::errno(Errno::EINVAL))?;
        if op.perm & GENL_ADMIN_PERM != 0 && !conn.admin {
            return Err(NlErr::errno(Errno::EPERM));
        }
        if dump && conn.dump.is_some() {
            return Err(NlErr::errno(Errno::EBUSY));
        }
        Ok(dump)
    }

    pub(crate) fn handle_sim(
        &mut self,
        id: ConnId,
        raw: &RawMessage<'_>,
    ) -> Result<Outcome, NlErr> {
        let dump = self.check_op(id, raw, &SIM_OPS)?;
        let msg =
            SimMessage::decode(raw.payload(), dump).map_err(|e| NlErr::from_sim_decode(&e))?;
        let to = self.to(id, raw);
        let answer = matches!(msg.body, SimBody::Get(_) | SimBody::NewDevice(_));
        let result = match msg.body {
            SimBody::Get(req) if dump => {
                let ids: Vec<u32> = match req.id {
                    Some(one) => vec![one],
                    None => self.sim.devices().map(|(i, _)| i).collect(),
                };
                let mut messages = Vec::with_capacity(ids.len());
                for dev in ids {
                    // A filter naming no device gives an empty dump.
                    let Ok(d) = self.sim_device(dev) else {
                        continue;
                    };
                    messages.push(
                        reply::sim(to, NLM_F_MULTI, SimBody::Device(d))
                            .map_err(|_| NlErr::errno(Errno::EMSGSIZE))?,
                    );
                }
                self.start_ready_dump(id, messages, to);
                return Ok(Outcome::NoAck);
            }
            SimBody::Get(req) => Ok(req.id.unwrap_or_default()),
            SimBody::NewDevice(req) => {
                // Through the server, so the device comes up with its stored permanent
                // param values.
                let options = device_options(req);
                self.port_limit(options.ports.max(options.vfs))
                    .and_then(|()| self.new_sim_device(&options))
                    .map(|()| options.id)
            }
            SimBody::DelDevice(req) => {
                let dev = req.id.unwrap_or_default();
                self.sim.del_device(&mut self.core, dev).map(|()| dev)
            }
            SimBody::NewPort(req) => self
                .sim
                .new_port(&mut self.core, req.id, req.index)
                .map(|()| req.id),
            SimBody::DelPort(req) => self
                .sim
                .del_port(&mut self.core, req.id, req.index)
                .map(|()| req.id),
            SimBody::SriovNumvfs(req) => self.port_limit(req.vfs).and_then(|()| {
                self.sim
                    .sriov_numvfs(&mut self.core, req.id, req.vfs)
                    .map(|()| req.id)
            }),
            SimBody::SetKnob(req) => self
                .sim
                .set_knob(&mut self.core, req.id, &req.name, &req.value)
                .map(|()| req.id),
            SimBody::Device(_) => return Err(NlErr::errno(Errno::EOPNOTSUPP)),
        };
        // What the action queued (even a failing one, e.g. a health report whose
        // recovery fails) reaches every subscriber before the reply.
        self.fan_out();
        let dev = result.map_err(|e| NlErr::from_sim(&e))?;
        // GET and NEW_DEVICE answer with the device, as devlink's GET and PORT_NEW do.
        if answer {
            let d = self.sim_device(dev).map_err(|e| NlErr::from_sim(&e))?;
            let bytes =
                reply::sim(to, 0, SimBody::Device(d)).map_err(|_| NlErr::errno(Errno::EMSGSIZE))?;
            if let Some(conn) = self.conns.get_mut(&id) {
                conn.push_reply(bytes);
            }
        }
        Ok(Outcome::Ack(None))
    }

    /// [`ServerConfig::max_sim_ports`](super::ServerConfig::max_sim_ports): `-ENOMEM`
    /// for a request that would create more ports than that.
    fn port_limit(&self, ports: u32) -> Result<(), SimError> {
        let max = self.config.max_sim_ports;
        if ports <= max {
            return Ok(());
        }
        Err(SimError::Refused {
            errno: Errno::ENOMEM,
            msg: format!("{ports} ports: devlinkd makes at most {max} in one request"),
        })
    }

    /// Device `dev` as a `DEVICE` reply: handle, VF count, every knob.
    fn sim_device(&mut self, dev: u32) -> Result<SimDevice, SimError> {
        let instance = self.sim.instance(dev).ok_or(SimError::NoDevice(dev))?;
        let handle = self.core.devl(instance)?.handle().to_string();
        let vfs = self.sim.num_vfs(&mut self.core, dev)?;
        let knobs = self
            .sim
            .knobs(&mut self.core, dev)?
            .into_iter()
            .map(|(name, value)| Knob {
                name: name.to_owned(),
                value,
                write_only: KNOBS.contains(&(name, KnobAccess::WriteOnly)),
                unknown: Vec::new(),
            })
            .collect();
        Ok(SimDevice {
            id: dev,
            handle,
            vfs,
            knobs,
            unknown: Vec::new(),
        })
    }
}

/// What a `NEW_DEVICE` asks for, as simulator options (netdevsim's defaults for the rest).
fn device_options(req: NewDevice) -> DeviceOptions {
    let mut o = DeviceOptions::new(req.id, req.ports.unwrap_or(1));
    o.register = match req.register.unwrap_or_default() {
        Register::Last => Era::Kernel61,
        Register::First => Era::Mainline,
    };
    o.handle = req.handle;
    o.eswitch = match req.eswitch.unwrap_or_default() {
        SimEswitch::Legacy => EswitchStart::Legacy,
        SimEswitch::Switchdev => EswitchStart::Switchdev,
    };
    o.vfs = req.vfs.unwrap_or(0);
    o
}
