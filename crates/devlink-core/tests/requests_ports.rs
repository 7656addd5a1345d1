//! Port requests: `PORT_SET` (type, function), `PORT_NEW`, `PORT_DEL`, `PORT_SPLIT`,
//! `PORT_UNSPLIT`, with the kernel's checks, errno and extack; a rejected request
//! changes and emits nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is the test failing"
)]

mod common;

use common::{rejected, req};
use devlink_core::{
    Core, Devl, Driver, DriverError, Errno, InstanceId, NoopDriver, PortAttrs, PortFnChange,
    PortNewAttrs, PortOps, Rejection, Request, Response,
};
use devlink_wire::devlink::{
    Handle, Port, PortFnCaps, PortFunction, PortKeyReq, PortNewReq, PortSetReq, PortSplitReq,
    UnknownAttr,
};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, PortFlavour, PortFnOpstate, PortFnState, PortType};

const ROCE: u32 = 1;
const MIGRATABLE: u32 = 2;

/// A driver whose ops are configurable; it records its calls and fails the one named.
#[derive(Default)]
struct Dev {
    ops: PortOps,
    fail: Option<&'static str>,
    calls: Vec<String>,
}

impl Dev {
    fn call(&mut self, what: &'static str, detail: String) -> Result<(), DriverError> {
        self.calls.push(format!("{what} {detail}"));
        if self.fail == Some(what) {
            return Err(DriverError::new(EIO, format!("{what} failed")));
        }
        Ok(())
    }
}

const EIO: Errno = Errno(5);

impl Driver for Dev {
    fn port_ops(&self, _: u32) -> PortOps {
        self.ops
    }

    fn port_type_set(&mut self, _: &mut Devl<'_>, i: u32, ty: PortType) -> Result<(), DriverError> {
        self.call("type", format!("{i} {ty:?}"))
    }

    fn port_fn_set(
        &mut self,
        _: &mut Devl<'_>,
        i: u32,
        change: &PortFnChange,
        function: &mut PortFunction,
    ) -> Result<(), DriverError> {
        let what = match change {
            PortFnChange::HwAddr(_) => "hw_addr",
            PortFnChange::Cap { .. } => "cap",
            PortFnChange::MaxIoEqs(_) => "max_io_eqs",
            PortFnChange::State(s) => {
                function.opstate = Some(if *s == PortFnState::Active {
                    PortFnOpstate::Attached
                } else {
                    PortFnOpstate::Detached
                });
                "state"
            }
        };
        self.call(what, format!("{i} {change:?}"))
    }

    fn port_new(&mut self, devl: &mut Devl<'_>, a: &PortNewAttrs) -> Result<u32, DriverError> {
        self.call("new", format!("{a:?}"))?;
        let index = a.port_index.unwrap_or(100);
        let mut attrs = PortAttrs::physical(0);
        attrs.flavour = a.flavour;
        attrs.number = None;
        attrs.pci_pf = Some(a.pfnum);
        attrs.controller = Some(a.controller.map_or(0, u32::from));
        attrs.pci_sf = a.sfnum;
        devl.port_register(index, attrs)
            .map_err(|_| DriverError::new(Errno::EEXIST, "in use"))?;
        Ok(index)
    }

    fn port_del(&mut self, devl: &mut Devl<'_>, i: u32) -> Result<(), DriverError> {
        self.call("del", i.to_string())?;
        devl.port_unregister(i).unwrap();
        Ok(())
    }

    fn port_split(&mut self, devl: &mut Devl<'_>, i: u32, count: u32) -> Result<(), DriverError> {
        self.call("split", format!("{i} {count}"))?;
        devl.port_unregister(i).unwrap();
        for sub in 0..count {
            let mut attrs = PortAttrs::physical(i + 1);
            attrs.split_subport = Some(sub);
            attrs.lanes = 1;
            devl.port_register(i * 10 + sub + 10, attrs).unwrap();
        }
        Ok(())
    }

