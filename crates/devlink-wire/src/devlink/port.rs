//! The port object (`DEVLINK_CMD_PORT_NEW` / `PORT_DEL` replies and notifications) and the
//! port requests (`PORT_GET`, `PORT_SET`, `PORT_NEW`, `PORT_DEL`, `PORT_SPLIT`,
//! `PORT_UNSPLIT`). Kernel: `net/devlink/port.c` (`devlink_nl_port_fill`,
//! `devlink_nl_port_attrs_put`, `devlink_nl_port_function_attrs_put`,
//! `devlink_nl_port_new_doit`).

use std::sync::Arc;

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, PortFlavour, PortFnAttr, PortFnOpstate, PortFnState, PortType, Space};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::dev::NestedHandle;
use super::handle::{Handle, HandleParts};

/// A devlink port as the kernel describes it (`devlink_nl_port_fill`).
///
/// The flavour-specific numbers are kept flat: the kernel emits `PORT_NUMBER` (+ split
/// group and subport) for physical/CPU/DSA ports, controller + PF (+ VF) + external for
/// PCI PF/VF ports and controller + PF + SF for PCI SF ports; [`Port::encode`] emits
/// whichever are set in an order consistent with every flavour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_PORT_TYPE` (always sent; `NOTSET` until a netdev/ibdev attaches).
    pub port_type: PortType,
    /// `DEVLINK_ATTR_PORT_DESIRED_TYPE`: only when a user type request is recorded.
    pub desired_type: Option<PortType>,
    /// `DEVLINK_ATTR_PORT_NETDEV_IFINDEX`: type ETH with a netdev.
    pub netdev_ifindex: Option<u32>,
    /// `DEVLINK_ATTR_PORT_NETDEV_NAME`: type ETH with a netdev.
    pub netdev_name: Option<Arc<str>>,
    /// `DEVLINK_ATTR_PORT_IBDEV_NAME`: type IB with an ibdev.
    pub ibdev_name: Option<Arc<str>>,
    /// `DEVLINK_ATTR_PORT_LANES`: only if non-zero.
    pub lanes: Option<u32>,
    /// `DEVLINK_ATTR_PORT_SPLITTABLE` (u8 0/1); sent whenever the driver set attributes.
    pub splittable: Option<bool>,
    /// `DEVLINK_ATTR_PORT_FLAVOUR`; sent whenever the driver set attributes.
    pub flavour: Option<PortFlavour>,
    /// `DEVLINK_ATTR_PORT_NUMBER`: physical, CPU and DSA ports.
    pub number: Option<u32>,
    /// `DEVLINK_ATTR_PORT_SPLIT_GROUP` (= the port number): split ports.
    pub split_group: Option<u32>,
    /// `DEVLINK_ATTR_PORT_SPLIT_SUBPORT_NUMBER`: split ports.
    pub split_subport_number: Option<u32>,
    /// `DEVLINK_ATTR_PORT_CONTROLLER_NUMBER`: PCI PF, VF and SF ports.
    pub controller: Option<u32>,
    /// `DEVLINK_ATTR_PORT_PCI_PF_NUMBER`: PCI PF, VF and SF ports.
    pub pci_pf: Option<u16>,
    /// `DEVLINK_ATTR_PORT_PCI_VF_NUMBER`: PCI VF ports.
    pub pci_vf: Option<u16>,
    /// `DEVLINK_ATTR_PORT_PCI_SF_NUMBER`: PCI SF ports.
    pub pci_sf: Option<u32>,
    /// `DEVLINK_ATTR_PORT_EXTERNAL` (u8 0/1): PCI PF and VF ports.
    pub external: Option<bool>,
    /// `DEVLINK_ATTR_PORT_FUNCTION`: omitted by the kernel when it would be empty.
    pub function: Option<PortFunction>,
    /// `DEVLINK_ATTR_LINECARD_INDEX`: the port belongs to a line card.
    pub linecard_index: Option<u32>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Port {
    /// Port `index` of `handle` as the kernel's first `PORT_NEW` shows it
    /// (`devl_port_register`): type `NOTSET`, no netdev, nothing else set.
    #[must_use]
    pub fn new(handle: Handle, index: u32) -> Self {
        Self {
            handle,
            index,
            port_type: PortType::Notset,
            desired_type: None,
            netdev_ifindex: None,
            netdev_name: None,
            ibdev_name: None,
            lanes: None,
            splittable: None,
            flavour: None,
            number: None,
            split_group: None,
            split_subport_number: None,
            controller: None,
            pci_pf: None,
            pci_vf: None,
            pci_sf: None,
            external: None,
            function: None,
            linecard_index: None,
            unknown: Vec::new(),
        }
    }
}

