//! The debugfs knobs (kernel: `nsim_dev_debugfs_init` in `drivers/net/netdevsim/dev.c`,
//! `nsim_dev_health_init` in `health.c`), by their debugfs path under
//! `/sys/kernel/debug/netdevsim/netdevsim<ID>/`, written and read as text the way the
//! kernel parses and prints them.

use std::sync::atomic::Ordering;

use devlink_core::{Devl, Errno};

use super::NsimDevice;
use crate::SimError;

/// Who may read or write a knob (its debugfs mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnobAccess {
    /// Mode 0600.
    ReadWrite,
    /// Mode 0200 (`take_snapshot`, `health/break_health`).
    WriteOnly,
}

/// Every knob, in `nsim_dev_debugfs_init` order, then `health/`, then the simulator's
/// own (`fail_selftests`).
pub const KNOBS: [(&str, KnobAccess); 17] = [
    ("fw_update_status", KnobAccess::ReadWrite),
    ("fw_update_overwrite_mask", KnobAccess::ReadWrite),
    ("max_macs", KnobAccess::ReadWrite),
    ("test1", KnobAccess::ReadWrite),
    ("take_snapshot", KnobAccess::WriteOnly),
    ("dont_allow_reload", KnobAccess::ReadWrite),
    ("fail_reload", KnobAccess::ReadWrite),
    ("trap_flow_action_cookie", KnobAccess::ReadWrite),
    ("fail_trap_group_set", KnobAccess::ReadWrite),
    ("fail_trap_policer_set", KnobAccess::ReadWrite),
    ("fail_trap_policer_counter_get", KnobAccess::ReadWrite),
    ("max_vfs", KnobAccess::ReadWrite),
    ("fail_trap_drop_counter_get", KnobAccess::ReadWrite),
    ("health/break_health", KnobAccess::WriteOnly),
    ("health/binary_len", KnobAccess::ReadWrite),
    ("health/fail_recover", KnobAccess::ReadWrite),
    ("fail_selftests", KnobAccess::ReadWrite),
];

/// The plain knob values of `struct nsim_dev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Knobs {
    /// `fw_update_status` (default Y; reset by every reload).
    pub(super) fw_update_status: bool,
    /// `fw_update_overwrite_mask` (default 0; reset by every reload).
    pub(super) fw_update_overwrite_mask: u32,
    /// `dont_allow_reload`: `reload_down` fails with `-EOPNOTSUPP`.
    pub(super) dont_allow_reload: bool,
    /// `fail_reload`: `reload_up` fails with `-EINVAL`.
    pub(super) fail_reload: bool,
    /// `trap_flow_action_cookie`: attached to flow-action trap reports, which are
    /// packets (psample, tracepoints), not devlink messages; kept and read back only.
    pub(super) fa_cookie: Option<Vec<u8>>,
    /// `fail_trap_group_set`: `trap_group_set` fails with `-EINVAL`.
    pub(super) fail_trap_group_set: bool,
    /// `fail_trap_policer_set`: `trap_policer_set` fails with `-EINVAL`.
    pub(super) fail_trap_policer_set: bool,
    /// Beyond netdevsim: selftests report `FAIL`.
    pub(super) fail_selftests: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            fw_update_status: true,
            fw_update_overwrite_mask: 0,
            dont_allow_reload: false,
            fail_reload: false,
            fa_cookie: None,
            fail_trap_group_set: false,
            fail_trap_policer_set: false,
            fail_selftests: false,
        }
    }
}

impl Knobs {
    /// `nsim_dev_reload_create` resets the flash knobs.
    pub(super) const fn reset_flash(&mut self) {
        self.fw_update_status = true;
        self.fw_update_overwrite_mask = 0;
    }
}

impl NsimDevice {
    /// Write `value` into knob `name`.
    pub(crate) fn knob_set(
        &mut self,
        devl: &mut Devl<'_>,
        name: &str,
        value: &str,
    ) -> Result<(), SimError> {
        let v = value.strip_suffix('\n').unwrap_or(value);
        match name {
            "fw_update_status" => self.knobs.fw_update_status = parse_bool(name, v)?,
            "fw_update_overwrite_mask" => self.knobs.fw_update_overwrite_mask = parse_u32(name, v)?,
            "max_macs" => self.applied.max_macs = parse_u32(name, v)?,
            "test1" => self.applied.test1 = parse_bool(name, v)?,
            "take_snapshot" => self.take_snapshot(devl)?,
            "dont_allow_reload" => self.knobs.dont_allow_reload = parse_bool(name, v)?,
            "fail_reload" => self.knobs.fail_reload = parse_bool(name, v)?,
            "trap_flow_action_cookie" => self.knobs.fa_cookie = Some(parse_hex(name, v)?),
            "fail_trap_group_set" => self.knobs.fail_trap_group_set = parse_bool(name, v)?,
            "fail_trap_policer_set" => self.knobs.fail_trap_policer_set = parse_bool(name, v)?,
            "fail_trap_policer_counter_get" => {
                let on = parse_bool(name, v)?;
                self.counter_faults.policer.store(on, Ordering::Relaxed);
            }
            "fail_trap_drop_counter_get" => {
                let on = parse_bool(name, v)?;
                self.counter_faults.drop.store(on, Ordering::Relaxed);
            }
            "max_vfs" => self.set_max_vfs(parse_max_vfs(v)?)?,
            "health/break_health" => self.break_health(devl, value)?,
            "health/binary_len" => self.health.binary_len = parse_u32(name, v)?,
            "health/fail_recover" => self.health.fail_recover = parse_bool(name, v)?,
            "fail_selftests" => self.knobs.fail_selftests = parse_bool(name, v)?,
            _ => return Err(SimError::UnknownKnob(name.to_owned())),
        }
        Ok(())
    }

