//! Health reporters: the object (`HEALTH_REPORTER_GET` replies and `HEALTH_REPORTER_RECOVER`
//! notifications) and the reporter requests (`GET`, `SET`, `RECOVER`, `DIAGNOSE`,
//! `DUMP_GET`, `DUMP_CLEAR`, `TEST`). Kernel: `net/devlink/health.c`
//! (`devlink_nl_health_reporter_fill`, `devlink_health_reporter_get_from_attrs`,
//! `devlink_nl_health_reporter_set_doit`). The diagnose/dump payload is in `fmsg`.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, Space};

use super::body::{
    AttrError, AttrErrorKind, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown, required,
};
use super::handle::{Handle, HandleParts};
use super::port::put_u32;

/// `DEVLINK_ATTR_HEALTH_REPORTER_STATE` values (`enum devlink_health_reporter_state`,
/// declared in `include/net/devlink.h`, not in the uapi header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum HealthState {
    /// `DEVLINK_HEALTH_REPORTER_STATE_HEALTHY`.
    Healthy = 0,
    /// `DEVLINK_HEALTH_REPORTER_STATE_ERROR`.
    Error = 1,
}

impl HealthState {
    /// The state with this value.
    #[must_use]
    pub const fn from_repr(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::Healthy),
            1 => Some(Self::Error),
            _ => None,
        }
    }
}

/// A health reporter as the kernel describes it (`devlink_nl_health_reporter_fill`).
/// The `HEALTH_REPORTER` nest is opened without `NLA_F_NESTED`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReporter {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`: port reporters.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_STATE` (u8).
    pub state: HealthState,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT` (u64).
    pub error_count: u64,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT` (u64).
    pub recover_count: u64,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_GRACEFUL_PERIOD` (u64 ms): reporter can recover.
    pub graceful_period: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_BURST_PERIOD` (u64 ms): reporter can recover;
    /// late-2025 kernels.
    pub burst_period: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_AUTO_RECOVER` (u8 0/1): reporter can recover.
    pub auto_recover: Option<bool>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS` (u64 ms since boot): a dump is stored.
    pub dump_ts: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS` (u64 wall-clock ns): a dump is stored.
    pub dump_ts_ns: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_AUTO_DUMP` (u8 0/1): reporter can dump.
    pub auto_dump: Option<bool>,
    /// Attributes inside `HEALTH_REPORTER` not modelled here, re-emitted last in it.
    pub reporter_unknown: Vec<UnknownAttr>,
    /// Top-level attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

fn get_bool(a: &RawAttr<'_>) -> Result<bool, AttrError> {
    a.get_u8().map(|v| v != 0)
}

fn put_u64(e: &mut Emitter<'_>, kind: Attr, v: Option<u64>) {
    if let Some(v) = v {
        e.u64(kind as u16, v);
    }
}

fn put_bool(e: &mut Emitter<'_>, kind: Attr, v: Option<bool>) {
    if let Some(v) = v {
        e.u8(kind as u16, u8::from(v));
    }
}

