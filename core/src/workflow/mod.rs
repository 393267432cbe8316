//! GitHub Actions workflows: read from YAML with positions (the same tree as task
//! definitions, via saphyr-parser) and checked by named rules, one rule a file in [`rules`],
//! with the deploy-specific knowledge (aws-actions, OIDC) general linters lack.

use crate::finding::Finding;
use crate::source::{Node, Path, Pos, parse_yaml};

pub mod generate;
pub mod rules;

/// Checks a workflow file's text: every finding, sorted by position.
pub fn check(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    match parse_yaml(text) {
        Ok(root) => rules::run_all(&Workflow { root: &root, text }, &mut findings),
        Err(e) => findings.push(Finding::error(rules::SYNTAX, "", e.pos, e.message)),
    }
    findings.sort_by(|a, b| (a.pos, a.rule).cmp(&(b.pos, b.rule)));
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
    pub node: &'a Node,
    /// `jobs.<id>`.
    pub path: Path,
}

/// A read-only view of a workflow with the lookups rules share.
#[derive(Debug, Clone, Copy)]
pub struct Workflow<'a> {
    /// The document.
    pub root: &'a Node,
    /// The text it was read from (for places inside multi-line strings).
    pub text: &'a str,
}

impl<'a> Workflow<'a> {
    /// The jobs, in file order.
    pub fn jobs(&self) -> Vec<Job<'a>> {
        let members = self
            .root
            .get("jobs")
            .and_then(Node::members)
            .unwrap_or_default();
        members
            .iter()
            .map(|m| Job {
                id: &m.key,
                id_pos: m.key_pos,
                node: &m.value,
                path: Path::root().key("jobs").key(&m.key),
            })
            .collect()
    }

    /// Where `needle` first occurs in the text at or after `from` (a scalar's start): the place
    /// of a word inside a multi-line `run:` script. `from` itself when not found.
    pub fn locate(&self, from: Pos, needle: &str) -> Pos {
        for (i, line) in self
            .text
            .lines()
            .enumerate()
            .skip(from.line.saturating_sub(1) as usize)
        {
            let skip = if i + 1 == from.line as usize {
                from.column.saturating_sub(1) as usize
            } else {
                0
            };
            let Some(rest_start) = line.char_indices().nth(skip).map(|(b, _)| b) else {
                continue;
            };
            if let Some(byte) = line[rest_start..].find(needle) {
                let column = line[..rest_start + byte].chars().count() as u32 + 1;
                return Pos {
                    line: i as u32 + 1,
                    column,
                };
            }
        }
        from
    }

    /// Every step's string value of `key` (`run`, `uses`) across all jobs, with the value's
    /// path (`jobs.build.steps[2].run`) and node.
    pub fn step_values(&self, key: &str) -> Vec<(Path, &'a Node, &'a str)> {
        let mut values = Vec::new();
        for job in self.jobs() {
            for (path, step) in Workflow::steps(&job) {
                if let Some(node) = step.get(key)
                    && let Some(text) = node.as_str()
                {
                    values.push((path.key(key), node, text));
                }
            }
        }
        values
    }

    /// The steps of `job` that are mappings, with their paths.
    pub fn steps(job: &Job<'a>) -> Vec<(Path, &'a Node)> {
        job.node
            .get("steps")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.members().is_some())
            .map(|(i, s)| (job.path.key("steps").index(i), s))
            .collect()
    }
}
