//! Rate objects (leaves bound to ports, named nodes): the object (`RATE_NEW` replies and
//! `RATE_NEW` / `RATE_DEL` notifications) and the `RATE_GET`, `RATE_SET`, `RATE_NEW`,
//! `RATE_DEL` requests. Kernel: `net/devlink/rate.c` (`devlink_nl_rate_fill`,
//! `devlink_rate_put_tc_bws`, `devlink_rate_get_from_info`, `devlink_nl_rate_tc_bw_parse`).

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, RateTcAttr, RateType, Space};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::handle::{Handle, HandleParts};

/// Which rate object: a leaf (a port's rate) or a named node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RateKey {
    /// `DEVLINK_ATTR_PORT_INDEX` of the port the leaf belongs to.
    Leaf(u32),
    /// `DEVLINK_ATTR_RATE_NODE_NAME`.
    Node(String),
}

impl RateKey {
    /// The `DEVLINK_ATTR_RATE_TYPE` of this object.
    #[must_use]
    pub const fn rate_type(&self) -> RateType {
        match self {
            Self::Leaf(_) => RateType::Leaf,
            Self::Node(_) => RateType::Node,
        }
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        match self {
            Self::Leaf(port) => e.u32(Attr::PortIndex as u16, *port),
            Self::Node(name) => e.str(Attr::RateNodeName as u16, name),
        }
    }
}

/// One `DEVLINK_ATTR_RATE_TC_BWS` nest (`NLA_F_NESTED`, space `enum
/// devlink_rate_tc_attr`): the bandwidth share of one traffic class. Attributes of the
/// nest other than these two are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateTcBw {
    /// `DEVLINK_RATE_TC_ATTR_INDEX` (u8, 0..=7).
    pub index: u8,
    /// `DEVLINK_RATE_TC_ATTR_BW` (u32).
    pub bw: u32,
}

/// `DEVLINK_RATE_TC_INDEX_MAX`: the request policy's bound on a TC index.
const RATE_TC_INDEX_MAX: u8 = 7;

impl RateTcBw {
    /// Decode one nest; requests (`check_index`) also enforce the policy's index bound.
    fn decode(nest: &RawAttr<'_>, check_index: bool) -> Result<Self, AttrError> {
        let (mut index, mut bw) = (None, None);
        let bad = |a: &RawAttr<'_>, k: AttrErrorKind| AttrError::bad(Space::RateTcBw, a, k);
        for a in each(nest.nested(), Space::RateTcBw) {
            let a = a?;
            match RateTcAttr::from_repr(a.kind()) {
                Some(RateTcAttr::Index) => {
                    let v = a.u8().map_err(|e| bad(&a, e.into()))?;
                    if check_index && v > RATE_TC_INDEX_MAX {
                        return Err(bad(&a, AttrErrorKind::BadValue(v.into())));
                    }
                    index = Some(v);
                }
                Some(RateTcAttr::Bw) => bw = Some(a.u32().map_err(|e| bad(&a, e.into()))?),
                _ => {}
            }
        }
        let missing = |attr: RateTcAttr| {
            AttrError::missing(Space::RateTcBw, attr as u16, Some(nest.offset()))
        };
        Ok(Self {
            index: index.ok_or_else(|| missing(RateTcAttr::Index))?,
            bw: bw.ok_or_else(|| missing(RateTcAttr::Bw))?,
        })
    }

    fn encode(self, e: &mut Emitter<'_>) {
        let n = e.nest(Attr::RateTcBws as u16, true);
        e.u8(RateTcAttr::Index as u16, self.index);
        e.u32(RateTcAttr::Bw as u16, self.bw);
        e.end(n);
    }
}

