//! Fuzz the decoder the daemon runs on a client's datagram.
//!
//! The input is one datagram. It is split into netlink messages and each is decoded as the
//! daemon decodes what a client sends: the controller (`GENL_ID_CTRL`) and devlink with a
//! fixed family id ([`DEVLINK_ID`]; the seeds use it). The flags are the input's, so
//! requests and, without `NLM_F_REQUEST`, the reply decoders are both exercised.
//!
//! Properties: nothing panics; and whatever decodes re-encodes, and the re-encoded bytes
//! are one message that decodes to the same typed message (identity), the header's
//! `nlmsg_len` aside (it is recomputed on encode).
#![no_main]

use devlink_wire::message::{Families, Message};
use devlink_wire::nl::Messages;
use libfuzzer_sys::fuzz_target;

/// The devlink family id the target assumes (any dynamic id works; seeds are rewritten to
/// it).
const DEVLINK_ID: u16 = 0x15;

fuzz_target!(|data: &[u8]| {
    let families = Families {
        devlink: Some(DEVLINK_ID),
    };
    for raw in Messages::new(data) {
        let Ok(raw) = raw else { break };
        let Ok(first) = Message::decode(&raw, families) else {
            continue;
        };
        let bytes = match first.encode() {
            Ok(b) => b,
            Err(e) => panic!("decoded message does not encode: {e}\n{first:#?}"),
        };
        let mut again = Messages::new(&bytes);
        let raw2 = match again.next() {
            Some(Ok(r)) => r,
            other => panic!("re-encoded bytes are not a message: {other:?}"),
        };
        assert!(
            again.next().is_none(),
            "re-encoded bytes hold more than one message"
        );
        assert_eq!(
            raw2.bytes.len(),
            bytes.len(),
            "nlmsg_len does not cover the encoding"
        );
        let second = match Message::decode(&raw2, families) {
            Ok(m) => m,
            Err(e) => panic!("re-encoded message does not decode: {e}\n{first:#?}\n{bytes:02x?}"),
        };
        let mut expected = first;
        expected.header.len = second.header.len;
        assert_eq!(
            expected, second,
            "decode(encode(m)) != m; re-encoded {bytes:02x?}"
        );
    }
});
