//! `hatoba init` as a user runs it: in a fresh repository beside a copy of the worker's
//! configuration, with flags or an answers file and no terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn hatoba(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("AWS_REGION")
        .output()
        .expect("the hatoba binary runs")
}

/// A fresh folder holding `worker/wrangler.toml` as shipped.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hatoba-init-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("worker")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../worker/wrangler.toml"),
        dir.join("worker/wrangler.toml"),
    )
    .unwrap();
    dir
}

const ANSWERS: [&str; 10] = [
    "--repository",
    "octo/shop",
    "--account",
    "123456789012",
    "--cluster",
    "prod",
    "--service",
    "web",
    "--region",
    "eu-west-1",
];

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn init_writes_every_file_and_each_checks() {
    let dir = workspace("writes");
    let mut args = vec!["init"];
    args.extend(ANSWERS);
    args.extend(["--worker-url", "https://deploys.example.com"]);
    let out = hatoba(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for written in [
        "iam/deploy-role-policy.json",
        "iam/deploy-role-trust-policy.json",
        "iam/worker-user-policy.json",
        "iam/build-role-trust-policy.json",
        "iam/build-role-policy.json",
        "hatoba.tf",
        ".github/workflows/build.yml",
        ".aws/task-definition.json",
    ] {
        assert!(
            stdout.contains(&format!("wrote ./{written}")),
            "{written}: {stdout}"
        );
    }
    assert!(stdout.contains("added the target to worker/wrangler.toml"));
    assert!(stdout.contains("Payload URL   https://deploys.example.com/webhooks/github"));
    assert!(stdout.contains("Content type  application/json"));
    assert!(stdout.contains("Events        workflow_run"));
    for secret in [
        "GITHUB_WEBHOOK_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
    ] {
        assert!(stdout.contains(secret), "{secret}");
    }

    // The worker's configuration still checks, now with the new target.
    let check = hatoba(&dir, &["config", "check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains(
        "web: octo/shop → prod/web in eu-west-1 (workflow build.yml; base .aws/task-definition.json)"
    ));
    // The starter task definition and the workflow pass Hatoba's checks.
    let taskdef = hatoba(&dir, &["taskdef", "check", ".aws/task-definition.json"]);
    assert!(taskdef.status.success(), "{}", text(&taskdef.stdout));
    let workflow = hatoba(&dir, &["workflow", "check", ".github/workflows/build.yml"]);
    assert!(workflow.status.success(), "{}", text(&workflow.stdout));

    // The policy file is what `hatoba iam policy` prints for the same target and roles.
    let policy = hatoba(
        &dir,
        &[
            "iam",
            "policy",
            "--target",
            "web",
            "--account",
            "123456789012",
        ],
    );
    assert!(policy.status.success(), "{}", text(&policy.stderr));
    assert_eq!(
        text(&policy.stdout),
        read(&dir, "iam/deploy-role-policy.json")
    );
    assert!(
        read(&dir, "iam/worker-user-policy.json")
            .contains("arn:aws:iam::123456789012:role/hatoba-deploy-web")
    );
    assert!(
        stdout.contains("AWS_ROLE_ARN           arn:aws:iam::123456789012:role/hatoba-deploy-web")
    );
    assert!(
        read(&dir, "iam/deploy-role-policy.json")
            .contains("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
    );
    assert!(
        read(&dir, "iam/build-role-trust-policy.json")
            .contains("\"repo:octo/shop:ref:refs/heads/main\"")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_second_init_writes_nothing_unless_forced_and_never_replaces_the_task_definition() {
    let dir = workspace("again");
    let mut args = vec!["init"];
    args.extend(ANSWERS);
    assert!(hatoba(&dir, &args).status.success());
    std::fs::write(
        dir.join(".aws/task-definition.json"),
        "{\"family\": \"mine\"}",
    )
    .unwrap();
    let config_before = read(&dir, "worker/wrangler.toml");

    let again = hatoba(&dir, &args);
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(
        err.contains("./hatoba.tf: exists (--force to overwrite it)"),
        "{err}"
    );
    assert!(err.contains("has a target named \"web\" already"), "{err}");
    assert_eq!(read(&dir, "worker/wrangler.toml"), config_before);

    // Forced, under another name: files rewritten, the task definition kept.
    std::fs::write(dir.join("hatoba.tf"), "# edited\n").unwrap();
    let mut forced = args.clone();
    forced.extend(["--name", "web-2", "--force"]);
    let out = hatoba(&dir, &forced);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("./.aws/task-definition.json: exists: kept as it is"));
    assert_eq!(
        read(&dir, ".aws/task-definition.json"),
        "{\"family\": \"mine\"}"
    );
    assert!(read(&dir, "hatoba.tf").contains("aws_iam_openid_connect_provider"));
    // The existing task definition's family is what the policy scopes to.
    assert!(read(&dir, "iam/deploy-role-policy.json").contains("task-definition/mine:*"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dry_run_prints_and_writes_nothing() {
    let dir = workspace("dry");
    let before = read(&dir, "worker/wrangler.toml");
    let mut args = vec!["init", "--dry-run", "--environment", "production"];
    args.extend(ANSWERS);
    let out = hatoba(&dir, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("==> ./hatoba.tf (would write)"));
    assert!(stdout.contains(
        "==> worker/wrangler.toml (would append)\n[[vars.HATOBA_TARGETS]]\nname = \"web\""
    ));
    assert!(stdout.contains("Events        workflow_run, deployment"));
    assert!(!dir.join("hatoba.tf").exists());
    assert!(!dir.join(".aws").exists());
    assert_eq!(read(&dir, "worker/wrangler.toml"), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn answers_come_from_a_file_and_bad_ones_are_named_by_their_flag() {
    let dir = workspace("answers");
    std::fs::write(
        dir.join("answers.toml"),
        "repository = \"octo/shop\"\naccount = \"123456789012\"\ncluster = \"prod\"\nservice = \"api\"\n\
         region = \"eu-west-1\"\ntask-definition = \"s3://config/api.json\"\n\
         pass-role = [\"arn:aws:iam::123456789012:role/api-exec\"]\n",
    )
    .unwrap();
    let out = hatoba(&dir, &["init", "--answers", "answers.toml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("The base is s3://config/api.json: no task-definition file is written.")
    );
    let policy = read(&dir, "iam/deploy-role-policy.json");
    assert!(policy.contains("arn:aws:s3:::config/api.json"), "{policy}");
    assert!(policy.contains("role/api-exec"), "{policy}");

    std::fs::write(dir.join("typo.toml"), "acount = \"1\"\n").unwrap();
    let out = hatoba(&dir, &["init", "--answers", "typo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("typo.toml: unknown answer `acount`: did you mean `account`?"),
        "{}",
        text(&out.stderr)
    );

    let out = hatoba(
        &dir,
        &[
            "init",
            "--repository",
            "octo",
            "--account",
            "XXXXXXXXXXXX",
            "--cluster",
            "prod",
            "--service",
            "web",
            "--ecr-repository",
            "Web",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--repository: \"octo\" is not OWNER/NAME"),
        "{err}"
    );
    assert!(
        err.contains("--ecr-repository: \"Web\" is not an ECR repository name"),
        "{err}"
    );
    assert!(err.contains("--account: \"XXXXXXXXXXXX\" is not an AWS account id: expected 12 digits (this looks like a placeholder)"), "{err}");

    let out = hatoba(&dir, &["init", "--service", "web"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("missing answers: --repository, --account, --cluster"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("hatoba.tf").exists() || read(&dir, "hatoba.tf").contains("api"));
    std::fs::remove_dir_all(&dir).unwrap();
}