/// A rate object as the kernel describes it (`devlink_nl_rate_fill`). The
/// `RATE_TYPE` is derived from the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_RATE_TYPE` (u16) with `PORT_INDEX` (leaf) or `RATE_NODE_NAME` (node).
    pub key: RateKey,
    /// `DEVLINK_ATTR_RATE_TX_SHARE` (u64).
    pub tx_share: u64,
    /// `DEVLINK_ATTR_RATE_TX_MAX` (u64).
    pub tx_max: u64,
    /// `DEVLINK_ATTR_RATE_TX_PRIORITY` (u32; always sent by kernels that know it).
    pub tx_priority: Option<u32>,
    /// `DEVLINK_ATTR_RATE_TX_WEIGHT` (u32; always sent by kernels that know it).
    pub tx_weight: Option<u32>,
    /// `DEVLINK_ATTR_RATE_PARENT_NODE_NAME`: the object has a parent.
    pub parent: Option<String>,
    /// `DEVLINK_ATTR_RATE_TC_BWS`: mid-2025+ kernels send all eight (index 0..7), older
    /// ones none; emitted exactly as listed.
    pub tc_bws: Vec<RateTcBw>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for Rate {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut ty, mut port, mut node) = (None, None, None);
        let (mut tx_share, mut tx_max, mut tx_priority, mut tx_weight) = (None, None, None, None);
        let (mut parent, mut tc_bws, mut unknown) = (None, Vec::new(), Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RateType) => ty = Some(a.get_enum_u16::<RateType>()?),
                Some(Attr::PortIndex) => port = Some((a.get_u32()?, UnknownAttr::from_raw(&a))),
                Some(Attr::RateNodeName) => node = Some((a.get_str()?, UnknownAttr::from_raw(&a))),
                Some(Attr::RateTxShare) => tx_share = Some(a.get_u64()?),
                Some(Attr::RateTxMax) => tx_max = Some(a.get_u64()?),
                Some(Attr::RateTxPriority) => tx_priority = Some(a.get_u32()?),
                Some(Attr::RateTxWeight) => tx_weight = Some(a.get_u32()?),
                Some(Attr::RateParentNodeName) => parent = Some(a.get_str()?),
                Some(Attr::RateTcBws) => tc_bws.push(RateTcBw::decode(&a, false)?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = h.finish()?;
        // The key attribute of the other type, if any, is kept as unknown.
        let key = match required(ty, Attr::RateType)? {
            RateType::Leaf => {
                unknown.extend(node.map(|n| n.1));
                RateKey::Leaf(required(port, Attr::PortIndex)?.0)
            }
            RateType::Node => {
                unknown.extend(port.map(|p| p.1));
                RateKey::Node(required(node, Attr::RateNodeName)?.0)
            }
        };
        Ok(Self {
            handle,
            key,
            tx_share: required(tx_share, Attr::RateTxShare)?,
            tx_max: required(tx_max, Attr::RateTxMax)?,
            tx_priority,
            tx_weight,
            parent,
            tc_bws,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.u16(Attr::RateType as u16, self.key.rate_type() as u16);
        self.key.encode(e);
        e.u64(Attr::RateTxShare as u16, self.tx_share);
        e.u64(Attr::RateTxMax as u16, self.tx_max);
        if let Some(p) = self.tx_priority {
            e.u32(Attr::RateTxPriority as u16, p);
        }
        if let Some(w) = self.tx_weight {
            e.u32(Attr::RateTxWeight as u16, w);
        }
        if let Some(p) = &self.parent {
            e.str(Attr::RateParentNodeName as u16, p);
        }
        for tc in &self.tc_bws {
            tc.encode(e);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// The key of a rate request: `PORT_INDEX` wins over `RATE_NODE_NAME` as in
/// `devlink_rate_get_from_info`; a node name next to a port index is kept as unknown.
fn decode_key(
    port: Option<u32>,
    node: Option<(String, UnknownAttr)>,
    unknown: &mut Vec<UnknownAttr>,
) -> Option<RateKey> {
    match (port, node) {
        (Some(p), node) => {
            unknown.extend(node.map(|n| n.1));
            Some(RateKey::Leaf(p))
        }
        (None, Some((n, _))) => Some(RateKey::Node(n)),
        (None, None) => None,
    }
}

/// `DEVLINK_CMD_RATE_GET`: handle and a key (`PORT_INDEX` for a leaf or `RATE_NODE_NAME`
/// for a node). For a dump the handle is an optional filter. A do without a key is
/// answered by the kernel with a plain EINVAL — left to the core.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateGetReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Option<Handle>,
    /// `PORT_INDEX` or `RATE_NODE_NAME`.
    pub key: Option<RateKey>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RateGetReq {
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut port, mut node, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => port = Some(a.get_u32()?),
                Some(Attr::RateNodeName) => node = Some((a.get_str()?, UnknownAttr::from_raw(&a))),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = if ctx.dump {
            h.finish_optional()?
        } else {
            Some(h.finish()?)
        };
        let key = decode_key(port, node, &mut unknown);
        Ok(Self {
            handle,
            key,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(h) = &self.handle {
            h.encode(e);
        }
        if let Some(k) = &self.key {
            k.encode(e);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_RATE_SET` and `DEVLINK_CMD_RATE_NEW` (which needs a node name): handle,
/// key, and the settings to apply. A request without a key is reported as missing
/// `RATE_NODE_NAME` (the kernel answers a plain EINVAL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `PORT_INDEX` (leaf) or `RATE_NODE_NAME` (node).
    pub key: RateKey,
    /// `DEVLINK_ATTR_RATE_TX_SHARE` (u64).
    pub tx_share: Option<u64>,
    /// `DEVLINK_ATTR_RATE_TX_MAX` (u64).
    pub tx_max: Option<u64>,
    /// `DEVLINK_ATTR_RATE_TX_PRIORITY` (u32).
    pub tx_priority: Option<u32>,
    /// `DEVLINK_ATTR_RATE_TX_WEIGHT` (u32).
    pub tx_weight: Option<u32>,
    /// `DEVLINK_ATTR_RATE_PARENT_NODE_NAME` (`""` = detach from the parent).
    pub parent: Option<String>,
    /// `DEVLINK_ATTR_RATE_TC_BWS`: the kernel wants all eight classes, once each.
    pub tc_bws: Vec<RateTcBw>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RateReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut port, mut node) = (None, None);
        let (mut tx_share, mut tx_max, mut tx_priority, mut tx_weight) = (None, None, None, None);
        let (mut parent, mut tc_bws, mut unknown) = (None, Vec::new(), Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => port = Some(a.get_u32()?),
                Some(Attr::RateNodeName) => node = Some((a.get_str()?, UnknownAttr::from_raw(&a))),
                Some(Attr::RateTxShare) => tx_share = Some(a.get_u64()?),
                Some(Attr::RateTxMax) => tx_max = Some(a.get_u64()?),
                Some(Attr::RateTxPriority) => tx_priority = Some(a.get_u32()?),
                Some(Attr::RateTxWeight) => tx_weight = Some(a.get_u32()?),
                Some(Attr::RateParentNodeName) => parent = Some(a.get_str()?),
                Some(Attr::RateTcBws) => tc_bws.push(RateTcBw::decode(&a, true)?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = h.finish()?;
        let key = decode_key(port, node, &mut unknown);
        Ok(Self {
            handle,
            key: required(key, Attr::RateNodeName)?,
            tx_share,
            tx_max,
            tx_priority,
            tx_weight,
            parent,
            tc_bws,
            unknown,
        })
    }

    /// iproute2's order (`dl_opts_put`): handle, key, tx_share, tx_priority, tx_weight,
    /// tx_max, parent, tc-bw nests.
    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        self.key.encode(e);
        if let Some(v) = self.tx_share {
            e.u64(Attr::RateTxShare as u16, v);
        }
        if let Some(v) = self.tx_priority {
            e.u32(Attr::RateTxPriority as u16, v);
        }
        if let Some(v) = self.tx_weight {
            e.u32(Attr::RateTxWeight as u16, v);
        }
        if let Some(v) = self.tx_max {
            e.u64(Attr::RateTxMax as u16, v);
        }
        if let Some(p) = &self.parent {
            e.str(Attr::RateParentNodeName as u16, p);
        }
        for tc in &self.tc_bws {
            tc.encode(e);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_RATE_DEL`: handle and `RATE_NODE_NAME`*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateDelReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_RATE_NODE_NAME`.
    pub node: String,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RateDelReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut node, mut unknown) = (None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RateNodeName) => node = Some(a.get_str()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            node: required(node, Attr::RateNodeName)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        e.str(Attr::RateNodeName as u16, &self.node);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::port::test_util::*;
    use crate::nl::PayloadError;
    use proptest::prelude::*;

    const NESTED: u16 = 0x8000;

    fn tc(index: u8, bw: u32) -> Vec<u8> {
        at(
            180 | NESTED,
            &[at(1, &[index]), at(2, &bw.to_ne_bytes())].concat(),
        )
    }

    fn h() -> Vec<u8> {
        [st(1, "pci"), st(2, "0000:08:00.0")].concat()
    }

    /// A mainline node with a parent and the eight TC bandwidth nests.
    #[test]
    fn mainline_node_roundtrips() {
        let tcs: Vec<Vec<u8>> = (0..8).map(|i| tc(i, u32::from(i) * 10)).collect();
        let bytes = [
            h(),
            at(165, &1u16.to_ne_bytes()),
            st(168, "group1"),
            at(166, &1_000u64.to_ne_bytes()),
            at(167, &5_000u64.to_ne_bytes()),
            at(177, &2u32.to_ne_bytes()),
            at(178, &50u32.to_ne_bytes()),
            st(169, "root"),
            tcs.concat(),
        ];
        let r: Rate = roundtrip(&bytes.concat());
        assert_eq!(r.key, RateKey::Node("group1".into()));
        assert_eq!((r.tx_share, r.tx_max), (1_000, 5_000));
        assert_eq!((r.tx_priority, r.tx_weight), (Some(2), Some(50)));
        assert_eq!(r.parent.as_deref(), Some("root"));
        assert_eq!(r.tc_bws.len(), 8);
        assert_eq!(r.tc_bws[7], RateTcBw { index: 7, bw: 70 });
    }

    /// A 6.1-era leaf: no priority, weight or TC bandwidths.
    #[test]
    fn old_leaf_roundtrips() {
        let bytes = [
            h(),
            at(165, &0u16.to_ne_bytes()),
            at(3, &[1, 0, 0, 0]),
            at(166, &[0; 8]),
            at(167, &[0; 8]),
        ];
        let r: Rate = roundtrip(&bytes.concat());
        assert_eq!(r.key, RateKey::Leaf(1));
        assert_eq!(
            (r.tx_priority, r.tx_weight, r.tc_bws.len()),
            (None, None, 0)
        );
    }

    #[test]
    fn errors_name_the_attribute() {
        let leaf = [h(), at(165, &0u16.to_ne_bytes()), at(3, &[1, 0, 0, 0])].concat();
        let err = decode::<Rate>(&[h(), at(165, &2u16.to_ne_bytes())].concat(), false).unwrap_err();
        assert_eq!((err.attr, err.kind), (165, AttrErrorKind::BadValue(2)));
        let err = decode::<Rate>(&[leaf.clone(), at(166, &[0; 4])].concat(), false).unwrap_err();
        assert_eq!((err.attr, err.offset), (166, Some(44)));
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 8,
                got: 4
            })
        );
        let err = decode::<Rate>(&[leaf.clone(), at(166, &[0; 8])].concat(), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RateTxMax));
        let err = decode::<Rate>(&[h(), at(165, &1u16.to_ne_bytes())].concat(), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RateNodeName));
        // A TC nest without its bandwidth: missing in the TC space, from that nest (at 68).
        let body = [leaf.clone(), at(166, &[0; 8]), at(167, &[0; 8])].concat();
        let no_bw = at(180 | NESTED, &at(1, &[3]));
        let err = decode::<Rate>(&[body.clone(), no_bw].concat(), false).unwrap_err();
        assert_eq!(err, AttrError::missing(Space::RateTcBw, 2, Some(68)));
        assert_eq!(err.name(), "DEVLINK_RATE_TC_ATTR_BW");
        // A wrong-width BW is reported in the TC space.
        let wide = at(180 | NESTED, &[at(1, &[3]), at(2, &[0; 8])].concat());
        let err = decode::<Rate>(&[body, wide].concat(), false).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::RateTcBw, 2, Some(80))
        );
    }

    #[test]
    fn unknown_attributes_are_kept() {
        let bytes = [
            h(),
            at(165, &0u16.to_ne_bytes()),
            at(3, &[1, 0, 0, 0]),
            at(166, &[0; 8]),
            at(167, &[0; 8]),
            at(222, &[1, 2]),
        ];
        let r: Rate = roundtrip(&bytes.concat());
        assert_eq!(
            r.unknown,
            vec![UnknownAttr {
                raw_type: 222,
                payload: vec![1, 2]
            }]
        );
    }

    #[test]
    fn requests_roundtrip() {
        let r: RateGetReq = roundtrip(&[h(), at(3, &[2, 0, 0, 0])].concat());
        assert_eq!(r.key, Some(RateKey::Leaf(2)));
        let r: RateGetReq = roundtrip(&[h(), st(168, "group1")].concat());
        assert_eq!(r.key, Some(RateKey::Node("group1".into())));
        let r: RateGetReq = decode(&[], true).unwrap();
        assert_eq!(r, RateGetReq::default());
        let both: RateGetReq =
            decode(&[h(), st(168, "g"), at(3, &[2, 0, 0, 0])].concat(), false).unwrap();
        assert_eq!((both.key, both.unknown.len()), (Some(RateKey::Leaf(2)), 1));

        // iproute2 `port function rate set DEV/group1 tx_share … tx_max … parent root tc-bw …`.
        let tcs: Vec<Vec<u8>> = (0..8).map(|i| tc(i, 12)).collect();
        let set = [
            h(),
            st(168, "group1"),
            at(166, &10u64.to_ne_bytes()),
            at(177, &1u32.to_ne_bytes()),
            at(178, &3u32.to_ne_bytes()),
            at(167, &20u64.to_ne_bytes()),
            st(169, "root"),
            tcs.concat(),
        ];
        let r: RateReq = roundtrip(&set.concat());
        assert_eq!((r.tx_share, r.tx_max), (Some(10), Some(20)));
        assert_eq!(r.tc_bws.len(), 8);
        let err = decode::<RateReq>(&[h(), at(166, &[0; 8])].concat(), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RateNodeName));
        let err = decode::<RateReq>(&[h(), st(168, "g"), tc(8, 1)].concat(), false).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.kind),
            (Space::RateTcBw, 1, AttrErrorKind::BadValue(8))
        );
        let r: RateReq = roundtrip(&[h(), at(3, &[1, 0, 0, 0]), st(169, "")].concat());
        assert_eq!((r.key, r.parent.as_deref()), (RateKey::Leaf(1), Some("")));

        let r: RateDelReq = roundtrip(&[h(), st(168, "group1")].concat());
        assert_eq!(r.node, "group1");
        let err = decode::<RateDelReq>(&h(), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RateNodeName));
    }

    fn key() -> impl Strategy<Value = RateKey> {
        prop_oneof![
            any::<u32>().prop_map(RateKey::Leaf),
            "[a-z][a-z0-9_]{0,10}".prop_map(RateKey::Node),
        ]
    }

    proptest! {
        #[test]
        fn any_rate_roundtrips(
            key in key(),
            rates: (u64, u64, Option<u32>, Option<u32>),
            parent in proptest::option::of("[a-z]{1,8}"),
            tcs in proptest::collection::vec((any::<u8>(), any::<u32>()), 0..9),
        ) {
            let r = Rate {
                handle: Handle::new("pci", "0000:08:00.0"),
                key,
                tx_share: rates.0,
                tx_max: rates.1,
                tx_priority: rates.2,
                tx_weight: rates.3,
                parent,
                tc_bws: tcs.into_iter().map(|(index, bw)| RateTcBw { index, bw }).collect(),
                unknown: Vec::new(),
            };
            prop_assert_eq!(decode::<Rate>(&encode(&r), false).unwrap(), r);
        }
    }
}
