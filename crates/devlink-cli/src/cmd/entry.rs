//! `main` and `dl_cmd` of devlink.c: the options (anywhere on the line, as GNU
//! `getopt_long` permutes them), then the object.

use std::io::Write;
use std::path::PathBuf;

use devlink_cli::show::Options;

use super::ctx::{CmdError, Ctx};
use super::{dev, dpipe, health, help as usage, monitor, other, port, region, sb, trap};
use crate::args::{ArgError, Argv};

/// Run `dlctl WORDS…` (without the program name); the exit status.
pub(crate) fn run(words: Vec<String>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let parsed = match options(words) {
        Ok(p) => p,
        Err(Early::Exit(text, code)) => {
            let _ = if code == 0 {
                out.write_all(text.as_bytes())
            } else {
                err.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let verbose = parsed.opts.verbose;
    let json = parsed.opts.json;
    let mut out = Tracked {
        inner: out,
        wrote: false,
    };
    let mut ctx = Ctx::new(parsed.opts, parsed.socket, &mut out, err);
    ctx.check = parsed.check;
    ctx.reconnect = parsed.reconnect;
    let mut a = Argv::new(parsed.rest);
    let result = object(&mut ctx, &mut a);
    let code = match &result {
        Ok(()) => 0,
        Err(e) => e.report(ctx.err, verbose),
    };
    // iproute2 closes its JSON writer at exit (`delete_json_obj_plain` → `jsonw_destroy`),
    // which ends standard output with a newline; it stands alone when the command printed
    // nothing there (a do command, an argument error, help). Not when it never connected.
    if json && !out.wrote && !matches!(result, Err(CmdError::Connect(_))) {
        let _ = out.write_all(b"\n");
    }
    code
}

/// Standard output, remembering whether anything was written.
struct Tracked<'a> {
    inner: &'a mut dyn Write,
    wrote: bool,
}

impl Write for Tracked<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.wrote |= !buf.is_empty();
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `dl_cmd`: objects in devlink.c's order (prefixes match the first one that fits).
fn object(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return super::help(ctx, usage::MAIN);
    }
    let word = a.peek().unwrap_or_default().to_owned();
    if a.matches("dev") {
        a.inc();
        dev::run(ctx, a)
    } else if a.matches("port") {
        a.inc();
        port::run(ctx, a)
    } else if a.matches("sb") {
        a.inc();
        sb::run(ctx, a)
    } else if a.matches("dpipe") {
        a.inc();
        dpipe::run(ctx, a)
    } else if a.matches("monitor") {
        a.inc();
        monitor::run(ctx, a)
    } else if a.matches("resource") {
        a.inc();
        other::resource(ctx, a)
    } else if a.matches("region") {
        a.inc();
        region::run(ctx, a)
    } else if a.matches("health") {
        a.inc();
        health::run(ctx, a)
    } else if a.matches("trap") {
        a.inc();
        trap::run(ctx, a)
    } else if a.matches("lc") {
        a.inc();
        other::linecard(ctx, a)
    } else if a.matches("rate") {
        // dlctl's shorthand for `port function rate`.
        a.inc();
        other::rate(ctx, a)
    } else {
        Err(ArgError::new(format!("Object \"{word}\" not found")).into())
    }
}

/// The command line once the options are taken out.
struct Parsed {
    opts: Options,
    socket: Option<PathBuf>,
    check: bool,
    reconnect: bool,
    rest: Vec<String>,
}

/// Stop before running anything: text to print and the exit status.
enum Early {
    Exit(String, u8),
}

/// `getopt_long(argc, argv, "Vfb:njpvsN:ix", …)` plus dlctl's `--socket PATH`,
/// `--check` and `--reconnect`.
fn options(words: Vec<String>) -> Result<Parsed, Early> {
    let mut opts = Options::default();
    let mut socket = None;
    let mut check = false;
    let mut reconnect = false;
    let mut rest = Vec::new();
    let mut it = words.into_iter();
    // getopt's complaint, then `main`'s default case: "Unknown option." and the usage.
    let bad = |msg: String| Early::Exit(format!("{msg}\nUnknown option.\n{}", usage::MAIN), 1);
    while let Some(w) = it.next() {
        if w == "--" {
            rest.extend(it.by_ref());
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            match name {
                "json" => opts.json = true,
                "pretty" => opts.pretty = true,
                "verbose" => opts.verbose = true,
                "statistics" => opts.stats = true,
                "iec" => opts.use_iec = true,
                "no-nice-names" => opts.no_nice_names = true,
                "hex" | "force" => {}
                "check" => check = true,
                "reconnect" => reconnect = true,
                "socket" => match value.or_else(|| it.next()) {
                    Some(p) => socket = Some(PathBuf::from(p)),
                    None => {
                        return Err(bad("dlctl: option '--socket' requires an argument".into()));
                    }
                },
                "help" => return Err(Early::Exit(usage::MAIN.to_owned(), 0)),
                "Version" | "version" => return Err(version()),
                _ => return Err(bad(format!("dlctl: unrecognized option '--{name}'"))),
            }
            continue;
        }
        let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) else {
            rest.push(w);
            continue;
        };
        for c in shorts.chars() {
            match c {
                'j' => opts.json = true,
                'p' => opts.pretty = true,
                'v' => opts.verbose = true,
                's' => opts.stats = true,
                'i' => opts.use_iec = true,
                'n' => opts.no_nice_names = true,
                'x' | 'f' => {}
                'V' => return Err(version()),
                'h' => return Err(Early::Exit(usage::MAIN.to_owned(), 0)),
                'b' | 'N' => {
                    return Err(Early::Exit(
                        format!("dlctl: option -{c} is not supported\n{}", usage::MAIN),
                        1,
                    ));
                }
                _ => return Err(bad(format!("dlctl: invalid option -- '{c}'"))),
            }
        }
    }
    Ok(Parsed {
        opts,
        socket,
        check,
        reconnect,
        rest,
    })
}

fn version() -> Early {
    Early::Exit(
        format!("dlctl utility, devlinkd {}\n", env!("CARGO_PKG_VERSION")),
        0,
    )
}
