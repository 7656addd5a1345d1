//! Dumps: a resumable cursor over registered instances and their objects, filled into
//! as many datagrams as the transport needs (kernel: `devlink_nl_dumpit` and the
//! per-object `dump_one`, `struct devlink_nl_dump_state`).
//!
//! Consistency, as in the kernel: each call fills from the current state; between two
//! calls objects may come and go. Instances are walked in index order; ports and params
//! resume at the first key at or after the last one not sent (so objects added or removed
//! elsewhere never shift the walk); list-based objects resume by position.

use std::ops::Bound;

use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::Reply;
use crate::instance::Instance;
use crate::{Core, InstanceId};

/// What a dump lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DumpKind {
    Dev,
    Port,
    Param,
    // == ports, rates, line cards ==
    /// Rate objects, by position in the rate list.
    Rate,
    /// Line cards, by position in the line card list.
    Linecard,
    // == end ports ==
    // == regions, health, traps ==
    // == end regions ==
    // == info, selftests, sb ==
    // == end info ==
}

/// Where a dump is. Created by [`Core::handle_request`]; advanced by [`Core::dump_next`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpCursor {
    kind: DumpKind,
    only: Option<InstanceId>,
    instance: u32,
    idx: u64,
    done: bool,
}

/// Whether a dump has more to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpStep {
    /// `emit` refused a reply: call again with a fresh datagram.
    More,
    /// Everything was given: send `NLMSG_DONE`.
    Done,
}

impl DumpCursor {
    pub(crate) const fn new(kind: DumpKind, only: Option<InstanceId>) -> Self {
        Self {
            kind,
            only,
            instance: 0,
            idx: 0,
            done: false,
        }
    }

    /// The dump is limited to one instance: its messages carry `NLM_F_DUMP_FILTERED`.
    #[must_use]
    pub const fn filtered(&self) -> bool {
        self.only.is_some()
    }
}

impl Core {
    /// Give the dump's next replies to `emit`, in order, until `emit` returns `false`
    /// (that reply was not taken: the datagram is full) or the dump ends. `emit` must
    /// take the first reply offered into an empty datagram, or the dump cannot advance.
    pub fn dump_next(
        &self,
        cursor: &mut DumpCursor,
        emit: &mut dyn FnMut(Reply) -> bool,
    ) -> DumpStep {
        if cursor.done {
            return DumpStep::Done;
        }
        let from = InstanceId(cursor.instance);
        for (&id, inst) in self.instances.range(from..) {
            if !inst.is_registered() || cursor.only.is_some_and(|o| o != id) {
                continue;
            }
            if id.0 != cursor.instance {
                cursor.instance = id.0;
                cursor.idx = 0;
            }
            if let Some(stopped_at) = dump_instance(inst, cursor.kind, cursor.idx, emit) {
                cursor.idx = stopped_at;
                return DumpStep::More;
            }
            cursor.instance = id.0.saturating_add(1);
            cursor.idx = 0;
        }
        cursor.done = true;
        DumpStep::Done
    }
}

/// Offer one instance's objects from key `from` on; the key of the first one refused.
fn dump_instance(
    inst: &Instance,
    kind: DumpKind,
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let o = &inst.objects;
    match kind {
        DumpKind::Dev => {
            let reply = Reply {
                cmd: Cmd::New,
                body: DevlinkBody::Dev(inst.fill()),
            };
            (from == 0 && !emit(reply)).then_some(0)
        }
        DumpKind::Port => {
            let start = u32::try_from(from).map_or(Bound::Excluded(u32::MAX), Bound::Included);
            for (&i, p) in o.ports.range((start, Bound::Unbounded)) {
                let reply = Reply {
                    cmd: Cmd::PortNew,
                    body: DevlinkBody::Port(p.clone()),
                };
                if !emit(reply) {
                    return Some(u64::from(i));
                }
            }
            None
        }
        DumpKind::Param => {
            let start = u32::try_from(from).map_or(Bound::Excluded(u32::MAX), Bound::Included);
            for (&id, p) in o.params.range((start, Bound::Unbounded)) {
                let reply = Reply {
                    cmd: Cmd::ParamGet,
                    body: DevlinkBody::Param(p.param.clone()),
                };
                if !emit(reply) {
                    return Some(u64::from(id));
                }
            }
            None
        }
        // == ports, rates, line cards ==
        DumpKind::Rate => dump_list(&o.rates, from, emit, |r| Reply {
            cmd: Cmd::RateNew,
            body: DevlinkBody::Rate(r.clone()),
        }),
        DumpKind::Linecard => dump_list(&o.linecards, from, emit, |l| Reply {
            cmd: Cmd::LinecardNew,
            body: DevlinkBody::Linecard(l.clone()),
        }),
        // == end ports ==
        // == regions, health, traps ==
        // == end regions ==
        // == info, selftests, sb ==
        // == end info ==
    }
}

// == ports, rates, line cards ==
/// Offer a list from position `from` on; the position of the first one refused.
fn dump_list<T>(
    list: &[T],
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
    reply: impl Fn(&T) -> Reply,
) -> Option<u64> {
    let skip = usize::try_from(from).unwrap_or(usize::MAX);
    for (pos, item) in list.iter().enumerate().skip(skip) {
        if !emit(reply(item)) {
            return u64::try_from(pos).ok();
        }
    }
    None
}
// == end ports ==
