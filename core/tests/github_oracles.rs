//! GitHub's own published material as the oracle (npm packages, installed by scripts/setup):
//! every `ping`, `push`, `workflow_run` and `deployment` example of `@octokit/webhooks-examples`
//! must parse, and every request Hatoba builds must fit GitHub's REST description in
//! `@octokit/openapi` (path, method, body fields, enums, required fields).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hatoba_core::github::api::{
    CommitStatus, DeploymentState, DeploymentStatus, GitHubClient, RepoRef, StatusState, app,
};
use hatoba_core::github::events::{Event, parse_event};
use hatoba_core::github::webhook::{sign, verify_signature};
use hatoba_core::http::HttpRequest;
use serde_json::Value;

fn node_package(path: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules")
        .join(path);
    assert!(
        p.exists(),
        "{} is missing: run scripts/setup node (npm ci)",
        p.display()
    );
    p
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_published_example_of_the_events_hatoba_handles_parses() {
    let index = read_json(node_package(
        "@octokit/webhooks-examples/api.github.com/index.json",
    ));
    let mut parsed = 0;
    for event in index.as_array().unwrap() {
        let name = event["name"].as_str().unwrap();
        if !["ping", "push", "workflow_run", "deployment"].contains(&name) {
            continue;
        }
        for example in event["examples"].as_array().unwrap() {
            let body = serde_json::to_vec(example).unwrap();
            let parsed_event = parse_event(name, &body).unwrap_or_else(|e| panic!("{e}"));
            match (&parsed_event, name) {
                (Event::Ping(p), "ping") => assert!(!p.zen.is_empty()),
                (Event::Push(p), "push") => {
                    assert_eq!(p.after, example["after"].as_str().unwrap());
                    assert_eq!(
                        p.repository.full_name,
                        example["repository"]["full_name"].as_str().unwrap()
                    );
                }
                (Event::WorkflowRun(w), "workflow_run") => {
                    assert_eq!(
                        w.workflow_run.head_sha,
                        example["workflow_run"]["head_sha"].as_str().unwrap()
                    );
                    assert_eq!(
                        w.workflow_run.conclusion.as_deref(),
                        example["workflow_run"]["conclusion"].as_str()
                    );
                }
                (Event::Deployment(d), "deployment") => {
                    assert_eq!(
                        d.deployment.sha,
                        example["deployment"]["sha"].as_str().unwrap()
                    );
                    assert_eq!(
                        d.deployment.environment,
                        example["deployment"]["environment"].as_str().unwrap()
                    );
                }
                other => panic!("{name} parsed as {other:?}"),
            }
            // A delivery of it, signed as GitHub signs, verifies; one changed byte does not.
            let header = sign(b"fake-webhook-secret", &body);
            assert!(verify_signature(b"fake-webhook-secret", &body, Some(&header)).is_ok());
            let mut tampered = body.clone();
            tampered[1] ^= 1;
            assert!(verify_signature(b"fake-webhook-secret", &tampered, Some(&header)).is_err());
            parsed += 1;
        }
    }
    assert!(parsed >= 16, "only {parsed} examples found");
}

fn openapi() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        read_json(node_package(
            "@octokit/openapi/generated/api.github.com.json",
        ))
    })
}

/// Follows `$ref`s within the description.
fn resolve(v: &Value) -> &Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("a local $ref");
            resolve(
                openapi()
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {r}")),
            )
        }
        None => v,
    }
}

/// The operation of the description that `request` calls, checked against it; panics naming
/// what does not fit.
fn check_against_openapi(request: &HttpRequest) -> &'static Value {
    let url = request
        .url
        .strip_prefix("https://api.github.com")
        .expect("GitHub's API");
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let paths = openapi()["paths"].as_object().unwrap();
    let (template, item) = paths
        .iter()
        .find(|(template, _)| {
            let t: Vec<&str> = template.split('/').collect();
            let p: Vec<&str> = path.split('/').collect();
            // `{path}` of the contents API may span several segments.
            let greedy = template.ends_with("/{path}");
            (t.len() == p.len() || (greedy && p.len() >= t.len()))
                && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
        })
        .unwrap_or_else(|| panic!("no path of GitHub's API matches {path}"));
    let op = &item[request.method.to_lowercase()];
    assert!(
        op.is_object(),
        "{} {template} is not an operation of GitHub's API",
        request.method
    );
    for pair in query.split('&').filter(|q| !q.is_empty()) {
        let name = pair.split('=').next().unwrap();
        let known = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(resolve)
            .any(|p| p["in"] == "query" && p["name"] == name);
        assert!(known, "query parameter {name} is not one of {template}");
    }
    if !request.body.is_empty() {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let schema = resolve(&op["requestBody"]["content"]["application/json"]["schema"]);
        let properties = schema["properties"].as_object().unwrap();
        for (name, value) in body.as_object().unwrap() {
            let property = resolve(
                properties
                    .get(name)
                    .unwrap_or_else(|| panic!("{template}: no body field {name}")),
            );
            if let Some(allowed) = property["enum"].as_array() {
                assert!(
                    allowed.contains(value),
                    "{template}: {name}={value} is not one of {allowed:?}"
                );
            }
            let ty = property["type"].as_str().unwrap_or("");
            let fits = match ty {
                "string" => value.is_string(),
                "boolean" => value.is_boolean(),
                "integer" => value.is_i64() || value.is_u64(),
                _ => true,
            };
            assert!(fits, "{template}: {name}={value} is not a {ty}");
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            assert!(
                body.get(required.as_str().unwrap()).is_some(),
                "{template}: {required} is required"
            );
        }
    }
    op
}

