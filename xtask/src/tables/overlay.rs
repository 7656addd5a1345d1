//! `xtask/spec-overlay.toml`: the hand-maintained facts that neither the uapi headers nor
//! the YNL specs carry. The generator rejects an overlay entry that repeats what a source
//! already says, so the file shrinks as the sources catch up.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// The whole overlay file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Overlay {
    /// Limits on what is taken from the sources.
    pub(super) limits: Limits,
    /// Facts about attributes, keyed by kernel name (`DEVLINK_ATTR_STATS`).
    #[serde(default)]
    pub(super) attr: BTreeMap<String, AttrFacts>,
    /// Places where a YNL spec is known to number something differently from the uapi
    /// header (the header is ABI and wins), keyed by kernel name.
    #[serde(default)]
    pub(super) yaml_errata: BTreeMap<String, Erratum>,
}

/// `[limits]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Limits {
    /// The highest `enum devlink_attr` value to generate; YNL-only attributes above it are
    /// left out (and listed in the generated file's header).
    pub(super) devlink_attr_max: i64,
}

/// `[attr.NAME]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AttrFacts {
    /// For an attribute no source names: the attribute space it belongs to (a `Space`
    /// variant name, e.g. `PortFunction`).
    #[serde(rename = "in")]
    pub(super) in_space: Option<String>,
    /// For an attribute no source names: its number.
    pub(super) value: Option<i64>,
    /// Its wire type when no source gives one (`u8` … `nest`, `dynamic`; see `Kind`).
    pub(super) kind: Option<String>,
    /// For a nest: the `Space` variant its payload is read in, when no source says.
    pub(super) space: Option<String>,
    /// The kernel opens this nest with `nla_nest_start` (sets `NLA_F_NESTED`).
    pub(super) nested_flag: Option<bool>,
    /// May repeat in one stream (`true`), or, against a YNL `multi-attr: true`, does not
    /// (`false`).
    pub(super) multi: Option<bool>,
}

/// `[yaml_errata.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Erratum {
    /// The number the YNL spec implies.
    pub(super) yaml_value: i64,
    /// The number in the uapi header (used).
    pub(super) header_value: i64,
}

impl Overlay {
    /// Read and parse the overlay.
    pub(super) fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading overlay {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Parse overlay text.
    pub(super) fn parse(text: &str) -> Result<Self> {
        Ok(toml::from_str(text)?)
    }
}
