//! The harness of the control-API tests: a real [`Core`] with a [`Sim`] on it, every
//! notification checked against the ordering contract ([`Checker`]) and folded, and
//! the fold compared with the dumps after every step.

#![allow(
    dead_code,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failed unwrap or index is a failed test; not every test file uses every helper"
)]

use devlink_core::checker::Checker;
use devlink_core::fold::View;
use devlink_core::{Core, Rejection, Request, Response};
use devlink_sim::{DeviceOptions, Era, Sim};
use devlink_wire::devlink::{Bitfield32, Fmsg, FmsgItem, Handle, HealthReq, ReloadReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;
use devlink_wire::spec::ReloadAction;

/// One notification: command and body.
pub(crate) type Ntf = (Cmd, DevlinkBody);

/// A core, a bus, and the observer's state.
pub(crate) struct World {
    pub(crate) core: Core,
    pub(crate) sim: Sim,
    checker: Checker,
    folded: View,
}

impl World {
    pub(crate) fn new() -> Self {
        Self {
            core: Core::new(),
            sim: Sim::new(),
            checker: Checker::new(),
            folded: View::default(),
        }
    }

    /// A world with device `options` created and its probe notifications settled.
    pub(crate) fn with(options: &DeviceOptions) -> Self {
        let mut w = Self::new();
        w.sim.new_device(&mut w.core, options).unwrap();
        w.settle();
        w
    }

    /// Drain the queue: each notification passes the checker and is folded; then the
    /// fold must equal the dumps. Returns what was drained.
    #[track_caller]
    pub(crate) fn settle(&mut self) -> Vec<Ntf> {
        let mut out = Vec::new();
        while let Some(n) = self.core.poll_notification() {
            self.checker
                .check(Some(n.revision), n.cmd, &n.body)
                .unwrap_or_else(|v| panic!("{:?}: {v:?}", n.cmd));
            self.folded.apply(n.cmd, &n.body);
            out.push((n.cmd, n.body));
        }
        assert_eq!(self.folded, View::from_dump(&self.core), "fold != dump");
        out
    }

    /// A request as root.
    pub(crate) fn request(
        &mut self,
        cmd: Cmd,
        body: impl Into<DevlinkBody>,
    ) -> Result<Response, Rejection> {
        self.core
            .handle_request(Request {
                cmd,
                body: body.into(),
                dump: false,
                admin: true,
            })
            .map(|a| a.response)
    }

    /// The fmsg items a `HEALTH_REPORTER_DIAGNOSE` or `_DUMP_GET` of `reporter` answers.
    pub(crate) fn health_fmsg(
        &mut self,
        handle: &Handle,
        cmd: Cmd,
        reporter: &str,
    ) -> Vec<FmsgItem> {
        let req = HealthReq {
            handle: Some(handle.clone()),
            port_index: None,
            name: Some(reporter.into()),
            unknown: Vec::new(),
        };
        let request = Request {
            cmd,
            body: req.into(),
            dump: cmd == Cmd::HealthReporterDumpGet,
            admin: true,
        };
        let replies = match self.core.handle_request(request).map(|a| a.response) {
            Ok(Response::Multi(r) | Response::Do(r)) => r,
            Ok(Response::Dump(mut cursor)) => {
                let mut out = Vec::new();
                while self.core.dump_next(&mut cursor, &mut |r| {
                    out.push(r);
                    true
                }) != devlink_core::DumpStep::Done
                {}
                out
            }
            other => panic!("{cmd:?}: {other:?}"),
        };
        replies
            .into_iter()
            .flat_map(|r| match r.body {
                DevlinkBody::Fmsg(f) => Fmsg::clone(&f).items,
                other => panic!("{other:?}"),
            })
            .collect()
    }
}

/// The commands of a stream.
pub(crate) fn cmds(ntfs: &[Ntf]) -> Vec<Cmd> {
    ntfs.iter().map(|(c, _)| *c).collect()
}

/// How many `cmd`s.
pub(crate) fn count(ntfs: &[Ntf], cmd: Cmd) -> usize {
    ntfs.iter().filter(|(c, _)| *c == cmd).count()
}

/// Device `id` with `ports` ports in `era`.
pub(crate) fn opts(id: u32, ports: u32, era: Era) -> DeviceOptions {
    DeviceOptions {
        register: era,
        ..DeviceOptions::new(id, ports)
    }
}

/// `netdevsim/netdevsim<id>`.
pub(crate) fn nsim(id: u32) -> Handle {
    Handle::new("netdevsim", format!("netdevsim{id}"))
}

pub(crate) const ERAS: [Era; 2] = [Era::Kernel61, Era::Mainline];

/// `RELOAD` of `handle` with `action` and `limits` (as value and selector).
pub(crate) fn reload_req(handle: Handle, action: ReloadAction, limits: Option<u32>) -> ReloadReq {
    ReloadReq {
        handle,
        netns_pid: None,
        netns_fd: None,
        netns_id: None,
        action: Some(action),
        limits: limits.map(|value| Bitfield32 {
            value,
            selector: value,
        }),
        unknown: vec![],
    }
}
