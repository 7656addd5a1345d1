//! The device object (`DEVLINK_CMD_NEW` / `DEL` replies and notifications) and the
//! `DEVLINK_CMD_GET` request. Kernel: `net/devlink/dev.c` (`devlink_nl_fill`,
//! `devlink_reload_stats_put`, `devlink_nl_nested_fill`).

use crate::nl::{AttrIter, Emitter};
use crate::spec::{Attr, ReloadAction, ReloadLimit, Space};

use super::body::{AttrError, AttrExt, Body, DecodeCtx, UnknownAttr, each, encode_unknown};
use super::handle::{Handle, HandleParts};

/// A devlink instance as the kernel describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dev {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// `DEVLINK_ATTR_RELOAD_FAILED` (u8 0/1); always sent by the kernel.
    pub reload_failed: Option<bool>,
    /// `DEVLINK_ATTR_DEV_STATS`; always sent by the kernel.
    pub stats: Option<DevStats>,
    /// `DEVLINK_ATTR_NESTED_DEVLINK`, one per nested instance.
    pub nested: Vec<NestedHandle>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

/// `DEVLINK_ATTR_DEV_STATS`: local and remote reload statistics.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DevStats {
    /// `DEVLINK_ATTR_RELOAD_STATS`: reloads this instance performed.
    pub reload: Vec<ReloadActionInfo>,
    /// `DEVLINK_ATTR_REMOTE_RELOAD_STATS`: reloads caused by another instance.
    pub remote_reload: Vec<ReloadActionInfo>,
}

/// `DEVLINK_ATTR_RELOAD_ACTION_INFO`: the counters of one reload action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadActionInfo {
    /// `DEVLINK_ATTR_RELOAD_ACTION`.
    pub action: ReloadAction,
    /// `DEVLINK_ATTR_RELOAD_ACTION_STATS` → `DEVLINK_ATTR_RELOAD_STATS_ENTRY`s.
    pub entries: Vec<ReloadStatsEntry>,
}

/// `DEVLINK_ATTR_RELOAD_STATS_ENTRY`: how often the action ran with one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReloadStatsEntry {
    /// `DEVLINK_ATTR_RELOAD_STATS_LIMIT`.
    pub limit: ReloadLimit,
    /// `DEVLINK_ATTR_RELOAD_STATS_VALUE`.
    pub value: u32,
}

/// A handle of a related instance (`DEVLINK_ATTR_NESTED_DEVLINK`, port function
/// `DEVLINK`): `BUS_NAME`, `DEV_NAME`, and `NETNS_ID` (s32) when in another namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NestedHandle {
    /// The instance.
    pub handle: Handle,
    /// `DEVLINK_ATTR_NETNS_ID`, written as s32.
    pub netns_id: Option<i32>,
}

impl NestedHandle {
    /// Decode the payload of a nested-handle nest.
    pub fn decode(attrs: AttrIter<'_>) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let mut netns_id = None;
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            if Attr::from_repr(a.kind()) == Some(Attr::NetnsId) {
                netns_id = Some(a.s32().map_err(|e| AttrError::bad(Space::Devlink, &a, e))?);
            }
        }
        Ok(Self {
            handle: h.finish()?,
            netns_id,
        })
    }

    /// Emit the nest's payload.
    pub fn encode_inner(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        if let Some(id) = self.netns_id {
            e.s32(Attr::NetnsId as u16, id);
        }
    }
}

