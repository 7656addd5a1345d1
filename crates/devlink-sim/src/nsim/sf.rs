//! PCI SF ports added by the user (beyond netdevsim; kernel: `devlink_ops.port_new` /
//! `port_del` and the port function ops, as mlx5 has), enabled by
//! [`crate::DeviceOptions::sf`]. An SF port has a function with a hardware address and
//! a state; activating it attaches it.

use devlink_core::{Devl, DriverError, Errno, PortAttrs, PortFnChange, PortNewAttrs};
use devlink_wire::devlink::PortFunction;
use devlink_wire::spec::{PortFlavour, PortFnOpstate, PortFnState};

use super::NsimDevice;
use super::ports::PortKind;

/// SF ports take indexes `SF_PORT_INDEX_BASE + sfnum` unless the user names one.
pub const SF_PORT_INDEX_BASE: u32 = 0x8000;

impl NsimDevice {
    /// `port_new`: PCI SF flavour on PF 0 of the local controller only; SF number and
    /// index as asked or the next free. The port starts inactive (detached) with a
    /// zero hardware address, then gets its netdev.
    pub(super) fn sf_port_new(
        &mut self,
        devl: &mut Devl<'_>,
        attrs: &PortNewAttrs,
    ) -> Result<u32, DriverError> {
        if !self.opts.sf || attrs.flavour != PortFlavour::PciSf {
            return Err(DriverError::new(
                Errno::EOPNOTSUPP,
                "netdevsim: Driver supports only SF port addition",
            ));
        }
        if attrs.pfnum != 0 || attrs.controller.is_some_and(|c| c != 0) {
            return Err(DriverError::new(
                Errno::EINVAL,
                "netdevsim: Invalid PF number",
            ));
        }
        let sfnum = attrs.sfnum.unwrap_or(self.next_sfnum);
        let index = attrs
            .port_index
            .unwrap_or_else(|| SF_PORT_INDEX_BASE.wrapping_add(sfnum));
        if self.port_kind(index).is_some() {
            return Err(DriverError::new(
                Errno::EEXIST,
                "netdevsim: Port index in use",
            ));
        }
        let function = PortFunction {
            hw_addr: Some(vec![0; 6]),
            state: Some(PortFnState::Inactive),
            opstate: Some(PortFnOpstate::Detached),
            ..PortFunction::default()
        };
        let port = PortAttrs {
            flavour: PortFlavour::PciSf,
            number: None,
            controller: Some(0),
            pci_pf: Some(0),
            pci_sf: Some(sfnum),
            external: Some(false),
            function: Some(function),
            ..PortAttrs::physical(0)
        };
        self.port_add(devl, index, port, PortKind::Sf)
            .map_err(|e| DriverError::new(Errno::EINVAL, format!("netdevsim: {e}")))?;
        self.next_sfnum = self.next_sfnum.max(sfnum.wrapping_add(1));
        Ok(index)
    }

    /// `port_del`: only the SF ports the user added (`-EOPNOTSUPP` for the others, which
    /// have no `port_del` op).
    pub(super) fn sf_port_del(
        &mut self,
        devl: &mut Devl<'_>,
        index: u32,
    ) -> Result<(), DriverError> {
        if self.port_kind(index) != Some(PortKind::Sf) {
            return Err(DriverError::not_supported());
        }
        self.port_del(devl, index)
            .map_err(|e| DriverError::new(Errno::EINVAL, format!("netdevsim: {e}")))
    }

    /// `port_fn_hw_addr_set` (a unicast 6-byte address) and `port_fn_state_set` (the
    /// opstate follows: active attaches, inactive detaches).
    pub(super) fn sf_fn_set(
        change: &PortFnChange,
        function: &mut PortFunction,
    ) -> Result<(), DriverError> {
        match change {
            PortFnChange::HwAddr(a) => {
                if a.len() != 6 || a.first().is_some_and(|b| b & 1 != 0) {
                    return Err(DriverError::new(
                        Errno::EINVAL,
                        "netdevsim: Invalid hardware address",
                    ));
                }
                Ok(())
            }
            PortFnChange::State(s) => {
                function.opstate = Some(match s {
                    PortFnState::Active => PortFnOpstate::Attached,
                    PortFnState::Inactive => PortFnOpstate::Detached,
                });
                Ok(())
            }
            PortFnChange::Cap { .. } | PortFnChange::MaxIoEqs(_) => {
                Err(DriverError::not_supported())
            }
        }
    }
}
