//! Health reporter requests (kernel: `net/devlink/health.c`): `HEALTH_REPORTER_GET` do
//! (the dump is in `dump.rs`), `SET`, `RECOVER`, `DIAGNOSE` (a multi-part reply),
//! `DUMP_GET` (dump only), `DUMP_CLEAR`, `TEST`.

use devlink_wire::devlink::{Fmsg, FmsgItem, FmsgValue, HealthReq, HealthSetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::nl::Emitter;
use devlink_wire::spec::Cmd;

use super::dump::{DumpArgs as Args, DumpCursor, DumpKind};
use super::lend::{instance, with_driver};
use super::{Rejection, Reply, Response};
use crate::instance::Instance;
use crate::objects::ReporterItem;
use crate::{Core, Errno, InstanceId};

/// Room for fmsg items in one message: a `GENLMSG_DEFAULT_SIZE` skb on 4 KiB pages
/// (3776 bytes) less the netlink and genetlink headers and the `DEVLINK_ATTR_FMSG` nest.
/// The kernel fills each message until it is full, so the split follows its sizes.
const FMSG_ROOM: usize = 3776 - 16 - 4 - 4;

/// What a `HEALTH_REPORTER_DUMP_GET` dump sends: the reporter, looked up again on every
/// call, and which stored dump (a newer one fails the dump with `-EAGAIN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DumpArgs {
    port: Option<u32>,
    name: String,
    generation: u64,
}

/// `devlink_health_reporter_get_from_attrs`: by name, among the port's reporters when
/// `PORT_INDEX` names an existing port, else among the instance's (an unknown port index
/// falls back to the instance reporters, as in the kernel). `None` without a name.
fn find<'a>(inst: &'a Instance, port: Option<u32>, name: Option<&str>) -> Option<&'a ReporterItem> {
    let name = name?;
    let port = port.filter(|p| inst.objects.ports.contains_key(p));
    let mut all = inst.objects.reporters.iter();
    all.find(|r| r.reporter.port_index == port && r.reporter.name == name)
}

/// The reporter a request names, with its key; `-EINVAL` if there is none.
fn reporter<'a>(
    core: &'a Core,
    req: &HealthReq,
) -> Result<(InstanceId, &'a ReporterItem), Rejection> {
    let (id, inst) = instance(core, req.handle.as_ref())?;
    let r =
        find(inst, req.port_index, req.name.as_deref()).ok_or(Rejection::errno(Errno::EINVAL))?;
    Ok((id, r))
}

fn encoded_len(item: &FmsgItem) -> usize {
    let mut buf = Vec::new();
    let mut e = Emitter::new(&mut buf);
    item.encode(&mut e);
    let _ = e.finish();
    buf.len()
}

/// One message's worth of items from `from` (`devlink_fmsg_prepare_skb`): as many as fit
/// in [`FMSG_ROOM`]; a value whose type fits but whose data does not leaves its type
/// attribute behind, as the kernel does. Returns the items and where the next starts.
fn fmsg_slice(items: &[FmsgItem], from: usize) -> (Vec<FmsgItem>, usize) {
    let (mut out, mut used, mut next) = (Vec::new(), 0, from);
    for item in items.iter().skip(from) {
        let len = encoded_len(item);
        if used + len > FMSG_ROOM {
            if let FmsgItem::Value(v) = item
                && used + 8 <= FMSG_ROOM
            {
                out.push(FmsgItem::TypeOnly(value_type(v)));
            }
            break;
        }
        used += len;
        out.push(item.clone());
        next += 1;
    }
    (out, next)
}

fn value_type(v: &FmsgValue) -> u8 {
    v.ty() as u8
}

fn fmsg_reply(cmd: Cmd, items: Vec<FmsgItem>) -> Reply {
    Reply {
        cmd,
        body: DevlinkBody::from(Fmsg {
            items,
            unknown: Vec::new(),
        }),
    }
}

