//! Device selftests: the `DEVLINK_CMD_SELFTESTS_GET` reply, the `SELFTESTS_RUN` request
//! and its reply. Kernel: `net/devlink/dev.c` (`devlink_nl_selftests_fill`,
//! `devlink_nl_selftests_run_doit`, `devlink_selftest_result_put`).
//!
//! `DEVLINK_ATTR_SELFTESTS` holds attributes of a nested space: selftest ids
//! (`enum devlink_attr_selftest_id`) in the GET reply and the RUN request, results
//! (`enum devlink_attr_selftest_result`) in the RUN reply. The kernel opens every nest here
//! with `NLA_F_NESTED`, as does iproute2.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, SelftestIdAttr, SelftestResultAttr, SelftestStatus, Space};

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{Nested, flag_in, get_in, need_in, put, put_flag, put_nest, walk, walk_in};

/// The selftest ids inside `DEVLINK_ATTR_SELFTESTS`: one flag per test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelftestIds {
    /// `DEVLINK_ATTR_SELFTEST_ID_FLASH` (type 1) flag.
    pub flash: bool,
    /// Other attributes of the id space (future test ids), re-emitted last. The kernel
    /// parses a RUN request's nest strictly and rejects ids it does not know.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for SelftestIds {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let mut flash = false;
        let unknown = walk_in(nest.nested(), Space::SelftestId, |a| {
            if SelftestIdAttr::from_repr(a.kind()) != Some(SelftestIdAttr::Flash) {
                return Ok(false);
            }
            flash = flag_in(Space::SelftestId, a)?;
            Ok(true)
        })?;
        Ok(Self { flash, unknown })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put_flag(e, SelftestIdAttr::Flash, self.flash);
        encode_unknown(&self.unknown, e);
    }
}

/// The `DEVLINK_CMD_SELFTESTS_GET` reply: the tests the device supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelftestsGet {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_SELFTESTS` (always present, possibly empty).
    pub tests: SelftestIds,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// The `DEVLINK_CMD_SELFTESTS_RUN` request: handle and the `SELFTESTS` nest of ids to run
/// (required, checked with `GENL_REQ_ATTR_CHECK` after the EOPNOTSUPP check for devices
/// without selftests). Same shape as the GET reply.
pub type SelftestsRunReq = SelftestsGet;

