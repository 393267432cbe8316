//! `hatoba iam policy`: the least-privilege policies of a deploy target, as JSON or Terraform.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hatoba_core::deploy::Target;
use hatoba_core::deploy::target::BaseSource;
use hatoba_core::iam::{self, Parts, Setup};
use serde_json::{Value, json};

use crate::config::{ConfigError, DEFAULT_CONFIG, load_targets};

/// `hatoba iam ...`.
#[derive(Debug, clap::Subcommand)]
pub enum IamCommand {
    /// Print a target's least-privilege IAM policy. Exit 0 printed, 2 a usage or configuration
    /// error.
    ///
    /// --kind deploy (default): what the worker (or `hatoba deploy`) needs to deploy the target.
    /// --kind assume: when the worker assumes a role (AWS_ROLE_ARN), that role's trust policy
    /// and the worker user's policy, which can do nothing but assume it.
    /// --kind ci: the build workflow's role, trusted through GitHub's OIDC provider for the
    /// target's repository and branch (or environment), allowed to push to its ECR repository.
    Policy(PolicyArgs),
}

/// Which principal's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The deploy rights of the worker.
    Deploy,
    /// The deploy role's trust and the worker user's assume-only policy.
    Assume,
    /// The build workflow's OIDC role.
    Ci,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Policy documents as JSON.
    Json,
    /// Terraform (HCL) declaring the principals and their policies.
    Terraform,
}

/// What a target's policies are generated from, besides the target itself.
#[derive(Debug, Clone, clap::Args)]
pub struct AccountArgs {
    /// The AWS account id (12 digits).
    #[arg(long)]
    pub account: String,
    /// A role the task definition passes to ECS (executionRoleArn, taskRoleArn); repeat for
    /// each. Default: the roles of the target's task-definition file, when it is here.
    #[arg(long = "pass-role", value_name = "ARN", num_args = 1..)]
    pub pass_role: Vec<String>,
    /// The task-definition family. Default: the family of the target's task-definition file,
    /// when it is here, else the service's name.
    #[arg(long)]
    pub family: Option<String>,
    /// A log group the task definition's containers send to with the awslogs driver, whose
    /// streams a deploy reads to tell why a task stopped; repeat for each. Default: the groups
    /// of the target's task-definition file, when it is here, else any group of the account in
    /// the target's region.
    #[arg(long = "log-group", value_name = "NAME", num_args = 1..)]
    pub log_group: Vec<String>,
    /// The IAM user whose key the worker holds.
    #[arg(long, default_value = "hatoba-worker")]
    pub worker_user: String,
    /// The role the worker assumes (AWS_ROLE_ARN). Default: hatoba-deploy-TARGET.
    #[arg(long)]
    pub deploy_role: Option<String>,
    /// The role the build workflow assumes. Default: hatoba-build-TARGET.
    #[arg(long)]
    pub ci_role: Option<String>,
}

/// `hatoba iam policy`'s arguments.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// The target (its `name` in the configuration).
    #[arg(long)]
    pub target: String,
    /// The wrangler.toml holding the targets.
    #[arg(long, default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
    #[command(flatten)]
    pub account: AccountArgs,
    /// Whose policy.
    #[arg(long, value_enum, default_value = "deploy")]
    pub kind: Kind,
    /// JSON documents, or Terraform.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
}

/// The task-definition file at `path` under `root` (JSON or YAML): `None` when there is none,
/// an error naming its line and column when it does not parse.
pub fn read_task_definition_file(root: &Path, path: &str) -> Option<Result<Value, String>> {
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    Some(
        hatoba_core::source::parse_document(&text)
            .map(|node| node.to_json())
            .map_err(|e| format!("{path}:{e}")),
    )
}

