//! `NOTIFY_FILTER_SET` and the filter it installs (kernel: `net/devlink/netlink.c`,
//! `devlink_nl_notify_filter_set_doit`, `devlink_nl_notify_filter`), and the port-param
//! stubs (`PORT_PARAM_GET` / `PORT_PARAM_SET`, which mainline answers "Port params are
//! not supported").

use devlink_wire::devlink::NotifyFilterReq;

use super::{Rejection, Response};
use crate::{Core, Errno, Notification};

/// A socket's notification filter: bus name, device name, port index, any subset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifyFilter {
    /// `DEVLINK_ATTR_BUS_NAME`.
    pub bus: Option<String>,
    /// `DEVLINK_ATTR_DEV_NAME`.
    pub dev: Option<String>,
    /// `DEVLINK_ATTR_PORT_INDEX`.
    pub port_index: Option<u32>,
}

impl NotifyFilter {
    /// Whether `n` reaches a socket with this filter: it is dropped only if a field
    /// present in both the filter and the notification's descriptor differs. The
    /// descriptor always has the bus and device name, and a port index for port
    /// notifications and port reporters' health events only.
    #[must_use]
    pub fn matches(&self, n: &Notification) -> bool {
        let differs =
            |want: &Option<String>, have: &str| want.as_deref().is_some_and(|w| w != have);
        if differs(&self.bus, &n.handle.bus) || differs(&self.dev, &n.handle.dev) {
            return false;
        }
        !matches!((self.port_index, n.port_index), (Some(want), Some(have)) if want != have)
    }
}

impl Core {
    /// `NOTIFY_FILTER_SET`: no instance needed, no admin needed; a request with none of
    /// the three attributes removes the filter.
    pub(crate) fn notify_filter_set(req: &NotifyFilterReq) -> Response {
        let filter = NotifyFilter {
            bus: req.bus_name.clone(),
            dev: req.dev_name.clone(),
            port_index: req.port_index,
        };
        let none = filter == NotifyFilter::default();
        Response::NotifyFilter((!none).then_some(filter))
    }
}

/// What mainline says to every port-param request: the error of `PORT_PARAM_GET` do
/// and `PORT_PARAM_SET`, the warning of the (empty) `PORT_PARAM_GET` dump.
pub(crate) const PORT_PARAMS_UNSUPPORTED: &str = "Port params are not supported";

/// `PORT_PARAM_GET` do and `PORT_PARAM_SET`.
pub(crate) fn port_params_unsupported() -> Rejection {
    Rejection::msg(Errno::EINVAL, PORT_PARAMS_UNSUPPORTED)
}
