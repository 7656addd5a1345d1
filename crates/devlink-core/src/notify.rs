//! The notification queue: producers append, the daemon drains; nothing is reordered or
//! dropped after enqueue. The registration gate lives in [`crate::Devl`] and the replays in
//! [`crate::Core`]: this module only orders and numbers.

use std::collections::VecDeque;

use devlink_wire::devlink::Handle;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::InstanceId;

/// One multicast notification of the `devlink` family (group `config`), in queue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The global revision after the change that caused it. Several notifications may
    /// share a revision (a registration replays many objects in one change).
    pub revision: u64,
    /// The instance it is about.
    pub instance: InstanceId,
    /// The instance's handle: the notify-filter descriptor's bus and device name.
    pub handle: Handle,
    /// The notify-filter descriptor's port index: set for port notifications and for
    /// health events of port reporters, as in the kernel (`devlink_nl_obj_desc`).
    pub port_index: Option<u32>,
    /// `genlmsghdr.cmd`.
    pub cmd: Cmd,
    /// The attributes: the same layout as a GET reply for the object.
    pub body: DevlinkBody,
}

/// The queue and the revision counter.
#[derive(Debug, Default)]
pub(crate) struct Notifier {
    queue: VecDeque<Notification>,
    revision: u64,
    /// What changed for the watch state since its last commit.
    pub(crate) dirty: crate::watch::dirty::Dirty,
}

impl Notifier {
    /// Count one state change; returns the new revision.
    pub(crate) fn bump(&mut self) -> u64 {
        self.revision += 1;
        self.revision
    }

    pub(crate) const fn revision(&self) -> u64 {
        self.revision
    }

    pub(crate) fn push(
        &mut self,
        instance: InstanceId,
        handle: &Handle,
        port_index: Option<u32>,
        cmd: Cmd,
        body: DevlinkBody,
    ) {
        self.queue.push_back(Notification {
            revision: self.revision,
            instance,
            handle: handle.clone(),
            port_index,
            cmd,
            body,
        });
    }

    /// A sink queueing replayed notifications about one instance; `len` is how many
    /// will come, at most.
    pub(crate) fn sink<'a>(
        &'a mut self,
        instance: InstanceId,
        handle: &'a Handle,
        len: usize,
    ) -> QueueSink<'a> {
        self.queue.reserve(len);
        QueueSink {
            notifier: self,
            instance,
            handle,
        }
    }

    pub(crate) fn pop(&mut self) -> Option<Notification> {
        self.queue.pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }
}

/// Queues replayed notifications of one instance, in order.
pub(crate) struct QueueSink<'a> {
    notifier: &'a mut Notifier,
    instance: InstanceId,
    handle: &'a Handle,
}

impl crate::objects::Sink for QueueSink<'_> {
    fn push(&mut self, (port_index, cmd, body): crate::objects::Replayed) {
        self.notifier
            .push(self.instance, self.handle, port_index, cmd, body);
    }
}
