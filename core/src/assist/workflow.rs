//! Completion and hover in workflows: keys and values from GitHub's workflow schema, the actions
//! Hatoba knows with their inputs, runner labels, and in `${{ }}` the contexts the place allows
//! with the document's own step ids, jobs, outputs, matrix keys, inputs and secrets.

use super::cursor::{Cursor, Role, Seg};
use super::{Completion, Completions, Hover, Kind};
use crate::source::{Node, parse_yaml};
use crate::workflow::actions::{KNOWN_ACTIONS, KnownAction, known, major};
use crate::workflow::expr::FUNCTIONS;
use crate::workflow::rules::context::{GITHUB, RUNNER, STRATEGY};
use crate::workflow::rules::outdated_action::minimum_major;
use crate::workflow::rules::runner_label::HOSTED;
use crate::workflow::schema::{Place, place_of};

/// The path as the schema reads it: keys, and `None` for list items.
fn keys(path: &[Seg]) -> impl Iterator<Item = Option<&str>> {
    path.iter().map(|s| match s {
        Seg::Key(k) => Some(k.as_str()),
        Seg::Index => None,
    })
}

/// Whether `path` is a step's (`jobs.<id>.steps[]`) followed by `rest`.
fn in_step(path: &[Seg], rest: &[&str]) -> bool {
    path.len() == 4 + rest.len()
        && path[0] == Seg::Key("jobs".into())
        && path[2] == Seg::Key("steps".into())
        && path[3] == Seg::Index
        && path[4..]
            .iter()
            .zip(rest)
            .all(|(s, r)| *s == Seg::Key((*r).into()))
}

/// The action a step's `uses` names, when Hatoba knows it.
fn action(members: &[(String, String)]) -> Option<&'static KnownAction> {
    known(Cursor::value_in(members, "uses")?)
}

/// The major version a step's `uses` pins, when it pins one.
fn pinned(members: &[(String, String)]) -> Option<u32> {
    major(Cursor::value_in(members, "uses")?)
}

/// When only some majors of `a` have input or output `name`: which, as a fact.
fn majors_of(a: &KnownAction, name: &str) -> Option<String> {
    let o = a.only(name)?;
    Some(match o.until {
        Some(u) if u == o.from => format!("only in v{u}"),
        Some(u) => format!("only in v{} to v{u}", o.from),
        None => format!("from v{} on", o.from),
    })
}

fn option(label: &str, kind: Kind, detail: impl Into<String>, apply: String) -> Completion {
    Completion {
        label: label.to_owned(),
        kind,
        detail: detail.into(),
        apply,
    }
}

