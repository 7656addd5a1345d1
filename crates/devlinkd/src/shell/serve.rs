//! The event loop: one task, readiness-driven (`shell/mod.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Instant;

use tokio_seqpacket::{UnixSeqpacket, UnixSeqpacketListener};

use super::creds::AdminPolicy;
use super::link::{Link, MAX_REQUEST};
use super::wake::Ready;
use crate::server::{ConnId, Server};

/// How many connections one pass accepts (a burst is taken a few dozen at a time).
const ACCEPTS_PER_PASS: usize = 64;

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
    let ready = Ready::default();
    let mut buf = vec![0u8; MAX_REQUEST];
    loop {
        let deadline = server.next_deadline();
        let mut timer = pin!(tokio::time::sleep_until(tokio::time::Instant::from_std(
            deadline.unwrap_or_else(Instant::now)
        )));
        // One pass over the connections to visit, in connection order. Outside tokio's
        // cooperative budget: it would fail every socket operation after the first 128
        // of a wake-up, so a pass over thousands of connections would end early
        // again and again; the loop yields to the runtime after each pass instead.
        let events = tokio::task::unconstrained(std::future::poll_fn(|cx| {
            if shutdown.as_mut().poll(cx).is_ready() {
                return Poll::Ready(vec![Event::Shutdown]);
            }
            let mut events = Vec::new();
            if deadline.is_some() && timer.as_mut().poll(cx).is_ready() {
                events.push(Event::Timer);
            }
            for _ in 0..ACCEPTS_PER_PASS {
                let Poll::Ready(r) = listener.poll_accept(cx) else {
                    break;
                };
                events.push(Event::Accept(r));
            }
            let visit: BTreeSet<ConnId> = ready
                .take(cx)
                .into_iter()
                .chain(server.take_touched())
                .filter(|id| links.contains_key(id))
                .collect();
            let mut closed = BTreeSet::new();
            // Data sockets first, then completion channels, so a `COMPLETE` never
            // overtakes what its datagram caused on any connection.
            for &id in &visit {
                let Some(link) = links.get_mut(&id) else {
                    continue;
                };
                if let Err(e) = link.flush_data(&mut server, id) {
                    tracing::debug!(conn = id.0, error = %e, "write failed");
                    // The peer is gone; what it sent before is still handled, in order.
                    let left = link.drain(&mut buf);
                    events.extend(left.into_iter().map(|d| Event::Datagram(id, d)));
                    closed.insert(id);
                }
            }
            for &id in &visit {
                if let Some(link) = links.get(&id) {
                    link.flush_sync(&mut server, id);
                }
            }
            // At most one datagram from each, handed to the server in this order.
            for &id in &visit {
                let wanted = !closed.contains(&id) && server.wants_input(id);
                let Some(link) = links.get(&id).filter(|_| wanted) else {
                    continue;
                };
                match link.poll_read(&mut buf) {
                    Poll::Ready(Ok(Some(n))) => {
                        let datagram = buf.get(..n).unwrap_or_default();
                        events.push(Event::Datagram(id, datagram.to_vec()));
                    }
                    Poll::Ready(Ok(None)) => {
                        closed.insert(id);
                    }
                    Poll::Ready(Err(e)) => {
                        tracing::debug!(conn = id.0, error = %e, "read failed");
                        closed.insert(id);
                    }
                    Poll::Pending => {}
                }
            }
            events.extend(closed.into_iter().map(Event::Closed));
            if events.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(events)
            }
        }))
        .await;
        for event in events {
            if handle(event, &mut server, &mut links, &admin, &ready) {
                return;
            }
        }
        // The runtime polls its drivers (sockets that became ready, timers, signals)
        // before the next pass: a client that keeps its socket full never starves the
        // others.
        tokio::task::yield_now().await;
    }
}

/// Act on one event; true on shutdown.
fn handle(
    event: Event,
    server: &mut Server,
    links: &mut BTreeMap<ConnId, Link>,
    admin: &AdminPolicy,
    ready: &Ready,
) -> bool {
    match event {
        Event::Shutdown => return true,
        Event::Accept(Ok(sock)) => {
            let (is_admin, pid) = admin.check(&sock);
            // The server lists the new connection: it is visited on the next pass.
            let id = server.connect(is_admin, pid);
            tracing::info!(conn = id.0, admin = is_admin, ?pid, "connected");
            links.insert(id, Link::new(id, sock, ready.waker(id)));
        }
        Event::Accept(Err(e)) => tracing::warn!(error = %e, "accept failed"),
        Event::Datagram(id, datagram) => {
            tracing::trace!(conn = id.0, len = datagram.len(), "datagram");
            server.poll_time(Instant::now());
            // The server lists `id` again: its replies are due, or its next datagram.
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
