//! Merging the sources into one model of every generated item.
//!
//! Rules, applied per kernel enum:
//! * The uapi header wins for names and values it has.
//! * The YNL spec adds what the header lacks (newer members) and supplies wire types.
//! * Where the header names a member and the YNL spec numbers it differently, or the two give
//!   one number different names, generation fails — unless `[yaml_errata]` in the overlay
//!   records exactly that disagreement.
//! * A type written in the header's member comment (`/* u32 */`) must agree with the YNL
//!   type; it is used where the spec has none.
//! * The overlay supplies only what no source has; an overlay fact a source already
//!   carries is an error, so the overlay shrinks as the sources catch up.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail, ensure};

use super::cheader::{CEnum, Header, Member};
use super::config::{self, CRef, EnumCfg, Family, File, SpaceCfg};
use super::overlay::{AttrFacts, Overlay};
use super::ynl::{Spec, YAttr, c_name};

/// The parsed sources.
#[derive(Debug)]
pub(super) struct Inputs {
    /// `linux/devlink.h`.
    pub(super) devlink_h: Header,
    /// `linux/genetlink.h`.
    pub(super) genetlink_h: Header,
    /// `linux/netlink.h`.
    pub(super) netlink_h: Header,
    /// `devlink.yaml`.
    pub(super) devlink_yaml: Spec,
    /// `nlctrl.yaml`.
    pub(super) nlctrl_yaml: Spec,
    /// `spec-overlay.toml`.
    pub(super) overlay: Overlay,
}

/// Payload encoding (the generated `AttrKind` without the nest's space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    /// `AttrKind::Unspec`.
    Unspec,
    /// `AttrKind::Pad`.
    Pad,
    /// `AttrKind::U8`.
    U8,
    /// `AttrKind::U16`.
    U16,
    /// `AttrKind::U32`.
    U32,
    /// `AttrKind::U64`.
    U64,
    /// `AttrKind::S32`.
    S32,
    /// `AttrKind::S64`.
    S64,
    /// `AttrKind::Uint`.
    Uint,
    /// `AttrKind::String`.
    String,
    /// `AttrKind::Binary`.
    Binary,
    /// `AttrKind::Flag`.
    Flag,
    /// `AttrKind::Bitfield32`.
    Bitfield32,
    /// `AttrKind::Nest(_)`.
    Nest,
    /// `AttrKind::Dynamic`.
    Dynamic,
}

impl Base {
    /// The overlay's spelling (`u32`, `nest`, …).
    fn from_overlay(s: &str) -> Option<Self> {
        Some(match s {
            "unspec" => Self::Unspec,
            "pad" => Self::Pad,
            "u8" => Self::U8,
            "u16" => Self::U16,
            "u32" => Self::U32,
            "u64" => Self::U64,
            "s32" => Self::S32,
            "s64" => Self::S64,
            "uint" => Self::Uint,
            "string" => Self::String,
            "binary" => Self::Binary,
            "flag" => Self::Flag,
            "bitfield32" => Self::Bitfield32,
            "nest" => Self::Nest,
            "dynamic" => Self::Dynamic,
            _ => return None,
        })
    }

    /// A type named at the start of a uapi member comment (`u32`, `nested`, `u8 0 or 1`).
    fn from_comment(c: &str) -> Option<Self> {
        let word = c
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .next()
            .unwrap_or("");
        match word {
            "nested" => Some(Self::Nest),
            "flag" | "u8" | "u16" | "u32" | "u64" | "string" | "binary" | "bitfield32"
            | "dynamic" => Self::from_overlay(word),
            _ => None,
        }
    }

    /// A YNL attribute `type:` (with `sub-type:`).
    fn from_ynl(a: &YAttr) -> Result<Self> {
        Ok(match a.ty.as_str() {
            "nest" | "nest-type-value" => Self::Nest,
            "indexed-array" if a.sub_type.as_deref() == Some("nest") => Self::Nest,
            other => Self::from_overlay(other)
                .filter(|b| !matches!(b, Self::Unspec | Self::Nest | Self::Dynamic))
                .ok_or_else(|| {
                    anyhow!("YNL type {other:?} of {} is not supported", a.kernel_name)
                })?,
        })
    }

