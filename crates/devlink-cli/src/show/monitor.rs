//! `devlink monitor`: `cmd_mon_show`, `cmd_mon_show_cb`, `pr_out_mon_header`,
//! `pr_out_mon_footer`, `cmd_filter_check`.
//!
//! State carries over between events as in iproute2: statistics switch on at the first
//! dev event, and the indentation and "last device" left by `[health,…]` and `[lc,…]`
//! events (which print as per-device arrays) shift later lines and, in JSON, leave an
//! array open — iproute2 behaviour, reproduced. One 6.1 bug is not: 6.1 omits
//! `pr_out_mon_footer` after trap-policer events (their JSON objects are never
//! closed); later iproute2 closes them, and so does this.

use devlink_wire::devlink::Dev;
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::printer::{Options, Out, Printer};
use super::{dev, flash, health, linecard, param, port, rate, region, trap};

/// Objects `devlink monitor` accepts as arguments (`cmd_mon_show`).
const OBJECTS: &[&str] = &[
    "all",
    "dev",
    "port",
    "health",
    "trap",
    "trap-group",
    "trap-policer",
    "lc",
];

/// What `dlctl monitor` accepts besides [`OBJECTS`]: the objects the issue lists that
/// 6.1 cannot select by name (`param`, `region`, `flash` are printed by 6.1 only without
/// a filter) and `rate`, whose events 6.1 never prints (`[rate,new] …`, printed only when
/// named).
const DLCTL_OBJECTS: &[&str] = &["param", "region", "flash", "rate"];

/// Every word `dlctl monitor` accepts as an object, iproute2's first.
pub fn monitor_objects() -> impl Iterator<Item = &'static str> {
    OBJECTS.iter().chain(DLCTL_OBJECTS).copied()
}

/// Why the monitor stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonitorError {
    /// An argument that is not a monitorable object (iproute2: exit 1 before
    /// subscribing).
    #[error("Unknown object \"{0}\"")]
    UnknownObject(String),
    /// A notification without what its event requires: iproute2's callback returns
    /// `MNL_CB_ERROR` and the monitor exits with an error.
    #[error("malformed {0} notification")]
    Malformed(&'static str),
}

/// `cmd_obj` and `cmd_name`: the `[object,name]` of an event iproute2 6.1 prints, or
/// `None` for commands its monitor ignores (rate, shared buffer, info, …).
#[must_use]
pub fn event_names(cmd: Cmd) -> Option<(&'static str, &'static str)> {
    use Cmd as C;
    let obj = match cmd {
        C::Get | C::Set | C::New | C::Del => "dev",
        C::PortGet | C::PortSet | C::PortNew | C::PortDel => "port",
        C::ParamGet | C::ParamSet | C::ParamNew | C::ParamDel => "param",
        C::RegionGet | C::RegionSet | C::RegionNew | C::RegionDel => "region",
        C::FlashUpdate | C::FlashUpdateEnd | C::FlashUpdateStatus => "flash",
        C::HealthReporterRecover => "health",
        C::TrapGet | C::TrapSet | C::TrapNew | C::TrapDel => "trap",
        C::TrapGroupGet | C::TrapGroupSet | C::TrapGroupNew | C::TrapGroupDel => "trap-group",
        C::TrapPolicerGet | C::TrapPolicerSet | C::TrapPolicerNew | C::TrapPolicerDel => {
            "trap-policer"
        }
        C::LinecardGet | C::LinecardSet | C::LinecardNew | C::LinecardDel => "lc",
        _ => return None,
    };
    let name = match cmd {
        C::FlashUpdate => "begin",
        C::FlashUpdateEnd => "end",
        C::FlashUpdateStatus | C::HealthReporterRecover => "status",
        C::Get
        | C::PortGet
        | C::ParamGet
        | C::RegionGet
        | C::TrapGet
        | C::TrapGroupGet
        | C::TrapPolicerGet
        | C::LinecardGet => "get",
        C::Set
        | C::PortSet
        | C::ParamSet
        | C::RegionSet
        | C::TrapSet
        | C::TrapGroupSet
        | C::TrapPolicerSet
        | C::LinecardSet => "set",
        C::New
        | C::PortNew
        | C::ParamNew
        | C::RegionNew
        | C::TrapNew
        | C::TrapGroupNew
        | C::TrapPolicerNew
        | C::LinecardNew => "new",
        _ => "del",
    };
    Some((obj, name))
}

/// A running `devlink [-j] monitor [OBJECT…]`: feed it notifications, take its output.
#[derive(Debug)]
pub struct Monitor {
    p: Printer,
    objects: Vec<String>,
}

impl Monitor {
    /// Check the object arguments and open the JSON stream (`{"mon":[`).
    pub fn new(objects: &[String], opts: Options) -> Result<Self, MonitorError> {
        Self::accepting(objects, opts, false)
    }

    /// [`Monitor::new`] that also accepts `dlctl`'s objects (`param`, `region`, `flash`,
    /// `rate`); with none of those named, the output is 6.1's.
    pub fn new_dlctl(objects: &[String], opts: Options) -> Result<Self, MonitorError> {
        Self::accepting(objects, opts, true)
    }