#[test]
fn every_request_hatoba_builds_fits_githubs_rest_description() {
    let gh = GitHubClient {
        api_url: "https://api.github.com".into(),
        token: "ghs_FAKE".into(),
    };
    let repo = RepoRef::parse("octo-org/octo-repo").unwrap();
    let sha = "5779607b49aab1200488439f02372c57b4f75444";
    for state in [
        StatusState::Pending,
        StatusState::Success,
        StatusState::Failure,
        StatusState::Error,
    ] {
        let op = check_against_openapi(&gh.create_commit_status(
            &repo,
            sha,
            &CommitStatus {
                state,
                target_url: Some("https://hatoba.example.workers.dev/#/deployments".into()),
                description: "x".repeat(300),
                context: "hatoba/deploy (production)".into(),
            },
        ));
        assert_eq!(op["operationId"], "repos/create-commit-status");
    }
    for state in [
        DeploymentState::Queued,
        DeploymentState::InProgress,
        DeploymentState::Success,
        DeploymentState::Failure,
        DeploymentState::Error,
        DeploymentState::Inactive,
    ] {
        let op = check_against_openapi(&gh.create_deployment_status(
            &repo,
            42,
            &DeploymentStatus {
                state,
                log_url: Some("https://hatoba.example.workers.dev/#/deployments".into()),
                environment_url: Some("https://web.example.com".into()),
                description: "Rolled out web:43".into(),
            },
        ));
        assert_eq!(op["operationId"], "repos/create-deployment-status");
    }
    let op =
        check_against_openapi(&gh.get_file_contents(&repo, "deploy/task-definition.json", sha));
    assert_eq!(op["operationId"], "repos/get-content");
    let jwt = app::jwt(
        &app::jwt_signing_input("123456", 1_795_766_400),
        b"fake-signature",
    );
    let op = check_against_openapi(&app::create_installation_token(
        "https://api.github.com",
        &jwt,
        7,
    ));
    assert_eq!(op["operationId"], "apps/create-installation-access-token");
}

/// Every published `push`, `workflow_run`, `deployment` and `ping` example routes as GitHub
/// means it, against a target made for the example's own repository: a branch push deploys its
/// `after`, a tag push or a deletion does not; a completed successful run deploys its
/// `head_sha`, any other does not; a deployment deploys its `sha` for its environment.
#[test]
fn every_published_example_routes_as_github_means_it() {
    use hatoba_core::deploy::{Routing, parse_targets, route};
    let index = read_json(node_package(
        "@octokit/webhooks-examples/api.github.com/index.json",
    ));
    let mut routed = 0;
    for event in index.as_array().unwrap() {
        let name = event["name"].as_str().unwrap();
        if !["ping", "push", "workflow_run", "deployment"].contains(&name) {
            continue;
        }
        for example in event["examples"].as_array().unwrap() {
            let repository = example["repository"]["full_name"]
                .as_str()
                .unwrap_or("octo/shop");
            let branch = example["ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("refs/heads/"))
                .or(example["workflow_run"]["head_branch"].as_str())
                .unwrap_or("main");
            let workflow = example["workflow_run"]["path"]
                .as_str()
                .unwrap_or("build.yml");
            let environment = example["deployment"]["environment"]
                .as_str()
                .unwrap_or("production");
            let targets = parse_targets(&serde_json::json!([{"name": "t", "repository": repository,
                "branch": branch, "workflow": workflow, "environment": environment, "region": "us-east-1",
                "cluster": "c", "service": "s", "container": "web", "ecrRepository": "web",
                "taskDefinition": "current"}]))
            .unwrap();
            let body = serde_json::to_vec(example).unwrap();
            let routing = route(name, &body, Some("d"), &targets).unwrap_or_else(|e| panic!("{e}"));
            let expected_sha = match name {
                "push"
                    if example["ref"].as_str().unwrap().starts_with("refs/heads/")
                        && !example["deleted"].as_bool().unwrap_or(false) =>
                {
                    example["after"].as_str()
                }
                "workflow_run"
                    if example["action"] == "completed"
                        && example["workflow_run"]["conclusion"] == "success"
                        && !example["workflow_run"]["event"]
                            .as_str()
                            .unwrap_or_default()
                            .starts_with("pull_request") =>
                {
                    example["workflow_run"]["head_sha"].as_str()
                }
                "deployment" => example["deployment"]["sha"].as_str(),
                _ => None,
            };
            match (&routing, expected_sha) {
                (Routing::Deploy(requests), Some(sha)) => {
                    assert_eq!(requests.len(), 1, "{name}");
                    assert_eq!(requests[0].sha, sha, "{name}");
                }
                (Routing::Ping, None) if name == "ping" => {}
                (Routing::Ignored(why), None) => assert!(!why.is_empty()),
                other => panic!("{name} example routed as {other:?}"),
            }
            routed += 1;
        }
    }
    assert!(routed >= 16, "only {routed} examples routed");
}
