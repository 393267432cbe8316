//! Hatoba's Cloudflare Worker: GitHub webhooks in, ECS deploys and commit statuses out, the JSON
//! API, and the server of the UI.
//!
//! Routes (everything else is the UI's static files, from the `ASSETS` binding):
//! - `GET /healthz` → `{"status":"ok","version":...}`, or 503 with the configuration's findings
//! - `POST /webhooks/github` → verified, routed, queued in the target's Durable Object
//! - `/api/targets`, `/api/deployments[/ID]`, `POST /api/targets/NAME/deploy`
//! - any path that is neither a route nor a file → 404 JSON
//!
//! This crate is glue: routes, storage, timers and fetch. Every deploy decision is
//! `hatoba_core`'s (the pipeline in `deploy`, routing, the ledger).

mod api;
mod config;
mod github_app;
mod guard_object;
mod redaction;
mod stored;
mod target_object;
mod transport;
mod webhook;

use hatoba_core::api::{Answer, ErrorBody, Health, security_headers};
use worker::{Context, Env, Headers, Method, Request, Response, Result, Stub, event};

pub use guard_object::GuardObject;
pub use target_object::TargetObject;

/// Name of the static-assets binding (`[assets] binding` in wrangler.toml).
const ASSETS_BINDING: &str = "ASSETS";
/// Name of the Durable Object binding of the targets.
const TARGETS_BINDING: &str = "TARGETS";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    redaction::install(&env);
    let path = req.path();
    let ui = !(path == "/healthz" || path.starts_with("/api/") || path.starts_with("/webhooks/"));
    let response = match route(req, env).await {
        Ok(response) => response,
        Err(e) => {
            // What went wrong is logged and answered, both through the redaction layer.
            let message = redaction::redact(&e.to_string());
            redaction::log_error(&message);
            error(500, "internal_error", &message)?
        }
    };
    // A UI path that is not a file answers the API's JSON 404: it gets the API's headers.
    let json = response
        .headers()
        .get("content-type")?
        .is_some_and(|t| t.starts_with("application/json"));
    with_headers(
        response,
        if ui && !json {
            Answer::ui_file(&path)
        } else {
            Answer::Api
        },
    )
}

/// Every answer's security headers, over those it has (a file's from the assets are immutable,
/// so they are copied).
fn with_headers(response: Response, answer: Answer) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        headers.append(&name, &value)?;
    }
    for (name, value) in security_headers(answer) {
        headers.set(name, value)?;
    }
    Ok(response.with_headers(headers))
}

async fn route(req: Request, env: Env) -> Result<Response> {
    let path = req.path();
    let method = req.method();
    match path.as_str() {
        "/healthz" => match method {
            Method::Get | Method::Head => health(&env),
            _ => method_not_allowed(&method, &path, "GET, HEAD"),
        },
        "/webhooks/github" => match method {
            Method::Post => webhook::handle(req, &env).await,
            _ => method_not_allowed(&method, &path, "POST"),
        },
        p if p.starts_with("/api/") => api::handle(req, &env, p).await,
        p if p.starts_with("/webhooks/") => not_found(&method, p),
        _ => static_file(req, &env, &method, &path).await,
    }
}

fn health(env: &Env) -> Result<Response> {
    let findings = config::check(env);
    if findings.is_empty() {
        return json(200, &Health::ok());
    }
    json(
        503,
        &serde_json::json!({
            "status": "misconfigured",
            "version": hatoba_core::VERSION,
            "findings": findings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
    )
}

/// The Durable Object of target `name`.
fn target_stub(env: &Env, name: &str) -> Result<Stub> {
    env.durable_object(TARGETS_BINDING)?
        .id_from_name(name)?
        .get_stub()
}

/// A request's JSON body, read with `serde_json` like every other JSON of the worker
/// (`Request::json` goes through JavaScript's parser and `serde_wasm_bindgen`, a second reader
/// of each type in the wasm). The worker reads all JSON from bytes (`from_slice`): a reader
/// from `&str` would be one more copy of each type's reader.
async fn json_body<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T> {
    Ok(serde_json::from_slice(req.text().await?.as_bytes())?)
}

/// Asks a Durable Object: `method` on `path`, with `body` as JSON when given; its JSON answer.
async fn ask_object<T: serde::de::DeserializeOwned>(
    stub: &Stub,
    method: Method,
    path: &str,
    body: Option<&impl serde::Serialize>,
) -> Result<T> {
    let body = match body {
        Some(body) => Some(serde_json::to_string(body)?.into()),
        None => None,
    };
    let request =
        transport::new_request(&format!("https://object{path}"), method.as_ref(), &[], body)?;
    let text = stub.fetch_with_request(request).await?.text().await?;
    Ok(serde_json::from_slice(text.as_bytes())?)
}

/// Serves the UI's files; a miss becomes the API's JSON 404, so every 404 reads the same.
async fn static_file(req: Request, env: &Env, method: &Method, path: &str) -> Result<Response> {
    if !matches!(method, Method::Get | Method::Head) {
        return method_not_allowed(method, path, "GET, HEAD");
    }
    let assets = env.assets(ASSETS_BINDING)?;
    let response = assets.fetch_request(req).await?;
    if response.status_code() == 404 {
        return not_found(method, path);
    }
    Ok(response)
}

/// Every JSON answer of the worker: through the redaction layer, never stored by caches.
fn json<T: serde::Serialize>(status: u16, body: &T) -> Result<Response> {
    let text = redaction::redact(&serde_json::to_string(body)?);
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(text)?
        .with_status(status)
        .with_headers(headers))
}

fn error(status: u16, code: &str, message: &str) -> Result<Response> {
    json(
        status,
        &ErrorBody {
            error: code.to_owned(),
            message: message.to_owned(),
        },
    )
}

/// The answer while the targets do not check (`/healthz` says why): no deploy is taken.
fn not_configured() -> Result<Response> {
    error(
        503,
        "not_configured",
        "the deploy targets do not check: see /healthz",
    )
}

fn not_found(method: &Method, path: &str) -> Result<Response> {
    json(404, &ErrorBody::not_found(method.as_ref(), path))
}

fn method_not_allowed(method: &Method, path: &str, allow: &str) -> Result<Response> {
    let body = ErrorBody {
        error: "method_not_allowed".to_owned(),
        message: format!("{method} is not allowed on {path}; use {allow}"),
    };
    let response = json(405, &body)?;
    response.headers().set("allow", allow)?;
    Ok(response)
}
