//! The one receiver every fan-out measurement uses (devlinkd, raw `SOCK_SEQPACKET`,
//! dbus-daemon): a single thread polling all subscriber sockets, reading each until it
//! would block, and counting framed messages without decoding them, until every
//! subscriber has seen its end condition. Same code, same cost, for all three.

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::RecvFlags;

/// `DEVLINK_GENL_ID` as devlinkd serves it.
pub(crate) const DEVLINK_FAMILY: u16 = 0x14;
/// `DEVLINK_CMD_DEL`: the last notification of a device's life.
pub(crate) const CMD_DEL: u8 = 4;
/// `DEVLINKD_NLMSG_TRANSPORT`.
const TRANSPORT: u16 = 0x0f;
/// The transport op `OVERRUN`.
const OP_OVERRUN: u32 = 6;

/// How messages are framed on the subscriber sockets, and when a subscriber is done.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Framing {
    /// Netlink datagrams; done after this many devlink `DEL` (instance) messages.
    Netlink {
        /// `DEVLINK_CMD_DEL` messages to wait for.
        dels: u64,
    },
    /// A D-Bus byte stream; done after this many signals.
    Dbus {
        /// Signals to wait for.
        signals: u64,
    },
}

/// What one subscriber received.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubStats {
    /// Messages (netlink messages or D-Bus signals).
    pub(crate) msgs: u64,
    /// Their bytes (netlink: `nlmsg_len`; D-Bus: whole messages).
    pub(crate) bytes: u64,
    /// Reads (datagrams, or stream reads).
    pub(crate) reads: u64,
    /// When the end condition was met.
    pub(crate) done: Instant,
}

/// Receive on `socks` (non-blocking) until each has met `framing`'s end condition.
/// Fails when a socket reports an overrun, closes, or nothing arrives for `stall`.
pub(crate) fn receive(
    socks: &[OwnedFd],
    framing: Framing,
    stall: Duration,
) -> Result<Vec<SubStats>> {
    let now = Instant::now();
    let mut subs: Vec<Sub> = socks.iter().map(|_| Sub::new(now)).collect();
    let mut buf = vec![0u8; 256 * 1024];
    let timeout = Timespec::try_from(stall)?;
    loop {
        let open: Vec<usize> = (0..subs.len())
            .filter(|&i| !subs.get(i).is_some_and(|s| s.finished))
            .collect();
        if open.is_empty() {
            break;
        }
        let mut fds: Vec<PollFd<'_>> = open
            .iter()
            .filter_map(|&i| socks.get(i))
            .map(|s| PollFd::new(s, PollFlags::IN))
            .collect();
        if rustix::event::poll(&mut fds, Some(&timeout))? == 0 {
            bail!(
                "stalled: {} of {} subscribers still waiting",
                open.len(),
                subs.len()
            );
        }
        let ready: Vec<usize> = fds
            .iter()
            .zip(&open)
            .filter(|(f, _)| !f.revents().is_empty())
            .map(|(_, &i)| i)
            .collect();
        drop(fds);
        for i in ready {
            let (Some(sock), Some(sub)) = (socks.get(i), subs.get_mut(i)) else {
                continue;
            };
            loop {
                let n = match rustix::net::recv(sock, &mut buf[..], RecvFlags::DONTWAIT) {
                    Ok((0, _)) => bail!("subscriber {i}: connection closed"),
                    Ok((n, _)) => n,
                    Err(Errno::AGAIN) => break,
                    Err(Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                };
                sub.reads += 1;
                let data = buf.get(..n).unwrap_or_default();
                match framing {
                    Framing::Netlink { dels } => sub.netlink(data, dels)?,
                    Framing::Dbus { signals } => sub.dbus(data, signals),
                }
                if sub.finished {
                    break;
                }
            }
        }
    }
    Ok(subs
        .iter()
        .map(|s| SubStats {
            msgs: s.msgs,
            bytes: s.bytes,
            reads: s.reads,
            done: s.done,
        })
        .collect())
}

/// Walk the netlink messages of `datagram`: `(type, genl cmd, message)` of each.
pub(crate) fn netlink_messages(datagram: &[u8]) -> impl Iterator<Item = (u16, u8, &[u8])> + '_ {
    let mut off = 0usize;
    std::iter::from_fn(move || {
        let rest = datagram.get(off..)?;
        let len = u32::from_ne_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let ty = u16::from_ne_bytes(rest.get(4..6)?.try_into().ok()?);
        if len < 16 || len > rest.len() {
            return None;
        }
        let cmd = rest.get(16).copied().unwrap_or(0);
        off += (len + 3) & !3;
        Some((ty, cmd, rest.get(..len)?))
    })
}

