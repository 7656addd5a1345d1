//! Run real clients under the shim against the real daemon: locate (and if need be
//! build) `devlinkd` and `libdevlink_preload.so`, start the daemon on a private socket,
//! run commands with `LD_PRELOAD`.
//!
//! Where the artefacts come from: both live in the test executable's profile directory
//! (`target/debug/`). `cargo test` builds this package's cdylib before its tests (the
//! library is also an rlib, so the tests depend on it), but not another package's
//! binary; so the first test to need them runs `$CARGO build -p devlinkd -p
//! devlink-preload -p devlink-cli` into the same target directory (a no-op when they are fresh; cargo
//! releases its build lock before it runs tests). `DEVLINKD_BIN`, `DEVLINK_PRELOAD_SO`
//! (an `LD_PRELOAD` list: `.ci/asan` puts the ASan runtime first) and `DEVLINK_BIN`
//! override the paths, `DLCTL_BIN` that of `dlctl`.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

#[path = "../../../devlinkd/tests/common/wait.rs"]
pub mod wait;

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const T: Duration = Duration::from_secs(20);

/// Paths of the daemon, the shim and the client.
#[derive(Debug)]
pub struct Artefacts {
    pub devlinkd: PathBuf,
    pub shim: PathBuf,
    pub devlink: PathBuf,
    /// `dlctl` (devlink-cli), whose show commands must print what iproute2 prints.
    pub dlctl: PathBuf,
}

/// Build (once per test process) and locate the artefacts.
pub fn artefacts() -> &'static Artefacts {
    static A: OnceLock<Artefacts> = OnceLock::new();
    A.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        // target/<profile>/deps/<test> or target/<triple>/<profile>/deps/<test>
        let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
        let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
        if env("DEVLINKD_BIN").is_none()
            || env("DEVLINK_PRELOAD_SO").is_none()
            || env("DLCTL_BIN").is_none()
        {
            build(&profile_dir);
        }
        let a = Artefacts {
            devlinkd: env("DEVLINKD_BIN").unwrap_or_else(|| profile_dir.join("devlinkd")),
            shim: env("DEVLINK_PRELOAD_SO")
                .unwrap_or_else(|| profile_dir.join("libdevlink_preload.so")),
            devlink: env("DEVLINK_BIN").unwrap_or_else(|| PathBuf::from("/usr/sbin/devlink")),
            dlctl: env("DLCTL_BIN").unwrap_or_else(|| profile_dir.join("dlctl")),
        };
        // The shim may be a `:`-separated LD_PRELOAD list (.ci/asan puts the ASan
        // runtime first).
        let shims = std::env::split_paths(&a.shim).collect::<Vec<_>>();
        for p in shims.iter().chain([&a.devlinkd, &a.devlink, &a.dlctl]) {
            assert!(
                p.exists(),
                "{} is missing (iproute2's devlink: apt-get install iproute2)",
                p.display()
            );
        }
        a
    })
}

/// `cargo build -p devlinkd -p devlink-preload -p devlink-cli` into the test's own target directory,
/// profile and target triple.
fn build(profile_dir: &Path) {
    let Some(cargo) = std::env::var_os("CARGO") else {
        return;
    };
    let parent = profile_dir.parent().unwrap();
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--quiet",
        "-p",
        "devlinkd",
        "-p",
        "devlink-preload",
        "-p",
        "devlink-cli",
    ]);
    // A target directory holds `.rustc_info.json` (and `CACHEDIR.TAG`); otherwise
    // `parent` is a target triple's directory inside it.
    let is_target_dir =
        |d: &Path| d.join(".rustc_info.json").exists() || d.join("CACHEDIR.TAG").exists();
    let target_dir = if is_target_dir(parent) {
        parent.to_path_buf()
    } else {
        cmd.arg("--target").arg(parent.file_name().unwrap());
        parent.parent().unwrap().to_path_buf()
    };
    cmd.arg("--target-dir").arg(target_dir);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
        None => {}
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "building devlinkd and the shim failed");
}

/// A running daemon with the demo devices on a private socket; killed on drop.
pub struct Daemon {
    child: Child,
    pub dir: PathBuf,
    pub socket: PathBuf,
}

impl Daemon {
    pub fn start(name: &str) -> Self {
        Self::start_with(name, &[])
    }

    /// [`Daemon::start`] with more arguments for `devlinkd`.
    pub fn start_with(name: &str, extra: &[&str]) -> Self {
        let a = artefacts();
        let dir =
            std::env::temp_dir().join(format!("devlink-preload-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        let log = std::fs::File::create(dir.join("devlinkd.log")).unwrap();
        // The test's own group may run admin commands (`dev eswitch show`), as root may.
        let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
        let child = Command::new(&a.devlinkd)
            .arg("--socket")
            .arg(&socket)
            .args(["--admin-group", &gid])
            // Its own state dir: the default one is locked by any other devlinkd.
            .arg("--state-dir")
            .arg(dir.join("state"))
            .args(extra)
            .stderr(log)
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !socket.exists() {
            assert!(start.elapsed() < T, "devlinkd did not start");
            std::thread::sleep(Duration::from_millis(5));
        }
        Self { child, dir, socket }
    }

    /// A `devlink` command under the shim (not yet started).
    pub fn devlink_cmd(&self, args: &[&str]) -> Command {
        let a = artefacts();
        let mut cmd = Command::new(&a.devlink);
        cmd.args(args)
            .env("LD_PRELOAD", &a.shim)
            .env("DEVLINKD_SOCKET", &self.socket)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Run `devlink ARGS` under the shim to completion (killed after [`T`]).
    pub fn devlink(&self, args: &[&str]) -> Run {
        let mut child = self.devlink_cmd(args).spawn().unwrap();
        finish(&mut child, args)
    }
}

impl Daemon {
    /// Run `dlctl --socket SOCKET ARGS` (no shim) to completion.
    pub fn dlctl(&self, args: &[&str]) -> Run {
        self.run_dlctl(&[], args)
    }

    /// Run `dlctl sim --socket SOCKET ARGS` to completion; it must succeed.
    pub fn sim(&self, args: &[&str]) -> String {
        self.run_dlctl(&["sim"], args).ok()
    }

    /// Run `dlctl PRE --socket SOCKET ARGS` to completion.
    fn run_dlctl(&self, pre: &[&str], args: &[&str]) -> Run {
        let a = artefacts();
        let mut child = Command::new(&a.dlctl)
            .args(pre)
            .arg("--socket")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        finish(&mut child, args)
    }
}

/// Wait for `child` (killed after [`T`]) and collect its output, read as it comes (a
/// long `region dump` fills a pipe).
fn finish(child: &mut Child, args: &[&str]) -> Run {
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            r.read_to_end(&mut v).unwrap();
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status =
        wait::wait_timeout(child, T).unwrap_or_else(|| panic!("{args:?} did not finish in {T:?}"));
    Run {
        args: args.join(" "),
        out: Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Ok(log) = std::fs::read_to_string(self.dir.join("devlinkd.log"))
        {
            eprintln!("devlinkd's log:\n{log}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub args: String,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    /// Exit status 0 and nothing on stderr; returns stdout.
    pub fn ok(&self) -> String {
        assert!(
            self.out.status.success() && self.out.stderr.is_empty(),
            "devlink {}: {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args,
            self.out.status,
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
}
