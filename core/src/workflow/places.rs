//! Where expressions may be written in a workflow, which contexts and functions each place
//! offers (GitHub's "context availability" table), and the walk that finds every `${{ }}`
//! (and every bare `if:` condition) with its place, job, step and source position.

use super::Workflow;
use super::expr::{self, Expr, ExprError};
use crate::finding::Finding;
use crate::source::{Node, Pos, Trail, Value};

/// The contexts of GitHub Actions expressions, in the order GitHub's docs list them.
pub const CONTEXTS: [&str; 12] = [
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];

const fn mask(names: &[&str]) -> u16 {
    let mut bits = 0;
    let mut i = 0;
    while i < names.len() {
        let mut c = 0;
        while c < CONTEXTS.len() {
            if eq(names[i], CONTEXTS[c]) {
                bits |= 1 << c;
            }
            c += 1;
        }
        i += 1;
    }
    bits
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A kind of place in a workflow where expressions are evaluated.
#[derive(Debug, PartialEq, Eq)]
pub struct Place {
    /// The key, as GitHub's docs name it: `jobs.<job_id>.steps.if`.
    pub name: &'static str,
    contexts: u16,
    /// Whether `success()`, `failure()`, `always()` and `cancelled()` may be called here.
    pub status_functions: bool,
    /// Whether `hashFiles()` may be called here.
    pub hash_files: bool,
}

impl Place {
    const fn new(name: &'static str, contexts: &[&str]) -> Self {
        Self {
            name,
            contexts: mask(contexts),
            status_functions: false,
            hash_files: false,
        }
    }

    const fn step(name: &'static str, contexts: &[&str], condition: bool) -> Self {
        Self {
            name,
            contexts: mask(contexts),
            status_functions: condition,
            hash_files: true,
        }
    }

    /// Whether the context `name` (lower case) is available here.
    pub fn allows(&self, name: &str) -> bool {
        CONTEXTS
            .iter()
            .position(|c| *c == name)
            .is_some_and(|i| self.contexts & (1 << i) != 0)
    }

    /// The contexts available here, in docs order.
    pub fn contexts(&self) -> Vec<&'static str> {
        CONTEXTS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.contexts & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect()
    }
}

const JOB_BASIC: &[&str] = &["github", "needs", "strategy", "matrix", "vars", "inputs"];
const STEP_ALL: &[&str] = &[
    "github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps",
    "inputs",
];

/// The places, from GitHub's context availability table.
pub mod at {
    use super::*;

