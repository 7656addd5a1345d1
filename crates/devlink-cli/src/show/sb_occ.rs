//! `devlink sb occupancy show`: `pr_out_occ_show` and its item lists (iproute2 6.1).
//! The command gathers the port-pool and TC-binding dumps per port first
//! (`cmd_sb_occ_port_pool_process`, `cmd_sb_occ_tc_pool_process`), then prints.

use devlink_wire::devlink::Handle;

use super::command::Rendered;
use super::printer::{Options, Out, Printer};

/// One port's occupancy (`struct occ_port`), in dump order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OccPort {
    /// The port index (printed by netdev name, as `Options::netdev_names` has it).
    pub port_index: u32,
    /// Pools (`pool_list`).
    pub pools: Vec<OccItem>,
    /// Ingress TCs (`ing_tc_list`).
    pub ingress_tcs: Vec<OccItem>,
    /// Egress TCs (`eg_tc_list`).
    pub egress_tcs: Vec<OccItem>,
}

/// One pool or TC (`struct occ_item`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccItem {
    /// Pool or TC index.
    pub index: u16,
    /// The pool a TC is bound to (`None` for a pool).
    pub bound_pool: Option<u16>,
    /// `DEVLINK_ATTR_SB_OCC_CUR`.
    pub cur: u32,
    /// `DEVLINK_ATTR_SB_OCC_MAX`.
    pub max: u32,
}

/// `cmd_sb_occ_show`'s output: the `occupancy` section, one object per port of `dev`.
#[must_use]
pub fn render_occupancy(dev: &Handle, ports: &[OccPort], opts: Options) -> Rendered {
    let mut p = Printer::new(opts);
    p.section_start("occupancy");
    for port in ports {
        p.nice_port_handle_start(&dev.bus, &dev.dev, port.port_index, false);
        if p.json() {
            json_list(&mut p, "pool", &port.pools);
            json_list(&mut p, "itc", &port.ingress_tcs);
            json_list(&mut p, "etc", &port.egress_tcs);
        } else {
            p.pr_out("\n");
            text_list(&mut p, "pool", &port.pools);
            text_list(&mut p, "itc", &port.ingress_tcs);
            text_list(&mut p, "etc", &port.egress_tcs);
        }
        p.port_handle_end();
    }
    p.section_end();
    p.finish();
    Rendered {
        output: p.take(),
        error: None,
    }
}

/// `pr_out_sp(num, …)`: `s`, padded with spaces to `num` columns.
fn sp(p: &mut Printer, num: usize, s: &str) {
    p.pr_out(&format!("{s:<num$}"));
}

/// `pr_out_occ_show_item_list`: four items a line.
fn text_list(p: &mut Printer, label: &str, items: &[OccItem]) {
    sp(p, 7, &format!("  {label}:"));
    for (i, item) in items.iter().enumerate() {
        if i % 4 == 0 && i != 0 {
            sp(p, 7, " ");
        }
        let index = match item.bound_pool {
            Some(pool) => format!("{:2}({pool}):", item.index),
            None => format!("{:2}:", item.index),
        };
        sp(p, 7, &index);
        sp(p, 21, &format!("{:10}/{}", item.cur, item.max));
        if (i + 1) % 4 == 0 {
            p.pr_out("\n");
        }
    }
    if !items.len().is_multiple_of(4) {
        p.pr_out("\n");
    }
}

/// `pr_out_json_occ_show_item_list`.
fn json_list(p: &mut Printer, label: &str, items: &[OccItem]) {
    p.open_json_object(Some(label));
    for item in items {
        p.open_json_object(Some(&item.index.to_string()));
        if let Some(pool) = item.bound_pool {
            p.print_uint(Out::Json, Some("bound_pool"), "", u32::from(pool));
        }
        p.print_uint(Out::Json, Some("current"), "", item.cur);
        p.print_uint(Out::Json, Some("max"), "", item.max);
        p.close_json_object();
    }
    p.close_json_object();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(index: u16, bound_pool: Option<u16>, cur: u32, max: u32) -> OccItem {
        OccItem {
            index,
            bound_pool,
            cur,
            max,
        }
    }

    /// `pr_out_sp` widths 7 and 21: five pools wrap after four, the next line starts
    /// at column 7, an empty list is its label alone (no line break of its own).
    #[test]
    fn text_wraps_after_four_items() {
        let port = OccPort {
            port_index: 1,
            pools: (0..5).map(|i| item(i, None, 0, 720)).collect(),
            ingress_tcs: vec![item(0, Some(0), 3, 4)],
            egress_tcs: Vec::new(),
        };
        let opts = Options {
            netdev_names: vec![crate::show::NetdevName {
                bus: "pci".into(),
                dev: "0000:01:00.0".into(),
                port: 1,
                name: "sw1p1".into(),
            }],
            ..Options::default()
        };
        let dev = Handle::new("pci", "0000:01:00.0");
        let out = render_occupancy(&dev, &[port], opts).output;
        let pool = |i: u32| format!("{i}:{}0/720{}", " ".repeat(13), " ".repeat(7));
        let want = format!(
            "sw1p1:\n  pool: {} {} {} {}\n{}{}\n  itc:  0(0):{}3/4{}\n  etc: \n",
            pool(0),
            pool(1),
            pool(2),
            pool(3),
            " ".repeat(8),
            pool(4),
            " ".repeat(10),
            " ".repeat(9),
        );
        assert_eq!(out, want);
    }
}
