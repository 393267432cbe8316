//! Hatoba's Cloudflare Worker: the HTTP face of the deploy pipeline, and the server of the UI.
//!
//! Routes (everything else is the UI's static files, from the `ASSETS` binding):
//! - `GET /healthz` → `{"status":"ok","version":...}`
//! - `/api/*`, `/webhooks/*` → the API (404 JSON until a route exists)
//! - any path that is neither a route nor a file → 404 JSON
//!
//! This crate is glue: no deploy logic lives here (that is `hatoba_core::deploy`).

use hatoba_core::api::{ErrorBody, Health};
use worker::{Context, Env, Method, Request, Response, Result, event};

/// Name of the static-assets binding (`[assets] binding` in wrangler.toml).
const ASSETS_BINDING: &str = "ASSETS";

/// Path prefixes that belong to the worker itself and never fall through to the UI's files.
const API_PREFIXES: [&str; 2] = ["/api/", "/webhooks/"];

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let method = req.method();
    match path.as_str() {
        "/healthz" => match method {
            Method::Get | Method::Head => json(200, &Health::ok()),
            _ => method_not_allowed(&method, &path, "GET, HEAD"),
        },
        p if API_PREFIXES.iter().any(|prefix| p.starts_with(prefix)) => not_found(&method, p),
        _ => static_file(req, &env, &method, &path).await,
    }
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

fn json<T: serde::Serialize>(status: u16, body: &T) -> Result<Response> {
    let response = Response::from_json(body)?.with_status(status);
    response.headers().set("cache-control", "no-store")?;
    Ok(response)
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
