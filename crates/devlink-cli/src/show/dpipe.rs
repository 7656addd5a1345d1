//! `devlink dpipe …`: `cmd_dpipe_header_cb` (`pr_out_dpipe_headers`),
//! `cmd_dpipe_table_show_cb` (`dpipe_table_show`) and `cmd_dpipe_table_entry_dump_cb`
//! (`dpipe_entry_show`). Every command first reads the device's headers (to name the
//! headers and fields that matches and actions refer to by id); `table show` also reads
//! the resource tree (for `resource_path`).

use std::net::{Ipv4Addr, Ipv6Addr};

use devlink_wire::devlink::{
    DpipeEntries, DpipeEntry, DpipeFieldRef, DpipeHeader, DpipeHeaders, DpipeTable, DpipeTables,
    DpipeValue, Resource, ResourceDump,
};
use devlink_wire::spec::{DpipeActionType, DpipeFieldMappingType, DpipeHeaderId, DpipeMatchType};

use super::printer::{Out, Printer, c_uint};

/// What C prints for a `NULL` string (glibc's `printf("%s", NULL)`).
const NULL: &str = "(null)";

/// `struct dpipe_ctx`: the headers read so far and, for `table show`, the resources.
#[derive(Debug, Default)]
pub(crate) struct DpipeCtx {
    /// `ctx->local_headers`: each header is prepended (`list_add`).
    local: Vec<DpipeHeader>,
    /// `ctx->global_headers`, likewise.
    global: Vec<DpipeHeader>,
    /// `ctx->resources`: set once a resource dump succeeded.
    resources: Option<Vec<Resource>>,
}

impl DpipeCtx {
    /// `dpipe_headers_get`: remember the headers of one reply.
    pub(crate) fn add_headers(&mut self, h: &DpipeHeaders) {
        for header in &h.headers {
            let list = if header.global {
                &mut self.global
            } else {
                &mut self.local
            };
            list.insert(0, header.clone());
        }
    }

    /// `cmd_resource_dump_cb` with printing off: remember the tree.
    pub(crate) fn add_resources(&mut self, d: &ResourceDump) {
        self.resources
            .get_or_insert_with(Vec::new)
            .extend(d.resources.iter().cloned());
    }

    /// The header a match or action refers to (`dpipe_header_id2s` and friends look it
    /// up by id in the list its `global` flag names).
    fn header(&self, f: &DpipeFieldRef) -> Option<&DpipeHeader> {
        let list = if f.global { &self.global } else { &self.local };
        list.iter().find(|h| h.id == f.header_id)
    }

    /// `dpipe_header_id2s`.
    fn header_name(&self, f: &DpipeFieldRef) -> &str {
        self.header(f).map_or(NULL, |h| h.name.as_str())
    }

    /// `dpipe_field_id2s`: the field at position `field_id` of the header.
    fn field_name(&self, f: &DpipeFieldRef) -> &str {
        self.header(f)
            .and_then(|h| h.fields.get(usize::try_from(f.field_id).ok()?))
            .map_or(NULL, |field| field.name.as_str())
    }

    /// `dpipe_mapping_get`: `ifindex`, or nothing for an unmapped field.
    fn mapping(&self, f: &DpipeFieldRef) -> Option<&'static str> {
        let field = self
            .header(f)?
            .fields
            .get(usize::try_from(f.field_id).ok()?)?;
        mapping_name(field.mapping_type)
    }
}

/// `dpipe_field_mapping_e2s`.
const fn mapping_name(m: DpipeFieldMappingType) -> Option<&'static str> {
    match m {
        DpipeFieldMappingType::None => None,
        DpipeFieldMappingType::Ifindex => Some("ifindex"),
    }
}

