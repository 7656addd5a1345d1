//! A small reader for the parts of the kernel's uapi headers the tables need: `enum` bodies
//! (named and anonymous, with the comment trailing each member) and object-like `#define`s.
//!
//! It understands exactly the C the uapi headers use inside enums: implicit counting, `=`
//! with an integer literal, `= OTHER_MEMBER`, `= OTHER_MEMBER +/- n`, preprocessor lines in
//! the middle of an enum body (`#define DEVLINK_CMD_ESWITCH_MODE_GET ...`), and comments
//! anywhere. Anything else is an error, not a guess.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

/// One parsed header.
#[derive(Debug)]
pub(super) struct Header {
    /// Where it was read from (for messages).
    pub(super) path: PathBuf,
    /// Every `enum { ... };` in file order.
    pub(super) enums: Vec<CEnum>,
    /// Object-like `#define NAME VALUE`, comments stripped, value trimmed.
    pub(super) defines: BTreeMap<String, String>,
}

/// One C enum.
#[derive(Debug)]
pub(super) struct CEnum {
    /// `enum devlink_attr` → `Some("devlink_attr")`; anonymous enums have none.
    pub(super) tag: Option<String>,
    /// The real members, in order (without `__FOO_MAX` and `FOO_MAX = __FOO_MAX - 1`).
    pub(super) members: Vec<Member>,
    /// Members defined in terms of another member (`FOO_MAX = __FOO_MAX - 1`), and members
    /// whose names start with `__`: they count, but they are not values anybody sends.
    pub(super) hidden: Vec<Member>,
}

/// One enum member.
#[derive(Debug, Clone)]
pub(super) struct Member {
    /// The kernel's name.
    pub(super) name: String,
    /// Its value.
    pub(super) value: i64,
    /// The comment that starts on the member's own line, after it (`/* u32 */`), whitespace
    /// collapsed.
    pub(super) comment: Option<String>,
}

impl Header {
    /// Read and parse one header file.
    pub(super) fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading uapi header {}", path.display()))?;
        Self::parse(path, &text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Parse header text.
    pub(super) fn parse(path: &Path, text: &str) -> Result<Self> {
        let toks = tokenize(text)?;
        let mut enums = Vec::new();
        let mut defines = BTreeMap::new();
        for t in &toks {
            if let TokKind::Directive(d) = &t.kind
                && let Some((name, value)) = object_define(d)
            {
                defines.insert(name, value);
            }
        }
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            match &t.kind {
                TokKind::Ident(w) if w == "enum" => {
                    let (e, next) = parse_enum(&toks, i + 1)?;
                    if let Some(e) = e {
                        enums.push(e);
                    }
                    i = next;
                }
                _ => i += 1,
            }
        }
        Ok(Self {
            path: path.to_owned(),
            enums,
            defines,
        })
    }

    /// The enum `enum <tag> { ... }`.
    pub(super) fn named_enum(&self, tag: &str) -> Option<&CEnum> {
        self.enums.iter().find(|e| e.tag.as_deref() == Some(tag))
    }

    /// The anonymous enum that has a member called `member`.
    pub(super) fn anonymous_enum_with(&self, member: &str) -> Option<&CEnum> {
        self.enums
            .iter()
            .find(|e| e.tag.is_none() && e.members.iter().any(|m| m.name == member))
    }

