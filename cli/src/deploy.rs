//! `hatoba deploy`: the worker's deploy pipeline, driven from a terminal. Each step is printed
//! as it ends, with its time, and the rollout's tasks while it is followed.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hatoba_core::aws::retry::RetryPolicy;
use hatoba_core::aws::sigv4::Credentials;
use hatoba_core::deploy::session::Session;
use hatoba_core::deploy::{
    self, Context, DeployRequest, DeployRole, Deployment, Driver, MemoryStore, Next, Outcome,
    State, Step, Target, Trigger, Wake,
};
use hatoba_core::github::api::{DEFAULT_API_URL, GitHubClient};
use hatoba_core::redact::Redactor;

use crate::config::{ConfigError, DEFAULT_CONFIG, load_targets};
use crate::transport::{NativeTransport, SystemClock, block_on};

/// `hatoba deploy`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
    /// The target to deploy to (its `name` in the configuration).
    #[arg(long)]
    pub target: String,
    /// The commit: its image (tagged per the target's imageTag) is deployed and its statuses set.
    #[arg(long)]
    pub sha: String,
    /// The wrangler.toml holding the targets.
    #[arg(long, default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
    /// Redeploy this existing revision (ARN or family:revision) instead of building one from
    /// the commit's image: a rollback.
    #[arg(long)]
    pub task_definition: Option<String>,
    /// Stop once the service is updated, without following the rollout (the commit status
    /// stays pending).
    #[arg(long)]
    pub no_wait: bool,
    /// human: the steps as they happen; json: the same on stderr, and the deployment record
    /// on stdout at the end.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DeployFormat,
}

/// Output formats of `hatoba deploy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeployFormat {
    /// Steps as they happen.
    Human,
    /// The record as JSON at the end.
    Json,
}

/// Settings from the standard environment variables.
#[derive(Debug, Default)]
pub struct Environment {
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
    pub credentials: Option<Credentials>,
    /// `AWS_REGION`.
    pub region: Option<String>,
    /// `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// `GITHUB_TOKEN`.
    pub github_token: Option<String>,
    /// `GITHUB_API_URL`.
    pub github_api_url: Option<String>,
    /// `HATOBA_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// `AWS_ROLE_ARN`: the role each deploy assumes with the credentials above.
    pub role_arn: Option<String>,
}

impl Environment {
    /// Reads the variables of this process (empty values count as unset).
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let credentials = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Some(Credentials {
                access_key_id: id,
                secret_access_key: secret,
                session_token: var("AWS_SESSION_TOKEN"),
            }),
            _ => None,
        };
        Environment {
            credentials,
            region: var("AWS_REGION"),
            endpoint_url: var("AWS_ENDPOINT_URL"),
            github_token: var("GITHUB_TOKEN"),
            github_api_url: var("GITHUB_API_URL"),
            public_url: var("HATOBA_PUBLIC_URL"),
            role_arn: var("AWS_ROLE_ARN"),
        }
    }
}

fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    command_error("deploy", message)
}

/// `hatoba COMMAND: message` on stderr; exit 2 (a usage or configuration error).
pub fn command_error(command: &str, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("hatoba {command}: {message}");
    ExitCode::from(2)
}

/// The target named `name` in `config` (a wrangler.toml). When the file cannot be read, does
/// not check, or has no such target, says so on stderr (as `hatoba COMMAND`) and gives exit 2.
pub fn find_target(command: &str, config: &Path, name: &str) -> Result<Target, ExitCode> {
    let targets = match load_targets(config) {
        Ok(targets) => targets,
        Err(ConfigError::File(message)) => return Err(command_error(command, message)),
        Err(ConfigError::Invalid(findings)) => {
            for f in &findings {
                eprintln!("{}: {f}", config.display());
            }
            return Err(command_error(
                command,
                format!(
                    "{} is not a valid configuration (see `hatoba config check`)",
                    config.display()
                ),
            ));
        }
    };
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    let message = format!(
        "no target named \"{name}\" in {}: it has {}",
        config.display(),
        names.join(", ")
    );
    targets
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| command_error(command, message))
}

/// What a deploy's [`Context`] is built from, owned: the environment's credentials, endpoints,
/// GitHub client and deploy role, the native transport and clock, and the role's session.
/// `hatoba deploy` and `hatoba plan` build their context alike, from this.
pub struct Connection {
    transport: NativeTransport,
    clock: SystemClock,
    session: Session,
    credentials: Credentials,
    endpoint_url: Option<String>,
    /// GitHub (`GITHUB_TOKEN`, `GITHUB_API_URL`), when a token is set.
    pub github: Option<GitHubClient>,
    public_url: Option<String>,
    role_arn: Option<String>,
}

