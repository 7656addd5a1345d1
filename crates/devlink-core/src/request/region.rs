//! Region requests (kernel: `net/devlink/region.c`): `REGION_GET` do (the dump is in
//! `dump.rs`), `REGION_NEW` (a user snapshot), `REGION_DEL`, and the `REGION_READ` dump.

use devlink_wire::devlink::{
    RegionChunk, RegionDelReq, RegionGetReq, RegionNewReq, RegionRead, RegionReadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

use super::dump::{DumpArgs, DumpCursor, DumpKind};
use super::lend::{instance, with_driver};
use super::{Rejection, Reply, Response};
use crate::instance::Instance;
use crate::objects::RegionItem;
use crate::objects::region_event;
use crate::{Core, Errno};

/// `DEVLINK_REGION_READ_CHUNK_SIZE`.
const CHUNK: u64 = 256;
/// Chunks per `REGION_READ` message: what fits in a dump skb of `NLMSG_GOODSIZE` on
/// 4 KiB pages (the kernel fills each message until it is full; its skb can be larger
/// when the reader's buffer is, so a kernel may send fewer, larger messages).
const CHUNKS_PER_MESSAGE: u64 = 13;

/// What a `REGION_READ` dump reads; looked up again on every call, as the kernel does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadArgs {
    port: Option<u32>,
    name: String,
    /// `None`: a direct read of the live region.
    snapshot: Option<u32>,
    /// `REGION_CHUNK_ADDR` and `REGION_CHUNK_LEN`, when both were given.
    window: Option<(u64, u64)>,
}

/// The region `name` of the instance, or of port `port` (`-ENODEV` for an unknown port;
/// `Ok(None)` for an unknown region).
fn find<'a>(
    inst: &'a Instance,
    port: Option<u32>,
    name: &str,
) -> Result<Option<&'a RegionItem>, Rejection> {
    if let Some(p) = port
        && !inst.objects.ports.contains_key(&p)
    {
        return Err(Rejection::errno(Errno::ENODEV));
    }
    let mut regions = inst.objects.regions.iter();
    Ok(regions.find(|r| r.region.port_index == port && r.region.name == name))
}

