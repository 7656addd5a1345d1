//! Shared buffer dumps (kernel: `devlink_nl_sb_*_get_dump_one` in `net/devlink/sb.c`):
//! per instance, every buffer in registration order and under it every pool, or every
//! port (ascending index) × pool, or every port × ingress TCs then egress TCs. Resumed by
//! position, as the kernel does. A driver error ends that buffer's part (the kernel
//! skips the rest of a buffer on `EOPNOTSUPP` and ends the whole dump on other errors,
//! which a cursor cannot carry).

use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, SbPoolType};

use super::Reply;
use super::sb::{pool_fill, port_pool_fill, tc_bind_fill};
use crate::driver::DriverError;
use crate::instance::Instance;
use crate::objects::{SbDef, SbPortPoolKey, SbTcKey};

/// Which shared buffer objects a dump lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SbDump {
    Sb,
    Pool,
    PortPool,
    TcBind,
}

impl SbDump {
    /// Objects per port (or per buffer for the instance-level kinds).
    fn per_port(self, sb: &SbDef) -> u64 {
        match self {
            Self::Sb => 1,
            Self::Pool | Self::PortPool => u64::from(sb.pool_count()),
            Self::TcBind => u64::from(sb.ingress_tcs) + u64::from(sb.egress_tcs),
        }
    }

    fn len(self, sb: &SbDef, ports: usize) -> u64 {
        match self {
            Self::Sb | Self::Pool => self.per_port(sb),
            Self::PortPool | Self::TcBind => self.per_port(sb).saturating_mul(ports as u64),
        }
    }

    /// The `k`th object of buffer `sb`.
    fn fill(
        self,
        inst: &Instance,
        sb: &SbDef,
        ports: &[u32],
        k: u64,
    ) -> Result<Reply, DriverError> {
        let per = self.per_port(sb).max(1);
        let port = usize::try_from(k / per)
            .ok()
            .and_then(|i| ports.get(i))
            .copied()
            .unwrap_or(0);
        let j = u16::try_from(k % per).unwrap_or(u16::MAX);
        Ok(match self {
            Self::Sb => Reply {
                cmd: Cmd::SbNew,
                body: DevlinkBody::from(sb.fill(&inst.handle)),
            },
            Self::Pool => Reply {
                cmd: Cmd::SbPoolNew,
                body: DevlinkBody::from(pool_fill(inst, sb, j)?),
            },
            Self::PortPool => {
                let key = SbPortPoolKey {
                    port,
                    sb: sb.index,
                    pool: j,
                };
                Reply {
                    cmd: Cmd::SbPortPoolNew,
                    body: DevlinkBody::from(port_pool_fill(inst, key)?),
                }
            }
            Self::TcBind => {
                let (pool_type, tc) = if j < sb.ingress_tcs {
                    (SbPoolType::Ingress, j)
                } else {
                    (SbPoolType::Egress, j - sb.ingress_tcs)
                };
                let key = SbTcKey {
                    port,
                    sb: sb.index,
                    tc,
                    pool_type,
                };
                Reply {
                    cmd: Cmd::SbTcPoolBindNew,
                    body: DevlinkBody::from(tc_bind_fill(inst, key)?),
                }
            }
        })
    }
}

/// Every shared buffer object of `kind` of one instance, in dump order, or the first
/// driver error (the watch state renders objects with this; a failed read leaves them
/// as they were).
pub(crate) fn sb_objects(inst: &Instance, kind: SbDump) -> Result<Vec<Reply>, DriverError> {
    if inst.objects.sbs.is_empty() {
        return Ok(Vec::new());
    }
    let ports: Vec<u32> = match kind {
        SbDump::PortPool | SbDump::TcBind => inst.objects.ports.keys().copied().collect(),
        SbDump::Sb | SbDump::Pool => Vec::new(),
    };
    let mut out = Vec::new();
    for sb in &inst.objects.sbs {
        for k in 0..kind.len(sb, ports.len()) {
            out.push(kind.fill(inst, sb, &ports, k)?);
        }
    }
    Ok(out)
}

/// Offer one instance's shared buffer objects from position `from` on; the position of
/// the first one refused.
pub(crate) fn dump_sb(
    inst: &Instance,
    kind: SbDump,
    from: u64,
    emit: &mut dyn FnMut(Reply) -> bool,
) -> Option<u64> {
    let ports: Vec<u32> = match kind {
        SbDump::PortPool | SbDump::TcBind => inst.objects.ports.keys().copied().collect(),
        SbDump::Sb | SbDump::Pool => Vec::new(),
    };
    let mut start = 0u64;
    for sb in &inst.objects.sbs {
        let end = start.saturating_add(kind.len(sb, ports.len()));
        for pos in from.max(start)..end {
            let Ok(reply) = kind.fill(inst, sb, &ports, pos - start) else {
                break;
            };
            if !emit(reply) {
                return Some(pos);
            }
        }
        start = end;
    }
    None
}
