//! Nested instances: an instance nested in another instance (`NESTED_DEVLINK`), in a
//! port function (`PORT_FN_ATTR_DEVLINK`) or in a line card (`NESTED_DEVLINK`). The
//! relation shows only while the nested instance is registered; its registration and
//! unregistration re-send the parent object's `NEW` right after the nested instance's
//! `NEW` (and replay) or `DEL`. Every step: the exact notifications, the ordering
//! checker accepts them, and folding the stream equals the dumps.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test harness: a failed step is a test failure"
)]

use devlink_core::checker::Checker;
use devlink_core::fold::View;
use devlink_core::{Core, CoreError, InstanceId, NestedError, NoopDriver, PortAttrs};
use devlink_wire::devlink::{Handle, NestedHandle, PortFunction};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, LinecardState, PortFlavour};

/// A core with a checker and the fold of everything it emitted.
struct World {
    core: Core,
    checker: Checker,
    folded: View,
}

fn names(list: &[NestedHandle]) -> String {
    let v: Vec<String> = list.iter().map(|n| n.handle.dev.to_string()).collect();
    v.join(",")
}

/// One notification as `CMD dev [what the relation shows]`.
fn describe(cmd: Cmd, body: &DevlinkBody) -> String {
    match body {
        DevlinkBody::Dev(d) => format!("{cmd:?} {} [{}]", d.handle.dev, names(&d.nested)),
        DevlinkBody::Port(p) => {
            let f = p.function.as_ref();
            let nested = f.and_then(|f| f.devlink.clone());
            let mac = f.and_then(|f| f.hw_addr.as_ref()).map(|_| " mac");
            format!(
                "{cmd:?} {} {} [{}]{}",
                p.handle.dev,
                p.index,
                names(nested.as_slice()),
                mac.unwrap_or("")
            )
        }
        DevlinkBody::Linecard(l) => format!(
            "{cmd:?} {} {} [{}]",
            l.handle.dev,
            l.index,
            names(l.nested.as_slice())
        ),
        other => format!("{cmd:?} {other:?}"),
    }
}

impl World {
    fn new() -> Self {
        Self {
            core: Core::new(),
            checker: Checker::new(),
            folded: View::default(),
        }
    }

    fn alloc(&mut self, name: &str) -> InstanceId {
        self.core
            .alloc(Handle::new("pci", name), Box::new(NoopDriver))
    }

    /// Drain the queue: check, fold, compare with the dumps; the notifications described.
    fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(n) = self.core.poll_notification() {
            self.checker
                .check(Some(n.revision), n.cmd, &n.body)
                .unwrap_or_else(|v| panic!("checker: {v} at {}", describe(n.cmd, &n.body)));
            self.folded.apply(n.cmd, &n.body);
            out.push(describe(n.cmd, &n.body));
        }
        assert_eq!(self.folded, View::from_dump(&self.core), "fold != dump");
        out
    }

    fn register(&mut self, id: InstanceId) -> Vec<String> {
        self.core.register(id).unwrap();
        self.drain()
    }

    fn unregister(&mut self, id: InstanceId) -> Vec<String> {
        self.core.unregister(id).unwrap();
        self.drain()
    }

    fn free(&mut self, id: InstanceId) -> Vec<String> {
        self.core.free(id).unwrap();
        self.drain()
    }

    fn dev_nested(&mut self, parent: InstanceId, nested: InstanceId) -> Vec<String> {
        self.core
            .devl(parent)
            .unwrap()
            .nested_devlink_set(nested)
            .unwrap();
        self.drain()
    }

    /// A rejected change: the error, and nothing changed or emitted.
    fn rejected(&mut self, f: impl FnOnce(&mut Core) -> Result<(), CoreError>) -> CoreError {
        let (rev, view) = (self.core.revision(), View::from_dump(&self.core));
        let err = f(&mut self.core).expect_err("should be rejected");
        assert_eq!(self.core.revision(), rev, "rejected but changed");
        assert_eq!(View::from_dump(&self.core), view);
        assert_eq!(self.drain(), Vec::<String>::new());
        err
    }
}

/// A local PCI SF port (the only kind `devl_port_fn_devlink_set` accepts).
fn sf_port(sf: u32) -> PortAttrs {
    PortAttrs {
        flavour: PortFlavour::PciSf,
        number: None,
        controller: Some(0),
        pci_pf: Some(0),
        pci_sf: Some(sf),
        external: Some(false),
        ..PortAttrs::physical(0)
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|&x| x.to_owned()).collect()
}