impl Connection {
    /// From the environment, for `target`: without AWS credentials, says so on stderr (as
    /// `hatoba COMMAND`) and gives exit 2; notes an `AWS_REGION` other than the target's.
    pub fn new(command: &str, target: &Target, env: Environment) -> Result<Self, ExitCode> {
        let Some(credentials) = env.credentials else {
            return Err(command_error(
                command,
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)",
            ));
        };
        if let Some(region) = &env.region
            && region != &target.region
        {
            eprintln!(
                "note: AWS_REGION={region} is not used: target {} deploys to {}",
                target.name, target.region
            );
        }
        let github = env.github_token.map(|token| GitHubClient {
            api_url: env
                .github_api_url
                .unwrap_or_else(|| DEFAULT_API_URL.to_owned()),
            token,
        });
        Ok(Connection {
            transport: NativeTransport::new(),
            clock: SystemClock,
            session: Session::default(),
            credentials,
            endpoint_url: env.endpoint_url,
            github,
            public_url: env.public_url,
            role_arn: env.role_arn,
        })
    }

    /// The deploy pipeline's context for `target`, with the in-process checks; every secret
    /// held is redacted from what it records.
    pub fn context<'a>(&'a self, target: &'a Target) -> Context<'a, NativeTransport, SystemClock> {
        let redactor = Redactor::new(
            [
                Some(self.credentials.access_key_id.clone()),
                Some(self.credentials.secret_access_key.clone()),
                self.credentials.session_token.clone(),
                self.github.as_ref().map(|g| g.token.clone()),
            ]
            .into_iter()
            .flatten(),
        );
        Context {
            transport: &self.transport,
            clock: &self.clock,
            target,
            credentials: self.credentials.clone(),
            endpoint_url: self.endpoint_url.clone(),
            github: self.github.clone(),
            public_url: self.public_url.clone(),
            retry: RetryPolicy::STANDARD,
            role: self.role_arn.clone().map(|role_arn| DeployRole {
                role_arn,
                session: &self.session,
            }),
            redactor,
            checks: &hatoba_core::checks::LocalChecks,
            // A token writes statuses; check runs need a GitHub App.
            check_runs: false,
        }
    }
}