pub(super) fn complete(
    text: &str,
    c: &Cursor,
    file: &dyn Fn(&str) -> Option<String>,
) -> Option<Completions> {
    if let Some(out) = expression(text, c) {
        return Some(out);
    }
    let mut options = Vec::new();
    let place = Place::at(keys(&c.path));
    if c.role != Role::Value {
        // `with:` of a known action: its inputs.
        if in_step(&c.path, &["with"])
            && let Some(a) = action(&c.parent)
        {
            for input in a.inputs_in(pinned(&c.parent)) {
                if !c.siblings.iter().any(|(k, _)| k == input) {
                    let mut detail = match a.required.contains(&input) {
                        true => format!("input of {} · required", a.name),
                        false => format!("input of {}", a.name),
                    };
                    if let Some(default) = super::defaults::default_of(a.name, input) {
                        detail.push_str(&format!(" · default {default}"));
                    }
                    options.push(option(input, Kind::Key, detail, format!("{input}: ")));
                }
            }
        } else {
            let mut found = place.keys();
            let required = |k: &(&str, u16, bool)| k.2;
            crate::sort_short(&mut found, |a, b| required(a) && !required(b));
            for (key, def, required) in found {
                if !c.siblings.iter().any(|(k, _)| k == key) {
                    let kind = place_of(def).kind();
                    let detail = if required {
                        format!("{kind} · required")
                    } else {
                        kind
                    };
                    options.push(option(key, Kind::Key, detail, format!("{key}: ")));
                }
            }
        }
    }
    if c.role != Role::Key {
        let key = match c.path.last() {
            Some(Seg::Index) => c.path.iter().rev().nth(1),
            last => last,
        };
        match key {
            Some(Seg::Key(k)) if k == "runs-on" && c.path.len() >= 3 => {
                for label in HOSTED {
                    options.push(option(
                        label,
                        Kind::Value,
                        "GitHub-hosted runner",
                        label.into(),
                    ));
                }
            }
            Some(Seg::Key(k)) if k == "uses" && in_step(&c.path, &["uses"]) => {
                for a in &KNOWN_ACTIONS {
                    let major = minimum_major(a.name).unwrap_or(a.since_major);
                    let uses = format!("{}@v{major}", a.name);
                    let detail = format!("{} inputs", a.inputs.len());
                    options.push(option(&uses, Kind::Action, detail, uses.clone()));
                }
            }
            Some(Seg::Key(k))
                if k == "container-name"
                    && in_step(&c.path, &["with", "container-name"])
                    && action(&c.parent)
                        .is_some_and(|a| a.name.ends_with("render-task-definition")) =>
            {
                let path = Cursor::value_in(&c.siblings, "task-definition").unwrap_or_default();
                let td = file(path.trim_start_matches("./")).unwrap_or_default();
                let loaded = crate::taskdef::load(&td);
                if let Some(document) = &loaded.document {
                    let td = crate::taskdef::TaskDefinition::new(document);
                    for (_, container) in td.containers() {
                        if let Some(name) = container.get("name").and_then(Node::as_str) {
                            let detail = format!("container of {path}");
                            options.push(option(name, Kind::Value, detail, name.to_owned()));
                        }
                    }
                }
            }
            Some(Seg::Key(k)) if k == "needs" && c.path.len() >= 3 => {
                let own = match &c.path[1] {
                    Seg::Key(k) => k.as_str(),
                    Seg::Index => "",
                };
                with_model(text, c.from, |root| {
                    for m in root.get("jobs").and_then(Node::members).unwrap_or_default() {
                        if m.key != own {
                            options.push(option(&m.key, Kind::Value, "job", m.key.to_string()));
                        }
                    }
                });
            }
            _ => {
                for v in place.values() {
                    options.push(option(v, Kind::Value, String::new(), v.to_owned()));
                }
            }
        }
    }
    Some(Completions {
        from: c.from,
        to: c.to,
        options,
    })
}

/// Runs `f` on the document read from `text`, or, when the text does not read (the cursor's
/// line is half written), from the text without the cursor's line.
fn with_model(text: &str, at: usize, f: impl FnOnce(&Node)) {
    if let Ok(root) = parse_yaml(text) {
        return f(&root);
    }
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    let without = format!("{}{}", &text[..start], &text[end..]);
    if let Ok(root) = parse_yaml(&without) {
        f(&root);
    }
}

/// The completions inside a `${{ }}` the cursor's line opens before it and does not close.
fn expression(text: &str, c: &Cursor) -> Option<Completions> {
    let at = c.from + c.prefix.len();
    let line = &text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at];
    let open = line.rfind("${{")?;
    if line[open..].contains("}}") {
        return None;
    }
    let chain_len: usize = line[open + 3..]
        .chars()
        .rev()
        .take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
        .map(char::len_utf8)
        .sum();
    let chain = &line[line.len() - chain_len..];
    let mut parts: Vec<&str> = chain.split('.').collect();
    let word = parts.pop().unwrap_or_default();
    let from = at - word.len();
    let mut options = Vec::new();
    let mut add = |label: &str, kind: Kind, detail: &str| {
        options.push(option(label, kind, detail, label.to_owned()));
    };
    let place = Place::at(keys(&c.path));
    match parts.as_slice() {
        [] => {
            let allowed: Vec<&str> = place.context_names().collect();
            for name in &allowed {
                if !FUNCTIONS.iter().any(|(f, ..)| f == name) {
                    add(name, Kind::Context, "context");
                }
            }
            for (f, ..) in FUNCTIONS {
                // Status functions and hashFiles only where the place allows them.
                let general = !matches!(
                    f,
                    "success" | "always" | "cancelled" | "failure" | "hashFiles"
                );
                if general || allowed.contains(&f) {
                    add(f, Kind::Function, "function");
                }
            }
        }
        ["github"] => GITHUB.iter().for_each(|p| add(p, Kind::Context, "github")),
        ["runner"] => RUNNER.iter().for_each(|p| add(p, Kind::Context, "runner")),
        ["strategy"] => STRATEGY
            .iter()
            .for_each(|p| add(p, Kind::Context, "strategy")),
        ["job"] => ["status", "container", "services", "check_run_id"]
            .iter()
            .for_each(|p| add(p, Kind::Context, "job")),
        ["steps", _] => ["outputs", "outcome", "conclusion"]
            .iter()
            .for_each(|p| add(p, Kind::Context, "step")),
        ["needs", _] => ["outputs", "result"]
            .iter()
            .for_each(|p| add(p, Kind::Context, "job")),
        heads => {
            let line_no = text[..at].matches('\n').count() as u32 + 1;
            let job = match (c.path.first(), c.path.get(1)) {
                (Some(Seg::Key(j)), Some(Seg::Key(id))) if j == "jobs" => id.as_str(),
                _ => "",
            };
            with_model(text, at, |root| {
                model(root, job, line_no, heads, &mut add);
            });
        }
    }
    Some(Completions {
        from,
        to: c.to.max(at),
        options,
    })
}

