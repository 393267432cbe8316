//! A pull request reviewed: the check run "Hatoba checks" on its head commit, with a finding of
//! the workflow and task-definition rules as an annotation at its lines and columns.
//!
//! Two halves, so that the rules need not be in the worker:
//! - [`run`] (the worker, or any caller with a transport): lists the pull request's files,
//!   picks the ones to check ([`select`]), reads them at the head commit, asks the checks
//!   ([`Checks::review`]) and writes the check run, 50 annotations a request as GitHub takes
//!   them;
//! - [`assess`] (the checks worker, or in process): the rules on those files, the cross-file
//!   check of the workflows that render a task definition, and the run's conclusion, title,
//!   summary and annotations.

use serde_json::{Value, json};

use crate::checks::Checks;
use crate::fields::{FieldError, Obj};
use crate::finding::{Finding, Severity};
use crate::github::api::{GitHubClient, RepoRef};
use crate::http::{Clock, HttpRequest, HttpResponse, Transport};
use crate::retry::RetryPolicy;

/// The check run's name.
pub const CHECK_NAME: &str = "Hatoba checks";
/// GitHub takes at most this many annotations a request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// The most changed files read: GitHub lists at most 3000 of a pull request.
const MAX_FILES: usize = 3000;
/// The most `.json` files read only to see whether they are task definitions.
const MAX_SNIFFED: usize = 50;
/// The largest file read.
const MAX_FILE_BYTES: usize = 1 << 20;
/// GitHub's limit on a check run's summary.
const SUMMARY_LIMIT: usize = 65_535;
/// The repository's lint configuration, read at the head whether or not the pull request
/// changes it.
pub const CONFIG_PATH: &str = ".hatoba.toml";
/// The rule of a workflow that renders a container its task definition does not have.
pub const RENDER_CONTAINER: &str = "render-container";

/// A pull request's head to review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRequest {
    /// `owner/name`.
    pub repository: String,
    /// The pull request's number.
    pub number: u64,
    /// Its head commit.
    pub head_sha: String,
    /// Asked again from GitHub (re-run): reviewed even when this head already was.
    pub rerequested: bool,
    /// From a fork: checked, but never planned (a plan shows what runs to whoever opened it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fork: bool,
}

impl ReviewRequest {
    /// Reads a request from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(ReviewRequest {
            repository: o.string("repository")?,
            number: o.id("number")?,
            head_sha: o.string("headSha")?,
            rerequested: o.map.get("rerequested").and_then(Value::as_bool) == Some(true),
            fork: o.map.get("fork").and_then(Value::as_bool) == Some(true),
        })
    }
}

/// What a file of the pull request is checked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A GitHub Actions workflow (`.github/workflows/*.yml`).
    Workflow,
    /// A task definition: a target's base, or a `.json` file with `containerDefinitions`.
    TaskDefinition,
    /// The repository's `.hatoba.toml`: rule levels, per path, for the other files.
    Config,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Workflow => "workflow",
            FileKind::TaskDefinition => "taskDefinition",
            FileKind::Config => "config",
        }
    }
}

/// A file as the checks get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFile {
    /// Its path in the repository.
    pub path: String,
    /// What it is checked as.
    pub kind: FileKind,
    /// Changed by the pull request (annotated), or only read for a cross-file check.
    pub changed: bool,
    /// Its text at the head commit.
    pub text: String,
}

/// Which changed files to read, and as what: `None` for a `.json` file to read only to see
/// whether it holds `containerDefinitions`. `bases` are the repository paths of the targets'
/// task definitions. Removed files are not read.
pub fn select(changed: &[(String, String)], bases: &[&str]) -> Vec<(String, Option<FileKind>)> {
    let mut sniffed = 0;
    let mut out = Vec::new();
    for (path, status) in changed {
        if status == "removed" {
            continue;
        }
        let kind = if path == CONFIG_PATH {
            Some(Some(FileKind::Config))
        } else if is_workflow(path) {
            Some(Some(FileKind::Workflow))
        } else if bases
            .iter()
            .any(|b| b.trim_start_matches("./") == path.as_str())
        {
            Some(Some(FileKind::TaskDefinition))
        } else if path.ends_with(".json") && !not_a_task_definition(path) && sniffed < MAX_SNIFFED {
            sniffed += 1;
            Some(None)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push((path.clone(), kind));
        }
    }
    out
}

fn is_workflow(path: &str) -> bool {
    path.strip_prefix(".github/workflows/").is_some_and(|name| {
        !name.contains('/') && (name.ends_with(".yml") || name.ends_with(".yaml"))
    })
}

/// JSON files that are never task definitions: packages, locks, editor and compiler settings.
fn not_a_task_definition(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/')
        .any(|part| part == "node_modules" || part == "vendor")
        || name.starts_with("package")
        || name.contains("lock")
        || name.starts_with("tsconfig")
        || name.starts_with("composer")
        || name.starts_with('.')
}

/// What the checks say of a pull request's files: the check run's conclusion, title, summary and
/// annotations, and the files a workflow renders that were not given (to read and ask again).
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// `success`, `neutral` (warnings only) or `failure` (any error).
    pub conclusion: &'static str,
    /// The run's title: "2 errors, 1 warning in 2 files".
    pub title: String,
    /// A Markdown table of the files and their counts.
    pub summary: String,
    /// GitHub's annotation objects, in file order.
    pub annotations: Vec<Value>,
    /// Task definitions the workflows render that were not among the files.
    pub needs: Vec<String>,
}

impl Assessment {
    /// As JSON, for the checks worker's answer.
    pub fn to_json(&self) -> Value {
        json!({
            "conclusion": self.conclusion,
            "title": self.title,
            "summary": self.summary,
            "annotations": self.annotations,
            "needs": self.needs,
        })
    }

