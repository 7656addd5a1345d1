//! The output state iproute2 `devlink` prints through: `lib/json_print.c`'s `print_*`
//! helpers over [`JsonWriter`], and `devlink.c`'s own globals and `pr_out*` helpers
//! (`g_indent_level`, `g_indent_newline`, `g_new_line_count`).
//!
//! iproute2 renders text and JSON from the same calls: every `print_*` has a JSON key
//! and a text format, and whichever context is active (`is_json_context()`) writes. The
//! renderers in this module call [`Printer`] in the same order as the devlink.c
//! functions they mirror, so both forms come from one code path here too, and the odd
//! spacing and indentation of iproute2's text (which depend on state left by earlier
//! calls) come out the same.

use super::json_writer::JsonWriter;
use super::time::TimeCtx;

/// `enum output_type` of `json_print.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Out {
    /// `PRINT_JSON`: written only in JSON context.
    Json,
    /// `PRINT_FP`: written only in text context.
    #[allow(dead_code)]
    Fp,
    /// `PRINT_ANY`: the key in JSON, the format in text.
    Any,
}

/// The command-line switches that change the output (`struct dl` fields).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-j`: JSON output.
    pub json: bool,
    /// `-p`: pretty JSON.
    pub pretty: bool,
    /// `-s`: statistics (`dl->stats`; the monitor turns it on at its first dev event).
    pub stats: bool,
    /// `-v`: verbose (trap metadata, resource paths).
    pub verbose: bool,
    /// `-i`: IEC units for rates.
    pub use_iec: bool,
    /// `-n`: ports as `bus/dev/index`, never by netdev name (`dl->no_nice_names`).
    pub no_nice_names: bool,
    /// The ports' netdev names (`dl->ifname_map_list`), for the handles iproute2
    /// prints by name (`try_nice`); a port not in it prints as `bus/dev/index`. Left
    /// empty with `-n`.
    pub netdev_names: Vec<NetdevName>,
    /// How to turn health dump timestamps into local date and time.
    pub time: TimeCtx,
}

/// A port's netdev name (`struct ifname_map`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetdevName {
    /// Bus name.
    pub bus: String,
    /// Device name.
    pub dev: String,
    /// Port index.
    pub port: u32,
    /// `DEVLINK_ATTR_PORT_NETDEV_NAME`.
    pub name: String,
}

/// `dl->arr_last`: the device (and port) whose JSON array / text block is open.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ArrLast {
    bus: String,
    dev: String,
    port_index: u32,
}

/// Indentation limit of devlink.c (`INDENT_STR_MAXLEN`).
const INDENT_STR_MAXLEN: usize = 32;
/// Indentation step of devlink.c (`INDENT_STR_STEP`).
const INDENT_STR_STEP: usize = 2;

/// The output buffer and the state devlink.c keeps in globals.
#[derive(Debug)]
pub(crate) struct Printer {
    out: String,
    jw: Option<JsonWriter>,
    /// `g_new_line_count`.
    new_line_count: u32,
    /// `g_indent_level`.
    indent_level: usize,
    /// `g_indent_newline`.
    indent_newline: bool,
    arr_last: Option<ArrLast>,
    pub(crate) opts: Options,
}

/// Substitute `arg` for the first conversion (`%s`, `%u`, `%llu`, `%02x`, …) of a C
/// format string; `%%` prints `%`. Only the text context formats, and every format
/// devlink.c passes to `print_*` has exactly one conversion.
pub(crate) fn cfmt(fmt: &str, arg: &str) -> String {
    let mut out = String::with_capacity(fmt.len() + arg.len());
    let mut chars = fmt.chars().peekable();
    let mut done = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        // Flags, width, length modifiers, then the conversion letter.
        while chars
            .peek()
            .is_some_and(|c| "#0123456789-+ .lhzjt".contains(*c))
        {
            chars.next();
        }
        chars.next();
        if !done {
            out.push_str(arg);
            done = true;
        }
    }
    out
}

/// C's implicit conversion of a 64-bit value to `unsigned int` (devlink.c passes u64
/// counters to `print_uint`, whose parameter is `unsigned int`).
#[allow(clippy::cast_possible_truncation)]
pub(crate) const fn c_uint(v: u64) -> u32 {
    v as u32
}