/// Completions that read the document: step ids, needs, outputs, matrix keys, inputs, secrets,
/// env names.
fn model(
    root: &Node,
    job_id: &str,
    line: u32,
    heads: &[&str],
    add: &mut impl FnMut(&str, Kind, &str),
) {
    let job = root.get("jobs").and_then(|j| j.get(job_id));
    let steps = job
        .and_then(|j| j.get("steps"))
        .and_then(Node::items)
        .unwrap_or_default();
    fn names(node: Option<&Node>, detail: &str, add: &mut impl FnMut(&str, Kind, &str)) {
        for m in node.and_then(Node::members).unwrap_or_default() {
            add(&m.key, Kind::Context, detail);
        }
    }
    let on = root.get("on");
    match heads {
        ["steps"] => {
            // The steps before the cursor's (all of them from outside the steps).
            let current = steps.iter().rposition(|s| s.pos.line <= line);
            for step in &steps[..current.unwrap_or(steps.len())] {
                if let Some(id) = step.get("id").and_then(Node::as_str) {
                    let detail = step.get("uses").and_then(Node::as_str).unwrap_or("step");
                    add(id, Kind::Context, detail);
                }
            }
        }
        ["steps", id, "outputs"] => {
            let step = steps
                .iter()
                .find(|s| s.get("id").and_then(Node::as_str) == Some(id));
            let uses = step.and_then(|s| s.get("uses")).and_then(Node::as_str);
            if let Some(a) = uses.and_then(known) {
                for o in a.outputs.iter().filter(|o| !o.ends_with('*')) {
                    add(o, Kind::Context, a.name);
                }
            }
        }
        ["needs"] => {
            let needs = job.and_then(|j| j.get("needs"));
            let list = needs.and_then(Node::items).map(<[Node]>::to_vec);
            for n in list.unwrap_or_else(|| needs.into_iter().cloned().collect()) {
                if let Some(n) = n.as_str() {
                    add(n, Kind::Context, "job");
                }
            }
        }
        ["needs", other, "outputs"] => {
            let outputs = root
                .get("jobs")
                .and_then(|j| j.get(other))
                .and_then(|j| j.get("outputs"));
            names(outputs, "job output", add);
        }
        ["matrix"] => {
            let matrix = job
                .and_then(|j| j.get("strategy"))
                .and_then(|s| s.get("matrix"));
            for m in matrix.and_then(Node::members).unwrap_or_default() {
                if m.key == "include" {
                    for item in m.value.items().unwrap_or_default() {
                        names(Some(item), "matrix (include)", add);
                    }
                } else if m.key != "exclude" {
                    add(&m.key, Kind::Context, "matrix");
                }
            }
        }
        ["inputs"] => {
            for event in ["workflow_dispatch", "workflow_call"] {
                names(
                    on.and_then(|o| o.get(event)).and_then(|e| e.get("inputs")),
                    event,
                    add,
                );
            }
        }
        ["secrets"] => {
            names(
                on.and_then(|o| o.get("workflow_call"))
                    .and_then(|e| e.get("secrets")),
                "workflow_call",
                add,
            );
            add("GITHUB_TOKEN", Kind::Context, "the job's token");
        }
        ["env"] => {
            names(root.get("env"), "workflow env", add);
            names(job.and_then(|j| j.get("env")), "job env", add);
            let step = steps.iter().rev().find(|s| s.pos.line <= line);
            names(step.and_then(|s| s.get("env")), "step env", add);
        }
        _ => {}
    }
}

