//! The device handle that opens every devlink message: `BUS_NAME`, `DEV_NAME`.

use std::sync::Arc;

use crate::nl::{Emitter, RawAttr};
use crate::spec::Attr;

use super::body::{AttrError, AttrExt};

/// A devlink instance handle, e.g. `pci/0000:03:00.0` or `netdevsim/netdevsim10`.
///
/// The halves are shared strings: every object of an instance carries its handle, and
/// every notification and dump message copies one, so a clone is two reference-count
/// increments rather than two allocations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Handle {
    /// `DEVLINK_ATTR_BUS_NAME`, e.g. `pci`.
    pub bus: Arc<str>,
    /// `DEVLINK_ATTR_DEV_NAME`, e.g. `0000:03:00.0`.
    pub dev: Arc<str>,
}

impl Handle {
    /// A handle from its two halves.
    #[must_use]
    pub fn new(bus: impl AsRef<str>, dev: impl AsRef<str>) -> Self {
        Self {
            bus: Arc::from(bus.as_ref()),
            dev: Arc::from(dev.as_ref()),
        }
    }

    /// Emit `BUS_NAME`, `DEV_NAME`.
    pub fn encode(&self, e: &mut Emitter<'_>) {
        e.str(Attr::BusName as u16, &self.bus);
        e.str(Attr::DevName as u16, &self.dev);
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.bus, self.dev)
    }
}

/// Collects `BUS_NAME` / `DEV_NAME` while a body decoder walks its attributes.
#[derive(Debug, Default)]
pub struct HandleParts {
    bus: Option<String>,
    dev: Option<String>,
}

impl HandleParts {
    /// Take `a` if it is half of the handle; returns whether it was.
    pub fn take(&mut self, a: &RawAttr<'_>) -> Result<bool, AttrError> {
        match Attr::from_repr(a.kind()) {
            Some(Attr::BusName) => self.bus = Some(a.get_str()?),
            Some(Attr::DevName) => self.dev = Some(a.get_str()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The handle, or which half is missing.
    pub fn finish(self) -> Result<Handle, AttrError> {
        match (self.bus, self.dev) {
            (Some(bus), Some(dev)) => Ok(Handle::new(bus, dev)),
            (None, _) => Err(AttrError::missing_attr(Attr::BusName)),
            (Some(_), None) => Err(AttrError::missing_attr(Attr::DevName)),
        }
    }

    /// The handle if both halves came, `None` if neither did (dump filters), else which
    /// half is missing (the kernel needs both).
    pub fn finish_optional(self) -> Result<Option<Handle>, AttrError> {
        match (&self.bus, &self.dev) {
            (None, None) => Ok(None),
            _ => self.finish().map(Some),
        }
    }
}
