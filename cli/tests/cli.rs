//! Runs the built `hatoba` binary as a user would.

use std::process::Command;

fn hatoba(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args(args)
        .output()
        .expect("the hatoba binary runs")
}

#[test]
fn version_flag_prints_the_crate_version() {
    let out = hatoba(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("hatoba {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_describes_the_tool() {
    let out = hatoba(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Push-to-deploy for Amazon ECS"), "{text}");
    assert!(text.contains("Usage: hatoba"), "{text}");
}

#[test]
fn unknown_subcommand_is_a_usage_error_with_exit_code_2() {
    let out = hatoba(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
}

fn fixture(path: &str) -> String {
    format!(
        "{}/../tests/fixtures/taskdef/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn taskdef_check_prints_file_line_col_and_exits_1_on_errors() {
    let out = hatoba(&[
        "taskdef",
        "check",
        &fixture("err/family-name.json"),
        &fixture("ok/fargate-web.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        format!(
            "{}:2:13: error: family \"my web/app\" contains ' ': expected 1 to 255 letters, digits, hyphens (-) and underscores (_) [family-name]\n",
            fixture("err/family-name.json")
        )
    );
    assert_eq!(
        hatoba(&["taskdef", "check", &fixture("ok/fargate-web.json")])
            .status
            .code(),
        Some(0)
    );
    // Warnings alone do not fail.
    assert_eq!(
        hatoba(&["taskdef", "check", &fixture("err/describe-output.json")])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn taskdef_check_json_format_and_io_errors() {
    let out = hatoba(&[
        "taskdef",
        "check",
        "--format",
        "json",
        &fixture("err/fargate-bad-pair.json"),
        "/nonexistent.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows[0],
        serde_json::json!({"file": fixture("err/fargate-bad-pair.json"), "rule": "fargate-cpu-memory", "severity": "error", "path": "memory",
            "line": 6, "column": 13, "message": "memory \"1 GB\" is not offered with cpu 1024 on Fargate: expected 2 GB to 8 GB in steps of 1 GB"})
    );
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("/nonexistent.json: No such file")
    );
}

#[test]
fn taskdef_render_then_diff_shows_exactly_the_rendered_change() {
    let rendered = hatoba(&[
        "taskdef",
        "render",
        &fixture("err/describe-output.json"),
        "--container",
        "web",
        "--image",
        "nginx:1.28",
        "--env",
        "OPTIONS=a=1&b=2",
        "--command",
        "nginx -g 'daemon off;'",
    ]);
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    // The read-only fields of the describe output are gone, with a warning each on stderr.
    let td: serde_json::Value = serde_json::from_slice(&rendered.stdout).unwrap();
    assert!(td.get("taskDefinitionArn").is_none() && td.get("revision").is_none());
    assert_eq!(
        String::from_utf8(rendered.stderr)
            .unwrap()
            .matches("[read-only-field]")
            .count(),
        7
    );
    assert_eq!(
        td["containerDefinitions"][0]["command"],
        serde_json::json!(["nginx", "-g", "daemon off;"])
    );
    let path = std::env::temp_dir().join(format!("hatoba-render-{}.json", std::process::id()));
    std::fs::write(&path, &rendered.stdout).unwrap();
    let diff = hatoba(&[
        "taskdef",
        "diff",
        &fixture("err/describe-output.json"),
        path.to_str().unwrap(),
    ]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(diff.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(diff.stdout).unwrap(),
        "~ containerDefinitions[web].image: \"nginx:1.27\" → \"nginx:1.28\"\n\
         + containerDefinitions[web].environment: [{\"name\":\"OPTIONS\",\"value\":\"a=1&b=2\"}]\n\
         + containerDefinitions[web].command: [\"nginx\",\"-g\",\"daemon off;\"]\n"
    );
}

#[test]
fn taskdef_render_refuses_an_unknown_container() {
    let out = hatoba(&[
        "taskdef",
        "render",
        &fixture("ok/fargate-web.json"),
        "--container",
        "api",
        "--image",
        "x:1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "hatoba taskdef: no container named \"api\": the task definition has \"web\"\n"
    );
}

#[test]
fn workflow_check_reports_the_seed_workflows_defects() {
    let file = format!(
        "{}/../tests/fixtures/workflow/err/seed-deploy.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    // Every defect is a warning now (each still runs on GitHub): the check passes unless
    // warnings are asked to fail it.
    let out = hatoba(&["workflow", "check", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(0));
    let strict = hatoba(&["workflow", "check", "--fail-on", "warning", &file]);
    assert_eq!(strict.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    // All five defects of the seed workflow: actions on retired runtimes (warnings: the runner
    // still runs them), ::set-output, long-lived keys and no concurrency guard (the last two as
    // warnings); and a sixth: its deploy does not wait for the service to be stable (a warning).
    assert_eq!(
        rules,
        [
            "outdated-action",
            "outdated-action",
            "deploy-practices",
            "outdated-action",
            "deprecated-command",
            "deploy-practices",
            "deploy-practices",
            "outdated-action"
        ]
    );
    assert_eq!(rows[4]["line"], 24);
    let ok = format!(
        "{}/../tests/fixtures/workflow/ok/deploy-oidc.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    assert_eq!(hatoba(&["workflow", "check", &ok]).status.code(), Some(0));
}

#[test]
fn workflow_check_reads_every_workflow_of_a_directory() {
    let dir = format!(
        "{}/../tests/fixtures/workflow/ok",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = hatoba(&["workflow", "check", "--format", "json", &dir]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let err_dir = format!(
        "{}/../tests/fixtures/workflow/err",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = hatoba(&["workflow", "check", "--format", "json", &err_dir]);
    assert_eq!(out.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut files: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    files.dedup();
    let yml = std::fs::read_dir(&err_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yml")
        })
        .count();
    assert_eq!(
        files.len(),
        yml,
        "every .yml of the directory has findings, in file order"
    );
    // A directory with no workflow in it is an error, not a silent pass.
    let empty = format!("{}/../tests/fixtures/taskdef", env!("CARGO_MANIFEST_DIR"));
    let out = hatoba(&["workflow", "check", &empty]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no workflow files"));
}

#[test]
fn taskdef_render_sets_the_images_of_several_containers() {
    let out = hatoba(&[
        "taskdef",
        "render",
        &fixture("ok/ec2-bridge-sidecar.json"),
        "--container",
        "worker",
        "--image",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:5779607b",
        "--image-for",
        "statsd=public.ecr.aws/docker/library/statsd:0.10.2",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let td: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let images: Vec<(&str, &str)> = td["containerDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["image"].as_str().unwrap()))
        .collect();
    assert_eq!(
        images[0],
        (
            "worker",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:5779607b"
        )
    );
    assert_eq!(
        images[1],
        ("statsd", "public.ecr.aws/docker/library/statsd:0.10.2")
    );
    // A container that is not there is an error naming it, and nothing is printed.
    let out = hatoba(&[
        "taskdef",
        "render",
        &fixture("ok/ec2-bridge-sidecar.json"),
        "--image-for",
        "statsdd=statsd:1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("statsdd"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn github_format_prints_workflow_commands_that_annotate_the_line() {
    let file = format!(
        "{}/../tests/fixtures/workflow/err/seed-deploy.yml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = hatoba(&["workflow", "check", "--format", "github", &file]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("title=deprecated-command"))
        .unwrap();
    assert_eq!(
        line,
        format!(
            "::warning file={},line=24,col=17,title=deprecated-command::`::set-output` is deprecated and announced to fail on GitHub Actions: use echo \"NAME=value\" >> \"$GITHUB_OUTPUT\"",
            file.replace(':', "%3A").replace(',', "%2C")
        )
    );
    assert!(text.lines().any(|l| l.starts_with("::warning file=")));
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning "))
    );
    let td = fixture("err/fargate-bad-pair.json");
    let out = hatoba(&["taskdef", "check", "--format", "github", &td]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("title=fargate-cpu-memory::"));
}

/// A YAML alias bomb (nine-fold aliasing, eight levels: 9^9 nodes from ~350 bytes) is refused by
/// both checks as a syntax finding, at once and without the memory it asks for.
#[test]
fn an_alias_bomb_is_a_syntax_error_for_both_checks() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    let levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in levels.windows(2) {
        let (prev, level) = (pair[0], pair[1]);
        text.push_str(&format!(
            "{level}: &{level} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    let dir = std::env::temp_dir().join(format!("hatoba-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (command, name) in [("taskdef", "bomb.yaml"), ("workflow", "bomb.yml")] {
        let path = dir.join(name);
        std::fs::write(&path, &text).unwrap();
        let started = std::time::Instant::now();
        let out = hatoba(&[command, "check", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(findings[0]["rule"], "syntax", "{command}: {findings}");
        assert!(
            findings[0]["message"]
                .as_str()
                .unwrap()
                .contains("alias bomb"),
            "{findings}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{command} took {:?}",
            started.elapsed()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deploy_refuses_a_revision_the_target_cannot_run_before_any_aws_call() {
    let dir = std::env::temp_dir().join(format!("hatoba-cli-revision-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("wrangler.toml");
    std::fs::write(
        &config,
        "[[vars.HATOBA_TARGETS]]\nname = \"stg-web\"\nrepository = \"octo/shop\"\nbranch = \"main\"\n\
         region = \"eu-west-1\"\ncluster = \"stg\"\nservice = \"web\"\ncontainer = \"web\"\n\
         ecrRepository = \"shop/web\"\ntaskDefinition = \"current\"\n",
    )
    .unwrap();
    let deploy = |revision: &str| {
        Command::new(env!("CARGO_BIN_EXE_hatoba"))
            .args(["deploy", "--target", "stg-web", "--sha", "abcdef0"])
            .args([
                "--config",
                config.to_str().unwrap(),
                "--task-definition",
                revision,
            ])
            // No credentials: a revision that passes is stopped by their absence, still exit 2.
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .output()
            .expect("the hatoba binary runs")
    };
    let expected = "expected FAMILY:REVISION (web:42) or arn:aws:ecs:eu-west-1:ACCOUNT:task-definition/FAMILY:REVISION";
    for (revision, why) in [
        ("web:latest", format!("\"web:latest\" has revision \"latest\", not a revision number (1, 2, ...): {expected}")),
        (
            "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
            "\"arn:aws:ecs:us-east-1:123456789012:task-definition/web:1\" is in region us-east-1: target stg-web deploys to eu-west-1".to_owned(),
        ),
        (
            "arn:aws:ecs:eu-west-1:123456789012:service/stg/web",
            format!("\"arn:aws:ecs:eu-west-1:123456789012:service/stg/web\" is not a task definition's ARN (it names service/stg/web): {expected}"),
        ),
    ] {
        let out = deploy(revision);
        assert_eq!(out.status.code(), Some(2), "{revision}");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!("hatoba deploy: --task-definition {why}\n")
        );
    }
    // The form is right: the next check (credentials) speaks. The family is the pipeline's to
    // check, against the service's.
    let out = deploy("other-team-admin:1");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("set AWS_ACCESS_KEY_ID")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn complete_and_hover_answer_at_a_line_and_column_from_a_file_or_stdin() {
    let file = fixture("ok/fargate-web.json");
    let text = std::fs::read_to_string(&file).unwrap();
    // The place just inside `"networkMode": "` — wherever the fixture has it.
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("\"networkMode\"").map(|c| (i + 1, c + 2)))
        .unwrap();
    let out = hatoba(&["taskdef", "hover", &file, "--at", &format!("{line}:{col}")]);
    assert!(out.status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown
            .starts_with("networkMode\n  string (an enum)\n  one of: bridge, host, awsvpc, none\n"),
        "{shown}"
    );

    let workflow = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-r\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args([
            "workflow", "complete", "-", "--at", "8:16", "--format", "json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(workflow.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["from"], serde_json::json!({"line": 8, "column": 11}));
    assert_eq!(json["options"][0]["label"], "aws-region");
    assert_eq!(
        json["options"][0]["detail"],
        "input of aws-actions/configure-aws-credentials · required"
    );

    let out = hatoba(&["workflow", "complete", &file, "--at", "9999:1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("line 9999 is past the end")
    );
    let out = hatoba(&["workflow", "hover", &file, "--at", "one"]);
    assert_eq!(out.status.code(), Some(2));
}
