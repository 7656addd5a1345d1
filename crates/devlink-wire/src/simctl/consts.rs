//! The numbers of the `devlinkd_sim` family: commands and attributes (`docs/transport.md`,
//! "Families"). The daemon's own family, not the kernel's: the numbers are ours, fixed
//! here and in the document.

use crate::spec::{AttrKind, AttrSpec, Space};

/// The family name clients resolve with `CTRL_CMD_GETFAMILY`.
pub const SIM_GENL_NAME: &str = "devlinkd_sim";
/// The family version (`CTRL_ATTR_VERSION`, and `genlmsghdr.version` of every message).
pub const SIM_GENL_VERSION: u8 = 1;

/// `DEVLINKD_SIM_CMD_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum SimCmd {
    /// `DEVLINKD_SIM_CMD_GET`: one device (do, `ID`) or every device (dump); open to all.
    Get = 1,
    /// `DEVLINKD_SIM_CMD_DEVICE`: a device with its knobs (reply to `GET` and
    /// `NEW_DEVICE`).
    Device = 2,
    /// `DEVLINKD_SIM_CMD_NEW_DEVICE`: `/sys/bus/netdevsim/new_device`.
    NewDevice = 3,
    /// `DEVLINKD_SIM_CMD_DEL_DEVICE`: `/sys/bus/netdevsim/del_device`.
    DelDevice = 4,
    /// `DEVLINKD_SIM_CMD_NEW_PORT`: the device's sysfs `new_port`.
    NewPort = 5,
    /// `DEVLINKD_SIM_CMD_DEL_PORT`: the device's sysfs `del_port`.
    DelPort = 6,
    /// `DEVLINKD_SIM_CMD_SRIOV_NUMVFS`: the device's sysfs `sriov_numvfs` write.
    SriovNumvfs = 7,
    /// `DEVLINKD_SIM_CMD_SET_KNOB`: write a debugfs knob.
    SetKnob = 8,
}

impl SimCmd {
    /// Every command, in number order.
    pub const ALL: [Self; 8] = [
        Self::Get,
        Self::Device,
        Self::NewDevice,
        Self::DelDevice,
        Self::NewPort,
        Self::DelPort,
        Self::SriovNumvfs,
        Self::SetKnob,
    ];

    /// The command numbered `v`.
    #[must_use]
    pub fn from_repr(v: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| *c as u8 == v)
    }
}

/// `DEVLINKD_SIM_ATTR_*`: one attribute space for the whole family (the `KNOB` nest
/// holds attributes of the same space, as most devlink nests do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum SimAttr {
    /// `DEVLINKD_SIM_ATTR_UNSPEC`.
    Unspec = 0,
    /// `DEVLINKD_SIM_ATTR_ID` (u32): the bus device id (`netdevsim<ID>`).
    Id = 1,
    /// `DEVLINKD_SIM_ATTR_PORTS` (u32): physical ports at probe (`PORT_COUNT`).
    Ports = 2,
    /// `DEVLINKD_SIM_ATTR_REGISTER` (u8): 0 registers last (6.1), 1 first (mainline).
    Register = 3,
    /// `DEVLINKD_SIM_ATTR_HANDLE` (string): the devlink handle `bus/name`.
    Handle = 4,
    /// `DEVLINKD_SIM_ATTR_ESWITCH` (u8): `DEVLINK_ESWITCH_MODE_*` to start in (0 legacy,
    /// 1 switchdev).
    Eswitch = 5,
    /// `DEVLINKD_SIM_ATTR_VFS` (u32): the VF count (`sriov_numvfs`).
    Vfs = 6,
    /// `DEVLINKD_SIM_ATTR_PORT_INDEX` (u32): a PF port index (`new_port` / `del_port`).
    PortIndex = 7,
    /// `DEVLINKD_SIM_ATTR_KNOB` (nest, multi): one knob of a device.
    Knob = 8,
    /// `DEVLINKD_SIM_ATTR_KNOB_NAME` (string): the debugfs path, e.g.
    /// `health/break_health`.
    KnobName = 9,
    /// `DEVLINKD_SIM_ATTR_KNOB_VALUE` (string): the text written or read.
    KnobValue = 10,
    /// `DEVLINKD_SIM_ATTR_KNOB_WRITE_ONLY` (flag): the knob cannot be read (mode 0200).
    KnobWriteOnly = 11,
}

impl SimAttr {
    /// Every attribute, in number order.
    pub const ALL: [Self; 12] = [
        Self::Unspec,
        Self::Id,
        Self::Ports,
        Self::Register,
        Self::Handle,
        Self::Eswitch,
        Self::Vfs,
        Self::PortIndex,
        Self::Knob,
        Self::KnobName,
        Self::KnobValue,
        Self::KnobWriteOnly,
    ];

    /// The attribute numbered `v`.
    #[must_use]
    pub fn from_repr(v: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|a| *a as u16 == v)
    }

    /// Name, wire type and nesting.
    #[must_use]
    pub const fn spec(self) -> AttrSpec {
        let (kernel_name, kind) = match self {
            Self::Unspec => ("DEVLINKD_SIM_ATTR_UNSPEC", AttrKind::Unspec),
            Self::Id => ("DEVLINKD_SIM_ATTR_ID", AttrKind::U32),
            Self::Ports => ("DEVLINKD_SIM_ATTR_PORTS", AttrKind::U32),
            Self::Register => ("DEVLINKD_SIM_ATTR_REGISTER", AttrKind::U8),
            Self::Handle => ("DEVLINKD_SIM_ATTR_HANDLE", AttrKind::String),
            Self::Eswitch => ("DEVLINKD_SIM_ATTR_ESWITCH", AttrKind::U8),
            Self::Vfs => ("DEVLINKD_SIM_ATTR_VFS", AttrKind::U32),
            Self::PortIndex => ("DEVLINKD_SIM_ATTR_PORT_INDEX", AttrKind::U32),
            Self::Knob => ("DEVLINKD_SIM_ATTR_KNOB", AttrKind::Nest(Space::Simctl)),
            Self::KnobName => ("DEVLINKD_SIM_ATTR_KNOB_NAME", AttrKind::String),
            Self::KnobValue => ("DEVLINKD_SIM_ATTR_KNOB_VALUE", AttrKind::String),
            Self::KnobWriteOnly => ("DEVLINKD_SIM_ATTR_KNOB_WRITE_ONLY", AttrKind::Flag),
        };
        AttrSpec {
            kernel_name,
            kind,
            nested_flag: matches!(self, Self::Knob),
            multi: matches!(self, Self::Knob),
        }
    }
}

/// [`crate::spec::attr_spec`] for [`Space::Simctl`].
#[must_use]
pub fn attr_spec(kind: u16) -> Option<AttrSpec> {
    SimAttr::from_repr(kind).map(SimAttr::spec)
}
