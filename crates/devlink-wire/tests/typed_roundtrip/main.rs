//! Property test: an arbitrary typed devlink message → bytes → message is the identity.
//!
//! Every [`DevlinkBody`] variant has a strategy that generates arbitrary values (every
//! optional field present or absent, lists of any length, strings without NUL, enums over
//! all their values, unknown attributes of types no table defines, nested objects). Each
//! body is wrapped in a whole [`Message`] sent with one of the commands (and the direction)
//! that map to its type in `message.rs`, with `NLM_F_REQUEST` for requests and
//! `NLM_F_DUMP` when the body is only valid as a dump filter; the frame (family id, other
//! flags, seq, pid, genl version and reserved) is arbitrary too. The test asserts that
//! `Message::decode(encode(m)) == m` and that re-encoding gives the same bytes.
//!
//! Each variant is its own test with proptest's default 256 cases (about 2 s for the
//! whole file in debug); `PROPTEST_CASES` overrides.
//! Value constraints that are not arbitrary are commented where the strategy makes them.

// Test code: a failed unwrap is a failed test.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod common;
mod dev_port;
mod dpipe_resource;
mod param_region_health;
mod sb;
mod trap_rate_info;

use common::{Frame, frame};
use devlink_wire::devlink::{DecodeCtx, UnknownAttr};
use devlink_wire::message::{DecodeError, DevlinkBody, DevlinkMessage, Families, Message, Payload};
use devlink_wire::nl::{AttrIter, GenlHeader, Messages, NlmsgHeader, flags};
use devlink_wire::spec::{Cmd, KernelEnum};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use dev_port as dp;
use dpipe_resource as dr;
use param_region_health as prh;
use trap_rate_info as tri;

const REQ: bool = true;
const REP: bool = false;

/// Lists every body type once: its test, its strategy and the commands × directions that
/// `message.rs` maps to it. Generates `commands`, an exhaustive `match` over
/// [`DevlinkBody`] without a wildcard arm (a new variant does not compile until it is
/// listed here with a strategy), the table for the coverage test, and one test per variant.
macro_rules! variants {
    ($($test:ident: $v:ident = $s:expr => [$($cmd:ident $dir:ident),+ $(,)?];)*) => {
        /// The commands and directions that decode to `b`'s type.
        fn commands(b: &DevlinkBody) -> &'static [(Cmd, bool)] {
            match b {
                $(DevlinkBody::$v(_) => &[$((Cmd::$cmd, $dir)),+],)*
            }
        }

        /// `(variant, commands)` for every variant.
        const TABLE: &[(&str, &[(Cmd, bool)])] = &[$((stringify!($v), &[$((Cmd::$cmd, $dir)),+])),*];

        $(
            #[test]
            fn $test() {
                run(stringify!($v), ($s).prop_map(|b| -> DevlinkBody { b.into() }));
            }
        )*
    };
}

