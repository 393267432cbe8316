//! `wrong-type`: each workflow, job and step key holds the kind of value GitHub expects: a
//! number or an expression for `timeout-minutes`, a boolean or an expression for
//! `continue-on-error`, a list of mappings for `steps`, scalars in `env` and `with`, ...; and
//! `permissions` names scopes GitHub has with `read`, `write` or `none`.

use crate::finding::{Finding, did_you_mean};
use crate::source::{Node, Path, ToPath, Value};
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
    /// `true` or `false`, no expression (an input's `required`: read before any context exists).
    BoolOnly,
    /// A list, or a string with `${{ }}` (container ports, a matrix vector).
    List,
    /// A list of mappings, or a string with `${{ }}` (a matrix's `include` and `exclude`).
    MapListOrExpression,
    /// An event name, a list of them, or a mapping of events (`on`).
    Events,
    /// `inherit` or a mapping of names to values (a reusable workflow's `secrets`).
    Secrets,
    /// A string naming the image (empty: none), or a mapping with a non-empty `image` (a
    /// job's `container`, a service).
    Container,
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
            Kind::BoolOnly => "true or false",
            Kind::List => "a list or a ${{ }} expression",
            Kind::MapListOrExpression => "a list of mappings or a ${{ }} expression",
            Kind::Events => "an event name, a list of event names, or a mapping of events",
            Kind::Secrets => "inherit, or a mapping of secret names to values",
            Kind::Container => "an image name, or a mapping with `image`",
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
            Kind::BoolOnly => matches!(node.value, Value::Bool(_)),
            Kind::List => node.items().is_some() || expression,
            Kind::MapListOrExpression => {
                expression
                    || node
                        .items()
                        .is_some_and(|items| items.iter().all(|i| i.members().is_some()))
            }
            Kind::Events => {
                node.as_str().is_some()
                    || node.members().is_some()
                    || node
                        .items()
                        .is_some_and(|i| i.iter().all(|i| i.as_str().is_some()))
            }
            Kind::Secrets => node.as_str() == Some("inherit") || node.members().is_some(),
            Kind::Container => {
                // GitHub reads any scalar as the image's name; an empty one (often from a
                // matrix) runs the job on the runner itself.
                node.as_str().is_some()
                    || matches!(node.value, Value::Number(_))
                    || node
                        .get("image")
                        .is_some_and(|image| image.as_str().is_some_and(|s| !s.is_empty()))
            }
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

const WORKFLOW: [(&str, Kind); 8] = [
    ("on", Kind::Events),
    ("name", Kind::Text),
    ("run-name", Kind::Text),
    ("env", Kind::ScalarMap),
    ("defaults", Kind::Map),
    ("concurrency", Kind::TextOrMap),
    ("jobs", Kind::Map),
    ("permissions", Kind::TextOrMap),
];
const JOB: [(&str, Kind); 18] = [
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
    ("container", Kind::Container),
    ("services", Kind::Map),
    ("with", Kind::ScalarMap),
    ("secrets", Kind::Secrets),
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
/// A job's `container` or a service, written as a mapping.
const CONTAINER: [(&str, Kind); 6] = [
    ("image", Kind::Text),
    ("options", Kind::Text),
    ("ports", Kind::List),
    ("volumes", Kind::List),
    ("env", Kind::ScalarMap),
    ("credentials", Kind::Map),
];
const ENVIRONMENT: [(&str, Kind); 2] = [("name", Kind::Text), ("url", Kind::Text)];
const DEFAULTS_RUN: [(&str, Kind); 2] = [("shell", Kind::Text), ("working-directory", Kind::Text)];
/// An input of `workflow_dispatch` or `workflow_call`, or a secret of `workflow_call`.
const INPUT: [(&str, Kind); 2] = [("description", Kind::Text), ("required", Kind::BoolOnly)];
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

fn kinds(node: &Node, table: &[(&str, Kind)], path: &impl ToPath, out: &mut Vec<Finding>) {
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
        mismatch(&m.key, &m.value, *kind, path, out);
    }
}

