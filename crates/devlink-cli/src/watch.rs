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
use devlink_client::{ClientError, WatchClient, WatchItem, socket_path};
use devlink_wire::nl::ExtAck;
use devlink_wire::watch::{Cancelled, Filter, WatchEvent, WatchKind, WatchOp, WatchReq};

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
    /// of a fresh snapshot (as `put` events of its revision), and watch on from it.
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

/// `dlctl watch`: runs until the daemon cancels the watch (without `--relist`) or goes
/// away (exit 1).
pub(crate) fn watch(
    args: &WatchArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let filter = parse_filter(&args.common.filter)?;
    let opts = args.common.opts();
    let mut from = args.from;
    loop {
        let mut client = connect(&args.common)?;
        let req = WatchReq {
            from,
            filter: filter.clone(),
            max_lag: args.max_lag,
            bookmark_ms: args.bookmark_ms,
            unknown: Vec::new(),
        };
        if let Err(e) = client.watch(req) {
            return refused(e, err);
        }
        let c = match follow(&mut client, &opts, out, err)? {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        out.write_all(render_cancelled(&c, opts.clone()).as_bytes())?;
        out.flush()?;
        if !args.relist {
            let errno = i32::try_from(c.errno).unwrap_or(i32::MAX);
            crate::errors::print_error(errno, &ExtAck::msg(&c.message), err)?;
            return Ok(1);
        }
        crate::errors::print_warning(&c.message, err)?;
        let snap = match connect(&args.common)?.snapshot(None, &filter) {
            Ok(s) => s,
            Err(e) => return refused(e, err),
        };
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
        from = Some(revision);
    }
}

/// Print what the watch delivers until it is cancelled (`Ok(Ok(_))`) or the connection
/// ends (`Ok(Err(exit code))`, the reason printed).
fn follow(
    client: &mut WatchClient,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Result<Cancelled, u8>> {
    loop {
        let text = match client.next(Duration::from_secs(3600)) {
            Ok(WatchItem::Event(e)) => render_event(&e, opts.clone()),
            Ok(WatchItem::Bookmark(b)) => render_bookmark(b, opts.clone()),
            Ok(WatchItem::Cancelled(c)) => return Ok(Ok(c)),
            Err(ClientError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(ClientError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                writeln!(err, "dlctl: the daemon closed the connection")?;
                return Ok(Err(1));
            }
            Err(e) => return refused(e, err).map(Err),
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
