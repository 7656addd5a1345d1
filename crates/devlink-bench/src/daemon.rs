//! A `devlinkd` started by the benchmark on a temporary socket, its resource usage from
//! `/proc/PID/{status,stat}`, and the `dbus-daemon` started on a private bus.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A child process (devlinkd or dbus-daemon) in its own temporary directory: killed
/// and the directory removed on drop. devlinkd also exits by itself when the benchmark
/// dies (`--exit-on-stdin-eof`); dbus-daemon does not.
#[derive(Debug)]
pub(crate) struct Daemon {
    child: Child,
    dir: PathBuf,
    /// devlinkd's socket, or dbus-daemon's address.
    pub(crate) address: String,
}

impl Daemon {
    /// Start `devlinkd` (binary `exe`) without the demo devices, the caller's group as
    /// admin group, and a notification backlog cap large enough for the workloads.
    pub(crate) fn devlinkd(exe: &Path, tag: &str) -> Result<Self> {
        let dir = temp_dir(tag)?;
        let socket = dir.join("d.sock");
        let gid = std::fs::metadata("/proc/self")?.gid().to_string();
        let log = std::fs::File::create(dir.join("devlinkd.log"))?;
        let child = Command::new(exe)
            .arg("--socket")
            .arg(&socket)
            .arg("--state-dir")
            .arg(dir.join("state"))
            .args(["--admin-group", &gid, "--no-default-devices"])
            .args(["--max-backlog", &MAX_BACKLOG.to_string()])
            // Its stdin is a pipe whose write end only this process holds (in `child`):
            // if the benchmark dies, even by SIGKILL, the daemon reads end-of-file and
            // exits instead of staying behind.
            .arg("--exit-on-stdin-eof")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let start = Instant::now();
        while !socket.exists() {
            if start.elapsed() > Duration::from_secs(10) {
                bail!("devlinkd did not create {}", socket.display());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(Self {
            child,
            dir,
            address: socket.to_string_lossy().into_owned(),
        })
    }

    /// Start `dbus-daemon --nofork --print-address` on a private configuration
    /// (a Unix socket in a temporary directory, limits raised so that nothing is
    /// dropped or throttled by quota). `None` when dbus-daemon is not installed.
    pub(crate) fn dbus_daemon(tag: &str) -> Result<Option<Self>> {
        let Some(exe) = which("dbus-daemon") else {
            return Ok(None);
        };
        let dir = temp_dir(tag)?;
        let config = dir.join("bus.conf");
        std::fs::write(&config, dbus_config(&dir.join("bus.sock")))?;
        let mut child = Command::new(exe)
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting dbus-daemon")?;
        let out = child.stdout.take().context("dbus-daemon stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        let address = line.trim().to_owned();
        if address.is_empty() {
            let _ = child.kill();
            bail!("dbus-daemon printed no address");
        }
        Ok(Some(Self {
            child,
            dir,
            address,
        }))
    }

    /// The path of devlinkd's socket.
    pub(crate) fn socket(&self) -> &Path {
        Path::new(&self.address)
    }

    /// Resident set size in KiB (`VmRSS`).
    pub(crate) fn rss_kib(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")
    }

    /// CPU time used so far (user + system, `/proc/PID/stat` fields 14 and 15).
    pub(crate) fn cpu(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The command name may hold spaces: fields are counted after its `)`.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).context("bad stat")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks =
            |i: usize| -> Result<u64> { Ok(f.get(i).context("short stat")?.parse::<u64>()?) };
        // Fields 14 and 15 overall are 12 and 13 after the name (state is field 3).
        let total = ticks(11)? + ticks(12)?;
        let hz = rustix::param::clock_ticks_per_second().max(1);
        Ok(Duration::from_nanos(
            total.saturating_mul(1_000_000_000) / hz,
        ))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The cap on a connection's backlog the benchmark gives devlinkd (2 GiB): subscribers
/// are not meant to overrun (the workloads check they do not).
pub(crate) const MAX_BACKLOG: usize = 1 << 31;

/// The `devlinkd` binary: `--devlinkd`, else next to this executable.
pub(crate) fn devlinkd_exe(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_owned());
    }
    let me = std::env::current_exe()?;
    let p = me.with_file_name("devlinkd");
    if p.exists() {
        Ok(p)
    } else {
        bail!(
            "no devlinkd next to {} (build it: cargo build --release -p devlinkd), or pass --devlinkd",
            me.display()
        )
    }
}

fn temp_dir(tag: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("devlink-bench-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// A session-like bus of its own: one Unix socket, EXTERNAL auth, everything allowed,
/// and quotas far above what the workloads queue.
fn dbus_config(socket: &Path) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
  <limit name="max_incoming_bytes">1000000000</limit>
  <limit name="max_outgoing_bytes">1000000000</limit>
  <limit name="max_message_size">1000000000</limit>
  <limit name="max_connections_per_user">100000</limit>
  <limit name="max_completed_connections">100000</limit>
  <limit name="max_match_rules_per_connection">50000</limit>
  <limit name="reply_timeout">300000</limit>
</busconfig>
"#,
        socket.display()
    )
}