impl Printer {
    /// A printer for one `devlink` invocation: `new_json_obj_plain(json)`.
    pub(crate) fn new(opts: Options) -> Self {
        Self {
            out: String::new(),
            jw: opts.json.then(|| JsonWriter::new(opts.pretty)),
            new_line_count: 0,
            indent_level: 0,
            indent_newline: false,
            arr_last: None,
            opts,
        }
    }

    /// Take what was printed so far (a monitor flushes after every event).
    pub(crate) fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// `delete_json_obj_plain()` at exit: the JSON stream's final newline.
    pub(crate) fn finish(&mut self) {
        if let Some(jw) = &self.jw {
            jw.destroy(&mut self.out);
        }
    }

    /// `is_json_context()` (devlink.c also tests `dl->json_output`; they agree).
    pub(crate) fn json(&self) -> bool {
        self.jw.is_some()
    }

    fn json_ctx(&self, t: Out) -> bool {
        self.jw.is_some() && matches!(t, Out::Json | Out::Any)
    }

    fn fp_ctx(&self, t: Out) -> bool {
        self.jw.is_none() && matches!(t, Out::Fp | Out::Any)
    }

    // ---- devlink.c: pr_out and the indentation globals ----

    /// `pr_out`: pending indentation first, then the text; resets the newline count.
    pub(crate) fn pr_out(&mut self, s: &str) {
        if self.indent_newline {
            self.push_indent();
            self.indent_newline = false;
        }
        self.out.push_str(s);
        self.new_line_count = 0;
    }

    fn push_indent(&mut self) {
        for _ in 0..self.indent_level {
            self.out.push(' ');
        }
    }

    /// `__pr_out_indent_inc`.
    pub(crate) fn indent_inc(&mut self) {
        if self.indent_level + INDENT_STR_STEP > INDENT_STR_MAXLEN {
            return;
        }
        self.indent_level += INDENT_STR_STEP;
    }

    /// `__pr_out_indent_dec`.
    pub(crate) fn indent_dec(&mut self) {
        if self.indent_level < INDENT_STR_STEP {
            return;
        }
        self.indent_level -= INDENT_STR_STEP;
    }

    /// `__pr_out_newline`: at most one newline in a row.
    pub(crate) fn newline(&mut self) {
        if self.new_line_count < 1 {
            self.pr_out("\n");
            self.indent_newline = true;
        }
        self.new_line_count += 1;
    }

    /// Set `g_new_line_count` (`cmd_fmsg_init`, reload's "avoid extra new line").
    #[allow(dead_code)]
    pub(crate) fn set_new_line_count(&mut self, n: u32) {
        self.new_line_count = n;
    }

    /// `__pr_out_indent_newline`: a separating space unless a line was just started.
    pub(crate) fn indent_newline_space(&mut self) {
        if !self.indent_newline && !self.json() {
            self.pr_out(" ");
        }
    }

    /// `check_indent_newline`: the separating space or the pending indentation.
    pub(crate) fn check_indent_newline(&mut self) {
        self.indent_newline_space();
        if self.indent_newline && !self.json() {
            self.push_indent();
            self.indent_newline = false;
        }
        self.new_line_count = 0;
    }

    // ---- lib/json_print.c ----

    /// `open_json_object`.
    pub(crate) fn open_json_object(&mut self, key: Option<&str>) {
        if let Some(jw) = &mut self.jw {
            if let Some(k) = key {
                jw.name(&mut self.out, k);
            }
            jw.start_object(&mut self.out);
        }
    }

    /// `jsonw_name`: a key whose value follows (fmsg names).
    pub(crate) fn json_name(&mut self, name: &str) {
        if let Some(jw) = &mut self.jw {
            jw.name(&mut self.out, name);
        }
    }

    /// `close_json_object`.
    pub(crate) fn close_json_object(&mut self) {
        if let Some(jw) = &mut self.jw {
            jw.end_object(&mut self.out);
        }
    }

    /// `open_json_array(PRINT_JSON, key)` (devlink.c never prints its text form).
    pub(crate) fn open_json_array(&mut self, key: Option<&str>) {
        if let Some(jw) = &mut self.jw {
            if let Some(k) = key {
                jw.name(&mut self.out, k);
            }
            jw.start_array(&mut self.out);
        }
    }

    /// `close_json_array(PRINT_JSON, NULL)`.
    pub(crate) fn close_json_array(&mut self) {
        if let Some(jw) = &mut self.jw {
            jw.end_array(&mut self.out);
        }
    }

