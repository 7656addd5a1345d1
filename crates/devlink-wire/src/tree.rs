//! A schema-driven view of any attribute stream: every attribute with its kernel name and
//! its value decoded by the type the tables give it. This is what `dlctl decode` prints;
//! it never fails: a payload that does not fit its type is kept as raw bytes and marked.

use crate::nl::{AttrIter, Emitter, RawAttr};
use crate::spec::{Attr, AttrKind, Space, VarAttrType, attr_spec};

/// One attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// `nla_type` as on the wire (flags included).
    pub raw_type: u16,
    /// The kernel name, if the tables know the type in this space.
    pub name: Option<&'static str>,
    /// The decoded value.
    pub value: Value,
}

/// A decoded attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// u8.
    U8(u8),
    /// u16.
    U16(u16),
    /// u32.
    U32(u32),
    /// u64.
    U64(u64),
    /// s32.
    S32(i32),
    /// s64.
    S64(i64),
    /// A NUL-terminated string (payload exactly `text` + NUL).
    Str(String),
    /// A flag.
    Flag,
    /// bitfield32.
    Bitfield32 {
        /// The value bits.
        value: u32,
        /// The selector bits.
        selector: u32,
    },
    /// Binary payload.
    Binary(Vec<u8>),
    /// A nest.
    Nest(Vec<Node>),
    /// A payload that does not fit the attribute's type, or of an unknown type.
    Raw {
        /// The bytes.
        bytes: Vec<u8>,
        /// Why it is raw (`None`: the type is unknown).
        mismatch: Option<&'static str>,
    },
}

/// Where the attribute stream sits, to resolve context-dependent nests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeCtx {
    /// The stream's space.
    pub space: Space,
    /// `SELFTESTS` holds results (a `SELFTESTS_RUN` reply) rather than test ids.
    pub selftest_results: bool,
}

impl TreeCtx {
    /// The top-level space of a devlink message.
    #[must_use]
    pub const fn devlink() -> Self {
        Self {
            space: Space::Devlink,
            selftest_results: false,
        }
    }
}

/// Controller attribute numbers whose payload is a list of numbered entries.
const CTRL_ATTR_OPS: u16 = 6;
const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
const CTRL_ATTR_POLICY: u16 = 8;
const CTRL_ATTR_OP_POLICY: u16 = 9;

/// Decode a stream. Leftover bytes at the end become one [`Value::Raw`] node of type 0.
#[must_use]
pub fn decode(attrs: AttrIter<'_>, ctx: TreeCtx) -> Vec<Node> {
    let mut dyn_type: Option<u8> = None;
    decode_with(attrs, ctx, &mut dyn_type)
}

fn decode_with(attrs: AttrIter<'_>, ctx: TreeCtx, dyn_type: &mut Option<u8>) -> Vec<Node> {
    let mut out = Vec::new();
    for a in attrs {
        match a {
            Ok(a) => out.push(node(&a, ctx, dyn_type)),
            Err(l) => out.push(Node {
                raw_type: 0,
                name: Some("(leftover bytes)"),
                value: Value::Raw {
                    bytes: vec![0; l.len],
                    mismatch: Some("bytes leftover after parsing attributes"),
                },
            }),
        }
    }
    out
}

fn entries(a: &RawAttr<'_>, inner: Space, depth: usize) -> Value {
    let list = a
        .nested()
        .map(|e| match e {
            Ok(e) if depth > 1 => Node {
                raw_type: e.raw_type(),
                name: None,
                value: entries(&e, inner, depth - 1),
            },
            Ok(e) => Node {
                raw_type: e.raw_type(),
                name: None,
                value: Value::Nest(decode(
                    e.nested(),
                    TreeCtx {
                        space: inner,
                        selftest_results: false,
                    },
                )),
            },
            Err(l) => Node {
                raw_type: 0,
                name: Some("(leftover bytes)"),
                value: Value::Raw {
                    bytes: vec![0; l.len],
                    mismatch: Some("bytes leftover after parsing attributes"),
                },
            },
        })
        .collect();
    Value::Nest(list)
}

