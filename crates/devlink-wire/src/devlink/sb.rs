//! Shared buffers: the `SB_NEW`, `SB_POOL_NEW`, `SB_PORT_POOL_NEW` and
//! `SB_TC_POOL_BIND_NEW` objects (GET replies) and the `SB_*` requests. Kernel:
//! `net/devlink/sb.c` (`devlink_nl_sb_fill`, `devlink_nl_sb_pool_fill`,
//! `devlink_nl_sb_port_pool_fill`, `devlink_nl_sb_tc_pool_bind_fill`).
//!
//! Request keys: the kernel looks them up in handler order and answers a missing one with
//! a plain EINVAL (no extended ACK), except `SB_POOL_SIZE` and `SB_THRESHOLD`, which use
//! `GENL_REQ_ATTR_CHECK`. Port-scoped commands find the port (`PORT_INDEX`) first.
//! Requests here are declared in iproute2's attribute order, which is also the order
//! missing keys are reported in; where that differs from the kernel's lookup order
//! (`SB_POOL_SET`, `SB_TC_POOL_BIND_SET`) only requests missing several keys notice.

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, SbPoolType, SbThresholdType};

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{get, put, request, walk};

/// `DEVLINK_ATTR_SB_OCC_CUR` and `DEVLINK_ATTR_SB_OCC_MAX` (u32 each), sent together when
/// the driver reports occupancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SbOcc {
    /// `DEVLINK_ATTR_SB_OCC_CUR`.
    pub cur: u32,
    /// `DEVLINK_ATTR_SB_OCC_MAX`.
    pub max: u32,
}

impl SbOcc {
    fn from_parts(cur: Option<u32>, max: Option<u32>) -> Result<Option<Self>, AttrError> {
        match (cur, max) {
            (None, None) => Ok(None),
            (cur, max) => Ok(Some(Self {
                cur: required(cur, Attr::SbOccCur)?,
                max: required(max, Attr::SbOccMax)?,
            })),
        }
    }

    fn encode(occ: Option<&Self>, e: &mut Emitter<'_>) {
        if let Some(o) = occ {
            put(e, Attr::SbOccCur, &o.cur);
            put(e, Attr::SbOccMax, &o.max);
        }
    }
}

/// A shared buffer (`DEVLINK_CMD_SB_NEW`, the `SB_GET` reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sb {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_SB_INDEX` (u32).
    pub index: u32,
    /// `DEVLINK_ATTR_SB_SIZE` (u32, bytes).
    pub size: u32,
    /// `DEVLINK_ATTR_SB_INGRESS_POOL_COUNT` (u16).
    pub ingress_pool_count: u16,
    /// `DEVLINK_ATTR_SB_EGRESS_POOL_COUNT` (u16).
    pub egress_pool_count: u16,
    /// `DEVLINK_ATTR_SB_INGRESS_TC_COUNT` (u16).
    pub ingress_tc_count: u16,
    /// `DEVLINK_ATTR_SB_EGRESS_TC_COUNT` (u16).
    pub egress_tc_count: u16,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for Sb {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        use Attr::{SbEgressPoolCount, SbEgressTcCount, SbIngressPoolCount, SbIngressTcCount};
        let (mut index, mut size, mut ipc, mut epc, mut itc, mut etc) =
            (None, None, None, None, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::SbIndex => index = Some(get(a)?),
                Attr::SbSize => size = Some(get(a)?),
                SbIngressPoolCount => ipc = Some(get(a)?),
                SbEgressPoolCount => epc = Some(get(a)?),
                SbIngressTcCount => itc = Some(get(a)?),
                SbEgressTcCount => etc = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            index: required(index, Attr::SbIndex)?,
            size: required(size, Attr::SbSize)?,
            ingress_pool_count: required(ipc, SbIngressPoolCount)?,
            egress_pool_count: required(epc, SbEgressPoolCount)?,
            ingress_tc_count: required(itc, SbIngressTcCount)?,
            egress_tc_count: required(etc, SbEgressTcCount)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::SbIndex, &self.index);
        put(e, Attr::SbSize, &self.size);
        put(e, Attr::SbIngressPoolCount, &self.ingress_pool_count);
        put(e, Attr::SbEgressPoolCount, &self.egress_pool_count);
        put(e, Attr::SbIngressTcCount, &self.ingress_tc_count);
        put(e, Attr::SbEgressTcCount, &self.egress_tc_count);
        encode_unknown(&self.unknown, e);
    }
}

