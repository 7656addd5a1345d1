//! `cargo xtask gen-tables`: regenerate `crates/devlink-wire/src/spec/generated.rs` from
//! the kernel's uapi headers (Debian `linux-libc-dev`), the YNL specs shipped in the
//! `netlink-bindings` crate, and `xtask/spec-overlay.toml`.

mod cheader;
mod config;
mod model;
mod overlay;
mod render;
mod ynl;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail, ensure};

/// The generated file, relative to the repository root.
pub const OUTPUT: &str = "crates/devlink-wire/src/spec/generated.rs";
/// The overlay, relative to the repository root.
pub const OVERLAY: &str = "xtask/spec-overlay.toml";
/// Where Debian's `linux-libc-dev` installs the headers.
pub const DEFAULT_HEADER: &str = "/usr/include/linux/devlink.h";

/// Explicit source locations (command-line overrides).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `devlink.h`; `genetlink.h` and `netlink.h` are read from the same directory.
    pub header: Option<PathBuf>,
    /// `devlink.yaml`.
    pub yaml: Option<PathBuf>,
    /// `nlctrl.yaml` (default: `../nlctrl/nlctrl.yaml` next to `devlink.yaml`).
    pub nlctrl_yaml: Option<PathBuf>,
}

/// Where every input is, and the versions that go into the provenance line.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `linux/devlink.h`.
    pub devlink_h: PathBuf,
    /// `linux/genetlink.h`.
    pub genetlink_h: PathBuf,
    /// `linux/netlink.h`.
    pub netlink_h: PathBuf,
    /// `devlink.yaml`.
    pub devlink_yaml: PathBuf,
    /// `nlctrl.yaml`.
    pub nlctrl_yaml: PathBuf,
    /// `xtask/spec-overlay.toml`.
    pub overlay: PathBuf,
    /// `linux-libc-dev 6.1.187-1`, or a path when the header was given explicitly.
    pub headers_from: String,
    /// `netlink-bindings 0.3.5`, or a path when the spec was given explicitly.
    pub yaml_from: String,
}

/// The repository root (this crate's parent directory).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

impl Sources {
    /// Find every input. Fails, saying what to install, when one is missing.
    pub fn locate(root: &Path, ov: &Overrides) -> Result<Self> {
        let devlink_h = ov
            .header
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_HEADER));
        let dir = devlink_h.parent().unwrap_or(Path::new("."));
        let genetlink_h = dir.join("genetlink.h");
        let netlink_h = dir.join("netlink.h");
        for h in [&devlink_h, &genetlink_h, &netlink_h] {
            ensure!(
                h.is_file(),
                "uapi header {} not found: install Debian's linux-libc-dev \
                 (`apt-get install linux-libc-dev`) or pass --header PATH/TO/devlink.h",
                h.display()
            );
        }
        let headers_from = match &ov.header {
            Some(_) => format!("uapi headers in {}", dir.display()),
            None => match dpkg_version("linux-libc-dev") {
                Some(v) => format!("linux-libc-dev {v}"),
                None => format!("uapi headers in {}", dir.display()),
            },
        };

        let (devlink_yaml, yaml_from) = match &ov.yaml {
            Some(p) => (p.clone(), format!("YNL specs in {}", p.display())),
            None => {
                let (dir, version) = netlink_bindings(root)?;
                (
                    dir.join("src/devlink/devlink.yaml"),
                    format!("netlink-bindings {version}"),
                )
            }
        };
        let nlctrl_yaml = match &ov.nlctrl_yaml {
            Some(p) => p.clone(),
            None => devlink_yaml
                .parent()
                .and_then(Path::parent)
                .map(|d| d.join("nlctrl/nlctrl.yaml"))
                .ok_or_else(|| anyhow!("cannot place nlctrl.yaml next to devlink.yaml"))?,
        };
        for y in [&devlink_yaml, &nlctrl_yaml] {
            ensure!(
                y.is_file(),
                "YNL spec {} not found (it ships in the netlink-bindings crate, a \
                 dev-dependency of devlink-wire: run `cargo fetch`, or pass --yaml / \
                 --nlctrl-yaml)",
                y.display()
            );
        }
        let overlay = root.join(OVERLAY);
        ensure!(overlay.is_file(), "overlay {} not found", overlay.display());
        Ok(Self {
            devlink_h,
            genetlink_h,
            netlink_h,
            devlink_yaml,
            nlctrl_yaml,
            overlay,
            headers_from,
            yaml_from,
        })
    }

    fn provenance(&self) -> String {
        format!(
            "{} (devlink.h, genetlink.h, netlink.h), {} (devlink.yaml, nlctrl.yaml) and {OVERLAY}",
            self.headers_from, self.yaml_from
        )
    }
}