pub(super) fn hover(c: &Cursor) -> Option<Hover> {
    let mut path = c.path.clone();
    if c.role == Role::Value && c.last_key() == Some("uses") && in_step(&path, &["uses"]) {
        let a = known(&c.prefix).or_else(|| {
            let name = c.prefix.split('@').next()?;
            KNOWN_ACTIONS
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(name))
        })?;
        let pin = major(&c.prefix);
        let inputs: Vec<&str> = a.inputs_in(pin).collect();
        let mut facts = vec![format!("inputs: {}", inputs.join(", "))];
        if !a.required.is_empty() {
            facts.push(format!("required: {}", a.required.join(", ")));
        }
        let outputs: Vec<&str> = a
            .outputs
            .iter()
            .copied()
            .filter(|o| o.ends_with('*') || a.has_output(o, pin))
            .collect();
        if !outputs.is_empty() {
            facts.push(format!("outputs: {}", outputs.join(", ")));
        }
        return Some(hover_of(
            a.name,
            facts,
            None,
            format!("https://github.com/{}", a.name),
        ));
    }
    if c.role != Role::Value {
        path.push(Seg::Key(c.prefix.clone()));
    }
    let Some(Seg::Key(key)) = path.last().cloned() else {
        return None;
    };
    if in_step(&path[..path.len() - 1], &["with"])
        && let Some(a) = action(&c.parent).or_else(|| action(&c.siblings))
        && a.inputs.contains(&key.as_str())
    {
        let need = match a.required.contains(&key.as_str()) {
            true => "required",
            false => "optional",
        };
        let mut facts = vec![format!("input of {}", a.name), need.into()];
        if let Some(majors) = majors_of(a, &key) {
            facts.push(majors);
        }
        if let Some(default) = super::defaults::default_of(a.name, &key) {
            facts.push(format!("default: {default}"));
        }
        return Some(hover_of(
            &key,
            facts,
            None,
            format!("https://github.com/{}#inputs", a.name),
        ));
    }
    let place = Place::at(keys(&path));
    if place.defs.is_empty() {
        return None;
    }
    let mut facts = vec![place.kind()];
    let holder = Place::at(keys(&path[..path.len() - 1]));
    if holder
        .keys()
        .iter()
        .any(|(k, _, required)| *k == key && *required)
    {
        facts.push("required".into());
    }
    let values = place.values();
    if !values.is_empty() && values.len() <= 40 {
        facts.push(format!("values: {}", values.join(", ")));
    }
    if let Some(default) = default_of(&key, path.len()) {
        facts.push(format!("default: {default}"));
    }
    let contexts: Vec<&str> = place.context_names().collect();
    if !contexts.is_empty() {
        facts.push(format!("expressions may use: {}", contexts.join(", ")));
    }
    let link = match keys(&path).collect::<Vec<_>>().as_slice() {
        [Some("on"), Some(event), ..]
            if path.len() == 2 || event.contains('_') || path.len() > 2 =>
        {
            format!(
                "https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#{event}"
            )
        }
        _ => format!(
            "https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#{}",
            anchor(&path)
        ),
    };
    Some(hover_of(&key, facts, about(&key), link))
}

