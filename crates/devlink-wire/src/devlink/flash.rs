//! Firmware flashing: the `DEVLINK_CMD_FLASH_UPDATE` request and the flash notifications
//! (`FLASH_UPDATE` "begin", `FLASH_UPDATE_STATUS`, `FLASH_UPDATE_END`). Kernel:
//! `net/devlink/dev.c` (`devlink_nl_flash_update_doit`, `devlink_nl_flash_update_fill`).

use crate::nl::{AttrIter, Emitter};
use crate::spec::Attr;

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown, required};
use super::handle::Handle;
use super::notify::{Bitfield32, get, put, put_opt, request, walk};

/// Progress numbers of a `FLASH_UPDATE_STATUS` notification. The kernel always sends all
/// three (zero when unused): `devlink_flash_update_status_notify` fills done/total,
/// `devlink_flash_update_timeout_notify` fills the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlashProgress {
    /// `DEVLINK_ATTR_FLASH_UPDATE_STATUS_DONE` (u64).
    pub done: u64,
    /// `DEVLINK_ATTR_FLASH_UPDATE_STATUS_TOTAL` (u64).
    pub total: u64,
    /// `DEVLINK_ATTR_FLASH_UPDATE_STATUS_TIMEOUT` (u64, seconds).
    pub timeout: u64,
}

/// A flash notification. The genl command tells which: `FLASH_UPDATE` (begin) and
/// `FLASH_UPDATE_END` carry only the handle; `FLASH_UPDATE_STATUS` adds the optional
/// message and component and always the three progress numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashStatus {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_FLASH_UPDATE_STATUS_MSG`, e.g. "Flashing".
    pub msg: Option<String>,
    /// `DEVLINK_ATTR_FLASH_UPDATE_COMPONENT`.
    pub component: Option<String>,
    /// `STATUS_DONE`, `STATUS_TOTAL`, `STATUS_TIMEOUT`: present (all three) exactly in
    /// status notifications.
    pub progress: Option<FlashProgress>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl FlashStatus {
    /// The begin/end shape: the handle only.
    #[must_use]
    pub const fn bare(handle: Handle) -> Self {
        Self {
            handle,
            msg: None,
            component: None,
            progress: None,
            unknown: Vec::new(),
        }
    }
}

