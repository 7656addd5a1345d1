//! Regions: the `REGION_GET` reply, the `REGION_NEW` / `REGION_DEL` notifications (and
//! `REGION_NEW` reply), the `REGION_READ` dump messages, and the region requests.
//! Kernel: `net/devlink/region.c` (`devlink_nl_region_fill`,
//! `devlink_nl_region_notify_build`, `devlink_nl_region_read_dumpit`,
//! the requests are in `region_req`). Every region nest is opened without `NLA_F_NESTED`.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, Space};

use super::body::{
    AttrError, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::handle::{Handle, HandleParts};
use super::port::put_u32;

/// The attributes every region message starts with: handle, optional port, name.
/// Collected while decoding; everything else is passed back to the caller.
pub(super) struct RegionKey {
    pub(super) handle: HandleParts,
    pub(super) port_index: Option<u32>,
    pub(super) name: Option<String>,
}

impl RegionKey {
    pub(super) fn new() -> Self {
        Self {
            handle: HandleParts::default(),
            port_index: None,
            name: None,
        }
    }

    /// Take `a` if it is part of the key; returns whether it was.
    pub(super) fn take(&mut self, a: &RawAttr<'_>) -> Result<bool, AttrError> {
        if self.handle.take(a)? {
            return Ok(true);
        }
        match Attr::from_repr(a.kind()) {
            Some(Attr::PortIndex) => self.port_index = Some(a.get_u32()?),
            Some(Attr::RegionName) => self.name = Some(a.get_str()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

pub(super) fn encode_key(
    handle: &Handle,
    port_index: Option<u32>,
    name: &str,
    e: &mut Emitter<'_>,
) {
    handle.encode(e);
    put_u32(e, Attr::PortIndex, port_index);
    e.str(Attr::RegionName as u16, name);
}

fn missing_in(nest: &RawAttr<'_>, attr: Attr) -> AttrError {
    AttrError::missing(Space::Devlink, attr as u16, Some(nest.offset()))
}

/// A region as `REGION_GET` describes it (`devlink_nl_region_fill`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`: port regions.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_SIZE` (u64).
    pub size: u64,
    /// `DEVLINK_ATTR_REGION_MAX_SNAPSHOTS` (u32).
    pub max_snapshots: u32,
    /// `DEVLINK_ATTR_REGION_SNAPSHOTS` → one `REGION_SNAPSHOT` {`REGION_SNAPSHOT_ID`} per
    /// snapshot, in creation order. The nest is always sent, possibly empty; other
    /// attributes inside it are not kept.
    pub snapshots: Vec<u32>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for Region {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut key = RegionKey::new();
        let (mut size, mut max_snapshots, mut snapshots) = (None, None, None);
        let mut unknown = Vec::new();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if key.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RegionSize) => size = Some(a.get_u64()?),
                Some(Attr::RegionMaxSnapshots) => max_snapshots = Some(a.get_u32()?),
                Some(Attr::RegionSnapshots) => snapshots = Some(decode_snapshots(&a)?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: key.handle.finish()?,
            port_index: key.port_index,
            name: required(key.name, Attr::RegionName)?,
            size: required(size, Attr::RegionSize)?,
            max_snapshots: required(max_snapshots, Attr::RegionMaxSnapshots)?,
            snapshots: required(snapshots, Attr::RegionSnapshots)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        e.u64(Attr::RegionSize as u16, self.size);
        e.u32(Attr::RegionMaxSnapshots as u16, self.max_snapshots);
        let n = e.nest(Attr::RegionSnapshots as u16, false);
        for id in &self.snapshots {
            let s = e.nest(Attr::RegionSnapshot as u16, false);
            e.u32(Attr::RegionSnapshotId as u16, *id);
            e.end(s);
        }
        e.end(n);
        encode_unknown(&self.unknown, e);
    }
}

fn decode_snapshots(nest: &RawAttr<'_>) -> Result<Vec<u32>, AttrError> {
    let mut ids = Vec::new();
    for s in each(nest.nested(), Space::Devlink) {
        let s = s?;
        if Attr::from_repr(s.kind()) != Some(Attr::RegionSnapshot) {
            continue;
        }
        let mut id = None;
        for a in each(s.nested(), Space::Devlink) {
            let a = a?;
            if Attr::from_repr(a.kind()) == Some(Attr::RegionSnapshotId) {
                id = Some(a.get_u32()?);
            }
        }
        ids.push(id.ok_or_else(|| missing_in(&s, Attr::RegionSnapshotId))?);
    }
    Ok(ids)
}

/// What a region notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionEventKind {
    /// `DEVLINK_ATTR_REGION_SNAPSHOT_ID`: a snapshot was created or deleted.
    Snapshot(u32),
    /// `DEVLINK_ATTR_REGION_SIZE`: the region itself was created or destroyed.
    Size(u64),
}

/// `REGION_NEW` / `REGION_DEL` notifications and the `REGION_NEW` reply
/// (`devlink_nl_region_notify_build`): handle, optional port, name, then either the
/// snapshot id or the region size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionEvent {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`: port regions.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `REGION_SNAPSHOT_ID` or `REGION_SIZE`.
    pub kind: RegionEventKind,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RegionEvent {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut key = RegionKey::new();
        let (mut kind, mut unknown) = (None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if key.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RegionSnapshotId) if kind.is_none() => {
                    kind = Some(RegionEventKind::Snapshot(a.get_u32()?));
                }
                Some(Attr::RegionSize) if kind.is_none() => {
                    kind = Some(RegionEventKind::Size(a.get_u64()?));
                }
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: key.handle.finish()?,
            port_index: key.port_index,
            name: required(key.name, Attr::RegionName)?,
            kind: required(kind, Attr::RegionSnapshotId)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        match self.kind {
            RegionEventKind::Snapshot(id) => e.u32(Attr::RegionSnapshotId as u16, id),
            RegionEventKind::Size(size) => e.u64(Attr::RegionSize as u16, size),
        }
        encode_unknown(&self.unknown, e);
    }
}

/// One `DEVLINK_ATTR_REGION_CHUNK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionChunk {
    /// `DEVLINK_ATTR_REGION_CHUNK_DATA` (at most 256 bytes from the kernel).
    pub data: Vec<u8>,
    /// `DEVLINK_ATTR_REGION_CHUNK_ADDR` (u64 offset into the region).
    pub addr: u64,
}

/// One `REGION_READ` dump message (`devlink_nl_region_read_dumpit`): handle, optional
/// port, name, `REGION_CHUNKS` holding consecutive chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRead {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`: port regions.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_REGION_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_REGION_CHUNKS` (other attributes inside it or a chunk are not kept).
    pub chunks: Vec<RegionChunk>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for RegionRead {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut key = RegionKey::new();
        let (mut chunks, mut unknown) = (None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if key.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::RegionChunks) => chunks = Some(decode_chunks(&a)?),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: key.handle.finish()?,
            port_index: key.port_index,
            name: required(key.name, Attr::RegionName)?,
            chunks: required(chunks, Attr::RegionChunks)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        encode_key(&self.handle, self.port_index, &self.name, e);
        let n = e.nest(Attr::RegionChunks as u16, false);
        for c in &self.chunks {
            let ch = e.nest(Attr::RegionChunk as u16, false);
            e.bytes(Attr::RegionChunkData as u16, &c.data);
            e.u64(Attr::RegionChunkAddr as u16, c.addr);
            e.end(ch);
        }
        e.end(n);
        encode_unknown(&self.unknown, e);
    }
}

