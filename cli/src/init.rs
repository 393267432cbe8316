//! `hatoba init`: a dozen answers in, every file and command a new deploy target needs out.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hatoba_core::deploy::target::BaseSource;
use hatoba_core::iam::kit::{self, Kit, KitOptions};
use hatoba_core::iam::{self, Setup};
use serde_json::Value;

use crate::config::{DEFAULT_CONFIG, targets_from_toml};

/// `hatoba init`'s arguments. Each answer may also be given in `--answers FILE` (TOML, the
/// flags' names as keys: `account = "123456789012"`, `pass-role = ["arn:..."]`); flags win.
/// What is still missing is asked for when the input is a terminal.
#[derive(Debug, Default, clap::Args)]
pub struct InitArgs {
    /// A TOML file of answers.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// The target's name (the commit status context is hatoba/NAME).
    #[arg(long)]
    pub name: Option<String>,
    /// The GitHub repository, OWNER/NAME.
    #[arg(long)]
    pub repository: Option<String>,
    /// The branch the build workflow runs on (main).
    #[arg(long)]
    pub branch: Option<String>,
    /// Also deploy `deployment` events for this GitHub environment.
    #[arg(long)]
    pub environment: Option<String>,
    /// Run the build job in this GitHub environment: its role then trusts the environment, not
    /// the branch.
    #[arg(long)]
    pub build_environment: Option<String>,
    /// The AWS region.
    #[arg(long)]
    pub region: Option<String>,
    /// The AWS account id (12 digits).
    #[arg(long)]
    pub account: Option<String>,
    /// The ECS cluster.
    #[arg(long)]
    pub cluster: Option<String>,
    /// The ECS service.
    #[arg(long)]
    pub service: Option<String>,
    /// The container whose image a deploy replaces (the service's name).
    #[arg(long)]
    pub container: Option<String>,
    /// The ECR repository the build pushes to (the service's name).
    #[arg(long)]
    pub ecr_repository: Option<String>,
    /// The task definition: a path in the repository (.aws/task-definition.json),
    /// s3://BUCKET/KEY or current.
    #[arg(long)]
    pub task_definition: Option<String>,
    /// The task-definition family (the existing file's, else the service's name).
    #[arg(long)]
    pub family: Option<String>,
    /// A role the task definition passes to ECS; repeat for each (the existing file's roles,
    /// else the account's ecsTaskExecutionRole).
    #[arg(long = "pass-role", value_name = "ARN", num_args = 1..)]
    pub pass_role: Vec<String>,
    /// Where the worker is served, for the webhook's payload URL.
    #[arg(long)]
    pub worker_url: Option<String>,
    /// The port of the starter task definition's container (8080).
    #[arg(long)]
    pub container_port: Option<u16>,
    /// The service's repository, where the workflow, the task definition, the policies and
    /// hatoba.tf are written.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// The worker's configuration, where the target is added.
    #[arg(long, default_value = DEFAULT_CONFIG)]
    pub wrangler: PathBuf,
    /// Print what would be written instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite files that exist (never the task definition, which is only written when
    /// missing).
    #[arg(long)]
    pub force: bool,
}

/// One question: its flag, what it asks, its default from the other answers.
struct Question {
    key: &'static str,
    prompt: &'static str,
}

const QUESTIONS: [Question; 16] = [
    q("name", "Target name (the status context is hatoba/NAME)"),
    q("repository", "GitHub repository (OWNER/NAME)"),
    q("branch", "Branch the build runs on"),
    q(
        "environment",
        "GitHub environment whose deployments also deploy (empty: none)",
    ),
    q(
        "build-environment",
        "GitHub environment of the build job (empty: none, the role trusts the branch)",
    ),
    q("region", "AWS region"),
    q("account", "AWS account id (12 digits)"),
    q("cluster", "ECS cluster"),
    q("service", "ECS service"),
    q("container", "Container whose image is replaced"),
    q("ecr-repository", "ECR repository"),
    q(
        "task-definition",
        "Task definition (repository path, s3://BUCKET/KEY or current)",
    ),
    q("family", "Task-definition family"),
    q(
        "pass-role",
        "Roles the task definition passes (space-separated ARNs)",
    ),
    q("worker-url", "Where the worker is served"),
    q(
        "container-port",
        "Container port of the starter task definition",
    ),
];

const fn q(key: &'static str, prompt: &'static str) -> Question {
    Question { key, prompt }
}