/// `cmd_dpipe_header_cb` with `print_headers`: remember the reply's headers, then
/// `pr_out_dpipe_headers` (every header known so far: local ones, then global ones).
pub(crate) fn pr_out_dpipe_headers(p: &mut Printer, ctx: &mut DpipeCtx, h: &DpipeHeaders) {
    ctx.add_headers(h);
    let headers = ctx.local.iter().chain(&ctx.global);
    for header in headers {
        p.handle_start(&h.handle.bus, &h.handle.dev, true, true);
        p.check_indent_newline();
        p.print_string(Out::Any, Some("name"), "name %s", &header.name);
        if p.opts.verbose {
            p.print_uint(Out::Any, Some("id"), " id %u", header.id);
            p.print_bool(Out::Any, Some("global"), " global %s", header.global);
        }
        p.array_start("field");
        for field in &header.fields {
            p.entry_start();
            p.check_indent_newline();
            p.print_string(Out::Any, Some("name"), "name %s", &field.name);
            if p.opts.verbose {
                p.print_uint(Out::Any, Some("id"), " id %u", field.id);
            }
            p.print_uint(Out::Any, Some("bitwidth"), " bitwidth %u", field.bitwidth);
            if let Some(m) = mapping_name(field.mapping_type) {
                p.print_string(Out::Any, Some("mapping_type"), " mapping_type %s", m);
            }
            p.entry_end();
        }
        p.array_end();
        p.handle_end();
    }
}

/// `dpipe_tables_show`: one block per table.
pub(crate) fn pr_out_dpipe_tables(p: &mut Printer, ctx: &DpipeCtx, t: &DpipeTables) {
    for table in &t.tables {
        p.handle_start(&t.handle.bus, &t.handle.dev, true, true);
        dpipe_table_show(p, ctx, table);
        p.handle_end();
    }
}

/// `dpipe_table_show`. iproute2 reads the u64 size and resource units as u32.
fn dpipe_table_show(p: &mut Printer, ctx: &DpipeCtx, table: &DpipeTable) {
    p.check_indent_newline();
    p.print_string(Out::Any, Some("name"), "name %s", &table.name);
    p.print_uint(Out::Any, Some("size"), " size %u", c_uint(table.size));
    p.print_bool(
        Out::Any,
        Some("counters_enabled"),
        " counters_enabled %s",
        table.counters_enabled,
    );
    if let (Some(r), Some(resources)) = (&table.resource, &ctx.resources) {
        if let Some(path) = resource_path(resources, r.id) {
            p.check_indent_newline();
            p.print_string(Out::Any, Some("resource_path"), "resource_path %s", &path);
        }
        p.print_uint(
            Out::Any,
            Some("resource_units"),
            " resource_units %u",
            c_uint(r.units),
        );
    }
    p.array_start("match");
    for m in &table.matches {
        p.entry_start();
        pr_out_dpipe_op(p, ctx, match_type(m.match_type), &m.field);
        p.entry_end();
    }
    p.array_end();
    p.array_start("action");
    for a in &table.actions {
        p.entry_start();
        pr_out_dpipe_op(p, ctx, action_type(a.action_type), &a.field);
        p.entry_end();
    }
    p.array_end();
}

/// `resource_find` + `resource_path_print`'s path: `/parent/…/name`, depth first.
fn resource_path(resources: &[Resource], id: u64) -> Option<String> {
    resources.iter().find_map(|r| {
        if r.id == id {
            return Some(format!("/{}", r.name));
        }
        resource_path(&r.children, id).map(|rest| format!("/{}{rest}", r.name))
    })
}

/// `dpipe_match_type_e2s`.
const fn match_type(t: DpipeMatchType) -> &'static str {
    match t {
        DpipeMatchType::FieldExact => "field_exact",
    }
}

/// `dpipe_action_type_e2s`.
const fn action_type(t: DpipeActionType) -> &'static str {
    match t {
        DpipeActionType::FieldModify => "field_modify",
    }
}

