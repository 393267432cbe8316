//! The worker's answers as the runtime's responses: core's [`Reply`] (JSON through the
//! redaction layer), the UI's files with their headers, and the last-resort 500.

use hatoba_core::api::serve::Reply;
use hatoba_core::api::{Answer, security_headers};
use worker::{Env, Headers, Request, Response, Result};

use crate::redaction;

/// Name of the static-assets binding (`[assets] binding` in wrangler.toml).
const ASSETS_BINDING: &str = "ASSETS";

/// Core's reply as a response; its body passes the redaction layer on the way out.
pub fn reply(reply: Reply) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in &reply.headers {
        headers.set(name, value)?;
    }
    Ok(Response::ok(redaction::redact(&reply.body))?
        .with_status(reply.status)
        .with_headers(headers))
}

/// A file of the UI with its headers; a miss is the API's JSON 404, so every 404 reads the same.
pub async fn file(req: Request, env: &Env, path: &str) -> Result<Response> {
    let response = env.assets(ASSETS_BINDING)?.fetch_request(req).await?;
    if response.status_code() == 404 {
        return self::reply(Reply::not_found());
    }
    // A file's headers from the assets are immutable: they are copied under ours.
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        headers.append(&name, &value)?;
    }
    for (name, value) in security_headers(Answer::ui_file(path)) {
        headers.set(name, value)?;
    }
    Ok(response.with_headers(headers))
}

/// The answer when the worker itself failed: logged and answered, both redacted, still with
/// the API's headers.
pub fn failure(error: &worker::Error) -> Result<Response> {
    let message = redaction::redact(&error.to_string());
    redaction::log_error(&message);
    reply(Reply::internal(message))
}