/// The answers so far, by flag name; lists are space-separated.
type Answers = BTreeMap<&'static str, String>;

fn from_flags(args: &InitArgs) -> Answers {
    let mut a = Answers::new();
    let mut put = |k: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            a.insert(k, v.clone());
        }
    };
    put("name", &args.name);
    put("repository", &args.repository);
    put("branch", &args.branch);
    put("environment", &args.environment);
    put("build-environment", &args.build_environment);
    put("region", &args.region);
    put("account", &args.account);
    put("cluster", &args.cluster);
    put("service", &args.service);
    put("container", &args.container);
    put("ecr-repository", &args.ecr_repository);
    put("task-definition", &args.task_definition);
    put("family", &args.family);
    put("worker-url", &args.worker_url);
    put(
        "container-port",
        &args.container_port.map(|p| p.to_string()),
    );
    if !args.pass_role.is_empty() {
        a.insert("pass-role", args.pass_role.join(" "));
    }
    a
}

fn from_file(path: &Path) -> Result<Answers, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("{}: not TOML: {}", path.display(), e.to_string().trim_end()))?;
    let mut a = Answers::new();
    for (key, value) in table {
        let Some(q) = QUESTIONS.iter().find(|q| q.key == key) else {
            let keys = QUESTIONS.iter().map(|q| q.key);
            let hint = hatoba_core::finding::did_you_mean(&key, keys)
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| "expected one of the flags' names".to_owned());
            return Err(format!(
                "{}: unknown answer `{key}`: {hint}",
                path.display()
            ));
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Array(items) => {
                let mut parts = Vec::new();
                for item in items {
                    match item {
                        toml::Value::String(s) => parts.push(s),
                        other => {
                            return Err(format!(
                                "{}: `{key}`: expected strings, found {other}",
                                path.display()
                            ));
                        }
                    }
                }
                parts.join(" ")
            }
            other => {
                return Err(format!(
                    "{}: `{key}`: expected a string, found {other}",
                    path.display()
                ));
            }
        };
        a.insert(q.key, text);
    }
    Ok(a)
}

/// Defaults that follow from other answers (and the existing task definition), or `None` when
/// the question must be answered.
fn default_for(key: &str, a: &Answers, dir: &Path) -> Option<String> {
    let file = existing_task_definition(a, dir);
    Some(match key {
        "branch" => "main".into(),
        "environment" | "build-environment" => String::new(),
        "region" => std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
        "container" | "ecr-repository" => a.get("service")?.clone(),
        "name" => a.get("service")?.clone(),
        "task-definition" => ".aws/task-definition.json".into(),
        "family" => file
            .as_ref()
            .and_then(|d| iam::read_task_definition(d).family)
            .or_else(|| a.get("service").cloned())?,
        "pass-role" => {
            let roles = file
                .as_ref()
                .map(|d| iam::read_task_definition(d).pass_roles)
                .unwrap_or_default();
            if roles.is_empty() {
                let region = a.get("region").map(String::as_str).unwrap_or("us-east-1");
                kit::default_execution_role(region, a.get("account")?)
            } else {
                roles.join(" ")
            }
        }
        "worker-url" => "https://hatoba.example.workers.dev".into(),
        "container-port" => "8080".into(),
        _ => return None,
    })
}

fn existing_task_definition(a: &Answers, dir: &Path) -> Option<Value> {
    let path = a
        .get("task-definition")
        .map(String::as_str)
        .unwrap_or(".aws/task-definition.json");
    // One that does not parse gives no defaults; checking it is `hatoba taskdef check`'s.
    crate::iam::read_task_definition_file(dir, path)?.ok()
}

/// Fills in what is missing: asked on a terminal, else the default, else an error naming the
/// flags still missing.
fn complete(
    mut a: Answers,
    dir: &Path,
    interactive: bool,
    input: &mut dyn BufRead,
) -> Result<Answers, String> {
    let mut missing = Vec::new();
    for q in &QUESTIONS {
        if a.contains_key(q.key) {
            continue;
        }
        let default = default_for(q.key, &a, dir);
        if interactive {
            let shown = default
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| format!(" [{d}]"))
                .unwrap_or_default();
            eprint!("{}{shown}: ", q.prompt);
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if input.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("input ended before every question was answered".into());
            }
            let line = line.trim();
            match (line.is_empty(), default) {
                (false, _) => {
                    a.insert(q.key, line.to_owned());
                }
                (true, Some(d)) => {
                    a.insert(q.key, d);
                }
                (true, None) => missing.push(format!("--{}", q.key)),
            }
        } else {
            match default {
                Some(d) => {
                    a.insert(q.key, d);
                }
                None => missing.push(format!("--{}", q.key)),
            }
        }
    }
    if missing.is_empty() {
        Ok(a)
    } else {
        Err(format!(
            "missing answers: {} (give them as flags, in --answers FILE, or run in a terminal to be asked)",
            missing.join(", ")
        ))
    }
}

