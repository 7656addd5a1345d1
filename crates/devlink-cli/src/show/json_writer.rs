//! iproute2's streaming JSON writer (`lib/json_writer.c`), reproduced byte for byte.
//!
//! iproute2 does not build a document: it streams tokens and keeps only a depth and a
//! pending separator. Key order is call order, and the pretty layout is its own (four
//! spaces per level, `[ {` and `} ]` on one line, `},{` between array elements), so a
//! generic serializer cannot reproduce it. The writer appends to a buffer it is lent.

/// `struct json_writer`: the nesting depth, pretty printing, and the separator owed
/// before the next element (`sep`: `'\0'` or `','` in C).
#[derive(Debug, Clone, Default)]
pub(crate) struct JsonWriter {
    depth: usize,
    pretty: bool,
    comma_owed: bool,
}

impl JsonWriter {
    /// `jsonw_new` + `jsonw_pretty`.
    pub(crate) fn new(pretty: bool) -> Self {
        Self {
            depth: 0,
            pretty,
            comma_owed: false,
        }
    }

    /// The nesting depth (0 once every object and array is closed).
    #[cfg(test)]
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// `jsonw_indent`.
    fn indent(&self, out: &mut String) {
        for _ in 0..self.depth {
            out.push_str("    ");
        }
    }

    /// `jsonw_eol`: end the line and indent, when pretty printing.
    fn eol(&self, out: &mut String) {
        if self.pretty {
            out.push('\n');
            self.indent(out);
        }
    }

    /// `jsonw_eor`: the comma owed by the previous element, if any.
    fn eor(&mut self, out: &mut String) {
        if self.comma_owed {
            out.push(',');
        }
        self.comma_owed = true;
    }

    /// `jsonw_puts`: a quoted string with C escapes (no Unicode escaping).
    fn puts(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\u{c}' => out.push_str("\\f"),
                '\u{8}' => out.push_str("\\b"),
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// `jsonw_begin`.
    fn begin(&mut self, out: &mut String, c: char) {
        self.eor(out);
        out.push(c);
        self.depth += 1;
        self.comma_owed = false;
    }

    /// `jsonw_end`. Closing more than was opened is ignored (C asserts).
    fn end(&mut self, out: &mut String, c: char) {
        if self.depth == 0 {
            return;
        }
        self.depth -= 1;
        if self.comma_owed {
            self.eol(out);
        }
        out.push(c);
        self.comma_owed = true;
    }

    /// `jsonw_name`: a property name and its colon.
    pub(crate) fn name(&mut self, out: &mut String, name: &str) {
        self.eor(out);
        self.eol(out);
        self.comma_owed = false;
        Self::puts(out, name);
        out.push(':');
        if self.pretty {
            out.push(' ');
        }
    }

    /// `jsonw_start_object`.
    pub(crate) fn start_object(&mut self, out: &mut String) {
        self.begin(out, '{');
    }

    /// `jsonw_end_object`.
    pub(crate) fn end_object(&mut self, out: &mut String) {
        self.end(out, '}');
    }

    /// `jsonw_start_array`: `[` and, when pretty, a space.
    pub(crate) fn start_array(&mut self, out: &mut String) {
        self.begin(out, '[');
        if self.pretty {
            out.push(' ');
        }
    }

    /// `jsonw_end_array`: a space before `]` when pretty and not empty, no newline.
    pub(crate) fn end_array(&mut self, out: &mut String) {
        if self.pretty && self.comma_owed {
            out.push(' ');
        }
        self.comma_owed = false;
        self.end(out, ']');
    }

    /// `jsonw_string`.
    pub(crate) fn string(&mut self, out: &mut String, value: &str) {
        self.eor(out);
        Self::puts(out, value);
    }

    /// `jsonw_printf` of an already formatted scalar (numbers, `true`, `false`).
    pub(crate) fn raw(&mut self, out: &mut String, value: &str) {
        self.eor(out);
        out.push_str(value);
    }

    /// `jsonw_destroy`: the final newline.
    pub(crate) fn destroy(&self, out: &mut String) {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_layout_matches_json_writer_c() {
        let mut out = String::new();
        let mut w = JsonWriter::new(true);
        w.start_object(&mut out);
        w.name(&mut out, "param");
        w.start_object(&mut out);
        w.name(&mut out, "a/b");
        w.start_array(&mut out);
        w.start_object(&mut out);
        w.name(&mut out, "name");
        w.string(&mut out, "x");
        w.name(&mut out, "empty");
        w.start_array(&mut out);
        w.end_array(&mut out);
        w.end_object(&mut out);
        w.start_object(&mut out);
        w.end_object(&mut out);
        w.end_array(&mut out);
        w.end_object(&mut out);
        w.end_object(&mut out);
        w.destroy(&mut out);
        assert_eq!(
            out,
            "{\n    \"param\": {\n        \"a/b\": [ {\n                \"name\": \"x\",\n                \"empty\": [ ]\n            },{} ]\n    }\n}\n"
        );
    }

    #[test]
    fn compact_and_escapes() {
        let mut out = String::new();
        let mut w = JsonWriter::new(false);
        w.start_object(&mut out);
        w.name(&mut out, "k");
        w.string(&mut out, "a\"b\\c\td");
        w.name(&mut out, "n");
        w.raw(&mut out, "1");
        w.end_object(&mut out);
        w.end_object(&mut out); // one close too many: ignored, as C would assert
        assert_eq!(out, r#"{"k":"a\"b\\c\td","n":1}"#);
        assert_eq!(w.depth(), 0);
    }
}
