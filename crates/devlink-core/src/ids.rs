//! Typed ids.

/// An instance's index in the core's table: the counterpart of the kernel's `devlinks`
/// xarray index. Allocated in increasing order and never reused by one [`crate::Core`],
/// so unfiltered dumps walk instances in allocation order, as the kernel does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub(crate) u32);

impl InstanceId {
    /// The numeric index.
    #[must_use]
    pub const fn index(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for InstanceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}
