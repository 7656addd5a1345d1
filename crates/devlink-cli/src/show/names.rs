//! iproute2 devlink's value-to-name tables (`port_type_name`, `port_flavour_map`,
//! `param_cmode_name`, …): the words it prints for kernel enum values.

use devlink_wire::devlink::HealthState;
use devlink_wire::spec::{
    EswitchEncapMode, EswitchInlineMode, EswitchMode, LinecardState, ParamCmode, PortFlavour,
    PortFnOpstate, PortFnState, PortType, ReloadAction, ReloadLimit, ResourceUnit, SbPoolType,
    SbThresholdType, TrapAction, TrapType,
};

/// `port_type_name`.
pub(crate) const fn port_type(t: PortType) -> &'static str {
    match t {
        PortType::Notset => "notset",
        PortType::Auto => "auto",
        PortType::Eth => "eth",
        PortType::Ib => "ib",
    }
}

/// `port_flavour_name` over `port_flavour_map` (which has no entry for `UNUSED`).
pub(crate) const fn port_flavour(f: PortFlavour) -> &'static str {
    match f {
        PortFlavour::Physical => "physical",
        PortFlavour::Cpu => "cpu",
        PortFlavour::Dsa => "dsa",
        PortFlavour::PciPf => "pcipf",
        PortFlavour::PciVf => "pcivf",
        PortFlavour::Virtual => "virtual",
        PortFlavour::PciSf => "pcisf",
        PortFlavour::Unused => "<unknown flavour>",
    }
}

/// `port_fn_state` over `port_fn_state_map`.
pub(crate) const fn port_fn_state(s: PortFnState) -> &'static str {
    match s {
        PortFnState::Inactive => "inactive",
        PortFnState::Active => "active",
    }
}

/// `port_fn_opstate` over `port_fn_opstate_map`.
pub(crate) const fn port_fn_opstate(s: PortFnOpstate) -> &'static str {
    match s {
        PortFnOpstate::Detached => "detached",
        PortFnOpstate::Attached => "attached",
    }
}

/// `param_cmode_name`.
pub(crate) const fn param_cmode(c: ParamCmode) -> &'static str {
    match c {
        ParamCmode::Runtime => "runtime",
        ParamCmode::Driverinit => "driverinit",
        ParamCmode::Permanent => "permanent",
    }
}

/// `reload_action_name`.
pub(crate) const fn reload_action(a: ReloadAction) -> &'static str {
    match a {
        ReloadAction::DriverReinit => "driver_reinit",
        ReloadAction::FwActivate => "fw_activate",
        ReloadAction::Unspec => "<unknown reload action>",
    }
}

/// `reload_limit_name` (its fallback says "action", as in devlink.c).
pub(crate) const fn reload_limit(l: ReloadLimit) -> &'static str {
    match l {
        ReloadLimit::Unspec => "unspecified",
        ReloadLimit::NoReset => "no_reset",
    }
}

/// `eswitch_mode_name` (6.1 knows no `switchdev_inactive`).
pub(crate) const fn eswitch_mode(m: EswitchMode) -> &'static str {
    match m {
        EswitchMode::Legacy => "legacy",
        EswitchMode::Switchdev => "switchdev",
        EswitchMode::SwitchdevInactive => "<unknown mode>",
    }
}

/// `eswitch_inline_mode_name`.
pub(crate) const fn eswitch_inline_mode(m: EswitchInlineMode) -> &'static str {
    match m {
        EswitchInlineMode::None => "none",
        EswitchInlineMode::Link => "link",
        EswitchInlineMode::Network => "network",
        EswitchInlineMode::Transport => "transport",
    }
}

/// `eswitch_encap_mode_name`.
pub(crate) const fn eswitch_encap_mode(m: EswitchEncapMode) -> &'static str {
    match m {
        EswitchEncapMode::None => "none",
        EswitchEncapMode::Basic => "basic",
    }
}

/// `health_state_name`.
pub(crate) const fn health_state(s: HealthState) -> &'static str {
    match s {
        HealthState::Healthy => "healthy",
        HealthState::Error => "error",
    }
}

/// `trap_type_name`.
pub(crate) const fn trap_type(t: TrapType) -> &'static str {
    match t {
        TrapType::Drop => "drop",
        TrapType::Exception => "exception",
        TrapType::Control => "control",
    }
}

/// `trap_action_name`.
pub(crate) const fn trap_action(a: TrapAction) -> &'static str {
    match a {
        TrapAction::Drop => "drop",
        TrapAction::Trap => "trap",
        TrapAction::Mirror => "mirror",
    }
}

/// `linecard_state_name`.
pub(crate) const fn linecard_state(s: LinecardState) -> &'static str {
    match s {
        LinecardState::Unprovisioned => "unprovisioned",
        LinecardState::Unprovisioning => "unprovisioning",
        LinecardState::Provisioning => "provisioning",
        LinecardState::ProvisioningFailed => "provisioning_failed",
        LinecardState::Provisioned => "provisioned",
        LinecardState::Active => "active",
        LinecardState::Unspec => "<unknown state>",
    }
}

/// `resource_unit_str_get`.
pub(crate) const fn resource_unit(u: ResourceUnit) -> &'static str {
    match u {
        ResourceUnit::Entry => "entry",
    }
}

/// `pool_type_name`.
pub(crate) const fn sb_pool_type(t: SbPoolType) -> &'static str {
    match t {
        SbPoolType::Ingress => "ingress",
        SbPoolType::Egress => "egress",
    }
}

/// `threshold_type_name`.
pub(crate) const fn sb_threshold_type(t: SbThresholdType) -> &'static str {
    match t {
        SbThresholdType::Static => "static",
        SbThresholdType::Dynamic => "dynamic",
    }
}
