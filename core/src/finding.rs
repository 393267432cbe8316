//! What a check reports: one finding names its rule, how serious it is, where it is (JSON path,
//! line and column) and what is wrong and expected. Shared by every checker in Hatoba.

use std::fmt;

use serde::Serialize;

use crate::source::Pos;

/// The rule id of the finding a placeholder value gets ([`Finding::placeholder`]).
pub const PLACEHOLDER: &str = "placeholder";

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// AWS (or GitHub) will refuse it, or it will break at run time.
    Error,
    /// Accepted, but probably not what was meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id, e.g. `fargate-cpu-memory`.
    pub rule: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The JSON path of the offending value (empty for the whole document).
    pub path: String,
    /// Where in the source.
    #[serde(flatten)]
    pub pos: Pos,
    /// What is wrong, and what is expected.
    pub message: String,
}

impl Finding {
    /// An error of `rule` at `pos`/`path`.
    pub fn error(
        rule: &'static str,
        path: impl fmt::Display,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: Severity::Error,
            path: path.to_string(),
            pos,
            message: message.into(),
        }
    }

    /// A warning of `rule` at `pos`/`path`.
    pub fn warning(
        rule: &'static str,
        path: impl fmt::Display,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: Severity::Warning,
            path: path.to_string(),
            pos,
            message: message.into(),
        }
    }

    /// The one finding a template's placeholder `value` gets, in place of every other finding
    /// on it: a warning to replace it before registering.
    pub fn placeholder(path: impl fmt::Display, pos: Pos, value: &str) -> Self {
        Self::warning(
            PLACEHOLDER,
            path,
            pos,
            format!("`{value}` is a placeholder: replace it before registering"),
        )
    }
}

/// Sorts findings by position, then rule, path and message: a total order, so the list reads the
/// same whatever order the rules ran in.
pub fn sort(findings: &mut [Finding]) {
    crate::sort_by(findings, |a, b| {
        (a.pos, a.rule, &a.path, &a.message).cmp(&(b.pos, b.rule, &b.path, &b.message))
    });
}

impl fmt::Display for Finding {
    /// `LINE:COL: severity: message [rule]`, the form compilers and linters use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {} [{}]",
            self.pos.line, self.pos.column, self.severity, self.message, self.rule
        )
    }
}

/// The closest of `candidates` to `word`, if one is close enough to be a typo: same letters in
/// another case, or at most two edits (one for short words).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    // The first 100: a hint is for a slip among a few names, and a document of thousands of
    // names must not cost an edit distance to each for every wrong one.
    candidates
        .into_iter()
        .take(100)
        .map(|c| {
            let distance = if c.to_ascii_lowercase() == lower {
                0
            } else {
                edit_distance(&lower, &c.to_ascii_lowercase())
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The names a message offers, at most 20 of them: a document of thousands of steps or jobs does
/// not make a message of thousands of names for each wrong one.
pub(crate) fn some_names(names: &[&str]) -> String {
    match names.len() {
        0..=20 => names.join(", "),
        n => format!("{}, ... ({n} in all)", names[..20].join(", ")),
    }
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            prev = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_plausible_typos() {
        let keys = [
            "containerDefinitions",
            "cpu",
            "memory",
            "family",
            "executionRoleArn",
        ];
        assert_eq!(
            did_you_mean("containerDefinition", keys),
            Some("containerDefinitions")
        );
        assert_eq!(did_you_mean("Memory", keys), Some("memory"));
        assert_eq!(
            did_you_mean("executionRoleARN", keys),
            Some("executionRoleArn")
        );
        assert_eq!(did_you_mean("cpus", keys), Some("cpu"));
        assert_eq!(did_you_mean("image", keys), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn displays_like_a_compiler() {
        let f = Finding::error(
            "family-name",
            "family",
            Pos {
                line: 2,
                column: 13,
            },
            "bad",
        );
        assert_eq!(f.to_string(), "2:13: error: bad [family-name]");
    }
}