    /// `run-name`.
    pub static RUN_NAME: Place = Place::new("run-name", &["github", "inputs", "vars"]);
    /// The workflow's `concurrency`.
    pub static CONCURRENCY: Place = Place::new("concurrency", &["github", "inputs", "vars"]);
    /// The workflow's `env`.
    pub static ENV: Place = Place::new("env", &["github", "secrets", "inputs", "vars"]);
    /// `on.workflow_call.inputs.<inputs_id>.default`.
    pub static CALL_INPUT_DEFAULT: Place = Place::new(
        "on.workflow_call.inputs.<inputs_id>.default",
        &["github", "inputs", "vars"],
    );
    /// `on.workflow_call.outputs.<output_id>.value`.
    pub static CALL_OUTPUT_VALUE: Place = Place::new(
        "on.workflow_call.outputs.<output_id>.value",
        &["github", "jobs", "vars", "inputs"],
    );
    /// Job keys evaluated before the job runs: `name`, `runs-on`, `concurrency`,
    /// `environment`, `container`, `services`, `timeout-minutes`, `continue-on-error`, `with`.
    pub static JOB: Place = Place::new("jobs.<job_id>", JOB_BASIC);
    /// `jobs.<job_id>.container.credentials` and the services' credentials.
    pub static JOB_CREDENTIALS: Place = Place::new(
        "jobs.<job_id>.container.credentials",
        &[
            "github", "needs", "strategy", "matrix", "env", "vars", "secrets", "inputs",
        ],
    );
    /// `jobs.<job_id>.container.env` and the services' `env`.
    pub static JOB_CONTAINER_ENV: Place = Place::new(
        "jobs.<job_id>.container.env",
        &[
            "github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets",
            "inputs",
        ],
    );
    /// `jobs.<job_id>.defaults.run`.
    pub static JOB_DEFAULTS_RUN: Place = Place::new(
        "jobs.<job_id>.defaults.run",
        &[
            "github", "needs", "strategy", "matrix", "env", "vars", "inputs",
        ],
    );
    /// `jobs.<job_id>.env`.
    pub static JOB_ENV: Place = Place::new(
        "jobs.<job_id>.env",
        &[
            "github", "needs", "strategy", "matrix", "vars", "secrets", "inputs",
        ],
    );
    /// `jobs.<job_id>.environment.url`.
    pub static JOB_ENVIRONMENT_URL: Place = Place::new(
        "jobs.<job_id>.environment.url",
        &[
            "github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps",
            "inputs",
        ],
    );
    /// `jobs.<job_id>.if`.
    pub static JOB_IF: Place = Place {
        status_functions: true,
        ..Place::new("jobs.<job_id>.if", &["github", "needs", "vars", "inputs"])
    };
    /// `jobs.<job_id>.outputs.<output_id>`.
    pub static JOB_OUTPUTS: Place = Place::new("jobs.<job_id>.outputs.<output_id>", STEP_ALL);
    /// `jobs.<job_id>.secrets.<secrets_id>`.
    pub static JOB_SECRETS: Place = Place::new(
        "jobs.<job_id>.secrets.<secrets_id>",
        &[
            "github", "needs", "strategy", "matrix", "secrets", "inputs", "vars",
        ],
    );
    /// `jobs.<job_id>.strategy`.
    pub static JOB_STRATEGY: Place = Place::new(
        "jobs.<job_id>.strategy",
        &["github", "needs", "vars", "inputs"],
    );
    /// A step's `name`, `run`, `with`, `env`, `working-directory`, `timeout-minutes`,
    /// `continue-on-error`.
    pub static STEP: Place = Place::step("jobs.<job_id>.steps", STEP_ALL, false);
    /// `jobs.<job_id>.steps.if`.
    pub static STEP_IF: Place = Place::step(
        "jobs.<job_id>.steps.if",
        &[
            "github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps",
            "inputs",
        ],
        true,
    );
    /// Keys GitHub reads before any expression is evaluated: a step's `uses` and `id`, a
    /// job's `uses`.
    pub static NOWHERE: Place = Place::new("uses", &[]);
}

/// One expression of a workflow: its place, job, step, path, where it is, and its parse.
#[derive(Debug, Clone)]
pub struct Expression<'a> {
    /// What the place allows.
    pub place: &'static Place,
    /// The index of its job in [`Workflow::jobs`], when inside a job.
    pub job: Option<usize>,
    /// The index of its step in the job's `steps`, when inside a step.
    pub step: Option<usize>,
    /// The path of the value holding it (`jobs.build.steps[2].with.image`).
    pub path: Trail<'a>,
    /// The expression's text (between `${{` and `}}`, or a whole `if:`).
    pub text: &'a str,
    /// Where `text` starts in the source.
    pub pos: Pos,
    /// The tree, or why it does not parse.
    pub parsed: Result<Expr, ExprError>,
}

impl Expression<'_> {
    /// An error of `rule` at byte `offset` of [`Self::text`].
    pub fn error(&self, rule: &'static str, offset: usize, message: impl Into<String>) -> Finding {
        Finding::error(rule, &self.path, self.pos_at(offset), message)
    }

    /// The source position of byte `offset` of [`Self::text`].
    pub fn pos_at(&self, offset: usize) -> Pos {
        let before = &self.text[..floor_char_boundary(self.text, offset)];
        match before.rfind('\n') {
            None => Pos {
                line: self.pos.line,
                column: self.pos.column + before.chars().count() as u32,
            },
            Some(nl) => Pos {
                line: self.pos.line + before.matches('\n').count() as u32,
                column: before[nl + 1..].chars().count() as u32 + 1,
            },
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

struct Collector<'w, 'a> {
    wf: &'w Workflow<'a>,
    job: Option<usize>,
    step: Option<usize>,
    /// The path of the value being visited, pushed and popped on the way (cloned only into
    /// an expression found).
    path: Trail<'a>,
    out: Vec<Expression<'a>>,
}

/// Finds every expression of the workflow, in document order.
pub(crate) fn collect<'a>(wf: &Workflow<'a>) -> Vec<Expression<'a>> {
    let mut c = Collector {
        wf,
        job: None,
        step: None,
        path: Trail::root(),
        out: Vec::new(),
    };
    for m in wf.root.members().unwrap_or_default() {
        c.path.push_key(&m.key);
        match &*m.key {
            "run-name" => c.tree(&m.value, &at::RUN_NAME),
            "concurrency" => c.tree(&m.value, &at::CONCURRENCY),
            "env" => c.tree(&m.value, &at::ENV),
            "on" => {
                if let Some(call) = m.value.get("workflow_call") {
                    c.path.push_key("workflow_call");
                    for (key, field, place) in [
                        ("inputs", "default", &at::CALL_INPUT_DEFAULT),
                        ("outputs", "value", &at::CALL_OUTPUT_VALUE),
                    ] {
                        for item in call.get(key).and_then(Node::members).unwrap_or_default() {
                            if let Some(v) = item.value.get(field) {
                                c.path.push_key(key);
                                c.path.push_key(&item.key);
                                c.path.push_key(field);
                                c.tree(v, place);
                                c.path.pop();
                                c.path.pop();
                                c.path.pop();
                            }
                        }
                    }
                    c.path.pop();
                }
            }
            "jobs" => {
                for (j, job) in m.value.members().unwrap_or_default().iter().enumerate() {
                    c.job = Some(j);
                    c.path.push_key(&job.key);
                    c.job(&job.value);
                    c.path.pop();
                }
                c.job = None;
            }
            _ => {}
        }
        c.path.pop();
    }
    c.out
}