/// The setup the answers describe, or every problem, each naming its flag.
fn setup_from(a: &Answers) -> Result<(Setup, KitOptions), Vec<String>> {
    let get = |k: &str| a.get(k).cloned().unwrap_or_default();
    let answers = kit::Answers {
        name: get("name"),
        repository: get("repository"),
        branch: get("branch"),
        environment: get("environment"),
        build_environment: get("build-environment"),
        region: get("region"),
        account: get("account"),
        cluster: get("cluster"),
        service: get("service"),
        container: get("container"),
        ecr_repository: get("ecr-repository"),
        task_definition: get("task-definition"),
        family: get("family"),
        pass_roles: get("pass-role")
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        worker_url: get("worker-url"),
        container_port: get("container-port"),
    };
    answers
        .setup()
        .map_err(|found| found.iter().map(ToString::to_string).collect())
}

/// What is done with each file.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    Write(PathBuf, String),
    Append(PathBuf, String),
    Keep(PathBuf, &'static str),
}

/// Decides each file's fate before anything is written: an existing file is an error without
/// `--force` (the task definition is kept as it is), the target is appended to an existing
/// wrangler.toml only when the result still checks.
fn plan(kit: &Kit, args: &InitArgs, target_name: &str) -> Result<Vec<Action>, Vec<String>> {
    let mut actions = Vec::new();
    let mut problems = Vec::new();
    for file in &kit.files {
        if file.path == DEFAULT_CONFIG {
            let path = args.wrangler.clone();
            match std::fs::read_to_string(&path) {
                Err(_) => actions.push(Action::Keep(
                    path,
                    "not found: add the table printed below to the worker's configuration",
                )),
                Ok(text) => {
                    let appended = format!("{}\n\n{}", text.trim_end(), file.contents);
                    match targets_from_toml(&text) {
                        Ok(existing) if existing.iter().any(|t| t.name == target_name) => {
                            problems.push(format!(
                                "{}: has a target named \"{target_name}\" already: edit it there, or choose another --name",
                                path.display()
                            ));
                            continue;
                        }
                        _ => {}
                    }
                    match targets_from_toml(&appended) {
                        Ok(_) => actions.push(Action::Append(path, appended)),
                        Err(e) => problems.push(format!(
                            "{}: with the target added, the file would not check: {e:?}",
                            path.display()
                        )),
                    }
                }
            }
            continue;
        }
        let path = args.dir.join(&file.path);
        let is_task_definition = file.about.starts_with("a task definition");
        if path.exists() {
            if is_task_definition {
                actions.push(Action::Keep(path, "exists: kept as it is"));
            } else if args.force {
                actions.push(Action::Write(path, file.contents.clone()));
            } else {
                problems.push(format!(
                    "{}: exists (--force to overwrite it)",
                    path.display()
                ));
            }
        } else {
            actions.push(Action::Write(path, file.contents.clone()));
        }
    }
    if problems.is_empty() {
        Ok(actions)
    } else {
        Err(problems)
    }
}

fn print_instructions(kit: &Kit, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "\nSecrets of the worker (cd worker && npx wrangler secret put NAME):"
    )?;
    for s in &kit.secrets {
        writeln!(out, "  {:<22} {}", s.name, s.source)?;
    }
    writeln!(
        out,
        "\nGitHub webhook (the repository's Settings → Webhooks → Add webhook):"
    )?;
    writeln!(out, "  Payload URL   {}", kit.webhook.payload_url)?;
    writeln!(out, "  Content type  {}", kit.webhook.content_type)?;
    writeln!(out, "  Secret        the GITHUB_WEBHOOK_SECRET value")?;
    writeln!(out, "  Events        {}", kit.webhook.events.join(", "))?;
    writeln!(out, "\nSteps:")?;
    for (i, step) in kit.steps.iter().enumerate() {
        writeln!(out, "  {}. {step}", i + 1)?;
    }
    Ok(())
}

