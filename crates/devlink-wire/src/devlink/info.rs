//! Device information: the `DEVLINK_CMD_INFO_GET` reply. Kernel: `net/devlink/dev.c`
//! (`devlink_nl_info_fill`, `devlink_info_version_put`, `devlink_nl_driver_info_get`).
//!
//! After the handle come the attributes the driver's `info_get` adds, in the order it adds
//! them (serial numbers and any number of version nests, interleaved as the driver likes),
//! and `INFO_DRIVER_NAME`, which the core adds **last** on mainline but **first** on older
//! kernels (6.1 captures). The body is therefore an ordered list of items.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::Attr;

use super::body::{AttrError, Body, DecodeCtx, UnknownAttr, encode_unknown};
use super::handle::Handle;
use super::notify::{get, need, put, walk, walk_attrs};

/// Which version list a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InfoVersionKind {
    /// `DEVLINK_ATTR_INFO_VERSION_FIXED`: hardware identifiers (board id, ASIC revision).
    Fixed,
    /// `DEVLINK_ATTR_INFO_VERSION_RUNNING`: what runs now.
    Running,
    /// `DEVLINK_ATTR_INFO_VERSION_STORED`: what is in flash, active after a reset.
    Stored,
}

impl InfoVersionKind {
    /// The nest attribute of this list.
    #[must_use]
    pub const fn attr(self) -> Attr {
        match self {
            Self::Fixed => Attr::InfoVersionFixed,
            Self::Running => Attr::InfoVersionRunning,
            Self::Stored => Attr::InfoVersionStored,
        }
    }

    /// The list a nest attribute stands for.
    #[must_use]
    pub const fn from_attr(a: Attr) -> Option<Self> {
        match a {
            Attr::InfoVersionFixed => Some(Self::Fixed),
            Attr::InfoVersionRunning => Some(Self::Running),
            Attr::InfoVersionStored => Some(Self::Stored),
            _ => None,
        }
    }
}

