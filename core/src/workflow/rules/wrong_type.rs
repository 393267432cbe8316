//! `wrong-type`: each workflow, job and step key holds the kind of value GitHub expects: a
//! number or an expression for `timeout-minutes`, a boolean or an expression for
//! `continue-on-error`, a list of mappings for `steps`, scalars in `env` and `with`, ...; and
//! `permissions` names scopes GitHub has with `read`, `write` or `none`.

use crate::finding::{Finding, did_you_mean};
use crate::source::{Node, Path, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "wrong-type";

/// What a key may hold.
#[derive(Clone, Copy)]
enum Kind {
    /// A string (numbers and booleans are read as text, as GitHub does).
    Text,
    /// A number, or a string with `${{ }}`.
    Number,
    /// A boolean, or a string with `${{ }}`.
    Bool,
    /// A mapping whose values are scalars (`env`, `with`, `outputs`).
    ScalarMap,
    /// A mapping.
    Map,
    /// A list of mappings.
    MapList,
    /// A string or a list of strings.
    TextOrList,
    /// A string or a mapping.
    TextOrMap,
    /// A string, a list of strings, or a mapping.
    RunsOn,
    /// A boolean, a string or a number (`if`).
    Condition,
}

impl Kind {
    fn expected(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::Number => "a number or a ${{ }} expression",
            Kind::Bool => "true, false or a ${{ }} expression",
            Kind::ScalarMap => "a mapping of names to strings, numbers or booleans",
            Kind::Map => "a mapping",
            Kind::MapList => "a list of mappings",
            Kind::TextOrList => "a string or a list of strings",
            Kind::TextOrMap => "a string or a mapping",
            Kind::RunsOn => "a label, a list of labels, or {group, labels}",
            Kind::Condition => "an expression",
        }
    }

    fn accepts(self, node: &Node) -> bool {
        let expression = node.as_str().is_some_and(|s| s.contains("${{"));
        let scalar = matches!(
            node.value,
            Value::String(_) | Value::Number(_) | Value::Bool(_)
        );
        match self {
            Kind::Text | Kind::Condition => scalar,
            Kind::Number => matches!(node.value, Value::Number(_)) || expression,
            Kind::Bool => matches!(node.value, Value::Bool(_)) || expression,
            Kind::ScalarMap => {
                expression
                    || node.members().is_some_and(|m| {
                        m.iter().all(|m| {
                            matches!(
                                m.value.value,
                                Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null
                            )
                        })
                    })
            }
            Kind::Map => node.members().is_some() || expression,
            Kind::MapList => node
                .items()
                .is_some_and(|items| items.iter().all(|i| i.members().is_some())),
            Kind::TextOrList => {
                scalar
                    || node
                        .items()
                        .is_some_and(|i| i.iter().all(|i| i.as_str().is_some()))
            }
            Kind::TextOrMap => scalar || node.members().is_some(),
            Kind::RunsOn => {
                scalar
                    || node.members().is_some()
                    || node
                        .items()
                        .is_some_and(|i| i.iter().all(|i| i.as_str().is_some()))
            }
        }
    }
}

const WORKFLOW: [(&str, Kind); 7] = [
    ("name", Kind::Text),
    ("run-name", Kind::Text),
    ("env", Kind::ScalarMap),
    ("defaults", Kind::Map),
    ("concurrency", Kind::TextOrMap),
    ("jobs", Kind::Map),
    ("permissions", Kind::TextOrMap),
];
const JOB: [(&str, Kind); 17] = [
    ("name", Kind::Text),
    ("needs", Kind::TextOrList),
    ("if", Kind::Condition),
    ("runs-on", Kind::RunsOn),
    ("environment", Kind::TextOrMap),
    ("concurrency", Kind::TextOrMap),
    ("outputs", Kind::ScalarMap),
    ("env", Kind::ScalarMap),
    ("defaults", Kind::Map),
    ("steps", Kind::MapList),
    ("timeout-minutes", Kind::Number),
    ("strategy", Kind::Map),
    ("continue-on-error", Kind::Bool),
    ("container", Kind::TextOrMap),
    ("services", Kind::Map),
    ("with", Kind::ScalarMap),
    ("permissions", Kind::TextOrMap),
];
const STEP: [(&str, Kind); 11] = [
    ("id", Kind::Text),
    ("if", Kind::Condition),
    ("name", Kind::Text),
    ("uses", Kind::Text),
    ("run", Kind::Text),
    ("working-directory", Kind::Text),
    ("shell", Kind::Text),
    ("with", Kind::ScalarMap),
    ("env", Kind::ScalarMap),
    ("continue-on-error", Kind::Bool),
    ("timeout-minutes", Kind::Number),
];
const STRATEGY: [(&str, Kind); 3] = [
    ("matrix", Kind::Map),
    ("fail-fast", Kind::Bool),
    ("max-parallel", Kind::Number),
];
const CONCURRENCY: [(&str, Kind); 2] = [("group", Kind::Text), ("cancel-in-progress", Kind::Bool)];

