//! `dlctl` against the real iproute2 6.1 `devlink`, run through the `LD_PRELOAD` shim:
//! two daemons start with the same devices, every step runs `dlctl ARGS` on one and
//! `devlink ARGS` on the other, and standard output, standard error and the exit status
//! must be identical. Both daemons see the same sequence of commands, so state-changing
//! steps (`port add`, `region new`, `rate add`, …) keep them in step.
//!
//! Normalised before comparing: the program name in usage texts (`Usage: dlctl …` is
//! dlctl's on purpose). `dev flash` runs without a terminal: on one, both print a
//! percentage after each status line, but only iproute2 adds its elapsed-time notes.
//! `sb port pool show` and `sb tc bind show` print ports by netdev name (`try_nice`):
//! iproute2 6.1 does so when the command line named the port by netdev name (its
//! ifname map is then loaded before the reply), but loads the map from inside the
//! reply callback otherwise and prints garbage (`kernel answers: Success`, `//128:`);
//! dlctl always prints the names. So those commands run with `-n` or name the port by
//! netdev name here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Output;

use common::daemon::Daemon;

/// The devices: netdevsim0 (health reporters, the `dummy` region, resources, an instant
/// flash, the flash selftest), netdevsim2 (a paced flash: ~500 status messages over half a second) and a
/// PCI device in switchdev mode with SF ports, rate leaves and a shared buffer.
const CONFIG: &str = r#"
[[device]]
id = 0
ports = 2
selftests = true

[[device]]
id = 2
ports = 1
flash_chunk_ms = 1

[[device]]
id = 1
ports = 2
handle = "pci/0000:03:00.0"
eswitch = "switchdev"
vfs = 2
sf = true

[[device.shared_buffers]]
index = 0
size = 16000000
ingress_pools = 2
egress_pools = 2
ingress_tcs = 2
egress_tcs = 2
cell_size = 96
"#;

/// What a run printed and returned, usage texts normalised.
fn seen(o: &Output) -> (String, String, Option<i32>) {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let err = text(&o.stderr)
        .lines()
        .map(|l| {
            l.replacen("Usage: devlink ", "Usage: dlctl ", 1).replacen(
                "       devlink ",
                "       dlctl ",
                1,
            )
        })
        .map(|l| l + "\n")
        .collect();
    (text(&o.stdout), err, o.status.code())
}

/// Run every step on both daemons; list the steps whose results differ. A step
/// `sim ARGS` runs `dlctl sim ARGS` on both instead.
fn check(name: &str, steps: &[&str]) {
    check_with(name, CONFIG, steps);
}

