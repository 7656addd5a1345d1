//! Errors. The driver-facing API reports programming errors of a driver (the cases where
//! the kernel WARNs or returns an error to the driver) as [`CoreError`], one enum per
//! area; [`Errno`] is the value requests are rejected with.

use devlink_wire::devlink::Handle;

/// A positive errno value; netlink carries it negated in `NLMSG_ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

#[allow(missing_docs)]
impl Errno {
    pub const EPERM: Self = Self(1);
    pub const ENOENT: Self = Self(2);
    pub const EAGAIN: Self = Self(11);
    pub const ENOMEM: Self = Self(12);
    pub const EBUSY: Self = Self(16);
    pub const EEXIST: Self = Self(17);
    pub const ENODEV: Self = Self(19);
    pub const EINVAL: Self = Self(22);
    pub const ENOSPC: Self = Self(28);
    pub const ERANGE: Self = Self(34);
    pub const EMSGSIZE: Self = Self(90);
    pub const EOPNOTSUPP: Self = Self(95);
    pub const EALREADY: Self = Self(114);
    pub const ECANCELED: Self = Self(125);
}

/// What went wrong in a call of the driver-facing API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// The instance id is not (or no longer) allocated.
    #[error("no instance {0}")]
    NoInstance(crate::InstanceId),
    /// The instance's driver is not of the requested type, or is running a callback.
    #[error("the driver of instance {0} is not available as the requested type")]
    DriverUnavailable(crate::InstanceId),
    /// Lifecycle misuse.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// Ports.
    #[error(transparent)]
    Port(#[from] PortError),
    /// Params.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// Traps, trap groups and trap policers.
    #[error(transparent)]
    Trap(#[from] TrapError),
    /// Regions and snapshots.
    #[error(transparent)]
    Region(#[from] RegionError),
    /// Rate objects.
    #[error(transparent)]
    Rate(#[from] RateError),
    /// Line cards.
    #[error(transparent)]
    Linecard(#[from] LinecardError),
    /// Health reporters.
    #[error(transparent)]
    Health(#[from] HealthError),
    /// Nested-instance relations.
    #[error(transparent)]
    Nested(#[from] NestedError),
    /// Shared buffer, resource and dpipe registration.
    #[error(transparent)]
    DevObj(#[from] crate::objects::DevObjError),
}

/// Lifecycle misuse (`devl_register` on a registered instance and the like).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// `register` on an instance that is registered or was unregistered.
    #[error("{0} is not in the allocated state")]
    NotAllocated(Handle),
    /// `unregister` on an instance that is not registered.
    #[error("{0} is not registered")]
    NotRegistered(Handle),
    /// `free` on a registered instance.
    #[error("{0} is still registered")]
    StillRegistered(Handle),
    /// Another registered instance has the same handle.
    #[error("an instance {0} is already registered")]
    HandleInUse(Handle),
}

/// Port errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// `devl_port_register` with an index in use.
    #[error("port {0} already exists")]
    Exists(u32),
    /// No port with that index.
    #[error("port {0} does not exist")]
    NotFound(u32),
}

/// Param errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// A param with that id or name is registered.
    #[error("param {0} already exists")]
    Exists(String),
    /// No param with that name.
    #[error("param {0} does not exist")]
    NotFound(String),
    /// The definition is inconsistent (value type, cmodes).
    #[error("param {name}: {what}")]
    Invalid {
        /// The param.
        name: String,
        /// What is wrong.
        what: &'static str,
    },
}

/// Trap, trap group and trap policer errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrapError {
    /// An object with that name or id is registered.
    #[error("{0} already exists")]
    Exists(String),
    /// No such object.
    #[error("{0} does not exist")]
    NotFound(String),
    /// The object is referenced (a group by traps, a policer by groups).
    #[error("{0} is in use")]
    InUse(String),
}

/// Region errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    /// A region with that name exists (per instance, or per port for port regions).
    #[error("region {0} already exists")]
    Exists(String),
    /// No such region.
    #[error("region {0} does not exist")]
    NotFound(String),
    /// The snapshot id is in use for this region.
    #[error("snapshot {0} already exists")]
    SnapshotExists(u32),
    /// No such snapshot.
    #[error("snapshot {0} does not exist")]
    SnapshotNotFound(u32),
    /// The region has reached its maximum number of snapshots.
    #[error("region {0} has no room for another snapshot")]
    NoSpace(String),
}

/// Rate errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// A rate object with that key exists.
    #[error("rate object {0} already exists")]
    Exists(String),
    /// No such rate object.
    #[error("rate object {0} does not exist")]
    NotFound(String),
    /// The node still has children.
    #[error("rate node {0} has children")]
    HasChildren(String),
}

/// Line card errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinecardError {
    /// A line card with that index exists.
    #[error("line card {0} already exists")]
    Exists(u32),
    /// No such line card.
    #[error("line card {0} does not exist")]
    NotFound(u32),
}

/// Health reporter errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HealthError {
    /// A reporter with that name exists (per instance or per port).
    #[error("health reporter {0} already exists")]
    Exists(String),
    /// No such reporter.
    #[error("health reporter {0} does not exist")]
    NotFound(String),
}

/// Nested-instance relation misuse (the kernel WARNs or returns `-EINVAL` to the driver).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NestedError {
    /// An instance cannot be nested in itself.
    #[error("instance {0} cannot be nested in itself")]
    Itself(crate::InstanceId),
    /// The nested instance must be allocated and not yet registered
    /// (`ASSERT_DEVLINK_NOT_REGISTERED`).
    #[error("instance {0} is not in the allocated state")]
    NotAllocated(crate::InstanceId),
    /// The instance is already nested somewhere (kernel: one `devlink->rel`).
    #[error("instance {0} is already nested")]
    AlreadyNested(crate::InstanceId),
    /// The port or line card already has a nested instance.
    #[error("the object already has a nested instance")]
    ObjectTaken,
    /// `devl_port_fn_devlink_set` on a port that is not a local PCI SF port.
    #[error("port {0} is not a local PCI SF port")]
    NotLocalSf(u32),
}
