//! RESOURCE_DUMP / RESOURCE_SET (applied at a driver_reinit reload) and the dpipe
//! requests: replies and the kernel's errno and extack for each rejection.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Accepted, Core, Devl, DpipeTableDef, Driver, DriverError, Errno, InstanceId, NoopDriver,
    RESOURCE_ID_PARENT_TOP, Rejection, ReloadCaps, Reply, Request, ResourceDef, Response,
};
use devlink_wire::devlink::{
    DevReq, DpipeCountersSetReq, DpipeEntriesGetReq, DpipeEntry, DpipeHeader, DpipeTableGetReq,
    Handle, ReloadReq, Resource, ResourceSetReq,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, KernelEnum, ReloadAction, ResourceUnit};

#[derive(Default)]
struct Dev {
    counter_updates: Vec<(String, bool)>,
}

impl Driver for Dev {
    fn reload_caps(&self) -> ReloadCaps {
        ReloadCaps {
            actions: 1 << ReloadAction::DriverReinit.repr(),
            limits: 0,
        }
    }
    fn reload_down(
        &mut self,
        _: &mut Devl<'_>,
        _: bool,
        _: ReloadAction,
        _: devlink_wire::spec::ReloadLimit,
    ) -> Result<(), DriverError> {
        Ok(())
    }
    fn resource_occ_get(&self, id: u64) -> u64 {
        id * 7
    }
    fn dpipe_table_size(&self, table: &str) -> u64 {
        table.len() as u64
    }
    fn dpipe_entries_dump(
        &self,
        table: &str,
        counters: bool,
    ) -> Result<Vec<DpipeEntry>, DriverError> {
        if table != "host4" {
            return Err(DriverError::new(Errno::EINVAL, ""));
        }
        Ok(vec![DpipeEntry {
            index: 1,
            counter: counters.then_some(5),
            match_values: vec![],
            action_values: vec![],
            unknown: vec![],
        }])
    }
    fn dpipe_counters_set_update(&mut self, _: &mut Devl<'_>, table: &str, enable: bool) {
        self.counter_updates.push((table.to_owned(), enable));
    }
}

fn h(n: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{n}"))
}

fn res(name: &str, id: u64, parent: u64, size: u64, min: u64) -> ResourceDef {
    ResourceDef {
        name: name.into(),
        size,
        id,
        parent,
        size_min: min,
        size_max: 1000,
        size_granularity: 10,
        unit: ResourceUnit::Entry,
    }
}

fn device(core: &mut Core, n: u32, resources: bool) -> InstanceId {
    let id = core.alloc(h(n), Box::new(Dev::default()));
    let mut d = core.devl(id).unwrap();
    if resources {
        d.resource_register(res("IPv4", 1, RESOURCE_ID_PARENT_TOP, 100, 0))
            .unwrap();
        d.resource_register(res("fib", 2, 1, 50, 0)).unwrap();
        d.resource_register(res("fib-rules", 3, 1, 50, 0)).unwrap();
        d.resource_register(res("x", 4, RESOURCE_ID_PARENT_TOP, 10, 10))
            .unwrap();
        assert!(d.resource_register(res("dup", 2, 0, 1, 0)).is_err());
        assert!(d.resource_register(res("orphan", 9, 8, 1, 0)).is_err());
        d.resource_occ_get_register(2).unwrap();
    }
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn dev_req(cmd: Cmd, n: u32) -> Request {
    req(
        cmd,
        DevlinkBody::from(DevReq {
            handle: Some(h(n)),
            unknown: vec![],
        }),
    )
}

fn tree(core: &mut Core, n: u32) -> Vec<Resource> {
    let Ok(Accepted {
        response: Response::Multi(r),
        ..
    }) = core.handle_request(dev_req(Cmd::ResourceDump, n))
    else {
        panic!()
    };
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].cmd, Cmd::ResourceDump);
    let DevlinkBody::ResourceDump(d) = &r[0].body else {
        panic!()
    };
    assert_eq!(d.handle, h(n));
    d.resources.clone()
}