/// A shared-buffer pool (`DEVLINK_CMD_SB_POOL_NEW`, the `SB_POOL_GET` reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbPool {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_SB_INDEX` (u32).
    pub sb_index: u32,
    /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
    pub pool_index: u16,
    /// `DEVLINK_ATTR_SB_POOL_TYPE` (u8).
    pub pool_type: SbPoolType,
    /// `DEVLINK_ATTR_SB_POOL_SIZE` (u32).
    pub size: u32,
    /// `DEVLINK_ATTR_SB_POOL_THRESHOLD_TYPE` (u8).
    pub threshold_type: SbThresholdType,
    /// `DEVLINK_ATTR_SB_POOL_CELL_SIZE` (u32).
    pub cell_size: u32,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for SbPool {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut sb, mut pool, mut ty, mut size, mut th_ty, mut cell) =
            (None, None, None, None, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::SbIndex => sb = Some(get(a)?),
                Attr::SbPoolIndex => pool = Some(get(a)?),
                Attr::SbPoolType => ty = Some(get(a)?),
                Attr::SbPoolSize => size = Some(get(a)?),
                Attr::SbPoolThresholdType => th_ty = Some(get(a)?),
                Attr::SbPoolCellSize => cell = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            sb_index: required(sb, Attr::SbIndex)?,
            pool_index: required(pool, Attr::SbPoolIndex)?,
            pool_type: required(ty, Attr::SbPoolType)?,
            size: required(size, Attr::SbPoolSize)?,
            threshold_type: required(th_ty, Attr::SbPoolThresholdType)?,
            cell_size: required(cell, Attr::SbPoolCellSize)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::SbIndex, &self.sb_index);
        put(e, Attr::SbPoolIndex, &self.pool_index);
        put(e, Attr::SbPoolType, &self.pool_type);
        put(e, Attr::SbPoolSize, &self.size);
        put(e, Attr::SbPoolThresholdType, &self.threshold_type);
        put(e, Attr::SbPoolCellSize, &self.cell_size);
        encode_unknown(&self.unknown, e);
    }
}

/// What a port-scoped binding body carries besides its own keys: port, sb, pool index,
/// threshold, occupancy (the attributes `SbPortPool` and `SbTcPoolBind` share).
#[derive(Debug, Default)]
struct PortBinding {
    port: Option<u32>,
    sb: Option<u32>,
    pool: Option<u16>,
    threshold: Option<u32>,
    occ_cur: Option<u32>,
    occ_max: Option<u32>,
    tc: Option<u16>,
    pool_type: Option<SbPoolType>,
}

impl PortBinding {
    /// Walk a body; `tc_keys` says whether `SB_TC_INDEX` and `SB_POOL_TYPE` belong to it.
    fn decode(
        attrs: AttrIter<'_>,
        tc_keys: bool,
    ) -> Result<(Handle, Self, Vec<UnknownAttr>), AttrError> {
        let mut b = Self::default();
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::PortIndex => b.port = Some(get(a)?),
                Attr::SbIndex => b.sb = Some(get(a)?),
                Attr::SbPoolIndex => b.pool = Some(get(a)?),
                Attr::SbThreshold => b.threshold = Some(get(a)?),
                Attr::SbOccCur => b.occ_cur = Some(get(a)?),
                Attr::SbOccMax => b.occ_max = Some(get(a)?),
                Attr::SbTcIndex if tc_keys => b.tc = Some(get(a)?),
                Attr::SbPoolType if tc_keys => b.pool_type = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok((h.finish()?, b, unknown))
    }
}

