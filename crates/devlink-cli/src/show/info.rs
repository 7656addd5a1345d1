//! `devlink dev info`: `cmd_versions_show_cb`, `pr_out_info`, `pr_out_versions_single`.

use devlink_wire::devlink::{Info, InfoItem, InfoVersionKind};

use super::printer::{Out, Printer};

/// `cmd_versions_show_cb`: a device prints only if it has a driver name, a serial
/// number or a version.
pub(crate) fn pr_out_info_cb(p: &mut Printer, info: &Info) {
    if !info.items.is_empty() {
        let has_versions = info.items.iter().any(|i| matches!(i, InfoItem::Version(_)));
        pr_out_info(p, info, has_versions);
    }
}

/// The last item of a kind, as `tb[]` keeps it in C (the kernel sends one).
fn last<'a>(info: &'a Info, pick: impl Fn(&'a InfoItem) -> Option<&'a str>) -> Option<&'a str> {
    info.items.iter().rev().find_map(pick)
}

/// `pr_out_info`.
fn pr_out_info(p: &mut Printer, info: &Info, has_versions: bool) {
    p.handle_start(&info.handle.bus, &info.handle.dev, true, false);
    p.indent_inc();
    let fields: [(&str, Option<&str>); 3] = [
        (
            "driver",
            last(info, |i| match i {
                InfoItem::DriverName(s) => Some(s.as_str()),
                _ => None,
            }),
        ),
        (
            "serial_number",
            last(info, |i| match i {
                InfoItem::SerialNumber(s) => Some(s.as_str()),
                _ => None,
            }),
        ),
        (
            "board.serial_number",
            last(info, |i| match i {
                InfoItem::BoardSerialNumber(s) => Some(s.as_str()),
                _ => None,
            }),
        ),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            if !p.json() {
                p.newline();
            }
            p.check_indent_newline();
            p.print_string(Out::Any, Some(key), &format!("{key} %s"), v);
        }
    }
    p.indent_dec();
    if has_versions {
        p.object_start("versions");
        pr_out_versions_single(p, info, "fixed", InfoVersionKind::Fixed);
        pr_out_versions_single(p, info, "running", InfoVersionKind::Running);
        pr_out_versions_single(p, info, "stored", InfoVersionKind::Stored);
        p.object_end();
    }
    p.handle_end();
}

/// `pr_out_versions_single`: one object of `name value` lines per version kind, in
/// message order; nothing when the kind is absent.
fn pr_out_versions_single(p: &mut Printer, info: &Info, name: &str, kind: InfoVersionKind) {
    let mut opened = false;
    for item in &info.items {
        let InfoItem::Version(v) = item else { continue };
        if v.kind != kind {
            continue;
        }
        if !opened {
            p.object_start(name);
            opened = true;
        }
        p.check_indent_newline();
        p.print_string_name_value(&v.name, &v.value);
        if !p.json() {
            p.newline();
        }
    }
    if opened {
        p.object_end();
    }
}
