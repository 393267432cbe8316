//! `hatoba plan` end to end: the binary, its configuration and environment, against a small
//! HTTP server on loopback standing in for both GitHub (the base at a commit, through the
//! contents API) and ECS (`DescribeServices`, `DescribeTaskDefinition`), as `AWS_ENDPOINT_URL`
//! and `GITHUB_API_URL` point there. The plan itself (render, diff, words, rules) is core's,
//! tested there; this holds what the command adds: what it reads, what it prints, its exit codes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const SHA: &str = "0d3e5c8a9b1f2e4d6c7a8b9c0d1e2f3a4b5c6d7e";
/// A commit whose base asks for a memory size Fargate does not pair with its cpu.
const BROKEN_SHA: &str = "c4a5b1e0d2f3a6b7c8d9e0f1a2b3c4d5e6f7a8b9";
const RUNNING_ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7";

/// The base at SHA: the running revision with cpu 256 → 512 and a new variable.
const BASE: &str = r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
  "cpu": "512", "memory": "1024", "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
  "containerDefinitions": [{"name": "web", "image": "placeholder", "essential": true,
    "environment": [{"name": "LOG_LEVEL", "value": "debug"}]}]}"#;

fn running() -> serde_json::Value {
    serde_json::json!({
        "taskDefinitionArn": RUNNING_ARN, "family": "web", "revision": 7, "status": "ACTIVE",
        "registeredAt": 1795970331.123,
        "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "1024",
        "executionRoleArn": "arn:aws:iam::123456789012:role/web-exec",
        "containerDefinitions": [{"name": "web", "essential": true,
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:1111111"}]
    })
}

/// What the stand-in was asked: `METHOD PATH TARGET AUTH`, AUTH being `token` when GitHub's
/// `Authorization` carried the token and `sigv4` when AWS's was signed.
type Seen = Arc<Mutex<Vec<String>>>;

/// Starts the stand-in; its URL and what it is asked.
fn stand_in() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or_default().to_owned(),
                parts.next().unwrap_or_default().to_owned(),
            );
            let (mut length, mut amz_target, mut auth) = (0usize, String::new(), "none");
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap_or((&header, ""));
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse().unwrap_or(0),
                    "x-amz-target" => amz_target = value.to_owned(),
                    "authorization" if value.starts_with("AWS4-HMAC-SHA256 ") => auth = "sigv4",
                    "authorization" if value.ends_with("ghp_fakeplantoken") => auth = "token",
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            log.lock()
                .unwrap()
                .push(format!("{method} {path} {amz_target} {auth}"));
            let (status, answer) = answer(&method, &path, &amz_target);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, seen)
}

