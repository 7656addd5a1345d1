//! The watched form of an instance's objects: what a `GET` of each shows, without what
//! changes on its own between two revisions (drop counters, occupancies), which a
//! revisioned state cannot carry. Rendered from the core's state at a commit and compared
//! with what was published.

use std::sync::Arc;

use devlink_wire::devlink::{Eswitch, Resource, ResourceDump, SbPortPool, SbTcPoolBind};
use devlink_wire::message::DevlinkBody;
use devlink_wire::watch::{SubKey, WatchKind, sub_key};

use crate::instance::Instance;
use crate::objects::region_event;
use crate::request::{SbDump, sb_objects};

/// Objects of one kind, by sub-key, in sub-key order.
pub(crate) type Rendered = Vec<(SubKey, DevlinkBody)>;

/// Every kind but ports (rendered one by one: they come by the million).
pub(crate) const OTHER_KINDS: [WatchKind; 16] = [
    WatchKind::Dev,
    WatchKind::Eswitch,
    WatchKind::Resources,
    WatchKind::Linecard,
    WatchKind::Sb,
    WatchKind::SbPool,
    WatchKind::SbPortPool,
    WatchKind::SbTcBind,
    WatchKind::TrapPolicer,
    WatchKind::TrapGroup,
    WatchKind::Trap,
    WatchKind::Rate,
    WatchKind::Region,
    WatchKind::Snapshot,
    WatchKind::Reporter,
    WatchKind::Param,
];

/// Port `index` as watched.
pub(crate) fn port(inst: &Instance, index: u32) -> Option<DevlinkBody> {
    inst.objects
        .ports
        .get(&index)
        .map(|p| DevlinkBody::Port(Arc::clone(p)))
}

/// The instance's objects of `kind` (not ports); `None` if a driver read failed or the
/// driver is busy (they are left as they were published).
pub(crate) fn kind(inst: &Instance, kind: WatchKind) -> Option<Rendered> {
    let o = &inst.objects;
    let bodies: Vec<DevlinkBody> = match kind {
        WatchKind::Dev => vec![DevlinkBody::from(inst.fill())],
        WatchKind::Eswitch => eswitch(inst)?.into_iter().collect(),
        WatchKind::Resources => resources(inst).into_iter().collect(),
        WatchKind::Linecard => o.linecards.iter().cloned().map(Into::into).collect(),
        WatchKind::Port => o
            .ports
            .values()
            .map(|p| DevlinkBody::Port(Arc::clone(p)))
            .collect(),
        WatchKind::Sb => sb(inst, SbDump::Sb)?,
        WatchKind::SbPool => sb(inst, SbDump::Pool)?,
        WatchKind::SbPortPool => sb(inst, SbDump::PortPool)?,
        WatchKind::SbTcBind => sb(inst, SbDump::TcBind)?,
        WatchKind::TrapPolicer => o.policers.iter().cloned().map(Into::into).collect(),
        WatchKind::TrapGroup => o.groups.iter().cloned().map(Into::into).collect(),
        WatchKind::Trap => o.traps.iter().cloned().map(Into::into).collect(),
        WatchKind::Rate => o.rates.iter().cloned().map(Into::into).collect(),
        WatchKind::Region => o
            .regions
            .iter()
            .map(|r| DevlinkBody::from(region_event(&r.region, None)))
            .collect(),
        WatchKind::Snapshot => o
            .regions
            .iter()
            .flat_map(|r| {
                r.data
                    .keys()
                    .map(|&id| DevlinkBody::from(region_event(&r.region, Some(id))))
            })
            .collect(),
        WatchKind::Reporter => o
            .reporters
            .iter()
            .map(|r| DevlinkBody::from(r.reporter.clone()))
            .collect(),
        WatchKind::Param => o
            .params
            .values()
            .map(|p| DevlinkBody::from(p.param.clone()))
            .collect(),
    };
    let mut keyed: Rendered = bodies
        .into_iter()
        .filter_map(|b| Some((sub_key(kind, &b).ok()?.1, b)))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Some(keyed)
}

/// `ESWITCH_GET` as the driver answers it; nothing if it has no getter.
fn eswitch(inst: &Instance) -> Option<Option<DevlinkBody>> {
    let d = inst.driver.as_ref()?;
    let mode = d.eswitch_mode_get().transpose().ok()?;
    let inline_mode = d.eswitch_inline_mode_get().transpose().ok()?;
    let encap_mode = d.eswitch_encap_mode_get().transpose().ok()?;
    if mode.is_none() && inline_mode.is_none() && encap_mode.is_none() {
        return Some(None);
    }
    Some(Some(DevlinkBody::from(Eswitch {
        handle: inst.handle.clone(),
        mode,
        inline_mode,
        encap_mode,
        unknown: Vec::new(),
    })))
}

/// The resource tree without occupancies; nothing without resources.
fn resources(inst: &Instance) -> Option<DevlinkBody> {
    fn strip(mut r: Resource) -> Resource {
        r.occ = None;
        r.children = r.children.into_iter().map(strip).collect();
        r
    }
    let list = &inst.objects.resources;
    (!list.is_empty()).then(|| {
        DevlinkBody::from(ResourceDump {
            handle: inst.handle.clone(),
            resources: list.iter().map(|r| strip(r.fill(&|_| 0))).collect(),
            unknown: Vec::new(),
        })
    })
}

/// Shared buffer objects without occupancies.
fn sb(inst: &Instance, kind: SbDump) -> Option<Vec<DevlinkBody>> {
    inst.driver.as_ref()?;
    let replies = sb_objects(inst, kind).ok()?;
    Some(
        replies
            .into_iter()
            .map(|r| match r.body {
                DevlinkBody::SbPortPool(p) if p.occ.is_some() => DevlinkBody::from(SbPortPool {
                    occ: None,
                    ..(*p).clone()
                }),
                DevlinkBody::SbTcPoolBind(t) if t.occ.is_some() => {
                    DevlinkBody::from(SbTcPoolBind {
                        occ: None,
                        ..(*t).clone()
                    })
                }
                other => other,
            })
            .collect(),
    )
}
