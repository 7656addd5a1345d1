"""Netlink socket semantics through the shim, as CPython's socket module uses them
(socket, bind, getsockname, getsockopt, sendto, recv_into with MSG_PEEK|MSG_TRUNC,
recvfrom, recvmsg, fcntl64 F_DUPFD_CLOEXEC via dup, O_NONBLOCK, fork, memberships,
SO_RCVBUF + ENOBUFS, NETLINK_NO_ENOBUFS). Run by tests/semantics.rs with LD_PRELOAD
and DEVLINKD_SOCKET set; argv[1] is the devlink binary. Prints "ok" at the end."""

import errno
import os
import socket
import struct
import subprocess
import sys

SOL_NETLINK = 270
NETLINK_GENERIC = 16
ADD_MEMBERSHIP, NO_ENOBUFS, CAP_ACK, EXT_ACK = 1, 5, 10, 11
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
DEVLINK = sys.argv[1]


def getfamily(seq):
    name = b"devlink\0"
    attr = struct.pack("=HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b"\0" * (-len(attr) % 4)
    body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
    return struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body


def header(data):
    return struct.unpack_from("=IHHII", data)


def check_request_reply(s, seq):
    """GETFAMILY on `s`: sized with MSG_PEEK|MSG_TRUNC, then the reply and the ACK."""
    req = getfamily(seq)
    assert s.sendto(req, (0, 0)) == len(req)
    size = s.recv_into(bytearray(1), 1, socket.MSG_PEEK | socket.MSG_TRUNC)
    data, addr = s.recvfrom(size)
    assert len(data) == size and addr == (0, 0), (size, len(data), addr)
    length, ty, _flags, rseq, pid = header(data)
    assert (length, ty, rseq) == (size, GENL_ID_CTRL, seq), header(data)
    assert pid == s.getsockname()[0]
    ack, _anc, flags, addr = s.recvmsg(4096)
    assert addr == (0, 0) and flags == 0
    _len, ty, _f, rseq, _pid = header(ack)
    err = struct.unpack_from("=i", ack, 16)[0]
    assert (ty, rseq, err) == (2, seq, 0), (ty, rseq, err)


# socket(): the type asked for, AF_NETLINK and NETLINK_GENERIC are what it reports.
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC, NETLINK_GENERIC)
assert s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_DGRAM
assert s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_NETLINK
assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == NETLINK_GENERIC
raw = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
assert raw.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_RAW

# bind(0): autobind to the process id first (netlink_autobind), then others.
s.bind((0, 0))
assert s.getsockname() == (os.getpid(), 0), s.getsockname()
raw.setsockopt(SOL_NETLINK, CAP_ACK, 1)
assert raw.getsockopt(SOL_NETLINK, CAP_ACK) == 1
assert raw.getsockopt(SOL_NETLINK, EXT_ACK) == 0
# Unbound: port id 0, and getsockname does not bind (netlink_getname).
assert raw.getsockname() == (0, 0)
raw.connect((0, 0))
assert raw.getsockname()[0] not in (0, os.getpid())
# An empty sendto: no message, nothing answered, but it autobinds (netlink_sendmsg), and
# the socket then works as any other.
empty = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
assert empty.sendto(b"", (0, 0)) == 0
assert empty.getsockname()[0] not in (0, os.getpid()), empty.getsockname()
check_request_reply(empty, 7)
explicit = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
want = os.getpid() + (1 << 22)
explicit.bind((want, 0))
assert explicit.getsockname() == (want, 0)
taken = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
try:
    taken.bind((want, 0))
    raise AssertionError("bind to a taken port id succeeded")
except OSError as e:
    assert e.errno == errno.EADDRINUSE, e

check_request_reply(s, 1)

# Non-blocking: nothing queued is EAGAIN.
s.setblocking(False)
try:
    s.recv(4096)
    raise AssertionError("recv on an empty non-blocking socket returned")
except BlockingIOError:
    pass
s.setblocking(True)

# dup (fcntl64 F_DUPFD_CLOEXEC in CPython): the copy is the same netlink socket.
d = s.dup()
assert d.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == NETLINK_GENERIC
assert d.getsockname() == s.getsockname()
s.close()
check_request_reply(d, 2)

# fork: the child uses the socket (its own send and completion wait), then the parent.
pid = os.fork()
if pid == 0:
    try:
        check_request_reply(d, 3)
        os._exit(0)
    except BaseException as e:  # noqa: BLE001 - report anything to the parent
        print("child:", repr(e), file=sys.stderr)
        os._exit(1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
check_request_reply(d, 4)

# Memberships: group 2 ("config") shows in getsockname; an unknown group is EINVAL.
d.setsockopt(SOL_NETLINK, ADD_MEMBERSHIP, 2)
assert d.getsockname()[1] == 2
try:
    d.setsockopt(SOL_NETLINK, ADD_MEMBERSHIP, 7)
    raise AssertionError("joining group 7 succeeded")
except OSError as e:
    assert e.errno == errno.EINVAL, e

# Overrun: a small backlog that is not read overflows; recv reports ENOBUFS once,
# then goes on. With NETLINK_NO_ENOBUFS the drop is silent.
slow = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
slow.setsockopt(SOL_NETLINK, ADD_MEMBERSHIP, 2)
quiet = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
quiet.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
quiet.setsockopt(SOL_NETLINK, NO_ENOBUFS, 1)
quiet.setsockopt(SOL_NETLINK, ADD_MEMBERSHIP, 2)
for _ in range(25):
    subprocess.run([DEVLINK, "dev", "reload", "netdevsim/netdevsim0"], check=True)


def drain(sock):
    """Read until empty; returns (datagrams, ENOBUFS count)."""
    sock.setblocking(False)
    got = enobufs = 0
    while True:
        try:
            sock.recv(4096)
            got += 1
        except BlockingIOError:
            return got, enobufs
        except OSError as e:
            assert e.errno == errno.ENOBUFS, e
            enobufs += 1


got, enobufs = drain(slow)
assert enobufs >= 1 and got > 0, (got, enobufs)
got, enobufs = drain(quiet)
assert enobufs == 0 and got > 0, (got, enobufs)
print("ok")
