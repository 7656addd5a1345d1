//! What every command runs in: the output switches, the standard streams, the connection
//! (opened at the first request, so that argument errors and help need no daemon), and
//! the one error type that decides what is printed and the exit status.

use std::io::Write;
use std::path::PathBuf;

use devlink_cli::show::{NetdevName, Options, ShowCmd, ShowError, render_show};
use devlink_client::socket_path;
use devlink_wire::devlink::{Handle, PortGetReq};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use crate::args::{ArgError, Argv, DevOrPort, PortIdent};
use crate::errors;
use crate::request::{Devlink, Reply, RequestError};

/// Why a command failed; [`CmdError::report`] prints it as iproute2 does.
#[derive(Debug)]
pub(crate) enum CmdError {
    /// Bad arguments: iproute2's lines.
    Arg(ArgError),
    /// The request failed (the daemon's error reply, or the socket).
    Request(RequestError),
    /// No daemon to talk to.
    Connect(String),
    /// The failure was already printed (exit status 1).
    Quiet,
    /// A reply iproute2's callback refuses (`MNL_CB_ERROR`): nothing more is printed.
    Render(ShowError),
}

impl From<ArgError> for CmdError {
    fn from(e: ArgError) -> Self {
        Self::Arg(e)
    }
}

impl From<RequestError> for CmdError {
    fn from(e: RequestError) -> Self {
        Self::Request(e)
    }
}

impl From<std::io::Error> for CmdError {
    fn from(e: std::io::Error) -> Self {
        Self::Request(RequestError::Io(e))
    }
}

impl CmdError {
    /// Print the error to `err`; the exit status (1 as `devlink` exits, 255 after
    /// `invarg`).
    pub(crate) fn report(&self, err: &mut dyn Write, verbose: bool) -> u8 {
        if let Self::Arg(a) = self {
            let _ = a.0.iter().try_for_each(|l| writeln!(err, "{l}"));
            return a.1;
        }
        let _ = match self {
            Self::Arg(_) | Self::Quiet => Ok(()),
            Self::Request(RequestError::Nl { errno, ext }) => errors::print_error(*errno, ext, err),
            Self::Request(e) => writeln!(err, "dlctl: {e}"),
            Self::Connect(why) => {
                let r = writeln!(err, "Failed to connect to devlink Netlink");
                if verbose {
                    let _ = writeln!(err, "dlctl: {why}");
                }
                r
            }
            Self::Render(e) => {
                if verbose {
                    writeln!(err, "dlctl: {e}")
                } else {
                    Ok(())
                }
            }
        };
        1
    }
}

/// The running command.
pub(crate) struct Ctx<'a> {
    /// `-j`, `-p`, `-s`, `-v`, `-i`.
    pub opts: Options,
    /// `--socket`.
    pub socket: Option<PathBuf>,
    /// `--check` (dlctl's): `monitor` checks the notification order.
    pub check: bool,
    /// `--reconnect` (dlctl's): `monitor` reconnects and resyncs when the daemon goes.
    pub reconnect: bool,
    conn: Option<Devlink>,
    /// The netdev names of the ports (`dl->ifname_map_list`), loaded on first use.
    ifnames: Option<Vec<IfName>>,
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
}

impl<'a> Ctx<'a> {
    /// A context writing to `out` and `err`.
    pub(crate) fn new(
        opts: Options,
        socket: Option<PathBuf>,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> Self {
        Self {
            opts,
            socket,
            check: false,
            reconnect: false,
            conn: None,
            ifnames: None,
            out,
            err,
        }
    }

    /// The connection, opened on first use.
    pub(crate) fn dl(&mut self) -> Result<&mut Devlink, CmdError> {
        if self.conn.is_none() {
            let path = socket_path(self.socket.clone());
            let c = Devlink::connect(&path)
                .map_err(|e| CmdError::Connect(format!("{}: {e}", path.display())))?;
            self.conn = Some(c);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| CmdError::Connect("no connection".into()))
    }

    /// Close the connection (the next request opens a new one) and forget what was
    /// learnt through it.
    pub(crate) fn disconnect(&mut self) {
        self.conn = None;
        self.ifnames = None;
    }

    /// Send a request; print the warnings of its ACK.
    pub(crate) fn request(
        &mut self,
        cmd: Cmd,
        body: impl Into<DevlinkBody>,
        dump: bool,
    ) -> Result<Vec<Reply>, CmdError> {
        let dl = self.dl()?;
        let result = dl.request(cmd, body, dump);
        let warnings = std::mem::take(&mut dl.warnings);
        for w in warnings {
            errors::print_warning(&w, self.err)?;
        }
        Ok(result?)
    }

    /// A `show` command: the request, its replies kept by `keep` (dump selectors are also
    /// checked here, as iproute2's `dl_dump_filter` does), rendered as `show`.
    pub(crate) fn show(
        &mut self,
        show: ShowCmd,
        cmd: Cmd,
        body: impl Into<DevlinkBody>,
        dump: bool,
        keep: &dyn Fn(&DevlinkBody) -> bool,
    ) -> Result<(), CmdError> {
        let result = self.request(cmd, body, dump);
        let replies: Vec<DevlinkBody> = match &result {
            Ok(r) => r
                .iter()
                .map(|r| r.body.clone())
                .filter(|b| keep(b))
                .collect(),
            Err(_) => Vec::new(),
        };
        self.print(show, &replies)?;
        result.map(drop)
    }

    /// Render `replies` as `show` prints them.
    pub(crate) fn print(&mut self, show: ShowCmd, replies: &[DevlinkBody]) -> Result<(), CmdError> {
        let rendered = render_show(show, replies, self.opts.clone());
        self.out.write_all(rendered.output.as_bytes())?;
        self.out.flush()?;
        match rendered.error {
            Some(e) => Err(CmdError::Render(e)),
            None => Ok(()),
        }
    }
}

/// A port with a netdev name (`struct ifname_map`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IfName {
    /// The port's device.
    pub handle: Handle,
    /// The port index.
    pub index: u32,
    /// `DEVLINK_ATTR_PORT_NETDEV_NAME`.
    pub name: String,
}