    fn port_unsplit(&mut self, _: &mut Devl<'_>, i: u32) -> Result<(), DriverError> {
        self.call("unsplit", i.to_string())
    }
}

fn h() -> Handle {
    Handle::new("netdevsim", "netdevsim1")
}

/// Port 0: physical, splittable in 4 lanes; port 1: a PCI VF; port 2: a split port.
fn device(core: &mut Core, driver: Box<dyn Driver>) -> InstanceId {
    let id = core.alloc(h(), driver);
    let mut d = core.devl(id).unwrap();
    let mut p0 = PortAttrs::physical(1);
    p0.splittable = true;
    p0.lanes = 4;
    d.port_register(0, p0).unwrap();
    let mut vf = PortAttrs::physical(0);
    vf.flavour = PortFlavour::PciVf;
    vf.number = None;
    vf.pci_pf = Some(0);
    vf.pci_vf = Some(1);
    d.port_register(1, vf).unwrap();
    let mut split = PortAttrs::physical(3);
    split.split_subport = Some(0);
    d.port_register(2, split).unwrap();
    core.register(id).unwrap();
    while core.poll_notification().is_some() {}
    id
}

fn all_ops() -> Dev {
    Dev {
        ops: PortOps {
            type_set: true,
            split: true,
            fn_hw_addr_set: true,
            fn_state_set: true,
            fn_max_io_eqs_set: true,
            fn_caps_set: 0xf,
        },
        ..Dev::default()
    }
}

fn notes(core: &mut Core) -> Vec<(Cmd, DevlinkBody)> {
    std::iter::from_fn(|| core.poll_notification())
        .map(|n| (n.cmd, n.body))
        .collect()
}

fn port(body: &DevlinkBody) -> &Port {
    match body {
        DevlinkBody::Port(p) => p,
        other => panic!("not a port: {other:?}"),
    }
}

fn calls(core: &mut Core, id: InstanceId) -> Vec<String> {
    core.with_driver::<Dev, _>(id, |d, _| std::mem::take(&mut d.calls))
        .unwrap()
}

fn set(index: u32, port_type: Option<PortType>, function: Option<PortFunction>) -> Request {
    req(
        Cmd::PortSet,
        DevlinkBody::from(PortSetReq {
            handle: h(),
            index,
            port_type,
            function,
            unknown: vec![],
        }),
    )
}

