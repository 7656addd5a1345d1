//! [`SimError`]: why a control operation (bus, sysfs, debugfs knob) was refused, with the
//! errno the kernel's netdevsim answers in the same case.

use devlink_core::{CoreError, DevObjError, DriverError, Errno};

/// `EACCES`: a debugfs file opened against its mode (reading a write-only knob,
/// writing a read-only one).
pub const EACCES: Errno = Errno(13);

/// What went wrong driving a simulated device. [`SimError::errno`] is the errno the
/// kernel's bus or debugfs write returns in the same case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// `del_device`, a device file or knob of a device that does not exist (`-ENOENT`,
    /// as `del_device_store` answers).
    #[error("no netdevsim device {0}")]
    NoDevice(u32),
    /// `new_device` with an id in use (`ida_alloc_range` fails with `-ENOSPC`).
    #[error("netdevsim device {0} already exists")]
    DeviceExists(u32),
    /// No knob of that name (`-ENOENT`, as for a missing debugfs file).
    #[error("no knob {0:?}")]
    UnknownKnob(String),
    /// A knob read that its debugfs mode forbids (`-EACCES`), e.g. reading
    /// `take_snapshot` or writing nothing into a read-only file.
    #[error("knob {0:?} cannot be {1}")]
    KnobAccess(String, &'static str),
    /// A value that does not parse, or an option that makes no sense; `errno` is what
    /// the kernel's parser answers (`-EINVAL`, `-ERANGE`, `-EIO`).
    #[error("bad value {value:?} for {what}: {why}")]
    BadValue {
        /// The knob or option.
        what: String,
        /// The value given.
        value: String,
        /// Why it is refused.
        why: &'static str,
        /// The errno.
        errno: Errno,
    },
    /// The operation is refused in the device's state (`-EBUSY`, `-ENOMEM`, `-EEXIST`,
    /// `-ENOENT`, …): e.g. changing a non-zero VF count to another non-zero one.
    #[error("{msg} (errno {})", errno.0)]
    Refused {
        /// The errno.
        errno: Errno,
        /// What happened, in words.
        msg: String,
    },
    /// A driver op failed (e.g. a health report whose recovery fails); errno and extack
    /// message as the kernel's op returns them.
    #[error(transparent)]
    Driver(#[from] DriverError),
    /// The core refused a driver-API call (a simulator bug or a misuse such as a
    /// duplicate handle); answered as `-EINVAL`.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The core refused a resource or shared-buffer registration (a simulator bug or
    /// clashing options, e.g. two shared buffers with one index); `-EINVAL`.
    #[error(transparent)]
    DevObj(#[from] DevObjError),
}

impl SimError {
    /// The errno a kernel would answer.
    #[must_use]
    pub const fn errno(&self) -> Errno {
        match self {
            Self::NoDevice(_) | Self::UnknownKnob(_) => Errno::ENOENT,
            Self::DeviceExists(_) => Errno::ENOSPC,
            Self::KnobAccess(..) => EACCES,
            Self::BadValue { errno, .. } | Self::Refused { errno, .. } => *errno,
            Self::Driver(e) => e.errno,
            Self::Core(_) | Self::DevObj(_) => Errno::EINVAL,
        }
    }

    /// A refusal with an errno and a message.
    pub(crate) fn refused(errno: Errno, msg: impl Into<String>) -> Self {
        Self::Refused {
            errno,
            msg: msg.into(),
        }
    }

    /// A value refused with `-EINVAL`.
    pub(crate) fn invalid(what: &str, value: &str, why: &'static str) -> Self {
        Self::BadValue {
            what: what.to_owned(),
            value: value.to_owned(),
            why,
            errno: Errno::EINVAL,
        }
    }
}