    /// The `AttrKind` variant name.
    pub(super) const fn variant(self) -> &'static str {
        match self {
            Self::Unspec => "Unspec",
            Self::Pad => "Pad",
            Self::U8 => "U8",
            Self::U16 => "U16",
            Self::U32 => "U32",
            Self::U64 => "U64",
            Self::S32 => "S32",
            Self::S64 => "S64",
            Self::Uint => "Uint",
            Self::String => "String",
            Self::Binary => "Binary",
            Self::Flag => "Flag",
            Self::Bitfield32 => "Bitfield32",
            Self::Nest => "Nest",
            Self::Dynamic => "Dynamic",
        }
    }
}

/// The wire facts of one attribute.
#[derive(Debug, Clone)]
pub(super) struct AttrSpec {
    /// Encoding.
    pub(super) base: Base,
    /// For nests: the `Space` variant of the payload.
    pub(super) space: Option<&'static str>,
    /// Opened with `NLA_F_NESTED`.
    pub(super) nested_flag: bool,
    /// May repeat.
    pub(super) multi: bool,
    /// Index levels (nests typed by a running index or a number) before the payload's
    /// attributes start; only the controller has them.
    pub(super) index_levels: usize,
}

/// One enum member.
#[derive(Debug, Clone)]
pub(super) struct Variant {
    /// Rust variant name.
    pub(super) rust: String,
    /// Kernel name.
    pub(super) kernel: String,
    /// Value.
    pub(super) value: i64,
    /// The uapi header's comment on it.
    pub(super) comment: Option<String>,
    /// The YNL spec's `doc:`.
    pub(super) ynl_doc: Option<String>,
    /// Wire facts, for attribute spaces.
    pub(super) spec: Option<AttrSpec>,
}

/// One generated enum.
#[derive(Debug)]
pub(super) struct KEnum {
    /// What it is.
    pub(super) cfg: EnumCfg,
    /// `KERNEL_ENUM`, e.g. `enum devlink_attr`.
    pub(super) kernel_enum: String,
    /// Members in value order.
    pub(super) variants: Vec<Variant>,
}

/// One attribute space.
#[derive(Debug)]
pub(super) struct KSpace {
    /// The `Space` variant.
    pub(super) space: &'static str,
    /// Its enum (every variant has a `spec`).
    pub(super) e: KEnum,
}

/// Everything `generated.rs` holds.
#[derive(Debug)]
pub(super) struct Tables {
    /// `DEVLINK_GENL_NAME`, as a Rust string literal.
    pub(super) genl_name: String,
    /// `DEVLINK_GENL_VERSION`, as the header's literal.
    pub(super) genl_version: String,
    /// `DEVLINK_GENL_MCGRP_CONFIG_NAME`, as a Rust string literal.
    pub(super) mcgrp_config_name: String,
    /// `enum devlink_command`.
    pub(super) cmd: KEnum,
    /// Devlink attribute spaces (`Devlink` first).
    pub(super) devlink_spaces: Vec<KSpace>,
    /// Devlink value enums.
    pub(super) devlink_enums: Vec<KEnum>,
    /// `GENL_*` flags: name, header literal.
    pub(super) genl_flags: Vec<(String, String)>,
    /// Controller commands.
    pub(super) ctrl_cmd: KEnum,
    /// Controller attribute spaces.
    pub(super) ctrl_spaces: Vec<KSpace>,
    /// `enum netlink_attribute_type`.
    pub(super) nl_attr_type: KEnum,
    /// YNL-only attributes above `limits.devlink_attr_max`: `NAME = value`.
    pub(super) excluded: Vec<String>,
}

impl Tables {
    /// `DEVLINK_ATTR_MAX` of the generated table.
    pub(super) fn attr_max(&self) -> i64 {
        self.devlink_spaces
            .first()
            .and_then(|s| s.e.variants.last())
            .map_or(0, |v| v.value)
    }

