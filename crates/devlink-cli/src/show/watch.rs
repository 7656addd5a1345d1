//! `dlctl snapshot` and `dlctl watch` (`devlinkd_watch`, `docs/watch.md`): every object
//! printed the way `devlink monitor` prints it (`pr_out_port`, `pr_out_param`, …; the
//! `show` form for the kinds the monitor has no event of: e-switch, resources, shared
//! buffers), behind the kind and, for a watch, the revision and the operation.
//!
//! Text: `port pci/0000:03:00.0/1: type eth …` per object and `revision 42 (oldest 0)`
//! for a snapshot; `[42] port put pci/0000:03:00.0/1: …`, `[43] bookmark` for a watch.
//! JSON (iproute2's writer, `-p` too): `{"revision":42,"oldest":0,"objects":[{"kind":
//! "port","object":{…}}]}` for a snapshot, where `object` holds what the object's
//! iproute2 `-j` output holds under its section (`{"pci/0000:03:00.0/1":{…}}`); one
//! document per line for a watch: `{"revision":42,"event":"put","kind":"port",
//! "last":true,"object":{…}}`, `{"revision":43,"event":"bookmark"}`,
//! `{"revision":43,"event":"cancelled","oldest":40,"errno":116,"message":"…"}`; after a
//! re-list, `[44] relist` / `{"revision":44,"event":"relist"}` and the snapshot's
//! objects as `put` events of revision 44.

use devlink_wire::message::DevlinkBody;
use devlink_wire::watch::{Bookmark, Cancelled, SnapshotEnd, WatchEvent, WatchKind, WatchOp};

use super::param::ParamHandle;
use super::printer::{Options, Out, Printer};
use super::resource::ResourceCtx;
use super::{dev, health, linecard, param, port, rate, region, sb, trap};

/// A whole snapshot: its objects in the order given, then its revision.
#[must_use]
pub fn render_snapshot(
    objects: &[(WatchKind, DevlinkBody)],
    end: SnapshotEnd,
    opts: Options,
) -> String {
    let mut p = Printer::new(opts);
    if p.json() {
        p.open_json_object(None);
        p.print_u64(Out::Json, Some("revision"), "", end.revision);
        p.print_u64(Out::Json, Some("oldest"), "", end.oldest);
        p.open_json_array(Some("objects"));
        for (kind, body) in objects {
            p.open_json_object(None);
            p.print_string(Out::Json, Some("kind"), "", kind.name());
            json_object(&mut p, body);
            p.close_json_object();
        }
        p.close_json_array();
        p.close_json_object();
    } else {
        for (kind, body) in objects {
            p.pr_out(&format!("{} ", kind.name()));
            text_object(&mut p, body);
        }
        p.pr_out(&format!(
            "revision {} (oldest {})\n",
            end.revision, end.oldest
        ));
    }
    p.finish();
    p.take()
}

/// One event of a watch.
#[must_use]
pub fn render_event(e: &WatchEvent, opts: Options) -> String {
    let op = match e.op {
        WatchOp::Put => "put",
        WatchOp::Del => "del",
    };
    let mut p = Printer::new(opts);
    if p.json() {
        p.open_json_object(None);
        p.print_u64(Out::Json, Some("revision"), "", e.revision);
        p.print_string(Out::Json, Some("event"), "", op);
        p.print_string(Out::Json, Some("kind"), "", e.kind.name());
        p.print_bool(Out::Json, Some("last"), "", e.last);
        json_object(&mut p, &e.object);
        p.close_json_object();
    } else {
        p.pr_out(&format!("[{}] {} {op} ", e.revision, e.kind.name()));
        text_object(&mut p, &e.object);
    }
    p.finish();
    p.take()
}

/// A bookmark: `[43] bookmark`.
#[must_use]
pub fn render_bookmark(b: Bookmark, opts: Options) -> String {
    mark(b.revision, "bookmark", opts)
}