#[test]
fn instance_nested_parent_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    assert_eq!(w.register(p), s(&["New p []"]));
    let n = w.alloc("n");
    w.core
        .devl(n)
        .unwrap()
        .port_register(0, PortAttrs::physical(0))
        .unwrap();
    // Setting the relation shows nothing: the nested instance is not registered.
    assert_eq!(w.dev_nested(p, n), s(&[]));
    // Its NEW and replay first, then the parent's NEW with the relation.
    assert_eq!(
        w.register(n),
        s(&["New n []", "PortNew n 0 []", "New p [n]"])
    );
    // Its DELs first, then the parent's NEW without it.
    assert_eq!(
        w.unregister(n),
        s(&["PortDel n 0 []", "Del n []", "New p []"])
    );
    w.core.devl(n).unwrap().port_unregister(0).unwrap();
    assert_eq!(w.free(n), s(&[]));
    assert_eq!(w.unregister(p), s(&["Del p []"]));
}

#[test]
fn instance_nested_nested_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    let n = w.alloc("n");
    assert_eq!(w.dev_nested(p, n), s(&[]));
    // The parent is not registered: its body changes silently.
    assert_eq!(w.register(n), s(&["New n []"]));
    assert_eq!(w.register(p), s(&["New p [n]"]));
    assert_eq!(w.unregister(n), s(&["Del n []", "New p []"]));
    assert_eq!(w.free(n), s(&[]));
    assert_eq!(w.unregister(p), s(&["Del p []"]));
    assert_eq!(w.free(p), s(&[]));
}

#[test]
fn instance_nested_list_follows_relation_order() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.register(p);
    let (a, b) = (w.alloc("a"), w.alloc("b"));
    w.dev_nested(p, b);
    w.dev_nested(p, a);
    assert_eq!(w.register(a), s(&["New a []", "New p [a]"]));
    assert_eq!(w.register(b), s(&["New b []", "New p [b,a]"]));
    assert_eq!(w.unregister(b), s(&["Del b []", "New p [a]"]));
    // The parent goes first: its DEL still lists `a`; `a` leaving then notifies only
    // its own DEL (the parent is not registered).
    assert_eq!(w.unregister(p), s(&["Del p [a]"]));
    assert_eq!(w.unregister(a), s(&["Del a []"]));
}

#[test]
fn port_function_nested_parent_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.register(p);
    w.core
        .devl(p)
        .unwrap()
        .port_register(7, sf_port(1))
        .unwrap();
    assert_eq!(w.drain(), s(&["PortNew p 7 []"]));
    let n = w.alloc("n");
    w.core.devl(p).unwrap().port_fn_devlink_set(7, n).unwrap();
    assert_eq!(w.drain(), s(&[]));
    // The port had no function: it gets one carrying only the nested handle.
    assert_eq!(w.register(n), s(&["New n []", "PortNew p 7 [n]"]));
    // A driver's function update keeps the relation.
    let f = PortFunction {
        hw_addr: Some(vec![2, 0, 0, 0, 0, 1]),
        ..PortFunction::default()
    };
    w.core
        .devl(p)
        .unwrap()
        .port_function_set(7, Some(f))
        .unwrap();
    assert_eq!(w.drain(), s(&["PortNew p 7 [n] mac"]));
    assert_eq!(w.unregister(n), s(&["Del n []", "PortNew p 7 [] mac"]));
    assert_eq!(w.free(n), s(&[]));
}

#[test]
fn port_function_nested_nested_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.core
        .devl(p)
        .unwrap()
        .port_register(7, sf_port(1))
        .unwrap();
    let n = w.alloc("n");
    w.core.devl(p).unwrap().port_fn_devlink_set(7, n).unwrap();
    assert_eq!(w.register(n), s(&["New n []"]));
    assert_eq!(w.register(p), s(&["New p []", "PortNew p 7 [n]"]));
    // The port goes while the nested instance is registered: the relation ends with it.
    w.core.devl(p).unwrap().port_unregister(7).unwrap();
    assert_eq!(w.drain(), s(&["PortDel p 7 [n]"]));
    w.core
        .devl(p)
        .unwrap()
        .port_register(7, sf_port(1))
        .unwrap();
    assert_eq!(w.drain(), s(&["PortNew p 7 []"]));
    assert_eq!(w.unregister(n), s(&["Del n []"]));
}

