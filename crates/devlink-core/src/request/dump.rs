//! Dumps: a resumable cursor over registered instances and their objects, filled into
//! as many datagrams as the transport needs (kernel: `devlink_nl_dumpit` and the
//! per-object `dump_one`, `struct devlink_nl_dump_state`).
//!
//! Consistency, as in the kernel: each call fills from the current state; between two
//! calls objects may come and go. Instances are walked in index order; ports and params
//! resume at the first key at or after the last one not sent (so objects added or removed
//! elsewhere never shift the walk); list-based objects resume by position.

use std::ops::Bound;
use std::sync::Arc;

use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::{Rejection, Reply};
use crate::driver::DriverError;
use crate::instance::Instance;
use crate::{Core, InstanceId};

/// What a dump lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DumpKind {
    Dev,
    Port,
    Param,
    PortParam,
    // == ports, rates, line cards ==
    /// Rate objects, by position in the rate list.
    Rate,
    /// Line cards, by position in the line card list.
    Linecard,
    // == end ports ==
    // == regions, health, traps ==
    Region,
    RegionRead,
    HealthReporter,
    HealthDump,
    Trap,
    TrapGroup,
    TrapPolicer,
    // == end regions ==
    // == info, selftests, sb ==
    Info,
    Selftests,
    Sb(super::sb_dump::SbDump),
    // == end info ==
}

/// What a dump keeps from its request besides the instance filter (kernel: the dump's
/// `genl_info` attributes, parsed again on every call).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum DumpArgs {
    #[default]
    None,
    // == regions, health, traps ==
    /// `REGION_READ`: the region and what to read.
    RegionRead(super::region::ReadArgs),
    /// `HEALTH_REPORTER_GET` with `PORT_INDEX`: that port's reporters only.
    ReporterPort(u32),
    /// `HEALTH_REPORTER_DUMP_GET`: the reporter and the stored dump being sent.
    HealthDump(super::health::DumpArgs),
    // == end regions ==
}

/// Where a dump is. Created by [`Core::handle_request`]; advanced by [`Core::dump_next`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpCursor {
    kind: DumpKind,
    only: Option<InstanceId>,
    instance: u32,
    idx: u64,
    done: bool,
    args: DumpArgs,
    error: Option<Rejection>,
}

/// Whether a dump has more to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpStep {
    /// `emit` refused a reply: call again with a fresh datagram.
    More,
    /// Everything was given: send `NLMSG_DONE`.
    Done,
}

impl DumpCursor {
    pub(crate) const fn new(kind: DumpKind, only: Option<InstanceId>) -> Self {
        Self {
            kind,
            only,
            instance: 0,
            idx: 0,
            done: false,
            args: DumpArgs::None,
            error: None,
        }
    }

    /// The same cursor, keeping `args` from the request.
    pub(crate) fn with_args(mut self, args: DumpArgs) -> Self {
        self.args = args;
        self
    }

    /// The dump is limited to one instance (or, for health reporters, one port): its
    /// messages carry `NLM_F_DUMP_FILTERED`.
    #[must_use]
    pub const fn filtered(&self) -> bool {
        self.only.is_some() || matches!(self.args, DumpArgs::ReporterPort(_))
    }

    /// The warning the dump's `NLMSG_DONE` carries when it completes (kernel: a message
    /// the dumpit sets on `cb->extack` while succeeding; `netlink_dump_done` sends it to
    /// a socket with `NETLINK_EXT_ACK`, no `NLM_F_ACK` needed). Mainline's port-param
    /// dump lists nothing and says "Port params are not supported".
    #[must_use]
    pub const fn warning(&self) -> Option<&'static str> {
        match self.kind {
            DumpKind::PortParam => Some(super::notify::PORT_PARAMS_UNSUPPORTED),
            _ => None,
        }
    }

    /// Why the dump failed midway, once [`Core::dump_next`] returned
    /// [`DumpStep::Done`]: the errno and extack the kernel's dumpit returned (they go in
    /// the `NLMSG_DONE`). `None` for a dump that completed.
    pub fn take_error(&mut self) -> Option<Rejection> {
        self.error.take()
    }
}

impl Core {
    /// Give the dump's next replies to `emit`, in order, until `emit` returns `false`
    /// (that reply was not taken: the datagram is full) or the dump ends. `emit` must
    /// take the first reply offered into an empty datagram, or the dump cannot advance.
    pub fn dump_next(
        &self,
        cursor: &mut DumpCursor,
        emit: &mut dyn FnMut(Reply) -> bool,
    ) -> DumpStep {
        if cursor.done {
            return DumpStep::Done;
        }
        let from = InstanceId(cursor.instance);
        for (&id, inst) in self.instances.range(from..) {
            if !inst.is_registered() || cursor.only.is_some_and(|o| o != id) {
                continue;
            }
            if id.0 != cursor.instance {
                cursor.instance = id.0;
                cursor.idx = 0;
            }
            let (args, error) = (&cursor.args, &mut cursor.error);
            let stopped = dump_instance(inst, cursor.kind, cursor.idx, args, error, emit);
            if cursor.error.is_some() {
                cursor.done = true;
                return DumpStep::Done;
            }
            if let Some(stopped_at) = stopped {
                cursor.idx = stopped_at;
                return DumpStep::More;
            }
            cursor.instance = id.0.saturating_add(1);
            cursor.idx = 0;
        }
        cursor.done = true;
        DumpStep::Done
    }
}

