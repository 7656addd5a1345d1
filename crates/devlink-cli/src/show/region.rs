//! `devlink region show` and region events: `pr_out_region`, `pr_out_snapshots`,
//! `pr_out_snapshot`.

use devlink_wire::devlink::{Region, RegionEvent, RegionEventKind, RegionRead};

use super::printer::{Out, Printer};

/// `pr_out_region_handle_start`: `bus/dev/region:`.
fn region_handle_start(p: &mut Printer, bus: &str, dev: &str, name: &str) {
    let buf = format!("{bus}/{dev}/{name}");
    if p.json() {
        p.open_json_object(Some(&buf));
    } else {
        p.pr_out(&format!("{buf}:"));
    }
}

/// `pr_out_region_snapshots_start`.
fn snapshots_start(p: &mut Printer, array: bool) {
    p.indent_newline_space();
    if p.json() {
        p.open_json_array(Some("snapshot"));
    } else {
        p.pr_out(&format!("snapshot {}", if array { "[" } else { "" }));
    }
}

/// `pr_out_region_snapshots_end`.
fn snapshots_end(p: &mut Printer, array: bool) {
    if p.json() {
        p.close_json_array();
    } else if array {
        p.pr_out("]");
    }
}

/// `pr_out_region_snapshots_id`.
fn snapshot_id(p: &mut Printer, id: u32, index: usize) {
    if p.json() {
        p.print_uint(Out::Json, None, "", id);
    } else {
        p.pr_out(&format!("{}{id}", if index > 0 { " " } else { "" }));
    }
}

/// `pr_out_region` for a `REGION_GET` reply: `size N snapshot [ids] max M`. The
/// kernel always sends the (possibly empty) snapshot list.
pub(crate) fn pr_out_region(p: &mut Printer, r: &Region) {
    region_handle_start(p, &r.handle.bus, &r.handle.dev, &r.name);
    p.pr_out_u64("size", r.size);
    snapshots_start(p, true);
    for (i, id) in r.snapshots.iter().enumerate() {
        snapshot_id(p, *id, i);
    }
    snapshots_end(p, true);
    p.pr_out_u64("max", u64::from(r.max_snapshots));
    p.port_handle_end();
}

/// `pr_out_region` for a `REGION_NEW` / `REGION_DEL` notification: `size N` (region
/// created or destroyed) or `snapshot ID` (`pr_out_snapshot`).
pub(crate) fn pr_out_region_event(p: &mut Printer, r: &RegionEvent) {
    region_handle_start(p, &r.handle.bus, &r.handle.dev, &r.name);
    match r.kind {
        RegionEventKind::Size(size) => p.pr_out_u64("size", size),
        RegionEventKind::Snapshot(id) => {
            snapshots_start(p, false);
            snapshot_id(p, id, 0);
            snapshots_end(p, false);
        }
    }
    p.port_handle_end();
}

/// `cmd_region_read_cb` and `pr_out_region_chunk`: each chunk's bytes, 16 a line in text
/// (`address bytes…`; the count is iproute2's function-static `align_val`, kept across
/// chunks and messages in `align`), `{"address":A,"data":[…]}` fields in JSON.
pub(crate) fn pr_out_region_read(p: &mut Printer, align: &mut u64, r: &RegionRead) {
    for chunk in &r.chunks {
        let mut addr = chunk.addr;
        if p.json() {
            p.print_u64(Out::Json, Some("address"), "", addr);
            p.open_json_array(Some("data"));
        }
        for b in &chunk.data {
            if !p.json() && (*align).is_multiple_of(16) {
                let nl = if *align == 0 { "" } else { "\n" };
                p.pr_out(&format!("{nl}{addr:016x} "));
            }
            *align = align.wrapping_add(1);
            if p.json() {
                p.print_int(Out::Json, None, "", i64::from(*b));
            } else {
                p.pr_out(&format!("{b:02x} "));
            }
            addr = addr.wrapping_add(1);
        }
        if p.json() {
            p.close_json_array();
        }
    }
}
