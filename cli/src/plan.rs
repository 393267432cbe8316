//! `hatoba plan`: what a deploy of a commit would change, against the revision the target's
//! service runs now: the same plan a pull request's "Hatoba plan: TARGET" check run shows,
//! from a terminal. It reads (the base at the commit, the service, its revision) and writes
//! nothing.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use hatoba_core::deploy::{BaseSource, plan_inputs};
use hatoba_core::review::{PlanRequest, plan};

use crate::config::DEFAULT_CONFIG;
use crate::deploy::{Connection, Environment, command_error, find_target};
use crate::transport::block_on;

/// `hatoba plan`'s arguments.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The target to plan for (its `name` in the configuration). Its `taskDefinition` must be a
    /// path in the repository.
    #[arg(long)]
    pub target: String,
    /// The commit whose base is read: any ref GitHub's contents API takes (a commit sha, short
    /// or full, a branch, a tag). The image is named with it as given (per the target's
    /// imageTag), so give the full commit sha to see the image a deploy of it would name.
    #[arg(long)]
    pub sha: String,
    /// The wrangler.toml holding the targets.
    #[arg(long, default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
    /// text: the title, then the summary (Markdown); json: {"target", "sha", "conclusion",
    /// "title", "summary"}.
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
}

/// Output formats of `hatoba plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// The title, then the summary as the check run shows it (Markdown).
    Text,
    /// One JSON object.
    Json,
}

/// Runs `hatoba plan`: 0 the plan holds (`neutral`), 1 what a deploy would register breaks a
/// rule (`failure`), 2 a usage or configuration error, or the plan's inputs cannot be read.
pub fn run(args: PlanArgs, env: Environment) -> ExitCode {
    let error = |message: String| command_error("plan", message);
    let target = match find_target("plan", &args.config, &args.target) {
        Ok(target) => target,
        Err(code) => return code,
    };
    let BaseSource::Repository { path } = &target.task_definition else {
        return error(format!(
            "target {} takes its base from {}, not from a path in the repository: only a base read at the commit can be planned",
            target.name,
            base_words(&target.task_definition)
        ));
    };
    let sha = args.sha.trim();
    if sha.is_empty() || sha.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return error(format!(
            "--sha \"{}\" is not a ref: expected a commit sha (or a branch or tag)",
            args.sha.escape_debug()
        ));
    }
    // A commit sha as GitHub writes it; any other ref as given (branch names have case).
    let sha = if hatoba_core::deploy::target::is_commit_sha(sha) {
        sha.to_ascii_lowercase()
    } else {
        sha.to_owned()
    };
    let connection = match Connection::new("plan", &target, env) {
        Ok(connection) => connection,
        Err(code) => return code,
    };
    if connection.github.is_none() {
        return error(format!(
            "set GITHUB_TOKEN: the base {path} is read from {} at the commit",
            target.repository
        ));
    }
    let ctx = connection.context(&target);
    let inputs = match block_on(plan_inputs(&ctx, &sha)) {
        Ok(inputs) => inputs,
        Err(why) => {
            return error(format!(
                "cannot read what the plan compares (the base at {sha}, service {}/{}, its revision): {why}",
                target.cluster, target.service
            ));
        }
    };
    let assessment = plan(&PlanRequest {
        target: target.name.clone(),
        container: target.container.clone(),
        base_path: path.clone(),
        base: inputs.base,
        image: inputs.image,
        running: inputs.running,
    });
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        PlanFormat::Text => {
            let summary = &assessment.summary;
            let end = if summary.ends_with('\n') { "" } else { "\n" };
            write!(out, "{}\n\n{summary}{end}", assessment.title)
        }
        PlanFormat::Json => {
            let value = serde_json::json!({
                "target": target.name,
                "sha": sha,
                "conclusion": assessment.conclusion,
                "title": assessment.title,
                "summary": assessment.summary,
            });
            writeln!(out, "{value}")
        }
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        return error(format!("writing the plan: {e}"));
    }
    if assessment.conclusion == "failure" {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where a base comes from, in words.
fn base_words(base: &BaseSource) -> String {
    match base {
        BaseSource::Repository { path } => path.clone(),
        BaseSource::S3 { bucket, key } => format!("s3://{bucket}/{key}"),
        BaseSource::Current => "the service's running revision (current)".to_owned(),
    }
}
