//! The connection to devlinkd (`docs/transport.md`): connect and `HELLO` with `SYNC`,
//! transport ops, the synchronous send, and the receive path's `OVERRUN` handling.
//!
//! Everything here calls the real libc functions ([`crate::real`]), never the hooks.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use devlink_wire::nl::flags::NLM_F_REQUEST;
use devlink_wire::transport::{
    DEVLINKD_NLMSG_TRANSPORT, Hello, SetOpt, TRANSPORT_VERSION, Transport, opt,
};
use libc::{c_int, c_void, msghdr};

use crate::real;
use crate::sys::{errno, set_errno};
use crate::table::Sock;

/// How long `socket()` waits for the daemon's `HELLO` reply.
const HELLO_TIMEOUT_MS: c_int = 10_000;
/// The `OVERRUN` marker: a header and the op, alone in its datagram.
const OVERRUN_LEN: usize = 20;
/// `OVERRUN`'s op number.
const OP_OVERRUN: u32 = 6;

/// The daemon's socket: `$DEVLINKD_SOCKET`, else `/run/devlinkd/devlinkd.sock` for
/// root, else `$XDG_RUNTIME_DIR/devlinkd.sock`, else `/tmp/devlinkd-$UID/devlinkd.sock`
/// (the daemon's own rule, `docs/transport.md`).
#[must_use]
pub fn socket_path() -> PathBuf {
    if let Some(p) = std::env::var_os("DEVLINKD_SOCKET") {
        return p.into();
    }
    // SAFETY: geteuid cannot fail and has no preconditions.
    let uid = unsafe { libc::geteuid() };
    if uid == 0 {
        return PathBuf::from("/run/devlinkd/devlinkd.sock");
    }
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(dir) => PathBuf::from(dir).join("devlinkd.sock"),
        None => PathBuf::from(format!("/tmp/devlinkd-{uid}/devlinkd.sock")),
    }
}

/// A connected, greeted socket: the data descriptor (the application's) and the
/// completion channel.
pub(crate) struct Connected {
    pub(crate) fd: c_int,
    pub(crate) sock: Sock,
}

/// Connect to the daemon for `socket(AF_NETLINK, ty | flags, NETLINK_GENERIC)`.
pub(crate) fn open(ty: c_int, cloexec: bool, nonblock: bool) -> Result<Connected, c_int> {
    let cloexec_flag = if cloexec { libc::SOCK_CLOEXEC } else { 0 };
    // SAFETY: plain socket(2) call.
    let fd = unsafe { real::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | cloexec_flag, 0) };
    if fd < 0 {
        return Err(errno());
    }
    match greet(fd, ty) {
        Ok(sock) => {
            if nonblock {
                set_nonblocking(fd, true);
            }
            Ok(Connected { fd, sock })
        }
        Err(e) => {
            // SAFETY: `fd` is ours and not yet handed out.
            unsafe { real::close(fd) };
            Err(e)
        }
    }
}

fn greet(fd: c_int, ty: c_int) -> Result<Sock, c_int> {
    let path = socket_path();
    // SAFETY: sockaddr_un is plain data; all-zero is valid.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = crate::sys::family(libc::AF_UNIX);
    let bytes = path.as_os_str().as_bytes();
    if bytes.len() >= addr.sun_path.len() {
        return Err(libc::ENAMETOOLONG);
    }
    for (dst, &src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = src.cast_signed();
    }
    let len =
        libc::socklen_t::try_from(size_of::<libc::sockaddr_un>()).map_err(|_| libc::EINVAL)?;
    loop {
        // SAFETY: `addr` is a valid sockaddr_un of `len` bytes.
        let r = unsafe { real::connect(fd, (&raw const addr).cast(), len) };
        if r == 0 {
            break;
        }
        match errno() {
            libc::EINTR => continue,
            libc::EISCONN => break,
            e => {
                report_unreachable(&path, e);
                return Err(e);
            }
        }
    }
    let hello = Transport::Hello(Hello {
        version: TRANSPORT_VERSION,
        sync: true,
        pid: Some(std::process::id()),
    });
    // One datagram: HELLO, then the kernel's framing of notifications (one per
    // datagram: `devlink dev flash` drops what follows a status message in a datagram).
    let mut first = transport_bytes(&hello)?;
    first.extend(transport_bytes(&Transport::SetOpt(SetOpt {
        opt: opt::UNPACKED_NOTIFICATIONS,
        value: 1,
        errno: None,
    }))?);
    send_all(fd, &first)?;
    let sync = recv_hello(fd)?;
    let sock = Sock::new(sync, ty, 1);
    // That was datagram 1: its COMPLETE follows on the new channel (an errno there
    // means a daemon without the option: packed notifications, flash output suffers).
    wait_complete(&sock, 1)?;
    Ok(sock)
}