/// `dlctl watch --relist` after a cancelled watch: `[43] relist`, before the objects of
/// a fresh snapshot at 43 (printed as `put` events), which replace everything before.
#[must_use]
pub fn render_relist(revision: u64, opts: Options) -> String {
    mark(revision, "relist", opts)
}

/// The end of a watch, in JSON (text prints it as an error, on standard error).
#[must_use]
pub fn render_cancelled(c: &Cancelled, opts: Options) -> String {
    let mut p = Printer::new(opts);
    if p.json() {
        p.open_json_object(None);
        p.print_u64(Out::Json, Some("revision"), "", c.revision);
        p.print_string(Out::Json, Some("event"), "", "cancelled");
        p.print_u64(Out::Json, Some("oldest"), "", c.oldest);
        p.print_u64(Out::Json, Some("errno"), "", c.errno.into());
        p.print_string(Out::Json, Some("message"), "", &c.message);
        p.close_json_object();
    }
    p.finish();
    p.take()
}

/// `[REV] WORD` / `{"revision":REV,"event":"WORD"}`.
fn mark(revision: u64, word: &str, opts: Options) -> String {
    let mut p = Printer::new(opts);
    if p.json() {
        p.open_json_object(None);
        p.print_u64(Out::Json, Some("revision"), "", revision);
        p.print_string(Out::Json, Some("event"), "", word);
        p.close_json_object();
    } else {
        p.pr_out(&format!("[{revision}] {word}\n"));
    }
    p.finish();
    p.take()
}

/// `"object":{…}`: what the object's renderer puts under its section.
fn json_object(p: &mut Printer, body: &DevlinkBody) {
    p.open_json_object(Some("object"));
    pr_out_object(p, body);
    p.close_json_object();
}

/// The object's line(s), ending with a newline.
fn text_object(p: &mut Printer, body: &DevlinkBody) {
    pr_out_object(p, body);
    if !p.ends_with_newline() {
        p.pr_out("\n");
    }
}

/// The object through its renderer, as `devlink monitor` (else `show`) prints it; a
/// per-device array a renderer opens is closed after it, so that objects do not run
/// into each other. Bodies no object has print nothing.
fn pr_out_object(p: &mut Printer, body: &DevlinkBody) {
    use DevlinkBody as B;
    match body {
        B::Dev(d) => dev::pr_out_dev(p, d),
        B::Eswitch(e) => dev::pr_out_eswitch(p, e),
        B::ResourceDump(d) => resource_object(p, d),
        B::Linecard(l) => linecard::pr_out_linecard(p, l),
        B::Port(x) => port::pr_out_port(p, x),
        B::Sb(s) => sb::pr_out_sb(p, s),
        B::SbPool(s) => sb::pr_out_sb_pool(p, s),
        B::SbPortPool(s) => sb::pr_out_sb_port_pool(p, s),
        B::SbTcPoolBind(s) => sb::pr_out_sb_tc_bind(p, s),
        B::TrapPolicer(t) => trap::pr_out_trap_policer(p, t, false),
        B::TrapGroup(g) => trap::pr_out_trap_group(p, g, false),
        B::Trap(t) => trap::pr_out_trap(p, t, false),
        B::Rate(r) => rate::pr_out_port_fn_rate(p, r),
        B::RegionEvent(r) => region::pr_out_region_event(p, r),
        B::HealthReporter(r) => health::pr_out_health(p, r, true, true),
        B::Param(x) => param::pr_out_param(p, x, ParamHandle::Single, x.port_index.is_some()),
        _ => {}
    }
    p.handle_array_end();
}

/// `devlink resource show DEV` of one device (without the dpipe tables' names).
fn resource_object(p: &mut Printer, d: &devlink_wire::devlink::ResourceDump) {
    let mut ctx = ResourceCtx::default();
    super::resource::pr_out_resources(p, &mut ctx, d);
}