/// `DEVLINK_ATTR_PORT_FUNCTION` (space `enum devlink_port_function_attr`): the function
/// behind a port. The kernel opens it without `NLA_F_NESTED`; iproute2 with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortFunction {
    /// `DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR` (binary, e.g. a 6-byte MAC).
    pub hw_addr: Option<Vec<u8>>,
    /// `DEVLINK_PORT_FN_ATTR_CAPS` (bitfield32; bits per `enum devlink_port_fn_attr_cap`).
    pub caps: Option<PortFnCaps>,
    /// `DEVLINK_PORT_FN_ATTR_STATE`.
    pub state: Option<PortFnState>,
    /// `DEVLINK_PORT_FN_ATTR_OPSTATE` (reply only, sent together with the state).
    pub opstate: Option<PortFnOpstate>,
    /// `DEVLINK_PORT_FN_ATTR_MAX_IO_EQS` (u32).
    pub max_io_eqs: Option<u32>,
    /// `DEVLINK_PORT_FN_ATTR_DEVLINK`: the instance the function is bound to (reply only).
    pub devlink: Option<NestedHandle>,
    /// Attributes of the nest not modelled here, re-emitted last inside it.
    pub unknown: Vec<UnknownAttr>,
}

/// The `struct nla_bitfield32` of `DEVLINK_PORT_FN_ATTR_CAPS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PortFnCaps {
    /// Capability bits that are enabled.
    pub value: u32,
    /// Capability bits that `value` speaks for.
    pub selector: u32,
}

fn fn_bad(a: &RawAttr<'_>, kind: impl Into<AttrErrorKind>) -> AttrError {
    AttrError::bad(Space::PortFunction, a, kind)
}

