//! `hatoba workflow ...`: the workflow checks of the editor, for terminals and CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::report::CheckFlags;

/// `hatoba workflow ...`.
#[derive(Debug, clap::Subcommand)]
pub enum WorkflowCommand {
    /// What may be written at a place of a workflow (the editor's completion): keys, values,
    /// events, runner labels, actions and their inputs, and `${{ }}` contexts. Exit 0, 2 on a usage or I/O error.
    Complete(crate::assist::AssistArgs),
    /// What the key or value at a place of a workflow is (the editor's hover): its type, allowed
    /// values and reference page. Exit 0 (nothing printed when nothing is known there), 2 on a
    /// usage or I/O error.
    Hover(crate::assist::AssistArgs),
    /// Check GitHub Actions workflow files with the editor's rules. Exit 0 when no error, 1
    /// when any, 2 on a usage or I/O error.
    Check {
        /// The files to check; a directory stands for its *.yml and *.yaml files
        /// (`hatoba workflow check .github/workflows`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        flags: CheckFlags,
    },
    /// Print a workflow: `deploy` builds, pushes and deploys from Actions with OIDC; `build`
    /// builds and pushes the image tagged with the commit sha, and Hatoba deploys it.
    Generate {
        /// Which workflow.
        #[arg(long, value_enum)]
        kind: GenerateKind,
        /// The ECR repository name.
        #[arg(long, default_value = "web")]
        ecr_repository: String,
        /// The AWS region.
        #[arg(long, default_value = "us-east-1")]
        region: String,
        /// The ECS cluster.
        #[arg(long, default_value = "default")]
        cluster: String,
        /// The ECS service.
        #[arg(long, default_value = "web")]
        service: String,
        /// The container whose image is replaced.
        #[arg(long, default_value = "web")]
        container: String,
        /// The task definition file in the repository.
        #[arg(long, default_value = ".aws/task-definition.json")]
        task_definition: String,
        /// The branch that deploys.
        #[arg(long, default_value = "main")]
        branch: String,
        /// The IAM role GitHub's OIDC token assumes.
        #[arg(long, default_value = "arn:aws:iam::123456789012:role/github-deploy")]
        role_arn: String,
        /// The GitHub environment (also the concurrency group).
        #[arg(long, default_value = "production")]
        environment: String,
    },
    /// Print, as JSON, the well-known actions whose inputs and outputs the checks know:
    /// name, oldest major version described, inputs, required inputs, outputs.
    Actions,
}

/// The workflows `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateKind {
    /// Build, push and deploy from GitHub Actions.
    Deploy,
    /// Build and push; Hatoba deploys.
    Build,
}

/// Runs a `hatoba workflow` command; returns its exit code.
pub fn run(command: WorkflowCommand) -> ExitCode {
    let (mut out, err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match command {
        WorkflowCommand::Complete(args) => crate::assist::run(
            hatoba_core::assist::Language::Workflow,
            false,
            args,
            "workflow complete",
        ),
        WorkflowCommand::Hover(args) => crate::assist::run(
            hatoba_core::assist::Language::Workflow,
            true,
            args,
            "workflow hover",
        ),
        WorkflowCommand::Generate {
            kind,
            ecr_repository,
            region,
            cluster,
            service,
            container,
            task_definition,
            branch,
            role_arn,
            environment,
        } => {
            use hatoba_core::workflow::generate::{DeployTarget, Kind, generate};
            let target = DeployTarget {
                ecr_repository,
                region,
                cluster,
                service,
                container,
                task_definition,
                branch,
                role_arn,
                environment,
                build_environment: None,
            };
            let kind = match kind {
                GenerateKind::Deploy => Kind::Deploy,
                GenerateKind::Build => Kind::Build,
            };
            match std::io::Write::write_all(&mut out, generate(kind, &target).as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(2),
            }
        }
        WorkflowCommand::Actions => {
            let table = &hatoba_core::workflow::actions::KNOWN_ACTIONS;
            let text = serde_json::to_string_pretty(table).unwrap_or_default();
            match writeln!(out, "{text}") {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(2),
            }
        }
        WorkflowCommand::Check { files, flags } => {
            let files = match expand_directories(&files) {
                Ok(files) => files,
                Err(message) => {
                    let mut err = err;
                    let _ = writeln!(err, "{message}");
                    return ExitCode::from(2);
                }
            };
            let checker: crate::report::Checker = hatoba_core::workflow::check;
            let files: Vec<_> = files.into_iter().map(|f| (f, checker)).collect();
            crate::report::run_checks(&files, &flags, hatoba_core::fix::workflow_fixes, out, err)
        }
    }
}

/// `files` with each directory replaced by its `*.yml` and `*.yaml` files, sorted; a directory
/// without any is an error, as a typo in CI would otherwise check nothing and pass.
fn expand_directories(files: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut expanded = Vec::new();
    for path in files {
        if !path.is_dir() {
            expanded.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
            .collect();
        if found.is_empty() {
            return Err(format!(
                "{}: no workflow files (*.yml, *.yaml) in this directory",
                path.display()
            ));
        }
        found.sort();
        expanded.extend(found);
    }
    Ok(expanded)
}
