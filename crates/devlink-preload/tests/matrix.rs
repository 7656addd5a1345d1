//! The conformance matrix: iproute2 6.1's `devlink` through the shim, one command of
//! every object after another, against a daemon whose devices have the features those
//! commands need ([`CONFIG`]). The whole table runs twice, on two fresh daemons: once
//! plain and once with `-j -p`. Each step checks the exit status and the output: a
//! show command that `dlctl` implements must print byte for byte what `dlctl` prints;
//! the others must print the given fragments; a refusal must print the kernel's extack
//! and `kernel answers:` line and exit 1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Daemon;

/// The devices: a netdevsim device with splittable ports, a line card and a shared
/// buffer; a PCI-style one in switchdev mode with 2 VFs (rate leaves) and SF ports.
const CONFIG: &str = r#"
[[device]]
id = 0
ports = 2
split_lanes = 4
[[device.linecards]]
index = 0
types = ["16x100G"]
[[device.shared_buffers]]
index = 0

[[device]]
id = 1
ports = 2
handle = "pci/0000:03:00.0"
eswitch = "switchdev"
vfs = 2
first_ifindex = 100
sf = true
"#;

/// What a step must do.
enum Want {
    /// Exit 0, and stdout byte-identical to `dlctl` run with the same arguments.
    Dlctl,
    /// Exit 0, nothing on stderr, and stdout holding each of the first fragments (plain)
    /// or of the second (`-j -p`; not parsed: iproute2 6.1 prints binary fmsg values as
    /// bare number lists, invalid JSON).
    Ok(&'static [&'static str], &'static [&'static str]),
    /// Exit 1 and stderr exactly this, in both modes.
    Err(&'static str),
}

use Want::{Dlctl, Err, Ok};

const NSIM: &str = "netdevsim/netdevsim0";
const PCI: &str = "pci/0000:03:00.0";