#[test]
fn port_set_type() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(all_ops()));
    // Same type as the port has: nothing happens, not even the driver.
    let ok = core.handle_request(set(0, Some(PortType::Notset), None));
    assert_eq!(ok, Ok(Response::Do(vec![]).into()));
    assert_eq!(core.pending_notifications(), 0);
    assert!(calls(&mut core, id).is_empty());
    // Another type: the driver, then PORT_NEW with the desired type.
    core.handle_request(set(0, Some(PortType::Eth), None))
        .unwrap();
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].0, Cmd::PortNew);
    assert_eq!(port(&n[0].1).desired_type, Some(PortType::Eth));
    assert_eq!(port(&n[0].1).port_type, PortType::Notset);
    assert_eq!(calls(&mut core, id), ["type 0 Eth"]);
    // The driver refuses: its errno and message, nothing changes.
    core.with_driver::<Dev, _>(id, |d, _| d.fail = Some("type"))
        .unwrap();
    let e = rejected(&mut core, set(0, Some(PortType::Ib), None));
    assert_eq!(e, Rejection::msg(EIO, "type failed"));
    // Unknown port; a port without the op (even for its current type).
    assert_eq!(
        rejected(&mut core, set(9, Some(PortType::Eth), None)),
        Rejection::errno(Errno::ENODEV)
    );
    let mut bare = Core::new();
    device(&mut bare, Box::new(NoopDriver));
    assert_eq!(
        rejected(&mut bare, set(0, Some(PortType::Notset), None)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    // Nothing asked: success, nothing sent.
    assert_eq!(
        bare.handle_request(set(0, None, None)),
        Ok(Response::Do(vec![]).into())
    );
    assert_eq!(bare.pending_notifications(), 0);
}

fn func() -> PortFunction {
    PortFunction::default()
}

#[test]
fn port_function_set_in_kernel_order_with_one_port_new() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(all_ops()));
    let f = PortFunction {
        hw_addr: Some(vec![0x02, 0, 0, 0, 0, 1]),
        caps: Some(PortFnCaps {
            value: MIGRATABLE,
            selector: ROCE | MIGRATABLE,
        }),
        state: Some(PortFnState::Active),
        max_io_eqs: Some(8),
        ..func()
    };
    core.handle_request(set(1, None, Some(f))).unwrap();
    assert_eq!(
        calls(&mut core, id),
        [
            "hw_addr 1 HwAddr([2, 0, 0, 0, 0, 1])",
            "cap 1 Cap { cap: 1, enable: false }",
            "cap 1 Cap { cap: 2, enable: true }",
            "max_io_eqs 1 MaxIoEqs(8)",
            "state 1 State(Active)",
        ]
    );
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    let got = port(&n[0].1).function.clone().unwrap();
    assert_eq!(got.hw_addr, Some(vec![0x02, 0, 0, 0, 0, 1]));
    assert_eq!(
        got.caps,
        Some(PortFnCaps {
            value: MIGRATABLE,
            selector: ROCE | MIGRATABLE
        })
    );
    assert_eq!(got.max_io_eqs, Some(8));
    assert_eq!(got.state, Some(PortFnState::Active));
    // The driver's own adjustment is kept.
    assert_eq!(got.opstate, Some(PortFnOpstate::Attached));
    // An empty function nest still notifies, as in the kernel.
    core.handle_request(set(1, None, Some(func()))).unwrap();
    assert_eq!(notes(&mut core).len(), 1);
}

#[test]
fn port_function_validation_messages() {
    let mut core = Core::new();
    let mut none = all_ops();
    none.ops = PortOps::default();
    device(&mut core, Box::new(none));
    let no = |msg| Rejection::msg(Errno::EOPNOTSUPP, msg);
    let cases = [
        (
            PortFunction {
                hw_addr: Some(vec![2, 0, 0, 0, 0, 1]),
                ..func()
            },
            "Port doesn't support function attributes",
        ),
        (
            PortFunction {
                state: Some(PortFnState::Active),
                ..func()
            },
            "Function does not support state setting",
        ),
        (
            PortFunction {
                caps: Some(PortFnCaps {
                    value: 0,
                    selector: ROCE,
                }),
                ..func()
            },
            "Port doesn't support RoCE function attribute",
        ),
        (
            PortFunction {
                caps: Some(PortFnCaps {
                    value: 4,
                    selector: 4,
                }),
                ..func()
            },
            "Port doesn't support ipsec_crypto function attribute",
        ),
        (
            PortFunction {
                max_io_eqs: Some(1),
                ..func()
            },
            "Function does not support max_io_eqs setting",
        ),
    ];
    for (f, msg) in cases {
        assert_eq!(rejected(&mut core, set(1, None, Some(f))), no(msg));
    }
    // VF-only capabilities on a physical port, with the op.
    let mut core = Core::new();
    device(&mut core, Box::new(all_ops()));
    let caps = |bit| PortFunction {
        caps: Some(PortFnCaps {
            value: bit,
            selector: bit,
        }),
        ..func()
    };
    assert_eq!(
        rejected(&mut core, set(0, None, Some(caps(MIGRATABLE)))),
        no("migratable function attribute supported for VFs only")
    );
    assert_eq!(
        rejected(&mut core, set(0, None, Some(caps(8)))),
        no("ipsec_packet function attribute supported for VFs only")
    );
    // Bits outside the policy mask.
    assert_eq!(
        rejected(&mut core, set(1, None, Some(caps(16)))),
        Rejection::msg(Errno::EINVAL, "Attribute failed policy validation")
    );
    // An attribute type the function space does not have (a client's nest of nests,
    // 1 000 deep, in the hostile-client test): the strict nested parse fails.
    let unknown = PortFunction {
        unknown: vec![UnknownAttr {
            raw_type: 145 | 0x8000,
            payload: vec![8, 0, 1, 0, 7, 0, 0, 0],
        }],
        ..func()
    };
    assert_eq!(
        rejected(&mut core, set(1, None, Some(unknown))),
        Rejection::msg(Errno::EINVAL, "Fail to parse port function attributes")
    );
}

