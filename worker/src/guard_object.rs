//! The Durable Object of one client address: its failed webhook signature checks, kept in memory
//! only (an evicted object forgets, which costs an attacker nothing and spares a storage write per
//! failure). Decisions are `hatoba_core::github::guard`'s.

use std::cell::RefCell;

use hatoba_core::github::guard::Guard;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

#[durable_object]
pub struct GuardObject {
    guard: RefCell<Guard>,
}

impl DurableObject for GuardObject {
    fn new(_state: State, _env: Env) -> Self {
        Self {
            guard: RefCell::new(Guard::default()),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let now = worker::Date::now().as_millis();
        let retry_after = match req.method() {
            Method::Post => self.guard.borrow_mut().failed(now),
            _ => self.guard.borrow().retry_after(now),
        };
        Response::from_json(&serde_json::json!({ "retryAfter": retry_after }))
    }
}

/// The guard of the address a request came from (`CF-Connecting-IP`, which Cloudflare sets and
/// clients cannot).
fn stub(env: &Env, req: &Request) -> Result<worker::Stub> {
    let address = req
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".to_owned());
    env.durable_object("GUARDS")?
        .id_from_name(&address)?
        .get_stub()
}

async fn ask(env: &Env, req: &Request, method: Method) -> Result<Option<u64>> {
    let answer: serde_json::Value =
        crate::ask_object(&stub(env, req)?, method, "/", None::<&()>).await?;
    Ok(answer["retryAfter"].as_u64())
}

/// Seconds to wait when the request's address is refused now.
pub async fn retry_after(env: &Env, req: &Request) -> Result<Option<u64>> {
    ask(env, req, Method::Get).await
}

/// Records a failed signature check of the request's address.
pub async fn failed(env: &Env, req: &Request) -> Result<()> {
    ask(env, req, Method::Post).await.map(|_| ())
}
