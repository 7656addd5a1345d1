//! `devlink health show` and `[health,status]` events: `pr_out_health`,
//! `pr_out_dump_report_timestamp`, `pr_out_dump_reporter_format_logtime`.

use devlink_wire::devlink::HealthReporter;

use super::names;
use super::printer::{Out, Printer};

/// `pr_out_health`. `print_device` / `print_port` select device and port reporters
/// (`devlink health show` prints both, `devlink port health show` only port ones).
pub(crate) fn pr_out_health(
    p: &mut Printer,
    r: &HealthReporter,
    print_device: bool,
    print_port: bool,
) {
    let h = &r.handle;
    if !print_device && !print_port {
        return;
    }
    if print_port {
        match r.port_index {
            None if !print_device => return,
            Some(i) => p.port_handle_start(&h.bus, &h.dev, i, true),
            None => {}
        }
    }
    if print_device {
        match r.port_index {
            Some(_) if !print_port => return,
            None => p.handle_start(&h.bus, &h.dev, true, true),
            Some(_) => {}
        }
    }
    p.check_indent_newline();
    p.print_string(Out::Any, Some("reporter"), "reporter %s", &r.name);
    if !p.json() {
        p.newline();
        p.indent_inc();
    }
    p.check_indent_newline();
    p.print_string(
        Out::Any,
        Some("state"),
        "state %s",
        names::health_state(r.state),
    );
    p.pr_out_u64("error", r.error_count);
    p.pr_out_u64("recover", r.recover_count);
    if let Some(ns) = r.dump_ts_ns {
        pr_out_dump_report_timestamp(p, ns);
    } else if let Some(ms) = r.dump_ts {
        pr_out_dump_reporter_format_logtime(p, ms);
    }
    if let Some(g) = r.graceful_period {
        p.pr_out_u64("grace_period", g);
    }
    if let Some(a) = r.auto_recover {
        p.print_bool(Out::Any, Some("auto_recover"), " auto_recover %s", a);
    }
    if let Some(a) = r.auto_dump {
        p.print_bool(Out::Any, Some("auto_dump"), " auto_dump %s", a);
    }
    p.indent_dec();
    p.handle_end();
}

/// `pr_out_dump_report_timestamp`: `DUMP_TS_NS` is wall-clock nanoseconds.
fn pr_out_dump_report_timestamp(p: &mut Printer, ns: u64) {
    let secs = i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX);
    print_dump_date_time(p, secs);
}

/// `pr_out_dump_reporter_format_logtime`: `DUMP_TS` is milliseconds since boot.
fn pr_out_dump_reporter_format_logtime(p: &mut Printer, ms: u64) {
    let since_boot = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let secs = p.opts.time.boot_time_secs.saturating_add(since_boot);
    print_dump_date_time(p, secs);
}

fn print_dump_date_time(p: &mut Printer, secs: i64) {
    let (date, time) = p.opts.time.local_date_time(secs);
    p.check_indent_newline();
    p.print_string(Out::Any, Some("last_dump_date"), "last_dump_date %s", &date);
    p.print_string(
        Out::Any,
        Some("last_dump_time"),
        " last_dump_time %s",
        &time,
    );
}
