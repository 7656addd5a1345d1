//! Persistence of `permanent` param values: the server learns a committed value from the
//! notification stream (a `PARAM_NEW` whose permanent value differs from the one last
//! notified for that param) and hands it to a [`PermanentStore`] before anything the
//! datagram caused is written out — so when a client sees the ACK of a `PARAM_SET`
//! with cmode `permanent`, the value is durable. Devices are created with the stored
//! values in their NVM ([`devlink_sim::DeviceOptions::nvm`]), so they register with them.

use std::collections::BTreeMap;

use devlink_core::Notification;
use devlink_wire::devlink::{Handle, ParamValue};
use devlink_wire::message::DevlinkBody;
use devlink_wire::spec::{Cmd, ParamCmode};

use super::state::Server;

/// Where committed permanent values go (the daemon's state directory: `crate::store`).
pub trait PermanentStore: std::fmt::Debug {
    /// The values stored for the device `handle`, by param name.
    fn values(&self, handle: &Handle) -> BTreeMap<String, ParamValue>;

    /// Make `value` of param `name` of `handle` durable: once this returns `Ok`, no crash
    /// loses it, and none leaves a partial write behind.
    ///
    /// # Errors
    /// The value could not be made durable; the store keeps what it had.
    fn commit(&mut self, handle: &Handle, name: &str, value: &ParamValue) -> std::io::Result<()>;
}

/// The server's persistence state.
#[derive(Debug, Default)]
pub(crate) struct Persist {
    store: Option<Box<dyn PermanentStore>>,
    /// The permanent value last notified per (device, param). The first notification
    /// of a param is its registration (with the stored value, or the default when none
    /// is stored): only a later change is a commit.
    seen: BTreeMap<(Handle, String), ParamValue>,
    /// A commit that failed since the last [`Server::take_persist_error`].
    error: Option<std::io::Error>,
}

impl Server {
    /// Persist committed permanent values in `store` from now on; devices created
    /// afterwards start with its values.
    pub fn set_store(&mut self, store: Box<dyn PermanentStore>) {
        self.persist.store = Some(store);
    }

    /// The values `store` holds for a device with `handle`, to create it with.
    pub(crate) fn stored_values(&self, handle: &Handle) -> BTreeMap<String, ParamValue> {
        self.persist
            .store
            .as_ref()
            .map(|s| s.values(handle))
            .unwrap_or_default()
    }

    /// Called by `fan_out` for every notification, before anything is written out:
    /// commit a changed permanent value of a device param.
    pub(crate) fn persist_notification(&mut self, n: &Notification) {
        let DevlinkBody::Param(p) = &n.body else {
            return;
        };
        if n.cmd != Cmd::ParamNew || p.port_index.is_some() {
            return;
        }
        let Some(value) = p
            .values
            .iter()
            .find(|e| e.cmode == ParamCmode::Permanent)
            .map(|e| &e.data)
        else {
            return;
        };
        let key = (p.handle.clone(), p.name.clone());
        let before = self.persist.seen.insert(key.clone(), value.clone());
        let Some(before) = before.filter(|b| b != value) else {
            return;
        };
        let Some(store) = self.persist.store.as_mut() else {
            return;
        };
        if store.values(&p.handle).get(&p.name) == Some(value) {
            return;
        }
        if let Err(e) = store.commit(&p.handle, &p.name, value) {
            tracing::error!(dev = %p.handle, param = %p.name, error = %e, "permanent value not persisted");
            // Not committed: setting the same value again must try again.
            self.persist.seen.insert(key, before);
            self.persist.error = Some(e);
            return;
        }
        tracing::info!(dev = %p.handle, param = %p.name, ?value, "permanent value persisted");
    }