    /// A `#define`'s value, or an error naming the header.
    pub(super) fn define(&self, name: &str) -> Result<&str> {
        self.defines
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| anyhow!("{} has no `#define {name}`", self.path.display()))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokKind {
    Ident(String),
    Num(String),
    Punct(char),
    /// A `/* */` or `//` comment, its text without the delimiters.
    Comment(String),
    /// A whole preprocessor line (continuations joined, comments removed), without `#`.
    Directive(String),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    /// 1-based line where the token starts.
    line: usize,
}

fn tokenize(text: &str) -> Result<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut line_start = true;
    while let Some(&c) = chars.get(i) {
        let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
        if c == '\n' {
            line += 1;
            line_start = true;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '*' {
            let start = line;
            let mut j = i + 2;
            while j < chars.len() && !(at(j) == '*' && at(j + 1) == '/') {
                if at(j) == '\n' {
                    line += 1;
                }
                j += 1;
            }
            if j >= chars.len() {
                bail!("unterminated comment starting on line {start}");
            }
            let body: String = chars.get(i + 2..j).unwrap_or_default().iter().collect();
            toks.push(Tok {
                kind: TokKind::Comment(body),
                line: start,
            });
            i = j + 2;
            line_start = false;
        } else if c == '/' && at(i + 1) == '/' {
            let mut j = i + 2;
            while j < chars.len() && at(j) != '\n' {
                j += 1;
            }
            let body: String = chars.get(i + 2..j).unwrap_or_default().iter().collect();
            toks.push(Tok {
                kind: TokKind::Comment(body),
                line,
            });
            i = j;
        } else if c == '#' && line_start {
            let start = line;
            let mut d = String::new();
            let mut j = i + 1;
            while j < chars.len() {
                let cj = at(j);
                if cj == '\\' && at(j + 1) == '\n' {
                    d.push(' ');
                    line += 1;
                    j += 2;
                } else if cj == '\n' {
                    break;
                } else if cj == '/' && at(j + 1) == '*' {
                    j += 2;
                    while j < chars.len() && !(at(j) == '*' && at(j + 1) == '/') {
                        if at(j) == '\n' {
                            line += 1;
                        }
                        j += 1;
                    }
                    j += 2;
                    d.push(' ');
                } else if cj == '/' && at(j + 1) == '/' {
                    while j < chars.len() && at(j) != '\n' {
                        j += 1;
                    }
                } else {
                    d.push(cj);
                    j += 1;
                }
            }
            toks.push(Tok {
                kind: TokKind::Directive(d.trim().to_owned()),
                line: start,
            });
            i = j;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut j = i;
            while at(j).is_ascii_alphanumeric() || at(j) == '_' {
                j += 1;
            }
            let w: String = chars.get(i..j).unwrap_or_default().iter().collect();
            toks.push(Tok {
                kind: TokKind::Ident(w),
                line,
            });
            i = j;
            line_start = false;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while at(j).is_ascii_alphanumeric() {
                j += 1;
            }
            let w: String = chars.get(i..j).unwrap_or_default().iter().collect();
            toks.push(Tok {
                kind: TokKind::Num(w),
                line,
            });
            i = j;
            line_start = false;
        } else if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && at(j) != c {
                if at(j) == '\\' {
                    j += 1;
                }
                j += 1;
            }
            toks.push(Tok {
                kind: TokKind::Punct(c),
                line,
            });
            i = j + 1;
            line_start = false;
        } else {
            toks.push(Tok {
                kind: TokKind::Punct(c),
                line,
            });
            i += 1;
            line_start = false;
        }
    }
    Ok(toks)
}

/// `define NAME VALUE` (object-like only) → `(NAME, VALUE)`.
fn object_define(directive: &str) -> Option<(String, String)> {
    let rest = directive.strip_prefix("define")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, value) = rest.split_at(end);
    if name.is_empty() || value.starts_with('(') {
        return None;
    }
    Some((name.to_owned(), value.trim().to_owned()))
}

/// Parse `[tag] { members } ;` after the `enum` keyword at `start`. Returns `None` for a
/// use such as `enum foo x;` (not a definition), and the index after the enum.
fn parse_enum(toks: &[Tok], start: usize) -> Result<(Option<CEnum>, usize)> {
    struct Raw {
        name: String,
        init: Vec<TokKind>,
        /// Line of the member's last token (name, initializer or comma).
        last_line: usize,
        comment: Option<String>,
    }

    let mut i = start;
    let tag = match toks.get(i).map(|t| &t.kind) {
        Some(TokKind::Ident(t)) => {
            i += 1;
            Some(t.clone())
        }
        _ => None,
    };
    while matches!(toks.get(i).map(|t| &t.kind), Some(TokKind::Comment(_))) {
        i += 1;
    }
    if toks.get(i).map(|t| &t.kind) != Some(&TokKind::Punct('{')) {
        return Ok((None, i));
    }
    i += 1;
    let what = tag.clone().unwrap_or_else(|| "(anonymous)".to_owned());

    let mut raw: Vec<Raw> = Vec::new();
    let mut expect_name = true;
    let mut in_init = false;
    loop {
        let Some(t) = toks.get(i) else {
            bail!("enum {what}: no closing brace");
        };
        i += 1;
        match &t.kind {
            TokKind::Punct('}') => break,
            TokKind::Directive(_) => {}
            TokKind::Comment(c) => {
                if let Some(last) = raw.last_mut()
                    && last.last_line == t.line
                    && last.comment.is_none()
                {
                    last.comment = Some(squash(c));
                }
            }
            TokKind::Ident(name) if expect_name => {
                raw.push(Raw {
                    name: name.clone(),
                    init: Vec::new(),
                    last_line: t.line,
                    comment: None,
                });
                expect_name = false;
                in_init = false;
            }
            TokKind::Punct(',') if !expect_name => {
                if let Some(last) = raw.last_mut() {
                    last.last_line = t.line;
                }
                expect_name = true;
            }
            TokKind::Punct('=') if !expect_name && !in_init => in_init = true,
            other if in_init => {
                if let Some(last) = raw.last_mut() {
                    last.init.push(other.clone());
                    last.last_line = t.line;
                }
            }
            other => bail!("enum {what}: unexpected {other:?} on line {}", t.line),
        }
    }

    let mut members: Vec<Member> = Vec::new();
    let mut hidden: Vec<Member> = Vec::new();
    let mut next_value: i64 = 0;
    for r in raw {
        let (value, is_alias) = if r.init.is_empty() {
            (next_value, false)
        } else {
            let known: Vec<&Member> = members.iter().chain(hidden.iter()).collect();
            eval(&r.init, &known).with_context(|| format!("enum {what}: member {}", r.name))?
        };
        next_value = value
            .checked_add(1)
            .ok_or_else(|| anyhow!("enum {what}: value overflow at {}", r.name))?;
        let m = Member {
            name: r.name,
            value,
            comment: r.comment,
        };
        if is_alias || m.name.starts_with("__") {
            hidden.push(m);
        } else {
            members.push(m);
        }
    }
    Ok((
        Some(CEnum {
            tag,
            members,
            hidden,
        }),
        i,
    ))
}

