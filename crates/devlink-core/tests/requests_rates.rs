//! Rate requests: `RATE_GET` (do, dump), `RATE_SET`, `RATE_NEW`, `RATE_DEL`, with the
//! kernel's checks, errno and extack; a rejected request changes and emits nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use std::sync::Arc;

use devlink_core::{
    Accepted, Core, Devl, Driver, DriverError, DumpStep, Errno, InstanceId, NoopDriver, PortAttrs,
    RateChange, RateOps, Rejection, Reply, Request, Response,
};
use devlink_wire::devlink::{
    Handle, Rate, RateDelReq, RateGetReq, RateKey, RateReq, RateTcBw, UnknownAttr,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

const EIO: Errno = Errno(5);

/// Configurable rate ops; records calls; fails the first call whose text starts with
/// `fail`.
struct Dev {
    ops: RateOps,
    fail: Option<&'static str>,
    calls: Vec<String>,
}

impl Dev {
    fn call(&mut self, text: String) -> Result<(), DriverError> {
        let fail = self.fail.is_some_and(|f| text.starts_with(f));
        self.calls.push(text);
        if fail {
            return Err(DriverError::new(EIO, "driver says no"));
        }
        Ok(())
    }
}

impl Driver for Dev {
    fn rate_ops(&self) -> RateOps {
        self.ops
    }

    fn rate_set(
        &mut self,
        _: &mut Devl<'_>,
        key: &RateKey,
        change: &RateChange,
    ) -> Result<(), DriverError> {
        self.call(format!("{change:?} {key:?}"))
    }

    fn rate_node_new(&mut self, _: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        self.call(format!("new {name}"))
    }

    fn rate_node_del(&mut self, _: &mut Devl<'_>, name: &str) -> Result<(), DriverError> {
        self.call(format!("del {name}"))
    }
}

fn h() -> Handle {
    Handle::new("pci", "0000:08:00.0")
}

fn dev(ops: RateOps) -> Box<Dev> {
    Box::new(Dev {
        ops,
        fail: None,
        calls: Vec::new(),
    })
}

/// Ports 0 and 1 with leaves, port 2 without; nodes "a" (root) and "b" (child of a),
/// created by the driver.
fn device(core: &mut Core, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(), driver);
    let mut d = core.devl(id).unwrap();
    for i in 0..3 {
        d.port_register(i, PortAttrs::physical(i + 1)).unwrap();
    }
    d.rate_leaf_create(0).unwrap();
    d.rate_leaf_create(1).unwrap();
    d.rate_node_create("a", None).unwrap();
    d.rate_node_create("b", Some("a")).unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn notes(core: &mut Core) -> Vec<(Cmd, Rate)> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| match n.body {
            DevlinkBody::Rate(r) => (n.cmd, Arc::unwrap_or_clone(r)),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn calls(core: &mut Core, id: InstanceId) -> Vec<String> {
    core.with_driver::<Dev, _>(id, |d, _| std::mem::take(&mut d.calls))
        .unwrap()
}

fn leaf(p: u32) -> RateKey {
    RateKey::Leaf(p)
}

fn node(n: &str) -> RateKey {
    RateKey::Node(n.into())
}

fn get(key: Option<RateKey>) -> Request {
    req(
        Cmd::RateGet,
        DevlinkBody::from(RateGetReq {
            handle: Some(h()),
            key,
            unknown: vec![],
        }),
    )
}

fn rate_req(key: RateKey) -> RateReq {
    RateReq {
        handle: h(),
        key,
        tx_share: None,
        tx_max: None,
        tx_priority: None,
        tx_weight: None,
        parent: None,
        tc_bws: vec![],
        unknown: vec![],
    }
}

fn set(r: RateReq) -> Request {
    req(Cmd::RateSet, DevlinkBody::from(r))
}

fn new(r: RateReq) -> Request {
    req(Cmd::RateNew, DevlinkBody::from(r))
}

fn del(name: &str) -> Request {
    req(
        Cmd::RateDel,
        DevlinkBody::from(RateDelReq {
            handle: h(),
            node: name.into(),
            unknown: vec![],
        }),
    )
}

fn tcs(indexes: &[u8]) -> Vec<RateTcBw> {
    indexes
        .iter()
        .map(|&index| RateTcBw {
            index,
            bw: u32::from(index) * 10,
        })
        .collect()
}

#[test]
fn rate_get_do_and_errors() {
    let mut core = Core::new();
    device(&mut core, Box::new(NoopDriver));
    for key in [leaf(1), node("b")] {
        let Ok(Accepted {
            response: Response::Do(r),
            ..
        }) = core.handle_request(get(Some(key.clone())))
        else {
            panic!()
        };
        assert_eq!(r[0].cmd, Cmd::RateNew);
        let DevlinkBody::Rate(rate) = &r[0].body else {
            panic!()
        };
        assert_eq!(rate.key, key);
    }
    let e = |errno| Rejection::errno(errno);
    assert_eq!(rejected(&mut core, get(None)), e(Errno::EINVAL));
    assert_eq!(rejected(&mut core, get(Some(leaf(9)))), e(Errno::ENODEV));
    assert_eq!(rejected(&mut core, get(Some(leaf(2)))), e(Errno::ENODEV));
    assert_eq!(rejected(&mut core, get(Some(node("")))), e(Errno::EINVAL));
    assert_eq!(rejected(&mut core, get(Some(node("42")))), e(Errno::EINVAL));
    assert_eq!(rejected(&mut core, get(Some(node("zz")))), e(Errno::ENODEV));
}

#[test]
fn rate_dump_lists_nodes_newest_first_then_leaves_and_resumes_by_position() {
    let mut core = Core::new();
    device(&mut core, Box::new(NoopDriver));
    let mut r = get(None);
    r.dump = true;
    let DevlinkBody::RateGetReq(b) = &mut r.body else {
        panic!()
    };
    Arc::make_mut(b).handle = None;
    let Response::Dump(mut cursor) = core.handle_request(r).unwrap().response else {
        panic!()
    };
    let mut seen: Vec<Reply> = Vec::new();
    loop {
        let mut room = 1;
        let step = core.dump_next(&mut cursor, &mut |reply| {
            if room == 0 {
                return false;
            }
            room -= 1;
            seen.push(reply);
            true
        });
        if step == DumpStep::Done {
            break;
        }
    }
    let keys: Vec<RateKey> = seen
        .iter()
        .map(|r| match &r.body {
            DevlinkBody::Rate(rate) if r.cmd == Cmd::RateNew => rate.key.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys, [node("b"), node("a"), leaf(0), leaf(1)]);
}

#[test]
fn rate_set_applies_in_kernel_order_and_notifies() {
    let mut core = Core::new();
    let id = device(&mut core, dev(RateOps::all()));
    let mut r = rate_req(leaf(0));
    r.tx_share = Some(10);
    r.tx_max = Some(20);
    r.tx_priority = Some(3);
    r.tx_weight = Some(4);
    r.parent = Some("b".into());
    r.tc_bws = tcs(&[7, 6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(core.handle_request(set(r)), Ok(Response::Do(vec![]).into()));
    let c = calls(&mut core, id);
    let kinds: Vec<&str> = c.iter().map(|s| s.split('(').next().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "TxShare",
            "TxMax",
            "TxPriority",
            "TxWeight",
            "Parent",
            "TcBw"
        ]
    );
    assert_eq!(c[5], "TcBw([0, 10, 20, 30, 40, 50, 60, 70]) Leaf(0)");
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    let (cmd, rate) = &n[0];
    assert_eq!(*cmd, Cmd::RateNew);
    assert_eq!((rate.tx_share, rate.tx_max), (10, 20));
    assert_eq!((rate.tx_priority, rate.tx_weight), (Some(3), Some(4)));
    assert_eq!(rate.parent.as_deref(), Some("b"));
    assert_eq!(rate.tc_bws, tcs(&[0, 1, 2, 3, 4, 5, 6, 7]));
    // Nothing asked: still RATE_NEW; detach without a parent: no driver call.
    core.handle_request(set(rate_req(node("a")))).unwrap();
    let mut r = rate_req(node("a"));
    r.parent = Some(String::new());
    core.handle_request(set(r)).unwrap();
    assert_eq!(notes(&mut core).len(), 2);
    assert!(calls(&mut core, id).is_empty());
    // Detach a parent: the driver's parent_set with none.
    let mut r = rate_req(leaf(0));
    r.parent = Some(String::new());
    core.handle_request(set(r)).unwrap();
    assert_eq!(calls(&mut core, id), ["Parent(None) Leaf(0)"]);
    assert_eq!(notes(&mut core)[0].1.parent, None);
}

#[test]
fn rate_set_op_checks() {
    let mut core = Core::new();
    let mut ops = RateOps::all();
    ops.leaf.tx_priority = false;
    ops.leaf.tc_bw = false;
    ops.node.tx_share = false;
    device(&mut core, dev(ops));
    let mut r = rate_req(leaf(0));
    r.tx_share = Some(1);
    r.tx_priority = Some(1);
    assert_eq!(
        rejected(&mut core, set(r)),
        Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTxPriority,
            "TX priority set isn't supported for the leafs"
        )
    );
    let mut r = rate_req(leaf(0));
    r.tc_bws = tcs(&[0]);
    assert_eq!(
        rejected(&mut core, set(r)),
        Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTcBws,
            "TC bandwidth set isn't supported for the leafs"
        )
    );
    let mut r = rate_req(node("a"));
    r.tx_share = Some(1);
    assert_eq!(
        rejected(&mut core, set(r)),
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "TX share set isn't supported for the nodes"
        )
    );
    // Without any op: the first attribute's message.
    let mut bare = Core::new();
    device(&mut bare, Box::new(NoopDriver));
    let mut r = rate_req(leaf(1));
    r.tx_max = Some(1);
    r.parent = Some("a".into());
    assert_eq!(
        rejected(&mut bare, set(r)),
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "TX max set isn't supported for the leafs"
        )
    );
    let mut r = rate_req(leaf(1));
    r.parent = Some("a".into());
    assert_eq!(
        rejected(&mut bare, set(r)),
        Rejection::msg(
            Errno::EOPNOTSUPP,
            "Parent set isn't supported for the leafs"
        )
    );
}

