//! The worker's answers: what each route does with a request, decided here over an [`Edge`]
//! (what the worker gives: headers, settings, the body read under a cap, and its Durable
//! Objects) and tested natively. The worker turns a [`Reply`] into its runtime's response and
//! serves the UI's files when [`serve`] says so.
//!
//! The order of every decision is part of the threat model (SECURITY.md): the guard before the
//! body, the body's cap while it is read, the signature before anything of the body is parsed,
//! and for the API the token before the route is revealed. No answer quotes the request.

use crate::deploy::Delivery;
use crate::deploy::PauseAction;
use crate::deploy::is_json;
use crate::deploy::{
    Admitted, ConfigFinding, DeployRequest, Deployment, Reception, Target, Trigger, receive,
};
use crate::fields::Obj;
use crate::github::events::{DELIVERY_HEADER, EVENT_HEADER};
use crate::github::guard::address_key;
use crate::github::webhook::SIGNATURE_HEADER;
use crate::target::is_commit_sha;

use super::calls::{
    Admit, GuardAnswer, GuardCall, OneDeployment, PauseReply, RevisionCommit, TargetCall,
};
use super::route::{Route, RouteError, route};
use super::{
    Answer, ErrorBody, Health, NotQueued, Queued, TargetSummary, Targets, WebhookAnswer,
    bearer_token, query_value, same_secret, security_headers,
};

/// Every secret the worker may hold, by name: what the redaction layer removes from whatever
/// leaves the worker.
pub const SECRETS: [&str; 8] = [
    "GITHUB_WEBHOOK_SECRET",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GITHUB_TOKEN",
    "GITHUB_APP_PRIVATE_KEY",
    "HATOBA_READ_TOKEN",
    "HATOBA_ADMIN_TOKEN",
];

/// GitHub's own limit on a webhook payload, the default cap (`HATOBA_MAX_BODY_BYTES`).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 25 * 1024 * 1024;
/// The cap on an API request's body.
pub const MAX_API_BODY_BYTES: u64 = 64 * 1024;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// It is longer than the cap (its declared length, or what arrived before reading stopped).
    TooLarge,
    /// It ended before its declared length, or its framing is broken.
    Malformed(String),
}

/// What the worker gives core for one request.
#[allow(async_fn_in_trait)] // deliberate: the futures of the worker's runtime are not Send
pub trait Edge {
    /// A header of the request (case-insensitive name).
    fn header(&self, name: &str) -> Option<String>;
    /// A variable or secret; unset and blank are both `None`.
    fn setting(&self, name: &str) -> Option<String>;
    /// The configured targets, or what is wrong with them.
    fn targets(&self) -> Result<Vec<Target>, Vec<ConfigFinding>>;
    /// Milliseconds since the epoch.
    fn now_millis(&self) -> u64;
    /// The body, read at most to `limit` bytes: reading stops as soon as more arrives.
    async fn body(&mut self, limit: u64) -> Result<Vec<u8>, BodyError>;
    /// Asks target `target`'s Durable Object; its JSON answer.
    async fn ask_target(&self, target: &str, call: &TargetCall) -> Result<String, String>;
    /// Asks the guard of the address `key` ([`address_key`]).
    async fn ask_guard(&self, key: &str, call: GuardCall) -> Result<GuardAnswer, String>;
}

/// An answer: its status, headers (the security headers among them) and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Every header, the security headers included.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON text.
    pub body: String,
}

