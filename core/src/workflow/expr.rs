//! `${{ }}` expressions: finding them in a string, and parsing one into a tree whose parts know
//! their byte offsets, so a finding can point at the property or call that is wrong.
//!
//! The grammar is GitHub's: literals (`null`, `true`, `false`, numbers, `'strings'` with `''`
//! for a quote), contexts and property access (`github.event.pull_request.title`), `.*`
//! filters, indexing (`matrix['os']`), calls of the built-in functions, `!`, comparisons,
//! `&&` and `||`, and parentheses. Names of contexts, properties and functions are
//! case-insensitive, as GitHub reads them.

use std::fmt;

/// One parsed expression, and where it starts (a byte offset in the expression's text).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// The byte offset of its first character in the text it was parsed from.
    pub offset: usize,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string literal, unescaped.
    String(String),
    /// A context name: `github`, `steps`, `matrix`, ...
    Context(String),
    /// `object.name`; the offset of the name is kept beside it.
    Property(Box<Expr>, String, usize),
    /// `object.*`.
    Filter(Box<Expr>),
    /// `object[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `name(args...)`.
    Call(String, Vec<Expr>),
    /// `!operand`.
    Not(Box<Expr>),
    /// `left op right`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

/// The binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

/// The built-in functions: name, fewest and most arguments (`usize::MAX`: any number).
/// `case(pred, value, ..., default)` also needs an odd count.
pub const FUNCTIONS: [(&str, usize, usize); 13] = [
    ("contains", 2, 2),
    ("startsWith", 2, 2),
    ("endsWith", 2, 2),
    ("format", 1, usize::MAX),
    ("join", 1, 2),
    ("toJSON", 1, 1),
    ("fromJSON", 1, 1),
    ("hashFiles", 1, usize::MAX),
    ("success", 0, 0),
    ("always", 0, 0),
    ("cancelled", 0, 0),
    ("failure", 0, 0),
    ("case", 3, usize::MAX),
];

/// The functions that read the job's status, allowed only in `if`.
pub const STATUS_FUNCTIONS: [&str; 4] = ["success", "always", "cancelled", "failure"];

/// An expression that does not parse: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// The byte offset of the problem in the expression's text.
    pub offset: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A `${{ ... }}` found in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template<'a> {
    /// The byte offset of `${{` in the string.
    pub start: usize,
    /// The whole `${{ ... }}` as written.
    pub raw: &'a str,
    /// The text between the braces.
    pub inner: &'a str,
    /// The byte offset of `inner` in the string.
    pub inner_start: usize,
}

/// Every `${{ ... }}` in `s`, in order. A `${{` with no `}}` after it is an error at its
/// offset. `}}` inside a string literal does not end an expression.
pub fn templates(s: &str) -> Result<Vec<Template<'_>>, ExprError> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = s[from..].find("${{") {
        let start = from + at;
        let inner_start = start + 3;
        let bytes = s.as_bytes();
        let mut i = inner_start;
        let mut in_string = false;
        let end = loop {
            match bytes.get(i) {
                None => {
                    return Err(ExprError {
                        offset: start,
                        message: "`${{` is not closed: expected `}}` after the expression".into(),
                    });
                }
                Some(b'\'') => in_string = !in_string,
                Some(b'}') if !in_string && bytes.get(i + 1) == Some(&b'}') => break i,
                _ => {}
            }
            i += 1;
        };
        found.push(Template {
            start,
            raw: &s[start..end + 2],
            inner: &s[inner_start..end],
            inner_start,
        });
        from = end + 2;
    }
    Ok(found)
}

/// Parses one expression (the text between `${{` and `}}`, or a bare `if:` condition).
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        end: text.len(),
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(ExprError {
            offset: 0,
            message: "empty expression: expected a value, a context or a function call".into(),
        });
    }
    let expr = parser.or()?;
    match parser.peek() {
        None => Ok(expr),
        Some(t) => Err(ExprError {
            offset: t.offset,
            message: format!(
                "unexpected {} after a complete expression: expected an operator such as `==` or `&&`",
                t.kind
            ),
        }),
    }
}

