//! The region requests: `DEVLINK_CMD_REGION_GET`, `REGION_NEW`, `REGION_DEL`,
//! `REGION_READ`. Kernel: `net/devlink/region.c` (`devlink_nl_region_get_doit`,
//! `devlink_nl_region_new_doit`, `devlink_nl_region_del_doit`,
//! `devlink_nl_region_read_dumpit`); attribute order of iproute2's `dl_opts_put`.

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, Space};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::handle::Handle;
use super::port::put_u32;
use super::region::{RegionKey, encode_key};

/// `DEVLINK_CMD_REGION_GET`: handle, optional `PORT_INDEX`, `REGION_NAME`. For a do the
/// handle and name are required; for a dump the handle is an optional filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegionGetReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Option<Handle>,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: Option<String>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RegionGetReq {
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut key = RegionKey::new();
        let mut unknown = Vec::new();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if !key.take(&a)? {
                unknown.push(UnknownAttr::from_raw(&a));
            }
        }
        let handle = if ctx.dump {
            key.handle.finish_optional()?
        } else {
            let h = key.handle.finish()?;
            required(key.name.as_ref(), Attr::RegionName)?;
            Some(h)
        };
        Ok(Self {
            handle,
            port_index: key.port_index,
            name: key.name,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(h) = &self.handle {
            h.encode(e);
        }
        put_u32(e, Attr::PortIndex, self.port_index);
        if let Some(n) = &self.name {
            e.str(Attr::RegionName as u16, n);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_REGION_NEW`: take a snapshot. Handle, optional `PORT_INDEX`,
/// `REGION_NAME`*, optional `REGION_SNAPSHOT_ID` (without it the kernel picks the id and
/// replies with a [`RegionEvent`](super::region::RegionEvent)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionNewReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_SNAPSHOT_ID`.
    pub snapshot_id: Option<u32>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// `DEVLINK_CMD_REGION_DEL`: delete a snapshot. Handle, optional `PORT_INDEX`,
/// `REGION_NAME`*, `REGION_SNAPSHOT_ID`*.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionDelReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_SNAPSHOT_ID`.
    pub snapshot_id: u32,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// The common decode of `REGION_NEW` and `REGION_DEL`.
fn decode_snapshot_req(attrs: AttrIter<'_>) -> Result<RegionNewReq, AttrError> {
    let mut key = RegionKey::new();
    let (mut snapshot_id, mut unknown) = (None, Vec::new());
    for a in each(attrs, Space::Devlink) {
        let a = a?;
        if key.take(&a)? {
            continue;
        }
        match Attr::from_repr(a.kind()) {
            Some(Attr::RegionSnapshotId) => snapshot_id = Some(a.get_u32()?),
            _ => unknown.push(UnknownAttr::from_raw(&a)),
        }
    }
    Ok(RegionNewReq {
        handle: key.handle.finish()?,
        port_index: key.port_index,
        name: required(key.name, Attr::RegionName)?,
        snapshot_id,
        unknown,
    })
}

impl Body for RegionNewReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        decode_snapshot_req(attrs)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        put_u32(e, Attr::RegionSnapshotId, self.snapshot_id);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for RegionDelReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let r = decode_snapshot_req(attrs)?;
        Ok(Self {
            handle: r.handle,
            port_index: r.port_index,
            name: r.name,
            snapshot_id: required(r.snapshot_id, Attr::RegionSnapshotId)?,
            unknown: r.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        e.u32(Attr::RegionSnapshotId as u16, self.snapshot_id);
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_REGION_READ` (dump only): handle, optional `PORT_INDEX`, `REGION_NAME`,
/// `REGION_SNAPSHOT_ID` or the `REGION_DIRECT` flag, and optionally `REGION_CHUNK_ADDR`
/// with `REGION_CHUNK_LEN` (the kernel uses them only together).
///
/// A missing name is reported as the kernel does, with the message "No region name
/// provided" and no missing-attribute TLV. Whether exactly one of snapshot id and direct
/// is given is checked by the kernel only after it found the region ("No snapshot id
/// provided", "Direct region read does not use snapshot"), so it is left to the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionReadReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_SNAPSHOT_ID`.
    pub snapshot_id: Option<u32>,
    /// `DEVLINK_ATTR_REGION_DIRECT` (flag): read the live region.
    pub direct: bool,
    /// `DEVLINK_ATTR_REGION_CHUNK_ADDR` (u64).
    pub chunk_addr: Option<u64>,
    /// `DEVLINK_ATTR_REGION_CHUNK_LEN` (u64).
    pub chunk_len: Option<u64>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl RegionReadReq {
    /// The kernel's extack message for a read without a region name.
    pub const NO_NAME: &'static str = "No region name provided";
}

impl Body for RegionReadReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut key = RegionKey::new();
        let (mut snapshot_id, mut direct, mut unknown) = (None, false, Vec::new());
        let (mut chunk_addr, mut chunk_len) = (None, None);
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if key.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RegionSnapshotId) => snapshot_id = Some(a.get_u32()?),
                Some(Attr::RegionDirect) => direct = a.get_flag()?,
                Some(Attr::RegionChunkAddr) => chunk_addr = Some(a.get_u64()?),
                Some(Attr::RegionChunkLen) => chunk_len = Some(a.get_u64()?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = key.handle.finish()?;
        let name = key.name.ok_or(AttrError {
            space: Space::Devlink,
            attr: Attr::RegionName as u16,
            offset: None,
            kind: AttrErrorKind::Invalid(Self::NO_NAME),
        })?;
        Ok(Self {
            handle,
            port_index: key.port_index,
            name,
            snapshot_id,
            direct,
            chunk_addr,
            chunk_len,
            unknown,
        })
    }

    /// iproute2's order: handle, port, name, snapshot id (or direct), address, length.
    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        put_u32(e, Attr::RegionSnapshotId, self.snapshot_id);
        if self.direct {
            e.flag(Attr::RegionDirect as u16);
        }
        if let Some(a) = self.chunk_addr {
            e.u64(Attr::RegionChunkAddr as u16, a);
        }
        if let Some(l) = self.chunk_len {
            e.u64(Attr::RegionChunkLen as u16, l);
        }
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::port::test_util::*;

    #[test]
    fn requests_roundtrip_and_check_requirements() {
        let h = [st(1, "netdevsim"), st(2, "netdevsim10")].concat();
        let named = [h.clone(), st(88, "dummy")].concat();
        let r: RegionGetReq = roundtrip(&named);
        assert_eq!(r.name.as_deref(), Some("dummy"));
        assert_eq!(
            decode::<RegionGetReq>(&h, false),
            Err(AttrError::missing_attr(Attr::RegionName))
        );
        assert_eq!(decode::<RegionGetReq>(&h, true).unwrap().name, None);

        let r: RegionNewReq = roundtrip(&named);
        assert_eq!(r.snapshot_id, None);
        let with_id = [named.clone(), at(92, &[5, 0, 0, 0])].concat();
        assert_eq!(roundtrip::<RegionNewReq>(&with_id).snapshot_id, Some(5));
        assert_eq!(roundtrip::<RegionDelReq>(&with_id).snapshot_id, 5);
        let err = decode::<RegionDelReq>(&named, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RegionSnapshotId));
        let err = decode::<RegionNewReq>(&h, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RegionName));

        let read = [
            with_id,
            at(96, &16u64.to_ne_bytes()),
            at(97, &32u64.to_ne_bytes()),
        ];
        let r: RegionReadReq = roundtrip(&read.concat());
        assert_eq!(
            (r.chunk_addr, r.chunk_len, r.direct),
            (Some(16), Some(32), false)
        );
        let direct = [h.clone(), at(3, &[1, 0, 0, 0]), st(88, "d"), at(179, &[])].concat();
        let r: RegionReadReq = roundtrip(&direct);
        assert!(r.direct && r.snapshot_id.is_none());
        let err = decode::<RegionReadReq>(&[h, at(179, &[])].concat(), true).unwrap_err();
        assert_eq!(err.attr, Attr::RegionName as u16);
        assert_eq!(err.kind, AttrErrorKind::Invalid(RegionReadReq::NO_NAME));
    }
}
