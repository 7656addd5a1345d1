//! What to generate: every Rust item of `spec/generated.rs`, which kernel enum it mirrors
//! and where its facts are read. Rust names here are API other code depends on; kernel
//! enum tags and member prefixes are the kernel's own (upstream `include/uapi/linux/`).

/// Which source file a kernel enum lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum File {
    /// `linux/devlink.h`.
    Devlink,
    /// `linux/genetlink.h`.
    Genetlink,
    /// `linux/netlink.h`.
    Netlink,
}

/// Which YNL spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// `devlink.yaml`.
    Devlink,
    /// `nlctrl.yaml`.
    Nlctrl,
}

/// How to find a kernel enum in a header.
#[derive(Debug, Clone, Copy)]
pub(super) enum CRef {
    /// `enum <tag> { ... }`. The tag is also the enum's name in `KERNEL_ENUM`, even when
    /// the installed header predates it.
    Named(File, &'static str),
    /// `enum { ... }` containing this member.
    Anonymous(File, &'static str),
}

impl CRef {
    /// Header file.
    pub(super) const fn file(self) -> File {
        match self {
            Self::Named(f, _) | Self::Anonymous(f, _) => f,
        }
    }
}

/// One generated enum.
#[derive(Debug, Clone, Copy)]
pub(super) struct EnumCfg {
    /// Rust type name.
    pub(super) rust: &'static str,
    /// `#[repr]` type.
    pub(super) repr: &'static str,
    /// The kernel enum.
    pub(super) c: CRef,
    /// Must the installed header have it?
    pub(super) need_header: bool,
    /// Where the YNL spec lists it: a `definitions` enum, an attribute set, or the
    /// operation list (`""`).
    pub(super) ynl: Option<(Family, &'static str)>,
    /// Member-name prefixes stripped to form variant names (first match wins); the first is
    /// also prepended to YNL entry names to form kernel names of enum values.
    pub(super) prefixes: &'static [&'static str],
    /// Variant names that do not follow the prefix rule: `(kernel name, variant)`.
    pub(super) renames: &'static [(&'static str, &'static str)],
}

/// An attribute space: an enum plus a wire spec per member.
#[derive(Debug, Clone, Copy)]
pub(super) struct SpaceCfg {
    /// The `Space` variant.
    pub(super) space: &'static str,
    /// The enum.
    pub(super) e: EnumCfg,
}

const fn e(
    rust: &'static str,
    repr: &'static str,
    c: CRef,
    ynl: Option<(Family, &'static str)>,
    prefixes: &'static [&'static str],
) -> EnumCfg {
    EnumCfg {
        rust,
        repr,
        c,
        need_header: true,
        ynl,
        prefixes,
        renames: &[],
    }
}

/// A value enum only newer headers have.
const fn newer(mut cfg: EnumCfg) -> EnumCfg {
    cfg.need_header = false;
    cfg
}

use CRef::{Anonymous, Named};
use Family::{Devlink as DL, Nlctrl as NC};
use File::{Devlink as DH, Genetlink as GH, Netlink as NH};

/// `enum devlink_command`.
pub(super) const CMD: EnumCfg = e(
    "Cmd",
    "u8",
    Named(DH, "devlink_command"),
    Some((DL, "")),
    &["DEVLINK_CMD_"],
);

/// The devlink attribute spaces, in output order. `Devlink` must be first.
pub(super) const DEVLINK_SPACES: &[SpaceCfg] = &[
    SpaceCfg {
        space: "Devlink",
        e: e(
            "Attr",
            "u16",
            Named(DH, "devlink_attr"),
            Some((DL, "devlink")),
            &["DEVLINK_ATTR_"],
        ),
    },
    SpaceCfg {
        space: "Stats",
        e: e(
            "StatsAttr",
            "u16",
            Anonymous(DH, "DEVLINK_ATTR_STATS_RX_PACKETS"),
            Some((DL, "dl-attr-stats")),
            &["DEVLINK_ATTR_STATS_"],
        ),
    },
    SpaceCfg {
        space: "TrapMetadata",
        e: e(
            "TrapMetadataAttr",
            "u16",
            Anonymous(DH, "DEVLINK_ATTR_TRAP_METADATA_TYPE_IN_PORT"),
            Some((DL, "dl-trap-metadata")),
            &["DEVLINK_ATTR_TRAP_METADATA_TYPE_"],
        ),
    },
    SpaceCfg {
        space: "PortFunction",
        e: e(
            "PortFnAttr",
            "u16",
            Named(DH, "devlink_port_function_attr"),
            Some((DL, "dl-port-function")),
            &["DEVLINK_PORT_FUNCTION_ATTR_", "DEVLINK_PORT_FN_ATTR_"],
        ),
    },
    SpaceCfg {
        space: "RateTcBw",
        e: newer(e(
            "RateTcAttr",
            "u16",
            Named(DH, "devlink_rate_tc_attr"),
            Some((DL, "dl-rate-tc-bws")),
            &["DEVLINK_RATE_TC_ATTR_"],
        )),
    },
    SpaceCfg {
        space: "SelftestId",
        e: e(
            "SelftestIdAttr",
            "u16",
            Named(DH, "devlink_attr_selftest_id"),
            Some((DL, "dl-selftest-id")),
            &["DEVLINK_ATTR_SELFTEST_ID_"],
        ),
    },
    SpaceCfg {
        space: "SelftestResult",
        e: EnumCfg {
            renames: &[("DEVLINK_ATTR_SELFTEST_RESULT_UNSPEC", "Unspec")],
            ..e(
                "SelftestResultAttr",
                "u16",
                Named(DH, "devlink_attr_selftest_result"),
                None,
                &["DEVLINK_ATTR_SELFTEST_"],
            )
        },
    },
];

/// The devlink value enums, in output order.
pub(super) const DEVLINK_ENUMS: &[EnumCfg] = &[
    e(
        "PortType",
        "u16",
        Named(DH, "devlink_port_type"),
        Some((DL, "port-type")),
        &["DEVLINK_PORT_TYPE_"],
    ),
    e(
        "SbPoolType",
        "u8",
        Named(DH, "devlink_sb_pool_type"),
        Some((DL, "sb-pool-type")),
        &["DEVLINK_SB_POOL_TYPE_"],
    ),
    e(
        "SbThresholdType",
        "u8",
        Named(DH, "devlink_sb_threshold_type"),
        Some((DL, "sb-threshold-type")),
        &["DEVLINK_SB_THRESHOLD_TYPE_"],
    ),
    e(
        "EswitchMode",
        "u16",
        Named(DH, "devlink_eswitch_mode"),
        Some((DL, "eswitch-mode")),
        &["DEVLINK_ESWITCH_MODE_"],
    ),
    e(
        "EswitchInlineMode",
        "u8",
        Named(DH, "devlink_eswitch_inline_mode"),
        Some((DL, "eswitch-inline-mode")),
        &["DEVLINK_ESWITCH_INLINE_MODE_"],
    ),
    e(
        "EswitchEncapMode",
        "u8",
        Named(DH, "devlink_eswitch_encap_mode"),
        Some((DL, "eswitch-encap-mode")),
        &["DEVLINK_ESWITCH_ENCAP_MODE_"],
    ),
    e(
        "PortFlavour",
        "u16",
        Named(DH, "devlink_port_flavour"),
        Some((DL, "port-flavour")),
        &["DEVLINK_PORT_FLAVOUR_"],
    ),
    e(
        "RateType",
        "u16",
        Named(DH, "devlink_rate_type"),
        Some((DL, "rate-type")),
        &["DEVLINK_RATE_TYPE_"],
    ),
    e(
        "ParamCmode",
        "u8",
        Named(DH, "devlink_param_cmode"),
        Some((DL, "param-cmode")),
        &["DEVLINK_PARAM_CMODE_"],
    ),
    e(
        "ParamFwLoadPolicy",
        "u8",
        Named(DH, "devlink_param_fw_load_policy_value"),
        None,
        &["DEVLINK_PARAM_FW_LOAD_POLICY_VALUE_"],
    ),
    e(
        "ParamResetDevOnDrvProbe",
        "u8",
        Named(DH, "devlink_param_reset_dev_on_drv_probe_value"),
        None,
        &["DEVLINK_PARAM_RESET_DEV_ON_DRV_PROBE_VALUE_"],
    ),
    newer(e(
        "VarAttrType",
        "u8",
        Named(DH, "devlink_var_attr_type"),
        Some((DL, "var-attr-type")),
        &["DEVLINK_VAR_ATTR_TYPE_"],
    )),
    e(
        "SelftestStatus",
        "u8",
        Named(DH, "devlink_selftest_status"),
        None,
        &["DEVLINK_SELFTEST_STATUS_"],
    ),
    e(
        "TrapAction",
        "u8",
        Named(DH, "devlink_trap_action"),
        Some((DL, "trap-action")),
        &["DEVLINK_TRAP_ACTION_"],
    ),
    e(
        "TrapType",
        "u8",
        Named(DH, "devlink_trap_type"),
        Some((DL, "trap-type")),
        &["DEVLINK_TRAP_TYPE_"],
    ),
    e(
        "ReloadAction",
        "u8",
        Named(DH, "devlink_reload_action"),
        Some((DL, "reload-action")),
        &["DEVLINK_RELOAD_ACTION_"],
    ),
    e(
        "ReloadLimit",
        "u8",
        Named(DH, "devlink_reload_limit"),
        None,
        &["DEVLINK_RELOAD_LIMIT_"],
    ),
    e(
        "LinecardState",
        "u8",
        Named(DH, "devlink_linecard_state"),
        None,
        &["DEVLINK_LINECARD_STATE_"],
    ),
    e(
        "DpipeFieldMappingType",
        "u32",
        Named(DH, "devlink_dpipe_field_mapping_type"),
        Some((DL, "dpipe-field-mapping-type")),
        &["DEVLINK_DPIPE_FIELD_MAPPING_TYPE_"],
    ),
    e(
        "DpipeMatchType",
        "u32",
        Named(DH, "devlink_dpipe_match_type"),
        Some((DL, "dpipe-match-type")),
        &["DEVLINK_DPIPE_MATCH_TYPE_"],
    ),
    e(
        "DpipeActionType",
        "u32",
        Named(DH, "devlink_dpipe_action_type"),
        Some((DL, "dpipe-action-type")),
        &["DEVLINK_DPIPE_ACTION_TYPE_"],
    ),
    e(
        "DpipeHeaderId",
        "u32",
        Named(DH, "devlink_dpipe_header_id"),
        Some((DL, "dpipe-header-id")),
        &["DEVLINK_DPIPE_HEADER_"],
    ),
    e(
        "ResourceUnit",
        "u8",
        Named(DH, "devlink_resource_unit"),
        Some((DL, "resource-unit")),
        &["DEVLINK_RESOURCE_UNIT_"],
    ),
    e(
        "PortFnState",
        "u8",
        Named(DH, "devlink_port_fn_state"),
        Some((DL, "port-fn-state")),
        &["DEVLINK_PORT_FN_STATE_"],
    ),
    e(
        "PortFnOpstate",
        "u8",
        Named(DH, "devlink_port_fn_opstate"),
        Some((DL, "port-fn-opstate")),
        &["DEVLINK_PORT_FN_OPSTATE_"],
    ),
    newer(e(
        "PortFnAttrCap",
        "u32",
        Named(DH, "devlink_port_fn_attr_cap"),
        Some((DL, "port-fn-attr-cap")),
        &["DEVLINK_PORT_FN_ATTR_CAP_"],
    )),
    e(
        "FlashOverwrite",
        "u32",
        Anonymous(DH, "DEVLINK_FLASH_OVERWRITE_SETTINGS_BIT"),
        Some((DL, "flash-overwrite")),
        &["DEVLINK_FLASH_OVERWRITE_"],
    ),
];

/// The controller's commands.
pub(super) const CTRL_CMD: EnumCfg = e(
    "CtrlCmd",
    "u8",
    Anonymous(GH, "CTRL_CMD_GETFAMILY"),
    Some((NC, "")),
    &["CTRL_CMD_"],
);

/// The controller's attribute spaces, in output order.
pub(super) const CTRL_SPACES: &[SpaceCfg] = &[
    SpaceCfg {
        space: "Ctrl",
        e: e(
            "CtrlAttr",
            "u16",
            Anonymous(GH, "CTRL_ATTR_FAMILY_ID"),
            Some((NC, "ctrl-attrs")),
            &["CTRL_ATTR_"],
        ),
    },
    SpaceCfg {
        space: "CtrlOp",
        e: e(
            "CtrlAttrOp",
            "u16",
            Anonymous(GH, "CTRL_ATTR_OP_ID"),
            Some((NC, "op-attrs")),
            &["CTRL_ATTR_OP_"],
        ),
    },
    SpaceCfg {
        space: "CtrlMcastGrp",
        e: e(
            "CtrlAttrMcastGrp",
            "u16",
            Anonymous(GH, "CTRL_ATTR_MCAST_GRP_NAME"),
            Some((NC, "mcast-group-attrs")),
            &["CTRL_ATTR_MCAST_GRP_"],
        ),
    },
    SpaceCfg {
        space: "CtrlOpPolicy",
        e: e(
            "CtrlAttrPolicy",
            "u16",
            Anonymous(GH, "CTRL_ATTR_POLICY_DO"),
            Some((NC, "op-policy-attrs")),
            &["CTRL_ATTR_POLICY_"],
        ),
    },
    SpaceCfg {
        space: "NlPolicyType",
        e: e(
            "NlPolicyTypeAttr",
            "u16",
            Named(NH, "netlink_policy_type_attr"),
            Some((NC, "policy-attrs")),
            &["NL_POLICY_TYPE_ATTR_"],
        ),
    },
];

/// `enum netlink_attribute_type` (the `NL_POLICY_TYPE_ATTR_TYPE` values).
pub(super) const NL_ATTR_TYPE: EnumCfg = e(
    "NlAttrType",
    "u32",
    Named(NH, "netlink_attribute_type"),
    Some((NC, "attr-type")),
    &["NL_ATTR_TYPE_"],
);

/// `GENL_*` operation flags (`CTRL_ATTR_OP_FLAGS` bits) to emit as `u32` constants, with
/// the `op-flags` entry of `nlctrl.yaml` each must agree with.
pub(super) const GENL_FLAGS: &[(&str, &str)] = &[
    ("GENL_ADMIN_PERM", "admin-perm"),
    ("GENL_CMD_CAP_DO", "cmd-cap-do"),
    ("GENL_CMD_CAP_DUMP", "cmd-cap-dump"),
    ("GENL_CMD_CAP_HASPOL", "cmd-cap-haspol"),
    ("GENL_UNS_ADMIN_PERM", "uns-admin-perm"),
];
