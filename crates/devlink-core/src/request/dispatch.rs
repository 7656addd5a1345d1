//! From a request to its handler: the op table (doit, dumpit, admin) of
//! `net/devlink/netlink_gen.c`, instance resolution, and the handlers.

use devlink_wire::devlink::Handle;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::dump::{DumpCursor, DumpKind};
use super::sb_dump::SbDump;
use super::{Accepted, Rejection, Request, Response, Warning};
use crate::{Core, Errno, InstanceId};

/// Commands flagged `GENL_ADMIN_PERM`.
#[must_use]
pub const fn is_admin_cmd(cmd: Cmd) -> bool {
    use Cmd as C;
    matches!(
        cmd,
        C::PortSet
            | C::PortNew
            | C::PortDel
            | C::PortSplit
            | C::PortUnsplit
            | C::SbPoolSet
            | C::SbPortPoolSet
            | C::SbTcPoolBindSet
            | C::SbOccSnapshot
            | C::SbOccMaxClear
            | C::EswitchGet
            | C::EswitchSet
            | C::DpipeTableCountersSet
            | C::ResourceSet
            | C::Reload
            | C::ParamSet
            | C::RegionNew
            | C::RegionDel
            | C::RegionRead
            | C::PortParamSet
            | C::HealthReporterSet
            | C::HealthReporterRecover
            | C::HealthReporterDiagnose
            | C::HealthReporterDumpGet
            | C::HealthReporterDumpClear
            | C::HealthReporterTest
            | C::FlashUpdate
            | C::TrapSet
            | C::TrapGroupSet
            | C::TrapPolicerSet
            | C::RateSet
            | C::RateNew
            | C::RateDel
            | C::LinecardSet
            | C::SelftestsRun
    )
}

/// Commands with a `dumpit`.
#[must_use]
pub const fn has_dumpit(cmd: Cmd) -> bool {
    use Cmd as C;
    matches!(
        cmd,
        C::Get
            | C::PortGet
            | C::SbGet
            | C::SbPoolGet
            | C::SbPortPoolGet
            | C::SbTcPoolBindGet
            | C::ParamGet
            | C::RegionGet
            | C::RegionRead
            | C::PortParamGet
            | C::InfoGet
            | C::HealthReporterGet
            | C::HealthReporterDumpGet
            | C::TrapGet
            | C::TrapGroupGet
            | C::TrapPolicerGet
            | C::RateGet
            | C::LinecardGet
            | C::SelftestsGet
    )
}

/// Commands with a `doit` (every request command but the two dump-only ones).
#[must_use]
pub const fn has_doit(cmd: Cmd) -> bool {
    !matches!(cmd, Cmd::RegionRead | Cmd::HealthReporterDumpGet)
}

impl Core {
    /// Run one request with the kernel's semantics. Its notifications are queued before
    /// this returns, so a transport that drains them first delivers them before the
    /// reply and the ACK (rule 8). A rejected request changes nothing and queues nothing.
    pub fn handle_request(&mut self, req: Request) -> Result<Accepted, Rejection> {
        let mut warning = None;
        match self.run_request(&req, &mut warning) {
            Ok(response) => Ok(Accepted { response, warning }),
            // One extack per request, as in the kernel: a rejection that sets no
            // message of its own sends the warning set before it.
            Err(mut rejection) => {
                if rejection.msg.is_none() {
                    rejection.msg = warning;
                }
                Err(rejection)
            }
        }
    }

