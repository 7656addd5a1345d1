//! Shared buffer requests: gets (do and dump), sets through the driver, and the
//! kernel's errno for each rejection; nothing is notified.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, InstanceId, PortAttrs, Rejection,
    Reply, Response, SbDef, SbPoolInfo, SbPortPoolKey, SbTcKey,
};
use devlink_wire::devlink::{
    Handle, SbGetReq, SbOcc, SbOccReq, SbPoolGetReq, SbPoolSetReq, SbPortPoolGetReq,
    SbPortPoolSetReq, SbTcPoolBindGetReq, SbTcPoolBindSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SbPoolType, SbThresholdType};

#[derive(Default)]
struct Asic {
    sets: Vec<String>,
}

impl Driver for Asic {
    fn sb_pool_get(&self, _: u32, pool: u16) -> Result<SbPoolInfo, DriverError> {
        Ok(SbPoolInfo {
            pool_type: if pool < 2 {
                SbPoolType::Ingress
            } else {
                SbPoolType::Egress
            },
            size: 1000 + u32::from(pool),
            threshold_type: SbThresholdType::Dynamic,
            cell_size: 96,
        })
    }
    fn sb_pool_set(
        &mut self,
        _: &mut Devl<'_>,
        sb: u32,
        pool: u16,
        size: u32,
        _: SbThresholdType,
    ) -> Result<(), DriverError> {
        if size > 5000 {
            return Err(DriverError::new(Errno::EINVAL, "too big"));
        }
        self.sets.push(format!("pool {sb}/{pool} {size}"));
        Ok(())
    }
    fn sb_port_pool_get(&self, k: SbPortPoolKey) -> Result<u32, DriverError> {
        Ok(k.port * 100 + u32::from(k.pool))
    }
    fn sb_port_pool_set(
        &mut self,
        _: &mut Devl<'_>,
        k: SbPortPoolKey,
        th: u32,
    ) -> Result<(), DriverError> {
        self.sets
            .push(format!("port {} pool {} {th}", k.port, k.pool));
        Ok(())
    }
    fn sb_occ_port_pool_get(&self, _: SbPortPoolKey) -> Result<SbOcc, DriverError> {
        Ok(SbOcc { cur: 1, max: 2 })
    }
    fn sb_tc_pool_bind_get(&self, k: SbTcKey) -> Result<(u16, u32), DriverError> {
        Ok((k.tc, 7))
    }
    fn sb_tc_pool_bind_set(
        &mut self,
        _: &mut Devl<'_>,
        k: SbTcKey,
        pool: u16,
        th: u32,
    ) -> Result<(), DriverError> {
        self.sets.push(format!(
            "tc {} {:?} {} -> {pool} {th}",
            k.port, k.pool_type, k.tc
        ));
        Ok(())
    }
    fn sb_occ_snapshot(&mut self, _: &mut Devl<'_>, sb: u32) -> Result<(), DriverError> {
        self.sets.push(format!("snapshot {sb}"));
        Ok(())
    }
}

fn h(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

const SB0: SbDef = SbDef {
    index: 0,
    size: 4096,
    ingress_pools: 2,
    egress_pools: 2,
    ingress_tcs: 2,
    egress_tcs: 1,
};

fn device(core: &mut Core, n: u32, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(n), driver);
    let mut d = core.devl(id).unwrap();
    d.port_register(1, PortAttrs::physical(1)).unwrap();
    d.port_register(2, PortAttrs::physical(2)).unwrap();
    d.sb_register(SB0).unwrap();
    d.sb_register(SbDef { index: 1, ..SB0 }).unwrap();
    assert!(d.sb_register(SB0).is_err());
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn dump(core: &mut Core, cmd: Cmd, body: DevlinkBody) -> Vec<Reply> {
    let mut r = req(cmd, body);
    r.dump = true;
    let Response::Dump(mut cursor) = core.handle_request(r).unwrap().response else {
        panic!()
    };
    let mut out = Vec::new();
    loop {
        let mut room = 2;
        let step = core.dump_next(&mut cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            out.push(reply);
            true
        });
        if step == DumpStep::Done {
            return out;
        }
    }
}

fn one(r: Result<Accepted, Rejection>) -> Reply {
    let Ok(Accepted {
        response: Response::Do(mut v),
        ..
    }) = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(v.len(), 1);
    v.pop().unwrap()
}