/// Runs `hatoba init` with `input` for the questions. Exit 0 written (or printed), 2 a
/// missing or bad answer, or a file in the way; nothing is written unless everything can be.
pub fn run_with(args: InitArgs, input: &mut dyn BufRead, interactive: bool) -> ExitCode {
    let fail = |lines: &[String]| {
        for line in lines {
            eprintln!("hatoba init: {line}");
        }
        ExitCode::from(2)
    };
    let mut answers = match &args.answers {
        Some(path) => match from_file(path) {
            Ok(a) => a,
            Err(e) => return fail(&[e]),
        },
        None => Answers::new(),
    };
    answers.extend(from_flags(&args));
    let answers = match complete(answers, &args.dir, interactive, input) {
        Ok(a) => a,
        Err(e) => return fail(&[e]),
    };
    let (mut setup, options) = match setup_from(&answers) {
        Ok(s) => s,
        Err(problems) => return fail(&problems),
    };
    // A task definition already there is the base the kit leaves alone: its log groups are the
    // ones a deploy reads.
    if let Some(document) = existing_task_definition(&answers, &args.dir) {
        setup.log_groups = iam::read_task_definition(&document).log_groups;
        let findings = setup.check();
        if !findings.is_empty() {
            let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
            return fail(&lines);
        }
    }
    let kit = kit::kit(&setup, &options);
    let actions = match plan(&kit, &args, &setup.target.name) {
        Ok(a) => a,
        Err(problems) => return fail(&problems),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut print_table = false;
    for action in &actions {
        let result = match action {
            Action::Write(path, text) if args.dry_run => {
                writeln!(out, "==> {} (would write)\n{text}", path.display())
            }
            Action::Append(path, _) if args.dry_run => {
                let table = &kit
                    .files
                    .last()
                    .expect("the kit ends with the table")
                    .contents;
                writeln!(out, "==> {} (would append)\n{table}", path.display())
            }
            Action::Write(path, text) | Action::Append(path, text) => {
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(path, text));
                match written {
                    Ok(()) => writeln!(
                        out,
                        "{} {}",
                        if matches!(action, Action::Append(..)) {
                            "added the target to"
                        } else {
                            "wrote"
                        },
                        path.display()
                    ),
                    Err(e) => return fail(&[format!("{}: {e}", path.display())]),
                }
            }
            Action::Keep(path, why) => {
                print_table |= why.starts_with("not found");
                writeln!(out, "{}: {why}", path.display())
            }
        };
        if result.is_err() {
            return ExitCode::from(2);
        }
    }
    if print_table {
        let table = &kit
            .files
            .last()
            .expect("the kit ends with the table")
            .contents;
        let _ = writeln!(out, "\n{table}");
    }
    if !matches!(setup.target.task_definition, BaseSource::Repository { .. }) {
        let _ = writeln!(
            out,
            "The base is {}: no task-definition file is written.",
            setup.target.task_definition
        );
    }
    let _ = print_instructions(&kit, &mut out);
    ExitCode::SUCCESS
}

/// Runs `hatoba init`, asking on the terminal.
pub fn run(args: InitArgs) -> ExitCode {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    run_with(args, &mut stdin.lock(), interactive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asked_questions_take_defaults_from_earlier_answers() {
        let mut a = Answers::new();
        a.insert("service", "web".into());
        a.insert("account", "123456789012".into());
        let dir = Path::new("/nonexistent");
        // In the questions' order: name (the service's by default), repository, branch,
        // environment, build environment, region, cluster, then defaults to the end.
        let mut input: &[u8] = b"\nocto/shop\n\n\n\n\nstg\n\n\n\n\n\n\n\n";
        let a = complete(a, dir, true, &mut input).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a["name"], "web");
        assert_eq!(a["repository"], "octo/shop");
        assert_eq!(a["branch"], "main");
        assert_eq!(a["cluster"], "stg");
        assert_eq!(a["container"], "web");
        assert_eq!(
            a["pass-role"],
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
        );
    }

    #[test]
    fn without_a_terminal_missing_answers_are_named() {
        let mut input: &[u8] = b"";
        let err = complete(Answers::new(), Path::new("."), false, &mut input).unwrap_err();
        assert_eq!(
            err,
            "missing answers: --name, --repository, --account, --cluster, --service, --container, --ecr-repository, --family, --pass-role (give them as flags, in --answers FILE, or run in a terminal to be asked)"
        );
    }
}
