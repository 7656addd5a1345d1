//! `dlctl sim` against the real daemon: both real binaries, over a real socket.
//!
//! Finding `devlinkd`: cargo gives a test the path of its own package's binaries only
//! (`CARGO_BIN_EXE_dlctl`). The daemon's binary lands in the same directory
//! (`target/<profile>/`); `cargo test --workspace` builds it anyway (devlinkd's own
//! tests need it), and for `cargo test -p devlink-cli` the test first runs
//! `cargo build -p devlinkd --bin devlinkd` with the cargo that runs it (a no-op when it
//! is fresh; `DLCTL_TEST_NO_BUILD=1` skips it). It then takes `devlinkd` next to `dlctl`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

const DLCTL: &str = env!("CARGO_BIN_EXE_dlctl");

/// `devlinkd`, built if need be, next to `dlctl`.
fn devlinkd() -> PathBuf {
    if std::env::var_os("DLCTL_TEST_NO_BUILD").is_none() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "devlinkd", "--bin", "devlinkd"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("running cargo build");
        assert!(status.success(), "cargo build -p devlinkd failed");
    }
    let bin = Path::new(DLCTL).with_file_name("devlinkd");
    assert!(
        bin.exists(),
        "{} missing: run `cargo build -p devlinkd` first",
        bin.display()
    );
    bin
}

/// A daemon without default devices on a private socket; killed on drop.
struct Daemon {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
}

impl Daemon {
    /// `name`: the test's, so that tests running in parallel do not share a directory.
    fn start(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("dlctl-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
        let child = Command::new(devlinkd())
            .arg("--no-default-devices")
            .args(["--admin-group", &gid])
            .arg("--socket")
            .arg(&socket)
            // Its own state dir: the default one is locked by any other devlinkd.
            .arg("--state-dir")
            .arg(dir.join("state"))
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !socket.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "devlinkd did not start"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        Self { child, dir, socket }
    }

    /// `dlctl sim ARGS` with the socket from the environment.
    fn dlctl(&self, args: &[&str]) -> Output {
        Command::new(DLCTL)
            .arg("sim")
            .args(args)
            .env("DEVLINKD_SOCKET", &self.socket)
            .output()
            .unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn create_set_list_delete() {
    let d = Daemon::start("create");
    let out = stdout(&d.dlctl(&["new-device", "10", "--ports", "2"]));
    assert!(
        out.starts_with("netdevsim/netdevsim10: id 10 vfs 0\n"),
        "{out}"
    );
    stdout(&d.dlctl(&["set", "10", "fail_reload", "true"]));
    stdout(&d.dlctl(&["set", "10", "health/break_health", "the msg"]));
    stdout(&d.dlctl(&["set", "10", "take_snapshot", "1"]));
    stdout(&d.dlctl(&["new-port", "10", "0x7"]));
    stdout(&d.dlctl(&["sriov-numvfs", "10", "2"]));

    let list = stdout(&d.dlctl(&["list"]));
    assert!(
        list.contains("netdevsim/netdevsim10: id 10 vfs 2\n"),
        "{list}"
    );
    assert!(list.contains("\n  fail_reload Y\n"), "{list}");
    assert!(list.contains("\n  take_snapshot (write-only)\n"), "{list}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&d.dlctl(&["list", "-j"]))).unwrap();
    let dev = &json["sim"][0];
    assert_eq!(dev["handle"], "netdevsim/netdevsim10");
    let knobs = dev["knobs"].as_array().unwrap();
    assert!(
        knobs
            .iter()
            .any(|k| k["name"] == "fail_reload" && k["value"] == "Y")
    );

    stdout(&d.dlctl(&["del-device", "10"]));
    assert_eq!(stdout(&d.dlctl(&["list"])), "");
}

#[test]
fn errors_print_as_iproute2_and_exit_1() {
    let d = Daemon::start("errors");
    let o = d.dlctl(&["del-device", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "Error: no netdevsim device 3.\nkernel answers: No such file or directory\n"
    );
    stdout(&d.dlctl(&["new-device", "3"]));
    let o = d.dlctl(&["--socket", d.socket.to_str().unwrap(), "new-device", "3"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.ends_with("kernel answers: No space left on device\n"),
        "{err}"
    );
    // No daemon there: not a daemon's answer, exit 2.
    let o = Command::new(DLCTL)
        .args(["sim", "list", "--socket", "/nonexistent/d.sock"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
