//! What a `.hatoba.toml` says about the file checks, and how it changes their findings.
//!
//! ```toml
//! [rules]                       # rule id -> "off" | "warning" | "error"
//! step-ref = "warning"
//! [[overrides]]                 # later entries win
//! paths = ["infra/templates/**"]
//! rules = { image-reference = "off" }
//! [runners]
//! labels = ["gpu-large", "self-hosted-arm"]   # known self-hosted labels
//! [placeholders]
//! patterns = ["__[A-Z_]+__"]                  # the team's own placeholder forms
//! ```
//!
//! This module holds the model, already parsed (reading TOML is the CLI's), and
//! [`LintConfig::apply`], which turns a file's findings into what the configuration asks for:
//!
//! - a finding whose value matches a placeholder pattern becomes one `placeholder` warning for
//!   that value, whatever rules it broke (a template is filled in before it is registered);
//! - a `runner-label` finding about a label listed under `[runners]` is dropped;
//! - each finding's rule takes the level of the last override whose paths match the file, else
//!   the level under `[rules]`, else its own; `off` drops it.
//!
//! Path globs: `*` is any run of characters but `/`, `**` any run of whole directories, `?` one
//! character but `/`. Placeholder patterns are a small regular-expression language, searched
//! anywhere in the value: literals, `.`, classes (`[A-Z_]`, `[^0-9]`, `\d`, `\w`, `\s`), the
//! quantifiers `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, and the anchors `^`, `$`. Groups and `|` are
//! refused by [`Pattern::new`], so a pattern never silently means something else.
//!
//! Nothing in the worker or the app uses this module. Reading a configuration's text ([`parse`])
//! comes with the `toml` feature, which the CLI and the checks worker turn on.

use crate::finding::{Finding, Severity};
use crate::source::Pos;

/// The rule id of a finding that stands for every finding on a placeholder value.
pub use crate::finding::PLACEHOLDER;

/// What a rule is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

impl Level {
    /// `"off"`, `"warning"` or `"error"`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(Level::Off),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

/// An `[[overrides]]` entry: rule levels for the files its globs match.
#[derive(Debug, Clone, Default)]
pub struct Override {
    /// Globs, relative to the directory holding the configuration.
    pub paths: Vec<String>,
    /// Rule id and level (a rule named twice: the last wins).
    pub rules: Vec<(String, Level)>,
}

/// A `.hatoba.toml`, parsed.
#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// `[rules]`: rule id and level (a rule named twice: the last wins).
    pub rules: Vec<(String, Level)>,
    /// `[[overrides]]`, in file order: later entries win.
    pub overrides: Vec<Override>,
    /// `[runners] labels`: self-hosted runner labels the `runner-label` rule should know.
    pub runner_labels: Vec<String>,
    /// `[placeholders] patterns`.
    pub placeholders: Vec<Pattern>,
}

impl LintConfig {
    /// The level `rule` has in the file at `path` (relative to the configuration's directory,
    /// `/`-separated), if the configuration sets one.
    pub fn level(&self, rule: &str, path: &str) -> Option<Level> {
        let from_override = self
            .overrides
            .iter()
            .rev()
            .filter(|o| o.paths.iter().any(|g| glob_match(g, path)))
            .find_map(|o| last_level(&o.rules, rule));
        from_override.or_else(|| last_level(&self.rules, rule))
    }

