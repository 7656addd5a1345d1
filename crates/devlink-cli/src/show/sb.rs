//! `devlink sb show`, `sb pool show`, `sb port pool show`, `sb tc bind show`:
//! `pr_out_sb`, `pr_out_sb_pool`, `pr_out_sb_port_pool`, `pr_out_sb_tc_bind`.
//! (Occupancy, `sb occupancy show`: `sb_occ.rs`.)

use devlink_wire::devlink::{Sb, SbPool, SbPortPool, SbTcPoolBind};

use super::names;
use super::printer::{Out, Printer};

/// `pr_out_sb`.
pub(crate) fn pr_out_sb(p: &mut Printer, sb: &Sb) {
    p.handle_start(&sb.handle.bus, &sb.handle.dev, true, true);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("sb"), "sb %u", sb.index);
    p.print_uint(Out::Any, Some("size"), " size %u", sb.size);
    let counts = [
        ("ing_pools", " ing_pools %u", sb.ingress_pool_count),
        ("eg_pools", " eg_pools %u", sb.egress_pool_count),
        ("ing_tcs", " ing_tcs %u", sb.ingress_tc_count),
        ("eg_tcs", " eg_tcs %u", sb.egress_tc_count),
    ];
    for (key, fmt, v) in counts {
        p.print_uint(Out::Any, Some(key), fmt, u32::from(v));
    }
    p.handle_end();
}

/// `pr_out_sb_pool`.
pub(crate) fn pr_out_sb_pool(p: &mut Printer, pool: &SbPool) {
    p.handle_start(&pool.handle.bus, &pool.handle.dev, true, true);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("sb"), "sb %u", pool.sb_index);
    p.print_uint(
        Out::Any,
        Some("pool"),
        " pool %u",
        u32::from(pool.pool_index),
    );
    p.print_string(
        Out::Any,
        Some("type"),
        " type %s",
        names::sb_pool_type(pool.pool_type),
    );
    p.print_uint(Out::Any, Some("size"), " size %u", pool.size);
    p.print_string(
        Out::Any,
        Some("thtype"),
        " thtype %s",
        names::sb_threshold_type(pool.threshold_type),
    );
    // DEVLINK_ATTR_SB_POOL_CELL_SIZE: the kernel always sends it.
    p.print_uint(Out::Any, Some("cell_size"), " cell size %u", pool.cell_size);
    p.handle_end();
}

/// `pr_out_sb_port_pool` (the port by netdev name when it has one, without `-n`).
pub(crate) fn pr_out_sb_port_pool(p: &mut Printer, pp: &SbPortPool) {
    p.nice_port_handle_start(&pp.handle.bus, &pp.handle.dev, pp.port_index, true);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("sb"), "sb %u", pp.sb_index);
    p.print_uint(Out::Any, Some("pool"), " pool %u", u32::from(pp.pool_index));
    p.print_uint(Out::Any, Some("threshold"), " threshold %u", pp.threshold);
    p.port_handle_end();
}

/// `pr_out_sb_tc_bind`.
pub(crate) fn pr_out_sb_tc_bind(p: &mut Printer, b: &SbTcPoolBind) {
    p.nice_port_handle_start(&b.handle.bus, &b.handle.dev, b.port_index, true);
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("sb"), "sb %u", b.sb_index);
    p.print_uint(Out::Any, Some("tc"), " tc %u", u32::from(b.tc_index));
    p.print_string(
        Out::Any,
        Some("type"),
        " type %s",
        names::sb_pool_type(b.pool_type),
    );
    p.print_uint(Out::Any, Some("pool"), " pool %u", u32::from(b.pool_index));
    p.print_uint(Out::Any, Some("threshold"), " threshold %u", b.threshold);
    p.port_handle_end();
}
