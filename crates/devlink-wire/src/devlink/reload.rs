//! Reload: the `DEVLINK_CMD_RELOAD` request and its reply. Kernel: `net/devlink/dev.c`
//! (`devlink_nl_reload_doit`, `devlink_nl_reload_actions_performed_snd`,
//! `devlink_netns_get`).

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, ReloadAction, Space};

use super::body::{
    AttrError, AttrErrorKind, Body, DecodeCtx, UnknownAttr, encode_unknown, required,
};
use super::handle::Handle;
use super::notify::{Bitfield32, get, put, put_opt, walk};

/// The `DEVLINK_CMD_RELOAD` request, attributes in iproute2's order (netns, action,
/// limits).
///
/// The kernel rejects more than one of the three netns attributes ("multiple netns
/// identifying attributes specified"), but only after checking action and limits, so all
/// three are kept and judged by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_NETNS_PID` (u32): move to the namespace of this process.
    pub netns_pid: Option<u32>,
    /// `DEVLINK_ATTR_NETNS_FD` (u32): move to the namespace behind this descriptor.
    pub netns_fd: Option<u32>,
    /// `DEVLINK_ATTR_NETNS_ID` (u32 in requests): move to the namespace with this id.
    pub netns_id: Option<u32>,
    /// `DEVLINK_ATTR_RELOAD_ACTION` (u8, policy range 1–2; absent means
    /// `DRIVER_REINIT`). Its presence, or that of `limits`, asks for a `RELOAD` reply.
    pub action: Option<ReloadAction>,
    /// `DEVLINK_ATTR_RELOAD_LIMITS` (bitfield32 of `1 << DEVLINK_RELOAD_LIMIT_*`). Policy:
    /// mainline's generated `NLA_POLICY_BITFIELD32(6)` (the YNL spec takes the bits from
    /// `enum devlink_reload_action`) rejects the selector 3 iproute2 sends
    /// (`DEVLINK_RELOAD_LIMITS_VALID_MASK`); 6.1 validated against 3. Not checked here.
    pub limits: Option<Bitfield32>,
    /// Attributes not modelled here (the kernel ignores them), re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl ReloadReq {
    /// Whether the kernel answers with a `RELOAD` message (else only the ACK).
    #[must_use]
    pub const fn wants_reply(&self) -> bool {
        self.action.is_some() || self.limits.is_some()
    }
}

impl Body for ReloadReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut netns_pid, mut netns_fd, mut netns_id) = (None, None, None);
        let (mut action, mut limits) = (None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::NetnsPid => netns_pid = Some(get(a)?),
                Attr::NetnsFd => netns_fd = Some(get(a)?),
                Attr::NetnsId => netns_id = Some(get(a)?),
                Attr::ReloadAction => match get(a)? {
                    ReloadAction::Unspec => {
                        // Policy `NLA_POLICY_RANGE(NLA_U8, 1, 2)`.
                        return Err(AttrError::bad(
                            Space::Devlink,
                            a,
                            AttrErrorKind::BadValue(0),
                        ));
                    }
                    act => action = Some(act),
                },
                Attr::ReloadLimits => limits = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            netns_pid,
            netns_fd,
            netns_id,
            action,
            limits,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_opt(e, Attr::NetnsPid, &self.netns_pid);
        put_opt(e, Attr::NetnsFd, &self.netns_fd);
        put_opt(e, Attr::NetnsId, &self.netns_id);
        put_opt(e, Attr::ReloadAction, &self.action);
        put_opt(e, Attr::ReloadLimits, &self.limits);
        encode_unknown(&self.unknown, e);
    }
}

/// The `DEVLINK_CMD_RELOAD` reply, sent only when the request named an action or limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadReply {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_RELOAD_ACTIONS_PERFORMED` (bitfield32; the kernel sets value and
    /// selector both to the mask of `1 << action` performed).
    pub actions_performed: Bitfield32,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl ReloadReply {
    /// The kernel's reply for a performed-actions mask.
    #[must_use]
    pub const fn new(handle: Handle, performed: u32) -> Self {
        Self {
            handle,
            actions_performed: Bitfield32 {
                value: performed,
                selector: performed,
            },
            unknown: Vec::new(),
        }
    }
}