    fn accepting(objects: &[String], opts: Options, dlctl: bool) -> Result<Self, MonitorError> {
        let known = |o: &str| OBJECTS.contains(&o) || (dlctl && DLCTL_OBJECTS.contains(&o));
        if let Some(bad) = objects.iter().find(|o| !known(o.as_str())) {
            return Err(MonitorError::UnknownObject(bad.clone()));
        }
        let mut p = Printer::new(opts);
        p.open_json_object(None);
        p.open_json_array(Some("mon"));
        Ok(Self {
            p,
            objects: objects.to_vec(),
        })
    }

    /// `cmd_filter_check`.
    fn wanted(&self, obj: &str) -> bool {
        self.objects.is_empty() || self.objects.iter().any(|o| o == obj || o == "all")
    }

    /// `cmd_mon_show_cb`: print one notification (`cmd` is its genl command).
    pub fn event(&mut self, cmd: Cmd, body: &DevlinkBody) -> Result<(), MonitorError> {
        let Some((obj, name)) = event_names(cmd) else {
            return self.rate_event(cmd, body);
        };
        if !self.wanted(obj) {
            return Ok(());
        }
        use DevlinkBody as B;
        let p = &mut self.p;
        match (obj, body) {
            ("dev", B::Dev(d)) => {
                header(p, obj, name);
                p.opts.stats = true;
                dev::pr_out_dev(p, d);
            }
            // A NEW carrying a port index (how 6.1 answered port dumps) decodes as a
            // port; iproute2 goes by the command and prints the device handle.
            ("dev", B::Port(x)) => {
                header(p, obj, name);
                p.opts.stats = true;
                let d = Dev {
                    handle: x.handle.clone(),
                    reload_failed: None,
                    stats: None,
                    nested: Vec::new(),
                    unknown: Vec::new(),
                };
                dev::pr_out_dev(p, &d);
            }
            ("port", B::Port(x)) => {
                header(p, obj, name);
                port::pr_out_port(p, x);
            }
            ("param", B::Param(x)) => {
                header(p, obj, name);
                param::pr_out_param(p, x, param::ParamHandle::Single, false);
            }
            ("region", B::RegionEvent(r)) => {
                header(p, obj, name);
                region::pr_out_region_event(p, r);
            }
            ("region", B::Region(r)) => {
                header(p, obj, name);
                region::pr_out_region(p, r);
            }
            ("flash", B::FlashStatus(f)) => {
                header(p, obj, name);
                flash::pr_out_flash_update(p, f);
            }
            ("health", B::HealthReporter(r)) => {
                header(p, obj, name);
                health::pr_out_health(p, r, true, true);
            }
            ("trap", B::Trap(t)) => {
                header(p, obj, name);
                trap::pr_out_trap(p, t, false);
            }
            ("trap-group", B::TrapGroup(g)) => {
                header(p, obj, name);
                trap::pr_out_trap_group(p, g, false);
            }
            ("trap-policer", B::TrapPolicer(t)) => {
                header(p, obj, name);
                trap::pr_out_trap_policer(p, t, false);
            }
            ("lc", B::Linecard(l)) => {
                header(p, obj, name);
                linecard::pr_out_linecard(p, l);
            }
            (obj, _) => return Err(MonitorError::Malformed(obj)),
        }
        footer(p);
        Ok(())
    }

    /// A rate event, printed only when `rate` was named ([`Monitor::new_dlctl`]), in the
    /// form of the other events: `[rate,new] ` and `pr_out_port_fn_rate`'s line.
    fn rate_event(&mut self, cmd: Cmd, body: &DevlinkBody) -> Result<(), MonitorError> {
        let name = match cmd {
            Cmd::RateGet => "get",
            Cmd::RateSet => "set",
            Cmd::RateNew => "new",
            Cmd::RateDel => "del",
            _ => return Ok(()),
        };
        if !self.objects.iter().any(|o| o == "rate") {
            return Ok(());
        }
        let DevlinkBody::Rate(r) = body else {
            return Err(MonitorError::Malformed("rate"));
        };
        let p = &mut self.p;
        header(p, "rate", name);
        rate::pr_out_port_fn_rate(p, r);
        footer(p);
        Ok(())
    }

    /// What was printed since the last call (iproute2 flushes after every event).
    pub fn take_output(&mut self) -> String {
        self.p.take()
    }

    /// Stop (Ctrl-C): close the JSON stream (`]}` and the final newline).
    #[must_use]
    pub fn finish(mut self) -> String {
        self.p.close_json_array();
        self.p.close_json_object();
        self.p.finish();
        self.p.take()
    }
}

/// `pr_out_mon_header`: `[obj,name] ` or `{"command":"name","obj":{`.
fn header(p: &mut Printer, obj: &str, name: &str) {
    if p.json() {
        p.open_json_object(None);
        p.print_string(Out::Json, Some("command"), "", name);
        p.open_json_object(Some(obj));
    } else {
        p.pr_out(&format!("[{obj},{name}] "));
    }
}

/// `pr_out_mon_footer`.
fn footer(p: &mut Printer) {
    if p.json() {
        p.close_json_object();
        p.close_json_object();
    }
}