    /// `DEVLINK_CMD_MAX` of the generated table.
    pub(super) fn cmd_max(&self) -> i64 {
        self.cmd.variants.last().map_or(0, |v| v.value)
    }
}

/// Build the model.
pub(super) fn build(inp: &Inputs) -> Result<Tables> {
    let mut m = Merger {
        inp,
        used_facts: BTreeSet::new(),
        used_errata: BTreeSet::new(),
        excluded: Vec::new(),
    };
    let h = &inp.devlink_h;
    let genl_name = c_string(h.define("DEVLINK_GENL_NAME")?)?;
    let genl_version = h.define("DEVLINK_GENL_VERSION")?.to_owned();
    let mcgrp_config_name = c_string(h.define("DEVLINK_GENL_MCGRP_CONFIG_NAME")?)?;

    let cmd = m.commands(config::CMD)?;
    let devlink_spaces = config::DEVLINK_SPACES
        .iter()
        .map(|s| m.space(*s, config::DEVLINK_SPACES))
        .collect::<Result<Vec<_>>>()?;
    let devlink_enums = config::DEVLINK_ENUMS
        .iter()
        .map(|e| m.value_enum(*e))
        .collect::<Result<Vec<_>>>()?;

    let genl_flags = m.genl_flags()?;
    let ctrl_cmd = m.commands(config::CTRL_CMD)?;
    let ctrl_spaces = config::CTRL_SPACES
        .iter()
        .map(|s| m.space(*s, config::CTRL_SPACES))
        .collect::<Result<Vec<_>>>()?;
    let nl_attr_type = m.value_enum(config::NL_ATTR_TYPE)?;

    m.finish()?;
    let t = Tables {
        genl_name,
        genl_version,
        mcgrp_config_name,
        cmd,
        devlink_spaces,
        devlink_enums,
        genl_flags,
        ctrl_cmd,
        ctrl_spaces,
        nl_attr_type,
        excluded: m.excluded,
    };
    // The header's own maxima can only be below what we generate.
    for (e, alias) in [
        ("devlink_attr", "DEVLINK_ATTR_MAX"),
        ("devlink_command", "DEVLINK_CMD_MAX"),
    ] {
        let ours = if e == "devlink_attr" {
            t.attr_max()
        } else {
            t.cmd_max()
        };
        if let Some(v) = h
            .named_enum(e)
            .and_then(|c| c.hidden.iter().find(|m| m.name == alias))
        {
            ensure!(
                v.value <= ours,
                "{alias} is {} in the header but the table ends at {ours}",
                v.value
            );
        }
    }
    Ok(t)
}

struct Merger<'a> {
    inp: &'a Inputs,
    used_facts: BTreeSet<String>,
    used_errata: BTreeSet<String>,
    excluded: Vec<String>,
}

/// A member while merging.
struct Row {
    kernel: String,
    comment: Option<String>,
    ynl_doc: Option<String>,
    base: Option<(Base, &'static str)>,
    space: Option<&'static str>,
    nested_flag: bool,
    multi: bool,
    ynl_multi: bool,
    index_levels: usize,
}

impl Row {
    fn new(kernel: &str) -> Self {
        Self {
            kernel: kernel.to_owned(),
            comment: None,
            ynl_doc: None,
            base: None,
            space: None,
            nested_flag: false,
            multi: false,
            ynl_multi: false,
            index_levels: 0,
        }
    }
}

impl<'a> Merger<'a> {
    fn header(&self, f: File) -> &'a Header {
        match f {
            File::Devlink => &self.inp.devlink_h,
            File::Genetlink => &self.inp.genetlink_h,
            File::Netlink => &self.inp.netlink_h,
        }
    }