/// The steps, in order: later ones see what earlier ones changed.
const STEPS: &[(&[&str], Want)] = &[
    // dev
    (&["dev", "show"], Dlctl),
    (&["dev", "info"], Dlctl),
    (&["dev", "param", "show"], Dlctl),
    (
        &[
            "dev",
            "param",
            "set",
            NSIM,
            "name",
            "max_macs",
            "value",
            "16",
            "cmode",
            "driverinit",
        ],
        Ok(&[], &[]),
    ),
    (&["dev", "param", "show", NSIM, "name", "max_macs"], Dlctl),
    (
        &[
            "dev", "param", "set", NSIM, "name", "max_macs", "value", "16", "cmode", "runtime",
        ],
        Err("Configuration mode not supported\n"),
    ),
    (&["dev", "reload", NSIM], Ok(&[], &[])),
    (
        &["dev", "reload", NSIM, "action", "fw_activate"],
        Err(
            "Error: Requested reload action is not supported by the driver.\nkernel answers: Operation not supported\n",
        ),
    ),
    (&["dev", "eswitch", "show", PCI], Dlctl),
    (
        &["dev", "eswitch", "set", NSIM, "mode", "switchdev"],
        Ok(&[], &[]),
    ),
    (&["dev", "eswitch", "show", NSIM], Dlctl),
    (
        &["dev", "eswitch", "set", NSIM, "mode", "legacy"],
        Ok(&[], &[]),
    ),
    (
        &["dev", "eswitch", "set", PCI, "encap-mode", "basic"],
        Err("kernel answers: Operation not supported\n"),
    ),
    // port
    (&["port", "show"], Dlctl),
    (
        &["port", "split", "netdevsim/netdevsim0/0", "count", "2"],
        Ok(&[], &[]),
    ),
    (&["port", "show"], Dlctl),
    (
        &["port", "split", "netdevsim/netdevsim0/1", "count", "3"],
        Err("Error: Invalid split count.\nkernel answers: Invalid argument\n"),
    ),
    (
        &["port", "unsplit", "netdevsim/netdevsim0/65536"],
        Ok(&[], &[]),
    ),
    (&["port", "show", "netdevsim/netdevsim0/0"], Dlctl),
    (
        &[
            "port", "add", PCI, "flavour", "pcisf", "pfnum", "0", "sfnum", "88",
        ],
        Ok(
            &[
                "pci/0000:03:00.0/32856: type eth netdev eth32856 flavour pcisf controller 0 pfnum 0 sfnum 88 external false splittable false\n  function:\n    hw_addr 00:00:00:00:00:00 state inactive opstate detached\n",
            ],
            &["\"pci/0000:03:00.0/32856\": {", "\"sfnum\": 88,"],
        ),
    ),
    (
        &["port", "add", PCI, "flavour", "pcivf", "pfnum", "0"],
        Err(
            "Error: netdevsim: Driver supports only SF port addition.\nkernel answers: Operation not supported\n",
        ),
    ),
    (
        &[
            "port",
            "function",
            "set",
            "pci/0000:03:00.0/32856",
            "hw_addr",
            "00:11:22:33:44:55",
            "state",
            "active",
        ],
        Ok(&[], &[]),
    ),
    (&["port", "show", "pci/0000:03:00.0/32856"], Dlctl),
    (
        &[
            "port",
            "function",
            "set",
            "pci/0000:03:00.0/0",
            "hw_addr",
            "00:11:22:33:44:55",
        ],
        Err(
            "Error: Port doesn't support function attributes.\nkernel answers: Operation not supported\n",
        ),
    ),
    (&["port", "del", "pci/0000:03:00.0/32856"], Ok(&[], &[])),
    (
        &["port", "del", "pci/0000:03:00.0/32856"],
        Err("kernel answers: No such device\n"),
    ),
    (&["port", "show"], Dlctl),
    // health
    (&["health", "show"], Dlctl),
    (
        &["health", "diagnose", NSIM, "reporter", "dummy"],
        Ok(
            &[
                " test_bool: true test_u8: 1 ",
                "  test_u32_array:\n    0 1 2 3 4 5 6 7 8 9\n",
            ],
            &["\"test_u32_array\": [ 0,1,2,3,4,5,6,7,8,9 ],"],
        ),
    ),
    (
        &["health", "diagnose", NSIM, "reporter", "nope"],
        Err("kernel answers: Invalid argument\n"),
    ),
    (
        &["health", "dump", "show", NSIM, "reporter", "dummy"],
        Ok(
            &["test_string: somestring"],
            &["\"test_string\": \"somestring\","],
        ),
    ),
    (
        &["health", "dump", "clear", NSIM, "reporter", "dummy"],
        Ok(&[], &[]),
    ),
    (
        &["health", "recover", NSIM, "reporter", "dummy"],
        Ok(&[], &[]),
    ),
    (
        &[
            "health",
            "set",
            NSIM,
            "reporter",
            "dummy",
            "grace_period",
            "10",
            "auto_recover",
            "false",
        ],
        Ok(&[], &[]),
    ),
    (&["health", "show", NSIM, "reporter", "dummy"], Dlctl),
    // region
    (&["region", "show"], Dlctl),
    (
        &[
            "region",
            "new",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
        ],
        Ok(&[], &[]),
    ),
    (
        &["region", "new", "netdevsim/netdevsim0/dummy"],
        Ok(
            &["netdevsim/netdevsim0/dummy: snapshot 0\n"],
            &["\"snapshot\": [ 0 ]"],
        ),
    ),
    (
        &[
            "region",
            "new",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
        ],
        Err("Error: The requested snapshot id is already in use.\nkernel answers: File exists\n"),
    ),
    (&["region", "show", "netdevsim/netdevsim0/dummy"], Dlctl),
    (
        &[
            "region",
            "dump",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
        ],
        Ok(&["0000000000007ff0 "], &["\"address\": 32512,"]),
    ),
    (
        &[
            "region",
            "read",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
            "address",
            "16",
            "length",
            "16",
        ],
        Ok(
            &["0000000000000010 "],
            &["\"address\": 16,", "\"data\": [ "],
        ),
    ),
    (
        &[
            "region",
            "read",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "9",
            "address",
            "0",
            "length",
            "16",
        ],
        Err("Error: Requested snapshot does not exist.\nkernel answers: Invalid argument\n"),
    ),
    (
        &[
            "region",
            "del",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
        ],
        Ok(&[], &[]),
    ),
    (
        &[
            "region",
            "del",
            "netdevsim/netdevsim0/dummy",
            "snapshot",
            "1",
        ],
        Err("kernel answers: Invalid argument\n"),
    ),
    (&["region", "show"], Dlctl),
    // trap, trap group, trap policer
    (&["trap", "show"], Dlctl),
    (
        &[
            "trap",
            "set",
            NSIM,
            "trap",
            "source_mac_is_multicast",
            "action",
            "trap",
        ],
        Ok(&[], &[]),
    ),
    (
        &["trap", "set", NSIM, "trap", "nope", "action", "trap"],
        Err(
            "Error: Device did not register this trap.\nkernel answers: No such file or directory\n",
        ),
    ),
    (
        &["trap", "show", NSIM, "trap", "source_mac_is_multicast"],
        Dlctl,
    ),
    (&["trap", "group", "show"], Dlctl),
    (
        &[
            "trap", "group", "set", NSIM, "group", "l2_drops", "action", "trap", "policer", "1",
        ],
        Ok(&[], &[]),
    ),
    (&["trap", "group", "show", NSIM, "group", "l2_drops"], Dlctl),
    (&["trap", "policer", "show"], Dlctl),
    (
        &[
            "trap", "policer", "set", NSIM, "policer", "1", "rate", "2000", "burst", "256",
        ],
        Ok(&[], &[]),
    ),
    (
        &[
            "trap", "policer", "set", NSIM, "policer", "1", "rate", "9000",
        ],
        Err("Error: Policer rate higher than limit.\nkernel answers: Invalid argument\n"),
    ),
    (
        &[
            "trap", "policer", "set", NSIM, "policer", "99", "rate", "2000",
        ],
        Err(
            "Error: Device did not register this trap policer.\nkernel answers: No such file or directory\n",
        ),
    ),
    (&["trap", "policer", "show", NSIM, "policer", "1"], Dlctl),
    // resource
    (&["resource", "show", NSIM], Dlctl),
    (
        &["resource", "set", NSIM, "path", "/IPv4/fib", "size", "96"],
        Ok(&[], &[]),
    ),
    (&["resource", "show", NSIM], Dlctl),
    (
        &["resource", "set", NSIM, "path", "/nope", "size", "96"],
        Err("error parsing resource path Invalid argument\n"),
    ),
    (&["dev", "reload", NSIM], Ok(&[], &[])),
    (&["resource", "show", NSIM], Dlctl),
    // rate (6.1: `port function rate`)
    (&["port", "function", "rate", "show"], Dlctl),
    (
        &["port", "function", "rate", "add", "pci/0000:03:00.0/grp1"],
        Ok(&[], &[]),
    ),
    (
        &[
            "port",
            "function",
            "rate",
            "set",
            "pci/0000:03:00.0/grp1",
            "tx_share",
            "10mbit",
            "tx_max",
            "100mbit",
        ],
        Ok(&[], &[]),
    ),
    (
        &[
            "port",
            "function",
            "rate",
            "set",
            "pci/0000:03:00.0/128",
            "parent",
            "grp1",
        ],
        Ok(&[], &[]),
    ),
    (&["port", "function", "rate", "show"], Dlctl),
    (
        &["port", "function", "rate", "add", "pci/0000:03:00.0/grp1"],
        Err("kernel answers: File exists\n"),
    ),
    (
        &["port", "function", "rate", "del", "pci/0000:03:00.0/grp1"],
        Err(
            "Error: Node has children. Cannot delete node.\nkernel answers: Device or resource busy\n",
        ),
    ),
    (
        &[
            "port",
            "function",
            "rate",
            "set",
            "pci/0000:03:00.0/128",
            "noparent",
        ],
        Ok(&[], &[]),
    ),
    (
        &["port", "function", "rate", "del", "pci/0000:03:00.0/grp1"],
        Ok(&[], &[]),
    ),
    (
        &["port", "function", "rate", "show", "pci/0000:03:00.0/128"],
        Dlctl,
    ),
    // line cards
    (&["lc", "show"], Dlctl),
    (
        &["lc", "set", NSIM, "lc", "0", "type", "16x100G"],
        Ok(&[], &[]),
    ),
    (
        &["lc", "set", NSIM, "lc", "0", "type", "nope"],
        Err("Error: Unsupported line card type provided.\nkernel answers: Invalid argument\n"),
    ),
    (&["lc", "show", NSIM, "lc", "0"], Dlctl),
    // shared buffers (no dlctl equivalent)
    (
        &["sb", "show"],
        Ok(
            &[
                "netdevsim/netdevsim0:\n  sb 0 size 16777216 ing_pools 2 eg_pools 2 ing_tcs 8 eg_tcs 8\n",
            ],
            &["\"size\": 16777216,", "\"ing_pools\": 2,"],
        ),
    ),
    (
        &["sb", "pool", "show", NSIM, "sb", "0", "pool", "2"],
        Ok(
            &["  sb 0 pool 2 type egress size 4194304 thtype dynamic cell size 96\n"],
            &["\"type\": \"egress\","],
        ),
    ),
    (
        &["sb", "show", PCI],
        Err("kernel answers: No such device\n"),
    ),
];

