//! The hand-written vocabulary the generated tables are expressed in.

/// How an attribute's payload is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrKind {
    /// Type 0 of a space where 0 is not a real attribute.
    Unspec,
    /// `DEVLINK_ATTR_PAD`: zero-length alignment filler; never emitted, ignored on input.
    Pad,
    /// `NLA_U8`.
    U8,
    /// `NLA_U16`.
    U16,
    /// `NLA_U32`.
    U32,
    /// `NLA_U64`.
    U64,
    /// `NLA_S32`.
    S32,
    /// `NLA_S64`.
    S64,
    /// `NLA_UINT`: 4 bytes if the value fits, else 8.
    Uint,
    /// `NLA_NUL_STRING` / `NLA_STRING`: text, always NUL-terminated in kernel output.
    String,
    /// `NLA_BINARY`: raw bytes.
    Binary,
    /// `NLA_FLAG`: no payload, presence means true.
    Flag,
    /// `NLA_BITFIELD32`: `{u32 value, u32 selector}`.
    Bitfield32,
    /// `NLA_NESTED`: the payload is an attribute stream of the given space.
    Nest(Space),
    /// Width and type given by a sibling attribute (`PARAM_TYPE`, `FMSG_OBJ_VALUE_TYPE`).
    Dynamic,
}

/// An attribute space (which enum the types of a nested stream come from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// `enum devlink_attr`: the top-level space, also used inside most devlink nests.
    Devlink,
    /// `enum devlink_attr_stats` (inside `DEVLINK_ATTR_STATS`).
    Stats,
    /// `enum devlink_attr_trap_metadata`... (`DEVLINK_ATTR_TRAP_METADATA_TYPE_*`).
    TrapMetadata,
    /// `enum devlink_port_function_attr` (inside `DEVLINK_ATTR_PORT_FUNCTION`).
    PortFunction,
    /// `enum devlink_rate_tc_attr` (inside `DEVLINK_ATTR_RATE_TC_BWS`).
    RateTcBw,
    /// `enum devlink_attr_selftest_id` (inside `DEVLINK_ATTR_SELFTESTS` of requests and
    /// of `SELFTESTS_GET` replies).
    SelftestId,
    /// `enum devlink_attr_selftest_result` (inside `DEVLINK_ATTR_SELFTESTS` of
    /// `SELFTESTS_RUN` replies).
    SelftestResult,
    /// `CTRL_ATTR_*`: the controller's top-level space.
    Ctrl,
    /// `CTRL_ATTR_OP_*`: one entry of `CTRL_ATTR_OPS`.
    CtrlOp,
    /// `CTRL_ATTR_MCAST_GRP_*`: one entry of `CTRL_ATTR_MCAST_GROUPS`.
    CtrlMcastGrp,
    /// `CTRL_ATTR_POLICY_*`: the do/dump policy indexes of `CTRL_ATTR_OP_POLICY`.
    CtrlOpPolicy,
    /// `NL_POLICY_TYPE_ATTR_*`: one attribute's policy description.
    NlPolicyType,
    /// `DEVLINKD_SIM_ATTR_*`: the daemon's simulator-control family (hand-written,
    /// [`crate::simctl`]).
    Simctl,
    /// `DEVLINKD_WATCH_ATTR_*`: the daemon's list+watch family (hand-written,
    /// [`crate::watch`]).
    Watch,
}

/// What the tables know about one attribute type of one space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttrSpec {
    /// The kernel's name, e.g. `DEVLINK_ATTR_PORT_SPLIT_COUNT`.
    pub kernel_name: &'static str,
    /// Payload encoding.
    pub kind: AttrKind,
    /// For nests: the kernel opens it with `nla_nest_start` (sets `NLA_F_NESTED`) rather
    /// than `nla_nest_start_noflag`.
    pub nested_flag: bool,
    /// May appear several times in one stream; order is significant.
    pub multi: bool,
}

/// A kernel enum with its numbers and names, for printing and strict decoding.
pub trait KernelEnum: Copy + Sized + 'static {
    /// The integer type it travels as.
    type Repr: Copy;
    /// The kernel's name of the enum, e.g. `devlink_port_flavour`.
    const KERNEL_ENUM: &'static str;
    /// Every variant, in value order.
    const ALL: &'static [Self];
    /// The variant with this value.
    fn from_repr(v: Self::Repr) -> Option<Self>;
    /// Its value.
    fn repr(self) -> Self::Repr;
    /// The kernel's name, e.g. `DEVLINK_PORT_FLAVOUR_PHYSICAL`.
    fn kernel_name(self) -> &'static str;
}