    /// Reads [`Assessment::to_json`]'s answer back.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let text = |key: &str| {
            value[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("the checks' review has no text `{key}`"))
        };
        let conclusion = match text("conclusion")?.as_str() {
            "success" => "success",
            "neutral" => "neutral",
            "failure" => "failure",
            other => return Err(format!("the checks' review concluded `{other}`")),
        };
        Ok(Assessment {
            conclusion,
            title: text("title")?,
            summary: text("summary")?,
            annotations: value["annotations"].as_array().cloned().unwrap_or_default(),
            needs: value["needs"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// The rules on `files`: every finding of a changed file as an annotation, and the cross-file
/// check of each workflow step that renders a task definition's container.
pub fn assess(files: &[ReviewFile]) -> Assessment {
    let mut annotations = Vec::new();
    let mut rows = Vec::new();
    let mut needs = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    let config = files
        .iter()
        .find(|f| f.kind == FileKind::Config)
        .map(|f| read_config(&f.text));
    for file in files.iter().filter(|f| f.changed) {
        let mut findings = match file.kind {
            FileKind::Workflow => crate::workflow::check(&file.text),
            FileKind::TaskDefinition => crate::taskdef::check(&file.text),
            FileKind::Config => config.as_ref().map(|c| c.1.clone()).unwrap_or_default(),
        };
        if file.kind == FileKind::Workflow {
            cross_file(file, files, &mut findings, &mut needs);
        }
        if let Some((Some(config), _)) = &config
            && file.kind != FileKind::Config
        {
            findings = config.apply(&file.path, &file.text, findings);
        }
        let e = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let w = findings.len() - e;
        errors += e;
        warnings += w;
        rows.push(format!(
            "| `{}` | {} | {e} | {w} |",
            file.path,
            file.kind.as_str()
        ));
        let flow = file.kind == FileKind::TaskDefinition && file.text.trim_start().starts_with('{');
        for f in &findings {
            annotations.push(annotation(&file.path, &file.text, f, flow));
        }
    }
    let conclusion = if errors > 0 {
        "failure"
    } else if warnings > 0 {
        "neutral"
    } else {
        "success"
    };
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let checked = rows.len();
    let title = if checked == 0 {
        "No workflow or task definition changed".to_owned()
    } else {
        format!(
            "{}, {} in {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(checked, "file")
        )
    };
    let mut summary = if checked == 0 {
        "This pull request changes no workflow (`.github/workflows/`) and no task definition: nothing for Hatoba to check.".to_owned()
    } else {
        let mut s =
            String::from("| file | checked as | errors | warnings |\n|---|---|---:|---:|\n");
        for row in &rows {
            s.push_str(row);
            s.push('\n');
        }
        s
    };
    if summary.len() > SUMMARY_LIMIT {
        let mut cut = SUMMARY_LIMIT - 40;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
        summary.push_str("\n… (the rest of the files left out)\n");
    }
    needs.dedup();
    Assessment {
        conclusion,
        title,
        summary,
        annotations,
        needs,
    }
}

/// A `.hatoba.toml`: what it says (none when it is no TOML, or this build reads no TOML), and
/// what reading it found (an unknown rule id is a warning, text that is no TOML an error).
#[cfg(feature = "toml")]
fn read_config(text: &str) -> (Option<crate::lintconfig::LintConfig>, Vec<Finding>) {
    match crate::lintconfig::parse(text) {
        Ok((config, warnings)) => (Some(config), warnings),
        Err(error) => (None, vec![error]),
    }
}

#[cfg(not(feature = "toml"))]
fn read_config(_text: &str) -> (Option<crate::lintconfig::LintConfig>, Vec<Finding>) {
    (None, Vec::new())
}

/// GitHub's annotation of `finding` in `path`: its whole value, on one line, or the line.
fn annotation(path: &str, text: &str, f: &Finding, flow: bool) -> Value {
    let line = f.pos.line.max(1);
    let level = match f.severity {
        Severity::Error => "failure",
        Severity::Warning => "warning",
    };
    let mut a = json!({
        "path": path,
        "start_line": line,
        "end_line": line,
        "annotation_level": level,
        "title": f.rule,
        "message": if f.path.is_empty() { f.message.clone() } else { format!("{}: {}", f.path, f.message) },
    });
    if f.pos.column > 0
        && let Some(source) = text.lines().nth(line as usize - 1)
    {
        let end = crate::source::value_end(source, f.pos.column, flow);
        a["start_column"] = f.pos.column.into();
        a["end_column"] = end.max(f.pos.column + 1).into();
    }
    a
}

/// Each step of `workflow` that renders a task definition file of this repository
/// (`amazon-ecs-render-task-definition` with `task-definition` and `container-name` written out)
/// must name a container the file has; a file not among `files` goes to `needs`.
fn cross_file(
    workflow: &ReviewFile,
    files: &[ReviewFile],
    findings: &mut Vec<Finding>,
    needs: &mut Vec<String>,
) {
    let find = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| (path.to_owned(), f.text.as_str()))
    };
    let mut missing = |path: &str| {
        if !needs.iter().any(|n| n == path) {
            needs.push(path.to_owned());
        }
    };
    findings.extend(render_container(&workflow.text, &find, &mut missing));
    crate::finding::sort(findings);
}

/// The cross-file check `render-container` of a workflow: each step of
/// `aws-actions/amazon-ecs-render-task-definition` whose `container-name` is not a container of
/// the task definition its `task-definition` input names. `find` gives, for that path (without a
/// leading `./`), how the task definition is named in a message and its text; the paths it does
/// not know go to `missing`. The editor's workflow page passes the task definition of its task
/// definition page, whatever the path.
pub fn render_container<'t>(
    workflow: &str,
    find: &dyn Fn(&str) -> Option<(String, &'t str)>,
    missing: &mut dyn FnMut(&str),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Ok(root) = crate::source::parse_yaml(workflow) else {
        return findings;
    };
    let wf = crate::workflow::Workflow::new(&root, workflow);
    for job in wf.jobs() {
        for (trail, step) in &job.steps {
            let uses = step
                .get("uses")
                .and_then(|u| u.as_str())
                .unwrap_or_default();
            if !uses
                .to_ascii_lowercase()
                .starts_with("aws-actions/amazon-ecs-render-task-definition@")
            {
                continue;
            }
            let with = step.get("with");
            let input = |name: &str| with.and_then(|w| w.get(name));
            let (Some(td), Some(container)) = (input("task-definition"), input("container-name"))
            else {
                continue;
            };
            let (Some(td_path), Some(name)) = (td.as_str(), container.as_str()) else {
                continue;
            };
            if td_path.contains("${{") || name.contains("${{") {
                continue;
            }
            let td_path = td_path.trim_start_matches("./");
            let Some((label, text)) = find(td_path) else {
                missing(td_path);
                continue;
            };
            let loaded = crate::taskdef::load(text);
            let Some(document) = &loaded.document else {
                continue;
            };
            let td = crate::taskdef::TaskDefinition::new(document);
            let names: Vec<&str> = td
                .containers()
                .filter_map(|(_, c)| c.get("name").and_then(|n| n.as_str()))
                .collect();
            if names.is_empty() || names.contains(&name) {
                continue;
            }
            findings.push(Finding::error(
                RENDER_CONTAINER,
                trail.key("with").key("container-name"),
                container.pos,
                format!(
                    "`{name}` is not a container of {label}, so the render step fails: its containers are {}",
                    names.join(", ")
                ),
            ));
        }
    }
    findings
}

/// The checks worker's answer to a review: `body` is `{"files": [{path, kind, changed, text}]}`,
/// the answer [`Assessment::to_json`]'s.
pub fn answer_review(body: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let list = value["files"]
        .as_array()
        .ok_or("expected {\"files\": [...]}")?;
    let mut files = Vec::with_capacity(list.len());
    for (i, f) in list.iter().enumerate() {
        let text = |key: &str| {
            f[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("files[{i}].{key}: expected text"))
        };
        let kind = match text("kind")?.as_str() {
            "workflow" => FileKind::Workflow,
            "taskDefinition" => FileKind::TaskDefinition,
            "config" => FileKind::Config,
            other => {
                return Err(format!(
                    "files[{i}].kind: `{other}` is not workflow, taskDefinition or config"
                ));
            }
        };
        files.push(ReviewFile {
            path: text("path")?,
            kind,
            changed: f["changed"].as_bool().unwrap_or(true),
            text: text("text")?,
        });
    }
    Ok(assess(&files).to_json().to_string())
}

/// The request body [`answer_review`] reads.
pub fn review_body(files: &[ReviewFile]) -> String {
    let list: Vec<Value> = files
        .iter()
        .map(|f| json!({"path": f.path, "kind": f.kind.as_str(), "changed": f.changed, "text": f.text}))
        .collect();
    json!({ "files": list }).to_string()
}

/// The name of a target's plan check run: `Hatoba plan: stg-web`.
pub fn plan_name(target: &str) -> String {
    format!("Hatoba plan: {target}")
}

/// What a plan judges: a target's base at the head commit, the image a deploy of it renders,
/// and the revision its service runs now.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// The target.
    pub target: String,
    /// The container the image goes into.
    pub container: String,
    /// Where the base is (for messages).
    pub base_path: String,
    /// The base's text.
    pub base: String,
    /// The image.
    pub image: String,
    /// The running revision's ARN and task definition, when the service runs one.
    pub running: Option<(String, Value)>,
}

