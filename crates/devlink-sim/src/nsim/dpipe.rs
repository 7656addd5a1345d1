//! dpipe (beyond netdevsim, modelled on mlxsw's `spectrum_dpipe.c`): the `mlxsw_meta`
//! header with the global `ethernet`, `ipv4` and `ipv6` headers, and the tables
//! `mlxsw_erif`, `mlxsw_host4`, `mlxsw_host6` and `mlxsw_adj`. Registered with the
//! reload-scoped objects (mlxsw registers them in `mlxsw_sp_init`), so a reload brings
//! them back with counters disabled.
//!
//! The router behind the tables is derived from the device's ports: every PF port is a
//! router interface (RIF index = port index, its netdev's ifindex as the mapping), with
//! one IPv4 neighbour, one IPv6 neighbour and one nexthop. Counters, once enabled, read
//! a fixed synthetic packet count per entry (no traffic flows here); the `mlxsw_adj`
//! counts exceed 2^32, as a busy nexthop's would.

use devlink_core::{CoreError, Devl, DpipeTableDef};
use devlink_wire::devlink::{
    DpipeAction, DpipeActionValue, DpipeEntry, DpipeField, DpipeFieldRef, DpipeHeader, DpipeMatch,
    DpipeMatchValue, DpipeValue,
};
use devlink_wire::spec::{
    DpipeActionType, DpipeFieldMappingType, DpipeHeaderId, DpipeMatchType, KernelEnum,
};

use super::NsimDevice;
use super::ports::PortKind;

/// `MLXSW_SP_DPIPE_TABLE_NAME_ERIF`.
pub const TABLE_ERIF: &str = "mlxsw_erif";
/// `MLXSW_SP_DPIPE_TABLE_NAME_HOST4`.
pub const TABLE_HOST4: &str = "mlxsw_host4";
/// `MLXSW_SP_DPIPE_TABLE_NAME_HOST6`.
pub const TABLE_HOST6: &str = "mlxsw_host6";
/// `MLXSW_SP_DPIPE_TABLE_NAME_ADJ`.
pub const TABLE_ADJ: &str = "mlxsw_adj";

/// `MAX_RIFS` (Spectrum-1): the size of `mlxsw_erif`.
const MAX_RIFS: u64 = 1000;

/// `MLXSW_SP_DPIPE_HEADER_METADATA`.
const HEADER_META: u32 = 0;

/// `enum mlxsw_sp_field_metadata_id`, in order, with bit width and mapping.
const META_FIELDS: [(&str, u32, DpipeFieldMappingType); 6] = [
    ("erif_port", 32, DpipeFieldMappingType::Ifindex),
    ("l3_forward", 1, DpipeFieldMappingType::None),
    ("l3_drop", 1, DpipeFieldMappingType::None),
    ("adj_index", 32, DpipeFieldMappingType::None),
    ("adj_size", 32, DpipeFieldMappingType::None),
    ("adj_hash_index", 32, DpipeFieldMappingType::None),
];
const META_ERIF_PORT: u32 = 0;
const META_L3_FORWARD: u32 = 1;
const META_L3_DROP: u32 = 2;
const META_ADJ_INDEX: u32 = 3;
const META_ADJ_SIZE: u32 = 4;
const META_ADJ_HASH_INDEX: u32 = 5;

/// The resources the host and adjacency tables use (netdevsim's tree stands in for
/// mlxsw's KVD): `/IPv4/fib`, `/IPv6/fib`, `/nexthops`, with mlxsw's units per entry.
const HOST4_RESOURCE: (u64, u64) = (2, 1);
const HOST6_RESOURCE: (u64, u64) = (5, 2);
const ADJ_RESOURCE: (u64, u64) = (7, 1);

