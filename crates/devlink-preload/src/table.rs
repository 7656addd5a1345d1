//! Which file descriptors are shimmed netlink sockets, and their shared state.
//!
//! One [`Sock`] per netlink socket (per daemon connection), shared by every descriptor
//! that refers to it (`dup`, `dup2`, `fcntl(F_DUPFD)`) through an `Arc`, and by a forked
//! child through its copy of the table.
//!
//! Locking, and why it is fork-safe:
//! - the table is a `Mutex`, held only for a map operation (never across a system call
//!   or an allocation-heavy path); a `pthread_atfork` prepare handler takes it so that no
//!   other thread is inside it at `fork`, and both sides release it after;
//! - per socket, the data are atomics, and the send lock ([`SendLock`]), held across a
//!   request and its completion wait, records the *process* that holds it: a child
//!   forked while a parent's thread held it sees a foreign pid and takes it over (the
//!   holder does not exist in the child);
//! - a bitmap answers "not a netlink socket" for descriptors below 65 536 without any
//!   lock, so `read`/`write`/`close` of ordinary files stay cheap, and a `write(2)` from a
//!   panic message can never wait on the table.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::time::Duration;

use libc::c_int;

use crate::real;

/// A shimmed netlink socket: a connection to devlinkd and its completion channel.
#[derive(Debug)]
pub(crate) struct Sock {
    /// The completion channel (client end, close-on-exec), closed with the last
    /// descriptor of the socket.
    pub(crate) sync: c_int,
    /// The type the application asked for: `SOCK_RAW` or `SOCK_DGRAM` (`SO_TYPE`).
    pub(crate) ty: c_int,
    /// The bound port id (0: not known yet).
    pub(crate) port_id: AtomicU32,
    /// Joined groups 1..=32 (bit N-1 for group N): `getsockname`, `LIST_MEMBERSHIPS`.
    pub(crate) groups: AtomicU32,
    /// `SOL_NETLINK` flag options set to 1, bit N for option N (`getsockopt`).
    pub(crate) opts: AtomicU32,
    /// Datagrams sent on the connection as far as this process knows (`COMPLETE`
    /// counts them; raised to every count the daemon reports).
    pub(crate) sent: AtomicU64,
    /// Serialises a datagram and its completion wait.
    pub(crate) lock: SendLock,
}

impl Sock {
    pub(crate) fn new(sync: c_int, ty: c_int, sent: u64) -> Self {
        Self {
            sync,
            ty,
            port_id: AtomicU32::new(0),
            groups: AtomicU32::new(0),
            opts: AtomicU32::new(0),
            sent: AtomicU64::new(sent),
            lock: SendLock::default(),
        }
    }

    /// Whether `SOL_NETLINK` option `opt` is on.
    pub(crate) fn opt(&self, opt: c_int) -> bool {
        u32::try_from(opt)
            .ok()
            .and_then(|o| 1u32.checked_shl(o))
            .is_some_and(|bit| self.opts.load(Ordering::Relaxed) & bit != 0)
    }

    /// Record `SOL_NETLINK` option `opt` as `on`.
    pub(crate) fn set_opt(&self, opt: c_int, on: bool) {
        if let Some(bit) = u32::try_from(opt).ok().and_then(|o| 1u32.checked_shl(o)) {
            if on {
                self.opts.fetch_or(bit, Ordering::Relaxed);
            } else {
                self.opts.fetch_and(!bit, Ordering::Relaxed);
            }
        }
    }
}

impl Drop for Sock {
    fn drop(&mut self) {
        // SAFETY: `sync` is the channel this socket owns; the last reference is going,
        // so nothing uses it any more. The real close: never re-enter the hooks.
        unsafe { real::close(self.sync) };
    }
}

/// A lock held across a request and its completion wait, owned by a process id, not a
/// thread: after `fork` the child takes over a lock a parent thread held (that thread
/// does not exist in the child, and the parent keeps its own copy). Contention is rare
/// (two threads sending on one netlink socket), so waiters poll with a short sleep.
#[derive(Debug, Default)]
pub(crate) struct SendLock {
    /// 0: free; else the pid of the holder's process. A descendant never has its
    /// ancestor's pid, so a foreign pid always means a holder that is not here.
    owner: AtomicU32,
}