/// What a context reference under the cursor inside `${{ }}` is (`text[start..end]`, e.g.
/// `steps.build.outputs.image`): where the document declares it, when it does.
pub(super) fn hover_expression(text: &str, start: usize, end: usize, c: &Cursor) -> Option<Hover> {
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let before = &text[line_start..start];
    let open = before.rfind("${{")?;
    if before[open..].contains("}}") {
        return None;
    }
    let chain = &text[start..end];
    let parts: Vec<&str> = chain.split('.').collect();
    let context = *parts.first()?;
    if !crate::workflow::shapes::CONTEXTS.contains(&context) {
        return None;
    }
    let job_id = match (c.path.first(), c.path.get(1)) {
        (Some(Seg::Key(j)), Some(Seg::Key(id))) if j == "jobs" => id.clone(),
        _ => String::new(),
    };
    let mut facts = vec![format!("the {context} context")];
    with_model(text, start, |root| {
        let job = root.get("jobs").and_then(|j| j.get(&job_id));
        let member = |node: Option<&Node>, key: &str| {
            node.and_then(|n| n.get(key)).map(|v| match v.as_str() {
                Some(s) => s.to_owned(),
                None => v.to_json().to_string(),
            })
        };
        match parts.as_slice() {
            ["steps", id, rest @ ..] => {
                let steps = job.and_then(|j| j.get("steps")).and_then(Node::items);
                let step = steps
                    .unwrap_or_default()
                    .iter()
                    .find(|s| s.get("id").and_then(Node::as_str) == Some(id));
                match step {
                    Some(step) => {
                        let what =
                            member(Some(step), "uses").unwrap_or_else(|| "a run step".into());
                        facts.push(format!("step `{id}` (line {}): {what}", step.pos.line));
                        let uses = member(Some(step), "uses");
                        if let ["outputs", name] = rest
                            && let Some(a) = uses.as_deref().and_then(known)
                        {
                            let major = uses.as_deref().and_then(major);
                            let has = if a.has_output(name, major) {
                                "an output"
                            } else {
                                "not an output"
                            };
                            facts.push(format!("`{name}` is {has} of {}", a.name));
                        }
                    }
                    None => facts.push(format!("no step of job `{job_id}` has `id: {id}`")),
                }
            }
            ["needs", other, "outputs", name] => {
                let outputs = root
                    .get("jobs")
                    .and_then(|j| j.get(other))
                    .and_then(|j| j.get("outputs"));
                match member(outputs, name) {
                    Some(value) => facts.push(format!("output of job `{other}`: {value}")),
                    None => facts.push(format!("job `{other}` declares no output `{name}`")),
                }
            }
            ["matrix", key] => {
                let matrix = job
                    .and_then(|j| j.get("strategy"))
                    .and_then(|s| s.get("matrix"));
                if let Some(values) = member(matrix, key) {
                    facts.push(format!("values: {values}"));
                }
            }
            ["inputs", name] => {
                let on = root.get("on");
                for event in ["workflow_dispatch", "workflow_call"] {
                    let input = on
                        .and_then(|o| o.get(event))
                        .and_then(|e| e.get("inputs"))
                        .and_then(|i| i.get(name));
                    if let Some(input) = input {
                        let field = |k: &str| member(Some(input), k).map(|v| format!("{k} {v}"));
                        let described: Vec<String> = ["type", "required", "default"]
                            .iter()
                            .filter_map(|k| field(k))
                            .collect();
                        facts.push(format!("input of {event}: {}", described.join(", ")));
                    }
                }
            }
            ["env", name] => {
                for (scope, node) in [
                    ("workflow", root.get("env")),
                    ("job", job.and_then(|j| j.get("env"))),
                ] {
                    if let Some(value) = member(node, name) {
                        facts.push(format!("{scope} env: {value}"));
                    }
                }
            }
            _ => {}
        }
    });
    let anchor = if CONTEXTS_WITH_PAGES.contains(&context) {
        context
    } else {
        "about"
    };
    Some(hover_of(
        chain,
        facts,
        None,
        format!(
            "https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#{anchor}-context"
        ),
    ))
}

/// The contexts GitHub's contexts page has a section for (the functions have none).
const CONTEXTS_WITH_PAGES: [&str; 12] = [
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];

fn hover_of(title: &str, facts: Vec<String>, about: Option<&'static str>, link: String) -> Hover {
    Hover {
        from: 0,
        to: 0,
        title: title.to_owned(),
        facts,
        about,
        link: Some(link),
    }
}

/// The anchor of a key's section in GitHub's workflow syntax page: the section's title
/// (`jobs.<job_id>.steps[*].with`) without its punctuation.
fn anchor(path: &[Seg]) -> String {
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            Seg::Key(_) if i == 1 && path[0] == Seg::Key("jobs".into()) => out.push_str("job_id"),
            Seg::Key(k) => out.extend(
                k.chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_')),
            ),
            Seg::Index => {}
        }
    }
    out.to_ascii_lowercase()
}

/// What GitHub takes when a key is left out, for those whose default people ask about; `depth`
/// is the key's path length (3 for a job's key, 5 for a step's).
fn default_of(key: &str, depth: usize) -> Option<&'static str> {
    Some(match (key, depth) {
        ("timeout-minutes", 3) => "360",
        ("continue-on-error", _) => "false",
        ("fail-fast", _) => "true",
        ("cancel-in-progress", _) => "false",
        ("max-parallel", _) => "as many jobs as runners allow",
        ("shell", _) => "bash on Linux and macOS (sh when bash is missing), pwsh on Windows",
        ("working-directory", _) => "the workspace ($GITHUB_WORKSPACE)",
        _ => return None,
    })
}

