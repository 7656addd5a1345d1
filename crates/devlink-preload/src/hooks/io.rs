//! The data path: `send`, `sendto`, `sendmsg`, `write` (synchronous: they return once
//! the daemon has finished the datagram) and `recv`, `recvfrom`, `recvmsg`, `read` and
//! their `_FORTIFY_SOURCE` forms (`sockaddr_nl` source address, `OVERRUN` → `ENOBUFS`).

use libc::{c_int, c_void, iovec, msghdr, size_t, sockaddr, socklen_t, ssize_t};

use crate::daemon;
use crate::real;
use crate::sys::{SOCKADDR_NL_LEN, fail, ffi, nl_addr, put_addr};
use crate::table::{self, Sock};

/// `NETLINK_NO_ENOBUFS`.
const NETLINK_NO_ENOBUFS: c_int = 5;

/// Check a destination address the way `netlink_sendmsg` does: at least 12 bytes of
/// `AF_NETLINK`. Only the kernel (port 0, no group) is served.
///
/// # Safety
/// `addr` readable for `len` bytes if `len` is not 0.
unsafe fn check_dest(addr: *const c_void, len: socklen_t) -> Result<(), c_int> {
    if len == 0 {
        return Ok(());
    }
    if len < SOCKADDR_NL_LEN || addr.is_null() {
        return Err(libc::EINVAL);
    }
    // SAFETY: 12 readable bytes (checked); unaligned read.
    let a = unsafe { addr.cast::<libc::sockaddr_nl>().read_unaligned() };
    if c_int::from(a.nl_family) != libc::AF_NETLINK {
        return Err(libc::EINVAL);
    }
    if a.nl_pid != 0 || a.nl_groups != 0 {
        return Err(libc::EOPNOTSUPP);
    }
    Ok(())
}

/// Total length of an iovec array.
///
/// # Safety
/// `iov` valid for `n` entries (or `n == 0`).
unsafe fn iov_len(iov: *const iovec, n: usize) -> usize {
    if iov.is_null() || n == 0 {
        return 0;
    }
    // SAFETY: `n` valid entries per the contract.
    let v = unsafe { std::slice::from_raw_parts(iov, n) };
    v.iter().fold(0usize, |a, i| a.saturating_add(i.iov_len))
}

/// Send `msg` (whose destination was checked) synchronously.
///
/// # Safety
/// `msg` a valid msghdr.
unsafe fn send_msg(sock: &Sock, fd: c_int, msg: &msghdr, flags: c_int) -> ssize_t {
    // netlink_sendmsg autobinds an unbound socket, even for an empty datagram: bind
    // first, so that the port id is known here (getsockname reports it) as it is to the
    // daemon.
    if let Err(e) = super::socket::port_id(sock, fd) {
        return fail(e);
    }
    // SAFETY: the iovec of a valid msghdr.
    if unsafe { iov_len(msg.msg_iov, msg.msg_iovlen) } == 0 {
        // The kernel parses an empty datagram as no message (netlink_rcv_skb): nothing
        // to wait for. (The daemon would take it as such too, and count it.)
        return 0;
    }
    // SAFETY: msghdr is plain data.
    let mut m: msghdr = unsafe { std::mem::zeroed() };
    m.msg_iov = msg.msg_iov;
    m.msg_iovlen = msg.msg_iovlen;
    // SAFETY: `m` holds the application's valid iovec; no name, no control data.
    unsafe { daemon::send_request(sock, fd, &m, flags) }
}

/// Send one buffer synchronously.
///
/// # Safety
/// `buf` readable for `len` bytes.
unsafe fn send_buf(
    sock: &Sock,
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
) -> ssize_t {
    let mut iov = iovec {
        iov_base: buf.cast_mut(),
        iov_len: len,
    };
    // SAFETY: msghdr is plain data.
    let mut m: msghdr = unsafe { std::mem::zeroed() };
    m.msg_iov = &raw mut iov;
    m.msg_iovlen = 1;
    // SAFETY: one iovec over the caller's buffer.
    unsafe { send_msg(sock, fd, &m, flags) }
}

/// `sendmsg(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::sendmsg(fd, msg, flags) };
    };
    ffi(|| {
        if msg.is_null() {
            return fail(libc::EFAULT);
        }
        // SAFETY: the application's msghdr.
        let m = unsafe { &*msg };
        // SAFETY: its name and length.
        if let Err(e) = unsafe { check_dest(m.msg_name, m.msg_namelen) } {
            return fail(e);
        }
        // SAFETY: a valid msghdr.
        unsafe { send_msg(&sock, fd, m, flags) }
    })
}

