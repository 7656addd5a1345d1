//! systemd socket activation (`sd_listen_fds(3)`): when `LISTEN_PID` is this process and
//! `LISTEN_FDS` is at least 1, the listening socket is file descriptor 3.
//!
//! Taking ownership of an inherited descriptor by number needs `unsafe`
//! (`OwnedFd::from_raw_fd`), which this crate does not allow. Instead the daemon asks the
//! kernel for a *duplicate* of its own descriptor 3 with `pidfd_getfd(2)` on a pidfd of
//! itself (Linux ≥ 5.6; a process may always do this to itself), which rustix exposes
//! as a safe function returning an [`OwnedFd`]. Descriptor 3 itself stays open, unused,
//! until the daemon exits.

use std::os::fd::OwnedFd;

use rustix::net::{AddressFamily, SocketType, sockopt};
use rustix::process::{PidfdFlags, PidfdGetfdFlags, getpid, pidfd_getfd, pidfd_open};

/// `SD_LISTEN_FDS_START`.
const LISTEN_FDS_START: i32 = 3;

/// An inherited descriptor that cannot serve as the listener.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// `LISTEN_FDS` is not a number.
    #[error("LISTEN_FDS={0:?} is not a count of descriptors")]
    BadCount(String),
    /// The descriptor cannot be duplicated or inspected.
    #[error("socket activation: descriptor 3: {0}")]
    Io(#[from] std::io::Error),
    /// Descriptor 3 is not a listening Unix `SOCK_SEQPACKET` socket.
    #[error("socket activation: descriptor 3 is not a listening AF_UNIX SOCK_SEQPACKET socket")]
    NotSeqpacket,
}

/// The listening socket systemd passed, if it passed one to this process: a
/// non-blocking duplicate of descriptor 3. More than one descriptor: the first is used.
///
/// # Errors
/// [`ActivationError`]: the variables are malformed, or descriptor 3 is not a listening
/// `AF_UNIX` `SOCK_SEQPACKET` socket.
pub fn listen_fd() -> Result<Option<OwnedFd>, ActivationError> {
    let var = |k| std::env::var(k).ok();
    let for_us = var("LISTEN_PID")
        .and_then(|p| p.trim().parse::<u32>().ok())
        .is_some_and(|p| p == std::process::id());
    let Some(count) = var("LISTEN_FDS").filter(|_| for_us) else {
        return Ok(None);
    };
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| ActivationError::BadCount(count.clone()))?;
    if count == 0 {
        return Ok(None);
    }
    if count > 1 {
        tracing::warn!(
            count,
            "socket activation: using the first of several descriptors"
        );
    }
    let me = pidfd_open(getpid(), PidfdFlags::empty()).map_err(std::io::Error::from)?;
    let fd = pidfd_getfd(&me, LISTEN_FDS_START, PidfdGetfdFlags::empty())
        .map_err(std::io::Error::from)?;
    let is_unix = sockopt::socket_domain(&fd).map_err(std::io::Error::from)? == AddressFamily::UNIX;
    let is_seqpacket =
        sockopt::socket_type(&fd).map_err(std::io::Error::from)? == SocketType::SEQPACKET;
    let listening = sockopt::socket_acceptconn(&fd).map_err(std::io::Error::from)?;
    if !(is_unix && is_seqpacket && listening) {
        return Err(ActivationError::NotSeqpacket);
    }
    // tokio needs a non-blocking socket (the flag is shared with systemd's copy, which
    // does not mind).
    rustix::io::ioctl_fionbio(&fd, true).map_err(std::io::Error::from)?;
    Ok(Some(fd))
}