impl<'a> Collector<'_, 'a> {
    fn job(&mut self, job: &'a Node<'a>) {
        for m in job.members().unwrap_or_default() {
            let v = &m.value;
            self.path.push_key(&m.key);
            match &*m.key {
                "if" => self.condition(v, &at::JOB_IF),
                "name" | "concurrency" | "runs-on" | "timeout-minutes" | "continue-on-error"
                | "with" => self.tree(v, &at::JOB),
                "environment" => self.split(v, &[("url", &at::JOB_ENVIRONMENT_URL)], &at::JOB),
                "container" => self.container(v),
                "services" => {
                    for s in v.members().unwrap_or_default() {
                        self.path.push_key(&s.key);
                        self.container(&s.value);
                        self.path.pop();
                    }
                }
                "defaults" => self.tree(v, &at::JOB_DEFAULTS_RUN),
                "env" => self.tree(v, &at::JOB_ENV),
                "outputs" => self.tree(v, &at::JOB_OUTPUTS),
                "secrets" => self.tree(v, &at::JOB_SECRETS),
                "strategy" => self.tree(v, &at::JOB_STRATEGY),
                "uses" => self.tree(v, &at::NOWHERE),
                "steps" => {
                    for (i, step) in v.items().unwrap_or_default().iter().enumerate() {
                        self.step = Some(i);
                        self.path.push_index(i);
                        for s in step.members().unwrap_or_default() {
                            self.path.push_key(&s.key);
                            match &*s.key {
                                "if" => self.condition(&s.value, &at::STEP_IF),
                                "uses" | "id" => self.tree(&s.value, &at::NOWHERE),
                                _ => self.tree(&s.value, &at::STEP),
                            }
                            self.path.pop();
                        }
                        self.path.pop();
                    }
                    self.step = None;
                }
                _ => {}
            }
            self.path.pop();
        }
    }

    fn container(&mut self, v: &'a Node<'a>) {
        self.split(
            v,
            &[
                ("credentials", &at::JOB_CREDENTIALS),
                ("env", &at::JOB_CONTAINER_ENV),
            ],
            &at::JOB,
        );
    }

    /// A mapping whose members `special` have places of their own; the rest is `other`.
    fn split(
        &mut self,
        v: &'a Node<'a>,
        special: &[(&str, &'static Place)],
        other: &'static Place,
    ) {
        match v.members() {
            Some(members) => {
                for m in members {
                    let place = special
                        .iter()
                        .find(|(k, _)| *k == m.key)
                        .map_or(other, |(_, p)| *p);
                    self.path.push_key(&m.key);
                    self.tree(&m.value, place);
                    self.path.pop();
                }
            }
            None => self.tree(v, other),
        }
    }

    fn push(
        &mut self,
        place: &'static Place,
        text: &'a str,
        pos: Pos,
        parsed: Result<Expr, ExprError>,
    ) {
        self.out.push(Expression {
            place,
            job: self.job,
            step: self.step,
            path: self.path.clone(),
            text,
            pos,
            parsed,
        });
    }

    /// An `if:` value: `${{ }}` templates when it has any, else the whole text is one.
    fn condition(&mut self, v: &'a Node<'a>, place: &'static Place) {
        match v.as_str() {
            Some(text) if !text.contains("${{") && !text.trim().is_empty() => {
                let pos = self.wf.find(v.pos, text).unwrap_or(v.pos);
                self.push(place, text, pos, expr::parse(text));
            }
            _ => self.tree(v, place),
        }
    }

    /// Every template in every string under `v`.
    fn tree(&mut self, v: &'a Node<'a>, place: &'static Place) {
        match &v.value {
            Value::String(s) => self.strings(v, s, place),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push_index(i);
                    self.tree(item, place);
                    self.path.pop();
                }
            }
            Value::Object(members) => {
                for m in members {
                    self.path.push_key(&m.key);
                    self.tree(&m.value, place);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn strings(&mut self, v: &'a Node<'a>, s: &'a str, place: &'static Place) {
        if !s.contains("${{") {
            return;
        }
        let (found, unclosed) = match expr::templates(s) {
            Ok(found) => (found, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        // A cursor along the source, moved past each template found: every template costs the
        // text between it and the one before, so a line of many templates is read once.
        let mut cursor = self.wf.cursor(v.pos);
        for t in found {
            let pos = match self.wf.find_next(&mut cursor, t.raw) {
                Some(at) => Pos {
                    column: at.column + 3,
                    ..at
                },
                None => v.pos,
            };
            self.push(place, t.inner, pos, expr::parse(t.inner));
        }
        if let Some(e) = unclosed {
            let rest = &s[e.offset..];
            let from = cursor.map_or(v.pos, |(_, pos)| pos);
            let pos = self.wf.find(from, rest.lines().next().unwrap_or(rest));
            let parsed = Err(ExprError {
                offset: 0,
                message: e.message,
            });
            self.push(place, rest, pos.unwrap_or(v.pos), parsed);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::parse_yaml;
    use crate::workflow::Workflow;

    #[test]
    fn finds_each_expression_with_its_place_and_position() {
        let yaml = "on: push\nenv:\n  A: ${{ github.sha }}\njobs:\n  b:\n    if: github.ref == 'refs/heads/main'\n    runs-on: ${{ matrix.os }}\n    steps:\n      - id: s\n        run: |\n          echo one\n          echo ${{ steps.s.outputs.x }} and ${{ env.B }}\n        if: \"${{ always() }}\"\n";
        let root = parse_yaml(yaml).unwrap();
        let wf = Workflow::new(&root, yaml);
        let got: Vec<String> = wf
            .expressions
            .iter()
            .map(|e| {
                format!(
                    "{}:{} {} {} [{}] {:?}/{:?}",
                    e.pos.line,
                    e.pos.column,
                    e.path,
                    e.place.name,
                    e.text.trim(),
                    e.job,
                    e.step
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "3:9 env.A env [github.sha] None/None",
                "6:9 jobs.b.if jobs.<job_id>.if [github.ref == 'refs/heads/main'] Some(0)/None",
                "7:17 jobs.b.runs-on jobs.<job_id> [matrix.os] Some(0)/None",
                "12:19 jobs.b.steps[0].run jobs.<job_id>.steps [steps.s.outputs.x] Some(0)/Some(0)",
                "12:48 jobs.b.steps[0].run jobs.<job_id>.steps [env.B] Some(0)/Some(0)",
                "13:17 jobs.b.steps[0].if jobs.<job_id>.steps.if [always()] Some(0)/Some(0)",
            ]
        );
        let e = &wf.expressions[3];
        assert_eq!(e.pos_at(e.text.find("outputs").unwrap()).column, 28);
        assert!(wf.expressions.iter().all(|e| e.parsed.is_ok()));
    }

    #[test]
    fn an_unclosed_template_is_an_expression_that_does_not_parse() {
        let yaml =
            "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.sha\n";
        let root = parse_yaml(yaml).unwrap();
        let wf = Workflow::new(&root, yaml);
        assert_eq!(wf.expressions.len(), 1);
        let e = &wf.expressions[0];
        assert_eq!((e.pos.line, e.pos.column), (6, 19));
        assert!(
            e.parsed
                .as_ref()
                .unwrap_err()
                .message
                .contains("not closed")
        );
    }
}
