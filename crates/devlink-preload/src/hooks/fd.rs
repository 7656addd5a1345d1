//! `close`, `dup`, `dup2`, `dup3`, `fcntl`, `fcntl64`: the socket's state follows its
//! descriptors, as an open file description is shared by its duplicates.

use libc::{c_int, c_ulong};

use crate::real;
use crate::sys::ffi;
use crate::table;

/// `close(2)`: forget the descriptor first (so a concurrent `socket()` that gets the
/// number back is not forgotten instead), then close it; the completion channel closes
/// with the socket's last descriptor.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    drop(table::remove(fd));
    // SAFETY: forwarded unchanged.
    unsafe { real::close(fd) }
}

/// After a successful duplication of `old` to `new`: `new` shares `old`'s socket (or,
/// if `old` is not a netlink socket, is no longer one).
fn duplicated(old: c_int, new: c_int) {
    if old == new {
        return;
    }
    let replaced = match table::lookup(old) {
        Some(sock) => table::insert(new, sock),
        None => table::remove(new),
    };
    drop(replaced);
}

/// `dup(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    // SAFETY: forwarded unchanged.
    let r = unsafe { real::dup(fd) };
    if r >= 0 {
        ffi(|| {
            duplicated(fd, r);
            0
        });
    }
    r
}

/// `dup2(2)`: `new` is closed implicitly, so it stops being whatever it was.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup2(old: c_int, new: c_int) -> c_int {
    // SAFETY: forwarded unchanged.
    let r = unsafe { real::dup2(old, new) };
    if r >= 0 {
        ffi(|| {
            duplicated(old, r);
            0
        });
    }
    r
}

/// `dup3(2)`.
///
/// # Safety
/// C ABI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int {
    // SAFETY: forwarded unchanged.
    let r = unsafe { real::dup3(old, new, flags) };
    if r >= 0 {
        ffi(|| {
            duplicated(old, r);
            0
        });
    }
    r
}

/// `fcntl` with `F_DUPFD` / `F_DUPFD_CLOEXEC` tracked; everything else (`F_SETFL`
/// `O_NONBLOCK` included) acts on the real socket, which is the application's
/// descriptor.
///
/// # Safety
/// `arg` is the variadic argument as the caller passed it.
unsafe fn fcntl_any(is64: bool, fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: forwarded unchanged.
    let r = unsafe { real::fcntl_named(is64, fd, cmd, arg) };
    if r >= 0 && (cmd == libc::F_DUPFD || cmd == libc::F_DUPFD_CLOEXEC) {
        ffi(|| {
            duplicated(fd, r);
            0
        });
    }
    r
}

// Rust cannot define a C-variadic function on stable. On the targets below the one
// optional argument of `fcntl(int, int, ...)` travels in the same register as a third
// named integer argument would (System V x86-64: rdx; AAPCS64 on Linux: x2), and is
// read only for the commands that take one; so a three-argument definition receives it
// unchanged and passes it on to libc's variadic fcntl.

/// `fcntl(2)`.
///
/// # Safety
/// C ABI (see the note above on the variadic argument).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: forwarded unchanged.
    unsafe { fcntl_any(false, fd, cmd, arg) }
}

/// `fcntl64` (what CPython and `_FILE_OFFSET_BITS=64` builds call).
///
/// # Safety
/// C ABI (see the note above on the variadic argument).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: forwarded unchanged.
    unsafe { fcntl_any(true, fd, cmd, arg) }
}
