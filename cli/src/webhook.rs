//! `hatoba webhook send`: a realistic, signed GitHub delivery, posted to a Hatoba worker (or
//! any webhook endpoint), for trying a setup without pushing a commit.

use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::process::ExitCode;

use hatoba_core::deploy::time;
use hatoba_core::github::events::{DELIVERY_HEADER, EVENT_HEADER};
use hatoba_core::github::webhook::{SIGNATURE_HEADER, sign};
use hatoba_core::http::{Clock, HttpRequest, Transport};
use serde_json::{Value, json};

use crate::transport::{NativeTransport, SystemClock, block_on};

/// `hatoba webhook ...`.
#[derive(Debug, clap::Subcommand)]
pub enum WebhookCommand {
    /// Build a delivery as GitHub sends it, sign it with the webhook secret, post it to URL and
    /// print the answer. Exit 0 on a 2xx answer, 1 on another, 2 on a usage or network error.
    Send(SendArgs),
}

/// `hatoba webhook send`'s arguments.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The event: push, workflow_run, deployment, ping, pull_request, check_suite or check_run.
    #[arg(long, value_parser = ["push", "workflow_run", "deployment", "ping", "pull_request", "check_suite", "check_run"])]
    pub event: String,
    /// What happened (pull_request: opened, synchronize, reopened, ready_for_review or closed;
    /// check_suite: requested or rerequested; check_run: rerequested or requested_action).
    /// Default: the first of the event's.
    #[arg(long)]
    pub action: Option<String>,
    /// The repository, OWNER/NAME.
    #[arg(long)]
    pub repository: String,
    /// The branch pushed to (push), built (workflow_run), or the pull request's base
    /// (pull_request, check_suite, check_run).
    #[arg(long, default_value = "main")]
    pub branch: String,
    /// The commit (for a pull request, its head).
    #[arg(long, default_value = "0123456789abcdef0123456789abcdef01234567")]
    pub sha: String,
    /// The pull request's number (pull_request, check_suite, check_run).
    #[arg(long, default_value_t = 1)]
    pub number: u64,
    /// The pull request's head branch (pull_request, check_suite, check_run).
    #[arg(long, default_value = "change")]
    pub head_branch: String,
    /// The check run's name (check_run).
    #[arg(long, default_value = "Hatoba checks")]
    pub check_name: String,
    /// The check run's external id, as its app set it (check_run).
    #[arg(long, default_value = "")]
    pub external_id: String,
    /// The identifier of the check run's button that was pressed, e.g. rollback or redeploy
    /// (check_run, action requested_action).
    #[arg(long)]
    pub requested_action: Option<String>,
    /// The GitHub App's id (check_suite and check_run: the app the suite belongs to).
    #[arg(long, default_value_t = 1)]
    pub app_id: u64,
    /// The installation's id (pull_request, check_suite, check_run: as GitHub sends to an app).
    #[arg(long, default_value_t = 1)]
    pub installation_id: u64,
    /// The environment (deployment).
    #[arg(long, default_value = "production")]
    pub environment: String,
    /// The workflow file (workflow_run), as in .github/workflows/FILE.
    #[arg(long, default_value = "build.yml")]
    pub workflow: String,
    /// How the workflow run (workflow_run) or the check run (check_run, action rerequested) ended.
    #[arg(long, default_value = "success")]
    pub conclusion: String,
    /// The GitHub deployment's id (deployment).
    #[arg(long, default_value_t = 1)]
    pub deployment_id: u64,
    /// When the commit was made, RFC 3339 (default: now).
    #[arg(long)]
    pub commit_time: Option<String>,
    /// The X-GitHub-Delivery id (default: a new one; give an old one to send a redelivery).
    #[arg(long)]
    pub delivery: Option<String>,
    /// Send this file as the body instead of building one.
    #[arg(long)]
    pub body: Option<PathBuf>,
    /// The webhook secret.
    #[arg(long, env = "GITHUB_WEBHOOK_SECRET", hide_env_values = true)]
    pub secret: String,
    /// Where to post it, e.g. http://127.0.0.1:8787/webhooks/github.
    pub url: String,
}

fn random_hex(n: usize) -> String {
    let mut out = String::new();
    while out.len() < n {
        out.push_str(&format!("{:016x}", RandomState::new().hash_one(out.len())));
    }
    out.truncate(n);
    out
}