/// A port's use of a pool (`DEVLINK_CMD_SB_PORT_POOL_NEW`, the `SB_PORT_POOL_GET` reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbPortPool {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX` (u32).
    pub port_index: u32,
    /// `DEVLINK_ATTR_SB_INDEX` (u32).
    pub sb_index: u32,
    /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
    pub pool_index: u16,
    /// `DEVLINK_ATTR_SB_THRESHOLD` (u32).
    pub threshold: u32,
    /// `SB_OCC_CUR`, `SB_OCC_MAX`.
    pub occ: Option<SbOcc>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for SbPortPool {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (handle, b, unknown) = PortBinding::decode(attrs, false)?;
        Ok(Self {
            handle,
            port_index: required(b.port, Attr::PortIndex)?,
            sb_index: required(b.sb, Attr::SbIndex)?,
            pool_index: required(b.pool, Attr::SbPoolIndex)?,
            threshold: required(b.threshold, Attr::SbThreshold)?,
            occ: SbOcc::from_parts(b.occ_cur, b.occ_max)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::PortIndex, &self.port_index);
        put(e, Attr::SbIndex, &self.sb_index);
        put(e, Attr::SbPoolIndex, &self.pool_index);
        put(e, Attr::SbThreshold, &self.threshold);
        SbOcc::encode(self.occ.as_ref(), e);
        encode_unknown(&self.unknown, e);
    }
}

/// A port traffic class's pool binding (`DEVLINK_CMD_SB_TC_POOL_BIND_NEW`, the
/// `SB_TC_POOL_BIND_GET` reply). Dumps list, per port, the ingress TCs then the egress TCs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbTcPoolBind {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX` (u32).
    pub port_index: u32,
    /// `DEVLINK_ATTR_SB_INDEX` (u32).
    pub sb_index: u32,
    /// `DEVLINK_ATTR_SB_TC_INDEX` (u16).
    pub tc_index: u16,
    /// `DEVLINK_ATTR_SB_POOL_TYPE` (u8).
    pub pool_type: SbPoolType,
    /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
    pub pool_index: u16,
    /// `DEVLINK_ATTR_SB_THRESHOLD` (u32).
    pub threshold: u32,
    /// `SB_OCC_CUR`, `SB_OCC_MAX`.
    pub occ: Option<SbOcc>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for SbTcPoolBind {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (handle, b, unknown) = PortBinding::decode(attrs, true)?;
        Ok(Self {
            handle,
            port_index: required(b.port, Attr::PortIndex)?,
            sb_index: required(b.sb, Attr::SbIndex)?,
            tc_index: required(b.tc, Attr::SbTcIndex)?,
            pool_type: required(b.pool_type, Attr::SbPoolType)?,
            pool_index: required(b.pool, Attr::SbPoolIndex)?,
            threshold: required(b.threshold, Attr::SbThreshold)?,
            occ: SbOcc::from_parts(b.occ_cur, b.occ_max)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::PortIndex, &self.port_index);
        put(e, Attr::SbIndex, &self.sb_index);
        put(e, Attr::SbTcIndex, &self.tc_index);
        put(e, Attr::SbPoolType, &self.pool_type);
        put(e, Attr::SbPoolIndex, &self.pool_index);
        put(e, Attr::SbThreshold, &self.threshold);
        SbOcc::encode(self.occ.as_ref(), e);
        encode_unknown(&self.unknown, e);
    }
}

request!(
    /// `DEVLINK_CMD_SB_GET` request: handle and `SB_INDEX` for a do, optional handle
    /// filter for a dump.
    SbGetReq, get {
        /// `DEVLINK_ATTR_SB_INDEX` (u32): required for a do.
        sb_index: key u32 = SbIndex,
    }
);

