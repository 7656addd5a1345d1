//! The alternative a user-space daemon would otherwise use: D-Bus signals fanned out by
//! `dbus-daemon` to subscribers with a match rule.
//!
//! The client side is a minimal D-Bus peer written here (EXTERNAL auth, `Hello`,
//! `AddMatch`, signals whose one `ay` argument is a devlink notification's bytes), so
//! that the subscribers run exactly the receiver devlinkd's subscribers run
//! ([`recv::receive`]: poll, read, count framed messages, no decoding): what is compared
//! is the two daemons, not two client libraries.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::Fanout;
use crate::daemon::Daemon;
use crate::recv::{self, Framing};

const INTERFACE: &str = "org.devlinkd.Bench";
const PATH: &str = "/org/devlinkd/Bench";
const STALL: Duration = Duration::from_secs(30);

/// `signals` signals carrying `payload` each, from one emitter to `subs` subscribers
/// through `bus` (a dbus-daemon).
pub(crate) fn fanout(bus: &Daemon, subs: usize, signals: u64, payload: &[u8]) -> Result<Fanout> {
    let path = bus
        .address
        .split(',')
        .find_map(|p| p.strip_prefix("unix:path="))
        .context("dbus-daemon address is not unix:path=")?;
    let mut socks = Vec::with_capacity(subs);
    for _ in 0..subs {
        let mut c = connect(path)?;
        let mut pending = Vec::new();
        call(&mut c, &mut pending, 1, "Hello", None)?;
        let rule = format!("type='signal',interface='{INTERFACE}'");
        call(&mut c, &mut pending, 2, "AddMatch", Some(&rule))?;
        c.set_nonblocking(true)?;
        socks.push(OwnedFd::from(c));
    }
    let mut emitter = connect(path)?;
    call(&mut emitter, &mut Vec::new(), 1, "Hello", None)?;
    let mut stream = Vec::new();
    for i in 0..signals {
        let serial = u32::try_from(i % u64::from(u32::MAX - 2)).unwrap_or(0) + 2;
        stream.extend_from_slice(&signal(serial, payload));
    }
    let cpu0 = bus.cpu()?;
    let start = Instant::now();
    let stats = std::thread::scope(|s| -> Result<_> {
        let tx = s.spawn(move || -> Result<()> {
            for chunk in stream.chunks(64 * 1024) {
                emitter.write_all(chunk)?;
            }
            Ok(())
        });
        let stats = recv::receive(&socks, Framing::Dbus { signals }, STALL);
        tx.join().map_err(|_| anyhow!("emitter panicked"))??;
        stats
    })?;
    let cpu = bus.cpu()?.saturating_sub(cpu0);
    Ok(Fanout::from_stats(&stats, start, Some(cpu)))
}

/// Connect and authenticate (`EXTERNAL` with our uid).
fn connect(path: &str) -> Result<UnixStream> {
    let mut c = UnixStream::connect(path).with_context(|| format!("connecting to {path}"))?;
    c.set_read_timeout(Some(STALL))?;
    let uid = std::fs::metadata("/proc/self")?.uid().to_string();
    let hex: String = uid.bytes().map(|b| format!("{b:02x}")).collect();
    c.write_all(format!("\0AUTH EXTERNAL {hex}\r\n").as_bytes())?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        c.read_exact(&mut byte)?;
        line.push(byte[0]);
    }
    if !line.starts_with(b"OK ") {
        bail!("D-Bus auth refused: {}", String::from_utf8_lossy(&line));
    }
    c.write_all(b"BEGIN\r\n")?;
    Ok(c)
}

/// Call `member` on the bus driver and wait for its method return (signals the bus
/// sends meanwhile, such as `NameAcquired`, are skipped); `buf` holds what was read
/// past the reply, for the next call.
fn call(
    c: &mut UnixStream,
    buf: &mut Vec<u8>,
    serial: u32,
    member: &str,
    arg: Option<&str>,
) -> Result<()> {
    let mut body = Vec::new();
    if let Some(s) = arg {
        put_str(&mut body, s);
    }
    let fields = [
        (1u8, 'o', "/org/freedesktop/DBus"),
        (2, 's', "org.freedesktop.DBus"),
        (3, 's', member),
        (6, 's', "org.freedesktop.DBus"),
    ];
    c.write_all(&message(1, serial, &fields, arg.map(|_| "s"), &body))?;
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(len) = recv::dbus_message_len(buf) {
            if buf.len() < len {
                break;
            }
            let ty = buf.get(1).copied();
            buf.drain(..len);
            match ty {
                Some(2) => return Ok(()),
                Some(3) => bail!("D-Bus: {member} failed"),
                _ => {}
            }
        }
        let n = c.read(&mut chunk)?;
        if n == 0 {
            bail!("dbus-daemon closed the connection");
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// A signal `org.devlinkd.Bench.Event(ay)` carrying `payload`.
fn signal(serial: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(payload.len() + 4);
    put_u32(&mut body, u32::try_from(payload.len()).unwrap_or(0));
    body.extend_from_slice(payload);
    let fields = [(1u8, 'o', PATH), (2, 's', INTERFACE), (3, 's', "Event")];
    message(4, serial, &fields, Some("ay"), &body)
}

/// A little-endian D-Bus message: fixed header, header fields `a(yv)` (strings and
/// object paths, plus `SIGNATURE` when there is a body), padding to 8, body.
fn message(
    ty: u8,
    serial: u32,
    fields: &[(u8, char, &str)],
    sig: Option<&str>,
    body: &[u8],
) -> Vec<u8> {
    let mut m = vec![b'l', ty, 0, 1];
    put_u32(&mut m, u32::try_from(body.len()).unwrap_or(0));
    put_u32(&mut m, serial);
    put_u32(&mut m, 0); // the fields' length, patched below
    let start = m.len();
    for &(code, kind, value) in fields {
        pad(&mut m, 8);
        m.extend_from_slice(&[code, 1, kind as u8, 0]);
        if kind == 'g' {
            put_sig(&mut m, value);
        } else {
            put_str(&mut m, value);
        }
    }
    if let Some(s) = sig {
        pad(&mut m, 8);
        m.extend_from_slice(&[8, 1, b'g', 0]);
        put_sig(&mut m, s);
    }
    let len = u32::try_from(m.len() - start).unwrap_or(0);
    if let Some(slot) = m.get_mut(12..16) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
    pad(&mut m, 8);
    m.extend_from_slice(body);
    m
}

fn pad(m: &mut Vec<u8>, to: usize) {
    m.resize(m.len().next_multiple_of(to), 0);
}

fn put_u32(m: &mut Vec<u8>, v: u32) {
    pad(m, 4);
    m.extend_from_slice(&v.to_le_bytes());
}

fn put_str(m: &mut Vec<u8>, s: &str) {
    put_u32(m, u32::try_from(s.len()).unwrap_or(0));
    m.extend_from_slice(s.as_bytes());
    m.push(0);
}

fn put_sig(m: &mut Vec<u8>, s: &str) {
    m.push(u8::try_from(s.len()).unwrap_or(0));
    m.extend_from_slice(s.as_bytes());
    m.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_frames_to_its_length() {
        let s = signal(2, &[7; 150]);
        assert_eq!(recv::dbus_message_len(&s), Some(s.len()));
        assert_eq!(s.get(1), Some(&4));
    }
}
