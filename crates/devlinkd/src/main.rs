//! `devlinkd`: serve the devlink generic-netlink family on a Unix `SOCK_SEQPACKET`
//! socket (`docs/transport.md`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Parser;
use devlink_core::Core;
use devlink_sim::{DeviceOptions, EswitchStart};
use devlinkd::server::{Server, ServerConfig};
use devlinkd::shell::{self, AdminPolicy, group_id};
use tokio::signal::unix::{SignalKind, signal};
use tokio_seqpacket::{UnixSeqpacket, UnixSeqpacketListener};

/// Serve devlink (the kernel's generic-netlink device-management API) from user space.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Socket path [default: $DEVLINKD_SOCKET, else /run/devlinkd/devlinkd.sock for root,
    /// $XDG_RUNTIME_DIR/devlinkd.sock or /tmp/devlinkd-$UID/devlinkd.sock otherwise].
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Start without the demo devices (netdevsim/netdevsim0 with 4 ports; pci/0000:03:00.0
    /// with 2 ports in switchdev mode with 2 VFs).
    #[arg(long)]
    no_default_devices: bool,
    /// Members of this group (name or gid) may run admin commands, as uid 0 may.
    #[arg(long, value_name = "GROUP")]
    admin_group: Option<String>,
    /// Cap on a connection's notification backlog, in bytes (SO_RCVBUF is capped by it).
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024)]
    max_backlog: usize,
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
    let admin = AdminPolicy {
        group: match &args.admin_group {
            Some(g) => Some(group_id(g).with_context(|| format!("unknown group {g:?}"))?),
            None => None,
        },
    };
    let path = devlink_client::socket_path(args.socket.clone());
    let config = ServerConfig {
        max_backlog: args.max_backlog,
        ..ServerConfig::default()
    };
    let mut server = Server::new(Core::new(), config);
    if !args.no_default_devices {
        for options in demo_devices() {
            server
                .new_sim_device(&options)
                .with_context(|| format!("creating the demo device {}", options.id))?;
        }
    }
    // Start-up notifications have no subscriber.
    server.fan_out();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let listener = listen(&path).await?;
        tracing::info!(socket = %path.display(), "listening");
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let shutdown = async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        };
        shell::run(server, listener, admin, shutdown).await;
        tracing::info!("shutting down");
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))
    })
}

/// Bind next to `path` and rename into place, so the socket file appears only once it
/// accepts connections; a stale socket is replaced, a live one is an error.
async fn listen(path: &Path) -> anyhow::Result<UnixSeqpacketListener> {
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
    // Anyone who can reach the socket may connect, as anyone may open a netlink socket:
    // reads and subscriptions are open, admin commands are checked per peer (SO_PEERCRED).
    // Restrict access with the directory's mode.
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o666))
        .with_context(|| format!("chmod {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(listener)
}

/// The embedded demo topology: `netdevsim/netdevsim0` with 4 ports, as `new_device "0 4"`
/// makes it, and a PCI-style device `pci/0000:03:00.0` with 2 ports in switchdev mode
/// with 2 VFs (VF representor ports 128 and 129 with rate leaves).
fn demo_devices() -> [DeviceOptions; 2] {
    let nsim = DeviceOptions::new(0, 4);
    let mut pci = DeviceOptions::new(1, 2);
    pci.handle = Some("pci/0000:03:00.0".into());
    pci.eswitch = EswitchStart::Switchdev;
    pci.vfs = 2;
    pci.first_ifindex = 100;
    [nsim, pci]
}
