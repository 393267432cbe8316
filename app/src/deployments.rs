//! The "Deployments" page: each target with its last deployment, a target's history, and one
//! deployment's steps and statuses, refreshed every 2 s while anything runs; Redeploy and Roll
//! back. It reads the worker's API with the record types of `hatoba_core`, and keeps the read
//! and admin tokens in session storage (gone with the tab), never local storage.

use gloo_net::http::Request;
use hatoba_core::api::{Deployments, Queued, TargetCards};
use hatoba_core::deploy::{Deployment, Outcome, State, time};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::frame::PageIntro;
use crate::html::esc;
use crate::page::Page;

const READ_TOKEN: &str = "hatoba.readToken";
const ADMIN_TOKEN: &str = "hatoba.adminToken";
/// How often the shown data is fetched again.
const REFRESH_MS: u64 = 2000;

/// What the page shows, from the fragment: `#/deployments`, `#/deployments?target=NAME`,
/// `#/deployments/ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Every target.
    Targets,
    /// One target's history.
    History(String),
    /// One deployment.
    One(String),
}

impl View {
    /// The view a fragment names.
    pub fn from_hash(hash: &str) -> View {
        let rest = hash.trim_start_matches('#').trim_start_matches('/');
        let rest = rest.strip_prefix("deployments").unwrap_or(rest);
        if let Some(id) = rest.strip_prefix('/').filter(|id| !id.is_empty()) {
            return View::One(decode(id));
        }
        if let Some(query) = rest.strip_prefix('?')
            && let Some(target) = query.split('&').find_map(|p| p.strip_prefix("target="))
        {
            return View::History(decode(target));
        }
        View::Targets
    }
}

fn decode(text: &str) -> String {
    hatoba_core::percent::percent_decode(text)
}

