//! `POST /webhooks/github`: capped, verified before anything is parsed, routed to targets by
//! core, and handed to each target's Durable Object, which stores it before the answer.

use hatoba_core::api::{ErrorBody, NotQueued, Queued, WebhookAnswer};
use hatoba_core::aws::sigv4::hex;
use hatoba_core::deploy::{Routing, route};
use hatoba_core::github::events::{DELIVERY_HEADER, EVENT_HEADER};
use hatoba_core::github::webhook::{SIGNATURE_HEADER, verify_signature};
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response, Result};

use crate::guard_object;
use crate::target_object::{Admit, Admitted};
use crate::{ask_object, config, error, json, not_configured, target_stub};

/// Handles one delivery.
pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    // An address that keeps failing the signature check is refused before its body is read.
    if let Some(seconds) = guard_object::retry_after(env, &req).await? {
        let response = error(
            429,
            "too_many_requests",
            "too many deliveries from this address failed the signature check: try again later",
        )?;
        response
            .headers()
            .set("retry-after", &seconds.to_string())?;
        return Ok(response);
    }
    let limit = config::max_body_bytes(env);
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large(limit);
    }
    let body = req.bytes().await?;
    if body.len() > limit {
        return too_large(limit);
    }
    let Some(secret) = config::text(env, "GITHUB_WEBHOOK_SECRET") else {
        return error(
            503,
            "not_configured",
            "GITHUB_WEBHOOK_SECRET is not set: no delivery can be verified",
        );
    };
    let signature = req.headers().get(SIGNATURE_HEADER)?;
    if let Err(e) = verify_signature(secret.as_bytes(), &body, signature.as_deref()) {
        guard_object::failed(env, &req).await?;
        return error(401, "unauthorized", &e.to_string());
    }
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    if !content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    {
        return error(
            415,
            "unsupported_media_type",
            &format!(
                "content type \"{content_type}\" is not application/json: set the webhook's content type to application/json in its GitHub settings"
            ),
        );
    }
    let Ok(targets) = config::targets(env) else {
        return not_configured();
    };
    let event = req.headers().get(EVENT_HEADER)?.unwrap_or_default();
    let delivery = req.headers().get(DELIVERY_HEADER)?;
    let routing = match route(&event, &body, delivery.as_deref(), &targets) {
        Ok(routing) => routing,
        Err(e) => return error(400, "bad_payload", &e.to_string()),
    };
    let requests = match routing {
        Routing::Ping => return json(200, &serde_json::json!({ "pong": true })),
        Routing::Ignored(why) => {
            return json(
                202,
                &WebhookAnswer {
                    ignored: Some(why),
                    ..WebhookAnswer::default()
                },
            );
        }
        Routing::Deploy(requests) => requests,
    };
    // GitHub does not sign X-GitHub-Delivery: a replayed body under a new id is caught by its hash.
    let mut keys = vec![format!("body {}", hex(&Sha256::digest(&body)))];
    if let Some(id) = &delivery {
        keys.insert(0, format!("delivery {id}"));
    }
    let mut answer = WebhookAnswer::default();
    for request in requests {
        let target = request.target.clone();
        let admitted = admit(
            env,
            Admit {
                request,
                keys: keys.clone(),
            },
        )
        .await?;
        match (admitted.id, admitted.ignored) {
            (Some(id), _) => answer.deployments.push(Queued { target, id }),
            (None, reason) => answer.skipped.push(NotQueued {
                target,
                reason: reason.unwrap_or_default(),
            }),
        }
    }
    if answer.deployments.is_empty() {
        let reasons: Vec<String> = answer.skipped.drain(..).map(|s| s.reason).collect();
        answer.ignored = Some(reasons.join("; "));
    }
    json(202, &answer)
}

/// Hands a request to its target's Durable Object.
pub async fn admit(env: &Env, admit: Admit) -> Result<Admitted> {
    let stub = target_stub(env, &admit.request.target)?;
    ask_object(&stub, worker::Method::Post, "/admit", Some(&admit)).await
}

fn too_large(limit: usize) -> Result<Response> {
    json(
        413,
        &ErrorBody {
            error: "payload_too_large".to_owned(),
            message: format!("the body is larger than {limit} bytes"),
        },
    )
}
