//! Reader for the parts of a YNL netlink spec (`Documentation/netlink/specs/*.yaml`) the
//! tables need: `definitions` enums, full attribute sets, and the request/reply command
//! numbers of a `directional` operation list. Numbering follows the kernel's own
//! `tools/net/ynl/pyynl/lib/nlspec.py`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use saphyr::{LoadableYamlNode, Yaml};

/// One parsed spec.
#[derive(Debug)]
pub(super) struct Spec {
    /// Where it was read from.
    pub(super) path: PathBuf,
    /// `definitions` of type `enum` or `flags`.
    pub(super) enums: Vec<YEnum>,
    /// `attribute-sets` (full sets and `subset-of` sets; the latter carry no types).
    pub(super) attr_sets: Vec<YAttrSet>,
    /// `operations.list`, with the command numbers YNL computes.
    pub(super) ops: Vec<YOp>,
}

/// A `definitions` entry of type `enum` or `flags`.
#[derive(Debug)]
pub(super) struct YEnum {
    /// `name:`.
    pub(super) name: String,
    /// `(entry name, value)`; for `flags` the value is the mask (`1 << n`).
    pub(super) entries: Vec<(String, i64)>,
}

/// An attribute set.
#[derive(Debug)]
pub(super) struct YAttrSet {
    /// `name:`.
    pub(super) name: String,
    /// `subset-of:`.
    pub(super) subset_of: Option<String>,
    /// Its attributes.
    pub(super) attrs: Vec<YAttr>,
}

/// One attribute of a set.
#[derive(Debug)]
pub(super) struct YAttr {
    /// The C name YNL gives it: upper-cased `name-prefix` + `name`, e.g.
    /// `DEVLINK_ATTR_PORT_INDEX`. Empty for subset sets.
    pub(super) kernel_name: String,
    /// Its number (explicit `value:` or counted from the previous one; the first is 1).
    pub(super) value: i64,
    /// `type:` (empty for subset sets).
    pub(super) ty: String,
    /// `sub-type:`.
    pub(super) sub_type: Option<String>,
    /// `nested-attributes:`.
    pub(super) nested: Option<String>,
    /// `multi-attr: true`.
    pub(super) multi: bool,
    /// `type-value:` (for `nest-type-value`): how many index levels precede the attributes.
    pub(super) type_value_levels: usize,
    /// `doc:`.
    pub(super) doc: Option<String>,
}

/// One operation.
#[derive(Debug)]
pub(super) struct YOp {
    /// The C name of the request command, e.g. `DEVLINK_CMD_PORT_GET`.
    pub(super) kernel_name: String,
    /// The command number a request carries (`None` for notification-only entries).
    pub(super) request: Option<i64>,
    /// The command number of the reply or notification, if any.
    pub(super) reply: Option<i64>,
}

impl Spec {
    /// Read and parse a spec file.
    pub(super) fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading YNL spec {}", path.display()))?;
        Self::parse(path, &text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Parse spec text.
    pub(super) fn parse(path: &Path, text: &str) -> Result<Self> {
        let docs = Yaml::load_from_str(text).map_err(|e| anyhow!("YAML syntax: {e}"))?;
        let [doc] = docs.as_slice() else {
            bail!("expected exactly one YAML document, found {}", docs.len());
        };
        let family = req_str(doc, "name")?.to_owned();
        let mut enums = Vec::new();
        for d in seq(doc, "definitions")? {
            let ty = req_str(d, "type")?;
            if ty != "enum" && ty != "flags" {
                continue;
            }
            enums.push(parse_enum(d, ty == "flags")?);
        }
        let mut attr_sets = Vec::new();
        for s in seq(doc, "attribute-sets")? {
            attr_sets.push(parse_attr_set(s)?);
        }
        let ops = match doc.as_mapping_get("operations") {
            Some(o) => parse_ops(o, &family)?,
            None => Vec::new(),
        };
        Ok(Self {
            path: path.to_owned(),
            enums,
            attr_sets,
            ops,
        })
    }

    /// The definition enum called `name`.
    pub(super) fn enum_named(&self, name: &str) -> Result<&YEnum> {
        self.enums
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| anyhow!("{} has no enum definition {name:?}", self.path.display()))
    }

