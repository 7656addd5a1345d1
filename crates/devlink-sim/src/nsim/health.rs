//! Health reporters (kernel: `drivers/net/netdevsim/health.c`): `empty` (dump and
//! diagnose that put nothing) and `dummy` (recover, dump, diagnose), and the `health/`
//! debugfs knobs `break_health`, `binary_len`, `fail_recover`.

use devlink_core::{CoreError, Devl, DriverError, Errno, ReporterOps};
use devlink_wire::devlink::{FmsgItem, FmsgValue};

use super::NsimDevice;
use crate::SimError;

/// `struct nsim_dev_health`: reset by every `nsim_dev_health_init` (probe and reload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HealthData {
    /// `binary_len`: the size of `test_binary` in dumps and diagnoses (default 16).
    pub(super) binary_len: u32,
    /// `fail_recover`: the dummy reporter's recover op fails with `-EINVAL`.
    pub(super) fail_recover: bool,
    /// `recovered_break_msg`: the message of the last recovered `break_health`.
    pub(super) recovered_break_msg: Option<String>,
    /// The `priv_ctx` of the report in progress (`struct nsim_dev_dummy_reporter_ctx`):
    /// the `break_health` message, seen by the recover and dump ops it triggers.
    pub(super) break_ctx: Option<String>,
}

impl Default for HealthData {
    fn default() -> Self {
        Self {
            binary_len: 16,
            fail_recover: false,
            recovered_break_msg: None,
            break_ctx: None,
        }
    }
}

/// `nsim_dev_health_init`: both reporters, graceful period 0.
pub(super) fn health_init(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    // nsim_dev_empty_reporter_ops: .dump, .diagnose.
    let empty = ReporterOps {
        dump: true,
        diagnose: true,
        ..ReporterOps::default()
    };
    devl.health_reporter_create_ops(None, "empty", empty)?;
    // nsim_dev_dummy_reporter_ops: .recover, .dump, .diagnose.
    let dummy = ReporterOps {
        recover: true,
        ..empty
    };
    devl.health_reporter_create_ops(None, "dummy", dummy)
}

/// `nsim_dev_health_exit`: `dummy`, then `empty`.
pub(super) fn health_exit(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    devl.health_reporter_destroy(None, "dummy")?;
    devl.health_reporter_destroy(None, "empty")
}

impl NsimDevice {
    /// debugfs `health/break_health` write (`nsim_dev_health_break_write`):
    /// `devlink_health_report` on `dummy` with the message (a trailing newline dropped)
    /// as context: `HEALTH_REPORTER_RECOVER` (error), the auto-dump (with
    /// `break_message`), the auto-recovery (another `HEALTH_REPORTER_RECOVER`). The
    /// write fails as the report does (`-EINVAL` when `fail_recover` is set,
    /// `-ECANCELED` when recovery is aborted).
    pub(super) fn break_health(&mut self, devl: &mut Devl<'_>, msg: &str) -> Result<(), SimError> {
        let msg = msg.strip_suffix('\n').unwrap_or(msg);
        self.health.break_ctx = Some(msg.to_owned());
        let result = devl.health_report_with(self, None, "dummy");
        self.health.break_ctx = None;
        Ok(result??)
    }

    /// `nsim_dev_dummy_reporter_recover`.
    pub(super) fn dummy_recover(&mut self) -> Result<(), DriverError> {
        if self.health.fail_recover {
            return Err(DriverError::new(
                Errno::EINVAL,
                "netdevsim: User setup the recover to fail for testing purposes",
            ));
        }
        if let Some(msg) = &self.health.break_ctx {
            self.health.recovered_break_msg = Some(msg.clone());
        }
        Ok(())
    }

    /// `nsim_dev_dummy_reporter_dump` / `_diagnose`; the empty reporter's put nothing.
    pub(super) fn reporter_fmsg(&self, reporter: &str, diagnose: bool) -> Vec<FmsgItem> {
        if reporter != "dummy" {
            return Vec::new();
        }
        let mut out = Vec::new();
        let first = if diagnose {
            ("recovered_break_message", &self.health.recovered_break_msg)
        } else {
            ("break_message", &self.health.break_ctx)
        };
        if let (name, Some(msg)) = first {
            pair(&mut out, name, FmsgValue::String(msg.clone()));
        }
        dummy_fmsg(&mut out, self.health.binary_len);
        out
    }
}

/// `devlink_fmsg_*_pair_put`: a pair nest with a name and one value.
fn pair(out: &mut Vec<FmsgItem>, name: &str, value: FmsgValue) {
    out.extend([
        FmsgItem::PairNestStart,
        FmsgItem::Name(name.to_owned()),
        FmsgItem::Value(value),
        FmsgItem::NestEnd,
    ]);
}

/// `devlink_fmsg_arr_pair_nest_start`.
fn arr_start(out: &mut Vec<FmsgItem>, name: &str) {
    out.extend([
        FmsgItem::PairNestStart,
        FmsgItem::Name(name.to_owned()),
        FmsgItem::ArrNestStart,
    ]);
}

/// `nsim_dev_dummy_fmsg_put`. The binary is a counting pattern of `binary_len` bytes
/// (the kernel's is random; the simulator draws no randomness).
fn dummy_fmsg(out: &mut Vec<FmsgItem>, binary_len: u32) {
    pair(out, "test_bool", FmsgValue::Bool(true));
    pair(out, "test_u8", FmsgValue::U8(1));
    pair(out, "test_u32", FmsgValue::U32(3));
    pair(out, "test_u64", FmsgValue::U64(4));
    pair(out, "test_string", FmsgValue::String("somestring".into()));
    let binary = (0..binary_len)
        .map(|i| u8::try_from(i % 256).unwrap_or_default())
        .collect();
    pair(out, "test_binary", FmsgValue::Binary(binary));
    out.extend([
        FmsgItem::PairNestStart,
        FmsgItem::Name("test_nest".into()),
        FmsgItem::ObjNestStart,
    ]);
    pair(out, "nested_test_bool", FmsgValue::Bool(false));
    pair(out, "nested_test_u8", FmsgValue::U8(0));
    out.extend([FmsgItem::NestEnd, FmsgItem::NestEnd]);
    arr_start(out, "test_u32_array");
    out.extend((0..10).map(|i| FmsgItem::Value(FmsgValue::U32(i))));
    out.extend([FmsgItem::NestEnd, FmsgItem::NestEnd]);
    arr_start(out, "test_array_of_objects");
    for i in 0..10 {
        out.push(FmsgItem::ObjNestStart);
        pair(out, "in_array_nested_test_bool", FmsgValue::Bool(false));
        pair(out, "in_array_nested_test_u8", FmsgValue::U8(i));
        out.push(FmsgItem::NestEnd);
    }
    out.extend([FmsgItem::NestEnd, FmsgItem::NestEnd]);
}