    fn spec(&self, f: Family) -> &'a Spec {
        match f {
            Family::Devlink => &self.inp.devlink_yaml,
            Family::Nlctrl => &self.inp.nlctrl_yaml,
        }
    }

    fn c_enum(&self, cfg: &EnumCfg) -> Result<Option<&'a CEnum>> {
        let h = self.header(cfg.c.file());
        let found = match cfg.c {
            CRef::Named(_, tag) => h.named_enum(tag),
            CRef::Anonymous(_, member) => h.anonymous_enum_with(member),
        };
        if found.is_none() && cfg.need_header {
            bail!(
                "{}: no {} (needed for {})",
                h.path.display(),
                kernel_enum(cfg),
                cfg.rust
            );
        }
        Ok(found)
    }

    /// Header members into rows keyed by value.
    fn header_rows(&self, cfg: &EnumCfg) -> Result<BTreeMap<i64, Row>> {
        let mut rows = BTreeMap::new();
        if let Some(c) = self.c_enum(cfg)? {
            for Member {
                name,
                value,
                comment,
            } in &c.members
            {
                let mut r = Row::new(name);
                r.comment.clone_from(comment);
                if let Some(b) = comment.as_deref().and_then(Base::from_comment) {
                    r.base = Some((b, "the header comment"));
                }
                ensure!(
                    rows.insert(*value, r).is_none(),
                    "{}: two members with value {value}",
                    kernel_enum(cfg)
                );
            }
        }
        Ok(rows)
    }

    /// Add a YNL-named member; the header wins, disagreements fail.
    fn merge_ynl(
        &mut self,
        rows: &mut BTreeMap<i64, Row>,
        what: &str,
        name: &str,
        value: i64,
    ) -> Result<i64> {
        if let Some((&hv, _)) = rows.iter().find(|(_, r)| r.kernel == name) {
            if hv != value {
                match self.inp.overlay.yaml_errata.get(name) {
                    Some(e) if e.yaml_value == value && e.header_value == hv => {
                        self.used_errata.insert(name.to_owned());
                    }
                    _ => bail!(
                        "{what}: {name} is {hv} in the uapi header but {value} in the YNL \
                         spec (add a [yaml_errata.{name}] entry to the overlay only if the \
                         spec is wrong)"
                    ),
                }
            }
            return Ok(hv);
        }
        if let Some(r) = rows.get(&value) {
            bail!(
                "{what}: value {value} is {} in the uapi header but {name} in the YNL spec",
                r.kernel
            );
        }
        rows.insert(value, Row::new(name));
        Ok(value)
    }

    fn commands(&mut self, cfg: EnumCfg) -> Result<KEnum> {
        let mut rows = self.header_rows(&cfg)?;
        if let Some((fam, _)) = cfg.ynl {
            let spec = self.spec(fam);
            let ops: Vec<(String, Option<i64>, Option<i64>)> = spec
                .ops
                .iter()
                .map(|o| (o.kernel_name.clone(), o.request, o.reply))
                .collect();
            let what = kernel_enum(&cfg);
            for (name, req, _) in &ops {
                if let Some(v) = req {
                    self.merge_ynl(&mut rows, &what, name, *v)?;
                }
            }
            for (name, _, reply) in &ops {
                if let Some(v) = reply {
                    ensure!(
                        rows.contains_key(v),
                        "{what}: the YNL spec answers {name} with command {v}, which no \
                         source names"
                    );
                }
            }
        }
        ensure_dense(&kernel_enum(&cfg), &rows)?;
        finish_enum(cfg, rows)
    }

    fn value_enum(&mut self, cfg: EnumCfg) -> Result<KEnum> {
        let mut rows = self.header_rows(&cfg)?;
        if let Some((fam, name)) = cfg.ynl {
            let prefix = cfg.prefixes.first().copied().unwrap_or("");
            let entries = self.spec(fam).enum_named(name)?.entries.clone();
            let what = kernel_enum(&cfg);
            for (ename, value) in entries {
                let kname = format!("{prefix}{}", c_name(&ename));
                self.merge_ynl(&mut rows, &what, &kname, value)?;
            }
        }
        for r in rows.values_mut() {
            r.base = None;
        }
        finish_enum(cfg, rows)
    }

    fn genl_flags(&self) -> Result<Vec<(String, String)>> {
        let h = &self.inp.genetlink_h;
        let ynl = self.inp.nlctrl_yaml.enum_named("op-flags")?;
        let mut out = Vec::new();
        for (name, entry) in config::GENL_FLAGS {
            let lit = h.define(name)?;
            let v = super::cheader::int_literal(lit)?;
            let y = ynl
                .entries
                .iter()
                .find(|(n, _)| n == entry)
                .map(|(_, v)| *v)
                .ok_or_else(|| anyhow!("nlctrl.yaml op-flags has no {entry}"))?;
            ensure!(
                v == y,
                "{name} is {v:#x} in genetlink.h but {y:#x} in nlctrl.yaml"
            );
            out.push(((*name).to_owned(), lit.to_owned()));
        }
        Ok(out)
    }

    /// Map a YNL attribute-set name to the `Space` that reads it.
    fn space_of_set(&self, fam: Family, set: &str, spaces: &[SpaceCfg]) -> Result<&'static str> {
        for s in spaces {
            if s.e.ynl == Some((fam, set)) {
                return Ok(s.space);
            }
        }
        // A subset of a space's full set is read in that space.
        for s in spaces {
            if let Some((f, full)) = s.e.ynl
                && f == fam
                && self.spec(fam).is_subset_of(set, full)
            {
                return Ok(s.space);
            }
        }
        bail!("YNL attribute set {set:?} is not read in any generated space")
    }

    fn space(&mut self, sc: SpaceCfg, spaces: &[SpaceCfg]) -> Result<KSpace> {
        let cfg = sc.e;
        let what = kernel_enum(&cfg);
        let mut rows = self.header_rows(&cfg)?;
        let cap = (sc.space == "Devlink").then_some(self.inp.overlay.limits.devlink_attr_max);
        if let (Some(cap), Some((&top, r))) = (cap, rows.last_key_value()) {
            ensure!(
                top <= cap,
                "the uapi header has {} = {top}, above limits.devlink_attr_max = {cap} in \
                 the overlay: raise the limit",
                r.kernel
            );
        }

        // YNL: names the header lacks, wire types, nesting, multi-attr.
        if let Some((fam, set)) = cfg.ynl {
            let attrs: Vec<&YAttr> = self.spec(fam).attr_set(set)?.attrs.iter().collect();
            for a in attrs {
                if let Some(cap) = cap
                    && a.value > cap
                    && !rows.values().any(|r| r.kernel == a.kernel_name)
                {
                    self.excluded
                        .push(format!("{} = {}", a.kernel_name, a.value));
                    continue;
                }
                let v = self.merge_ynl(&mut rows, &what, &a.kernel_name, a.value)?;
                let base = Base::from_ynl(a)?;
                let space = match (&a.nested, base) {
                    (Some(set), Base::Nest) => Some(self.space_of_set(fam, set, spaces)?),
                    _ => None,
                };
                let r = rows
                    .get_mut(&v)
                    .ok_or_else(|| anyhow!("{what}: lost row {v}"))?;
                if let Some((hb, _)) = r.base {
                    ensure!(
                        hb == base,
                        "{what}: {} is {:?} in the header comment but {:?} in the YNL spec",
                        r.kernel,
                        hb,
                        base
                    );
                }
                r.base = Some((base, "the YNL spec"));
                r.space = space;
                r.multi = a.multi;
                r.ynl_multi = a.multi;
                r.index_levels = match a.ty.as_str() {
                    "indexed-array" => 1,
                    "nest-type-value" => a.type_value_levels,
                    _ => 0,
                };
                r.ynl_doc = a.doc.as_deref().map(squash);
            }
        }

        // The overlay: members no source names, then facts about every member.
        let facts = &self.inp.overlay.attr;
        for (name, f) in facts {
            if f.in_space.as_deref() != Some(sc.space) {
                continue;
            }
            let v = f
                .value
                .ok_or_else(|| anyhow!("overlay [attr.{name}] has `in` but no `value`"))?;
            ensure!(
                !rows.values().any(|r| &r.kernel == name),
                "overlay [attr.{name}] gives `in`/`value`, but a source already names it: \
                 remove them"
            );
            if let Some(r) = rows.get(&v) {
                bail!(
                    "overlay [attr.{name}] = {v}, but {v} is {} in the sources",
                    r.kernel
                );
            }
            if let Some(cap) = cap {
                ensure!(
                    v <= cap,
                    "overlay [attr.{name}] = {v} is above devlink_attr_max"
                );
            }
            rows.insert(v, Row::new(name));
        }
        for r in rows.values_mut() {
            if let Some(f) = facts.get(&r.kernel) {
                apply_facts(r, f, &what, spaces)?;
                self.used_facts.insert(r.kernel.clone());
            }
        }

        // Every member needs a type; `*_UNSPEC` at 0 is never a real attribute.
        for (v, r) in &mut rows {
            if *v == 0 && r.kernel.ends_with("_UNSPEC") {
                r.base = Some((Base::Unspec, "the name"));
            }
            let Some((b, _)) = r.base else {
                bail!(
                    "{what}: no source gives the wire type of {} ({v}); add \
                     [attr.{}] kind = \"…\" to the overlay, with its citation",
                    r.kernel,
                    r.kernel
                );
            };
            match (b, r.space) {
                (Base::Nest, None) => bail!(
                    "{what}: no source says which space nest {} is read in; add \
                     [attr.{}] space = \"…\" to the overlay",
                    r.kernel,
                    r.kernel
                ),
                (Base::Nest, Some(_)) => {}
                (_, Some(_)) => bail!("{what}: {} has a space but is not a nest", r.kernel),
                (_, None) => {}
            }
            ensure!(
                !r.nested_flag || b == Base::Nest,
                "{what}: {} has nested_flag but is not a nest",
                r.kernel
            );
        }
        ensure_dense(&what, &rows)?;
        let e = finish_enum(cfg, rows)?;
        Ok(KSpace { space: sc.space, e })
    }

    fn finish(&self) -> Result<()> {
        let unused: Vec<&String> = self
            .inp
            .overlay
            .attr
            .keys()
            .filter(|k| !self.used_facts.contains(*k))
            .collect();
        ensure!(
            unused.is_empty(),
            "overlay [attr.*] entries name attributes no generated space has: {unused:?}"
        );
        let stale: Vec<&String> = self
            .inp
            .overlay
            .yaml_errata
            .keys()
            .filter(|k| !self.used_errata.contains(*k))
            .collect();
        ensure!(
            stale.is_empty(),
            "overlay [yaml_errata.*] entries no longer match a disagreement (the YNL spec \
             was fixed?): remove {stale:?}"
        );
        Ok(())
    }
}

