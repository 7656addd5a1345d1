//! `dlctl snapshot` and `dlctl watch`: the `devlinkd_watch` family (`docs/watch.md`)
//! through [`WatchClient`], printed by the library's renderers
//! (`devlink_cli::show::render_snapshot` and friends, where the formats are described).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use devlink_cli::show::{
    Options, render_bookmark, render_cancelled, render_event, render_relist, render_snapshot,
};
use devlink_client::{ClientError, Snapshot, WatchClient, WatchItem, socket_path};
use devlink_wire::nl::ExtAck;
use devlink_wire::watch::{Cancelled, Filter, WatchEvent, WatchKind, WatchOp, WatchReq};

use crate::backoff::{Backoff, connection_lost};

/// What `dlctl snapshot` and `dlctl watch` share.
#[derive(Debug, Clone, Args)]
pub(crate) struct Common {
    /// The daemon's socket [default: as for the other commands].
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// JSON output.
    #[arg(short = 'j', long = "json")]
    json: bool,
    /// Pretty JSON (with -j).
    #[arg(short = 'p', long = "pretty")]
    pretty: bool,
    /// What to show, combined: `dev BUS/DEV`, `kind KIND[,KIND…]` (dev eswitch resource
    /// lc port sb sb-pool sb-port-pool sb-tc-bind trap-policer trap-group trap rate
    /// region snapshot health param), `port [BUS/DEV/]INDEX`.
    #[arg(value_name = "FILTER")]
    filter: Vec<String>,
}

/// `dlctl snapshot`.
#[derive(Debug, Clone, Args)]
pub(crate) struct SnapshotArgs {
    /// The revision to show (default: the current one; older ones back to the oldest
    /// the history keeps).
    #[arg(long, value_name = "REV")]
    at: Option<u64>,
    #[command(flatten)]
    common: Common,
}

/// `dlctl watch`.
#[derive(Debug, Clone, Args)]
pub(crate) struct WatchArgs {
    /// Replay every change after this revision first (default: only changes from now).
    #[arg(long, value_name = "REV")]
    from: Option<u64>,
    /// Cancel the watch when more than N changes wait to be read.
    #[arg(long, value_name = "N")]
    max_lag: Option<u32>,
    /// Ask for a bookmark every MS milliseconds.
    #[arg(long, value_name = "MS")]
    bookmark_ms: Option<u32>,
    /// When the daemon cancels the watch: say why, print `[REV] relist` and every object
    /// of a fresh snapshot (as `put` events of its revision), and watch on from it. When
    /// the daemon goes away (killed, restarted): say so, connect again (retrying, 20 ms
    /// doubling to 2 s between attempts, for ever) and re-list the same way.
    #[arg(long)]
    relist: bool,
    #[command(flatten)]
    common: Common,
}

/// `dlctl snapshot`: the exit code (1 when the daemon refused).
pub(crate) fn snapshot(
    args: &SnapshotArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let filter = parse_filter(&args.common.filter)?;
    let mut client = connect(&args.common)?;
    match client.snapshot(args.at, &filter) {
        Ok(snap) => {
            out.write_all(render_snapshot(&snap.objects, snap.end, args.common.opts()).as_bytes())?;
            Ok(0)
        }
        Err(e) => refused(e, err),
    }
}

/// `dlctl watch`: runs until the daemon cancels the watch or goes away (exit 1), or,
/// with `--relist`, for ever: after a cancel it re-lists; after a lost connection it says
/// so on standard error, connects again (with [`Backoff`]) and re-lists there. A watch
/// is never resumed from a revision across connections: a restarted daemon numbers its
/// revisions anew, so the same number may name another state (`docs/watch.md`).
pub(crate) fn watch(
    args: &WatchArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let filter = parse_filter(&args.common.filter)?;
    let opts = args.common.opts();
    let mut from = args.from;
    let mut client = connect(&args.common)?;
    loop {
        let req = WatchReq {
            from,
            filter: filter.clone(),
            max_lag: args.max_lag,
            bookmark_ms: args.bookmark_ms,
            unknown: Vec::new(),
        };
        let ended = match client.watch(req) {
            Ok(()) => follow(&mut client, &opts, out, err)?,
            Err(e) if lost(&e) => Ended::Lost(e),
            Err(e) => return refused(e, err),
        };
        let reconnect = match ended {
            Ended::Exit(code) => return Ok(code),
            Ended::Cancelled(c) => {
                out.write_all(render_cancelled(&c, opts.clone()).as_bytes())?;
                out.flush()?;
                if !args.relist {
                    let errno = i32::try_from(c.errno).unwrap_or(i32::MAX);
                    crate::errors::print_error(errno, &ExtAck::msg(&c.message), err)?;
                    return Ok(1);
                }
                crate::errors::print_warning(&c.message, err)?;
                false
            }
            Ended::Lost(e) if !args.relist => {
                writeln!(
                    err,
                    "dlctl: lost the connection to the daemon ({e}); --relist reconnects"
                )?;
                return Ok(1);
            }
            Ended::Lost(e) => {
                writeln!(
                    err,
                    "dlctl: watch: lost the connection to the daemon ({e}); reconnecting"
                )?;
                true
            }
        };
        let (c, snap) = match list(&args.common, &filter, reconnect)? {
            Ok(listed) => listed,
            Err(e) => return refused(e, err),
        };
        client = c;
        let revision = snap.end.revision;
        out.write_all(render_relist(revision, opts.clone()).as_bytes())?;
        let count = snap.objects.len();
        for (i, (kind, object)) in snap.objects.into_iter().enumerate() {
            let e = WatchEvent {
                revision,
                op: WatchOp::Put,
                kind,
                last: i + 1 == count,
                object,
            };
            out.write_all(render_event(&e, opts.clone()).as_bytes())?;
        }
        out.flush()?;
        if reconnect {
            writeln!(
                err,
                "dlctl: watch: reconnected; re-listed at revision {revision}"
            )?;
        }
        from = Some(revision);
    }
}