#[test]
fn rate_set_parent_and_tc_checks() {
    let mut core = Core::new();
    device(&mut core, dev(RateOps::all()));
    let parent = |key, p: &str| {
        let mut r = rate_req(key);
        r.parent = Some(p.into());
        set(r)
    };
    assert_eq!(
        rejected(&mut core, parent(node("a"), "a")),
        Rejection::msg(Errno::EINVAL, "Parent to self is not allowed")
    );
    assert_eq!(
        rejected(&mut core, parent(node("a"), "b")),
        Rejection::msg(Errno::EEXIST, "Node is already a parent of parent node.")
    );
    assert_eq!(
        rejected(&mut core, parent(leaf(0), "nope")),
        Rejection::errno(Errno::ENODEV)
    );
    let tc = |idx: &[u8]| {
        let mut r = rate_req(leaf(0));
        r.tc_bws = tcs(idx);
        set(r)
    };
    assert_eq!(
        rejected(&mut core, tc(&[0, 1, 2, 3, 4, 5, 6, 6])),
        Rejection {
            errno: Errno::EINVAL,
            msg: Some("Duplicate traffic class index specified (6)".into()),
            attr: None,
            missing: None,
        }
    );
    assert_eq!(
        rejected(&mut core, tc(&[0, 1, 2])),
        Rejection::msg(
            Errno::EINVAL,
            "Bandwidth values must be specified for all 8 traffic classes"
        )
    );
    // A deeper cycle: c under b under a; a under c is refused.
    core.handle_request(new({
        let mut r = rate_req(node("c"));
        r.parent = Some("b".into());
        r
    }))
    .unwrap();
    notes(&mut core);
    assert_eq!(
        rejected(&mut core, parent(node("a"), "c")).errno,
        Errno::EEXIST
    );
}

