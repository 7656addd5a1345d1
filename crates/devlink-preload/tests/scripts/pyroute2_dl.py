"""pyroute2 against devlinkd through the shim (run by tests/pyroute2.rs with LD_PRELOAD):
`DL` lists the devices and ports. `config` subscribers: pyroute2_config.py.

Prints one line per check; the Rust side compares the whole output. Exit status 3 with
"skip: ..." when pyroute2 cannot be imported.
"""

import sys

try:
    import pyroute2
    from pyroute2 import DL
except ImportError as e:
    print(f"skip: pyroute2 cannot be imported ({e})")
    sys.exit(3)


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