    /// The findings of the file at `path` (relative to the configuration's directory) whose
    /// text is `text`, as the configuration asks: see the module's documentation. The result
    /// stays sorted by position.
    pub fn apply(&self, path: &str, text: &str, findings: Vec<Finding>) -> Vec<Finding> {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut placeholders_at: Vec<Pos> = Vec::new();
        let mut out = Vec::with_capacity(findings.len());
        for mut finding in findings {
            let value = scalar_at(&lines, finding.pos);
            if !self.placeholders.is_empty()
                && let Some(value) = value
                && self.placeholders.iter().any(|p| p.find(value))
            {
                if !placeholders_at.contains(&finding.pos) {
                    placeholders_at.push(finding.pos);
                    out.push(Finding::placeholder(&finding.path, finding.pos, value));
                }
                continue;
            }
            if finding.rule == "runner-label"
                && let Some(value) = value
                && self
                    .runner_labels
                    .iter()
                    .any(|l| l.eq_ignore_ascii_case(value))
            {
                continue;
            }
            match self.level(finding.rule, path) {
                Some(Level::Off) => continue,
                Some(Level::Warning) => finding.severity = Severity::Warning,
                Some(Level::Error) => finding.severity = Severity::Error,
                None => {}
            }
            out.push(finding);
        }
        // A placeholder finding may now have a level of its own.
        out.retain_mut(|f| {
            if f.rule != PLACEHOLDER {
                return true;
            }
            match self.level(PLACEHOLDER, path) {
                Some(Level::Off) => false,
                Some(Level::Error) => {
                    f.severity = Severity::Error;
                    true
                }
                _ => true,
            }
        });
        crate::finding::sort(&mut out);
        out
    }
}

fn last_level(rules: &[(String, Level)], rule: &str) -> Option<Level> {
    rules
        .iter()
        .rev()
        .find(|(id, _)| id == rule)
        .map(|(_, l)| *l)
}

/// The scalar written at `pos` (1-based line and column): a JSON or YAML quoted string's
/// content, or a plain scalar up to the end of its line (or to `,`, `]`, `}` and ` #`).
fn scalar_at<'t>(lines: &[&'t str], pos: Pos) -> Option<&'t str> {
    let line = lines.get(pos.line.checked_sub(1)? as usize)?;
    let start = line
        .char_indices()
        .nth(pos.column.checked_sub(1)? as usize)
        .map(|(b, _)| b)?;
    let rest = &line[start..];
    let value = match rest.as_bytes().first()? {
        b'"' => {
            let body = &rest[1..];
            let mut escaped = false;
            let end = body
                .char_indices()
                .find(|&(_, c)| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map_or(body.len(), |(i, _)| i);
            &body[..end]
        }
        b'\'' => {
            let body = &rest[1..];
            &body[..body.find('\'').unwrap_or(body.len())]
        }
        _ => {
            let end = rest
                .find([',', ']', '}'])
                .into_iter()
                .chain(rest.find(" #"))
                .min()
                .unwrap_or(rest.len());
            rest[..end].trim_end()
        }
    };
    (!value.is_empty()).then_some(value)
}

/// Whether `path` matches the glob `pattern` (see the module's documentation).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|skip| match_segments(rest, &segs[skip..])),
        Some((first, rest)) => segs.split_first().is_some_and(|(seg, more)| {
            match_segment(first.as_bytes(), seg.as_bytes()) && match_segments(rest, more)
        }),
    }
}

fn match_segment(pat: &[u8], text: &[u8]) -> bool {
    match pat.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| match_segment(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && match_segment(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && match_segment(rest, &text[1..]),
    }
}

/// One element of a [`Pattern`]: what one character must be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Any,
    Char(char),
    /// Ranges (inclusive), negated or not.
    Class(Vec<(char, char)>, bool),
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Any => true,
            Atom::Char(x) => *x == c,
            Atom::Class(ranges, negated) => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// A placeholder pattern: a small regular expression (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    anchored_start: bool,
    anchored_end: bool,
    /// Each atom with how often it may repeat (min, max).
    items: Vec<(Atom, usize, usize)>,
}

const DIGIT: (char, char) = ('0', '9');

fn escape_class(c: char) -> Option<(Vec<(char, char)>, bool)> {
    let word = vec![('a', 'z'), ('A', 'Z'), DIGIT, ('_', '_')];
    let space = vec![(' ', ' '), ('\t', '\r')];
    Some(match c {
        'd' => (vec![DIGIT], false),
        'D' => (vec![DIGIT], true),
        'w' => (word, false),
        'W' => (word, true),
        's' => (space, false),
        'S' => (space, true),
        _ => return None,
    })
}

