//! The identity of a watched object: its instance, its kind and, within those, the
//! attributes that name it (a port's index, a param's name, …). Read from the object
//! itself, so the daemon, the client's mirror and a snapshot key objects alike.

use std::sync::Arc;

use crate::devlink::{Handle, RateKey, RegionEventKind};
use crate::message::DevlinkBody;

use super::consts::WatchKind;

/// What names an object within its instance and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubKey {
    /// The instance's only object of the kind (the instance, its e-switch, its
    /// resources).
    One,
    /// A port, line card, shared buffer or trap policer: its index or id.
    Index(u32),
    /// A trap or trap group: its name.
    Name(Arc<str>),
    /// A param, region or health reporter: its port (instance-wide: `None`) and name.
    PortName(Option<u32>, Arc<str>),
    /// A snapshot: its region's port and name, and its id.
    Snapshot(Option<u32>, Arc<str>, u32),
    /// A rate leaf or node.
    Rate(RateKey),
    /// A shared buffer pool: buffer, pool.
    SbPool(u32, u16),
    /// A port's pool threshold: port, buffer, pool.
    SbPortPool(u32, u32, u16),
    /// A port's traffic class binding: port, buffer, tc, pool type (0 ingress, 1 egress).
    SbTcBind(u32, u32, u16, u8),
}

/// An object's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The instance.
    pub handle: Handle,
    /// The kind.
    pub kind: WatchKind,
    /// Within the instance and kind.
    pub sub: SubKey,
}

/// A body that cannot be an object of the kind it came with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the object's attributes are not those of a {0:?} object")]
pub struct KeyError(pub WatchKind);

/// The sub-key of `body` as an object of `kind`, and its instance.
pub fn sub_key(kind: WatchKind, body: &DevlinkBody) -> Result<(&Handle, SubKey), KeyError> {
    use DevlinkBody as B;
    use WatchKind as K;
    let name = |s: &str| Arc::<str>::from(s);
    Ok(match (kind, body) {
        (K::Dev, B::Dev(b)) => (&b.handle, SubKey::One),
        (K::Eswitch, B::Eswitch(b)) => (&b.handle, SubKey::One),
        (K::Resources, B::ResourceDump(b)) => (&b.handle, SubKey::One),
        (K::Linecard, B::Linecard(b)) => (&b.handle, SubKey::Index(b.index)),
        (K::Port, B::Port(b)) => (&b.handle, SubKey::Index(b.index)),
        (K::Sb, B::Sb(b)) => (&b.handle, SubKey::Index(b.index)),
        (K::SbPool, B::SbPool(b)) => (&b.handle, SubKey::SbPool(b.sb_index, b.pool_index)),
        (K::SbPortPool, B::SbPortPool(b)) => (
            &b.handle,
            SubKey::SbPortPool(b.port_index, b.sb_index, b.pool_index),
        ),
        (K::SbTcBind, B::SbTcPoolBind(b)) => (
            &b.handle,
            SubKey::SbTcBind(b.port_index, b.sb_index, b.tc_index, b.pool_type as u8),
        ),
        (K::TrapPolicer, B::TrapPolicer(b)) => (&b.handle, SubKey::Index(b.id)),
        (K::TrapGroup, B::TrapGroup(b)) => (&b.handle, SubKey::Name(name(&b.name))),
        (K::Trap, B::Trap(b)) => (&b.handle, SubKey::Name(name(&b.name))),
        (K::Rate, B::Rate(b)) => (&b.handle, SubKey::Rate(b.key.clone())),
        (K::Region, B::RegionEvent(b)) if matches!(b.kind, RegionEventKind::Size(_)) => {
            (&b.handle, SubKey::PortName(b.port_index, name(&b.name)))
        }
        (K::Snapshot, B::RegionEvent(b)) => match b.kind {
            RegionEventKind::Snapshot(id) => {
                (&b.handle, SubKey::Snapshot(b.port_index, name(&b.name), id))
            }
            RegionEventKind::Size(_) => return Err(KeyError(kind)),
        },
        (K::Reporter, B::HealthReporter(b)) => {
            (&b.handle, SubKey::PortName(b.port_index, name(&b.name)))
        }
        (K::Param, B::Param(b)) => (&b.handle, SubKey::PortName(b.port_index, name(&b.name))),
        _ => return Err(KeyError(kind)),
    })
}

/// The identity of `body` as an object of `kind`.
pub fn object_key(kind: WatchKind, body: &DevlinkBody) -> Result<ObjectKey, KeyError> {
    let (handle, sub) = sub_key(kind, body)?;
    Ok(ObjectKey {
        handle: handle.clone(),
        kind,
        sub,
    })
}

impl SubKey {
    /// The port the object belongs to, if any (the `PORT_INDEX` filter).
    #[must_use]
    pub const fn port(&self, kind: WatchKind) -> Option<u32> {
        match (kind, self) {
            (WatchKind::Port, Self::Index(i)) => Some(*i),
            (_, Self::PortName(p, _) | Self::Snapshot(p, _, _)) => *p,
            (_, Self::Rate(RateKey::Leaf(p))) => Some(*p),
            (_, Self::SbPortPool(p, _, _) | Self::SbTcBind(p, _, _, _)) => Some(*p),
            _ => None,
        }
    }
}
