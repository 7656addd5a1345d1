//! dpipe requests (kernel: `net/devlink/dpipe.c`): tables, entries and headers as
//! multi-part replies, and the table counters switch. Without registered tables the
//! table reply is one message with an empty `DPIPE_TABLES` nest, as in the kernel.

use devlink_wire::devlink::{
    DpipeCountersSetReq, DpipeEntries, DpipeEntriesGetReq, DpipeHeaders, DpipeTableGetReq,
    DpipeTables, Handle,
};
use devlink_wire::message::DevlinkBody;
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
        let tables = inst
            .objects
            .dpipe
            .tables
            .iter()
            .filter(|t| req.table_name.as_ref().is_none_or(|n| *n == t.def.name))
            .map(|t| t.fill(d.dpipe_table_size(&t.def.name)))
            .collect();
        Ok(Response::Multi(vec![Reply {
            cmd: Cmd::DpipeTableGet,
            body: DevlinkBody::from(DpipeTables {
                handle: inst.handle.clone(),
                tables,
                unknown: Vec::new(),
            }),
        }]))
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
        Ok(Response::Multi(vec![Reply {
            cmd: Cmd::DpipeEntriesGet,
            body: DevlinkBody::from(DpipeEntries {
                handle: inst.handle.clone(),
                entries,
                unknown: Vec::new(),
            }),
        }]))
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