impl Expr {
    /// Calls `visit` on this expression and every expression inside it, outermost first.
    pub fn walk<'e>(&'e self, visit: &mut impl FnMut(&'e Expr)) {
        visit(self);
        match &self.kind {
            ExprKind::Property(object, _, _) | ExprKind::Filter(object) | ExprKind::Not(object) => {
                object.walk(visit)
            }
            ExprKind::Index(object, index) => {
                object.walk(visit);
                index.walk(visit);
            }
            ExprKind::Binary(_, left, right) => {
                left.walk(visit);
                right.walk(visit);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.walk(visit)),
            _ => {}
        }
    }

    /// For a chain of property accesses from a context (`steps.build.outputs.tag`, also
    /// `matrix['os']`), the names in order with their offsets: `[("steps", 0), ("build", 6),
    /// ...]`; a `.*` filter is the name `*` (`needs.*.result`: `needs`, `*`, `result`).
    /// `None` for anything else; a chain stops at a computed index.
    pub fn property_path(&self) -> Option<Vec<(&str, usize)>> {
        match &self.kind {
            ExprKind::Context(name) => Some(vec![(name.as_str(), self.offset)]),
            ExprKind::Property(object, name, at) => {
                let mut path = object.property_path()?;
                path.push((name.as_str(), *at));
                Some(path)
            }
            ExprKind::Index(object, index) => {
                let mut path = object.property_path()?;
                if let ExprKind::String(name) = &index.kind {
                    path.push((name.as_str(), index.offset));
                    Some(path)
                } else {
                    Some(path)
                }
            }
            ExprKind::Filter(object) => {
                let mut path = object.property_path()?;
                path.push(("*", self.offset));
                Some(path)
            }
            _ => None,
        }
    }
}