/// One `DEVLINK_ATTR_INFO_VERSION_{FIXED,RUNNING,STORED}` nest (no `NLA_F_NESTED`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoVersion {
    /// Which list (the nest's attribute type).
    pub kind: InfoVersionKind,
    /// `DEVLINK_ATTR_INFO_VERSION_NAME`, e.g. `fw.mgmt`.
    pub name: String,
    /// `DEVLINK_ATTR_INFO_VERSION_VALUE`; the kernel never emits an empty one.
    pub value: String,
    /// Attributes inside the nest not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl InfoVersion {
    /// A version without extra attributes.
    #[must_use]
    pub fn new(kind: InfoVersionKind, name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            value: value.into(),
            unknown: Vec::new(),
        }
    }

    fn decode_nest(kind: InfoVersionKind, nest: &RawAttr<'_>) -> Result<Self, AttrError> {
        let (mut name, mut value) = (None, None);
        let unknown = walk_attrs(nest.nested(), |k, a| {
            match k {
                Attr::InfoVersionName => name = Some(get(a)?),
                Attr::InfoVersionValue => value = Some(get(a)?),
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(Self {
            kind,
            name: need(name, Attr::InfoVersionName, nest)?,
            value: need(value, Attr::InfoVersionValue, nest)?,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        let n = e.nest(self.kind.attr() as u16, false);
        put(e, Attr::InfoVersionName, &self.name);
        put(e, Attr::InfoVersionValue, &self.value);
        encode_unknown(&self.unknown, e);
        e.end(n);
    }
}

/// One attribute of the info body after the handle, in wire order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InfoItem {
    /// `DEVLINK_ATTR_INFO_SERIAL_NUMBER`.
    SerialNumber(String),
    /// `DEVLINK_ATTR_INFO_BOARD_SERIAL_NUMBER`.
    BoardSerialNumber(String),
    /// `DEVLINK_ATTR_INFO_VERSION_FIXED` / `_RUNNING` / `_STORED`.
    Version(InfoVersion),
    /// `DEVLINK_ATTR_INFO_DRIVER_NAME`.
    DriverName(String),
}

/// The `DEVLINK_CMD_INFO_GET` reply (do and dump; no notifications).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// `BUS_NAME`, `DEV_NAME`.
    pub handle: Handle,
    /// Serial numbers, versions and the driver name, in wire order.
    pub items: Vec<InfoItem>,
    /// Attributes not modelled here, re-emitted last.
    pub unknown: Vec<UnknownAttr>,
}

impl Info {
    /// The mainline layout: serial number, board serial number, the versions in the given
    /// order (what a typical driver adds), then the driver name (added by the core).
    #[must_use]
    pub fn mainline(
        handle: Handle,
        serial_number: Option<String>,
        board_serial_number: Option<String>,
        versions: Vec<InfoVersion>,
        driver_name: Option<String>,
    ) -> Self {
        let items = serial_number
            .map(InfoItem::SerialNumber)
            .into_iter()
            .chain(board_serial_number.map(InfoItem::BoardSerialNumber))
            .chain(versions.into_iter().map(InfoItem::Version))
            .chain(driver_name.map(InfoItem::DriverName))
            .collect();
        Self {
            handle,
            items,
            unknown: Vec::new(),
        }
    }

    /// `INFO_DRIVER_NAME`, if present.
    #[must_use]
    pub fn driver_name(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            InfoItem::DriverName(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// `INFO_SERIAL_NUMBER`, if present.
    #[must_use]
    pub fn serial_number(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            InfoItem::SerialNumber(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// `INFO_BOARD_SERIAL_NUMBER`, if present.
    #[must_use]
    pub fn board_serial_number(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            InfoItem::BoardSerialNumber(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// The versions, in wire order (all three lists interleaved).
    pub fn versions(&self) -> impl Iterator<Item = &InfoVersion> {
        self.items.iter().filter_map(|i| match i {
            InfoItem::Version(v) => Some(v),
            _ => None,
        })
    }
}

impl Body for Info {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let mut items = Vec::new();
        let (h, unknown) = walk(attrs, |k, a| {
            let item = match k {
                Attr::InfoSerialNumber => InfoItem::SerialNumber(get(a)?),
                Attr::InfoBoardSerialNumber => InfoItem::BoardSerialNumber(get(a)?),
                Attr::InfoDriverName => InfoItem::DriverName(get(a)?),
                _ => match InfoVersionKind::from_attr(k) {
                    Some(kind) => InfoItem::Version(InfoVersion::decode_nest(kind, a)?),
                    None => return Ok(false),
                },
            };
            items.push(item);
            Ok(true)
        })?;
        Ok(Self {
            handle: h.finish()?,
            items,
            unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        self.handle.encode(e);
        for item in &self.items {
            match item {
                InfoItem::SerialNumber(s) => put(e, Attr::InfoSerialNumber, s),
                InfoItem::BoardSerialNumber(s) => put(e, Attr::InfoBoardSerialNumber, s),
                InfoItem::Version(v) => v.encode(e),
                InfoItem::DriverName(s) => put(e, Attr::InfoDriverName, s),
            }
        }
        encode_unknown(&self.unknown, e);
    }
}

#[cfg(test)]
mod tests {
    use super::super::notify::testkit::{NSIM14, decode, hex, identity, roundtrip};
    use super::*;
    use crate::devlink::AttrErrorKind;
    use proptest::prelude::*;

    const FW_MGMT: &str = "0c00670066772e6d676d7400 0d00680031302e32302e333000000000";

    #[test]
    fn info_from_6_1_capture_driver_name_first() {
        // 6.1 puts INFO_DRIVER_NAME before the driver's attributes; it must stay there.
        let body = hex(&format!(
            "{NSIM14} 0e0062006e657464657673696d000000
             20006600 {FW_MGMT} 20006500 {FW_MGMT}"
        ));
        let info: Info = roundtrip(&body);
        assert_eq!(info.driver_name(), Some("netdevsim"));
        assert!(matches!(info.items[0], InfoItem::DriverName(_)));
        let v: Vec<_> = info.versions().collect();
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0],
            &InfoVersion::new(InfoVersionKind::Stored, "fw.mgmt", "10.20.30")
        );
        assert_eq!(v[1].kind, InfoVersionKind::Running);
        assert_eq!(info.serial_number(), None);
    }

    #[test]
    fn mainline_layout() {
        let info = Info::mainline(
            Handle::new("netdevsim", "netdevsim14"),
            Some("sn1".into()),
            Some("bsn".into()),
            vec![
                InfoVersion::new(InfoVersionKind::Fixed, "board.id", "x"),
                InfoVersion::new(InfoVersionKind::Running, "fw", "1"),
            ],
            Some("netdevsim".into()),
        );
        assert!(matches!(info.items.last(), Some(InfoItem::DriverName(_))));
        assert_eq!(info.board_serial_number(), Some("bsn"));
        identity(&info);
    }

    #[test]
    fn version_needs_name_and_value() {
        // A RUNNING nest with only a name.
        let body = hex(&format!("{NSIM14} 10006500 0c00670066772e6d676d7400"));
        let err = decode::<Info>(&body, false).unwrap_err();
        assert_eq!(err.attr, Attr::InfoVersionValue as u16);
        assert_eq!(err.kind, AttrErrorKind::Missing);
        assert_eq!(
            err.offset,
            Some(20 + 32),
            "offset of the nest it is missing from"
        );
    }

    #[test]
    fn serial_must_be_a_string() {
        let body = hex(&format!("{NSIM14} 08006300 41424344"));
        let err = decode::<Info>(&body, false).unwrap_err();
        assert_eq!(
            (err.attr, err.offset),
            (Attr::InfoSerialNumber as u16, Some(52))
        );
    }

    #[test]
    fn unknown_kept_inside_versions_and_at_top() {
        let body = hex(&format!(
            "{NSIM14} 28006600 {FW_MGMT} 0800ff01 01000000 05004c01 07000000"
        ));
        let info: Info = roundtrip(&body);
        let v = info.versions().next().unwrap();
        assert_eq!(v.unknown[0].raw_type, 0x1ff);
        assert_eq!(info.unknown[0].raw_type, 0x14c);
    }

    fn version() -> impl Strategy<Value = InfoVersion> {
        (0u8..3, "[a-z.]{1,12}", "[0-9.]{1,10}").prop_map(|(k, n, v)| {
            let kind = [
                InfoVersionKind::Fixed,
                InfoVersionKind::Running,
                InfoVersionKind::Stored,
            ];
            InfoVersion::new(kind[usize::from(k)], n, v)
        })
    }

    proptest! {
        #[test]
        fn info_identity(
            driver_first: bool,
            sn in proptest::option::of("[A-Z0-9]{1,16}"),
            versions in proptest::collection::vec(version(), 0..6),
        ) {
            let mut info = Info::mainline(Handle::new("pci", "0000:01:00.0"), sn, None, versions, Some("mlx5_core".into()));
            if driver_first {
                info.items.rotate_right(1);
            }
            identity(&info);
        }
    }
}
