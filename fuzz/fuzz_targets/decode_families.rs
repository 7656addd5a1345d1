//! Fuzz the decoders of the daemon's own families: `devlinkd_sim` (simulator control)
//! and `devlinkd_watch` (list+watch), both directions.
//!
//! The input is one datagram; each netlink message in it is decoded as a sim message and
//! as a watch message whatever its `nlmsg_type` (the daemon dispatches by type, the
//! decoders never see it), with the input's flags (`NLM_F_DUMP` for the sim, and
//! `NLM_F_REQUEST` choosing the watch direction).
//!
//! Properties: nothing panics; whatever decodes re-encodes, and the re-encoded message
//! decodes to the same typed message.
#![no_main]

use devlink_wire::nl::Messages;
use devlink_wire::simctl::SimMessage;
use devlink_wire::watch::WatchMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for raw in Messages::new(data) {
        let Ok(raw) = raw else { break };
        if let Ok((h, m)) = SimMessage::parse(raw.bytes) {
            let bytes = match m.to_message(h) {
                Ok(b) => b,
                Err(e) => panic!("decoded sim message does not encode: {e}\n{m:#?}"),
            };
            match SimMessage::parse(&bytes) {
                Ok((_, again)) => assert_eq!(m, again, "sim: decode(encode(m)) != m; {bytes:02x?}"),
                Err(e) => {
                    panic!("re-encoded sim message does not decode: {e}\n{m:#?}\n{bytes:02x?}")
                }
            }
        }
        if let Ok((h, m)) = WatchMessage::parse(raw.bytes) {
            let bytes = match m.to_message(h) {
                Ok(b) => b,
                Err(e) => panic!("decoded watch message does not encode: {e}\n{m:#?}"),
            };
            match WatchMessage::parse(&bytes) {
                Ok((_, again)) => {
                    assert_eq!(m, again, "watch: decode(encode(m)) != m; {bytes:02x?}");
                }
                Err(e) => {
                    panic!("re-encoded watch message does not decode: {e}\n{m:#?}\n{bytes:02x?}")
                }
            }
        }
    }
});
