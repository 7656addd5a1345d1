//! The typed bodies of the `devlinkd_sim` family: requests (what `/sys/bus/netdevsim/`
//! and debugfs take as text, as attributes) and the device reply. Attributes are
//! emitted in [`SimAttr`] order; unknown ones are kept and re-emitted last.

use crate::devlink::{
    AttrError, AttrErrorKind, Body, DecodeCtx, UnknownAttr, each, encode_unknown,
};
use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::Space;

use super::consts::SimAttr;

/// When a new device registers its devlink instance (`DEVLINKD_SIM_ATTR_REGISTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Register {
    /// 0: last, as Debian 6.1's netdevsim (the default).
    #[default]
    Last = 0,
    /// 1: first, as mainline's netdevsim.
    First = 1,
}

/// The e-switch mode a new device starts in (`DEVLINKD_SIM_ATTR_ESWITCH`, the
/// `DEVLINK_ESWITCH_MODE_*` numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimEswitch {
    /// 0: `DEVLINK_ESWITCH_MODE_LEGACY` (the default).
    #[default]
    Legacy = 0,
    /// 1: `DEVLINK_ESWITCH_MODE_SWITCHDEV`.
    Switchdev = 1,
}

/// `NEW_DEVICE`: `new_device "ID PORTS"` and the simulator's options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewDevice {
    /// `ID` (required).
    pub id: u32,
    /// `PORTS` (default 1).
    pub ports: Option<u32>,
    /// `REGISTER`.
    pub register: Option<Register>,
    /// `HANDLE` (`bus/name`; default `netdevsim/netdevsim<ID>`).
    pub handle: Option<String>,
    /// `ESWITCH`.
    pub eswitch: Option<SimEswitch>,
    /// `VFS` enabled after probe.
    pub vfs: Option<u32>,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `GET` (do: `ID` required; dump: none, or `ID` as a filter) and `DEL_DEVICE`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceReq {
    /// `ID`.
    pub id: Option<u32>,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `NEW_PORT` / `DEL_PORT`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortReq {
    /// `ID`.
    pub id: u32,
    /// `PORT_INDEX`.
    pub index: u32,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `SRIOV_NUMVFS`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumVfsReq {
    /// `ID`.
    pub id: u32,
    /// `VFS`.
    pub vfs: u32,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `SET_KNOB`: write `value` into debugfs knob `name` of device `id`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetKnobReq {
    /// `ID`.
    pub id: u32,
    /// `KNOB_NAME`.
    pub name: String,
    /// `KNOB_VALUE`.
    pub value: String,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// One knob of a device: a `KNOB` nest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Knob {
    /// `KNOB_NAME`.
    pub name: String,
    /// `KNOB_VALUE`: the value as debugfs prints it; absent when it cannot be read.
    pub value: Option<String>,
    /// `KNOB_WRITE_ONLY`.
    pub write_only: bool,
    /// Attributes of the nest not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// `DEVICE`: a device with its knobs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimDevice {
    /// `ID`.
    pub id: u32,
    /// `HANDLE`: its devlink handle.
    pub handle: String,
    /// `VFS`: the VF count.
    pub vfs: u32,
    /// `KNOB`s, in the simulator's order.
    pub knobs: Vec<Knob>,
    /// Attributes not modelled here.
    pub unknown: Vec<UnknownAttr>,
}

/// Every attribute a body may carry, decoded once; bodies pick theirs.
#[derive(Default)]
struct Attrs {
    id: Option<u32>,
    ports: Option<u32>,
    register: Option<Register>,
    handle: Option<String>,
    eswitch: Option<SimEswitch>,
    vfs: Option<u32>,
    port_index: Option<u32>,
    knobs: Vec<Knob>,
    knob_name: Option<String>,
    knob_value: Option<String>,
    write_only: bool,
    unknown: Vec<UnknownAttr>,
    /// Offset of the enclosing nest, for missing-attribute errors.
    nest: Option<usize>,
}

impl Attrs {
    fn parse(attrs: AttrIter<'_>, nest: Option<usize>) -> Result<Self, AttrError> {
        let mut a = Self {
            nest,
            ..Self::default()
        };
        for raw in each(attrs, Space::Simctl) {
            let raw = raw?;
            let bad = |e| AttrError::bad(Space::Simctl, &raw, e);
            let u32_of = |r: &RawAttr<'_>| r.u32().map(Some).map_err(bad);
            let str_of = |r: &RawAttr<'_>| r.str().map(|s| Some(s.to_owned())).map_err(bad);
            let u8_of = |r: &RawAttr<'_>| r.u8().map_err(bad);
            match SimAttr::from_repr(raw.kind()) {
                Some(SimAttr::Id) => a.id = u32_of(&raw)?,
                Some(SimAttr::Ports) => a.ports = u32_of(&raw)?,
                Some(SimAttr::Register) => {
                    a.register = Some(match u8_of(&raw)? {
                        0 => Register::Last,
                        1 => Register::First,
                        v => return Err(bad_value(&raw, v)),
                    });
                }
                Some(SimAttr::Handle) => a.handle = str_of(&raw)?,
                Some(SimAttr::Eswitch) => {
                    a.eswitch = Some(match u8_of(&raw)? {
                        0 => SimEswitch::Legacy,
                        1 => SimEswitch::Switchdev,
                        v => return Err(bad_value(&raw, v)),
                    });
                }
                Some(SimAttr::Vfs) => a.vfs = u32_of(&raw)?,
                Some(SimAttr::PortIndex) => a.port_index = u32_of(&raw)?,
                Some(SimAttr::Knob) => {
                    let k = Self::parse(raw.nested(), Some(raw.offset()))?;
                    a.knobs.push(Knob {
                        name: k.need(k.knob_name.clone(), SimAttr::KnobName)?,
                        value: k.knob_value,
                        write_only: k.write_only,
                        unknown: k.unknown,
                    });
                }
                Some(SimAttr::KnobName) => a.knob_name = str_of(&raw)?,
                Some(SimAttr::KnobValue) => a.knob_value = str_of(&raw)?,
                Some(SimAttr::KnobWriteOnly) => {
                    a.write_only = raw.flag().map(|()| true).map_err(bad)?
                }
                Some(SimAttr::Unspec) | None => a.unknown.push(UnknownAttr::from_raw(&raw)),
            }
        }
        Ok(a)
    }

    /// A required attribute.
    fn need<T>(&self, v: Option<T>, attr: SimAttr) -> Result<T, AttrError> {
        v.ok_or(AttrError::missing(Space::Simctl, attr as u16, self.nest))
    }
}

fn bad_value(raw: &RawAttr<'_>, v: u8) -> AttrError {
    AttrError::bad(Space::Simctl, raw, AttrErrorKind::BadValue(v.into()))
}

fn put_u32(e: &mut Emitter<'_>, attr: SimAttr, v: Option<u32>) {
    if let Some(v) = v {
        e.u32(attr as u16, v);
    }
}

fn put_str(e: &mut Emitter<'_>, attr: SimAttr, v: Option<&str>) {
    if let Some(v) = v {
        e.str(attr as u16, v);
    }
}

impl Body for NewDevice {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        Ok(Self {
            id: a.need(a.id, SimAttr::Id)?,
            ports: a.ports,
            register: a.register,
            handle: a.handle,
            eswitch: a.eswitch,
            vfs: a.vfs,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u32(SimAttr::Id as u16, self.id);
        put_u32(e, SimAttr::Ports, self.ports);
        if let Some(r) = self.register {
            e.u8(SimAttr::Register as u16, r as u8);
        }
        put_str(e, SimAttr::Handle, self.handle.as_deref());
        if let Some(m) = self.eswitch {
            e.u8(SimAttr::Eswitch as u16, m as u8);
        }
        put_u32(e, SimAttr::Vfs, self.vfs);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for DeviceReq {
    fn decode(attrs: AttrIter<'_>, ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        let id = if ctx.dump {
            a.id
        } else {
            Some(a.need(a.id, SimAttr::Id)?)
        };
        Ok(Self {
            id,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        put_u32(e, SimAttr::Id, self.id);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for PortReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        Ok(Self {
            id: a.need(a.id, SimAttr::Id)?,
            index: a.need(a.port_index, SimAttr::PortIndex)?,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u32(SimAttr::Id as u16, self.id);
        e.u32(SimAttr::PortIndex as u16, self.index);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for NumVfsReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        Ok(Self {
            id: a.need(a.id, SimAttr::Id)?,
            vfs: a.need(a.vfs, SimAttr::Vfs)?,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u32(SimAttr::Id as u16, self.id);
        e.u32(SimAttr::Vfs as u16, self.vfs);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for SetKnobReq {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        Ok(Self {
            id: a.need(a.id, SimAttr::Id)?,
            name: a.need(a.knob_name.clone(), SimAttr::KnobName)?,
            value: a.need(a.knob_value.clone(), SimAttr::KnobValue)?,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u32(SimAttr::Id as u16, self.id);
        e.str(SimAttr::KnobName as u16, &self.name);
        e.str(SimAttr::KnobValue as u16, &self.value);
        encode_unknown(&self.unknown, e);
    }
}

impl Body for SimDevice {
    fn decode(attrs: AttrIter<'_>, _ctx: DecodeCtx) -> Result<Self, AttrError> {
        let a = Attrs::parse(attrs, None)?;
        Ok(Self {
            id: a.need(a.id, SimAttr::Id)?,
            handle: a.need(a.handle.clone(), SimAttr::Handle)?,
            vfs: a.vfs.unwrap_or(0),
            knobs: a.knobs,
            unknown: a.unknown,
        })
    }

    fn encode(&self, e: &mut Emitter<'_>) {
        e.u32(SimAttr::Id as u16, self.id);
        e.str(SimAttr::Handle as u16, &self.handle);
        e.u32(SimAttr::Vfs as u16, self.vfs);
        for k in &self.knobs {
            let nest = e.nest(SimAttr::Knob as u16, true);
            e.str(SimAttr::KnobName as u16, &k.name);
            put_str(e, SimAttr::KnobValue, k.value.as_deref());
            if k.write_only {
                e.flag(SimAttr::KnobWriteOnly as u16);
            }
            encode_unknown(&k.unknown, e);
            e.end(nest);
        }
        encode_unknown(&self.unknown, e);
    }
}
