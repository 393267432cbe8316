//! JSON bodies of the worker's HTTP API, one type shared by the worker that writes them and the
//! app and tests that read them.

use serde::{Deserialize, Serialize};

pub mod calls;
pub mod route;
pub mod serve;
use crate::percent::percent_decode;
pub use crate::percent::percent_decode_path;

/// Body of `GET /healthz`: `{"status":"ok","version":"0.1.0"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `"ok"` when the worker answers at all.
    pub status: String,
    /// Hatoba's version ([`crate::VERSION`]).
    pub version: String,
}

impl Health {
    /// The health of this build: status `ok` and this crate's version.
    pub fn ok() -> Self {
        Self {
            status: "ok".to_owned(),
            version: crate::VERSION.to_owned(),
        }
    }
}

/// Body of every error answer of the API, e.g. `{"error":"not_found","message":"no route for GET /x"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`not_found`, `method_not_allowed`, ...).
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
}

impl ErrorBody {
    /// An error answer: `code` for machines, `message` for people. Neither ever quotes the
    /// request (its path, query, headers or body): an echo would let the redaction layer tell
    /// a guess of a secret from a miss.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            error: code.to_owned(),
            message: message.into(),
        }
    }

    /// The answer for a path no route handles.
    pub fn not_found() -> Self {
        Self::new("not_found", "nothing is here")
    }
}

/// The content security policy of the UI: scripts and wasm from the worker itself only (no
/// inline script), requests to the worker only, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// What an answer is, for the headers it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A page or file of the UI whose name carries no content hash (`index.html`, the icon).
    Ui,
    /// A UI file whose name carries its content hash (`pkg/hatoba_bg.3f2a9c41d0.wasm`): a new
    /// build is a new name, so it may be cached for good.
    UiFingerprinted,
    /// JSON of the API, the webhook route or `/healthz`.
    Api,
}

impl Answer {
    /// The kind of a UI answer for `path`: [`Answer::UiFingerprinted`] when its last segment is
    /// `NAME.HASH.EXT` with a hash of 10 or more hex digits, else [`Answer::Ui`].
    pub fn ui_file(path: &str) -> Answer {
        let name = path.rsplit('/').next().unwrap_or_default();
        let mut parts = name.rsplit('.');
        let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next())
        else {
            return Answer::Ui;
        };
        if !stem.is_empty() && hash.len() >= 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            Answer::UiFingerprinted
        } else {
            Answer::Ui
        }
    }
}

/// The headers every answer of the worker carries: no sniffing, no referrer, HTTPS only; the UI
/// under its content security policy, revalidated on each load except the fingerprinted files
/// (cached for a year as immutable), the API never stored.
pub fn security_headers(answer: Answer) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
    ];
    match answer {
        Answer::Ui | Answer::UiFingerprinted => {
            headers.push(("content-security-policy", CONTENT_SECURITY_POLICY));
            headers.push(("x-frame-options", "DENY"));
            headers.push((
                "cache-control",
                if answer == Answer::Ui {
                    "no-cache"
                } else {
                    "public, max-age=31536000, immutable"
                },
            ));
        }
        Answer::Api => headers.push(("cache-control", "no-store")),
    }
    headers
}

/// Whether two secrets are equal, in time that depends on their lengths only (a bearer token
/// compared byte by byte with an early exit tells an attacker how much of it they guessed).
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The token in an `Authorization: Bearer <token>` header.
pub fn bearer_token(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The first value of query parameter `name` in `url`, percent-decoded (`+` is a space).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    query_value(url.split_once('?')?.1, name)
}

/// The first value of parameter `name` in a URL's query (the text after `?`), percent-decoded.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(value))
    })
}

/// A deployment queued for a target, in the answer to a webhook or a deploy request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// The target.
    pub target: String,
    /// The deployment's id.
    pub id: String,
}

/// A target that did nothing with a delivery, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotQueued {
    /// The target.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// One entry of `GET /api/targets`: the target as configured, its last deployment and its
/// service's page in the ECS console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSummary {
    /// The target.
    #[serde(flatten)]
    pub target: crate::deploy::Target,
    /// Its newest deployment, if any.
    pub last_deployment: Option<crate::deploy::Deployment>,
    /// The service in the ECS console.
    pub console_url: String,
}

/// Body of `GET /api/targets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// Every configured target.
    pub targets: Vec<TargetSummary>,
}

/// What the UI reads of an entry of `GET /api/targets`: the fields it shows (the others are
/// ignored), so the browser decodes it without the whole target's reader.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetCard {
    /// The target's name.
    pub name: String,
    /// The GitHub repository, `owner/name`.
    pub repository: String,
    /// The AWS region.
    pub region: String,
    /// The ECS cluster.
    pub cluster: String,
    /// The ECS service.
    pub service: String,
    /// Its newest deployment, if any.
    pub last_deployment: Option<crate::deploy::Deployment>,
    /// The service in the ECS console.
    pub console_url: String,
}