impl Body for FlashStatus {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let (mut msg, mut component) = (None, None);
        let (mut done, mut total, mut timeout) = (None, None, None);
        let (h, unknown) = walk(attrs, |k, a| {
            match k {
                Attr::FlashUpdateStatusMsg => msg = Some(get(a)?),
                Attr::FlashUpdateComponent => component = Some(get(a)?),
                Attr::FlashUpdateStatusDone => done = Some(get(a)?),
                Attr::FlashUpdateStatusTotal => total = Some(get(a)?),
                Attr::FlashUpdateStatusTimeout => timeout = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        let handle = h.finish()?;
        let progress = if done.is_some() || total.is_some() || timeout.is_some() {
            Some(FlashProgress {
                done: required(done, Attr::FlashUpdateStatusDone)?,
                total: required(total, Attr::FlashUpdateStatusTotal)?,
                timeout: required(timeout, Attr::FlashUpdateStatusTimeout)?,
            })
        } else {
            None
        };
        Ok(Self {
            handle,
            msg,
            component,
            progress,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        put_opt(e, Attr::FlashUpdateStatusMsg, &self.msg);
        put_opt(e, Attr::FlashUpdateComponent, &self.component);
        if let Some(p) = &self.progress {
            put(e, Attr::FlashUpdateStatusDone, &p.done);
            put(e, Attr::FlashUpdateStatusTotal, &p.total);
            put(e, Attr::FlashUpdateStatusTimeout, &p.timeout);
        }
        encode_unknown(&self.unknown, e);
    }
}

request!(
    /// The `DEVLINK_CMD_FLASH_UPDATE` request, attributes in iproute2's order.
    ///
    /// `FLASH_UPDATE_FILE_NAME` is checked with `GENL_REQ_ATTR_CHECK` (EINVAL +
    /// missing-type), but only after the EOPNOTSUPP check for devices without
    /// `flash_update`.
    FlashUpdateReq, do_only {
        /// `DEVLINK_ATTR_FLASH_UPDATE_FILE_NAME`: firmware file, relative to the firmware
        /// search path.
        file_name: req String = FlashUpdateFileName,
        /// `DEVLINK_ATTR_FLASH_UPDATE_COMPONENT`: must name a version of type component.
        component: opt String = FlashUpdateComponent,
        /// `DEVLINK_ATTR_FLASH_UPDATE_OVERWRITE_MASK` (bitfield32; policy allows bits
        /// 0–1, `SETTINGS` and `IDENTIFIERS`).
        overwrite_mask: opt Bitfield32 = FlashUpdateOverwriteMask,
    }
);

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    #[test]
    fn begin_and_end_are_the_handle() {
        let s: FlashStatus = roundtrip(&hex(NSIM14));
        assert_eq!(
            s,
            FlashStatus::bare(Handle::new("netdevsim", "netdevsim14"))
        );
    }

    #[test]
    fn status_in_kernel_order() {
        // netdevsim: "Flashing" [fw.mgmt] 1/10, timeout 0.
        let body = hex(&format!(
            "{NSIM14}
             0d007c00466c617368696e6700000000
             0c007b0066772e6d676d7400
             0c007d000100000000000000
             0c007e000a00000000000000
             0c0097000000000000000000"
        ));
        let s: FlashStatus = roundtrip(&body);
        assert_eq!(s.msg.as_deref(), Some("Flashing"));
        assert_eq!(s.component.as_deref(), Some("fw.mgmt"));
        let p = FlashProgress {
            done: 1,
            total: 10,
            timeout: 0,
        };
        assert_eq!(s.progress, Some(p));
    }

    #[test]
    fn status_numbers_come_together() {
        // DONE without TOTAL / TIMEOUT.
        let body = hex(&format!("{NSIM14} 0c007d000100000000000000"));
        let err = decode::<FlashStatus>(&body, false).unwrap_err();
        assert_eq!(err.attr, Attr::FlashUpdateStatusTotal as u16);
        assert_eq!(err.kind, AttrErrorKind::Missing);
        // DONE as a u32.
        let body = hex(&format!("{NSIM14} 08007d0001000000"));
        let err = decode::<FlashStatus>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::FlashUpdateStatusDone as u16, Some(52))
        );
    }

    #[test]
    fn request_from_iproute2() {
        // devlink dev flash netdevsim/netdevsim14 file fw.bin component fw.mgmt overwrite settings
        let body = hex(&format!(
            "{NSIM14} 0b007a0066772e62696e0000 0c007b0066772e6d676d7400 0c009800 01000000 03000000"
        ));
        let r: FlashUpdateReq = roundtrip(&body);
        assert_eq!(r.file_name, "fw.bin");
        let mask = Bitfield32 {
            value: 1,
            selector: 3,
        };
        assert_eq!(r.overwrite_mask, Some(mask));
        // Without the file name.
        let err = decode::<FlashUpdateReq>(&hex(NSIM14), false).unwrap_err();
        assert_eq!(err.attr, Attr::FlashUpdateFileName as u16);
        assert_eq!(err.kind, AttrErrorKind::Missing);
        // A mask of the wrong width.
        let body = hex(&format!(
            "{NSIM14} 0b007a0066772e62696e0000 08009800 01000000"
        ));
        let err = decode::<FlashUpdateReq>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::FlashUpdateOverwriteMask as u16, Some(64))
        );
    }

    #[test]
    fn unknown_kept() {
        let body = hex(&format!("{NSIM14} 0b007a0066772e62696e0000 0400ff01"));
        let r: FlashUpdateReq = roundtrip(&body);
        assert_eq!(r.unknown.len(), 1);
    }

    proptest! {
        #[test]
        fn status_identity(
            msg in proptest::option::of("[A-Za-z ]{1,20}"),
            component in proptest::option::of("[a-z.]{1,10}"),
            progress in proptest::option::of(any::<(u64, u64, u64)>()),
        ) {
            identity(&FlashStatus {
                handle: Handle::new("pci", "0000:01:00.0"),
                msg,
                component,
                progress: progress.map(|(done, total, timeout)| FlashProgress { done, total, timeout }),
                unknown: vec![],
            });
        }
    }
}
