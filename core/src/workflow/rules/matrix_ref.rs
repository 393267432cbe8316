//! `matrix-ref`: `matrix.K` names a key of the job's `strategy.matrix` (or of one of its
//! `include` entries). A matrix built by an expression (`fromJSON(...)`) is not checked.

use std::collections::BTreeSet;

use crate::finding::{Finding, did_you_mean, some_names};
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "matrix-ref";

/// The keys of a job's matrix, or `None` when an expression builds it (anything goes).
fn keys<'a>(job: &'a Node<'a>) -> Option<Vec<&'a str>> {
    let Some(matrix) = job.get("strategy").and_then(|s| s.get("matrix")) else {
        return Some(Vec::new());
    };
    let members = matrix.members()?;
    let mut keys = Vec::new();
    for m in members {
        match &*m.key {
            "exclude" => {}
            "include" => {
                for item in m.value.items()? {
                    keys.extend(item.members()?.iter().map(|m| &*m.key));
                }
            }
            key if key.contains("${{") => return None,
            key => keys.push(key),
        }
    }
    Some(keys)
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    // Each job's keys once, with their lowercase spellings (GitHub compares them without case).
    let per_job: Vec<Option<(Vec<&str>, BTreeSet<String>)>> = jobs
        .iter()
        .map(|job| {
            keys(job.node).map(|all| {
                // Each include entry repeats the keys it shares with the others: a message
                // names each key once, in the order first written.
                let mut lower = BTreeSet::new();
                let k = all
                    .into_iter()
                    .filter(|k| lower.insert(k.to_ascii_lowercase()))
                    .collect();
                (k, lower)
            })
        })
        .collect();
    for e in &wf.expressions {
        let (Ok(parsed), Some(j)) = (&e.parsed, e.job.filter(|&j| j < jobs.len())) else {
            continue;
        };
        if !e.place.allows("matrix") {
            continue;
        }
        let (job, Some((keys, lower))) = (&jobs[j], &per_job[j]) else {
            continue;
        };
        for path in parsed.references() {
            if !path[0].0.eq_ignore_ascii_case("matrix") {
                continue;
            }
            let Some((key, offset)) = super::named(&path, 1) else {
                continue;
            };
            if lower.contains(&key.to_ascii_lowercase()) {
                continue;
            }
            let message = if keys.is_empty() {
                format!(
                    "job `{}` has no `strategy.matrix`, so `matrix.{key}` is empty",
                    job.id
                )
            } else {
                let hint = did_you_mean(key, keys.iter().copied())
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                format!(
                    "the matrix of job `{}` has no key `{key}`: {hint}its keys are {}",
                    job.id,
                    some_names(keys)
                )
            };
            out.push(e.error(ID, offset, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn matrix_keys_and_includes() {
        let yaml = "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        os: [ubuntu-latest]\n        include:\n          - os: ubuntu-latest\n            rust: beta\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: echo ${{ matrix.rust }} ${{ matrix.node }} ${{ matrix.Os }} ${{ matrix.oss }}\n  b:\n    runs-on: ${{ matrix.os }}\n    steps: [{run: x}]\n  c:\n    strategy:\n      matrix: ${{ fromJSON(needs.x.outputs.m) }}\n    runs-on: ${{ matrix.anything }}\n    steps: [{run: x}]\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "12:49 jobs.a.steps[0].run: the matrix of job `a` has no key `node`: its keys are os, rust",
                "12:85 jobs.a.steps[0].run: the matrix of job `a` has no key `oss`: did you mean `os`? its keys are os, rust",
                "14:25 jobs.b.runs-on: job `b` has no `strategy.matrix`, so `matrix.os` is empty",
            ]
        );
    }

    #[test]
    fn each_key_is_named_once_in_first_seen_order() {
        let yaml = "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        include:\n          - target: x86_64\n            os: ubuntu-latest\n          - target: aarch64\n            os: macos-latest\n            extra: 1\n          - OS: windows-latest\n            target: i686\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: echo ${{ matrix.arch }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "16:30 jobs.a.steps[0].run: the matrix of job `a` has no key `arch`: its keys are target, os, extra"
            ]
        );
    }
}
