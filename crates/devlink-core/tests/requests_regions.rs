//! Region requests: `REGION_GET` do and dump, user snapshots (`REGION_NEW`,
//! `REGION_DEL`) with their notifications, and the `REGION_READ` dump; each of the
//! kernel's rejections changes and emits nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpCursor, DumpStep, Errno, InstanceId, PortAttrs,
    RegionDef, RegionOps, Rejection, Reply, Request, Response,
};
use devlink_wire::devlink::{
    Handle, RegionDelReq, RegionEventKind, RegionGetReq, RegionNewReq, RegionReadReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

/// Regions "snap", "big" and port regions "psnap" can be snapshotted and read directly;
/// "plain" has no ops. Contents: byte `i` is `i % 251`.
struct Regions;

fn pattern(from: u64, len: usize) -> Vec<u8> {
    (from..).take(len).map(|i| (i % 251) as u8).collect()
}

impl Driver for Regions {
    fn region_ops(&self, _: Option<u32>, region: &str) -> RegionOps {
        let on = region != "plain";
        RegionOps {
            snapshot: on,
            read: on,
        }
    }

    fn region_snapshot(
        &mut self,
        _: &mut Devl<'_>,
        _: Option<u32>,
        region: &str,
    ) -> Result<Vec<u8>, DriverError> {
        Ok(pattern(0, if region == "big" { 5120 } else { 600 }))
    }

    fn region_read(
        &self,
        _: Option<u32>,
        _: &str,
        offset: u64,
        len: u32,
    ) -> Result<Vec<u8>, DriverError> {
        Ok(pattern(offset, len as usize))
    }
}

fn h() -> Handle {
    Handle::new("netdevsim", "netdevsim1")
}

fn device(core: &mut Core) -> InstanceId {
    let id = core.alloc(h(), Box::new(Regions));
    let mut d = core.devl(id).unwrap();
    d.port_register(0, PortAttrs::physical(1)).unwrap();
    d.port_register(1, PortAttrs::physical(2)).unwrap();
    let def = |name: &str, size, max, port| RegionDef {
        name: name.into(),
        size,
        max_snapshots: max,
        port,
    };
    d.region_create(def("psnap", 8, 1, Some(1))).unwrap();
    d.region_create(def("snap", 600, 2, None)).unwrap();
    d.region_create(def("plain", 16, 1, None)).unwrap();
    d.region_create(def("big", 5120, 1, None)).unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn get(port: Option<u32>, name: Option<&str>) -> Request {
    req(
        Cmd::RegionGet,
        DevlinkBody::from(RegionGetReq {
            handle: Some(h()),
            port_index: port,
            name: name.map(Into::into),
            unknown: vec![],
        }),
    )
}

fn new(port: Option<u32>, name: &str, id: Option<u32>) -> Request {
    req(
        Cmd::RegionNew,
        DevlinkBody::from(RegionNewReq {
            handle: h(),
            port_index: port,
            name: name.into(),
            snapshot_id: id,
            unknown: vec![],
        }),
    )
}

fn del(port: Option<u32>, name: &str, id: u32) -> Request {
    req(
        Cmd::RegionDel,
        DevlinkBody::from(RegionDelReq {
            handle: h(),
            port_index: port,
            name: name.into(),
            snapshot_id: id,
            unknown: vec![],
        }),
    )
}

/// The one notification queued: its command and snapshot id.
fn snapshot_event(core: &mut Core) -> (Cmd, u32) {
    let n = core.poll_notification().unwrap();
    assert_eq!(core.pending_notifications(), 0);
    let DevlinkBody::RegionEvent(e) = n.body else {
        panic!("{n:?}")
    };
    let RegionEventKind::Snapshot(id) = e.kind else {
        panic!("{e:?}")
    };
    (n.cmd, id)
}

#[test]
fn region_get_do_and_dump() {
    let mut core = Core::new();
    device(&mut core);
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(get(Some(1), Some("psnap")))
    else {
        panic!()
    };
    assert_eq!(r[0].cmd, Cmd::RegionGet);
    assert!(matches!(&r[0].body, DevlinkBody::Region(x) if x.size == 8 && x.port_index == Some(1)));
    assert_eq!(
        rejected(&mut core, get(Some(9), Some("psnap"))),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, get(None, Some("psnap"))),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, get(None, None)),
        Rejection::missing(Attr::RegionName)
    );

    // Instance regions first, then port regions, whatever the creation order.
    let mut d = get(None, None);
    d.dump = true;
    let Ok(Accepted {
        response: Response::Dump(mut c),
        ..
    }) = core.handle_request(d)
    else {
        panic!()
    };
    let mut names = Vec::new();
    while core.dump_next(&mut c, &mut take(&mut names, 1)) == DumpStep::More {}
    assert!(c.filtered());
    assert_eq!(names, ["snap", "plain", "big", "psnap"]);
}

