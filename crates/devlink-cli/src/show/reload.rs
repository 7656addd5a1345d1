//! `devlink dev reload`'s reply: `pr_out_reload_actions_performed` (devlink.c).

use devlink_wire::devlink::ReloadReply;
use devlink_wire::spec::ReloadAction;

use super::names;
use super::printer::{Out, Printer};

/// `pr_out_reload_actions_performed`: `reload_actions_performed:` and the actions'
/// names on one indented line (`{"reload_actions_performed":[…]}` in JSON).
pub(crate) fn pr_out_reload_actions_performed(p: &mut Printer, r: &ReloadReply) {
    // "Avoid extra new line in non-json print".
    p.set_new_line_count(1);
    p.array_start("reload_actions_performed");
    let performed = r.actions_performed.value & r.actions_performed.selector;
    // `action <= DEVLINK_RELOAD_ACTION_MAX`: later bits are not printed.
    for bit in 0..=ReloadAction::FwActivate as u8 {
        if performed & (1 << bit) == 0 {
            continue;
        }
        let Some(action) = ReloadAction::from_repr(bit) else {
            continue;
        };
        let name = names::reload_action(action);
        p.check_indent_newline();
        p.print_string(Out::Any, None, "%s", name);
    }
    p.array_end();
    if !p.json() {
        p.newline();
    }
}