impl Expr {
    /// Every chain of property accesses from a context in this expression (see
    /// [`Expr::property_path`]), the whole chain only, including those inside computed
    /// indexes and function arguments: `format('{0}', steps.a.outputs[matrix.k])` gives
    /// `steps.a.outputs` and `matrix.k`.
    pub fn references(&self) -> Vec<Vec<(&str, usize)>> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references<'e>(&'e self, out: &mut Vec<Vec<(&'e str, usize)>>) {
        match &self.kind {
            ExprKind::Context(_)
            | ExprKind::Property(..)
            | ExprKind::Filter(_)
            | ExprKind::Index(..) => {
                if let Some(path) = self.property_path() {
                    out.push(path);
                }
                let mut e = self;
                loop {
                    match &e.kind {
                        ExprKind::Property(object, _, _) | ExprKind::Filter(object) => e = object,
                        ExprKind::Index(object, index) => {
                            if !matches!(index.kind, ExprKind::String(_)) {
                                index.collect_references(out);
                            }
                            e = object;
                        }
                        ExprKind::Context(_) => break,
                        _ => {
                            e.collect_references(out);
                            break;
                        }
                    }
                }
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.collect_references(out)),
            ExprKind::Not(operand) => operand.collect_references(out),
            ExprKind::Binary(_, left, right) => {
                left.collect_references(out);
                right.collect_references(out);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Ident(String),
    Punct(&'static str),
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Null => f.write_str("`null`"),
            TokenKind::Bool(b) => write!(f, "`{b}`"),
            // One float printer for all of core (see `Num`).
            TokenKind::Number(n) => write!(f, "number `{}`", crate::taskdef::units::Num(*n)),
            TokenKind::String(s) => write!(f, "string '{s}'"),
            TokenKind::Ident(s) => write!(f, "`{s}`"),
            TokenKind::Punct(p) => write!(f, "`{p}`"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    offset: usize,
}

const PUNCTUATION: [&str; 16] = [
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", ".", "*",
];

fn lex(text: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let kind = if c == b'\'' {
            let mut value = String::new();
            i += 1;
            loop {
                match text[i..].find('\'') {
                    None => {
                        return Err(ExprError {
                            offset: start,
                            message: "string is not closed: expected a `'` at its end".into(),
                        });
                    }
                    Some(q) => {
                        value.push_str(&text[i..i + q]);
                        i += q + 1;
                        if bytes.get(i) == Some(&b'\'') {
                            value.push('\'');
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            TokenKind::String(value)
        } else if c == b'"' {
            return Err(ExprError {
                offset: start,
                message:
                    "strings in expressions are written in single quotes: 'text', not \"text\""
                        .into(),
            });
        } else if c.is_ascii_digit()
            || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'.'
                    || ((bytes[i] == b'+' || bytes[i] == b'-')
                        && matches!(bytes[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            let written = &text[start..i];
            let value = if let Some(hex) = written.strip_prefix("0x") {
                i64::from_str_radix(hex, 16).ok().map(|n| n as f64)
            } else {
                written.parse::<f64>().ok()
            };
            match value {
                Some(n) => TokenKind::Number(n),
                None => {
                    return Err(ExprError {
                        offset: start,
                        message: format!("`{written}` is not a number"),
                    });
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
            {
                i += 1;
            }
            match &text[start..i] {
                "null" => TokenKind::Null,
                "true" => TokenKind::Bool(true),
                "false" => TokenKind::Bool(false),
                name => TokenKind::Ident(name.to_owned()),
            }
        } else if let Some(p) = PUNCTUATION.iter().find(|p| text[i..].starts_with(**p)) {
            i += p.len();
            TokenKind::Punct(p)
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            let hint = match ch {
                '=' => ": compare with `==`",
                '&' => ": `&&` is \"and\"",
                '|' => ": `||` is \"or\"",
                _ => "",
            };
            return Err(ExprError {
                offset: start,
                message: format!("unexpected character `{ch}` in an expression{hint}"),
            });
        };
        tokens.push(Token {
            kind,
            offset: start,
        });
    }
    Ok(tokens)
}

/// Deepest nesting of parentheses, brackets and `!` accepted, so hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_punct(&self) -> Option<&'static str> {
        match self.peek()?.kind {
            TokenKind::Punct(p) => Some(p),
            _ => None,
        }
    }

    fn expect(&mut self, punct: &str, what: &str) -> Result<usize, ExprError> {
        if self.peek_punct() == Some(punct) {
            self.at += 1;
            Ok(self.tokens[self.at - 1].offset)
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &str) -> ExprError {
        match self.peek() {
            Some(t) => ExprError {
                offset: t.offset,
                message: format!("unexpected {}: expected {expected}", t.kind),
            },
            None => ExprError {
                offset: self.end,
                message: format!("the expression ends too early: expected {expected}"),
            },
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let offset = self.peek().map_or(self.end, |t| t.offset);
            return Err(ExprError {
                offset,
                message: format!("expression nested more than {MAX_DEPTH} levels deep"),
            });
        }
        Ok(())
    }

    fn binary(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = next(self)?;
        while let Some(p) = self.peek_punct() {
            let Some((_, op)) = ops.iter().find(|(s, _)| *s == p) else {
                break;
            };
            self.at += 1;
            let right = next(self)?;
            let offset = left.offset;
            left = Expr {
                kind: ExprKind::Binary(*op, Box::new(left), Box::new(right)),
                offset,
            };
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("||", BinOp::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("&&", BinOp::And)], Self::equality)
    }

    fn equality(&mut self) -> Result<Expr, ExprError> {
        self.binary(&[("==", BinOp::Eq), ("!=", BinOp::Ne)], Self::comparison)
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        self.binary(
            &[
                ("<", BinOp::Lt),
                ("<=", BinOp::Le),
                (">", BinOp::Gt),
                (">=", BinOp::Ge),
            ],
            Self::unary,
        )
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek_punct() == Some("!") {
            let offset = self.tokens[self.at].offset;
            self.at += 1;
            self.enter()?;
            let operand = self.unary()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(operand)),
                offset,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut expr = self.primary()?;
        loop {
            match self.peek_punct() {
                Some(".") => {
                    self.at += 1;
                    let offset = expr.offset;
                    match self.peek().map(|t| (&t.kind, t.offset)) {
                        Some((TokenKind::Ident(name), at)) => {
                            let name = name.clone();
                            self.at += 1;
                            expr = Expr {
                                kind: ExprKind::Property(Box::new(expr), name, at),
                                offset,
                            };
                        }
                        // `true`, `null`... are fine property names after a dot.
                        Some((TokenKind::Null | TokenKind::Bool(_), at)) => {
                            let name = self.tokens[self.at].kind.to_string().replace('`', "");
                            self.at += 1;
                            expr = Expr {
                                kind: ExprKind::Property(Box::new(expr), name, at),
                                offset,
                            };
                        }
                        Some((TokenKind::Punct("*"), _)) => {
                            self.at += 1;
                            expr = Expr {
                                kind: ExprKind::Filter(Box::new(expr)),
                                offset,
                            };
                        }
                        _ => return Err(self.unexpected("a property name or `*` after `.`")),
                    }
                }
                Some("[") => {
                    self.at += 1;
                    self.enter()?;
                    let index = self.or()?;
                    self.depth -= 1;
                    self.expect("]", "`]` after the index")?;
                    let offset = expr.offset;
                    expr = Expr {
                        kind: ExprKind::Index(Box::new(expr), Box::new(index)),
                        offset,
                    };
                }
                _ => return Ok(expr),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.unexpected("a value, a context or a function call"));
        };
        let offset = token.offset;
        let kind = match token.kind {
            TokenKind::Null => ExprKind::Null,
            TokenKind::Bool(b) => ExprKind::Bool(b),
            TokenKind::Number(n) => ExprKind::Number(n),
            TokenKind::String(s) => ExprKind::String(s),
            TokenKind::Punct("(") => {
                self.at += 1;
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect(")", "`)` to close the `(`")?;
                return Ok(inner);
            }
            TokenKind::Ident(name) => {
                self.at += 1;
                if self.peek_punct() == Some("(") {
                    return self.call(name, offset);
                }
                return Ok(Expr {
                    kind: ExprKind::Context(name),
                    offset,
                });
            }
            TokenKind::Punct(_) => {
                return Err(self.unexpected("a value, a context or a function call"));
            }
        };
        self.at += 1;
        Ok(Expr { kind, offset })
    }

    fn call(&mut self, name: String, offset: usize) -> Result<Expr, ExprError> {
        self.at += 1; // `(`
        self.enter()?;
        let mut args = Vec::new();
        if self.peek_punct() != Some(")") {
            loop {
                args.push(self.or()?);
                match self.peek_punct() {
                    Some(",") => self.at += 1,
                    Some(")") => break,
                    _ => return Err(self.unexpected("`,` or `)` in the arguments")),
                }
            }
        }
        self.expect(")", "`)` after the arguments")?;
        self.depth -= 1;
        let Some((canonical, min, max)) = FUNCTIONS
            .iter()
            .find(|(f, _, _)| f.eq_ignore_ascii_case(&name))
        else {
            let names: Vec<&str> = FUNCTIONS.iter().map(|(f, _, _)| *f).collect();
            let hint = crate::finding::did_you_mean(&name, names.iter().copied())
                .map(|f| format!("did you mean `{f}`? The functions are "))
                .unwrap_or_else(|| "expected one of ".into());
            return Err(ExprError {
                offset,
                message: format!("unknown function `{name}`: {hint}{}", names.join(", ")),
            });
        };
        if args.len() < *min || args.len() > *max {
            let wanted = match (min, max) {
                (a, b) if a == b => format!("{a}"),
                (a, &usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} or {b}"),
            };
            let plural = if wanted == "1" { "" } else { "s" };
            return Err(ExprError {
                offset,
                message: format!(
                    "`{canonical}` takes {wanted} argument{plural}, not {}",
                    args.len()
                ),
            });
        }
        if *canonical == "case" && args.len() % 2 == 0 {
            return Err(ExprError {
                offset,
                message: format!(
                    "`case` takes pairs of condition and value, then a default: an odd number of arguments, not {}",
                    args.len()
                ),
            });
        }
        Ok(Expr {
            kind: ExprKind::Call((*canonical).to_owned(), args),
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        let e = parse(text).expect_err(text);
        format!("{}: {}", e.offset, e.message)
    }

    #[test]
    fn literals_and_precedence() {
        let e = parse("a == 1 && !b || c.d['e'] != 'it''s'").unwrap();
        let ExprKind::Binary(BinOp::Or, left, right) = e.kind else {
            panic!("|| binds loosest: {e:?}")
        };
        let ExprKind::Binary(BinOp::And, _, not) = left.kind else {
            panic!("&& under ||")
        };
        assert!(matches!(not.kind, ExprKind::Not(_)));
        let ExprKind::Binary(BinOp::Ne, path, s) = right.kind else {
            panic!("!= on the right")
        };
        assert_eq!(
            path.property_path().unwrap(),
            vec![("c", 16), ("d", 18), ("e", 20)]
        );
        assert_eq!(s.kind, ExprKind::String("it's".into()));
        assert_eq!(parse("0xff").unwrap().kind, ExprKind::Number(255.0));
        assert_eq!(parse("-2.5e3").unwrap().kind, ExprKind::Number(-2500.0));
        assert_eq!(parse(" null ").unwrap().kind, ExprKind::Null);
    }

    #[test]
    fn calls_and_filters() {
        let e = parse("contains(github.event.pull_request.labels.*.name, 'deploy')").unwrap();
        let ExprKind::Call(name, args) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(name, "contains");
        assert_eq!(args.len(), 2);
        let path = args[0].property_path().unwrap();
        let names: Vec<&str> = path.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["github", "event", "pull_request", "labels", "*", "name"]
        );
        // Case-insensitive names, canonical spelling kept.
        let ExprKind::Call(name, _) = parse("TOJSON(x)").unwrap().kind else {
            panic!()
        };
        assert_eq!(name, "toJSON");
        assert!(parse("success()").is_ok());
        assert!(parse("format('{0}-{1}', a, b)").is_ok());
        assert!(parse("case(github.ref == 'refs/heads/main', 'prod', 'staging')").is_ok());
        assert!(parse("case(a, 'x', b, 'y', 'z')").is_ok());
    }

    #[test]
    fn references_are_whole_chains() {
        let e = parse("format('{0}', steps.a.outputs[matrix.k]) && fromJSON(needs.b.outputs.x).y")
            .unwrap();
        let refs: Vec<Vec<&str>> = e
            .references()
            .iter()
            .map(|r| r.iter().map(|(n, _)| *n).collect())
            .collect();
        assert_eq!(
            refs,
            [
                vec!["steps", "a", "outputs"],
                vec!["matrix", "k"],
                vec!["needs", "b", "outputs", "x"]
            ]
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        assert_eq!(
            err(""),
            "0: empty expression: expected a value, a context or a function call"
        );
        assert_eq!(
            err("a = b"),
            "2: unexpected character `=` in an expression: compare with `==`"
        );
        assert_eq!(
            err("a && "),
            "5: the expression ends too early: expected a value, a context or a function call"
        );
        assert_eq!(
            err("'open"),
            "0: string is not closed: expected a `'` at its end"
        );
        assert_eq!(
            err("\"x\" == a"),
            "0: strings in expressions are written in single quotes: 'text', not \"text\""
        );
        assert_eq!(
            err("contain(a, b)"),
            "0: unknown function `contain`: did you mean `contains`? The functions are contains, startsWith, endsWith, format, join, toJSON, fromJSON, hashFiles, success, always, cancelled, failure, case"
        );
        assert_eq!(err("contains(a)"), "0: `contains` takes 2 arguments, not 1");
        assert_eq!(err("always(1)"), "0: `always` takes 0 arguments, not 1");
        assert_eq!(
            err("case(a, 'x', b, 'y')"),
            "0: `case` takes pairs of condition and value, then a default: an odd number of arguments, not 4"
        );
        assert_eq!(
            err("a b"),
            "2: unexpected `b` after a complete expression: expected an operator such as `==` or `&&`"
        );
        assert_eq!(
            err("(a"),
            "2: the expression ends too early: expected `)` to close the `(`"
        );
        assert_eq!(
            err("a."),
            "2: the expression ends too early: expected a property name or `*` after `.`"
        );
        assert_eq!(err("12abc"), "0: `12abc` is not a number");
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(err(&deep).contains("nested more than 64 levels"));
        let nots = "!".repeat(10_000);
        assert!(err(&nots).contains("nested"));
    }

    #[test]
    fn token_soup_never_panics() {
        const PIECES: [&str; 24] = [
            "a",
            ".",
            "*",
            "[",
            "]",
            "(",
            ")",
            ",",
            "'x'",
            "'",
            "\"",
            "!",
            "==",
            "&&",
            "||",
            "<",
            "1",
            "-",
            "0x",
            "1e",
            "contains(",
            "null",
            " ",
            "é",
        ];
        let mut seed: u64 = 0x6578_7072;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            for _ in 0..(seed >> 60) + 1 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
            }
            // Either a tree or an error whose offset lies inside the text.
            if let Err(e) = parse(&text) {
                assert!(e.offset <= text.len(), "{text:?}: {e:?}");
            }
            let _ = templates(&format!("${{{{ {text} }}}}"));
        }
    }

    #[test]
    fn templates_in_strings() {
        let t = templates("a ${{ x }} b ${{ '}}' }}").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].start, t[0].inner, t[0].inner_start), (2, " x ", 5));
        assert_eq!(t[1].inner, " '}}' ");
        assert_eq!(t[1].raw, "${{ '}}' }}");
        let e = templates("echo ${{ github.sha").unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(templates("no expressions").unwrap().is_empty());
    }
}
