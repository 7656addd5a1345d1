//! `dlctl decode`: print netlink captures decoded, and prove the codec round-trips them.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use devlink_wire::message::{Families, Message, Payload};
use devlink_wire::nl::{
    ExtAck, GENL_HDRLEN, GENL_ID_CTRL, GenlHeader, Messages, NETLINK_GENERIC, NLMSG_DONE,
    NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, NlmsgHeader, RawMessage, flags,
};
use devlink_wire::pcap::Pcap;
use devlink_wire::spec::{Cmd, Space};
use devlink_wire::tree::{self, Node, TreeCtx, Value};
use serde_json::{Value as Json, json};

use crate::decode_order::OrderCheck;

/// Options of `dlctl decode`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DecodeArgs {
    /// A pcap captured on an nlmon interface, or a hex dump ("-" reads standard input).
    pub file: String,
    /// Print JSON instead of text.
    #[arg(short = 'j', long = "json")]
    pub json: bool,
    /// Re-encode every message with the typed codec and report each byte that differs.
    #[arg(long)]
    pub check_roundtrip: bool,
    /// Run the ordering checker over the devlink notifications (one copy of each, in
    /// capture order) and report every rule they break; exit 1 if any. Instances
    /// registered before the capture started are not judged (up to their DEL).
    #[arg(long)]
    pub check_order: bool,
    /// The devlink family id, when the capture holds no CTRL_CMD_NEWFAMILY to learn it from.
    #[arg(long, value_name = "ID")]
    pub devlink_id: Option<u16>,
}

/// One datagram to decode.
struct Datagram {
    index: usize,
    protocol: u16,
    bytes: Vec<u8>,
}

fn read_input(path: &str) -> Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {path}"))
    }
}

/// Parse a hex dump: hex byte pairs, whitespace and `#` comments ignored, an optional
/// `offset:` token at the start of a line skipped; a blank line ends a datagram.
fn parse_hex(text: &str) -> Result<Vec<Datagram>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (lineno, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let mut tokens = line.split_whitespace().peekable();
        if tokens.peek().is_some_and(|t| t.ends_with(':')) {
            tokens.next();
        }
        for tok in tokens {
            if tok.len() % 2 != 0 {
                bail!("line {}: odd number of hex digits in {tok:?}", lineno + 1);
            }
            for pair in tok.as_bytes().chunks(2) {
                let s = std::str::from_utf8(pair).unwrap_or("??");
                let b = u8::from_str_radix(s, 16)
                    .with_context(|| format!("line {}: {tok:?} is not hex", lineno + 1))?;
                cur.push(b);
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out
        .into_iter()
        .enumerate()
        .map(|(index, bytes)| Datagram {
            index,
            protocol: NETLINK_GENERIC,
            bytes,
        })
        .collect())
}

fn load(args: &DecodeArgs) -> Result<Vec<Datagram>> {
    let buf = read_input(&args.file)?;
    if matches!(
        buf.get(..4),
        Some([0xd4, 0xc3, 0xb2, 0xa1] | [0xa1, 0xb2, 0xc3, 0xd4])
    ) {
        let mut out = Vec::new();
        for r in Pcap::parse(&buf)? {
            let r = r?;
            out.push(Datagram {
                index: r.index,
                protocol: r.protocol,
                bytes: r.data.to_vec(),
            });
        }
        return Ok(out);
    }
    let text = std::str::from_utf8(&buf).context("input is neither a pcap file nor a hex dump")?;
    parse_hex(text)
}

/// What the run found.
#[derive(Debug, Default)]
struct Tally {
    messages: usize,
    failed: usize,
}

/// Run `dlctl decode`; returns the process exit code.
pub(crate) fn run(args: &DecodeArgs, out: &mut impl std::io::Write) -> Result<i32> {
    let datagrams = load(args)?;
    let mut families = Families {
        devlink: args.devlink_id,
    };
    let mut tally = Tally::default();
    let mut order = OrderCheck::default();
    let mut json_out = Vec::new();
    for dg in &datagrams {
        if dg.protocol != NETLINK_GENERIC {
            let line = format!(
                "#{} protocol {} ({} bytes): not generic netlink, skipped",
                dg.index,
                dg.protocol,
                dg.bytes.len()
            );
            if args.json {
                json_out.push(json!({"index": dg.index, "protocol": dg.protocol, "skipped": true}));
            } else {
                writeln!(out, "{line}")?;
            }
            continue;
        }
        let mut msgs_json = Vec::new();
        for m in Messages::new(&dg.bytes) {
            tally.messages += 1;
            let m = match m {
                Ok(m) => m,
                Err(e) => {
                    tally.failed += 1;
                    writeln!(out, "#{} framing error: {e}", dg.index)?;
                    break;
                }
            };
            families.learn(&m);
            if args.check_order {
                order.message(dg.index, &m, families);
            }
            let mut problems = Vec::new();
            if args.check_roundtrip {
                problems = roundtrip(&m, families);
                if !problems.is_empty() {
                    tally.failed += 1;
                }
            }
            if args.json {
                let mut j = message_json(&m, families);
                if args.check_roundtrip {
                    put(
                        &mut j,
                        "roundtrip",
                        json!(if problems.is_empty() { "ok" } else { "FAILED" }),
                    );
                    put(&mut j, "roundtrip_problems", json!(problems));
                }
                msgs_json.push(j);
            } else {
                write!(out, "#{} {}", dg.index, message_text(&m, families))?;
                for p in &problems {
                    writeln!(out, "  ROUNDTRIP: {p}")?;
                }
            }
        }
        if args.json {
            json_out
                .push(json!({"index": dg.index, "protocol": dg.protocol, "messages": msgs_json}));
        }
    }
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json_out)?)?;
    } else if args.check_roundtrip {
        writeln!(
            out,
            "{} messages, {} passed, {} failed",
            tally.messages,
            tally.messages - tally.failed,
            tally.failed
        )?;
    }
    if args.check_order {
        for v in &order.violations {
            writeln!(out, "{v}")?;
        }
        writeln!(out, "{}", order.summary())?;
    }
    Ok(i32::from(tally.failed > 0 || !order.violations.is_empty()))
}

