//! `hatoba check` on a repository of its own making, and `.hatoba.toml` changing what the
//! check commands report.

use std::path::{Path, PathBuf};
use std::process::Command;

fn hatoba(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the hatoba binary runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes `text` to `rel` below `root`, making its directories.
fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A repository with a workflow, a template task definition full of placeholders and a task
/// definition with a real error.
fn repository(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("hatoba-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let write = |rel: &str, text: &str| write(&root, rel, text);
    write(
        ".github/workflows/build.yml",
        "on: push\njobs:\n  build:\n    runs-on: [gpu-large]\n    steps:\n      - run: echo \"${{ steps.nope.outputs.tag }}\"\n",
    );
    write(
        "infra/templates/web.json",
        r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "__IMAGE_URI__", "memory": 512, "essential": true}
  ],
  "executionRoleArn": "arn:aws:iam::__ACCOUNT__:role/exec"
}
"#,
    );
    write(
        ".aws/task-definition.json",
        r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "bad image!", "memory": 512, "essential": true}
  ]
}
"#,
    );
    write("node_modules/dep/td.json", r#"{"containerDefinitions": 1}"#);
    write("README.md", "containerDefinitions");
    root
}

const CONFIG: &str = r#"[rules]
step-ref = "warning"
[[overrides]]
paths = ["infra/templates/**"]
rules = { image-reference = "off" }
[runners]
labels = ["gpu-large", "self-hosted-arm"]
[placeholders]
patterns = ["__[A-Z_]+__"]
[placeholder]
"#;