variants! {
    dev: Dev = dp::dev() => [New REP, Del REP];
    dev_req: DevReq = dp::dev_req() => [
        Get REQ, EswitchGet REQ, DpipeHeadersGet REQ, ResourceDump REQ, InfoGet REQ,
        SelftestsGet REQ,
    ];
    port: Port = dp::port() => [New REP, PortNew REP, PortDel REP];
    port_get_req: PortGetReq = dp::port_get_req() => [PortGet REQ];
    port_set_req: PortSetReq = dp::port_set_req() => [PortSet REQ];
    port_new_req: PortNewReq = dp::port_new_req() => [PortNew REQ];
    port_key_req: PortKeyReq = dp::port_key_req() => [PortDel REQ, PortUnsplit REQ];
    port_split_req: PortSplitReq = dp::port_split_req() => [PortSplit REQ];
    sb: Sb = sb::sb() => [SbNew REP];
    sb_pool: SbPool = sb::sb_pool() => [SbPoolNew REP];
    sb_port_pool: SbPortPool = sb::sb_port_pool() => [SbPortPoolNew REP];
    sb_tc_pool_bind: SbTcPoolBind = sb::sb_tc_pool_bind() => [SbTcPoolBindNew REP];
    sb_get_req: SbGetReq = sb::sb_get_req() => [SbGet REQ];
    sb_pool_get_req: SbPoolGetReq = sb::sb_pool_get_req() => [SbPoolGet REQ];
    sb_pool_set_req: SbPoolSetReq = sb::sb_pool_set_req() => [SbPoolSet REQ];
    sb_port_pool_get_req: SbPortPoolGetReq = sb::sb_port_pool_get_req() => [SbPortPoolGet REQ];
    sb_port_pool_set_req: SbPortPoolSetReq = sb::sb_port_pool_set_req() => [SbPortPoolSet REQ];
    sb_tc_pool_bind_get_req: SbTcPoolBindGetReq = sb::sb_tc_pool_bind_get_req() => [
        SbTcPoolBindGet REQ,
    ];
    sb_tc_pool_bind_set_req: SbTcPoolBindSetReq = sb::sb_tc_pool_bind_set_req() => [
        SbTcPoolBindSet REQ,
    ];
    sb_occ_req: SbOccReq = sb::sb_occ_req() => [SbOccSnapshot REQ, SbOccMaxClear REQ];
    eswitch: Eswitch = dp::eswitch() => [EswitchGet REP, EswitchSet REQ];
    dpipe_tables: DpipeTables = dr::dpipe_tables() => [DpipeTableGet REP];
    dpipe_entries: DpipeEntries = dr::dpipe_entries() => [DpipeEntriesGet REP];
    dpipe_headers: DpipeHeaders = dr::dpipe_headers() => [DpipeHeadersGet REP];
    dpipe_table_get_req: DpipeTableGetReq = dr::dpipe_table_get_req() => [DpipeTableGet REQ];
    dpipe_entries_get_req: DpipeEntriesGetReq = dr::dpipe_entries_get_req() => [
        DpipeEntriesGet REQ,
    ];
    dpipe_counters_set_req: DpipeCountersSetReq = dr::dpipe_counters_set_req() => [
        DpipeTableCountersSet REQ,
    ];
    resource_dump: ResourceDump = dr::resource_dump() => [ResourceDump REP];
    resource_set_req: ResourceSetReq = dr::resource_set_req() => [ResourceSet REQ];
    reload_req: ReloadReq = dp::reload_req() => [Reload REQ];
    reload_reply: ReloadReply = dp::reload_reply() => [Reload REP];
    param: Param = prh::param() => [
        ParamGet REP, ParamNew REP, ParamDel REP, PortParamGet REP, PortParamNew REP,
        PortParamDel REP,
    ];
    param_get_req: ParamGetReq = prh::param_get_req() => [ParamGet REQ, PortParamGet REQ];
    param_set_req: ParamSetReq = prh::param_set_req() => [ParamSet REQ, PortParamSet REQ];
    region: Region = prh::region() => [RegionGet REP];
    region_event: RegionEvent = prh::region_event() => [RegionNew REP, RegionDel REP];
    region_read: RegionRead = prh::region_read() => [RegionRead REP];
    region_get_req: RegionGetReq = prh::region_get_req() => [RegionGet REQ];
    region_new_req: RegionNewReq = prh::region_new_req() => [RegionNew REQ];
    region_del_req: RegionDelReq = prh::region_del_req() => [RegionDel REQ];
    region_read_req: RegionReadReq = prh::region_read_req() => [RegionRead REQ];
    info: Info = tri::info() => [InfoGet REP];
    health_reporter: HealthReporter = prh::health_reporter() => [
        HealthReporterGet REP, HealthReporterRecover REP,
    ];
    health_req: HealthReq = prh::health_req() => [
        HealthReporterGet REQ, HealthReporterRecover REQ, HealthReporterDiagnose REQ,
        HealthReporterDumpGet REQ, HealthReporterDumpClear REQ, HealthReporterTest REQ,
    ];
    health_set_req: HealthSetReq = prh::health_set_req() => [HealthReporterSet REQ];
    fmsg: Fmsg = prh::fmsg() => [HealthReporterDiagnose REP, HealthReporterDumpGet REP];
    flash_status: FlashStatus = tri::flash_status() => [
        FlashUpdate REP, FlashUpdateEnd REP, FlashUpdateStatus REP,
    ];
    flash_update_req: FlashUpdateReq = tri::flash_update_req() => [FlashUpdate REQ];
    trap: Trap = tri::trap() => [TrapNew REP, TrapDel REP];
    trap_group: TrapGroup = tri::trap_group() => [TrapGroupNew REP, TrapGroupDel REP];
    trap_policer: TrapPolicer = tri::trap_policer() => [TrapPolicerNew REP, TrapPolicerDel REP];
    trap_get_req: TrapGetReq = tri::trap_get_req() => [TrapGet REQ];
    trap_set_req: TrapSetReq = tri::trap_set_req() => [TrapSet REQ];
    trap_group_get_req: TrapGroupGetReq = tri::trap_group_get_req() => [TrapGroupGet REQ];
    trap_group_set_req: TrapGroupSetReq = tri::trap_group_set_req() => [TrapGroupSet REQ];
    trap_policer_get_req: TrapPolicerGetReq = tri::trap_policer_get_req() => [TrapPolicerGet REQ];
    trap_policer_set_req: TrapPolicerSetReq = tri::trap_policer_set_req() => [TrapPolicerSet REQ];
    rate: Rate = tri::rate() => [RateNew REP, RateDel REP];
    rate_get_req: RateGetReq = tri::rate_get_req() => [RateGet REQ];
    rate_req: RateReq = tri::rate_req() => [RateSet REQ, RateNew REQ];
    rate_del_req: RateDelReq = tri::rate_del_req() => [RateDel REQ];
    linecard: Linecard = dp::linecard() => [LinecardNew REP, LinecardDel REP];
    linecard_get_req: LinecardGetReq = dp::linecard_get_req() => [LinecardGet REQ];
    linecard_set_req: LinecardSetReq = dp::linecard_set_req() => [LinecardSet REQ];
    selftests_get: SelftestsGet = dp::selftests_get() => [SelftestsGet REP, SelftestsRun REQ];
    selftests_run: SelftestsRun = dp::selftests_run() => [SelftestsRun REP];
    notify_filter_req: NotifyFilterReq = dp::notify_filter_req() => [NotifyFilterSet REQ];
}

