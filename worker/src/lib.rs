//! Hatoba's Cloudflare Worker: the bindings between the runtime and `hatoba_core`, which
//! decides everything. Where things go:
//! - a new route or API answer: `hatoba_core::api::route` and `hatoba_core::api::serve`;
//! - a new question for a target's Durable Object: `hatoba_core::api::calls`;
//! - a new deploy step: `hatoba_core::deploy` (the pipeline; the driver runs it);
//! - here, only what touches the runtime: [`edge`] (headers, body, objects), [`respond`]
//!   (responses, files), [`storage`], the two objects, [`transport`] (fetch, clock), [`config`]
//!   (variables and secrets), [`github_app`] (WebCrypto) and [`redaction`].

mod checks;
mod config;
mod edge;
mod github_app;
mod guard_object;
mod redaction;
mod respond;
mod storage;
mod target_object;
mod transport;

use hatoba_core::api::serve::serve;
use worker::{Context, Env, Request, Response, Result, event};

pub use guard_object::GuardObject;
pub use target_object::TargetObject;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    redaction::install(&env);
    let (method, path) = (req.method(), req.path());
    // The query from the runtime's own URL text: `Request::url` would parse it again with the
    // `url` crate, whose IDNA tables alone are tens of kilobytes of the worker.
    let url = req.inner().url();
    let query = url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q).to_owned());
    let mut edge = edge::WorkerEdge::new(req, &env);
    let answer = match serve(method.as_ref(), &path, query.as_deref(), &mut edge).await {
        Some(reply) => respond::reply(reply),
        None => respond::file(edge.request, &env, &path).await,
    };
    answer.or_else(|e| respond::failure(&e))
}