fn answer(method: &str, path: &str, amz_target: &str) -> (u16, String) {
    let contents = "/repos/hatoba-demo/shop/contents/.aws/task-definition.json?ref=";
    match (
        method,
        path.strip_prefix(contents),
        amz_target.rsplit('.').next(),
    ) {
        ("GET", Some(SHA), _) => (200, BASE.to_owned()),
        ("GET", Some(BROKEN_SHA), _) => (200, BASE.replace("\"1024\"", "\"8192\"")),
        ("GET", Some(_), _) => (404, r#"{"message":"Not Found"}"#.to_owned()),
        ("POST", _, Some("DescribeServices")) => (
            200,
            serde_json::json!({"services": [{
                "serviceName": "web", "status": "ACTIVE", "taskDefinition": RUNNING_ARN,
                "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/demo/web",
                "desiredCount": 2, "runningCount": 2, "deployments": [], "events": []
            }], "failures": []})
            .to_string(),
        ),
        ("POST", _, Some("DescribeTaskDefinition")) => (
            200,
            serde_json::json!({"taskDefinition": running(), "tags": []}).to_string(),
        ),
        _ => (400, r#"{"message":"not stood in"}"#.to_owned()),
    }
}

fn config(name: &str, base: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hatoba-plan-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wrangler.toml");
    std::fs::write(
        &path,
        format!(
            "[[vars.HATOBA_TARGETS]]\nname = \"demo\"\nrepository = \"hatoba-demo/shop\"\nbranch = \"main\"\n\
             region = \"us-east-1\"\ncluster = \"demo\"\nservice = \"web\"\ncontainer = \"web\"\n\
             ecrRepository = \"demo/web\"\ntaskDefinition = \"{base}\"\n"
        ),
    )
    .unwrap();
    path
}

fn plan(config: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args([
            "plan",
            "--target",
            "demo",
            "--config",
            config.to_str().unwrap(),
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDFAKEPLANFAKE")
        .env("AWS_SECRET_ACCESS_KEY", "fake-plan-secret")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ROLE_ARN")
        .env_remove("AWS_REGION")
        .env("AWS_ENDPOINT_URL", url)
        .env("GITHUB_API_URL", url)
        .env("GITHUB_TOKEN", "ghp_fakeplantoken")
        .output()
        .expect("the hatoba binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_plan_reads_the_base_at_the_commit_and_the_running_revision_and_says_what_changes() {
    let (url, seen) = stand_in();
    let config = config("words", ".aws/task-definition.json");
    let out = plan(&config, &url, &["--sha", &SHA.to_ascii_uppercase()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("Against web:7: image tag; new variable LOG_LEVEL; cpu 256 → 512")
    );
    assert_eq!(lines.next(), Some(""));
    assert!(
        stdout.contains(&format!(
            "registers `.aws/task-definition.json` rendered with `123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web:{SHA}` and moves the service from `web:7`"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("- cpu: \"256\"\n+ cpu: \"512\"\n"),
        "{stdout}"
    );
    // Read only: the base at the commit (the sha as GitHub writes it), with the token; the
    // service and its revision, signed. Nothing written.
    let contents =
        format!("GET /repos/hatoba-demo/shop/contents/.aws/task-definition.json?ref={SHA}  token");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            contents.as_str(),
            "POST / AmazonEC2ContainerServiceV20141113.DescribeServices sigv4",
            "POST / AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition sigv4",
        ]
    );

    let out = plan(&config, &url, &["--sha", SHA, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["target"], "demo");
    assert_eq!(json["sha"], SHA);
    assert_eq!(json["conclusion"], "neutral");
    assert_eq!(
        json["title"],
        "Against web:7: image tag; new variable LOG_LEVEL; cpu 256 → 512"
    );
    assert!(
        json["summary"].as_str().unwrap().contains("```diff\n"),
        "{json}"
    );
}

#[test]
fn a_base_that_breaks_a_rule_is_exit_1_and_inputs_that_cannot_be_read_are_exit_2() {
    let (url, _) = stand_in();
    let config = config("exit", ".aws/task-definition.json");
    let out = plan(&config, &url, &["--sha", BROKEN_SHA]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("memory 1024 → 8192"), "{stdout}");
    assert!(stdout.contains("`fargate-cpu-memory`"), "{stdout}");

    // A commit the base is not at: GitHub's 404, named.
    let out = plan(&config, &url, &["--sha", "feature/x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("hatoba plan: cannot read what the plan compares"),
        "{stderr}"
    );
    assert!(
        stderr.contains(".aws/task-definition.json not found in hatoba-demo/shop at feature"),
        "{stderr}"
    );

    // Nothing listens: the endpoint is named.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = plan(&config, &nowhere, &["--sha", SHA]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("reading .aws/task-definition.json from GitHub"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn only_a_base_in_the_repository_can_be_planned_and_usage_errors_are_exit_2() {
    let (url, seen) = stand_in();
    for (base, words) in [
        ("current", "the service's running revision (current)"),
        ("s3://deploys/web.json", "s3://deploys/web.json"),
    ] {
        let out = plan(&config("base", base), &url, &["--sha", SHA]);
        assert_eq!(out.status.code(), Some(2), "{base}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "hatoba plan: target demo takes its base from {words}, not from a path in the repository: only a base read at the commit can be planned\n"
            )
        );
    }
    let config = config("usage", ".aws/task-definition.json");
    let out = plan(&config, &url, &["--sha", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a ref"));
    let out = Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args(["plan", "--target", "prod", "--sha", SHA, "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no target named \"prod\""),
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args(["plan", "--target", "demo", "--sha", SHA, "--config"])
        .arg(&config)
        .env("AWS_ACCESS_KEY_ID", "AKIDFAKEPLANFAKE")
        .env("AWS_SECRET_ACCESS_KEY", "fake-plan-secret")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "hatoba plan: set GITHUB_TOKEN: the base .aws/task-definition.json is read from hatoba-demo/shop at the commit\n"
    );
    // None of these asked anything.
    assert!(seen.lock().unwrap().is_empty());
}
