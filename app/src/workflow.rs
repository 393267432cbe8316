//! The "Workflow" page: a GitHub Actions workflow checked as you type, and the generator of the
//! deploy and build workflows with a live preview. Every decision is `core`'s.

use hatoba_core::finding::Finding;
use hatoba_core::workflow::generate::{DeployTarget, Kind, generate};
use leptos::prelude::*;

use crate::editor::{SourceEditor, copy_to_clipboard, download, settled, stored};
use crate::frame::PageIntro;
use crate::page::Page;

const STORAGE_KEY: &str = "hatoba.workflow.source";

/// How messages name the task definition render steps are checked against.
const TASKDEF_PAGE: &str = "the task definition on the Task definition page";

/// Edit and check a GitHub Actions workflow; generate the deploy workflow.
#[component]
pub fn WorkflowPage() -> impl IntoView {
    let initial =
        stored(STORAGE_KEY).unwrap_or_else(|| generate(Kind::Deploy, &DeployTarget::default()));
    let source = RwSignal::new(initial);
    let checked = settled(STORAGE_KEY, source);
    // The task definition of the Task definition page, if one was written there: each render
    // step's `container-name` is checked against it, whatever path its `task-definition` names.
    let taskdef = stored(crate::taskdef::STORAGE_KEY);
    let findings: Signal<Vec<Finding>> = Memo::new(move |_| {
        checked.with(|s| {
            let mut found = hatoba_core::workflow::check(s);
            if let Some(td) = &taskdef {
                let find = |_: &str| Some((TASKDEF_PAGE.to_owned(), td.as_str()));
                let mut cross = hatoba_core::review::render_container(s, &find, &mut |_| {});
                hatoba_core::workflow::suppress::apply(s, &mut cross);
                found.append(&mut cross);
                hatoba_core::finding::sort(&mut found);
            }
            found
        })
    })
    .into();
    view! {
        <section class="page" data-page="workflow">
            <PageIntro page=Page::Workflow>
                "Edit a GitHub Actions workflow checked as you type: ${{ }} expressions and the step outputs, needs, "
                "matrix keys and inputs they read, the inputs of the aws-actions, retired runners and actions, OIDC "
                "permissions, script injection, deploys that report success too early, and render steps whose container "
                "is not in the task definition on the Task definition page. Or generate the workflow "
                "that builds your image and deploys it with OIDC instead of stored AWS keys."
            </PageIntro>
            <div class="workspace">
                <SourceEditor source=source findings=findings label="Workflow source" accept=".yml,.yaml,text/yaml" language="yaml" fixes=hatoba_core::fix::workflow_fixes assist=hatoba_core::assist::Language::Workflow />
                <div class="side">
                    <Generator source=source />
                </div>
            </div>
        </section>
    }
}

/// The generator form with a live preview; "Use in editor" copies the preview into the source.
#[component]
fn Generator(source: RwSignal<String>) -> impl IntoView {
    let target = RwSignal::new(DeployTarget::default());
    let kind = RwSignal::new(Kind::Deploy);
    let preview = Memo::new(move |_| target.with(|t| generate(kind.get(), t)));
    // One text field of the form, bound to one field of the target.
    let field = move |label: &'static str,
                      name: &'static str,
                      get: fn(&DeployTarget) -> String,
                      set: fn(&mut DeployTarget, String)| {
        view! {
            <label>
                {label}
                <input
                    name=name
                    prop:value=move || target.with(get)
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        target.update(|t| set(t, value));
                    }
                />
            </label>
        }
    };
    view! {
        <form class="card generator" aria-label="Workflow generator" on:submit=|ev| ev.prevent_default()>
            <h2>"Generate a workflow"</h2>
            <div class="row">
                <label class="checkbox">
                    <input type="radio" name="kind" value="deploy" prop:checked=move || kind.get() == Kind::Deploy on:change=move |_| kind.set(Kind::Deploy) />
                    "Deploy from Actions (OIDC)"
                </label>
                <label class="checkbox">
                    <input type="radio" name="kind" value="build" prop:checked=move || kind.get() == Kind::Build on:change=move |_| kind.set(Kind::Build) />
                    "Build only; Hatoba deploys"
                </label>
            </div>
            {field("ECR repository", "ecr-repository", |t| t.ecr_repository.clone(), |t, v| t.ecr_repository = v)}
            <div class="row">
                {field("Region", "region", |t| t.region.clone(), |t, v| t.region = v)}
                {field("Branch", "branch", |t| t.branch.clone(), |t, v| t.branch = v)}
            </div>
            <div class="row">
                {field("Cluster", "cluster", |t| t.cluster.clone(), |t, v| t.cluster = v)}
                {field("Service", "service", |t| t.service.clone(), |t, v| t.service = v)}
                {field("Container", "container", |t| t.container.clone(), |t, v| t.container = v)}
            </div>
            {field("Task definition file", "task-definition", |t| t.task_definition.clone(), |t, v| t.task_definition = v)}
            {field("Role ARN (assumed with OIDC)", "role-arn", |t| t.role_arn.clone(), |t, v| t.role_arn = v)}
            {field("Environment", "environment", |t| t.environment.clone(), |t, v| t.environment = v)}
            <h3>"Preview"</h3>
            <pre class="output" data-output="generated" tabindex="0" role="region" aria-label="Preview">{move || preview.get()}</pre>
            <div class="row buttons">
                <button type="button" class="primary" on:click=move |_| source.set(preview.get_untracked())>"Use in editor"</button>
                <button type="button" on:click=move |_| copy_to_clipboard(&preview.get_untracked())>"Copy"</button>
                <button
                    type="button"
                    on:click=move |_| {
                        let name = if kind.get_untracked() == Kind::Deploy { "deploy.yml" } else { "build.yml" };
                        download(name, &preview.get_untracked(), "text/yaml");
                    }
                >
                    "Download"
                </button>
            </div>
        </form>
    }
}
