//! The worker's answers, decided by `api::serve` over a scripted edge: every route, its access
//! rules and body parsing, the paths that once crashed the worker or slipped past its routes,
//! the webhook's order of checks, and that no answer quotes the request.

mod common;
use common::block_on;
use std::cell::RefCell;
use std::collections::HashMap;

use hatoba_core::api::calls::{GuardAnswer, GuardCall, TargetCall};
use hatoba_core::api::serve::{BodyError, Edge, Reply, serve};
use hatoba_core::deploy::{ConfigFinding, Target, parse_targets};
use hatoba_core::github::guard::Guard;
use serde_json::{Value, json};

const READ: &str = "read-token-fake-0001";
const ADMIN: &str = "admin-token-fake-0002";
const SECRET: &str = "webhook-secret-fake-0003";

/// One request's edge: its headers and body, the settings, and objects that answer from a
/// script and remember what they were asked.
struct FakeEdge {
    headers: HashMap<String, String>,
    settings: HashMap<&'static str, String>,
    body: Result<Vec<u8>, BodyError>,
    body_reads: u32,
    calls: RefCell<Vec<(String, TargetCall)>>,
    answers: HashMap<&'static str, Value>,
    guards: RefCell<HashMap<String, Guard>>,
}

impl FakeEdge {
    fn new() -> Self {
        let settings = [
            ("HATOBA_READ_TOKEN", READ),
            ("HATOBA_ADMIN_TOKEN", ADMIN),
            ("GITHUB_WEBHOOK_SECRET", SECRET),
            ("AWS_ACCESS_KEY_ID", "AKIDFAKE"),
            ("AWS_SECRET_ACCESS_KEY", "fake-aws-secret"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
        let answers = [
            ("admit", json!({"id": "stg-web.1795766400000.1a2b3c4"})),
            ("deployments", json!({"deployments": []})),
            ("last", json!({"deployment": null})),
            ("deployment", json!({"deployment": null})),
            ("commitOfRevision", json!({"sha": null})),
        ]
        .into_iter()
        .collect();
        FakeEdge {
            headers: HashMap::new(),
            settings,
            body: Ok(Vec::new()),
            body_reads: 0,
            calls: RefCell::new(Vec::new()),
            answers,
            guards: RefCell::new(HashMap::new()),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .insert(name.to_ascii_lowercase(), value.to_owned());
        self
    }

    fn token(self, token: &str) -> Self {
        self.with_header("authorization", &format!("Bearer {token}"))
    }

    fn json_body(mut self, body: &str) -> Self {
        self.body = Ok(body.as_bytes().to_vec());
        self.with_header("content-type", "application/json")
            .with_header("content-length", &body.len().to_string())
    }
}

impl Edge for FakeEdge {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(&name.to_ascii_lowercase()).cloned()
    }
    fn setting(&self, name: &str) -> Option<String> {
        self.settings.get(name).cloned()
    }
    fn targets(&self) -> Result<Vec<Target>, Vec<ConfigFinding>> {
        parse_targets(&json!([{
            "name": "stg-web", "repository": "octo/shop", "branch": "main",
            "region": "eu-west-1", "cluster": "stg", "service": "web", "container": "web",
            "ecrRepository": "web", "taskDefinition": "current"}]))
    }
    fn now_millis(&self) -> u64 {
        1_795_766_400_000
    }
    async fn body(&mut self, limit: u64) -> Result<Vec<u8>, BodyError> {
        self.body_reads += 1;
        let body = self.body.clone()?;
        if body.len() as u64 > limit {
            return Err(BodyError::TooLarge);
        }
        Ok(body)
    }
    async fn ask_target(&self, target: &str, call: &TargetCall) -> Result<String, String> {
        self.calls
            .borrow_mut()
            .push((target.to_owned(), call.clone()));
        let kind = serde_json::to_value(call).unwrap()["call"]
            .as_str()
            .unwrap()
            .to_owned();
        Ok(self.answers[kind.as_str()].to_string())
    }
    async fn ask_guard(&self, key: &str, call: GuardCall) -> Result<GuardAnswer, String> {
        let mut guards = self.guards.borrow_mut();
        let guard = guards.entry(key.to_owned()).or_default();
        let now = self.now_millis();
        Ok(GuardAnswer {
            retry_after: match call {
                GuardCall::Check => guard.retry_after(now),
                GuardCall::Failed => guard.failed(now),
            },
        })
    }
}

fn answer(method: &str, target: &str, edge: &mut FakeEdge) -> Reply {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    block_on(serve(method, path, query, edge)).expect("a route, not a file")
}

fn body(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap()
}

#[test]
fn every_api_path_without_a_valid_token_is_401_and_reveals_nothing() {
    for (method, path) in [
        ("GET", "/api/targets"),
        ("GET", "/api/nope"),
        ("GET", "/api/deployments/x/../../last"),
        ("POST", "/api/targets/deploy"),
        ("DELETE", "/api/targets"),
        ("GET", "/api"),
    ] {
        for edge in [
            FakeEdge::new(),
            FakeEdge::new().token("wrong"),
            FakeEdge::new().with_header("authorization", &format!("Basic {READ}")),
        ] {
            let mut edge = edge;
            let reply = answer(method, path, &mut edge);
            assert_eq!(reply.status, 401, "{method} {path}");
            assert_eq!(body(&reply)["error"], "unauthorized");
            assert!(edge.calls.borrow().is_empty());
        }
    }
}

#[test]
fn a_read_token_reads_and_only_the_admin_token_deploys() {
    let reply = answer("GET", "/api/targets", &mut FakeEdge::new().token(READ));
    assert_eq!(reply.status, 200);
    assert_eq!(body(&reply)["targets"][0]["name"], "stg-web");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    let mut edge = FakeEdge::new()
        .token(READ)
        .json_body(r#"{"sha": "1a2b3c4"}"#);
    let reply = answer("POST", "/api/targets/stg-web/deploy", &mut edge);
    assert_eq!(reply.status, 401);
    assert!(edge.calls.borrow().is_empty());
    assert_eq!(edge.body_reads, 0);
    let mut edge = FakeEdge::new()
        .token(ADMIN)
        .json_body(r#"{"sha": "1A2B3C4"}"#);
    let reply = answer("POST", "/api/targets/stg-web/deploy", &mut edge);
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert_eq!(
        body(&reply),
        json!({"target": "stg-web", "id": "stg-web.1795766400000.1a2b3c4"})
    );
    // The sha reaches the target in lower case, as every other sha does.
    match &edge.calls.borrow()[0] {
        (target, TargetCall::Admit(admit)) => {
            assert_eq!(target, "stg-web");
            assert_eq!(admit.request.sha, "1a2b3c4");
            assert!(admit.keys.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_paths_that_once_crashed_or_slipped_through_are_plain_answers() {
    for (method, path, status) in [
        ("POST", "/api/targets/deploy", 404),
        ("POST", "/api/targets//deploy", 404),
        ("POST", "/api/targets/a%2Fb/deploy", 400),
        ("POST", "/api/targets/no-such-target/deploy", 404),
        ("GET", "/api/deployments/x/../../last", 400),
        ("GET", "/api/deployments/%2e%2e", 400),
        ("GET", "/api/deployments/no-dot-in-it", 404),
        ("GET", "/api/deployments/other.1.1a2b3c4", 404),
        ("GET", "/api/deployments/stg-web.1.1a2b3c4", 404),
        ("GET", "/api/deployments", 400),
        ("GET", "/api/deployments?target=nope", 404),
        ("PUT", "/api/targets", 405),
    ] {
        let mut edge = FakeEdge::new()
            .token(ADMIN)
            .json_body(r#"{"sha": "1a2b3c4"}"#);
        let reply = answer(method, path, &mut edge);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        assert!(!reply.body.contains("no-such-target") && !reply.body.contains("other."));
    }
    let long = format!("/api/targets/{}/deploy", "a".repeat(100_000));
    let mut edge = FakeEdge::new()
        .token(ADMIN)
        .json_body(r#"{"sha": "1a2b3c4"}"#);
    let reply = answer("POST", &long, &mut edge);
    assert_eq!(reply.status, 404);
    assert!(reply.body.len() < 200);
    // Percent-encoding and a trailing slash name the same routes.
    let mut edge = FakeEdge::new()
        .token(ADMIN)
        .json_body(r#"{"sha": "1a2b3c4"}"#);
    assert_eq!(
        answer("POST", "/api/targets/stg%2dweb/deploy/", &mut edge).status,
        202
    );
    assert_eq!(
        answer(
            "GET",
            "/api/deployments?target=stg%2Dweb",
            &mut FakeEdge::new().token(READ)
        )
        .status,
        200
    );
}

#[test]
fn no_answer_quotes_the_request_so_redaction_is_never_an_oracle() {
    // A guess of a secret in the path, the query or the body comes back nowhere.
    for target in [
        format!("/api/{SECRET}"),
        format!("/api/deployments?target={SECRET}"),
        format!("/api/deployments/stg-web.{SECRET}"),
        format!("/webhooks/{SECRET}"),
    ] {
        let reply = answer("GET", &target, &mut FakeEdge::new().token(READ));
        assert!(reply.status >= 400, "{target}");
        assert!(!reply.body.contains(SECRET), "{target}: {}", reply.body);
    }
    let mut edge = FakeEdge::new()
        .token(ADMIN)
        .json_body(&format!(r#"{{"sha": "{SECRET}"}}"#));
    let reply = answer("POST", "/api/targets/stg-web/deploy", &mut edge);
    assert_eq!(reply.status, 400);
    assert!(!reply.body.contains(SECRET), "{}", reply.body);
}

#[test]
fn a_deploy_body_is_capped_json_of_a_known_shape() {
    let deploy = |edge: FakeEdge| {
        let mut edge = edge.token(ADMIN);
        let reply = answer("POST", "/api/targets/stg-web/deploy", &mut edge);
        (reply.status, body(&reply), edge)
    };
    let form = FakeEdge::new().with_header("content-type", "application/x-www-form-urlencoded");
    assert_eq!(deploy(form).0, 415);
    let huge = format!(r#"{{"sha": "1a2b3c4", "pad": "{}"}}"#, "x".repeat(70_000));
    let (status, _, edge) = deploy(FakeEdge::new().json_body(&huge));
    assert_eq!(status, 413);
    assert!(edge.calls.borrow().is_empty());
    let declared = FakeEdge::new()
        .json_body("{}")
        .with_header("content-length", "4294967296");
    let (status, _, edge) = deploy(declared);
    assert_eq!((status, edge.body_reads), (413, 0));
    assert_eq!(deploy(FakeEdge::new().json_body("{not json")).0, 400);
    let (status, b, _) = deploy(FakeEdge::new().json_body(r#"{"sha": 7}"#));
    assert_eq!(status, 400);
    assert!(b["message"].as_str().unwrap().starts_with("sha: "), "{b}");
    assert_eq!(deploy(FakeEdge::new().json_body("{}")).0, 400);
    assert_eq!(
        deploy(FakeEdge::new().json_body(r#"{"sha": "main"}"#)).0,
        400
    );
    // A revision alone: its commit is looked up in the target's history.
    let arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4";
    let (status, b, edge) =
        deploy(FakeEdge::new().json_body(&format!(r#"{{"taskDefinitionArn": "{arn}"}}"#)));
    assert_eq!(status, 400, "{b}");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("not deployed by Hatoba here")
    );
    assert!(matches!(
        &edge.calls.borrow()[0].1,
        TargetCall::CommitOfRevision { task_definition_arn } if task_definition_arn == arn
    ));
    let mut known = FakeEdge::new().json_body(&format!(r#"{{"taskDefinitionArn": "{arn}"}}"#));
    known
        .answers
        .insert("commitOfRevision", json!({"sha": "1a2b3c4"}));
    let (status, _, edge) = deploy(known);
    assert_eq!(status, 202);
    match &edge.calls.borrow()[1].1 {
        TargetCall::Admit(admit) => {
            assert_eq!(admit.request.task_definition_arn.as_deref(), Some(arn));
            assert_eq!(admit.request.sha, "1a2b3c4");
        }
        other => panic!("{other:?}"),
    }
    // A revision of another region, or not a revision at all, is refused before anything is
    // asked of the target (the family is the pipeline's check, against the service).
    for arn in [
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:4",
        "web:latest",
        "arn:aws:iam::123456789012:role/admin",
    ] {
        let (status, b, edge) = deploy(FakeEdge::new().json_body(&format!(
            r#"{{"sha": "1a2b3c4", "taskDefinitionArn": "{arn}"}}"#
        )));
        assert_eq!(status, 400, "{arn}: {b}");
        assert!(!b.to_string().contains(arn), "{b}");
        assert!(edge.calls.borrow().is_empty());
    }
    let mut refused = FakeEdge::new().json_body(r#"{"sha": "1a2b3c4"}"#);
    refused.answers.insert(
        "admit",
        json!({"ignored": "commit 1a2b3c4 is already deploying"}),
    );
    let (status, b, _) = deploy(refused);
    assert_eq!((status, b["error"].as_str()), (409, Some("not_queued")));
}

#[test]
fn health_says_what_is_missing() {
    let reply = answer("GET", "/healthz", &mut FakeEdge::new());
    assert_eq!(
        (reply.status, body(&reply)["status"].as_str()),
        (200, Some("ok"))
    );
    let mut edge = FakeEdge::new();
    edge.settings.remove("AWS_SECRET_ACCESS_KEY");
    edge.settings
        .insert("HATOBA_MAX_BODY_BYTES", "lots".to_owned());
    let reply = answer("GET", "/healthz", &mut edge);
    assert_eq!(reply.status, 503);
    let findings = body(&reply)["findings"].to_string();
    assert!(
        findings.contains("AWS_SECRET_ACCESS_KEY: missing"),
        "{findings}"
    );
    assert!(findings.contains("HATOBA_MAX_BODY_BYTES"), "{findings}");
    assert!(!findings.contains("lots"), "{findings}");
    assert!(block_on(serve("GET", "/index.html", None, &mut FakeEdge::new())).is_none());
    assert_eq!(answer("POST", "/", &mut FakeEdge::new()).status, 405);
    assert_eq!(
        answer("GET", "/webhooks/github", &mut FakeEdge::new()).header("allow"),
        Some("POST")
    );
}

fn delivery(edge: FakeEdge, address: &str) -> FakeEdge {
    edge.with_header("cf-connecting-ip", address)
        .with_header("x-github-event", "push")
        .with_header("x-github-delivery", "d-1")
}

#[test]
fn a_webhook_is_guarded_before_its_body_is_read_and_every_bad_one_counts() {
    let address = "2001:db8:1:2::9";
    let mut shared = FakeEdge::new();
    let mut send = |edge: FakeEdge, address: &str| {
        let mut edge = delivery(edge, address);
        // The guards live on between requests, as the guard objects do.
        edge.guards = std::mem::take(&mut shared.guards);
        let reply = answer("POST", "/webhooks/github", &mut edge);
        shared.guards = std::mem::take(&mut edge.guards);
        (reply, edge.body_reads)
    };
    // Forged, oversized (declared beyond 32 bits, so it would wrap a wasm usize), broken.
    let forged = FakeEdge::new()
        .json_body("{}")
        .with_header("x-hub-signature-256", "sha256=00");
    let (reply, _) = send(forged, address);
    assert_eq!(reply.status, 401);
    let huge = FakeEdge::new()
        .json_body("{}")
        .with_header("content-length", "4294967296");
    let (reply, reads) = send(huge, address);
    assert_eq!((reply.status, reads), (413, 0));
    let mut broken = FakeEdge::new().json_body("{}");
    broken.body = Err(BodyError::Malformed("it ended early".into()));
    let (reply, _) = send(broken, address);
    assert_eq!(reply.status, 400);
    assert_eq!(body(&reply)["error"], "bad_request");
    let mut streamed = FakeEdge::new().json_body("{}");
    streamed.headers.remove("content-length");
    streamed.body = Err(BodyError::TooLarge);
    assert_eq!(send(streamed, address).0.status, 413);
    // Four failures so far; the tenth is refused with 429, and so is everything after it from
    // the same /64, before its body is read. Another address is still heard.
    let mut last = None;
    for n in 5..=10 {
        let forged = FakeEdge::new()
            .json_body("{}")
            .with_header("x-hub-signature-256", "sha256=00");
        last = Some((n, send(forged, "2001:db8:1:2::77").0));
    }
    let (_, reply) = last.unwrap();
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("600"));
    let (reply, reads) = send(FakeEdge::new().json_body("{}"), "2001:db8:1:2:ffff::1");
    assert_eq!((reply.status, reads), (429, 0));
    let (reply, _) = send(FakeEdge::new().json_body("{}"), "2001:db8:1:3::1");
    assert_eq!(reply.status, 401);
}

#[test]
fn answering_a_pause_takes_the_admin_token_and_maps_the_targets_answer() {
    const ID: &str = "stg-web.1795766400000.1a2b3c4";
    let path = |word: &str| format!("/api/deployments/{ID}/{word}");
    // Without the admin token nothing is asked of the target: it changes a rollout.
    for word in ["continue", "rollback"] {
        for edge in [
            FakeEdge::new(),
            FakeEdge::new().token(READ),
            FakeEdge::new().token("wrong"),
        ] {
            let mut edge = edge;
            let reply = answer("POST", &path(word), &mut edge);
            assert_eq!(reply.status, 401, "{word}: {}", reply.body);
            assert_eq!(body(&reply)["error"], "unauthorized");
            assert!(edge.calls.borrow().is_empty(), "{word}");
        }
    }
    // Each of the target's answers becomes the API's status and error code.
    for (word, status, code) in [
        ("continue", 202, None),
        ("rollback", 202, None),
        ("continue", 409, Some("not_paused")),
        ("rollback", 404, Some("not_found")),
        ("continue", 502, Some("aws_refused")),
    ] {
        let mut edge = FakeEdge::new().token(ADMIN);
        let message = format!("the target said {status}");
        edge.answers
            .insert("answerPause", json!({"status": status, "message": message}));
        let reply = answer("POST", &path(word), &mut edge);
        assert_eq!(reply.status, status, "{word}: {}", reply.body);
        let b = body(&reply);
        match code {
            None => {
                assert_eq!(b["id"], ID);
                assert_eq!(b["action"], word);
                assert_eq!(b["message"], message);
            }
            Some(code) => {
                assert_eq!(b["error"], code, "{b}");
                assert_eq!(b["message"], message, "{b}");
            }
        }
        let calls = edge.calls.borrow();
        assert_eq!(calls.len(), 1);
        match &calls[0] {
            (target, TargetCall::AnswerPause { id, action }) => {
                assert_eq!((target.as_str(), id.as_str()), ("stg-web", ID));
                assert_eq!(serde_json::to_value(action).unwrap(), word);
            }
            other => panic!("{other:?}"),
        }
    }
    // An id of no configured target is 404 before the target is asked.
    for id in ["other.1795766400000.1a2b3c4", "no-dot-in-it"] {
        let mut edge = FakeEdge::new().token(ADMIN);
        let reply = answer(
            "POST",
            &format!("/api/deployments/{id}/continue"),
            &mut edge,
        );
        assert_eq!(reply.status, 404, "{id}");
        assert!(edge.calls.borrow().is_empty(), "{id}");
    }
    // Only POST: GET is 405 and says so.
    for word in ["continue", "rollback"] {
        let mut edge = FakeEdge::new().token(ADMIN);
        let reply = answer("GET", &path(word), &mut edge);
        assert_eq!(reply.status, 405, "{word}");
        assert_eq!(reply.header("allow"), Some("POST"));
        assert!(edge.calls.borrow().is_empty());
    }
}