/// Offer one instance's objects from key `from` on; the key of the first one refused.
/// A dump that fails midway sets `error` (and returns anything).
fn dump_instance(
    inst: &Instance,
    kind: DumpKind,
    from: u64,
    args: &DumpArgs,
    error: &mut Option<Rejection>,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let o = &inst.objects;
    match kind {
        DumpKind::Dev => {
            let reply = Reply {
                cmd: Cmd::New,
                body: DevlinkBody::from(inst.fill()),
            };
            (from == 0 && !emit(reply)).then_some(0)
        }
        DumpKind::Port => {
            let start = u32::try_from(from).map_or(Bound::Excluded(u32::MAX), Bound::Included);
            for (&i, p) in o.ports.range((start, Bound::Unbounded)) {
                let reply = Reply {
                    cmd: Cmd::PortNew,
                    body: DevlinkBody::Port(Arc::clone(p)),
                };
                if !emit(reply) {
                    return Some(u64::from(i));
                }
            }
            None
        }
        DumpKind::PortParam => None,
        DumpKind::Param => {
            let start = u32::try_from(from).map_or(Bound::Excluded(u32::MAX), Bound::Included);
            for (&id, p) in o.params.range((start, Bound::Unbounded)) {
                let reply = Reply {
                    cmd: Cmd::ParamGet,
                    body: DevlinkBody::from(p.param.clone()),
                };
                if !emit(reply) {
                    return Some(u64::from(id));
                }
            }
            None
        }
        // == ports, rates, line cards ==
        DumpKind::Rate => by_position(&o.rates, from, emit, |r| Reply {
            cmd: Cmd::RateNew,
            body: DevlinkBody::from(r.clone()),
        }),
        DumpKind::Linecard => by_position(&o.linecards, from, emit, |l| Reply {
            cmd: Cmd::LinecardNew,
            body: DevlinkBody::from(l.clone()),
        }),
        // == end ports ==
        // == info, selftests, sb ==
        DumpKind::Info => {
            // The kernel skips an instance whose info_get says EOPNOTSUPP; other errors
            // end its dump with the error, which a cursor cannot carry: skipped too.
            let Ok(info) = super::info::info_fill(inst) else {
                return None;
            };
            let reply = Reply {
                cmd: Cmd::InfoGet,
                body: DevlinkBody::from(info),
            };
            (from == 0 && !emit(reply)).then_some(0)
        }
        DumpKind::Selftests => {
            let body = super::selftests::selftests_fill(inst)?;
            let reply = Reply {
                cmd: Cmd::SelftestsGet,
                body: DevlinkBody::from(body),
            };
            (from == 0 && !emit(reply)).then_some(0)
        }
        DumpKind::Sb(kind) => super::sb_dump::dump_sb(inst, kind, from, emit),
        // == end info ==
        // == regions, health, traps ==
        DumpKind::Region => super::region::get_dump(inst, from, emit),
        DumpKind::RegionRead => match args {
            DumpArgs::RegionRead(a) => super::region::read_dump(inst, a, from, error, emit),
            _ => None,
        },
        DumpKind::HealthReporter => {
            let port = match args {
                DumpArgs::ReporterPort(p) => Some(*p),
                _ => None,
            };
            super::health::get_dump(inst, port, from, emit)
        }
        DumpKind::HealthDump => match args {
            DumpArgs::HealthDump(a) => super::health::dump_get(inst, a, from, error, emit),
            _ => None,
        },
        DumpKind::Trap => try_by_position(&o.traps, from, error, emit, |t| {
            Ok(Reply {
                cmd: Cmd::TrapNew,
                body: DevlinkBody::from(o.trap_fill(t)?),
            })
        }),
        DumpKind::TrapGroup => by_position(&o.groups, from, emit, |g| Reply {
            cmd: Cmd::TrapGroupNew,
            body: DevlinkBody::from(g.clone()),
        }),
        DumpKind::TrapPolicer => try_by_position(&o.policers, from, error, emit, |p| {
            Ok(Reply {
                cmd: Cmd::TrapPolicerNew,
                body: DevlinkBody::from(o.policer_fill(p)?),
            })
        }),
        // == end regions ==
    }
}

/// A list dumped by position (the kernel's `idx` over a list): offer it from position
/// `from` on; the position of the first one refused.
fn by_position<T>(
    list: &[T],
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
    fill: impl Fn(&T) -> Reply,
) -> Option<u64> {
    for (idx, item) in (0u64..).zip(list) {
        if idx >= from && !emit(fill(item)) {
            return Some(idx);
        }
    }
    None
}

/// [`by_position`] with a fill that can fail (a driver counter read): the dump ends
/// there with the driver's error in `error` (the kernel's dumpit returns it, and it goes
/// in the `NLMSG_DONE`).
fn try_by_position<T>(
    list: &[T],
    from: u64,
    error: &mut Option<Rejection>,
    emit: &mut dyn FnMut(Reply) -> bool,
    fill: impl Fn(&T) -> Result<Reply, DriverError>,
) -> Option<u64> {
    for (idx, item) in (0u64..).zip(list) {
        if idx < from {
            continue;
        }
        match fill(item) {
            Ok(reply) => {
                if !emit(reply) {
                    return Some(idx);
                }
            }
            Err(e) => {
                *error = Some(e.into());
                return None;
            }
        }
    }
    None
}