/// A GET-style request whose handle or object key is absent is only valid as a dump
/// filter (`NLM_F_DUMP`); as a do, the decoder rightly reports the missing attribute.
fn needs_dump(b: &DevlinkBody) -> bool {
    use DevlinkBody as B;
    match b {
        B::DevReq(r) => r.handle.is_none(),
        B::PortGetReq(r) => r.handle.is_none() || r.index.is_none(),
        B::SbGetReq(r) => r.handle.is_none() || r.sb_index.is_none(),
        B::SbPoolGetReq(r) => r.handle.is_none() || r.sb_index.is_none() || r.pool_index.is_none(),
        B::SbPortPoolGetReq(r) => {
            r.handle.is_none()
                || r.port_index.is_none()
                || r.sb_index.is_none()
                || r.pool_index.is_none()
        }
        B::SbTcPoolBindGetReq(r) => {
            r.handle.is_none()
                || r.port_index.is_none()
                || r.sb_index.is_none()
                || r.pool_type.is_none()
                || r.tc_index.is_none()
        }
        B::ParamGetReq(r) => r.handle.is_none() || r.name.is_none(),
        B::RegionGetReq(r) => r.handle.is_none() || r.name.is_none(),
        B::HealthReq(r) => r.handle.is_none() || r.name.is_none(),
        B::LinecardGetReq(r) => r.handle.is_none() || r.index.is_none(),
        B::TrapGetReq(r) => r.handle.is_none(),
        B::TrapGroupGetReq(r) => r.handle.is_none(),
        B::TrapPolicerGetReq(r) => r.handle.is_none(),
        B::RateGetReq(r) => r.handle.is_none(),
        _ => false,
    }
}