impl PlanRequest {
    /// As JSON, for the checks worker.
    pub fn to_json(&self) -> Value {
        let (arn, td) = match &self.running {
            Some((arn, td)) => (Value::from(arn.as_str()), td.clone()),
            None => (Value::Null, Value::Null),
        };
        json!({"target": self.target, "container": self.container, "basePath": self.base_path,
               "base": self.base, "image": self.image, "runningArn": arn, "running": td})
    }

    /// Reads [`PlanRequest::to_json`] back; the error names the field.
    pub fn from_json(v: &Value) -> Result<Self, String> {
        let text = |key: &str| {
            v[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{key}: expected text"))
        };
        Ok(PlanRequest {
            target: text("target")?,
            container: text("container")?,
            base_path: text("basePath")?,
            base: text("base")?,
            image: text("image")?,
            running: match (v["runningArn"].as_str(), &v["running"]) {
                (Some(arn), td) if td.is_object() => Some((arn.to_owned(), td.clone())),
                _ => None,
            },
        })
    }
}

/// A plan: the base rendered with the image, diffed (normalized) against the running revision,
/// said in words, with the rules' findings on what would be registered. `neutral`, or `failure`
/// when the rendered definition breaks a rule.
pub fn plan(req: &PlanRequest) -> Assessment {
    use crate::taskdef::diff::{Change, diff, normalize};
    use crate::taskdef::render::{ContainerChange, Render, render};

    let failed = |title: String, summary: String| Assessment {
        conclusion: "failure",
        title,
        summary,
        annotations: Vec::new(),
        needs: Vec::new(),
    };
    let loaded = crate::taskdef::load(&req.base);
    let Some(document) = loaded.document else {
        let e = &loaded.findings[0];
        return failed(
            format!("{} is not a task definition", req.base_path),
            format!(
                "{}:{}:{}: {}",
                req.base_path, e.pos.line, e.pos.column, e.message
            ),
        );
    };
    let change = Render {
        containers: vec![ContainerChange {
            name: req.container.clone(),
            image: Some(req.image.clone()),
            ..ContainerChange::default()
        }],
        ..Render::default()
    };
    let rendered = match render(&document.to_json(), &change) {
        Ok(rendered) => rendered,
        Err(e) => return failed("The image cannot be rendered".to_owned(), e.to_string()),
    };
    let text = serde_json::to_string_pretty(&rendered).expect("JSON values serialize");
    let findings = crate::taskdef::check_to_register(&text);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let (changes, against) = match &req.running {
        Some((arn, running)) => {
            let mut running = running.clone();
            if let Some(o) = running.as_object_mut() {
                for key in crate::taskdef::READ_ONLY_FIELDS {
                    o.remove(key);
                }
            }
            let revision = arn.rsplit('/').next().unwrap_or(arn);
            (
                diff(&normalize(&running), &normalize(&rendered)),
                revision.to_owned(),
            )
        }
        None => (Vec::new(), String::new()),
    };
    let mut words: Vec<String> = changes
        .iter()
        .map(|c| in_words(c, &req.container))
        .collect();
    words.dedup();
    let said = if req.running.is_none() {
        "a first revision: the service runs none yet".to_owned()
    } else if words.is_empty() {
        "no change".to_owned()
    } else {
        words.join("; ")
    };
    let mut title = if against.is_empty() {
        said.clone()
    } else {
        format!("Against {against}: {said}")
    };
    if title.chars().count() > 200 {
        title = title.chars().take(199).collect::<String>() + "…";
    }
    let mut summary = format!(
        "A deploy of this head to **{}** registers `{}` rendered with `{}`",
        req.target, req.base_path, req.image
    );
    if !against.is_empty() {
        summary.push_str(&format!(" and moves the service from `{against}`"));
    }
    summary.push_str(".\n\n");
    if !changes.is_empty() {
        summary.push_str("### What changes\n\n");
        for w in &words {
            summary.push_str(&format!("- {w}\n"));
        }
        summary.push_str("\n```diff\n");
        // GitHub colours `-` and `+` lines: a change is its old line and its new one.
        // Environment values are not shown (they may be secrets kept where they should not
        // be, and a check run is read by everyone who reads the repository): only that they
        // change.
        for c in &changes {
            let line = match c {
                Change::Added { path, value } => format!("+ {path}: {}\n", masked(path, value)),
                Change::Removed { path, value } => format!("- {path}: {}\n", masked(path, value)),
                Change::Changed { path, old, new } => format!(
                    "- {path}: {}\n+ {path}: {}\n",
                    masked(path, old),
                    masked(path, new)
                ),
            };
            summary.push_str(&line);
        }
        summary.push_str("```\n");
    }
    if !findings.is_empty() {
        summary.push_str("\n### What the checks say of the rendered definition\n\n");
        for f in &findings {
            summary.push_str(&format!(
                "- **{}** `{}` {}: {}\n",
                f.severity, f.rule, f.path, f.message
            ));
        }
    }
    if summary.len() > SUMMARY_LIMIT {
        let mut cut = SUMMARY_LIMIT - 40;
        while !summary.is_char_boundary(cut) {
            cut -= 1;
        }
        summary.truncate(cut);
        summary.push_str("\n… (cut at GitHub's limit)\n");
    }
    Assessment {
        conclusion: if errors > 0 { "failure" } else { "neutral" },
        title,
        summary,
        annotations: Vec::new(),
        needs: Vec::new(),
    }
}

/// `value` as a plan shows it: an environment variable's value replaced by `"(not shown)"`.
fn masked(path: &str, value: &Value) -> Value {
    fn hide(value: &Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.iter().map(hide).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            if k == "value" {
                                "(not shown)".into()
                            } else {
                                hide(v)
                            },
                        )
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    if !path.contains("environment") {
        value.clone()
    } else if path.ends_with(".value") {
        "(not shown)".into()
    } else {
        hide(value)
    }
}

/// One change in words: `cpu 256 → 512`, `new secret DB_PASSWORD`, `image tag`.
fn in_words(change: &crate::taskdef::diff::Change, container: &str) -> String {
    use crate::taskdef::diff::Change;
    let short = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (path, what) = match change {
        Change::Added { path, .. } => (path, "new"),
        Change::Removed { path, .. } => (path, "removed"),
        Change::Changed { path, .. } => (path, "changed"),
    };
    let mine = format!("containerDefinitions[{container}].");
    let inner = path.strip_prefix(&mine);
    if inner == Some("image") {
        return "image tag".to_owned();
    }
    // A named item of a list: `secrets[DB_PASSWORD]`, `environment[LOG_LEVEL].value`; or a
    // whole list new or gone: `secrets` with its items' names.
    for (list, one, key) in [
        ("secrets", "secret", "name"),
        ("environment", "variable", "name"),
        ("portMappings", "port", "containerPort"),
    ] {
        let rest = inner.unwrap_or(path);
        if let Some(item) = rest.strip_prefix(list).and_then(|r| r.strip_prefix('[')) {
            let name = item.split(']').next().unwrap_or(item);
            return format!("{what} {one} {name}");
        }
        if rest == list
            && let Change::Added { value, .. } | Change::Removed { value, .. } = change
            && let Some(items) = value.as_array()
        {
            let names: Vec<String> = items.iter().map(|i| short(&i[key])).collect();
            let ones = if names.len() == 1 {
                one.to_owned()
            } else {
                format!("{one}s")
            };
            return format!("{what} {ones} {}", names.join(", "));
        }
    }
    match change {
        Change::Changed { old, new, .. } => format!(
            "{path} {} → {}",
            short(&masked(path, old)),
            short(&masked(path, new))
        ),
        Change::Added { value, .. } => format!("new {path} {}", short(value)),
        Change::Removed { .. } => format!("{path} removed"),
    }
}

/// The checks worker's answer to a plan: `body` is [`PlanRequest::to_json`].
pub fn answer_plan(body: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    Ok(plan(&PlanRequest::from_json(&value)?).to_json().to_string())
}

/// Writes a plan's check run, completed at once.
pub async fn write_plan<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    github: &GitHubClient,
    request: &ReviewRequest,
    target: &str,
    a: &Assessment,
) -> Result<u64, String> {
    let repo = RepoRef::parse(&request.repository)
        .ok_or_else(|| format!("{} is not OWNER/NAME", request.repository))?;
    let body = json!({
        "name": plan_name(target),
        "head_sha": request.head_sha,
        "external_id": format!("pull/{}", request.number),
        "status": "completed",
        "conclusion": a.conclusion,
        "completed_at": crate::time::format(clock.now_millis()),
        "output": {"title": a.title, "summary": a.summary},
    });
    let r = send(transport, clock, github.create_check_run(&repo, &body)).await?;
    ok_json(&r, "creating the plan's check run")?["id"]
        .as_u64()
        .ok_or_else(|| "GitHub's check run has no id".to_owned())
}