/// `mlxsw_dpipe_headers`: the driver header, then the global ones (kernel:
/// `devlink_dpipe_header_ethernet`, `_ipv4`, `_ipv6`; every global header has one
/// field, id 0).
fn headers() -> Vec<DpipeHeader> {
    let field = |name: &str, id, bitwidth, mapping_type| DpipeField {
        name: name.into(),
        id,
        bitwidth,
        mapping_type,
        unknown: Vec::new(),
    };
    let meta = DpipeHeader {
        name: "mlxsw_meta".into(),
        id: HEADER_META,
        global: false,
        fields: (0..)
            .zip(META_FIELDS)
            .map(|(id, (name, bits, map))| field(name, id, bits, map))
            .collect(),
        unknown: Vec::new(),
    };
    let global = |name: &str, id: DpipeHeaderId, field_name: &str, bits| DpipeHeader {
        name: name.into(),
        id: id.repr(),
        global: true,
        fields: vec![field(field_name, 0, bits, DpipeFieldMappingType::None)],
        unknown: Vec::new(),
    };
    vec![
        meta,
        global("ethernet", DpipeHeaderId::Ethernet, "destination mac", 48),
        global("ipv4", DpipeHeaderId::Ipv4, "destination ip", 32),
        global("ipv6", DpipeHeaderId::Ipv6, "destination ip", 128),
    ]
}

/// A field of the driver header.
const fn meta(field_id: u32) -> DpipeFieldRef {
    DpipeFieldRef {
        header_index: 0,
        header_id: HEADER_META,
        field_id,
        global: false,
    }
}

/// The one field (id 0) of a global header.
fn global(header: DpipeHeaderId) -> DpipeFieldRef {
    DpipeFieldRef {
        header_index: 0,
        header_id: header.repr(),
        field_id: 0,
        global: true,
    }
}

fn exact(field: DpipeFieldRef) -> DpipeMatch {
    DpipeMatch {
        match_type: DpipeMatchType::FieldExact,
        field,
        unknown: Vec::new(),
    }
}

fn modify(field: DpipeFieldRef) -> DpipeAction {
    DpipeAction {
        action_type: DpipeActionType::FieldModify,
        field,
        unknown: Vec::new(),
    }
}

/// The tables as `mlxsw_sp_dpipe_init` registers them (their `matches_dump` and
/// `actions_dump`), with their resources.
fn tables() -> Vec<(DpipeTableDef, Option<(u64, u64)>)> {
    let def = |name: &str, matches, actions| DpipeTableDef {
        name: name.into(),
        counter_control_extern: false,
        matches,
        actions,
    };
    let dst_mac = modify(global(DpipeHeaderId::Ethernet));
    vec![
        (
            def(
                TABLE_ERIF,
                vec![exact(meta(META_ERIF_PORT))],
                vec![modify(meta(META_L3_FORWARD)), modify(meta(META_L3_DROP))],
            ),
            None,
        ),
        (
            def(
                TABLE_HOST4,
                vec![
                    exact(meta(META_ERIF_PORT)),
                    exact(global(DpipeHeaderId::Ipv4)),
                ],
                vec![dst_mac.clone()],
            ),
            Some(HOST4_RESOURCE),
        ),
        (
            def(
                TABLE_HOST6,
                vec![
                    exact(meta(META_ERIF_PORT)),
                    exact(global(DpipeHeaderId::Ipv6)),
                ],
                vec![dst_mac.clone()],
            ),
            Some(HOST6_RESOURCE),
        ),
        (
            def(
                TABLE_ADJ,
                vec![
                    exact(meta(META_ADJ_INDEX)),
                    exact(meta(META_ADJ_SIZE)),
                    exact(meta(META_ADJ_HASH_INDEX)),
                ],
                vec![dst_mac, modify(meta(META_ERIF_PORT))],
            ),
            Some(ADJ_RESOURCE),
        ),
    ]
}

/// `mlxsw_sp_dpipe_init`: headers, then the tables in order, each with its resource.
pub(super) fn init(devl: &mut Devl<'_>) -> Result<(), CoreError> {
    devl.dpipe_headers_register(headers());
    for (def, resource) in tables() {
        let name = def.name.clone();
        devl.dpipe_table_register(def)?;
        if let Some((id, units)) = resource {
            devl.dpipe_table_resource_set(&name, id, units)?;
        }
    }
    Ok(())
}

/// `mlxsw_sp_dpipe_fini`: the tables in reverse, then the headers.
pub(super) fn fini(devl: &mut Devl<'_>) {
    for (def, _) in tables().iter().rev() {
        devl.dpipe_table_unregister(&def.name);
    }
    devl.dpipe_headers_unregister();
}

/// A router interface: a PF port and its netdev.
#[derive(Debug, Clone, Copy)]
struct Rif {
    index: u32,
    ifindex: u32,
}

impl Rif {
    /// The RIF index matched, mapped to the netdev's ifindex.
    fn erif_value(self) -> DpipeValue {
        DpipeValue {
            value: self.index.to_ne_bytes().to_vec(),
            mask: None,
            mapping: Some(self.ifindex),
        }
    }