fn delivery_id() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The actions `--action` takes for each event that has them, the default first.
pub const ACTIONS: [(&str, &[&str]); 3] = [
    (
        "pull_request",
        &[
            "opened",
            "synchronize",
            "reopened",
            "ready_for_review",
            "closed",
        ],
    ),
    ("check_suite", &["requested", "rerequested"]),
    ("check_run", &["rerequested", "requested_action"]),
];

/// The delivery's action (None for events without one), or why the flags do not fit together.
pub fn action(args: &SendArgs) -> Result<Option<&str>, String> {
    let Some((_, actions)) = ACTIONS.iter().find(|(event, _)| *event == args.event) else {
        return match (&args.action, &args.requested_action) {
            (None, None) => Ok(None),
            (Some(_), _) => Err(format!("--action: a {} event has none", args.event)),
            (_, Some(_)) => Err(
                "--requested-action goes with --event check_run --action requested_action".into(),
            ),
        };
    };
    let action = match &args.action {
        None => actions[0],
        Some(a) => actions.iter().copied().find(|x| x == a).ok_or_else(|| {
            format!(
                "--action: a {} event is {}, not {a}",
                args.event,
                actions.join(", ")
            )
        })?,
    };
    match (action, &args.requested_action) {
        ("requested_action", None) => {
            Err("--requested-action IDENTIFIER: which button was pressed".into())
        }
        ("requested_action", Some(_)) | (_, None) => Ok(Some(action)),
        (_, Some(_)) => Err("--requested-action goes with --action requested_action".into()),
    }
}

// The ids GitHub gave the pieces a delivery names, fixed so that a test can find them again.
const CHECK_SUITE_ID: u64 = 118_578_147;
const CHECK_RUN_ID: u64 = 128_620_228;
const PULL_REQUEST_ID: u64 = 279_147_437;
/// The base branch's commit a pull request is compared with.
const BASE_SHA: &str = "e7fdf7640066d71ad16a86fbcbb9c6a10a18af4f";

