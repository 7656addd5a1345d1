//! Devices: `devlink dev show` (`pr_out_dev`, `pr_out_reload_data`) and
//! `devlink dev eswitch show` (`pr_out_eswitch`).

use devlink_wire::devlink::{Dev, Eswitch, ReloadActionInfo};

use super::names;
use super::printer::{Out, Printer};

/// `pr_out_dev`: the bare handle, or a block when the reload failed or statistics are
/// on (`-s`, or the monitor) and the message has `DEVLINK_ATTR_DEV_STATS`.
pub(crate) fn pr_out_dev(p: &mut Printer, dev: &Dev) {
    let h = &dev.handle;
    let failed = dev.reload_failed == Some(true);
    if failed || (dev.stats.is_some() && p.opts.stats) {
        p.handle_start(&h.bus, &h.dev, true, false);
        pr_out_reload_data(p, dev);
        p.handle_end();
    } else {
        // pr_out_handle
        p.handle_start(&h.bus, &h.dev, false, false);
        p.handle_end();
    }
}

/// `pr_out_reload_data`: `reload_failed true`, then `stats:` with the local and
/// remote reload counters.
fn pr_out_reload_data(p: &mut Printer, dev: &Dev) {
    if dev.reload_failed == Some(true) {
        p.check_indent_newline();
        p.print_bool(Out::Any, Some("reload_failed"), "reload_failed %s", true);
    }
    let Some(stats) = dev.stats.as_ref().filter(|_| p.opts.stats) else {
        return;
    };
    p.object_start("stats");
    // The kernel always sends both nests; an empty one cannot be told from an
    // absent one after decoding, so both are printed (as for the kernel).
    p.object_start("reload");
    pr_out_reload_stats(p, &stats.reload);
    p.object_end();
    p.object_start("remote_reload");
    pr_out_reload_stats(p, &stats.remote_reload);
    p.object_end();
    p.object_end();
}

/// `pr_out_reload_stats` + `pr_out_action_stats`: one object per action, one
/// `limit value` pair per entry.
fn pr_out_reload_stats(p: &mut Printer, infos: &[ReloadActionInfo]) {
    for info in infos {
        p.object_start(names::reload_action(info.action));
        for entry in &info.entries {
            p.check_indent_newline();
            p.print_uint_name_value(names::reload_limit(entry.limit), entry.value);
        }
        p.object_end();
    }
}

/// `pr_out_eswitch`: `bus/dev: mode M [inline-mode I] [encap-mode E]`.
pub(crate) fn pr_out_eswitch(p: &mut Printer, e: &Eswitch) {
    p.handle_start(&e.handle.bus, &e.handle.dev, true, false);
    if let Some(m) = e.mode {
        p.check_indent_newline();
        p.print_string(Out::Any, Some("mode"), "mode %s", names::eswitch_mode(m));
    }
    if let Some(m) = e.inline_mode {
        p.check_indent_newline();
        p.print_string(
            Out::Any,
            Some("inline-mode"),
            "inline-mode %s",
            names::eswitch_inline_mode(m),
        );
    }
    if let Some(m) = e.encap_mode {
        p.check_indent_newline();
        p.print_string(
            Out::Any,
            Some("encap-mode"),
            "encap-mode %s",
            names::eswitch_encap_mode(m),
        );
    }
    p.handle_end();
}