/// `key` holds `node`, which is not of `kind`.
fn mismatch(key: &str, node: &Node, kind: Kind, path: &impl ToPath, out: &mut Vec<Finding>) {
    out.push(Finding::error(
        ID,
        path.key(key),
        node.pos,
        format!(
            "`{key}` is {}: expected {}",
            yaml_kind(node),
            kind.expected()
        ),
    ));
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

fn permissions(node: &Node, path: &impl ToPath, out: &mut Vec<Finding>) {
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

/// `defaults.run` of the workflow or of a job.
fn defaults(node: &Node, path: &impl ToPath, out: &mut Vec<Finding>) {
    if let Some(run) = node.get("defaults").and_then(|d| d.get("run")) {
        kinds(run, &DEFAULTS_RUN, &path.key("defaults").key("run"), out);
    }
}

/// The inputs of `workflow_dispatch` and `workflow_call`, and the secrets of `workflow_call`.
fn inputs(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let Some(on) = wf.root.get("on") else { return };
    let path = Path::root().key("on");
    for (event, section) in [
        ("workflow_dispatch", "inputs"),
        ("workflow_call", "inputs"),
        ("workflow_call", "secrets"),
    ] {
        let Some(items) = on.get(event).and_then(|e| e.get(section)) else {
            continue;
        };
        for m in items.members().unwrap_or_default() {
            kinds(
                &m.value,
                &INPUT,
                &path.key(event).key(section).key(&m.key),
                out,
            );
        }
    }
}

/// A job's container and services.
fn containers(job: &Node, path: &impl ToPath, out: &mut Vec<Finding>) {
    if let Some(c) = job.get("container").filter(|c| c.members().is_some()) {
        kinds(c, &CONTAINER, &path.key("container"), out);
    }
    let path = path.key("services");
    for m in job
        .get("services")
        .and_then(Node::members)
        .unwrap_or_default()
    {
        if !Kind::Container.accepts(&m.value) {
            mismatch(&m.key, &m.value, Kind::Container, &path, out);
        }
        if m.value.members().is_some() {
            kinds(&m.value, &CONTAINER, &path.key(&m.key), out);
        }
    }
}

/// A matrix's vectors are lists; its `include` and `exclude` lists of mappings.
fn matrix(strategy: &Node, path: &impl ToPath, out: &mut Vec<Finding>) {
    let Some(matrix) = strategy.get("matrix") else {
        return;
    };
    let path = path.key("matrix");
    for m in matrix.members().unwrap_or_default() {
        let kind = match &*m.key {
            "include" | "exclude" => Kind::MapListOrExpression,
            _ => Kind::List,
        };
        if !kind.accepts(&m.value) {
            mismatch(&m.key, &m.value, kind, &path, out);
        }
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let root = Path::root();
    kinds(wf.root, &WORKFLOW, &root, out);
    permissions(wf.root, &root, out);
    defaults(wf.root, &root, out);
    inputs(wf, out);
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
        defaults(job.node, &job.path, out);
        containers(job.node, &job.path, out);
        if let Some(e) = job
            .node
            .get("environment")
            .filter(|e| e.members().is_some())
        {
            kinds(e, &ENVIRONMENT, &job.path.key("environment"), out);
        }
        if let Some(s) = job.node.get("strategy") {
            kinds(s, &STRATEGY, &job.path.key("strategy"), out);
            matrix(s, &job.path.key("strategy"), out);
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

    #[test]
    fn where_githubs_loader_is_stricter_than_yaml() {
        let yaml = "on:
  workflow_call:
    inputs:
      tag:
        type: string
        required: yes please
    secrets:
      token:
        required: true
defaults:
  run:
    shell: [bash]
jobs:
  a:
    runs-on: ubuntu-latest
    environment:
      name: prod
      url: [a]
    container:
      image: node:22
      ports: 80
    services:
      db:
        env: {A: 1}
      cache: redis:7
    strategy:
      matrix:
        os: linux
        node: ${{ fromJSON(vars.NODES) }}
        include: foo
    steps:
      - run: x
  b:
    uses: ./.github/workflows/b.yml
    secrets: [a]
";
        assert_eq!(
            findings(super::check, yaml),
            [
                "12:12 defaults.run.shell: `shell` is a list: expected a string",
                "6:19 on.workflow_call.inputs.tag.required: `required` is a string: expected true or false",
                "21:14 jobs.a.container.ports: `ports` is a number: expected a list or a ${{ }} expression",
                "24:9 jobs.a.services.db: `db` is a mapping: expected an image name, or a mapping with `image`",
                "18:12 jobs.a.environment.url: `url` is a list: expected a string",
                "28:13 jobs.a.strategy.matrix.os: `os` is a string: expected a list or a ${{ }} expression",
                "30:18 jobs.a.strategy.matrix.include: `include` is a string: expected a list of mappings or a ${{ }} expression",
                "35:14 jobs.b.secrets: `secrets` is a list: expected inherit, or a mapping of secret names to values",
            ]
        );
        assert_eq!(
            findings(
                super::check,
                "on: 5
jobs: {}
"
            ),
            [
                "1:5 on: `on` is a number: expected an event name, a list of event names, or a mapping of events"
            ]
        );
    }
}