#[test]
fn check_finds_workflows_and_task_definitions_and_skips_dependencies() {
    let root = repository("plain");
    let (code, out, _) = hatoba(&root, &["check"]);
    assert_eq!(code, Some(1));
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        files,
        [
            ".aws/task-definition.json",
            ".github/workflows/build.yml",
            ".github/workflows/build.yml",
            "infra/templates/web.json",
            "infra/templates/web.json",
        ]
    );
    // Named files that are neither kind are passed over; a directory with neither is an error.
    let (code, out, _) = hatoba(&root, &["check", "README.md"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
    std::fs::create_dir_all(root.join("docs")).unwrap();
    let (code, _, err) = hatoba(&root, &["check", "docs"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no workflow"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_nearest_hatoba_toml_changes_levels_labels_and_placeholders() {
    let root = repository("config");
    std::fs::write(root.join(".hatoba.toml"), CONFIG).unwrap();
    let (code, out, _) = hatoba(&root, &["check"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        ".hatoba.toml:10:2: warning: unknown key `placeholder` at the top level is ignored (known: rules, overrides, runners, placeholders); did you mean `placeholders`? [config]
.aws/task-definition.json:4:30: error: image \"bad image!\" contains whitespace [image-reference]
.github/workflows/build.yml:6:30: warning: no step of job `build` has `id: nope`; give the step that sets it `id: nope` [step-ref]
infra/templates/web.json:4:30: warning: `__IMAGE_URI__` is a placeholder: replace it before registering [placeholder]
infra/templates/web.json:6:23: warning: `arn:aws:iam::__ACCOUNT__:role/exec` is a placeholder: replace it before registering [placeholder]
"
    );
    // Warnings only: passes by default, fails with --fail-on warning.
    let (code, _, _) = hatoba(&root, &["workflow", "check", ".github/workflows"]);
    assert_eq!(code, Some(0));
    let (code, _, _) = hatoba(
        &root,
        &[
            "workflow",
            "check",
            "--fail-on",
            "warning",
            ".github/workflows",
        ],
    );
    assert_eq!(code, Some(1));
    let (code, out, _) = hatoba(
        &root,
        &[
            "taskdef",
            "check",
            "--format",
            "json",
            "infra/templates/web.json",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(r#""rule":"placeholder""#), "{out}");
    // --config names another file for every checked file, relative to its own directory.
    std::fs::write(
        root.join("strict.toml"),
        "[rules]\nrunner-label = \"error\"\n",
    )
    .unwrap();
    let (code, out, _) = hatoba(&root, &["check", "--config", "strict.toml", ".github"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("4:15: error: `gpu-large`"), "{out}");
    let (code, _, err) = hatoba(&root, &["check", "--config", "missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.toml"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn ignore_drops_a_rule_for_this_run_and_an_unknown_id_is_a_warning() {
    let root = repository("ignore");
    let (code, out, _) = hatoba(&root, &["check", "--ignore", "image-reference"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("[image-reference]"), "{out}");
    assert!(out.contains("[step-ref]"), "{out}");
    let (code, out, _) = hatoba(
        &root,
        &[
            "workflow",
            "check",
            ".github/workflows",
            "--ignore",
            "step-rf",
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("--ignore:1:1: warning: --ignore step-rf: `step-rf` is not a rule Hatoba knows: did you mean `step-ref`? [config]\n"),
        "{out}"
    );
    assert!(out.contains("[step-ref]"), "{out}");
    let (code, out, _) = hatoba(
        &root,
        &[
            "taskdef",
            "check",
            ".aws/task-definition.json",
            "--ignore",
            "image-reference",
        ],
    );
    assert_eq!((code, out.as_str()), (Some(0), ""));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn fix_writes_the_quick_fixes_back_and_says_what_it_fixed() {
    let root = std::env::temp_dir().join(format!("hatoba-check-fix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let taskdef = "{\n  \"family\": \"web\",\n  \"revision\": 7,\n  \"networkMode\": \"awsvpc\",\n  \"requiresCompatibilities\": [\"FARGATE\"],\n  \"cpu\": \"256\",\n  \"memory\": \"4096\",\n  \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"essential\": true}]\n}\n";
    let workflow = "on: issues\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v1\n      - run: echo ${{ github.event.issue.title }}\n";
    std::fs::write(root.join("td.json"), taskdef).unwrap();
    std::fs::write(root.join("ci.yml"), workflow).unwrap();

    // Without --fix, nothing is written.
    let (code, out, _) = hatoba(&root, &["taskdef", "check", "td.json"]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("td.json")).unwrap(),
        taskdef
    );

    let (code, out, err) = hatoba(&root, &["taskdef", "check", "--fix", "td.json"]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    assert_eq!(
        err,
        "td.json:3:3: fixed: Remove `revision` [read-only-field]\ntd.json:6:13: fixed: Set memory to \"2048\" [fargate-cpu-memory]\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("td.json")).unwrap(),
        taskdef
            .replace("  \"revision\": 7,\n", "")
            .replace("\"4096\"", "\"2048\"")
    );

    let (code, out, err) = hatoba(&root, &["workflow", "check", "--fix", "ci.yml"]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    assert_eq!(
        err,
        "ci.yml:8:15: fixed: Use actions/checkout@v4 [outdated-action]\nci.yml:9:19: fixed: Pass it through env: TITLE [script-injection]\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("ci.yml")).unwrap(),
        "on: issues\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo \"$TITLE\"\n        env:\n          TITLE: ${{ github.event.issue.title }}\n"
    );
    // What a fix cannot settle is still reported, and the exit code says so.
    std::fs::write(root.join("td.json"), taskdef.replace("\"256\"", "\"300\"")).unwrap();
    let (code, out, err) = hatoba(&root, &["taskdef", "check", "--fix", "td.json"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("cpu \"300\" is not a Fargate size"), "{out}");
    assert_eq!(
        err,
        "td.json:3:3: fixed: Remove `revision` [read-only-field]\n"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn check_fix_fixes_workflows_and_task_definitions_of_a_whole_repository() {
    let root = std::env::temp_dir().join(format!("hatoba-check-fixall-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let write = |rel: &str, text: &str| write(&root, rel, text);
    write(
        ".aws/task-definition.json",
        "{\n  \"family\": \"web\",\n  \"networkMode\": \"awsvpc\",\n  \"requiresCompatibilities\": [\"FARGATE\"],\n  \"cpu\": \"256\",\n  \"memory\": \"4096\",\n  \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"essential\": true}]\n}\n",
    );
    write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v1\n",
    );
    let (code, _, _) = hatoba(&root, &["check"]);
    assert_eq!(code, Some(1));
    let (code, out, err) = hatoba(&root, &["check", "--fix"]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    assert_eq!(
        err,
        ".aws/task-definition.json:6:13: fixed: Set memory to \"2048\" [fargate-cpu-memory]\n.github/workflows/ci.yml:6:15: fixed: Use actions/checkout@v4 [outdated-action]\n"
    );
    let (code, out, _) = hatoba(&root, &["check"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
    std::fs::remove_dir_all(&root).unwrap();
}