impl Core {
    /// `REGION_GET` do: `-ENODEV` for an unknown port, `-EINVAL` for an unknown region;
    /// answered as `REGION_GET`.
    pub(crate) fn region_get(&self, req: &RegionGetReq) -> Result<Response, Rejection> {
        let (_, inst) = instance(self, req.handle.as_ref())?;
        let name = req
            .name
            .as_deref()
            .ok_or(Rejection::missing(Attr::RegionName))?;
        let region = find(inst, req.port_index, name)?.ok_or(Rejection::errno(Errno::EINVAL))?;
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::RegionGet,
            body: DevlinkBody::from(region.region.clone()),
        }]))
    }

    /// `REGION_NEW`: a snapshot taken by the driver's `.snapshot`, with the id given or
    /// the lowest free one (snapshot ids are per instance); `REGION_NEW` notification,
    /// and, when the kernel chose the id, a `REGION_NEW` reply naming it.
    pub(crate) fn region_new(&mut self, req: &RegionNewReq) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let region = find(inst, req.port_index, &req.name)?.ok_or(Rejection::msg(
            Errno::EINVAL,
            "The requested region does not exist",
        ))?;
        let ops = inst
            .driver
            .as_ref()
            .map(|d| d.region_ops(req.port_index, &req.name))
            .unwrap_or_default();
        if !ops.snapshot {
            return Err(Rejection::msg(
                Errno::EOPNOTSUPP,
                "The requested region does not support taking an immediate snapshot",
            ));
        }
        let max = usize::try_from(region.region.max_snapshots).unwrap_or(usize::MAX);
        if region.data.len() >= max {
            return Err(Rejection::msg(
                Errno::ENOSPC,
                "The region has reached the maximum number of stored snapshots",
            ));
        }
        let in_use = |sid: u32| {
            inst.objects
                .regions
                .iter()
                .any(|r| r.data.contains_key(&sid))
        };
        let snapshot_id = match req.snapshot_id {
            Some(sid) if region.data.contains_key(&sid) => {
                return Err(Rejection::msg(
                    Errno::EEXIST,
                    "The requested snapshot id is already in use",
                ));
            }
            // Used by a snapshot of another region: `__devlink_snapshot_id_insert`.
            Some(sid) if in_use(sid) => return Err(Rejection::errno(Errno::EEXIST)),
            Some(sid) => sid,
            None => (0..=u32::MAX)
                .find(|&sid| !in_use(sid))
                .ok_or(Rejection::msg(
                    Errno::ENOSPC,
                    "Failed to allocate a new snapshot id",
                ))?,
        };
        let (port, name) = (req.port_index, req.name.as_str());
        let event = with_driver(self, id, |driver, devl| {
            let data = driver.region_snapshot(devl, port, name)?;
            devl.region_snapshot_create(port, name, snapshot_id, data)
                .map_err(|_| Rejection::errno(Errno::EINVAL))?;
            let inst = &devl.inst;
            let r = find(inst, port, name)?.ok_or(Rejection::errno(Errno::EINVAL))?;
            Ok::<_, Rejection>(region_event(&r.region, Some(snapshot_id)))
        })??;
        if req.snapshot_id.is_some() {
            return Ok(Response::Do(Vec::new()));
        }
        Ok(Response::Do(vec![Reply {
            cmd: Cmd::RegionNew,
            body: DevlinkBody::from(event),
        }]))
    }

    /// `REGION_DEL`: delete a snapshot (`-ENODEV` unknown port, `-EINVAL` unknown region
    /// or snapshot); `REGION_DEL` notification.
    pub(crate) fn region_del(&mut self, req: &RegionDelReq) -> Result<Response, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let region =
            find(inst, req.port_index, &req.name)?.ok_or(Rejection::errno(Errno::EINVAL))?;
        if !region.data.contains_key(&req.snapshot_id) {
            return Err(Rejection::errno(Errno::EINVAL));
        }
        let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
        devl.region_snapshot_delete(req.port_index, &req.name, req.snapshot_id)
            .map_err(|_| Rejection::errno(Errno::EINVAL))?;
        Ok(Response::Do(Vec::new()))
    }

    /// `REGION_READ` (dump only): the checks of `devlink_nl_region_read_dumpit` in its
    /// order; the dump then sends the snapshot (or, with `REGION_DIRECT`, the live region
    /// through the driver's `.read`) in 256-byte chunks from `REGION_CHUNK_ADDR` for
    /// `REGION_CHUNK_LEN` bytes (both or neither), clamped to the region size.
    pub(crate) fn region_read_start(&self, req: &RegionReadReq) -> Result<DumpCursor, Rejection> {
        let (id, inst) = instance(self, Some(&req.handle))?;
        let args = ReadArgs {
            port: req.port_index,
            name: req.name.clone(),
            snapshot: req.snapshot_id,
            window: req.chunk_addr.zip(req.chunk_len),
        };
        let region = read_checks(inst, &args, req.direct)?;
        // A start beyond the end makes no progress: `-EINVAL` at the first call.
        let (start, end) = bounds(region, &args, 0);
        if start > end {
            return Err(Rejection::errno(Errno::EINVAL));
        }
        Ok(DumpCursor::new(DumpKind::RegionRead, Some(id)).with_args(DumpArgs::RegionRead(args)))
    }
}

fn read_checks<'a>(
    inst: &'a Instance,
    args: &ReadArgs,
    direct: bool,
) -> Result<&'a RegionItem, Rejection> {
    let region = find(inst, args.port, &args.name)?.ok_or(Rejection::attr(
        Errno::EINVAL,
        Attr::RegionName,
        "Requested region does not exist",
    ))?;
    match args.snapshot {
        None if !direct => Err(Rejection::msg(Errno::EINVAL, "No snapshot id provided")),
        None => {
            let read = inst
                .driver
                .as_ref()
                .is_some_and(|d| d.region_ops(args.port, &args.name).read);
            if read {
                Ok(region)
            } else {
                Err(Rejection::msg(
                    Errno::EOPNOTSUPP,
                    "Requested region does not support direct read",
                ))
            }
        }
        Some(_) if direct => Err(Rejection::attr(
            Errno::EINVAL,
            Attr::RegionSnapshotId,
            "Direct region read does not use snapshot",
        )),
        Some(sid) if !region.data.contains_key(&sid) => Err(Rejection::attr(
            Errno::EINVAL,
            Attr::RegionSnapshotId,
            "Requested snapshot does not exist",
        )),
        Some(_) => Ok(region),
    }
}