/// Builds and checks the setup of `target`: defaults are read from the target's task-definition
/// file under `root` when the target's base is a repository file that is there. Notes on what was
/// assumed go to `notes`; problems come back one per line.
pub fn setup_for(
    target: Target,
    args: &AccountArgs,
    root: &Path,
    notes: &mut Vec<String>,
) -> Result<Setup, Vec<String>> {
    let file = match &target.task_definition {
        BaseSource::Repository { path } => match read_task_definition_file(root, path) {
            Some(Ok(document)) => Some(iam::read_task_definition(&document)),
            Some(Err(e)) => return Err(vec![e]),
            None => None,
        },
        _ => None,
    };
    let (file_family, file_roles, file_groups) = match file {
        Some(facts) => (facts.family, facts.pass_roles, Some(facts.log_groups)),
        None => (None, Vec::new(), None),
    };
    let family = match (&args.family, file_family) {
        (Some(f), _) => f.clone(),
        (None, Some(f)) => f,
        (None, None) => {
            notes.push(format!(
                "family: none given and no task-definition file read; using the service's name \"{}\": the policy registers and updates the service to that family's revisions only (--family to set it)",
                target.service
            ));
            target.service.clone()
        }
    };
    let roles = if args.pass_role.is_empty() {
        if file_roles.is_empty() {
            notes.push(
                "no role to pass: the policy allows no iam:PassRole (--pass-role ARN for the task definition's executionRoleArn and taskRoleArn)".to_owned(),
            );
        }
        file_roles
    } else {
        args.pass_role.clone()
    };
    let log_groups = match (args.log_group.is_empty(), file_groups) {
        (false, _) => args.log_group.clone(),
        (true, Some(groups)) => groups,
        (true, None) => {
            notes.push(format!(
                "log groups: none given and no task-definition file read; the policy lets logs:GetLogEvents read any log group of the account in {} (--log-group NAME for the task definition's awslogs groups)",
                target.region
            ));
            vec![iam::ANY_LOG_GROUP.to_owned()]
        }
    };
    let mut setup = Setup::new(target, &args.account, &family, roles);
    setup.log_groups = log_groups;
    setup.worker_user = args.worker_user.clone();
    if let Some(role) = &args.deploy_role {
        setup.deploy_role = role.clone();
    }
    if let Some(role) = &args.ci_role {
        setup.ci_role = role.clone();
    }
    let findings = setup.check();
    if findings.is_empty() {
        Ok(setup)
    } else {
        Err(findings.iter().map(ToString::to_string).collect())
    }
}

/// The documents of `kind` as pretty JSON.
pub fn policy_json(setup: &Setup, kind: Kind) -> String {
    let value = match kind {
        Kind::Deploy => iam::deploy_policy(setup),
        Kind::Assume => json!({
            "deployRoleArn": setup.deploy_role_arn(),
            "trustPolicy": iam::deploy_role_trust_policy(setup),
            "workerUserPolicy": iam::worker_user_policy(setup),
        }),
        Kind::Ci => json!({
            "roleArn": setup.ci_role_arn(),
            "trustPolicy": iam::ci_trust_policy(setup),
            "rolePolicy": iam::ci_role_policy(setup),
        }),
    };
    serde_json::to_string_pretty(&value).expect("JSON values always serialize")
}

/// Runs `hatoba iam ...`.
pub fn run(command: IamCommand) -> ExitCode {
    let IamCommand::Policy(args) = command;
    let fail = |lines: &[String]| {
        for line in lines {
            eprintln!("hatoba iam policy: {line}");
        }
        ExitCode::from(2)
    };
    let targets = match load_targets(&args.config) {
        Ok(t) => t,
        Err(ConfigError::File(m)) => return fail(&[m]),
        Err(ConfigError::Invalid(findings)) => return fail(&findings),
    };
    let Some(target) = targets.into_iter().find(|t| t.name == args.target) else {
        return fail(&[format!(
            "no target named \"{}\" in {}",
            args.target,
            args.config.display()
        )]);
    };
    let mut notes = Vec::new();
    let setup = match setup_for(target, &args.account, Path::new("."), &mut notes) {
        Ok(s) => s,
        Err(lines) => return fail(&lines),
    };
    if args.kind == Kind::Ci {
        // The build role passes no role and reads no log.
        notes.retain(|n| !n.starts_with("no role to pass") && !n.starts_with("log groups:"));
    }
    for note in notes {
        eprintln!("hatoba iam policy: note: {note}");
    }
    match args.format {
        Format::Json => println!("{}", policy_json(&setup, args.kind)),
        Format::Terraform => {
            let parts = Parts {
                deploy: args.kind == Kind::Deploy,
                assume: args.kind == Kind::Assume,
                ci: args.kind == Kind::Ci,
            };
            print!("{}", iam::terraform(&setup, parts));
        }
    }
    ExitCode::SUCCESS
}