/// Produce the generated file's text (rustfmt-formatted).
pub fn generate(root: &Path, src: &Sources) -> Result<String> {
    let inputs = model::Inputs {
        devlink_h: cheader::Header::read(&src.devlink_h)?,
        genetlink_h: cheader::Header::read(&src.genetlink_h)?,
        netlink_h: cheader::Header::read(&src.netlink_h)?,
        devlink_yaml: ynl::Spec::read(&src.devlink_yaml)?,
        nlctrl_yaml: ynl::Spec::read(&src.nlctrl_yaml)?,
        overlay: overlay::Overlay::read(&src.overlay)?,
    };
    let tables = model::build(&inputs).context("merging the table sources")?;
    let text = render::render(&tables, &src.provenance());
    rustfmt(root, &text)
}

/// Format Rust source with the workspace's rustfmt configuration.
pub fn rustfmt(root: &Path, text: &str) -> Result<String> {
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(&rustfmt)
        .current_dir(root)
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| {
            format!(
                "running {} (the pinned toolchain's rustfmt component)",
                rustfmt.to_string_lossy()
            )
        })?;
    let mut stdin = child.stdin.take().context("rustfmt stdin")?;
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().context("waiting for rustfmt")?;
    writer
        .join()
        .map_err(|_| anyhow!("rustfmt writer thread panicked"))?
        .context("writing to rustfmt")?;
    if !out.status.success() {
        bail!(
            "rustfmt failed on the generated text: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("rustfmt output is not UTF-8")
}

/// Compare the committed file with a fresh generation. The first line (provenance: the
/// exact linux-libc-dev and netlink-bindings versions) may differ, so a Debian point release
/// that leaves the headers unchanged does not count as drift; everything else must match
/// byte for byte. On drift, returns a readable report.
pub fn compare(committed: &str, fresh: &str) -> std::result::Result<(), String> {
    let (c_first, c_rest) = committed.split_once('\n').unwrap_or((committed, ""));
    let (f_first, f_rest) = fresh.split_once('\n').unwrap_or((fresh, ""));
    if c_rest == f_rest && c_first.starts_with("// @generated") {
        return Ok(());
    }
    let mut report = String::new();
    if c_first != f_first {
        report.push_str(&format!("provenance line:\n-{c_first}\n+{f_first}\n"));
    }
    report.push_str(&diff_hunk(c_rest, f_rest, 2));
    Err(report)
}

/// A one-hunk unified-style diff (common prefix and suffix trimmed), at most 60 lines a side.
fn diff_hunk(old: &str, new: &str, line_offset: usize) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suf = a.len().min(b.len()) - pre;
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suf)
        .take_while(|(x, y)| x == y)
        .count();
    let ctx = 3;
    let start = pre.saturating_sub(ctx);
    let a_end = a.len() - suf;
    let b_end = b.len() - suf;
    let mut out = format!(
        "@@ -{},{} +{},{} @@ (committed / generated)\n",
        start + line_offset,
        a_end - start,
        start + line_offset,
        b_end - start
    );
    for l in a.get(start..pre).unwrap_or_default() {
        out.push_str(&format!(" {l}\n"));
    }
    let cap = 60;
    for (sign, lines) in [('-', a.get(pre..a_end)), ('+', b.get(pre..b_end))] {
        let lines = lines.unwrap_or_default();
        for l in lines.iter().take(cap) {
            out.push_str(&format!("{sign}{l}\n"));
        }
        if lines.len() > cap {
            out.push_str(&format!("{sign}… {} more lines\n", lines.len() - cap));
        }
    }
    for l in a.get(a_end..(a_end + ctx).min(a.len())).unwrap_or_default() {
        out.push_str(&format!(" {l}\n"));
    }
    out
}