    /// The full (non-subset) attribute set called `name`.
    pub(super) fn attr_set(&self, name: &str) -> Result<&YAttrSet> {
        let s = self
            .attr_sets
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| anyhow!("{} has no attribute set {name:?}", self.path.display()))?;
        if s.subset_of.is_some() {
            bail!(
                "{}: attribute set {name:?} is a subset",
                self.path.display()
            );
        }
        Ok(s)
    }

    /// Whether the attribute set `name` is a subset of `of`.
    pub(super) fn is_subset_of(&self, name: &str, of: &str) -> bool {
        self.attr_sets
            .iter()
            .any(|s| s.name == name && s.subset_of.as_deref() == Some(of))
    }
}

fn parse_enum(d: &Yaml<'_>, flags: bool) -> Result<YEnum> {
    let name = req_str(d, "name")?.to_owned();
    let mut next = int(d, "value-start")?.unwrap_or(0);
    let mut entries = Vec::new();
    for e in seq(d, "entries")? {
        let (ename, value) = match e.as_str() {
            Some(s) => (s.to_owned(), None),
            None => (req_str(e, "name")?.to_owned(), int(e, "value")?),
        };
        let v = value.unwrap_or(next);
        next = v + 1;
        let v = if flags {
            1_i64
                .checked_shl(u32::try_from(v).context("flag bit")?)
                .ok_or_else(|| anyhow!("flag {ename} out of range"))?
        } else {
            v
        };
        entries.push((ename, v));
    }
    Ok(YEnum { name, entries })
}

fn parse_attr_set(s: &Yaml<'_>) -> Result<YAttrSet> {
    let name = req_str(s, "name")?.to_owned();
    let subset_of = opt_str(s, "subset-of").map(str::to_owned);
    let set_prefix = opt_str(s, "name-prefix");
    let mut attrs = Vec::new();
    let mut next: i64 = 1;
    for a in seq(s, "attributes")? {
        let aname = req_str(a, "name").with_context(|| format!("attribute set {name}"))?;
        let value = int(a, "value")?.unwrap_or(next);
        next = value + 1;
        let (ty, kernel_name) = if subset_of.is_some() {
            (String::new(), String::new())
        } else {
            let prefix = opt_str(a, "name-prefix")
                .or(set_prefix)
                .ok_or_else(|| anyhow!("attribute set {name} has no name-prefix"))?;
            (
                req_str(a, "type")
                    .with_context(|| format!("attribute {name}/{aname}"))?
                    .to_owned(),
                c_name(&format!("{prefix}{aname}")),
            )
        };
        let type_value_levels = match a.as_mapping_get("type-value") {
            Some(v) => v
                .as_sequence()
                .ok_or_else(|| anyhow!("{name}/{aname}: type-value is not a list"))?
                .len(),
            None => 0,
        };
        attrs.push(YAttr {
            kernel_name,
            value,
            ty,
            sub_type: opt_str(a, "sub-type").map(str::to_owned),
            nested: opt_str(a, "nested-attributes").map(str::to_owned),
            multi: a
                .as_mapping_get("multi-attr")
                .and_then(Yaml::as_bool)
                .unwrap_or(false),
            type_value_levels,
            doc: opt_str(a, "doc").map(str::to_owned),
        });
    }
    Ok(YAttrSet {
        name,
        subset_of,
        attrs,
    })
}

/// The numbering of `enum-model: directional` (nlspec.py `_dictify_ops_directional`):
/// request and reply numbers count separately; an explicit `value:` in a request or reply
/// resets its counter; a reply-less operation does not advance the reply counter.
fn parse_ops(o: &Yaml<'_>, family: &str) -> Result<Vec<YOp>> {
    let model = opt_str(o, "enum-model").unwrap_or("unified");
    if model != "directional" {
        bail!("operations enum-model {model:?} is not supported (only directional)");
    }
    let default_prefix = format!("{family}-cmd-");
    let prefix = opt_str(o, "name-prefix").unwrap_or(&default_prefix);
    let mut ops = Vec::new();
    let (mut req_val, mut rsp_val): (i64, i64) = (1, 1);
    for elem in seq(o, "list")? {
        let name = req_str(elem, "name")?;
        let kernel_name = c_name(&format!("{prefix}{name}"));
        if elem.contains_mapping_key("notify") || elem.contains_mapping_key("event") {
            if let Some(v) = int(elem, "value")? {
                rsp_val = v;
            }
            ops.push(YOp {
                kernel_name,
                request: None,
                reply: Some(rsp_val),
            });
            rsp_val += 1;
            continue;
        }
        let mode = elem
            .as_mapping_get("do")
            .or_else(|| elem.as_mapping_get("dump"))
            .ok_or_else(|| anyhow!("operation {name}: neither do nor dump"))?;
        let request = mode.as_mapping_get("request");
        let reply = mode.as_mapping_get("reply");
        if let Some(v) = request.map(|r| int(r, "value")).transpose()?.flatten() {
            req_val = v;
        }
        if let Some(v) = reply.map(|r| int(r, "value")).transpose()?.flatten() {
            rsp_val = v;
        }
        ops.push(YOp {
            kernel_name,
            request: Some(req_val),
            reply: reply.is_some().then_some(rsp_val),
        });
        req_val += 1;
        if reply.is_some() {
            rsp_val += 1;
        }
    }
    Ok(ops)
}