#[test]
fn rate_set_partial_failure_keeps_and_notifies_what_was_applied() {
    let mut core = Core::new();
    let id = device(&mut core, dev(RateOps::all()));
    core.with_driver::<Dev, _>(id, |d, _| d.fail = Some("TxMax"))
        .unwrap();
    let mut r = rate_req(leaf(1));
    r.tx_share = Some(5);
    r.tx_max = Some(6);
    let e = core.handle_request(set(r)).unwrap_err();
    assert_eq!(e, Rejection::msg(EIO, "driver says no"));
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].1.tx_share, n[0].1.tx_max), (5, 0));
    // Failing at the first setter changes nothing.
    let mut r = rate_req(leaf(1));
    r.tx_max = Some(6);
    assert_eq!(rejected(&mut core, set(r)).errno, EIO);
}

#[test]
fn rate_new_node() {
    let mut core = Core::new();
    let id = device(&mut core, dev(RateOps::all()));
    let mut r = rate_req(node("g1"));
    r.tx_max = Some(100);
    r.parent = Some("a".into());
    assert_eq!(core.handle_request(new(r)), Ok(Response::Do(vec![]).into()));
    assert_eq!(
        calls(&mut core, id),
        [
            "new g1",
            "TxMax(100) Node(\"g1\")",
            "Parent(Some(\"a\")) Node(\"g1\")"
        ]
    );
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].0, Cmd::RateNew);
    assert_eq!((n[0].1.tx_max, n[0].1.parent.as_deref()), (100, Some("a")));
    // Checks: exists, bad names, no name at all.
    let e = |errno| Rejection::errno(errno);
    assert_eq!(
        rejected(&mut core, new(rate_req(node("g1")))),
        e(Errno::EEXIST)
    );
    assert_eq!(
        rejected(&mut core, new(rate_req(node("007")))),
        e(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, new(rate_req(leaf(0)))),
        e(Errno::EINVAL)
    );
    // A name next to a port index is still the node's name.
    let mut r = rate_req(leaf(0));
    r.unknown.push(UnknownAttr {
        raw_type: Attr::RateNodeName as u16,
        payload: b"g2\0".to_vec(),
    });
    core.handle_request(new(r)).unwrap();
    assert_eq!(notes(&mut core)[0].1.key, node("g2"));
    calls(&mut core, id);
    // A failing setter: the driver deletes the node again; nothing is listed.
    let mut r = rate_req(node("g3"));
    r.parent = Some("missing".into());
    assert_eq!(rejected(&mut core, new(r)), e(Errno::ENODEV));
    assert_eq!(calls(&mut core, id), ["new g3", "del g3"]);
    assert_eq!(rejected(&mut core, get(Some(node("g3")))), e(Errno::ENODEV));
}