/// Whether a pull request that changed `changed` needs a plan of a target whose base is at
/// `base` and whose deploys follow the workflow `workflow`: it changes either.
pub fn plans(changed: &[String], base: &str, workflow: Option<&str>) -> bool {
    let base = base.trim_start_matches("./");
    changed.iter().any(|path| {
        path == base
            || (is_workflow(path)
                && workflow.is_some_and(|w| {
                    let w = w.trim_start_matches("./");
                    path == w || path.rsplit('/').next() == Some(w)
                }))
    })
}

/// What a review did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reviewed {
    /// The check run's id.
    pub check_run_id: u64,
    /// Its conclusion.
    pub conclusion: String,
    /// The files checked.
    pub files: usize,
    /// The annotations written.
    pub annotations: usize,
    /// The requests that wrote the check run.
    pub requests: usize,
    /// The plans written, one per target whose base or workflow changed:
    /// `{"target", "checkRunId", "conclusion"}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<Value>,
    /// The paths the pull request changes.
    #[serde(skip)]
    pub changed: Vec<String>,
}

/// Reviews `request`'s pull request: its files at the head commit checked by `checks`, the
/// result written as the check run [`CHECK_NAME`]. `bases` are the repository paths of the
/// repository's targets' task definitions.
pub async fn run<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    github: &GitHubClient,
    checks: &dyn Checks,
    bases: &[&str],
    request: &ReviewRequest,
) -> Result<Reviewed, String> {
    let repo = RepoRef::parse(&request.repository)
        .ok_or_else(|| format!("{} is not OWNER/NAME", request.repository))?;
    let send = |r: HttpRequest| send(transport, clock, r);
    // The changed files, 100 a page.
    let mut changed = Vec::new();
    for page in 1.. {
        let r = send(github.list_pull_files(&repo, request.number, page)).await?;
        let list = ok_json(&r, "listing the pull request's files")?;
        let list = list.as_array().cloned().unwrap_or_default();
        let full = list.len() == 100;
        for f in list {
            if let (Some(name), Some(status)) = (f["filename"].as_str(), f["status"].as_str()) {
                changed.push((name.to_owned(), status.to_owned()));
            }
        }
        if !full || changed.len() >= MAX_FILES {
            break;
        }
    }
    // Read six at a time: as many connections as a worker keeps open at once.
    let selected = select(&changed, bases);
    let mut texts = Vec::with_capacity(selected.len());
    for batch in selected.chunks(6) {
        let reads = batch
            .iter()
            .map(|(path, _)| read(&send, github, &repo, path, &request.head_sha));
        texts.extend(join_all(reads.collect()).await);
    }
    let mut files = Vec::new();
    for ((path, kind), text) in selected.into_iter().zip(texts) {
        let Some(text) = text? else {
            continue;
        };
        let kind = match kind {
            Some(kind) => kind,
            None if text.contains("\"containerDefinitions\"") => FileKind::TaskDefinition,
            None => continue,
        };
        files.push(ReviewFile {
            path,
            kind,
            changed: true,
            text,
        });
    }
    if !files.iter().any(|f| f.kind == FileKind::Config)
        && let Some(text) = read(&send, github, &repo, CONFIG_PATH, &request.head_sha).await?
    {
        files.push(ReviewFile {
            path: CONFIG_PATH.to_owned(),
            kind: FileKind::Config,
            changed: false,
            text,
        });
    }
    let mut assessment = checks.review(&files).await?;
    if !assessment.needs.is_empty() {
        let needs = std::mem::take(&mut assessment.needs);
        let before = files.len();
        for path in needs {
            if let Some(text) = read(&send, github, &repo, &path, &request.head_sha).await? {
                files.push(ReviewFile {
                    path,
                    kind: FileKind::TaskDefinition,
                    changed: false,
                    text,
                });
            }
        }
        if files.len() > before {
            assessment = checks.review(&files).await?;
        }
    }
    let checked = files.iter().filter(|f| f.changed).count();
    let mut reviewed =
        write_check_run(&send, clock, github, &repo, request, &assessment, checked).await?;
    reviewed.changed = changed.into_iter().map(|(path, _)| path).collect();
    Ok(reviewed)
}

