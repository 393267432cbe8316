//! Documents with positions: JSON and YAML (readers of our own) read into one
//! tree that remembers the line and column of every value and key, so a finding can point at
//! the exact place in the text the user edits, and the JSON paths
//! (`containerDefinitions[1].portMappings[0].hostPort`) findings name.

use std::borrow::Cow;
use std::fmt;

mod extent;
mod yaml;
#[cfg(test)]
mod yaml_reference;
pub use extent::value_end;
pub use yaml::parse_yaml;

/// The byte offset of `pos` in `text`; a column one past the line's end is its end. `None` for
/// a place the text does not have.
pub fn byte_of(text: &str, pos: Pos) -> Option<usize> {
    let index = pos.line.checked_sub(1)? as usize;
    let start = match index {
        0 => 0,
        _ => text.match_indices('\n').nth(index - 1)?.0 + 1,
    };
    let line = text[start..].split('\n').next()?;
    let column = pos.column.checked_sub(1)? as usize;
    line.char_indices()
        .map(|(b, _)| b)
        .chain([line.len()])
        .nth(column)
        .map(|b| start + b)
}

/// The line and column of byte `at` of `text` (a character boundary).
pub fn pos_of(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let start = before.rfind('\n').map_or(0, |n| n + 1);
    Pos {
        line: before.matches('\n').count() as u32 + 1,
        column: before[start..].chars().count() as u32 + 1,
    }
}

/// A place in the source text: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub column: u32,
}

/// A value and where it starts. Strings and keys borrow from the text they were read from
/// when they can (no escapes), so reading allocates little more than the tree's vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'t> {
    /// The value.
    pub value: Value<'t>,
    /// Where its first character is.
    pub pos: Pos,
}

