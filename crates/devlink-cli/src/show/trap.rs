//! `devlink trap show`, `trap group show`, `trap policer show` and their events:
//! `pr_out_trap`, `pr_out_trap_group`, `pr_out_trap_policer`, `pr_out_stats`,
//! `pr_out_trap_metadata`.

use devlink_wire::devlink::{Stats, Trap, TrapGroup, TrapMetadata, TrapPolicer};

use super::names;
use super::printer::{Out, Printer};

/// Start an entry: per-device array for show commands, a plain object for events.
fn start(p: &mut Printer, h: &devlink_wire::devlink::Handle, array: bool) {
    p.handle_start(&h.bus, &h.dev, true, array);
}

/// `pr_out_stats`: `stats: rx: bytes B packets P dropped D`, only with `-s` (or in
/// the monitor after its first dev event).
fn pr_out_stats(p: &mut Printer, s: &Stats) {
    if !p.opts.stats {
        return;
    }
    p.object_start("stats");
    p.object_start("rx");
    if let Some(v) = s.rx_bytes {
        p.pr_out_u64("bytes", v);
    }
    if let Some(v) = s.rx_packets {
        p.pr_out_u64("packets", v);
    }
    if let Some(v) = s.rx_dropped {
        p.pr_out_u64("dropped", v);
    }
    p.object_end();
    p.object_end();
}

/// `pr_out_trap_metadata` (`-v`): `metadata:` then `trap_metadata_name`s.
fn pr_out_trap_metadata(p: &mut Printer, m: &TrapMetadata) {
    p.array_start("metadata");
    let known = [
        (m.in_port, "input_port"),
        (m.fa_cookie, "flow_action_cookie"),
    ];
    let names = known
        .iter()
        .filter(|(present, _)| *present)
        .map(|(_, n)| *n)
        .chain(m.unknown.iter().map(|_| "<unknown metadata type>"));
    for n in names {
        p.check_indent_newline();
        p.print_string(Out::Any, None, "%s", n);
    }
    p.array_end();
}

/// `pr_out_trap`.
pub(crate) fn pr_out_trap(p: &mut Printer, t: &Trap, array: bool) {
    start(p, &t.handle, array);
    p.check_indent_newline();
    p.print_string(Out::Any, Some("name"), "name %s", &t.name);
    p.print_string(
        Out::Any,
        Some("type"),
        " type %s",
        names::trap_type(t.trap_type),
    );
    p.print_bool(Out::Any, Some("generic"), " generic %s", t.generic);
    p.print_string(
        Out::Any,
        Some("action"),
        " action %s",
        names::trap_action(t.action),
    );
    p.print_string(Out::Any, Some("group"), " group %s", &t.group);
    if p.opts.verbose {
        pr_out_trap_metadata(p, &t.metadata);
    }
    pr_out_stats(p, &t.stats);
    p.handle_end();
}

/// `pr_out_trap_group`.
pub(crate) fn pr_out_trap_group(p: &mut Printer, g: &TrapGroup, array: bool) {
    start(p, &g.handle, array);
    p.check_indent_newline();
    p.print_string(Out::Any, Some("name"), "name %s", &g.name);
    p.print_bool(Out::Any, Some("generic"), " generic %s", g.generic);
    if let Some(id) = g.policer_id {
        p.print_uint(Out::Any, Some("policer"), " policer %u", id);
    }
    pr_out_stats(p, &g.stats);
    p.handle_end();
}

/// `pr_out_trap_policer`.
pub(crate) fn pr_out_trap_policer(p: &mut Printer, t: &TrapPolicer, array: bool) {
    start(p, &t.handle, array);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("policer"), "policer %u", t.id);
    p.print_u64(Out::Any, Some("rate"), " rate %llu", t.rate);
    p.print_u64(Out::Any, Some("burst"), " burst %llu", t.burst);
    if let Some(s) = &t.stats {
        pr_out_stats(p, s);
    }
    p.handle_end();
}