fn run_matrix(json: bool) {
    let name = if json { "matrix-json" } else { "matrix-text" };
    let cfg = std::env::temp_dir().join(format!(
        "devlink-preload-{name}-{}.toml",
        std::process::id()
    ));
    std::fs::write(&cfg, CONFIG).unwrap();
    let d = Daemon::start_with(name, &["--config", cfg.to_str().unwrap()]);
    let mut failures = Vec::new();
    for (args, want) in STEPS {
        let mut argv: Vec<&str> = if json { vec!["-j", "-p"] } else { Vec::new() };
        argv.extend_from_slice(args);
        let r = d.devlink(&argv);
        let (out, err) = (r.stdout(), r.stderr());
        let problem = match want {
            Dlctl => {
                let reference = d.dlctl(&argv);
                if !r.out.status.success() || !err.is_empty() {
                    Some(format!("{:?}, stderr {err:?}", r.out.status))
                } else if out != reference.stdout() {
                    Some(format!(
                        "differs from dlctl ({:?}):\n--- devlink\n{out}--- dlctl\n{}{}",
                        reference.out.status,
                        reference.stdout(),
                        reference.stderr()
                    ))
                } else {
                    None
                }
            }
            Ok(text, json_frags) => {
                let frags = if json { json_frags } else { text };
                let missing: Vec<_> = frags.iter().filter(|f| !out.contains(*f)).collect();
                if !r.out.status.success() || !err.is_empty() {
                    Some(format!("{:?}, stderr {err:?}", r.out.status))
                } else if !missing.is_empty() {
                    Some(format!("{missing:?} not in:\n{out}"))
                } else {
                    None
                }
            }
            Err(msg) => {
                if r.code() != Some(1) || err != *msg {
                    Some(format!(
                        "{:?}, stderr {err:?} (want {msg:?}), stdout {out:?}",
                        r.out.status
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!("devlink {}: {p}", argv.join(" ")));
        }
    }
    let _ = std::fs::remove_file(&cfg);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn matrix_text() {
    run_matrix(false);
}

#[test]
fn matrix_json() {
    run_matrix(true);
}