impl PortFunction {
    /// Decode the payload of a `PORT_FUNCTION` nest.
    pub fn decode(attrs: AttrIter<'_>) -> Result<Self, AttrError> {
        let mut f = Self::default();
        for a in each(attrs, Space::PortFunction) {
            let a = a?;
            match PortFnAttr::from_repr(a.kind()) {
                Some(PortFnAttr::HwAddr) => f.hw_addr = Some(a.payload().to_vec()),
                Some(PortFnAttr::Caps) => {
                    let (value, selector) = a.bitfield32().map_err(|e| fn_bad(&a, e))?;
                    f.caps = Some(PortFnCaps { value, selector });
                }
                Some(PortFnAttr::State) => {
                    let v = a.u8().map_err(|e| fn_bad(&a, e))?;
                    let s = PortFnState::from_repr(v);
                    f.state = Some(s.ok_or_else(|| fn_bad(&a, AttrErrorKind::BadValue(v.into())))?);
                }
                Some(PortFnAttr::Opstate) => {
                    let v = a.u8().map_err(|e| fn_bad(&a, e))?;
                    let s = PortFnOpstate::from_repr(v);
                    f.opstate =
                        Some(s.ok_or_else(|| fn_bad(&a, AttrErrorKind::BadValue(v.into())))?);
                }
                Some(PortFnAttr::MaxIoEqs) => {
                    f.max_io_eqs = Some(a.u32().map_err(|e| fn_bad(&a, e))?);
                }
                Some(PortFnAttr::Devlink) => f.devlink = Some(NestedHandle::decode(a.nested())?),
                _ => f.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(f)
    }

    /// Emit the nest the way the kernel does: no `NLA_F_NESTED`; hw_addr, caps, state,
    /// opstate, max_io_eqs, devlink (`devlink_nl_port_function_attrs_put`).
    pub fn encode(&self, e: &mut Emitter<'_>) {
        self.encode_with(e, false);
    }

    /// Emit the nest the way iproute2 does in `PORT_SET` (`dl_function_attr_put`):
    /// `NLA_F_NESTED`; hw_addr, state, caps, max_io_eqs.
    pub fn encode_request(&self, e: &mut Emitter<'_>) {
        self.encode_with(e, true);
    }

    fn encode_with(&self, e: &mut Emitter<'_>, request: bool) {
        let n = e.nest(Attr::PortFunction as u16, request);
        if let Some(mac) = &self.hw_addr {
            e.bytes(PortFnAttr::HwAddr as u16, mac);
        }
        let caps = |e: &mut Emitter<'_>| {
            if let Some(c) = self.caps {
                e.bitfield32(PortFnAttr::Caps as u16, c.value, c.selector);
            }
        };
        if !request {
            caps(e);
        }
        if let Some(s) = self.state {
            e.u8(PortFnAttr::State as u16, s as u8);
        }
        if request {
            caps(e);
        }
        if let Some(s) = self.opstate {
            e.u8(PortFnAttr::Opstate as u16, s as u8);
        }
        if let Some(m) = self.max_io_eqs {
            e.u32(PortFnAttr::MaxIoEqs as u16, m);
        }
        if let Some(d) = &self.devlink {
            let h = e.nest(PortFnAttr::Devlink as u16, true);
            d.encode_inner(e);
            e.end(h);
        }
        encode_unknown(&self.unknown, e);
        e.end(n);
    }
}

fn get_bool(a: &RawAttr<'_>) -> Result<bool, AttrError> {
    a.get_u8().map(|v| v != 0)
}

impl Body for Port {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut port_type) = (None, None);
        let mut p = PortOptional::default();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => index = Some(a.get_u32()?),
                Some(Attr::PortType) => port_type = Some(a.get_enum_u16::<PortType>()?),
                Some(Attr::PortDesiredType) => p.desired_type = Some(a.get_enum_u16()?),
                Some(Attr::PortNetdevIfindex) => p.netdev_ifindex = Some(a.get_u32()?),
                Some(Attr::PortNetdevName) => p.netdev_name = Some(a.get_str()?.into()),
                Some(Attr::PortIbdevName) => p.ibdev_name = Some(a.get_str()?.into()),
                Some(Attr::PortLanes) => p.lanes = Some(a.get_u32()?),
                Some(Attr::PortSplittable) => p.splittable = Some(get_bool(&a)?),
                Some(Attr::PortFlavour) => p.flavour = Some(a.get_enum_u16()?),
                Some(Attr::PortNumber) => p.number = Some(a.get_u32()?),
                Some(Attr::PortSplitGroup) => p.split_group = Some(a.get_u32()?),
                Some(Attr::PortSplitSubportNumber) => p.split_subport_number = Some(a.get_u32()?),
                Some(Attr::PortControllerNumber) => p.controller = Some(a.get_u32()?),
                Some(Attr::PortPciPfNumber) => p.pci_pf = Some(a.get_u16()?),
                Some(Attr::PortPciVfNumber) => p.pci_vf = Some(a.get_u16()?),
                Some(Attr::PortPciSfNumber) => p.pci_sf = Some(a.get_u32()?),
                Some(Attr::PortExternal) => p.external = Some(get_bool(&a)?),
                Some(Attr::PortFunction) => p.function = Some(PortFunction::decode(a.nested())?),
                Some(Attr::LinecardIndex) => p.linecard_index = Some(a.get_u32()?),
                _ => p.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::PortIndex)?,
            port_type: required(port_type, Attr::PortType)?,
            desired_type: p.desired_type,
            netdev_ifindex: p.netdev_ifindex,
            netdev_name: p.netdev_name,
            ibdev_name: p.ibdev_name,
            lanes: p.lanes,
            splittable: p.splittable,
            flavour: p.flavour,
            number: p.number,
            split_group: p.split_group,
            split_subport_number: p.split_subport_number,
            controller: p.controller,
            pci_pf: p.pci_pf,
            pci_vf: p.pci_vf,
            pci_sf: p.pci_sf,
            external: p.external,
            function: p.function,
            linecard_index: p.linecard_index,
            unknown: p.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::PortIndex as u16, self.index);
        e.u16(Attr::PortType as u16, self.port_type as u16);
        if let Some(t) = self.desired_type {
            e.u16(Attr::PortDesiredType as u16, t as u16);
        }
        put_u32(e, Attr::PortNetdevIfindex, self.netdev_ifindex);
        put_str(e, Attr::PortNetdevName, self.netdev_name.as_deref());
        put_str(e, Attr::PortIbdevName, self.ibdev_name.as_deref());
        put_u32(e, Attr::PortLanes, self.lanes);
        if let Some(s) = self.splittable {
            e.u8(Attr::PortSplittable as u16, u8::from(s));
        }
        if let Some(f) = self.flavour {
            e.u16(Attr::PortFlavour as u16, f as u16);
        }
        // One order that matches every flavour's branch of devlink_nl_port_attrs_put.
        put_u32(e, Attr::PortNumber, self.number);
        put_u32(e, Attr::PortSplitGroup, self.split_group);
        put_u32(e, Attr::PortSplitSubportNumber, self.split_subport_number);
        put_u32(e, Attr::PortControllerNumber, self.controller);
        if let Some(pf) = self.pci_pf {
            e.u16(Attr::PortPciPfNumber as u16, pf);
        }
        if let Some(vf) = self.pci_vf {
            e.u16(Attr::PortPciVfNumber as u16, vf);
        }
        put_u32(e, Attr::PortPciSfNumber, self.pci_sf);
        if let Some(x) = self.external {
            e.u8(Attr::PortExternal as u16, u8::from(x));
        }
        if let Some(f) = &self.function {
            f.encode(e);
        }
        put_u32(e, Attr::LinecardIndex, self.linecard_index);
        encode_unknown(&self.unknown, e);
    }
}