    /// The neighbour's (and the nexthop's) MAC address, in a `u64` value as mlxsw
    /// sends it (`02:00:00:00:RR:RR`, the RIF index + 1; the last two bytes unused).
    fn neigh_mac(self) -> DpipeValue {
        let n = self.index.wrapping_add(1).to_be_bytes();
        plain(vec![0x02, 0, n[0], n[1], n[2], n[3], 0, 0])
    }

    /// The IPv4 neighbour: 198.51.100.0 + RIF index + 1, a host-order `u32` as
    /// `mlxsw_sp_neigh4_entry_dip` gives it.
    fn neigh4(self) -> DpipeValue {
        let ip = 0xc633_6400_u32.wrapping_add(self.index).wrapping_add(1);
        plain(ip.to_ne_bytes().to_vec())
    }

    /// The IPv6 neighbour: 2001:db8::(RIF index + 1).
    fn neigh6(self) -> DpipeValue {
        let mut ip = vec![0x20, 0x01, 0x0d, 0xb8];
        ip.resize(12, 0);
        ip.extend(self.index.wrapping_add(1).to_be_bytes());
        plain(ip)
    }
}

fn plain(value: Vec<u8>) -> DpipeValue {
    DpipeValue {
        value,
        mask: None,
        mapping: None,
    }
}

fn u32_value(v: u32) -> DpipeValue {
    plain(v.to_ne_bytes().to_vec())
}

fn match_value(field: DpipeFieldRef, value: DpipeValue) -> DpipeMatchValue {
    DpipeMatchValue {
        field_match: exact(field),
        value,
        unknown: Vec::new(),
    }
}

fn action_value(field: DpipeFieldRef, value: DpipeValue) -> DpipeActionValue {
    DpipeActionValue {
        action: modify(field),
        value,
        unknown: Vec::new(),
    }
}

fn entry(
    index: u64,
    counter: Option<u64>,
    match_values: Vec<DpipeMatchValue>,
    action_values: Vec<DpipeActionValue>,
) -> DpipeEntry {
    DpipeEntry {
        index,
        counter,
        match_values,
        action_values,
        unknown: Vec::new(),
    }
}

impl NsimDevice {
    /// The router interfaces: PF ports, ascending index.
    fn rifs(&self) -> Vec<Rif> {
        let mut rifs: Vec<Rif> = self
            .ports
            .iter()
            .filter(|(_, kind)| *kind == PortKind::Pf)
            .filter_map(|&(index, _)| {
                let ifindex = *self.ifindexes.get(&index)?;
                Some(Rif { index, ifindex })
            })
            .collect();
        rifs.sort_by_key(|r| r.index);
        rifs
    }

    /// The tables' `size_get`: `MAX_RIFS` for `mlxsw_erif`, the entry count for the
    /// others.
    pub(super) fn dpipe_size(&self, table: &str) -> u64 {
        let rifs = u64::try_from(self.rifs().len()).unwrap_or(u64::MAX);
        match table {
            TABLE_ERIF => MAX_RIFS,
            TABLE_HOST4 | TABLE_HOST6 | TABLE_ADJ => rifs,
            _ => 0,
        }
    }