fn set(n: u32, id: u64, size: u64) -> Request {
    req(
        Cmd::ResourceSet,
        DevlinkBody::from(ResourceSetReq {
            handle: h(n),
            id,
            size,
            unknown: vec![],
        }),
    )
}

fn reload(n: u32) -> Request {
    req(
        Cmd::Reload,
        DevlinkBody::from(ReloadReq {
            handle: h(n),
            action: None,
            limits: None,
            netns_pid: None,
            netns_fd: None,
            netns_id: None,
            unknown: vec![],
        }),
    )
}

#[test]
fn resource_dump_shows_the_tree_with_occupancy() {
    let mut core = Core::new();
    device(&mut core, 1, true);
    device(&mut core, 2, false);
    let t = tree(&mut core, 1);
    assert_eq!(t.len(), 2);
    let ipv4 = &t[0];
    assert_eq!(
        (ipv4.name.as_str(), ipv4.size, ipv4.size_valid),
        ("IPv4", 100, Some(true))
    );
    assert_eq!(ipv4.occ, None);
    assert_eq!(ipv4.children.len(), 2);
    let fib = &ipv4.children[0];
    assert_eq!(
        (fib.id, fib.occ, fib.size_new, fib.size_valid),
        (2, Some(14), None, None)
    );
    assert_eq!(ipv4.children[1].occ, None);
    assert_eq!(
        rejected(&mut core, dev_req(Cmd::ResourceDump, 2)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

#[test]
fn resource_set_validates_and_takes_effect_at_reload() {
    let mut core = Core::new();
    device(&mut core, 1, true);
    assert_eq!(
        rejected(&mut core, set(1, 99, 10)),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, set(1, 1, 2000)),
        Rejection::msg(Errno::EINVAL, "Size larger than maximum")
    );
    assert_eq!(
        rejected(&mut core, set(1, 4, 0)),
        Rejection::msg(Errno::EINVAL, "Size smaller than minimum")
    );
    // Several checks fail: the last message stands.
    assert_eq!(
        rejected(&mut core, set(1, 4, 5)),
        Rejection::msg(Errno::EINVAL, "Wrong granularity")
    );
    // The children no longer fit: shown, and the reload refuses.
    assert_eq!(
        core.handle_request(set(1, 2, 80)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(core.pending_notifications(), 0);
    let t = tree(&mut core, 1);
    assert_eq!(
        (t[0].size_valid, t[0].children[0].size_new),
        (Some(false), Some(80))
    );
    assert_eq!(t[0].children[0].size, 50);
    assert_eq!(
        rejected(&mut core, reload(1)),
        Rejection::msg(Errno::EINVAL, "resources size validation failed")
    );
    // Growing the parent makes it valid; the reload applies the new sizes.
    core.handle_request(set(1, 1, 200)).unwrap();
    assert_eq!(tree(&mut core, 1)[0].size_valid, Some(true));
    core.handle_request(reload(1)).unwrap();
    let t = tree(&mut core, 1);
    assert_eq!((t[0].size, t[0].size_new), (200, None));
    assert_eq!(
        (t[0].children[0].size, t[0].children[0].size_new),
        (80, None)
    );
}

fn table(name: &str, extern_counters: bool) -> DpipeTableDef {
    DpipeTableDef {
        name: name.into(),
        counter_control_extern: extern_counters,
        matches: vec![],
        actions: vec![],
    }
}

fn counters(n: u32, name: &str, on: u8) -> Request {
    req(
        Cmd::DpipeTableCountersSet,
        DevlinkBody::from(DpipeCountersSetReq {
            handle: h(n),
            table_name: name.into(),
            counters_enabled: on,
            unknown: vec![],
        }),
    )
}

fn entries(n: u32, name: &str) -> Request {
    req(
        Cmd::DpipeEntriesGet,
        DevlinkBody::from(DpipeEntriesGetReq {
            handle: h(n),
            table_name: name.into(),
            unknown: vec![],
        }),
    )
}

fn tables(core: &mut Core, n: u32, name: Option<&str>) -> Vec<(String, u64, bool)> {
    let r = core
        .handle_request(req(
            Cmd::DpipeTableGet,
            DevlinkBody::from(DpipeTableGetReq {
                handle: h(n),
                table_name: name.map(Into::into),
                unknown: vec![],
            }),
        ))
        .unwrap()
        .response;
    let Response::Multi(r) = r else { panic!() };
    assert_eq!(r.len(), 1);
    let Reply {
        cmd: Cmd::DpipeTableGet,
        body: DevlinkBody::DpipeTables(t),
    } = &r[0]
    else {
        panic!()
    };
    t.tables
        .iter()
        .map(|t| (t.name.clone(), t.size, t.counters_enabled))
        .collect()
}

#[test]
fn dpipe_without_tables_or_headers() {
    let mut core = Core::new();
    let id = core.alloc(h(1), Box::new(NoopDriver));
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    assert!(tables(&mut core, 1, None).is_empty());
    assert_eq!(
        rejected(&mut core, dev_req(Cmd::DpipeHeadersGet, 1)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    assert_eq!(
        rejected(&mut core, entries(1, "x")),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, counters(1, "x", 1)),
        Rejection::errno(Errno::EINVAL)
    );
}

#[test]
fn dpipe_tables_entries_headers_and_counters() {
    let mut core = Core::new();
    let id = device(&mut core, 1, true);
    {
        let mut d = core.devl(id).unwrap();
        d.dpipe_table_register(table("host4", false)).unwrap();
        d.dpipe_table_register(table("ext", true)).unwrap();
        assert!(d.dpipe_table_register(table("ext", false)).is_err());
        d.dpipe_table_resource_set("host4", 2, 1).unwrap();
        d.dpipe_headers_register(vec![DpipeHeader {
            name: "ipv4".into(),
            id: 1,
            global: true,
            fields: vec![],
            unknown: vec![],
        }]);
    }
    assert_eq!(core.pending_notifications(), 0);
    assert_eq!(
        tables(&mut core, 1, None),
        [("host4".to_owned(), 5, false), ("ext".to_owned(), 3, false)]
    );
    // A name selects one table; an unknown name gives an empty list.
    assert_eq!(tables(&mut core, 1, Some("ext")).len(), 1);
    assert!(tables(&mut core, 1, Some("nope")).is_empty());

    assert_eq!(
        core.handle_request(counters(1, "host4", 1)),
        Ok(Response::Do(vec![]).into())
    );
    core.handle_request(counters(1, "host4", 1)).unwrap();
    let updates = core
        .with_driver::<Dev, _>(id, |d, _| d.counter_updates.clone())
        .unwrap();
    assert_eq!(updates, [("host4".to_owned(), true)]);
    assert!(tables(&mut core, 1, Some("host4"))[0].2);
    assert_eq!(
        rejected(&mut core, counters(1, "ext", 1)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );

    let Ok(Accepted {
        response: Response::Multi(r),
        ..
    }) = core.handle_request(entries(1, "host4"))
    else {
        panic!()
    };
    let DevlinkBody::DpipeEntries(e) = &r[0].body else {
        panic!()
    };
    assert_eq!(r[0].cmd, Cmd::DpipeEntriesGet);
    assert_eq!(e.entries[0].counter, Some(5));
    // A table without entries_dump.
    assert_eq!(
        rejected(&mut core, entries(1, "ext")),
        Rejection::errno(Errno::EINVAL)
    );

    let Ok(Accepted {
        response: Response::Multi(r),
        ..
    }) = core.handle_request(dev_req(Cmd::DpipeHeadersGet, 1))
    else {
        panic!()
    };
    let DevlinkBody::DpipeHeaders(hd) = &r[0].body else {
        panic!()
    };
    assert_eq!(hd.headers[0].name, "ipv4");
}