/// The payload GitHub would send for `args`, or why the flags do not fit together.
pub fn payload(args: &SendArgs, now_millis: u64) -> Result<Value, String> {
    let action = action(args)?;
    let (owner, name) = args
        .repository
        .split_once('/')
        .unwrap_or(("octo", &args.repository));
    let commit_time = args
        .commit_time
        .clone()
        .unwrap_or_else(|| time::format(now_millis).replace(".000Z", "Z"));
    let html = format!("https://github.com/{}", args.repository);
    let repository = |push_form: bool| {
        let owner_value = if push_form {
            json!({"name": owner, "email": null})
        } else {
            json!({"login": owner, "id": 1, "type": "Organization"})
        };
        json!({"id": 1, "name": name, "full_name": args.repository, "private": true, "owner": owner_value,
               "html_url": html, "default_branch": "main"})
    };
    let sender = json!({"login": "octocat", "id": 583231, "type": "User"});
    let head_commit = json!({"id": args.sha, "tree_id": args.sha, "message": "Update the shop", "timestamp": commit_time,
                             "author": {"name": "Octo Cat", "email": "octocat@example.com"}});
    let api = format!("https://api.github.com/repos/{}", args.repository);
    let installation = json!({"id": args.installation_id, "node_id": format!("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{}", args.installation_id)});
    let number = args.number;
    let repo_brief = json!({"id": 1, "url": api, "name": name});
    // A pull request as check suites and check runs list them.
    let pull_requests = json!([{
        "url": format!("{api}/pulls/{number}"), "id": PULL_REQUEST_ID + number, "number": number,
        "head": {"ref": args.head_branch, "sha": args.sha, "repo": repo_brief},
        "base": {"ref": args.branch, "sha": BASE_SHA, "repo": repo_brief},
    }]);
    let app = json!({
        "id": args.app_id, "slug": "hatoba", "node_id": format!("MDM6QXBw{}", args.app_id),
        "owner": {"login": owner, "id": 1, "type": "Organization"}, "name": "Hatoba",
        "description": "Deploys containers from GitHub to Amazon ECS", "external_url": "https://hatoba.example.com",
        "html_url": "https://github.com/apps/hatoba", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "permissions": {"checks": "write", "contents": "read", "deployments": "write", "metadata": "read",
                        "pull_requests": "read", "statuses": "write"},
        "events": ["check_run", "check_suite", "pull_request", "push", "workflow_run"],
    });
    let check_suite = |status: &str, conclusion: Value| {
        json!({
            "id": CHECK_SUITE_ID, "node_id": "MDEwOkNoZWNrU3VpdGUxMTg1NzgxNDc=", "head_branch": args.head_branch,
            "head_sha": args.sha, "status": status, "conclusion": conclusion,
            "url": format!("{api}/check-suites/{CHECK_SUITE_ID}"), "before": BASE_SHA, "after": args.sha,
            "pull_requests": pull_requests, "app": app, "created_at": commit_time, "updated_at": commit_time,
        })
    };
    Ok(match args.event.as_str() {
        "pull_request" => {
            let action = action.unwrap_or("opened");
            let closed = action == "closed";
            let user = json!({"login": owner, "id": 1, "type": "Organization"});
            let side = |branch: &str, sha: &str| {
                let mut repo = repository(false);
                repo["url"] = json!(api);
                json!({"label": format!("{owner}:{branch}"), "ref": branch, "sha": sha, "user": user, "repo": repo})
            };
            let mut body = json!({
                "action": action, "number": number,
                "pull_request": {
                    "url": format!("{api}/pulls/{number}"), "id": PULL_REQUEST_ID + number,
                    "node_id": format!("MDExOlB1bGxSZXF1ZXN0{}", PULL_REQUEST_ID + number),
                    "html_url": format!("{html}/pull/{number}"), "diff_url": format!("{html}/pull/{number}.diff"),
                    "patch_url": format!("{html}/pull/{number}.patch"), "issue_url": format!("{api}/issues/{number}"),
                    "commits_url": format!("{api}/pulls/{number}/commits"), "statuses_url": format!("{api}/statuses/{}", args.sha),
                    "number": number, "state": if closed { "closed" } else { "open" }, "locked": false,
                    "title": "Update the shop", "user": sender, "body": null, "created_at": commit_time,
                    "updated_at": commit_time, "closed_at": if closed { json!(commit_time) } else { Value::Null },
                    "merged_at": null, "merge_commit_sha": null, "draft": false, "merged": false, "mergeable": null,
                    "author_association": "MEMBER", "head": side(&args.head_branch, &args.sha), "base": side(&args.branch, BASE_SHA),
                    "comments": 0, "review_comments": 0, "commits": 1, "additions": 1, "deletions": 0, "changed_files": 1,
                },
                "repository": repository(false), "sender": sender, "installation": installation,
            });
            if action == "synchronize" {
                // The head before the push that moved it: another commit.
                let before: String = args
                    .sha
                    .chars()
                    .map(|c| {
                        c.to_digit(16)
                            .map_or(c, |d| char::from_digit((d + 1) % 16, 16).unwrap())
                    })
                    .collect();
                body["before"] = json!(before);
                body["after"] = json!(args.sha);
            }
            body
        }
        "check_suite" => {
            let action = action.unwrap_or("requested");
            let suite = if action == "requested" {
                check_suite("queued", Value::Null)
            } else {
                check_suite("completed", json!(args.conclusion))
            };
            json!({"action": action, "check_suite": suite, "repository": repository(false), "sender": sender,
                   "installation": installation})
        }
        "check_run" => {
            let action = action.unwrap_or("rerequested");
            let mut body = json!({
                "action": action,
                "check_run": {
                    "id": CHECK_RUN_ID, "node_id": "MDg6Q2hlY2tSdW4xMjg2MjAyMjg=", "name": args.check_name,
                    "head_sha": args.sha, "external_id": args.external_id,
                    "url": format!("{api}/check-runs/{CHECK_RUN_ID}"), "html_url": format!("{html}/runs/{CHECK_RUN_ID}"),
                    "details_url": format!("{html}/runs/{CHECK_RUN_ID}"), "status": "completed",
                    "conclusion": args.conclusion, "started_at": commit_time, "completed_at": commit_time,
                    "output": {"title": null, "summary": null, "text": null, "annotations_count": 0,
                               "annotations_url": format!("{api}/check-runs/{CHECK_RUN_ID}/annotations")},
                    "check_suite": check_suite("completed", json!(args.conclusion)),
                    "app": app, "pull_requests": pull_requests,
                },
                "repository": repository(false), "sender": sender, "installation": installation,
            });
            if let Some(identifier) = &args.requested_action {
                body["requested_action"] = json!({"identifier": identifier});
            }
            body
        }
        "push" => json!({
            "ref": format!("refs/heads/{}", args.branch), "before": "0".repeat(40), "after": args.sha,
            "created": false, "deleted": false, "forced": false, "base_ref": null,
            "compare": format!("{html}/compare/{}", &args.sha[..args.sha.len().min(12)]),
            "commits": [head_commit.clone()], "head_commit": head_commit,
            "repository": repository(true), "pusher": {"name": "octocat", "email": "octocat@example.com"}, "sender": sender,
        }),
        "workflow_run" => json!({
            "action": "completed",
            "workflow_run": {"id": 30433642, "name": "Build", "head_branch": args.branch, "head_sha": args.sha,
                "path": format!(".github/workflows/{}", args.workflow), "run_number": 12, "event": "push",
                "status": "completed", "conclusion": args.conclusion, "workflow_id": 159038,
                "html_url": format!("{html}/actions/runs/30433642"), "head_commit": head_commit},
            "workflow": {"id": 159038, "name": "Build", "path": format!(".github/workflows/{}", args.workflow)},
            "repository": repository(false), "sender": sender,
        }),
        "deployment" => json!({
            "action": "created",
            "deployment": {"id": args.deployment_id, "sha": args.sha, "ref": args.branch, "task": "deploy",
                "payload": {}, "environment": args.environment, "creator": sender},
            "repository": repository(false), "sender": sender,
        }),
        _ => json!({
            "zen": "Keep it logically awesome.", "hook_id": 109948940,
            "hook": {"type": "Repository", "id": 109948940, "active": true, "events": ["push", "workflow_run", "deployment"],
                     "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://hatoba.example.com/webhooks/github"}},
            "repository": repository(false), "sender": sender,
        }),
    })
}