impl Pattern {
    /// Reads `source`; the error says what is not supported or malformed.
    pub fn new(source: &str) -> Result<Self, String> {
        let mut chars = source.chars().peekable();
        let mut items: Vec<(Atom, usize, usize)> = Vec::new();
        let anchored_start = chars.next_if_eq(&'^').is_some();
        let mut anchored_end = false;
        while let Some(c) = chars.next() {
            let atom = match c {
                '$' if chars.peek().is_none() => {
                    anchored_end = true;
                    break;
                }
                '.' => Atom::Any,
                '(' | ')' | '|' => {
                    return Err(format!(
                        "`{c}`: groups and alternatives are not supported; write one pattern per form"
                    ));
                }
                '*' | '+' | '?' | '{' => return Err(format!("`{c}` repeats nothing")),
                '\\' => {
                    let e = chars.next().ok_or("a pattern ends with `\\`")?;
                    match escape_class(e) {
                        Some((ranges, negated)) => Atom::Class(ranges, negated),
                        None if e.is_ascii_alphanumeric() => {
                            return Err(format!("`\\{e}` is not supported"));
                        }
                        None => Atom::Char(e),
                    }
                }
                '[' => {
                    let negated = chars.next_if_eq(&'^').is_some();
                    let mut ranges = Vec::new();
                    let mut first = true;
                    loop {
                        let c = chars.next().ok_or("`[` is never closed")?;
                        if c == ']' && !first {
                            break;
                        }
                        first = false;
                        let lo = if c == '\\' {
                            let e = chars.next().ok_or("`[` is never closed")?;
                            if let Some((more, false)) = escape_class(e) {
                                ranges.extend(more);
                                continue;
                            }
                            e
                        } else {
                            c
                        };
                        let hi = if chars.peek() == Some(&'-') {
                            let mut ahead = chars.clone();
                            ahead.next();
                            match ahead.peek() {
                                Some(&']') | None => lo,
                                Some(_) => {
                                    chars.next();
                                    chars.next().expect("peeked")
                                }
                            }
                        } else {
                            lo
                        };
                        if hi < lo {
                            return Err(format!("`{lo}-{hi}` is an empty range"));
                        }
                        ranges.push((lo, hi));
                    }
                    Atom::Class(ranges, negated)
                }
                c => Atom::Char(c),
            };
            let (min, max) = match chars.peek() {
                Some('*') => (0, usize::MAX),
                Some('+') => (1, usize::MAX),
                Some('?') => (0, 1),
                Some('{') => {
                    chars.next();
                    let mut body = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => body.push(c),
                            None => return Err("`{` is never closed".into()),
                        }
                    }
                    let bad =
                        || format!("`{{{body}}}` is not a count (`{{n}}`, `{{n,}}`, `{{n,m}}`)");
                    let (min, max) = match body.split_once(',') {
                        None => {
                            let n = body.parse().map_err(|_| bad())?;
                            (n, n)
                        }
                        Some((lo, "")) => (lo.parse().map_err(|_| bad())?, usize::MAX),
                        Some((lo, hi)) => (
                            lo.parse().map_err(|_| bad())?,
                            hi.parse().map_err(|_| bad())?,
                        ),
                    };
                    if max < min {
                        return Err(bad());
                    }
                    items.push((atom, min, max));
                    continue;
                }
                _ => (1, 1),
            };
            if (min, max) != (1, 1) {
                chars.next();
            }
            items.push((atom, min, max));
        }
        if items.is_empty() {
            return Err("an empty pattern matches every value".into());
        }
        Ok(Self {
            source: source.to_string(),
            anchored_start,
            anchored_end,
            items,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches somewhere in `text`.
    pub fn find(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let starts = if self.anchored_start {
            0..=0
        } else {
            0..=chars.len()
        };
        starts.into_iter().any(|s| self.match_here(0, &chars[s..]))
    }

    fn match_here(&self, item: usize, text: &[char]) -> bool {
        let Some((atom, min, max)) = self.items.get(item) else {
            return !self.anchored_end || text.is_empty();
        };
        // Greedy: the longest run first, then shorter ones.
        let run = text
            .iter()
            .take(*max)
            .take_while(|&&c| atom.matches(c))
            .count();
        (*min..=run)
            .rev()
            .any(|n| self.match_here(item + 1, &text[n..]))
    }
}

/// Reading a `.hatoba.toml`'s text (with the `toml` feature: the CLI's and the checks worker's).
#[cfg(feature = "toml")]
mod reading {
    use super::{Level, LintConfig, Override, PLACEHOLDER, Pattern};
    use crate::finding::Finding;
    use crate::source::Pos;
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    /// The configuration's file name, looked for in each checked file's directory and above.
    pub const FILE_NAME: &str = ".hatoba.toml";

    /// The rule id of what reading a configuration found (unknown keys and rule ids, bad values).
    pub const RULE: &str = "config";

    /// Every rule id a configuration may name: the task-definition and workflow rules, and
    /// `placeholder`.
    pub fn known_rules() -> Vec<&'static str> {
        let mut ids = crate::taskdef::rules::ids();
        ids.extend(crate::workflow::rules::ids());
        ids.push(PLACEHOLDER);
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Reads a configuration's text. What does not fit the form is a warning each (the rest
    /// still applies); text that is not TOML is an error (`Err`, a finding with its place).
    pub fn parse(text: &str) -> Result<(LintConfig, Vec<Finding>), Finding> {
        let root = DeTable::parse(text).map_err(|e| {
            let pos = e
                .span()
                .map_or(Pos { line: 1, column: 1 }, |s| pos_of(text, s.start));
            Finding::error(RULE, "", pos, format!("not TOML: {}", e.message()))
        })?;
        let mut reader = Reader {
            text,
            warnings: Vec::new(),
            known: known_rules(),
        };
        let mut config = LintConfig::default();
        for (key, value) in root.get_ref() {
            match key.get_ref().as_ref() {
                "rules" => {
                    if let Some(table) = reader.table(value, "rules") {
                        config.rules = reader.rules(table, "rules");
                    }
                }
                "overrides" => {
                    let Some(items) = reader.array(value, "overrides") else {
                        continue;
                    };
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("overrides[{i}]");
                        let Some(table) = reader.table(item, &path) else {
                            continue;
                        };
                        let mut entry = Override::default();
                        for (key, value) in table {
                            match key.get_ref().as_ref() {
                                "paths" => {
                                    entry.paths = reader.strings(value, &format!("{path}.paths"))
                                }
                                "rules" => {
                                    if let Some(t) = reader.table(value, &format!("{path}.rules")) {
                                        entry.rules = reader.rules(t, &format!("{path}.rules"));
                                    }
                                }
                                other => reader.unknown_key(key, other, &path, &["paths", "rules"]),
                            }
                        }
                        if entry.paths.is_empty() {
                            reader.warn(
                                item.span().start,
                                &path,
                                "an override without `paths` applies to no file".into(),
                            );
                        }
                        config.overrides.push(entry);
                    }
                }
                "runners" => {
                    if let Some(table) = reader.table(value, "runners") {
                        for (key, value) in table {
                            match key.get_ref().as_ref() {
                                "labels" => {
                                    config.runner_labels = reader.strings(value, "runners.labels")
                                }
                                other => reader.unknown_key(key, other, "runners", &["labels"]),
                            }
                        }
                    }
                }
                "placeholders" => {
                    if let Some(table) = reader.table(value, "placeholders") {
                        for (key, value) in table {
                            match key.get_ref().as_ref() {
                                "patterns" => {
                                    let Some(items) = reader.array(value, "placeholders.patterns")
                                    else {
                                        continue;
                                    };
                                    for item in items {
                                        let DeValue::String(s) = item.get_ref() else {
                                            reader.warn(
                                                item.span().start,
                                                "placeholders.patterns",
                                                "a pattern is a string".into(),
                                            );
                                            continue;
                                        };
                                        match Pattern::new(s) {
                                            Ok(p) => config.placeholders.push(p),
                                            Err(why) => reader.warn(
                                                item.span().start,
                                                "placeholders.patterns",
                                                format!("pattern `{s}` is ignored: {why}"),
                                            ),
                                        }
                                    }
                                }
                                other => {
                                    reader.unknown_key(key, other, "placeholders", &["patterns"])
                                }
                            }
                        }
                    }
                }
                other => reader.unknown_key(
                    key,
                    other,
                    "",
                    &["rules", "overrides", "runners", "placeholders"],
                ),
            }
        }
        let mut warnings = reader.warnings;
        crate::finding::sort(&mut warnings);
        Ok((config, warnings))
    }

    struct Reader<'t> {
        text: &'t str,
        warnings: Vec<Finding>,
        known: Vec<&'static str>,
    }

    impl Reader<'_> {
        fn warn(&mut self, at: usize, path: &str, message: String) {
            self.warnings
                .push(Finding::warning(RULE, path, pos_of(self.text, at), message));
        }

        fn unknown_key(
            &mut self,
            key: &Spanned<std::borrow::Cow<'_, str>>,
            name: &str,
            table: &str,
            keys: &[&str],
        ) {
            let place = if table.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `{table}`")
            };
            let hint = crate::finding::did_you_mean(name, keys.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            self.warn(
                key.span().start,
                table,
                format!(
                    "unknown key `{name}` {place} is ignored (known: {}){hint}",
                    keys.join(", ")
                ),
            );
        }

        fn table<'v, 'i>(
            &mut self,
            value: &'v Spanned<DeValue<'i>>,
            path: &str,
        ) -> Option<&'v DeTable<'i>> {
            match value.get_ref() {
                DeValue::Table(t) => Some(t),
                _ => {
                    self.warn(
                        value.span().start,
                        path,
                        format!("`{path}` must be a table: ignored"),
                    );
                    None
                }
            }
        }

        fn array<'v, 'i>(
            &mut self,
            value: &'v Spanned<DeValue<'i>>,
            path: &str,
        ) -> Option<&'v [Spanned<DeValue<'i>>]> {
            match value.get_ref() {
                DeValue::Array(a) => Some(a),
                _ => {
                    self.warn(
                        value.span().start,
                        path,
                        format!("`{path}` must be an array: ignored"),
                    );
                    None
                }
            }
        }

        fn strings(&mut self, value: &Spanned<DeValue<'_>>, path: &str) -> Vec<String> {
            let Some(items) = self.array(value, path) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for item in items {
                match item.get_ref() {
                    DeValue::String(s) => out.push(s.to_string()),
                    _ => self.warn(
                        item.span().start,
                        path,
                        format!("`{path}` holds strings: an item that is not one is ignored"),
                    ),
                }
            }
            out
        }

        fn rules(&mut self, table: &DeTable<'_>, path: &str) -> Vec<(String, Level)> {
            let mut out = Vec::new();
            for (key, value) in table {
                let id = key.get_ref().as_ref();
                if !self.known.contains(&id) {
                    let hint = crate::finding::did_you_mean(id, self.known.iter().copied())
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    self.warn(
                        key.span().start,
                        path,
                        format!("unknown rule `{id}` is ignored{hint}"),
                    );
                    continue;
                }
                match value.get_ref() {
                    DeValue::String(s) if Level::parse(s).is_some() => {
                        out.push((id.to_string(), Level::parse(s).expect("checked")));
                    }
                    _ => self.warn(
                        value.span().start,
                        path,
                        format!(
                            "rule `{id}`: the level is \"off\", \"warning\" or \"error\"; ignored"
                        ),
                    ),
                }
            }
            out
        }
    }

    /// The line and column of byte `at` in `text`.
    fn pos_of(text: &str, at: usize) -> Pos {
        let before = &text[..at.min(text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let start = before.rfind('\n').map_or(0, |n| n + 1);
        Pos {
            line,
            column: before[start..].chars().count() as u32 + 1,
        }
    }
}

#[cfg(feature = "toml")]
pub use reading::{FILE_NAME, RULE, known_rules, parse};

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn globs_match_whole_segments_and_any_depth() {
        assert!(glob_match("infra/templates/**", "infra/templates/a/b.json"));
        assert!(glob_match("infra/templates/**", "infra/templates/b.json"));
        assert!(!glob_match("infra/templates/**", "infra/other/b.json"));
        assert!(glob_match("**/*.json", "a.json"));
        assert!(glob_match("**/*.json", "x/y/a.json"));
        assert!(!glob_match("*.json", "x/a.json"));
        assert!(glob_match(
            "./.github/workflows/ci.y?l",
            ".github/workflows/ci.yml"
        ));
        assert!(glob_match("**/templates/*-td.*", "a/templates/web-td.yaml"));
    }

    #[test]
    fn patterns_search_with_classes_counts_and_anchors() {
        let p = |s| Pattern::new(s).unwrap();
        assert!(p("__[A-Z_]+__").find("123.dkr.ecr/__IMAGE_URI__:latest"));
        assert!(!p("__[A-Z_]+__").find("__lower__"));
        assert!(p("^\\d{12}$").find("123456789012"));
        assert!(!p("^\\d{12}$").find("1234567890123"));
        assert!(p("X{12,}").find("arn:aws:iam::XXXXXXXXXXXX:role/r"));
        assert!(p("[^a-z]").find("abcD"));
        assert!(!p("[^a-z]").find("abcd"));
        assert!(p("a\\.b?c*").find("xa.y"));
        assert!(p("[-x]").find("-"));
        assert!(Pattern::new("(a|b)").is_err());
        assert!(Pattern::new("+a").is_err());
        assert!(Pattern::new("[a").is_err());
        assert!(Pattern::new("a{2,1}").is_err());
        assert!(Pattern::new("").is_err());
    }

    #[test]
    fn later_overrides_win_and_rules_fall_back() {
        let config = LintConfig {
            rules: vec![("step-ref".into(), Level::Warning)],
            overrides: vec![
                Override {
                    paths: vec!["infra/**".into()],
                    rules: vec![("image-reference".into(), Level::Off)],
                },
                Override {
                    paths: vec!["infra/strict/**".into()],
                    rules: vec![("image-reference".into(), Level::Error)],
                },
            ],
            ..Default::default()
        };
        assert_eq!(config.level("step-ref", "a.yml"), Some(Level::Warning));
        assert_eq!(config.level("image-reference", "a.json"), None);
        assert_eq!(
            config.level("image-reference", "infra/a.json"),
            Some(Level::Off)
        );
        assert_eq!(
            config.level("image-reference", "infra/strict/a.json"),
            Some(Level::Error)
        );
    }

    #[test]
    fn findings_change_level_vanish_or_become_one_placeholder() {
        let text = "{\n  \"image\": \"__IMAGE__\",\n  \"x\": 1\n}\nruns-on: [gpu-large, big]\n";
        let findings = vec![
            Finding::error("image-reference", "image", at(2, 12), "bad image"),
            Finding::error("wrong-type", "image", at(2, 12), "bad again"),
            Finding::error("step-ref", "x", at(3, 8), "no step"),
            Finding::warning("runner-label", "runs-on", at(5, 11), "unknown gpu-large"),
            Finding::warning("runner-label", "runs-on", at(5, 22), "unknown big"),
        ];
        let config = LintConfig {
            rules: vec![("step-ref".into(), Level::Warning)],
            runner_labels: vec!["GPU-large".into()],
            placeholders: vec![Pattern::new("__[A-Z_]+__").unwrap()],
            ..Default::default()
        };
        let got: Vec<String> = config
            .apply("td.json", text, findings.clone())
            .iter()
            .map(|f| format!("{} {}", f.rule, f))
            .collect();
        assert_eq!(
            got,
            [
                "placeholder 2:12: warning: `__IMAGE__` is a placeholder: replace it before registering [placeholder]",
                "step-ref 3:8: warning: no step [step-ref]",
                "runner-label 5:22: warning: unknown big [runner-label]",
            ]
        );
        // No configuration: the findings as they were.
        assert_eq!(
            LintConfig::default().apply("td.json", text, findings.clone()),
            {
                let mut sorted = findings;
                crate::finding::sort(&mut sorted);
                sorted
            }
        );
    }

    #[test]
    fn scalars_are_read_quoted_or_plain() {
        let lines = [
            "  \"a\\\"b\": 1",
            "  key: 'q v' # c",
            "  - plain value # c",
            "[x, y]",
        ];
        assert_eq!(scalar_at(&lines, at(1, 3)), Some("a\\\"b"));
        assert_eq!(scalar_at(&lines, at(2, 8)), Some("q v"));
        assert_eq!(scalar_at(&lines, at(3, 5)), Some("plain value"));
        assert_eq!(scalar_at(&lines, at(4, 2)), Some("x"));
        assert_eq!(scalar_at(&lines, at(9, 1)), None);
    }
}
