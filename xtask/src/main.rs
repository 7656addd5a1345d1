//! `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! Commands:
//! * `gen-tables [--check] [--header PATH] [--yaml PATH] [--nlctrl-yaml PATH]`: regenerate
//!   `crates/devlink-wire/src/spec/generated.rs`; with `--check`, only compare and exit 1 on
//!   drift.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xtask::tables::{self, Overrides, Sources};

const USAGE: &str = "usage: cargo xtask gen-tables [--check] [--header PATH/TO/devlink.h] \
                     [--yaml PATH/TO/devlink.yaml] [--nlctrl-yaml PATH/TO/nlctrl.yaml]";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("gen-tables") => gen_tables(args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("{USAGE}"),
    }
}

fn gen_tables(mut args: impl Iterator<Item = String>) -> Result<ExitCode> {
    let mut check = false;
    let mut ov = Overrides::default();
    while let Some(a) = args.next() {
        let mut path = |flag: &str| -> Result<PathBuf> {
            args.next()
                .map(PathBuf::from)
                .with_context(|| format!("{flag} needs a path"))
        };
        match a.as_str() {
            "--check" => check = true,
            "--header" => ov.header = Some(path("--header")?),
            "--yaml" => ov.yaml = Some(path("--yaml")?),
            "--nlctrl-yaml" => ov.nlctrl_yaml = Some(path("--nlctrl-yaml")?),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let root = tables::repo_root();
    let src = Sources::locate(&root, &ov)?;
    let fresh = tables::generate(&root, &src)?;
    let out = root.join(tables::OUTPUT);
    if check {
        let committed =
            std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
        return Ok(match tables::compare(&committed, &fresh) {
            Ok(()) => {
                println!("{} is current", tables::OUTPUT);
                ExitCode::SUCCESS
            }
            Err(diff) => {
                eprintln!(
                    "{} differs from what the sources produce:\n{diff}\nrun `cargo xtask gen-tables`",
                    tables::OUTPUT
                );
                ExitCode::FAILURE
            }
        });
    }
    std::fs::write(&out, &fresh).with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {}", tables::OUTPUT);
    Ok(ExitCode::SUCCESS)
}