impl Body for SelftestsGet {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut tests = None;
        let (h, unknown) = walk(attrs, |k, a| {
            if k != Attr::Selftests {
                return Ok(false);
            }
            tests = Some(SelftestIds::decode_nest(a)?);
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            tests: required(tests, Attr::Selftests)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_nest(e, Attr::Selftests, true, &self.tests);
        encode_unknown(&self.unknown, e);
    }
}

/// One `DEVLINK_ATTR_SELFTEST_RESULT` nest of a RUN reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelftestResult {
    /// `DEVLINK_ATTR_SELFTEST_RESULT_ID` (u32): the selftest id.
    pub id: u32,
    /// `DEVLINK_ATTR_SELFTEST_RESULT_STATUS` (u8).
    pub status: SelftestStatus,
    /// Other attributes of the result space, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Nested for SelftestResult {
    fn decode_nest(nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        const SPACE: Space = Space::SelftestResult;
        let (mut id, mut status) = (None, None);
        let unknown = walk_in(nest.nested(), SPACE, |a| {
            match SelftestResultAttr::from_repr(a.kind()) {
                Some(SelftestResultAttr::ResultId) => id = Some(get_in(SPACE, a)?),
                Some(SelftestResultAttr::ResultStatus) => status = Some(get_in(SPACE, a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            id: need_in(id, SPACE, SelftestResultAttr::ResultId as u16, nest)?,
            status: need_in(status, SPACE, SelftestResultAttr::ResultStatus as u16, nest)?,
            unknown,
        })
    }

    fn encode_inner(&self, e: &mut Emitter<'_>) {
        put(e, SelftestResultAttr::ResultId, &self.id);
        put(e, SelftestResultAttr::ResultStatus, &self.status);
        encode_unknown(&self.unknown, e);
    }
}

/// The `DEVLINK_CMD_SELFTESTS_RUN` reply: one result per requested test, in id order
/// (`SKIP` for tests the device does not support).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelftestsRun {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_SELFTESTS` → `DEVLINK_ATTR_SELFTEST_RESULT` nests. Other attributes
    /// inside `SELFTESTS` (the kernel sends none) are skipped.
    pub results: Vec<SelftestResult>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for SelftestsRun {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut results = None;
        let (h, unknown) = walk(attrs, |k, a| {
            if k != Attr::Selftests {
                return Ok(false);
            }
            let mut list = Vec::new();
            walk_in(a.nested(), Space::SelftestResult, |r| {
                if SelftestResultAttr::from_repr(r.kind()) == Some(SelftestResultAttr::Result) {
                    list.push(SelftestResult::decode_nest(r)?);
                }
                Ok(true)
            })?;
            results = Some(list);
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            results: required(results, Attr::Selftests)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        let n = e.nest(Attr::Selftests as u16, true);
        for r in &self.results {
            put_nest(e, SelftestResultAttr::Result, true, r);
        }
        e.end(n);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    #[test]
    fn get_reply_and_run_request() {
        // SELFTESTS (0x80b0) { ID_FLASH }
        let body = hex(&format!("{NSIM14} 0800b080 04000100"));
        let r: SelftestsGet = roundtrip(&body);
        assert!(r.tests.flash);
        let r: SelftestsRunReq = roundtrip(&body);
        assert!(r.tests.flash);
        // Nothing supported: the nest is still there, empty.
        let r: SelftestsGet = roundtrip(&hex(&format!("{NSIM14} 0400b080")));
        assert_eq!(r.tests, SelftestIds::default());
        // The run request needs the nest.
        let err = decode::<SelftestsRunReq>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::Selftests as u16, AttrErrorKind::Missing)
        );
    }

    #[test]
    fn ids_space_errors_and_unknown_ids() {
        // ID_FLASH with a payload.
        let body = hex(&format!("{NSIM14} 0c00b080 08000100 01000000"));
        let err = decode::<SelftestsGet>(&body, false).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.offset),
            (Space::SelftestId, 1, Some(56))
        );
        assert_eq!(err.name(), "DEVLINK_ATTR_SELFTEST_ID_FLASH");
        // A future id 2 is kept inside the nest.
        let r: SelftestsGet = roundtrip(&hex(&format!("{NSIM14} 0c00b080 04000100 04000200")));
        assert_eq!(r.tests.unknown.len(), 1);
        assert_eq!(r.tests.unknown[0].raw_type, 2);
    }

    #[test]
    fn run_reply() {
        // SELFTESTS { RESULT { ID 1, STATUS pass } }
        let body = hex(&format!(
            "{NSIM14} 1800b080 14000180 08000200 01000000 05000300 01000000"
        ));
        let r: SelftestsRun = roundtrip(&body);
        assert_eq!(r.results.len(), 1);
        assert_eq!(
            (r.results[0].id, r.results[0].status),
            (1, SelftestStatus::Pass)
        );
    }

    #[test]
    fn run_reply_errors_are_in_the_result_space() {
        // Status 3 is not a selftest status.
        let body = hex(&format!(
            "{NSIM14} 1800b080 14000180 08000200 01000000 05000300 03000000"
        ));
        let err = decode::<SelftestsRun>(&body, false).unwrap_err();
        assert_eq!((err.space, err.attr), (Space::SelftestResult, 3));
        assert_eq!(
            (&err.kind, err.offset),
            (&AttrErrorKind::BadValue(3), Some(20 + 32 + 16))
        );
        assert_eq!(err.name(), "DEVLINK_ATTR_SELFTEST_RESULT_STATUS");
        // Missing id: reported against the RESULT nest.
        let body = hex(&format!("{NSIM14} 1000b080 0c000180 05000300 01000000"));
        let err = decode::<SelftestsRun>(&body, false).unwrap_err();
        assert_eq!(
            (err.space, err.attr, err.kind),
            (Space::SelftestResult, 2, AttrErrorKind::Missing)
        );
        assert_eq!(err.offset, Some(20 + 32 + 4));
    }

    proptest! {
        #[test]
        fn run_identity(results in proptest::collection::vec((any::<u32>(), 0u8..3), 0..5)) {
            identity(&SelftestsRun {
                handle: Handle::new("pci", "0000:01:00.0"),
                results: results
                    .into_iter()
                    .map(|(id, s)| SelftestResult {
                        id,
                        status: SelftestStatus::from_repr(s).unwrap(),
                        unknown: vec![],
                    })
                    .collect(),
                unknown: vec![],
            });
        }
    }
}