#[test]
fn sb_get_do_dump_and_errors() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Asic::default()));
    let get = |sb| {
        req(
            Cmd::SbGet,
            DevlinkBody::from(SbGetReq {
                handle: Some(h(1)),
                sb_index: sb,
                unknown: vec![],
            }),
        )
    };
    let r = one(core.handle_request(get(Some(1))));
    assert_eq!(r.cmd, Cmd::SbNew);
    let DevlinkBody::Sb(sb) = r.body else {
        panic!()
    };
    assert_eq!(
        (sb.index, sb.size, sb.ingress_pool_count, sb.egress_tc_count),
        (1, 4096, 2, 1)
    );
    assert_eq!(
        rejected(&mut core, get(None)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, get(Some(5))),
        Rejection::errno(Errno::ENODEV)
    );
    let all = dump(
        &mut core,
        Cmd::SbGet,
        DevlinkBody::from(SbGetReq {
            handle: None,
            sb_index: None,
            unknown: vec![],
        }),
    );
    assert_eq!(all.len(), 2);
}

#[test]
fn sb_pool_get_and_set() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Asic::default()));
    device(&mut core, 2, Box::new(devlink_core::NoopDriver));
    let get = |n, sb, pool| {
        req(
            Cmd::SbPoolGet,
            DevlinkBody::from(SbPoolGetReq {
                handle: Some(h(n)),
                sb_index: sb,
                pool_index: pool,
                unknown: vec![],
            }),
        )
    };
    let r = one(core.handle_request(get(1, Some(0), Some(3))));
    assert_eq!(r.cmd, Cmd::SbPoolNew);
    let DevlinkBody::SbPool(p) = r.body else {
        panic!()
    };
    assert_eq!(
        (p.pool_index, p.pool_type, p.size, p.cell_size),
        (3, SbPoolType::Egress, 1003, 96)
    );
    assert_eq!(
        rejected(&mut core, get(1, None, Some(0))),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, get(1, Some(0), None)),
        Rejection::errno(Errno::EINVAL)
    );
    // Pool index = pool count: out of range.
    assert_eq!(
        rejected(&mut core, get(1, Some(0), Some(4))),
        Rejection::errno(Errno::EINVAL)
    );
    // A driver without sb_pool_get, after the index checks.
    assert_eq!(
        rejected(&mut core, get(2, Some(9), Some(0))),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, get(2, Some(0), Some(0))),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    // Dump: both instances; the one without the op shows nothing.
    let all = dump(
        &mut core,
        Cmd::SbPoolGet,
        DevlinkBody::from(SbPoolGetReq {
            handle: None,
            sb_index: None,
            pool_index: None,
            unknown: vec![],
        }),
    );
    let keys: Vec<(u32, u16)> = all
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::SbPool(p) => (p.sb_index, p.pool_index),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        [
            (0, 0),
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 0),
            (1, 1),
            (1, 2),
            (1, 3)
        ]
    );

    let set = |n, pool, size| {
        req(
            Cmd::SbPoolSet,
            DevlinkBody::from(SbPoolSetReq {
                handle: h(n),
                sb_index: 1,
                pool_index: pool,
                size,
                threshold_type: SbThresholdType::Static,
                unknown: vec![],
            }),
        )
    };
    assert_eq!(
        core.handle_request(set(1, 2, 300)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(
        rejected(&mut core, set(1, 4, 300)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, set(1, 2, 9000)),
        Rejection::msg(Errno::EINVAL, "too big")
    );
    assert_eq!(
        rejected(&mut core, set(2, 0, 1)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    assert_eq!(core.pending_notifications(), 0);
}

#[test]
fn sb_port_pool_get_set_and_dump() {
    let mut core = Core::new();
    device(&mut core, 1, Box::new(Asic::default()));
    let get = |port, sb, pool| {
        req(
            Cmd::SbPortPoolGet,
            DevlinkBody::from(SbPortPoolGetReq {
                handle: Some(h(1)),
                port_index: port,
                sb_index: sb,
                pool_index: pool,
                unknown: vec![],
            }),
        )
    };
    let r = one(core.handle_request(get(Some(2), Some(0), Some(1))));
    assert_eq!(r.cmd, Cmd::SbPortPoolNew);
    let DevlinkBody::SbPortPool(p) = r.body else {
        panic!()
    };
    assert_eq!(
        (p.port_index, p.threshold, p.occ),
        (2, 201, Some(SbOcc { cur: 1, max: 2 }))
    );
    // The port is resolved first.
    assert_eq!(
        rejected(&mut core, get(None, None, None)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, get(Some(9), None, None)),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, get(Some(1), Some(7), Some(0))),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, get(Some(1), Some(0), Some(4))),
        Rejection::errno(Errno::EINVAL)
    );
    // Dump: sb, then port, then pool.
    let all = dump(
        &mut core,
        Cmd::SbPortPoolGet,
        DevlinkBody::from(SbPortPoolGetReq {
            handle: Some(h(1)),
            port_index: None,
            sb_index: None,
            pool_index: None,
            unknown: vec![],
        }),
    );
    assert_eq!(all.len(), 2 * 2 * 4);
    let DevlinkBody::SbPortPool(p) = &all[5].body else {
        panic!()
    };
    assert_eq!((p.sb_index, p.port_index, p.pool_index), (0, 2, 1));
    let set = |pool| {
        req(
            Cmd::SbPortPoolSet,
            DevlinkBody::from(SbPortPoolSetReq {
                handle: h(1),
                port_index: 1,
                sb_index: 0,
                pool_index: pool,
                threshold: 5,
                unknown: vec![],
            }),
        )
    };
    let rev = core.revision();
    assert_eq!(core.handle_request(set(0)), Ok(Response::Do(vec![]).into()));
    assert!(core.revision() > rev);
    assert_eq!(rejected(&mut core, set(4)), Rejection::errno(Errno::EINVAL));
}

#[test]
fn sb_tc_pool_bind_get_set_and_dump() {
    let mut core = Core::new();
    let id = device(&mut core, 1, Box::new(Asic::default()));
    let get = |ty, tc| {
        req(
            Cmd::SbTcPoolBindGet,
            DevlinkBody::from(SbTcPoolBindGetReq {
                handle: Some(h(1)),
                port_index: Some(1),
                sb_index: Some(0),
                pool_type: ty,
                tc_index: tc,
                unknown: vec![],
            }),
        )
    };
    let r = one(core.handle_request(get(Some(SbPoolType::Ingress), Some(1))));
    assert_eq!(r.cmd, Cmd::SbTcPoolBindNew);
    let DevlinkBody::SbTcPoolBind(b) = r.body else {
        panic!()
    };
    // No occupancy op: no occupancy shown.
    assert_eq!(
        (b.tc_index, b.pool_index, b.threshold, b.occ),
        (1, 1, 7, None)
    );
    assert_eq!(
        rejected(&mut core, get(None, Some(0))),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, get(Some(SbPoolType::Ingress), None)),
        Rejection::errno(Errno::EINVAL)
    );
    // One egress TC only.
    assert_eq!(
        rejected(&mut core, get(Some(SbPoolType::Egress), Some(1))),
        Rejection::errno(Errno::EINVAL)
    );
    let all = dump(
        &mut core,
        Cmd::SbTcPoolBindGet,
        DevlinkBody::from(SbTcPoolBindGetReq {
            handle: None,
            port_index: None,
            sb_index: None,
            pool_type: None,
            tc_index: None,
            unknown: vec![],
        }),
    );
    let keys: Vec<(u32, u32, SbPoolType, u16)> = all
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::SbTcPoolBind(b) => (b.sb_index, b.port_index, b.pool_type, b.tc_index),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys.len(), 2 * 2 * 3);
    assert_eq!(
        keys[..3],
        [
            (0, 1, SbPoolType::Ingress, 0),
            (0, 1, SbPoolType::Ingress, 1),
            (0, 1, SbPoolType::Egress, 0)
        ]
    );
    let set = |tc, pool| {
        req(
            Cmd::SbTcPoolBindSet,
            DevlinkBody::from(SbTcPoolBindSetReq {
                handle: h(1),
                port_index: 2,
                sb_index: 0,
                pool_index: pool,
                pool_type: SbPoolType::Egress,
                threshold: 3,
                tc_index: tc,
                unknown: vec![],
            }),
        )
    };
    assert_eq!(
        core.handle_request(set(0, 3)),
        Ok(Response::Do(vec![]).into())
    );
    // TC before pool index.
    assert_eq!(
        rejected(&mut core, set(1, 9)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, set(0, 4)),
        Rejection::errno(Errno::EINVAL)
    );
    let sets = core.with_driver::<Asic, _>(id, |a, _| a.sets.clone());
    assert_eq!(sets, Ok(vec!["tc 2 Egress 0 -> 3 3".to_owned()]));
}

#[test]
fn sb_occ_snapshot_and_max_clear() {
    let mut core = Core::new();
    let id = device(&mut core, 1, Box::new(Asic::default()));
    let occ = |cmd, sb| {
        req(
            cmd,
            DevlinkBody::from(SbOccReq {
                handle: h(1),
                sb_index: sb,
                unknown: vec![],
            }),
        )
    };
    assert_eq!(
        core.handle_request(occ(Cmd::SbOccSnapshot, 1)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(
        rejected(&mut core, occ(Cmd::SbOccSnapshot, 3)),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        rejected(&mut core, occ(Cmd::SbOccMaxClear, 0)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    let sets = core
        .with_driver::<Asic, _>(id, |a, _| a.sets.clone())
        .unwrap();
    assert_eq!(sets, ["snapshot 1"]);
    // Unprivileged senders cannot run the admin commands.
    let mut r = occ(Cmd::SbOccSnapshot, 1);
    r.admin = false;
    assert_eq!(rejected(&mut core, r), Rejection::errno(Errno::EPERM));
}
