//! The "Set up" page: the questions of `hatoba init` as a form checked as you type, and every
//! output of the set-up kit live, each with copy and download, then the steps as a checklist.
//! Every decision is `core::iam::kit`'s, so the page and `hatoba init` give the same files.

use hatoba_core::iam::kit::{self, AnswerFinding, Answers, Kit};
use leptos::prelude::*;

use crate::editor::{copy_to_clipboard, download, store, stored};
use crate::frame::PageIntro;
use crate::html::esc;
use crate::page::Page;

const STORAGE_KEY: &str = "hatoba.setup.answers";

/// The answers as stored between visits (none of them is a secret): one line each, in the
/// order of [`FIELDS`].
fn load() -> Answers {
    let mut answers = Answers::default();
    if let Some(text) = stored(STORAGE_KEY) {
        for (field, line) in FIELDS.iter().zip(text.split('\n')) {
            set(&mut answers, field.name, line.to_owned());
        }
    }
    answers
}

fn save(answers: &Answers) {
    let lines: Vec<String> = FIELDS.iter().map(|f| get(answers, f.name)).collect();
    store(STORAGE_KEY, &lines.join("\n"));
}

/// One question of the form.
struct Field {
    /// Its answer name (the flag of `hatoba init`), also the input's name.
    name: &'static str,
    label: &'static str,
    hint: &'static str,
}

const FIELDS: [Field; 16] = [
    f(
        "name",
        "Target name",
        "the commit status context is hatoba/NAME",
    ),
    f("repository", "GitHub repository", "OWNER/NAME"),
    f(
        "branch",
        "Build branch",
        "the build workflow runs on pushes to it",
    ),
    f(
        "environment",
        "Deployment environment",
        "optional: deployment events for it also deploy",
    ),
    f(
        "build-environment",
        "Build job environment",
        "optional: the build role then trusts it instead of the branch",
    ),
    f("region", "AWS region", "e.g. eu-west-1"),
    f("account", "AWS account id", "12 digits"),
    f("cluster", "ECS cluster", ""),
    f("service", "ECS service", ""),
    f("container", "Container", "whose image a deploy replaces"),
    f("ecr-repository", "ECR repository", "where the build pushes"),
    f(
        "task-definition",
        "Task definition",
        "a path in the repository, s3://BUCKET/KEY or current",
    ),
    f("family", "Task-definition family", ""),
    f(
        "pass-role",
        "Roles the task definition passes",
        "ARNs separated by spaces: executionRoleArn, taskRoleArn",
    ),
    f(
        "worker-url",
        "Worker URL",
        "where Hatoba's worker is served",
    ),
    f(
        "container-port",
        "Container port",
        "of the starter task definition",
    ),
];

const fn f(name: &'static str, label: &'static str, hint: &'static str) -> Field {
    Field { name, label, hint }
}

fn get(a: &Answers, name: &str) -> String {
    match name {
        "name" => a.name.clone(),
        "repository" => a.repository.clone(),
        "branch" => a.branch.clone(),
        "environment" => a.environment.clone(),
        "build-environment" => a.build_environment.clone(),
        "region" => a.region.clone(),
        "account" => a.account.clone(),
        "cluster" => a.cluster.clone(),
        "service" => a.service.clone(),
        "container" => a.container.clone(),
        "ecr-repository" => a.ecr_repository.clone(),
        "task-definition" => a.task_definition.clone(),
        "family" => a.family.clone(),
        "pass-role" => a.pass_roles.join(" "),
        "worker-url" => a.worker_url.clone(),
        "container-port" => a.container_port.clone(),
        _ => String::new(),
    }
}

fn set(a: &mut Answers, name: &str, value: String) {
    match name {
        "name" => a.name = value,
        "repository" => a.repository = value,
        "branch" => a.branch = value,
        "environment" => a.environment = value,
        "build-environment" => a.build_environment = value,
        "region" => a.region = value,
        "account" => a.account = value,
        "cluster" => a.cluster = value,
        "service" => a.service = value,
        "container" => a.container = value,
        "ecr-repository" => a.ecr_repository = value,
        "task-definition" => a.task_definition = value,
        "family" => a.family = value,
        "pass-role" => a.pass_roles = value.split(' ').map(str::to_owned).collect(),
        "worker-url" => a.worker_url = value,
        "container-port" => a.container_port = value,
        _ => {}
    }
}

/// The messages for one answer (`pass-role[1]` counts as `pass-role`).
fn messages_for(found: &[AnswerFinding], name: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| {
            f.field == name
                || f.field
                    .strip_prefix(name)
                    .is_some_and(|r| r.starts_with('['))
        })
        .map(|f| f.message.clone())
        .collect()
}