/// `pr_out_dpipe_match` / `pr_out_dpipe_action`: type, header, field, mapping.
fn pr_out_dpipe_op(p: &mut Printer, ctx: &DpipeCtx, ty: &str, f: &DpipeFieldRef) {
    p.check_indent_newline();
    p.print_string(Out::Any, Some("type"), "type %s", ty);
    p.print_string(Out::Any, Some("header"), " header %s", ctx.header_name(f));
    p.print_string(Out::Any, Some("field"), " field %s", ctx.field_name(f));
    if let Some(m) = ctx.mapping(f) {
        p.print_string(Out::Any, Some("mapping"), " mapping %s", m);
    }
}

/// `dpipe_table_entries_show`: one block per entry.
pub(crate) fn pr_out_dpipe_entries(p: &mut Printer, ctx: &DpipeCtx, e: &DpipeEntries) {
    for entry in &e.entries {
        p.handle_start(&e.handle.bus, &e.handle.dev, true, true);
        dpipe_entry_show(p, ctx, entry);
        p.handle_end();
    }
}

/// `dpipe_entry_show`. iproute2 reads the u64 index as u32 and prints the u64 counter
/// as an `unsigned int`.
fn dpipe_entry_show(p: &mut Printer, ctx: &DpipeCtx, e: &DpipeEntry) {
    p.check_indent_newline();
    p.print_uint(Out::Any, Some("index"), "index %u", c_uint(e.index));
    if let Some(c) = e.counter {
        p.print_uint(Out::Any, Some("counter"), " counter %u", c_uint(c));
    }
    p.array_start("match_value");
    for m in &e.match_values {
        p.entry_start();
        pr_out_dpipe_op(
            p,
            ctx,
            match_type(m.field_match.match_type),
            &m.field_match.field,
        );
        pr_out_entry_value(p, &m.value, &m.field_match.field);
        p.entry_end();
    }
    p.array_end();
    p.array_start("action_value");
    for a in &e.action_values {
        p.entry_start();
        pr_out_dpipe_op(p, ctx, action_type(a.action.action_type), &a.action.field);
        pr_out_entry_value(p, &a.value, &a.action.field);
        p.entry_end();
    }
    p.array_end();
}

/// `pr_out_dpipe_entry_value`: the mapping, the mask, the value. iproute2 6.1 prints
/// the value again where the mask goes (it reads `DPIPE_VALUE` for both).
fn pr_out_entry_value(p: &mut Printer, v: &DpipeValue, f: &DpipeFieldRef) {
    if let Some(m) = v.mapping {
        p.check_indent_newline();
        p.print_uint(Out::Any, Some("mapping_value"), "mapping_value %u", m);
    }
    if v.mask.is_some() {
        pr_out_value(p, &v.value, f, "value_mask");
    }
    pr_out_value(p, &v.value, f, "value");
}

/// `__pr_out_entry_value`: a known field of a global header in its own notation
/// (`dpipe_print_prot_header`), else a 4-byte value as a number, else nothing.
fn pr_out_value(p: &mut Printer, value: &[u8], f: &DpipeFieldRef, name: &str) {
    if let Some(s) = f
        .global_header()
        .and_then(|h| prot_field(h, f.field_id, value))
    {
        p.check_indent_newline();
        p.print_string_name_value(name, &s);
        return;
    }
    if let Ok(b) = <[u8; 4]>::try_from(value) {
        p.check_indent_newline();
        p.print_uint_name_value(name, u32::from_ne_bytes(b));
    }
}

/// The first `N` bytes of a value, zero-padded (iproute2 reads past a short value).
fn bytes<const N: usize>(value: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    for (o, v) in out.iter_mut().zip(value) {
        *o = *v;
    }
    out
}

/// `dpipe_header_printers`: the destination fields (field id 0) of the global headers.
fn prot_field(header: DpipeHeaderId, field_id: u32, value: &[u8]) -> Option<String> {
    if field_id != 0 {
        return None;
    }
    Some(match header {
        // A host-order u32 through htonl and inet_ntoa.
        DpipeHeaderId::Ipv4 => Ipv4Addr::from(u32::from_ne_bytes(bytes(value))).to_string(),
        // ether_ntoa: hex without leading zeros.
        DpipeHeaderId::Ethernet => bytes::<6>(value)
            .iter()
            .map(|b| format!("{b:x}"))
            .collect::<Vec<_>>()
            .join(":"),
        DpipeHeaderId::Ipv6 => inet_ntop6(bytes(value)),
    })
}