fn apply_facts(r: &mut Row, f: &AttrFacts, what: &str, spaces: &[SpaceCfg]) -> Result<()> {
    let name = r.kernel.clone();
    if let Some(k) = &f.kind {
        let b = Base::from_overlay(k)
            .ok_or_else(|| anyhow!("overlay [attr.{name}]: unknown kind {k:?}"))?;
        if let Some((have, from)) = r.base {
            bail!(
                "overlay [attr.{name}] kind = {k:?}, but {from} already says {have:?}: remove it"
            );
        }
        r.base = Some((b, "the overlay"));
    }
    if let Some(s) = &f.space {
        let s = spaces
            .iter()
            .map(|c| c.space)
            .chain(config::DEVLINK_SPACES.iter().map(|c| c.space))
            .find(|c| c == s)
            .ok_or_else(|| anyhow!("overlay [attr.{name}]: unknown space {s:?}"))?;
        if let Some(have) = r.space {
            bail!("overlay [attr.{name}] space = {s:?}, but the YNL spec says {have}: remove it");
        }
        r.space = Some(s);
    }
    if let Some(nf) = f.nested_flag {
        ensure!(
            nf,
            "overlay [attr.{name}] nested_flag = false is the default: remove it"
        );
        r.nested_flag = true;
    }
    if let Some(m) = f.multi {
        ensure!(
            m != r.ynl_multi,
            "{what}: overlay [attr.{name}] multi = {m} is what the sources say: remove it"
        );
        r.multi = m;
    }
    Ok(())
}

