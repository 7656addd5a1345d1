//! `devlink port show` and port events: `pr_out_port`, `pr_out_port_pfvfsf_num`,
//! `pr_out_port_function`.

use devlink_wire::devlink::{Port, PortFunction};
use devlink_wire::spec::PortFlavour;

use super::names;
use super::printer::{Out, Printer};

/// `DEVLINK_PORT_FN_CAP_ROCE`.
const PORT_FN_CAP_ROCE: u32 = 1 << 0;
/// `DEVLINK_PORT_FN_CAP_MIGRATABLE`.
const PORT_FN_CAP_MIGRATABLE: u32 = 1 << 1;

/// `pr_out_port`: one line per port, then a `function:` block if the port has one.
/// The handle is always `bus/dev/index` (`try_nice` is false here).
pub(crate) fn pr_out_port(p: &mut Printer, port: &Port) {
    p.port_handle_start(&port.handle.bus, &port.handle.dev, port.index, false);
    p.check_indent_newline();
    // DEVLINK_ATTR_PORT_TYPE is always present in the typed body.
    p.print_string(
        Out::Any,
        Some("type"),
        "type %s",
        names::port_type(port.port_type),
    );
    if let Some(des) = port.desired_type.filter(|d| *d != port.port_type) {
        p.print_string(
            Out::Any,
            Some("des_type"),
            " des_type %s",
            names::port_type(des),
        );
    }
    if let Some(n) = &port.netdev_name {
        p.print_string(Out::Any, Some("netdev"), " netdev %s", n);
    }
    if let Some(n) = &port.ibdev_name {
        p.print_string(Out::Any, Some("ibdev"), " ibdev %s", n);
    }
    if let Some(f) = port.flavour {
        p.print_string(
            Out::Any,
            Some("flavour"),
            " flavour %s",
            names::port_flavour(f),
        );
        if matches!(
            f,
            PortFlavour::PciPf | PortFlavour::PciVf | PortFlavour::PciSf
        ) {
            pr_out_port_pfvfsf_num(p, port);
        }
    }
    if let Some(lc) = port.linecard_index {
        p.print_uint(Out::Any, Some("lc"), " lc %u", lc);
    }
    if let Some(n) = port.number {
        p.print_uint(Out::Any, Some("port"), " port %u", n);
    }
    if let Some(g) = port.split_group {
        p.print_uint(Out::Any, Some("split_group"), " split_group %u", g);
    }
    if let Some(s) = port.splittable {
        p.print_bool(Out::Any, Some("splittable"), " splittable %s", s);
    }
    if let Some(l) = port.lanes {
        p.print_uint(Out::Any, Some("lanes"), " lanes %u", l);
    }
    if let Some(f) = &port.function {
        pr_out_port_function(p, f);
    }
    p.port_handle_end();
}

/// `pr_out_port_pfvfsf_num`: controller, PF/VF/SF numbers and `external`.
fn pr_out_port_pfvfsf_num(p: &mut Printer, port: &Port) {
    if let Some(c) = port.controller {
        p.print_uint(Out::Any, Some("controller"), " controller %u", c);
    }
    if let Some(n) = port.pci_pf {
        p.print_uint(Out::Any, Some("pfnum"), " pfnum %u", u32::from(n));
    }
    if let Some(n) = port.pci_vf {
        p.print_uint(Out::Any, Some("vfnum"), " vfnum %u", u32::from(n));
    }
    if let Some(n) = port.pci_sf {
        // devlink.c stores the u32 SF number in a uint16_t before printing it.
        p.print_uint(Out::Any, Some("sfnum"), " sfnum %u", n & 0xffff);
    }
    if let Some(e) = port.external {
        p.print_bool(Out::Any, Some("external"), " external %s", e);
    }
}

/// `ll_addr_n2a` for a hardware address: lower-case hex bytes joined by `:`.
fn ll_addr(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `pr_out_port_function`: `function:` then `hw_addr … state … opstate …`.
fn pr_out_port_function(p: &mut Printer, f: &PortFunction) {
    p.object_start("function");
    p.check_indent_newline();
    if let Some(a) = &f.hw_addr {
        p.print_string(Out::Any, Some("hw_addr"), "hw_addr %s", &ll_addr(a));
    }
    if let Some(s) = f.state {
        p.print_string(
            Out::Any,
            Some("state"),
            " state %s",
            names::port_fn_state(s),
        );
    }
    if let Some(s) = f.opstate {
        p.print_string(
            Out::Any,
            Some("opstate"),
            " opstate %s",
            names::port_fn_opstate(s),
        );
    }
    if let Some(caps) = &f.caps {
        let word = |bit: u32| {
            if caps.value & bit != 0 {
                "enable"
            } else {
                "disable"
            }
        };
        if caps.selector & PORT_FN_CAP_ROCE != 0 {
            p.print_string(Out::Any, Some("roce"), " roce %s", word(PORT_FN_CAP_ROCE));
        }
        if caps.selector & PORT_FN_CAP_MIGRATABLE != 0 {
            p.print_string(
                Out::Any,
                Some("migratable"),
                " migratable %s",
                word(PORT_FN_CAP_MIGRATABLE),
            );
        }
    }
    // One decrement more than pr_out_object_start's two increments, as in devlink.c.
    if !p.json() {
        p.indent_dec();
    }
    p.object_end();
}
