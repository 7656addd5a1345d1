//! `devlink lc show` and line card events: `pr_out_linecard`,
//! `pr_out_linecard_supported_types`, `pr_out_nested_handle`.

use devlink_wire::devlink::{Linecard, NestedHandle};

use super::names;
use super::printer::{Out, Printer};

/// `pr_out_nested_handle`: ` nested_devlink bus/dev`.
fn pr_out_nested_handle(p: &mut Printer, n: &NestedHandle) {
    let buf = format!("{}/{}", n.handle.bus, n.handle.dev);
    p.print_string(Out::Any, Some("nested_devlink"), " nested_devlink %s", &buf);
}

/// `pr_out_linecard`: `lc N state S [type T] [nested_devlink D]` and the supported
/// types. Always printed as a per-device array entry, in the monitor too.
pub(crate) fn pr_out_linecard(p: &mut Printer, lc: &Linecard) {
    p.handle_start(&lc.handle.bus, &lc.handle.dev, true, true);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("lc"), "lc %u", lc.index);
    p.print_string(
        Out::Any,
        Some("state"),
        " state %s",
        names::linecard_state(lc.state),
    );
    if let Some(t) = &lc.lc_type {
        p.print_string(Out::Any, Some("type"), " type %s", t);
    }
    if let Some(n) = &lc.nested {
        pr_out_nested_handle(p, n);
    }
    if let Some(types) = &lc.supported_types {
        p.array_start("supported_types");
        p.check_indent_newline();
        for t in types {
            p.print_string(Out::Any, None, " %s", t);
        }
        p.array_end();
    }
    p.handle_end();
}
