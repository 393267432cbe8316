//! YAML documents with positions: a reader of our own for the YAML that workflows and task
//! definitions are written in (block and flow collections, plain, quoted and block scalars,
//! anchors, aliases and tags, one document), resolved with YAML 1.2's core schema into the same
//! [`Node`] tree as JSON. It builds the tree straight from the text, borrowing every scalar
//! that needs no unescaping or folding: no token or event layer in between, which is most of
//! what a general YAML library costs in time and, in the worker's and the app's wasm, in bytes.
//! The tests hold it to `saphyr-parser` (`yaml_reference`): the same tree and positions on every
//! document both read.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;

use super::{MAX_DEPTH, Member, Node, Pos, SyntaxError, Value};

/// A plain scalar resolved by YAML 1.2's core schema: null, booleans, integers and floats; any
/// other text is a string. Infinities and NaN stay strings (JSON has no such numbers).
pub(crate) fn resolve_plain(scalar: Cow<'_, str>) -> Value<'_> {
    let text: &str = &scalar;
    // Most plain scalars in workflows and task definitions are words: no digit or sign or
    // dot up front means no number, and only the few null/bool spellings remain.
    if !text.starts_with(|c: char| c.is_ascii_digit() || "-+.~".contains(c))
        && !matches!(
            text.as_bytes().first(),
            Some(b'n' | b'N' | b't' | b'T' | b'f' | b'F') | None
        )
    {
        return Value::String(scalar);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Number(match scalar {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim_start_matches('+')),
            Cow::Owned(o) => Cow::Owned(o.trim_start_matches('+').to_owned()),
        });
    }
    let radix = |prefix: &str, radix: u32| {
        text.strip_prefix(prefix)
            .and_then(|d| i64::from_str_radix(d, radix).ok())
    };
    if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Value::Number(Cow::Owned(n.to_string()));
    }
    let looks_float = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE.+-".contains(&b))
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match looks_float.then(|| text.parse::<f64>()) {
        Some(Ok(f)) if f.is_finite() => Value::Number(Cow::Owned(
            serde_json::Number::from_f64(f).map_or_else(|| text.to_owned(), |n| n.to_string()),
        )),
        _ => Value::String(scalar),
    }
}

/// How many nodes the aliases of a document may add: a generous multiple of its own size, with a
/// floor for small files. YAML aliases let a few hundred bytes expand to billions of nodes (an
/// anchor of nine items, each level aliasing the one before nine times); like Go's yaml.v3, the
/// reader refuses a document whose expansion outgrows its input, so reading stays linear.
pub(crate) fn alias_budget(text: &str) -> usize {
    10_000 + 10 * text.len()
}

/// The nodes of a tree (itself included).
pub(crate) fn node_count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(members) => members.iter().map(|m| node_count(&m.value)).sum(),
        _ => 0,
    }
}

/// Parses the first YAML document of `text` (a second one is an error).
pub fn parse_yaml(text: &str) -> Result<Node<'_>> {
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        flow: 0,
        depth: 0,
        anchored: Vec::new(),
        anchors: BTreeMap::new(),
        column: Cell::new((0, 0, 0)),
        expanded: 0,
        budget: alias_budget(text),
    };
    r.document()
}

type Result<T> = std::result::Result<T, SyntaxError>;

/// Node properties: an anchor's name and a tag.
#[derive(Default)]
struct Props<'t> {
    anchor: Option<&'t str>,
    tag: Option<&'t str>,
    pos: Option<Pos>,
}