request!(
    /// `DEVLINK_CMD_SB_POOL_GET` request: handle, `SB_INDEX`, `SB_POOL_INDEX` for a do,
    /// optional handle filter for a dump.
    SbPoolGetReq, get {
        /// `DEVLINK_ATTR_SB_INDEX` (u32): required for a do.
        sb_index: key u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16): required for a do.
        pool_index: key u16 = SbPoolIndex,
    }
);

request!(
    /// `DEVLINK_CMD_SB_POOL_SET` request (iproute2 order: sb, pool, size, threshold type).
    SbPoolSetReq, do_only {
        /// `DEVLINK_ATTR_SB_INDEX` (u32).
        sb_index: req u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
        pool_index: req u16 = SbPoolIndex,
        /// `DEVLINK_ATTR_SB_POOL_SIZE` (u32).
        size: req u32 = SbPoolSize,
        /// `DEVLINK_ATTR_SB_POOL_THRESHOLD_TYPE` (u8, policy max 1).
        threshold_type: req SbThresholdType = SbPoolThresholdType,
    }
);

request!(
    /// `DEVLINK_CMD_SB_PORT_POOL_GET` request: handle, `PORT_INDEX`, `SB_INDEX`,
    /// `SB_POOL_INDEX` for a do, optional handle filter for a dump.
    SbPortPoolGetReq, get {
        /// `DEVLINK_ATTR_PORT_INDEX` (u32): required for a do.
        port_index: key u32 = PortIndex,
        /// `DEVLINK_ATTR_SB_INDEX` (u32): required for a do.
        sb_index: key u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16): required for a do.
        pool_index: key u16 = SbPoolIndex,
    }
);

request!(
    /// `DEVLINK_CMD_SB_PORT_POOL_SET` request (iproute2 order: port, sb, pool, threshold).
    SbPortPoolSetReq, do_only {
        /// `DEVLINK_ATTR_PORT_INDEX` (u32).
        port_index: req u32 = PortIndex,
        /// `DEVLINK_ATTR_SB_INDEX` (u32).
        sb_index: req u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
        pool_index: req u16 = SbPoolIndex,
        /// `DEVLINK_ATTR_SB_THRESHOLD` (u32).
        threshold: req u32 = SbThreshold,
    }
);

