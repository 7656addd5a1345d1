//! `dlctl decode` run as a process on the golden kernel captures and on hex dumps.

// Test code: a failed unwrap is a failed test.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

fn trace(name: &str) -> PathBuf {
    let dir = std::env::var_os("DEVLINK_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/traces/kernel-6.1"),
        PathBuf::from,
    );
    dir.join(name).join("netlink.pcap")
}

fn dlctl(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dlctl"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_capture_round_trips() {
    for scenario in [
        "create_1port",
        "create_4ports",
        "delete",
        "param_set",
        "reload",
    ] {
        let path = trace(scenario);
        let (code, out, err) = dlctl(&["decode", "--check-roundtrip", path.to_str().unwrap()]);
        assert_eq!(
            code,
            0,
            "{scenario}: {err}\n{}",
            out.lines()
                .filter(|l| l.contains("ROUNDTRIP"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let last = out.lines().last().unwrap();
        assert!(last.ends_with(", 0 failed"), "{scenario}: {last}");
    }
}

#[test]
fn text_names_commands_and_attributes() {
    let (code, out, _) = dlctl(&["decode", trace("create_1port").to_str().unwrap()]);
    assert_eq!(code, 0);
    // The rtnetlink step markers are listed and skipped.
    assert!(out.contains("protocol 0 ("), "{out}");
    assert!(out.contains("not generic netlink, skipped"));
    assert!(out.contains("nlctrl CTRL_CMD_GETFAMILY len 32 flags REQUEST|ACK"));
    assert!(out.contains("devlink DEVLINK_CMD_PORT_NEW len 112 flags 0 seq 0 pid 0"));
    assert!(out.contains("  DEVLINK_ATTR_PORT_NETDEV_NAME \"eth0\""));
    assert!(out.contains(
        "  DEVLINK_ATTR_TRAP_METADATA {\n    DEVLINK_ATTR_TRAP_METADATA_TYPE_IN_PORT (flag)"
    ));
    assert!(out.contains("NLMSG_ERROR len 36 flags CAPPED seq"));
}

#[test]
fn json_output_parses_and_carries_values() {
    let (code, out, _) = dlctl(&[
        "decode",
        "-j",
        "--check-roundtrip",
        trace("param_set").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let msgs: Vec<&serde_json::Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("messages"))
        .flat_map(|m| m.as_array().unwrap())
        .collect();
    assert!(msgs.iter().all(|m| m["roundtrip"] == "ok"));
    let param_set = msgs
        .iter()
        .find(|m| m["kind"] == "devlink DEVLINK_CMD_PARAM_SET")
        .expect("a PARAM_SET request");
    let names: Vec<&str> = param_set["attrs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"DEVLINK_ATTR_PARAM_NAME"), "{names:?}");
}

#[test]
fn hex_dump_input_and_broken_messages() {
    let dir = std::env::temp_dir().join(format!("dlctl-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // wire-protocol §1.9: a [dev,new] notification, handle only, family 0x14.
    let good = dir.join("good.hex");
    std::fs::write(
        &good,
        "0000: 34 00 00 00 14 00 00 00 00 00 00 00 00 00 00 00\n\
         0010: 03 01 00 00\n\
         0014: 0e 00 01 00 6e 65 74 64 65 76 73 69 6d 00 00 00\n\
         0024: 10 00 02 00 6e 65 74 64 65 76 73 69 6d 31 30 00\n",
    )
    .unwrap();
    let (code, out, err) = dlctl(&[
        "decode",
        "--devlink-id",
        "0x14",
        "--check-roundtrip",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "clap rejects 0x14 as a u16: {out}{err}");
    let (code, out, _) = dlctl(&[
        "decode",
        "--devlink-id",
        "20",
        "--check-roundtrip",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("devlink DEVLINK_CMD_NEW len 52"));
    assert!(out.contains("DEVLINK_ATTR_DEV_NAME \"netdevsim10\""));

    // RELOAD_FAILED (u8) sent as a u32 in a dev notification: shown raw for display, and
    // the typed codec rejects it, naming command and attribute.
    let bad = dir.join("bad.hex");
    std::fs::write(
        &bad,
        "38 00 00 00 14 00 00 00 00 00 00 00 00 00 00 00 03 01 00 00\n\
         08 00 01 00 70 63 69 00\n\
         11 00 02 00 30 30 30 30 3a 30 33 3a 30 30 2e 30 00 00 00 00\n\
         08 00 88 00 01 00 00 00\n",
    )
    .unwrap();
    let (code, out, _) = dlctl(&[
        "decode",
        "--devlink-id",
        "20",
        "--check-roundtrip",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DEVLINK_ATTR_RELOAD_FAILED raw [01 00 00 00] (payload does not fit"),
        "{out}"
    );
    assert!(
        out.contains("ROUNDTRIP: decode failed: DEVLINK_CMD_NEW: DEVLINK_ATTR_RELOAD_FAILED: expected 1 bytes, got 4"),
        "{out}"
    );

    let (code, _, err) = dlctl(&["decode", dir.join("missing").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--check-order` over the 6.1 captures: the ones that start before their device was
/// created are checked in full and keep every rule; in the others the device existed
/// before the capture (kernel-semantics N1), so its notifications are not judged.
#[test]
fn check_order_on_the_kernel_captures() {
    for (scenario, summary) in [
        (
            "create_4ports",
            "31 notifications checked, 0 order violations (0 about instances registered before the capture, not checked)",
        ),
        (
            "delete",
            "0 notifications checked, 0 order violations (31 about instances registered before the capture, not checked)",
        ),
    ] {
        let (code, out, _) = dlctl(&["decode", "--check-order", trace(scenario).to_str().unwrap()]);
        assert_eq!(code, 0, "{scenario}");
        assert_eq!(out.lines().last(), Some(summary), "{scenario}");
    }
}

/// A hand-crafted hex dump: a device's NEW, its port, then the device's DEL with the
/// port left, then a port of the device after its DEL.
#[test]
fn check_order_flags_an_out_of_order_hex_dump() {
    use devlink_wire::devlink::{Dev, Handle, Port};
    use devlink_wire::message::DevlinkBody;
    use devlink_wire::spec::Cmd;

    let h = Handle::new("netdevsim", "netdevsim0");
    let dev = DevlinkBody::from(Dev {
        handle: h.clone(),
        ..Dev::default()
    });
    let port = |h: &Handle| DevlinkBody::Port(std::sync::Arc::new(Port::new(h.clone(), 1)));
    let stream = [
        (Cmd::New, dev.clone()),
        (Cmd::PortNew, port(&h)),
        (Cmd::Del, dev),
        (Cmd::PortNew, port(&h)),
    ];
    let mut hex = String::new();
    for (cmd, body) in stream {
        let bytes = devlink_client::msg::devlink_message(0x14, 0, 0, cmd, body);
        for b in bytes {
            hex.push_str(&format!("{b:02x}"));
        }
        hex.push_str("\n\n");
    }
    let file = std::env::temp_dir().join(format!("dlctl-order-{}.hex", std::process::id()));
    std::fs::write(&file, hex).unwrap();
    let (code, out, _) = dlctl(&[
        "decode",
        "--check-order",
        "--devlink-id",
        "20",
        file.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&file);
    let found: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("order violation:"))
        .collect();
    assert_eq!(
        found,
        [
            "#2 order violation: event 2: netdevsim/netdevsim0 DEL while port 1 is still announced",
            "#3 order violation: event 3: PortNew about netdevsim/netdevsim0 outside its NEW..DEL window",
        ]
    );
    assert_eq!(code, 1);
}