    /// JSON side of the scalar printers: a field, or an array element without a key.
    fn json_scalar(&mut self, key: Option<&str>, raw: &str) {
        if let Some(jw) = &mut self.jw {
            if let Some(k) = key {
                jw.name(&mut self.out, k);
            }
            jw.raw(&mut self.out, raw);
        }
    }

    /// `print_string`. In text, printed with `printf`: no pending indentation.
    pub(crate) fn print_string(&mut self, t: Out, key: Option<&str>, fmt: &str, value: &str) {
        if self.json_ctx(t) {
            if let Some(jw) = &mut self.jw {
                if let Some(k) = key {
                    jw.name(&mut self.out, k);
                }
                jw.string(&mut self.out, value);
            }
        } else if self.fp_ctx(t) {
            self.out.push_str(&cfmt(fmt, value));
        }
    }

    /// `print_uint` (`unsigned int`).
    pub(crate) fn print_uint(&mut self, t: Out, key: Option<&str>, fmt: &str, value: u32) {
        self.print_number(t, key, fmt, &value.to_string());
    }

    /// `print_u64`.
    pub(crate) fn print_u64(&mut self, t: Out, key: Option<&str>, fmt: &str, value: u64) {
        self.print_number(t, key, fmt, &value.to_string());
    }

    /// `print_int`.
    #[allow(dead_code)]
    pub(crate) fn print_int(&mut self, t: Out, key: Option<&str>, fmt: &str, value: i64) {
        self.print_number(t, key, fmt, &value.to_string());
    }

    fn print_number(&mut self, t: Out, key: Option<&str>, fmt: &str, value: &str) {
        if self.json_ctx(t) {
            self.json_scalar(key, value);
        } else if self.fp_ctx(t) {
            self.out.push_str(&cfmt(fmt, value));
        }
    }

    /// `print_bool`: `true` / `false` in both forms.
    pub(crate) fn print_bool(&mut self, t: Out, key: Option<&str>, fmt: &str, value: bool) {
        let s = if value { "true" } else { "false" };
        if self.json_ctx(t) {
            self.json_scalar(key, s);
        } else if self.fp_ctx(t) {
            self.out.push_str(&cfmt(fmt, s));
        }
    }

    /// `print_string_name_value`: `name value` in text, `"name": "value"` in JSON.
    pub(crate) fn print_string_name_value(&mut self, name: &str, value: &str) {
        self.print_string(Out::Any, Some(name), &format!("{name} %s"), value);
    }

    /// `print_uint_name_value`.
    pub(crate) fn print_uint_name_value(&mut self, name: &str, value: u32) {
        self.print_uint(Out::Any, Some(name), &format!("{name} %u"), value);
    }

    /// `print_rate` (`print_color_rate`): bytes/s shown as SI (or IEC) bits/s in text,
    /// the raw number in JSON.
    pub(crate) fn print_rate(&mut self, t: Out, key: Option<&str>, fmt: &str, rate: u64) {
        if self.json_ctx(t) {
            self.json_scalar(key, &rate.to_string());
            return;
        }
        let iec = self.opts.use_iec;
        let kilo: u64 = if iec { 1024 } else { 1000 };
        let units = ["", "K", "M", "G", "T"];
        let mut rate = rate.wrapping_shl(3);
        let mut i = 0;
        while i < units.len() - 1 {
            if rate < kilo || (!rate.is_multiple_of(kilo) && rate < 1000 * kilo) {
                break;
            }
            rate /= kilo;
            i += 1;
        }
        let unit = units.get(i).copied().unwrap_or_default();
        let s = format!("{rate}{unit}{}bit", if iec && i > 0 { "i" } else { "" });
        self.print_string(t, key, fmt, &s);
    }

    // ---- devlink.c: sections, arrays, objects, entries ----

    /// `pr_out_u64`: `name value`, or `name unlimited` for `(uint64_t)-1`.
    pub(crate) fn pr_out_u64(&mut self, name: &str, val: u64) {
        self.indent_newline_space();
        if val == u64::MAX {
            self.print_string_name_value(name, "unlimited");
        } else if self.json() {
            self.print_u64(Out::Json, Some(name), "", val);
        } else {
            self.pr_out(&format!("{name} {val}"));
        }
    }

    /// `pr_out_section_start`: `{"name":{` around a whole command's output.
    pub(crate) fn section_start(&mut self, name: &str) {
        if self.json() {
            self.open_json_object(None);
            self.open_json_object(Some(name));
        }
    }