/// `devlink-attr-port-index` → `DEVLINK_ATTR_PORT_INDEX`.
pub(super) fn c_name(s: &str) -> String {
    s.replace('-', "_").to_ascii_uppercase()
}

fn seq<'a, 'y>(node: &'a Yaml<'y>, key: &str) -> Result<&'a [Yaml<'y>]> {
    match node.as_mapping_get(key) {
        None => Ok(&[]),
        Some(v) => v
            .as_sequence()
            .map(Vec::as_slice)
            .ok_or_else(|| anyhow!("{key} is not a list")),
    }
}

fn opt_str<'a>(node: &'a Yaml<'_>, key: &str) -> Option<&'a str> {
    node.as_mapping_get(key).and_then(Yaml::as_str)
}

fn req_str<'a>(node: &'a Yaml<'_>, key: &str) -> Result<&'a str> {
    opt_str(node, key).ok_or_else(|| anyhow!("missing string {key:?}"))
}

fn int(node: &Yaml<'_>, key: &str) -> Result<Option<i64>> {
    match node.as_mapping_get(key) {
        None => Ok(None),
        Some(v) => v
            .as_integer()
            .map(Some)
            .ok_or_else(|| anyhow!("{key} is not an integer")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "
name: fam
definitions:
  - type: enum
    name: colour
    entries: [red, { name: blue, value: 5 }, green]
  - type: flags
    name: bits
    entries: [a, b, c]
attribute-sets:
  - name: main
    name-prefix: fam-a-
    attributes:
      - { name: one, type: u32 }
      - { name: two, type: nest, nested-attributes: sub, multi-attr: true }
      - { name: nine, type: string, value: 9 }
      - { name: ten, type: nest-type-value, type-value: [x, y], nested-attributes: main }
  - name: sub
    subset-of: main
    attributes:
      - name: one
operations:
  enum-model: directional
  list:
    - name: get
      do:
        request: { value: 1, attributes: [one] }
        reply: &r { value: 3, attributes: [one] }
      dump: { reply: *r }
    - name: set
      do: { request: { attributes: [one] } }
    - name: new
      do: { request: { attributes: [one] }, reply: { attributes: [one] } }
";

    #[test]
    fn reads_enums_sets_and_directional_ops() {
        let s = Spec::parse(Path::new("t.yaml"), SPEC).unwrap();
        assert_eq!(
            s.enum_named("colour").unwrap().entries,
            [("red".into(), 0), ("blue".into(), 5), ("green".into(), 6)]
        );
        assert_eq!(
            s.enum_named("bits").unwrap().entries,
            [("a".into(), 1), ("b".into(), 2), ("c".into(), 4)]
        );
        let m = s.attr_set("main").unwrap();
        let got: Vec<_> = m
            .attrs
            .iter()
            .map(|a| {
                (
                    a.kernel_name.as_str(),
                    a.value,
                    a.multi,
                    a.type_value_levels,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("FAM_A_ONE", 1, false, 0),
                ("FAM_A_TWO", 2, true, 0),
                ("FAM_A_NINE", 9, false, 0),
                ("FAM_A_TEN", 10, false, 2)
            ]
        );
        assert!(s.is_subset_of("sub", "main"));
        assert!(s.attr_set("sub").is_err());
        let ops: Vec<_> = s
            .ops
            .iter()
            .map(|o| (o.kernel_name.as_str(), o.request, o.reply))
            .collect();
        assert_eq!(
            ops,
            [
                ("FAM_CMD_GET", Some(1), Some(3)),
                ("FAM_CMD_SET", Some(2), None),
                ("FAM_CMD_NEW", Some(3), Some(4))
            ]
        );
    }
}
