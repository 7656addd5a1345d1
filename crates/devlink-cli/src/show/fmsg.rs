//! `devlink health diagnose` and `health dump show`: the formatted-message stream
//! (`cmd_fmsg_object_cb`, `pr_out_fmsg_*`, `fmsg_value_show` of devlink.c). No section:
//! the stream's own objects and arrays are the output.

use devlink_wire::devlink::{Fmsg, FmsgItem, FmsgValue};

use super::command::ShowError;
use super::printer::{Out, Printer};

/// Which nest a `NEST_END` closes (`struct nest_entry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nest {
    Obj,
    Pair,
    Arr,
}

/// `struct fmsg_cb_data`: the pending name and the open nests, across the messages of
/// one command.
#[derive(Debug, Default)]
pub(crate) struct FmsgCtx {
    name: Option<String>,
    nests: Vec<Nest>,
    started: bool,
}

impl FmsgCtx {
    /// `cmd_fmsg_init`: no newline before the first print.
    fn init(&mut self, p: &mut Printer) {
        if !self.started {
            p.set_new_line_count(1);
            self.started = true;
        }
    }

    /// `pr_out_fmsg_name`: print the pending name, if any.
    fn name(&mut self, p: &mut Printer) {
        if let Some(n) = self.name.take() {
            pr_out_name(p, &n);
        }
    }

    /// `pr_out_fmsg_group_start`.
    fn group_start(&mut self, p: &mut Printer) {
        p.newline();
        self.name(p);
        p.newline();
        p.indent_inc();
    }

    /// `pr_out_fmsg_group_end`.
    fn group_end(p: &mut Printer) {
        p.newline();
        p.indent_dec();
    }

    fn start(&mut self, p: &mut Printer, nest: Nest) {
        self.nests.push(nest);
        match nest {
            Nest::Pair => {}
            Nest::Obj if p.json() => {
                self.name(p);
                p.open_json_object(None);
            }
            Nest::Arr if p.json() => {
                self.name(p);
                p.open_json_array(None);
            }
            Nest::Obj | Nest::Arr => self.group_start(p),
        }
    }

    fn end(&mut self, p: &mut Printer) -> Result<(), ShowError> {
        let nest = self.nests.pop().ok_or(ShowError::Missing(
            super::ShowCmd::Fmsg,
            "an open fmsg nest",
        ))?;
        match nest {
            Nest::Pair => {}
            Nest::Obj if p.json() => p.close_json_object(),
            Nest::Arr if p.json() => p.close_json_array(),
            Nest::Obj | Nest::Arr => Self::group_end(p),
        }
        Ok(())
    }
}

/// `cmd_fmsg_object_cb`: one message's slice of the stream.
pub(crate) fn pr_out_fmsg(p: &mut Printer, ctx: &mut FmsgCtx, f: &Fmsg) -> Result<(), ShowError> {
    ctx.init(p);
    for item in &f.items {
        match item {
            FmsgItem::ObjNestStart => ctx.start(p, Nest::Obj),
            FmsgItem::PairNestStart => ctx.start(p, Nest::Pair),
            FmsgItem::ArrNestStart => ctx.start(p, Nest::Arr),
            FmsgItem::NestEnd => ctx.end(p)?,
            FmsgItem::Name(n) => ctx.name = Some(n.clone()),
            // The type alone is remembered by iproute2; the value it types is repeated
            // whole in the next message.
            FmsgItem::TypeOnly(_) => {}
            FmsgItem::Value(v) => {
                ctx.name(p);
                fmsg_value_show(p, v);
            }
            FmsgItem::Unknown(_) => {
                return Err(ShowError::Unexpected(
                    super::ShowCmd::Fmsg,
                    "unknown fmsg attribute".into(),
                ));
            }
        }
    }
    Ok(())
}

/// `pr_out_name`: `name:` in text, a key in JSON.
fn pr_out_name(p: &mut Printer, name: &str) {
    p.indent_newline_space();
    if p.json() {
        p.json_name(name);
    } else {
        p.pr_out(&format!("{name}:"));
    }
}

/// `fmsg_value_show`.
fn fmsg_value_show(p: &mut Printer, v: &FmsgValue) {
    p.check_indent_newline();
    match v {
        FmsgValue::Bool(b) => p.print_bool(Out::Any, None, "%s", *b),
        FmsgValue::U8(x) => p.print_uint(Out::Any, None, "%u", (*x).into()),
        FmsgValue::U32(x) => p.print_uint(Out::Any, None, "%u", *x),
        FmsgValue::U64(x) => p.print_u64(Out::Any, None, "%u", *x),
        FmsgValue::String(s) => p.print_string(Out::Any, None, "%s", s),
        FmsgValue::Binary(b) => pr_out_binary_value(p, b),
    }
}

/// `pr_out_binary_value`: 16 bytes a line in text, numbers in JSON.
fn pr_out_binary_value(p: &mut Printer, data: &[u8]) {
    let json = p.json();
    let mut i = 0usize;
    for b in data {
        if json {
            p.print_int(Out::Json, None, "", i64::from(*b));
        } else {
            p.pr_out(&format!("{b:02x} "));
        }
        i += 1;
        if !json && i.is_multiple_of(16) {
            p.newline();
        }
    }
    if !json && !i.is_multiple_of(16) {
        p.newline();
    }
}