    /// The tables' `entries_dump`: one entry per RIF, a counter only while counters
    /// are enabled.
    pub(super) fn dpipe_entries(&self, table: &str, counters: bool) -> Vec<DpipeEntry> {
        let count = |v: u64| counters.then_some(v);
        let mac = global(DpipeHeaderId::Ethernet);
        self.rifs()
            .into_iter()
            .zip(0u64..)
            .filter_map(|(rif, n)| {
                let r = u64::from(rif.index);
                Some(match table {
                    // mlxsw_sp_erif_entry_get: index = RIF index, forward = 1.
                    TABLE_ERIF => entry(
                        r,
                        count(1000 * (r + 1)),
                        vec![match_value(meta(META_ERIF_PORT), rif.erif_value())],
                        vec![action_value(meta(META_L3_FORWARD), u32_value(1))],
                    ),
                    TABLE_HOST4 => entry(
                        n,
                        count(100 * (r + 1)),
                        vec![
                            match_value(meta(META_ERIF_PORT), rif.erif_value()),
                            match_value(global(DpipeHeaderId::Ipv4), rif.neigh4()),
                        ],
                        vec![action_value(mac, rif.neigh_mac())],
                    ),
                    TABLE_HOST6 => entry(
                        n,
                        count(200 * (r + 1)),
                        vec![
                            match_value(meta(META_ERIF_PORT), rif.erif_value()),
                            match_value(global(DpipeHeaderId::Ipv6), rif.neigh6()),
                        ],
                        vec![action_value(mac, rif.neigh_mac())],
                    ),
                    // One nexthop per RIF, in adjacency groups of 4 entries.
                    TABLE_ADJ => entry(
                        n,
                        count((1 << 32) + 10 * (r + 1)),
                        vec![
                            match_value(meta(META_ADJ_INDEX), u32_value(rif.index.wrapping_mul(4))),
                            match_value(meta(META_ADJ_SIZE), u32_value(1)),
                            match_value(meta(META_ADJ_HASH_INDEX), u32_value(0)),
                        ],
                        vec![
                            action_value(mac, rif.neigh_mac()),
                            action_value(meta(META_ERIF_PORT), rif.erif_value()),
                        ],
                    ),
                    _ => return None,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use devlink_core::{Core, Errno, Request, Response};
    use devlink_wire::devlink::{
        DevReq, DpipeCountersSetReq, DpipeEntriesGetReq, DpipeTableGetReq, Handle,
    };
    use devlink_wire::message::DevlinkBody;
    use devlink_wire::spec::{Cmd, ReloadAction, ReloadLimit};

    use super::*;
    use crate::{DeviceOptions, probe};

    fn handle() -> Handle {
        Handle::new("netdevsim", "netdevsim3")
    }

    /// One request; the bodies of its replies, or the errno.
    fn ask(core: &mut Core, cmd: Cmd, body: DevlinkBody) -> Result<Vec<DevlinkBody>, Errno> {
        let request = Request {
            cmd,
            body,
            dump: false,
            admin: true,
        };
        match core.handle_request(request) {
            Ok(a) => match a.response {
                Response::Multi(r) | Response::Do(r) => Ok(r.into_iter().map(|r| r.body).collect()),
                other => panic!("{other:?}"),
            },
            Err(e) => Err(e.errno),
        }
    }

    fn entries(core: &mut Core, table: &str) -> Vec<DpipeEntry> {
        let req = DpipeEntriesGetReq {
            handle: handle(),
            table_name: table.into(),
            unknown: Vec::new(),
        };
        let replies = ask(core, Cmd::DpipeEntriesGet, req.into()).unwrap();
        let [DevlinkBody::DpipeEntries(e)] = replies.as_slice() else {
            panic!("{replies:?}")
        };
        e.entries.clone()
    }

    fn counters(core: &mut Core, table: &str, on: bool) -> Result<Vec<DevlinkBody>, Errno> {
        let req = DpipeCountersSetReq {
            handle: handle(),
            table_name: table.into(),
            counters_enabled: u8::from(on),
            unknown: Vec::new(),
        };
        ask(core, Cmd::DpipeTableCountersSet, req.into())
    }

    fn device(dpipe: bool) -> (Core, devlink_core::InstanceId) {
        let mut core = Core::new();
        let opts = DeviceOptions {
            dpipe,
            ..DeviceOptions::new(3, 2)
        };
        let id = probe(&mut core, &opts).unwrap();
        (core, id)
    }

    #[test]
    fn registers_mlxsw_headers_and_tables() {
        let (mut core, _) = device(true);
        let headers = DevReq {
            handle: Some(handle()),
            unknown: Vec::new(),
        };
        let replies = ask(&mut core, Cmd::DpipeHeadersGet, headers.into()).unwrap();
        let [DevlinkBody::DpipeHeaders(h)] = replies.as_slice() else {
            panic!("{replies:?}")
        };
        let names: Vec<_> = h
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.global))
            .collect();
        assert_eq!(
            names,
            [
                ("mlxsw_meta", false),
                ("ethernet", true),
                ("ipv4", true),
                ("ipv6", true)
            ]
        );
        assert_eq!(h.headers[0].fields.len(), 6);
        assert_eq!(
            h.headers[0].fields[0].mapping_type,
            DpipeFieldMappingType::Ifindex
        );

        let req = DpipeTableGetReq {
            handle: handle(),
            table_name: None,
            unknown: Vec::new(),
        };
        let replies = ask(&mut core, Cmd::DpipeTableGet, req.into()).unwrap();
        let [DevlinkBody::DpipeTables(t)] = replies.as_slice() else {
            panic!("{replies:?}")
        };
        let tables: Vec<_> = t
            .tables
            .iter()
            .map(|t| (t.name.as_str(), t.size, t.resource.map(|r| (r.id, r.units))))
            .collect();
        assert_eq!(
            tables,
            [
                (TABLE_ERIF, 1000, None),
                (TABLE_HOST4, 2, Some((2, 1))),
                (TABLE_HOST6, 2, Some((5, 2))),
                (TABLE_ADJ, 2, Some((7, 1))),
            ]
        );
        assert_eq!(
            (t.tables[0].matches.len(), t.tables[0].actions.len()),
            (1, 2)
        );
        assert_eq!(
            (t.tables[3].matches.len(), t.tables[3].actions.len()),
            (3, 2)
        );
    }

    #[test]
    fn entries_follow_the_ports_and_counters_follow_the_switch() {
        let (mut core, id) = device(true);
        let erif = entries(&mut core, TABLE_ERIF);
        // Ports 0 and 1, netdevs from ifindex 2.
        let rifs: Vec<_> = erif
            .iter()
            .map(|e| (e.index, e.counter, e.match_values[0].value.mapping))
            .collect();
        assert_eq!(rifs, [(0, None, Some(2)), (1, None, Some(3))]);
        let host4 = entries(&mut core, TABLE_HOST4);
        assert_eq!(
            host4[1].match_values[1].value.value,
            0xc633_6402_u32.to_ne_bytes()
        );
        assert_eq!(
            host4[1].action_values[0].value.value,
            [2, 0, 0, 0, 0, 2, 0, 0]
        );

        counters(&mut core, TABLE_ADJ, true).unwrap();
        let adj = entries(&mut core, TABLE_ADJ);
        assert_eq!(adj[0].counter, Some((1 << 32) + 10));
        assert!(
            entries(&mut core, TABLE_HOST6)
                .iter()
                .all(|e| e.counter.is_none())
        );
        counters(&mut core, TABLE_ADJ, false).unwrap();
        assert!(
            entries(&mut core, TABLE_ADJ)
                .iter()
                .all(|e| e.counter.is_none())
        );
        assert_eq!(counters(&mut core, "nope", true), Err(Errno::EINVAL));

        // A reload re-creates the tables: counters off again.
        counters(&mut core, TABLE_ERIF, true).unwrap();
        core.reload(id, ReloadAction::DriverReinit, ReloadLimit::Unspec)
            .unwrap();
        assert!(
            entries(&mut core, TABLE_ERIF)
                .iter()
                .all(|e| e.counter.is_none())
        );
    }

    #[test]
    fn large_tables_split_into_kernel_sized_messages() {
        let mut core = Core::new();
        let opts = DeviceOptions {
            dpipe: true,
            ..DeviceOptions::new(3, 40)
        };
        probe(&mut core, &opts).unwrap();
        let req = DpipeEntriesGetReq {
            handle: handle(),
            table_name: TABLE_HOST6.into(),
            unknown: Vec::new(),
        };
        let replies = ask(&mut core, Cmd::DpipeEntriesGet, req.into()).unwrap();
        assert!(replies.len() > 1, "{}", replies.len());
        let mut indexes = Vec::new();
        for r in &replies {
            let DevlinkBody::DpipeEntries(e) = r else {
                panic!("{r:?}")
            };
            let mut buf = Vec::new();
            let mut em = devlink_wire::nl::Emitter::new(&mut buf);
            devlink_wire::devlink::Body::encode(e.as_ref(), &mut em);
            em.finish().unwrap();
            // nlmsghdr + genlmsghdr + attributes within NLMSG_GOODSIZE.
            assert!(20 + buf.len() <= 3776, "{}", buf.len());
            indexes.extend(e.entries.iter().map(|e| e.index));
        }
        assert_eq!(indexes, (0..40).collect::<Vec<u64>>());
    }

    #[test]
    fn off_by_default() {
        let (mut core, _) = device(false);
        let headers = DevReq {
            handle: Some(handle()),
            unknown: Vec::new(),
        };
        assert_eq!(
            ask(&mut core, Cmd::DpipeHeadersGet, headers.into()),
            Err(Errno::EOPNOTSUPP)
        );
    }
}
