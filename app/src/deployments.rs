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

/// POSTs `body` to `path` with the admin token: the answer's status and text.
async fn post_admin(path: &str, body: &serde_json::Value) -> Result<(u16, String), Problem> {
    let Some(token) = token(ADMIN_TOKEN) else {
        return Err(Problem::Unauthorized);
    };
    let response = Request::post(path)
        .header("authorization", &format!("Bearer {token}"))
        .json(body)
        .map_err(|e| Problem::Other(e.to_string()))?
        .send()
        .await
        .map_err(|e| Problem::Other(e.to_string()))?;
    let status = response.status();
    if status == 401 {
        forget_token(ADMIN_TOKEN);
        return Err(Problem::Unauthorized);
    }
    Ok((status, response.text().await.unwrap_or_default()))
}

/// The `message` of an API answer (the API's errors and its 202s carry one), else its text.
fn message_of(text: String) -> String {
    serde_json::from_slice::<serde_json::Value>(text.as_bytes())
        .ok()
        .and_then(|v| Some(v.get("message")?.as_str()?.to_owned()))
        .unwrap_or(text)
}

/// Asks the worker to deploy `sha` (or redeploy `task_definition_arn`) to `target`.
async fn deploy(
    target: &str,
    sha: &str,
    task_definition_arn: Option<&str>,
) -> Result<String, Problem> {
    let mut body = serde_json::json!({ "sha": sha });
    if let Some(arn) = task_definition_arn {
        body["taskDefinitionArn"] = arn.into();
    }
    match post_admin(&format!("/api/targets/{}/deploy", encode(target)), &body).await? {
        (202, text) => serde_json::from_slice::<Queued>(text.as_bytes())
            .map(|q| q.id)
            .map_err(|e| Problem::Other(e.to_string())),
        (status, text) => Err(Problem::Other(format!(
            "HTTP {status}: {}",
            message_of(text)
        ))),
    }
}