/// Wrap `body` in a message framed by `f`, encode, decode, compare.
fn roundtrip(body: DevlinkBody, f: &Frame) -> Result<(), TestCaseError> {
    let &(cmd, request) = f.pick.get(commands(&body));
    let mut nl_flags = f.flags & !flags::NLM_F_REQUEST;
    if request {
        nl_flags |= flags::NLM_F_REQUEST;
        if needs_dump(&body) {
            nl_flags |= flags::NLM_F_DUMP;
        }
    }
    let mut msg = Message {
        header: NlmsgHeader {
            len: 0,
            ty: f.family,
            flags: nl_flags,
            seq: f.seq,
            pid: f.pid,
        },
        payload: Payload::Devlink(DevlinkMessage {
            genl: GenlHeader {
                cmd: cmd.repr(),
                version: f.version,
                reserved: f.reserved,
            },
            body,
        }),
        padding: Vec::new(),
    };
    let bytes = msg
        .encode()
        .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    msg.header.len = u32::try_from(bytes.len()).unwrap();
    let mut raws = Messages::new(&bytes);
    let raw = raws.next().unwrap().unwrap();
    prop_assert!(raws.next().is_none());
    let families = Families {
        devlink: Some(f.family),
    };
    let back = Message::decode(&raw, families)
        .map_err(|e| TestCaseError::fail(format!("decode as {cmd:?}: {e}")))?;
    prop_assert_eq!(&back, &msg, "sent as {:?}", cmd);
    prop_assert_eq!(back.encode().unwrap(), bytes);
    Ok(())
}

/// proptest's defaults (256 cases, or `PROPTEST_CASES`), without regression files.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

fn run(name: &str, bodies: impl Strategy<Value = DevlinkBody>) {
    let mut runner = TestRunner::new(config());
    if let Err(e) = runner.run(&(bodies, frame()), |(body, f)| roundtrip(body, &f)) {
        panic!("{name}: {e}");
    }
}

/// Every command × direction that `DevlinkBody::decode` accepts is listed in `TABLE` (so
/// some test sends a body with it), and every listed one is accepted.
#[test]
fn every_command_and_direction_is_covered() {
    for &cmd in Cmd::ALL {
        for request in [REQ, REP] {
            let listed: Vec<&str> = TABLE
                .iter()
                .filter(|(_, cmds)| cmds.contains(&(cmd, request)))
                .map(|(v, _)| *v)
                .collect();
            let ctx = DecodeCtx { dump: true };
            let r = DevlinkBody::decode(cmd.repr(), request, AttrIter::new(&[]), ctx);
            let accepted = !matches!(
                r,
                Err(DecodeError::NotARequest(_) | DecodeError::NotAReply(_))
            );
            let dir = if request { "request" } else { "reply" };
            assert_eq!(
                accepted,
                !listed.is_empty(),
                "{cmd:?} {dir}: decoder accepts it: {accepted}, listed for {listed:?}"
            );
            // `New` replies are a device or (6.1-era port dumps) a port; otherwise one type.
            if cmd != Cmd::New {
                assert!(listed.len() <= 1, "{cmd:?} {dir} listed for {listed:?}");
            }
        }
    }
}

/// The unknown attributes the strategies generate are kept by every decoder (no table
/// defines their types); a sanity check of the generator itself.
#[test]
fn unknown_attrs_use_undefined_types() {
    let mut runner = TestRunner::new(config());
    runner
        .run(&common::unknown_attr(), |u: UnknownAttr| {
            let kind = u.raw_type & devlink_wire::nl::NLA_TYPE_MASK;
            prop_assert!(devlink_wire::spec::Attr::from_repr(kind).is_none());
            Ok(())
        })
        .unwrap();
}