fn take(names: &mut Vec<String>, n: usize) -> impl FnMut(Reply) -> bool + '_ {
    let mut room = n;
    move |reply| {
        if room == 0 {
            return false;
        }
        room -= 1;
        let DevlinkBody::Region(r) = reply.body else {
            panic!()
        };
        names.push(r.name.clone());
        true
    }
}

#[test]
fn region_new_allocates_or_takes_ids_and_del_removes() {
    let mut core = Core::new();
    device(&mut core);
    // No id: the lowest free one, notified, and named in the reply.
    let r = core
        .handle_request(new(None, "snap", None))
        .unwrap()
        .response;
    assert_eq!(snapshot_event(&mut core), (Cmd::RegionNew, 0));
    let Response::Do(r) = r else { panic!() };
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].cmd, Cmd::RegionNew);
    assert!(
        matches!(&r[0].body, DevlinkBody::RegionEvent(e) if e.kind == RegionEventKind::Snapshot(0) && e.name == "snap")
    );
    // An id given: no reply. Ids are per instance: a port region cannot reuse 7.
    assert_eq!(
        core.handle_request(new(Some(1), "psnap", Some(7))),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(snapshot_event(&mut core), (Cmd::RegionNew, 7));
    let e = rejected(&mut core, new(None, "snap", Some(7)));
    assert_eq!(e, Rejection::errno(Errno::EEXIST));
    let e = rejected(&mut core, new(None, "snap", Some(0)));
    assert_eq!(
        e,
        Rejection::msg(Errno::EEXIST, "The requested snapshot id is already in use")
    );
    core.handle_request(new(None, "snap", None)).unwrap();
    assert_eq!(snapshot_event(&mut core), (Cmd::RegionNew, 1));
    let e = rejected(&mut core, new(None, "snap", None));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::ENOSPC,
            "The region has reached the maximum number of stored snapshots"
        )
    );
    let e = rejected(&mut core, new(None, "plain", None));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "The requested region does not support taking an immediate snapshot"
        )
    );
    let e = rejected(&mut core, new(None, "nope", None));
    assert_eq!(
        e,
        Rejection::msg(Errno::EINVAL, "The requested region does not exist")
    );
    let e = rejected(&mut core, new(Some(5), "psnap", None));
    assert_eq!(e, Rejection::errno(Errno::ENODEV));

    // REGION_GET lists the snapshots.
    let Ok(Accepted {
        response: Response::Do(r),
        ..
    }) = core.handle_request(get(None, Some("snap")))
    else {
        panic!()
    };
    assert!(matches!(&r[0].body, DevlinkBody::Region(x) if x.snapshots == [0, 1]));

    assert_eq!(
        core.handle_request(del(None, "snap", 0)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(snapshot_event(&mut core), (Cmd::RegionDel, 0));
    assert_eq!(
        rejected(&mut core, del(None, "snap", 0)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, del(None, "nope", 1)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, del(Some(4), "psnap", 7)),
        Rejection::errno(Errno::ENODEV)
    );
    // The freed id is allocated again.
    core.handle_request(new(None, "snap", None)).unwrap();
    assert_eq!(snapshot_event(&mut core), (Cmd::RegionNew, 0));
}

fn read(name: &str, snapshot: Option<u32>, direct: bool, window: Option<(u64, u64)>) -> Request {
    Request {
        dump: true,
        ..req(
            Cmd::RegionRead,
            DevlinkBody::from(RegionReadReq {
                handle: h(),
                port_index: None,
                name: name.into(),
                snapshot_id: snapshot,
                direct,
                chunk_addr: window.map(|w| w.0),
                chunk_len: window.map(|w| w.1),
                unknown: vec![],
            }),
        )
    }
}

/// Pull a dump one message per call; the chunks (address, length) and the data.
fn read_all(core: &Core, cursor: &mut DumpCursor) -> (Vec<(u64, usize)>, Vec<u8>, usize) {
    let (mut chunks, mut data, mut messages) = (Vec::new(), Vec::new(), 0);
    loop {
        let mut room = 1;
        let step = core.dump_next(cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            assert_eq!(reply.cmd, Cmd::RegionRead);
            let DevlinkBody::RegionRead(r) = reply.body else {
                panic!()
            };
            messages += 1;
            for c in &r.chunks {
                chunks.push((c.addr, c.data.len()));
                data.extend(&c.data);
            }
            true
        });
        if step == DumpStep::Done {
            return (chunks, data, messages);
        }
    }
}