struct Reader<'t> {
    text: &'t str,
    b: &'t [u8],
    /// The byte being read.
    i: usize,
    /// Its line, from 1.
    line: u32,
    /// Where that line starts.
    line_start: usize,
    /// How many flow collections (`[`, `{`) enclose the reader.
    flow: usize,
    /// How many collections enclose the reader.
    depth: usize,
    /// Each anchor's node and the nodes it holds, in the order defined.
    anchored: Vec<(Node<'t>, usize)>,
    /// Where each anchor's name points in `anchored`: its last definition.
    anchors: BTreeMap<&'t str, usize>,
    /// The last column worked out: (its line's start, its byte, its characters from the start).
    column: Cell<(usize, usize, u32)>,
    expanded: usize,
    budget: usize,
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// How a YAML message names a character: `` `x` `` or "the end of the text".
fn found(c: Option<char>) -> String {
    match c {
        None => "the end of the text".to_owned(),
        Some('\n' | '\r') => "a line break".to_owned(),
        Some('\t') => "a tab".to_owned(),
        Some(c) => format!("`{c}`"),
    }
}

impl<'t> Reader<'t> {
    /// The byte `k` ahead (0 past the end).
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(0)
    }

    fn eof(&self) -> bool {
        self.i >= self.b.len()
    }

    /// Whether the byte `k` ahead ends a token: a blank, a line break or the end.
    fn ends_token(&self, k: usize) -> bool {
        let b = self.at(k);
        b == 0 || is_blank(b) || is_break(b)
    }

    /// Whether an anchor's, alias's or tag's name ends here.
    fn ends_name(&self) -> bool {
        self.ends_token(0) || self.flow > 0 && is_flow_indicator(self.peek())
    }

    /// Where the reader is. Columns count characters; the count is carried along the line from
    /// the last place asked, so a line of a hundred thousand flow items is read in linear time.
    fn pos(&self) -> Pos {
        let (line_start, byte, chars) = self.column.get();
        let (from, base) = if line_start == self.line_start && byte <= self.i {
            (byte, chars)
        } else {
            (self.line_start, 0)
        };
        let part = &self.text[from..self.i];
        let count = if part.is_ascii() {
            part.len()
        } else {
            part.chars().count()
        };
        let column = base + count as u32;
        self.column.set((self.line_start, self.i, column));
        Pos {
            line: self.line,
            column: column + 1,
        }
    }

    /// The byte column of the reader on its line (indentation is spaces, so bytes are columns).
    fn col(&self) -> usize {
        self.i - self.line_start
    }

    fn error_at(&self, pos: Pos, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            pos,
            message: format!("invalid YAML: {}", message.into()),
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.pos(), message)
    }

    fn next_char(&self) -> Option<char> {
        self.text[self.i..].chars().next()
    }

    /// Steps over a line break (`\n`, `\r\n` or `\r`) at the reader.
    fn newline(&mut self) {
        if self.peek() == b'\r' && self.at(1) == b'\n' {
            self.i += 1;
        }
        self.i += 1;
        self.line += 1;
        self.line_start = self.i;
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.peek()) {
            self.i += 1;
        }
    }

    /// Skips blanks, comments and line breaks up to the next content (or the end). Outside flow
    /// collections, a tab in the indentation of a line with content is an error.
    fn skip_space(&mut self) -> Result<()> {
        loop {
            self.skip_blanks();
            match self.peek() {
                b'#' => {
                    while !self.eof() && !is_break(self.peek()) {
                        self.i += 1;
                    }
                }
                b'\n' | b'\r' => self.newline(),
                _ => break,
            }
        }
        if self.flow == 0
            && !self.eof()
            && self.b[self.line_start..self.i].contains(&b'\t')
            && self.b[self.line_start..self.i].iter().all(|&b| is_blank(b))
        {
            return Err(self.error("a tab in indentation: YAML indents with spaces"));
        }
        Ok(())
    }

    /// Whether only blanks precede the reader on its line.
    fn at_line_start(&self) -> bool {
        self.b[self.line_start..self.i].iter().all(|&b| is_blank(b))
    }

    /// A document marker (`---` or `...`) at the start of the reader's line.
    fn at_marker(&self) -> Option<u8> {
        let m = self.peek();
        ((m == b'-' || m == b'.')
            && self.i == self.line_start
            && self.at(1) == m
            && self.at(2) == m
            && self.ends_token(3))
        .then_some(m)
    }

    /// Whether a node's content ends here: the end, a marker, or a line not indented past
    /// `indent` (the column of the collection that holds the node).
    fn ends_block(&self, indent: isize) -> bool {
        self.eof() || self.at_marker().is_some() || (self.col() as isize) <= indent
    }

    /// Whether a list starts here at column `indent` itself: a mapping's value may be a list at
    /// its key's column (`key:` then `- item` below it).
    fn compact_seq_at(&self, indent: isize) -> bool {
        self.peek() == b'-' && self.ends_token(1) && self.col() as isize == indent
    }

    /// Whether a node that was to come on the lines below is empty: its block ended, and no
    /// list starts at its collection's column.
    fn empty_below(&self, indent: isize) -> bool {
        self.ends_block(indent) && !self.compact_seq_at(indent)
    }

    fn document(&mut self) -> Result<Node<'t>> {
        if self.text.starts_with('\u{feff}') {
            self.i = 3;
            self.line_start = 3;
        }
        self.skip_space()?;
        while self.peek() == b'%' && self.i == self.line_start {
            while !self.eof() && !is_break(self.peek()) {
                self.i += 1;
            }
            self.skip_space()?;
        }
        let mut start = Pos { line: 1, column: 1 };
        if self.at_marker() == Some(b'-') {
            self.i += 3;
            self.skip_space()?;
            start = self.pos();
        }
        let root = if self.eof() || self.at_marker().is_some() {
            Node {
                value: Value::Null,
                pos: start,
            }
        } else {
            let node = self.node(-1, true)?;
            self.end_of_node()?;
            node
        };
        self.skip_space()?;
        if self.at_marker() == Some(b'.') {
            self.i += 3;
            self.skip_space()?;
        }
        if self.eof() {
            return Ok(root);
        }
        if self.at_marker().is_some() {
            return Err(SyntaxError {
                pos: self.pos(),
                message: "a second YAML document: expected one".to_owned(),
            });
        }
        Err(self.error(format!(
            "{} where the document should end (is it indented less than what it belongs to?)",
            found(self.next_char())
        )))
    }

    /// After a node on a line: only blanks and a comment may follow it there.
    fn end_of_node(&mut self) -> Result<()> {
        // Most values end their line; a block collection or scalar leaves the reader on the
        // next line, with only indentation before it.
        self.skip_blanks();
        match self.peek() {
            _ if self.eof() => Ok(()),
            b'#' | b'\n' | b'\r' => Ok(()),
            _ if self.at_line_start() => Ok(()),
            b':' => Err(self.error(
                "a mapping value here: a key on the line of another value (quote the value if it holds `: `)",
            )),
            _ => Err(self.error(format!(
                "{} after a value: expected the end of the line",
                found(self.next_char())
            ))),
        }
    }

    fn props(&mut self) -> Result<Props<'t>> {
        let mut props = Props::default();
        loop {
            let sigil = self.peek();
            if sigil != b'&' && sigil != b'!' {
                return Ok(props);
            }
            if props.pos.is_none() {
                props.pos = Some(self.pos());
            }
            let start = self.i;
            self.i += 1;
            while !self.ends_name() {
                self.i += 1;
            }
            let name = &self.text[start + 1..self.i];
            if sigil == b'&' {
                if name.is_empty() {
                    return Err(self.error("an anchor (`&`) without a name"));
                }
                props.anchor = Some(name);
            } else {
                props.tag = Some(&self.text[start..self.i]);
            }
            self.skip_blanks();
        }
    }

    /// A node starting at the reader, held by a collection at column `indent`. `compact` says
    /// whether a block collection may start here: at the start of its line, or after `- `.
    fn node(&mut self, indent: isize, compact: bool) -> Result<Node<'t>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nested deeper than {MAX_DEPTH} collections")));
        }
        let props = match self.peek() {
            b'&' | b'!' => self.props()?,
            _ => Props::default(),
        };
        // `!!str` (or the non-specific `!`) keeps a plain scalar a string.
        let raw = matches!(props.tag, Some("!!str" | "!"));
        let node = if props.pos.is_some() && matches!(self.peek(), b'#' | b'\n' | b'\r' | 0) {
            // Properties alone on their line: the node is on the lines below, or empty.
            let at = props.pos.unwrap_or_default();
            self.skip_space()?;
            if self.empty_below(indent) {
                Node {
                    value: Value::Null,
                    pos: at,
                }
            } else {
                self.bare_node(indent, true, raw)?
            }
        } else {
            self.bare_node(indent, compact, raw)?
        };
        self.depth -= 1;
        if props.pos.is_none() {
            return Ok(node);
        }
        self.finish(node, props)
    }

    /// Places a node at its properties, when it has some, and registers its anchor.
    fn finish(&mut self, mut node: Node<'t>, props: Props<'t>) -> Result<Node<'t>> {
        if let Some(at) = props.pos {
            node.pos = at;
        }
        if let Some(name) = props.anchor {
            let count = node_count(&node);
            self.anchors.insert(name, self.anchored.len());
            self.anchored.push((node.clone(), count));
        }
        Ok(node)
    }

    fn bare_node(&mut self, indent: isize, compact: bool, raw: bool) -> Result<Node<'t>> {
        let pos = self.pos();
        let col = self.col() as isize;
        match self.peek() {
            b'-' if self.ends_token(1) && self.flow == 0 => {
                if !compact {
                    return Err(self.error(
                        "a sequence item (`- `) on the line of its key: start the list on the next line",
                    ));
                }
                self.block_seq(col)
            }
            b'?' if self.ends_token(1) && self.flow == 0 => {
                if !compact {
                    return Err(self.error("an explicit key (`? `) on the line of another key"));
                }
                let first = self.key(col)?;
                self.block_map(first, pos, col)
            }
            b'[' | b'{' => {
                let node = self.flow_collection()?;
                self.skip_blanks();
                if self.flow == 0 && self.peek() == b':' && self.ends_token(1) {
                    return Err(self.error_at(
                        pos,
                        "a mapping or sequence used as a key: expected a plain key",
                    ));
                }
                Ok(node)
            }
            b'|' | b'>' if self.flow == 0 => self.block_scalar(indent),
            b'*' => {
                let node = self.alias()?;
                self.key_or(node, pos, col, compact)
            }
            b'"' | b'\'' => {
                let line = self.line;
                let text = self.quoted()?;
                let node = Node {
                    value: Value::String(text),
                    pos,
                };
                if self.line != line {
                    return Ok(node);
                }
                self.key_or(node, pos, col, compact)
            }
            b'@' | b'`' => Err(self.error(format!(
                "{} starts a value: it is reserved in YAML, quote the value",
                found(self.next_char())
            ))),
            b'%' if self.flow == 0 => Err(self.error("`%` starts a value: quote the value")),
            b',' | b']' | b'}' => Err(self.error(format!(
                "{} where a value was expected",
                found(self.next_char())
            ))),
            _ => {
                let (text, single_line) = self.plain(indent)?;
                let node = Node {
                    value: if raw {
                        Value::String(text)
                    } else {
                        resolve_plain(text)
                    },
                    pos,
                };
                if !single_line {
                    return Ok(node);
                }
                self.key_or(node, pos, col, compact)
            }
        }
    }

    /// A scalar read at the start of a node: a mapping's first key when `: ` follows.
    fn key_or(&mut self, node: Node<'t>, pos: Pos, col: isize, compact: bool) -> Result<Node<'t>> {
        if self.flow > 0 {
            return Ok(node);
        }
        let save = self.i;
        self.skip_blanks();
        if self.peek() == b':' && self.ends_token(1) {
            if !compact {
                return Err(self.error(
                    "a mapping value here: a key on the line of another key (quote the value if it holds `: `)",
                ));
            }
            let key = key_text(node)?;
            return self.block_map(key, pos, col);
        }
        self.i = save;
        Ok(node)
    }

    fn alias(&mut self) -> Result<Node<'t>> {
        let pos = self.pos();
        let start = self.i + 1;
        self.i += 1;
        while !self.ends_name() {
            self.i += 1;
        }
        let name = &self.text[start..self.i];
        let Some((node, count)) = self.anchors.get(name).map(|&k| &self.anchored[k]) else {
            return Err(self.error_at(pos, format!("alias `*{name}` to an unknown anchor")));
        };
        self.expanded += count;
        if self.expanded > self.budget {
            return Err(self.error_at(
                pos,
                format!(
                    "aliases expand this {}-byte document past {} nodes: refused (an alias bomb?)",
                    self.text.len(),
                    self.budget
                ),
            ));
        }
        Ok(Node {
            value: node.value.clone(),
            pos,
        })
    }

    /// A block mapping whose first key (read already) starts at column `col`; the reader is
    /// at the blanks before that key's `:`.
    fn block_map(&mut self, first: (Cow<'t, str>, Pos), pos: Pos, col: isize) -> Result<Node<'t>> {
        let mut members = Vec::new();
        let (mut key, mut key_pos) = first;
        loop {
            self.skip_blanks();
            // The reader is at the `:` after the key; an empty value is placed there.
            let empty_at = self.pos();
            self.i += 1;
            self.skip_blanks();
            let value = if matches!(self.peek(), b'#' | b'\n' | b'\r' | 0) {
                self.skip_space()?;
                if self.empty_below(col) {
                    Node {
                        value: Value::Null,
                        pos: empty_at,
                    }
                } else if self.compact_seq_at(col) {
                    // A list at its key's column (`key:` then `- item` below it), placed
                    // where its first item's content starts on the dash's line, as saphyr
                    // places it.
                    let dash = self.i;
                    self.i += 1;
                    self.skip_blanks();
                    let at = self.pos();
                    self.i = dash;
                    let mut seq = self.node(col, true)?;
                    seq.pos = at;
                    seq
                } else {
                    self.node(col, true)?
                }
            } else {
                self.node(col, false)?
            };
            self.end_of_node()?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_space()?;
            if self.eof() || self.at_marker().is_some() || (self.col() as isize) < col {
                break;
            }
            if self.col() as isize > col {
                return Err(self.error(format!(
                    "{} indented past the mapping's keys (column {}): expected a key at that column",
                    found(self.next_char()),
                    col + 1
                )));
            }
            if self.peek() == b'-' && self.ends_token(1) {
                return Err(self.error("a sequence item (`- `) among a mapping's keys"));
            }
            (key, key_pos) = self.key(col)?;
        }
        Ok(Node {
            value: Value::Object(members),
            pos,
        })
    }

    /// A key of a block mapping at column `col` after its first: a scalar on one line then `:`,
    /// or an explicit `? key` with its `:` below, at the same column.
    fn key(&mut self, col: isize) -> Result<(Cow<'t, str>, Pos)> {
        let pos = self.pos();
        if self.peek() == b'?' && self.ends_token(1) {
            let node = self.after_indicator(col)?;
            self.skip_space()?;
            if self.peek() != b':' || !self.ends_token(1) || self.col() as isize != col {
                return Err(self.error_at(
                    pos,
                    "an explicit key (`? `) without its `: value` below it, at its column",
                ));
            }
            return key_text(node);
        }
        let line = self.line;
        let props = match self.peek() {
            b'&' | b'!' => self.props()?,
            _ => Props::default(),
        };
        let node = match self.peek() {
            b'"' | b'\'' => Node {
                value: Value::String(self.quoted()?),
                pos,
            },
            b'*' => self.alias()?,
            b'[' | b'{' => {
                return Err(self.error("a mapping or sequence used as a key: expected a plain key"));
            }
            _ => {
                let start = self.i;
                let end = start + plain_end(&self.b[start..], false);
                let text = self.text[start..end].trim_end_matches([' ', '\t']);
                self.i = start + text.len();
                Node {
                    value: resolve_plain(Cow::Borrowed(text)),
                    pos,
                }
            }
        };
        let node = if props.pos.is_some() {
            self.finish(node, props)?
        } else {
            node
        };
        self.skip_blanks();
        if self.line != line || self.peek() != b':' || !self.ends_token(1) {
            return Err(self.error_at(
                pos,
                "expected `key: value` (a mapping entry) at the column of the keys above",
            ));
        }
        key_text(node)
    }

    /// The node after an indicator (`- `, `? `) at the reader, in a collection at column `col`:
    /// on the rest of the line, or on the lines below indented past `col`, or else empty
    /// (placed just past the indicator).
    fn after_indicator(&mut self, col: isize) -> Result<Node<'t>> {
        self.i += 1;
        self.skip_blanks();
        let empty_at = self.pos();
        let node = if matches!(self.peek(), b'#' | b'\n' | b'\r' | 0) {
            self.skip_space()?;
            if self.ends_block(col) {
                Node {
                    value: Value::Null,
                    pos: empty_at,
                }
            } else {
                self.node(col, true)?
            }
        } else {
            self.node(col, true)?
        };
        self.end_of_node()?;
        Ok(node)
    }

    /// A block sequence whose first `-` is at the reader, column `col`.
    fn block_seq(&mut self, col: isize) -> Result<Node<'t>> {
        let pos = self.pos();
        let mut items = Vec::new();
        loop {
            let item = self.after_indicator(col)?;
            items.push(item);
            self.skip_space()?;
            if self.ends_block(col - 1)
                || self.col() as isize != col
                || !(self.peek() == b'-' && self.ends_token(1))
            {
                break;
            }
        }
        Ok(Node {
            value: Value::Array(items),
            pos,
        })
    }

    /// A flow collection, `[...]` or `{...}`, at the reader.
    fn flow_collection(&mut self) -> Result<Node<'t>> {
        let pos = self.pos();
        let open = self.peek();
        let close = if open == b'[' { b']' } else { b'}' };
        self.i += 1;
        self.flow += 1;
        let unclosed = |r: &Self| {
            r.error_at(
                pos,
                format!(
                    "`{}` is never closed: expected `{}`",
                    open as char, close as char
                ),
            )
        };
        let mut items = Vec::new();
        let mut members = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == close {
                self.i += 1;
                break;
            }
            if self.eof() || self.at_marker().is_some() {
                return Err(unclosed(self));
            }
            let entry_pos = self.pos();
            let entry =
                if self.peek() == b':' && (self.ends_token(1) || is_flow_indicator(self.at(1))) {
                    // `: value` with an empty key.
                    None
                } else {
                    Some(self.node(-1, false)?)
                };
            self.skip_space()?;
            let pair = self.peek() == b':'
                && (self.ends_token(1)
                    || is_flow_indicator(self.at(1))
                    || entry.as_ref().is_some_and(|e| {
                        matches!(e.value, Value::String(_)) && self.b[self.i - 1] != b' '
                    }));
            // The entry's value when it is a pair (`key: value`, the value empty at the colon
            // when left out), or a key alone in a mapping (`{a, b}`: empty here).
            let value = if pair {
                let colon = self.pos();
                self.i += 1;
                self.skip_space()?;
                Some(if matches!(self.peek(), b',' | b']' | b'}') {
                    Node {
                        value: Value::Null,
                        pos: colon,
                    }
                } else {
                    self.node(-1, false)?
                })
            } else {
                (open == b'{').then(|| Node {
                    value: Value::Null,
                    pos: self.pos(),
                })
            };
            match value {
                None => items.push(entry.unwrap_or(Node {
                    value: Value::Null,
                    pos: entry_pos,
                })),
                Some(value) => {
                    let (key, key_pos) = match entry {
                        Some(e) => key_text(e)?,
                        None => (Cow::Borrowed("null"), entry_pos),
                    };
                    let member = Member {
                        key,
                        key_pos,
                        value,
                    };
                    if open == b'{' {
                        members.push(member);
                    } else {
                        // `[a: 1]`: a single-pair mapping in a sequence.
                        items.push(Node {
                            value: Value::Object(vec![member]),
                            pos: entry_pos,
                        });
                    }
                }
            }
            self.skip_space()?;
            match self.peek() {
                b',' => self.i += 1,
                c if c == close => {}
                _ if self.eof() => return Err(unclosed(self)),
                _ => {
                    return Err(self.error(format!(
                        "{} in a flow collection: expected `,` or `{}`",
                        found(self.next_char()),
                        close as char
                    )));
                }
            }
        }
        self.flow -= 1;
        Ok(Node {
            value: if open == b'[' {
                Value::Array(items)
            } else {
                Value::Object(members)
            },
            pos,
        })
    }

    /// A plain scalar at the reader, folded over the lines that continue it (lines indented past
    /// `indent`); the flag says whether it stayed on one line.
    fn plain(&mut self, indent: isize) -> Result<(Cow<'t, str>, bool)> {
        let flow = self.flow > 0;
        let first = self.line_part(flow);
        // Whether more lines continue it: the reader stopped at a line break, and the next line
        // with content is indented past the collection and is not a comment or a marker.
        if !is_break(self.peek()) {
            return Ok((Cow::Borrowed(first), true));
        }
        let save = (self.i, self.line, self.line_start);
        let mut text: Option<String> = None;
        loop {
            let mut breaks = 0;
            while is_break(self.peek()) {
                self.newline();
                breaks += 1;
                self.skip_blanks();
            }
            let stop = self.eof()
                || self.peek() == b'#'
                || self.at_marker().is_some()
                || (!flow && self.col() as isize <= indent)
                || (flow && matches!(self.peek(), b',' | b']' | b'}' | b':'))
                || (!flow
                    && self.b[self.line_start..self.i].contains(&b'\t')
                    && self.col() as isize <= indent + 1);
            if stop {
                break;
            }
            let part = self.line_part(flow);
            let out = text.get_or_insert_with(|| first.to_owned());
            if breaks == 1 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            out.push_str(part);
            if !is_break(self.peek()) {
                if !flow && self.peek() == b':' {
                    return Err(self.error(
                        "a mapping value in a multi-line plain scalar: quote the value, or fix the indentation",
                    ));
                }
                return Ok((Cow::Owned(text.unwrap_or_default()), false));
            }
        }
        match text {
            Some(text) => {
                // Leave the reader at the end of the last line read.
                Ok((Cow::Owned(text), false))
            }
            None => {
                (self.i, self.line, self.line_start) = save;
                Ok((Cow::Borrowed(first), true))
            }
        }
    }

    /// The part of a plain scalar on the reader's line (trailing blanks left out); the reader
    /// stops at what ends it.
    fn line_part(&mut self, flow: bool) -> &'t str {
        let start = self.i;
        let end = start + plain_end(&self.b[start..], flow);
        let text = self.text[start..end].trim_end_matches([' ', '\t']);
        self.i = end;
        text
    }

    /// A quoted scalar at the reader (`"..."` or `'...'`), folded and unescaped.
    fn quoted(&mut self) -> Result<Cow<'t, str>> {
        let pos = self.pos();
        let quote = self.peek();
        self.i += 1;
        let start = self.i;
        // The common case: no escape and no line break before the closing quote.
        let mut j = start;
        while j < self.b.len() {
            let b = self.b[j];
            if b == quote {
                if quote == b'\'' && self.b.get(j + 1) == Some(&b'\'') {
                    break;
                }
                self.i = j + 1;
                return Ok(Cow::Borrowed(&self.text[start..j]));
            }
            if b == b'\\' && quote == b'"' || is_break(b) {
                break;
            }
            j += 1;
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.next_char() else {
                return Err(self.error_at(
                    pos,
                    format!("a quoted scalar without its closing `{}`", quote as char),
                ));
            };
            match c {
                '\'' if quote == b'\'' => {
                    if self.at(1) == b'\'' {
                        out.push('\'');
                        self.i += 2;
                    } else {
                        self.i += 1;
                        return Ok(Cow::Owned(out));
                    }
                }
                '"' if quote == b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                '\\' if quote == b'"' => {
                    self.i += 1;
                    if is_break(self.peek()) {
                        // An escaped line break joins the lines with nothing between.
                        self.newline();
                        self.skip_blanks();
                        continue;
                    }
                    self.escape(&mut out)?;
                }
                '\n' | '\r' => {
                    let kept = out.trim_end_matches([' ', '\t']).len();
                    out.truncate(kept);
                    let mut breaks = 0;
                    while is_break(self.peek()) {
                        self.newline();
                        breaks += 1;
                        self.skip_blanks();
                        if self.at_marker().is_some() {
                            return Err(self.error_at(
                                pos,
                                format!("a quoted scalar without its closing `{}`", quote as char),
                            ));
                        }
                    }
                    if breaks == 1 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', breaks - 1));
                    }
                }
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    /// The escape after a `\` in a double-quoted scalar.
    fn escape(&mut self, out: &mut String) -> Result<()> {
        let pos = self.pos();
        let e = self.peek();
        self.i += 1;
        let simple = match e {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' | b'\t' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => {
                let n = match e {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.text.get(self.i..self.i + n).unwrap_or_default();
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .filter(|_| hex.len() == n)
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        self.error_at(pos, format!("`\\{}{hex}` is not a character", e as char))
                    })?;
                self.i += n;
                c
            }
            _ => {
                self.i -= 1;
                return Err(self.error_at(
                    pos,
                    format!(
                        "unknown escape `\\{}` in a double-quoted scalar",
                        self.next_char().unwrap_or(' ')
                    ),
                ));
            }
        };
        out.push(simple);
        Ok(())
    }

    /// A literal (`|`) or folded (`>`) block scalar at the reader, in a collection at column
    /// `indent`.
    fn block_scalar(&mut self, indent: isize) -> Result<Node<'t>> {
        // Placed where its content starts (an offset into the value is then a place in the text).
        let mut pos = self.pos();
        let literal = self.peek() == b'|';
        self.i += 1;
        let mut chomp = b' ';
        let mut explicit = None;
        for _ in 0..2 {
            match self.peek() {
                b'-' | b'+' if chomp == b' ' => {
                    chomp = self.peek();
                    self.i += 1;
                }
                d @ b'1'..=b'9' if explicit.is_none() => {
                    explicit = Some((d - b'0') as isize);
                    self.i += 1;
                }
                _ => break,
            }
        }
        self.skip_blanks();
        if self.peek() == b'#' {
            while !self.eof() && !is_break(self.peek()) {
                self.i += 1;
            }
        }
        if !self.eof() && !is_break(self.peek()) {
            return Err(self.error(format!(
                "{} after a block scalar's header: expected a line break",
                found(self.next_char())
            )));
        }
        // The lines: each (start of content after the indentation, end of line).
        let mut content_indent = explicit.map(|d| (indent.max(0) + d) as usize);
        if indent < 0 {
            content_indent = explicit.map(|d| (d - 1).max(0) as usize);
        }
        let mut lines: Vec<&'t str> = Vec::new();
        let mut leading = 0;
        while is_break(self.peek()) {
            let save = (self.i, self.line, self.line_start);
            self.newline();
            let mut spaces = 0;
            while self.at(spaces) == b' ' {
                spaces += 1;
            }
            let rest = self.i + spaces;
            let blank = self.b.get(rest).is_none_or(|&b| is_break(b))
                || (self.b[rest] == b'\t'
                    && self.b[rest..]
                        .iter()
                        .take_while(|&&b| !is_break(b))
                        .all(|&b| is_blank(b)));
            let ci = match content_indent {
                Some(ci) => ci,
                None if blank => {
                    leading = leading.max(spaces);
                    0
                }
                None => {
                    if spaces as isize <= indent {
                        // Empty: placed where the next line's content starts.
                        pos = Pos {
                            line: self.line,
                            column: spaces as u32 + 1,
                        };
                        (self.i, self.line, self.line_start) = save;
                        break;
                    }
                    if leading > spaces {
                        return Err(self.error(
                            "a blank line before a block scalar's first line is indented past it",
                        ));
                    }
                    content_indent = Some(spaces);
                    spaces
                }
            };
            if !blank && lines.iter().all(|l| l.is_empty()) {
                pos = Pos {
                    line: self.line,
                    column: ci as u32 + 1,
                };
            }
            if !blank && (spaces < ci || self.at_marker().is_some()) {
                if lines.iter().all(|l| l.is_empty()) {
                    pos = Pos {
                        line: self.line,
                        column: spaces as u32 + 1,
                    };
                }
                (self.i, self.line, self.line_start) = save;
                break;
            }
            let end = self.b[self.i..]
                .iter()
                .position(|&b| is_break(b))
                .map_or(self.b.len(), |k| self.i + k);
            // A blank line is empty, unless it has spaces past the content's indentation.
            let from = if blank && (content_indent.is_none() || spaces <= ci) {
                end
            } else {
                (self.i + ci.min(spaces)).min(end)
            };
            lines.push(&self.text[from..end]);
            self.i = end;
        }
        // Leave the reader at the start of the line after the scalar.
        if is_break(self.peek()) {
            self.newline();
        }
        let last = lines.iter().rposition(|l| !l.is_empty());
        let body = &lines[..last.map_or(0, |k| k + 1)];
        let trailing = lines.len() - body.len();
        let mut out = String::new();
        if literal {
            for (k, line) in body.iter().enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                out.push_str(line);
            }
        } else {
            let mut breaks = 0;
            let mut prev_more = true;
            let mut first = true;
            for line in body {
                if line.is_empty() {
                    breaks += 1;
                    continue;
                }
                let more = line.starts_with([' ', '\t']);
                if first {
                    out.extend(std::iter::repeat_n('\n', breaks));
                } else if breaks == 0 && !more && !prev_more {
                    out.push(' ');
                } else {
                    let n = if !more && !prev_more {
                        breaks
                    } else {
                        breaks + 1
                    };
                    out.extend(std::iter::repeat_n('\n', n));
                }
                out.push_str(line);
                prev_more = more;
                first = false;
                breaks = 0;
            }
        }
        match chomp {
            b'-' => {}
            b'+' => {
                let n = if body.is_empty() {
                    trailing
                } else {
                    trailing + 1
                };
                out.extend(std::iter::repeat_n('\n', n));
            }
            _ if !body.is_empty() => out.push('\n'),
            _ => {}
        }
        Ok(Node {
            value: Value::String(Cow::Owned(out)),
            pos,
        })
    }
}

