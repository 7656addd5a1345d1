//! Health reporters (kernel: `net/devlink/health.c`). Reporters have no NEW/DEL; the
//! only event is `HEALTH_REPORTER_RECOVER`, on error and on recovery. Unlike the kernel,
//! which only warns, that event is gated by registration like every other.

use devlink_wire::devlink::{FmsgItem, HealthReporter, HealthState};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::error::{CoreError, HealthError, PortError};
use crate::{Devl, Driver, DriverError, Errno};

/// What the changes of this file can show in the watch state ([`Devl::changed_kinds`]).
const WATCHED: u32 = devlink_wire::watch::WatchKind::Reporter.bit();

/// Which `devlink_health_reporter_ops` a reporter has; the core calls the matching
/// [`Driver`] methods (`health_recover`, `health_dump`, `health_diagnose`, `health_test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReporterOps {
    /// `.recover`: the reporter lists its graceful period and auto-recover.
    pub recover: bool,
    /// `.dump`: the reporter lists auto-dump and keeps a dump per error.
    pub dump: bool,
    /// `.diagnose`.
    pub diagnose: bool,
    /// `.test`.
    pub test: bool,
    /// `.default_graceful_period` (ms; only with `recover`).
    pub default_graceful_period: u64,
}

/// A reporter and what the core keeps about it beyond its reply body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReporterItem {
    pub(crate) reporter: HealthReporter,
    pub(crate) ops: ReporterOps,
    /// The stored dump (`dump_fmsg`): the items, outer object nest included.
    pub(crate) dump: Option<Vec<FmsgItem>>,
    /// Counts stored dumps, so that a dump being sent notices a new one
    /// (the kernel compares `dump_ts`).
    pub(crate) dump_gen: u64,
    /// `last_recovery_ts` (monotonic ms).
    pub(crate) last_recovery_ms: u64,
}

impl ReporterItem {
    pub(crate) fn graceful_ms(&self) -> u64 {
        self.reporter.graceful_period.unwrap_or(0)
    }

    pub(crate) fn burst_ms(&self) -> u64 {
        self.reporter.burst_period.unwrap_or(0)
    }

    pub(crate) fn auto_recover(&self) -> bool {
        self.reporter.auto_recover == Some(true)
    }

    /// `devlink_health_reporter_in_burst`.
    fn in_burst(&self, now_ms: u64) -> bool {
        self.last_recovery_ms.saturating_add(self.burst_ms()) > now_ms
    }

    /// `devlink_health_recover_abort`: auto-recovery is skipped when the previous error
    /// was not recovered, or the last recovery is within burst + graceful period.
    fn recover_abort(&self, prev: HealthState, now_ms: u64) -> bool {
        if !self.auto_recover() {
            return false;
        }
        if prev != HealthState::Healthy {
            return true;
        }
        if self.in_burst(now_ms) {
            return false;
        }
        let threshold = self
            .last_recovery_ms
            .saturating_add(self.burst_ms())
            .saturating_add(self.graceful_ms());
        self.last_recovery_ms != 0 && self.reporter.recover_count != 0 && threshold > now_ms
    }
}

fn reporter_name(port: Option<u32>, name: &str) -> String {
    port.map_or_else(|| name.to_owned(), |p| format!("{name} (port {p})"))
}