/// `dpkg-query -W -f '${Version}' PACKAGE`, if dpkg knows the package.
fn dpkg_version(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", package])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let v = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !v.trim().is_empty()).then(|| v.trim().to_owned())
}

/// The `netlink-bindings` package directory and version, from `cargo metadata`.
fn netlink_bindings(root: &Path) -> Result<(PathBuf, String)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked"]);
    cmd.arg("--manifest-path").arg(root.join("Cargo.toml"));
    // Resolve for this machine only, so no other platform's crates need downloading.
    if let Some(host) = host_triple() {
        cmd.args(["--filter-platform", &host]);
    }
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {} metadata", cargo.to_string_lossy()))?;
    ensure!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("parsing cargo metadata output")?;
    let pkgs = meta
        .get("packages")
        .and_then(serde_json::Value::as_array)
        .context("cargo metadata: no packages")?;
    let pkg = pkgs
        .iter()
        .find(|p| p.get("name").and_then(serde_json::Value::as_str) == Some("netlink-bindings"))
        .context(
            "cargo metadata lists no netlink-bindings package (it should be a dev-dependency \
             of devlink-wire); pass --yaml PATH/TO/devlink.yaml",
        )?;
    let manifest = pkg
        .get("manifest_path")
        .and_then(serde_json::Value::as_str)
        .context("netlink-bindings: no manifest_path")?;
    let version = pkg
        .get("version")
        .and_then(serde_json::Value::as_str)
        .context("netlink-bindings: no version")?;
    let dir = Path::new(manifest)
        .parent()
        .context("netlink-bindings manifest has no directory")?;
    Ok((dir.to_owned(), version.to_owned()))
}