#[test]
fn linecard_nested_parent_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.register(p);
    w.core
        .devl(p)
        .unwrap()
        .linecard_create(0, vec!["16x100G".into()])
        .unwrap();
    assert_eq!(w.drain(), s(&["LinecardNew p 0 []"]));
    let n = w.alloc("n");
    w.core
        .devl(p)
        .unwrap()
        .linecard_nested_devlink_set(0, n)
        .unwrap();
    assert_eq!(w.drain(), s(&[]));
    assert_eq!(w.register(n), s(&["New n []", "LinecardNew p 0 [n]"]));
    // A state change keeps the relation.
    w.core
        .devl(p)
        .unwrap()
        .linecard_state_set(0, LinecardState::Provisioned, Some("16x100G".into()))
        .unwrap();
    assert_eq!(w.drain(), s(&["LinecardNew p 0 [n]"]));
    assert_eq!(w.unregister(n), s(&["Del n []", "LinecardNew p 0 []"]));
    assert_eq!(w.free(n), s(&[]));
}

#[test]
fn linecard_nested_nested_registered_first() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.core
        .devl(p)
        .unwrap()
        .linecard_create(0, Vec::new())
        .unwrap();
    let n = w.alloc("n");
    w.core
        .devl(p)
        .unwrap()
        .linecard_nested_devlink_set(0, n)
        .unwrap();
    assert_eq!(w.register(n), s(&["New n []"]));
    assert_eq!(w.register(p), s(&["New p []", "LinecardNew p 0 [n]"]));
    // The line card goes: the relation ends with it.
    w.core.devl(p).unwrap().linecard_destroy(0).unwrap();
    assert_eq!(w.drain(), s(&["LinecardDel p 0 [n]"]));
    assert_eq!(w.unregister(n), s(&["Del n []"]));
}

#[test]
fn freeing_an_unregistered_nested_instance_ends_the_relation_silently() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.register(p);
    w.core
        .devl(p)
        .unwrap()
        .linecard_create(0, Vec::new())
        .unwrap();
    w.drain();
    let n = w.alloc("n");
    w.core
        .devl(p)
        .unwrap()
        .linecard_nested_devlink_set(0, n)
        .unwrap();
    assert_eq!(w.free(n), s(&[]));
    // The line card is free for another instance.
    let m = w.alloc("m");
    w.core
        .devl(p)
        .unwrap()
        .linecard_nested_devlink_set(0, m)
        .unwrap();
    assert_eq!(w.register(m), s(&["New m []", "LinecardNew p 0 [m]"]));
    // Freeing the parent ends the relation: `m` leaving notifies only its own DEL.
    w.unregister(p);
    assert_eq!(w.free(p), s(&[]));
    assert_eq!(w.unregister(m), s(&["Del m []"]));
}

#[test]
fn misuse_is_rejected_and_changes_nothing() {
    let mut w = World::new();
    let p = w.alloc("p");
    w.register(p);
    {
        let mut devl = w.core.devl(p).unwrap();
        devl.port_register(1, PortAttrs::physical(1)).unwrap();
        let external = PortAttrs {
            external: Some(true),
            ..sf_port(2)
        };
        devl.port_register(2, external).unwrap();
        devl.port_register(3, sf_port(3)).unwrap();
        devl.linecard_create(0, Vec::new()).unwrap();
    }
    w.drain();
    let (n, m) = (w.alloc("n"), w.alloc("m"));
    let r = w.rejected(|c| c.devl(p)?.nested_devlink_set(p));
    assert_eq!(r, NestedError::Itself(p).into());
    // A registered instance cannot become nested.
    let r = w.rejected(|c| c.devl(n)?.nested_devlink_set(p));
    assert_eq!(r, NestedError::NotAllocated(p).into());
    let r = w.rejected(|c| c.devl(p)?.port_fn_devlink_set(1, n));
    assert_eq!(r, NestedError::NotLocalSf(1).into());
    let r = w.rejected(|c| c.devl(p)?.port_fn_devlink_set(2, n));
    assert_eq!(r, NestedError::NotLocalSf(2).into());
    let r = w.rejected(|c| c.devl(p)?.linecard_nested_devlink_set(5, n));
    assert!(matches!(r, CoreError::Linecard(_)), "{r:?}");
    w.core.devl(p).unwrap().port_fn_devlink_set(3, n).unwrap();
    // One relation per nested instance, one nested instance per port or line card.
    let r = w.rejected(|c| c.devl(p)?.nested_devlink_set(n));
    assert_eq!(r, NestedError::AlreadyNested(n).into());
    let r = w.rejected(|c| c.devl(p)?.port_fn_devlink_set(3, m));
    assert_eq!(r, NestedError::ObjectTaken.into());
    w.core.free(m).unwrap();
    let r = w.rejected(|c| c.devl(p)?.nested_devlink_set(m));
    assert_eq!(r, CoreError::NoInstance(m));
}