#[test]
fn port_function_hw_addr_checks() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(all_ops()));
    let addr = |a: Vec<u8>| {
        Some(PortFunction {
            hw_addr: Some(a),
            ..func()
        })
    };
    let inval = |msg| Rejection::msg(Errno::EINVAL, msg);
    assert_eq!(
        rejected(&mut core, set(1, None, addr(vec![0; 33]))),
        inval("Port function hardware address too long")
    );
    // Not an Ethernet port: any length up to 32 is the driver's business.
    core.handle_request(set(1, None, addr(vec![1; 20])))
        .unwrap();
    notes(&mut core);
    core.devl(id).unwrap().port_type_eth_set(1, None).unwrap();
    notes(&mut core);
    assert_eq!(
        rejected(&mut core, set(1, None, addr(vec![2; 8]))),
        inval("Address must be 6 bytes for Ethernet device")
    );
    assert_eq!(
        rejected(&mut core, set(1, None, addr(vec![1, 0, 0, 0, 0, 1]))),
        inval("Non-unicast hardware address unsupported")
    );
}

#[test]
fn port_function_partial_failure_keeps_and_notifies_what_was_applied() {
    let mut core = Core::new();
    let mut dev = all_ops();
    dev.fail = Some("state");
    let id = device(&mut core, Box::new(dev));
    let f = PortFunction {
        max_io_eqs: Some(4),
        state: Some(PortFnState::Active),
        ..func()
    };
    let e = core.handle_request(set(1, None, Some(f))).unwrap_err();
    assert_eq!(e, Rejection::msg(EIO, "state failed"));
    // max_io_eqs stays (as in the kernel); here it is also notified.
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    let got = port(&n[0].1).function.clone().unwrap();
    assert_eq!((got.max_io_eqs, got.state), (Some(4), None));
    // Failing on the first setter changes nothing.
    core.with_driver::<Dev, _>(id, |d, _| d.fail = Some("max_io_eqs"))
        .unwrap();
    let f = PortFunction {
        max_io_eqs: Some(5),
        ..func()
    };
    let e = rejected(&mut core, set(1, None, Some(f)));
    assert_eq!(e.errno, EIO);
}

fn new_req(index: Option<u32>, flavour: PortFlavour, sf: Option<u32>) -> Request {
    req(
        Cmd::PortNew,
        DevlinkBody::from(PortNewReq {
            handle: h(),
            index,
            flavour,
            pci_pf: 0,
            pci_sf: sf,
            controller: Some(0x1_0001),
            unknown: vec![],
        }),
    )
}

