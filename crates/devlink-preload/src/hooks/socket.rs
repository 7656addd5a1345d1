//! `socket`, `bind`, `connect`, `getsockname`, `getpeername`, `setsockopt`,
//! `getsockopt`: the netlink socket's address and options (`af_netlink.c`'s
//! `netlink_create`, `netlink_bind`, `netlink_connect`, `netlink_getname`,
//! `netlink_setsockopt`, `netlink_getsockopt`).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use devlink_wire::transport::{Bind, Membership, SetOpt, Transport, opt};
use libc::{c_int, c_void, sockaddr, sockaddr_nl, socklen_t};

use crate::daemon;
use crate::real;
use crate::sys::{SOCKADDR_NL_LEN, fail, ffi, get_int, nl_addr, put_addr, put_int};
use crate::table::{self, Sock};

/// `NETLINK_LIST_MEMBERSHIPS` (`<linux/netlink.h>`).
const NETLINK_LIST_MEMBERSHIPS: c_int = 9;
/// Options the kernel accepts that change nothing the daemon does: they are recorded
/// for `getsockopt` only. `NETLINK_BROADCAST_ERROR` (4), `NETLINK_LISTEN_ALL_NSID` (8).
const LOCAL_ONLY: [c_int; 2] = [4, 8];
/// The `SOL_NETLINK` flag options `getsockopt` reads back: `PKTINFO` (3, never set:
/// the daemon refuses it), `BROADCAST_ERROR`, `NO_ENOBUFS`, `LISTEN_ALL_NSID`,
/// `CAP_ACK`, `EXT_ACK`, `GET_STRICT_CHK`. Others are the real socket's
/// (`ENOPROTOOPT`, as the kernel answers an unknown one).
const FLAG_OPTIONS: [c_int; 7] = [3, 4, 5, 8, 10, 11, 12];

/// `socket(2)`: `AF_NETLINK` + `NETLINK_GENERIC` connect to devlinkd; the rest is libc's.
///
/// If the daemon cannot be reached, `socket()` fails with the `connect` errno (`ENOENT`
/// for a missing socket file, `ECONNREFUSED` for a stale one) and one line on stderr
/// says where the shim looked: the kernel would have succeeded here and failed the
/// family lookup with `ENOENT`, which hides the cause.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    if domain != libc::AF_NETLINK || protocol != libc::NETLINK_GENERIC {
        // SAFETY: forwarded unchanged.
        return unsafe { real::socket(domain, ty, protocol) };
    }
    ffi(|| open(ty))
}

fn open(ty: c_int) -> c_int {
    let flags = ty & (libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK);
    let base = ty & !flags;
    if base != libc::SOCK_RAW && base != libc::SOCK_DGRAM {
        return fail(libc::ESOCKTNOSUPPORT);
    }
    match daemon::open(
        base,
        flags & libc::SOCK_CLOEXEC != 0,
        flags & libc::SOCK_NONBLOCK != 0,
    ) {
        Ok(c) => {
            let fd = c.fd;
            drop(table::insert(fd, Arc::new(c.sock)));
            fd
        }
        Err(e) => fail(e),
    }
}

/// Read a `sockaddr_nl` argument: `EINVAL` if short or not `AF_NETLINK`.
///
/// # Safety
/// `addr` readable for `len` bytes.
unsafe fn read_nl(addr: *const sockaddr, len: socklen_t) -> Result<sockaddr_nl, c_int> {
    if addr.is_null() {
        return Err(libc::EFAULT);
    }
    if len < SOCKADDR_NL_LEN {
        return Err(libc::EINVAL);
    }
    // SAFETY: at least 12 readable bytes (checked); unaligned because C need not align.
    let a = unsafe { addr.cast::<sockaddr_nl>().read_unaligned() };
    if c_int::from(a.nl_family) != libc::AF_NETLINK {
        return Err(libc::EINVAL);
    }
    Ok(a)
}