    /// Read knob `name` as debugfs prints it (`Y`/`N`, decimal, hex cookie).
    pub(crate) fn knob_get(&self, name: &str) -> Result<String, SimError> {
        let yn = |b: bool| if b { "Y" } else { "N" }.to_owned();
        Ok(match name {
            "fw_update_status" => yn(self.knobs.fw_update_status),
            "fw_update_overwrite_mask" => self.knobs.fw_update_overwrite_mask.to_string(),
            "max_macs" => self.applied.max_macs.to_string(),
            "test1" => yn(self.applied.test1),
            "dont_allow_reload" => yn(self.knobs.dont_allow_reload),
            "fail_reload" => yn(self.knobs.fail_reload),
            "trap_flow_action_cookie" => match &self.knobs.fa_cookie {
                Some(c) => c.iter().map(|b| format!("{b:02x}")).collect(),
                None => return Err(SimError::refused(Errno::EINVAL, "no cookie set")),
            },
            "fail_trap_group_set" => yn(self.knobs.fail_trap_group_set),
            "fail_trap_policer_set" => yn(self.knobs.fail_trap_policer_set),
            "fail_trap_policer_counter_get" => {
                yn(self.counter_faults.policer.load(Ordering::Relaxed))
            }
            "fail_trap_drop_counter_get" => yn(self.counter_faults.drop.load(Ordering::Relaxed)),
            "max_vfs" => self.vfs.max_vfs.to_string(),
            "health/binary_len" => self.health.binary_len.to_string(),
            "health/fail_recover" => yn(self.health.fail_recover),
            "fail_selftests" => yn(self.knobs.fail_selftests),
            "take_snapshot" | "health/break_health" => {
                return Err(SimError::KnobAccess(name.to_owned(), "read"));
            }
            _ => return Err(SimError::UnknownKnob(name.to_owned())),
        })
    }

    /// debugfs `take_snapshot` write (`nsim_dev_take_snapshot_write`): a snapshot of
    /// region `dummy` with a newly allocated id (`REGION_NEW` with that id); `-ENOSPC`
    /// when the region holds its 16 snapshots. The file is gone while a failed reload
    /// left the device torn down (`-ENOENT`).
    fn take_snapshot(&mut self, devl: &mut Devl<'_>) -> Result<(), SimError> {
        if self.torn_down {
            return Err(SimError::UnknownKnob("take_snapshot".into()));
        }
        let data = self.snapshot_data();
        let no_space = || SimError::refused(Errno::ENOSPC, "Failed to create region snapshot");
        let id = devl.region_snapshot_id_get().ok_or_else(no_space)?;
        devl.region_snapshot_create(None, "dummy", id, data)
            .map_err(|_| no_space())
    }

    /// `nsim_dev_take_snapshot`: 32 KiB of (deterministic) random bytes.
    pub(super) fn snapshot_data(&mut self) -> Vec<u8> {
        let size = usize::try_from(super::NSIM_DUMMY_REGION_SIZE).unwrap_or(0);
        self.random_bytes(size)
    }
}

/// `kstrtobool` as `debugfs_write_file_bool` calls it (`kstrtobool_from_user`, Linux
/// 6.1): the first character decides — `y`/`Y`/`t`/`T`/`1` true, `n`/`N`/`f`/`F`/`0`
/// false — and for `o`/`O` the second (`on`, `off`); so `true`, `yes`, `false` parse.
fn parse_bool(name: &str, v: &str) -> Result<bool, SimError> {
    let mut c = v.chars();
    match (c.next(), c.next()) {
        (Some('y' | 'Y' | 't' | 'T' | '1'), _) | (Some('o' | 'O'), Some('n' | 'N')) => Ok(true),
        (Some('n' | 'N' | 'f' | 'F' | '0'), _) | (Some('o' | 'O'), Some('f' | 'F')) => Ok(false),
        _ => Err(SimError::invalid(
            name,
            v,
            "not a boolean (Y/N/1/0/true/false/on/off)",
        )),
    }
}

/// `kstrtou32(…, 0)` as debugfs u32 files parse: decimal, `0x` hex or `0` octal.
fn parse_u32(name: &str, v: &str) -> Result<u32, SimError> {
    let parsed = if let Some(hex) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16)
    } else if v.len() > 1
        && let Some(oct) = v.strip_prefix('0')
    {
        u32::from_str_radix(oct, 8)
    } else {
        v.parse()
    };
    parsed.map_err(|_| SimError::invalid(name, v, "not an unsigned 32-bit number"))
}

/// `max_vfs` parses decimal only (`kstrtouint(buf, 10, …)`).
fn parse_max_vfs(v: &str) -> Result<u32, SimError> {
    v.parse()
        .map_err(|_| SimError::invalid("max_vfs", v, "not a decimal number"))
}

/// `nsim_dev_trap_fa_cookie_write`: an even number of hex digits (`hex2bin`).
fn parse_hex(name: &str, v: &str) -> Result<Vec<u8>, SimError> {
    if !v.len().is_multiple_of(2) {
        return Err(SimError::invalid(name, v, "odd number of hex digits"));
    }
    (0..v.len())
        .step_by(2)
        .map(|i| v.get(i..i + 2).and_then(|d| u8::from_str_radix(d, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| SimError::invalid(name, v, "not hex"))
}