fn start(core: &mut Core, r: Request) -> DumpCursor {
    let Ok(Accepted {
        response: Response::Dump(c),
        ..
    }) = core.handle_request(r)
    else {
        panic!()
    };
    c
}

#[test]
fn region_read_snapshots_and_direct_in_chunks() {
    let mut core = Core::new();
    device(&mut core);
    core.handle_request(new(None, "snap", Some(3))).unwrap();
    core.handle_request(new(None, "big", Some(4))).unwrap();
    while core.poll_notification().is_some() {}

    let mut c = start(&mut core, read("snap", Some(3), false, None));
    let (chunks, data, messages) = read_all(&core, &mut c);
    assert_eq!(chunks, [(0, 256), (256, 256), (512, 88)]);
    assert_eq!((data, messages), (pattern(0, 600), 1));
    assert_eq!(c.take_error(), None);

    // A window, clamped to the region size.
    let mut c = start(&mut core, read("snap", Some(3), false, Some((100, 1000))));
    let (chunks, data, _) = read_all(&core, &mut c);
    assert_eq!(chunks, [(100, 256), (356, 244)]);
    assert_eq!(data, pattern(100, 500));
    // A window at the end reads nothing; beyond it is no progress: EINVAL.
    let mut c = start(&mut core, read("snap", Some(3), false, Some((600, 10))));
    assert_eq!(read_all(&core, &mut c).2, 0);
    let e = rejected(&mut core, read("snap", Some(3), false, Some((700, 10))));
    assert_eq!(e, Rejection::errno(Errno::EINVAL));

    // Direct reads of a large region resume by offset across messages.
    let mut c = start(&mut core, read("big", None, true, None));
    let (chunks, data, messages) = read_all(&core, &mut c);
    assert_eq!(chunks.len(), 20);
    assert_eq!((data, messages), (pattern(0, 5120), 2));
}

#[test]
fn region_read_rejections_and_a_snapshot_deleted_midway() {
    let mut core = Core::new();
    device(&mut core);
    core.handle_request(new(None, "big", Some(4))).unwrap();
    while core.poll_notification().is_some() {}
    let e = rejected(&mut core, read("nope", Some(4), false, None));
    assert_eq!(
        e,
        Rejection::attr(
            Errno::EINVAL,
            Attr::RegionName,
            "Requested region does not exist"
        )
    );
    let e = rejected(&mut core, read("big", None, false, None));
    assert_eq!(e, Rejection::msg(Errno::EINVAL, "No snapshot id provided"));
    let e = rejected(&mut core, read("plain", None, true, None));
    assert_eq!(
        e,
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "Requested region does not support direct read"
        )
    );
    let e = rejected(&mut core, read("big", Some(4), true, None));
    assert_eq!(
        e,
        Rejection::attr(
            Errno::EINVAL,
            Attr::RegionSnapshotId,
            "Direct region read does not use snapshot"
        )
    );
    let e = rejected(&mut core, read("big", Some(9), false, None));
    assert_eq!(
        e,
        Rejection::attr(
            Errno::EINVAL,
            Attr::RegionSnapshotId,
            "Requested snapshot does not exist"
        )
    );

    // The first message goes out, then the snapshot is deleted: the dump fails.
    let mut c = start(&mut core, read("big", Some(4), false, None));
    let mut got = 0;
    let step = core.dump_next(&mut c, &mut |_| {
        got += 1;
        got == 1
    });
    assert_eq!(step, DumpStep::More);
    core.handle_request(del(None, "big", 4)).unwrap();
    assert_eq!(core.dump_next(&mut c, &mut |_| true), DumpStep::Done);
    assert_eq!(
        c.take_error(),
        Some(Rejection::attr(
            Errno::EINVAL,
            Attr::RegionSnapshotId,
            "Requested snapshot does not exist"
        ))
    );
}
