//! `[flash,begin|status|end]` events: `pr_out_flash_update`.

use devlink_wire::devlink::FlashStatus;

use super::printer::{Out, Printer};

/// `pr_out_flash_update`: `bus/dev: msg M component C done D total T`.
pub(crate) fn pr_out_flash_update(p: &mut Printer, f: &FlashStatus) {
    p.handle_start(&f.handle.bus, &f.handle.dev, true, false);
    if let Some(m) = &f.msg {
        p.check_indent_newline();
        p.print_string(Out::Any, Some("msg"), "msg %s", m);
    }
    if let Some(c) = &f.component {
        p.check_indent_newline();
        p.print_string(Out::Any, Some("component"), "component %s", c);
    }
    if let Some(pr) = &f.progress {
        p.pr_out_u64("done", pr.done);
        p.pr_out_u64("total", pr.total);
    }
    p.handle_end();
}