fn decode_chunks(nest: &RawAttr<'_>) -> Result<Vec<RegionChunk>, AttrError> {
    let mut chunks = Vec::new();
    for c in each(nest.nested(), Space::Devlink) {
        let c = c?;
        if Attr::from_repr(c.kind()) != Some(Attr::RegionChunk) {
            continue;
        }
        let (mut data, mut addr) = (None, None);
        for a in each(c.nested(), Space::Devlink) {
            let a = a?;
            match Attr::from_repr(a.kind()) {
                Some(Attr::RegionChunkData) => data = Some(a.payload().to_vec()),
                Some(Attr::RegionChunkAddr) => addr = Some(a.get_u64()?),
                _ => {}
            }
        }
        chunks.push(RegionChunk {
            data: data.ok_or_else(|| missing_in(&c, Attr::RegionChunkData))?,
            addr: addr.ok_or_else(|| missing_in(&c, Attr::RegionChunkAddr))?,
        });
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::AttrErrorKind;
    use crate::devlink::port::test_util::*;
    use crate::nl::PayloadError;
    use proptest::prelude::*;

    /// Every distinct RegionEvent body in the 6.1 captures (`traces/kernel-6.1/*/netlink.pcap`).
    const KERNEL_6_1_REGIONS: &[&str] = &[
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313000 0a005800 64756d6d
         79000000 0c005900 00800000 00000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313100 0a005800 64756d6d
         79000000 0c005900 00800000 00000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313200 0a005800 64756d6d
         79000000 0c005900 00800000 00000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313500 0a005800 64756d6d
         79000000 0c005900 00800000 00000000",
        "0e000100 6e657464 65767369 6d000000 10000200 6e657464 65767369 6d313400 0a005800 64756d6d
         79000000 0c005900 00800000 00000000",
    ];

    #[test]
    fn every_6_1_region_message_roundtrips() {
        for body in KERNEL_6_1_REGIONS {
            let _: RegionEvent = roundtrip(&hex(body));
        }
    }

    /// 6.1 capture `create_1port`: REGION_NEW for the region itself (size variant).
    #[test]
    fn kernel_6_1_region_new_roundtrips() {
        let bytes = hex(&format!(
            "{NETDEVSIM10} 0a005800 64756d6d 79000000 0c005900 00800000 00000000"
        ));
        let ev: RegionEvent = roundtrip(&bytes);
        assert_eq!(ev.name, "dummy");
        assert_eq!(ev.kind, RegionEventKind::Size(32768));
        assert_eq!(ev.port_index, None);
    }

    #[test]
    fn snapshot_event_with_port_roundtrips() {
        let bytes = [
            st(1, "a"),
            st(2, "b"),
            at(3, &[2, 0, 0, 0]),
            st(88, "cr"),
            at(92, &[7, 0, 0, 0]),
        ];
        let ev: RegionEvent = roundtrip(&bytes.concat());
        assert_eq!(
            (ev.port_index, ev.kind),
            (Some(2), RegionEventKind::Snapshot(7))
        );
        let err = decode::<RegionEvent>(&[st(1, "a"), st(2, "b"), st(88, "cr")].concat(), false);
        assert_eq!(
            err.unwrap_err(),
            AttrError::missing_attr(Attr::RegionSnapshotId)
        );
    }

    fn snapshots(ids: &[u32]) -> Vec<u8> {
        let inner: Vec<Vec<u8>> = ids
            .iter()
            .map(|i| at(91, &at(92, &i.to_ne_bytes())))
            .collect();
        at(90, &inner.concat())
    }

    #[test]
    fn get_reply_roundtrips() {
        let head = hex(&format!(
            "{NETDEVSIM10} 0a005800 64756d6d 79000000 0c005900 00800000 00000000 0800aa00 08000000"
        ));
        let r: Region = roundtrip(&[head.clone(), snapshots(&[1, 42])].concat());
        assert_eq!((r.size, r.max_snapshots), (32768, 8));
        assert_eq!(r.snapshots, vec![1, 42]);
        let r: Region = roundtrip(&[head.clone(), snapshots(&[])].concat());
        assert!(r.snapshots.is_empty());
        let err = decode::<Region>(&head, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::RegionSnapshots));
        // A snapshot nest without its id: reported against that nest (at 68).
        let bad = [head, at(90, &at(91, &[]))].concat();
        let err = decode::<Region>(&bad, false).unwrap_err();
        assert_eq!(err, AttrError::missing(Space::Devlink, 92, Some(68)));
    }

    #[test]
    fn wrong_width_and_unknown() {
        let bytes = [st(1, "a"), st(2, "b"), st(88, "r"), at(89, &[0, 1, 0, 0])].concat();
        let err = decode::<Region>(&bytes, false).unwrap_err();
        assert_eq!((err.attr, err.offset), (89, Some(24)));
        assert_eq!(
            err.kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 8,
                got: 4
            })
        );
        let ev = [
            st(1, "a"),
            st(2, "b"),
            at(200, &[1]),
            st(88, "r"),
            at(89, &[0; 8]),
        ]
        .concat();
        let r: RegionEvent = decode(&ev, false).unwrap();
        assert_eq!(
            r.unknown,
            vec![UnknownAttr {
                raw_type: 200,
                payload: vec![1]
            }]
        );
        let expect = [
            st(1, "a"),
            st(2, "b"),
            st(88, "r"),
            at(89, &[0; 8]),
            at(200, &[1]),
        ];
        assert_eq!(encode(&r), expect.concat());
    }

    fn chunk(data: &[u8], addr: u64) -> Vec<u8> {
        at(94, &[at(95, data), at(96, &addr.to_ne_bytes())].concat())
    }

    #[test]
    fn read_message_roundtrips() {
        let data: Vec<u8> = (0..=255).collect();
        let chunks = at(93, &[chunk(&data, 0), chunk(&[1, 2, 3], 256)].concat());
        let bytes = hex(&format!("{NETDEVSIM10} 0a005800 64756d6d 79000000"));
        let r: RegionRead = roundtrip(&[bytes.clone(), chunks].concat());
        assert_eq!(r.chunks.len(), 2);
        assert_eq!(r.chunks[0].data.len(), 256);
        assert_eq!(
            (r.chunks[1].data.as_slice(), r.chunks[1].addr),
            (&[1, 2, 3][..], 256)
        );
        let no_addr = at(93, &at(94, &at(95, &[1])));
        let err = decode::<RegionRead>(&[bytes, no_addr].concat(), false).unwrap_err();
        assert_eq!((err.attr, err.kind), (96, AttrErrorKind::Missing));
    }

    fn handle() -> impl Strategy<Value = Handle> {
        ("[a-z]{1,8}", "[a-z0-9:.]{1,12}").prop_map(|(b, d)| Handle::new(b, d))
    }

    proptest! {
        #[test]
        fn any_region_roundtrips(
            handle in handle(),
            port_index: Option<u32>,
            name in "[a-z_]{1,12}",
            size: u64,
            max_snapshots: u32,
            snapshots in proptest::collection::vec(any::<u32>(), 0..5),
        ) {
            let r = Region { handle, port_index, name, size, max_snapshots, snapshots, unknown: Vec::new() };
            prop_assert_eq!(decode::<Region>(&encode(&r), false).unwrap(), r);
        }

        #[test]
        fn any_read_roundtrips(
            handle in handle(),
            port_index: Option<u32>,
            chunks in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..300), any::<u64>()), 0..4),
        ) {
            let chunks = chunks.into_iter().map(|(data, addr)| RegionChunk { data, addr }).collect();
            let r = RegionRead { handle, port_index, name: "r".into(), chunks, unknown: Vec::new() };
            prop_assert_eq!(decode::<RegionRead>(&encode(&r), false).unwrap(), r);
        }
    }
}