/// Decode with the typed codec, re-encode, and list every difference.
fn roundtrip(m: &RawMessage<'_>, families: Families) -> Vec<String> {
    let msg = match Message::decode(m, families) {
        Ok(msg) => msg,
        Err(e) => return vec![format!("decode failed: {e}")],
    };
    if let Payload::Other(_) = msg.payload {
        return vec![format!("family {:#x} is unknown to the codec", m.header.ty)];
    }
    let bytes = match msg.encode() {
        Ok(b) => b,
        Err(e) => return vec![format!("encode failed: {e}")],
    };
    let mut problems = Vec::new();
    if bytes.len() != m.bytes.len() {
        problems.push(format!(
            "length differs: captured {} bytes, re-encoded {}",
            m.bytes.len(),
            bytes.len()
        ));
    }
    for (i, (a, b)) in m.bytes.iter().zip(&bytes).enumerate() {
        if a != b {
            if problems.len() >= 16 {
                problems.push("(more differences not shown)".into());
                break;
            }
            problems.push(format!(
                "byte {i:#06x}: captured {a:#04x}, re-encoded {b:#04x}"
            ));
        }
    }
    problems
}

fn flag_names(h: &NlmsgHeader) -> String {
    let f = h.flags;
    let mut names = Vec::new();
    let control = matches!(h.ty, NLMSG_ERROR | NLMSG_DONE);
    let table: &[(u16, &str)] = &[
        (flags::NLM_F_REQUEST, "REQUEST"),
        (flags::NLM_F_MULTI, "MULTI"),
        (flags::NLM_F_ACK, "ACK"),
        (flags::NLM_F_ECHO, "ECHO"),
        (flags::NLM_F_DUMP_INTR, "DUMP_INTR"),
        (flags::NLM_F_DUMP_FILTERED, "DUMP_FILTERED"),
    ];
    for (bit, name) in table {
        if f & bit != 0 {
            names.push((*name).to_owned());
        }
    }
    if control {
        if f & flags::NLM_F_CAPPED != 0 {
            names.push("CAPPED".into());
        }
        if f & flags::NLM_F_ACK_TLVS != 0 {
            names.push("ACK_TLVS".into());
        }
    } else if h.is_dump() {
        names.push("DUMP".into());
    } else {
        if f & flags::NLM_F_ROOT != 0 {
            names.push("ROOT".into());
        }
        if f & flags::NLM_F_MATCH != 0 {
            names.push("MATCH".into());
        }
    }
    let known = 0x3f | flags::NLM_F_ROOT | flags::NLM_F_MATCH;
    if f & !known != 0 {
        names.push(format!("{:#x}", f & !known));
    }
    if names.is_empty() {
        "0".into()
    } else {
        names.join("|")
    }
}

