//! `hatoba`: the same checks as the browser editor and the worker, for terminals, CI and
//! pre-commit hooks.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use hatoba_cli::{aws, check, config, deploy, iam, init, lsp, plan, taskdef, webhook, workflow};

/// Push-to-deploy for Amazon ECS: Hatoba's checks and tools, for terminals and CI.
#[derive(Debug, Parser)]
#[command(name = "hatoba", version = hatoba_core::VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Tools for talking to AWS by hand.
    #[command(subcommand)]
    Aws(AwsCommand),
    /// Check every workflow (.github/workflows) and task definition (by its content) under the
    /// paths (default: the current directory). Exit 0 when nothing fails, 1 when something
    /// does, 2 on a usage or I/O error or when there is nothing to check.
    Check(check::CheckArgs),
    /// Check the deploy targets in wrangler.toml.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Deploy a commit (or redeploy a revision) to a target, following the rollout to its end
    /// and reporting it as a commit status. Exit 0 deployed, 1 the deploy failed or timed out,
    /// 2 a usage or configuration error.
    Deploy(deploy::DeployArgs),
    /// Set up a deploy target: answer a dozen questions (flags, --answers FILE, or asked on a
    /// terminal) and get the least-privilege policies, hatoba.tf, the build workflow, a task
    /// definition if there is none, the target in worker/wrangler.toml, the worker's secrets
    /// and the GitHub webhook's settings. Exit 0 done, 2 a missing or bad answer or a file in
    /// the way (nothing is written then).
    Init(init::InitArgs),
    /// What a deploy of a commit would change against the revision the target's service runs:
    /// the base read at the commit, rendered with the commit's image, diffed and checked (the
    /// pull request's "Hatoba plan" check run). Reads, never writes. Exit 0 the plan holds, 1
    /// what would be registered breaks a rule, 2 a usage or configuration error or inputs that
    /// cannot be read.
    Plan(plan::PlanArgs),
    /// A language server on standard input and output, for editors with an LSP client:
    /// workflows and task definitions get the checks' findings as diagnostics (with
    /// `.hatoba.toml`), completion, hover, and the quick fixes as code actions. Exit 0 after
    /// `shutdown` then `exit`, 1 on `exit` without `shutdown`, 2 when the stream breaks.
    Lsp,
    /// Least-privilege IAM policies (and Terraform) for a deploy target.
    #[command(subcommand)]
    Iam(iam::IamCommand),
    /// Send GitHub webhook deliveries by hand.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Check, render and compare ECS task definitions.
    #[command(subcommand)]
    Taskdef(taskdef::TaskdefCommand),
    /// Check GitHub Actions workflows.
    #[command(subcommand)]
    Workflow(workflow::WorkflowCommand),
    /// Print the version (same as --version).
    Version,
}

#[derive(Debug, clap::Subcommand)]
enum AwsCommand {
    /// Sign requests with SigV4 and show every step, to debug "the request signature we
    /// calculated does not match".
    ///
    /// Reads JSON lines on stdin: {"method", "url", "headers": [[name, value], ...], "body",
    /// "region", "service", "access_key", "secret_key", "session_token"?, "amz_date"?
    /// (20150830T123600Z; now when absent), "unsigned_payload"? (S3 only)}. Prints one JSON line
    /// each: authorization, x_amz_date, signed_headers, signature, canonical_request,
    /// string_to_sign, and for S3 x_amz_content_sha256; or {"error"} naming the line.
    /// Exits 1 when any line failed.
    Sign,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Aws(AwsCommand::Sign)) => {
            match aws::sign_lines(io::stdin().lock(), io::stdout().lock()) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(1),
                Err(e) => {
                    eprintln!("hatoba aws sign: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Config(command)) => config::run(command),
        Some(Command::Deploy(args)) => deploy::run(args, deploy::Environment::from_process()),
        Some(Command::Iam(command)) => iam::run(command),
        Some(Command::Lsp) => lsp::run(),
        Some(Command::Init(args)) => init::run(args),
        Some(Command::Plan(args)) => plan::run(args, deploy::Environment::from_process()),
        Some(Command::Webhook(command)) => webhook::run(command),
        Some(Command::Taskdef(command)) => taskdef::run(command),
        Some(Command::Workflow(command)) => workflow::run(command),
        Some(Command::Version) => {
            println!("hatoba {}", hatoba_core::VERSION);
            ExitCode::SUCCESS
        }
        None => {
            // No subcommand: show what there is rather than doing nothing silently.
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            println!();
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