/// The optional part of a [`Port`] while decoding.
#[derive(Default)]
struct PortOptional {
    desired_type: Option<PortType>,
    netdev_ifindex: Option<u32>,
    netdev_name: Option<Arc<str>>,
    ibdev_name: Option<Arc<str>>,
    lanes: Option<u32>,
    splittable: Option<bool>,
    flavour: Option<PortFlavour>,
    number: Option<u32>,
    split_group: Option<u32>,
    split_subport_number: Option<u32>,
    controller: Option<u32>,
    pci_pf: Option<u16>,
    pci_vf: Option<u16>,
    pci_sf: Option<u32>,
    external: Option<bool>,
    function: Option<PortFunction>,
    linecard_index: Option<u32>,
    unknown: Vec<UnknownAttr>,
}

pub(super) fn put_u32(e: &mut Emitter<'_>, kind: Attr, v: Option<u32>) {
    if let Some(v) = v {
        e.u32(kind as u16, v);
    }
}

pub(super) fn put_str(e: &mut Emitter<'_>, kind: Attr, v: Option<&str>) {
    if let Some(v) = v {
        e.str(kind as u16, v);
    }
}

#[cfg(test)]
pub(super) mod test_util {
    //! Byte builders and round-trip helpers shared by the object tests.

    use super::*;

