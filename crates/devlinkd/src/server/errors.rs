//! The one place netlink errnos and extended ACKs are chosen for what the daemon rejects
//! itself (dispatch, attribute validation), for the core's [`Rejection`]s and for the
//! simulator's [`SimError`]s (`devlinkd_sim`).
//!
//! Kernel sources: `net/netlink/genetlink.c` (`genl_family_rcv_msg`,
//! `genl_header_check`), `lib/nlattr.c` (`validate_nla`: `"Attribute failed policy
//! validation"` with `-ERANGE` for a too-short fixed-width value or a flag with payload,
//! `-EINVAL` for a string without its NUL), `GENL_REQ_ATTR_CHECK` (`-EINVAL` with
//! `NLMSGERR_ATTR_MISS_TYPE` and no message), `devlink_get_from_attrs_lock` (`-EINVAL`
//! without extack when the bus or device name is missing).

use devlink_core::{Errno, Rejection};
use devlink_sim::SimError;
use devlink_wire::devlink::{AttrError, AttrErrorKind};
use devlink_wire::message::DecodeError;
use devlink_wire::nl::{AttrIter, ExtAck, GENL_HDRLEN, NLMSG_HDRLEN, PayloadError};
use devlink_wire::simctl::SimMsgError;
use devlink_wire::spec::{Attr, Space};

/// `EIO` (not among the core's errnos: only the daemon's storage fails with it).
const EIO: Errno = Errno(5);

/// An error reply to send: a positive errno and the extended ACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NlErr {
    /// Positive errno (sent negated).
    pub errno: i32,
    /// `NLMSGERR_ATTR_*` contents.
    pub ext: Box<ExtAck>,
}

impl NlErr {
    /// An errno without extack.
    pub(crate) fn errno(errno: Errno) -> Self {
        Self {
            errno: errno.0,
            ext: Box::default(),
        }
    }

    /// An errno with a message (`NL_SET_ERR_MSG`).
    pub(crate) fn msg(errno: Errno, msg: &str) -> Self {
        Self {
            errno: errno.0,
            ext: Box::new(ExtAck::msg(msg)),
        }
    }

    /// A success-with-warning: error 0 and the message (`NL_SET_ERR_MSG` on a path
    /// that returns 0; `netlink_ack` keeps only the message).
    pub(crate) fn warning(msg: &str) -> Self {
        Self {
            errno: 0,
            ext: Box::new(ExtAck::msg(msg)),
        }
    }

    /// A committed permanent value that could not be made durable (the store's I/O
    /// error): `-EIO`, as a driver whose NVM write fails. The value stays in effect.
    pub(crate) fn not_persisted(e: &std::io::Error) -> Self {
        Self::msg(
            EIO,
            &format!("devlinkd: permanent value not persisted: {e}"),
        )
    }

    /// A core rejection of `request` (the whole netlink message): the attribute it names
    /// is located in the request for `NLMSGERR_ATTR_OFFS`.
    pub(crate) fn from_rejection(rej: &Rejection, request: &[u8]) -> Self {
        let ext = Box::new(ExtAck {
            msg: rej.msg.as_ref().map(|m| m.to_string()),
            offset: rej.attr.and_then(|a| attr_offset(request, a)),
            miss_type: rej.missing.map(|a| u32::from(a as u16)),
            ..ExtAck::default()
        });
        Self {
            errno: rej.errno.0,
            ext,
        }
    }

    /// A request body that did not decode.
    pub(crate) fn from_decode(e: &DecodeError) -> Self {
        match e {
            DecodeError::Devlink { error, .. } | DecodeError::Ctrl { error, .. } => {
                Self::from_attr(error)
            }
            DecodeError::UnknownCommand(_)
            | DecodeError::NotARequest(_)
            | DecodeError::NotAReply(_) => Self::errno(Errno::EOPNOTSUPP),
            DecodeError::Framing(_) => Self::errno(Errno::EINVAL),
        }
    }

    /// A `devlinkd_sim` request body that did not decode.
    pub(crate) fn from_sim_decode(e: &SimMsgError) -> Self {
        match e {
            SimMsgError::Attr(a) => Self::from_attr(a),
            SimMsgError::UnknownCommand(_) => Self::errno(Errno::EOPNOTSUPP),
            SimMsgError::Framing(_) => Self::errno(Errno::EINVAL),
        }
    }

    /// What the simulator refused: the errno its sysfs or debugfs write would give,
    /// and why as the extack message (a driver op's own message when it has one).
    pub(crate) fn from_sim(e: &SimError) -> Self {
        let msg = match e {
            SimError::Refused { msg, .. } => msg.clone(),
            SimError::Driver(d) if !d.msg.is_empty() => d.msg.clone(),
            other => other.to_string(),
        };
        Self::msg(e.errno(), &msg)
    }

