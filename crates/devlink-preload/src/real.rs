//! The functions the hooks stand in front of: the next definition after this library
//! (libc's, or another preload's), found with `dlsym(RTLD_NEXT, …)` on first use.
//!
//! Lookups are lock-free (one `AtomicPtr` per symbol) so that a hook re-entered while a
//! symbol is being resolved (`dlsym` may allocate; nothing here may block) cannot
//! deadlock. A symbol that does not resolve makes its call fail with `ENOSYS`.

#![allow(non_snake_case, reason = "the glibc names (__read_chk, …)")]

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use libc::{c_int, c_ulong, msghdr, size_t, sockaddr, socklen_t, ssize_t};

/// `dlsym(RTLD_NEXT, name)`, or null. `name` ends with a NUL.
fn resolve(name: &'static str) -> *mut c_void {
    if !name.ends_with('\0') {
        return ptr::null_mut();
    }
    // SAFETY: `name` is NUL-terminated (checked above); RTLD_NEXT asks for the definition after this
    // library's, which is what a preload's hook must call. dlsym has no other
    // precondition and returns null when the symbol does not exist.
    unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr().cast()) }
}

/// The cached address of a symbol, resolved on first use (null if it does not exist).
fn lookup(slot: &AtomicPtr<c_void>, name: &'static str) -> *mut c_void {
    let p = slot.load(Ordering::Acquire);
    if !p.is_null() {
        return p;
    }
    let p = resolve(name);
    slot.store(p, Ordering::Release);
    p
}

macro_rules! next {
    ($($name:ident($($arg:ident: $t:ty),*) -> $ret:ty;)*) => {$(
        #[doc = concat!("The next `", stringify!($name), "` (libc's).")]
        pub(crate) unsafe fn $name($($arg: $t),*) -> $ret {
            static SLOT: AtomicPtr<c_void> = AtomicPtr::new(ptr::null_mut());
            let p = lookup(&SLOT, concat!(stringify!($name), "\0"));
            if p.is_null() {
                crate::sys::set_errno(libc::ENOSYS);
                return <$ret>::from(-1i8);
            }
            // SAFETY: `p` is the address dlsym gave for this libc symbol, whose C
            // prototype is exactly this signature (glibc, <sys/socket.h> / <unistd.h>).
            let f: unsafe extern "C" fn($($t),*) -> $ret = unsafe { std::mem::transmute(p) };
            // SAFETY: the caller upholds the C function's contract (same arguments as
            // the hook received, or ones the shim built itself).
            unsafe { f($($arg),*) }
        }
    )*};
}

next! {
    socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
    bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int;
    connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int;
    getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int;
    getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int;
    setsockopt(fd: c_int, level: c_int, name: c_int, val: *const c_void, len: socklen_t) -> c_int;
    getsockopt(fd: c_int, level: c_int, name: c_int, val: *mut c_void, len: *mut socklen_t) -> c_int;
    send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t;
    sendto(fd: c_int, buf: *const c_void, len: size_t, flags: c_int, addr: *const sockaddr, alen: socklen_t) -> ssize_t;
    sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t;
    recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t;
    recvfrom(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int, addr: *mut sockaddr, alen: *mut socklen_t) -> ssize_t;
    recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t;
    read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t;
    write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t;
    __read_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t) -> ssize_t;
    __recv_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t, flags: c_int) -> ssize_t;
    __recvfrom_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t, flags: c_int, addr: *mut sockaddr, alen: *mut socklen_t) -> ssize_t;
    close(fd: c_int) -> c_int;
    dup(fd: c_int) -> c_int;
    dup2(old: c_int, new: c_int) -> c_int;
    dup3(old: c_int, new: c_int, flags: c_int) -> c_int;
}

/// The next `fcntl` (or `fcntl64`), called with its one optional argument.
pub(crate) unsafe fn fcntl_named(is64: bool, fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    static FCNTL: AtomicPtr<c_void> = AtomicPtr::new(ptr::null_mut());
    static FCNTL64: AtomicPtr<c_void> = AtomicPtr::new(ptr::null_mut());
    let p = if is64 {
        lookup(&FCNTL64, "fcntl64\0")
    } else {
        lookup(&FCNTL, "fcntl\0")
    };
    if p.is_null() {
        crate::sys::set_errno(libc::ENOSYS);
        return -1;
    }
    // SAFETY: `p` is libc's `int fcntl(int fd, int cmd, ...)`; calling it through a
    // C-variadic pointer type passes `arg` as the variadic argument, as C callers do.
    let f: unsafe extern "C" fn(c_int, c_int, ...) -> c_int = unsafe { std::mem::transmute(p) };
    // SAFETY: `arg` is what the application passed (an int or a pointer, per `cmd`),
    // or an int the shim chose for a command that takes one.
    unsafe { f(fd, cmd, arg) }
}

/// The next `fcntl`.
pub(crate) unsafe fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: forwarded; the caller upholds fcntl's contract.
    unsafe { fcntl_named(false, fd, cmd, arg) }
}
