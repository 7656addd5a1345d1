//! Health reporters (kernel: `net/devlink/health.c`). Reporters have no NEW/DEL; the
//! only event is `HEALTH_REPORTER_RECOVER`, on error and on recovery. Unlike the kernel,
//! which only warns, that event is gated by registration like every other.

use devlink_wire::devlink::{HealthReporter, HealthState};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::Devl;
use crate::error::{CoreError, HealthError, PortError};

/// A reporter and what the core keeps about it beyond its reply body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReporterItem {
    pub(crate) reporter: HealthReporter,
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
                graceful_period,
                burst_period: None,
                auto_recover: graceful_period.map(|_| true),
                dump_ts: None,
                dump_ts_ns: None,
                auto_dump,
                reporter_unknown: Vec::new(),
                unknown: Vec::new(),
            },
        });
        self.changed();
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
        self.changed();
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
        self.changed();
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
        self.changed();
        self.reporter_notify(port, name);
        Ok(())
    }

    fn reporter_mut(&mut self, port: Option<u32>, name: &str) -> Option<&mut ReporterItem> {
        let mut all = self.inst.objects.reporters.iter_mut();
        all.find(|r| r.reporter.port_index == port && r.reporter.name == name)
    }

    fn reporter_notify(&mut self, port: Option<u32>, name: &str) {
        self.notify(port, Cmd::HealthReporterRecover, |inst| {
            let mut all = inst.objects.reporters.iter();
            let r = all.find(|r| r.reporter.port_index == port && r.reporter.name == name)?;
            Some(DevlinkBody::HealthReporter(r.reporter.clone()))
        });
    }
}
