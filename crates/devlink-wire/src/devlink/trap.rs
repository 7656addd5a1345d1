//! Packet traps, trap groups and trap policers: the `TRAP_NEW`/`TRAP_DEL`,
//! `TRAP_GROUP_NEW`/`DEL` and `TRAP_POLICER_NEW`/`DEL` objects (replies and notifications)
//! and the `TRAP_*_GET`/`SET` requests. Kernel: `net/devlink/trap.c`
//! (`devlink_nl_trap_fill`, `devlink_nl_trap_group_fill`, `devlink_nl_trap_policer_fill`,
//! `devlink_trap_stats_put`, `devlink_trap_metadata_put`).

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, Space, StatsAttr, TrapAction, TrapMetadataAttr, TrapType};

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{
    Nested, flag_in, get, get_in, put, put_flag, put_nest, put_opt, request, walk, walk_in,
};

/// `DEVLINK_ATTR_STATS` (nested space `enum devlink_attr_stats`, sent with
/// `NLA_F_NESTED`). Traps carry all three counters (`RX_DROPPED` only if the driver counts
/// drops), groups `RX_PACKETS` and `RX_BYTES`, policers only `RX_DROPPED`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// `DEVLINK_ATTR_STATS_RX_DROPPED` (type 2).
    pub rx_dropped: Option<u64>,
    /// `DEVLINK_ATTR_STATS_RX_PACKETS` (type **0**, a real attribute here).
    pub rx_packets: Option<u64>,
    /// `DEVLINK_ATTR_STATS_RX_BYTES` (type 1).
    pub rx_bytes: Option<u64>,
    /// Attributes of the stats space not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for Stats {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let mut s = Self::default();
        s.unknown = walk_in(nest.nested(), Space::Stats, |a| {
            let slot = match StatsAttr::from_repr(a.kind()) {
                Some(StatsAttr::RxDropped) => &mut s.rx_dropped,
                Some(StatsAttr::RxPackets) => &mut s.rx_packets,
                Some(StatsAttr::RxBytes) => &mut s.rx_bytes,
                None => return Ok(false),
            };
            *slot = Some(get_in(Space::Stats, a)?);
            Ok(true)
        })?;
        Ok(s)
    }

    /// The kernel's order: dropped, packets, bytes.
    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put_opt(e, StatsAttr::RxDropped, &self.rx_dropped);
        put_opt(e, StatsAttr::RxPackets, &self.rx_packets);
        put_opt(e, StatsAttr::RxBytes, &self.rx_bytes);
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_ATTR_TRAP_METADATA` (nested space `enum devlink_attr_trap_metadata`, sent
/// with `NLA_F_NESTED`, always present, possibly empty): the metadata the trap reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrapMetadata {
    /// `DEVLINK_ATTR_TRAP_METADATA_TYPE_IN_PORT` (type **0**) flag.
    pub in_port: bool,
    /// `DEVLINK_ATTR_TRAP_METADATA_TYPE_FA_COOKIE` (type 1) flag.
    pub fa_cookie: bool,
    /// Attributes of the metadata space not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for TrapMetadata {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let mut m = Self::default();
        m.unknown = walk_in(nest.nested(), Space::TrapMetadata, |a| {
            let slot = match TrapMetadataAttr::from_repr(a.kind()) {
                Some(TrapMetadataAttr::InPort) => &mut m.in_port,
                Some(TrapMetadataAttr::FaCookie) => &mut m.fa_cookie,
                None => return Ok(false),
            };
            *slot = flag_in(Space::TrapMetadata, a)?;
            Ok(true)
        })?;
        Ok(m)
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put_flag(e, TrapMetadataAttr::InPort, self.in_port);
        put_flag(e, TrapMetadataAttr::FaCookie, self.fa_cookie);
        encode_unknown(&self.unknown, e);
    }
}

/// A packet trap (`DEVLINK_CMD_TRAP_NEW` reply / `TRAP_NEW`, `TRAP_DEL` notification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_TRAP_GROUP_NAME` (sent before the trap's own name).
    pub group: String,
    /// `DEVLINK_ATTR_TRAP_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_TRAP_TYPE` (u8).
    pub trap_type: TrapType,
    /// `DEVLINK_ATTR_TRAP_GENERIC` flag: a generic (well-known) trap.
    pub generic: bool,
    /// `DEVLINK_ATTR_TRAP_ACTION` (u8).
    pub action: TrapAction,
    /// `DEVLINK_ATTR_TRAP_METADATA`.
    pub metadata: TrapMetadata,
    /// `DEVLINK_ATTR_STATS`: `RX_DROPPED` (if counted), `RX_PACKETS`, `RX_BYTES`.
    pub stats: Stats,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for Trap {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut group, mut name, mut trap_type, mut action) = (None, None, None, None);
        let (mut generic, mut metadata, mut stats) = (false, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::TrapGroupName => group = Some(get(a)?),
                Attr::TrapName => name = Some(get(a)?),
                Attr::TrapType => trap_type = Some(get(a)?),
                Attr::TrapGeneric => generic = flag_in(Space::Devlink, a)?,
                Attr::TrapAction => action = Some(get(a)?),
                Attr::TrapMetadata => metadata = Some(TrapMetadata::decode_nest(a)?),
                Attr::Stats => stats = Some(Stats::decode_nest(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            group: required(group, Attr::TrapGroupName)?,
            name: required(name, Attr::TrapName)?,
            trap_type: required(trap_type, Attr::TrapType)?,
            generic,
            action: required(action, Attr::TrapAction)?,
            metadata: required(metadata, Attr::TrapMetadata)?,
            stats: required(stats, Attr::Stats)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::TrapGroupName, &self.group);
        put(e, Attr::TrapName, &self.name);
        put(e, Attr::TrapType, &self.trap_type);
        put_flag(e, Attr::TrapGeneric, self.generic);
        put(e, Attr::TrapAction, &self.action);
        put_nest(e, Attr::TrapMetadata, true, &self.metadata);
        put_nest(e, Attr::Stats, true, &self.stats);
        encode_unknown(&self.unknown, e);
    }
}

/// A trap group (`DEVLINK_CMD_TRAP_GROUP_NEW` reply / `TRAP_GROUP_NEW`, `DEL`
/// notification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapGroup {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_TRAP_GROUP_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_TRAP_GENERIC` flag.
    pub generic: bool,
    /// `DEVLINK_ATTR_TRAP_POLICER_ID` (u32): the bound policer, if any.
    pub policer_id: Option<u32>,
    /// `DEVLINK_ATTR_STATS`: `RX_PACKETS`, `RX_BYTES`.
    pub stats: Stats,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for TrapGroup {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut name, mut generic, mut policer_id, mut stats) = (None, false, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::TrapGroupName => name = Some(get(a)?),
                Attr::TrapGeneric => generic = flag_in(Space::Devlink, a)?,
                Attr::TrapPolicerId => policer_id = Some(get(a)?),
                Attr::Stats => stats = Some(Stats::decode_nest(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            name: required(name, Attr::TrapGroupName)?,
            generic,
            policer_id,
            stats: required(stats, Attr::Stats)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::TrapGroupName, &self.name);
        put_flag(e, Attr::TrapGeneric, self.generic);
        put_opt(e, Attr::TrapPolicerId, &self.policer_id);
        put_nest(e, Attr::Stats, true, &self.stats);
        encode_unknown(&self.unknown, e);
    }
}

/// A trap policer (`DEVLINK_CMD_TRAP_POLICER_NEW` reply / `TRAP_POLICER_NEW`, `DEL`
/// notification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapPolicer {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_TRAP_POLICER_ID` (u32).
    pub id: u32,
    /// `DEVLINK_ATTR_TRAP_POLICER_RATE` (u64, packets per second).
    pub rate: u64,
    /// `DEVLINK_ATTR_TRAP_POLICER_BURST` (u64, packets).
    pub burst: u64,
    /// `DEVLINK_ATTR_STATS` with `RX_DROPPED`, only if the driver has a drop counter.
    pub stats: Option<Stats>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for TrapPolicer {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut id, mut rate, mut burst, mut stats) = (None, None, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::TrapPolicerId => id = Some(get(a)?),
                Attr::TrapPolicerRate => rate = Some(get(a)?),
                Attr::TrapPolicerBurst => burst = Some(get(a)?),
                Attr::Stats => stats = Some(Stats::decode_nest(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            id: required(id, Attr::TrapPolicerId)?,
            rate: required(rate, Attr::TrapPolicerRate)?,
            burst: required(burst, Attr::TrapPolicerBurst)?,
            stats,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::TrapPolicerId, &self.id);
        put(e, Attr::TrapPolicerRate, &self.rate);
        put(e, Attr::TrapPolicerBurst, &self.burst);
        if let Some(s) = &self.stats {
            put_nest(e, Attr::Stats, true, s);
        }
        encode_unknown(&self.unknown, e);
    }
}

request!(
    /// `DEVLINK_CMD_TRAP_GET` request: handle and `TRAP_NAME` for a do, optional handle
    /// filter for a dump. A do without the name is ENOENT in the kernel ("Device did not
    /// register this trap"), not a missing-attribute error, so the name is optional.
    TrapGetReq, get {
        /// `DEVLINK_ATTR_TRAP_NAME`.
        name: opt String = TrapName,
    }
);

request!(
    /// `DEVLINK_CMD_TRAP_GROUP_GET` request: handle and `TRAP_GROUP_NAME` for a do,
    /// optional handle filter for a dump (a missing name is ENOENT, as for traps).
    TrapGroupGetReq, get {
        /// `DEVLINK_ATTR_TRAP_GROUP_NAME`.
        name: opt String = TrapGroupName,
    }
);

request!(
    /// `DEVLINK_CMD_TRAP_POLICER_GET` request: handle and `TRAP_POLICER_ID` for a do,
    /// optional handle filter for a dump (a missing id is ENOENT, as for traps).
    TrapPolicerGetReq, get {
        /// `DEVLINK_ATTR_TRAP_POLICER_ID` (u32).
        id: opt u32 = TrapPolicerId,
    }
);

request!(
    /// `DEVLINK_CMD_TRAP_SET` request, attributes in iproute2's order. `TRAP_NAME` is what
    /// the command is about, but the kernel reports its absence as ENOENT ("Device did not
    /// register this trap", after EOPNOTSUPP for a device without traps), so it is
    /// optional here.
    TrapSetReq, do_only {
        /// `DEVLINK_ATTR_TRAP_NAME`.
        name: opt String = TrapName,
        /// `DEVLINK_ATTR_TRAP_ACTION` (u8, policy max 2).
        action: opt TrapAction = TrapAction,
    }
);

request!(
    /// `DEVLINK_CMD_TRAP_GROUP_SET` request, attributes in iproute2's order. A missing
    /// `TRAP_GROUP_NAME` is ENOENT in the kernel, so it is optional here.
    TrapGroupSetReq, do_only {
        /// `DEVLINK_ATTR_TRAP_GROUP_NAME`.
        name: opt String = TrapGroupName,
        /// `DEVLINK_ATTR_TRAP_ACTION` (u8, policy max 2).
        action: opt TrapAction = TrapAction,
        /// `DEVLINK_ATTR_TRAP_POLICER_ID` (u32; 0 unbinds).
        policer_id: opt u32 = TrapPolicerId,
    }
);

request!(
    /// `DEVLINK_CMD_TRAP_POLICER_SET` request, attributes in iproute2's order. A missing
    /// `TRAP_POLICER_ID` is ENOENT in the kernel, so it is optional here.
    TrapPolicerSetReq, do_only {
        /// `DEVLINK_ATTR_TRAP_POLICER_ID` (u32).
        id: opt u32 = TrapPolicerId,
        /// `DEVLINK_ATTR_TRAP_POLICER_RATE` (u64).
        rate: opt u64 = TrapPolicerRate,
        /// `DEVLINK_ATTR_TRAP_POLICER_BURST` (u64).
        burst: opt u64 = TrapPolicerBurst,
    }
);

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    /// TRAP_NEW "fid_miss" from the 6.1 capture (reload scenario, netdevsim14).
    fn fid_miss() -> Vec<u8> {
        hex(&format!(
            "{NSIM14}
             0d0087006c325f64726f707300000000
             0d0082006669645f6d69737300000000
             0500840001000000
             0500830001000000
             0800868004000000
             28008180 0c000200 0600000000000000 0c000000 0000000000000000 0c000100 0000000000000000"
        ))
    }

    #[test]
    fn trap_from_capture() {
        let t: Trap = roundtrip(&fid_miss());
        assert_eq!(t.handle, Handle::new("netdevsim", "netdevsim14"));
        assert_eq!(
            (t.group.as_str(), t.name.as_str()),
            ("l2_drops", "fid_miss")
        );
        assert_eq!(t.trap_type, TrapType::Exception);
        assert!(!t.generic);
        assert_eq!(t.action, TrapAction::Trap);
        assert!(t.metadata.in_port && !t.metadata.fa_cookie);
        assert_eq!(
            (t.stats.rx_dropped, t.stats.rx_packets, t.stats.rx_bytes),
            (Some(6), Some(0), Some(0))
        );
    }

    #[test]
    fn generic_trap_with_fa_cookie() {
        // TRAP_DEL "ingress_flow_action_drop", acl_drops, TRAP_GENERIC, metadata {IN_PORT
        // FA_COOKIE}, RX_DROPPED 10.
        let body = hex(&format!(
            "{NSIM14}
             0e0087006163 6c5f64726f7073000000
             1d008200696e67726573735f666c6f775f616374696f6e5f64726f7000000000
             0500840000000000 04008500 0500830000000000
             0c008680 04000000 04000100
             28008180 0c000200 0a00000000000000 0c000000 0000000000000000 0c000100 0000000000000000"
        ));
        let t: Trap = roundtrip(&body);
        assert_eq!(t.name, "ingress_flow_action_drop");
        assert!(t.generic && t.metadata.in_port && t.metadata.fa_cookie);
        assert_eq!(t.trap_type, TrapType::Drop);
        assert_eq!(t.stats.rx_dropped, Some(10));
    }

    #[test]
    fn group_and_policer_from_capture() {
        let g: TrapGroup = roundtrip(&hex(&format!(
            "{NSIM14} 0d0087006c335f64726f707300000000 04008500 08008e0001000000
             1c008180 0c000000 0000000000000000 0c000100 0000000000000000"
        )));
        assert_eq!(
            (g.name.as_str(), g.generic, g.policer_id),
            ("l3_drops", true, Some(1))
        );
        assert_eq!(g.stats.rx_dropped, None);
        let p: TrapPolicer = roundtrip(&hex(&format!(
            "{NSIM14} 08008e0001000000 0c008f00e803000000000000 0c0090008000000000000000
             10008180 0c000200 0000000000000000"
        )));
        assert_eq!((p.id, p.rate, p.burst), (1, 1000, 128));
        assert_eq!(p.stats.map(|s| s.rx_dropped), Some(Some(0)));
    }

    #[test]
    fn stats_errors_name_the_stats_space() {
        // RX_PACKETS (type 0) as a u32.
        let body = hex(&format!(
            "{NSIM14} 08008e0001000000 0c008f00e803000000000000 0c0090008000000000000000 0c008180 08000000 00000000"
        ));
        let err = decode::<TrapPolicer>(&body, false).unwrap_err();
        assert_eq!(err.space, Space::Stats);
        assert_eq!(err.attr, StatsAttr::RxPackets as u16);
        assert_eq!(err.offset, Some(20 + 32 + 8 + 12 + 12 + 4));
        assert_eq!(err.name(), "DEVLINK_ATTR_STATS_RX_PACKETS");
    }

    #[test]
    fn metadata_flag_with_payload_is_rejected() {
        let mut body = fid_miss();
        // Turn the IN_PORT flag into a 1-byte attribute: "05000000 01000000" would change
        // lengths; instead patch the metadata nest to hold a u32-sized IN_PORT.
        let at = 32 + 16 + 16 + 8 + 8;
        body.splice(at..at + 8, hex("0c008680 08000000 01000000"));
        let err = decode::<Trap>(&body, false).unwrap_err();
        assert_eq!((err.space, err.attr), (Space::TrapMetadata, 0));
        assert_eq!(err.offset, Some(20 + at + 4));
    }

    #[test]
    fn trap_missing_and_bad_values() {
        // Without TRAP_METADATA.
        let mut body = fid_miss();
        let at = 32 + 16 + 16 + 8 + 8;
        body.drain(at..at + 8);
        let err = decode::<Trap>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind.clone()),
            (Attr::TrapMetadata as u16, AttrErrorKind::Missing)
        );
        // TRAP_TYPE 3 is not a trap type.
        let mut body = fid_miss();
        body[32 + 32 + 4] = 3;
        let err = decode::<Trap>(&body, false).unwrap_err();
        assert_eq!(err.kind, AttrErrorKind::BadValue(3));
        assert_eq!(
            (err.attr, err.offset),
            (Attr::TrapType as u16, Some(20 + 64))
        );
    }

    #[test]
    fn unknown_attributes_are_kept_last() {
        let mut body = fid_miss();
        // An attribute from the future (type 0x1ff, u32) in the middle, after TRAP_NAME.
        body.splice(64..64, hex("0800ff01 2a000000"));
        let t: Trap = decode(&body, false).unwrap();
        assert_eq!(t.unknown.len(), 1);
        assert_eq!(t.unknown[0].raw_type, 0x1ff);
        let again = super::super::notify::testkit::encode(&t);
        assert_eq!(&again[again.len() - 8..], &hex("0800ff01 2a000000")[..]);
    }

    #[test]
    fn requests_in_iproute2_order() {
        // trap set DEV trap fid_miss action drop
        let r: TrapSetReq = roundtrip(&hex(&format!(
            "{NSIM14} 0d0082006669645f6d69737300000000 0500830000000000"
        )));
        assert_eq!(
            (r.name.as_deref(), r.action),
            (Some("fid_miss"), Some(TrapAction::Drop))
        );
        // trap group set DEV group l3_drops action trap policer 2
        let r: TrapGroupSetReq = roundtrip(&hex(&format!(
            "{NSIM14} 0d0087006c335f64726f707300000000 0500830001000000 08008e0002000000"
        )));
        assert_eq!((r.action, r.policer_id), (Some(TrapAction::Trap), Some(2)));
        // trap policer set DEV policer 1 rate 2000 burst 256
        let r: TrapPolicerSetReq = roundtrip(&hex(&format!(
            "{NSIM14} 08008e0001000000 0c008f00d007000000000000 0c0090000001000000000000"
        )));
        assert_eq!((r.id, r.rate, r.burst), (Some(1), Some(2000), Some(256)));
        // Action 3 is out of range (policy max 2).
        let err =
            decode::<TrapSetReq>(&hex(&format!("{NSIM14} 0500830003000000")), false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::TrapAction as u16, AttrErrorKind::BadValue(3))
        );
    }

    #[test]
    fn get_requests() {
        let r: TrapGetReq = decode(&[], true).unwrap();
        assert_eq!(r, TrapGetReq::default());
        let r: TrapPolicerGetReq = roundtrip(&hex(&format!("{NSIM14} 08008e0003000000")));
        assert_eq!(r.id, Some(3));
        let r: TrapGroupGetReq = roundtrip(&hex(NSIM14));
        assert_eq!(r.name, None);
        // A do needs the device.
        let err = decode::<TrapGetReq>(&[], false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::BusName as u16, AttrErrorKind::Missing)
        );
        // A set needs it too, whatever else it names.
        let err =
            decode::<TrapSetReq>(&hex("0d0082006669645f6d69737300000000"), false).unwrap_err();
        assert_eq!(err.attr, Attr::BusName as u16);
    }

    fn stats() -> impl Strategy<Value = Stats> {
        (
            any::<Option<u64>>(),
            any::<Option<u64>>(),
            any::<Option<u64>>(),
        )
            .prop_map(|(rx_dropped, rx_packets, rx_bytes)| Stats {
                rx_dropped,
                rx_packets,
                rx_bytes,
                unknown: vec![],
            })
    }

    proptest! {
        #[test]
        fn trap_identity(
            group in "[a-z_]{1,20}", name in "[a-z0-9_]{1,30}", t in 0u8..3, a in 0u8..3,
            generic: bool, in_port: bool, fa_cookie: bool, stats in stats(),
        ) {
            identity(&Trap {
                handle: Handle::new("pci", "0000:03:00.0"),
                group,
                name,
                trap_type: TrapType::from_repr(t).unwrap(),
                generic,
                action: TrapAction::from_repr(a).unwrap(),
                metadata: TrapMetadata { in_port, fa_cookie, unknown: vec![] },
                stats,
                unknown: vec![],
            });
        }

        #[test]
        fn policer_identity(id: u32, rate: u64, burst: u64, stats in proptest::option::of(stats())) {
            identity(&TrapPolicer { handle: Handle::new("a", "b"), id, rate, burst, stats, unknown: vec![] });
        }
    }
}