/// The total length of the D-Bus message at the start of `buf`, once its fixed header
/// is there (`None` before): 16 bytes, the header fields padded to 8, the body.
pub(crate) fn dbus_message_len(buf: &[u8]) -> Option<usize> {
    let word = |at: usize| -> Option<usize> {
        let b: [u8; 4] = buf.get(at..at + 4)?.try_into().ok()?;
        Some(match buf.first()? {
            b'B' => u32::from_be_bytes(b),
            _ => u32::from_le_bytes(b),
        } as usize)
    };
    let body = word(4)?;
    let fields = word(12)?;
    Some(16 + fields.next_multiple_of(8) + body)
}

struct Sub {
    msgs: u64,
    bytes: u64,
    reads: u64,
    ends: u64,
    finished: bool,
    done: Instant,
    stream: Vec<u8>,
}

impl Sub {
    const fn new(now: Instant) -> Self {
        Self {
            msgs: 0,
            bytes: 0,
            reads: 0,
            ends: 0,
            finished: false,
            done: now,
            stream: Vec::new(),
        }
    }

    fn netlink(&mut self, datagram: &[u8], dels: u64) -> Result<()> {
        for (ty, cmd, m) in netlink_messages(datagram) {
            if ty == TRANSPORT {
                let op = m
                    .get(16..20)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_ne_bytes);
                if op == Some(OP_OVERRUN) {
                    bail!("a subscriber overran its backlog");
                }
                continue;
            }
            self.msgs += 1;
            self.bytes += m.len() as u64;
            if ty == DEVLINK_FAMILY && cmd == CMD_DEL {
                self.ends += 1;
            }
        }
        if self.ends >= dels {
            self.finish();
        }
        Ok(())
    }

    fn dbus(&mut self, data: &[u8], signals: u64) {
        self.stream.extend_from_slice(data);
        let mut off = 0;
        while let Some(len) = self.stream.get(off..).and_then(dbus_message_len) {
            if off + len > self.stream.len() {
                break;
            }
            // Type 4: SIGNAL.
            if self.stream.get(off + 1) == Some(&4) {
                self.msgs += 1;
                self.bytes += len as u64;
            }
            off += len;
        }
        self.stream.drain(..off);
        if self.msgs >= signals {
            self.finish();
        }
    }

    fn finish(&mut self) {
        self.finished = true;
        self.done = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_packed_netlink() {
        let mut dg = Vec::new();
        for (ty, cmd, len) in [(0x14u16, 3u8, 20u32), (0x14, 4, 24)] {
            dg.extend_from_slice(&len.to_ne_bytes());
            dg.extend_from_slice(&ty.to_ne_bytes());
            dg.resize(dg.len() + 10, 0);
            dg.push(cmd);
            dg.resize(dg.len() + (len as usize - 17), 0);
        }
        let got: Vec<_> = netlink_messages(&dg)
            .map(|(t, c, m)| (t, c, m.len()))
            .collect();
        assert_eq!(got, vec![(0x14, 3, 20), (0x14, 4, 24)]);
    }

    #[test]
    fn dbus_length() {
        let mut h = vec![b'l', 4, 0, 1];
        h.extend_from_slice(&10u32.to_le_bytes());
        h.extend_from_slice(&1u32.to_le_bytes());
        h.extend_from_slice(&13u32.to_le_bytes());
        assert_eq!(dbus_message_len(&h), Some(16 + 16 + 10));
        assert_eq!(dbus_message_len(&h[..8]), None);
    }
}