    fn run_request(&mut self, req: &Request, warning: &mut Warning) -> Result<Response, Rejection> {
        // genetlink checks, before devlink sees the request.
        if is_admin_cmd(req.cmd) && !req.admin {
            return Err(Rejection::errno(Errno::EPERM));
        }
        let ok = if req.dump {
            has_dumpit(req.cmd)
        } else {
            has_doit(req.cmd)
        };
        if !ok {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        if req.dump {
            return self.start_dump(req).map(Response::Dump);
        }
        match (req.cmd, &req.body) {
            (Cmd::Get, DevlinkBody::DevReq(b)) => self.dev_get(b.handle.as_ref()),
            (Cmd::Reload, DevlinkBody::ReloadReq(b)) => self.dev_reload(b),
            (Cmd::PortGet, DevlinkBody::PortGetReq(b)) => self.port_get(b),
            (Cmd::ParamGet, DevlinkBody::ParamGetReq(b)) => self.param_get(b),
            (Cmd::ParamSet, DevlinkBody::ParamSetReq(b)) => self.param_set_req(b),
            (Cmd::PortParamGet | Cmd::PortParamSet, _) => {
                Err(super::notify::port_params_unsupported())
            }
            (Cmd::NotifyFilterSet, DevlinkBody::NotifyFilterReq(b)) => {
                Ok(Self::notify_filter_set(b))
            }
            // == ports, rates, line cards, eswitch ==
            (Cmd::PortSet, DevlinkBody::PortSetReq(b)) => self.port_set(b),
            (Cmd::PortNew, DevlinkBody::PortNewReq(b)) => self.port_new_req(b),
            (Cmd::PortDel, DevlinkBody::PortKeyReq(b)) => self.port_del_req(b),
            (Cmd::PortSplit, DevlinkBody::PortSplitReq(b)) => self.port_split_req(b),
            (Cmd::PortUnsplit, DevlinkBody::PortKeyReq(b)) => self.port_unsplit_req(b),
            (Cmd::RateGet, DevlinkBody::RateGetReq(b)) => self.rate_get(b),
            (Cmd::RateSet, DevlinkBody::RateReq(b)) => self.rate_set_req(b),
            (Cmd::RateNew, DevlinkBody::RateReq(b)) => self.rate_new_req(b),
            (Cmd::RateDel, DevlinkBody::RateDelReq(b)) => self.rate_del_req(b),
            (Cmd::LinecardGet, DevlinkBody::LinecardGetReq(b)) => self.linecard_get(b),
            (Cmd::LinecardSet, DevlinkBody::LinecardSetReq(b)) => self.linecard_set(b, warning),
            (Cmd::EswitchGet, DevlinkBody::DevReq(b)) => self.eswitch_get(b),
            (Cmd::EswitchSet, DevlinkBody::Eswitch(b)) => self.eswitch_set(b),
            // == end ports ==
            // == regions, health, traps ==
            (Cmd::RegionGet, DevlinkBody::RegionGetReq(b)) => self.region_get(b),
            (Cmd::RegionNew, DevlinkBody::RegionNewReq(b)) => self.region_new(b),
            (Cmd::RegionDel, DevlinkBody::RegionDelReq(b)) => self.region_del(b),
            (Cmd::HealthReporterGet, DevlinkBody::HealthReq(b)) => self.health_get(b),
            (Cmd::HealthReporterSet, DevlinkBody::HealthSetReq(b)) => self.health_set(b),
            (Cmd::HealthReporterRecover, DevlinkBody::HealthReq(b)) => self.health_recover(b),
            (Cmd::HealthReporterDiagnose, DevlinkBody::HealthReq(b)) => self.health_diagnose(b),
            (Cmd::HealthReporterDumpClear, DevlinkBody::HealthReq(b)) => self.health_dump_clear(b),
            (Cmd::HealthReporterTest, DevlinkBody::HealthReq(b)) => self.health_test(b),
            (Cmd::TrapGet, DevlinkBody::TrapGetReq(b)) => self.trap_get(b),
            (Cmd::TrapSet, DevlinkBody::TrapSetReq(b)) => self.trap_set(b, warning),
            (Cmd::TrapGroupGet, DevlinkBody::TrapGroupGetReq(b)) => self.trap_group_get(b),
            (Cmd::TrapGroupSet, DevlinkBody::TrapGroupSetReq(b)) => self.trap_group_set(b, warning),
            (Cmd::TrapPolicerGet, DevlinkBody::TrapPolicerGetReq(b)) => self.trap_policer_get(b),
            (Cmd::TrapPolicerSet, DevlinkBody::TrapPolicerSetReq(b)) => self.trap_policer_set(b),
            // == end regions ==
            // == info, flash, selftests, sb, resources, dpipe ==
            (Cmd::InfoGet, DevlinkBody::DevReq(b)) => self.info_get(b.handle.as_ref()),
            (Cmd::FlashUpdate, DevlinkBody::FlashUpdateReq(b)) => self.flash_update(b),
            (Cmd::SelftestsGet, DevlinkBody::DevReq(b)) => self.selftests_get(b.handle.as_ref()),
            (Cmd::SelftestsRun, DevlinkBody::SelftestsGet(b)) => self.selftests_run(b),
            (Cmd::SbGet, DevlinkBody::SbGetReq(b)) => self.sb_get(b),
            (Cmd::SbPoolGet, DevlinkBody::SbPoolGetReq(b)) => self.sb_pool_get(b),
            (Cmd::SbPoolSet, DevlinkBody::SbPoolSetReq(b)) => self.sb_pool_set(b),
            (Cmd::SbPortPoolGet, DevlinkBody::SbPortPoolGetReq(b)) => self.sb_port_pool_get(b),
            (Cmd::SbPortPoolSet, DevlinkBody::SbPortPoolSetReq(b)) => self.sb_port_pool_set(b),
            (Cmd::SbTcPoolBindGet, DevlinkBody::SbTcPoolBindGetReq(b)) => {
                self.sb_tc_pool_bind_get(b)
            }
            (Cmd::SbTcPoolBindSet, DevlinkBody::SbTcPoolBindSetReq(b)) => {
                self.sb_tc_pool_bind_set(b)
            }
            (Cmd::SbOccSnapshot, DevlinkBody::SbOccReq(b)) => self.sb_occ(b, false),
            (Cmd::SbOccMaxClear, DevlinkBody::SbOccReq(b)) => self.sb_occ(b, true),
            (Cmd::ResourceDump, DevlinkBody::DevReq(b)) => self.resource_dump(b.handle.as_ref()),
            (Cmd::ResourceSet, DevlinkBody::ResourceSetReq(b)) => self.resource_set(b),
            (Cmd::DpipeTableGet, DevlinkBody::DpipeTableGetReq(b)) => self.dpipe_table_get(b),
            (Cmd::DpipeEntriesGet, DevlinkBody::DpipeEntriesGetReq(b)) => self.dpipe_entries_get(b),
            (Cmd::DpipeHeadersGet, DevlinkBody::DevReq(b)) => {
                self.dpipe_headers_get(b.handle.as_ref())
            }
            (Cmd::DpipeTableCountersSet, DevlinkBody::DpipeCountersSetReq(b)) => {
                self.dpipe_counters_set(b)
            }
            // == end info ==
            _ => Err(Rejection::msg(
                Errno::EOPNOTSUPP,
                "Request body does not match the command",
            )),
        }
    }

    /// `devlink_get_from_attrs`: the registered instance with this handle; `-EINVAL`
    /// without a handle, `-ENODEV` if none is registered under it.
    pub(crate) fn resolve(&self, handle: Option<&Handle>) -> Result<InstanceId, Rejection> {
        let handle = handle.ok_or(Rejection::errno(Errno::EINVAL))?;
        self.lookup(handle).ok_or(Rejection::errno(Errno::ENODEV))
    }

    fn start_dump(&mut self, req: &Request) -> Result<DumpCursor, Rejection> {
        let (kind, handle) = match (req.cmd, &req.body) {
            (Cmd::Get, DevlinkBody::DevReq(b)) => (DumpKind::Dev, b.handle.as_ref()),
            (Cmd::PortGet, DevlinkBody::PortGetReq(b)) => (DumpKind::Port, b.handle.as_ref()),
            (Cmd::ParamGet, DevlinkBody::ParamGetReq(b)) => (DumpKind::Param, b.handle.as_ref()),
            // Mainline's port-param dump sends nothing, and a warning (`DumpCursor::warning`).
            (Cmd::PortParamGet, _) => (DumpKind::PortParam, None),
            // == ports, rates, line cards ==
            (Cmd::RateGet, DevlinkBody::RateGetReq(b)) => (DumpKind::Rate, b.handle.as_ref()),
            (Cmd::LinecardGet, DevlinkBody::LinecardGetReq(b)) => {
                (DumpKind::Linecard, b.handle.as_ref())
            }
            // == end ports ==
            // == regions, health, traps ==
            (Cmd::RegionGet, DevlinkBody::RegionGetReq(b)) => (DumpKind::Region, b.handle.as_ref()),
            (Cmd::RegionRead, DevlinkBody::RegionReadReq(b)) => {
                return self.region_read_start(b);
            }
            (Cmd::HealthReporterGet, DevlinkBody::HealthReq(b)) => {
                if let Some(p) = b.port_index {
                    let only = match &b.handle {
                        Some(h) => Some(self.lookup(h).ok_or(Rejection::errno(Errno::ENODEV))?),
                        None => None,
                    };
                    let args = super::dump::DumpArgs::ReporterPort(p);
                    return Ok(DumpCursor::new(DumpKind::HealthReporter, only).with_args(args));
                }
                (DumpKind::HealthReporter, b.handle.as_ref())
            }
            (Cmd::HealthReporterDumpGet, DevlinkBody::HealthReq(b)) => {
                return self.health_dump_start(b);
            }
            (Cmd::TrapGet, DevlinkBody::TrapGetReq(b)) => (DumpKind::Trap, b.handle.as_ref()),
            (Cmd::TrapGroupGet, DevlinkBody::TrapGroupGetReq(b)) => {
                (DumpKind::TrapGroup, b.handle.as_ref())
            }
            (Cmd::TrapPolicerGet, DevlinkBody::TrapPolicerGetReq(b)) => {
                (DumpKind::TrapPolicer, b.handle.as_ref())
            }
            // == end regions ==
            // == info, selftests, sb ==
            (Cmd::InfoGet, DevlinkBody::DevReq(b)) => (DumpKind::Info, b.handle.as_ref()),
            (Cmd::SelftestsGet, DevlinkBody::DevReq(b)) => (DumpKind::Selftests, b.handle.as_ref()),
            (Cmd::SbGet, DevlinkBody::SbGetReq(b)) => (DumpKind::Sb(SbDump::Sb), b.handle.as_ref()),
            (Cmd::SbPoolGet, DevlinkBody::SbPoolGetReq(b)) => {
                (DumpKind::Sb(SbDump::Pool), b.handle.as_ref())
            }
            (Cmd::SbPortPoolGet, DevlinkBody::SbPortPoolGetReq(b)) => {
                (DumpKind::Sb(SbDump::PortPool), b.handle.as_ref())
            }
            (Cmd::SbTcPoolBindGet, DevlinkBody::SbTcPoolBindGetReq(b)) => {
                (DumpKind::Sb(SbDump::TcBind), b.handle.as_ref())
            }
            // == end info ==
            _ => {
                return Err(Rejection::msg(
                    Errno::EOPNOTSUPP,
                    "Request body does not match the command",
                ));
            }
        };
        // A dump with a handle dumps that instance only (NLM_F_DUMP_FILTERED), and
        // fails like a doit if it is not there.
        let only = match handle {
            Some(h) => Some(self.lookup(h).ok_or(Rejection::errno(Errno::ENODEV))?),
            None => None,
        };
        Ok(DumpCursor::new(kind, only))
    }
}