    /// `pr_out_section_end`: closes a per-device array left open, then the section.
    pub(crate) fn section_end(&mut self) {
        if self.json() {
            if self.arr_last.is_some() {
                self.close_json_array();
            }
            self.close_json_object();
            self.close_json_object();
        }
    }

    /// Text side of `pr_out_array_start` and `pr_out_object_start`: `name:` on a line
    /// of its own, contents two levels deeper.
    fn text_block_start(&mut self, name: &str) {
        self.indent_inc();
        self.newline();
        self.pr_out(&format!("{name}:"));
        self.indent_inc();
        self.newline();
    }

    /// `pr_out_array_start`.
    pub(crate) fn array_start(&mut self, name: &str) {
        if self.json() {
            self.open_json_array(Some(name));
        } else {
            self.text_block_start(name);
        }
    }

    /// `pr_out_array_end`.
    pub(crate) fn array_end(&mut self) {
        if self.json() {
            self.close_json_array();
        } else {
            self.indent_dec();
            self.indent_dec();
        }
    }

    /// `pr_out_object_start`.
    pub(crate) fn object_start(&mut self, name: &str) {
        if self.json() {
            self.open_json_object(Some(name));
        } else {
            self.text_block_start(name);
        }
    }

    /// `pr_out_object_end` (the text side is `pr_out_array_end`'s).
    pub(crate) fn object_end(&mut self) {
        if self.json() {
            self.close_json_object();
        } else {
            self.indent_dec();
            self.indent_dec();
        }
    }

    /// `pr_out_entry_start`.
    pub(crate) fn entry_start(&mut self) {
        if self.json() {
            self.open_json_object(None);
        }
    }

    /// `pr_out_entry_end`.
    pub(crate) fn entry_end(&mut self) {
        if self.json() {
            self.close_json_object();
        } else {
            self.newline();
        }
    }

    // ---- devlink.c: handles ----

    fn arr_last_is(&self, bus: &str, dev: &str) -> bool {
        self.arr_last
            .as_ref()
            .is_some_and(|l| l.bus == bus && l.dev == dev)
    }

    fn arr_last_port_is(&self, bus: &str, dev: &str, port: u32) -> bool {
        self.arr_last
            .as_ref()
            .is_some_and(|l| l.bus == bus && l.dev == dev && l.port_index == port)
    }

    /// `arr_last_handle_set` / `arr_last_port_handle_set` (the port index is kept
    /// from the last port handle when a device handle is set, as in C).
    fn arr_last_set(&mut self, bus: &str, dev: &str, port: Option<u32>) {
        let port_index = port
            .or_else(|| self.arr_last.as_ref().map(|l| l.port_index))
            .unwrap_or(0);
        self.arr_last = Some(ArrLast {
            bus: bus.to_owned(),
            dev: dev.to_owned(),
            port_index,
        });
    }

    /// `__pr_out_handle_start`: `bus/dev` as an object key, or, with `array`, as the
    /// key of a per-device array (text: a `bus/dev:` header once per device, entries
    /// indented under it). `content` adds the colon in text.
    pub(crate) fn handle_start(&mut self, bus: &str, dev: &str, content: bool, array: bool) {
        let buf = format!("{bus}/{dev}");
        let text = format!("{buf}{}", if content { ":" } else { "" });
        let same = self.arr_last_is(bus, dev);
        self.open_handle(&buf, &text, array, same, (bus, dev, None));
    }

    /// `pr_out_handle_end`.
    pub(crate) fn handle_end(&mut self) {
        if self.json() {
            self.close_json_object();
        } else {
            self.newline();
        }
    }

    /// `__pr_out_port_handle_start` with `try_nice` false: `bus/dev/index`.
    pub(crate) fn port_handle_start(&mut self, bus: &str, dev: &str, port: u32, array: bool) {
        self.port_handle_start_as(bus, dev, port, array, false);
    }

    /// `__pr_out_port_handle_start` with `try_nice`: the port's netdev name
    /// (`ifname_map_rev_lookup`), else `bus/dev/index`.
    pub(crate) fn nice_port_handle_start(&mut self, bus: &str, dev: &str, port: u32, array: bool) {
        self.port_handle_start_as(bus, dev, port, array, true);
    }