request!(
    /// `DEVLINK_CMD_SB_TC_POOL_BIND_GET` request: handle, `PORT_INDEX`, `SB_INDEX`,
    /// `SB_POOL_TYPE`, `SB_TC_INDEX` for a do, optional handle filter for a dump.
    SbTcPoolBindGetReq, get {
        /// `DEVLINK_ATTR_PORT_INDEX` (u32): required for a do.
        port_index: key u32 = PortIndex,
        /// `DEVLINK_ATTR_SB_INDEX` (u32): required for a do.
        sb_index: key u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_TYPE` (u8, policy max 1): required for a do.
        pool_type: key SbPoolType = SbPoolType,
        /// `DEVLINK_ATTR_SB_TC_INDEX` (u16): required for a do.
        tc_index: key u16 = SbTcIndex,
    }
);

request!(
    /// `DEVLINK_CMD_SB_TC_POOL_BIND_SET` request (iproute2 order: port, sb, pool index, pool
    /// type, threshold, tc index; the kernel looks up port, sb, pool type, tc, pool,
    /// threshold).
    SbTcPoolBindSetReq, do_only {
        /// `DEVLINK_ATTR_PORT_INDEX` (u32).
        port_index: req u32 = PortIndex,
        /// `DEVLINK_ATTR_SB_INDEX` (u32).
        sb_index: req u32 = SbIndex,
        /// `DEVLINK_ATTR_SB_POOL_INDEX` (u16).
        pool_index: req u16 = SbPoolIndex,
        /// `DEVLINK_ATTR_SB_POOL_TYPE` (u8, policy max 1).
        pool_type: req SbPoolType = SbPoolType,
        /// `DEVLINK_ATTR_SB_THRESHOLD` (u32).
        threshold: req u32 = SbThreshold,
        /// `DEVLINK_ATTR_SB_TC_INDEX` (u16).
        tc_index: req u16 = SbTcIndex,
    }
);

request!(
    /// `DEVLINK_CMD_SB_OCC_SNAPSHOT` and `DEVLINK_CMD_SB_OCC_MAX_CLEAR` request.
    SbOccReq, do_only {
        /// `DEVLINK_ATTR_SB_INDEX` (u32).
        sb_index: req u32 = SbIndex,
    }
);

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    const PORT1_SB0: &str = "08000300 01000000 08000b00 00000000";

    #[test]
    fn objects_in_kernel_order() {
        // devlink_nl_sb_fill
        let sb: Sb = roundtrip(&hex(&format!(
            "{NSIM14} 08000b00 00000000 08000c00 00004000 06000d00 04000000 06000e00 04000000
             06000f00 08000000 06001000 08000000"
        )));
        assert_eq!((sb.index, sb.size), (0, 0x40_0000));
        assert_eq!((sb.ingress_pool_count, sb.egress_tc_count), (4, 8));
        // devlink_nl_sb_pool_fill
        let p: SbPool = roundtrip(&hex(&format!(
            "{NSIM14} 08000b00 00000000 06001100 05000000 05001200 01000000 08001300 00100000
             05001400 01000000 08006900 60000000"
        )));
        assert_eq!(
            (p.pool_index, p.pool_type, p.size),
            (5, SbPoolType::Egress, 0x1000)
        );
        assert_eq!(
            (p.threshold_type, p.cell_size),
            (SbThresholdType::Dynamic, 96)
        );
        // devlink_nl_sb_port_pool_fill, with occupancy
        let pp: SbPortPool = roundtrip(&hex(&format!(
            "{NSIM14} {PORT1_SB0} 06001100 02000000 08001500 0a000000
             08001700 05000000 08001800 09000000"
        )));
        assert_eq!((pp.port_index, pp.pool_index, pp.threshold), (1, 2, 10));
        assert_eq!(pp.occ, Some(SbOcc { cur: 5, max: 9 }));
        // devlink_nl_sb_tc_pool_bind_fill: tc index before pool type and pool index
        let b: SbTcPoolBind = roundtrip(&hex(&format!(
            "{NSIM14} {PORT1_SB0} 06001600 03000000 05001200 00000000 06001100 00000000
             08001500 11000000"
        )));
        assert_eq!(
            (b.tc_index, b.pool_type, b.pool_index),
            (3, SbPoolType::Ingress, 0)
        );
        assert_eq!((b.threshold, b.occ), (17, None));
    }

    #[test]
    fn occupancy_comes_in_pairs() {
        let body = hex(&format!(
            "{NSIM14} {PORT1_SB0} 06001100 02000000 08001500 0a000000 08001800 09000000"
        ));
        let err = decode::<SbPortPool>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::SbOccCur as u16, AttrErrorKind::Missing)
        );
    }

    #[test]
    fn requests_in_iproute2_order() {
        // sb tc bind set DEV/1 sb 0 tc 3 type egress pool 4 th 10
        let r: SbTcPoolBindSetReq = roundtrip(&hex(&format!(
            "{NSIM14} {PORT1_SB0} 06001100 04000000 05001200 01000000 08001500 0a000000
             06001600 03000000"
        )));
        assert_eq!(
            (r.tc_index, r.pool_type, r.pool_index),
            (3, SbPoolType::Egress, 4)
        );
        // sb pool set DEV sb 0 pool 1 size 4096 thtype static
        let r: SbPoolSetReq = roundtrip(&hex(&format!(
            "{NSIM14} 08000b00 00000000 06001100 01000000 08001300 00100000 05001400 00000000"
        )));
        assert_eq!((r.size, r.threshold_type), (4096, SbThresholdType::Static));
        // sb port pool set DEV/1 sb 0 pool 1 th 20
        let r: SbPortPoolSetReq = roundtrip(&hex(&format!(
            "{NSIM14} {PORT1_SB0} 06001100 01000000 08001500 14000000"
        )));
        assert_eq!(r.threshold, 20);
        // sb occupancy snapshot DEV sb 0
        let r: SbOccReq = roundtrip(&hex(&format!("{NSIM14} 08000b00 00000000")));
        assert_eq!(r.sb_index, 0);
        // gets
        let r: SbTcPoolBindGetReq = roundtrip(&hex(&format!(
            "{NSIM14} {PORT1_SB0} 05001200 00000000 06001600 07000000"
        )));
        assert_eq!(
            (r.pool_type, r.tc_index),
            (Some(SbPoolType::Ingress), Some(7))
        );
        let r: SbPortPoolGetReq =
            roundtrip(&hex(&format!("{NSIM14} {PORT1_SB0} 06001100 00000000")));
        assert_eq!(r.pool_index, Some(0));
        let r: SbGetReq = roundtrip(&hex(&format!("{NSIM14} 08000b00 01000000")));
        assert_eq!(r.sb_index, Some(1));
    }

    #[test]
    fn keys_required_for_a_do_only() {
        let body = hex(&format!("{NSIM14} 08000b00 00000000"));
        let err = decode::<SbPoolGetReq>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::SbPoolIndex as u16, AttrErrorKind::Missing)
        );
        let r: SbPoolGetReq = decode(&body, true).unwrap();
        assert_eq!((r.sb_index, r.pool_index), (Some(0), None));
        let r: SbTcPoolBindGetReq = decode(&[], true).unwrap();
        assert_eq!(r, SbTcPoolBindGetReq::default());
        // Port-scoped: the port is looked up first.
        let err = decode::<SbPortPoolGetReq>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::PortIndex as u16);
        // Sets need the threshold.
        let body = hex(&format!("{NSIM14} {PORT1_SB0} 06001100 01000000"));
        let err = decode::<SbPortPoolSetReq>(&body, false).unwrap_err();
        assert_eq!(err.attr, Attr::SbThreshold as u16);
    }

    #[test]
    fn bad_values_and_widths() {
        // pool type 2
        let body = hex(&format!(
            "{NSIM14} {PORT1_SB0} 05001200 02000000 06001600 07000000"
        ));
        let err = decode::<SbTcPoolBindGetReq>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::SbPoolType as u16, AttrErrorKind::BadValue(2))
        );
        assert_eq!(err.offset, Some(20 + 48));
        // SB_INDEX as a u16
        let body = hex(&format!("{NSIM14} 06000b00 00000000"));
        let err = decode::<SbOccReq>(&body, false).unwrap_err();
        assert_eq!((err.attr, err.offset), (Attr::SbIndex as u16, Some(52)));
        assert!(matches!(err.kind, AttrErrorKind::Payload(_)));
    }

    #[test]
    fn foreign_attributes_stay_unknown() {
        // An SB_TC_INDEX does not belong to SB_OCC_SNAPSHOT: kept, re-emitted last.
        let body = hex(&format!("{NSIM14} 06001600 01000000 08000b00 00000000"));
        let r: SbOccReq = decode(&body, false).unwrap();
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(r.unknown[0].raw_type, Attr::SbTcIndex as u16);
        identity(&r);
    }

    proptest! {
        #[test]
        fn tc_bind_identity(
            port_index: u32, sb_index: u32, tc_index: u16, egress: bool, pool_index: u16,
            threshold: u32, occ in proptest::option::of(any::<(u32, u32)>()),
        ) {
            identity(&SbTcPoolBind {
                handle: Handle::new("pci", "0000:03:00.0"),
                port_index,
                sb_index,
                tc_index,
                pool_type: if egress { SbPoolType::Egress } else { SbPoolType::Ingress },
                pool_index,
                threshold,
                occ: occ.map(|(cur, max)| SbOcc { cur, max }),
                unknown: vec![],
            });
        }
    }
}