impl Body for HealthReporter {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut port_index, mut nest, mut unknown) = (None, None, Vec::new());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => port_index = Some(a.get_u32()?),
                Some(Attr::HealthReporter) => nest = Some(a),
                _ => unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let handle = h.finish()?;
        let nest = required(nest, Attr::HealthReporter)?;
        let (mut name, mut state, mut error_count, mut recover_count) = (None, None, None, None);
        let mut r = ReporterOptional::default();
        for a in each(nest.nested(), Space::Devlink) {
            let a = a?;
            match Attr::from_repr(a.kind()) {
                Some(Attr::HealthReporterName) => name = Some(a.get_str()?),
                Some(Attr::HealthReporterState) => {
                    let v = a.get_u8()?;
                    let bad =
                        || AttrError::bad(Space::Devlink, &a, AttrErrorKind::BadValue(v.into()));
                    state = Some(HealthState::from_repr(v).ok_or_else(bad)?);
                }
                Some(Attr::HealthReporterErrCount) => error_count = Some(a.get_u64()?),
                Some(Attr::HealthReporterRecoverCount) => recover_count = Some(a.get_u64()?),
                Some(Attr::HealthReporterGracefulPeriod) => r.graceful = Some(a.get_u64()?),
                Some(Attr::HealthReporterBurstPeriod) => r.burst = Some(a.get_u64()?),
                Some(Attr::HealthReporterAutoRecover) => r.auto_recover = Some(get_bool(&a)?),
                Some(Attr::HealthReporterDumpTs) => r.dump_ts = Some(a.get_u64()?),
                Some(Attr::HealthReporterDumpTsNs) => r.dump_ts_ns = Some(a.get_u64()?),
                Some(Attr::HealthReporterAutoDump) => r.auto_dump = Some(get_bool(&a)?),
                _ => r.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        let missing =
            |attr: Attr| AttrError::missing(Space::Devlink, attr as u16, Some(nest.offset()));
        Ok(Self {
            handle,
            port_index,
            name: name.ok_or_else(|| missing(Attr::HealthReporterName))?,
            state: state.ok_or_else(|| missing(Attr::HealthReporterState))?,
            error_count: error_count.ok_or_else(|| missing(Attr::HealthReporterErrCount))?,
            recover_count: recover_count
                .ok_or_else(|| missing(Attr::HealthReporterRecoverCount))?,
            graceful_period: r.graceful,
            burst_period: r.burst,
            auto_recover: r.auto_recover,
            dump_ts: r.dump_ts,
            dump_ts_ns: r.dump_ts_ns,
            auto_dump: r.auto_dump,
            reporter_unknown: r.unknown,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_u32(e, Attr::PortIndex, self.port_index);
        let n = e.nest(Attr::HealthReporter as u16, false);
        e.str(Attr::HealthReporterName as u16, &self.name);
        e.u8(Attr::HealthReporterState as u16, self.state as u8);
        e.u64(Attr::HealthReporterErrCount as u16, self.error_count);
        e.u64(Attr::HealthReporterRecoverCount as u16, self.recover_count);
        put_u64(e, Attr::HealthReporterGracefulPeriod, self.graceful_period);
        put_u64(e, Attr::HealthReporterBurstPeriod, self.burst_period);
        put_bool(e, Attr::HealthReporterAutoRecover, self.auto_recover);
        put_u64(e, Attr::HealthReporterDumpTs, self.dump_ts);
        put_u64(e, Attr::HealthReporterDumpTsNs, self.dump_ts_ns);
        put_bool(e, Attr::HealthReporterAutoDump, self.auto_dump);
        encode_unknown(&self.reporter_unknown, e);
        e.end(n);
        encode_unknown(&self.unknown, e);
    }
}

/// The optional part of a [`HealthReporter`] nest while decoding.
#[derive(Default)]
struct ReporterOptional {
    graceful: Option<u64>,
    burst: Option<u64>,
    auto_recover: Option<bool>,
    dump_ts: Option<u64>,
    dump_ts_ns: Option<u64>,
    auto_dump: Option<bool>,
    unknown: Vec<UnknownAttr>,
}

/// A request that names a reporter: `HEALTH_REPORTER_GET`, `RECOVER`, `DIAGNOSE`,
/// `DUMP_GET`, `DUMP_CLEAR`, `TEST`. Handle, optional `PORT_INDEX` (a port reporter),
/// `HEALTH_REPORTER_NAME`. For a do the handle and the name are required (the kernel
/// answers a missing name with a plain EINVAL); in a dump both are optional here —
/// `HEALTH_REPORTER_GET` dumps filter by handle and port, `DUMP_GET` (dump-only) needs
/// both and the core must check that.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Option<Handle>,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_NAME`.
    pub name: Option<String>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for HealthReq {
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let mut req = Self::default();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => req.port_index = Some(a.get_u32()?),
                Some(Attr::HealthReporterName) => req.name = Some(a.get_str()?),
                _ => req.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        if ctx.dump {
            req.handle = h.finish_optional()?;
        } else {
            req.handle = Some(h.finish()?);
            required(req.name.as_ref(), Attr::HealthReporterName)?;
        }
        Ok(req)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(h) = &self.handle {
            h.encode(e);
        }
        put_u32(e, Attr::PortIndex, self.port_index);
        if let Some(n) = &self.name {
            e.str(Attr::HealthReporterName as u16, n);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// `DEVLINK_CMD_HEALTH_REPORTER_SET`: the reporter and the settings to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthSetReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_NAME`.
    pub name: String,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_GRACEFUL_PERIOD` (u64 ms).
    pub graceful_period: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_BURST_PERIOD` (u64 ms).
    pub burst_period: Option<u64>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_AUTO_RECOVER` (u8; any non-zero is true).
    pub auto_recover: Option<bool>,
    /// `DEVLINK_ATTR_HEALTH_REPORTER_AUTO_DUMP` (u8; any non-zero is true).
    pub auto_dump: Option<bool>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for HealthSetReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let (mut port_index, mut name, mut r) = (None, None, ReporterOptional::default());
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::PortIndex) => port_index = Some(a.get_u32()?),
                Some(Attr::HealthReporterName) => name = Some(a.get_str()?),
                Some(Attr::HealthReporterGracefulPeriod) => r.graceful = Some(a.get_u64()?),
                Some(Attr::HealthReporterBurstPeriod) => r.burst = Some(a.get_u64()?),
                Some(Attr::HealthReporterAutoRecover) => r.auto_recover = Some(get_bool(&a)?),
                Some(Attr::HealthReporterAutoDump) => r.auto_dump = Some(get_bool(&a)?),
                _ => r.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        Ok(Self {
            handle: h.finish()?,
            port_index,
            name: required(name, Attr::HealthReporterName)?,
            graceful_period: r.graceful,
            burst_period: r.burst,
            auto_recover: r.auto_recover,
            auto_dump: r.auto_dump,
            unknown: r.unknown,
        })
    }

    /// iproute2's order (`dl_opts_put`): handle, port, name, graceful period, burst
    /// period, auto-recover, auto-dump.
    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_u32(e, Attr::PortIndex, self.port_index);
        e.str(Attr::HealthReporterName as u16, &self.name);
        put_u64(e, Attr::HealthReporterGracefulPeriod, self.graceful_period);
        put_u64(e, Attr::HealthReporterBurstPeriod, self.burst_period);
        put_bool(e, Attr::HealthReporterAutoRecover, self.auto_recover);
        put_bool(e, Attr::HealthReporterAutoDump, self.auto_dump);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devlink::port::test_util::*;
    use crate::nl::PayloadError;
    use proptest::prelude::*;

    /// netdevsim's "empty" reporter: no recover, no dump ops, so only the four basics.
    #[test]
    fn basic_reporter_roundtrips() {
        let inner = [
            st(115, "empty"),
            at(116, &[0]),
            at(117, &[0; 8]),
            at(118, &[0; 8]),
        ];
        let bytes = hex(NETDEVSIM10);
        let r: HealthReporter = roundtrip(&[bytes, at(114, &inner.concat())].concat());
        assert_eq!(r.name, "empty");
        assert_eq!(r.state, HealthState::Healthy);
        assert_eq!(
            (r.graceful_period, r.auto_recover, r.auto_dump),
            (None, None, None)
        );
    }

    /// A mainline port reporter with recover + dump ops and a stored dump, in the order
    /// of `devlink_nl_health_reporter_fill`.
    #[test]
    fn full_port_reporter_roundtrips() {
        let inner = [
            st(115, "dummy"),
            at(116, &[1]),
            at(117, &3u64.to_ne_bytes()),
            at(118, &2u64.to_ne_bytes()),
            at(120, &500u64.to_ne_bytes()),
            at(181, &100u64.to_ne_bytes()),
            at(121, &[1]),
            at(119, &123_456u64.to_ne_bytes()),
            at(137, &1_700_000_000_000_000_000u64.to_ne_bytes()),
            at(141, &[0]),
        ];
        let bytes = [
            hex(NETDEVSIM10),
            at(3, &[1, 0, 0, 0]),
            at(114, &inner.concat()),
        ]
        .concat();
        let r: HealthReporter = roundtrip(&bytes);
        assert_eq!(r.port_index, Some(1));
        assert_eq!(r.state, HealthState::Error);
        assert_eq!((r.error_count, r.recover_count), (3, 2));
        assert_eq!((r.graceful_period, r.burst_period), (Some(500), Some(100)));
        assert_eq!((r.auto_recover, r.auto_dump), (Some(true), Some(false)));
        assert_eq!(
            (r.dump_ts, r.dump_ts_ns),
            (Some(123_456), Some(1_700_000_000_000_000_000))
        );
    }

    #[test]
    fn errors_name_the_attribute() {
        let h = hex(NETDEVSIM10);
        let bad_state = [
            st(115, "x"),
            at(116, &[2]),
            at(117, &[0; 8]),
            at(118, &[0; 8]),
        ];
        let err =
            decode::<HealthReporter>(&[h.clone(), at(114, &bad_state.concat())].concat(), false);
        let err = err.unwrap_err();
        assert_eq!(
            (err.attr, err.offset, err.kind),
            (116, Some(44), AttrErrorKind::BadValue(2))
        );
        let narrow = [st(115, "x"), at(116, &[0]), at(117, &[0; 4])];
        let err = decode::<HealthReporter>(&[h.clone(), at(114, &narrow.concat())].concat(), false);
        assert_eq!(
            err.unwrap_err().kind,
            AttrErrorKind::Payload(PayloadError::Width {
                expected: 8,
                got: 4
            })
        );
        let partial = [st(115, "x"), at(116, &[0]), at(117, &[0; 8])];
        let err =
            decode::<HealthReporter>(&[h.clone(), at(114, &partial.concat())].concat(), false);
        assert_eq!(
            err.unwrap_err(),
            AttrError::missing(Space::Devlink, 118, Some(32))
        );
        let err = decode::<HealthReporter>(&h, false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::HealthReporter));
    }

    #[test]
    fn unknown_attributes_are_kept() {
        let inner = [
            st(115, "x"),
            at(116, &[0]),
            at(117, &[0; 8]),
            at(118, &[0; 8]),
            at(230, &[5]),
        ];
        let bytes = [hex(NETDEVSIM10), at(114, &inner.concat()), at(231, &[6])].concat();
        let r: HealthReporter = roundtrip(&bytes);
        assert_eq!((r.reporter_unknown.len(), r.unknown.len()), (1, 1));
    }

    #[test]
    fn requests_roundtrip() {
        let key = [hex(NETDEVSIM10), at(3, &[0, 0, 0, 0]), st(115, "dummy")].concat();
        let r: HealthReq = roundtrip(&key);
        assert_eq!((r.port_index, r.name.as_deref()), (Some(0), Some("dummy")));
        let err = decode::<HealthReq>(&hex(NETDEVSIM10), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::HealthReporterName));
        let dump: HealthReq =
            decode(&[hex(NETDEVSIM10), at(3, &[2, 0, 0, 0])].concat(), true).unwrap();
        assert_eq!((dump.port_index, dump.name), (Some(2), None));

        let set = [
            key,
            at(120, &0u64.to_ne_bytes()),
            at(181, &0u64.to_ne_bytes()),
            at(121, &[0]),
            at(141, &[1]),
        ];
        let r: HealthSetReq = roundtrip(&set.concat());
        assert_eq!((r.graceful_period, r.burst_period), (Some(0), Some(0)));
        assert_eq!((r.auto_recover, r.auto_dump), (Some(false), Some(true)));
        let err = decode::<HealthSetReq>(&hex(NETDEVSIM10), false).unwrap_err();
        assert_eq!(err, AttrError::missing_attr(Attr::HealthReporterName));
    }

    proptest! {
        #[test]
        fn any_reporter_roundtrips(
            port_index: Option<u32>,
            name in "[a-z_]{1,12}",
            error in any::<bool>(),
            counts: (u64, u64),
            periods: (Option<u64>, Option<u64>),
            flags: (Option<bool>, Option<bool>),
            ts: (Option<u64>, Option<u64>),
        ) {
            let r = HealthReporter {
                handle: Handle::new("pci", "0000:01:00.0"),
                port_index,
                name,
                state: if error { HealthState::Error } else { HealthState::Healthy },
                error_count: counts.0,
                recover_count: counts.1,
                graceful_period: periods.0,
                burst_period: periods.1,
                auto_recover: flags.0,
                dump_ts: ts.0,
                dump_ts_ns: ts.1,
                auto_dump: flags.1,
                reporter_unknown: Vec::new(),
                unknown: Vec::new(),
            };
            prop_assert_eq!(decode::<HealthReporter>(&encode(&r), false).unwrap(), r);
        }
    }
}