impl Reply {
    /// A JSON answer of the API, with the API's headers.
    pub fn json<T: serde::Serialize>(status: u16, body: &T) -> Reply {
        Reply::json_text(
            status,
            serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned()),
        )
    }

    /// A JSON answer of the API whose text is already written.
    pub fn json_text(status: u16, body: String) -> Reply {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        headers.extend(
            security_headers(Answer::Api)
                .into_iter()
                .map(|(n, v)| (n, v.to_owned())),
        );
        Reply {
            status,
            headers,
            body,
        }
    }

    /// An error answer.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        Reply::error_text(status, code, message.into())
    }

    // One body for every error: the generic door above is a line at each call site.
    fn error_text(status: u16, code: &str, message: String) -> Reply {
        Reply::json(status, &ErrorBody::new(code, message))
    }

    /// 404, for any path nothing is at.
    pub fn not_found() -> Reply {
        Reply::json(404, &ErrorBody::not_found())
    }

    /// 500: something the worker relies on failed (the message is redacted by the worker).
    pub fn internal(message: impl Into<String>) -> Reply {
        Reply::error(500, "internal_error", message)
    }

    fn with(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// The header `name`, if the reply has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers a request for `path` (still percent-encoded; `query` without its `?`). `None`: a
/// file of the UI, which the worker serves (a miss there is [`Reply::not_found`]).
pub async fn serve<E: Edge>(
    method: &str,
    path: &str,
    query: Option<&str>,
    edge: &mut E,
) -> Option<Reply> {
    let api = path == "/api" || path.starts_with("/api/");
    // The API reveals nothing, not even which paths exist, without a token.
    let access = if api {
        match access(edge) {
            Some(access) => Some(access),
            None => return Some(unauthorized()),
        }
    } else {
        None
    };
    let route = match route(method, path) {
        Ok(Route::File) => return None,
        Ok(route) => route,
        Err(RouteError::NotFound) => return Some(Reply::not_found()),
        Err(RouteError::DotSegment) => {
            return Some(Reply::error(
                400,
                "bad_request",
                "a path with `.` or `..` segments, or an encoded `/`, is refused",
            ));
        }
        Err(RouteError::MethodNotAllowed { allow }) => {
            return Some(
                Reply::error(
                    405,
                    "method_not_allowed",
                    "this path does not take that method: see the Allow header",
                )
                .with("allow", allow.to_owned()),
            );
        }
    };
    if route.is_admin() && access != Some(Access::Admin) {
        return Some(unauthorized());
    }
    Some(match route {
        Route::Health => health(edge),
        Route::Webhook => webhook(edge).await,
        Route::Targets => targets(edge).await,
        Route::Deployments => deployments(edge, query).await,
        Route::Deployment { id } => deployment(edge, &id).await,
        Route::Deploy { target } => deploy(edge, &target).await,
        Route::AnswerPause { id, action } => pause(edge, &id, action).await,
        Route::File => return None,
    })
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Admin,
}

fn access(edge: &impl Edge) -> Option<Access> {
    let header = edge.header("authorization");
    let given = bearer_token(header.as_deref())?;
    let matches = |name: &str| {
        edge.setting(name)
            .is_some_and(|t| same_secret(given.as_bytes(), t.as_bytes()))
    };
    // Both comparisons always run: the time taken says nothing about which token was close.
    let (admin, read) = (matches("HATOBA_ADMIN_TOKEN"), matches("HATOBA_READ_TOKEN"));
    if admin {
        Some(Access::Admin)
    } else if read {
        Some(Access::Read)
    } else {
        None
    }
}

fn unauthorized() -> Reply {
    Reply::error(
        401,
        "unauthorized",
        "a valid token is required: Authorization: Bearer <token>",
    )
}

fn not_configured() -> Reply {
    Reply::error(
        503,
        "not_configured",
        "the deploy targets do not check: see /healthz",
    )
}

/// Everything wrong with the configuration: the targets' findings, and the settings a deploy
/// cannot do without.
pub fn check_settings(edge: &impl Edge) -> Vec<ConfigFinding> {
    let mut findings = edge.targets().err().unwrap_or_default();
    for name in [
        "GITHUB_WEBHOOK_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        if edge.setting(name).is_none() {
            findings.push(ConfigFinding {
                path: name.to_owned(),
                message: format!("missing: set it with `wrangler secret put {name}`"),
            });
        }
    }
    if let Some(value) = edge.setting("HATOBA_MAX_BODY_BYTES")
        && value.parse::<u64>().map_or(true, |n| n == 0)
    {
        findings.push(ConfigFinding {
            path: "HATOBA_MAX_BODY_BYTES".to_owned(),
            message: "is not a positive number of bytes".to_owned(),
        });
    }
    findings
}

/// The largest webhook body accepted.
pub fn max_body_bytes(edge: &impl Edge) -> u64 {
    edge.setting("HATOBA_MAX_BODY_BYTES")
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_BODY_BYTES)
}

fn health(edge: &impl Edge) -> Reply {
    let findings = check_settings(edge);
    if findings.is_empty() {
        return Reply::json(200, &Health::ok());
    }
    #[derive(serde::Serialize)]
    struct Misconfigured {
        status: &'static str,
        version: &'static str,
        findings: Vec<String>,
    }
    Reply::json(
        503,
        &Misconfigured {
            status: "misconfigured",
            version: crate::VERSION,
            findings: findings.iter().map(ToString::to_string).collect(),
        },
    )
}