/// Where this call reads from and to: a zero offset means "from the start of the window"
/// (the kernel's `if (!start_offset)`), the end is clamped to the region size.
fn bounds(region: &RegionItem, args: &ReadArgs, offset: u64) -> (u64, u64) {
    let (mut start, mut end) = (offset, u64::MAX);
    if let Some((addr, len)) = args.window {
        if start == 0 {
            start = addr;
        }
        end = addr.saturating_add(len);
    }
    (start, end.min(region.region.size))
}

/// One call of the `REGION_READ` dump: one message of chunks from `offset`. Returns the
/// offset to resume at if `emit` refused the message, `None` when the read is complete.
pub(super) fn read_dump(
    inst: &Instance,
    args: &ReadArgs,
    offset: u64,
    error: &mut Option<Rejection>,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let mut offset = offset;
    loop {
        let region = match read_checks(inst, args, args.snapshot.is_none()) {
            Ok(r) => r,
            Err(e) => {
                *error = Some(e);
                return None;
            }
        };
        let (start, end) = bounds(region, args, offset);
        if start == end {
            return None;
        }
        if start > end {
            *error = Some(Rejection::errno(Errno::EINVAL));
            return None;
        }
        let mut chunks = Vec::new();
        let mut at = start;
        while at < end && (chunks.len() as u64) < CHUNKS_PER_MESSAGE {
            let len = (end - at).min(CHUNK);
            let data = match read_chunk(inst, region, args, at, len) {
                Ok(d) => d,
                Err(e) => {
                    *error = Some(e);
                    return None;
                }
            };
            chunks.push(RegionChunk { data, addr: at });
            at += len;
        }
        let reply = Reply {
            cmd: Cmd::RegionRead,
            body: DevlinkBody::from(RegionRead {
                handle: inst.handle.clone(),
                port_index: region.region.port_index,
                name: args.name.clone(),
                chunks,
                unknown: Vec::new(),
            }),
        };
        if !emit(reply) {
            return Some(offset);
        }
        offset = at;
    }
}

fn read_chunk(
    inst: &Instance,
    region: &RegionItem,
    args: &ReadArgs,
    at: u64,
    len: u64,
) -> Result<Vec<u8>, Rejection> {
    let want = usize::try_from(len).unwrap_or(0);
    let Some(sid) = args.snapshot else {
        let driver = inst
            .driver
            .as_ref()
            .ok_or(Rejection::errno(Errno::ENODEV))?;
        let len32 = u32::try_from(len).unwrap_or(0);
        let mut data = driver.region_read(args.port, &args.name, at, len32)?;
        data.resize(want, 0);
        return Ok(data);
    };
    // Snapshot data shorter than the region reads as zeros.
    let snapshot = region.data.get(&sid).map_or(&[][..], Vec::as_slice);
    let from = usize::try_from(at).unwrap_or(usize::MAX);
    let mut data: Vec<u8> = snapshot.iter().skip(from).take(want).copied().collect();
    data.resize(want, 0);
    Ok(data)
}

/// `REGION_GET` dump of one instance: instance regions, then each port's regions (ports
/// ascending); resumes by position, as the kernel does.
pub(super) fn get_dump(
    inst: &Instance,
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let regions = &inst.objects.regions;
    let own = regions.iter().filter(|r| r.region.port_index.is_none());
    let ports = inst.objects.ports.keys().flat_map(|&p| {
        regions
            .iter()
            .filter(move |r| r.region.port_index == Some(p))
    });
    for (idx, r) in (0u64..).zip(own.chain(ports)) {
        if idx < from {
            continue;
        }
        let reply = Reply {
            cmd: Cmd::RegionGet,
            body: DevlinkBody::from(r.region.clone()),
        };
        if !emit(reply) {
            return Some(idx);
        }
    }
    None
}