#[test]
fn rate_new_op_checks() {
    let mut bare = Core::new();
    device(&mut bare, Box::new(NoopDriver));
    assert_eq!(
        rejected(&mut bare, new(rate_req(node("x")))),
        Rejection::msg(Errno::EOPNOTSUPP, "Rate nodes aren't supported")
    );
    let mut ops = RateOps::all();
    ops.node.tx_weight = false;
    let mut core = Core::new();
    device(&mut core, dev(ops));
    let mut r = rate_req(node("x"));
    r.tx_weight = Some(2);
    assert_eq!(
        rejected(&mut core, new(r)),
        Rejection::attr(
            Errno::EOPNOTSUPP,
            Attr::RateTxWeight,
            "TX weight set isn't supported for the nodes"
        )
    );
}

#[test]
fn rate_del_node() {
    let mut core = Core::new();
    let id = device(&mut core, dev(RateOps::all()));
    assert_eq!(
        rejected(&mut core, del("a")),
        Rejection::msg(Errno::EBUSY, "Node has children. Cannot delete node.")
    );
    assert_eq!(
        rejected(&mut core, del("")),
        Rejection::errno(Errno::EINVAL)
    );
    assert_eq!(
        rejected(&mut core, del("q")),
        Rejection::errno(Errno::ENODEV)
    );
    core.handle_request(del("b")).unwrap();
    let n = notes(&mut core);
    assert_eq!(
        (n.len(), n[0].0, n[0].1.key.clone()),
        (1, Cmd::RateDel, node("b"))
    );
    assert_eq!(calls(&mut core, id), ["del b"]);
    // The driver fails: the node is gone all the same, and the answer is its error.
    core.with_driver::<Dev, _>(id, |d, _| d.fail = Some("del"))
        .unwrap();
    let e = core.handle_request(del("a")).unwrap_err();
    assert_eq!(e.errno, EIO);
    assert_eq!(notes(&mut core)[0].0, Cmd::RateDel);
    assert_eq!(
        rejected(&mut core, del("a")),
        Rejection::errno(Errno::ENODEV)
    );
}

/// Folding every notification of a sequence of rate requests (successful, partial and
/// rejected) into the state before gives what a dump shows, and the stream passes the
/// notification checker.
#[test]
fn rate_requests_keep_the_stream_consistent_with_dumps() {
    use devlink_core::checker::Checker;
    use devlink_core::fold::View;
    let mut core = Core::new();
    let id = core.alloc(h(), dev(RateOps::all()));
    let mut d = core.devl(id).unwrap();
    for i in 0..2 {
        d.port_register(i, PortAttrs::physical(i + 1)).unwrap();
        d.rate_leaf_create(i).unwrap();
    }
    d.rate_node_create("a", None).unwrap();
    d.rate_node_create("b", Some("a")).unwrap();
    core.register(id).unwrap();
    let mut folded = View::default();
    let mut checker = Checker::new();
    while let Some(n) = core.poll_notification() {
        checker.check(Some(n.revision), n.cmd, &n.body).unwrap();
        folded.apply(n.cmd, &n.body);
    }
    let mut r1 = rate_req(node("n1"));
    r1.parent = Some("b".into());
    let mut r2 = rate_req(leaf(0));
    r2.parent = Some("n1".into());
    r2.tx_share = Some(7);
    let mut r3 = rate_req(leaf(1));
    r3.tx_share = Some(1);
    r3.tx_max = Some(2);
    let mut r4 = rate_req(node("a"));
    r4.parent = Some("n1".into());
    let steps = [new(r1), set(r2), set(r3), set(r4), del("b"), del("q")];
    for (i, step) in steps.into_iter().enumerate() {
        if i == 2 {
            core.with_driver::<Dev, _>(id, |d, _| d.fail = Some("TxMax"))
                .unwrap();
        }
        let _ = core.handle_request(step);
        while let Some(n) = core.poll_notification() {
            checker.check(Some(n.revision), n.cmd, &n.body).unwrap();
            folded.apply(n.cmd, &n.body);
        }
        assert_eq!(folded, View::from_dump(&core), "after step {i}");
    }
}
