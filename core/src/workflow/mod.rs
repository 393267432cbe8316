//! GitHub Actions workflows: read from YAML with positions (the same tree as task
//! definitions, via `source::parse_yaml`) and checked by named rules, one rule a file in [`rules`],
//! with the deploy-specific knowledge (aws-actions, OIDC) general linters lack.

use crate::finding::Finding;
use crate::source::{Node, Pos, Trail, parse_yaml};

pub mod actions;
pub mod expr;
pub mod generate;
pub mod places;
pub mod rules;
pub(crate) mod schema;
#[rustfmt::skip]
pub(crate) mod shapes;
pub mod suppress;

pub use places::{Expression, Place};

/// Checks a workflow file's text: every finding not silenced by a `# hatoba-ignore` comment
/// (see [`suppress`]), sorted by position.
pub fn check(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    match parse_yaml(text) {
        Ok(root) => rules::run_all(&Workflow::new(&root, text), &mut findings),
        Err(e) => findings.push(Finding::error(rules::SYNTAX, "", e.pos, e.message)),
    }
    suppress::apply(text, &mut findings);
    crate::finding::sort(&mut findings);
    findings
}

/// A job of a workflow.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// Its id (the key under `jobs`).
    pub id: &'a str,
    /// Where the id is written.
    pub id_pos: Pos,
    /// The job's mapping.
    pub node: &'a Node<'a>,
    /// `jobs.<id>`.
    pub path: Trail<'a>,
    /// The steps that are mappings, with their paths (`jobs.<id>.steps[2]`).
    pub steps: Vec<(Trail<'a>, &'a Node<'a>)>,
}

/// A read-only view of a workflow with the lookups rules share, and every `${{ }}`
/// expression in it, parsed once.
#[derive(Debug, Clone)]
pub struct Workflow<'a> {
    /// The document.
    pub root: &'a Node<'a>,
    /// The text it was read from (for places inside multi-line strings).
    pub text: &'a str,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The jobs, in file order.
    jobs: Vec<Job<'a>>,
    /// Every expression, in document order.
    pub expressions: Vec<Expression<'a>>,
}

impl<'a> Workflow<'a> {
    /// The view of `root`, read from `text`.
    pub fn new(root: &'a Node<'a>, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let members = root.get("jobs").and_then(Node::members).unwrap_or_default();
        let jobs = members
            .iter()
            .map(|m| {
                let path = Trail::root().with_key("jobs").with_key(&m.key);
                let steps = m
                    .value
                    .get("steps")
                    .and_then(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.members().is_some())
                    .map(|(i, s)| (path.with_key("steps").with_index(i), s))
                    .collect();
                Job {
                    id: &m.key,
                    id_pos: m.key_pos,
                    node: &m.value,
                    path,
                    steps,
                }
            })
            .collect();
        let mut wf = Self {
            root,
            text,
            line_starts,
            jobs,
            expressions: Vec::new(),
        };
        wf.expressions = places::collect(&wf);
        wf
    }

    /// The jobs, in file order.
    pub fn jobs(&self) -> &[Job<'a>] {
        &self.jobs
    }

    /// Where `needle` first occurs in the text at or after `from` (a scalar's start): the place
    /// of a word inside a multi-line `run:` script. `from` itself when not found.
    pub fn locate(&self, from: Pos, needle: &str) -> Pos {
        self.find(from, needle).unwrap_or(from)
    }

    /// Where `needle` first occurs in the text at or after `from`, if it does.
    pub fn find(&self, from: Pos, needle: &str) -> Option<Pos> {
        let skip = self.byte_of(from)?;
        let at = skip + self.text[skip..].find(needle)?;
        Some(self.pos_of(at))
    }

    /// The byte offset of a line and column (the line's end when the column is past it).
    pub(crate) fn byte_of(&self, pos: Pos) -> Option<usize> {
        let start = *self.line_starts.get(pos.line.checked_sub(1)? as usize)?;
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |n| start + n);
        Some(
            self.text[start..line_end]
                .char_indices()
                .nth(pos.column.saturating_sub(1) as usize)
                .map_or(line_end, |(b, _)| start + b),
        )
    }

    /// A cursor at `pos`, for [`Workflow::find_next`].
    pub(crate) fn cursor(&self, pos: Pos) -> Option<(usize, Pos)> {
        self.byte_of(pos).map(|b| (b, pos))
    }

    /// Where `needle` next occurs at or after `cursor`, moving the cursor past it. Each call
    /// costs the text between the cursor and the match, so finding every template of a long
    /// line one after the other reads the line once (positions from the scalar's start each
    /// time would read it once per template).
    pub(crate) fn find_next(&self, cursor: &mut Option<(usize, Pos)>, needle: &str) -> Option<Pos> {
        let (byte, pos) = (*cursor)?;
        let start = byte + self.text[byte..].find(needle)?;
        let at = self.advance(pos, byte, start);
        let end = start + needle.len();
        *cursor = Some((end, self.advance(at, start, end)));
        Some(at)
    }

    /// The position of byte `to`, from `pos`, the position of byte `from` (`from <= to`): it
    /// costs the distance between them, not the line's length, so a walk along a line is linear.
    pub(crate) fn advance(&self, mut pos: Pos, from: usize, to: usize) -> Pos {
        for c in self.text[from..to].chars() {
            if c == '\n' {
                pos.line += 1;
                pos.column = 1;
            } else {
                pos.column += 1;
            }
        }
        pos
    }

    /// The line and column of a byte offset in the text.
    pub fn pos_of(&self, byte: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        Pos {
            line: line as u32 + 1,
            column: self.text[start..byte.max(start)].chars().count() as u32 + 1,
        }
    }

    /// Every step's string value of `key` (`run`, `uses`) across all jobs, with the step's
    /// path (`jobs.build.steps[2]`; add the key when reporting) and the value's node.
    pub fn step_values<'w>(&'w self, key: &str) -> Vec<(&'w Trail<'a>, &'a Node<'a>, &'a str)> {
        let mut values = Vec::new();
        for job in &self.jobs {
            for (path, step) in &job.steps {
                if let Some(node) = step.get(key)
                    && let Some(text) = node.as_str()
                {
                    values.push((path, node, text));
                }
            }
        }
        values
    }
}
