//! `devlink dev param show`, `devlink port param show` and param events:
//! `pr_out_param`, `pr_out_param_value`.

use devlink_wire::devlink::{Param, ParamValue, ParamValueEntry};
use devlink_wire::spec::VarAttrType;

use super::names;
use super::printer::{Out, Printer};

/// `param_val_conv`: parameters whose integer values print (and are set) as words:
/// (parameter, word, value).
pub const PARAM_VAL_CONV: &[(&str, &str, u32)] = &[
    ("fw_load_policy", "driver", 0),
    ("fw_load_policy", "flash", 1),
    ("fw_load_policy", "disk", 2),
    ("reset_dev_on_drv_probe", "unknown", 0),
    ("fw_load_policy", "unknown", 3),
    ("reset_dev_on_drv_probe", "always", 1),
    ("reset_dev_on_drv_probe", "never", 2),
    ("reset_dev_on_drv_probe", "disk", 3),
];

/// How the handle is printed: per-device array (show) or plain object (monitor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamHandle {
    /// `pr_out_handle_start_arr` / `pr_out_port_handle_start_arr` (show commands).
    Array,
    /// `__pr_out_handle_start` / `pr_out_port_handle_start` (monitor).
    Single,
}

/// `pr_out_param`: `name N type generic|driver-specific` and a `values:` list.
/// `is_port_param` selects the port handle (`devlink port param show`).
pub(crate) fn pr_out_param(p: &mut Printer, param: &Param, how: ParamHandle, is_port_param: bool) {
    let h = &param.handle;
    let port = param.port_index.filter(|_| is_port_param);
    match (how, port) {
        (ParamHandle::Array, Some(i)) => p.port_handle_start(&h.bus, &h.dev, i, true),
        (ParamHandle::Array, None) => p.handle_start(&h.bus, &h.dev, true, true),
        (ParamHandle::Single, Some(i)) => p.port_handle_start(&h.bus, &h.dev, i, false),
        (ParamHandle::Single, None) => p.handle_start(&h.bus, &h.dev, true, false),
    }
    p.check_indent_newline();
    p.print_string(Out::Any, Some("name"), "name %s ", &param.name);
    let kind = if param.generic {
        "generic"
    } else {
        "driver-specific"
    };
    p.print_string(Out::Any, Some("type"), "type %s", kind);
    p.array_start("values");
    for v in &param.values {
        p.entry_start();
        pr_out_param_value(p, &param.name, param.ty, v);
        p.entry_end();
    }
    p.array_end();
    if port.is_some() {
        p.port_handle_end();
    } else {
        p.handle_end();
    }
}

/// The value as the unsigned integer `mnl_attr_get_u8/16/32` would read.
fn as_uint(v: &ParamValue) -> Option<u32> {
    match v {
        ParamValue::U8(x) => Some(u32::from(*x)),
        ParamValue::U16(x) => Some(u32::from(*x)),
        ParamValue::U32(x) => Some(*x),
        _ => None,
    }
}

/// `pr_out_param_value`: `cmode C value V`. The value's form follows the parameter's
/// type: integers (or their `param_val_conv` word), strings, and flags as booleans;
/// u64 and other types print no value (devlink.c has no case for them).
fn pr_out_param_value(p: &mut Printer, name: &str, ty: VarAttrType, v: &ParamValueEntry) {
    p.check_indent_newline();
    p.print_string(
        Out::Any,
        Some("cmode"),
        "cmode %s",
        names::param_cmode(v.cmode),
    );
    let conv_exists = PARAM_VAL_CONV.iter().any(|(n, _, _)| *n == name);
    match ty {
        VarAttrType::U8 | VarAttrType::U16 | VarAttrType::U32 => {
            let Some(x) = as_uint(&v.data) else { return };
            if conv_exists {
                let Some((_, word, _)) = PARAM_VAL_CONV
                    .iter()
                    .find(|(n, _, val)| *n == name && *val == x)
                else {
                    // param_val_conv_str_get failed: no value printed.
                    return;
                };
                p.print_string(Out::Any, Some("value"), " value %s", word);
            } else {
                p.print_uint(Out::Any, Some("value"), " value %u", x);
            }
        }
        VarAttrType::String => {
            if let ParamValue::String(s) = &v.data {
                p.print_string(Out::Any, Some("value"), " value %s", s);
            }
        }
        VarAttrType::Flag => {
            let set = matches!(v.data, ParamValue::Bool(true));
            p.print_bool(Out::Any, Some("value"), " value %s", set);
        }
        _ => {}
    }
}