/// Writes the check run: created `in_progress` with the first 50 annotations, then a PATCH per
/// further 50, the last one completing it with the conclusion.
async fn write_check_run<F, Fut, C: Clock>(
    send: &F,
    clock: &C,
    github: &GitHubClient,
    repo: &RepoRef,
    request: &ReviewRequest,
    a: &Assessment,
    checked: usize,
) -> Result<Reviewed, String>
where
    F: Fn(HttpRequest) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, String>>,
{
    let mut batches: Vec<&[Value]> = a.annotations.chunks(ANNOTATIONS_PER_REQUEST).collect();
    if batches.is_empty() {
        batches.push(&[]);
    }
    let last = batches.len() - 1;
    let mut id = 0;
    for (n, batch) in batches.iter().enumerate() {
        let mut body = json!({
            "output": {"title": a.title, "summary": a.summary, "annotations": batch},
        });
        if n == last {
            body["status"] = "completed".into();
            body["conclusion"] = a.conclusion.into();
            body["completed_at"] = crate::time::format(clock.now_millis()).into();
        } else if n == 0 {
            body["status"] = "in_progress".into();
        }
        let response = if n == 0 {
            body["name"] = CHECK_NAME.into();
            body["head_sha"] = request.head_sha.as_str().into();
            body["external_id"] = format!("pull/{}", request.number).into();
            let r = send(github.create_check_run(repo, &body)).await?;
            let created = ok_json(&r, "creating the check run")?;
            id = created["id"]
                .as_u64()
                .ok_or("GitHub's check run has no id")?;
            continue;
        } else {
            send(github.update_check_run(repo, id, &body)).await?
        };
        ok_json(&response, "updating the check run")?;
    }
    Ok(Reviewed {
        check_run_id: id,
        conclusion: a.conclusion.to_owned(),
        files: checked,
        annotations: a.annotations.len(),
        requests: batches.len(),
        plans: Vec::new(),
        changed: Vec::new(),
    })
}

/// Runs `futures` at once and gives their outputs in order.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut done = true;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect())
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