/// `sendto(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    alen: socklen_t,
) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::sendto(fd, buf, len, flags, addr, alen) };
    };
    ffi(|| {
        let alen = if addr.is_null() { 0 } else { alen };
        // SAFETY: the application's destination.
        if let Err(e) = unsafe { check_dest(addr.cast(), alen) } {
            return fail(e);
        }
        // SAFETY: the application's buffer.
        unsafe { send_buf(&sock, fd, buf, len, flags) }
    })
}

/// `send(2)` (glibc's does not go through `sendto`'s PLT entry).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::send(fd, buf, len, flags) };
    };
    // SAFETY: the application's buffer.
    ffi(|| unsafe { send_buf(&sock, fd, buf, len, flags) })
}

/// `write(2)`: a send without flags on a netlink socket.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::write(fd, buf, len) };
    };
    // SAFETY: the application's buffer.
    ffi(|| unsafe { send_buf(&sock, fd, buf, len, 0) })
}

/// The first bytes of what a receive put in the iovec (`len` bytes written in all).
///
/// # Safety
/// `msg`'s iovec valid and holding `len` received bytes.
unsafe fn head(msg: &msghdr, len: usize) -> ([u8; 20], usize) {
    let mut out = [0u8; 20];
    let mut got = 0;
    if msg.msg_iov.is_null() {
        return (out, 0);
    }
    // SAFETY: a valid iovec array of `msg_iovlen` entries.
    let v = unsafe { std::slice::from_raw_parts(msg.msg_iov, msg.msg_iovlen) };
    for i in v {
        let want = out.len().min(len).saturating_sub(got).min(i.iov_len);
        if want == 0 || i.iov_base.is_null() {
            continue;
        }
        if let Some(dst) = out.get_mut(got..got + want) {
            // SAFETY: `want` bytes were received into this iovec entry.
            let src = unsafe { std::slice::from_raw_parts(i.iov_base.cast::<u8>(), want) };
            dst.copy_from_slice(src);
        }
        got += want;
    }
    (out, got)
}

/// `recvmsg` on a netlink socket: the datagram as the daemon sent it, the source
/// `sockaddr_nl { AF_NETLINK, 0, 0 }` (12 bytes), `OVERRUN` as `ENOBUFS`.
///
/// # Safety
/// `msg` a valid, writable msghdr.
unsafe fn recv_msg(sock: &Sock, fd: c_int, msg: &mut msghdr, flags: c_int) -> ssize_t {
    // SAFETY: the application's iovec.
    let cap = unsafe { iov_len(msg.msg_iov, msg.msg_iovlen) };
    loop {
        if cap < 20 {
            // Too small to recognise the marker in the caller's buffer: look first.
            let len = match daemon::peek(fd, flags) {
                Ok((_, true)) => {
                    daemon::consume(fd);
                    if sock.opt(NETLINK_NO_ENOBUFS) {
                        continue;
                    }
                    return fail(libc::ENOBUFS);
                }
                Ok((len, false)) => len,
                Err(e) => return fail(e),
            };
            if cap == 0 && len > 0 {
                // A Unix socket answers an empty buffer with 0 even under MSG_TRUNC;
                // netlink gives the datagram's length (libnl-style sizing).
                if flags & libc::MSG_PEEK == 0 {
                    daemon::consume(fd);
                }
                msg.msg_controllen = 0;
                msg.msg_flags = libc::MSG_TRUNC;
                // SAFETY: the application's name buffer of `msg_namelen` bytes.
                if let Err(e) = unsafe { name(msg) } {
                    return fail(e);
                }
                let full = if flags & libc::MSG_TRUNC != 0 { len } else { 0 };
                return ssize_t::try_from(full).unwrap_or(ssize_t::MAX);
            }
        }
        let mut local = *msg;
        local.msg_name = std::ptr::null_mut();
        local.msg_namelen = 0;
        // SAFETY: the application's iovec and control buffer, no name.
        let r = unsafe { real::recvmsg(fd, &raw mut local, flags) };
        let Ok(n) = usize::try_from(r) else {
            return r;
        };
        msg.msg_controllen = local.msg_controllen;
        msg.msg_flags = local.msg_flags;
        let truncated = local.msg_flags & libc::MSG_TRUNC != 0;
        if n == 0 && !truncated {
            // End of file: the daemon is gone (it never sends an empty datagram).
            return fail(libc::ECONNRESET);
        }
        if !truncated && cap >= 20 {
            // SAFETY: `n <= cap` bytes were received into the iovec.
            let (h, got) = unsafe { head(msg, n) };
            if daemon::is_overrun(h.get(..got).unwrap_or_default(), n) {
                if flags & libc::MSG_PEEK != 0 {
                    daemon::consume(fd);
                }
                if sock.opt(NETLINK_NO_ENOBUFS) {
                    continue;
                }
                return fail(libc::ENOBUFS);
            }
        }
        // SAFETY: the application's name buffer of `msg_namelen` bytes.
        if let Err(e) = unsafe { name(msg) } {
            return fail(e);
        }
        return r;
    }
}

