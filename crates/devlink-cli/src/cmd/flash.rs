//! `devlink dev flash DEV file PATH [component NAME] [overwrite SECTION]`
//! (`cmd_dev_flash`): the `FLASH_UPDATE` request, and meanwhile the device's flash
//! status notifications printed as iproute2 prints them (`cmd_dev_flash_status_cb`).
//!
//! iproute2 forks: the child sends the request, the parent listens on a second socket
//! joined to `config`. Here a thread makes the request on its own connection and
//! another reads the notifications; the main thread prints. On a terminal iproute2 adds
//! a percentage after each status line and rewrites it in place (`pr_out_tty`); dlctl
//! does the same, with the same control characters (its elapsed-time notes for
//! messages with a timeout are not reproduced).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use devlink_cli::show::ShowCmd;
use devlink_client::socket_path;
use devlink_wire::devlink::{Bitfield32, FlashStatus, FlashUpdateReq, Handle};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::ctx::{CmdError, Ctx};
use super::{help, help as usage};
use crate::args::{ArgError, Argv};
use crate::errors;
use crate::request::{Devlink, Event, Reply, RequestError};

/// `DEVLINK_FLASH_OVERWRITE_SETTINGS` and `…_IDENTIFIERS`.
const OVERWRITE_SETTINGS: u32 = 1 << 0;
const OVERWRITE_IDENTIFIERS: u32 = 1 << 1;

/// How long the listener waits for one more notification once the request is done.
const DRAIN: Duration = Duration::from_millis(200);

/// What the helper threads report.
enum Msg {
    /// Notifications.
    Events(Vec<Event>),
    /// The listener read nothing more after the request was done.
    Drained,
    /// The request's outcome and the warnings of its ACK.
    Done(Result<Vec<Reply>, RequestError>, Vec<String>),
}

