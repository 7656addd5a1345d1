//! One client's sockets and the non-blocking moves on them: write out what the server
//! queued (data socket, completion channel), read one datagram.

use std::io::IoSlice;
use std::os::fd::AsFd;
use std::task::{Context, Poll, Waker};

use tokio_seqpacket::UnixSeqpacket;
use tokio_seqpacket::ancillary::AncillaryMessageWriter;

use crate::server::{ConnId, Datagram, Server};

/// The largest datagram read from a client (the kernel's default `sk_sndbuf` bounds a
/// netlink `sendmsg` similarly); a longer one is cut, and its last message dropped.
pub(super) const MAX_REQUEST: usize = 256 * 1024;

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
    /// the connection is woken when it is writable again).
    pub(super) fn flush_data(&mut self, server: &mut Server, id: ConnId) -> std::io::Result<()> {
        let waker = self.waker.clone();
        let mut cx = Context::from_waker(&waker);
        loop {
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

    /// Read one datagram into `buf`: its length, `None` at end-of-file (an empty
    /// datagram reads as end-of-file on `SOCK_SEQPACKET`). When nothing is there, the
    /// connection is woken once the socket is readable.
    pub(super) fn poll_read(&self, buf: &mut [u8]) -> Poll<std::io::Result<Option<usize>>> {
        let mut cx = Context::from_waker(&self.waker);
        let info = match self.sock.poll_recv(&mut cx, buf) {
            Poll::Ready(Ok(info)) => info,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        };
        if info.truncated() {
            tracing::warn!(
                conn = self.id.0,
                "datagram longer than {MAX_REQUEST} bytes cut"
            );
        }
        Poll::Ready(Ok(Some(info.bytes_read()).filter(|&n| n > 0)))
    }
}
