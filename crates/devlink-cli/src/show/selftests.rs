//! `devlink dev selftests show|run`: `cmd_dev_selftests_show_cb` and
//! `cmd_dev_selftests_run_cb` (iproute2 6.1).

use devlink_wire::devlink::{SelftestsGet, SelftestsRun};
use devlink_wire::spec::{SelftestIdAttr, SelftestStatus};

use super::printer::{Out, Printer};

/// `devlink_get_selftest_name`.
fn test_name(id: u32) -> &'static str {
    if id == SelftestIdAttr::Flash as u32 {
        "flash"
    } else {
        "unknown"
    }
}

/// `devlink_selftest_status_to_str`.
fn status_name(status: SelftestStatus) -> &'static str {
    match status {
        SelftestStatus::Skip => "skipped",
        SelftestStatus::Pass => "passed",
        SelftestStatus::Fail => "failed",
    }
}

/// `cmd_dev_selftests_show_cb`: a device with tests, under its handle; one without
/// prints nothing.
pub(crate) fn pr_out_selftests(p: &mut Printer, s: &SelftestsGet) {
    if !s.tests.flash {
        return;
    }
    p.selftests_handle_start(&s.handle.bus, &s.handle.dev);
    p.check_indent_newline();
    p.print_string(
        Out::Any,
        None,
        "%s",
        test_name(SelftestIdAttr::Flash as u32),
    );
    // pr_out_selftests_handle_end.
    if !p.json() {
        p.newline();
    }
}

/// `cmd_dev_selftests_run_cb`: the section is opened here, and only for a reply with
/// results.
pub(crate) fn pr_out_selftests_run(p: &mut Printer, s: &SelftestsRun) {
    if s.results.is_empty() {
        return;
    }
    p.section_start("selftests");
    p.handle_start(&s.handle.bus, &s.handle.dev, true, false);
    p.indent_inc();
    if !p.json() {
        p.newline();
    }
    for r in &s.results {
        p.object_start(test_name(r.id));
        p.check_indent_newline();
        p.print_string_name_value("status", status_name(r.status));
        p.object_end();
        if !p.json() {
            p.newline();
        }
    }
    p.indent_dec();
    p.handle_end();
    p.section_end();
}