/// Answers the PAUSE hook deployment `id` waits at: `action` is `continue` or `rollback`. The
/// worker's message either way.
async fn answer_pause(id: &str, action: &str) -> Result<String, Problem> {
    let path = format!("/api/deployments/{}/{action}", encode(id));
    match post_admin(&path, &serde_json::json!({})).await? {
        (202, text) => Ok(message_of(text)),
        (status, text) => Err(Problem::Other(format!(
            "HTTP {status}: {}",
            message_of(text)
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
        // Tenths of a second, rounded, in integers: no float printer in the app for this.
        Some(to) => {
            let tenths = (to.saturating_sub(from) + 50) / 100;
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
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

/// One deployment, in two parts: what it is and where it stands (with why it did not succeed),
/// then its steps and statuses. A paused deployment's buttons go between the two. `now` is for
/// the bake time left.
fn detail_html(
    d: &Deployment,
    target: Option<&hatoba_core::api::TargetCard>,
    now: u64,
) -> [String; 2] {
    // While the evidence is read, `failure` is the text of how the rollout ended: nothing to show.
    let failure = d.failure.as_ref().filter(|f| f.is_object());
    let mut html = format!(
        "<h2>{} {} ← <code>{}</code></h2>",
        badge(d.state),
        esc(&d.target),
        esc(short(&d.sha)),
    );
    // The evidence's summary says it, prominently.
    if failure.is_none_or(|f| text(f, "summary") != d.description) {
        html.push_str(&format!(
            "<p class=\"description\">{}</p>",
            esc(&d.description)
        ));
    }
    html.push_str(&format!(
        "<p class=\"hint\">{} · started {}",
        esc(&trigger_text(d)),
        esc(&when(d.created_at))
    ));
    if let Some(f) = d.finished_at {
        html.push_str(&format!(" · took {}", seconds(d.created_at, Some(f))));
    }
    if let Some(p) = d.progress {
        html.push_str(&format!(" · {}/{} tasks running", p.running, p.desired));
    }
    html.push_str("</p>");
    if let Some(l) = d.lifecycle.as_ref().filter(|_| !d.state.is_final()) {
        html.push_str(&format!("<p class=\"stage\">{}</p>", esc(&l.words(now))));
    }
    if let Some(p) = d.pause.as_ref().filter(|_| d.state == State::Paused) {
        html.push_str(&format!(
            "<p class=\"pause\" id=\"pause\"><strong>Paused at <code>{}</code></strong>: ECS holds the rollout until it is continued or rolled back",
            esc(&p.stage)
        ));
        if let Some(at) = p.expires_at {
            html.push_str(&format!("; unanswered, the hook times out at {}", when(at)));
        }
        html.push_str(".</p>");
    }
    if let Some(why) = &d.service_deployments_unavailable {
        html.push_str(&format!(
            "<p class=\"hint\">Followed through the service alone: ECS's service deployments are unavailable ({}).</p>",
            esc(why)
        ));
    }
    html.push_str("<p class=\"links\">");
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
    html.push_str("</p>");
    if let Some(f) = failure {
        html.push_str(&evidence_html(f));
    }
    let mut rest = String::from("<h3>Steps</h3><ol class=\"steps\">");
    for s in &d.steps {
        let outcome = match s.outcome {
            Some(Outcome::Ok) => "ok",
            Some(Outcome::Warning) => "warning",
            Some(Outcome::Failed) => "failed",
            None => "running",
        };
        // A step's link shows where its work is in AWS (the pre-deploy task in the ECS console).
        let link = s.link.as_ref().map_or(String::new(), |l| {
            format!(
                " <a class=\"link\" href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">in the ECS console</a>",
                esc(l)
            )
        });
        rest.push_str(&format!(
            "<li class=\"step {outcome}\" data-step=\"{n}\"><span class=\"name\">{n}</span><span class=\"time\">{}</span><span class=\"took\">{}</span><span class=\"outcome\">{outcome}</span><span class=\"detail\">{}{link}</span></li>",
            clock_time(s.started_at),
            seconds(s.started_at, s.ended_at),
            esc(&s.detail),
            n = s.name.as_str(),
        ));
    }
    rest.push_str("</ol><h3>Statuses sent to GitHub</h3><ul class=\"statuses\">");
    for s in &d.statuses {
        rest.push_str(&format!(
            "<li data-state=\"{st}\"><strong>{} {st}</strong> at {}: {}",
            esc(&s.kind),
            clock_time(s.at),
            esc(&s.description),
            st = esc(&s.state),
        ));
        if let Some(e) = &s.error {
            rest.push_str(&format!(
                " <span class=\"error\">(not sent: {})</span>",
                esc(e)
            ));
        }
        rest.push_str("</li>");
    }
    rest.push_str("</ul>");
    [html, rest]
}

/// The text at `key` of a JSON object (empty when there is none).
fn text<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v.get(key).and_then(|t| t.as_str()).unwrap_or_default()
}

/// The list at `key` of a JSON object (empty when there is none).
fn items<'a>(v: &'a serde_json::Value, key: &str) -> &'a [serde_json::Value] {
    v.get(key)
        .and_then(|l| l.as_array())
        .map_or(&[], |l| l.as_slice())
}

/// The time of day of a record's time (`2026-11-29T16:38:51.123Z` → `16:38:51`).
fn hms(t: &str) -> &str {
    t.get(11..19).unwrap_or(t)
}

/// Why a deployment did not succeed, from the record's `failure` (a `Failure` as JSON): the
/// cause, how the rollout ended, the stopped tasks with their containers, the service's events,
/// the failing container's last log lines, and what could not be read. Times are UTC. Read from
/// the JSON as it is, not through `Failure`'s reader: the page only shows it, and the reader
/// would cost the app more than the rest of the evidence. The log scrolls inside its block,
/// which takes the keyboard focus (a region named "Log"), so long lines can be read without a
/// mouse.
fn evidence_html(f: &serde_json::Value) -> String {
    let summary = text(f, "summary");
    let ending = text(f, "ending");
    let mut html = format!(
        "<section class=\"evidence\"><h3>Why it did not succeed</h3><p class=\"summary\">{}</p>",
        esc(summary)
    );
    if !ending.is_empty() && !summary.contains(ending) {
        html.push_str(&format!(
            "<p class=\"hint\">The rollout {}.</p>",
            esc(ending)
        ));
    }
    let tasks = items(f, "stoppedTasks");
    if !tasks.is_empty() {
        html.push_str("<h4>Stopped tasks</h4><table class=\"history\"><thead><tr><th>Task</th><th>Stop code</th><th>Reason</th><th>Stopped (UTC)</th><th>Containers</th></tr></thead><tbody>");
        for t in tasks {
            let task = text(t, "taskArn").rsplit('/').next().unwrap_or_default();
            html.push_str(&format!(
                "<tr data-task=\"{id}\"><td><code>{id}</code></td><td>{}</td><td>{}</td><td>{}</td><td><ul class=\"containers\">",
                esc(text(t, "stopCode")),
                esc(text(t, "stoppedReason")),
                esc(hms(text(t, "stoppedAt"))),
                id = esc(task),
            ));
            for c in items(t, "containers") {
                html.push_str(&format!("<li><code>{}</code>", esc(text(c, "name"))));
                if let Some(code) = c.get("exitCode").and_then(|n| n.as_i64()) {
                    html.push_str(&format!(" exit {code}"));
                }
                let reason = text(c, "reason");
                if !reason.is_empty() {
                    html.push_str(&format!(": {}", esc(reason)));
                }
                html.push_str("</li>");
            }
            html.push_str("</ul></td></tr>");
        }
        html.push_str("</tbody></table>");
    }
    let events = items(f, "events");
    if !events.is_empty() {
        html.push_str("<h4>Service events (UTC)</h4><ul class=\"events\">");
        for e in events {
            html.push_str(&format!(
                "<li><span class=\"time\">{}</span> {}</li>",
                esc(hms(text(e, "at"))),
                esc(text(e, "message"))
            ));
        }
        html.push_str("</ul>");
    }
    if let Some(l) = f.get("logs") {
        let lines: Vec<&str> = items(l, "lines")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        html.push_str(&format!(
            "<h4>Log</h4><p class=\"hint\">{} · {}</p><pre class=\"log\" tabindex=\"0\" role=\"region\" aria-label=\"Log\"><code>{}</code></pre>",
            esc(text(l, "group")),
            esc(text(l, "stream")),
            esc(&lines.join("\n"))
        ));
    }
    let missing: Vec<&str> = items(f, "missing")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    if !missing.is_empty() {
        html.push_str(&format!(
            "<p class=\"hint\">Not read: {}.</p>",
            esc(&missing.join("; "))
        ));
    }
    html.push_str("</section>");
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
                    View::One(id) => view! { <OneDeployment id tick refresh=set_tick on_unauthorized=set_read_saved /> }.into_any(),
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

/// One deployment: its steps with times, its statuses, links, why it did not succeed, and the
/// actions; Continue and Roll back while ECS holds it at a PAUSE hook.
#[component]
fn OneDeployment(
    id: String,
    tick: ReadSignal<u64>,
    /// Bumped to fetch again at once (after a pause is answered).
    refresh: WriteSignal<u64>,
    on_unauthorized: WriteSignal<u32>,
) -> impl IntoView {
    let target_name = Deployment::target_of_id(&id).unwrap_or_default().to_owned();
    let data = polled(format!("/api/deployments/{}", encode(&id)), tick);
    let history = polled(
        format!("/api/deployments?target={}", encode(&target_name)),
        tick,
    );
    let targets = polled("/api/targets".to_owned(), tick);
    // The answer to Continue or Roll back, kept across redraws and announced.
    let (note, set_note) = signal(None::<Result<String, String>>);
    // The pause answer waiting for the admin token.
    let (waiting, set_waiting) = signal(None::<&'static str>);
    let answer = Callback::new(move |action: &'static str| {
        if token(ADMIN_TOKEN).is_none() {
            set_waiting.set(Some(action));
            return;
        }
        let id = id.clone();
        set_note.set(Some(Ok(format!(
            "Asking ECS to {}…",
            if action == "continue" {
                action
            } else {
                "roll back"
            }
        ))));
        leptos::task::spawn_local(async move {
            match answer_pause(&id, action).await {
                Ok(message) => set_note.set(Some(Ok(message))),
                Err(Problem::Unauthorized) => {
                    set_note.set(None);
                    set_waiting.set(Some(action));
                }
                Err(Problem::Other(m)) => set_note.set(Some(Err(m))),
            }
            refresh.update(|t| *t += 1);
        });
    });
    view! {
        <p><a href=format!("#/deployments?target={}", encode(&target_name))>{format!("All deployments of {target_name}")}</a></p>
        {move || {
            match data.get().map(parse::<Deployment>) {
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
                    view! { <DeploymentDetail d repository earlier answer /> }.into_any()
                }
            }
        }}
        {move || waiting.get().map(|action| view! {
            <TokenForm key=ADMIN_TOKEN what="Admin" on_saved=Callback::new(move |_| {
                set_waiting.set(None);
                answer.run(action);
            }) />
        })}
        <p role="status" class=move || if matches!(note.get(), Some(Err(_))) { "error" } else { "hint" }>
            {move || note.get().map(|n| n.unwrap_or_else(|e| e))}
        </p>
    }
}

#[component]
fn DeploymentDetail(
    d: Deployment,
    repository: Option<hatoba_core::api::TargetCard>,
    earlier: Vec<(String, String)>,
    /// Answers the pause: `continue` or `rollback`.
    answer: Callback<&'static str>,
) -> impl IntoView {
    let [head, rest] = detail_html(&d, repository.as_ref(), js_sys::Date::now() as u64);
    view! {
        <article class="card deployment" data-state=d.state.words()>
            <div inner_html=head></div>
            {(d.state == State::Paused).then(|| view! {
                <div class="actions" role="group" aria-labelledby="pause">
                    <button class="primary" on:click=move |_| answer.run("continue")>"Continue"</button>
                    <button on:click=move |_| answer.run("rollback")>"Roll back"</button>
                </div>
            })}
            <div inner_html=rest></div>
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
    use super::{View, detail_html};
    use hatoba_core::deploy::{Deployment, Lifecycle, Pause, State, Trigger};
    use serde_json::json;

    const AT: u64 = 1_795_970_331_123; // 2026-11-29T16:38:51.123Z

    fn deployment(state: State) -> Deployment {
        let mut d = Deployment::new(
            "stg-web",
            "1a2b3c4d5e6f",
            Trigger::Manual { by: "api".into() },
            AT,
        );
        d.state = state;
        d
    }

    fn page(d: &Deployment, now: u64) -> String {
        detail_html(d, None, now).concat()
    }

    #[test]
    fn a_failed_deployment_shows_all_its_evidence_escaped() {
        let mut d = deployment(State::Failure);
        d.description = "web exited 1: \"DATABASE_URL is not set\"".into();
        d.failure = Some(json!({
            "summary": d.description,
            "ending": "rolled back to web:41",
            "stoppedTasks": [{
                "taskArn": "arn:aws:ecs:eu-west-1:111122223333:task/stg/0f1e2d3c4b5a",
                "stopCode": "EssentialContainerExited",
                "stoppedReason": "Essential container in task exited",
                "stoppedAt": "2026-11-29T16:40:02.000Z",
                "containers": [
                    {"name": "web", "exitCode": 1},
                    {"name": "log-router", "exitCode": 0, "reason": "<stopped>"}
                ]
            }],
            "events": [{"at": "2026-11-29T16:39:00.000Z", "message": "(service web) has started 1 tasks"}],
            "logs": {"group": "/ecs/web", "stream": "ecs/web/0f1e2d3c4b5a", "lines": ["booting", "DATABASE_URL is not set"]},
            "missing": ["the service's events after 16:40"]
        }));
        let html = page(&d, AT);
        // The summary once, prominently (not again as the description).
        assert_eq!(
            html.matches("DATABASE_URL is not set&quot;").count(),
            1,
            "{html}"
        );
        for part in [
            "<p class=\"summary\">web exited 1: &quot;DATABASE_URL is not set&quot;</p>",
            "The rollout rolled back to web:41.",
            "<tr data-task=\"0f1e2d3c4b5a\"><td><code>0f1e2d3c4b5a</code></td><td>EssentialContainerExited</td><td>Essential container in task exited</td><td>16:40:02</td>",
            "<li><code>web</code> exit 1</li><li><code>log-router</code> exit 0: &lt;stopped&gt;</li>",
            "<li><span class=\"time\">16:39:00</span> (service web) has started 1 tasks</li>",
            "/ecs/web · ecs/web/0f1e2d3c4b5a</p><pre class=\"log\" tabindex=\"0\" role=\"region\" aria-label=\"Log\"><code>booting\nDATABASE_URL is not set</code></pre>",
            "Not read: the service&#39;s events after 16:40.",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        // The evidence comes before the steps.
        assert!(html.find("summary") < html.find("<h3>Steps"));
    }

    #[test]
    fn a_pre_deploy_step_shows_its_task_and_links_to_it_in_the_ecs_console() {
        let mut d = deployment(State::InProgress);
        let arn = "arn:aws:ecs:eu-west-1:111122223333:task/stg/0f1e2d3c4b5a";
        d.steps.push(hatoba_core::deploy::Step {
            name: hatoba_core::deploy::StepName::PreDeploy,
            started_at: AT,
            ended_at: None,
            outcome: None,
            detail: format!("{arn}: RUNNING (30 s so far)"),
            request_ids: vec![],
            retries: 0,
            link: Some("https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/0f1e2d3c4b5a/configuration?region=eu-west-1&x=<y>".into()),
        });
        let html = page(&d, AT);
        assert!(
            html.contains("<li class=\"step running\" data-step=\"pre_deploy\"><span class=\"name\">pre_deploy</span>"),
            "{html}"
        );
        assert!(html.contains(&format!(
            "<span class=\"detail\">{arn}: RUNNING (30 s so far) <a class=\"link\" href=\"https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/0f1e2d3c4b5a/configuration?region=eu-west-1&amp;x=&lt;y&gt;\" target=\"_blank\" rel=\"noopener noreferrer\">in the ECS console</a></span>"
        )), "{html}");
        // A step without a link has none.
        d.steps[0].link = None;
        assert!(!page(&d, AT).contains("class=\"link\""));
    }

    #[test]
    fn evidence_still_being_read_shows_nothing_but_the_description() {
        let mut d = deployment(State::Failure);
        d.description = "Rollout failed".into();
        d.failure = Some(json!("failed"));
        let html = page(&d, AT);
        assert!(html.contains("<p class=\"description\">Rollout failed</p>"));
        assert!(!html.contains("evidence"), "{html}");
    }

    #[test]
    fn a_rollout_in_progress_shows_its_stage_and_a_paused_one_where_it_waits() {
        let mut d = deployment(State::InProgress);
        d.lifecycle = Some(Lifecycle {
            strategy: "BLUE_GREEN".into(),
            stage: "BAKE_TIME".into(),
            since: AT,
            bake_minutes: Some(5),
        });
        d.service_deployments_unavailable = Some("AccessDenied: <no right>".into());
        let html = page(&d, AT + 61_000);
        assert!(
            html.contains("<p class=\"stage\">Blue/green: baking; bake 4 min left</p>"),
            "{html}"
        );
        assert!(html.contains(
            "ECS's service deployments are unavailable (AccessDenied: &lt;no right&gt;)"
        ));
        assert!(!html.contains("id=\"pause\""));

        d.state = State::Paused;
        d.pause = Some(Pause {
            stage: "POST_TEST_TRAFFIC_SHIFT".into(),
            hook_id: "hook-1".into(),
            expires_at: Some(AT + 3_600_000),
        });
        let html = page(&d, AT);
        assert!(html.contains("<span class=\"badge paused\">paused</span>"));
        assert!(html.contains(
            "<p class=\"pause\" id=\"pause\"><strong>Paused at <code>POST_TEST_TRAFFIC_SHIFT</code></strong>: ECS holds the rollout until it is continued or rolled back; unanswered, the hook times out at 2026-11-29 17:38:51 UTC.</p>"
        ), "{html}");

        // Over, the stage is history: neither it nor the pause is shown.
        d.state = State::Success;
        let html = page(&d, AT);
        assert!(!html.contains("class=\"stage\"") && !html.contains("id=\"pause\""));
    }

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
