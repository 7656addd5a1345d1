//! Flash pacing: the gate that holds output back until its due time.
//!
//! The simulator queues a flash's whole status stream at once and says how it should be
//! paced ([`devlink_sim::FlashPacing`]). When a notification is due later than now, the
//! server closes the gate: from then on **everything** it produces — notifications for
//! every receiver, every connection's replies, ACKs, transport replies, `COMPLETE` — is
//! appended to one FIFO with a due time, and released in that order (head of line: an
//! item waits for every item before it). A paced `FLASH_UPDATE` also appends a barrier
//! at its start plus [`devlink_sim::FlashPacing::request_time`], so its reply, ACK and
//! `COMPLETE` go only then, even with no status messages. The gate opens again once the
//! FIFO is empty. So the one order of all output is the order it was produced in, as
//! without pacing; only its timing changes. Time is passed in ([`Server::poll_time`]);
//! without it (no `poll_time` call yet) nothing is paced.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use devlink_core::{InstanceId, Notification};
use devlink_sim::FlashPacing;
use devlink_wire::spec::Cmd;

use super::conn::{ConnId, Out};
use super::state::Server;

/// The held output and the clock.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    items: VecDeque<Held>,
    /// The time the shell last passed in.
    pub(crate) now: Option<Instant>,
    /// The instance of the last `FLASH_UPDATE` notification fanned out.
    pub(crate) flash: Option<InstanceId>,
    /// The last pacing looked up, by instance (a flash asks 500 times).
    cache: Option<(InstanceId, FlashPacing)>,
    /// Every connection diverts its replies.
    pub(crate) diverting: bool,
}

#[derive(Debug)]
struct Held {
    due: Instant,
    item: Item,
}

#[derive(Debug)]
enum Item {
    /// A notification and the connections it goes to (chosen when it was produced).
    Notify { msg: Arc<[u8]>, to: Vec<ConnId> },
    /// A connection's reply.
    Reply(ConnId, Out),
    /// Nothing: holds what follows until its due time.
    Barrier,
}

impl Gate {
    /// Whether output is being held.
    pub(crate) fn closed(&self) -> bool {
        !self.items.is_empty()
    }

    /// When something appended now would be due at the earliest: now, or the due
    /// time of the last held item. `None` without a clock.
    pub(crate) fn tail(&self) -> Option<Instant> {
        let now = self.now?;
        Some(self.items.back().map_or(now, |h| h.due.max(now)))
    }

    /// Append, keeping due times monotonic.
    fn push(&mut self, due: Instant, item: Item) {
        let due = self.items.back().map_or(due, |h| h.due.max(due));
        self.items.push_back(Held { due, item });
    }
}

impl Server {
    /// The time is `now`: release every held item that is due, in order. The shell calls
    /// it before handing in a datagram and at [`Server::next_deadline`].
    pub fn poll_time(&mut self, now: Instant) {
        let now = self.gate.now.map_or(now, |t| t.max(now));
        self.gate.now = Some(now);
        self.release();
        self.pump_watches();
    }

    /// When [`Server::poll_time`] should be called next, if something is held.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        let held = self.gate.items.front().map(|h| h.due);
        match (held, self.next_bookmark()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Release the due items; open the gate when nothing is held any more.
    pub(crate) fn release(&mut self) {
        let Some(now) = self.gate.now else {
            return;
        };
        while let Some(h) = self.gate.items.front()
            && h.due <= now
        {
            let Some(h) = self.gate.items.pop_front() else {
                break;
            };
            match h.item {
                Item::Notify { msg, to } => {
                    for cid in to {
                        let Some(c) = self.conns.get_mut(&cid) else {
                            continue;
                        };
                        c.touch(cid, &mut self.touched);
                        if !c.push_notification(&msg, &self.overrun) {
                            tracing::debug!(conn = cid.0, "backlog full: notification dropped");
                        }
                    }
                }
                Item::Reply(cid, out) => {
                    if let Some(c) = self.conns.get_mut(&cid) {
                        c.touch(cid, &mut self.touched);
                        c.held = c.held.saturating_sub(1);
                        c.deliver(out);
                    }
                }
                Item::Barrier => {}
            }
        }
        if !self.gate.closed() && self.gate.diverting {
            self.gate.diverting = false;
            for c in self.conns.values_mut() {
                c.divert = false;
            }
        }
    }

    /// How long to hold `n` back after what precedes it.
    pub(crate) fn delay_before(&mut self, n: &Notification) -> Duration {
        if n.cmd != Cmd::FlashUpdateStatus || self.gate.now.is_none() {
            return Duration::ZERO;
        }
        self.pacing(n.instance).delay_before(n.cmd, &n.body)
    }

    /// The flash pacing of the simulated device behind `instance` (none for others).
    fn pacing(&mut self, instance: InstanceId) -> FlashPacing {
        if let Some((i, p)) = self.gate.cache
            && i == instance
        {
            return p;
        }
        let pacing = self
            .sim
            .devices()
            .find(|&(_, i)| i == instance)
            .map(|(id, _)| id)
            .and_then(|id| self.sim.flash_pacing(&mut self.core, id).ok())
            .unwrap_or_default();
        self.gate.cache = Some((instance, pacing));
        pacing
    }

    /// Hold notification `msg` for `to` until `delay` after what precedes it; closes
    /// the gate. Replies diverted so far go before it.
    pub(crate) fn hold_notification(&mut self, msg: Arc<[u8]>, to: Vec<ConnId>, delay: Duration) {
        let Some(tail) = self.gate.tail() else {
            return;
        };
        self.flush_diverted();
        self.gate.push(tail + delay, Item::Notify { msg, to });
        self.close_gate();
    }

    /// After a paced `FLASH_UPDATE` that started at `start` succeeded: hold what follows
    /// (its reply, ACK, `COMPLETE`) until the flash's whole time has passed.
    pub(crate) fn hold_flash_reply(&mut self, start: Instant) {
        let Some(instance) = self.gate.flash.take() else {
            return;
        };
        let time = self.pacing(instance).request_time();
        if time.is_zero() {
            return;
        }
        self.flush_diverted();
        self.gate.push(start + time, Item::Barrier);
        self.close_gate();
    }

    /// Move every connection's diverted replies into the gate, in order.
    pub(crate) fn flush_diverted(&mut self) {
        let Some(tail) = self.gate.tail().filter(|_| self.gate.diverting) else {
            return;
        };
        for (&cid, c) in &mut self.conns {
            for out in c.diverted.drain(..) {
                c.held += 1;
                self.gate.push(tail, Item::Reply(cid, out));
            }
        }
    }

    fn close_gate(&mut self) {
        if !self.gate.diverting {
            self.gate.diverting = true;
            for c in self.conns.values_mut() {
                c.divert = true;
            }
        }
    }
}
