"""pyroute2 against devlinkd through the shim (run by tests/pyroute2.rs with LD_PRELOAD).

argv[1]: iproute2's devlink (for a check still to come: a `config` subscriber hearing
another client's reload; it hangs in `get()` today).

Prints one line per check; the Rust side compares the whole output. Exit status 3 with
"skip: ..." when pyroute2 cannot be imported.
"""

import sys

try:
    import pyroute2
    from pyroute2 import DL
    from pyroute2.netlink.devlink import DevlinkSocket
except ImportError as e:
    print(f"skip: pyroute2 cannot be imported ({e})")
    sys.exit(3)

DEVLINK = sys.argv[1]


def handle(msg):
    return f"{msg.get_attr('DEVLINK_ATTR_BUS_NAME')}/{msg.get_attr('DEVLINK_ATTR_DEV_NAME')}"


dl = DL()
devices = sorted(handle(m) for m in dl.get_dump())
print("devices", " ".join(devices))
ports = sorted(
    (handle(m), m.get_attr("DEVLINK_ATTR_PORT_INDEX")) for m in dl.port_list()
)
print("ports", " ".join(f"{h}/{i}" for h, i in ports))
dl.close()

print("pyroute2", pyroute2.__version__)