impl Body for ReloadReply {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut performed = None;
        let (h, unknown) = walk(attrs, |k, a| {
            if k != Attr::ReloadActionsPerformed {
                return Ok(false);
            }
            performed = Some(get(a)?);
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            actions_performed: required(performed, Attr::ReloadActionsPerformed)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put(e, Attr::ReloadActionsPerformed, &self.actions_performed);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, encode, hex, identity, roundtrip};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn requests_from_capture() {
        // "devlink dev reload netdevsim/netdevsim14 action fw_activate limit no_reset" as
        // captured. iproute2 6.1's libmnl left the u8's three padding bytes uninitialised
        // ("00 05 00"); the kernel ignores padding, and so do we: re-encoding gives zeros.
        let captured = hex(&format!(
            "{NSIM14} 05009900 02000500 0c009b00 02000000 03000000"
        ));
        let r: ReloadReq = decode(&captured, false).unwrap();
        assert_eq!(r.action, Some(ReloadAction::FwActivate));
        assert_eq!(
            r.limits,
            Some(Bitfield32 {
                value: 2,
                selector: 3
            })
        );
        assert!(r.wants_reply());
        let clean = hex(&format!(
            "{NSIM14} 05009900 02000000 0c009b00 02000000 03000000"
        ));
        assert_eq!(encode(&r), clean);
        // "devlink dev reload DEV": the handle only, no reply wanted.
        let r: ReloadReq = roundtrip(&hex(NSIM14));
        assert!(!r.wants_reply());
    }

    #[test]
    fn netns_before_action() {
        // devlink dev reload DEV netns 1234 action driver_reinit
        let r: ReloadReq = roundtrip(&hex(&format!(
            "{NSIM14} 08008b00 d2040000 05009900 01000000"
        )));
        assert_eq!(
            (r.netns_pid, r.action),
            (Some(1234), Some(ReloadAction::DriverReinit))
        );
        // Unknown attributes (here a PAD and a future u32) are kept and re-emitted last.
        let r: ReloadReq = roundtrip(&hex(&format!(
            "{NSIM14} 05009900 01000000 04003d00 0800ff01 01000000"
        )));
        assert_eq!(r.unknown.len(), 2);
    }

    #[test]
    fn reply_from_capture() {
        let r: ReloadReply = roundtrip(&hex(&format!("{NSIM14} 0c009a00 02000000 02000000")));
        assert_eq!(
            r,
            ReloadReply::new(Handle::new("netdevsim", "netdevsim14"), 2)
        );
        let err = decode::<ReloadReply>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::ReloadActionsPerformed as u16);
    }

    #[test]
    fn action_range_is_1_to_2() {
        for (v, ok) in [(0u8, false), (1, true), (2, true), (3, false)] {
            let body = hex(&format!("{NSIM14} 05009900 {v:02x}000000"));
            let r = decode::<ReloadReq>(&body, false);
            assert_eq!(r.is_ok(), ok, "action {v}");
            if let Err(err) = r {
                assert_eq!(err.kind, AttrErrorKind::BadValue(v.into()));
                assert_eq!(
                    (err.attr, err.offset),
                    (Attr::ReloadAction as u16, Some(52))
                );
            }
        }
        // Limits must be 8 bytes.
        let body = hex(&format!("{NSIM14} 08009b00 02000000"));
        let err = decode::<ReloadReq>(&body, false).unwrap_err();
        assert_eq!(err.attr, Attr::ReloadLimits as u16);
    }

    proptest! {
        #[test]
        fn reload_identity(
            pid: Option<u32>, fd: Option<u32>, id: Option<u32>, act in proptest::option::of(1u8..3),
            limits in proptest::option::of(any::<(u32, u32)>()),
        ) {
            identity(&ReloadReq {
                handle: Handle::new("netdevsim", "netdevsim1"),
                netns_pid: pid,
                netns_fd: fd,
                netns_id: id,
                action: act.and_then(ReloadAction::from_repr),
                limits: limits.map(|(value, selector)| Bitfield32 { value, selector }),
                unknown: vec![],
            });
        }
    }
}
