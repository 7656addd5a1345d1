//! Info, flash and selftests (kernel: `nsim_dev_info_get`, `nsim_dev_flash_update` in
//! `drivers/net/netdevsim/dev.c`; selftests are beyond netdevsim), and the flash pacing
//! the daemon may honour.
//!
//! # Flash pacing
//! netdevsim sleeps `NSIM_DEV_FLASH_CHUNK_TIME_MS` (10 ms) after each of its 500
//! "Flashing" progress messages, so a flash takes about 5 s and its ~504 status
//! messages trickle out. The simulator runs inside the sans-IO core, which cannot
//! sleep: [`devlink_core::Driver::flash_update`] queues the whole stream at once,
//! between the core's `FLASH_UPDATE` and `FLASH_UPDATE_END`, in the kernel's order and
//! with the kernel's contents. The timing is a delivery concern of whoever drains the
//! queue: [`FlashPacing`] (from [`crate::DeviceOptions::flash_chunk_ms`], 0 by default,
//! i.e. no pacing) tells the daemon how long to hold back each notification
//! ([`FlashPacing::delay_before`]) and the request's reply
//! ([`FlashPacing::request_time`]). Pacing changes when messages are delivered, never
//! what or in which order.

use std::time::Duration;

use devlink_core::{Devl, DriverError, Errno, FlashParams, InfoReq, VersionType};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::Cmd;

use super::NsimDevice;

/// `NSIM_DEV_FLASH_SIZE`: the `total` of the progress messages.
pub const NSIM_DEV_FLASH_SIZE: u64 = 500_000;
/// `NSIM_DEV_FLASH_CHUNK_SIZE`: how far `done` advances per progress message.
pub const NSIM_DEV_FLASH_CHUNK_SIZE: u64 = 1000;
/// `NSIM_DEV_FLASH_CHUNK_TIME_MS`: the kernel's pause after each progress message.
pub const NSIM_DEV_FLASH_CHUNK_TIME_MS: u32 = 10;
/// The timeout of the "Flash select" notice, in seconds.
const FLASH_SELECT_TIMEOUT: u64 = 81;

/// How a daemon paces a device's flash status stream (see the module docs). The
/// default paces nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlashPacing {
    /// The pause after each "Flashing" progress message (the kernel's is 10 ms).
    pub chunk: Duration,
}

impl FlashPacing {
    /// Pacing of `chunk_ms` per chunk.
    #[must_use]
    pub fn from_millis(chunk_ms: u32) -> Self {
        Self {
            chunk: Duration::from_millis(u64::from(chunk_ms)),
        }
    }

    /// How long to wait before delivering this notification: one chunk before each
    /// "Flashing" message past the first (the kernel sleeps after each of its 500
    /// loop messages, so before `done` = 1000 … 500000), nothing before anything else.
    #[must_use]
    pub fn delay_before(&self, cmd: Cmd, body: &DevlinkBody) -> Duration {
        let DevlinkBody::FlashStatus(s) = body else {
            return Duration::ZERO;
        };
        let progress = s.progress.as_ref().map_or(0, |p| p.done);
        if cmd == Cmd::FlashUpdateStatus && s.msg.as_deref() == Some("Flashing") && progress > 0 {
            self.chunk
        } else {
            Duration::ZERO
        }
    }

    /// How long the whole flash takes (500 chunks, whether or not status messages are
    /// sent): the earliest the reply to `FLASH_UPDATE` may go after the request.
    #[must_use]
    pub fn request_time(&self) -> Duration {
        self.chunk.saturating_mul(
            u32::try_from(NSIM_DEV_FLASH_SIZE / NSIM_DEV_FLASH_CHUNK_SIZE).unwrap_or(0),
        )
    }
}

impl NsimDevice {
    /// The pacing of [`crate::DeviceOptions::flash_chunk_ms`].
    pub(crate) fn flash_pacing(&self) -> FlashPacing {
        FlashPacing::from_millis(self.opts.flash_chunk_ms)
    }

    /// `nsim_dev_info_get`: `fw.mgmt` 10.20.30, stored then running, component type
    /// (the driver name `netdevsim` comes from [`devlink_core::Driver::driver_name`]).
    pub(super) fn info(req: &mut InfoReq) {
        req.version_stored_put("fw.mgmt", "10.20.30", VersionType::Component);
        req.version_running_put("fw.mgmt", "10.20.30", VersionType::Component);
    }

    /// `nsim_dev_flash_update`: `-EOPNOTSUPP` for overwrite bits the
    /// `fw_update_overwrite_mask` knob does not allow; then, if the `fw_update_status`
    /// knob is on, "Preparing to flash", 500 "Flashing" messages (`done` 0, 1000, …,
    /// 499000 of 500000), "Flashing" 500000/500000, the "Flash select" timeout notice
    /// (81 s) and "Flashing done", all with the request's component.
    pub(super) fn flash(
        &self,
        devl: &mut Devl<'_>,
        params: &FlashParams,
    ) -> Result<(), DriverError> {
        if params.overwrite_mask & !self.knobs.fw_update_overwrite_mask != 0 {
            return Err(DriverError::new(Errno::EOPNOTSUPP, ""));
        }
        if !self.knobs.fw_update_status {
            return Ok(());
        }
        let component = params.component.as_deref();
        devl.flash_update_status("Preparing to flash", component, 0, 0);
        let chunks = NSIM_DEV_FLASH_SIZE / NSIM_DEV_FLASH_CHUNK_SIZE;
        for i in 0..chunks {
            let done = i * NSIM_DEV_FLASH_CHUNK_SIZE;
            devl.flash_update_status("Flashing", component, done, NSIM_DEV_FLASH_SIZE);
        }
        devl.flash_update_status(
            "Flashing",
            component,
            NSIM_DEV_FLASH_SIZE,
            NSIM_DEV_FLASH_SIZE,
        );
        devl.flash_update_timeout("Flash select", component, FLASH_SELECT_TIMEOUT);
        devl.flash_update_status("Flashing done", component, 0, 0);
        Ok(())
    }
}