/// glibc's `inet_ntop(AF_INET6, …)`: RFC 5952 as Rust prints it, except that an
/// address whose first 96 bits are zero and whose next 16 are not ends in dotted
/// IPv4 (`::1.2.3.4`).
fn inet_ntop6(b: [u8; 16]) -> String {
    let ip = Ipv6Addr::from(b);
    let s = ip.segments();
    if s.iter().take(6).all(|&w| w == 0) && s.get(6).is_some_and(|&w| w != 0) {
        let [.., a, b2, c, d] = b;
        return format!("::{}", Ipv4Addr::new(a, b2, c, d));
    }
    ip.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_as_glibc_prints_it() {
        let p = |s: &str| inet_ntop6(s.parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(p("2001:db8::1"), "2001:db8::1");
        assert_eq!(p("::2"), "::2");
        assert_eq!(p("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(p("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(p("1:0:0:1:0:0:0:1"), "1:0:0:1::1");
    }

    #[test]
    fn global_fields_in_their_notation() {
        let ip4 = 0xc633_6401_u32.to_ne_bytes();
        assert_eq!(
            prot_field(DpipeHeaderId::Ipv4, 0, &ip4).as_deref(),
            Some("198.51.100.1")
        );
        let mac = [0x02, 0, 0x0a, 0xff, 0, 1, 0, 0];
        assert_eq!(
            prot_field(DpipeHeaderId::Ethernet, 0, &mac).as_deref(),
            Some("2:0:a:ff:0:1")
        );
        assert_eq!(prot_field(DpipeHeaderId::Ethernet, 1, &mac), None);
    }

    /// A masked value: iproute2 6.1 prints the value itself as `value_mask` (checked
    /// against `/usr/sbin/devlink` with a device whose `adj_hash_index` had mask 0xff).
    #[test]
    fn a_mask_prints_the_value() {
        use devlink_wire::devlink::{DpipeField, DpipeMatch, DpipeMatchValue, Handle};

        use super::super::Options;
        use super::super::{ShowCmd, render_show};

        let handle = Handle::new("pci", "0000:01:00.0");
        let headers = DpipeHeaders {
            handle: handle.clone(),
            headers: vec![DpipeHeader {
                name: "meta".into(),
                id: 0,
                global: false,
                fields: vec![DpipeField {
                    name: "hash".into(),
                    id: 0,
                    bitwidth: 32,
                    mapping_type: DpipeFieldMappingType::None,
                    unknown: vec![],
                }],
                unknown: vec![],
            }],
            unknown: vec![],
        };
        let field = DpipeFieldRef::default();
        let entries = DpipeEntries {
            handle,
            entries: vec![DpipeEntry {
                index: 3,
                counter: None,
                match_values: vec![DpipeMatchValue {
                    field_match: DpipeMatch {
                        match_type: DpipeMatchType::FieldExact,
                        field,
                        unknown: vec![],
                    },
                    value: DpipeValue {
                        value: 5u32.to_ne_bytes().to_vec(),
                        mask: Some(vec![0xff, 0, 0, 0]),
                        mapping: None,
                    },
                    unknown: vec![],
                }],
                action_values: vec![],
                unknown: vec![],
            }],
            unknown: vec![],
        };
        let r = render_show(
            ShowCmd::DpipeEntries,
            &[headers.into(), entries.into()],
            Options::default(),
        );
        assert_eq!(r.error, None);
        assert_eq!(
            r.output,
            "pci/0000:01:00.0:\n  index 3\n    match_value:\n      \
             type field_exact header meta field hash value_mask 5 value 5\n    \
             action_value:\n"
        );
    }
}