/// What the keys people write most are for, in a sentence.
fn about(key: &str) -> Option<&'static str> {
    Some(match key {
        "on" => "The events that start the workflow, with their filters.",
        "jobs" => "The jobs of the workflow; they run in parallel unless `needs` orders them.",
        "runs-on" => {
            "The runner the job runs on: a GitHub-hosted label, or your self-hosted runner's labels."
        }
        "steps" => {
            "What the job does, in order: each step runs a command (`run`) or an action (`uses`)."
        }
        "uses" => {
            "The action a step runs (`owner/repo@ref`), or the reusable workflow a job calls."
        }
        "with" => "The inputs of the action or reusable workflow.",
        "run" => "A shell script the step runs. Pass untrusted values through `env`, not `${{ }}`.",
        "permissions" => {
            "What the job's GITHUB_TOKEN may do. A deploy with OIDC needs `id-token: write`."
        }
        "needs" => {
            "Jobs that must succeed before this one starts; their outputs become `needs.<job>.outputs`."
        }
        "if" => "Runs the job or step only when the expression is true.",
        "env" => "Environment variables for the workflow, a job or a step.",
        "concurrency" => {
            "At most one run of a group at a time; a deploy should not cancel one in progress."
        }
        "environment" => "The deployment environment: its protection rules, secrets and URL.",
        "strategy" => "Runs the job once per combination of the matrix.",
        "matrix" => "The values the job is run with, one run per combination.",
        "outputs" => "Values the job gives to the jobs that need it.",
        "id" => "The step's name in expressions: `steps.<id>.outputs`.",
        "timeout-minutes" => {
            "How long it may run before GitHub cancels it (360 minutes by default)."
        }
        "secrets" => "Secrets passed to a reusable workflow, or those it declares.",
        "workflow_run" => "Starts when another workflow's run is requested or completes.",
        "workflow_dispatch" => "Lets the workflow be started by hand or by the API, with inputs.",
        "push" => "Starts on a push of commits or tags, filtered by branch, tag or path.",
        "pull_request" => "Starts on pull request activity; from forks it runs without secrets.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::labels;
    use super::super::{Language, complete, hover};

    const W: Language = Language::Workflow;

    const DEPLOY: &str = "on:\n  workflow_dispatch:\n    inputs:\n      stage: {type: string}\n  workflow_call:\n    secrets:\n      DEPLOY_KEY: {required: true}\nenv:\n  REGION: eu-west-1\njobs:\n  build:\n    runs-on: ubuntu-latest\n    outputs:\n      image: ${{ steps.push.outputs.image }}\n    steps:\n      - id: login\n        uses: aws-actions/amazon-ecr-login@v2\n      - id: push\n        run: echo image=x >> \"$GITHUB_OUTPUT\"\n  deploy:\n    needs: [build]\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        region: [a, b]\n        include:\n          - stage: beta\n    steps:\n      - run: echo |\n";

    fn at_bar(tail: &str) -> Vec<String> {
        labels(W, &DEPLOY.replace('|', &format!("{tail}|")))
    }

    #[test]
    fn keys_from_githubs_schema_minus_those_written() {
        let got = labels(W, "on: push\njobs:\n  b:\n    runs-on: x\n    |\n");
        assert!(
            got.contains(&"steps".into()) && got.contains(&"needs".into()),
            "{got:?}"
        );
        assert!(!got.contains(&"runs-on".into()));
        assert_eq!(
            labels(W, "on:\n  push:\n    bra|\n"),
            ["branches", "branches-ignore"]
        );
        assert_eq!(labels(W, "on:\n  workflow_r|\n"), ["workflow_run"]);
        let step = labels(W, "jobs:\n  b:\n    steps:\n      - uses: x\n        |\n");
        assert!(
            step.contains(&"with".into()) && !step.contains(&"uses".into()),
            "{step:?}"
        );
    }

    #[test]
    fn values_events_types_labels_and_actions() {
        assert!(labels(W, "on: pu|\n").contains(&"pull_request".into()));
        assert_eq!(
            labels(W, "on:\n  pull_request:\n    types: [sync|]\n"),
            ["synchronize"]
        );
        let runs_on = labels(W, "jobs:\n  b:\n    runs-on: ubuntu-2|\n");
        assert_eq!(runs_on[..2], ["ubuntu-24.04", "ubuntu-22.04"]);
        let uses = labels(
            W,
            "jobs:\n  b:\n    steps:\n      - uses: aws-actions/amazon-ecs-d|\n",
        );
        assert_eq!(uses, ["aws-actions/amazon-ecs-deploy-task-definition@v2"]);
        assert_eq!(
            labels(W, "permissions:\n  contents: |\n"),
            ["read", "write", "none"]
        );
        assert_eq!(
            labels(W, "jobs:\n  a:\n    runs-on: x\n  b:\n    needs: |\n"),
            ["a"]
        );
    }

    #[test]
    fn with_offers_the_actions_inputs() {
        let got = labels(
            W,
            "jobs:\n  b:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: r\n          aws-r|\n",
        );
        assert_eq!(got, ["aws-region"]);
        let text = "jobs:\n  b:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          |\n";
        let c = complete(W, &text.replace('|', ""), text.find('|').unwrap());
        let fetch = c.options.iter().find(|o| o.label == "fetch-depth").unwrap();
        assert_eq!(
            (fetch.detail.as_str(), fetch.apply.as_str()),
            ("input of actions/checkout · default 1", "fetch-depth: ")
        );
    }

    #[test]
    fn inputs_and_outputs_of_the_major_pinned() {
        let with = |uses: &str| {
            labels(
                W,
                &format!(
                    "jobs:\n  b:\n    steps:\n      - uses: {uses}\n        with:\n          |\n"
                ),
            )
        };
        let has = |got: &[String], input: &str| got.iter().any(|g| g == input);
        assert!(has(&with("actions/setup-node@v4"), "always-auth"));
        assert!(!has(
            &with("actions/setup-node@v4"),
            "package-manager-cache"
        ));
        assert!(!has(&with("actions/setup-node@v6"), "always-auth"));
        assert!(has(&with("actions/setup-node@v6"), "package-manager-cache"));
        // A commit: any major's.
        assert!(has(&with("actions/setup-node@1a2b3c4d"), "always-auth"));
        let text = "jobs:\n  b:\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          always-auth: true\n";
        let h = hover(W, text, text.find("always").unwrap()).unwrap();
        assert_eq!(
            h.facts,
            [
                "input of actions/setup-node",
                "optional",
                "only in v4 to v5"
            ]
        );
        let h = hover(W, text, text.find("setup-node").unwrap()).unwrap();
        assert_eq!(h.facts[1], "outputs: cache-hit, node-version");
        let h = hover(
            W,
            &text.replace("@v4", "@v7"),
            text.find("setup-node").unwrap(),
        )
        .unwrap();
        assert!(!h.facts[0].contains("always-auth"), "{h:?}");
        assert_eq!(
            h.facts[1],
            "outputs: cache-hit, node-version, cache-matched-key, cache-primary-key"
        );
    }

    #[test]
    fn expressions_offer_what_the_document_declares() {
        let contexts = at_bar("${{ ");
        for c in [
            "steps",
            "needs",
            "matrix",
            "github",
            "secrets",
            "toJSON",
            "hashFiles",
        ] {
            assert!(contexts.contains(&c.into()), "{c} in {contexts:?}");
        }
        assert_eq!(at_bar("${{ needs."), ["build"]);
        assert_eq!(at_bar("${{ needs.build.outputs."), ["image"]);
        assert_eq!(at_bar("${{ matrix."), ["region", "stage"]);
        assert_eq!(at_bar("${{ inputs."), ["stage"]);
        assert_eq!(at_bar("${{ secrets."), ["DEPLOY_KEY", "GITHUB_TOKEN"]);
        assert_eq!(at_bar("${{ env."), ["REGION"]);
        assert_eq!(
            at_bar("${{ github.ref_"),
            ["ref_name", "ref_protected", "ref_type"]
        );
        // In the build job: the steps before the cursor, and a known action's outputs.
        let text = DEPLOY.replace("run: echo image=x", "run: echo ${{ steps.|");
        assert_eq!(labels(W, &text), ["login"]);
        let text = DEPLOY.replace(
            "run: echo image=x",
            "run: echo ${{ steps.login.outputs.reg|",
        );
        assert_eq!(labels(W, &text), ["registry"]);
        // Closed before the cursor: no expression.
        assert!(!at_bar("${{ github.sha }} ").contains(&"github".into()));
    }

    #[test]
    fn a_render_steps_container_name_offers_the_task_definitions_containers() {
        let text = "jobs:\n  d:\n    steps:\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with:\n          task-definition: ./deploy/td.json\n          container-name: |\n          image: x\n";
        let td =
            r#"{"family": "f", "containerDefinitions": [{"name": "web"}, {"name": "log-router"}]}"#;
        let at = text.find('|').unwrap();
        let text = text.replace('|', "");
        let files = |path: &str| (path == "deploy/td.json").then(|| td.to_owned());
        let c = super::super::complete_with(W, &text, at, &files);
        let got: Vec<_> = c
            .options
            .iter()
            .map(|o| (o.label.as_str(), o.detail.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("web", "container of ./deploy/td.json"),
                ("log-router", "container of ./deploy/td.json")
            ]
        );
        // Without the file at hand, nothing to offer.
        assert!(complete(W, &text, at).options.is_empty());
    }

    #[test]
    fn hover_in_an_expression_says_where_the_document_declares_it() {
        let text = DEPLOY.replace(
            "echo |",
            "echo ${{ needs.build.outputs.image }} ${{ matrix.region }} ${{ inputs.stage }}",
        );
        let at = |s: &str| text.find(s).unwrap() + 2;
        let h = hover(W, &text, at("needs.build")).unwrap();
        assert_eq!(h.title, "needs.build.outputs.image");
        assert_eq!(
            h.facts,
            [
                "the needs context",
                "output of job `build`: ${{ steps.push.outputs.image }}"
            ]
        );
        assert!(h.link.unwrap().ends_with("contexts#needs-context"));
        assert_eq!(
            hover(W, &text, at("matrix.region")).unwrap().facts[1],
            "values: [\"a\",\"b\"]"
        );
        assert_eq!(
            hover(W, &text, at("inputs.stage")).unwrap().facts[1],
            "input of workflow_dispatch: type string"
        );
        let outputs = DEPLOY.replace(
            "run: echo image=x",
            "run: echo ${{ steps.login.outputs.registry }}",
        );
        let h = hover(W, &outputs, outputs.find("steps.login").unwrap()).unwrap();
        assert_eq!(
            h.facts,
            [
                "the steps context",
                "step `login` (line 16): aws-actions/amazon-ecr-login@v2",
                "`registry` is an output of aws-actions/amazon-ecr-login",
            ]
        );
    }

    #[test]
    fn runs_on_allows_no_steps_context() {
        let got = labels(W, "jobs:\n  b:\n    runs-on: ${{ |\n");
        assert!(
            got.contains(&"matrix".into()) && !got.contains(&"steps".into()),
            "{got:?}"
        );
    }

    #[test]
    fn hover_on_keys_inputs_and_actions() {
        let text = "on:\n  push:\n    branches: [main]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n";
        let h = hover(W, text, text.find("runs-on").unwrap()).unwrap();
        assert_eq!(h.title, "runs-on");
        let timeout = "jobs:\n  b:\n    timeout-minutes: 10\n";
        let t = hover(W, timeout, timeout.find("timeout").unwrap()).unwrap();
        assert!(t.facts.contains(&"default: 360".into()), "{t:?}");
        assert!(h.facts.contains(&"required".into()), "{h:?}");
        assert!(
            h.facts
                .iter()
                .any(|f| f.starts_with("expressions may use: github, inputs, vars, needs")),
            "{h:?}"
        );
        assert_eq!(
            h.link.as_deref(),
            Some(
                "https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idruns-on"
            )
        );
        let h = hover(W, text, text.find("fetch-depth").unwrap() + 2).unwrap();
        assert_eq!(
            h.facts,
            ["input of actions/checkout", "optional", "default: 1"]
        );
        let h = hover(W, text, text.find("checkout").unwrap()).unwrap();
        assert_eq!(h.title, "actions/checkout");
        assert!(h.facts[0].starts_with("inputs: repository, ref"), "{h:?}");
        let h = hover(W, text, text.find("push").unwrap()).unwrap();
        assert!(
            h.link
                .unwrap()
                .ends_with("events-that-trigger-workflows#push")
        );
        assert_eq!(
            hover(W, text, text.find("with").unwrap())
                .unwrap()
                .link
                .unwrap()
                .rsplit('#')
                .next(),
            Some("jobsjob_idstepswith")
        );
    }
}