/// Releases a [`SendLock`] on drop.
#[derive(Debug)]
pub(crate) struct SendGuard<'a>(&'a SendLock);

impl SendLock {
    pub(crate) fn lock(&self) -> SendGuard<'_> {
        let me = std::process::id();
        let mut spins = 0u32;
        loop {
            let owner = self.owner.load(Ordering::Acquire);
            if owner != me
                && self
                    .owner
                    .compare_exchange(owner, me, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return SendGuard(self);
            }
            spins = spins.saturating_add(1);
            if spins < 64 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
}

impl Drop for SendGuard<'_> {
    fn drop(&mut self) {
        self.0.owner.store(0, Ordering::Release);
    }
}

type Map = BTreeMap<c_int, Arc<Sock>>;

static TABLE: Mutex<Map> = Mutex::new(BTreeMap::new());

/// Descriptors below this are also tracked in [`MAYBE`].
const BITMAP_FDS: usize = 1 << 16;
const WORDS: usize = BITMAP_FDS / 64;
/// Bit set: the descriptor may be in the table (set and cleared under the table lock).
static MAYBE: [AtomicU64; WORDS] = [const { AtomicU64::new(0) }; WORDS];

fn bit(fd: c_int) -> Option<(&'static AtomicU64, u64)> {
    let i = usize::try_from(fd).ok()?;
    Some((MAYBE.get(i / 64)?, 1u64 << (i % 64)))
}

/// False if `fd` is certainly not in the table (no lock taken).
fn maybe(fd: c_int) -> bool {
    fd >= 0 && bit(fd).is_none_or(|(word, b)| word.load(Ordering::Acquire) & b != 0)
}

fn table() -> MutexGuard<'static, Map> {
    TABLE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The socket behind `fd`, if it is a shimmed netlink socket.
pub(crate) fn lookup(fd: c_int) -> Option<Arc<Sock>> {
    if !maybe(fd) {
        return None;
    }
    table().get(&fd).cloned()
}

/// `fd` now refers to `sock`; returns what it referred to before (drop it after).
pub(crate) fn insert(fd: c_int, sock: Arc<Sock>) -> Option<Arc<Sock>> {
    static ATFORK: Once = Once::new();
    ATFORK.call_once(|| {
        // SAFETY: the handlers are `extern "C" fn()` that never unwind; registering them
        // has no other precondition. A failure (ENOMEM) leaves fork unprotected only.
        unsafe { libc::pthread_atfork(Some(prepare), Some(release), Some(release)) };
    });
    let mut t = table();
    if let Some((word, b)) = bit(fd) {
        word.fetch_or(b, Ordering::Release);
    }
    t.insert(fd, sock)
}

/// `fd` is closed (or replaced): forget it; returns its socket (drop it after).
pub(crate) fn remove(fd: c_int) -> Option<Arc<Sock>> {
    if !maybe(fd) {
        return None;
    }
    let mut t = table();
    if let Some((word, b)) = bit(fd) {
        word.fetch_and(!b, Ordering::Release);
    }
    t.remove(&fd)
}

thread_local! {
    /// The table lock taken by the `fork` prepare handler, released after the fork.
    static FORK_GUARD: RefCell<Option<MutexGuard<'static, Map>>> = const { RefCell::new(None) };
}

extern "C" fn prepare() {
    let guard = table();
    let _ = FORK_GUARD.try_with(|g| {
        if let Ok(mut slot) = g.try_borrow_mut() {
            *slot = Some(guard);
        }
    });
}

extern "C" fn release() {
    let _ = FORK_GUARD.try_with(|g| {
        if let Ok(mut slot) = g.try_borrow_mut() {
            slot.take();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_lock_excludes_threads_of_one_process() {
        let lock = Arc::new(SendLock::default());
        let inside = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (lock, inside) = (Arc::clone(&lock), Arc::clone(&inside));
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let _g = lock.lock();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn a_lock_held_by_another_process_is_free() {
        let lock = SendLock::default();
        lock.owner.store(std::process::id() + 1, Ordering::Relaxed);
        drop(lock.lock());
    }
}