    fn port_handle_start_as(&mut self, bus: &str, dev: &str, port: u32, array: bool, nice: bool) {
        let name = nice
            .then(|| {
                self.opts
                    .netdev_names
                    .iter()
                    .find(|n| n.bus == bus && n.dev == dev && n.port == port)
            })
            .flatten();
        let buf = name.map_or_else(|| format!("{bus}/{dev}/{port}"), |n| n.name.clone());
        let text = format!("{buf}:");
        let same = self.arr_last_port_is(bus, dev, port);
        self.open_handle(&buf, &text, array, same, (bus, dev, Some(port)));
    }

    /// The body shared by `__pr_out_handle_start` and `__pr_out_port_handle_start`:
    /// `same` says the handle is `dl->arr_last`'s, `key` is what becomes it.
    fn open_handle(
        &mut self,
        buf: &str,
        text: &str,
        array: bool,
        same: bool,
        key: (&str, &str, Option<u32>),
    ) {
        if !array {
            if self.json() {
                self.open_json_object(Some(buf));
            } else {
                self.pr_out(text);
            }
            return;
        }
        let open = self.arr_last.is_some();
        if self.json() {
            if open && !same {
                self.close_json_array();
            }
            if same {
                self.open_json_object(None);
                return;
            }
            self.open_json_array(Some(buf));
            self.open_json_object(None);
        } else {
            if open && !same {
                self.indent_dec();
            }
            if same {
                return;
            }
            self.pr_out(text);
            self.newline();
            self.indent_inc();
        }
        self.arr_last_set(key.0, key.1, key.2);
    }

    /// Close a per-device array a renderer left open (as `pr_out_section_end` does)
    /// and forget it, so that the next object starts afresh (`dlctl watch`).
    pub(crate) fn handle_array_end(&mut self) {
        if self.arr_last.take().is_some() {
            if self.json() {
                self.close_json_array();
            } else {
                self.indent_dec();
            }
        }
    }

    /// The text printed so far ends a line (or nothing was printed).
    pub(crate) fn ends_with_newline(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// `pr_out_selftests_handle_start`: once per device, `bus/dev` as the key of an
    /// array of test names (text: a `bus/dev:` line, the names indented under it).
    pub(crate) fn selftests_handle_start(&mut self, bus: &str, dev: &str) {
        let buf = format!("{bus}/{dev}");
        let open = self.arr_last.is_some();
        let same = self.arr_last_is(bus, dev);
        if same {
            return;
        }
        if self.json() {
            if open {
                self.close_json_array();
            }
            self.open_json_array(Some(&buf));
        } else {
            if open {
                self.indent_dec();
            }
            self.pr_out(&format!("{buf}:"));
            self.newline();
            self.indent_inc();
        }
        self.arr_last_set(bus, dev, None);
    }

    /// `pr_out_port_handle_end` (and `pr_out_region_handle_end`): a bare `\n` in text,
    /// which leaves no indentation pending.
    pub(crate) fn port_handle_end(&mut self) {
        if self.json() {
            self.close_json_object();
        } else {
            self.pr_out("\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfmt_substitutes_the_first_conversion() {
        assert_eq!(cfmt(" type %s", "eth"), " type eth");
        assert_eq!(cfmt(" rate %llu", "5"), " rate 5");
        assert_eq!(cfmt("%02x ", "0a"), "0a ");
        assert_eq!(cfmt("100%% %u", "7"), "100% 7");
        assert_eq!(cfmt("no conversion", "x"), "no conversion");
    }

    #[test]
    fn c_uint_truncates_like_c() {
        assert_eq!(c_uint(u64::from(u32::MAX) + 2), 1);
    }

    #[test]
    fn rate_units_follow_print_color_rate() {
        let mut p = Printer::new(Options::default());
        p.print_rate(Out::Any, Some("tx_max"), " tx_max %s", 125_000);
        p.print_rate(Out::Any, Some("tx_max"), " tx_max %s", 12_345);
        p.print_rate(Out::Any, Some("tx_max"), " tx_max %s", 1);
        assert_eq!(p.take(), " tx_max 1Mbit tx_max 98760bit tx_max 8bit");
        let mut p = Printer::new(Options {
            use_iec: true,
            ..Options::default()
        });
        p.print_rate(Out::Any, None, "%s", 128);
        assert_eq!(p.take(), "1Kibit");
    }

    #[test]
    fn indentation_is_capped_at_32() {
        let mut p = Printer::new(Options::default());
        for _ in 0..40 {
            p.indent_inc();
        }
        p.newline();
        p.pr_out("x");
        assert_eq!(p.take(), format!("\n{}x", " ".repeat(32)));
    }
}