/// The declared `Content-Length`, read as the 64-bit number it is (a wasm `usize` wraps).
fn declared_length(edge: &impl Edge) -> Result<Option<u64>, ()> {
    match edge.header("content-length") {
        None => Ok(None),
        Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| ()),
    }
}

/// Reads the body under `limit`: the declared length first, then the bytes as they arrive.
async fn read_body(edge: &mut impl Edge, limit: u64) -> Result<Vec<u8>, BodyError> {
    match declared_length(edge) {
        Err(()) => {
            return Err(BodyError::Malformed(
                "Content-Length is not a number".into(),
            ));
        }
        Ok(Some(n)) if n > limit => return Err(BodyError::TooLarge),
        Ok(_) => {}
    }
    edge.body(limit).await
}

fn body_error(e: &BodyError, limit: u64) -> Reply {
    match e {
        BodyError::TooLarge => Reply::error(
            413,
            "payload_too_large",
            format!("the body is larger than {limit} bytes"),
        ),
        BodyError::Malformed(why) => Reply::error(
            400,
            "bad_request",
            format!("the body could not be read: {why}"),
        ),
    }
}

async fn webhook(edge: &mut impl Edge) -> Reply {
    let key = address_key(edge.header("cf-connecting-ip").as_deref());
    // An address that keeps failing is refused before its body is read.
    match edge.ask_guard(&key, GuardCall::Check).await {
        Ok(GuardAnswer {
            retry_after: Some(seconds),
        }) => return too_many_requests(seconds),
        Ok(_) => {}
        Err(e) => return guard_failed(e),
    }
    match delivery(edge).await {
        Ok(Ok(answer)) => Reply::json(202, &answer),
        Ok(Err(reply)) => reply,
        // An oversized or broken body, or a bad signature, costs the sender: counted, and the
        // count and the verdict are one call to the guard, so deliveries that all passed the
        // first check together still get 429 from the limit on.
        Err(reply) => match edge.ask_guard(&key, GuardCall::Failed).await {
            Ok(GuardAnswer {
                retry_after: Some(seconds),
            }) => too_many_requests(seconds),
            Ok(_) => reply,
            Err(e) => guard_failed(e),
        },
    }
}

