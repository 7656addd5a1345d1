//! Device resources: the `DEVLINK_CMD_RESOURCE_DUMP` reply (a tree of resources) and the
//! `DEVLINK_CMD_RESOURCE_SET` request. Kernel: `net/devlink/resource.c`
//! (`devlink_resource_fill`, `devlink_resource_put`, `devlink_nl_resource_set_doit`).
//!
//! `RESOURCE_DUMP` is a do whose reply is multipart: each message holds the handle and a
//! `RESOURCE_LIST` with as many top-level resources as fit; the next message continues
//! with the rest. All nests are opened without `NLA_F_NESTED`.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, ResourceUnit};

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{Nested, get, list, need, put, put_list, put_opt, request, walk, walk_attrs};

/// One `DEVLINK_ATTR_RESOURCE` nest, with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `DEVLINK_ATTR_RESOURCE_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_RESOURCE_SIZE` (u64): the size in use.
    pub size: u64,
    /// `DEVLINK_ATTR_RESOURCE_ID` (u64).
    pub id: u64,
    /// `DEVLINK_ATTR_RESOURCE_SIZE_NEW` (u64): sent only while a new size waits for a
    /// reload (differs from `size`).
    pub size_new: Option<u64>,
    /// `DEVLINK_ATTR_RESOURCE_OCC` (u64): sent if the driver reports occupancy.
    pub occ: Option<u64>,
    /// `DEVLINK_ATTR_RESOURCE_SIZE_GRAN` (u64).
    pub size_gran: u64,
    /// `DEVLINK_ATTR_RESOURCE_SIZE_MAX` (u64).
    pub size_max: u64,
    /// `DEVLINK_ATTR_RESOURCE_SIZE_MIN` (u64).
    pub size_min: u64,
    /// `DEVLINK_ATTR_RESOURCE_UNIT` (u8).
    pub unit: ResourceUnit,
    /// `DEVLINK_ATTR_RESOURCE_SIZE_VALID` (u8 0/1): whether the children's new sizes fit;
    /// sent, with the child list, only by resources that have children.
    pub size_valid: Option<bool>,
    /// The child resources (a nested `DEVLINK_ATTR_RESOURCE_LIST`). The list is emitted
    /// when `size_valid` is set or there are children.
    pub children: Vec<Resource>,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for Resource {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut name, mut size, mut id, mut size_new, mut occ) = (None, None, None, None, None);
        let (mut gran, mut max, mut min, mut unit) = (None, None, None, None);
        let (mut size_valid, mut children) = (None, Vec::new());
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::ResourceName => name = Some(get(a)?),
                Attr::ResourceSize => size = Some(get(a)?),
                Attr::ResourceId => id = Some(get(a)?),
                Attr::ResourceSizeNew => size_new = Some(get(a)?),
                Attr::ResourceOcc => occ = Some(get(a)?),
                Attr::ResourceSizeGran => gran = Some(get(a)?),
                Attr::ResourceSizeMax => max = Some(get(a)?),
                Attr::ResourceSizeMin => min = Some(get(a)?),
                Attr::ResourceUnit => unit = Some(get(a)?),
                Attr::ResourceSizeValid => size_valid = Some(get(a)?),
                Attr::ResourceList => children = list(a, Attr::Resource)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            name: need(name, Attr::ResourceName, nest)?,
            size: need(size, Attr::ResourceSize, nest)?,
            id: need(id, Attr::ResourceId, nest)?,
            size_new,
            occ,
            size_gran: need(gran, Attr::ResourceSizeGran, nest)?,
            size_max: need(max, Attr::ResourceSizeMax, nest)?,
            size_min: need(min, Attr::ResourceSizeMin, nest)?,
            unit: need(unit, Attr::ResourceUnit, nest)?,
            size_valid,
            children,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, Attr::ResourceName, &self.name);
        put(e, Attr::ResourceSize, &self.size);
        put(e, Attr::ResourceId, &self.id);
        put_opt(e, Attr::ResourceSizeNew, &self.size_new);
        put_opt(e, Attr::ResourceOcc, &self.occ);
        put(e, Attr::ResourceSizeGran, &self.size_gran);
        put(e, Attr::ResourceSizeMax, &self.size_max);
        put(e, Attr::ResourceSizeMin, &self.size_min);
        put(e, Attr::ResourceUnit, &self.unit);
        put_opt(e, Attr::ResourceSizeValid, &self.size_valid);
        if self.size_valid.is_some() || !self.children.is_empty() {
            put_list(e, Attr::ResourceList, Attr::Resource, &self.children);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// One message of the `DEVLINK_CMD_RESOURCE_DUMP` reply (genl cmd `RESOURCE_DUMP`,
/// `NLM_F_MULTI`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDump {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_RESOURCE_LIST` (always present): top-level resources in registration
    /// order, each with its subtree.
    pub resources: Vec<Resource>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for ResourceDump {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut resources = None;
        let (h, unknown) = walk(attrs, |k, a| {
            if k != Attr::ResourceList {
                return Ok(false);
            }
            resources = Some(list(a, Attr::Resource)?);
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            resources: required(resources, Attr::ResourceList)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_list(e, Attr::ResourceList, Attr::Resource, &self.resources);
        encode_unknown(&self.unknown, e);
    }
}

request!(
    /// The `DEVLINK_CMD_RESOURCE_SET` request (iproute2 order: id, size). Both are checked
    /// with `GENL_REQ_ATTR_CHECK`, id first.
    ResourceSetReq, do_only {
        /// `DEVLINK_ATTR_RESOURCE_ID` (u64).
        id: req u64 = ResourceId,
        /// `DEVLINK_ATTR_RESOURCE_SIZE` (u64): the new size, applied at the next reload.
        size: req u64 = ResourceSize,
    }
);

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use crate::devlink::DevReq;
    use proptest::prelude::*;

    const NSIM15: &str = "0e0001006e657464657673696d000000 100002006e657464657673696d313500";

    /// The RESOURCE_DUMP reply for netdevsim14 in the 6.1 reload capture, after the handle.
    const DUMP14: &str = "
             6c023f00080140000900410049507634000000000c004300ffffffffffffffff0c0042000100000000000000
             0c00480001000000000000000c004700ffffffffffffffff0c00460000000000000000000500490000000000
             0500450001000000ac003f005000400008004100666962000c004300ffffffffffffffff0c00420002000000
             000000000c00480001000000000000000c004700ffffffffffffffff0c004600000000000000000005004900
             00000000580040000e0041006669622d72756c65730000000c004300ffffffffffffffff0c00420003000000
             000000000c00480001000000000000000c004700ffffffffffffffff0c004600000000000000000005004900
             00000000080140000900410049507636000000000c004300ffffffffffffffff0c0042000400000000000000
             0c00480001000000000000000c004700ffffffffffffffff0c00460000000000000000000500490000000000
             0500450001000000ac003f005000400008004100666962000c004300ffffffffffffffff0c00420005000000
             000000000c00480001000000000000000c004700ffffffffffffffff0c004600000000000000000005004900
             00000000580040000e0041006669622d72756c65730000000c004300ffffffffffffffff0c00420006000000
             000000000c00480001000000000000000c004700ffffffffffffffff0c004600000000000000000005004900
             00000000580040000d0041006e657874686f7073000000000c004300ffffffffffffffff0c00420007000000
             000000000c00480001000000000000000c004700ffffffffffffffff0c004600000000000000000005004900
             00000000
    ";

    /// The same for netdevsim15 (param_set capture), with RESOURCE_OCC on the leaves.
    const DUMP15: &str = "
             a8023f00200140000900410049507634000000000c004300ffffffffffffffff0c0042000100000000000000
             0c00480001000000000000000c004700ffffffffffffffff0c00460000000000000000000500490000000000
             0500450001000000c4003f005c00400008004100666962000c004300ffffffffffffffff0c00420002000000
             000000000c004a0003000000000000000c00480001000000000000000c004700ffffffffffffffff0c004600
             00000000000000000500490000000000640040000e0041006669622d72756c65730000000c004300ffffffff
             ffffffff0c00420003000000000000000c004a0003000000000000000c00480001000000000000000c004700
             ffffffffffffffff0c0046000000000000000000050049000000000020014000090041004950763600000000
             0c004300ffffffffffffffff0c00420004000000000000000c00480001000000000000000c004700ffffffff
             ffffffff0c004600000000000000000005004900000000000500450001000000c4003f005c00400008004100
             666962000c004300ffffffffffffffff0c00420005000000000000000c004a0001000000000000000c004800
             01000000000000000c004700ffffffffffffffff0c0046000000000000000000050049000000000064004000
             0e0041006669622d72756c65730000000c004300ffffffffffffffff0c00420006000000000000000c004a00
             02000000000000000c00480001000000000000000c004700ffffffffffffffff0c0046000000000000000000
             0500490000000000640040000d0041006e657874686f7073000000000c004300ffffffffffffffff0c004200
             07000000000000000c004a0000000000000000000c00480001000000000000000c004700ffffffffffffffff
             0c00460000000000000000000500490000000000
    ";

    #[test]
    fn dump_from_capture() {
        let d: ResourceDump = roundtrip(&hex(&format!("{NSIM14} {DUMP14}")));
        let names: Vec<_> = d.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["IPv4", "IPv6", "nexthops"]);
        let v4 = &d.resources[0];
        assert_eq!((v4.id, v4.size, v4.size_valid), (1, u64::MAX, Some(true)));
        assert_eq!((v4.size_gran, v4.size_max, v4.size_min), (1, u64::MAX, 0));
        assert_eq!(v4.unit, ResourceUnit::Entry);
        let kids: Vec<_> = v4
            .children
            .iter()
            .map(|r| (r.id, r.name.as_str()))
            .collect();
        assert_eq!(kids, [(2, "fib"), (3, "fib-rules")]);
        let leaf = &d.resources[2];
        assert_eq!(
            (leaf.size_valid, leaf.children.len(), leaf.occ),
            (None, 0, None)
        );
    }

    #[test]
    fn dump_with_occupancy() {
        let d: ResourceDump = roundtrip(&hex(&format!("{NSIM15} {DUMP15}")));
        let occ: Vec<_> = d.resources[1].children.iter().map(|r| r.occ).collect();
        assert_eq!(occ, [Some(1), Some(2)]);
        assert_eq!(d.resources[2].occ, Some(0));
    }

    #[test]
    fn set_request_and_the_dump_iproute2_sends_first() {
        // devlink resource set netdevsim/netdevsim15 path /IPv4/fib size 100
        let body = hex(&format!(
            "{NSIM15} 0c004200 0200000000000000 0c004300 6400000000000000"
        ));
        let r: ResourceSetReq = roundtrip(&body);
        assert_eq!((r.id, r.size), (2, 100));
        // Before it, iproute2 sends RESOURCE_DUMP with a stray RESOURCE_SIZE, which the
        // kernel ignores (DevReq keeps it as unknown).
        let body = hex(&format!("{NSIM15} 0c004300 6400000000000000"));
        let r: DevReq = roundtrip(&body);
        assert_eq!(r.unknown.len(), 1);
        // Missing size.
        let body = hex(&format!("{NSIM15} 0c004200 0200000000000000"));
        let err = decode::<ResourceSetReq>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::ResourceSize as u16, AttrErrorKind::Missing)
        );
        // Id as a u32.
        let body = hex(&format!(
            "{NSIM15} 08004200 02000000 0c004300 6400000000000000"
        ));
        let err = decode::<ResourceSetReq>(&body, false).unwrap_err();
        assert_eq!((err.attr, err.offset), (Attr::ResourceId as u16, Some(52)));
    }

    #[test]
    fn nested_errors_point_into_the_tree() {
        // Unit 7 is not a resource unit (patched into the first RESOURCE_UNIT).
        let mut bytes = hex(&format!("{NSIM14} {DUMP14}"));
        let unit_at = bytes
            .windows(4)
            .position(|w| w == [5, 0, Attr::ResourceUnit as u8, 0])
            .unwrap();
        bytes[unit_at + 4] = 7;
        let err = decode::<ResourceDump>(&bytes, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::ResourceUnit as u16, AttrErrorKind::BadValue(7))
        );
        assert_eq!(err.offset, Some(20 + unit_at));
        // A resource without an id: the error names the nest it is missing from.
        let body = hex(&format!(
            "{NSIM14} 28003f00 24004000 08004100 66696200 0c004300 0100000000000000
             0c004800 0100000000000000"
        ));
        let err = decode::<ResourceDump>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::ResourceId as u16, Some(20 + 32 + 4))
        );
    }

    #[test]
    fn list_is_required_and_unknown_kept() {
        let err = decode::<ResourceDump>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::ResourceList as u16);
        let d: ResourceDump = roundtrip(&hex(&format!("{NSIM14} 04003f00 0800ff01 01000000")));
        assert!(d.resources.is_empty());
        assert_eq!(d.unknown.len(), 1);
    }

    fn resource(depth: u32) -> impl Strategy<Value = Resource> {
        let leaf = (
            "[a-zA-Z0-9-]{1,12}",
            any::<(u64, u64, Option<u64>, Option<u64>)>(),
            any::<(u64, u64, u64)>(),
        )
            .prop_map(
                |(name, (size, id, size_new, occ), (size_gran, size_max, size_min))| Resource {
                    name,
                    size,
                    id,
                    size_new,
                    occ,
                    size_gran,
                    size_max,
                    size_min,
                    unit: ResourceUnit::Entry,
                    size_valid: None,
                    children: vec![],
                    unknown: vec![],
                },
            );
        leaf.prop_recursive(depth, 16, 4, |inner| {
            (
                inner.clone(),
                any::<bool>(),
                proptest::collection::vec(inner, 1..4),
            )
                .prop_map(|(mut r, valid, children)| {
                    r.size_valid = Some(valid);
                    r.children = children;
                    r
                })
        })
    }

    proptest! {
        #[test]
        fn dump_identity(resources in proptest::collection::vec(resource(3), 0..4)) {
            identity(&ResourceDump { handle: Handle::new("pci", "0000:01:00.0"), resources, unknown: vec![] });
        }
    }
}
