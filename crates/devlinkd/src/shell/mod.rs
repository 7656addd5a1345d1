//! The I/O shell: one task owns the [`Server`] and every socket. Each wake-up it writes
//! out, without blocking, what the server queued for every connection (data sockets
//! first, then completion channels, so a `COMPLETE` never overtakes what its datagram
//! caused), then reads at most one datagram from each connection the server wants input
//! from, and hands them to the server in that order. A client that does not read only
//! fills its own socket and its bounded backlog. The server's clock is fed here: `poll_time` before each
//! datagram, and a timer for [`Server::next_deadline`] (flash pacing).

mod activation;
mod creds;

use std::collections::BTreeMap;
use std::future::Future;
use std::io::IoSlice;
use std::os::fd::AsFd;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio_seqpacket::ancillary::AncillaryMessageWriter;
use tokio_seqpacket::{UnixSeqpacket, UnixSeqpacketListener};

pub use activation::{ActivationError, listen_fd};
pub use creds::{AdminPolicy, group_id};

use crate::server::{ConnId, Datagram, Server};

/// The largest datagram read from a client (the kernel's default `sk_sndbuf` bounds a
/// netlink `sendmsg` similarly); a longer one is cut, and its last message dropped.
const MAX_REQUEST: usize = 256 * 1024;

/// One client: its data socket and, once set up, its completion channel.
#[derive(Debug)]
struct Link {
    sock: UnixSeqpacket,
    sync: Option<UnixSeqpacket>,
    /// The pair made for a `HELLO` with `SYNC` whose reply is not written yet.
    pending_pair: Option<(UnixSeqpacket, UnixSeqpacket)>,
}

enum Event {
    Shutdown,
    Accept(std::io::Result<UnixSeqpacket>),
    Datagram(ConnId, Vec<u8>),
    Closed(ConnId),
    Timer,
}

/// Serve `listener` until `shutdown` completes.
pub async fn run(
    mut server: Server,
    mut listener: UnixSeqpacketListener,
    admin: AdminPolicy,
    shutdown: impl Future<Output = ()>,
) {
    let mut shutdown = pin!(shutdown);
    let mut links: BTreeMap<ConnId, Link> = BTreeMap::new();
    let mut buf = vec![0u8; MAX_REQUEST];
    loop {
        let deadline = server.next_deadline();
        let mut timer = pin!(tokio::time::sleep_until(tokio::time::Instant::from_std(
            deadline.unwrap_or_else(Instant::now)
        )));
        // One pass: everything ready now, at most one datagram per connection (each
        // visit of every connection costs a walk over all of them, so a pass takes all
        // it can rather than one datagram).
        let events = std::future::poll_fn(|cx| {
            if shutdown.as_mut().poll(cx).is_ready() {
                return Poll::Ready(vec![Event::Shutdown]);
            }
            let mut events = Vec::new();
            if deadline.is_some() && timer.as_mut().poll(cx).is_ready() {
                events.push(Event::Timer);
            }
            // A burst of connections is taken a few dozen at a time.
            for _ in 0..64 {
                let Poll::Ready(r) = listener.poll_accept(cx) else {
                    break;
                };
                events.push(Event::Accept(r));
            }
            for (&id, link) in &mut links {
                if let Err(e) = flush_data(&mut server, id, link, cx) {
                    tracing::debug!(conn = id.0, error = %e, "write failed");
                    events.push(Event::Closed(id));
                }
            }
            for (&id, link) in &links {
                flush_sync(&mut server, id, link, cx);
            }
            for (&id, link) in &links {
                if !server.wants_input(id) || events.iter().any(|e| closes(e, id)) {
                    continue;
                }
                match link.sock.poll_recv(cx, &mut buf) {
                    Poll::Ready(Ok(info)) if info.bytes_read() == 0 => {
                        events.push(Event::Closed(id));
                    }
                    Poll::Ready(Ok(info)) => {
                        if info.truncated() {
                            tracing::warn!(
                                conn = id.0,
                                "datagram longer than {MAX_REQUEST} bytes cut"
                            );
                        }
                        let datagram = buf.get(..info.bytes_read()).unwrap_or_default();
                        events.push(Event::Datagram(id, datagram.to_vec()));
                    }
                    Poll::Ready(Err(e)) => {
                        tracing::debug!(conn = id.0, error = %e, "read failed");
                        events.push(Event::Closed(id));
                    }
                    Poll::Pending => {}
                }
            }
            if events.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(events)
            }
        })
        .await;
        for event in events {
            if handle(event, &mut server, &mut links, &admin) {
                return;
            }
        }
    }
}

/// Whether `event` closes connection `id`.
fn closes(event: &Event, id: ConnId) -> bool {
    matches!(event, Event::Closed(c) if *c == id)
}

/// Act on one event; true on shutdown.
fn handle(
    event: Event,
    server: &mut Server,
    links: &mut BTreeMap<ConnId, Link>,
    admin: &AdminPolicy,
) -> bool {
    match event {
        Event::Shutdown => return true,
        Event::Accept(Ok(sock)) => {
            let (is_admin, pid) = admin.check(&sock);
            let id = server.connect(is_admin, pid);
            tracing::info!(conn = id.0, admin = is_admin, ?pid, "connected");
            links.insert(
                id,
                Link {
                    sock,
                    sync: None,
                    pending_pair: None,
                },
            );
        }
        Event::Accept(Err(e)) => tracing::warn!(error = %e, "accept failed"),
        Event::Datagram(id, datagram) => {
            tracing::trace!(conn = id.0, len = datagram.len(), "datagram");
            server.poll_time(Instant::now());
            server.handle_datagram(id, &datagram);
        }
        Event::Timer => server.poll_time(Instant::now()),
        Event::Closed(id) => {
            tracing::info!(conn = id.0, "disconnected");
            links.remove(&id);
            server.disconnect(id);
        }
    }
    false
}

/// Write what the server queued for `id`'s data socket until the socket is full.
fn flush_data(
    server: &mut Server,
    id: ConnId,
    link: &mut Link,
    cx: &mut Context<'_>,
) -> std::io::Result<()> {
    loop {
        let result = match server.front(id) {
            None => return Ok(()),
            Some(Datagram::Bytes(b)) => link.sock.poll_send(cx, b),
            Some(Datagram::Notifications { parts, .. }) => {
                let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
                link.sock.poll_send_vectored(cx, &slices)
            }
            Some(Datagram::HelloSync(b)) => {
                if link.pending_pair.is_none() {
                    link.pending_pair = Some(UnixSeqpacket::pair()?);
                }
                let Some((_, client_end)) = &link.pending_pair else {
                    return Ok(());
                };
                let mut space = [0u8; 64];
                let mut anc = AncillaryMessageWriter::new(&mut space);
                anc.add_fds([client_end.as_fd()])
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                let r = link.sock.poll_send_with_ancillary(cx, b, &mut anc);
                if let Poll::Ready(Ok(_)) = r {
                    // The client has its end now; ours becomes the channel.
                    link.sync = link.pending_pair.take().map(|(ours, _)| ours);
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

/// Write `id`'s completion-channel messages (transport replies, `COMPLETE`).
fn flush_sync(server: &mut Server, id: ConnId, link: &Link, cx: &mut Context<'_>) {
    let Some(sync) = &link.sync else {
        return;
    };
    while let Some(msg) = server.front_sync(id) {
        match sync.poll_send(cx, msg) {
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
