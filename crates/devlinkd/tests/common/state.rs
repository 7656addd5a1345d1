//! A daemon with permanent params and a state directory that outlives it (the
//! persistence and crash tests restart the daemon on the same store), and the requests
//! that set and read permanent values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use devlink_client::{Connection, msg};
use devlink_wire::devlink::{Handle, ParamGetReq, ParamSetReq, ParamValue};
use devlink_wire::message::{DevlinkBody, Payload};
use devlink_wire::nl::flags::NLM_F_DUMP;
use devlink_wire::spec::{Cmd, ParamCmode};
use devlinkd::store::{Contents, PARAMS_FILE};

use super::{ACK, Daemon, FAM, T, recv_until_done};

/// The devices of [`StateDir`]'s config, both with permanent params.
pub const DEVICES: [&str; 2] = ["pci/0000:03:00.0", "pci/0000:04:00.0"];

/// A config with the [`DEVICES`] and a state directory, both outside the daemon's own
/// (removed) directory; removed on drop.
pub struct StateDir {
    pub root: PathBuf,
    args: Vec<String>,
}

impl StateDir {
    pub fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("devlinkd-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let config = root.join("devlinkd.toml");
        let devices: String = DEVICES
            .iter()
            .enumerate()
            .map(|(i, h)| {
                format!(
                    "[[device]]\nid = {}\nports = 2\nhandle = \"{h}\"\npermanent_params = true\n",
                    i + 1
                )
            })
            .collect();
        std::fs::write(&config, devices).unwrap();
        let args = vec![
            "--config".into(),
            config.display().to_string(),
            "--state-dir".into(),
            root.join("state").display().to_string(),
        ];
        Self { root, args }
    }

    pub fn start(&self) -> Daemon {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        Daemon::start(&args)
    }

    /// The store as a reader of the file sees it: `None` before the first commit, a
    /// failure if it does not parse.
    pub fn stored(&self) -> Result<Option<Contents>, String> {
        match std::fs::read(self.root.join("state").join(PARAMS_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("torn store: {e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// `PARAM_SET` of `name` of `handle` with cmode permanent; the ACK's error (0:
/// committed), or the connection's failure (the daemon is gone).
pub fn set_permanent(
    c: &Connection,
    seq: u32,
    handle: &Handle,
    name: &str,
    value: ParamValue,
) -> std::io::Result<i32> {
    let body = ParamSetReq {
        handle: handle.clone(),
        port_index: None,
        name: name.into(),
        cmode: ParamCmode::Permanent,
        reset_default: false,
        ty: value.ty(),
        value: Some(value),
        unknown: vec![],
    };
    c.send(&msg::devlink_request(
        FAM,
        ACK,
        seq,
        Cmd::ParamSet,
        body.into(),
    ))?;
    let reply = c.recv(T)?;
    match msg::decode_all(&reply, FAM).first().map(|m| &m.payload) {
        Some(Payload::Error(e)) => Ok(e.error),
        _ => Err(std::io::Error::other("no ACK")),
    }
}

/// Every permanent value the daemon shows (`PARAM_GET` dump), by device and name.
pub fn permanent_values(c: &Connection) -> BTreeMap<(String, String), ParamValue> {
    let req = msg::devlink_request(
        FAM,
        ACK | NLM_F_DUMP,
        1,
        Cmd::ParamGet,
        ParamGetReq::default().into(),
    );
    c.send(&req).unwrap();
    let mut values = BTreeMap::new();
    for m in recv_until_done(c) {
        let Payload::Devlink(d) = &m.payload else {
            continue;
        };
        let DevlinkBody::Param(p) = &d.body else {
            continue;
        };
        if let Some(e) = p.values.iter().find(|e| e.cmode == ParamCmode::Permanent) {
            values.insert((p.handle.to_string(), p.name.clone()), e.data.clone());
        }
    }
    values
}
