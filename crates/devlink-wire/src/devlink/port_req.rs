//! The port requests: `DEVLINK_CMD_PORT_GET`, `PORT_SET`, `PORT_NEW`, `PORT_DEL`,
//! `PORT_SPLIT`, `PORT_UNSPLIT`. Kernel: `net/devlink/port.c`
//! (`devlink_nl_port_set_doit`, `devlink_nl_port_new_doit`, `devlink_port_function_set`);
//! attribute order of iproute2's `dl_opts_put`.

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, PortFlavour, PortType, Space};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::handle::{Handle, HandleParts};
use super::notify::request;
use super::port::{PortFunction, put_u32};

request! {
    /// `DEVLINK_CMD_PORT_GET`: `BUS_NAME`, `DEV_NAME`, `PORT_INDEX`, all required for a do;
    /// for a dump the handle is an optional filter (the kernel's dump policy accepts only
    /// the handle).
    PortGetReq, get {
        /// `DEVLINK_ATTR_PORT_INDEX`.
        index: key u32 = PortIndex,
    }
}

/// A request that names one port and nothing else: `DEVLINK_CMD_PORT_DEL`,
/// `DEVLINK_CMD_PORT_UNSPLIT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortKeyReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub index: u32,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for PortKeyReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut unknown) = (None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => index = Some(a.get_u32()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::PortIndex)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::PortIndex as u16, self.index);
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_PORT_SPLIT`: the port and `DEVLINK_ATTR_PORT_SPLIT_COUNT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSplitReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_PORT_SPLIT_COUNT`.
    pub count: u32,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for PortSplitReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut count, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => index = Some(a.get_u32()?),
                Some(Attr::PortSplitCount) => count = Some(a.get_u32()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::PortIndex)?,
            count: required(count, Attr::PortSplitCount)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::PortIndex as u16, self.index);
        e.u32(Attr::PortSplitCount as u16, self.count);
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_PORT_SET`: the port, an optional new `PORT_TYPE` and optional function
/// attributes (`HW_ADDR`, `STATE`, `CAPS`, `MAX_IO_EQS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSetReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub index: u32,
    /// `DEVLINK_ATTR_PORT_TYPE` (policy: at most `IB`).
    pub port_type: Option<PortType>,
    /// `DEVLINK_ATTR_PORT_FUNCTION`.
    pub function: Option<PortFunction>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for PortSetReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut port_type, mut function) = (None, None, None);
        let mut unknown = Vec::new();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => index = Some(a.get_u32()?),
                Some(Attr::PortType) => port_type = Some(a.get_enum_u16()?),
                Some(Attr::PortFunction) => function = Some(PortFunction::decode(a.nested())?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::PortIndex)?,
            port_type,
            function,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u32(Attr::PortIndex as u16, self.index);
        if let Some(t) = self.port_type {
            e.u16(Attr::PortType as u16, t as u16);
        }
        if let Some(f) = &self.function {
            f.encode_request(e);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_PORT_NEW`: create a port. `PORT_FLAVOUR` and `PORT_PCI_PF_NUMBER` are
/// required; the kernel rejects a request without either with EINVAL and the message
/// [`PortNewReq::MISSING`] (no missing-attribute TLV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortNewReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`: the index the new port should get.
    pub index: Option<u32>,
    /// `DEVLINK_ATTR_PORT_FLAVOUR` (policy: at most `PCI_SF`).
    pub flavour: PortFlavour,
    /// `DEVLINK_ATTR_PORT_PCI_PF_NUMBER`.
    pub pci_pf: u16,
    /// `DEVLINK_ATTR_PORT_PCI_SF_NUMBER` (used by the kernel for `PCI_SF` only).
    pub pci_sf: Option<u32>,
    /// `DEVLINK_ATTR_PORT_CONTROLLER_NUMBER` (u32 on the wire).
    pub controller: Option<u32>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl PortNewReq {
    /// The kernel's extack message when flavour or PF is absent.
    pub const MISSING: &'static str = "Port flavour or PCI PF are not specified";
}

impl Body for PortNewReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut index, mut flavour, mut pci_pf) = (None, None, None);
        let (mut pci_sf, mut controller, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => index = Some(a.get_u32()?),
                Some(Attr::PortFlavour) => flavour = Some(a.get_enum_u16()?),
                Some(Attr::PortPciPfNumber) => pci_pf = Some(a.get_u16()?),
                Some(Attr::PortPciSfNumber) => pci_sf = Some(a.get_u32()?),
                Some(Attr::PortControllerNumber) => controller = Some(a.get_u32()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = h.finish()?;
        let missing = |attr: Attr| AttrError {
            space: Space::Devlink,
            attr: attr as u16,
            offset: None,
            kind: AttrErrorKind::Invalid(Self::MISSING),
        };
        let flavour = flavour.ok_or_else(|| missing(Attr::PortFlavour))?;
        let pci_pf = pci_pf.ok_or_else(|| missing(Attr::PortPciPfNumber))?;
        Ok(Self {
            handle,
            index,
            flavour,
            pci_pf,
            pci_sf,
            controller,
            unknown,
        })
    }

    /// iproute2's order (`dl_opts_put`): handle, index, flavour, PF, SF, controller.
    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_u32(e, Attr::PortIndex, self.index);
        e.u16(Attr::PortFlavour as u16, self.flavour as u16);
        e.u16(Attr::PortPciPfNumber as u16, self.pci_pf);
        put_u32(e, Attr::PortPciSfNumber, self.pci_sf);
        put_u32(e, Attr::PortControllerNumber, self.controller);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::port::test_util::*;
    use crate::spec::PortFnState;

    #[test]
    fn get_request_do_and_dump() {
        let r: PortGetReq = roundtrip(&[st(1, "a"), st(2, "b"), at(3, &[1, 0, 0, 0])].concat());
        assert_eq!(r.index, Some(1));
        let err = decode::<PortGetReq>(&[st(1, "a"), st(2, "b")].concat(), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::PortIndex));
        let r: PortGetReq = decode(&[], true).unwrap();
        assert_eq!(r, PortGetReq::default());
        let r: PortGetReq = decode(&[st(1, "a"), st(2, "b")].concat(), true).unwrap();
        assert_eq!(r.handle, Some(Handle::new("a", "b")));
    }

    #[test]
    fn key_split_and_set_requests_roundtrip() {
        let key = [
            st(1, "netdevsim"),
            st(2, "netdevsim1"),
            at(3, &[2, 0, 0, 0]),
        ]
        .concat();
        let r: PortKeyReq = roundtrip(&key);
        assert_eq!(r.index, 2);
        let r: PortSplitReq = roundtrip(&[key.clone(), at(9, &4u32.to_ne_bytes())].concat());
        assert_eq!(r.count, 4);
        let err = decode::<PortSplitReq>(&key, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::PortSplitCount));
        // iproute2 `port function set … hw_addr … state active max_io_eqs 8`.
        let f = [
            at(1, &[0, 1, 2, 3, 4, 5]),
            at(2, &[1]),
            at(4, &[1, 0, 0, 0, 1, 0, 0, 0]),
        ];
        let f = [f.concat(), at(6, &8u32.to_ne_bytes())].concat();
        let bytes = [
            key.clone(),
            at(4, &2u16.to_ne_bytes()),
            at(145 | NESTED, &f),
        ]
        .concat();
        let r: PortSetReq = roundtrip(&bytes);
        assert_eq!(r.port_type, Some(PortType::Eth));
        let f = r.function.unwrap();
        assert_eq!(
            (f.state, f.max_io_eqs),
            (Some(PortFnState::Active), Some(8))
        );
        let err = decode::<PortSetReq>(&[key, at(4, &4u16.to_ne_bytes())].concat(), false);
        assert_eq!(err.unwrap_err().kind, AttrErrorKind::BadValue(4));
    }

    #[test]
    fn new_request_roundtrips_and_reports_the_kernel_message() {
        let h = [st(1, "pci"), st(2, "0000:08:00.0")].concat();
        let bytes = [
            h.clone(),
            at(3, &[9, 0, 0, 0]),
            at(77, &7u16.to_ne_bytes()),
            at(127, &0u16.to_ne_bytes()),
            at(164, &88u32.to_ne_bytes()),
            at(150, &1u32.to_ne_bytes()),
        ];
        let r: PortNewReq = roundtrip(&bytes.concat());
        assert_eq!(
            (r.flavour, r.pci_pf, r.pci_sf),
            (PortFlavour::PciSf, 0, Some(88))
        );
        let no_pf = [h.clone(), at(77, &7u16.to_ne_bytes())].concat();
        let err = decode::<PortNewReq>(&no_pf, false).unwrap_err();
        assert_eq!(err.attr, Attr::PortPciPfNumber as u16);
        assert_eq!(err.kind, AttrErrorKind::Invalid(PortNewReq::MISSING));
        assert_eq!(
            err.kind.to_string(),
            "Port flavour or PCI PF are not specified"
        );
        let err = decode::<PortNewReq>(&h, false).unwrap_err();
        assert_eq!(err.attr, Attr::PortFlavour as u16);
        let bad = [h, at(77, &8u16.to_ne_bytes()), at(127, &[0, 0])].concat();
        let err = decode::<PortNewReq>(&bad, false).unwrap_err();
        assert_eq!(err.kind, AttrErrorKind::BadValue(8));
    }
}