impl Devl<'_> {
    /// `devl_health_reporter_create` / `devl_port_health_reporter_create`. With
    /// `graceful_period` the reporter can recover (it then lists the period and
    /// auto-recover); `auto_dump` is listed when the reporter can dump. Silent.
    pub fn health_reporter_create(
        &mut self,
        port: Option<u32>,
        name: &str,
        graceful_period: Option<u64>,
        auto_dump: Option<bool>,
    ) -> Result<(), CoreError> {
        let ops = ReporterOps {
            recover: graceful_period.is_some(),
            dump: auto_dump.is_some(),
            default_graceful_period: graceful_period.unwrap_or(0),
            ..ReporterOps::default()
        };
        self.health_reporter_create_ops(port, name, ops)?;
        if let (Some(r), Some(d)) = (self.reporter_mut(port, name), auto_dump) {
            r.reporter.auto_dump = Some(d);
        }
        Ok(())
    }

    /// `devl_health_reporter_create` with these ops: auto-recover and auto-dump start on
    /// when the reporter has the op (and are listed only then). Silent.
    pub fn health_reporter_create_ops(
        &mut self,
        port: Option<u32>,
        name: &str,
        ops: ReporterOps,
    ) -> Result<(), CoreError> {
        if let Some(p) = port
            && !self.inst.objects.ports.contains_key(&p)
        {
            return Err(PortError::NotFound(p).into());
        }
        if self.reporter_mut(port, name).is_some() {
            return Err(HealthError::Exists(reporter_name(port, name)).into());
        }
        self.inst.objects.reporters.push(ReporterItem {
            reporter: HealthReporter {
                handle: self.inst.handle.clone(),
                port_index: port,
                name: name.to_owned(),
                state: HealthState::Healthy,
                error_count: 0,
                recover_count: 0,
                graceful_period: ops.recover.then_some(ops.default_graceful_period),
                burst_period: None,
                auto_recover: ops.recover.then_some(true),
                dump_ts: None,
                dump_ts_ns: None,
                auto_dump: ops.dump.then_some(true),
                reporter_unknown: Vec::new(),
                unknown: Vec::new(),
            },
            ops,
            dump: None,
            dump_gen: 0,
            last_recovery_ms: 0,
        });
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devl_health_reporter_destroy`. Silent.
    pub fn health_reporter_destroy(
        &mut self,
        port: Option<u32>,
        name: &str,
    ) -> Result<(), CoreError> {
        if self.reporter_mut(port, name).is_none() {
            return Err(HealthError::NotFound(reporter_name(port, name)).into());
        }
        self.inst
            .objects
            .reporters
            .retain(|r| !(r.reporter.port_index == port && r.reporter.name == name));
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devlink_health_report`: error count up, state `ERROR`;
    /// `HEALTH_REPORTER_RECOVER` (only while registered).
    pub fn health_report(&mut self, port: Option<u32>, name: &str) -> Result<(), CoreError> {
        let Some(r) = self.reporter_mut(port, name) else {
            return Err(HealthError::NotFound(reporter_name(port, name)).into());
        };
        r.reporter.error_count += 1;
        r.reporter.state = HealthState::Error;
        self.changed_kinds(WATCHED);
        self.reporter_notify(port, name);
        Ok(())
    }

    /// A successful recovery: recover count up, state `HEALTHY`;
    /// `HEALTH_REPORTER_RECOVER`. Recovering a healthy reporter does nothing.
    pub fn health_recovered(&mut self, port: Option<u32>, name: &str) -> Result<(), CoreError> {
        let Some(r) = self.reporter_mut(port, name) else {
            return Err(HealthError::NotFound(reporter_name(port, name)).into());
        };
        if r.reporter.state == HealthState::Healthy {
            return Ok(());
        }
        r.reporter.recover_count += 1;
        r.reporter.state = HealthState::Healthy;
        self.changed_kinds(WATCHED);
        self.reporter_notify(port, name);
        Ok(())
    }

    /// `devlink_health_report` with the driver's ops at hand (`driver` is the instance's
    /// own driver, e.g. `self` inside a [`Driver`] callback): error count up, state
    /// `ERROR`, `HEALTH_REPORTER_RECOVER`; then, unless recovery is aborted (`ECANCELED`:
    /// previous error not recovered, or within burst + graceful period of the last
    /// recovery), the auto-dump and the auto-recovery (another
    /// `HEALTH_REPORTER_RECOVER` on success). The inner result is the kernel's return.
    pub fn health_report_with(
        &mut self,
        driver: &mut dyn Driver,
        port: Option<u32>,
        name: &str,
    ) -> Result<Result<(), DriverError>, CoreError> {
        let now = self.time.monotonic_ms;
        let Some(r) = self.reporter_mut(port, name) else {
            return Err(HealthError::NotFound(reporter_name(port, name)).into());
        };
        r.reporter.error_count += 1;
        let prev = r.reporter.state;
        r.reporter.state = HealthState::Error;
        let (abort, auto_dump, auto_recover) = (
            r.recover_abort(prev, now),
            r.reporter.auto_dump == Some(true),
            r.auto_recover(),
        );
        self.changed_kinds(WATCHED);
        self.reporter_notify(port, name);
        if abort {
            return Ok(Err(DriverError::new(Errno::ECANCELED, "")));
        }
        if auto_dump {
            // The kernel ignores a failed auto-dump.
            let _ = self.health_do_dump(&*driver, port, name);
        }
        if !auto_recover {
            return Ok(Ok(()));
        }
        Ok(self.health_recover_with(driver, port, name))
    }

    /// `devlink_health_reporter_recover`: nothing for a healthy reporter; otherwise the
    /// driver's recover op, then recover count up, state `HEALTHY` and
    /// `HEALTH_REPORTER_RECOVER`. A failed recovery changes nothing.
    pub(crate) fn health_recover_with(
        &mut self,
        driver: &mut dyn Driver,
        port: Option<u32>,
        name: &str,
    ) -> Result<(), DriverError> {
        let Some(r) = self.reporter_mut(port, name) else {
            return Err(DriverError::new(Errno::EINVAL, ""));
        };
        if r.reporter.state == HealthState::Healthy {
            return Ok(());
        }
        if !r.ops.recover {
            return Err(DriverError::not_supported());
        }
        driver.health_recover(self, port, name)?;
        let now = self.time.monotonic_ms;
        if let Some(r) = self.reporter_mut(port, name) {
            r.reporter.recover_count += 1;
            if !r.in_burst(now) {
                r.last_recovery_ms = now;
            }
            r.reporter.state = HealthState::Healthy;
        }
        self.changed_kinds(WATCHED);
        self.reporter_notify(port, name);
        Ok(())
    }

    /// `devlink_health_do_dump`: store a dump from the driver's dump op, with its
    /// timestamps, unless one is stored (or there is no dump op). Silent.
    pub(crate) fn health_do_dump(
        &mut self,
        driver: &dyn Driver,
        port: Option<u32>,
        name: &str,
    ) -> Result<(), DriverError> {
        let time = self.time;
        let Some(r) = self.reporter_mut(port, name) else {
            return Err(DriverError::new(Errno::EINVAL, ""));
        };
        if !r.ops.dump || r.dump.is_some() {
            return Ok(());
        }
        let inner = driver.health_dump(port, name)?;
        let mut items = Vec::with_capacity(inner.len() + 2);
        items.push(FmsgItem::ObjNestStart);
        items.extend(inner);
        items.push(FmsgItem::NestEnd);
        if let Some(r) = self.reporter_mut(port, name) {
            r.dump = Some(items);
            r.dump_gen += 1;
            r.reporter.dump_ts = Some(time.monotonic_ms);
            r.reporter.dump_ts_ns = Some(time.realtime_ns);
        }
        self.changed_kinds(WATCHED);
        Ok(())
    }

    /// `devlink_health_dump_clear`: forget the stored dump, if any. Silent.
    pub(crate) fn health_dump_clear(&mut self, port: Option<u32>, name: &str) {
        if let Some(r) = self.reporter_mut(port, name)
            && r.dump.take().is_some()
        {
            r.reporter.dump_ts = None;
            r.reporter.dump_ts_ns = None;
            self.changed_kinds(WATCHED);
        }
    }

    /// `HEALTH_REPORTER_SET` after its checks: the settings given. Silent.
    pub(crate) fn health_reporter_set(
        &mut self,
        port: Option<u32>,
        name: &str,
        set: &devlink_wire::devlink::HealthSetReq,
    ) {
        let Some(r) = self.reporter_mut(port, name) else {
            return;
        };
        let before = r.reporter.clone();
        if let Some(g) = set.graceful_period {
            r.reporter.graceful_period = Some(g);
            if g == 0 && r.reporter.burst_period.is_some() {
                r.reporter.burst_period = Some(0);
            }
        }
        if let Some(b) = set.burst_period {
            r.reporter.burst_period = Some(b);
        }
        if let Some(a) = set.auto_recover {
            r.reporter.auto_recover = Some(a);
        }
        if let Some(a) = set.auto_dump {
            r.reporter.auto_dump = Some(a);
        }
        if r.reporter != before {
            self.changed_kinds(WATCHED);
        }
    }

    fn reporter_mut(&mut self, port: Option<u32>, name: &str) -> Option<&mut ReporterItem> {
        let mut all = self.inst.objects.reporters.iter_mut();
        all.find(|r| r.reporter.port_index == port && r.reporter.name == name)
    }

    fn reporter_notify(&mut self, port: Option<u32>, name: &str) {
        self.notify(port, Cmd::HealthReporterRecover, |inst| {
            let mut all = inst.objects.reporters.iter();
            let r = all.find(|r| r.reporter.port_index == port && r.reporter.name == name)?;
            Some(DevlinkBody::from(r.reporter.clone()))
        });
    }
}
