//! One client's sockets and the non-blocking moves on them: write out what the server
//! queued (data socket, completion channel), read one datagram.

use std::io::IoSlice;
use std::os::fd::AsFd;
use std::task::{Context, Poll, Waker};

use rustix::event::{PollFd, PollFlags, Timespec};
use tokio_seqpacket::UnixSeqpacket;
use tokio_seqpacket::ancillary::AncillaryMessageWriter;

use crate::server::{ConnId, Datagram, Server};

/// The largest datagram read from a client (the kernel's default `sk_sndbuf` bounds a
/// netlink `sendmsg` similarly); a longer one is cut, and its last message dropped.
pub(super) const MAX_REQUEST: usize = 256 * 1024;
/// The most datagrams one pass writes to a connection.
const WRITES_PER_VISIT: usize = 64;
/// The most datagrams handled from a connection whose peer is gone (its socket's
/// receive queue holds at most its `SO_RCVBUF`, 208 KiB by default: a few thousand).
const MAX_DRAIN: usize = 4096;

/// One client: its data socket and, once set up, its completion channel.
#[derive(Debug)]
pub(super) struct Link {
    id: ConnId,
    sock: UnixSeqpacket,
    sync: Option<UnixSeqpacket>,
    /// The pair made for a `HELLO` with `SYNC` whose reply is not written yet.
    pending_pair: Option<(UnixSeqpacket, UnixSeqpacket)>,
    /// What its sockets are polled with: puts the connection on the shell's list when
    /// one becomes ready (`wake.rs`).
    waker: Waker,
}

impl Link {
    pub(super) const fn new(id: ConnId, sock: UnixSeqpacket, waker: Waker) -> Self {
        Self {
            id,
            sock,
            sync: None,
            pending_pair: None,
            waker,
        }
    }

    /// Write what the server queued for the data socket until the socket is full (then
    /// the connection is woken when it is writable again), at most
    /// [`WRITES_PER_VISIT`] datagrams: a client that reads as fast as the daemon writes
    /// (a long dump, a watch replay) is visited again on the next pass rather than
    /// holding this one.
    pub(super) fn flush_data(&mut self, server: &mut Server, id: ConnId) -> std::io::Result<()> {
        let waker = self.waker.clone();
        let mut cx = Context::from_waker(&waker);
        for _ in 0..WRITES_PER_VISIT {
            let result = match server.front(id) {
                None => return Ok(()),
                Some(Datagram::Bytes(b)) => self.sock.poll_send(&mut cx, b),
                Some(Datagram::Notifications { parts, .. }) => {
                    let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
                    self.sock.poll_send_vectored(&mut cx, &slices)
                }
                Some(Datagram::HelloSync(b)) => {
                    if self.pending_pair.is_none() {
                        self.pending_pair = Some(UnixSeqpacket::pair()?);
                    }
                    let Some((_, client_end)) = &self.pending_pair else {
                        return Ok(());
                    };
                    let mut space = [0u8; 64];
                    let mut anc = AncillaryMessageWriter::new(&mut space);
                    anc.add_fds([client_end.as_fd()])
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    let r = self.sock.poll_send_with_ancillary(&mut cx, b, &mut anc);
                    if let Poll::Ready(Ok(_)) = r {
                        // The client has its end now; ours becomes the channel.
                        self.sync = self.pending_pair.take().map(|(ours, _)| ours);
                    }
                    r
                }
            };
            match result {
                Poll::Ready(Ok(_)) => server.sent(id),
                Poll::Ready(Err(e)) => return Err(e),
                Poll::Pending => return Ok(()),
            }
        }
        if server.has_output(id) {
            waker.wake_by_ref();
        }
        Ok(())
    }

    /// Write the completion-channel messages (transport replies, `COMPLETE`).
    pub(super) fn flush_sync(&self, server: &mut Server, id: ConnId) {
        let Some(sync) = &self.sync else {
            return;
        };
        let mut cx = Context::from_waker(&self.waker);
        while let Some(msg) = server.front_sync(id) {
            match sync.poll_send(&mut cx, msg) {
                Poll::Ready(Ok(_)) => server.sync_sent(id),
                Poll::Ready(Err(e)) => {
                    // The client closed its channel: its data socket decides its fate.
                    tracing::debug!(conn = id.0, error = %e, "completion channel write failed");
                    server.sync_sent(id);
                }
                Poll::Pending => return,
            }
        }
    }