/// Evaluate an initializer: `123`, `0x80`, `OTHER`, `OTHER - 1`, `OTHER + 2`. Returns the
/// value and whether it refers to another member (an alias such as `FOO_MAX`).
fn eval(init: &[TokKind], known: &[&Member]) -> Result<(i64, bool)> {
    let term = |t: &TokKind| -> Result<(i64, bool)> {
        match t {
            TokKind::Num(n) => Ok((int_literal(n)?, false)),
            TokKind::Ident(id) => known
                .iter()
                .find(|m| &m.name == id)
                .map(|m| (m.value, true))
                .ok_or_else(|| anyhow!("refers to unknown {id}")),
            other => bail!("cannot evaluate {other:?}"),
        }
    };
    match init {
        [a] => term(a),
        [a, TokKind::Punct(op @ ('+' | '-')), b] => {
            let (x, ax) = term(a)?;
            let (y, bx) = term(b)?;
            let v = if *op == '+' { x + y } else { x - y };
            Ok((v, ax || bx))
        }
        other => bail!("initializer too complex for this reader: {other:?}"),
    }
}

/// A C integer literal (decimal, hex or octal, with optional `u`/`l` suffixes).
pub(super) fn int_literal(s: &str) -> Result<i64> {
    let t = s.trim_end_matches(['u', 'U', 'l', 'L']);
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16)
    } else if t.len() > 1
        && let Some(o) = t.strip_prefix('0')
    {
        i64::from_str_radix(o, 8)
    } else {
        t.parse::<i64>()
    };
    v.with_context(|| format!("bad integer literal {s:?}"))
}

/// Collapse a comment's whitespace and leading `*` decoration into one line.
fn squash(comment: &str) -> String {
    comment
        .lines()
        .map(|l| l.trim().trim_start_matches('*').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_members_values_and_comments() {
        let h = Header::parse(
            Path::new("t.h"),
            "enum x {\n\tA_UNSPEC,\n\tA_ONE,\t\t/* u32 */\n#define A_OLD /* old */ \\\n\tA_ONE\n\
             \t/* leading */\n\tA_TWO, /* long\n\t * text */\n\tA_TEN = 0xa,\n\tA_ELEVEN,\n\n\
             \t__A_MAX,\n\tA_MAX = __A_MAX - 1\n};\nenum { B_ZERO, B_ONE };\n\
             #define NAME \"devlink\"\n#define VER 0x1\n#define F(x) x\n",
        )
        .unwrap();
        let e = h.named_enum("x").unwrap();
        let got: Vec<_> = e
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.value, m.comment.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("A_UNSPEC", 0, None),
                ("A_ONE", 1, Some("u32")),
                ("A_TWO", 2, Some("long text")),
                ("A_TEN", 10, None),
                ("A_ELEVEN", 11, None),
            ]
        );
        assert_eq!(e.hidden.len(), 2);
        assert_eq!(e.hidden[1].value, 11);
        assert_eq!(h.anonymous_enum_with("B_ONE").unwrap().members.len(), 2);
        assert_eq!(h.define("NAME").unwrap(), "\"devlink\"");
        assert_eq!(h.define("VER").unwrap(), "0x1");
        assert_eq!(h.define("A_OLD").unwrap(), "A_ONE");
        assert!(h.define("F").is_err());
    }
}
