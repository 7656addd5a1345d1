//! iproute2's `devlink` (Debian 6.1, dynamically linked) against devlinkd through the
//! shim: show commands, a param set and a reload, errors with their extack text and exit
//! status, `dev flash` (synchronous send across a fork) and `devlink monitor` checked
//! event by event against what the daemon sends.
//!
//! The show outputs are checked for exit status and key content; a byte-exact
//! comparison with `devlink_cli::show`'s renderers over the same replies is a follow-up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::wait::wait_timeout;
use common::{Daemon, T};
use devlink_cli::show::{Monitor, Options};
use devlink_client::{Connection, msg};
use devlink_wire::message::Payload;
use devlink_wire::spec::Cmd;
use devlink_wire::transport::{Membership, Transport};

const FAM: u16 = 0x14;

/// `devlink dev param set netdevsim/netdevsim0 name NAME value VALUE cmode CMODE`.
fn param_set(d: &Daemon, name: &str, value: &str, cmode: &str) -> common::Run {
    d.devlink(&[
        "dev",
        "param",
        "set",
        "netdevsim/netdevsim0",
        "name",
        name,
        "value",
        value,
        "cmode",
        cmode,
    ])
}

#[test]
fn dev_show_text_and_json() {
    let d = Daemon::start("dev_show");
    assert_eq!(
        d.devlink(&["dev", "show"]).ok(),
        "netdevsim/netdevsim0\npci/0000:03:00.0\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&d.devlink(&["-j", "-p", "dev", "show"]).ok()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"dev": {"netdevsim/netdevsim0": {}, "pci/0000:03:00.0": {}}})
    );
}

#[test]
fn show_commands() {
    let d = Daemon::start("show");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["port", "show"],
            &[
                "netdevsim/netdevsim0/0: type eth netdev eth0 flavour physical port 1 splittable false\n",
                "netdevsim/netdevsim0/3: type eth netdev eth3 flavour physical port 4 splittable false\n",
                "pci/0000:03:00.0/128: type eth netdev eth128 flavour pcivf controller 0 pfnum 0 vfnum 0 external false splittable false\n",
            ],
        ),
        (
            &["dev", "param", "show"],
            &[
                "netdevsim/netdevsim0:\n  name max_macs type generic\n    values:\n      cmode driverinit value 32\n",
                "  name test1 type driver-specific\n",
            ],
        ),
        (
            &["dev", "info"],
            &[
                "netdevsim/netdevsim0:\n  driver netdevsim\n",
                "fw.mgmt 10.20.30",
            ],
        ),
        (
            &["dev", "eswitch", "show", "pci/0000:03:00.0"],
            &["pci/0000:03:00.0: mode switchdev"],
        ),
        (
            &["health", "show"],
            &[
                "  reporter empty\n    state healthy error 0 recover 0 auto_dump true\n",
                "  reporter dummy\n    state healthy error 0 recover 0 grace_period 0 auto_recover true auto_dump true\n",
            ],
        ),
        (
            &["region", "show"],
            &["netdevsim/netdevsim0/dummy: size 32768 snapshot [] max 16\n"],
        ),
        (
            &["trap", "show"],
            &["  name source_mac_is_multicast type drop generic true action drop group l2_drops\n"],
        ),
        (
            &["resource", "show", "netdevsim/netdevsim0"],
            &[
                "  name IPv4 size unlimited unit entry size_min 0 size_max unlimited size_gran 1 dpipe_tables none\n",
                "name fib size unlimited occ",
            ],
        ),
    ];
    for (args, wanted) in cases {
        let out = d.devlink(args).ok();
        for w in *wanted {
            assert!(out.contains(w), "devlink {args:?}: {w:?} not in\n{out}");
        }
    }
    let ports = d.devlink(&["port", "show"]).ok();
    assert_eq!(ports.lines().count(), 8, "{ports}");
}