/// Attribute spaces and command enums count up from 0 with no holes ("don't change the
/// order or add anything between, this is ABI!"); a hole means a member no source named.
fn ensure_dense(what: &str, rows: &BTreeMap<i64, Row>) -> Result<()> {
    for (want, have) in (0..).zip(rows.keys()) {
        ensure!(
            want == *have,
            "{what} has no member {want}: no source names it (a YNL spec skipped it and the \
             header predates it); add it to the overlay with its citation"
        );
    }
    Ok(())
}

fn finish_enum(cfg: EnumCfg, rows: BTreeMap<i64, Row>) -> Result<KEnum> {
    let what = kernel_enum(&cfg);
    let (lo, hi) = match cfg.repr {
        "u8" => (0, i64::from(u8::MAX)),
        "u16" => (0, i64::from(u16::MAX)),
        "u32" => (0, i64::from(u32::MAX)),
        other => bail!("{what}: unsupported repr {other}"),
    };
    ensure!(!rows.is_empty(), "{what}: no members in any source");
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for (value, r) in rows {
        ensure!(
            (lo..=hi).contains(&value),
            "{what}: {} = {value} does not fit {}",
            r.kernel,
            cfg.repr
        );
        let rust = variant_name(&cfg, &r.kernel)?;
        ensure!(
            seen.insert(rust.clone()),
            "{what}: two members map to variant {rust}"
        );
        let spec = r.base.map(|(base, _)| AttrSpec {
            base,
            space: r.space,
            nested_flag: r.nested_flag,
            multi: r.multi,
            index_levels: r.index_levels,
        });
        variants.push(Variant {
            rust,
            kernel: r.kernel,
            value,
            comment: r.comment,
            ynl_doc: r.ynl_doc,
            spec,
        });
    }
    Ok(KEnum {
        kernel_enum: what,
        cfg,
        variants,
    })
}