/// `BIND` to `port` (0: autobind, or learn the id of an already bound socket), with
/// `groups` replacing the legacy mask if given; records the assigned id.
fn bind_port(sock: &Sock, fd: c_int, port: u32, groups: Option<u32>) -> Result<u32, c_int> {
    let reply = daemon::transport(
        sock,
        fd,
        &Transport::Bind(Bind {
            port_id: Some(port),
            groups,
            errno: None,
        }),
    )?;
    let Some(Transport::Bind(Bind {
        port_id: Some(id), ..
    })) = reply
    else {
        return Err(libc::EPROTO);
    };
    sock.port_id.store(id, Ordering::Relaxed);
    if let Some(g) = groups {
        sock.groups.store(g, Ordering::Relaxed);
    }
    Ok(id)
}

/// The port id, binding automatically if none is known yet (`netlink_autobind`).
pub(super) fn port_id(sock: &Sock, fd: c_int) -> Result<u32, c_int> {
    match sock.port_id.load(Ordering::Relaxed) {
        0 => bind_port(sock, fd, 0, None),
        id => Ok(id),
    }
}

/// `bind(2)`: `BIND` with `nl_pid` and `nl_groups`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::bind(fd, addr, len) };
    };
    ffi(|| {
        // SAFETY: the application's (addr, len).
        let a = match unsafe { read_nl(addr, len) } {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        match bind_port(&sock, fd, a.nl_pid, Some(a.nl_groups)) {
            Ok(_) => 0,
            Err(e) => fail(e),
        }
    })
}

/// `connect(2)` on a netlink socket: only the kernel (port 0, no groups) is a
/// destination the daemon serves; it autobinds as `netlink_connect` does. `AF_UNSPEC`
/// "disconnects" (a no-op: the destination is always the kernel).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::connect(fd, addr, len) };
    };
    ffi(|| {
        if !addr.is_null() && usize::try_from(len).unwrap_or(0) >= 2 {
            // SAFETY: at least the 2-byte family is readable.
            let family = unsafe { addr.cast::<libc::sa_family_t>().read_unaligned() };
            if c_int::from(family) == libc::AF_UNSPEC {
                return 0;
            }
        }
        // SAFETY: the application's (addr, len).
        let a = match unsafe { read_nl(addr, len) } {
            Ok(a) => a,
            Err(e) => return fail(e),
        };
        if a.nl_pid != 0 || a.nl_groups != 0 {
            return fail(libc::EOPNOTSUPP);
        }
        match port_id(&sock, fd) {
            Ok(_) => 0,
            Err(e) => fail(e),
        }
    })
}

/// `getsockname(2)`: `sockaddr_nl { AF_NETLINK, port id, groups }`, 12 bytes. An
/// unbound socket reports port id 0 and stays unbound, as `netlink_getname` does
/// (CPython calls `getsockname` on every `socket(fileno=…)`, and pyroute2 binds that
/// socket to a port of its choosing afterwards).
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    let Some(sock) = table::lookup(fd) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::getsockname(fd, addr, len) };
    };
    ffi(|| {
        let pid = sock.port_id.load(Ordering::Relaxed);
        let a = nl_addr(pid, sock.groups.load(Ordering::Relaxed));
        // SAFETY: the application's (addr, len).
        match unsafe { put_addr(addr, len, &a) } {
            Ok(()) => 0,
            Err(e) => fail(e),
        }
    })
}

/// `getpeername(2)`: the kernel, `sockaddr_nl { AF_NETLINK, 0, 0 }`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    if table::lookup(fd).is_none() {
        // SAFETY: forwarded unchanged.
        return unsafe { real::getpeername(fd, addr, len) };
    }
    ffi(|| {
        // SAFETY: the application's (addr, len).
        match unsafe { put_addr(addr, len, &nl_addr(0, 0)) } {
            Ok(()) => 0,
            Err(e) => fail(e),
        }
    })
}

