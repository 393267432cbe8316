//! `POST /webhooks/github`: capped, verified before anything is parsed, routed to targets by
//! core, and handed to each target's Durable Object, which stores it before the answer.

use hatoba_core::api::{ErrorBody, NotQueued, Queued, WebhookAnswer};
use hatoba_core::deploy::{Delivery, Reception, receive};
use hatoba_core::github::events::{DELIVERY_HEADER, EVENT_HEADER};
use hatoba_core::github::webhook::SIGNATURE_HEADER;
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
    let headers = req.headers();
    let (signature, event, delivery, content_type) = (
        headers.get(SIGNATURE_HEADER)?,
        headers.get(EVENT_HEADER)?,
        headers.get(DELIVERY_HEADER)?,
        headers.get("content-type")?,
    );
    let reception = receive(
        &Delivery {
            signature: signature.as_deref(),
            event: event.as_deref(),
            delivery: delivery.as_deref(),
            content_type: content_type.as_deref(),
            body: &body,
        },
        config::text(env, "GITHUB_WEBHOOK_SECRET").as_deref(),
        limit,
        || config::targets(env).ok(),
    );
    let status = reception.status();
    let (requests, keys) = match reception {
        Reception::TooLarge { limit } => return too_large(limit),
        Reception::NoSecret => {
            return error(
                status,
                "not_configured",
                "GITHUB_WEBHOOK_SECRET is not set: no delivery can be verified",
            );
        }
        Reception::Unauthorized(why) => {
            guard_object::failed(env, &req).await?;
            return error(status, "unauthorized", &why);
        }
        Reception::UnsupportedMediaType(why) => {
            return error(status, "unsupported_media_type", &why);
        }
        Reception::NotConfigured => return not_configured(),
        Reception::BadPayload(why) => return error(status, "bad_payload", &why),
        Reception::Ping => return json(status, &serde_json::json!({ "pong": true })),
        Reception::Ignored(why) => {
            return json(
                status,
                &WebhookAnswer {
                    ignored: Some(why),
                    ..WebhookAnswer::default()
                },
            );
        }
        Reception::Deploy { requests, keys } => (requests, keys),
    };
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
