//! `devlink resource show DEV`: `resources_show`, `resource_show`,
//! `resource_path_print`. The command first asks for the dpipe tables
//! (`DEVLINK_CMD_DPIPE_TABLE_GET`) to list the tables each resource backs.

use devlink_wire::devlink::{DpipeTables, Resource, ResourceDump};

use super::names;
use super::printer::{Out, Printer, c_uint};

/// `struct resource_ctx` (with the tables of `struct dpipe_ctx`): what `resource show`
/// carries from one reply to the next.
#[derive(Debug, Default)]
pub(crate) struct ResourceCtx {
    /// `(table name, resource id)` of every dpipe table bound to a resource.
    tables: Vec<(String, u64)>,
    /// `ctx->pending_change`: some resource has `size_new != size`.
    pending_change: bool,
    /// A resource dump reply was read (the dpipe context's `resources`).
    resources_known: bool,
}

impl ResourceCtx {
    /// `cmd_dpipe_table_show_cb` with printing off: remember the tables. iproute2 6.1
    /// binds a table to its resource only if the resource tree is known by then
    /// (`dpipe_table_show`: `resource_valid` needs `ctx->resources`), and `resource
    /// show` asks for the tables first: so it never lists a table (`dpipe_tables
    /// none` everywhere), even on a device whose tables use its resources.
    pub(crate) fn add_tables(&mut self, t: &DpipeTables) {
        for table in &t.tables {
            if let (Some(r), true) = (&table.resource, self.resources_known) {
                self.tables.push((table.name.clone(), r.id));
            }
        }
    }
}

/// `resource_parse`'s `size_new`: the size after reload, or the size.
fn size_new(r: &Resource) -> u64 {
    r.size_new.unwrap_or(r.size)
}

fn any_pending(rs: &[Resource]) -> bool {
    rs.iter()
        .any(|r| size_new(r) != r.size || any_pending(&r.children))
}

/// `cmd_resource_dump_cb` + `resources_show`: one entry per top-level resource.
pub(crate) fn pr_out_resources(p: &mut Printer, ctx: &mut ResourceCtx, d: &ResourceDump) {
    ctx.pending_change |= any_pending(&d.resources);
    ctx.resources_known = true;
    for r in &d.resources {
        p.handle_start(&d.handle.bus, &d.handle.dev, true, true);
        resource_show(p, ctx, r, &[]);
        p.handle_end();
    }
}

/// `resource_show`: one line per resource, children in a `resources:` list.
/// `path` holds the ancestors' names (for `-v`'s `resource_path`).
fn resource_show(p: &mut Printer, ctx: &ResourceCtx, r: &Resource, path: &[&str]) {
    p.check_indent_newline();
    p.print_string(Out::Any, Some("name"), "name %s", &r.name);
    if p.opts.verbose {
        // resource_path_print
        let mut full = String::new();
        for n in path.iter().chain(std::iter::once(&r.name.as_str())) {
            full.push('/');
            full.push_str(n);
        }
        p.check_indent_newline();
        p.print_string(Out::Any, Some("resource_path"), "resource_path %s", &full);
    }
    p.pr_out_u64("size", r.size);
    if size_new(r) != r.size {
        p.pr_out_u64("size_new", size_new(r));
    }
    if let Some(occ) = r.occ {
        p.print_uint(Out::Any, Some("occ"), " occ %u", c_uint(occ));
    }
    p.print_string(
        Out::Any,
        Some("unit"),
        " unit %s",
        names::resource_unit(r.unit),
    );
    if r.size_min != r.size_max {
        p.print_uint(
            Out::Any,
            Some("size_min"),
            " size_min %u",
            c_uint(r.size_min),
        );
        p.pr_out_u64("size_max", r.size_max);
        p.print_uint(
            Out::Any,
            Some("size_gran"),
            " size_gran %u",
            c_uint(r.size_gran),
        );
    }
    let tables: Vec<&str> = ctx
        .tables
        .iter()
        .filter(|(_, id)| *id == r.id)
        .map(|(n, _)| n.as_str())
        .collect();
    if tables.is_empty() {
        p.print_string(Out::Any, Some("dpipe_tables"), " dpipe_tables none", "none");
    } else {
        p.array_start("dpipe_tables");
        for t in tables {
            p.entry_start();
            p.check_indent_newline();
            p.print_string(Out::Any, Some("table_name"), "table_name %s", t);
            p.entry_end();
        }
        p.array_end();
    }
    if r.children.is_empty() {
        return;
    }
    if ctx.pending_change {
        p.check_indent_newline();
        let valid = if r.size_valid == Some(true) {
            "true"
        } else {
            "false"
        };
        p.print_string(Out::Any, Some("size_valid"), "size_valid %s", valid);
    }
    p.array_start("resources");
    let mut child_path = path.to_vec();
    child_path.push(&r.name);
    for c in &r.children {
        p.entry_start();
        resource_show(p, ctx, c, &child_path);
        p.entry_end();
    }
    p.array_end();
}