/// `setsockopt(2)`: `SOL_NETLINK` options go to the daemon (`MEMBERSHIP`, `SETOPT`);
/// `SO_RCVBUF`/`SO_RCVBUFFORCE` are applied to the real socket and told to the daemon
/// (the notification backlog); everything else is the real socket's.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *const c_void,
    len: socklen_t,
) -> c_int {
    let Some(sock) = table::lookup(fd).filter(|_| {
        level == libc::SOL_NETLINK
            || (level == libc::SOL_SOCKET
                && (name == libc::SO_RCVBUF || name == libc::SO_RCVBUFFORCE))
    }) else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::setsockopt(fd, level, name, val, len) };
    };
    ffi(|| {
        // SAFETY: the application's (val, len).
        let v = match unsafe { get_int(val, len) } {
            Ok(v) => v,
            Err(e) => return fail(e),
        };
        let result = if level == libc::SOL_SOCKET {
            // SAFETY: forwarded unchanged.
            let r = unsafe { real::setsockopt(fd, level, name, val, len) };
            if r != 0 {
                return r;
            }
            setopt(&sock, fd, opt::SO_RCVBUF, v.cast_unsigned())
        } else {
            netlink_option(&sock, fd, name, v)
        };
        match result {
            Ok(()) => 0,
            Err(e) => fail(e),
        }
    })
}

fn setopt(sock: &Sock, fd: c_int, option: u32, value: u32) -> Result<(), c_int> {
    daemon::transport(
        sock,
        fd,
        &Transport::SetOpt(SetOpt {
            opt: option,
            value,
            errno: None,
        }),
    )
    .map(drop)
}

fn netlink_option(sock: &Sock, fd: c_int, name: c_int, v: c_int) -> Result<(), c_int> {
    match name {
        libc::NETLINK_ADD_MEMBERSHIP | libc::NETLINK_DROP_MEMBERSHIP => {
            let drop = name == libc::NETLINK_DROP_MEMBERSHIP;
            let group = v.cast_unsigned();
            daemon::transport(
                sock,
                fd,
                &Transport::Membership(Membership {
                    group,
                    drop,
                    errno: None,
                }),
            )?;
            if let Some(bit) = group.checked_sub(1).and_then(|g| 1u32.checked_shl(g)) {
                if drop {
                    sock.groups.fetch_and(!bit, Ordering::Relaxed);
                } else {
                    sock.groups.fetch_or(bit, Ordering::Relaxed);
                }
            }
            Ok(())
        }
        n if LOCAL_ONLY.contains(&n) => {
            sock.set_opt(n, v != 0);
            Ok(())
        }
        n => {
            let option = u32::try_from(n).map_err(|_| libc::ENOPROTOOPT)?;
            setopt(sock, fd, option, u32::from(v != 0))?;
            sock.set_opt(n, v != 0);
            Ok(())
        }
    }
}

/// `getsockopt(2)`: `SO_TYPE` / `SO_DOMAIN` / `SO_PROTOCOL` answer as the netlink socket
/// the application asked for (CPython rebuilds socket objects from them); the
/// `SOL_NETLINK` flags and `NETLINK_LIST_MEMBERSHIPS` from what was set; the rest is
/// the real socket's.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let answer = table::lookup(fd).and_then(|sock| match (level, name) {
        (libc::SOL_SOCKET, libc::SO_TYPE) => Some(sock.ty),
        (libc::SOL_SOCKET, libc::SO_DOMAIN) => Some(libc::AF_NETLINK),
        (libc::SOL_SOCKET, libc::SO_PROTOCOL) => Some(libc::NETLINK_GENERIC),
        (libc::SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS) => {
            Some(sock.groups.load(Ordering::Relaxed).cast_signed())
        }
        (libc::SOL_NETLINK, n) if FLAG_OPTIONS.contains(&n) => Some(c_int::from(sock.opt(n))),
        _ => None,
    });
    let Some(v) = answer else {
        // SAFETY: forwarded unchanged.
        return unsafe { real::getsockopt(fd, level, name, val, len) };
    };
    ffi(|| {
        if level == libc::SOL_NETLINK {
            // SAFETY: `len` is the application's pointer, checked non-null.
            if len.is_null() || usize::try_from(unsafe { *len }).unwrap_or(0) < 4 {
                return fail(libc::EINVAL);
            }
        }
        // SAFETY: the application's (val, len).
        unsafe { put_int(val, len, v) }
    })
}
