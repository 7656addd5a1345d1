//! Port split and unsplit (beyond netdevsim; kernel: `devlink_ops.port_split` /
//! `port_unsplit`, as mlxsw and nfp have). Physical ports created with
//! [`crate::DeviceOptions::split_lanes`] above 1 are splittable; the core checks the
//! count (power of two, at most the lanes) before the driver runs.

use devlink_core::{CoreError, Devl, DriverError, Errno, PortAttrs};

use super::NsimDevice;
use super::ports::PortKind;

/// Split ports take indexes `SPLIT_PORT_INDEX_BASE + 16 * port + subport`.
pub const SPLIT_PORT_INDEX_BASE: u32 = 0x1_0000;

fn internal(e: &CoreError) -> DriverError {
    DriverError::new(Errno::EINVAL, format!("netdevsim: {e}"))
}

impl NsimDevice {
    /// `port_split`: PF port `index` (and its netdev) goes; `count` ports with the same
    /// port number, subports 0…count-1 and `lanes / count` lanes each come, with
    /// netdevs.
    pub(super) fn port_split(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
        count: u32,
    ) -> Result<(), DriverError> {
        if self.port_kind(index) != Some(PortKind::Pf) {
            return Err(DriverError::new(Errno::EINVAL, "Port cannot be split"));
        }
        let lanes = self.opts.split_lanes / count.max(1);
        self.port_del(devl, index).map_err(|e| internal(&e))?;
        for sub in 0..count {
            let attrs = PortAttrs {
                lanes,
                split_subport: Some(sub),
                ..PortAttrs::physical(index.wrapping_add(1))
            };
            let at = split_index(index, sub);
            self.port_add(devl, at, attrs, PortKind::Split(index))
                .map_err(|e| internal(&e))?;
        }
        Ok(())
    }

    /// `port_unsplit` of any part of a split port: every part goes (most recent first),
    /// the original port comes back. `-EINVAL` for a port that is not split.
    pub(super) fn port_unsplit(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
    ) -> Result<(), DriverError> {
        let Some(PortKind::Split(orig)) = self.port_kind(index) else {
            return Err(DriverError::new(Errno::EINVAL, "Port was not split"));
        };
        for (p, kind) in self.ports.clone() {
            if kind == PortKind::Split(orig) {
                self.port_del(devl, p).map_err(|e| internal(&e))?;
            }
        }
        self.pf_port_add(devl, orig).map_err(|e| internal(&e))
    }
}

/// The index of subport `sub` of port `index`.
const fn split_index(index: u32, sub: u32) -> u32 {
    SPLIT_PORT_INDEX_BASE
        .wrapping_add(index.wrapping_mul(16))
        .wrapping_add(sub)
}