/// Fill `msg`'s source address, if it has a buffer for one: the kernel, 12 bytes.
///
/// # Safety
/// `msg_name` writable for `msg_namelen` bytes (or null).
unsafe fn name(msg: &mut msghdr) -> Result<(), c_int> {
    if msg.msg_name.is_null() {
        return Ok(());
    }
    let mut len = msg.msg_namelen;
    // SAFETY: per the contract.
    unsafe { put_addr(msg.msg_name.cast(), &raw mut len, &nl_addr(0, 0)) }?;
    msg.msg_namelen = len;
    Ok(())
}

/// Receive into one buffer; the source address as `recvfrom` returns it.
///
/// # Safety
/// `buf` writable for `len` bytes; `(addr, alen)` as for recvfrom.
unsafe fn recv_buf(
    sock: &Sock,
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    let mut iov = iovec {
        iov_base: buf,
        iov_len: len,
    };
    // SAFETY: msghdr is plain data.
    let mut m: msghdr = unsafe { std::mem::zeroed() };
    m.msg_iov = &raw mut iov;
    m.msg_iovlen = 1;
    // SAFETY: one iovec over the caller's buffer, no name.
    let r = unsafe { recv_msg(sock, fd, &mut m, flags) };
    if r >= 0
        // SAFETY: the application's (addr, alen).
        && let Err(e) = unsafe { put_addr(addr, alen, &nl_addr(0, 0)) }
    {
        return fail(e);
    }
    r
}

/// `recvmsg(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::recvmsg(fd, msg, flags) };
    };
    ffi(|| {
        if msg.is_null() {
            return fail(libc::EFAULT);
        }
        // SAFETY: the application's msghdr.
        unsafe { recv_msg(&sock, fd, &mut *msg, flags) }
    })
}

/// `recvfrom(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::recvfrom(fd, buf, len, flags, addr, alen) };
    };
    // SAFETY: the application's arguments.
    ffi(|| unsafe { recv_buf(&sock, fd, buf, len, flags, addr, alen) })
}

/// `recv(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::recv(fd, buf, len, flags) };
    };
    let null = std::ptr::null_mut();
    // SAFETY: the application's buffer; no address.
    ffi(|| unsafe { recv_buf(&sock, fd, buf, len, flags, null, null.cast()) })
}

/// `read(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::read(fd, buf, len) };
    };
    let null = std::ptr::null_mut();
    // SAFETY: the application's buffer; no address.
    ffi(|| unsafe { recv_buf(&sock, fd, buf, len, 0, null, null.cast()) })
}

/// `__read_chk` (`read` under `_FORTIFY_SOURCE`).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __read_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
) -> ssize_t {
    if len > buflen || table::lookup(fd).is_none() {
        // SAFETY: forwarded unchanged (libc reports the overflow).
        return unsafe { real::__read_chk(fd, buf, len, buflen) };
    }
    // SAFETY: the application's buffer, `len <= buflen`.
    unsafe { read(fd, buf, len) }
}

/// `__recv_chk` (`recv` under `_FORTIFY_SOURCE`).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __recv_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
) -> ssize_t {
    if len > buflen || table::lookup(fd).is_none() {
        // SAFETY: forwarded unchanged (libc reports the overflow).
        return unsafe { real::__recv_chk(fd, buf, len, buflen, flags) };
    }
    // SAFETY: the application's buffer, `len <= buflen`.
    unsafe { recv(fd, buf, len, flags) }
}

/// `__recvfrom_chk` (`recvfrom` under `_FORTIFY_SOURCE`).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    if len > buflen || table::lookup(fd).is_none() {
        // SAFETY: forwarded unchanged (libc reports the overflow).
        return unsafe { real::__recvfrom_chk(fd, buf, len, buflen, flags, addr, alen) };
    }
    // SAFETY: the application's arguments, `len <= buflen`.
    unsafe { recvfrom(fd, buf, len, flags, addr, alen) }
}
