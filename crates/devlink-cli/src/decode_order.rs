//! `dlctl decode --check-order`: the ordering checker (`devlink-check`) over the devlink
//! notifications of a capture, in capture order.
//!
//! A notification is a devlink message with `nlmsg_seq` 0 and `nlmsg_pid` 0 that is not
//! a request. nlmon captures a multicast once per listening socket, one copy after the
//! other, so a run of byte-identical notifications is checked once (a notification the
//! kernel really sent twice in a row, identically, is thus checked once too).
//!
//! A capture may start after an instance was registered (kernel-semantics N1): its
//! first notification is then not its `NEW`, and nothing is known of the objects it had.
//! Such an instance's notifications are applied unchecked (`Checker::assume`) up to
//! and including its `DEL`; a later registration under the same handle is checked.

use std::collections::HashSet;

use devlink_check::{Checker, body_handle};
use devlink_wire::devlink::Handle;
use devlink_wire::message::{Families, Message, Payload};
use devlink_wire::nl::RawMessage;
use devlink_wire::spec::Cmd;

/// The checker over one capture, and what it found.
#[derive(Debug, Default)]
pub(crate) struct OrderCheck {
    checker: Checker,
    last: Vec<u8>,
    checked: usize,
    /// Instances registered before the capture started, until their `DEL`.
    before: HashSet<Handle>,
    /// Every instance seen.
    seen: HashSet<Handle>,
    unchecked: usize,
    /// One line per violation.
    pub(crate) violations: Vec<String>,
}

impl OrderCheck {
    /// Check `m` (of datagram `index`) if it is a new devlink notification.
    pub(crate) fn message(&mut self, index: usize, m: &RawMessage<'_>, families: Families) {
        let h = m.header;
        if h.is_request() || h.seq != 0 || h.pid != 0 || families.devlink != Some(h.ty) {
            return;
        }
        if self.last == m.bytes {
            return;
        }
        self.last = m.bytes.to_vec();
        let Ok(Message {
            payload: Payload::Devlink(d),
            ..
        }) = Message::decode(m, families)
        else {
            return;
        };
        let Some(cmd) = Cmd::from_repr(d.genl.cmd) else {
            return;
        };
        if let Some(h) = body_handle(&d.body) {
            if self.seen.insert(h.clone()) && cmd != Cmd::New {
                self.before.insert(h.clone());
            }
            if self.before.contains(h) {
                if cmd == Cmd::Del {
                    self.before.remove(h);
                }
                self.unchecked += 1;
                self.checker.assume(cmd, &d.body);
                return;
            }
        }
        self.checked += 1;
        if let Err(v) = self.checker.check(None, cmd, &d.body) {
            self.violations
                .push(format!("#{index} order violation: {v}"));
        }
    }

    /// The closing line.
    pub(crate) fn summary(&self) -> String {
        format!(
            "{} notifications checked, {} order violations ({} about instances registered before the capture, not checked)",
            self.checked,
            self.violations.len(),
            self.unchecked
        )
    }
}