impl Core {
    /// `HEALTH_REPORTER_GET` do (`-EINVAL` for an unknown reporter), answered as
    /// `HEALTH_REPORTER_GET`.
    pub(crate) fn health_get(&self, req: &HealthReq) -> Result<Response, Rejection> {
        let (_, r) = reporter(self, req)?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::HealthReporterGet,
            body: DevlinkBody::from(r.reporter.clone()),
        }]))
    }

    /// `HEALTH_REPORTER_SET`: recover settings need the recover op, auto-dump the dump op
    /// (`-EOPNOTSUPP`); a graceful period of 0 resets the burst period; a burst period
    /// needs a graceful period. Silent. Unlike the kernel, which has already stored a
    /// graceful period given in the same request when it refuses the burst period, a
    /// refused request changes nothing.
    pub(crate) fn health_set(&mut self, req: &HealthSetReq) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let r =
            find(inst, req.port_index, Some(&req.name)).ok_or(Rejection::errno(Errno::EINVAL))?;
        let recover_attrs = req.graceful_period.is_some()
            || req.auto_recover.is_some()
            || req.burst_period.is_some();
        if !r.ops.recover && recover_attrs {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        if !r.ops.dump && req.auto_dump.is_some() {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let graceful = req.graceful_period.unwrap_or_else(|| r.graceful_ms());
        if graceful == 0 && req.burst_period.is_some_and(|b| b != 0) {
            return Err(Rejection::msg(
                Errno::EINVAL,
                "devlink: Cannot set burst period without a grace period.",
            ));
        }
        let (port, name) = (r.reporter.port_index, r.reporter.name.clone());
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.health_reporter_set(port, &name, req);
        Ok(Response::Do(Vec::new()))
    }

    /// `HEALTH_REPORTER_RECOVER`: nothing for a healthy reporter; `-EOPNOTSUPP` without
    /// the recover op; the driver's error as is; on success `HEALTH_REPORTER_RECOVER`.
    pub(crate) fn health_recover(&mut self, req: &HealthReq) -> Result<Response, Rejection> {
        let (id, r) = reporter(self, req)?;
        let (port, name) = (r.reporter.port_index, r.reporter.name.clone());
        with_driver(self, id, |driver, devl| {
            devl.health_recover_with(driver, port, &name)
        })??;
        Ok(Response::Do(Vec::new()))
    }

    /// `HEALTH_REPORTER_DIAGNOSE`: the driver's diagnosis as `NLM_F_MULTI` messages and
    /// an explicit `NLMSG_DONE` (`Response::Multi`).
    pub(crate) fn health_diagnose(&self, req: &HealthReq) -> Result<Response, Rejection> {
        let (id, r) = reporter(self, req)?;
        if !r.ops.diagnose {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let inst = self
            .instances
            .get(&id)
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let driver = inst
            .driver
            .as_ref()
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let inner = driver.health_diagnose(r.reporter.port_index, &r.reporter.name)?;
        let mut items = Vec::with_capacity(inner.len() + 2);
        items.push(FmsgItem::ObjNestStart);
        items.extend(inner);
        items.push(FmsgItem::NestEnd);
        let mut replies = Vec::new();
        let mut from = 0;
        loop {
            let (slice, next) = fmsg_slice(&items, from);
            if next == from {
                return Err(Rejection::errno(Errno::EMSGSIZE));
            }
            replies.push(fmsg_reply(Cmd::HealthReporterDiagnose, slice));
            if next >= items.len() {
                return Ok(Response::Multi(replies));
            }
            from = next;
        }
    }

    /// `HEALTH_REPORTER_DUMP_GET` (dump only): `-EINVAL` for an unknown instance or
    /// reporter, `-EOPNOTSUPP` without the dump op; a dump is taken now if none is stored
    /// (the driver's error as is), then sent in as many messages as it takes.
    pub(crate) fn health_dump_start(&mut self, req: &HealthReq) -> Result<DumpCursor, Rejection> {
        let (id, r) = reporter(self, req).map_err(|_| Rejection::errno(Errno::EINVAL))?;
        if !r.ops.dump {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let (port, name) = (r.reporter.port_index, r.reporter.name.clone());
        let generation = with_driver(self, id, |driver, devl| {
            devl.health_do_dump(&*driver, port, &name)?;
            let r = devl.inst.objects.reporters.iter();
            let mut r = r.filter(|r| r.reporter.port_index == port && r.reporter.name == name);
            Ok::<_, Rejection>(r.next().filter(|r| r.dump.is_some()).map(|r| r.dump_gen))
        })??;
        let generation =
            generation.ok_or(Rejection::msg(Errno::EAGAIN, "Dump trampled, please retry"))?;
        let args = Args::HealthDump(DumpArgs {
            port,
            name,
            generation,
        });
        Ok(DumpCursor::new(DumpKind::HealthDump, Some(id)).with_args(args))
    }

    /// `HEALTH_REPORTER_DUMP_CLEAR`: forget the stored dump (`-EOPNOTSUPP` without the
    /// dump op). Silent.
    pub(crate) fn health_dump_clear(&mut self, req: &HealthReq) -> Result<Response, Rejection> {
        let (id, r) = reporter(self, req)?;
        if !r.ops.dump {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let (port, name) = (r.reporter.port_index, r.reporter.name.clone());
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.health_dump_clear(port, &name);
        Ok(Response::Do(Vec::new()))
    }

    /// `HEALTH_REPORTER_TEST`: the driver's test op (`-EOPNOTSUPP` without it), which
    /// typically reports an error.
    pub(crate) fn health_test(&mut self, req: &HealthReq) -> Result<Response, Rejection> {
        let (id, r) = reporter(self, req)?;
        if !r.ops.test {
            return Err(Rejection::errno(Errno::EOPNOTSUPP));
        }
        let (port, name) = (r.reporter.port_index, r.reporter.name.clone());
        with_driver(self, id, |driver, devl| {
            driver.health_test(devl, port, &name)
        })??;
        Ok(Response::Do(Vec::new()))
    }
}

/// One call of the `DUMP_GET` dump: messages of the stored dump from item `from`.
pub(super) fn dump_get(
    inst: &Instance,
    args: &DumpArgs,
    from: u64,
    error: &mut Option<Rejection>,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let Some(r) = find(inst, args.port, Some(&args.name)) else {
        *error = Some(Rejection::errno(Errno::EINVAL));
        return None;
    };
    let items = match &r.dump {
        Some(items) if r.dump_gen == args.generation => items,
        _ => {
            *error = Some(Rejection::msg(Errno::EAGAIN, "Dump trampled, please retry"));
            return None;
        }
    };
    let mut from = usize::try_from(from).unwrap_or(usize::MAX);
    while from < items.len() {
        let (slice, next) = fmsg_slice(items, from);
        if next == from {
            *error = Some(Rejection::errno(Errno::EMSGSIZE));
            return None;
        }
        if !emit(fmsg_reply(Cmd::HealthReporterDumpGet, slice)) {
            return Some(from as u64);
        }
        from = next;
    }
    None
}

/// `HEALTH_REPORTER_GET` dump of one instance: its reporters, then each port's (ports
/// ascending), or only port `port`'s; resumes by position, as the kernel does.
pub(super) fn get_dump(
    inst: &Instance,
    port: Option<u32>,
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let reporters = &inst.objects.reporters;
    let own = reporters
        .iter()
        .filter(move |r| port.is_none() && r.reporter.port_index.is_none());
    let ports = inst
        .objects
        .ports
        .keys()
        .filter(move |&&p| port.is_none_or(|q| q == p))
        .flat_map(|&p| {
            reporters
                .iter()
                .filter(move |r| r.reporter.port_index == Some(p))
        });
    for (idx, r) in (0u64..).zip(own.chain(ports)) {
        if idx < from {
            continue;
        }
        let reply = Reply {
            cmd: Cmd::HealthReporterGet,
            body: DevlinkBody::from(r.reporter.clone()),
        };
        if !emit(reply) {
            return Some(idx);
        }
    }
    None
}