/// A delivery read, verified and admitted: the answer, `Ok(Err)` a refusal that costs the
/// sender nothing, `Err` one that counts against its address.
async fn delivery(edge: &mut impl Edge) -> Result<Result<WebhookAnswer, Reply>, Reply> {
    let limit = max_body_bytes(edge);
    let body = read_body(edge, limit)
        .await
        .map_err(|e| body_error(&e, limit))?;
    let (signature, event, delivery, content_type) = (
        edge.header(SIGNATURE_HEADER),
        edge.header(EVENT_HEADER),
        edge.header(DELIVERY_HEADER),
        edge.header("content-type"),
    );
    let reception = receive(
        &Delivery {
            signature: signature.as_deref(),
            event: event.as_deref(),
            delivery: delivery.as_deref(),
            content_type: content_type.as_deref(),
            body: &body,
        },
        edge.setting("GITHUB_WEBHOOK_SECRET").as_deref(),
        usize::try_from(limit).unwrap_or(usize::MAX),
        || edge.targets().ok(),
    );
    let status = reception.status();
    let refused = |code: &str, why: String| Ok(Err(Reply::error(status, code, why)));
    let (requests, keys) = match reception {
        Reception::TooLarge { .. } => return Err(body_error(&BodyError::TooLarge, limit)),
        Reception::Unauthorized(why) => return Err(Reply::error(status, "unauthorized", why)),
        Reception::NoSecret => {
            return refused(
                "not_configured",
                "GITHUB_WEBHOOK_SECRET is not set: no delivery can be verified".to_owned(),
            );
        }
        Reception::UnsupportedMediaType(why) => return refused("unsupported_media_type", why),
        Reception::NotConfigured => return Ok(Err(not_configured())),
        Reception::BadPayload(why) => return refused("bad_payload", why),
        Reception::Ping => return Ok(Err(Reply::json_text(status, r#"{"pong":true}"#.into()))),
        Reception::Ignored(why) => {
            return Ok(Ok(WebhookAnswer {
                ignored: Some(why),
                ..WebhookAnswer::default()
            }));
        }
        Reception::Deploy { requests, keys } => (requests, keys),
        Reception::CheckAction(action) => {
            let target = action.target.clone();
            return Ok(Err(
                match ask(edge, &target, &TargetCall::CheckAction { action }).await {
                    Ok(text) => Reply::json_text(202, text),
                    Err(reply) => reply,
                },
            ));
        }
        Reception::Review { target, request } => {
            let text = match ask(
                edge,
                &target,
                &TargetCall::Review {
                    target: target.clone(),
                    request,
                },
            )
            .await
            {
                Ok(text) => text,
                Err(reply) => return Ok(Err(reply)),
            };
            // A review GitHub or the checks failed is answered 502: the delivery can be sent again.
            let failed = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["reviewFailed"].as_str().map(str::to_owned));
            return Ok(Err(match failed {
                Some(why) => Reply::error(502, "review_failed", why),
                None => Reply::json_text(202, text),
            }));
        }
    };
    let mut answer = WebhookAnswer::default();
    for request in requests {
        let target = request.target.clone();
        let call = TargetCall::Admit(Admit {
            request,
            keys: keys.clone(),
        });
        let asked = ask(edge, &target, &call).await;
        let admitted: Admitted = match asked.and_then(|t| answer_as(&t)) {
            Ok(admitted) => admitted,
            Err(reply) => return Ok(Err(reply)),
        };
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
    Ok(Ok(answer))
}

fn guard_failed(e: String) -> Reply {
    Reply::internal(e)
}

fn too_many_requests(seconds: u64) -> Reply {
    Reply::error(
        429,
        "too_many_requests",
        "too many requests from this address failed their checks: try again later",
    )
    .with("retry-after", seconds.to_string())
}

/// Asks a target's object; its answer's text, or the reply to give when it failed.
async fn ask(edge: &impl Edge, target: &str, call: &TargetCall) -> Result<String, Reply> {
    edge.ask_target(target, call).await.map_err(Reply::internal)
}

/// An object's answer read as `T`.
fn answer_as<T: super::calls::Reply>(text: &str) -> Result<T, Reply> {
    super::calls::read_reply(text).map_err(Reply::internal)
}

async fn targets(edge: &impl Edge) -> Reply {
    let Ok(targets) = edge.targets() else {
        return not_configured();
    };
    let mut out = Vec::with_capacity(targets.len());
    for target in targets {
        let last = ask(edge, &target.name, &TargetCall::Last).await;
        let last: OneDeployment = match last.and_then(|t| answer_as(&t)) {
            Ok(last) => last,
            Err(reply) => return reply,
        };
        out.push(TargetSummary {
            console_url: target.console_url(),
            target,
            last_deployment: last.deployment,
        });
    }
    Reply::json(200, &Targets { targets: out })
}

async fn deployments(edge: &impl Edge, query: Option<&str>) -> Reply {
    let Ok(targets) = edge.targets() else {
        return not_configured();
    };
    let Some(name) = query.and_then(|q| query_value(q, "target")) else {
        return Reply::error(
            400,
            "bad_request",
            "give the target: /api/deployments?target=NAME",
        );
    };
    if !targets.iter().any(|t| t.name == name) {
        return Reply::error(404, "not_found", "no target has that name");
    }
    match edge.ask_target(&name, &TargetCall::Deployments).await {
        // The object's answer is the API's body, `{"deployments": [...]}`, written by core's
        // `calls::answer`: passed on as it is.
        Ok(text) => Reply::json_text(200, text),
        Err(e) => Reply::internal(e),
    }
}

/// The configured target deployment `id` belongs to, or the API's answer when there is none.
fn target_of_deployment<'i>(edge: &impl Edge, id: &'i str) -> Result<&'i str, Reply> {
    let Ok(targets) = edge.targets() else {
        return Err(not_configured());
    };
    Deployment::target_of_id(id)
        .filter(|t| targets.iter().any(|x| x.name == *t))
        .ok_or_else(|| Reply::error(404, "not_found", "no deployment has that id"))
}

async fn deployment(edge: &impl Edge, id: &str) -> Reply {
    let target = match target_of_deployment(edge, id) {
        Ok(target) => target,
        Err(reply) => return reply,
    };
    let call = TargetCall::Deployment { id: id.to_owned() };
    match ask(edge, target, &call)
        .await
        .and_then(|t| answer_as::<OneDeployment>(&t))
    {
        Ok(OneDeployment {
            deployment: Some(d),
        }) => Reply::json(200, &d),
        Ok(_) => Reply::error(404, "not_found", "no deployment has that id"),
        Err(reply) => reply,
    }
}

/// `POST /api/deployments/ID/continue|rollback`: 202 once ECS took the answer, 409 when the
/// deployment is not paused.
async fn pause(edge: &impl Edge, id: &str, action: PauseAction) -> Reply {
    let target = match target_of_deployment(edge, id) {
        Ok(target) => target,
        Err(reply) => return reply,
    };
    let call = TargetCall::AnswerPause {
        id: id.to_owned(),
        action,
    };
    match ask(edge, target, &call)
        .await
        .and_then(|t| answer_as::<PauseReply>(&t))
    {
        Ok(PauseReply {
            status: 202,
            message,
        }) => Reply::json(
            202,
            &serde_json::json!({"id": id, "action": action, "message": message}),
        ),
        Ok(PauseReply { status, message }) => {
            let code = match status {
                404 => "not_found",
                409 => "not_paused",
                _ => "aws_refused",
            };
            Reply::error(status, code, message)
        }
        Err(reply) => reply,
    }
}

async fn deploy(edge: &mut impl Edge, name: &str) -> Reply {
    let Ok(targets) = edge.targets() else {
        return not_configured();
    };
    let Some(target) = targets.iter().find(|t| t.name == name) else {
        return Reply::error(404, "not_found", "no target has that name");
    };
    if !is_json(edge.header("content-type").as_deref()) {
        return Reply::error(
            415,
            "unsupported_media_type",
            "send the body as Content-Type: application/json",
        );
    }
    let body = match read_body(edge, MAX_API_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => return body_error(&e, MAX_API_BODY_BYTES),
    };
    const EXPECTED: &str = "expected {\"sha\": \"...\"} or {\"taskDefinitionArn\": \"...\"}";
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return Reply::error(
            400,
            "bad_request",
            "the body is not JSON: expected {\"sha\": \"...\"} or {\"taskDefinitionArn\": \"...\"}",
        );
    };
    let fields = Obj::of(&value)
        .and_then(|o| Ok((o.opt_string("sha")?, o.opt_string("taskDefinitionArn")?)));
    let (sha, task_definition_arn) = match fields {
        Ok(fields) => fields,
        Err(e) => return Reply::error(400, "bad_request", format!("{e}: {EXPECTED}")),
    };
    // A revision must be one the target can run; the family is checked again against the
    // service before UpdateService. The message does not quote what was sent.
    let task_definition_arn = match task_definition_arn.map(|arn| target.check_revision(&arn)) {
        None => None,
        Some(Ok(arn)) => Some(arn),
        Some(Err(_)) => {
            return Reply::error(
                400,
                "bad_request",
                "taskDefinitionArn is not a revision of this target: expected FAMILY:REVISION, or an ARN in its region and partition",
            );
        }
    };
    let sha = match (sha, &task_definition_arn) {
        (Some(sha), _) => sha,
        (None, Some(arn)) => {
            let call = TargetCall::CommitOfRevision {
                task_definition_arn: arn.clone(),
            };
            match ask(edge, name, &call)
                .await
                .and_then(|t| answer_as::<RevisionCommit>(&t))
            {
                Ok(RevisionCommit { sha: Some(sha) }) => sha,
                Ok(_) => {
                    return Reply::error(
                        400,
                        "bad_request",
                        "this revision was not deployed by Hatoba here: give its commit too ({\"sha\", \"taskDefinitionArn\"})",
                    );
                }
                Err(reply) => return reply,
            }
        }
        (None, None) => return Reply::error(400, "bad_request", EXPECTED),
    };
    if !is_commit_sha(&sha) {
        return Reply::error(
            400,
            "bad_request",
            "sha is not a commit sha: expected 7 to 64 hex digits",
        );
    }
    let request = DeployRequest {
        target: target.name.clone(),
        sha: sha.to_ascii_lowercase(),
        trigger: Trigger::Manual {
            by: "api".to_owned(),
        },
        commit_time: None,
        task_definition_arn,
        pushed_at: None,
    };
    let call = TargetCall::Admit(Admit {
        request,
        keys: vec![],
    });
    match ask(edge, name, &call)
        .await
        .and_then(|t| answer_as::<Admitted>(&t))
    {
        Ok(Admitted { id: Some(id), .. }) => Reply::json(
            202,
            &Queued {
                target: name.to_owned(),
                id,
            },
        ),
        Ok(Admitted { ignored, .. }) => {
            Reply::error(409, "not_queued", ignored.unwrap_or_default())
        }
        Err(reply) => reply,
    }
}
