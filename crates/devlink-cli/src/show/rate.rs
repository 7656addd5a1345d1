//! `devlink port function rate show`: `pr_out_port_fn_rate`. (iproute2 6.1's monitor
//! prints no rate events.)

use devlink_wire::devlink::{Rate, RateKey};

use super::printer::{Out, Printer};

/// `pr_out_port_fn_rate`: leaves are named by port (`bus/dev/index`), nodes by name
/// (`bus/dev/node`); zero rates, priorities and weights are not printed.
pub(crate) fn pr_out_port_fn_rate(p: &mut Printer, r: &Rate) {
    let h = &r.handle;
    let kind = match &r.key {
        RateKey::Leaf(index) => {
            p.port_handle_start(&h.bus, &h.dev, *index, false);
            "leaf"
        }
        RateKey::Node(name) => {
            // pr_out_port_rate_handle_start
            let buf = format!("{}/{}/{name}", h.bus, h.dev);
            if p.json() {
                p.open_json_object(Some(&buf));
            } else {
                p.pr_out(&format!("{buf}:"));
            }
            "node"
        }
    };
    p.check_indent_newline();
    // DEVLINK_ATTR_RATE_TYPE: the kernel always sends it; the key says which.
    p.print_string(Out::Any, Some("type"), "type %s", kind);
    if r.tx_share != 0 {
        p.print_rate(Out::Any, Some("tx_share"), " tx_share %s", r.tx_share);
    }
    if r.tx_max != 0 {
        p.print_rate(Out::Any, Some("tx_max"), " tx_max %s", r.tx_max);
    }
    if let Some(v) = r.tx_priority.filter(|v| *v != 0) {
        p.print_uint(Out::Any, Some("tx_priority"), " tx_priority %u", v);
    }
    if let Some(v) = r.tx_weight.filter(|v| *v != 0) {
        p.print_uint(Out::Any, Some("tx_weight"), " tx_weight %u", v);
    }
    if let Some(parent) = &r.parent {
        p.print_string(Out::Any, Some("parent"), " parent %s", parent);
    }
    p.port_handle_end();
}