fn encode(text: &str) -> String {
    hatoba_core::percent::uri_encode(text, true)
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn token(key: &str) -> Option<String> {
    session()?
        .get_item(key)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

fn set_token(key: &str, value: &str) {
    if let Some(s) = session() {
        let _ = s.set_item(key, value);
    }
}

fn forget_token(key: &str) {
    if let Some(s) = session() {
        let _ = s.remove_item(key);
    }
}

/// Why a request gave nothing to show.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    /// No token, or one the worker refused.
    Unauthorized,
    /// Anything else, said for a person.
    Other(String),
}

/// GETs `path` from the API with the read token: the body's text.
async fn get_text(path: &str) -> Result<String, Problem> {
    let Some(token) = token(READ_TOKEN) else {
        return Err(Problem::Unauthorized);
    };
    let response = Request::get(path)
        .header("authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| Problem::Other(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| Problem::Other(e.to_string()))?;
    match status {
        200 => Ok(text),
        401 => {
            forget_token(READ_TOKEN);
            Err(Problem::Unauthorized)
        }
        status => {
            let message = serde_json::from_slice::<hatoba_core::api::ErrorBody>(text.as_bytes())
                .map(|e| e.message)
                .unwrap_or(text);
            Err(Problem::Other(format!("HTTP {status}: {message}")))
        }
    }
}

// From bytes, as core reads every JSON: one serde_json reader in the wasm, not two.
fn parse<T: DeserializeOwned>(text: Result<String, Problem>) -> Result<T, Problem> {
    serde_json::from_slice(text?.as_bytes())
        .map_err(|e| Problem::Other(format!("unexpected answer: {e}")))
}

/// The text of `path`, fetched again on every tick.
fn polled(path: String, tick: ReadSignal<u64>) -> ReadSignal<Option<Result<String, Problem>>> {
    let (data, set_data) = signal(None);
    Effect::new(move |_| {
        tick.get();
        let path = path.clone();
        leptos::task::spawn_local(async move { set_data.set(Some(get_text(&path).await)) });
    });
    data
}

/// Asks the worker to deploy `sha` (or redeploy `task_definition_arn`) to `target`.
async fn deploy(
    target: &str,
    sha: &str,
    task_definition_arn: Option<&str>,
) -> Result<String, Problem> {
    let Some(token) = token(ADMIN_TOKEN) else {
        return Err(Problem::Unauthorized);
    };
    let mut body = serde_json::json!({ "sha": sha });
    if let Some(arn) = task_definition_arn {
        body["taskDefinitionArn"] = arn.into();
    }
    let response = Request::post(&format!("/api/targets/{}/deploy", encode(target)))
        .header("authorization", &format!("Bearer {token}"))
        .json(&body)
        .map_err(|e| Problem::Other(e.to_string()))?
        .send()
        .await
        .map_err(|e| Problem::Other(e.to_string()))?;
    match response.status() {
        // `Response::json` reads through serde_json's `&str` reader: bytes, as everywhere else.
        202 => {
            let text = response
                .text()
                .await
                .map_err(|e| Problem::Other(e.to_string()))?;
            Ok(serde_json::from_slice::<Queued>(text.as_bytes())
                .map_err(|e| Problem::Other(e.to_string()))?
                .id)
        }
        401 => {
            forget_token(ADMIN_TOKEN);
            Err(Problem::Unauthorized)
        }
        status => Err(Problem::Other(format!(
            "HTTP {status}: {}",
            response.text().await.unwrap_or_default()
        ))),
    }
}

fn clock_time(millis: u64) -> String {
    time::format(millis)[11..19].to_owned()
}

fn when(millis: u64) -> String {
    let t = time::format(millis);
    format!("{} {} UTC", &t[..10], &t[11..19])
}

fn seconds(from: u64, to: Option<u64>) -> String {
    match to {
        Some(to) => format!("{:.1} s", to.saturating_sub(from) as f64 / 1000.0),
        None => "…".to_owned(),
    }
}

/// A deployment's state as a badge.
fn badge(state: State) -> String {
    let word = state.words();
    format!(
        "<span class=\"badge {}\">{word}</span>",
        word.replace(' ', "-")
    )
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

fn deployment_link(d: &Deployment) -> String {
    format!(
        "<a href=\"#/deployments/{}\"><code>{}</code></a>",
        esc(&encode(&d.id)),
        esc(short(&d.sha))
    )
}

/// The targets, each with its last deployment. The data views are written as escaped HTML:
/// a few string writes cost far less wasm than a typed view per element.
fn targets_html(targets: &[hatoba_core::api::TargetCard]) -> String {
    let mut html = String::from("<ul class=\"targets\">");
    for t in targets {
        let name = &t.name;
        html.push_str(&format!(
            "<li class=\"card target\" data-target=\"{n}\"><h2><a href=\"#/deployments?target={q}\">{n}</a></h2><p class=\"hint\">{r} → {c}/{s} in {g} · <a href=\"{u}\" target=\"_blank\" rel=\"noopener noreferrer\">ECS console</a></p>",
            n = esc(name),
            q = esc(&encode(name)),
            r = esc(&t.repository),
            c = esc(&t.cluster),
            s = esc(&t.service),
            g = esc(&t.region),
            u = esc(&t.console_url),
        ));
        match &t.last_deployment {
            None => html.push_str("<p class=\"hint\">No deployment yet.</p>"),
            Some(d) => html.push_str(&format!(
                "<p class=\"last\">{} {} {}</p>",
                badge(d.state),
                deployment_link(d),
                esc(&d.description)
            )),
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    html
}

fn history_html(deployments: &[Deployment]) -> String {
    if deployments.is_empty() {
        return "<p class=\"hint\">No deployment yet.</p>".to_owned();
    }
    let mut html = String::from(
        "<table class=\"history\"><thead><tr><th>State</th><th>Commit</th><th>Started</th><th>Trigger</th><th>What happened</th></tr></thead><tbody>",
    );
    for d in deployments {
        html.push_str(&format!(
            "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.id),
            badge(d.state),
            deployment_link(d),
            esc(&when(d.created_at)),
            esc(&trigger_text(d)),
            esc(&d.description)
        ));
    }
    html.push_str("</tbody></table>");
    html
}

fn detail_html(d: &Deployment, target: Option<&hatoba_core::api::TargetCard>) -> String {
    let mut html = format!(
        "<h2>{} {} ← <code>{}</code></h2><p class=\"description\">{}</p><p class=\"hint\">{} · started {}",
        badge(d.state),
        esc(&d.target),
        esc(short(&d.sha)),
        esc(&d.description),
        esc(&trigger_text(d)),
        esc(&when(d.created_at))
    );
    if let Some(f) = d.finished_at {
        html.push_str(&format!(" · took {}", seconds(d.created_at, Some(f))));
    }
    if let Some(p) = d.progress {
        html.push_str(&format!(" · {}/{} tasks running", p.running, p.desired));
    }
    html.push_str("</p><p class=\"links\">");
    if let Some(t) = target {
        html.push_str(&format!(
            "<a href=\"https://github.com/{}/commit/{}\" target=\"_blank\" rel=\"noopener noreferrer\">Commit on GitHub</a> <a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">Service in the ECS console</a> ",
            esc(&t.repository),
            esc(&d.sha),
            esc(&t.console_url)
        ));
    }
    if let Some(arn) = &d.task_definition_arn {
        html.push_str(&format!("<code class=\"arn\">{}</code>", esc(arn)));
    }
    html.push_str("</p><h3>Steps</h3><ol class=\"steps\">");
    for s in &d.steps {
        let outcome = match s.outcome {
            Some(Outcome::Ok) => "ok",
            Some(Outcome::Warning) => "warning",
            Some(Outcome::Failed) => "failed",
            None => "running",
        };
        html.push_str(&format!(
            "<li class=\"step {outcome}\" data-step=\"{n}\"><span class=\"name\">{n}</span><span class=\"time\">{}</span><span class=\"took\">{}</span><span class=\"outcome\">{outcome}</span><span class=\"detail\">{}</span></li>",
            clock_time(s.started_at),
            seconds(s.started_at, s.ended_at),
            esc(&s.detail),
            n = s.name.as_str(),
        ));
    }
    html.push_str("</ol><h3>Statuses sent to GitHub</h3><ul class=\"statuses\">");
    for s in &d.statuses {
        html.push_str(&format!(
            "<li data-state=\"{st}\"><strong>{} {st}</strong> at {}: {}",
            esc(&s.kind),
            clock_time(s.at),
            esc(&s.description),
            st = esc(&s.state),
        ));
        if let Some(e) = &s.error {
            html.push_str(&format!(
                " <span class=\"error\">(not sent: {})</span>",
                esc(e)
            ));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    html
}

/// Asks for a token once, kept for the tab's life.
#[component]
fn TokenForm(
    /// The session-storage key it is kept under.
    key: &'static str,
    /// What the token is for, for the label.
    what: &'static str,
    /// Called once it is saved.
    on_saved: Callback<()>,
) -> impl IntoView {
    let (value, set_value) = signal(String::new());
    view! {
        <form class="card token" on:submit=move |ev| {
            ev.prevent_default();
            set_token(key, value.get_untracked().trim());
            on_saved.run(());
        }>
            <label>
                {format!("{what} token (HATOBA_{}_TOKEN); kept in this tab only", what.to_uppercase())}
                <input type="password" autocomplete="off" name=key prop:value=value
                    on:input=move |ev| set_value.set(event_target_value(&ev)) />
            </label>
            <button class="primary" type="submit">"Save"</button>
        </form>
    }
}

/// Follow the deployments the worker runs.
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    let (view, set_view) = signal(View::from_hash(
        &web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default(),
    ));
    let on_hashchange = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        set_view.set(View::from_hash(&hash));
    });
    on_cleanup(move || on_hashchange.remove());
    // A tick every REFRESH_MS: what is shown is fetched again, so a deploy appears and moves
    // on while the page is open.
    let (tick, set_tick) = signal(0u64);
    if let Ok(handle) = set_interval_with_handle(
        move || set_tick.update(|t| *t += 1),
        std::time::Duration::from_millis(REFRESH_MS),
    ) {
        on_cleanup(move || handle.clear());
    }
    let (read_saved, set_read_saved) = signal(0u32);

    view! {
        <section class="page" data-page="deployments">
            <PageIntro page=Page::Deployments>
                "Every deploy the worker runs, per target: the commit, each step from the image "
                "lookup to the finished rollout, and the status reported to GitHub. Start a "
                "deploy or roll back to an earlier revision from here."
            </PageIntro>
            {move || {
                read_saved.get();
                match view.get() {
                    View::Targets => view! { <TargetList tick on_unauthorized=set_read_saved /> }.into_any(),
                    View::History(target) => view! { <History target tick on_unauthorized=set_read_saved /> }.into_any(),
                    View::One(id) => view! { <OneDeployment id tick on_unauthorized=set_read_saved /> }.into_any(),
                }
            }}
        </section>
    }
}

/// Shows `problem`: a read-token form when it is about the token.
fn problem_view(problem: Problem, retry: WriteSignal<u32>) -> AnyView {
    match problem {
        Problem::Unauthorized => view! {
            <p class="hint">"The API needs the read token."</p>
            <TokenForm key=READ_TOKEN what="Read" on_saved=Callback::new(move |_| retry.update(|n| *n += 1)) />
        }
        .into_any(),
        Problem::Other(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
    }
}

/// Every target, with its last deployment.
#[component]
fn TargetList(tick: ReadSignal<u64>, on_unauthorized: WriteSignal<u32>) -> impl IntoView {
    let data = polled("/api/targets".to_owned(), tick);
    move || match data.get().map(parse::<TargetCards>) {
        None => view! { <p class="hint">"Loading…"</p> }.into_any(),
        Some(Err(p)) => problem_view(p, on_unauthorized),
        Some(Ok(t)) => view! { <div inner_html=targets_html(&t.targets)></div> }.into_any(),
    }
}

/// One target's deployments, newest first.
#[component]
fn History(
    target: String,
    tick: ReadSignal<u64>,
    on_unauthorized: WriteSignal<u32>,
) -> impl IntoView {
    let data = polled(format!("/api/deployments?target={}", encode(&target)), tick);
    view! {
        <p><a href="#/deployments">"All targets"</a></p>
        <h2>{target.clone()}</h2>
        {move || match data.get().map(parse::<Deployments>) {
            None => view! { <p class="hint">"Loading…"</p> }.into_any(),
            Some(Err(p)) => problem_view(p, on_unauthorized),
            Some(Ok(list)) => view! { <div inner_html=history_html(&list.deployments)></div> }.into_any(),
        }}
    }
}

fn trigger_text(d: &Deployment) -> String {
    match &d.trigger {
        hatoba_core::deploy::Trigger::Push { .. } => "push".to_owned(),
        hatoba_core::deploy::Trigger::WorkflowRun { run_id, .. } => {
            format!("workflow run {run_id}")
        }
        hatoba_core::deploy::Trigger::Deployment { environment, .. } => {
            format!("deployment to {environment}")
        }
        hatoba_core::deploy::Trigger::Manual { by } => format!("by hand ({by})"),
    }
}

/// One deployment: its steps with times, its statuses, links, and the actions.
#[component]
fn OneDeployment(
    id: String,
    tick: ReadSignal<u64>,
    on_unauthorized: WriteSignal<u32>,
) -> impl IntoView {
    let target_name = Deployment::target_of_id(&id).unwrap_or_default().to_owned();
    let data = polled(format!("/api/deployments/{}", encode(&id)), tick);
    let history = polled(
        format!("/api/deployments?target={}", encode(&target_name)),
        tick,
    );
    let targets = polled("/api/targets".to_owned(), tick);
    view! {
        <p><a href=format!("#/deployments?target={}", encode(&target_name))>{format!("All deployments of {target_name}")}</a></p>
        {move || match data.get().map(parse::<Deployment>) {
            None => view! { <p class="hint">"Loading…"</p> }.into_any(),
            Some(Err(p)) => problem_view(p, on_unauthorized),
            Some(Ok(d)) => {
                let repository = targets.get().map(parse::<TargetCards>).and_then(Result::ok)
                    .and_then(|t| t.targets.into_iter().find(|x| x.name == d.target));
                let earlier: Vec<(String, String)> = history.get().map(parse::<Deployments>).and_then(Result::ok)
                    .map(|h| h.deployments.into_iter()
                        .filter(|x| x.state == State::Success && x.id != d.id)
                        .filter_map(|x| Some((x.task_definition_arn.clone()?, x.sha.clone())))
                        .collect())
                    .unwrap_or_default();
                view! { <DeploymentDetail d repository earlier /> }.into_any()
            }
        }}
    }
}

#[component]
fn DeploymentDetail(
    d: Deployment,
    repository: Option<hatoba_core::api::TargetCard>,
    earlier: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <article class="card deployment" data-state=d.state.words()>
            <div inner_html=detail_html(&d, repository.as_ref())></div>
            <Actions target=d.target.clone() sha=d.sha.clone() earlier />
        </article>
    }
}

/// Redeploy this commit, or roll back to an earlier revision, with the admin token.
#[component]
fn Actions(target: String, sha: String, earlier: Vec<(String, String)>) -> impl IntoView {
    let (message, set_message) = signal(None::<Result<String, String>>);
    let (need_token, set_need_token) = signal(false);
    let (pending, set_pending) = signal(None::<(String, Option<String>)>);
    let (choice, set_choice) = signal(
        earlier
            .first()
            .map(|(arn, _)| arn.clone())
            .unwrap_or_default(),
    );
    let run = move |sha: String, arn: Option<String>, target: String| {
        if token(ADMIN_TOKEN).is_none() {
            set_pending.set(Some((sha, arn)));
            set_need_token.set(true);
            return;
        }
        leptos::task::spawn_local(async move {
            match deploy(&target, &sha, arn.as_deref()).await {
                Ok(id) => {
                    set_message.set(Some(Ok(id.clone())));
                    if let Some(w) = web_sys::window() {
                        let _ = w
                            .location()
                            .set_hash(&format!("/deployments/{}", encode(&id)));
                    }
                }
                Err(Problem::Unauthorized) => {
                    set_pending.set(Some((sha, arn)));
                    set_need_token.set(true);
                }
                Err(Problem::Other(m)) => set_message.set(Some(Err(m))),
            }
        });
    };
    let earlier_map = earlier.clone();
    let target_for_token = target.clone();
    let t1 = target.clone();
    let t2 = target.clone();
    let sha1 = sha.clone();
    view! {
        <div class="actions">
            <button class="primary" on:click=move |_| run(sha1.clone(), None, t1.clone())>"Redeploy this commit"</button>
            {(!earlier.is_empty()).then(|| {
                let earlier_map = earlier_map.clone();
                let t2 = t2.clone();
                view! {
                    <label class="inline">
                        "Roll back to"
                        <select name="rollback" on:change=move |ev| set_choice.set(event_target_value(&ev))>
                            {earlier.iter().map(|(arn, sha)| view! {
                                <option value=arn.clone()>{format!("{} ({})", hatoba_core::deploy::status::revision_name(arn), short(sha))}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button on:click=move |_| {
                        let arn = choice.get_untracked();
                        let sha = earlier_map.iter().find(|(a, _)| *a == arn).map(|(_, s)| s.clone()).unwrap_or_default();
                        run(sha, Some(arn), t2.clone());
                    }>"Roll back"</button>
                }
            })}
            {move || need_token.get().then(|| {
                let target = target_for_token.clone();
                view! {
                    <TokenForm key=ADMIN_TOKEN what="Admin" on_saved=Callback::new(move |_| {
                        set_need_token.set(false);
                        if let Some((sha, arn)) = pending.get_untracked() {
                            run(sha, arn, target.clone());
                        }
                    }) />
                }
            })}
            {move || message.get().map(|m| match m {
                Ok(id) => view! { <p class="hint" role="status">{format!("Queued {id}")}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::View;

    #[test]
    fn views_come_from_the_fragment() {
        assert_eq!(View::from_hash("#/deployments"), View::Targets);
        assert_eq!(
            View::from_hash("#/deployments?target=stg-web"),
            View::History("stg-web".into())
        );
        assert_eq!(
            View::from_hash("#/deployments/stg-web.1.abc"),
            View::One("stg-web.1.abc".into())
        );
    }
}