    /// A commit failed since the last call: the request that caused it fails with it.
    pub(crate) fn take_persist_error(&mut self) -> Option<std::io::Error> {
        self.persist.error.take()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use devlink_core::Core;
    use devlink_sim::DeviceOptions;
    use devlink_wire::devlink::ParamSetReq;
    use devlink_wire::nl::flags::NLM_F_ACK;
    use devlink_wire::spec::VarAttrType;

    use super::*;
    use crate::server::ServerConfig;
    use devlink_client::msg;

    type Log = Rc<RefCell<Vec<(String, String, ParamValue)>>>;

    /// An in-memory store that logs commits and can be told to fail.
    #[derive(Debug, Default)]
    struct Memory {
        values: BTreeMap<(String, String), ParamValue>,
        log: Log,
        fail: bool,
    }

    impl PermanentStore for Memory {
        fn values(&self, handle: &Handle) -> BTreeMap<String, ParamValue> {
            let h = handle.to_string();
            self.values
                .iter()
                .filter(|((d, _), _)| *d == h)
                .map(|((_, n), v)| (n.clone(), v.clone()))
                .collect()
        }

        fn commit(&mut self, h: &Handle, name: &str, value: &ParamValue) -> std::io::Result<()> {
            if self.fail {
                return Err(std::io::Error::other("disk full"));
            }
            let key = (h.to_string(), name.to_owned());
            self.values.insert(key.clone(), value.clone());
            self.log.borrow_mut().push((key.0, key.1, value.clone()));
            Ok(())
        }
    }

    fn set(seq: u32, cmode: ParamCmode, v: u32) -> Vec<u8> {
        let body = ParamSetReq {
            handle: Handle::new("netdevsim", "netdevsim0"),
            port_index: None,
            name: "msix_vec_per_pf_max".into(),
            cmode,
            reset_default: false,
            ty: VarAttrType::U32,
            value: Some(ParamValue::U32(v)),
            unknown: vec![],
        };
        msg::devlink_request(0x14, NLM_F_ACK, seq, Cmd::ParamSet, body.into())
    }

    fn server(store: Memory) -> Server {
        let mut s = Server::new(Core::new(), ServerConfig::default());
        s.set_store(Box::new(store));
        let options = DeviceOptions {
            permanent_params: true,
            ..DeviceOptions::new(0, 1)
        };
        s.new_sim_device(&options).unwrap();
        s.fan_out();
        s
    }

    /// The error of the ACK at the front of `id`'s queue.
    fn ack(s: &mut Server, id: crate::server::ConnId) -> i32 {
        let Some(crate::server::Datagram::Bytes(b)) = s.front(id) else {
            panic!("no ACK");
        };
        let m = msg::decode_all(b, 0x14);
        s.sent(id);
        match &m[0].payload {
            devlink_wire::message::Payload::Error(e) => e.error,
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn a_set_commits_once_and_registration_does_not() {
        let log = Log::default();
        let mut s = server(Memory {
            log: log.clone(),
            ..Memory::default()
        });
        assert!(log.borrow().is_empty(), "registration committed");
        let c = s.connect(true, Some(1));
        s.handle_datagram(c, &set(1, ParamCmode::Permanent, 32));
        assert_eq!(ack(&mut s, c), 0);
        s.handle_datagram(c, &set(2, ParamCmode::Permanent, 32));
        assert_eq!(ack(&mut s, c), 0);
        let expect = (
            "netdevsim/netdevsim0".to_owned(),
            "msix_vec_per_pf_max".to_owned(),
        );
        assert_eq!(
            *log.borrow(),
            vec![(expect.0, expect.1, ParamValue::U32(32))]
        );
    }

    #[test]
    fn devices_start_with_the_stored_values() {
        let mut store = Memory::default();
        let key = ("netdevsim/netdevsim0".to_owned(), "enable_sriov".to_owned());
        store.values.insert(key, ParamValue::Bool(true));
        let s = server(store);
        let id = s
            .core
            .lookup(&Handle::new("netdevsim", "netdevsim0"))
            .unwrap();
        let objects = s.core.dump_objects(id).unwrap();
        let sriov = objects.iter().find_map(|(_, b)| match b {
            DevlinkBody::Param(p) if p.name == "enable_sriov" => Some(p.values[0].data.clone()),
            _ => None,
        });
        assert_eq!(sriov, Some(ParamValue::Bool(true)));
    }

    #[test]
    fn a_failed_commit_fails_the_request() {
        let mut s = server(Memory {
            fail: true,
            ..Memory::default()
        });
        let c = s.connect(true, Some(1));
        s.handle_datagram(c, &set(1, ParamCmode::Permanent, 16));
        assert_eq!(ack(&mut s, c), -5);
        // The same value again is tried again (and fails again).
        s.handle_datagram(c, &set(2, ParamCmode::Permanent, 16));
        assert_eq!(ack(&mut s, c), -5);
    }
}