fn decode_reload_stats(attrs: AttrIter<'_>) -> Result<Vec<ReloadActionInfo>, AttrError> {
    let mut out = Vec::new();
    for a in each(attrs, Space::Devlink) {
        let a = a?;
        if Attr::from_repr(a.kind()) != Some(Attr::ReloadActionInfo) {
            continue;
        }
        let mut action = None;
        let mut entries = Vec::new();
        for b in each(a.nested(), Space::Devlink) {
            let b = b?;
            match Attr::from_repr(b.kind()) {
                Some(Attr::ReloadAction) => action = Some(b.get_enum_u8::<ReloadAction>()?),
                Some(Attr::ReloadActionStats) => {
                    for c in each(b.nested(), Space::Devlink) {
                        let c = c?;
                        if Attr::from_repr(c.kind()) != Some(Attr::ReloadStatsEntry) {
                            continue;
                        }
                        let (mut limit, mut value) = (None, None);
                        for d in each(c.nested(), Space::Devlink) {
                            let d = d?;
                            match Attr::from_repr(d.kind()) {
                                Some(Attr::ReloadStatsLimit) => {
                                    limit = Some(d.get_enum_u8::<ReloadLimit>()?);
                                }
                                Some(Attr::ReloadStatsValue) => value = Some(d.get_u32()?),
                                _ => {}
                            }
                        }
                        let missing = |at: Attr| {
                            AttrError::missing(Space::Devlink, at as u16, Some(c.offset()))
                        };
                        entries.push(ReloadStatsEntry {
                            limit: limit.ok_or_else(|| missing(Attr::ReloadStatsLimit))?,
                            value: value.ok_or_else(|| missing(Attr::ReloadStatsValue))?,
                        });
                    }
                }
                _ => {}
            }
        }
        out.push(ReloadActionInfo {
            action: action.ok_or(AttrError::missing(
                Space::Devlink,
                Attr::ReloadAction as u16,
                Some(a.offset()),
            ))?,
            entries,
        });
    }
    Ok(out)
}

fn encode_reload_stats(kind: Attr, infos: &[ReloadActionInfo], e: &mut Emitter<'_>) {
    let n = e.nest(kind as u16, true);
    for info in infos {
        let i = e.nest(Attr::ReloadActionInfo as u16, true);
        e.u8(Attr::ReloadAction as u16, info.action as u8);
        let s = e.nest(Attr::ReloadActionStats as u16, true);
        for entry in &info.entries {
            let en = e.nest(Attr::ReloadStatsEntry as u16, true);
            e.u8(Attr::ReloadStatsLimit as u16, entry.limit as u8);
            e.u32(Attr::ReloadStatsValue as u16, entry.value);
            e.end(en);
        }
        e.end(s);
        e.end(i);
    }
    e.end(n);
}

impl Body for Dev {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let mut dev = Self::default();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if h.take(&a)? {
                continue;
            }
            match Attr::from_repr(a.kind()) {
                Some(Attr::ReloadFailed) => dev.reload_failed = Some(a.get_u8()? != 0),
                Some(Attr::DevStats) => {
                    let mut stats = DevStats::default();
                    for b in each(a.nested(), Space::Devlink) {
                        let b = b?;
                        match Attr::from_repr(b.kind()) {
                            Some(Attr::ReloadStats) => {
                                stats.reload = decode_reload_stats(b.nested())?
                            }
                            Some(Attr::RemoteReloadStats) => {
                                stats.remote_reload = decode_reload_stats(b.nested())?;
                            }
                            _ => {}
                        }
                    }
                    dev.stats = Some(stats);
                }
                Some(Attr::NestedDevlink) => dev.nested.push(NestedHandle::decode(a.nested())?),
                _ => dev.unknown.push(UnknownAttr::from_raw(&a)),
            }
        }
        dev.handle = h.finish()?;
        Ok(dev)
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        if let Some(f) = self.reload_failed {
            e.u8(Attr::ReloadFailed as u16, u8::from(f));
        }
        if let Some(stats) = &self.stats {
            let n = e.nest(Attr::DevStats as u16, true);
            encode_reload_stats(Attr::ReloadStats, &stats.reload, e);
            encode_reload_stats(Attr::RemoteReloadStats, &stats.remote_reload, e);
            e.end(n);
        }
        for nested in &self.nested {
            let n = e.nest(Attr::NestedDevlink as u16, true);
            nested.encode_inner(e);
            e.end(n);
        }
        encode_unknown(&self.unknown, e);
    }
}

/// A request that names at most a device: `GET`, `ESWITCH_GET`, `INFO_GET`,
/// `RESOURCE_DUMP`, `DPIPE_HEADERS_GET`, `SELFTESTS_GET`. The handle is required for a
/// do and an optional filter for a dump.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DevReq {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Option<Handle>,
    /// Attributes not modelled here (the kernel ignores them), re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Body for DevReq {
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut h = HandleParts::default();
        let mut unknown = Vec::new();
        for a in each(attrs, Space::Devlink) {
            let a = a?;
            if !h.take(&a)? {
                unknown.push(UnknownAttr::from_raw(&a));
            }
        }
        let handle = if ctx.dump {
            h.finish_optional()?
        } else {
            Some(h.finish()?)
        };
        Ok(Self { handle, unknown })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        if let Some(h) = &self.handle {
            h.encode(e);
        }
        encode_unknown(&self.unknown, e);
    }
}
