//! The request vocabulary between the daemon and the core.

use std::borrow::Cow;

use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Attr, Cmd};

use super::{DumpCursor, NotifyFilter};
use crate::Errno;
use crate::driver::DriverError;

/// A decoded devlink request with what the transport knows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `genlmsghdr.cmd`.
    pub cmd: Cmd,
    /// The decoded attributes.
    pub body: DevlinkBody,
    /// `NLM_F_DUMP` was set.
    pub dump: bool,
    /// The sender may run admin commands (`GENL_ADMIN_PERM`: uid 0 or the admin group).
    pub admin: bool,
}

/// One reply message: `genlmsghdr.cmd` and the attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The reply command (often not the request's: `GET` is answered with `NEW`).
    pub cmd: Cmd,
    /// The attributes.
    pub body: DevlinkBody,
}

/// What a request produces, besides the notifications it queues (which come first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A `doit`: these replies (none: only the ACK, if asked for).
    Do(Vec<Reply>),
    /// A `doit` that answers with several `NLM_F_MULTI` messages and an explicit
    /// `NLMSG_DONE` (resource dump, dpipe, health diagnose).
    Multi(Vec<Reply>),
    /// A dump: pull it with [`crate::Core::dump_next`] until it is done.
    Dump(DumpCursor),
    /// `NOTIFY_FILTER_SET`: install this filter on the requesting socket (`None`:
    /// remove it), then ACK. The filter is the socket's, so the transport keeps it.
    NotifyFilter(Option<NotifyFilter>),
}

/// An accepted request: what it produces, and the warning its ACK carries.
///
/// The counterpart of [`Rejection`]: both end in one `NLMSG_ERROR`, with error 0 here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The replies, the dump or the filter.
    pub response: Response,
    /// `NLMSGERR_ATTR_MSG` of the success ACK: a message the kernel sets on a request
    /// that still succeeds (`NL_SET_ERR_MSG` on a path returning 0, e.g. "Line card is
    /// not provisioned"). `netlink_ack` sends it only with the ACK, that is only if the
    /// request had `NLM_F_ACK` and the socket `NETLINK_EXT_ACK`; otherwise it is
    /// dropped. Always `None` for [`Response::Dump`]: a dump's warning goes in its
    /// `NLMSG_DONE` ([`DumpCursor::warning`]).
    pub warning: Option<Cow<'static, str>>,
}

impl From<Response> for Accepted {
    /// A response without a warning.
    fn from(response: Response) -> Self {
        Self {
            response,
            warning: None,
        }
    }
}

/// The extack message a handler sets on a path that still succeeds (kernel:
/// `info->extack` written by `NL_SET_ERR_MSG` before `return 0`). Kept as the kernel
/// keeps it: a later rejection without a message of its own carries it.
pub(crate) type Warning = Option<Cow<'static, str>>;

/// A rejected request: the errno and the extended ACK the kernel would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The errno (sent negated).
    pub errno: Errno,
    /// `NLMSGERR_ATTR_MSG`.
    pub msg: Option<Cow<'static, str>>,
    /// The attribute the message is about (`NLMSGERR_ATTR_OFFS` points at it).
    pub attr: Option<Attr>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: a required attribute that is missing.
    pub missing: Option<Attr>,
}

impl Rejection {
    /// An errno with no extack.
    #[must_use]
    pub const fn errno(errno: Errno) -> Self {
        Self {
            errno,
            msg: None,
            attr: None,
            missing: None,
        }
    }

    /// An errno with an extack message (`NL_SET_ERR_MSG`).
    #[must_use]
    pub const fn msg(errno: Errno, msg: &'static str) -> Self {
        Self {
            errno,
            msg: Some(Cow::Borrowed(msg)),
            attr: None,
            missing: None,
        }
    }

    /// An errno with a message about one attribute (`NL_SET_ERR_MSG_ATTR`).
    #[must_use]
    pub const fn attr(errno: Errno, attr: Attr, msg: &'static str) -> Self {
        Self {
            errno,
            msg: Some(Cow::Borrowed(msg)),
            attr: Some(attr),
            missing: None,
        }
    }

    /// `GENL_REQ_ATTR_CHECK`: `-EINVAL` with the missing attribute and no message.
    #[must_use]
    pub const fn missing(attr: Attr) -> Self {
        Self {
            errno: Errno::EINVAL,
            msg: None,
            attr: None,
            missing: Some(attr),
        }
    }
}

impl From<DriverError> for Rejection {
    fn from(e: DriverError) -> Self {
        Self {
            errno: e.errno,
            msg: (!e.msg.is_empty()).then_some(Cow::Owned(e.msg)),
            attr: None,
            missing: None,
        }
    }
}