fn node(a: &RawAttr<'_>, ctx: TreeCtx, dyn_type: &mut Option<u8>) -> Node {
    let kind = a.kind();
    if ctx.space == Space::Ctrl {
        let (name, inner, depth) = match kind {
            CTRL_ATTR_OPS => ("CTRL_ATTR_OPS", Space::CtrlOp, 1),
            CTRL_ATTR_MCAST_GROUPS => ("CTRL_ATTR_MCAST_GROUPS", Space::CtrlMcastGrp, 1),
            CTRL_ATTR_POLICY => ("CTRL_ATTR_POLICY", Space::NlPolicyType, 2),
            CTRL_ATTR_OP_POLICY => ("CTRL_ATTR_OP_POLICY", Space::CtrlOpPolicy, 1),
            _ => ("", Space::Ctrl, 0),
        };
        if depth > 0 {
            return Node {
                raw_type: a.raw_type(),
                name: Some(name),
                value: entries(a, inner, depth),
            };
        }
    }
    let spec = attr_spec(ctx.space, kind);
    let value = match spec.map(|s| s.kind) {
        None | Some(AttrKind::Unspec) => Value::Raw {
            bytes: a.payload().to_vec(),
            mismatch: None,
        },
        Some(AttrKind::Nest(space)) => {
            let space = if space == Space::SelftestId && ctx.selftest_results {
                Space::SelftestResult
            } else {
                space
            };
            let inner = TreeCtx { space, ..ctx };
            Value::Nest(decode_with(a.nested(), inner, dyn_type))
        }
        Some(AttrKind::Dynamic) => dynamic(a, *dyn_type),
        Some(k) => scalar(a, k),
    };
    if let (Space::Devlink, Value::U8(t)) = (ctx.space, &value)
        && matches!(
            Attr::from_repr(kind),
            Some(Attr::ParamType | Attr::FmsgObjValueType)
        )
    {
        *dyn_type = Some(*t);
    }
    Node {
        raw_type: a.raw_type(),
        name: spec.map(|s| s.kernel_name),
        value,
    }
}

fn raw(a: &RawAttr<'_>, why: &'static str) -> Value {
    Value::Raw {
        bytes: a.payload().to_vec(),
        mismatch: Some(why),
    }
}

fn scalar(a: &RawAttr<'_>, k: AttrKind) -> Value {
    let v = match k {
        AttrKind::U8 => a.u8().map(Value::U8),
        AttrKind::U16 => a.u16().map(Value::U16),
        AttrKind::U32 => a.u32().map(Value::U32),
        AttrKind::U64 => a.u64().map(Value::U64),
        AttrKind::S32 => a.s32().map(Value::S32),
        AttrKind::S64 => a
            .u64()
            .map(|v| Value::S64(i64::from_ne_bytes(v.to_ne_bytes()))),
        AttrKind::Uint => match a.payload().len() {
            4 => a.u32().map(Value::U32),
            _ => a.u64().map(Value::U64),
        },
        AttrKind::Flag | AttrKind::Pad => a.flag().map(|()| Value::Flag),
        AttrKind::Bitfield32 => a
            .bitfield32()
            .map(|(value, selector)| Value::Bitfield32 { value, selector }),
        AttrKind::String => match a.str() {
            Ok(s) if s.len() + 1 == a.payload().len() => Ok(Value::Str(s.to_owned())),
            Ok(_) => return raw(a, "string with bytes after its NUL"),
            Err(e) => Err(e),
        },
        AttrKind::Binary => Ok(Value::Binary(a.payload().to_vec())),
        AttrKind::Unspec | AttrKind::Nest(_) | AttrKind::Dynamic => {
            return raw(a, "not a scalar");
        }
    };
    v.unwrap_or_else(|_| raw(a, "payload does not fit the attribute's type"))
}

fn dynamic(a: &RawAttr<'_>, t: Option<u8>) -> Value {
    let kind = match t.and_then(VarAttrType::from_repr) {
        Some(VarAttrType::U8) => AttrKind::U8,
        Some(VarAttrType::U16) => AttrKind::U16,
        Some(VarAttrType::U32) => AttrKind::U32,
        Some(VarAttrType::U64) => AttrKind::U64,
        Some(VarAttrType::String | VarAttrType::NulString) => AttrKind::String,
        Some(VarAttrType::Flag) if a.payload().is_empty() => AttrKind::Flag,
        // An fmsg bool travels as a u8.
        Some(VarAttrType::Flag) => AttrKind::U8,
        Some(VarAttrType::Binary | VarAttrType::U64Array) => AttrKind::Binary,
        None => return raw(a, "no type attribute before this dynamic value"),
    };
    scalar(a, kind)
}

/// Re-encode a tree. For a tree from [`decode`], the bytes equal the input's (with zero
/// padding).
pub fn encode(nodes: &[Node], e: &mut Emitter<'_>) {
    for n in nodes {
        let t = n.raw_type;
        match &n.value {
            Value::U8(v) => e.u8(t, *v),
            Value::U16(v) => e.u16(t, *v),
            Value::U32(v) => e.u32(t, *v),
            Value::U64(v) => e.u64(t, *v),
            Value::S32(v) => e.s32(t, *v),
            Value::S64(v) => e.raw(t, &v.to_ne_bytes()),
            Value::Str(s) => e.str(t, s),
            Value::Flag => e.flag(t),
            Value::Bitfield32 { value, selector } => e.bitfield32(t, *value, *selector),
            Value::Binary(b) | Value::Raw { bytes: b, .. } => e.raw(t, b),
            Value::Nest(children) => {
                let nest = e.nest_raw(t);
                encode(children, e);
                e.end(nest);
            }
        }
    }
}