/// Where a plain scalar's part on one line ends in `rest`: a line break, `: ` (or `:` at the end),
/// ` #`, or in a flow collection a flow indicator or `:` before one.
fn plain_end(rest: &[u8], flow: bool) -> usize {
    let mut k = 0;
    while k < rest.len() {
        let b = rest[k];
        let next = rest.get(k + 1).copied().unwrap_or(0);
        let stop = is_break(b)
            || (b == b':' && (next == 0 || is_blank(next) || is_break(next)))
            || (b == b':' && flow && is_flow_indicator(next))
            || (b == b'#' && k > 0 && is_blank(rest[k - 1]))
            || (flow && is_flow_indicator(b));
        if stop {
            break;
        }
        k += 1;
    }
    k
}

/// A scalar node as a mapping key, with where it starts.
pub(crate) fn key_text(node: Node<'_>) -> Result<(Cow<'_, str>, Pos)> {
    let k = match node.value {
        Value::String(s) => s,
        Value::Number(n) => n,
        Value::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
        Value::Null => Cow::Borrowed("null"),
        _ => {
            return Err(SyntaxError {
                pos: node.pos,
                message: "invalid YAML: a mapping or sequence used as a key: expected a plain key"
                    .to_owned(),
            });
        }
    };
    Ok((k, node.pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keys_and_positions() {
        let text = "family: web\ncpu: \"256\"\ncount: 3\nratio: 0.5\nessential: true\nnothing: ~\ncontainerDefinitions:\n  - name: web\n    command: [sh, -c, 'echo hi']\n    image: &img nginx\n  - name: copy\n    image: *img\n";
        let doc = parse_yaml(text).unwrap();
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"family": "web", "cpu": "256", "count": 3, "ratio": 0.5, "essential": true, "nothing": null,
                "containerDefinitions": [{"name": "web", "command": ["sh", "-c", "echo hi"], "image": "nginx"}, {"name": "copy", "image": "nginx"}]})
        );
        let containers = doc.get("containerDefinitions").unwrap();
        let second = &containers.items().unwrap()[1];
        assert_eq!(
            second.get("image").unwrap().pos,
            Pos {
                line: 12,
                column: 12
            }
        );
        assert_eq!(
            doc.members().unwrap()[1].key_pos,
            Pos { line: 2, column: 1 }
        );
        assert_eq!(doc.get("cpu").unwrap().pos, Pos { line: 2, column: 6 });
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("0x1F".into()), Value::Number("31".into()));
        assert_eq!(resolve_plain("-12".into()), Value::Number("-12".into()));
        assert_eq!(resolve_plain("1e3".into()), Value::Number("1000.0".into()));
        assert_eq!(resolve_plain("yes".into()), Value::String("yes".into()));
        assert_eq!(resolve_plain(".inf".into()), Value::String(".inf".into()));
        assert_eq!(resolve_plain("1.2.3".into()), Value::String("1.2.3".into()));
    }

    /// Nine-fold aliasing at eight levels: 340-odd bytes that would expand to 9^9 nodes.
    pub(crate) fn alias_bomb() -> String {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (level, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            text.push_str(&format!("{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_and_ordinary_aliases_are_not() {
        let bomb = alias_bomb();
        assert!(bomb.len() < 400, "{}", bomb.len());
        let err = parse_yaml(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
        // Anchors reused as people reuse them (shared settings, a few times each) still parse.
        let mut text = String::from(
            "defaults: &d {cpu: 256, memory: 512, essential: true, logs: {driver: awslogs, group: web}}\n",
        );
        for n in 0..50 {
            text.push_str(&format!("c{n}: *d\n"));
        }
        let doc = parse_yaml(&text).unwrap();
        assert_eq!(doc.members().unwrap().len(), 51);
    }

    #[test]
    fn errors_have_a_place() {
        let err = parse_yaml("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML: "), "{err}");
        assert!(err.pos.line >= 1);
        let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.to_string(), "2:1: a second YAML document: expected one");
    }
}

/// The reader held to `saphyr-parser` on every YAML file of the repository's fixtures, on each
/// with one line left out (thousands of near-misses, valid and not), and on the corners of
/// YAML below: where both read a document, the trees must be equal, positions included; where
/// one refuses it, so must the other.
#[cfg(test)]
mod oracle {
    use std::path::Path;

    use super::super::yaml_reference;
    use super::*;

    /// Where two trees first differ, or none.
    fn diff(a: &Node, b: &Node, path: &str) -> Option<String> {
        if a.pos != b.pos {
            return Some(format!("{path}: at {:?}, expected {:?}", a.pos, b.pos));
        }
        match (&a.value, &b.value) {
            (Value::Array(x), Value::Array(y)) => {
                if x.len() != y.len() {
                    return Some(format!("{path}: {} items, expected {}", x.len(), y.len()));
                }
                x.iter()
                    .zip(y)
                    .enumerate()
                    .find_map(|(k, (x, y))| diff(x, y, &format!("{path}[{k}]")))
            }
            (Value::Object(x), Value::Object(y)) => {
                if x.len() != y.len() {
                    return Some(format!("{path}: {} members, expected {}", x.len(), y.len()));
                }
                x.iter().zip(y).find_map(|(x, y)| {
                    if x.key != y.key || x.key_pos != y.key_pos {
                        Some(format!(
                            "{path}: key {:?} at {:?}, expected {:?} at {:?}",
                            x.key, x.key_pos, y.key, y.key_pos
                        ))
                    } else {
                        diff(&x.value, &y.value, &format!("{path}.{}", x.key))
                    }
                })
            }
            (x, y) if x == y => None,
            (x, y) => Some(format!("{path}: {x:?}, expected {y:?}")),
        }
    }

    fn compare(text: &str) -> Option<String> {
        match (parse_yaml(text), yaml_reference::parse_yaml(text)) {
            (Ok(a), Ok(b)) => diff(&a, &b, "$"),
            (Err(_), Err(_)) => None,
            (Ok(_), Err(e)) => Some(format!("read, but saphyr refuses it: {e}")),
            (Err(e), Ok(_)) => Some(format!("refused ({e}), but saphyr reads it")),
        }
    }

    fn fixtures(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                fixtures(&path, out);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }

    #[test]
    fn every_fixture_reads_as_saphyr_reads_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut files = Vec::new();
        fixtures(&root, &mut files);
        assert!(files.len() > 100, "{}", files.len());
        // More YAML to hold the reader to, from anywhere: HATOBA_YAML_ORACLE_DIR=DIR.
        if let Some(dir) = std::env::var_os("HATOBA_YAML_ORACLE_DIR") {
            fixtures(Path::new(&dir), &mut files);
        }
        let mut failures = Vec::new();
        let mut checked = 0;
        for (name, text) in &files {
            if let Some(d) = compare(text) {
                failures.push(format!("{name}: {d}"));
            }
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            for k in 0..lines.len() {
                let mut cut = lines.clone();
                cut.remove(k);
                let mut shifted = lines.clone();
                let line = format!(" {}", lines[k]);
                shifted[k] = &line;
                for (how, text) in [("without", cut.concat()), ("indenting", shifted.concat())] {
                    checked += 1;
                    if let Some(d) = compare(&text) {
                        failures.push(format!("{name} {how} line {}: {d}", k + 1));
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
        assert!(
            failures.is_empty(),
            "{} of {checked} differ:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }

    /// Thousands of broken documents (a byte of every fixture replaced by one that means something
    /// in YAML, or the text cut short): each is read or refused with a message, never a panic, and
    /// nesting past the limit is refused rather than overflowing the stack.
    #[test]
    fn mangled_documents_never_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut files = Vec::new();
        fixtures(&root, &mut files);
        let swaps = [
            ":", "-", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "\t", "\n", " ",
            "?", ",", "%", "@", "é", "\\", "\r", "---", "- ",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut refused = 0;
        for (_, text) in &files {
            for _ in 0..150 {
                let mut at = next(text.len().max(1));
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let end = (at + 1..=text.len())
                    .find(|&k| text.is_char_boundary(k))
                    .unwrap_or(text.len());
                let mangled = format!(
                    "{}{}{}",
                    &text[..at],
                    swaps[next(swaps.len())],
                    &text[end..]
                );
                refused += usize::from(parse_yaml(&mangled).is_err());
                refused += usize::from(parse_yaml(&text[..at]).is_err());
            }
        }
        assert!(refused > 1000, "{refused}");
        for deep in [
            "[".repeat(10_000),
            "- ".repeat(10_000),
            "{a: ".repeat(10_000),
        ] {
            let err = parse_yaml(&deep).unwrap_err();
            assert!(err.message.contains("nested deeper"), "{err}");
        }
        let mut nested = String::new();
        for k in 0..1_000 {
            nested.push_str(&" ".repeat(k));
            nested.push_str("a:\n");
        }
        assert!(
            parse_yaml(&nested)
                .unwrap_err()
                .message
                .contains("nested deeper")
        );
    }

    /// Inputs whose cost a naive reader squares, read in linear time: one line of 100,000 flow
    /// items, each placed at its column (with a non-ASCII character at the start of the line,
    /// so columns count characters), and 20,000 anchors each aliased after all are defined.
    /// Quadratic, each takes minutes here; linear, well under a second.
    #[test]
    fn adversarial_documents_read_in_linear_time() {
        let items = 100_000;
        let text = format!("é: [{}]\n", vec!["x"; items].join(", "));
        let doc = parse_yaml(&text).unwrap();
        let list = doc.get("é").and_then(Node::items).unwrap();
        assert_eq!(list.len(), items);
        assert_eq!(list[items - 1].pos.column as usize, 5 + 3 * (items - 1));
        let anchors = 20_000;
        let mut text = String::new();
        for k in 0..anchors {
            text.push_str(&format!("a{k}: &n{k} {k}\n"));
        }
        for k in 0..anchors {
            text.push_str(&format!("b{k}: *n{}\n", anchors - 1 - k));
        }
        let doc = parse_yaml(&text).unwrap();
        assert_eq!(doc.members().unwrap().len(), 2 * anchors);
        assert_eq!(
            doc.get("b0").unwrap().to_json(),
            serde_json::json!(anchors - 1)
        );
    }

    /// Where the reader departs from saphyr on purpose.
    #[test]
    fn tags_that_make_strings_and_tabs_that_separate() {
        // A `!!str` (or `!`) tag makes a plain scalar a string, as YAML says.
        let doc = parse_yaml("a: !!str 123\nb: ! true\nc: 123\n").unwrap();
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": "123", "b": "true", "c": 123})
        );
        // A tab after `:` separates as a space does (YAML's s-separate-in-line; GitHub reads it).
        let doc = parse_yaml("a:\tb\n").unwrap();
        assert_eq!(doc.to_json(), serde_json::json!({"a": "b"}));
    }

    #[test]
    fn the_corners_of_yaml_read_as_saphyr_reads_them() {
        let cases = [
            "",
            "---\n",
            "# only a comment\n",
            "a\n",
            "a: 1\n",
            "a:\n",
            "a:\nb: 2\n",
            "a: # comment\n  b: 1\n",
            "- a\n- b\n",
            "-\n- b\n",
            "a:\n- 1\n- 2\nb: 3\n",
            "a:\n  - 1\n  -\n    x: 1\n",
            "- a: 1\n  b: 2\n- c\n",
            "- - a\n  - b\n- - c\n",
            "a: [1, 2, {b: c}, [d]]\n",
            "a: {b: 1, c: [x, y], d}\n",
            "a: {b: }\n",
            "a: [\n  1,\n  2,\n]\n",
            "a: {\"b\":1}\n",
            "{\"a\": 1, \"b\": [true, null]}\n",
            "[a: 1, b]\n",
            "a: 'it''s'\n",
            "a: \"tab\\there \\u00e9 \\x41\"\n",
            "a: \"one\n  two\n\n  three\"\n",
            "a: 'one\n  two'\n",
            "a: \"joined\\\n  here\"\n",
            "a: plain\n  continued\n  lines\n",
            "a: plain\n\n  after a blank\n",
            "a: |\n  line 1\n  line 2\n",
            "a: |-\n  x\n\n",
            "a: |+\n  x\n\n\nb: 1\n",
            "a: >\n  folded\n  text\n\n  para\n",
            "a: >\n  folded\n    more\n  back\n",
            "a: >-\n  x\n  y\n",
            "a: |2\n    indented\n  b\n",
            "a: |\n\n  after blank\n",
            "a: |\nb: 1\n",
            "- |\n  in a list\n- x\n",
            "a: &x 1\nb: *x\n",
            "a: &m\n  k: v\nb: *m\n",
            "a: !!int 123\n",
            "a: !custom x\n",
            "a: &x\nb: 1\n",
            "\"quoted key\": 1\n'other': 2\n",
            "a b c: d\n",
            "url: http://x.y/z\n",
            "a: b: c\n",
            "a: - b\n",
            "a:\n  b: 1\n   c: 2\n",
            "a:\n  b: 1\n c: 2\n",
            "a: [1, 2\n",
            "a: 'open\n",
            "a: \"bad \\q\"\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "--- a\n",
            "--- |\n  x\n",
            "%YAML 1.2\n---\na: 1\n",
            "a:\n\tb: 1\n",
            "a: 1 # c\nb: 2 #c\n",
            "a: x#y\n",
            "a: 0x1F\nb: 0o17\nc: 1e3\nd: .5\ne: -.inf\nf: +12\n",
            "a: [a, b]: c\n",
            "? a\n: b\n",
            "a: *nope\n",
            "a\n  b\n",
            "a: 1\n  b\n",
            "key:    value   \n",
            "a: \"x\" y\n",
            "a: [a, b] c\n",
            "- a\nb: 1\n",
            "a:\n  - b\n  c: 1\n",
            "on:\n  push:\n    branches: [main]\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo hi\n          echo ${{ github.sha }}\n",
            "a: ${{ x }}\n",
            "a: '${{ x }}'\n",
            "a: \"\"\n",
            "a: ''\n",
            "- \n- ''\n",
            "a:  \n  - x\n",
            "\u{feff}a: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: é\nbé: ü\n",
            "- [a, b]\n- {c: d}\n",
            "a: [b, c]\nd: e\n",
            "a: @x\n",
            "a: `x\n",
            "a: |x\n",
            "- - - a\n",
            "a:\n  b:\n    c:\n      d: 1\n",
            "a: -1\nb: - 1\n",
            "a: ~\nb: null\nc: Null\nd: True\n",
            "[1, 2]\n",
            "a: [1,2,]\n",
            "a: {x: 1,}\n",
            "a: [,]\n",
            "a: '''\n",
            "a: >\n\n  x\n",
            "a: |\n  x\n  \n  y\n",
            "a: |\n  x\n   \n  y\n",
            "a: >\n  x\n   \n  y\n",
            "a: 1",
            "a: |\n  x",
            "- a",
            "a: 'x'",
            "a: 1\t# c\n",
            "a: |\r\n  x\r\n  y\r\nb: 1\r\n",
            "a: \"x # not a comment\" # comment\n",
            "- name: x\n  # comment\n  run: y\n# end\n",
            "\"on\": push\n",
            "a: !!binary |\n  R0lG\n",
            "- &a x\n- *a\n",
            "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
            "a: [b, c]  # comment\n",
            "a: []\nb: {}\n",
            "{a: [1, {b: 2}]}\n",
            "- a\n  b\n",
            "a:\n  b\n  c\n",
            "a: {\n  b: 1, # c\n  c: 2\n}\n",
            "a: 'multi\n\n  line'\n",
            "a: |\n    deeper\n  shallower\n",
            "a: |\n   \n  x\n",
            "a: >\n  one\n\n\n  two\n",
            "- ? a\n  : b\n",
            "? a\n: b\n? c\n: d\n",
            "a: |1\n  x\n",
            "- |-\n  x\n-\n",
            "a:\n  - b:\n      c: 1\n    d: 2\n",
            "a: \"\\\"quoted\\\"\"\n",
            "a: 'a\\b'\n",
            "a: -\n",
            "a: -x\n",
            "a: :x\n",
            "a: ?x\n",
            "- -1\n- - 2\n",
            "a:\n\n\n  b: 1\n",
            "...\n",
            "---\na: 1\n...\n",
            "--- # c\na: 1\n",
            "a: 1\n--- \n",
            "a: \"x\"\n  b: 1\n",
            "a:\n  \"x\": 1\n  'y': 2\n",
            "a: &x\n  - 1\nb: *x\n",
            "a: [*x]\n",
            "k: v # comment with: colon\n",
            "k: [a, 'b, c', \"d]\"]\n",
            "k: {a: 'x: y'}\n",
            "0: zero\n1.5: x\ntrue: t\n~: n\n",
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|text| compare(text).map(|d| format!("{text:?}: {d}")))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