/// Connect a repository to a service.
#[component]
pub fn SetupPage() -> impl IntoView {
    let answers = RwSignal::new(load());
    Effect::new(move |_| answers.with(save));
    let result: Memo<Result<Kit, Vec<AnswerFinding>>> = Memo::new(move |_| {
        answers.with(|a| a.setup().map(|(setup, options)| kit::kit(&setup, &options)))
    });
    let found = move || result.with(|r| r.as_ref().err().cloned().unwrap_or_default());

    let field_view = move |field: &'static Field| {
        let errors = move || messages_for(&found(), field.name);
        let invalid = move || (!errors().is_empty()).then_some("true");
        view! {
            <label>
                {field.label}
                <input
                    name=field.name
                    aria-invalid=invalid
                    prop:value=move || answers.with(|a| get(a, field.name))
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        answers.update(|a| set(a, field.name, value));
                    }
                />
                <small class="hint">{field.hint}</small>
                <span class="field-error" data-error=field.name>{move || errors().join("; ")}</span>
            </label>
        }
    };

    view! {
        <section class="page" data-page="setup">
            <PageIntro page=Page::Setup>
                "Describe a deploy target and get every file and command it needs: the least-privilege IAM "
                "policies and their Terraform, the build workflow (its AWS role trusted through GitHub's OIDC, "
                "no keys in GitHub), a task definition to start from, the worker's configuration, its secrets "
                "and the GitHub webhook. The same as "
                <code>"hatoba init"</code>
                "."
            </PageIntro>
            <div class="workspace">
                <form class="card setup-form" aria-label="Set-up answers" on:submit=|ev| ev.prevent_default()>
                    <h2>"Answers"</h2>
                    <div class="row">{field_view(&FIELDS[0])}{field_view(&FIELDS[1])}</div>
                    <div class="row">{field_view(&FIELDS[2])}{field_view(&FIELDS[3])}{field_view(&FIELDS[4])}</div>
                    <div class="row">{field_view(&FIELDS[5])}{field_view(&FIELDS[6])}</div>
                    <div class="row">{field_view(&FIELDS[7])}{field_view(&FIELDS[8])}{field_view(&FIELDS[9])}</div>
                    <div class="row">{field_view(&FIELDS[10])}{field_view(&FIELDS[12])}</div>
                    <div class="row">{field_view(&FIELDS[11])}</div>
                    <div class="row">{field_view(&FIELDS[13])}</div>
                    <div class="row">{field_view(&FIELDS[14])}{field_view(&FIELDS[15])}</div>
                    <button type="button" on:click=move |_| answers.set(Answers::default())>"Start over"</button>
                </form>
                <div
                    class="side"
                    data-output="kit"
                    on:click=move |ev| result.with_untracked(|r| {
                        if let Ok(kit) = r {
                            on_kit_click(ev, kit);
                        }
                    })
                >
                    {move || match result.with(|r| r.as_ref().map(kit_html).map_err(Vec::len)) {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(count) => view! {
                            <div class="card" role="status" data-output="blocked">
                                <h2>"Fix the answers first"</h2>
                                <p>{format!("{count} answer{} to fix: the files follow as soon as they check.",
                                    if count == 1 { "" } else { "s" })}</p>
                            </div>
                        }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

fn mime_of(path: &str) -> &'static str {
    if path.ends_with(".json") {
        "application/json"
    } else if path.ends_with(".yml") || path.ends_with(".yaml") {
        "text/yaml"
    } else {
        "text/plain"
    }
}

/// The kit as HTML (every value escaped): the steps, the webhook, the secrets, then each file
/// with its Copy and Download buttons, which name the file by its index. A file's text scrolls
/// inside its block: the block takes the keyboard focus and is a region named by the file's
/// path, so its scrolled-off lines can be read without a mouse.
fn kit_html(kit: &Kit) -> String {
    use std::fmt::Write as _;
    let mut h = String::from(
        "<div class=\"card\"><h2>Steps</h2><ol class=\"checklist\" data-output=\"steps\">",
    );
    for step in &kit.steps {
        let _ = write!(
            h,
            "<li><label class=\"checkbox\"><input type=\"checkbox\">{}</label></li>",
            esc(step)
        );
    }
    let w = &kit.webhook;
    let _ = write!(
        h,
        "</ol></div><div class=\"card\" data-output=\"webhook\"><h2>GitHub webhook</h2><dl>\
         <dt>Payload URL</dt><dd><code>{}</code></dd><dt>Content type</dt><dd><code>{}</code></dd>\
         <dt>Secret</dt><dd>the worker's GITHUB_WEBHOOK_SECRET</dd><dt>Events</dt><dd>{}</dd></dl></div>\
         <div class=\"card\" data-output=\"secrets\"><h2>Worker secrets</h2>\
         <p><code>cd worker &amp;&amp; npx wrangler secret put NAME</code></p><table><tbody>",
        esc(&w.payload_url),
        esc(w.content_type),
        esc(&w.events.join(", "))
    );
    for s in &kit.secrets {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            esc(s.name),
            esc(&s.source)
        );
    }
    h.push_str("</tbody></table></div>");
    for (i, f) in kit.files.iter().enumerate() {
        let _ = write!(
            h,
            "<div class=\"card kit-file\" data-file=\"{path}\"><h3><code>{path}</code></h3>\
             <p class=\"about\">{about}</p><pre class=\"output\" tabindex=\"0\" role=\"region\" aria-label=\"{path}\">{text}</pre><div class=\"row buttons\">\
             <button type=\"button\" data-action=\"copy\" data-index=\"{i}\">Copy</button>\
             <button type=\"button\" data-action=\"download\" data-index=\"{i}\">Download</button></div></div>",
            path = esc(&f.path),
            about = esc(f.about),
            text = esc(&f.contents),
        );
    }
    h
}

/// A click on a file's Copy or Download button (one listener for all of them).
fn on_kit_click(ev: leptos::ev::MouseEvent, kit: &Kit) {
    use wasm_bindgen::JsCast;
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let (Some(action), Some(index)) = (
        button.get_attribute("data-action"),
        button.get_attribute("data-index"),
    ) else {
        return;
    };
    let Some(file) = index.parse::<usize>().ok().and_then(|i| kit.files.get(i)) else {
        return;
    };
    match action.as_str() {
        "copy" => copy_to_clipboard(&file.contents),
        "download" => download(&file_name(&file.path), &file.contents, mime_of(&file.path)),
        _ => {}
    }
}