/// The message kind and, for genl messages, the family name, command name and attributes.
fn describe(m: &RawMessage<'_>, families: Families) -> (String, Option<(GenlHeader, Vec<Node>)>) {
    let h = m.header;
    let p = m.payload();
    let genl_attrs = |space: Space, results: bool| {
        let genl = GenlHeader::parse(p).ok()?;
        let attrs = devlink_wire::nl::AttrIter::with_base(
            p.get(GENL_HDRLEN..).unwrap_or_default(),
            NLMSG_HDRLEN + GENL_HDRLEN,
        );
        Some((
            genl,
            tree::decode(
                attrs,
                TreeCtx {
                    space,
                    selftest_results: results,
                },
            ),
        ))
    };
    match h.ty {
        NLMSG_NOOP => ("NLMSG_NOOP".into(), None),
        NLMSG_OVERRUN => ("NLMSG_OVERRUN".into(), None),
        NLMSG_ERROR => ("NLMSG_ERROR".into(), None),
        NLMSG_DONE => ("NLMSG_DONE".into(), None),
        GENL_ID_CTRL => {
            let g = genl_attrs(Space::Ctrl, false);
            let name = g
                .as_ref()
                .map(|(genl, _)| ctrl_cmd_name(genl.cmd))
                .unwrap_or_else(|| "(truncated)".into());
            (format!("nlctrl {name}"), g)
        }
        ty if Some(ty) == families.devlink => {
            let results = GenlHeader::parse(p)
                .is_ok_and(|g| g.cmd == Cmd::SelftestsRun as u8 && !h.is_request());
            let g = genl_attrs(Space::Devlink, results);
            let name = g
                .as_ref()
                .map(|(genl, _)| {
                    Cmd::from_repr(genl.cmd).map_or_else(
                        || format!("unknown command {}", genl.cmd),
                        |c| c.kernel_name().to_owned(),
                    )
                })
                .unwrap_or_else(|| "(truncated)".into());
            (format!("devlink {name}"), g)
        }
        ty => (format!("family {ty:#x} (unknown)"), None),
    }
}

fn ctrl_cmd_name(cmd: u8) -> String {
    match cmd {
        1 => "CTRL_CMD_NEWFAMILY".into(),
        2 => "CTRL_CMD_DELFAMILY".into(),
        3 => "CTRL_CMD_GETFAMILY".into(),
        7 => "CTRL_CMD_NEWMCAST_GRP".into(),
        8 => "CTRL_CMD_DELMCAST_GRP".into(),
        10 => "CTRL_CMD_GETPOLICY".into(),
        other => format!("command {other}"),
    }
}

fn message_text(m: &RawMessage<'_>, families: Families) -> String {
    let h = m.header;
    let (kind, genl) = describe(m, families);
    let mut s = format!(
        "{kind} len {} flags {} seq {} pid {}\n",
        h.len,
        flag_names(&h),
        h.seq,
        h.pid
    );
    match h.ty {
        NLMSG_ERROR => match devlink_wire::nl::ErrorMsg::parse(m.payload(), h.flags) {
            Ok(e) => {
                let what = if e.error == 0 { "ACK" } else { "error" };
                let _ = writeln!(
                    s,
                    "  {what} {} ({} bytes of request echoed)",
                    e.error,
                    e.echo.len()
                );
                ext_ack_text(&e.ext_ack, &mut s);
            }
            Err(e) => {
                let _ = writeln!(s, "  malformed: {e}");
            }
        },
        NLMSG_DONE => match devlink_wire::nl::DoneMsg::parse(m.payload(), h.flags) {
            Ok(d) => {
                match d.error {
                    Some(e) => {
                        let _ = writeln!(s, "  result {e}");
                    }
                    None => s.push_str("  (empty: end of a multipart do reply)\n"),
                }
                ext_ack_text(&d.ext_ack, &mut s);
            }
            Err(e) => {
                let _ = writeln!(s, "  malformed: {e}");
            }
        },
        _ => {}
    }
    if let Some((g, nodes)) = genl {
        let _ = writeln!(s, "  genl cmd {} version {}", g.cmd, g.version);
        nodes_text(&nodes, 2, &mut s);
    }
    s
}

fn ext_ack_text(a: &ExtAck, s: &mut String) {
    if let Some(m) = &a.msg {
        let _ = writeln!(s, "  NLMSGERR_ATTR_MSG {m:?}");
    }
    if let Some(o) = a.offset {
        let _ = writeln!(s, "  NLMSGERR_ATTR_OFFS {o}");
    }
    if let Some(t) = a.miss_type {
        let _ = writeln!(s, "  NLMSGERR_ATTR_MISS_TYPE {t}");
    }
    if let Some(n) = a.miss_nest {
        let _ = writeln!(s, "  NLMSGERR_ATTR_MISS_NEST {n}");
    }
    if a.policy.is_some() {
        s.push_str("  NLMSGERR_ATTR_POLICY {...}\n");
    }
}