/// How following a watch ended.
enum Ended {
    /// The daemon cancelled it.
    Cancelled(Cancelled),
    /// The connection is gone.
    Lost(ClientError),
    /// Stop with this exit code (the reason printed).
    Exit(u8),
}

/// A new connection and a snapshot on it, to watch from. With `retry` (the daemon went
/// away), attempts that fail for want of a daemon are repeated with a [`Backoff`].
fn list(
    common: &Common,
    filter: &Filter,
    retry: bool,
) -> anyhow::Result<Result<(WatchClient, Snapshot), ClientError>> {
    let path = socket_path(common.socket.clone());
    let mut backoff = Backoff::new();
    loop {
        if retry {
            backoff.pause();
        }
        let attempt = WatchClient::connect(&path).and_then(|mut c| {
            let snap = c.snapshot(None, filter)?;
            Ok((c, snap))
        });
        match attempt {
            Ok(listed) => return Ok(Ok(listed)),
            Err(ClientError::Io(_)) if retry => {}
            Err(e @ ClientError::Nl { .. }) => return Ok(Err(e)),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("listing at {}", path.display())));
            }
        }
    }
}

/// Whether `e` means the daemon's end of the connection is gone.
fn lost(e: &ClientError) -> bool {
    matches!(e, ClientError::Io(io) if connection_lost(io.kind()))
}

/// Print what the watch delivers until it is cancelled, the connection is lost, or
/// something else stops it (the reason printed).
fn follow(
    client: &mut WatchClient,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Ended> {
    loop {
        let text = match client.next(Duration::from_secs(3600)) {
            Ok(WatchItem::Event(e)) => render_event(&e, opts.clone()),
            Ok(WatchItem::Bookmark(b)) => render_bookmark(b, opts.clone()),
            Ok(WatchItem::Cancelled(c)) => return Ok(Ended::Cancelled(c)),
            Err(ClientError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(e) if lost(&e) => return Ok(Ended::Lost(e)),
            Err(e) => return refused(e, err).map(Ended::Exit),
        };
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
}

impl Common {
    fn opts(&self) -> Options {
        Options {
            json: self.json,
            pretty: self.pretty,
            ..Options::default()
        }
    }
}

fn connect(c: &Common) -> anyhow::Result<WatchClient> {
    let path = socket_path(c.socket.clone());
    WatchClient::connect(&path).with_context(|| format!("connecting to {}", path.display()))
}

/// The daemon's refusal printed as iproute2 prints errors (exit 1); anything else is
/// dlctl's own failure.
fn refused(e: ClientError, err: &mut dyn Write) -> anyhow::Result<u8> {
    match e {
        ClientError::Nl { errno, ext } => {
            crate::errors::print_error(errno, &ext, err)?;
            Ok(1)
        }
        e => Err(e.into()),
    }
}

/// `dev BUS/DEV`, `kind KIND[,KIND…]` (repeatable), `port [BUS/DEV/]INDEX`.
fn parse_filter(words: &[String]) -> anyhow::Result<Filter> {
    let mut f = Filter::default();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let Some(v) = it.next() else {
            bail!("{w:?} needs a value");
        };
        match w.as_str() {
            "dev" => f.handle = Some(handle(v)?),
            "kind" => {
                for name in v.split(',') {
                    let k = WatchKind::from_name(name)
                        .with_context(|| format!("unknown kind {name:?}"))?;
                    f.kinds = Some(f.kinds.unwrap_or(0) | k.bit());
                }
            }
            "port" => {
                let (dev, index) = match v.rsplit_once('/') {
                    Some((dev, index)) => (Some(handle(dev)?), index),
                    None => (None, v.as_str()),
                };
                let index = index
                    .parse()
                    .with_context(|| format!("bad port index in {v:?}"))?;
                f.port_index = Some(index);
                if dev.is_some() {
                    f.handle = dev;
                }
            }
            _ => bail!("unknown filter {w:?} (dev, kind, port)"),
        }
    }
    Ok(f)
}

/// `BUS/DEV`.
fn handle(s: &str) -> anyhow::Result<(String, String)> {
    match s.split_once('/') {
        Some((bus, dev)) if !bus.is_empty() && !dev.is_empty() && !dev.contains('/') => {
            Ok((bus.to_owned(), dev.to_owned()))
        }
        _ => bail!("{s:?} is not a device handle (BUS/DEV)"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn filters_combine() {
        let f = parse_filter(&words(
            "dev pci/0000:03:00.0 kind port,param kind dev port 1",
        ))
        .unwrap();
        assert_eq!(f.handle, Some(("pci".into(), "0000:03:00.0".into())));
        let want = WatchKind::Port.bit() | WatchKind::Param.bit() | WatchKind::Dev.bit();
        assert_eq!(f.kinds, Some(want));
        assert_eq!(f.port_index, Some(1));
        let f = parse_filter(&words("port netdevsim/netdevsim1/7")).unwrap();
        assert_eq!(f.handle, Some(("netdevsim".into(), "netdevsim1".into())));
        assert_eq!(f.port_index, Some(7));
        assert_eq!(parse_filter(&[]).unwrap(), Filter::default());
    }

    #[test]
    fn bad_filters_are_refused() {
        for bad in [
            "kind nope",
            "kind",
            "dev pci",
            "dev a/b/c",
            "port x",
            "port a/b/x",
            "colour red",
        ] {
            assert!(parse_filter(&words(bad)).is_err(), "{bad}");
        }
    }
}