    /// Read one datagram into `buf`: its length, `None` at end-of-file (then the
    /// connection is woken when the socket is readable).
    ///
    /// On `SOCK_SEQPACKET` a read of 0 bytes is either end-of-file or an empty datagram
    /// (which the kernel's `netlink_sendmsg` accepts and `netlink_rcv_skb` finds no
    /// message in). It is end-of-file when the peer has shut down — closed, or
    /// `shutdown(SHUT_WR)`: `unix_release_sock` / `unix_shutdown` set the daemon end's
    /// `RCV_SHUTDOWN`, seen as `POLLRDHUP` — and nothing is queued behind (`FIONREAD`:
    /// after a shutdown nothing more can arrive, so data still queued proves the 0 was
    /// a datagram). Without `RCV_SHUTDOWN` it was an empty datagram: the flag never
    /// clears, so it was not set when the read returned. Empty datagrams left behind a
    /// shutdown with nothing else are answered by nothing, so closing then loses nothing.
    pub(super) fn poll_read(&self, buf: &mut [u8]) -> Poll<std::io::Result<Option<usize>>> {
        let mut cx = Context::from_waker(&self.waker);
        let mut reset_seen = false;
        let info = loop {
            match self.sock.poll_recv(&mut cx, buf) {
                Poll::Ready(Ok(info)) => break info,
                // A peer that closed with replies unread leaves `ECONNRESET` on our end
                // (`unix_release_sock`), reported once and before the datagrams it had
                // sent: read on.
                Poll::Ready(Err(e))
                    if e.kind() == std::io::ErrorKind::ConnectionReset && !reset_seen =>
                {
                    reset_seen = true;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        };
        if info.truncated() {
            tracing::warn!(
                conn = self.id.0,
                "datagram longer than {MAX_REQUEST} bytes cut"
            );
        }
        let n = info.bytes_read();
        if n == 0 && self.peer_shut_down()? && rustix::io::ioctl_fionread(&self.sock)? == 0 {
            return Poll::Ready(Ok(None));
        }
        Poll::Ready(Ok(Some(n)))
    }

    /// The datagrams still queued from a peer that is gone (at most [`MAX_DRAIN`]): the
    /// kernel handled each at its `sendmsg`, so they are handled before the close even
    /// though their replies can no longer be written.
    pub(super) fn drain(&self, buf: &mut [u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while out.len() < MAX_DRAIN {
            match self.poll_read(buf) {
                Poll::Ready(Ok(Some(n))) => out.push(buf.get(..n).unwrap_or_default().to_vec()),
                _ => break,
            }
        }
        out
    }

    /// Whether the peer shut down its sending side (`POLLRDHUP`, `POLLHUP`).
    fn peer_shut_down(&self) -> std::io::Result<bool> {
        let mut fds = [PollFd::new(&self.sock, PollFlags::RDHUP)];
        rustix::event::poll(&mut fds, Some(&Timespec::default()))?;
        Ok(fds
            .iter()
            .any(|fd| fd.revents().intersects(PollFlags::RDHUP | PollFlags::HUP)))
    }
}

#[cfg(test)]
mod tests {
    //! What Linux does with empty datagrams on `AF_UNIX` `SOCK_SEQPACKET`, and that
    //! [`Link::poll_read`] tells them from end-of-file.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::os::fd::OwnedFd;

    use rustix::net::{RecvFlags, SendFlags, Shutdown};

    use super::*;
    use crate::shell::wake::Ready;

    /// A non-blocking `SOCK_SEQPACKET` pair.
    fn seqpacket_pair() -> (OwnedFd, OwnedFd) {
        rustix::net::socketpair(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::SEQPACKET,
            rustix::net::SocketFlags::CLOEXEC | rustix::net::SocketFlags::NONBLOCK,
            None,
        )
        .unwrap()
    }

    /// The daemon's end as a [`Link`] on a runtime of its own.
    struct Daemon {
        rt: tokio::runtime::Runtime,
        ready: Ready,
        link: Link,
    }

    impl Daemon {
        /// The daemon's end, and the client's end as a plain socket.
        fn new() -> (Self, OwnedFd) {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .build()
                .unwrap();
            let (ours, theirs) = seqpacket_pair();
            let ours = {
                let _rt = rt.enter();
                UnixSeqpacket::try_from(ours).unwrap()
            };
            let ready = Ready::default();
            let link = Link::new(ConnId(0), ours, ready.waker(ConnId(0)));
            (Self { rt, ready, link }, theirs)
        }

        /// Read once as the shell does (woken through the connection's own waker).
        fn read(&self) -> Option<usize> {
            let mut buf = [0u8; 16];
            self.rt
                .block_on(std::future::poll_fn(|cx| {
                    self.ready.take(cx);
                    self.link.poll_read(&mut buf)
                }))
                .unwrap()
        }
    }

    fn send(s: &OwnedFd, data: &[u8]) {
        rustix::net::send(s, data, SendFlags::empty()).unwrap();
    }

    #[test]
    fn the_kernel_queues_empty_datagrams_and_reads_them_as_zero_like_eof() {
        let (a, b) = seqpacket_pair();
        let mut buf = [0u8; 16];
        let events = |fd: &OwnedFd| {
            let mut fds = [PollFd::new(fd, PollFlags::IN | PollFlags::RDHUP)];
            rustix::event::poll(&mut fds, Some(&Timespec::default())).unwrap();
            fds.iter()
                .map(PollFd::revents)
                .fold(PollFlags::empty(), |x, y| x | y)
        };
        let recv = |fd: &OwnedFd, buf: &mut [u8]| {
            rustix::net::recv(fd, buf, RecvFlags::empty()).map(|(n, _)| n)
        };
        send(&b, &[]);
        // Readable, not hung up: an empty datagram is queued.
        assert_eq!(events(&a), PollFlags::IN);
        assert_eq!(rustix::io::ioctl_fionread(&a).unwrap(), 0);
        assert_eq!(recv(&a, &mut buf), Ok(0));
        // Nothing left: no end-of-file yet.
        assert_eq!(recv(&a, &mut buf), Err(rustix::io::Errno::AGAIN));
        // The peer closes: the same 0, now with POLLRDHUP (and POLLHUP).
        drop(b);
        assert!(events(&a).contains(PollFlags::RDHUP | PollFlags::HUP));
        assert_eq!(recv(&a, &mut buf), Ok(0));
        assert_eq!(recv(&a, &mut buf), Ok(0));
    }

    #[test]
    fn an_empty_datagram_is_not_end_of_file() {
        let (d, client) = Daemon::new();
        send(&client, &[]);
        send(&client, &[]);
        send(&client, b"abc");
        assert_eq!(d.read(), Some(0));
        assert_eq!(d.read(), Some(0));
        assert_eq!(d.read(), Some(3));
        // Waits (through the connection's waker) for the next one.
        let later = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            send(&client, &[]);
            client
        });
        assert_eq!(d.read(), Some(0));
        drop(later.join().unwrap());
        assert_eq!(d.read(), None);
    }

    #[test]
    fn what_was_sent_before_a_close_is_read_then_end_of_file() {
        let (d, client) = Daemon::new();
        send(&client, &[]);
        send(&client, b"abc");
        drop(client);
        // Data queued behind the empty datagram: it was a datagram.
        assert_eq!(d.read(), Some(0));
        assert_eq!(d.read(), Some(3));
        assert_eq!(d.read(), None);
    }

    #[test]
    fn shutdown_of_the_sending_side_is_end_of_file() {
        let (d, client) = Daemon::new();
        rustix::net::shutdown(&client, Shutdown::Write).unwrap();
        assert_eq!(d.read(), None);
        drop(client);
    }
}