    pub(crate) fn decode<T: Body>(bytes: &[u8], dump: bool) -> Result<T, AttrError> {
        T::decode(AttrIter::new(bytes), DecodeCtx { dump })
    }

    pub(crate) fn encode<T: Body>(v: &T) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut e = Emitter::new(&mut buf);
        v.encode(&mut e);
        e.finish().unwrap();
        buf
    }

    pub(crate) fn roundtrip<T: Body>(bytes: &[u8]) -> T {
        let v = decode::<T>(bytes, false).unwrap();
        assert_eq!(encode(&v), bytes);
        v
    }

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// One attribute, padded like `nla_put`.
    pub(crate) fn at(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = u16::try_from(4 + payload.len())
            .unwrap()
            .to_ne_bytes()
            .to_vec();
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(payload);
        v.resize(v.len().next_multiple_of(4), 0);
        v
    }

    pub(crate) fn st(ty: u16, s: &str) -> Vec<u8> {
        at(ty, &[s.as_bytes(), &[0]].concat())
    }

    pub(crate) const NESTED: u16 = 0x8000;
    pub(crate) const NETDEVSIM10: &str =
        "0e0001006e657464657673696d000000 100002006e657464657673696d313000";
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;
    use crate::nl::PayloadError;
    use crate::spec::KernelEnum;
    use proptest::prelude::*;

    /// Every distinct Port body in the 6.1 captures (`traces/kernel-6.1/*/netlink.pcap`).
    const KERNEL_6_1_PORTS: &[&str] = &[
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313000 08000300 00000000
         06000400 02000000 08000600 03000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313100 08000300 00000000
         06000400 02000000 08000600 04000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313100 08000300 01000000
         06000400 02000000 08000600 05000000 09000700 65746831 00000000 05009400 00000000 06004d00
         00000000 08004e00 02000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313100 08000300 02000000
         06000400 02000000 08000600 06000000 09000700 65746832 00000000 05009400 00000000 06004d00
         00000000 08004e00 03000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313100 08000300 03000000
         06000400 02000000 08000600 07000000 09000700 65746833 00000000 05009400 00000000 06004d00
         00000000 08004e00 04000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313200 08000300 03000000
         06000400 02000000 08000600 0b000000 09000700 65746833 00000000 05009400 00000000 06004d00
         00000000 08004e00 04000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313200 08000300 02000000
         06000400 02000000 08000600 0a000000 09000700 65746832 00000000 05009400 00000000 06004d00
         00000000 08004e00 03000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313200 08000300 01000000
         06000400 02000000 08000600 09000000 09000700 65746831 00000000 05009400 00000000 06004d00
         00000000 08004e00 02000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313200 08000300 00000000
         06000400 02000000 08000600 08000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313500 08000300 00000000
         06000400 00000000 05009400 00000000 06004d00 00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313500 08000300 00000000
         06000400 02000000 08000600 18000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313500 08000300 00000000
         06000400 02000000 08000600 19000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 01000000
         06000400 00000000 05009400 00000000 06004d00 00000000 08004e00 02000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 00000000
         06000400 00000000 05009400 00000000 06004d00 00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 00000000
         06000400 02000000 08000600 11000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 01000000
         06000400 02000000 08000600 12000000 09000700 65746831 00000000 05009400 00000000 06004d00
         00000000 08004e00 02000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 00000000
         06000400 02000000 08000600 13000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 01000000
         06000400 02000000 08000600 14000000 09000700 65746831 00000000 05009400 00000000 06004d00
         00000000 08004e00 02000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 00000000
         06000400 02000000 08000600 15000000 09000700 65746830 00000000 05009400 00000000 06004d00
         00000000 08004e00 01000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 08000300 01000000
         06000400 02000000 08000600 16000000 09000700 65746831 00000000 05009400 00000000 06004d00
         00000000 08004e00 02000000",
    ];

    #[test]
    fn every_6_1_port_message_roundtrips() {
        for body in KERNEL_6_1_PORTS {
            let _: Port = roundtrip(&hex(body));
        }
    }

    /// 6.1 capture `create_1port`: PORT_NEW for netdevsim10 port 0 with netdev eth0.
    #[test]
    fn kernel_6_1_port_new_roundtrips() {
        let bytes = hex(&format!(
            "{NETDEVSIM10}
             08000300 00000000  06000400 02000000  08000600 03000000
             09000700 65746830 00000000  05009400 00000000
             06004d00 00000000  08004e00 01000000"
        ));
        let p: Port = roundtrip(&bytes);
        assert_eq!(p.handle, Handle::new("netdevsim", "netdevsim10"));
        assert_eq!(p.index, 0);
        assert_eq!(p.port_type, PortType::Eth);
        assert_eq!(p.netdev_ifindex, Some(3));
        assert_eq!(p.netdev_name.as_deref(), Some("eth0"));
        assert_eq!(p.splittable, Some(false));
        assert_eq!(p.flavour, Some(PortFlavour::Physical));
        assert_eq!(p.number, Some(1));
        assert_eq!(p.function, None);
        assert!(p.unknown.is_empty());
    }

    /// 6.1 capture `param_set`: a port before its netdev exists (type NOTSET).
    #[test]
    fn kernel_6_1_notset_port_roundtrips() {
        let bytes = hex(&format!(
            "{NETDEVSIM10} 08000300 00000000 06000400 00000000
             05009400 00000000 06004d00 00000000 08004e00 01000000"
        ));
        let p: Port = roundtrip(&bytes);
        assert_eq!(p.port_type, PortType::Notset);
        assert_eq!(p.netdev_name, None);
    }

    fn vf_port_bytes() -> Vec<u8> {
        let nested = [
            st(1, "pci"),
            st(2, "0000:08:00.2"),
            at(140, &(-3i32).to_ne_bytes()),
        ];
        let function = [
            at(1, &[0x02, 0, 0, 0, 0, 0x07]),
            at(4, &[[0b11, 0, 0, 0], [0b1111, 0, 0, 0]].concat()),
            at(2, &[1]),
            at(3, &[1]),
            at(6, &32u32.to_ne_bytes()),
            at(5 | NESTED, &nested.concat()),
        ];
        [
            st(1, "pci"),
            st(2, "0000:08:00.0"),
            at(3, &2u32.to_ne_bytes()),
            at(4, &2u16.to_ne_bytes()),
            at(5, &2u16.to_ne_bytes()),
            at(6, &9u32.to_ne_bytes()),
            st(7, "pf0vf1"),
            at(147, &4u32.to_ne_bytes()),
            at(148, &[0]),
            at(77, &4u16.to_ne_bytes()),
            at(150, &1u32.to_ne_bytes()),
            at(127, &0u16.to_ne_bytes()),
            at(128, &1u16.to_ne_bytes()),
            at(149, &[1]),
            at(145, &function.concat()),
            at(171, &7u32.to_ne_bytes()),
        ]
        .concat()
    }

    /// A mainline-shaped PCI VF port with every function attribute and a line card.
    #[test]
    fn vf_port_with_function_roundtrips() {
        let p: Port = roundtrip(&vf_port_bytes());
        assert_eq!(p.desired_type, Some(PortType::Eth));
        assert_eq!(p.lanes, Some(4));
        assert_eq!(p.flavour, Some(PortFlavour::PciVf));
        assert_eq!(
            (p.controller, p.pci_pf, p.pci_vf),
            (Some(1), Some(0), Some(1))
        );
        assert_eq!(p.external, Some(true));
        assert_eq!(p.linecard_index, Some(7));
        let f = p.function.unwrap();
        assert_eq!(f.hw_addr.as_deref(), Some(&[2, 0, 0, 0, 0, 7][..]));
        assert_eq!(
            f.caps,
            Some(PortFnCaps {
                value: 3,
                selector: 15
            })
        );
        assert_eq!(f.state, Some(PortFnState::Active));
        assert_eq!(f.opstate, Some(PortFnOpstate::Attached));
        assert_eq!(f.max_io_eqs, Some(32));
        let d = f.devlink.unwrap();
        assert_eq!(d.handle, Handle::new("pci", "0000:08:00.2"));
        assert_eq!(d.netns_id, Some(-3));
    }

    #[test]
    fn split_and_sf_ports_roundtrip() {
        let split = [
            st(1, "pci"),
            st(2, "0000:01:00.0"),
            at(3, &5u32.to_ne_bytes()),
            at(4, &3u16.to_ne_bytes()),
            st(8, "mlx5_0"),
            at(148, &[0]),
            at(77, &0u16.to_ne_bytes()),
            at(78, &2u32.to_ne_bytes()),
            at(10, &2u32.to_ne_bytes()),
            at(79, &1u32.to_ne_bytes()),
        ];
        let p: Port = roundtrip(&split.concat());
        assert_eq!(p.ibdev_name.as_deref(), Some("mlx5_0"));
        assert_eq!((p.split_group, p.split_subport_number), (Some(2), Some(1)));
        let sf = [
            st(1, "pci"),
            st(2, "0000:01:00.0"),
            at(3, &9u32.to_ne_bytes()),
            at(4, &0u16.to_ne_bytes()),
            at(148, &[0]),
            at(77, &7u16.to_ne_bytes()),
            at(150, &0u32.to_ne_bytes()),
            at(127, &0u16.to_ne_bytes()),
            at(164, &88u32.to_ne_bytes()),
        ];
        let p: Port = roundtrip(&sf.concat());
        assert_eq!((p.flavour, p.pci_sf), (Some(PortFlavour::PciSf), Some(88)));
    }

    #[test]
    fn wrong_width_names_attribute_and_offset() {
        let bytes = [st(1, "a"), st(2, "b"), at(3, &0u16.to_ne_bytes())].concat();
        let err = decode::<Port>(&bytes, false).unwrap_err();
        assert_eq!(err.attr, Attr::PortIndex as u16);
        assert_eq!(err.offset, Some(16));
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 4,
                got: 2
            })
        );
        assert_eq!(err.name(), "DEVLINK_ATTR_PORT_INDEX");
    }

    #[test]
    fn missing_and_bad_values() {
        let base = [st(1, "a"), st(2, "b"), at(3, &0u32.to_ne_bytes())].concat();
        let err = decode::<Port>(&base, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::PortType));

        let bad = [
            base.clone(),
            at(4, &0u16.to_ne_bytes()),
            at(77, &9u16.to_ne_bytes()),
        ]
        .concat();
        let err = decode::<Port>(&bad, false).unwrap_err();
        assert_eq!((err.attr, err.kind), (77, AttrErrorKind::BadValue(9)));
        assert_eq!(err.offset, Some(32));

        // Errors inside the function nest are reported in the port-function space.
        let f = at(145, &[at(1, &[1; 6]), at(2, &[2])].concat());
        let bad = [base.clone(), at(4, &0u16.to_ne_bytes()), f].concat();
        let err = decode::<Port>(&bad, false).unwrap_err();
        assert_eq!(err.space, Space::PortFunction);
        assert_eq!(
            (err.attr, err.kind.clone()),
            (2, AttrErrorKind::BadValue(2))
        );
        assert_eq!(err.offset, Some(32 + 4 + 12));
        assert_eq!(err.name(), "DEVLINK_PORT_FN_ATTR_STATE");

        let f = at(145, &at(6, &[0; 2]));
        let bad = [base, at(4, &0u16.to_ne_bytes()), f].concat();
        let err = decode::<Port>(&bad, false).unwrap_err();
        assert_eq!((err.space, err.attr), (Space::PortFunction, 6));
    }

    #[test]
    fn unknown_attributes_are_kept() {
        let mut bytes = hex(&format!(
            "{NETDEVSIM10} 08000300 01000000 06000400 00000000"
        ));
        let foreign = at(250, &[1, 2, 3]);
        let fn_foreign = at(9, &[7; 5]);
        let with = [bytes.clone(), foreign.clone(), at(145, &fn_foreign)].concat();
        let p: Port = decode(&with, false).unwrap();
        assert_eq!(p.unknown.len(), 1);
        assert_eq!(p.function.as_ref().unwrap().unknown.len(), 1);
        bytes.extend(at(145, &fn_foreign));
        bytes.extend(foreign);
        assert_eq!(encode(&p), bytes);
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z0-9:._]{1,12}"
    }

    fn handle() -> impl Strategy<Value = Handle> {
        (name(), name()).prop_map(|(b, d)| Handle::new(b, d))
    }

    fn function() -> impl Strategy<Value = PortFunction> {
        (
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
            proptest::option::of((any::<u32>(), any::<u32>())),
            proptest::option::of(proptest::sample::select(PortFnState::ALL)),
            proptest::option::of(proptest::sample::select(PortFnOpstate::ALL)),
            proptest::option::of(any::<u32>()),
            proptest::option::of((handle(), proptest::option::of(any::<i32>()))),
        )
            .prop_map(|(hw_addr, caps, state, opstate, max_io_eqs, devlink)| {
                PortFunction {
                    hw_addr,
                    caps: caps.map(|(value, selector)| PortFnCaps { value, selector }),
                    state,
                    opstate,
                    max_io_eqs,
                    devlink: devlink.map(|(handle, netns_id)| NestedHandle { handle, netns_id }),
                    unknown: Vec::new(),
                }
            })
    }

    fn port() -> impl Strategy<Value = Port> {
        let o32 = || proptest::option::of(any::<u32>());
        let o16 = || proptest::option::of(any::<u16>());
        let head = (
            handle(),
            any::<u32>(),
            proptest::sample::select(PortType::ALL),
            proptest::option::of(proptest::sample::select(PortType::ALL)),
            o32(),
            proptest::option::of(name()),
            proptest::option::of(name()),
            o32(),
            proptest::option::of(any::<bool>()),
            proptest::option::of(proptest::sample::select(PortFlavour::ALL)),
        );
        let tail = (
            (o32(), o32(), o32(), o32()),
            (o16(), o16(), o32(), proptest::option::of(any::<bool>())),
            proptest::option::of(function()),
            o32(),
        );
        (head, tail).prop_map(|(h, t)| Port {
            handle: h.0,
            index: h.1,
            port_type: h.2,
            desired_type: h.3,
            netdev_ifindex: h.4,
            netdev_name: h.5.map(Into::into),
            ibdev_name: h.6.map(Into::into),
            lanes: h.7,
            splittable: h.8,
            flavour: h.9,
            number: t.0.0,
            split_group: t.0.1,
            split_subport_number: t.0.2,
            controller: t.0.3,
            pci_pf: t.1.0,
            pci_vf: t.1.1,
            pci_sf: t.1.2,
            external: t.1.3,
            function: t.2,
            linecard_index: t.3,
            unknown: Vec::new(),
        })
    }

    proptest! {
        #[test]
        fn any_port_roundtrips(p in port()) {
            let bytes = encode(&p);
            prop_assert_eq!(decode::<Port>(&bytes, false).unwrap(), p);
        }

        #[test]
        fn any_port_set_roundtrips(h in handle(), index: u32, f in proptest::option::of(function())) {
            let r = crate::devlink::PortSetReq { handle: h, index, port_type: None, function: f, unknown: Vec::new() };
            let bytes = encode(&r);
            prop_assert_eq!(decode::<crate::devlink::PortSetReq>(&bytes, false).unwrap(), r);
        }
    }
}
