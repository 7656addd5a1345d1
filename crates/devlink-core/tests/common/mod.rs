//! Helpers shared by the `requests*` tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers: not every test file uses each; a failed unwrap is a failed test"
)]

use devlink_core::{Core, Rejection, Request};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

/// A `doit` request from an admin.
pub(crate) fn req(cmd: Cmd, body: DevlinkBody) -> Request {
    Request {
        cmd,
        body,
        dump: false,
        admin: true,
    }
}

/// A request that must be rejected without any change or notification.
pub(crate) fn rejected(core: &mut Core, r: Request) -> Rejection {
    let rev = core.revision();
    let err = core.handle_request(r).unwrap_err();
    assert_eq!(core.revision(), rev, "a rejected request changed state");
    assert_eq!(
        core.pending_notifications(),
        0,
        "a rejected request notified"
    );
    err
}
