//! Small C-side helpers: errno, the panic barrier, `sockaddr_nl` and option values
//! written into the application's buffers.

use std::panic::{AssertUnwindSafe, catch_unwind};

use libc::{c_int, c_void, sockaddr, sockaddr_nl, socklen_t};

/// `sizeof(struct sockaddr_nl)`: 12, the only length libmnl accepts.
pub(crate) const SOCKADDR_NL_LEN: socklen_t = 12;

/// Set the calling thread's `errno`.
pub(crate) fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns a valid pointer to this thread's errno.
    unsafe { *libc::__errno_location() = e }
}

/// The calling thread's `errno`.
pub(crate) fn errno() -> c_int {
    // SAFETY: as in `set_errno`.
    unsafe { *libc::__errno_location() }
}

/// `-1` with `errno = e`, as every failing libc call returns.
pub(crate) fn fail<R: From<i8>>(e: c_int) -> R {
    set_errno(e);
    R::from(-1)
}

/// Run a hook's body; a panic (a shim bug, never client input) becomes `-1`/`EIO`
/// instead of unwinding into C.
pub(crate) fn ffi<R: From<i8>>(f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| fail(libc::EIO))
}

/// An address family constant as `sa_family_t` (they all fit in 16 bits).
pub(crate) fn family(af: c_int) -> libc::sa_family_t {
    libc::sa_family_t::try_from(af).unwrap_or_default()
}

/// A `sockaddr_nl`.
pub(crate) fn nl_addr(pid: u32, groups: u32) -> sockaddr_nl {
    // SAFETY: sockaddr_nl is plain data (integers); all-zero is a valid value.
    let mut a: sockaddr_nl = unsafe { std::mem::zeroed() };
    a.nl_family = family(libc::AF_NETLINK);
    a.nl_pid = pid;
    a.nl_groups = groups;
    a
}

/// Write `value` to a `(sockaddr *, socklen_t *)` pair the way `move_addr_to_user` does:
/// at most `*len` bytes, and `*len` set to the full length. A null `addr` writes nothing.
///
/// # Safety
/// `addr` (if not null) must be writable for `*len` bytes and `len` valid (if `addr`
/// is not null).
pub(crate) unsafe fn put_addr(
    addr: *mut sockaddr,
    len: *mut socklen_t,
    value: &sockaddr_nl,
) -> Result<(), c_int> {
    if addr.is_null() {
        return Ok(());
    }
    if len.is_null() {
        return Err(libc::EFAULT);
    }
    // SAFETY: `len` is valid per the contract.
    let cap = unsafe { *len };
    let Ok(cap) = usize::try_from(cap.cast_signed()) else {
        return Err(libc::EINVAL);
    };
    let n = cap.min(size_of::<sockaddr_nl>());
    // SAFETY: `value` is 12 readable bytes, `addr` has room for `cap >= n` bytes, and
    // they cannot overlap (one is ours).
    unsafe { std::ptr::copy_nonoverlapping((&raw const *value).cast::<u8>(), addr.cast(), n) };
    // SAFETY: as above.
    unsafe { *len = SOCKADDR_NL_LEN };
    Ok(())
}

/// Write an `int` option value: `min(*len, 4)` bytes, `*len` set to what was written,
/// as `sock_getsockopt` does.
///
/// # Safety
/// `val` writable for `*len` bytes, `len` valid.
pub(crate) unsafe fn put_int(val: *mut c_void, len: *mut socklen_t, v: c_int) -> c_int {
    if len.is_null() || val.is_null() {
        return fail(libc::EFAULT);
    }
    // SAFETY: `len` is valid per the contract.
    let cap = unsafe { *len };
    let Ok(cap) = usize::try_from(cap.cast_signed()) else {
        return fail(libc::EINVAL);
    };
    let n = cap.min(size_of::<c_int>());
    let bytes = v.to_ne_bytes();
    // SAFETY: `val` has room for `cap >= n` bytes; `bytes` is ours.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), val.cast(), n) };
    // SAFETY: `len` is valid; `n <= 4` fits.
    unsafe { *len = socklen_t::try_from(n).unwrap_or(0) };
    0
}

/// Read an `int` option value (0 if `len < 4`, as `netlink_setsockopt` does).
///
/// # Safety
/// `val` readable for `len` bytes.
pub(crate) unsafe fn get_int(val: *const c_void, len: socklen_t) -> Result<c_int, c_int> {
    if usize::try_from(len).unwrap_or(0) < size_of::<c_int>() {
        return Ok(0);
    }
    if val.is_null() {
        return Err(libc::EFAULT);
    }
    // SAFETY: at least 4 readable bytes; unaligned read because C need not align them.
    Ok(unsafe { val.cast::<c_int>().read_unaligned() })
}
