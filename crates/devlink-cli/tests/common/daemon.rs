//! The real daemon on a private socket, for tests that run the real binaries.
//!
//! Finding `devlinkd`: cargo gives a test the path of its own package's binaries only
//! (`CARGO_BIN_EXE_dlctl`). The daemon's binary lands in the same directory
//! (`target/<profile>/`); `cargo test --workspace` builds it anyway (devlinkd's own
//! tests need it), and for `cargo test -p devlink-cli` the test first runs
//! `cargo build -p devlinkd --bin devlinkd` with the cargo that runs it (a no-op when it
//! is fresh; `DLCTL_TEST_NO_BUILD=1` skips it). It then takes `devlinkd` next to `dlctl`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `dlctl` binary under test.
pub(crate) const DLCTL: &str = env!("CARGO_BIN_EXE_dlctl");

/// `devlinkd`, built if need be, next to `dlctl`.
pub(crate) fn devlinkd() -> PathBuf {
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

/// `libdevlink_preload.so`, built if need be (`DLCTL_TEST_NO_BUILD=1` skips that), next
/// to `dlctl`.
pub(crate) fn shim() -> PathBuf {
    if std::env::var_os("DLCTL_TEST_NO_BUILD").is_none() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "devlink-preload"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("running cargo build");
        assert!(status.success(), "cargo build -p devlink-preload failed");
    }
    let so = Path::new(DLCTL).with_file_name("libdevlink_preload.so");
    assert!(so.exists(), "{} missing", so.display());
    so
}

/// iproute2's `devlink` (`$DEVLINK_BIN`, else `/usr/sbin/devlink`).
pub(crate) fn iproute2_devlink() -> PathBuf {
    let bin = std::env::var_os("DEVLINK_BIN")
        .map_or_else(|| PathBuf::from("/usr/sbin/devlink"), PathBuf::from);
    assert!(
        bin.exists(),
        "{} is missing (iproute2's devlink: apt-get install iproute2)",
        bin.display()
    );
    bin
}

/// A daemon without default devices on a private socket; killed on drop. It runs with
/// `--exit-on-stdin-eof` and its stdin is a pipe whose write end this holds, so that it
/// also ends with the test process, however that ends.
pub(crate) struct Daemon {
    child: Child,
    /// Held, not written: the daemon exits when it closes.
    _stdin: Option<ChildStdin>,
    dir: PathBuf,
    /// `devlinkd`'s arguments, to start it again.
    args: Vec<OsString>,
    /// The daemon's socket.
    pub(crate) socket: PathBuf,
}

impl Daemon {
    /// `name`: the test's, so that tests running in parallel do not share a directory.
    pub(crate) fn start(name: &str) -> Self {
        Self::start_with(name, None, false, &[])
    }

    /// [`Daemon::start`] with the daemon's demo devices (`netdevsim/netdevsim0`,
    /// `pci/0000:03:00.0`).
    pub(crate) fn start_demo(name: &str) -> Self {
        Self::start_with(name, None, true, &[])
    }

    /// [`Daemon::start`] with more `devlinkd` arguments (`--watch-history N`).
    pub(crate) fn start_with_args(name: &str, args: &[&str]) -> Self {
        Self::start_with(name, None, false, args)
    }

    /// [`Daemon::start`] with the devices of a `--config` file (`toml`).
    pub(crate) fn start_with_config(name: &str, toml: &str) -> Self {
        Self::start_with(name, Some(toml), false, &[])
    }

    fn start_with(name: &str, config: Option<&str>, demo: bool, extra: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("dlctl-sim-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
        let mut args: Vec<OsString> = Vec::new();
        if let Some(toml) = config {
            let file = dir.join("devlinkd.toml");
            std::fs::write(&file, toml).unwrap();
            args.extend(["--config".into(), file.into()]);
        } else if !demo {
            args.push("--no-default-devices".into());
        }
        args.extend(["--admin-group".into(), gid.into()]);
        args.extend(["--socket".into(), socket.clone().into()]);
        // Its own state dir: the default one is locked by any other devlinkd.
        args.extend(["--state-dir".into(), dir.join("state").into()]);
        args.extend(extra.iter().map(OsString::from));
        let (child, stdin) = spawn(&args, &socket);
        Self {
            child,
            _stdin: stdin,
            dir,
            args,
            socket,
        }
    }

    /// Kill the daemon with `SIGKILL` and start a new one on the same socket path, with
    /// the same arguments (and so the same devices at start).
    pub(crate) fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The dead daemon's socket file stays behind: wait for the new one's.
        let _ = std::fs::remove_file(&self.socket);
        (self.child, self._stdin) = spawn(&self.args, &self.socket);
    }

    /// `dlctl ARGS` with the socket from the environment.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(DLCTL)
            .args(args)
            .env("DEVLINKD_SOCKET", &self.socket)
            .output()
            .unwrap()
    }

    /// iproute2's own `devlink ARGS` (`/usr/sbin/devlink`, or `$DEVLINK_BIN`) through the
    /// `LD_PRELOAD` shim, against this daemon.
    pub(crate) fn iproute2(&self, args: &[&str]) -> Output {
        Command::new(iproute2_devlink())
            .args(args)
            .env("LD_PRELOAD", shim())
            .env("DEVLINKD_SOCKET", &self.socket)
            .output()
            .unwrap()
    }

    /// `dlctl sim ARGS` with the socket from the environment.
    pub(crate) fn sim(&self, args: &[&str]) -> Output {
        Command::new(DLCTL)
            .arg("sim")
            .args(args)
            .env("DEVLINKD_SOCKET", &self.socket)
            .output()
            .unwrap()
    }
}

/// Start `devlinkd` with `args` (and `--exit-on-stdin-eof`: the write end of its stdin
/// is returned) and wait until it listens on `socket`; killed if it does not.
fn spawn(args: &[OsString], socket: &Path) -> (Child, Option<ChildStdin>) {
    let mut child = Command::new(devlinkd())
        .args(args)
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let start = Instant::now();
    while !socket.exists() {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("devlinkd did not start");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (child, stdin)
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