/// The host target triple, from `rustc -vV`.
fn host_triple() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().ok()?;
    String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    //! The merge rules against the real sources, each test spoiling one input in memory.

    use super::*;

    /// Which input to edit.
    enum Edit {
        DevlinkH,
        DevlinkYaml,
        Overlay,
    }

    /// Build the model with `from` replaced by `to` in one input; the error text on failure.
    fn build_with(edit: Edit, from: &str, to: &str) -> std::result::Result<model::Tables, String> {
        let src = Sources::locate(&repo_root(), &Overrides::default())
            .unwrap_or_else(|e| panic!("cannot find the table sources: {e:#}"));
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        let mut texts = [
            read(&src.devlink_h),
            read(&src.devlink_yaml),
            read(&src.overlay),
        ];
        let i = edit as usize;
        assert!(texts[i].contains(from), "test setup: {from:?} not found");
        texts[i] = texts[i].replacen(from, to, 1);
        let [h, y, o] = texts;
        let inputs = model::Inputs {
            devlink_h: cheader::Header::parse(&src.devlink_h, &h).unwrap(),
            genetlink_h: cheader::Header::read(&src.genetlink_h).unwrap(),
            netlink_h: cheader::Header::read(&src.netlink_h).unwrap(),
            devlink_yaml: ynl::Spec::parse(&src.devlink_yaml, &y).unwrap(),
            nlctrl_yaml: ynl::Spec::read(&src.nlctrl_yaml).unwrap(),
            overlay: overlay::Overlay::parse(&o).unwrap(),
        };
        model::build(&inputs).map_err(|e| format!("{e:#}"))
    }

    fn fails_with(edit: Edit, from: &str, to: &str, msg: &str) {
        match build_with(edit, from, to) {
            Ok(_) => panic!("accepted {from:?} -> {to:?}"),
            Err(e) => assert!(e.contains(msg), "wrong error: {e}"),
        }
    }

    #[test]
    fn unedited_sources_build() {
        let t = build_with(Edit::Overlay, "[limits]", "[limits]").unwrap();
        assert_eq!(t.attr_max(), 185);
        assert_eq!(t.cmd_max(), 84);
    }

    #[test]
    fn header_and_yaml_numbering_disagreement_fails() {
        fails_with(
            Edit::DevlinkYaml,
            "        enum: param-cmode\n        value: 87",
            "        enum: param-cmode\n        value: 88",
            "DEVLINK_ATTR_PARAM_VALUE_CMODE is 87 in the uapi header but 88 in the YNL spec",
        );
    }

    #[test]
    fn header_comment_and_yaml_type_disagreement_fails() {
        fails_with(
            Edit::DevlinkH,
            "DEVLINK_ATTR_PORT_INDEX,\t\t/* u32 */",
            "DEVLINK_ATTR_PORT_INDEX,\t\t/* u16 */",
            "DEVLINK_ATTR_PORT_INDEX is U16 in the header comment but U32 in the YNL spec",
        );
    }

    #[test]
    fn overlay_repeating_a_source_fails() {
        fails_with(
            Edit::Overlay,
            "[limits]",
            "[attr.DEVLINK_ATTR_PORT_INDEX]\nkind = \"u32\"\n[limits]",
            "remove it",
        );
    }

    #[test]
    fn a_hole_in_the_attribute_numbers_fails() {
        fails_with(
            Edit::Overlay,
            "in = \"Devlink\"\nvalue = 182\nkind = \"dynamic\"",
            "",
            "enum devlink_attr has no member 182",
        );
    }

    #[test]
    fn a_nest_without_a_space_fails() {
        fails_with(
            Edit::Overlay,
            "DEVLINK_ATTR_PARAM_VALUE per cmode.\nspace = \"Devlink\"",
            "DEVLINK_ATTR_PARAM_VALUE per cmode.",
            "which space nest DEVLINK_ATTR_PARAM_VALUES_LIST is read in",
        );
    }

    #[test]
    fn stale_yaml_erratum_fails() {
        fails_with(
            Edit::Overlay,
            "[yaml_errata.NL_POLICY_TYPE_ATTR_PAD]",
            "[yaml_errata.DEVLINK_ATTR_BUS_NAME]\nyaml_value = 1\nheader_value = 2\n\
             [yaml_errata.NL_POLICY_TYPE_ATTR_PAD]",
            "no longer match",
        );
    }

    #[test]
    fn the_attribute_cap_leaves_out_newer_yaml_attributes() {
        let t = build_with(
            Edit::Overlay,
            "devlink_attr_max = 185",
            "devlink_attr_max = 186",
        )
        .unwrap();
        assert_eq!(t.attr_max(), 186);
        let t = build_with(
            Edit::Overlay,
            "devlink_attr_max = 185",
            "devlink_attr_max = 183",
        )
        .unwrap();
        assert_eq!(t.attr_max(), 183);
        assert_eq!(
            t.excluded,
            [
                "DEVLINK_ATTR_INDEX = 184",
                "DEVLINK_ATTR_RESOURCE_SCOPE_MASK = 185",
                "DEVLINK_ATTR_PARENT_DEV = 186"
            ]
        );
    }

    #[test]
    fn drift_report_shows_the_changed_line() {
        let old = "// @generated a\nx\ny = 1;\nz\n";
        let new = "// @generated b\nx\ny = 2;\nz\n";
        let r = compare(old, new).unwrap_err();
        assert!(r.contains("-y = 1;\n+y = 2;\n"), "{r}");
        assert!(compare("// @generated a\nx\n", "// @generated b\nx\n").is_ok());
    }
}
