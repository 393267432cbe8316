//! `hatoba check [PATH]...`: every workflow and task definition of a repository, found by
//! where workflows live and by what task definitions hold, checked in one run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::report::{CheckFlags, Checker, run_checks};

/// `hatoba check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Directories to walk (or files to check: one that is neither kind is passed over); the
    /// current directory when none is given.
    /// Workflows are the *.yml and *.yaml files of .github/workflows; task definitions are the
    /// JSON and YAML files with `containerDefinitions` (plain or describe-task-definition
    /// output). .git, node_modules, target and tool caches are skipped.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub flags: CheckFlags,
}

/// The quick fix of a finding of either kind of file: fixes are chosen by rule, and the rules of
/// task definitions and of workflows have ids of their own.
fn any_fix(text: &str, finding: &hatoba_core::finding::Finding) -> Option<hatoba_core::fix::Fix> {
    hatoba_core::fix::taskdef_fixes(text, finding)
        .or_else(|| hatoba_core::fix::workflow_fixes(text, finding))
}

/// Directories never walked: version control, dependencies, build output, tool caches.
const SKIPPED: [&str; 15] = [
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".terraform",
    ".cache",
    ".mypy_cache",
    ".pytest_cache",
    ".next",
    "bower_components",
];

/// The largest file read to see whether it is a task definition (the API's own limit on a
/// RegisterTaskDefinition request is far below it).
const LARGEST: u64 = 4 << 20;

/// What a file is to `hatoba check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A GitHub Actions workflow.
    Workflow,
    /// An ECS task definition.
    TaskDefinition,
}

impl Kind {
    /// The checker of this kind of file.
    pub fn checker(self) -> Checker {
        match self {
            Kind::Workflow => hatoba_core::workflow::check,
            Kind::TaskDefinition => hatoba_core::taskdef::check,
        }
    }
}

fn has_yaml_or_json_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x == "json" || x == "yml" || x == "yaml")
}

/// Whether `path` is where GitHub reads workflows: `.github/workflows/NAME.yml` (or `.yaml`).
pub fn is_workflow_path(path: &Path) -> bool {
    let mut parents = path.components().rev().skip(1);
    path.extension().is_some_and(|x| x == "yml" || x == "yaml")
        && parents.next().is_some_and(|c| c.as_os_str() == "workflows")
        && parents.next().is_some_and(|c| c.as_os_str() == ".github")
}

/// Whether `text` is a task definition: a mapping with `containerDefinitions`, or
/// describe-task-definition output (`taskDefinition` holding one).
pub fn is_task_definition(text: &str) -> bool {
    if !text.contains("containerDefinitions") {
        return false;
    }
    let Ok(root) = hatoba_core::source::parse_document(text) else {
        // Broken JSON or YAML that names containerDefinitions is most likely one: its syntax
        // error is worth reporting.
        return true;
    };
    root.get("containerDefinitions").is_some()
        || root
            .get("taskDefinition")
            .is_some_and(|td| td.get("containerDefinitions").is_some())
}

/// What `path` is, reading it when its place does not tell.
pub fn kind_of(path: &Path) -> Option<Kind> {
    if is_workflow_path(path) {
        return Some(Kind::Workflow);
    }
    if !has_yaml_or_json_extension(path) {
        return None;
    }
    let size = std::fs::metadata(path).ok()?.len();
    if size > LARGEST {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    is_task_definition(&text).then_some(Kind::TaskDefinition)
}

/// Every workflow and task definition under `root` (or `root` itself when it is a file of
/// either kind), in path order.
pub fn find(root: &Path) -> std::io::Result<Vec<(PathBuf, Kind)>> {
    let mut found = Vec::new();
    if !root.is_dir() {
        std::fs::metadata(root)?;
        if let Some(kind) = kind_of(root) {
            found.push((root.to_path_buf(), kind));
        }
        return Ok(found);
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                let name = entry.file_name();
                let skipped = SKIPPED.iter().any(|s| name == *s)
                    || path.join("CACHEDIR.TAG").is_file()
                    || path.join("pyvenv.cfg").is_file();
                if !skipped {
                    pending.push(path);
                }
            } else if kind.is_file()
                && let Some(kind) = kind_of(&path)
            {
                found.push((path, kind));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Runs `hatoba check`; returns its exit code: 0 nothing fails, 1 something does, 2 a path
/// cannot be read, a directory holds nothing to check, or a configuration cannot be read.
pub fn run(args: CheckArgs) -> ExitCode {
    let (out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files: Vec<(PathBuf, Checker)> = Vec::new();
    for path in &paths {
        match find(path) {
            // A file named that is neither kind is passed over (a pre-commit hook hands over
            // every changed JSON and YAML file); a directory with neither is a mistake.
            Ok(found) if found.is_empty() && path.is_dir() => {
                let _ = writeln!(
                    err,
                    "{}: no workflow (.github/workflows/*.yml) or task definition (containerDefinitions) here",
                    path.display()
                );
                return ExitCode::from(2);
            }
            Ok(found) => files.extend(found.into_iter().map(|(p, k)| (tidy(p), k.checker()))),
            Err(e) => {
                let _ = writeln!(err, "{}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    run_checks(&files, &args.flags, any_fix, out, err)
}

/// `./a/b` as `a/b`, the way annotations and editors name files.
fn tidy(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflows_are_found_by_place_and_task_definitions_by_content() {
        let root = std::env::temp_dir().join(format!("hatoba-check-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".github/workflows/ci.yml", "on: push\n");
        write(".github/workflows/nested/not.yml", "on: push\n");
        write(".github/dependabot.yml", "version: 2\n");
        write(
            ".aws/task-definition.json",
            r#"{"family": "web", "containerDefinitions": []}"#,
        );
        write(
            "deploy/described.yaml",
            "taskDefinition:\n  containerDefinitions: []\n",
        );
        write("deploy/other.json", r#"{"containerDefinitionsNote": 1}"#);
        write("deploy/notes.md", "containerDefinitions");
        write(
            "node_modules/pkg/td.json",
            r#"{"containerDefinitions": []}"#,
        );
        write("target/td.json", r#"{"containerDefinitions": []}"#);
        write(
            "cache/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55",
        );
        write("cache/td.json", r#"{"containerDefinitions": []}"#);
        let found: Vec<(String, Kind)> = find(&root)
            .unwrap()
            .into_iter()
            .map(|(p, k)| (p.strip_prefix(&root).unwrap().display().to_string(), k))
            .collect();
        assert_eq!(
            found,
            [
                (
                    ".aws/task-definition.json".to_string(),
                    Kind::TaskDefinition
                ),
                (".github/workflows/ci.yml".to_string(), Kind::Workflow),
                ("deploy/described.yaml".to_string(), Kind::TaskDefinition),
            ]
        );
        assert_eq!(
            find(&root.join(".aws/task-definition.json")).unwrap().len(),
            1
        );
        assert!(find(&root.join("missing")).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