/// `cmd_dev_flash`.
pub(crate) fn flash(ctx: &mut Ctx<'_>, a: &mut Argv) -> Result<(), CmdError> {
    if a.matches("help") || a.is_empty() {
        return help(ctx, usage::DEV);
    }
    let handle = a.handle()?;
    let (mut file, mut component, mut overwrite) = (None, None, None);
    a.options(|a| {
        if a.keyword("file") {
            file = Some(a.str()?);
        } else if a.keyword("component") {
            component = Some(a.str()?);
        } else if a.keyword("overwrite") {
            let s = a.str()?;
            let bit = match s.as_str() {
                "settings" => OVERWRITE_SETTINGS,
                "identifiers" => OVERWRITE_IDENTIFIERS,
                _ => return Err(ArgError::new(format!("Unknown overwrite section \"{s}\""))),
            };
            overwrite = Some(overwrite.unwrap_or(0) | bit);
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    let file = file.ok_or_else(|| ArgError::new("BUG: unknown argument required but not found"))?;
    let req = FlashUpdateReq {
        handle: handle.clone(),
        file_name: file,
        component,
        overwrite_mask: overwrite.map(|m| Bitfield32 {
            value: m,
            selector: m,
        }),
        unknown: Vec::new(),
    };

    // The listener first, so that no notification of this flash is missed.
    let path = socket_path(ctx.socket.clone());
    ctx.dl()?;
    let mut listener = Devlink::connect(&path)
        .map_err(|e| CmdError::Connect(format!("{}: {e}", path.display())))?;
    listener.subscribe()?;
    let mut requester = Devlink::connect(&path)
        .map_err(|e| CmdError::Connect(format!("{}: {e}", path.display())))?;

    let (tx, rx) = mpsc::channel();
    let done = Arc::new(AtomicBool::new(false));
    let (ltx, ldone) = (tx.clone(), Arc::clone(&done));
    std::thread::spawn(move || listen(&mut listener, &ltx, &ldone));
    std::thread::spawn(move || {
        let r = requester.request(Cmd::FlashUpdate, req, false);
        let _ = tx.send(Msg::Done(r, std::mem::take(&mut requester.warnings)));
    });

    // On a terminal, progress bars (not with -j: iproute2's lines go with the JSON).
    let tty = std::io::stdout().is_terminal();
    let mut status = StatusCtx::new(handle, tty, tty && !ctx.opts.json);
    let mut result = None;
    while let Ok(msg) = rx.recv() {
        match msg {
            Msg::Events(events) => {
                for e in events {
                    if let Event::Notification(Reply {
                        cmd,
                        body: DevlinkBody::FlashStatus(f),
                    }) = e
                    {
                        status.event(ctx, cmd, &f)?;
                    }
                }
                if result.is_some() && status.received_end {
                    break;
                }
            }
            Msg::Drained => break,
            Msg::Done(r, warnings) => {
                done.store(true, Ordering::SeqCst);
                for w in warnings {
                    errors::print_warning(&w, ctx.err)?;
                }
                result = Some(r);
                if status.received_end {
                    break;
                }
            }
        }
    }
    // With `-j`, the JSON stream's final newline at exit.
    ctx.print(ShowCmd::Flash, &[])?;
    match result {
        Some(Ok(_)) => Ok(()),
        Some(Err(RequestError::Nl { ext, .. })) => {
            errors::print_ext_ack(&ext, ctx.err)?;
            Err(CmdError::Quiet)
        }
        Some(Err(e)) => Err(e.into()),
        None => Err(CmdError::Request(RequestError::Protocol(
            "the flash request got no answer".into(),
        ))),
    }
}

/// The listener thread: notifications as they come; once the request is done, one
/// quiet `DRAIN` ends it.
fn listen(l: &mut Devlink, tx: &mpsc::Sender<Msg>, done: &AtomicBool) {
    loop {
        let finished = done.load(Ordering::SeqCst);
        match l.events_within(DRAIN) {
            Ok(Some(events)) => {
                if tx.send(Msg::Events(events)).is_err() {
                    return;
                }
            }
            Ok(None) if finished => {
                let _ = tx.send(Msg::Drained);
                return;
            }
            Ok(None) => {}
            Err(_) => {
                let _ = tx.send(Msg::Drained);
                return;
            }
        }
    }
}

/// `struct cmd_dev_flash_status_ctx`.
struct StatusCtx {
    handle: Handle,
    /// Bars on a terminal instead of the lines.
    bars: Option<super::flash_bar::Bars>,
    tty: bool,
    last_msg: Option<String>,
    last_component: Option<String>,
    last_pc: bool,
    not_first: bool,
    received_end: bool,
}

impl StatusCtx {
    fn new(handle: Handle, tty: bool, bars: bool) -> Self {
        Self {
            handle,
            bars: bars.then(super::flash_bar::Bars::default),
            tty,
            last_msg: None,
            last_component: None,
            last_pc: false,
            not_first: false,
            received_end: false,
        }
    }

    /// `cmd_dev_flash_status_cb` for one notification.
    fn event(&mut self, ctx: &mut Ctx<'_>, cmd: Cmd, f: &FlashStatus) -> Result<(), CmdError> {
        if cmd != Cmd::FlashUpdateStatus && cmd != Cmd::FlashUpdateEnd {
            return Ok(());
        }
        if f.handle != self.handle {
            // iproute2 returns MNL_CB_ERROR here (another device's flash).
            return Ok(());
        }
        if let Some(bars) = &mut self.bars {
            if cmd == Cmd::FlashUpdateEnd {
                bars.finish();
                self.received_end = true;
            } else {
                bars.status(f);
            }
            return Ok(());
        }
        let out = &mut *ctx.out;
        // 6.1 ends the output with a newline on every END, even one that follows
        // nothing (a flash that failed after its BEGIN).
        if cmd == Cmd::FlashUpdateEnd {
            out.write_all(b"\n")?;
            self.last_msg = None;
            self.received_end = true;
            out.flush()?;
            return Ok(());
        }
        let (done, total) = f.progress.map_or((0, 0), |p| (p.done, p.total));
        if f.msg == self.last_msg
            && f.component == self.last_component
            && self.last_pc
            && self.not_first
        {
            if self.tty {
                out.write_all(b"\x08\x08\x08\x08\x08")?;
            }
        } else {
            if self.not_first {
                out.write_all(b"\n")?;
            }
            if let Some(c) = &f.component {
                write!(out, "[{c}] ")?;
                self.last_component = Some(c.clone());
            }
            if let Some(m) = &f.msg {
                out.write_all(m.as_bytes())?;
                self.last_msg = Some(m.clone());
            }
        }
        // `(done * 100) / total` in C's u64 arithmetic; nothing without a total.
        let pc = done.wrapping_mul(100).checked_div(total);
        if let (Some(pc), true) = (pc, self.tty) {
            write!(out, " {pc:3}%")?;
        }
        self.last_pc = pc.is_some();
        out.flush()?;
        self.not_first = true;
        Ok(())
    }
}