/// Say once per process why `socket()` fails: otherwise a client only reports a
/// generic "cannot open netlink socket".
fn report_unreachable(path: &std::path::Path, e: c_int) {
    use std::sync::atomic::AtomicBool;
    static SAID: AtomicBool = AtomicBool::new(false);
    if SAID.swap(true, Ordering::Relaxed) {
        return;
    }
    let text = std::io::Error::from_raw_os_error(e);
    let line = format!(
        "libdevlink_preload: cannot reach devlinkd at {}: {text} (set DEVLINKD_SOCKET)\n",
        path.display()
    );
    // SAFETY: writing our own buffer to fd 2 with the real write.
    unsafe { real::write(2, line.as_ptr().cast(), line.len()) };
}

/// Read the `HELLO` reply and the completion channel passed with it.
fn recv_hello(fd: c_int) -> Result<c_int, c_int> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&raw mut pfd, 1, HELLO_TIMEOUT_MS) };
        if r > 0 {
            break;
        }
        if r == 0 {
            return Err(libc::ETIMEDOUT);
        }
        if errno() != libc::EINTR {
            return Err(errno());
        }
    }
    let mut buf = [0u8; 256];
    // Room for one cmsghdr with up to 4 descriptors, 8-byte aligned.
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: msghdr is plain data; all-zero is valid.
    let mut msg: msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = size_of_val(&control);
    let n = loop {
        // SAFETY: `msg` points at our iovec and control buffer, both live.
        let n = unsafe { real::recvmsg(fd, &raw mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n >= 0 || errno() != libc::EINTR {
            break n;
        }
    };
    let n = usize::try_from(n).map_err(|_| errno())?;
    let fds = received_fds(&msg);
    let ok = matches!(
        buf.get(..n).map(Transport::parse),
        Some(Ok((_, Transport::Hello(_))))
    );
    let mut fds = fds.into_iter();
    let sync = fds.next();
    for extra in fds {
        // SAFETY: a descriptor the daemon passed us that we do not use.
        unsafe { real::close(extra) };
    }
    match (ok, sync) {
        (true, Some(sync)) => {
            set_nonblocking(sync, false);
            Ok(sync)
        }
        (_, sync) => {
            if let Some(s) = sync {
                // SAFETY: ours, unused.
                unsafe { real::close(s) };
            }
            Err(libc::EPROTO)
        }
    }
}

/// The descriptors of the `SCM_RIGHTS` messages in `msg`'s control data.
fn received_fds(msg: &msghdr) -> Vec<c_int> {
    let mut fds = Vec::new();
    // SAFETY: `msg` was filled by recvmsg; CMSG_FIRSTHDR/NXTHDR stay inside
    // `msg_control[..msg_controllen]` and return null past it.
    let mut c = unsafe { libc::CMSG_FIRSTHDR(msg) };
    while !c.is_null() {
        // SAFETY: `c` is a cmsghdr inside the control buffer (checked non-null).
        let h = unsafe { &*c };
        if h.cmsg_level == libc::SOL_SOCKET && h.cmsg_type == libc::SCM_RIGHTS {
            // SAFETY: CMSG_LEN(0) is a constant computation.
            let base = usize::try_from(unsafe { libc::CMSG_LEN(0) }).unwrap_or(usize::MAX);
            let count = h.cmsg_len.saturating_sub(base) / size_of::<c_int>();
            // SAFETY: the data of an SCM_RIGHTS cmsg is `count` ints.
            let data = unsafe { libc::CMSG_DATA(c) }.cast::<c_int>();
            for i in 0..count {
                // SAFETY: `i < count` ints inside the cmsg; possibly unaligned.
                fds.push(unsafe { data.add(i).read_unaligned() });
            }
        }
        // SAFETY: as for CMSG_FIRSTHDR.
        c = unsafe { libc::CMSG_NXTHDR(msg, c) };
    }
    fds
}

fn set_nonblocking(fd: c_int, on: bool) {
    // SAFETY: F_GETFL takes no argument.
    let flags = unsafe { real::fcntl(fd, libc::F_GETFL, 0) };
    if flags < 0 {
        return;
    }
    let want = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if want != flags {
        // SAFETY: F_SETFL takes an int.
        unsafe { real::fcntl(fd, libc::F_SETFL, want.cast_unsigned().into()) };
    }
}

fn transport_bytes(t: &Transport) -> Result<Vec<u8>, c_int> {
    t.to_message(NLM_F_REQUEST, 0, 0).map_err(|_| libc::EINVAL)
}

/// Send one datagram of ours, waiting for room if the socket is non-blocking.
fn send_all(fd: c_int, bytes: &[u8]) -> Result<(), c_int> {
    loop {
        // SAFETY: our buffer; MSG_NOSIGNAL so a vanished daemon is EPIPE, not SIGPIPE.
        let r = unsafe { real::send(fd, bytes.as_ptr().cast(), bytes.len(), libc::MSG_NOSIGNAL) };
        if r >= 0 {
            return Ok(());
        }
        match errno() {
            libc::EINTR => {}
            libc::EAGAIN => wait_fd(fd, libc::POLLOUT),
            e => return Err(e),
        }
    }
}

/// Wait (without a timeout) until `fd` is ready for `events`.
fn wait_fd(fd: c_int, events: libc::c_short) {
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd; EINTR just returns early.
    unsafe { libc::poll(&raw mut pfd, 1, -1) };
}

/// Read the completion channel until `COMPLETE` reaches datagram `n`; returns the
/// last transport reply seen on the way and the `COMPLETE`'s errno. Records for earlier
/// datagrams (another process's, after a `fork`) are skipped.
fn wait_complete(sock: &Sock, n: u64) -> Result<(Option<Transport>, u32), c_int> {
    let mut reply = None;
    let mut buf = [0u8; 256];
    loop {
        // SAFETY: our buffer; the channel is blocking.
        let r = unsafe { real::recv(sock.sync, buf.as_mut_ptr().cast(), buf.len(), 0) };
        let len = match usize::try_from(r) {
            Ok(0) => return Err(libc::ECONNRESET),
            Ok(len) => len,
            Err(_) => match errno() {
                libc::EINTR => continue,
                libc::EAGAIN => {
                    wait_fd(sock.sync, libc::POLLIN);
                    continue;
                }
                e => return Err(e),
            },
        };
        match buf.get(..len).map(Transport::parse) {
            Some(Ok((_, Transport::Complete(c)))) => {
                sock.sent.fetch_max(c.count, Ordering::Relaxed);
                if c.count >= n {
                    return Ok((reply, c.errno.unwrap_or(0)));
                }
            }
            Some(Ok((_, t))) => reply = Some(t),
            _ => {}
        }
    }
}

/// Run a transport op: send it, wait for its `COMPLETE`; the daemon's reply, or its
/// errno.
pub(crate) fn transport(sock: &Sock, fd: c_int, t: &Transport) -> Result<Option<Transport>, c_int> {
    let bytes = transport_bytes(t)?;
    let _g = sock.lock.lock();
    send_all(fd, &bytes)?;
    let n = sock.sent.fetch_add(1, Ordering::Relaxed) + 1;
    let (reply, e) = wait_complete(sock, n)?;
    match c_int::try_from(e) {
        Ok(0) => Ok(reply),
        Ok(e) => Err(e),
        Err(_) => Err(libc::EPROTO),
    }
}

/// `sendmsg` of a netlink datagram: send it (no destination address), then return only
/// once the daemon has finished it. Returns what `sendmsg` returns.
///
/// # Safety
/// `msg` must be a valid `msghdr` (its `msg_name` already cleared by the caller).
pub(crate) unsafe fn send_request(sock: &Sock, fd: c_int, msg: &msghdr, flags: c_int) -> isize {
    let _g = sock.lock.lock();
    // SAFETY: `msg` is valid per the contract.
    let r = unsafe { real::sendmsg(fd, msg, flags | libc::MSG_NOSIGNAL) };
    if r < 0 {
        if errno() == libc::EPIPE {
            set_errno(libc::ECONNREFUSED);
        }
        return r;
    }
    let n = sock.sent.fetch_add(1, Ordering::Relaxed) + 1;
    match wait_complete(sock, n) {
        Ok(_) => r,
        Err(e) => crate::sys::fail(e),
    }
}

/// Whether a received datagram (its first bytes `head`, `len` bytes in all, not
/// truncated) is the daemon's `OVERRUN` marker.
pub(crate) fn is_overrun(head: &[u8], len: usize) -> bool {
    if len != OVERRUN_LEN {
        return false;
    }
    let ty = head
        .get(4..6)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_ne_bytes);
    let op = head
        .get(16..20)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_ne_bytes);
    ty == Some(DEVLINKD_NLMSG_TRANSPORT) && op == Some(OP_OVERRUN)
}

