//! Health reporters (kernel: `drivers/net/netdevsim/health.c`): `empty` (dump and
//! diagnose that put nothing) and `dummy` (recover, dump, diagnose).

use devlink_core::{CoreError, Devl, ReporterOps};

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
