//! `dlctl monitor --check`: the ordering checker (`devlink-check`) run live over every
//! notification the monitor receives — of all objects, whatever the monitor prints,
//! since the rules relate objects of different kinds (a port and its instance, a trap
//! and its group). Each violation is reported on standard error as it happens (the
//! monitor's standard output stays iproute2's); the monitor keeps going, and exits
//! with status 1 when its stream ends if any rule was broken.
//!
//! The monitor subscribes before it learns the state (kernel-semantics §4.3, N1): the
//! instances and objects that exist before it starts were never announced to it, so the
//! checker is seeded from a dump taken after subscribing, and the events received
//! before that dump ended are applied unchecked (each may come before or after the part
//! of the dump about its object). After an overrun, the same again.

use devlink_check::{Checker, Violation, body_handle};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use devlink_cli::show::event_names;

/// The checker of one monitor run, and what it found.
#[derive(Debug, Default)]
pub(super) struct OrderCheck {
    checker: Checker,
    violations: usize,
}

impl OrderCheck {
    /// Nothing learnt yet.
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Events were lost, or the state is about to be (re)learnt from a dump.
    pub(super) fn lost(&mut self) {
        self.checker.lost();
    }

    /// One reply of the seeding dump.
    pub(super) fn seed(&mut self, body: &DevlinkBody) {
        self.checker.seed(body);
    }

    /// An event received while the seeding dump was under way.
    pub(super) fn assume(&mut self, cmd: Cmd, body: &DevlinkBody) {
        self.checker.assume(cmd, body);
    }

    /// Check one event: the line to print if it breaks a rule.
    pub(super) fn check(&mut self, cmd: Cmd, body: &DevlinkBody) -> Option<String> {
        let v = self.checker.check(None, cmd, body).err()?;
        self.violations += 1;
        Some(report(&v, cmd, body))
    }

    /// The closing line and the exit status once the stream ended: `None` when every
    /// event kept the rules.
    pub(super) fn summary(&self) -> Option<String> {
        match self.violations {
            0 => None,
            1 => Some("dlctl: monitor --check: 1 order violation".to_owned()),
            n => Some(format!("dlctl: monitor --check: {n} order violations")),
        }
    }
}

/// `dlctl: order violation: event N: WHAT (got [obj,name] HANDLE[/PORT])`.
fn report(v: &Violation, cmd: Cmd, body: &DevlinkBody) -> String {
    let label = match event_names(cmd) {
        Some((obj, name)) => format!("[{obj},{name}]"),
        None => format!("[{cmd:?}]"),
    };
    let handle = body_handle(body)
        .map(ToString::to_string)
        .unwrap_or_default();
    let port = match body {
        DevlinkBody::Port(p) => format!("/{}", p.index),
        _ => String::new(),
    };
    format!("dlctl: order violation: {v} (got {label} {handle}{port})")
}