#[test]
fn param_set_then_reload() {
    let d = Daemon::start("param");
    assert_eq!(param_set(&d, "max_macs", "16", "driverinit").ok(), "");
    let show = [
        "dev",
        "param",
        "show",
        "netdevsim/netdevsim0",
        "name",
        "max_macs",
    ];
    assert!(
        d.devlink(&show)
            .ok()
            .contains("cmode driverinit value 16\n")
    );
    assert_eq!(
        d.devlink(&["dev", "reload", "netdevsim/netdevsim0"]).ok(),
        ""
    );
    assert!(
        d.devlink(&show)
            .ok()
            .contains("cmode driverinit value 16\n")
    );
}

#[test]
fn errors_print_the_extack_and_fail() {
    let d = Daemon::start("errors");
    let r = d.devlink(&[
        "dev",
        "reload",
        "netdevsim/netdevsim0",
        "action",
        "fw_activate",
    ]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(
        r.stderr(),
        "Error: Requested reload action is not supported by the driver.\nkernel answers: Operation not supported\n"
    );
    let r = param_set(&d, "max_macs", "17", "runtime");
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stderr().contains("Configuration mode not supported"),
        "{}",
        r.stderr()
    );
    let r = d.devlink(&["dev", "show", "pci/0000:99:00.0"]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(r.stderr(), "kernel answers: No such device\n");
}

#[test]
fn an_unreachable_daemon_is_reported() {
    let d = Daemon::start("unreachable");
    let mut cmd = d.devlink_cmd(&["dev", "show"]);
    cmd.env("DEVLINKD_SOCKET", d.dir.join("nobody.sock"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("libdevlink_preload: cannot reach devlinkd at"),
        "{err}"
    );
}

/// `devlink dev flash` forks: the child sends FLASH_UPDATE on the first socket and
/// reports through a pipe; the parent reads the status notifications on a second one
/// and stops once the child is done. Without the synchronous send it prints nothing.
///
/// iproute2 relies on the flash taking time: if the child is done before the parent's
/// first `select`, the parent handles the "begin" notification and the pipe in one round
/// and stops before printing any status. So the device is paced (`flash_chunk_ms = 1`:
/// the reply comes 500 ms after the request, the stream trickles out meanwhile), as a
/// kernel flash is, and every run must print the whole stream.
#[test]
fn flash_prints_the_status_stream() {
    let cfg =
        std::env::temp_dir().join(format!("devlink-preload-flash-{}.toml", std::process::id()));
    // netdevsim's own pace (10 ms a chunk, 500 chunks): the flash client itself reads
    // its status messages through the same 4 KiB backlog, and at 1 ms a chunk a 30 ms
    // stall of that client on a loaded machine overran it too (exit 1 after "Flashing").
    std::fs::write(&cfg, "[[device]]\nid = 0\nflash_chunk_ms = 10\n").unwrap();
    let d = Daemon::start_with("flash", &["--config", cfg.to_str().unwrap()]);
    let expected = "Preparing to flash\nFlashing\nFlash select\nFlashing done\n";
    for _ in 0..3 {
        let start = Instant::now();
        let out = d
            .devlink(&["dev", "flash", "netdevsim/netdevsim0", "file", "fw.bin"])
            .ok();
        assert_eq!(out, expected);
        assert!(start.elapsed() >= Duration::from_millis(500));
    }
    let out = d
        .devlink(&[
            "dev",
            "flash",
            "netdevsim/netdevsim0",
            "file",
            "fw.bin",
            "component",
            "fw.mgmt",
        ])
        .ok();
    assert!(out.starts_with("[fw.mgmt] Preparing to flash\n"), "{out}");
    let _ = std::fs::remove_file(&cfg);
}

/// What the daemon sends a plain subscriber, rendered as iproute2 prints it.
struct Reference {
    conn: Connection,
    monitor: Monitor,
}

impl Reference {
    fn subscribe(d: &Daemon) -> Self {
        let conn = Connection::connect(&d.socket).unwrap();
        let join = Transport::Membership(Membership {
            group: 2,
            drop: false,
            errno: None,
        });
        conn.send(&msg::transport(1, &join)).unwrap();
        let reply = Transport::parse(&conn.recv(T).unwrap()).unwrap().1;
        assert!(
            matches!(
                reply,
                Transport::Membership(Membership { errno: Some(0), .. })
            ),
            "{reply:?}"
        );
        let monitor = Monitor::new(&[], Options::default()).unwrap();
        Self { conn, monitor }
    }

    /// Render every notification already queued (the shim's send is synchronous, so
    /// once a `devlink` command returns, what it caused is queued here).
    fn drain(&mut self) -> String {
        while let Ok(datagram) = self.conn.recv(Duration::from_millis(200)) {
            for m in msg::decode_all(&datagram, FAM) {
                if let Payload::Devlink(d) = &m.payload {
                    let cmd = Cmd::from_repr(d.genl.cmd).unwrap();
                    self.monitor.event(cmd, &d.body).unwrap();
                }
            }
        }
        self.monitor.take_output()
    }
}

/// Collect a child's stdout in the background.
fn collect(mut out: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let b = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = out.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(chunk.get(..n).unwrap()));
        }
    });
    buf
}

