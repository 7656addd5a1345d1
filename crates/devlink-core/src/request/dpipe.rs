//! dpipe requests (kernel: `net/devlink/dpipe.c`): tables, entries and headers as
//! multi-part replies, and the table counters switch. Without registered tables the
//! table reply is one message with an empty `DPIPE_TABLES` nest, as in the kernel.
//!
//! Tables and entries fill each message of the reply until the next one does not fit
//! (`devlink_dpipe_tables_fill`, the drivers' `entries_dump` loops), in the kernel's
//! message size: a reply never needs a larger receive buffer than the kernel's would.

use devlink_wire::devlink::{
    Body, DpipeCountersSetReq, DpipeEntries, DpipeEntriesGetReq, DpipeHeaders, DpipeTableGetReq,
    DpipeTables, Handle,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::Emitter;
use devlink_wire::spec::Cmd;

use super::info::driver_of;
use super::{Rejection, Reply, Response};
use crate::instance::Instance;
use crate::{Core, Errno, InstanceId};

impl Core {
    fn dpipe_instance(
        &self,
        handle: Option<&Handle>,
    ) -> Result<(InstanceId, &Instance), Rejection> {
        let id = self.resolve(handle)?;
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        Ok((id, inst))
    }

    /// `DPIPE_TABLE_GET`: every table, or the named one (an unknown name gives an empty
    /// list, not an error).
    pub(crate) fn dpipe_table_get(&self, req: &DpipeTableGetReq) -> Result<Response, Rejection> {
        let (_, inst) = self.dpipe_instance(Some(&req.handle))?;
        let d = driver_of(inst);
        let tables: Vec<_> = inst
            .objects
            .dpipe
            .tables
            .iter()
            .filter(|t| req.table_name.as_ref().is_none_or(|n| *n == t.def.name))
            .map(|t| t.fill(d.dpipe_table_size(&t.def.name)))
            .collect();
        let handle = &inst.handle;
        let replies = split(tables, |tables| DpipeTables {
            handle: handle.clone(),
            tables,
            unknown: Vec::new(),
        })?;
        Ok(multi(Cmd::DpipeTableGet, replies))
    }

    /// `DPIPE_ENTRIES_GET`: unknown table or one without `entries_dump` `-EINVAL`.
    pub(crate) fn dpipe_entries_get(
        &self,
        req: &DpipeEntriesGetReq,
    ) -> Result<Response, Rejection> {
        let (_, inst) = self.dpipe_instance(Some(&req.handle))?;
        let table = inst
            .objects
            .dpipe
            .table(&req.table_name)
            .ok_or(Rejection::errno(Errno::EINVAL))?;
        let entries =
            driver_of(inst).dpipe_entries_dump(&table.def.name, table.counters_enabled)?;
        let handle = &inst.handle;
        let replies = split(entries, |entries| DpipeEntries {
            handle: handle.clone(),
            entries,
            unknown: Vec::new(),
        })?;
        Ok(multi(Cmd::DpipeEntriesGet, replies))
    }

    /// `DPIPE_HEADERS_GET`: `-EOPNOTSUPP` until the driver registers headers.
    pub(crate) fn dpipe_headers_get(&self, handle: Option<&Handle>) -> Result<Response, Rejection> {
        let (_, inst) = self.dpipe_instance(handle)?;
        let headers = inst
            .objects
            .dpipe
            .headers
            .clone()
            .ok_or(Rejection::errno(Errno::EOPNOTSUPP))?;
        Ok(Response::Multi(vec![Reply {
            cmd: Cmd::DpipeHeadersGet,
            body: DevlinkBody::from(DpipeHeaders {
                handle: inst.handle.clone(),
                headers,
                unknown: Vec::new(),
            }),
        }]))
    }

    /// `DPIPE_TABLE_COUNTERS_SET`: unknown table `-EINVAL`, driver-controlled counters
    /// `-EOPNOTSUPP`; the driver's `counters_set_update` only if the flag changes.
    pub(crate) fn dpipe_counters_set(
        &mut self,
        req: &DpipeCountersSetReq,
    ) -> Result<Response, Rejection> {
        let (id, inst) = self.dpipe_instance(Some(&req.handle))?;
        let table = inst
            .objects
            .dpipe
            .table(&req.table_name)
            .ok_or(Rejection::errno(Errno::EINVAL))?;
        if table.def.counter_control_extern {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let enable = req.counters_enabled != 0;
        let name = req.table_name.clone();
        super::lend::with_driver(self, id, |d, devl| {
            if devl.dpipe_counters_set(&name, enable) {
                d.dpipe_counters_set_update(devl, &name, enable);
            }
        })?;
        Ok(Response::Do(Vec::new()))
    }
}

/// Bytes of one reply message in the kernel (`genlmsg_new(GENLMSG_DEFAULT_SIZE)`: an
/// skb of `NLMSG_GOODSIZE`, 3776 on 4 KiB pages), netlink and genetlink headers
/// included.
const MSG_SIZE: usize = 3776;
/// `nlmsghdr` + `genlmsghdr`.
const HEADERS: usize = 16 + 4;

/// Encoded length of a body's attributes.
fn encoded_len(body: &impl Body) -> usize {
    let mut buf = Vec::new();
    let mut e = Emitter::new(&mut buf);
    body.encode(&mut e);
    let _ = e.finish();
    buf.len()
}

/// The messages of a container reply: `make` builds one from its items; each holds the
/// items that fit after the previous message's, at least one (an item too large for an
/// empty message fails the request with `-EMSGSIZE`, as in the kernel). No items: one
/// message with an empty container.
fn split<T: Clone, B: Body>(
    items: Vec<T>,
    make: impl Fn(Vec<T>) -> B,
) -> Result<Vec<B>, Rejection> {
    let empty = encoded_len(&make(Vec::new()));
    let room = MSG_SIZE.saturating_sub(HEADERS + empty);
    let mut messages = Vec::new();
    let (mut current, mut used) = (Vec::new(), 0);
    for item in items {
        let len = encoded_len(&make(vec![item.clone()])).saturating_sub(empty);
        if used + len > room {
            if current.is_empty() {
                return Err(Rejection::errno(Errno::EMSGSIZE));
            }
            messages.push(make(std::mem::take(&mut current)));
            used = 0;
            if len > room {
                return Err(Rejection::errno(Errno::EMSGSIZE));
            }
        }
        used += len;
        current.push(item);
    }
    if !current.is_empty() || messages.is_empty() {
        messages.push(make(current));
    }
    Ok(messages)
}

/// A multi-part reply of `cmd`.
fn multi<B: Into<DevlinkBody>>(cmd: Cmd, bodies: Vec<B>) -> Response {
    Response::Multi(
        bodies
            .into_iter()
            .map(|b| Reply {
                cmd,
                body: b.into(),
            })
            .collect(),
    )
}