    /// An attribute that fails validation, or a required one that is missing.
    pub(crate) fn from_attr(e: &AttrError) -> Self {
        const POLICY: &str = "Attribute failed policy validation";
        let offset = e.offset.and_then(|o| u32::try_from(o).ok());
        let at = |errno: Errno, msg: &str| Self {
            errno: errno.0,
            ext: Box::new(ExtAck {
                msg: Some(msg.to_owned()),
                offset,
                ..ExtAck::default()
            }),
        };
        match &e.kind {
            AttrErrorKind::Missing => {
                let handle = [Attr::BusName as u16, Attr::DevName as u16];
                if e.space == Space::Devlink && e.offset.is_none() && handle.contains(&e.attr) {
                    // devlink_get_from_attrs_lock: a bare -EINVAL.
                    return Self::errno(Errno::EINVAL);
                }
                Self {
                    errno: Errno::EINVAL.0,
                    ext: Box::new(ExtAck {
                        miss_type: Some(e.attr.into()),
                        miss_nest: offset,
                        ..ExtAck::default()
                    }),
                }
            }
            // validate_nla: below the type's minimum length, or a flag with a payload.
            AttrErrorKind::Payload(PayloadError::Width { expected, got }) if got < expected => {
                at(Errno::ERANGE, POLICY)
            }
            AttrErrorKind::Payload(PayloadError::FlagPayload(_)) => at(Errno::ERANGE, POLICY),
            // Longer than the type: what strict validation says (the liberal kernel
            // accepts it with a warning; this codec does not).
            AttrErrorKind::Payload(PayloadError::Width { .. }) => {
                at(Errno::EINVAL, "invalid attribute length")
            }
            AttrErrorKind::Payload(_) => at(Errno::EINVAL, POLICY),
            // NLA_POLICY_MAX / NLA_POLICY_RANGE (nla_validate_int_range).
            AttrErrorKind::BadValue(_) => at(Errno::ERANGE, "integer out of range"),
            AttrErrorKind::Leftover(_) => {
                Self::msg(Errno::EINVAL, "bytes leftover after parsing attributes")
            }
            AttrErrorKind::Invalid(msg) => at(Errno::EINVAL, msg),
        }
    }
}

/// Offset from the message start of the first top-level attribute `attr` of a generic
/// netlink request.
fn attr_offset(request: &[u8], attr: Attr) -> Option<u32> {
    let start = NLMSG_HDRLEN + GENL_HDRLEN;
    let attrs = request.get(start..)?;
    AttrIter::with_base(attrs, start)
        .map_while(Result::ok)
        .find(|a| a.kind() == attr as u16)
        .and_then(|a| u32::try_from(a.offset()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_handle_is_a_bare_einval() {
        let e = NlErr::from_attr(&AttrError::missing_attr(Attr::DevName));
        assert_eq!(e, NlErr::errno(Errno::EINVAL));
    }

    #[test]
    fn missing_key_names_it() {
        let e = NlErr::from_attr(&AttrError::missing_attr(Attr::ParamName));
        assert_eq!(e.errno, 22);
        assert_eq!(e.ext.miss_type, Some(Attr::ParamName as u32));
        assert_eq!(e.ext.msg, None);
    }

    #[test]
    fn short_scalar_is_erange_with_offset() {
        let raw = devlink_wire::nl::RawAttr::new(Attr::PortIndex as u16, &[1, 2], 36);
        let err = AttrError::bad(
            Space::Devlink,
            &raw,
            PayloadError::Width {
                expected: 4,
                got: 2,
            },
        );
        let e = NlErr::from_attr(&err);
        assert_eq!(e.errno, 34);
        assert_eq!(
            e.ext.msg.as_deref(),
            Some("Attribute failed policy validation")
        );
        assert_eq!(e.ext.offset, Some(36));
    }

    #[test]
    fn rejection_attribute_is_located() {
        // nlmsghdr + genlmsghdr, then BUS_NAME "a", then PORT_INDEX.
        let mut req = vec![0u8; 20];
        req.extend_from_slice(&[6, 0, 1, 0, b'a', 0, 0, 0]);
        req.extend_from_slice(&[8, 0, 3, 0, 1, 0, 0, 0]);
        let rej = Rejection::attr(Errno::EINVAL, Attr::PortIndex, "bad port");
        let e = NlErr::from_rejection(&rej, &req);
        assert_eq!(e.ext.offset, Some(28));
        assert_eq!(e.ext.msg.as_deref(), Some("bad port"));
    }
}