/// The text of `path` at `sha`, `None` when it is not there (or too large to check).
async fn read<F, Fut>(
    send: &F,
    github: &GitHubClient,
    repo: &RepoRef,
    path: &str,
    sha: &str,
) -> Result<Option<String>, String>
where
    F: Fn(HttpRequest) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, String>>,
{
    let r = send(github.get_file_contents(repo, path, sha)).await?;
    match r.status {
        200 if r.body.len() <= MAX_FILE_BYTES => Ok(String::from_utf8(r.body).ok()),
        200 | 404 => Ok(None),
        status => Err(format!("GitHub answered {status} reading {path}")),
    }
}

/// Sends a GitHub request, retried at once on 429, 5xx and lost connections.
pub async fn send<T: Transport, C: Clock>(
    transport: &T,
    clock: &C,
    request: HttpRequest,
) -> Result<HttpResponse, String> {
    crate::github::api::send(transport, clock, RetryPolicy::STANDARD, request).await
}

fn ok_json(r: &HttpResponse, what: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    if (200..300).contains(&r.status) {
        Ok(value)
    } else {
        let message = value["message"].as_str().unwrap_or_default();
        Err(format!("GitHub answered {} {what}: {message}", r.status))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::future::Future;
    use std::time::Duration;

    use super::*;
    use crate::checks::LocalChecks;
    use crate::http::TransportError;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    fn file(path: &str, kind: FileKind, text: &str) -> ReviewFile {
        ReviewFile {
            path: path.into(),
            kind,
            changed: true,
            text: text.into(),
        }
    }

    const WORKFLOW: &str = "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with:\n          task-definition: .aws/td.json\n          container-name: api\n          image: ${{ steps.build.outputs.image }}\n";
    const TD: &str = "{\n  \"family\": \"web\",\n  \"requiresCompatibilities\": [\"FARGATE\"],\n  \"networkMode\": \"awsvpc\",\n  \"cpu\": \"256\",\n  \"memory\": \"4096\",\n  \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1.27\", \"essential\": true}]\n}\n";

    #[test]
    fn the_files_read_are_workflows_bases_and_json_that_may_be_task_definitions() {
        let changed: Vec<(String, String)> = [
            (".github/workflows/ci.yml", "modified"),
            (".github/workflows/old.yaml", "removed"),
            (".github/workflows/scripts/x.yml", "added"),
            (".github/dependabot.yml", "added"),
            ("deploy/base.yaml", "modified"),
            ("infra/td.json", "added"),
            ("package-lock.json", "modified"),
            ("web/node_modules/x/y.json", "added"),
            ("README.md", "modified"),
        ]
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect();
        assert_eq!(
            select(&changed, &["./deploy/base.yaml"]),
            [
                (
                    ".github/workflows/ci.yml".to_owned(),
                    Some(FileKind::Workflow)
                ),
                (
                    "deploy/base.yaml".to_owned(),
                    Some(FileKind::TaskDefinition)
                ),
                ("infra/td.json".to_owned(), None),
            ]
        );
    }

    #[test]
    fn findings_become_annotations_at_their_value_and_the_conclusion_follows_the_worst() {
        let a = assess(&[file(".aws/td.json", FileKind::TaskDefinition, TD)]);
        assert_eq!(a.conclusion, "failure");
        assert_eq!(a.title, "1 error, 0 warnings in 1 file");
        let memory = a
            .annotations
            .iter()
            .find(|x| x["title"] == "fargate-cpu-memory")
            .expect("the cpu/memory finding");
        assert_eq!(memory["path"], ".aws/td.json");
        assert_eq!(memory["annotation_level"], "failure");
        assert_eq!(
            (memory["start_line"].as_u64(), memory["end_line"].as_u64()),
            (Some(6), Some(6))
        );
        // `"4096"`, quotes included: columns 13 to 19.
        assert_eq!(
            (
                memory["start_column"].as_u64(),
                memory["end_column"].as_u64()
            ),
            (Some(13), Some(19))
        );
        assert!(
            a.summary
                .contains("| `.aws/td.json` | taskDefinition | 1 | 0 |"),
            "{}",
            a.summary
        );

        let clean = TD.replace("4096", "512");
        let a = assess(&[file(".aws/td.json", FileKind::TaskDefinition, &clean)]);
        assert_eq!((a.conclusion, a.annotations.len()), ("success", 0));
        let a = assess(&[]);
        assert_eq!(
            (a.conclusion, a.title.as_str()),
            ("success", "No workflow or task definition changed")
        );
    }

    #[test]
    fn a_workflow_that_renders_a_container_its_task_definition_lacks_is_an_error() {
        let workflow = file(".github/workflows/deploy.yml", FileKind::Workflow, WORKFLOW);
        let first = assess(std::slice::from_ref(&workflow));
        assert_eq!(first.needs, [".aws/td.json"]);
        let mut td = file(
            ".aws/td.json",
            FileKind::TaskDefinition,
            &TD.replace("4096", "512"),
        );
        td.changed = false;
        let second = assess(&[workflow, td]);
        assert!(second.needs.is_empty());
        let cross: Vec<&Value> = second
            .annotations
            .iter()
            .filter(|x| x["title"] == RENDER_CONTAINER)
            .collect();
        assert_eq!(cross.len(), 1, "{:#?}", second.annotations);
        assert_eq!(cross[0]["start_line"], 9);
        assert_eq!(cross[0]["start_column"], 27);
        assert!(
            cross[0]["message"]
                .as_str()
                .unwrap()
                .contains("`api` is not a container of .aws/td.json, so the render step fails: its containers are web"),
            "{}",
            cross[0]["message"]
        );
        // The unchanged task definition is read, not annotated.
        assert!(
            second
                .annotations
                .iter()
                .all(|x| x["path"] == ".github/workflows/deploy.yml")
        );
        assert_eq!(second.conclusion, "failure");
    }

    #[cfg(feature = "toml")]
    #[test]
    fn the_repositorys_hatoba_toml_sets_the_levels_and_its_own_findings_are_annotated_when_changed()
    {
        let workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    colour: blue\n    steps:\n      - run: make\n";
        let before = assess(&[file(
            ".github/workflows/ci.yml",
            FileKind::Workflow,
            workflow,
        )]);
        let rule = before.annotations[0]["title"].as_str().unwrap().to_owned();
        let mut config = file(
            CONFIG_PATH,
            FileKind::Config,
            &format!("[rules]\n{rule} = \"off\"\n"),
        );
        config.changed = false;
        let quiet = assess(&[
            file(".github/workflows/ci.yml", FileKind::Workflow, workflow),
            config,
        ]);
        assert_eq!(
            (quiet.conclusion, quiet.annotations.len()),
            ("success", 0),
            "{:?}",
            quiet.annotations
        );
        let changed = file(
            CONFIG_PATH,
            FileKind::Config,
            "[rules]\nno-such-rule = \"off\"\n",
        );
        let told = assess(&[changed]);
        assert_eq!(told.annotations.len(), 1, "{:?}", told.annotations);
        assert_eq!(told.annotations[0]["path"], CONFIG_PATH);
        assert_eq!(told.annotations[0]["start_line"], 2);
        assert_eq!(told.conclusion, "neutral");
    }

    #[test]
    fn the_checks_workers_answer_reads_back_and_bad_requests_name_the_field() {
        let files = [file(".aws/td.json", FileKind::TaskDefinition, TD)];
        let answer = answer_review(review_body(&files).as_bytes()).unwrap();
        let back = Assessment::from_json(&serde_json::from_str(&answer).unwrap()).unwrap();
        assert_eq!(back, assess(&files));
        assert_eq!(
            answer_review(br#"{"files":[{"path":"a","kind":"x","text":""}]}"#).unwrap_err(),
            "files[0].kind: `x` is not workflow, taskDefinition or config"
        );
        assert_eq!(
            answer_review(b"[]").unwrap_err(),
            "expected {\"files\": [...]}"
        );
    }

    /// GitHub as the review sees it: pull request 7 of `listed` changed workflows, each with the
    /// text `workflow`, and the requests it received.
    struct FakeGitHub {
        listed: usize,
        workflow: String,
        requests: RefCell<Vec<HttpRequest>>,
    }

    impl Transport for FakeGitHub {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.requests.borrow_mut().push(request.clone());
            let url = request.url.clone();
            let ok = |status: u16, body: Value| {
                Ok(HttpResponse {
                    status,
                    headers: vec![],
                    body: body.to_string().into_bytes(),
                })
            };
            if url.contains("/pulls/7/files") {
                let page: usize = url.rsplit("page=").next().unwrap().parse().unwrap();
                let files: Vec<Value> = (0..self.listed)
                    .skip((page - 1) * 100)
                    .take(100)
                    .map(|i| json!({"filename": format!(".github/workflows/w{i}.yml"), "status": "modified"}))
                    .collect();
                return ok(200, Value::Array(files));
            }
            if url.contains("/contents/") {
                assert!(url.ends_with(&format!("?ref={SHA}")), "{url}");
                return Ok(HttpResponse {
                    status: 200,
                    headers: vec![],
                    body: self.workflow.clone().into_bytes(),
                });
            }
            if request.method == "POST" && url.ends_with("/check-runs") {
                return ok(201, json!({"id": 99}));
            }
            if request.method == "PATCH" && url.ends_with("/check-runs/99") {
                return ok(200, json!({"id": 99}));
            }
            ok(404, json!({"message": "Not Found"}))
        }
    }

    struct Clock0;
    impl Clock for Clock0 {
        fn now_millis(&self) -> u64 {
            1_795_766_400_000
        }
        async fn sleep(&self, _: Duration) {}
        fn jitter(&self) -> f64 {
            0.5
        }
    }

    fn github() -> GitHubClient {
        GitHubClient {
            api_url: "https://api.github.com".into(),
            token: "ghs_fakefakefake".into(),
        }
    }

    fn request() -> ReviewRequest {
        ReviewRequest {
            repository: "octo/shop".into(),
            number: 7,
            head_sha: SHA.into(),
            rerequested: false,
            fork: false,
        }
    }

    /// The review of pull request 7 with the local checks.
    fn review_of(fake: &FakeGitHub) -> Reviewed {
        block_on(run(fake, &Clock0, &github(), &LocalChecks, &[], &request())).unwrap()
    }

    #[test]
    fn a_hundred_and_twenty_annotations_take_three_requests_and_only_the_last_completes() {
        // 120 workflows (two pages of files), each with one finding: an unknown key of a job.
        let fake = FakeGitHub {
            listed: 120,
            workflow: "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    colour: blue\n    steps:\n      - run: make\n".into(),
            requests: RefCell::new(vec![]),
        };
        let reviewed = review_of(&fake);
        assert_eq!(reviewed.files, 120);
        assert_eq!(reviewed.annotations, 120);
        assert_eq!(reviewed.requests, 3);
        assert_eq!(reviewed.check_run_id, 99);
        let requests = fake.requests.borrow();
        let lists: Vec<&str> = requests
            .iter()
            .filter(|r| r.url.contains("/pulls/7/files"))
            .map(|r| r.url.rsplit('?').next().unwrap())
            .collect();
        assert_eq!(lists, ["per_page=100&page=1", "per_page=100&page=2"]);
        let writes: Vec<Value> = requests
            .iter()
            .filter(|r| r.url.contains("/check-runs"))
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect();
        let counts: Vec<usize> = writes
            .iter()
            .map(|w| w["output"]["annotations"].as_array().unwrap().len())
            .collect();
        assert_eq!(counts, [50, 50, 20]);
        assert_eq!(writes[0]["name"], CHECK_NAME);
        assert_eq!(writes[0]["head_sha"], SHA);
        assert_eq!(writes[0]["status"], "in_progress");
        assert!(writes[1].get("status").is_none());
        assert_eq!(writes[2]["status"], "completed");
        assert_eq!(writes[2]["conclusion"], reviewed.conclusion);
        assert_eq!(writes[2]["completed_at"], "2026-11-27T08:00:00.000Z");
    }

    #[test]
    fn a_pull_request_without_findings_is_one_request_completed_at_once() {
        let fake = FakeGitHub {
            listed: 1,
            workflow:
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
                    .into(),
            requests: RefCell::new(vec![]),
        };
        let reviewed = review_of(&fake);
        assert_eq!(
            (reviewed.conclusion.as_str(), reviewed.requests),
            ("success", 1)
        );
        let requests = fake.requests.borrow();
        let write: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
        assert_eq!(write["status"], "completed");
        assert_eq!(write["output"]["title"], "0 errors, 0 warnings in 1 file");
    }

    fn running() -> (String, Value) {
        let td = json!({
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:41",
            "family": "web", "revision": 41, "status": "ACTIVE",
            "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "1024",
            "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
            "containerDefinitions": [{"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:old",
                                       "essential": true, "secrets": []}]
        });
        (
            "arn:aws:ecs:us-east-1:123456789012:task-definition/web:41".to_owned(),
            td,
        )
    }

    fn plan_request(base: &str) -> PlanRequest {
        PlanRequest {
            target: "stg".into(),
            container: "web".into(),
            base_path: ".aws/task-definition.json".into(),
            base: base.into(),
            image: format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:{SHA}"),
            running: Some(running()),
        }
    }

    const PLANNED: &str = r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
      "cpu": "512", "memory": "1024", "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
      "containerDefinitions": [{"name": "web", "image": "placeholder", "essential": true,
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}]}]}"#;

    #[test]
    fn a_plan_says_in_words_and_as_a_diff_what_a_deploy_of_the_head_changes() {
        let a = plan(&plan_request(PLANNED));
        assert_eq!(a.conclusion, "neutral");
        assert_eq!(
            a.title,
            "Against web:41: image tag; new secret DB_PASSWORD; cpu 256 → 512"
        );
        assert!(
            a.summary.contains("moves the service from `web:41`"),
            "{}",
            a.summary
        );
        assert!(a.summary.contains("```diff\n"), "{}", a.summary);
        assert!(
            a.summary.contains("- cpu: \"256\"\n+ cpu: \"512\"\n"),
            "{}",
            a.summary
        );
        assert!(
            a.summary
                .contains("+ containerDefinitions[web].secrets: [{\"name\":\"DB_PASSWORD\""),
            "{}",
            a.summary
        );
        // Read-only fields of the running revision are no change.
        assert!(!a.summary.contains("revision"), "{}", a.summary);
        let round = PlanRequest::from_json(&plan_request(PLANNED).to_json()).unwrap();
        assert_eq!(round, plan_request(PLANNED));
        assert_eq!(
            answer_plan(plan_request(PLANNED).to_json().to_string().as_bytes()).unwrap(),
            a.to_json().to_string()
        );
    }

    #[test]
    fn a_plan_never_shows_an_environment_value() {
        let mut req = plan_request(PLANNED);
        let (_, running) = req.running.as_mut().unwrap();
        running["containerDefinitions"][0]["environment"] =
            json!([{"name": "API_TOKEN", "value": "fake-old-token-value"}]);
        req.base = PLANNED.replace(
            r#""essential": true,"#,
            r#""essential": true, "environment": [{"name": "API_TOKEN", "value": "fake-new-token-value"}, {"name": "MODE", "value": "fake-mode"}],"#,
        );
        let a = plan(&req);
        assert!(!a.summary.contains("fake-"), "{}", a.summary);
        assert!(!a.title.contains("fake-"), "{}", a.title);
        assert!(
            a.title.contains("changed variable API_TOKEN"),
            "{}",
            a.title
        );
        assert!(a.title.contains("new variable MODE"), "{}", a.title);
        assert!(a.summary.contains("(not shown)"), "{}", a.summary);
    }

    #[test]
    fn a_plan_whose_rendered_definition_breaks_a_rule_fails_and_a_first_one_says_so() {
        let broken = PLANNED.replace(r#""memory": "1024""#, r#""memory": "8192""#);
        let a = plan(&plan_request(&broken));
        assert_eq!(a.conclusion, "failure");
        assert!(a.summary.contains("`fargate-cpu-memory`"), "{}", a.summary);
        let mut first = plan_request(PLANNED);
        first.running = None;
        let a = plan(&first);
        assert_eq!(
            (a.conclusion, a.title.as_str()),
            ("neutral", "a first revision: the service runs none yet")
        );
        let a = plan(&plan_request("{ not json"));
        assert_eq!(a.conclusion, "failure");
        assert_eq!(
            a.title,
            ".aws/task-definition.json is not a task definition"
        );
    }

    #[test]
    fn a_target_is_planned_when_its_base_or_its_workflow_changes() {
        let changed = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(plans(&changed(&[".aws/td.json"]), "./.aws/td.json", None));
        assert!(plans(
            &changed(&[".github/workflows/build.yml"]),
            ".aws/td.json",
            Some("build.yml")
        ));
        assert!(!plans(
            &changed(&[".github/workflows/lint.yml", "src/main.rs"]),
            ".aws/td.json",
            Some("build.yml")
        ));
    }

    #[test]
    fn render_container_checks_against_what_find_gives_whatever_the_path() {
        let workflow = "on: push\njobs:\n  d:\n    runs-on: x\n    steps:\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with:\n          task-definition: deploy/td.json\n          container-name: app\n          image: x\n";
        let td = r#"{"family": "f", "containerDefinitions": [{"name": "web", "image": "x"}, {"name": "log", "image": "y"}]}"#;
        let find = |_: &str| Some(("the open task definition".to_owned(), td));
        let found = render_container(workflow, &find, &mut |_| panic!("every path is found"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, RENDER_CONTAINER);
        assert_eq!((found[0].pos.line, found[0].pos.column), (9, 27));
        assert_eq!(
            found[0].message,
            "`app` is not a container of the open task definition, so the render step fails: its containers are web, log"
        );
        let mut asked = Vec::new();
        assert!(
            render_container(workflow, &|_| None, &mut |p| asked.push(p.to_owned())).is_empty()
        );
        assert_eq!(asked, ["deploy/td.json"]);
    }
}