/// Runs `hatoba webhook send`.
pub fn run(command: WebhookCommand) -> ExitCode {
    let WebhookCommand::Send(args) = command;
    let body = match &args.body {
        Some(path) => match std::fs::read(path) {
            Ok(body) => body,
            Err(e) => {
                eprintln!("hatoba webhook send: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => match payload(&args, SystemClock.now_millis()) {
            Ok(body) => serde_json::to_vec(&body).expect("JSON serializes"),
            Err(e) => {
                eprintln!("hatoba webhook send: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let delivery = args.delivery.clone().unwrap_or_else(delivery_id);
    let request = HttpRequest {
        method: "POST".into(),
        url: args.url.clone(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("user-agent".into(), "GitHub-Hookshot/hatoba".into()),
            (EVENT_HEADER.into(), args.event.clone()),
            (DELIVERY_HEADER.into(), delivery.clone()),
            (SIGNATURE_HEADER.into(), sign(args.secret.as_bytes(), &body)),
        ],
        body,
    };
    eprintln!(
        "POST {} ({} event, delivery {delivery})",
        args.url, args.event
    );
    match block_on(NativeTransport::new().send(request)) {
        Ok(response) => {
            println!("{}", String::from_utf8_lossy(&response.body));
            eprintln!("HTTP {}", response.status);
            if (200..300).contains(&response.status) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("hatoba webhook send: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hatoba_core::deploy::{Routing, parse_targets, route};

    fn args(event: &str) -> SendArgs {
        SendArgs {
            event: event.into(),
            action: None,
            repository: "octo/shop".into(),
            branch: "main".into(),
            sha: "a".repeat(40),
            number: 7,
            head_branch: "feature".into(),
            check_name: "Hatoba checks".into(),
            external_id: "".into(),
            requested_action: None,
            app_id: 42,
            installation_id: 4242,
            environment: "production".into(),
            workflow: "build.yml".into(),
            conclusion: "success".into(),
            deployment_id: 7,
            commit_time: None,
            delivery: None,
            body: None,
            secret: "fake-secret".into(),
            url: "http://127.0.0.1:9/webhooks/github".into(),
        }
    }

    #[test]
    fn each_payload_routes_as_github_means_it() {
        let targets = parse_targets(&json!([{"name": "t", "repository": "octo/shop", "branch": "main",
            "workflow": "build.yml", "environment": "production", "region": "us-east-1", "cluster": "c",
            "service": "s", "container": "web", "ecrRepository": "web", "taskDefinition": "current"}]))
        .unwrap();
        for event in ["push", "workflow_run", "deployment"] {
            let body =
                serde_json::to_vec(&payload(&args(event), 1_795_970_331_000).unwrap()).unwrap();
            match route(event, &body, Some("d"), &targets).unwrap() {
                Routing::Deploy(r) => assert_eq!(r[0].sha, "a".repeat(40), "{event}"),
                other => panic!("{event}: {other:?}"),
            }
        }
        let body = serde_json::to_vec(&payload(&args("ping"), 0).unwrap()).unwrap();
        assert_eq!(route("ping", &body, None, &targets).unwrap(), Routing::Ping);
        assert!(delivery_id().len() == 36);
    }

    fn with_action(event: &str, action: &str) -> SendArgs {
        SendArgs {
            action: Some(action.into()),
            ..args(event)
        }
    }

    /// The body as the worker receives it: bytes, parsed back.
    fn sent(args: &SendArgs) -> Value {
        let body = serde_json::to_vec(&payload(args, 1_795_970_331_000).unwrap()).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    #[test]
    fn a_pull_request_names_its_head_base_and_installation() {
        let opened = sent(&args("pull_request"));
        assert_eq!(opened["action"], "opened");
        assert_eq!(opened["number"], 7);
        let pr = &opened["pull_request"];
        assert_eq!(pr["number"], 7);
        assert_eq!(pr["head"]["sha"], "a".repeat(40));
        assert_eq!(pr["head"]["ref"], "feature");
        assert_eq!(pr["base"]["ref"], "main");
        assert_eq!(pr["head"]["repo"]["full_name"], "octo/shop");
        assert_eq!(pr["base"]["repo"]["full_name"], "octo/shop");
        assert_eq!(
            (&pr["state"], &pr["draft"]),
            (&json!("open"), &json!(false))
        );
        assert_eq!(pr["html_url"], "https://github.com/octo/shop/pull/7");
        assert_eq!(opened["installation"]["id"], 4242);
        assert!(opened.get("before").is_none());

        let pushed = sent(&with_action("pull_request", "synchronize"));
        assert_eq!(pushed["after"], "a".repeat(40));
        assert_ne!(pushed["before"], pushed["after"]);
        let closed = sent(&with_action("pull_request", "closed"));
        assert_eq!(closed["pull_request"]["state"], "closed");
        assert!(closed["pull_request"]["closed_at"].is_string());
    }

    #[test]
    fn a_check_suite_and_a_check_run_name_their_pull_request_and_app() {
        let suite = sent(&args("check_suite"));
        assert_eq!(suite["action"], "requested");
        let cs = &suite["check_suite"];
        assert_eq!(
            (&cs["head_sha"], &cs["head_branch"], &cs["status"]),
            (&json!("a".repeat(40)), &json!("feature"), &json!("queued"))
        );
        assert_eq!(cs["pull_requests"][0]["number"], 7);
        assert_eq!(cs["pull_requests"][0]["head"]["sha"], "a".repeat(40));
        assert_eq!(cs["pull_requests"][0]["base"]["ref"], "main");
        assert_eq!(cs["app"]["id"], 42);
        assert_eq!(
            sent(&with_action("check_suite", "rerequested"))["check_suite"]["status"],
            "completed"
        );

        let rerun = sent(&args("check_run"));
        assert_eq!(rerun["action"], "rerequested");
        let cr = &rerun["check_run"];
        assert_eq!(
            (&cr["name"], &cr["head_sha"]),
            (&json!("Hatoba checks"), &json!("a".repeat(40)))
        );
        assert_eq!(cr["check_suite"]["id"], cs["id"]);
        assert_eq!(cr["pull_requests"][0]["number"], 7);
        assert_eq!(cr["app"]["id"], 42);
        assert!(rerun.get("requested_action").is_none());

        let pressed = sent(&SendArgs {
            requested_action: Some("rollback".into()),
            external_id: "deploy-12".into(),
            check_name: "hatoba/production".into(),
            ..with_action("check_run", "requested_action")
        });
        assert_eq!(pressed["action"], "requested_action");
        assert_eq!(
            pressed["requested_action"],
            json!({"identifier": "rollback"})
        );
        assert_eq!(pressed["check_run"]["external_id"], "deploy-12");
        assert_eq!(pressed["check_run"]["name"], "hatoba/production");
    }

    #[test]
    fn flags_that_do_not_fit_the_event_are_refused() {
        let refused = |a: SendArgs| payload(&a, 0).unwrap_err();
        assert!(refused(with_action("pull_request", "requested")).contains("opened, synchronize"));
        assert!(refused(with_action("push", "opened")).contains("push event has none"));
        assert!(
            refused(with_action("check_run", "requested_action")).contains("--requested-action")
        );
        let stray = SendArgs {
            requested_action: Some("rollback".into()),
            ..args("check_run")
        };
        assert!(refused(stray).contains("--action requested_action"));
        for (event, actions) in ACTIONS {
            for action in actions {
                let a = SendArgs {
                    requested_action: (*action == "requested_action").then(|| "redeploy".into()),
                    ..with_action(event, action)
                };
                assert_eq!(payload(&a, 0).unwrap()["action"], *action);
            }
        }
    }

    /// Every key path of `value` (array items as `[]`), with the JSON types seen there.
    fn shapes(
        value: &Value,
        path: String,
        out: &mut std::collections::BTreeMap<String, Vec<&'static str>>,
    ) {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let kinds = out.entry(path.clone()).or_default();
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        match value {
            Value::Array(items) => items
                .iter()
                .for_each(|v| shapes(v, format!("{path}[]"), out)),
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| shapes(v, format!("{path}.{k}"), out)),
            _ => {}
        }
    }

    #[test]
    fn the_new_payloads_have_only_fields_githubs_own_examples_have() {
        // No JSON schema of the webhook payloads is installed; GitHub's published examples are.
        let index = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/@octokit/webhooks-examples/api.github.com/index.json");
        let index: Value = serde_json::from_slice(
            &std::fs::read(&index)
                .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup node)", index.display())),
        )
        .unwrap();
        for (event, actions) in ACTIONS {
            let examples = index
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == event)
                .unwrap()["examples"]
                .as_array()
                .unwrap();
            let mut theirs = std::collections::BTreeMap::new();
            for example in examples {
                shapes(example, String::new(), &mut theirs);
            }
            for action in actions {
                let a = SendArgs {
                    requested_action: (*action == "requested_action").then(|| "redeploy".into()),
                    ..with_action(event, action)
                };
                let ours = sent(&a);
                let mut mine = std::collections::BTreeMap::new();
                shapes(&ours, String::new(), &mut mine);
                for (path, kinds) in &mine {
                    // An app's permissions are a map of whatever it was granted.
                    if path.contains(".app.permissions.") {
                        continue;
                    }
                    let Some(seen) = theirs.get(path) else {
                        // Items of an array GitHub's examples have only empty (an app's events).
                        let items = path.rfind("[]").map(|n| &path[..n + 2]);
                        let empty_there = items.is_some_and(|items| {
                            theirs.contains_key(&items[..items.len() - 2])
                                && !theirs.keys().any(|k| k.starts_with(items))
                        });
                        assert!(empty_there, "{event} {action}: GitHub never sends {path}");
                        continue;
                    };
                    for kind in kinds {
                        assert!(
                            *kind == "null" || seen.contains(kind) || seen == &["null"],
                            "{event} {action}: {path} is {kind}, GitHub's is {seen:?}"
                        );
                    }
                }
                // The top-level fields of one of GitHub's deliveries of that action (an
                // organization's repository adds `organization`).
                let top = |v: &Value| {
                    let mut keys: Vec<String> = v
                        .as_object()
                        .unwrap()
                        .keys()
                        .filter(|k| *k != "organization")
                        .cloned()
                        .collect();
                    keys.sort();
                    keys
                };
                assert!(
                    examples
                        .iter()
                        .filter(|e| e["action"] == *action)
                        .any(|e| top(e) == top(&ours)),
                    "{event} {action}: {:?} is the top of no example",
                    top(&ours)
                );
            }
        }
    }
}
