//! A dump in progress on a connection: filled one datagram (≤ [`MAX_DATAGRAM`]) at a
//! time as the client reads, closed by `NLMSG_DONE` carrying the dump's result
//! (`netlink_dump`, `netlink_dump_done`).

use std::collections::VecDeque;

use devlink_core::{Core, DumpCursor, DumpStep, Errno, Reply};
use devlink_wire::nl::flags::{NLM_F_ACK, NLM_F_DUMP_FILTERED, NLM_F_MULTI};
use devlink_wire::spec::Cmd;

use super::conn::{ConnId, MAX_DATAGRAM};
use super::errors::NlErr;
use super::reply::{self, To};
use super::state::Server;

/// Where the dump's messages come from.
#[derive(Debug)]
enum Source {
    /// A devlink dump, pulled from the core.
    Devlink(DumpCursor),
    /// Messages encoded up front (the controller's small dumps).
    Ready(VecDeque<Vec<u8>>),
    /// A watch snapshot, encoded as the client reads; `pending` did not fit the last
    /// datagram.
    Snapshot {
        source: super::watch::SnapshotSource,
        pending: Option<Vec<u8>>,
    },
}

/// A dump being sent.
#[derive(Debug)]
pub(crate) struct PendingDump {
    source: Source,
    to: To,
    /// The dump request, for extended-ACK offsets in the `NLMSG_DONE`.
    request: Vec<u8>,
    ext_ack: bool,
    /// The `NLMSG_DONE` did not fit the last datagram: it is the next one.
    done: Option<Vec<u8>>,
}

impl PendingDump {
    /// A devlink dump answered `to` the requester.
    pub(crate) fn devlink(cursor: DumpCursor, to: To, request: &[u8], ext_ack: bool) -> Self {
        Self {
            source: Source::Devlink(cursor),
            to,
            request: request.to_vec(),
            ext_ack,
            done: None,
        }
    }

    /// A dump of messages already encoded (with `NLM_F_MULTI`).
    pub(crate) fn ready(messages: Vec<Vec<u8>>, to: To, ext_ack: bool) -> Self {
        Self {
            source: Source::Ready(messages.into()),
            to,
            request: Vec::new(),
            ext_ack,
            done: None,
        }
    }

    /// The next datagram, and whether the dump is over (its `NLMSG_DONE` is in it).
    pub(crate) fn next_datagram(&mut self, core: &Core) -> (Vec<u8>, bool) {
        if let Some(done) = self.done.take() {
            return (done, true);
        }
        let mut dg = Vec::with_capacity(MAX_DATAGRAM);
        let result = match &mut self.source {
            Source::Devlink(cursor) => fill_devlink(core, cursor, self.to, &self.request, &mut dg),
            Source::Ready(queue) => {
                while let Some(m) = queue.front() {
                    if !dg.is_empty() && dg.len() + m.len() > MAX_DATAGRAM {
                        break;
                    }
                    dg.extend_from_slice(m);
                    queue.pop_front();
                }
                queue.is_empty().then_some(Ok(None))
            }
            Source::Snapshot { source, pending } => loop {
                let Some(m) = pending.take().or_else(|| source.next_message()) else {
                    break Some(Ok(None));
                };
                if !dg.is_empty() && dg.len() + m.len() > MAX_DATAGRAM {
                    *pending = Some(m);
                    break None;
                }
                dg.extend_from_slice(&m);
            },
        };
        let Some(result) = result else {
            return (dg, false);
        };
        // The DONE carries the dump's error, or a warning with error 0.
        let carried = match result {
            Ok(warning) => warning,
            Err(e) => Some(e),
        };
        let done = reply::done(self.to, carried.as_ref(), false, self.ext_ack);
        if dg.len() + done.len() <= MAX_DATAGRAM {
            dg.extend_from_slice(&done);
            (dg, true)
        } else {
            self.done = Some(done);
            (dg, false)
        }
    }
}

impl Server {
    /// Start sending a watch snapshot on `id`, as [`Server::start_ready_dump`] does.
    pub(crate) fn start_snapshot_dump(
        &mut self,
        id: ConnId,
        source: super::watch::SnapshotSource,
        to: To,
    ) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let mut d = PendingDump {
            source: Source::Snapshot {
                source,
                pending: None,
            },
            to,
            request: Vec::new(),
            ext_ack: conn.opts.ext_ack,
            done: None,
        };
        let (dg, over) = d.next_datagram(&self.core);
        conn.push_reply(dg);
        if !over {
            conn.dump = Some(d);
        }
    }

    /// Start a dump of messages encoded up front on `id`: the first datagram is queued at
    /// once (the kernel fills it inside `sendmsg`), the rest as the client reads.
    pub(crate) fn start_ready_dump(&mut self, id: ConnId, messages: Vec<Vec<u8>>, to: To) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let mut d = PendingDump::ready(messages, to, conn.opts.ext_ack);
        let (dg, over) = d.next_datagram(&self.core);
        conn.push_reply(dg);
        if !over {
            conn.dump = Some(d);
        }
    }
}

/// Pack the cursor's next replies into `dg`. `None`: more to come; `Some`: the dump is
/// over, with its error or its warning.
fn fill_devlink(
    core: &Core,
    cursor: &mut DumpCursor,
    to: To,
    request: &[u8],
    dg: &mut Vec<u8>,
) -> Option<Result<Option<NlErr>, NlErr>> {
    let mut flags = NLM_F_MULTI;
    if cursor.filtered() {
        flags |= NLM_F_DUMP_FILTERED;
    }
    let mut too_big = false;
    let step = core.dump_next(cursor, &mut |r: Reply| {
        // Region read and health dump data carry NLM_F_ACK too (a kernel quirk).
        let extra = match r.cmd {
            Cmd::RegionRead | Cmd::HealthReporterDumpGet => NLM_F_ACK,
            _ => 0,
        };
        let start = dg.len();
        if reply::devlink_into(to, flags | extra, r.cmd, r.body, dg).is_err() {
            too_big = true;
            return false;
        }
        if dg.len() > MAX_DATAGRAM {
            // Offered again at the start of the next datagram. One object larger than a
            // datagram: devlink's dumpit fails with -EMSGSIZE.
            dg.truncate(start);
            too_big |= start == 0;
            return false;
        }
        true
    });
    if too_big {
        return Some(Err(NlErr::errno(Errno::EMSGSIZE)));
    }
    match step {
        DumpStep::More => None,
        DumpStep::Done => Some(match cursor.take_error() {
            Some(rej) => Err(NlErr::from_rejection(&rej, request)),
            None => Ok(cursor.warning().map(NlErr::warning)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use devlink_wire::nl::{Messages, NLMSG_DONE};

    #[test]
    fn ready_dump_packs_and_ends_with_done() {
        let to = To {
            ty: 0x10,
            seq: 5,
            pid: 6,
        };
        let msgs: Vec<Vec<u8>> = (0..5).map(|_| vec![0u8; 1000]).collect();
        let mut d = PendingDump::ready(msgs, to, false);
        let core = Core::new();
        let (first, over) = d.next_datagram(&core);
        assert_eq!((first.len(), over), (3000, false));
        let (second, over) = d.next_datagram(&core);
        assert!(over);
        assert_eq!(second.len(), 2000 + 20);
        let last = Messages::new(&second[2000..]).next().unwrap().unwrap();
        assert_eq!(last.header.ty, NLMSG_DONE);
    }
}