/// The scopes of `permissions`.
const SCOPES: [&str; 16] = [
    "actions",
    "artifact-metadata",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

fn kinds(node: &Node, table: &[(&str, Kind)], path: &Path, out: &mut Vec<Finding>) {
    for m in node.members().unwrap_or_default() {
        let Some((_, kind)) = table.iter().find(|(k, _)| *k == m.key) else {
            continue;
        };
        if kind.accepts(&m.value) {
            continue;
        }
        if let (Kind::ScalarMap, Some(members)) = (kind, m.value.members()) {
            for item in members.iter().filter(|i| !Kind::Text.accepts(&i.value)) {
                out.push(Finding::error(
                    ID,
                    path.key(&m.key).key(&item.key),
                    item.value.pos,
                    format!(
                        "`{}.{}` is {}: expected a string, a number or a boolean",
                        m.key,
                        item.key,
                        yaml_kind(&item.value)
                    ),
                ));
            }
            continue;
        }
        out.push(Finding::error(
            ID,
            path.key(&m.key),
            m.value.pos,
            format!(
                "`{}` is {}: expected {}",
                m.key,
                yaml_kind(&m.value),
                kind.expected()
            ),
        ));
    }
}

/// What a value is, in YAML's words.
fn yaml_kind(node: &Node) -> &'static str {
    match node.value {
        Value::Object(_) => "a mapping",
        Value::Array(_) => "a list",
        Value::Null => "empty",
        _ => node.kind(),
    }
}

fn permissions(node: &Node, path: &Path, out: &mut Vec<Finding>) {
    let Some(p) = node.get("permissions") else {
        return;
    };
    let path = path.key("permissions");
    if let Some(text) = p.as_str() {
        if !["read-all", "write-all"].contains(&text) && !text.contains("${{") {
            out.push(Finding::error(
                ID,
                path,
                p.pos,
                format!("`permissions: {text}` is not a shorthand GitHub has: expected read-all, write-all, or a mapping of scopes"),
            ));
        }
        return;
    }
    for m in p.members().unwrap_or_default() {
        if !SCOPES.contains(&&*m.key) {
            let hint = did_you_mean(&m.key, SCOPES)
                .map(|s| format!("did you mean `{s}`? The scopes are "))
                .unwrap_or_else(|| "expected one of ".into());
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.key_pos,
                format!(
                    "unknown permission `{}`: {hint}{}",
                    m.key,
                    SCOPES.join(", ")
                ),
            ));
            continue;
        }
        let allowed: &[&str] = match &*m.key {
            "id-token" => &["write", "none"],
            "models" => &["read", "none"],
            _ => &["read", "write", "none"],
        };
        if !m.value.as_str().is_some_and(|v| allowed.contains(&v)) {
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.value.pos,
                format!(
                    "permission `{}` cannot be `{}`: expected {}",
                    m.key,
                    m.value.as_str().unwrap_or(yaml_kind(&m.value)),
                    allowed.join(", ")
                ),
            ));
        }
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let root = Path::root();
    kinds(wf.root, &WORKFLOW, &root, out);
    permissions(wf.root, &root, out);
    if let Some(c) = wf.root.get("concurrency") {
        kinds(c, &CONCURRENCY, &root.key("concurrency"), out);
    }
    for job in wf.jobs() {
        if job.node.members().is_none() {
            out.push(Finding::error(
                ID,
                job.path.clone(),
                job.node.pos,
                format!(
                    "job `{}` is {}: expected a mapping",
                    job.id,
                    yaml_kind(job.node)
                ),
            ));
            continue;
        }
        kinds(job.node, &JOB, &job.path, out);
        permissions(job.node, &job.path, out);
        if let Some(s) = job.node.get("strategy") {
            kinds(s, &STRATEGY, &job.path.key("strategy"), out);
        }
        if let Some(c) = job.node.get("concurrency") {
            kinds(c, &CONCURRENCY, &job.path.key("concurrency"), out);
        }
        for (path, step) in job.steps.iter().map(|(p, s)| (p, *s)) {
            kinds(step, &STEP, path, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn kinds_per_key() {
        let yaml = "on: push\npermissions:\n  contents: read\n  id-token: read\n  content: write\nenv:\n  A: {nested: 1}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: ten\n    strategy:\n      fail-fast: yes\n      max-parallel: ${{ vars.MAX }}\n    steps:\n      - run: x\n        continue-on-error: ${{ github.event_name == 'push' }}\n        timeout-minutes: 5\n        with: [a, b]\n  b: just text\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "7:6 env.A: `env.A` is a mapping: expected a string, a number or a boolean",
                "4:13 permissions.id-token: permission `id-token` cannot be `read`: expected write, none",
                "5:3 permissions.content: unknown permission `content`: did you mean `contents`? The scopes are actions, artifact-metadata, attestations, checks, contents, deployments, discussions, id-token, issues, models, packages, pages, pull-requests, repository-projects, security-events, statuses",
                "11:22 jobs.a.timeout-minutes: `timeout-minutes` is a string: expected a number or a ${{ }} expression",
                "13:18 jobs.a.strategy.fail-fast: `fail-fast` is a string: expected true, false or a ${{ }} expression",
                "19:15 jobs.a.steps[0].with: `with` is a list: expected a mapping of names to strings, numbers or booleans",
                "20:6 jobs.b: job `b` is a string: expected a mapping",
            ]
        );
    }
}