#[test]
fn port_new_and_del() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(all_ops()));
    let r = core
        .handle_request(new_req(Some(7), PortFlavour::PciSf, Some(88)))
        .unwrap()
        .response;
    let Response::Do(replies) = r else { panic!() };
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].cmd, Cmd::PortNew);
    let p = port(&replies[0].body);
    assert_eq!((p.index, p.pci_sf, p.controller), (7, Some(88), Some(1)));
    // The notification came first (queued before the reply).
    let n = notes(&mut core);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].0, port(&n[0].1).index), (Cmd::PortNew, 7));
    // The SF number is passed for SF ports only; the controller as 16 bits.
    core.handle_request(new_req(None, PortFlavour::PciPf, Some(3)))
        .unwrap();
    assert_eq!(
        calls(&mut core, id)[1],
        "new PortNewAttrs { flavour: PciPf, pfnum: 0, port_index: None, controller: Some(1), sfnum: None }"
    );
    notes(&mut core);
    // The driver's refusal.
    let e = rejected(&mut core, new_req(Some(7), PortFlavour::PciSf, None));
    assert_eq!(e, Rejection::msg(Errno::EEXIST, "in use"));
    // Delete: PORT_DEL.
    let del = |index| {
        req(
            Cmd::PortDel,
            DevlinkBody::from(PortKeyReq {
                handle: h(),
                index,
                unknown: vec![],
            }),
        )
    };
    core.handle_request(del(7)).unwrap();
    let n = notes(&mut core);
    assert_eq!((n.len(), n[0].0), (1, Cmd::PortDel));
    assert_eq!(rejected(&mut core, del(7)), Rejection::errno(Errno::ENODEV));
    // Without the ops.
    let mut bare = Core::new();
    device(&mut bare, Box::new(NoopDriver));
    assert_eq!(
        rejected(&mut bare, new_req(None, PortFlavour::PciSf, None)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    assert_eq!(
        rejected(&mut bare, del(0)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

fn split(index: u32, count: u32) -> Request {
    req(
        Cmd::PortSplit,
        DevlinkBody::from(PortSplitReq {
            handle: h(),
            index,
            count,
            unknown: vec![],
        }),
    )
}

#[test]
fn port_split_checks_and_split() {
    let mut core = Core::new();
    let id = device(&mut core, Box::new(all_ops()));
    let inval = |msg| Rejection::msg(Errno::EINVAL, msg);
    assert_eq!(
        rejected(&mut core, split(1, 2)),
        inval("Port cannot be split")
    );
    assert_eq!(
        rejected(&mut core, split(2, 2)),
        inval("Port cannot be split further")
    );
    for count in [0, 1, 3, 8] {
        assert_eq!(
            rejected(&mut core, split(0, count)),
            inval("Invalid split count")
        );
    }
    assert_eq!(
        rejected(&mut core, split(5, 2)),
        Rejection::errno(Errno::ENODEV)
    );
    core.handle_request(split(0, 2)).unwrap();
    assert_eq!(calls(&mut core, id), ["split 0 2"]);
    let n = notes(&mut core);
    let seen: Vec<(Cmd, u32)> = n.iter().map(|(c, b)| (*c, port(b).index)).collect();
    assert_eq!(
        seen,
        [(Cmd::PortDel, 0), (Cmd::PortNew, 10), (Cmd::PortNew, 11)]
    );
    assert_eq!(port(&n[1].1).split_group, Some(1));
    // Without the op, before the other checks.
    let mut none = all_ops();
    none.ops.split = false;
    let mut core = Core::new();
    device(&mut core, Box::new(none));
    assert_eq!(
        rejected(&mut core, split(1, 3)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
    // Unsplit: the port must exist, then the driver.
    let unsplit = |index| {
        req(
            Cmd::PortUnsplit,
            DevlinkBody::from(PortKeyReq {
                handle: h(),
                index,
                unknown: vec![],
            }),
        )
    };
    assert_eq!(
        rejected(&mut core, unsplit(9)),
        Rejection::errno(Errno::ENODEV)
    );
    assert_eq!(
        core.handle_request(unsplit(2)),
        Ok(Response::Do(vec![]).into())
    );
    let mut bare = Core::new();
    device(&mut bare, Box::new(NoopDriver));
    assert_eq!(
        rejected(&mut bare, unsplit(2)),
        Rejection::errno(Errno::EOPNOTSUPP)
    );
}

#[test]
fn port_commands_need_admin() {
    let mut core = Core::new();
    device(&mut core, Box::new(all_ops()));
    let mut r = split(0, 2);
    r.admin = false;
    assert_eq!(rejected(&mut core, r), Rejection::errno(Errno::EPERM));
}
