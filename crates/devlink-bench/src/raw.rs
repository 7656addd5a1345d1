//! The physical limit: the same datagrams over bare `SOCK_SEQPACKET` socketpairs, a
//! sender thread and the same receiver as for devlinkd, no daemon in between.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};

use crate::devlinkd::read_dump;
use crate::recv::{self, Framing};
use crate::{Fanout, clock_ns, pace};

/// Datagrams sent to one subscriber before the sender moves to the next: the daemon
/// also writes a subscriber's backlog in bursts.
const BURST: usize = 32;
const STALL: Duration = Duration::from_secs(30);

/// Send `datagrams` `rounds` times to each of `subs` receivers (in bursts of
/// [`BURST`] per receiver), received by [`recv::receive`] until each has seen
/// `rounds × dels_per_round` instance `DEL`s.
pub(crate) fn fanout(datagrams: &[Vec<u8>], subs: usize, rounds: u32) -> Result<Fanout> {
    let dels: u64 = datagrams
        .iter()
        .flat_map(|d| recv::netlink_messages(d))
        .filter(|&(ty, cmd, _)| ty == recv::DEVLINK_FAMILY && cmd == recv::CMD_DEL)
        .count() as u64;
    let (tx, rx) = pairs(subs)?;
    for r in &rx {
        rustix::io::ioctl_fionbio(r, true)?;
    }
    let start = Instant::now();
    let stats = std::thread::scope(|s| -> Result<_> {
        let sender = s.spawn(|| -> Result<()> {
            for _ in 0..rounds {
                for chunk in datagrams.chunks(BURST) {
                    for t in &tx {
                        for dg in chunk {
                            rustix::net::send(t, dg, SendFlags::NOSIGNAL)?;
                        }
                    }
                }
            }
            Ok(())
        });
        let stats = recv::receive(
            &rx,
            Framing::Netlink {
                dels: dels * u64::from(rounds),
            },
            STALL,
        );
        sender.join().map_err(|_| anyhow!("sender panicked"))??;
        stats
    })?;
    Ok(Fanout::from_stats(&stats, start, None))
}

/// Every netlink message of `datagrams` in a datagram of its own.
pub(crate) fn unpack(datagrams: &[Vec<u8>]) -> Vec<Vec<u8>> {
    datagrams
        .iter()
        .flat_map(|d| recv::netlink_messages(d).map(|(_, _, m)| m.to_vec()))
        .collect()
}

/// One-way latency at `rate` messages per second, `n` messages of `size` bytes
/// (at least 16), each carrying its send time (ns) in bytes 8..16: the receiver blocks
/// in `recv` as a devlinkd subscriber does. With `relay`, a third thread (standing for
/// the daemon) blocks in `recv` on the sender's socket and sends each message on to the
/// receiver: the two hops a notification makes, with no work between them. Latencies
/// in ns.
pub(crate) fn latency(size: usize, rate: u32, n: usize, relay: bool) -> Result<Vec<u64>> {
    let (tx, rx) = pairs(1)?;
    let (tx, mut rx) = (
        tx.into_iter().next().context("pair")?,
        rx.into_iter().next().context("pair")?,
    );
    // The relay's ends: it reads `hop_in` (the sender's peer), writes `hop_out`.
    let mut hop = None;
    if relay {
        let (out_tx, out_rx) = pairs(1)?;
        let hop_out = out_tx.into_iter().next().context("pair")?;
        let hop_in = std::mem::replace(&mut rx, out_rx.into_iter().next().context("pair")?);
        rustix::net::sockopt::set_socket_timeout(
            &hop_in,
            rustix::net::sockopt::Timeout::Recv,
            Some(STALL),
        )?;
        hop = Some((hop_in, hop_out));
    }
    rustix::net::sockopt::set_socket_timeout(
        &rx,
        rustix::net::sockopt::Timeout::Recv,
        Some(STALL),
    )?;
    let base = Instant::now();
    let ready = Arc::new(AtomicU64::new(0));
    std::thread::scope(|s| -> Result<Vec<u64>> {
        let rx_thread = s.spawn(|| -> Result<Vec<u64>> {
            let mut buf = vec![0u8; size.max(16)];
            let mut lat = Vec::with_capacity(n);
            ready.store(1, Ordering::Release);
            while lat.len() < n {
                let (got, _) = rustix::net::recv(&rx, &mut buf[..], RecvFlags::empty())?;
                let now = clock_ns(base);
                let sent = buf
                    .get(8..16)
                    .filter(|_| got >= 16)
                    .and_then(|b| b.try_into().ok())
                    .map(u64::from_ne_bytes)
                    .context("short message")?;
                lat.push(now.saturating_sub(sent));
            }
            Ok(lat)
        });
        let relay = hop.as_ref().map(|(hop_in, hop_out)| {
            s.spawn(move || -> Result<()> {
                let mut buf = vec![0u8; size.max(16)];
                for _ in 0..n {
                    let (got, _) = rustix::net::recv(hop_in, &mut buf[..], RecvFlags::empty())?;
                    let m = buf.get(..got).context("relay read")?;
                    rustix::net::send(hop_out, m, SendFlags::NOSIGNAL)?;
                }
                Ok(())
            })
        });
        while ready.load(Ordering::Acquire) == 0 {
            std::thread::yield_now();
        }
        let mut m = vec![0u8; size.max(16)];
        let t0 = Instant::now();
        for i in 0..n {
            pace(t0, i, rate);
            if let Some(b) = m.get_mut(8..16) {
                b.copy_from_slice(&clock_ns(base).to_ne_bytes());
            }
            rustix::net::send(&tx, &m, SendFlags::NOSIGNAL)?;
        }
        if let Some(relay) = relay {
            relay.join().map_err(|_| anyhow!("relay panicked"))??;
        }
        rx_thread.join().map_err(|_| anyhow!("receiver panicked"))?
    })
}

/// A dump's datagrams sent 1 → 1 and read with the dump reader devlinkd's dump is read
/// with: the wall time of each of `reps` repetitions.
pub(crate) fn dump(datagrams: &[Vec<u8>], reps: usize) -> Result<Vec<Duration>> {
    let (tx, rx) = pairs(1)?;
    let (tx, rx) = (
        tx.into_iter().next().context("pair")?,
        rx.into_iter().next().context("pair")?,
    );
    let mut times = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        std::thread::scope(|s| -> Result<()> {
            let sender = s.spawn(|| -> Result<()> {
                for dg in datagrams {
                    rustix::net::send(&tx, dg, SendFlags::NOSIGNAL)?;
                }
                Ok(())
            });
            read_dump(&rx, None)?;
            sender.join().map_err(|_| anyhow!("sender panicked"))?
        })?;
        times.push(t.elapsed());
    }
    Ok(times)
}

/// `subs` connected `SOCK_SEQPACKET` pairs: (sender ends, receiver ends).
fn pairs(subs: usize) -> Result<(Vec<OwnedFd>, Vec<OwnedFd>)> {
    let mut tx = Vec::with_capacity(subs);
    let mut rx = Vec::with_capacity(subs);
    for _ in 0..subs {
        let (a, b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )?;
        tx.push(a);
        rx.push(b);
    }
    Ok((tx, rx))
}