/// A JSON value whose parts know their positions.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'t> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Cow<'t, str>),
    /// A string, unescaped.
    String(Cow<'t, str>),
    /// An array.
    Array(Vec<Node<'t>>),
    /// An object's members in source order (duplicates kept).
    Object(Vec<Member<'t>>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'t> {
    /// The key.
    pub key: Cow<'t, str>,
    /// Where the key's opening quote is.
    pub key_pos: Pos,
    /// The value.
    pub value: Node<'t>,
}

impl<'t> Node<'t> {
    /// The member `key` of an object (the last one, as JSON parsers read duplicates).
    pub fn get(&self, key: &str) -> Option<&Node<'t>> {
        self.members()?
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// The members, when this is an object.
    pub fn members(&self) -> Option<&[Member<'t>]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn items(&self) -> Option<&[Node<'t>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value, when this is a number that fits an `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// What kind of value this is, in the words of a message: `a string`, `an object`, ...
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The same value without positions.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            // What `str::parse::<serde_json::Number>` accepts (a sign or digit first, no
            // whitespace), read by the byte-slice reader the rest of the crate uses: `parse`
            // would bring serde_json's parser a second time, over `&str`.
            Value::Number(n) => n
                .starts_with(|c: char| c == '-' || c.is_ascii_digit())
                .then_some(n)
                .filter(|n| !n.bytes().any(|b| b.is_ascii_whitespace()))
                .and_then(|n| serde_json::from_slice(n.as_bytes()).ok())
                .filter(serde_json::Value::is_number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => s.as_ref().into(),
            Value::Array(items) => items.iter().map(Node::to_json).collect(),
            Value::Object(members) => members
                .iter()
                .map(|m| (m.key.to_string(), m.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// Calls `visit` on `node` and on every node under it, parents first, each with its path: one
/// [`Trail`] of borrowed keys grown and shrunk along the walk, made a [`Path`] only where `visit`
/// needs one (for a finding), so a walk allocates nothing per node.
pub fn walk<'n, 't>(node: &'n Node<'t>, visit: &mut impl FnMut(&Trail<'n>, &'n Node<'t>)) {
    fn go<'n, 't>(
        node: &'n Node<'t>,
        trail: &mut Trail<'n>,
        visit: &mut impl FnMut(&Trail<'n>, &'n Node<'t>),
    ) {
        visit(trail, node);
        match &node.value {
            Value::Object(members) => {
                for m in members {
                    trail.0.push(Err(&m.key));
                    go(&m.value, trail, visit);
                    trail.0.pop();
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    trail.0.push(Ok(i));
                    go(item, trail, visit);
                    trail.0.pop();
                }
            }
            _ => {}
        }
    }
    go(node, &mut Trail(Vec::new()), visit);
}

/// A path a finding can be placed at and extended from: a [`Path`], or a borrowed [`Trail`].
pub trait ToPath: fmt::Display {
    /// This path, then member `key`.
    fn key(&self, key: &str) -> Path;
    /// This path, then item `index`.
    fn index(&self, index: usize) -> Path;
}

impl ToPath for Path {
    fn key(&self, key: &str) -> Path {
        Path::key(self, key)
    }

    fn index(&self, index: usize) -> Path {
        Path::index(self, index)
    }
}

impl ToPath for Trail<'_> {
    fn key(&self, key: &str) -> Path {
        Trail::key(self, key)
    }

    fn index(&self, index: usize) -> Path {
        Trail::index(self, index)
    }
}

/// A path whose keys are borrowed from the document (each step a key, or an item's index): what
/// a [`walk`] hands its visitor, and what a reader that goes down a document keeps, made a
/// [`Path`] only for a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trail<'n>(Vec<Result<usize, &'n str>>);

impl<'n> Trail<'n> {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Extends this path by member `key`.
    pub fn push_key(&mut self, key: &'n str) {
        self.0.push(Err(key));
    }

    /// Extends this path by item `index`.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Ok(index));
    }

    /// Removes the last step.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// The path it stands for.
    pub fn to_path(&self) -> Path {
        Path(
            self.0
                .iter()
                .map(|step| match step {
                    Ok(i) => Segment::Index(*i),
                    Err(key) => Segment::Key((*key).to_owned()),
                })
                .collect(),
        )
    }

    /// The path, then member `key`.
    pub fn key(&self, key: &str) -> Path {
        let mut path = self.to_path();
        path.push_key(key);
        path
    }

    /// The path, then item `index`.
    pub fn index(&self, index: usize) -> Path {
        let mut path = self.to_path();
        path.push_index(index);
        path
    }

    /// This path, then member `key`, still borrowed.
    pub fn with_key(&self, key: &'n str) -> Self {
        let mut trail = self.clone();
        trail.push_key(key);
        trail
    }

    /// This path, then item `index`, still borrowed.
    pub fn with_index(&self, index: usize) -> Self {
        let mut trail = self.clone();
        trail.push_index(index);
        trail
    }

    /// The key of the last step, when it is an object member.
    pub fn last_key(&self) -> Option<&'n str> {
        self.0.last()?.err()
    }
}

impl fmt::Display for Trail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_path().fmt(f)
    }
}

/// A JSON path: `containerDefinitions[1].portMappings[0].hostPort`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(Vec<Segment>);

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array item.
    Index(usize),
}

impl Path {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path, then member `key`.
    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_owned()));
        p
    }

    /// Extends this path by member `key`.
    pub fn push_key(&mut self, key: &str) {
        self.0.push(Segment::Key(key.to_owned()));
    }

    /// Extends this path by item `index`.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// Removes the last step.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// This path, then item `index`.
    pub fn index(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Index(index));
        p
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Text that is not JSON, and where it stops being JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub pos: Pos,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses JSON or YAML: text whose first character is `{` or `[` is read as JSON (strict,
/// with JSON's error messages), anything else as YAML. Messages say which was expected:
/// `invalid JSON: ...` or `invalid YAML: ...`.
pub fn parse_document(text: &str) -> Result<Node<'_>, SyntaxError> {
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next()
    {
        Some('{' | '[') => parse_json(text).map_err(|e| SyntaxError {
            message: format!("invalid JSON: {}", e.message),
            ..e
        }),
        #[cfg(feature = "yaml")]
        _ => parse_yaml(text),
        #[cfg(not(feature = "yaml"))]
        _ => Err(SyntaxError {
            message: "not JSON: a task definition deployed from here starts with `{`; YAML is read by the `hatoba` command and the editor, so keep this one as JSON".to_owned(),
            pos: Pos { line: 1, column: 1 },
        }),
    }
}

/// How deep arrays and objects may nest before the parser refuses (no stack overflow on input).
const MAX_DEPTH: usize = 128;

/// Parses JSON text (RFC 8259) into a tree with positions.
pub fn parse_json(text: &str) -> Result<Node<'_>, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        column: 1,
    };
    // A byte-order mark is not part of the document.
    if text.starts_with('\u{feff}') {
        p.i = '\u{feff}'.len_utf8();
    }
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    match p.peek_char() {
        None => Ok(node),
        Some(c) => Err(p.error(format!(
            "unexpected {} after the document: expected the end of the text",
            describe(c)
        ))),
    }
}

/// Reads bytes (structure and escapes are ASCII), counting columns in characters: a byte
/// starts a character unless it is a UTF-8 continuation byte.
struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    i: usize,
    line: u32,
    column: u32,
}

fn describe(c: char) -> String {
    match c {
        '\n' => "line break".to_owned(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("'{c}'"),
    }
}

impl<'t> Parser<'t> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            pos: self.pos(),
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.text.get(self.i..)?.chars().next()
    }

    /// Steps over one character.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.column = 1;
                }
                b' ' | b'\t' | b'\r' => self.column += 1,
                _ => return,
            }
            self.i += 1;
        }
    }

    fn expect_literal(&mut self, word: &str, value: Value<'t>) -> Result<Node<'t>, SyntaxError> {
        let pos = self.pos();
        if !self.bytes[self.i..].starts_with(word.as_bytes()) {
            return Err(SyntaxError {
                pos,
                message: format!("invalid literal: expected `{word}`"),
            });
        }
        self.i += word.len();
        self.column += word.len() as u32;
        Ok(Node { value, pos })
    }

    fn value(&mut self, depth: usize) -> Result<Node<'t>, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of text: expected a value".to_owned())),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let pos = self.pos();
                Ok(Node {
                    value: Value::String(self.string()?),
                    pos,
                })
            }
            Some(b't') => self.expect_literal("true", Value::Bool(true)),
            Some(b'f') => self.expect_literal("false", Value::Bool(false)),
            Some(b'n') => self.expect_literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'\'') => {
                Err(self.error("single quotes are not JSON: use double quotes".to_owned()))
            }
            Some(_) => {
                let c = self.peek_char().unwrap_or_default();
                Err(self.error(format!("unexpected {}: expected a value", describe(c))))
            }
        }
    }

    /// After an item: `,` (more follow) or the closing bracket (done), else an error naming
    /// both.
    fn separator(&mut self, close: u8) -> Result<bool, SyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.bump();
                Ok(false)
            }
            Some(b) if b == close => {
                self.bump();
                Ok(true)
            }
            Some(_) => {
                let c = self.peek_char().unwrap_or_default();
                Err(self.error(format!(
                    "unexpected {}: expected ',' or '{}'",
                    describe(c),
                    close as char
                )))
            }
            None => Err(self.error(format!(
                "unexpected end of text: expected ',' or '{}'",
                close as char
            ))),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node<'t>, SyntaxError> {
        let pos = self.pos();
        self.bump();
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Node {
                value: Value::Object(members),
                pos,
            });
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => {
                    return Err(self.error("trailing comma before '}': remove it".to_owned()));
                }
                Some(_) => {
                    let c = self.peek_char().unwrap_or_default();
                    return Err(self.error(format!(
                        "unexpected {}: expected a key in double quotes",
                        describe(c)
                    )));
                }
                None => return Err(self.error("unexpected end of text: expected a key".to_owned())),
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error(format!("expected ':' after the key \"{key}\"")));
            }
            self.bump();
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            if self.separator(b'}')? {
                return Ok(Node {
                    value: Value::Object(members),
                    pos,
                });
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node<'t>, SyntaxError> {
        let pos = self.pos();
        self.bump();
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Node {
                value: Value::Array(items),
                pos,
            });
        }
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                return Err(self.error("trailing comma before ']': remove it".to_owned()));
            }
            items.push(self.value(depth + 1)?);
            if self.separator(b']')? {
                return Ok(Node {
                    value: Value::Array(items),
                    pos,
                });
            }
        }
    }

    fn string(&mut self) -> Result<Cow<'t, str>, SyntaxError> {
        self.bump(); // the opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters up to the next quote, backslash or control.
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                if b & 0xC0 != 0x80 {
                    self.column += 1;
                }
                self.i += 1;
            }
            if out.is_empty() && self.peek() == Some(b'"') {
                // The common case, no escapes: the text itself, no allocation.
                let text = &self.text[start..self.i];
                self.bump();
                return Ok(Cow::Borrowed(text));
            }
            out.push_str(&self.text[start..self.i]);
            match self.peek() {
                None => {
                    return Err(self.error(
                        "unexpected end of text inside a string: expected '\"'".to_owned(),
                    ));
                }
                Some(b'"') => {
                    self.bump();
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.bump();
                    let escaped = match self.bump() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape()?,
                        _ => {
                            return Err(self.error(
                                "invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
                                    .to_owned(),
                            ));
                        }
                    };
                    out.push(escaped);
                }
                Some(_) => {
                    let c = self.peek_char().unwrap_or_default();
                    return Err(self.error(format!(
                        "{} inside a string: escape it (\\n, \\t, ...)",
                        describe(c)
                    )));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| (b as char).to_digit(16));
            let Some(d) = digit else {
                return Err(self.error("invalid \\u escape: expected 4 hex digits".to_owned()));
            };
            self.bump();
            n = n * 16 + d;
        }
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A surrogate pair: \uD83D\uDE00.
            if self.peek() != Some(b'\\') {
                return Err(
                    self.error("lone surrogate in \\u escape: expected its pair".to_owned())
                );
            }
            self.bump();
            if self.bump() != Some('u') {
                return Err(
                    self.error("lone surrogate in \\u escape: expected its pair".to_owned())
                );
            }
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("invalid surrogate pair in \\u escape".to_owned()));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate in \\u escape".to_owned()))
    }

    fn digits(&mut self) -> bool {
        let from = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
            self.column += 1;
        }
        self.i > from
    }

    fn number(&mut self) -> Result<Node<'t>, SyntaxError> {
        let pos = self.pos();
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        if self.peek() == Some(b'0') {
            self.bump();
            if matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("leading zeros are not allowed in numbers".to_owned()));
            }
        } else if !self.digits() {
            return Err(self.error("invalid number: expected a digit".to_owned()));
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if !self.digits() {
                return Err(self.error("invalid number: expected a digit after '.'".to_owned()));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if !self.digits() {
                return Err(
                    self.error("invalid number: expected a digit in the exponent".to_owned())
                );
            }
        }
        Ok(Node {
            value: Value::Number(Cow::Borrowed(&self.text[start..self.i])),
            pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_json_as_serde_json_parses_them() {
        for text in [
            "0",
            "-0",
            "12",
            "-12",
            "1.5",
            "-0.5e3",
            "1E-3",
            "18446744073709551616",
            "-9223372036854775809",
            "1e400",
            "01",
            "+1",
            " 1",
            "1 ",
            "-",
            "1x",
            ".5",
            "",
        ] {
            let node = Node {
                value: Value::Number(Cow::Borrowed(text)),
                pos: Pos::default(),
            };
            let parsed = text
                .parse::<serde_json::Number>()
                .map_or(serde_json::Value::Null, serde_json::Value::Number);
            assert_eq!(node.to_json(), parsed, "{text:?}");
        }
    }

    #[test]
    fn values_and_keys_know_where_they_are() {
        let doc =
            parse_json("{\n  \"a\": [1, {\"b\": \"é\\u00e9\\ud83d\\ude00\"}],\n  \"c\": -0.5e3\n}")
                .unwrap();
        let a = doc.members().unwrap()[0].clone();
        assert_eq!((&*a.key, a.key_pos), ("a", Pos { line: 2, column: 3 }));
        let b = &a.value.items().unwrap()[1].get("b").unwrap();
        assert_eq!(b.as_str(), Some("éé😀"));
        assert_eq!(
            b.pos,
            Pos {
                line: 2,
                column: 18
            }
        );
        assert_eq!(doc.get("c").unwrap().as_f64(), Some(-500.0));
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": [1, {"b": "éé😀"}], "c": -500.0})
        );
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let cases = [
            ("{\"a\": 1,}", "1:9: trailing comma before '}': remove it"),
            ("{\"a\" 1}", "1:6: expected ':' after the key \"a\""),
            ("[1 2]", "1:4: unexpected '2': expected ',' or ']'"),
            (
                "{'a': 1}",
                "1:2: unexpected ''': expected a key in double quotes",
            ),
            ("{\"a\":\n  tru}", "2:3: invalid literal: expected `true`"),
            (
                "\"abc",
                "1:5: unexpected end of text inside a string: expected '\"'",
            ),
            (
                "{} x",
                "1:4: unexpected 'x' after the document: expected the end of the text",
            ),
            ("01", "1:2: leading zeros are not allowed in numbers"),
            ("", "1:1: unexpected end of text: expected a value"),
            (
                "\"a\nb\"",
                "1:3: line break inside a string: escape it (\\n, \\t, ...)",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_json(text).unwrap_err().to_string(),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(
            parse_json(&text)
                .unwrap_err()
                .message
                .contains("nested more than 128")
        );
    }

    #[test]
    fn paths_read_like_the_ecs_docs() {
        let p = Path::root()
            .key("containerDefinitions")
            .index(1)
            .key("portMappings")
            .index(0)
            .key("hostPort");
        assert_eq!(
            p.to_string(),
            "containerDefinitions[1].portMappings[0].hostPort"
        );
        assert_eq!(Path::root().to_string(), "");
    }
}
