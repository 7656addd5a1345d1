//! Which connections' sockets became ready: each connection polls its sockets with a
//! waker of its own, which, when tokio wakes it (readable, writable, or out of
//! cooperative budget), puts the connection on a list and wakes the shell's task. A
//! wake-up of the shell thus names the connections to visit instead of making it try
//! all of them.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};

use crate::server::ConnId;

/// The list the wakers fill and the shell takes.
#[derive(Debug, Default, Clone)]
pub(super) struct Ready(Arc<Mutex<Shared>>);

#[derive(Debug, Default)]
struct Shared {
    ids: Vec<ConnId>,
    /// The shell's task, woken when the list stops being empty.
    task: Option<Waker>,
}

/// The waker of one connection's sockets.
#[derive(Debug)]
struct ConnWaker {
    id: ConnId,
    ready: Ready,
}

impl Ready {
    /// The waker to poll connection `id`'s sockets with.
    pub(super) fn waker(&self, id: ConnId) -> Waker {
        Waker::from(Arc::new(ConnWaker {
            id,
            ready: self.clone(),
        }))
    }

    /// The connections woken since the last call (possibly repeated, possibly closed
    /// since); the task of `cx` is woken when the next one is.
    pub(super) fn take(&self, cx: &Context<'_>) -> Vec<ConnId> {
        let mut shared = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !shared
            .task
            .as_ref()
            .is_some_and(|t| t.will_wake(cx.waker()))
        {
            shared.task = Some(cx.waker().clone());
        }
        std::mem::take(&mut shared.ids)
    }
}

impl Wake for ConnWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let task = {
            let mut shared = self.ready.0.lock().unwrap_or_else(PoisonError::into_inner);
            shared.ids.push(self.id);
            // A list that was not empty has woken the task already.
            if shared.ids.len() == 1 {
                shared.task.clone()
            } else {
                None
            }
        };
        if let Some(task) = task {
            task.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Count(std::sync::atomic::AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    #[test]
    fn wakes_are_listed_and_wake_the_task_once_per_take() {
        let count = Arc::new(Count::default());
        let task = Waker::from(Arc::clone(&count));
        let cx = Context::from_waker(&task);
        let ready = Ready::default();
        assert!(ready.take(&cx).is_empty());
        let (a, b) = (ready.waker(ConnId(1)), ready.waker(ConnId(2)));
        b.wake_by_ref();
        a.wake_by_ref();
        b.wake_by_ref();
        assert_eq!(count.0.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(ready.take(&cx), [ConnId(2), ConnId(1), ConnId(2)]);
        a.wake();
        assert_eq!(count.0.load(std::sync::atomic::Ordering::Relaxed), 2);
        assert_eq!(ready.take(&cx), [ConnId(1)]);
    }
}
