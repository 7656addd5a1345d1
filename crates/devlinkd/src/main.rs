//! `devlinkd`: serve the devlink generic-netlink family on a Unix `SOCK_SEQPACKET`
//! socket (`docs/transport.md`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Parser;
use devlink_core::Core;
use devlinkd::config::{self, Config};
use devlinkd::server::{Server, ServerConfig};
use devlinkd::shell::{self, AdminPolicy, StdinWatch, group_id};
use devlinkd::store::FileStore;
use tokio::signal::unix::{SignalKind, signal};
use tokio_seqpacket::{UnixSeqpacket, UnixSeqpacketListener};

/// Serve devlink (the kernel's generic-netlink device-management API) from user space.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Socket path [default: $DEVLINKD_SOCKET, else the config file's `socket`, else
    /// /run/devlinkd/devlinkd.sock for root, $XDG_RUNTIME_DIR/devlinkd.sock or
    /// /tmp/devlinkd-$UID/devlinkd.sock otherwise]. Under systemd socket activation
    /// (LISTEN_FDS) the socket passed is served instead.
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// The socket file's mode, in octal [default: the config file's `socket_mode`, else
    /// 0666: anyone who reaches the socket may read; admin commands are checked per
    /// peer]. Not applied under socket activation (the unit's `SocketMode=`).
    #[arg(long, value_name = "OCTAL", value_parser = config::parse_mode)]
    socket_mode: Option<u32>,
    /// The socket file's group, a name or a gid [default: the config file's
    /// `socket_group`, else the daemon's own]. Not applied under socket activation (the
    /// unit's `SocketGroup=`).
    #[arg(long, value_name = "GROUP")]
    socket_group: Option<String>,
    /// A TOML file with daemon settings (overridden by these flags) and `[[device]]`
    /// tables; its devices replace the demo devices (examples/devlinkd.toml).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where params set with cmode `permanent` persist [default: the config file's
    /// `state_dir`, else /var/lib/devlinkd for root, $XDG_STATE_HOME/devlinkd or
    /// ~/.local/state/devlinkd otherwise].
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Start without the demo devices (netdevsim/netdevsim0 with 4 ports; pci/0000:03:00.0
    /// with 2 ports in switchdev mode with 2 VFs). A config file never has them.
    #[arg(long)]
    no_default_devices: bool,
    /// Members of this group (name or gid) may run admin commands, as uid 0 may.
    #[arg(long, value_name = "GROUP")]
    admin_group: Option<String>,
    /// Cap on a connection's notification backlog, in bytes (SO_RCVBUF is capped by it)
    /// [default: 4194304].
    #[arg(long, value_name = "BYTES")]
    max_backlog: Option<usize>,
    /// How many changes the watch history keeps (`devlinkd_watch`, docs/watch.md)
    /// [default: 262144].
    #[arg(long, value_name = "CHANGES")]
    watch_history: Option<usize>,
    /// Shut down when standard input (a pipe) reaches end-of-file: a parent
    /// that keeps the pipe's other end takes the daemon with it however it exits.
    #[arg(long)]
    exit_on_stdin_eof: bool,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    // systemd's listening socket, when started by a socket unit.
    let activated = shell::listen_fd()?;
    let file = match &args.config {
        Some(path) => Some(Config::load(path)?),
        None => None,
    };
    let settings = file.clone().unwrap_or_default();
    let admin_group = args.admin_group.clone().or(settings.admin_group);
    let admin = AdminPolicy {
        group: match &admin_group {
            Some(g) => Some(group_id(g).with_context(|| format!("unknown group {g:?}"))?),
            None => None,
        },
    };
    // --socket, then $DEVLINKD_SOCKET, then the config file, then the default path
    // (the rule every client shares: `devlink_client::socket_path`).
    let path = args
        .socket
        .clone()
        .or_else(|| std::env::var_os(devlink_client::SOCKET_ENV).map(PathBuf::from))
        .or(settings.socket)
        .unwrap_or_else(|| devlink_client::socket_path(None));
    let socket_mode = match (args.socket_mode, &settings.socket_mode) {
        (Some(m), _) => m,
        (None, Some(text)) => {
            config::parse_mode(text).map_err(|e| anyhow::anyhow!("socket_mode: {e}"))?
        }
        (None, None) => config::DEFAULT_SOCKET_MODE,
    };
    let socket_group = match args
        .socket_group
        .as_ref()
        .or(settings.socket_group.as_ref())
    {
        Some(g) => Some(group_id(g).with_context(|| format!("unknown socket group {g:?}"))?),
        None => None,
    };
    let config = ServerConfig {
        max_backlog: args
            .max_backlog
            .or(settings.max_backlog)
            .unwrap_or(ServerConfig::default().max_backlog),
        ..ServerConfig::default()
    };
    let mut core = Core::new();
    core.watch_set_history(args.watch_history.unwrap_or(devlink_core::DEFAULT_HISTORY));
    let mut server = Server::new(core, config);
    let state_dir = args
        .state_dir
        .clone()
        .or(settings.state_dir)
        .unwrap_or_else(config::default_state_dir);
    let store = FileStore::open(&state_dir)?;
    tracing::info!(state_dir = %state_dir.display(), "permanent params persist here");
    server.set_store(Box::new(store));
    let (devices, origin) = match (&file, &args.config) {
        (Some(f), Some(p)) => (f.devices.clone(), p.display().to_string()),
        _ if args.no_default_devices => (Vec::new(), String::new()),
        _ => (config::demo_devices(), "the demo devices".to_owned()),
    };
    for options in &devices {
        server
            .new_sim_device(options)
            .with_context(|| format!("creating device {} of {origin}", options.id))?;
    }
    // Start-up notifications have no subscriber.
    server.fan_out();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        // Checked before the socket file exists.
        let stdin = match args.exit_on_stdin_eof {
            true => Some(StdinWatch::new().context("--exit-on-stdin-eof")?),
            false => None,
        };
        // A socket systemd passed is systemd's: not created, not removed here.
        let (listener, owned) = match activated {
            Some(fd) => {
                let l = UnixSeqpacketListener::try_from(fd).context("socket activation")?;
                let at = l.local_addr().unwrap_or_default();
                tracing::info!(socket = %at.display(), "listening (socket activation)");
                (l, None)
            }
            None => {
                let l = listen(&path, socket_mode, socket_group).await?;
                tracing::info!(socket = %path.display(), "listening");
                (l, Some(path))
            }
        };
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let shutdown = async move {
            let parent_gone = async {
                match stdin {
                    Some(s) => {
                        s.closed().await;
                        tracing::info!("standard input closed");
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                () = parent_gone => {}
            }
        };
        shell::run(server, listener, admin, shutdown).await;
        tracing::info!("shutting down");
        match owned {
            Some(path) => {
                std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))
            }
            None => Ok(()),
        }
    })
}

/// Bind next to `path`, give the file `mode` and group `group`, and rename into place,
/// so the socket file appears only once it accepts connections, with its final mode and
/// owner; a stale socket is replaced, a live one is an error.
async fn listen(
    path: &Path,
    mode: u32,
    group: Option<u32>,
) -> anyhow::Result<UnixSeqpacketListener> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if path.exists() {
        if UnixSeqpacket::connect(path).await.is_ok() {
            bail!("another devlinkd is listening on {}", path.display());
        }
        std::fs::remove_file(path).with_context(|| format!("removing stale {}", path.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let listener =
        UnixSeqpacketListener::bind(&tmp).with_context(|| format!("binding {}", tmp.display()))?;
    // By default anyone who can reach the socket may connect, as anyone may open a
    // netlink socket: reads and subscriptions are open, admin commands are checked per
    // peer (SO_PEERCRED). `--socket-mode` / `--socket-group` restrict who may connect.
    if let Some(gid) = group {
        std::os::unix::fs::chown(&tmp, None, Some(gid))
            .with_context(|| format!("chgrp {gid} {}", tmp.display()))?;
    }
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {mode:o} {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(listener)
}
