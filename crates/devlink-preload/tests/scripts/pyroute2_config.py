"""pyroute2 sockets joined to devlink's `config` group hear other clients, through the shim
(run by tests/pyroute2.rs with LD_PRELOAD and DEVLINKD_SOCKET set).

argv: DLCTL DEVLINK SOCKET. Three subscribers, each joined its own way:
- `sync`: `DevlinkSocket().bind()` then `add_membership("config")` (NETLINK_ADD_MEMBERSHIP);
- `mask`: `GenericNetlinkSocket().bind("devlink", devlinkcmd, groups=...)` with the legacy
  `nl_groups` bit of the group id the first one looked up (bit N-1 for group N);
- `async`: `pyroute2.devlink.AsyncDL` with `add_membership("config")`, already waiting in
  its event loop while the other clients run.

Other clients then make devlink notify: `dlctl sim new-device 9 --ports 2` (devlinkd's
simulator control, no shim), iproute2's `devlink dev param set` through the shim, `dlctl
sim del-device 9`. Each subscriber (`async` first, as the clients run, then `sync`, then
`mask`) reads until the device's `DEVLINK_CMD_DEL` and prints one line per notification
as it comes, `LABEL CMD HANDLE[/PORT] OBJECT` (the param, region, trap, trap group or
policer named, else `-`), plus `LABEL bad header ...` for a notification whose seq or
pid is not 0 (so a subscriber left waiting shows where it stopped). Exit status 3 with "skip: ..." when pyroute2
cannot be imported.
"""

import asyncio
import subprocess
import sys

try:
    from pyroute2.devlink import AsyncDL
    from pyroute2.netlink.devlink import DevlinkSocket, devlinkcmd
    from pyroute2.netlink.generic import GenericNetlinkSocket
except ImportError as e:
    print(f"skip: pyroute2 cannot be imported ({e})")
    sys.exit(3)

DLCTL, DEVLINK, SOCKET = sys.argv[1:4]
DEVLINK_CMD_DEL = 4
TIMEOUT = 15

TRIGGERS = [
    [DLCTL, "sim", "--socket", SOCKET, "new-device", "9", "--ports", "2"],
    [DEVLINK, "dev", "param", "set", "netdevsim/netdevsim9", "name", "max_macs",
     "value", "7", "cmode", "driverinit"],
    [DLCTL, "sim", "--socket", SOCKET, "del-device", "9"],
]


def name(msg):
    """The object a notification is about, beyond the device and port."""
    param = msg.get_attr("DEVLINK_ATTR_PARAM")
    if param is not None:
        return f"param:{param.get_attr('DEVLINK_ATTR_PARAM_NAME')}"
    for kind, attr in (
        ("region", "DEVLINK_ATTR_REGION_NAME"),
        ("trap", "DEVLINK_ATTR_TRAP_NAME"),
        ("group", "DEVLINK_ATTR_TRAP_GROUP_NAME"),
        ("policer", "DEVLINK_ATTR_TRAP_POLICER_ID"),
    ):
        value = msg.get_attr(attr)
        if value is not None:
            return f"{kind}:{value}"
    return "-"


def show(label, msg):
    """Print one notification, `LABEL CMD HANDLE[/PORT]`; whether it ends the sequence."""
    handle = f"{msg.get_attr('DEVLINK_ATTR_BUS_NAME')}/{msg.get_attr('DEVLINK_ATTR_DEV_NAME')}"
    port = msg.get_attr("DEVLINK_ATTR_PORT_INDEX")
    if port is not None:
        handle += f"/{port}"
    header = msg["header"]
    print(f"{label} {msg['cmd']} {handle} {name(msg)}", flush=True)
    if header["sequence_number"] != 0 or header["pid"] != 0:
        print(f"{label} bad header seq {header['sequence_number']} pid {header['pid']}")
    return msg["cmd"] == DEVLINK_CMD_DEL and handle == "netdevsim/netdevsim9"


def read_sync(label, sock):
    while True:
        for msg in sock.get():
            if show(label, msg):
                return


async def read_async(label, sock):
    while True:
        async for msg in sock.get():
            if show(label, msg):
                return


async def run_async():
    sub = AsyncDL()
    await sub.setup_endpoint()  # binds and resolves the family
    sub.add_membership("config")
    reader = asyncio.ensure_future(read_async("async", sub))
    for argv in TRIGGERS:
        proc = await asyncio.create_subprocess_exec(*argv, stdout=subprocess.DEVNULL)
        code = await proc.wait()
        if code != 0:
            raise SystemExit(f"{argv}: exit status {code}")
    try:
        await asyncio.wait_for(reader, TIMEOUT)
    finally:
        sub.close()


joined = DevlinkSocket()
joined.bind()
joined.add_membership("config")
group = joined.mcast_groups["config"]
masked = GenericNetlinkSocket()
masked.bind("devlink", devlinkcmd, groups=1 << (group - 1))

asyncio.run(run_async())
read_sync("sync", joined)
read_sync("mask", masked)
joined.close()
masked.close()
