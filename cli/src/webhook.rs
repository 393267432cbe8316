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
    /// The event: push, workflow_run, deployment or ping.
    #[arg(long, value_parser = ["push", "workflow_run", "deployment", "ping"])]
    pub event: String,
    /// The repository, OWNER/NAME.
    #[arg(long)]
    pub repository: String,
    /// The branch pushed to (push) or built (workflow_run).
    #[arg(long, default_value = "main")]
    pub branch: String,
    /// The commit.
    #[arg(long, default_value = "0123456789abcdef0123456789abcdef01234567")]
    pub sha: String,
    /// The environment (deployment).
    #[arg(long, default_value = "production")]
    pub environment: String,
    /// The workflow file (workflow_run), as in .github/workflows/FILE.
    #[arg(long, default_value = "build.yml")]
    pub workflow: String,
    /// How the workflow run ended (workflow_run).
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

/// The payload GitHub would send for `args`.
pub fn payload(args: &SendArgs, now_millis: u64) -> Value {
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
    match args.event.as_str() {
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
    }
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
        None => {
            serde_json::to_vec(&payload(&args, SystemClock.now_millis())).expect("JSON serializes")
        }
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
            repository: "octo/shop".into(),
            branch: "main".into(),
            sha: "a".repeat(40),
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
            let body = serde_json::to_vec(&payload(&args(event), 1_795_970_331_000)).unwrap();
            match route(event, &body, Some("d"), &targets).unwrap() {
                Routing::Deploy(r) => assert_eq!(r[0].sha, "a".repeat(40), "{event}"),
                other => panic!("{event}: {other:?}"),
            }
        }
        let body = serde_json::to_vec(&payload(&args("ping"), 0)).unwrap();
        assert_eq!(route("ping", &body, None, &targets).unwrap(), Routing::Ping);
        assert!(delivery_id().len() == 36);
    }
}
