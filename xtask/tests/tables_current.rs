//! The committed `crates/devlink-wire/src/spec/generated.rs` must be exactly what
//! `cargo xtask gen-tables` produces from the installed sources. A missing source is a
//! failure, not a skip: CI installs `linux-libc-dev`, and the YNL specs come with the
//! `netlink-bindings` dev-dependency of devlink-wire.

use xtask::tables::{self, Overrides, Sources};

#[test]
fn generated_tables_are_current() {
    let root = tables::repo_root();
    let src = Sources::locate(&root, &Overrides::default())
        .unwrap_or_else(|e| panic!("cannot find the table sources: {e:#}"));
    let fresh = tables::generate(&root, &src)
        .unwrap_or_else(|e| panic!("cannot generate the tables: {e:#}"));
    let path = root.join(tables::OUTPUT);
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if let Err(diff) = tables::compare(&committed, &fresh) {
        panic!(
            "{} is not what the sources produce:\n{diff}\nrun `cargo xtask gen-tables` (and \
             review the diff: a changed number is a protocol change)",
            tables::OUTPUT
        );
    }
}
