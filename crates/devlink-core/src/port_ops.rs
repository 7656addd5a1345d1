//! What the port, rate and e-switch driver callbacks exchange with the core: which ops
//! a driver has (the kernel checks an op's presence before it validates anything, so
//! the core needs to know it up front) and the changes it is asked to make.

use devlink_wire::devlink::PortFunction;
use devlink_wire::spec::{PortFlavour, PortFnState};

/// The port ops a port was registered with (kernel: its `struct devlink_port_ops`).
/// Only the ops whose presence the kernel checks before anything else are listed here;
/// `port_del` and `port_unsplit` are plain [`crate::Driver`] methods whose default
/// answers `-EOPNOTSUPP`, which is what the kernel answers without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PortOps {
    /// `port_type_set`.
    pub type_set: bool,
    /// `port_split`.
    pub split: bool,
    /// `port_fn_hw_addr_set`.
    pub fn_hw_addr_set: bool,
    /// `port_fn_state_set`.
    pub fn_state_set: bool,
    /// `port_fn_max_io_eqs_set`.
    pub fn_max_io_eqs_set: bool,
    /// The capability setters present, as `DEVLINK_PORT_FN_CAP_*` bits (`1 <<
    /// PortFnAttrCap`): `port_fn_roce_set`, `_migratable_set`, `_ipsec_crypto_set`,
    /// `_ipsec_packet_set`.
    pub fn_caps_set: u32,
}

/// One port function change (`PORT_SET` with `PORT_FUNCTION`), applied in the kernel's
/// order: hardware address, capabilities (one bit at a time), max IO EQs, state last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortFnChange {
    /// `port_fn_hw_addr_set`.
    HwAddr(Vec<u8>),
    /// One capability setter: `cap` is a single `DEVLINK_PORT_FN_CAP_*` bit.
    Cap {
        /// The capability bit.
        cap: u32,
        /// Enable or disable it.
        enable: bool,
    },
    /// `port_fn_max_io_eqs_set`.
    MaxIoEqs(u32),
    /// `port_fn_state_set`.
    State(PortFnState),
}

impl PortFnChange {
    /// Record the change in a port function (what a dump shows afterwards).
    pub(crate) fn apply(&self, f: &mut PortFunction) {
        match self {
            Self::HwAddr(a) => f.hw_addr = Some(a.clone()),
            Self::Cap { cap, enable } => {
                let caps = f.caps.get_or_insert_with(Default::default);
                caps.selector |= cap;
                if *enable {
                    caps.value |= cap;
                } else {
                    caps.value &= !cap;
                }
            }
            Self::MaxIoEqs(n) => f.max_io_eqs = Some(*n),
            Self::State(s) => f.state = Some(*s),
        }
    }
}

/// A user `PORT_NEW` (kernel: `struct devlink_port_new_attrs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortNewAttrs {
    /// `PORT_FLAVOUR`.
    pub flavour: PortFlavour,
    /// `PORT_PCI_PF_NUMBER`.
    pub pfnum: u16,
    /// `PORT_INDEX`: the index the user wants.
    pub port_index: Option<u32>,
    /// `PORT_CONTROLLER_NUMBER` (the kernel reads only 16 bits of it).
    pub controller: Option<u16>,
    /// `PORT_PCI_SF_NUMBER`, for flavour `PCI_SF` only.
    pub sfnum: Option<u32>,
}

/// The rate setters of one rate type (kernel: `rate_leaf_*_set` or `rate_node_*_set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateSetOps {
    /// `tx_share_set`.
    pub tx_share: bool,
    /// `tx_max_set`.
    pub tx_max: bool,
    /// `parent_set`.
    pub parent: bool,
    /// `tx_priority_set`.
    pub tx_priority: bool,
    /// `tx_weight_set`.
    pub tx_weight: bool,
    /// `tc_bw_set`.
    pub tc_bw: bool,
}

/// The rate ops a driver has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateOps {
    /// Setters for leaves.
    pub leaf: RateSetOps,
    /// Setters for nodes.
    pub node: RateSetOps,
    /// `rate_node_new` and `rate_node_del` (user-created nodes need both).
    pub node_new_del: bool,
}

impl RateOps {
    /// Every setter for both types and user nodes.
    #[must_use]
    pub const fn all() -> Self {
        let all = RateSetOps {
            tx_share: true,
            tx_max: true,
            parent: true,
            tx_priority: true,
            tx_weight: true,
            tc_bw: true,
        };
        Self {
            leaf: all,
            node: all,
            node_new_del: true,
        }
    }
}

/// One rate setter call, in the kernel's order: tx_share, tx_max, tx_priority,
/// tx_weight, parent, tc bandwidths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateChange {
    /// `*_tx_share_set`.
    TxShare(u64),
    /// `*_tx_max_set`.
    TxMax(u64),
    /// `*_tx_priority_set`.
    TxPriority(u32),
    /// `*_tx_weight_set`.
    TxWeight(u32),
    /// `*_parent_set`: the new parent node, `None` to detach.
    Parent(Option<String>),
    /// `*_tc_bw_set`: the share of each of the eight traffic classes.
    TcBw([u32; 8]),
}

/// Which e-switch setters a driver has (`eswitch_mode_set`, `_inline_mode_set`,
/// `_encap_mode_set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EswitchOps {
    /// `eswitch_mode_set`.
    pub mode_set: bool,
    /// `eswitch_inline_mode_set`.
    pub inline_mode_set: bool,
    /// `eswitch_encap_mode_set`.
    pub encap_mode_set: bool,
}