/// Runs `hatoba deploy`: 0 deployed, 1 the deploy failed or timed out, 2 a usage or
/// configuration error.
pub fn run(args: DeployArgs, env: Environment) -> ExitCode {
    let target = match find_target("deploy", &args.config, &args.target) {
        Ok(target) => target,
        Err(code) => return code,
    };
    let target = &target;
    let sha = args.sha.to_ascii_lowercase();
    if !deploy::target::is_commit_sha(&sha) {
        return usage_error(format!(
            "--sha \"{}\" is not a commit sha: expected 7 to 64 hex digits",
            args.sha
        ));
    }
    // The pipeline checks the family against the service's before it updates it; what the
    // configuration alone can refuse is refused here, before any AWS call.
    let task_definition = match args
        .task_definition
        .as_deref()
        .map(|t| target.check_revision(t))
        .transpose()
    {
        Ok(revision) => revision,
        Err(message) => return usage_error(format!("--task-definition {message}")),
    };
    let connection = match Connection::new("deploy", target, env) {
        Ok(connection) => connection,
        Err(code) => return code,
    };
    if connection.github.is_none() {
        eprintln!("note: GITHUB_TOKEN is not set: the deploy runs, but no commit status is sent");
    }
    let ctx = connection.context(target);
    let now = hatoba_core::http::Clock::now_millis(ctx.clock);
    let request = DeployRequest {
        target: target.name.clone(),
        sha: sha.clone(),
        trigger: Trigger::Manual {
            by: "cli".to_owned(),
        },
        commit_time: None,
        task_definition_arn: task_definition.clone(),
        pushed_at: None,
    };
    let what = match &task_definition {
        Some(arn) => format!("revision {arn}"),
        None => format!("commit {}", deploy::target::short_sha(&sha)),
    };
    eprintln!(
        "Deploying {what} to {} ({}/{} in {})",
        target.name, target.cluster, target.service, target.region
    );
    let store = MemoryStore::default();
    let driver = Driver::new(&store);
    let (d, finished) = match drive(&driver, &request, now, &ctx, args.no_wait) {
        Ok(done) => done,
        Err(message) => {
            eprintln!("hatoba deploy: {message}");
            return ExitCode::from(1);
        }
    };
    if args.format == DeployFormat::Json {
        let mut out = std::io::stdout().lock();
        let _ = serde_json::to_writer_pretty(&mut out, &d);
        let _ = writeln!(out);
    }
    if !finished {
        eprintln!(
            "Service updated; not following the rollout (--no-wait). The commit status stays pending. Follow it at {}",
            target.console_url()
        );
        return ExitCode::SUCCESS;
    }
    eprintln!("{}: {}", d.state.words(), d.description);
    if let Some(evidence) = evidence_text(&d) {
        eprint!("{evidence}");
    }
    if d.state == State::Success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Runs the deploy through core's driver, sleeping while it waits, until it is done (true), or,
/// with `no_wait`, until the rollout would be followed (false). Each stored step is printed.
fn drive(
    driver: &Driver<'_, MemoryStore>,
    request: &DeployRequest,
    now: u64,
    ctx: &Context<'_, NativeTransport, SystemClock>,
    no_wait: bool,
) -> Result<(Deployment, bool), String> {
    let store_error = |e: deploy::StoreError| e.to_string();
    let admitted = block_on(driver.admit(request, &[], now)).map_err(store_error)?;
    let id = admitted
        .id
        .ok_or_else(|| admitted.ignored.unwrap_or_default())?;
    let printer = Printer::new(&ctx.target.region);
    let mut shown = Shown::default();
    let mut stopped = false;
    loop {
        let wake = block_on(driver.run(ctx, Duration::MAX, |d| {
            printer.show(d, &mut shown);
            if no_wait && d.next == Next::WaitRollout {
                stopped = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }))
        .map_err(store_error)?;
        match wake {
            Wake::After(wait) => std::thread::sleep(wait),
            Wake::Now if !stopped => {}
            Wake::Now | Wake::Done => break,
        }
    }
    let d = block_on(driver.deployment(&id))
        .map_err(store_error)?
        .ok_or_else(|| format!("deployment {id} was not stored"))?;
    Ok((d, !stopped))
}

/// What has been printed already: the ended steps, the open step's last detail, the rollout's
/// lifecycle stage and the PAUSE hook it waits at.
#[derive(Default)]
struct Shown {
    ended: usize,
    open_detail: String,
    stage: String,
    hook: String,
    link: String,
}

struct Printer<'a> {
    started: Instant,
    region: &'a str,
}

impl<'a> Printer<'a> {
    fn new(region: &'a str) -> Self {
        Self {
            started: Instant::now(),
            region,
        }
    }

    fn line(&self, step: &str, mark: &str, detail: &str) {
        let t = self.started.elapsed().as_secs_f64();
        eprintln!("{t:>7.1}s  {step:<24} {mark:<4} {detail}");
    }

    /// Where a step's work is seen in AWS (the pre-deploy task in the ECS console), once.
    fn link(&self, step: &Step, shown: &mut Shown) {
        if let Some(link) = step.link.as_ref().filter(|l| **l != shown.link) {
            self.line(step.name.as_str(), "→", link);
            shown.link.clone_from(link);
        }
    }

    fn show(&self, d: &Deployment, shown: &mut Shown) {
        let ended: Vec<_> = d.steps.iter().filter(|s| s.ended_at.is_some()).collect();
        for step in &ended[shown.ended.min(ended.len())..] {
            let mark = match step.outcome {
                Some(Outcome::Ok) => "ok",
                Some(Outcome::Warning) => "warn",
                Some(Outcome::Failed) | None => "FAIL",
            };
            self.line(step.name.as_str(), mark, &step.detail);
            self.link(step, shown);
            shown.open_detail.clear();
        }
        shown.ended = ended.len();
        if let Some(l) = &d.lifecycle
            && l.stage != shown.stage
        {
            let now = hatoba_core::http::Clock::now_millis(&SystemClock);
            self.line("lifecycle", "→", &l.words(now));
            shown.stage = l.stage.clone();
        }
        if let Some(open) = d.open_step()
            && open.detail != shown.open_detail
        {
            self.line(open.name.as_str(), "…", &open.detail);
            self.link(open, shown);
            shown.open_detail = open.detail.clone();
        }
        if let Some(p) = d.pause.as_ref().filter(|_| d.state == State::Paused)
            && p.hook_id != shown.hook
        {
            eprint!("{}", pause_text(d, self.region).unwrap_or_default());
            shown.hook = p.hook_id.clone();
        }
    }
}

/// A time as `2026-11-29 16:38:51 UTC`.
fn utc(millis: u64) -> String {
    let t = hatoba_core::time::format(millis);
    format!("{} {} UTC", &t[..10], &t[11..19])
}

/// `word` as one word of a POSIX shell command line: quoted when it holds anything but
/// letters, digits and `:/._-+=@,%`.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/._-+=@,%".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Where a paused deployment waits, and the commands that answer it: the AWS CLI's
/// `ContinueServiceDeployment` with `CONTINUE` or `ROLLBACK` (in `region`, the target's).
/// `None` unless the deployment is paused.
///
/// The worker's `POST /api/deployments/ID/continue|rollback` are not offered: they answer the
/// deployments the worker runs, and this one runs here, in this process alone.
pub fn pause_text(d: &Deployment, region: &str) -> Option<String> {
    let p = d.pause.as_ref().filter(|_| d.state == State::Paused)?;
    let mut text = format!(
        "Paused at {}: ECS holds the rollout until it is continued or rolled back",
        p.stage
    );
    if let Some(at) = p.expires_at {
        text.push_str(&format!("; unanswered, the hook times out at {}", utc(at)));
    }
    text.push_str(".\n");
    if let Some(arn) = &d.service_deployment_arn {
        text.push_str("This command follows the rollout on. Answer the pause with the AWS CLI:\n");
        for (what, action) in [("continue: ", "CONTINUE"), ("roll back:", "ROLLBACK")] {
            text.push_str(&format!(
                "  {what} aws ecs continue-service-deployment --region {} --service-deployment-arn {} --hook-id {} --action {action}\n",
                shell_word(region),
                shell_word(arn),
                shell_word(&p.hook_id)
            ));
        }
    }
    Some(text)
}

pub use hatoba_core::deploy::evidence::evidence_text;
