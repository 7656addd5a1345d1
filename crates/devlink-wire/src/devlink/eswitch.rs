//! The e-switch: the `DEVLINK_CMD_ESWITCH_GET` reply and the `DEVLINK_CMD_ESWITCH_SET`
//! request. Kernel: `net/devlink/dev.c` (`devlink_nl_eswitch_fill`,
//! `devlink_nl_eswitch_set_doit`).

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, EswitchEncapMode, EswitchInlineMode, EswitchMode};

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown};
use super::handle::Handle;
use super::notify::{get, put_opt, walk};

/// The e-switch configuration (`ESWITCH_GET` reply, genl cmd `ESWITCH_GET`). Each mode is
/// present only if the driver implements its getter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eswitch {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_ESWITCH_MODE` (u16; policy max 2).
    pub mode: Option<EswitchMode>,
    /// `DEVLINK_ATTR_ESWITCH_INLINE_MODE` (u8; policy max 3).
    pub inline_mode: Option<EswitchInlineMode>,
    /// `DEVLINK_ATTR_ESWITCH_ENCAP_MODE` (u8; policy max 1).
    pub encap_mode: Option<EswitchEncapMode>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// The `DEVLINK_CMD_ESWITCH_SET` request: the same attributes in the same order as the
/// reply (iproute2 also sends mode, inline mode, encap mode); each present one is applied
/// in that order.
pub type EswitchSetReq = Eswitch;

impl Body for Eswitch {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut mode, mut inline_mode, mut encap_mode) = (None, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::EswitchMode => mode = Some(get(a)?),
                Attr::EswitchInlineMode => inline_mode = Some(get(a)?),
                Attr::EswitchEncapMode => encap_mode = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            mode,
            inline_mode,
            encap_mode,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_opt(e, Attr::EswitchMode, &self.mode);
        put_opt(e, Attr::EswitchInlineMode, &self.inline_mode);
        put_opt(e, Attr::EswitchEncapMode, &self.encap_mode);
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    #[test]
    fn reply_from_capture() {
        // netdevsim implements only the mode getter: legacy.
        let r: Eswitch = roundtrip(&hex(&format!("{NSIM14} 06001900 00000000")));
        assert_eq!(r.mode, Some(EswitchMode::Legacy));
        assert_eq!((r.inline_mode, r.encap_mode), (None, None));
    }

    #[test]
    fn set_request() {
        // devlink dev eswitch set DEV mode switchdev inline-mode transport encap-mode basic
        let body = hex(&format!(
            "{NSIM14} 06001900 01000000 05001a00 03000000 05003e00 01000000"
        ));
        let r: EswitchSetReq = roundtrip(&body);
        assert_eq!(r.mode, Some(EswitchMode::Switchdev));
        assert_eq!(r.inline_mode, Some(EswitchInlineMode::Transport));
        assert_eq!(r.encap_mode, Some(EswitchEncapMode::Basic));
    }

    #[test]
    fn errors() {
        // Mode 3 is beyond the policy maximum.
        let err =
            decode::<Eswitch>(&hex(&format!("{NSIM14} 06001900 03000000")), false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::EswitchMode as u16, AttrErrorKind::BadValue(3))
        );
        assert_eq!(err.offset, Some(52));
        // Mode as a u8.
        let err =
            decode::<Eswitch>(&hex(&format!("{NSIM14} 05001900 01000000")), false).unwrap_err();
        assert!(matches!(err.kind, AttrErrorKind::Payload(_)));
        // No handle.
        let err = decode::<Eswitch>(&hex("06001900 01000000"), false).unwrap_err();
        assert_eq!(
            (err.attr, err.kind),
            (Attr::BusName as u16, AttrErrorKind::Missing)
        );
        // Unknown attributes are kept.
        let r: Eswitch = roundtrip(&hex(&format!("{NSIM14} 06001900 01000000 0400ff01")));
        assert_eq!(r.unknown.len(), 1);
    }

    proptest! {
        #[test]
        fn eswitch_identity(m in proptest::option::of(0u16..3), i in proptest::option::of(0u8..4), c in proptest::option::of(0u8..2)) {
            identity(&Eswitch {
                handle: Handle::new("pci", "0000:08:00.0"),
                mode: m.and_then(EswitchMode::from_repr),
                inline_mode: i.and_then(EswitchInlineMode::from_repr),
                encap_mode: c.and_then(EswitchEncapMode::from_repr),
                unknown: vec![],
            });
        }
    }
}