/// [`check`] on daemons started with the devices of `config`.
fn check_with(name: &str, config: &str, steps: &[&str]) {
    let ours = Daemon::start_with_config(&format!("{name}-dlctl"), config);
    let theirs = Daemon::start_with_config(&format!("{name}-iproute2"), config);
    let mut failures = Vec::new();
    for step in steps {
        // `sim …`: a `dlctl sim` step (a knob, a device) run on both daemons alike.
        if let Some(sim) = step.strip_prefix("sim ") {
            let args: Vec<&str> = sim.split_whitespace().collect();
            for d in [&ours, &theirs] {
                let o = d.sim(&args);
                assert!(o.status.success(), "`{step}`: {o:?}");
            }
            continue;
        }
        let args: Vec<&str> = step.split_whitespace().collect();
        let got = seen(&ours.run(&args));
        let mut want = seen(&theirs.iproute2(&args));
        // iproute2 6.1's `dev flash` forks: the child sends the request while the
        // parent reads the status notifications, and stops when the child is done. On a
        // flash that ends at once (a refused one, or an unpaced device) the parent may
        // stop before reading the end notification and print nothing: retry it a few
        // times, as the same command on the same state must print it at least once.
        for _ in 0..5 {
            if want == got || !step.contains("dev flash") {
                break;
            }
            want = seen(&theirs.iproute2(&args));
        }
        if want != got {
            failures.push(format!(
                "`{step}`:\n  iproute2 {want:?}\n  dlctl    {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn health_diagnose_and_dump_show() {
    check(
        "health",
        &[
            "health diagnose netdevsim/netdevsim0 reporter dummy",
            "-j health diagnose netdevsim/netdevsim0 reporter dummy",
            "-j -p health diagnose netdevsim/netdevsim0 reporter dummy",
            "health diagnose netdevsim/netdevsim0 reporter empty",
            "health dump show netdevsim/netdevsim0 reporter dummy",
            "-j -p health dump show netdevsim/netdevsim0 reporter dummy",
            "health dump show netdevsim/netdevsim0 reporter empty",
            "health diagnose netdevsim/netdevsim0",
            "health diagnose netdevsim/netdevsim0 reporter nope",
            "health dump clear netdevsim/netdevsim0 reporter dummy",
            "health dump show netdevsim/netdevsim0 reporter dummy",
            "health dump foo",
        ],
    );
}

#[test]
fn region_dump_and_read() {
    let r = "netdevsim/netdevsim0/dummy";
    let steps: Vec<String> = [
        "region new R snapshot 7",
        "region dump R snapshot 7",
        "-j region dump R snapshot 7",
        "-j -p region dump R snapshot 7",
        "region dump R",
        "region dump R snapshot 9",
        "region read R snapshot 7 address 0 length 40",
        "region read R snapshot 7 address 10 length 40",
        "region read R snapshot 7 address 32760 length 100",
        "-j -p region read R snapshot 7 address 10 length 20",
        "region read R address 0 length 16",
        "region read R snapshot 7 length 16",
        "region read R snapshot 7 address 0",
        "region read R snapshot 7 address x length 1",
        "region read R snapshot 9 address 0 length 3",
    ]
    .iter()
    .map(|s| s.replace('R', r))
    .collect();
    check(
        "region",
        &steps.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[test]
fn port_add_and_function_set() {
    check(
        "port",
        &[
            "port add pci/0000:03:00.0 flavour pcisf pfnum 0 sfnum 88",
            "-j port add pci/0000:03:00.0 flavour pcisf pfnum 0 sfnum 89",
            "-j -p port add pci/0000:03:00.0/7 flavour pcisf pfnum 0 sfnum 90 controller 0",
            "port add pci/0000:03:00.0 flavour pcisf",
            "port add pci/0000:03:00.0 pfnum 0",
            "port add pci/0000:03:00.0 flavour foo pfnum 0",
            "port add pci/0000:03:00.0 flavour pcisf pfnum 0 sfnum 88",
            "port add netdevsim/netdevsim0 flavour pcisf pfnum 0",
            "port function set pci/0000:03:00.0/32856 hw_addr 00:11:22:33:44:55",
            "port function set pci/0000:03:00.0/32856 state active",
            "port function set pci/0000:03:00.0/32856 hw_addr 00:11:22:33:44:56 state inactive",
            "port show pci/0000:03:00.0/32856",
            "port function set pci/0000:03:00.0/32856 state bogus",
            "port function set pci/0000:03:00.0/32856 hw_addr zz",
            "port function set pci/0000:03:00.0/32856 hw_addr 1:2:3",
            "port function set pci/0000:03:00.0/32856",
            "port function set",
            "port function help",
            "port function foo",
            "port del pci/0000:03:00.0/32856",
            "port show",
        ],
    );
}

#[test]
fn sb_show_and_set() {
    check(
        "sb",
        &[
            "sb show",
            "-j -p sb show",
            "sb show pci/0000:03:00.0",
            "sb show pci/0000:03:00.0 sb 0",
            "sb show pci/0000:03:00.0 sb 3",
            "sb pool show",
            "-j -p sb pool show",
            "sb pool show pci/0000:03:00.0 pool 1",
            "sb pool show pci/0000:03:00.0",
            "sb pool set pci/0000:03:00.0 pool 1 size 1000 thtype static",
            "sb pool set pci/0000:03:00.0 pool 1 size 1000 thtype foo",
            "sb pool set pci/0000:03:00.0 pool 1 thtype static",
            "sb pool show pci/0000:03:00.0 sb 0 pool 1",
            "-n sb port pool show",
            "-n -j -p sb port pool show",
            "-n sb port pool show pci/0000:03:00.0/0 pool 0",
            "-n sb port pool set pci/0000:03:00.0/0 pool 0 th 10",
            "-n sb port pool set pci/0000:03:00.0/0 pool 0",
            "-n sb port pool show pci/0000:03:00.0/0 pool 0",
            "-n sb tc bind show",
            "-n sb tc bind show pci/0000:03:00.0/0 tc 1 type egress",
            "-n sb tc bind show pci/0000:03:00.0/0 tc 1",
            "-n sb tc bind set pci/0000:03:00.0/0 tc 1 type egress pool 3 th 5",
            "-n sb tc bind set pci/0000:03:00.0/0 tc 1 type sideways pool 3 th 5",
            "-n -j sb tc bind show pci/0000:03:00.0/0 tc 1 type egress",
            "sb foo",
            "sb help",
        ],
    );
}

#[test]
fn resource_set() {
    check(
        "resource",
        &[
            "resource set netdevsim/netdevsim0 path /IPv4/fib size 96",
            "resource show netdevsim/netdevsim0",
            "-j -p resource show netdevsim/netdevsim0",
            "resource set netdevsim/netdevsim0 path /IPv4/nope size 96",
            "resource set netdevsim/netdevsim0 path /IPv4/fib",
            "resource set netdevsim/netdevsim0 size 3",
            "resource set netdevsim/netdevsim0 path IPv4 size 10",
            "resource set netdevsim/netdevsim0 path / size 10",
            "resource set netdevsim/netdevsim9 path /IPv4 size 10",
            "resource set netdevsim/netdevsim0 path /IPv4/fib size x",
            "resource show netdevsim/netdevsim0",
        ],
    );
}

#[test]
fn rate_add_and_set() {
    let steps: Vec<String> = [
        "R add P/g1 tx_share 10mbit tx_max 100mbit",
        "R add P/g2 tx_share 10mbit tx_max 1mbit",
        "R add P/g3 tx_share 10xbit",
        "R add P/g3 parent g1 tx_max 1gbit",
        "R add P/g4 tx_share 2.5e1Mbit tx_max 1GBPS noparent",
        "R add P/g5 tx_max 1.5GBps",
        "R add P/g5 tx_max 1.5e3kbit",
        "R add P/g5 tx_max 1Kibit",
        "R add P/5",
        "R add P",
        "R add",
        "R show",
        "-j -p R show",
        "R set P/128 tx_share 1mbit parent g1",
        "R set P/128 tx_max 100bps",
        "R set P/128 tx_max 1000000bps",
        "R set P/128 tx_share 9mbit",
        "R set P/g1 tx_share 200mbit",
        "R set P/g1 tx_max 1mbit",
        "R set P/g1 tx_max 0",
        "R set P/g1 noparent",
        "R set P/129 tx_max 8",
        "R set P/1 noparent",
        "R set P/g9 tx_max 1mbit",
        "R set P/129",
        "R set",
        "R show",
        "R del P/g1",
        "R set P/128 noparent",
        "R set P/g3 noparent",
        "R del P/g1",
        "R show",
    ]
    .iter()
    .map(|s| {
        s.replace('R', "port function rate")
            .replace('P', "pci/0000:03:00.0")
    })
    .collect();
    check(
        "rate",
        &steps.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

/// Successful flashes on the paced device only: with an instant one, whether iproute2
/// (forked, listening on a second socket) sees the notifications before it sees the
/// request done is a race through the shim, and it sometimes prints nothing.
#[test]
fn dev_flash() {
    check(
        "flash",
        &[
            "dev flash netdevsim/netdevsim2 file fw.bin",
            "dev flash netdevsim/netdevsim2 file fw.bin component fw.mgmt",
            "-j dev flash netdevsim/netdevsim2 file fw.bin",
            "dev flash netdevsim/netdevsim0 file fw.bin overwrite settings overwrite identifiers",
            "dev flash netdevsim/netdevsim0 file fw.bin overwrite foo",
            "dev flash netdevsim/netdevsim0 file fw.bin component nope",
            "-j dev flash netdevsim/netdevsim0 file fw.bin component nope",
            "dev flash netdevsim/netdevsim0",
            "dev flash netdevsim/netdevsim7 file x",
            "dev flash",
        ],
    );
}

/// `dev selftests` (iproute2 6.1 has them): netdevsim0 has the flash selftest, the PCI
/// device none (`EOPNOTSUPP` on a do, left out of the dump).
#[test]
fn dev_selftests() {
    check(
        "selftests",
        &[
            "dev selftests show",
            "-j dev selftests show",
            "-j -p dev selftests show",
            "dev selftests",
            "dev selftests list netdevsim/netdevsim0",
            "dev selftests show pci/0000:03:00.0",
            "-j dev selftests show pci/0000:03:00.0",
            "dev selftests show netdevsim/netdevsim0 x",
            "dev selftests run netdevsim/netdevsim0",
            "-j dev selftests run netdevsim/netdevsim0 id flash",
            "-j -p dev selftests run netdevsim/netdevsim0 id",
            "dev selftests run netdevsim/netdevsim0 id flash id flash",
            "dev selftests run netdevsim/netdevsim0 id foo",
            "dev selftests run netdevsim/netdevsim0 foo",
            "dev selftests run pci/0000:03:00.0",
            "-j -p dev selftests run pci/0000:03:00.0",
            "sim set 0 fail_selftests true",
            "dev selftests run netdevsim/netdevsim0",
            "-j dev selftests run netdevsim/netdevsim0 id flash",
            "dev selftests run",
            "dev selftests foo",
            "dev selftests help",
        ],
    );
}

/// `sb occupancy`: the PCI device's shared buffer (ports named by netdev name unless
/// `-n`), netdevsim0 without one.
#[test]
fn sb_occupancy() {
    check(
        "sb-occ",
        &[
            "sb occupancy show pci/0000:03:00.0",
            "-j sb occupancy show pci/0000:03:00.0",
            "-j -p sb occupancy show pci/0000:03:00.0/1",
            "-n sb occupancy show pci/0000:03:00.0/0",
            "sb occupancy show eth1",
            "sb occupancy show pci/0000:03:00.0 sb 1",
            "sb occupancy show pci/0000:03:00.0 pool 1",
            "sb occupancy show netdevsim/netdevsim0",
            "-j sb occupancy show netdevsim/netdevsim9",
            "sb occupancy show ethX",
            "sb occupancy show",
            "sb occupancy snapshot pci/0000:03:00.0",
            "sb occupancy clearmax pci/0000:03:00.0 sb 0",
            "sb occupancy snapshot pci/0000:03:00.0 sb 3",
            "sb occupancy snapshot netdevsim/netdevsim0",
            "sb occupancy clearmax",
            "sb occupancy list pci/0000:03:00.0/128",
            "sb occupancy",
            "sb occupancy foo",
        ],
    );
}

/// `port param`: devlinkd has no port params, as mainline (the dump is empty, a get
/// or set is refused with the kernel's extack).
#[test]
fn port_param() {
    check(
        "port-param",
        &[
            "port param show",
            "-j port param show",
            "-j -p port param show",
            "port param",
            "port param show pci/0000:03:00.0/0 name foo",
            "-j port param show eth0 name foo",
            "port param show pci/0000:03:00.0/0",
            "port param show pci/0000:03:00.0",
            "port param show ethX name a",
            "port param set eth0 name foo value 1 cmode runtime",
            "port param set pci/0000:03:00.0/0 name foo value 1",
            "port param foo",
            "port param help",
        ],
    );
}

/// `dpipe` on devices without dpipe headers (netdevsim's): every show and dump ends on
/// the failed headers request, as in iproute2 6.1 against netdevsim.
#[test]
fn dpipe() {
    check(
        "dpipe",
        &[
            "dpipe table show netdevsim/netdevsim0",
            "-j dpipe table show netdevsim/netdevsim0 name foo",
            "-j -p dpipe table show netdevsim/netdevsim0",
            "dpipe header show netdevsim/netdevsim0",
            "-j dpipe header show netdevsim/netdevsim0",
            "-j -p dpipe header show netdevsim/netdevsim0",
            "dpipe table dump netdevsim/netdevsim0 name foo",
            "-j -p dpipe table dump netdevsim/netdevsim0 name foo",
            "dpipe table show netdevsim/netdevsim9",
            "dpipe table set netdevsim/netdevsim0 name foo counters enable",
            "dpipe table set netdevsim/netdevsim0 name foo",
            "dpipe table set netdevsim/netdevsim0 counters_enabled true",
            "dpipe table set netdevsim/netdevsim0 name foo counters_enabled maybe",
            "dpipe table dump netdevsim/netdevsim0",
            "dpipe table show netdevsim/netdevsim0 counters_enabled true",
            "dpipe header show netdevsim/netdevsim0 name x",
            "dpipe header show",
            "dpipe",
            "dpipe table",
            "dpipe header foo",
            "dpipe foo",
        ],
    );
}

/// A device with mlxsw's dpipe headers and tables (`dpipe = true`; its resources are
/// netdevsim's), one with 40 ports (entries over several messages, as the kernel
/// splits them for 4 KiB reads), and one without.
const DPIPE_CONFIG: &str = r#"
[[device]]
id = 5
ports = 2
dpipe = true

[[device]]
id = 6
ports = 40
dpipe = true

[[device]]
id = 0
"#;

/// `dpipe` on a device that has headers and tables: headers (local ones first, each
/// list in reverse), tables with their resource paths, entries with mappings, IPv4,
/// IPv6 and MAC values, counters switched on and off (the `mlxsw_adj` counters exceed
/// 2^32: iproute2 prints them as `unsigned int`), the errors after the headers
/// request, which iproute2 prints without failing (`table dump` of an unknown table),
/// and dumps of 40 entries (several reply messages).
#[test]
fn dpipe_tables() {
    let d = "netdevsim/netdevsim5";
    let steps: Vec<String> = [
        "dpipe header show D",
        "-v dpipe header show D",
        "-j dpipe header show D",
        "-j -p -v dpipe header show D",
        "dpipe table show D",
        "-v dpipe table show D",
        "-j dpipe table show D",
        "-j -p dpipe table show D",
        "dpipe table show D name mlxsw_host4",
        "-j -p dpipe table show D name mlxsw_adj",
        "dpipe table show D name nope",
        "-j dpipe table show D name nope",
        "dpipe table dump D name mlxsw_erif",
        "dpipe table dump D name mlxsw_host4",
        "-j dpipe table dump D name mlxsw_host6",
        "-j -p dpipe table dump D name mlxsw_adj",
        "dpipe table set D name mlxsw_adj counters_enabled true",
        "dpipe table show D name mlxsw_adj",
        "dpipe table dump D name mlxsw_adj",
        "-j -p dpipe table dump D name mlxsw_adj",
        "dpipe table set D name mlxsw_erif counters_enabled true",
        "-j dpipe table dump D name mlxsw_erif",
        "dpipe table set D name mlxsw_adj counters_enabled false",
        "dpipe table dump D name mlxsw_adj",
        "-j dpipe table show D",
        "resource show D",
        "-j -p resource show D",
        "dpipe table dump D name nope",
        "-j -p dpipe table dump D name nope",
        "dpipe table set D name nope counters_enabled true",
        "dpipe table dump D",
        "dpipe header show netdevsim/netdevsim0",
        "dpipe table show netdevsim/netdevsim0",
        "dpipe table dump netdevsim/netdevsim6 name mlxsw_host6",
        "-j dpipe table dump netdevsim/netdevsim6 name mlxsw_adj",
        "dpipe table set netdevsim/netdevsim6 name mlxsw_host4 counters_enabled true",
        "-j -p dpipe table dump netdevsim/netdevsim6 name mlxsw_host4",
    ]
    .iter()
    .map(|s| s.replace(" D", &format!(" {d}")))
    .collect();
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    check_with("dpipe-tables", DPIPE_CONFIG, &steps);
}

/// A netdev name wherever iproute2 takes a port handle: looked up among the ports'
/// netdev names (a name two ports share is the last one dumped: `eth0` is the PCI
/// device's).
#[test]
fn netdev_names_as_port_handles() {
    check(
        "netdev",
        &[
            "port show eth0",
            "-j port show eth129",
            "port show ethX",
            "port set eth0 type eth",
            "port split eth0 count 2",
            "port unsplit eth1",
            "port function set eth128 hw_addr 00:11:22:33:44:55",
            "port del ethX",
            "port add ethX flavour pcisf pfnum 0",
            "health show eth0 reporter x",
            "-n sb port pool show eth0 pool 0",
            "-n sb port pool set eth0 pool 0 th 10",
            "-n sb tc bind show eth1 tc 0 type ingress",
            "-n sb tc bind set eth1 tc 0 type ingress pool 0 th 3",
            "-n sb tc bind show ethX tc 0 type ingress",
            "sb port pool show eth0 pool 0",
            "-j -p sb port pool show eth129 pool 1",
            "sb tc bind show eth1 tc 0 type ingress",
            "-j sb tc bind show eth128 tc 1 type egress",
            "sb port pool show eth0 pool 9",
            "-n sb port pool show pci/0000:03:00.0/0 pool 9",
        ],
    );
}