impl Ctx<'_> {
    /// `ifname_map_init`: a port dump, every port with a netdev name. iproute2 prepends
    /// each to its list, so the list is in reverse dump order: a name two ports share
    /// finds the last one dumped.
    pub(crate) fn ifnames(&mut self) -> Result<&[IfName], CmdError> {
        if self.ifnames.is_none() {
            let replies = self.request(Cmd::PortGet, PortGetReq::default(), true)?;
            let map = replies
                .iter()
                .rev()
                .filter_map(|r| match &r.body {
                    DevlinkBody::Port(p) => Some(IfName {
                        handle: p.handle.clone(),
                        index: p.index,
                        name: p.netdev_name.as_deref()?.to_owned(),
                    }),
                    _ => None,
                })
                .collect();
            self.ifnames = Some(map);
        }
        Ok(self.ifnames.as_deref().unwrap_or_default())
    }

    /// Give the renderers the ports' netdev names (`Options::netdev_names`), unless
    /// `-n`: for the commands that print ports by name.
    pub(crate) fn load_netdev_names(&mut self) -> Result<(), CmdError> {
        if self.opts.no_nice_names {
            return Ok(());
        }
        let names = self
            .ifnames()?
            .iter()
            .map(|m| NetdevName {
                bus: m.handle.bus.to_string(),
                dev: m.handle.dev.to_string(),
                port: m.index,
                name: m.name.clone(),
            })
            .collect();
        self.opts.netdev_names = names;
        Ok(())
    }

    /// A port named by `bus/dev/index` or by its netdev name (`Netdevice "NAME" not
    /// found` when no port has it).
    pub(crate) fn resolve_port(&mut self, p: PortIdent) -> Result<(Handle, u32), CmdError> {
        match p {
            PortIdent::Port(h, i) => Ok((h, i)),
            PortIdent::Netdev(name) => self
                .ifnames()?
                .iter()
                .find(|m| m.name == name)
                .map(|m| (m.handle.clone(), m.index))
                .ok_or_else(|| ArgError::new(format!("Netdevice \"{name}\" not found")).into()),
        }
    }

    /// `dl_argv_handle_port`, netdev names resolved.
    pub(crate) fn port_handle(&mut self, a: &mut Argv) -> Result<(Handle, u32), CmdError> {
        let p = a.port_ident()?;
        self.resolve_port(p)
    }

    /// `dl_argv_handle_both`, netdev names resolved: the device, and the port index if
    /// a port was named.
    pub(crate) fn dev_or_port(&mut self, a: &mut Argv) -> Result<(Handle, Option<u32>), CmdError> {
        match a.dev_or_port()? {
            DevOrPort::Dev(h) => Ok((h, None)),
            DevOrPort::Port(p) => self.resolve_port(p).map(|(h, i)| (h, Some(i))),
        }
    }
}

/// Keep every reply.
pub(crate) fn all(_: &DevlinkBody) -> bool {
    true
}

/// The handle a reply belongs to, for dump selectors.
pub(crate) fn handle_of(b: &DevlinkBody) -> Option<&Handle> {
    use DevlinkBody as B;
    Some(match b {
        B::Dev(x) => &x.handle,
        B::Port(x) => &x.handle,
        B::Param(x) => &x.handle,
        B::HealthReporter(x) => &x.handle,
        B::Region(x) => &x.handle,
        B::Trap(x) => &x.handle,
        B::TrapGroup(x) => &x.handle,
        B::TrapPolicer(x) => &x.handle,
        B::Rate(x) => &x.handle,
        B::Linecard(x) => &x.handle,
        B::Info(x) => &x.handle,
        _ => return None,
    })
}

/// A selector: replies of `dev` only (all of them without one).
pub(crate) fn of_dev(dev: Option<&Handle>) -> impl Fn(&DevlinkBody) -> bool + '_ {
    move |b| match (dev, handle_of(b)) {
        (Some(want), Some(h)) => h == want,
        _ => true,
    }
}