/// `GET /api/targets` as the UI reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TargetCards {
    /// Every configured target.
    pub targets: Vec<TargetCard>,
}

/// Body of `GET /api/deployments?target=NAME`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployments {
    /// The target's deployments, newest first (at most 100).
    pub deployments: Vec<crate::deploy::Deployment>,
}

/// Body of `202` answers to `POST /webhooks/github`: what was queued and what was not.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WebhookAnswer {
    /// Deployments queued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<Queued>,
    /// When nothing was queued: why (`{"ignored": "..."}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// Targets that did nothing while others deployed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<NotQueued>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn ui_answers_carry_the_policy_and_api_answers_are_never_stored() {
        let ui = security_headers(Answer::Ui);
        let csp = ui
            .iter()
            .find(|(n, _)| *n == "content-security-policy")
            .unwrap()
            .1;
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        let api = security_headers(Answer::Api);
        assert!(api.contains(&("cache-control", "no-store")));
        assert!(api.contains(&("x-content-type-options", "nosniff")));
        assert!(!api.iter().any(|(n, _)| *n == "content-security-policy"));
    }

    #[test]
    fn the_uis_light_reading_of_targets_takes_what_the_worker_writes() {
        let target = crate::deploy::parse_targets(&serde_json::json!([{
            "name": "stg-web", "repository": "octo/shop", "branch": "main", "region": "eu-west-1",
            "cluster": "stg", "service": "web", "container": "web", "ecrRepository": "web",
            "taskDefinition": "current"}]))
        .unwrap()
        .remove(0);
        let written = Targets {
            targets: vec![TargetSummary {
                console_url: target.console_url(),
                target,
                last_deployment: None,
            }],
        };
        let read: TargetCards =
            serde_json::from_str(&serde_json::to_string(&written).unwrap()).unwrap();
        let card = &read.targets[0];
        assert_eq!(
            (
                card.name.as_str(),
                card.repository.as_str(),
                card.cluster.as_str()
            ),
            ("stg-web", "octo/shop", "stg")
        );
        assert_eq!(
            (card.service.as_str(), card.region.as_str()),
            ("web", "eu-west-1")
        );
        assert_eq!(card.console_url, written.targets[0].console_url);
    }

    #[test]
    fn only_files_named_with_their_hash_are_immutable() {
        for (path, answer) in [
            ("/pkg/hatoba_bg.3f2a9c41d0.wasm", Answer::UiFingerprinted),
            ("/boot.0123456789abcdef.js", Answer::UiFingerprinted),
            ("/", Answer::Ui),
            ("/index.html", Answer::Ui),
            ("/favicon.svg", Answer::Ui),
            ("/pkg/hatoba.js", Answer::Ui),
            ("/style.notahash99.css", Answer::Ui),
            ("/.0123456789.js", Answer::Ui),
        ] {
            assert_eq!(Answer::ui_file(path), answer, "{path}");
        }
        assert!(
            security_headers(Answer::UiFingerprinted)
                .contains(&("cache-control", "public, max-age=31536000, immutable"))
        );
    }

    #[test]
    fn secrets_and_bearer_tokens() {
        assert!(same_secret(b"read-token", b"read-token"));
        assert!(!same_secret(b"read-token", b"read-tokem"));
        assert!(!same_secret(b"read", b"read-token"));
        assert_eq!(bearer_token(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer_token(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(Some("Basic abc")), None);
        assert_eq!(bearer_token(Some("Bearer ")), None);
        assert_eq!(bearer_token(None), None);
        assert_eq!(
            query_param("https://h/api/deployments?target=stg-web&x=1", "target").as_deref(),
            Some("stg-web")
        );
        assert_eq!(
            query_param("/p?a=b%2Fc+d&target=x#frag", "a").as_deref(),
            Some("b/c d")
        );
        assert_eq!(query_param("/p?a=%2", "a").as_deref(), Some("%2"));
        assert_eq!(query_param("/p?a=1", "target"), None);
        assert_eq!(query_param("/p", "target"), None);
    }

    use super::*;

    #[test]
    fn health_serializes_to_the_documented_shape() {
        let json = serde_json::to_value(Health::ok()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
        );
    }

    #[test]
    fn not_found_quotes_nothing_of_the_request() {
        let body = ErrorBody::not_found();
        assert_eq!(body.error, "not_found");
        assert_eq!(body.message, "nothing is here");
    }

    #[test]
    fn path_segments_decode_strictly() {
        assert_eq!(percent_decode_path("a%2Db+c").as_deref(), Some("a-b+c"));
        assert_eq!(percent_decode_path("%"), None);
        assert_eq!(percent_decode_path("%4"), None);
        assert_eq!(percent_decode_path("%g0"), None);
        assert_eq!(percent_decode_path("%c3%a9").as_deref(), Some("é"));
        assert_eq!(percent_decode_path("%ff"), None);
        assert_eq!(percent_decode_path("%+f"), None);
    }
}