fn node_name(n: &Node) -> String {
    n.name
        .map_or_else(|| format!("[{}]", n.raw_type & 0x3fff), str::to_owned)
}

fn nodes_text(nodes: &[Node], indent: usize, s: &mut String) {
    for n in nodes {
        let pad = " ".repeat(indent);
        let name = node_name(n);
        match &n.value {
            Value::Nest(children) => {
                let _ = writeln!(s, "{pad}{name} {{");
                nodes_text(children, indent + 2, s);
                let _ = writeln!(s, "{pad}}}");
            }
            v => {
                let _ = writeln!(s, "{pad}{name} {}", value_text(v));
            }
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::U8(x) => x.to_string(),
        Value::U16(x) => x.to_string(),
        Value::U32(x) => x.to_string(),
        Value::U64(x) => x.to_string(),
        Value::S32(x) => x.to_string(),
        Value::S64(x) => x.to_string(),
        Value::Str(x) => format!("{x:?}"),
        Value::Flag => "(flag)".into(),
        Value::Bitfield32 { value, selector } => format!("value {value:#x} selector {selector:#x}"),
        Value::Binary(b) => format!("[{}]", hex(b)),
        Value::Raw { bytes, mismatch } => match mismatch {
            Some(why) => format!("raw [{}] ({why})", hex(bytes)),
            None => format!("raw [{}]", hex(bytes)),
        },
        Value::Nest(_) => "{...}".into(),
    }
}

fn nodes_json(nodes: &[Node]) -> Json {
    Json::Array(
        nodes
            .iter()
            .map(|n| {
                let value = match &n.value {
                    Value::Nest(c) => nodes_json(c),
                    Value::U8(x) => json!(x),
                    Value::U16(x) => json!(x),
                    Value::U32(x) => json!(x),
                    Value::U64(x) => json!(x),
                    Value::S32(x) => json!(x),
                    Value::S64(x) => json!(x),
                    Value::Str(x) => json!(x),
                    Value::Flag => json!(true),
                    Value::Bitfield32 { value, selector } => {
                        json!({"value": value, "selector": selector})
                    }
                    Value::Binary(b) => json!(hex(b)),
                    Value::Raw { bytes, mismatch } => {
                        json!({"raw": hex(bytes), "mismatch": mismatch})
                    }
                };
                json!({"name": node_name(n), "type": n.raw_type & 0x3fff,
                       "nested_flag": n.raw_type & 0x8000 != 0, "value": value})
            })
            .collect(),
    )
}

fn message_json(m: &RawMessage<'_>, families: Families) -> Json {
    let h = m.header;
    let (kind, genl) = describe(m, families);
    let mut j = json!({"len": h.len, "type": h.ty, "flags": flag_names(&h), "seq": h.seq,
                       "pid": h.pid, "kind": kind});
    if let Some((g, nodes)) = genl {
        put(&mut j, "cmd", json!(g.cmd));
        put(&mut j, "version", json!(g.version));
        put(&mut j, "attrs", nodes_json(&nodes));
    }
    match h.ty {
        NLMSG_ERROR => {
            if let Ok(e) = devlink_wire::nl::ErrorMsg::parse(m.payload(), h.flags) {
                put(&mut j, "error", json!(e.error));
                put(&mut j, "extack", ext_ack_json(&e.ext_ack));
            }
        }
        NLMSG_DONE => {
            if let Ok(d) = devlink_wire::nl::DoneMsg::parse(m.payload(), h.flags) {
                put(&mut j, "error", json!(d.error));
                put(&mut j, "extack", ext_ack_json(&d.ext_ack));
            }
        }
        _ => {}
    }
    j
}

fn put(j: &mut Json, key: &str, value: Json) {
    if let Some(o) = j.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

fn ext_ack_json(a: &ExtAck) -> Json {
    json!({"msg": a.msg, "offset": a.offset, "miss_type": a.miss_type, "miss_nest": a.miss_nest})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dumps_split_on_blank_lines_and_skip_offsets() {
        let d = parse_hex("0000: 14 00 00 00\n0004: 0300 0200 # comment\n\nff\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].bytes, [0x14, 0, 0, 0, 3, 0, 2, 0]);
        assert_eq!(d[1].bytes, [0xff]);
        assert!(parse_hex("abc").is_err());
        assert!(parse_hex("zz").is_err());
    }
}
