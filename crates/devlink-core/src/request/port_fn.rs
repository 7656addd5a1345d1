//! `PORT_SET` with `PORT_FUNCTION` (kernel: `net/devlink/port.c`,
//! `devlink_port_function_validate`, `devlink_port_function_set`): every attribute's op
//! is checked first, then the setters run in the kernel's order (hardware address,
//! capabilities, max IO EQs, state last) and one `PORT_NEW` follows.
//!
//! Like the kernel, a setter that fails leaves the earlier ones applied. The kernel then
//! sends no `PORT_NEW` although a later dump shows the change (its port fill asks the
//! driver); here the partial change is stored and notified, so that a folded event
//! stream still equals a dump.

use devlink_wire::devlink::PortFunction;
use devlink_wire::spec::{PortFlavour, PortFnAttrCap, PortType};

use super::Rejection;
use crate::port_ops::{PortFnChange, PortOps};
use crate::{Core, Errno, InstanceId};

/// `MAX_ADDR_LEN`.
const MAX_ADDR_LEN: usize = 32;
/// `DEVLINK_PORT_FN_CAPS_VALID_MASK`: the four capability bits.
const CAPS_VALID: u32 = 0xf;

const fn cap(bit: PortFnAttrCap) -> u32 {
    1 << bit as u32
}

/// The per-capability messages of `devlink_port_function_validate`: (bit, no op,
/// VF-only).
const CAP_CHECKS: [(PortFnAttrCap, &str, Option<&str>); 4] = [
    (
        PortFnAttrCap::RoceBit,
        "Port doesn't support RoCE function attribute",
        None,
    ),
    (
        PortFnAttrCap::MigratableBit,
        "Port doesn't support migratable function attribute",
        Some("migratable function attribute supported for VFs only"),
    ),
    (
        PortFnAttrCap::IpsecCryptoBit,
        "Port doesn't support ipsec_crypto function attribute",
        Some("ipsec_crypto function attribute supported for VFs only"),
    ),
    (
        PortFnAttrCap::IpsecPacketBit,
        "Port doesn't support ipsec_packet function attribute",
        Some("ipsec_packet function attribute supported for VFs only"),
    ),
];

impl Core {
    pub(super) fn port_function_set_req(
        &mut self,
        id: InstanceId,
        index: u32,
        req: &PortFunction,
    ) -> Result<(), Rejection> {
        let port = self.port_of(id, index)?;
        let (flavour, port_type) = (port.flavour, port.port_type);
        let mut staged = port.function.clone().unwrap_or_default();
        let ops = self.port_ops(id, index);
        if let Some(c) = req.caps
            && (c.selector & !CAPS_VALID != 0
                || c.value & !CAPS_VALID != 0
                || c.value & !c.selector != 0)
        {
            // The nested policy (NLA_POLICY_BITFIELD32) in front of the handler.
            return Err(Rejection::msg(
                Errno::EINVAL,
                "Attribute failed policy validation",
            ));
        }
        if !req.unknown.is_empty() {
            // `nla_parse_nested` is strict: an attribute type outside the function
            // space (0, or above `DEVLINK_PORT_FUNCTION_ATTR_MAX`) fails the parse. The
            // kernel's offset points inside the nest, which a `Rejection` cannot name.
            return Err(Rejection::msg(
                Errno::EINVAL,
                "Fail to parse port function attributes",
            ));
        }
        validate(req, &ops, flavour)?;
        let changes = changes(req, port_type)?;
        let mut applied = false;
        let mut result = Ok(());
        for change in changes {
            let before = staged.clone();
            change.apply(&mut staged);
            let r = self.call_driver(id, |driver, devl| {
                Ok(driver.port_fn_set(devl, index, &change, &mut staged)?)
            });
            if let Err(e) = r {
                staged = before;
                result = Err(e);
                break;
            }
            applied = true;
        }
        if result.is_ok() || applied {
            let function = (staged != PortFunction::default()).then_some(staged);
            let mut devl = self.devl(id).map_err(|_| Rejection::errno(Errno::ENODEV))?;
            devl.port_function_set(index, function)
                .map_err(|_| Rejection::errno(Errno::ENODEV))?;
        }
        result
    }
}

/// `devlink_port_function_validate`: every requested setter must exist.
fn validate(
    req: &PortFunction,
    ops: &PortOps,
    flavour: Option<PortFlavour>,
) -> Result<(), Rejection> {
    let no = |msg| Err(Rejection::msg(Errno::EOPNOTSUPP, msg));
    if req.hw_addr.is_some() && !ops.fn_hw_addr_set {
        return no("Port doesn't support function attributes");
    }
    if req.state.is_some() && !ops.fn_state_set {
        return no("Function does not support state setting");
    }
    if let Some(caps) = req.caps {
        for (bit, no_op, vf_only) in CAP_CHECKS {
            if caps.selector & cap(bit) == 0 {
                continue;
            }
            if ops.fn_caps_set & cap(bit) == 0 {
                return no(no_op);
            }
            if let Some(msg) = vf_only
                && flavour != Some(PortFlavour::PciVf)
            {
                return no(msg);
            }
        }
    }
    if req.max_io_eqs.is_some() && !ops.fn_max_io_eqs_set {
        return no("Function does not support max_io_eqs setting");
    }
    Ok(())
}

/// The setter calls in the kernel's order; the hardware address is checked first
/// (`devlink_port_function_hw_addr_set`), before any setter runs.
fn changes(req: &PortFunction, port_type: PortType) -> Result<Vec<PortFnChange>, Rejection> {
    let mut out = Vec::new();
    if let Some(addr) = &req.hw_addr {
        if addr.len() > MAX_ADDR_LEN {
            return Err(Rejection::msg(
                Errno::EINVAL,
                "Port function hardware address too long",
            ));
        }
        if port_type == PortType::Eth {
            if addr.len() != 6 {
                return Err(Rejection::msg(
                    Errno::EINVAL,
                    "Address must be 6 bytes for Ethernet device",
                ));
            }
            if addr.first().is_some_and(|b| b & 1 != 0) {
                return Err(Rejection::msg(
                    Errno::EINVAL,
                    "Non-unicast hardware address unsupported",
                ));
            }
        }
        out.push(PortFnChange::HwAddr(addr.clone()));
    }
    if let Some(caps) = req.caps {
        let value = caps.value & caps.selector;
        for (bit, _, _) in CAP_CHECKS {
            if caps.selector & cap(bit) != 0 {
                out.push(PortFnChange::Cap {
                    cap: cap(bit),
                    enable: value & cap(bit) != 0,
                });
            }
        }
    }
    if let Some(n) = req.max_io_eqs {
        out.push(PortFnChange::MaxIoEqs(n));
    }
    if let Some(state) = req.state {
        out.push(PortFnChange::State(state));
    }
    Ok(out)
}