/// `KERNEL_ENUM`: `enum devlink_attr`, or for anonymous enums `enum { PREFIX* }`.
fn kernel_enum(cfg: &EnumCfg) -> String {
    match cfg.c {
        CRef::Named(_, tag) => format!("enum {tag}"),
        CRef::Anonymous(..) => format!(
            "enum {{ {}* }}",
            cfg.prefixes.first().copied().unwrap_or("")
        ),
    }
}

/// `DEVLINK_ATTR_PORT_SPLIT_COUNT` → `PortSplitCount`.
fn variant_name(cfg: &EnumCfg, kernel: &str) -> Result<String> {
    if let Some((_, r)) = cfg.renames.iter().find(|(k, _)| *k == kernel) {
        return Ok((*r).to_owned());
    }
    let rest = cfg
        .prefixes
        .iter()
        .find_map(|p| kernel.strip_prefix(p))
        .filter(|r| !r.is_empty())
        .with_context(|| format!("{kernel} has none of the prefixes {:?}", cfg.prefixes))?;
    let name: String = rest
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut cs = lower.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    ensure!(
        name.starts_with(|c: char| c.is_ascii_alphabetic()) && name != "Self",
        "{kernel}: variant name {name:?} is not an identifier"
    );
    Ok(name)
}

/// `"devlink"` (a C string literal) → the Rust literal `"devlink"`.
fn c_string(lit: &str) -> Result<String> {
    let inner = lit
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|s| !s.contains(['"', '\\']))
        .ok_or_else(|| anyhow!("expected a plain C string literal, got {lit}"))?;
    Ok(format!("\"{inner}\""))
}

/// Collapse whitespace.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