/// Wait until `buf` holds at least `len` bytes and has stopped growing for a moment.
fn settle(buf: &Mutex<String>, len: usize) -> String {
    let start = Instant::now();
    let mut last = (usize::MAX, Instant::now());
    loop {
        let now = buf.lock().unwrap().clone();
        if now.len() != last.0 {
            last = (now.len(), Instant::now());
        }
        if (now.len() >= len && last.1.elapsed() > Duration::from_millis(300))
            || start.elapsed() > T
        {
            return now;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn monitor_across_the_device_life_matches_the_daemons_notifications() {
    let d = Daemon::start("monitor");
    let mut reference = Reference::subscribe(&d);
    let mut child = d
        .devlink_cmd(&["monitor"])
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = collect(child.stdout.take().unwrap());

    // The monitor prints nothing until it gets an event: toggle a parameter until it
    // shows one, so it is known to be subscribed.
    let start = Instant::now();
    for value in ["false", "true"].iter().cycle() {
        param_set(&d, "test1", value, "driverinit").ok();
        std::thread::sleep(Duration::from_millis(50));
        if !out.lock().unwrap().is_empty() {
            break;
        }
        assert!(start.elapsed() < T, "devlink monitor printed nothing");
    }
    reference.drain();
    let mark = settle(&out, 1).len();

    // Each step's notifications, as the daemon sent them and rendered by dlctl's
    // monitor, must be what `devlink monitor` prints, line for line, in order; `shows`
    // is one line that step must show.
    let dev = "netdevsim/netdevsim5";
    let steps: [(&str, &dyn Fn(), &str); 10] = [
        (
            "reload",
            &|| drop(d.devlink(&["dev", "reload", "netdevsim/netdevsim0"])),
            "[port,new]",
        ),
        (
            "creation",
            &|| drop(d.sim(&["new-device", "5", "--ports", "2"])),
            "[dev,new]",
        ),
        (
            "failing reload",
            &|| {
                drop(d.sim(&["set", "5", "fail_reload", "true"]));
                drop(d.devlink(&["dev", "reload", dev]));
            },
            "[port,del]",
        ),
        (
            "reload after the failure",
            &|| {
                drop(d.sim(&["set", "5", "fail_reload", "false"]));
                drop(d.devlink(&["dev", "reload", dev]));
            },
            "[dev,new]",
        ),
        (
            "flash",
            &|| drop(d.devlink(&["dev", "flash", dev, "file", "fw.bin"])),
            "[flash,",
        ),
        (
            "health break",
            &|| drop(d.sim(&["set", "5", "health/break_health", "oops"])),
            "[health,",
        ),
        (
            "snapshot",
            &|| drop(d.devlink(&["region", "new", &format!("{dev}/dummy"), "snapshot", "7"])),
            "[region,new]",
        ),
        (
            "switchdev",
            &|| drop(d.devlink(&["dev", "eswitch", "set", dev, "mode", "switchdev"])),
            "",
        ),
        (
            "VFs",
            &|| drop(d.sim(&["sriov-numvfs", "5", "2"])),
            "[port,new]",
        ),
        (
            "deletion",
            &|| drop(d.sim(&["del-device", "5"])),
            "[dev,del]",
        ),
    ];
    let mut mark = mark;
    for (name, action, shows) in steps {
        action();
        let expected = reference.drain();
        assert!(expected.contains(shows), "{name}: {expected}");
        let all = settle(&out, mark + expected.len());
        let got = all.get(mark..).unwrap_or_default();
        let (want_lines, got_lines): (Vec<_>, Vec<_>) = (
            expected.split_inclusive('\n').collect(),
            got.split_inclusive('\n').collect(),
        );
        for (i, (w, g)) in want_lines.iter().zip(&got_lines).enumerate() {
            assert_eq!(g, w, "{name}: line {i} of the monitor's output");
        }
        assert_eq!(
            got_lines.len(),
            want_lines.len(),
            "{name}: monitor output:\n{got}"
        );
        mark = all.len();
    }

    // Ctrl-C ends the monitor cleanly.
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = wait_timeout(&mut child, T).expect("monitor did not stop on SIGINT");
    assert!(status.success(), "{status:?}");
}

/// A `devlink monitor` that stops reading (SIGSTOP) during a paced flash overruns, as on
/// the kernel: once it runs again it prints what was queued, then `devlink answers: No
/// buffer space available` and exits 1. Meanwhile the daemon serves everyone else.
///
/// The daemon's backlog is capped small (`--max-backlog`): it counts notification
/// bytes, where the kernel's receive queue counts each skb's truesize (~4 times more
/// for a flash status message), so a default-sized backlog holds a whole flash stream
/// that overruns a kernel socket of the default size.
#[test]
fn a_stalled_monitor_gets_enobufs_and_the_daemon_goes_on() {
    let cfg = std::env::temp_dir().join(format!(
        "devlink-preload-enobufs-{}.toml",
        std::process::id()
    ));
    // netdevsim's own pace (10 ms a chunk, 500 chunks): the flash client itself reads
    // its status messages through the same 4 KiB backlog, and at 1 ms a chunk a 30 ms
    // stall of that client on a loaded machine overran it too (exit 1 after "Flashing").
    std::fs::write(&cfg, "[[device]]\nid = 0\nflash_chunk_ms = 10\n").unwrap();
    let d = Daemon::start_with(
        "enobufs",
        &["--config", cfg.to_str().unwrap(), "--max-backlog", "4096"],
    );
    let mut child = d.devlink_cmd(&["monitor"]).spawn().unwrap();
    let out = collect(child.stdout.take().unwrap());
    let err = collect(child.stderr.take().unwrap());
    let start = Instant::now();
    for value in ["false", "true"].iter().cycle() {
        param_set(&d, "test1", value, "driverinit").ok();
        std::thread::sleep(Duration::from_millis(50));
        if !out.lock().unwrap().is_empty() {
            break;
        }
        assert!(start.elapsed() < T, "devlink monitor printed nothing");
    }
    let signal = |sig: &str| {
        let s = std::process::Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(s.success());
    };
    signal("-STOP");
    let flash = d
        .devlink(&["dev", "flash", "netdevsim/netdevsim0", "file", "fw.bin"])
        .ok();
    assert!(flash.ends_with("Flashing done\n"), "{flash}");
    // Another client is served while the monitor is stopped.
    assert_eq!(d.devlink(&["dev", "show"]).ok(), "netdevsim/netdevsim0\n");
    signal("-CONT");
    let status = wait_timeout(&mut child, T).expect("the monitor did not stop on ENOBUFS");
    assert_eq!(status.code(), Some(1), "{status:?}");
    let err = settle(&err, 1);
    assert_eq!(err, "devlink answers: No buffer space available\n");
    assert!(
        out.lock().unwrap().contains("[flash,status]"),
        "{}",
        out.lock().unwrap()
    );
    // And after it.
    assert_eq!(d.devlink(&["dev", "show"]).ok(), "netdevsim/netdevsim0\n");
    let _ = std::fs::remove_file(&cfg);
}