/// Peek at the next datagram (blocking as the caller's flags say): its length and
/// whether it is an `OVERRUN` marker.
pub(crate) fn peek(fd: c_int, flags: c_int) -> Result<(usize, bool), c_int> {
    let mut head = [0u8; OVERRUN_LEN];
    let peek = (flags & libc::MSG_DONTWAIT) | libc::MSG_PEEK | libc::MSG_TRUNC;
    loop {
        // SAFETY: our buffer.
        let r = unsafe { real::recv(fd, head.as_mut_ptr().cast(), head.len(), peek) };
        match usize::try_from(r) {
            Ok(len) => return Ok((len, is_overrun(&head, len))),
            Err(_) if errno() == libc::EINTR => {}
            Err(_) => return Err(errno()),
        }
    }
}

/// Drop the next datagram (an `OVERRUN` marker the caller only peeked at).
pub(crate) fn consume(fd: c_int) {
    let mut head = [0u8; OVERRUN_LEN];
    // SAFETY: our buffer; the datagram is there (just peeked), so this does not block.
    unsafe {
        real::recv(
            fd,
            head.as_mut_ptr().cast::<c_void>(),
            head.len(),
            libc::MSG_DONTWAIT,
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overrun_marker_is_recognised() {
        let bytes = Transport::Overrun.to_message(0, 0, 0).unwrap();
        assert!(is_overrun(&bytes, bytes.len()));
        assert!(!is_overrun(&bytes, bytes.len() + 1));
        let complete = Transport::Complete(devlink_wire::transport::Complete {
            count: 1,
            errno: None,
        })
        .to_message(0, 0, 0)
        .unwrap();
        assert!(!is_overrun(&complete, OVERRUN_LEN));
    }
}
