//! Deploy targets: the `HATOBA_TARGETS` variable of `worker/wrangler.toml`, one configuration for
//! the worker (which receives it as JSON) and `hatoba deploy` (which reads the TOML itself).
//!
//! A bad target is refused as a whole, with every problem named by its key
//! (`HATOBA_TARGETS[1].cluster: missing`), before any deploy starts.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::github::api::RepoRef;

/// The name of the variable that holds the targets.
pub const VARIABLE: &str = "HATOBA_TARGETS";

/// Where the base task definition of a deploy comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BaseSource {
    /// A file in the repository, read at the commit being deployed (JSON or YAML).
    Repository {
        /// The path, e.g. `.aws/task-definition.json`.
        path: String,
    },
    /// An S3 object, as the old CodePipeline kept it.
    S3 {
        /// The bucket.
        bucket: String,
        /// The object key.
        key: String,
    },
    /// The revision the service runs now.
    Current,
}

impl BaseSource {
    /// Reads the `taskDefinition` key: `s3://bucket/key`, `current`, or a repository path.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "current" {
            return Ok(BaseSource::Current);
        }
        if let Some(rest) = text.strip_prefix("s3://") {
            return match rest.split_once('/') {
                Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => {
                    Ok(BaseSource::S3 {
                        bucket: bucket.to_owned(),
                        key: key.to_owned(),
                    })
                }
                _ => Err(format!(
                    "\"{text}\" is not s3://BUCKET/KEY: expected a bucket and an object key"
                )),
            };
        }
        if text.is_empty() || text.starts_with('/') || text.contains("://") {
            return Err(format!(
                "\"{text}\" is not a base: expected a path in the repository (.aws/task-definition.json), s3://BUCKET/KEY or current"
            ));
        }
        if text.split('/').any(|part| part == "..") {
            return Err(format!(
                "\"{text}\": a repository path may not contain `..`"
            ));
        }
        Ok(BaseSource::Repository {
            path: text.trim_start_matches("./").to_owned(),
        })
    }
}

impl fmt::Display for BaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseSource::Repository { path } => f.write_str(path),
            BaseSource::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
            BaseSource::Current => f.write_str("current"),
        }
    }
}

/// One deploy target: which commits deploy where, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// The target's name: the commit status context is `hatoba/<name>`.
    pub name: String,
    /// The GitHub repository, `owner/name`.
    pub repository: String,
    /// Deploy pushes to this branch.
    pub branch: Option<String>,
    /// Deploy successful runs of this workflow (`build.yml`, its path, or its name).
    pub workflow: Option<String>,
    /// Deploy `deployment` events for this environment.
    pub environment: Option<String>,
    /// The AWS region.
    pub region: String,
    /// The ECS cluster.
    pub cluster: String,
    /// The ECS service.
    pub service: String,
    /// The container whose image a deploy replaces.
    pub container: String,
    /// The ECR repository the image is pushed to.
    pub ecr_repository: String,
    /// The image tag, `{sha}` standing for the commit (default `{sha}`).
    pub image_tag: String,
    /// The base task definition.
    pub task_definition: BaseSource,
    /// Write `repo@sha256:...` into the task definition instead of the tag.
    pub pin_digest: bool,
    /// How long to wait for the image to appear in ECR (900).
    pub image_wait_seconds: u64,
    /// How long to follow the rollout before calling it an error (1800).
    pub rollout_wait_seconds: u64,
    /// How often to poll ECR and ECS while waiting (15).
    pub poll_seconds: u64,
    /// Stop a rollout (`StopServiceDeployment`, ROLLBACK) once [`Target::fail_fast_tasks`] of
    /// its tasks stopped for a cause that will not heal, rather than wait for ECS's circuit
    /// breaker (true).
    #[serde(default = "yes")]
    pub fail_fast: bool,
    /// How many such tasks stop a rollout (2).
    #[serde(default = "two")]
    pub fail_fast_tasks: u64,
    /// A task run from the new revision before the service is updated (a migration): the
    /// service is updated only when it exits 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_deploy: Option<PreDeploy>,
}

/// The `preDeploy` key: a one-off task of the new revision (`RunTask`, in the service's cluster
/// and network) whose container runs `command`; the deploy goes on only when it exits 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreDeploy {
    /// The container of the task definition whose command is replaced.
    pub container: String,
    /// The command it runs instead of its own (`["bin/migrate"]`).
    pub command: Vec<String>,
    /// How long the task may run before it is stopped and the deploy fails (900).
    pub timeout_seconds: u64,
}

fn yes() -> bool {
    true
}

fn two() -> u64 {
    2
}

impl Target {
    /// The repository as owner and name.
    pub fn repo(&self) -> RepoRef {
        RepoRef::parse(&self.repository).expect("checked when the target was read")
    }

    /// The image tag for `sha`.
    pub fn tag_for(&self, sha: &str) -> String {
        self.image_tag
            .replace("{sha}", sha)
            .replace("{short_sha}", short_sha(sha))
    }

    /// The commit status context: `hatoba/<name>`.
    pub fn status_context(&self) -> String {
        format!("hatoba/{}", self.name)
    }

    /// Checks a revision a redeploy (a rollback) names, `family:revision` or its full ARN
    /// (`arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42`), as far as the target's
    /// configuration can: the form, a family name ECS accepts, a revision number, and, for an ARN,
    /// the target's partition and region and an ECS task definition. The normalized text comes
    /// back (the revision without leading zeros, so it compares equal to the ARN ECS answers
    /// with), or what is wrong and what was expected.
    ///
    /// The family and the account are not part of a target's configuration: the family comes
    /// from the base, read at deploy time. So this is what can be refused where a redeploy is
    /// asked for (the API, `hatoba deploy`), before anything is queued or sent to AWS; the
    /// deploy pipeline checks the rest with [`Target::check_revision_against`] before it
    /// updates the service, whoever asked.
    pub fn check_revision(&self, arn_or_family_revision: &str) -> Result<String, String> {
        let revision = self.parse_revision(arn_or_family_revision)?;
        Ok(revision.to_string())
    }

    /// [`Target::check_revision`], and then the revision must be of the family the target's
    /// service runs now, `running` (the `taskDefinition` ECS's `DescribeServices` answers, a full
    /// ARN), in its partition, region and account. The full ARN of the revision comes back (a
    /// `family:revision` completed with the running revision's partition, region and account, so
    /// `UpdateService` and its `ecs:task-definition` condition see the ARN), or what is wrong and
    /// what was expected.
    ///
    /// The family the service runs is the family a redeploy may go back to: every deploy of a
    /// commit registers a revision of the base's family and puts the service on it, so the two
    /// are the same once a commit is deployed, and it is known for every kind of base without
    /// reading the base again. A redeploy across a family rename is refused: deploy the commit.
    pub fn check_revision_against(
        &self,
        arn_or_family_revision: &str,
        running: &str,
    ) -> Result<String, String> {
        let wanted = self.parse_revision(arn_or_family_revision)?;
        let service = format!("{}/{}", self.cluster, self.service);
        let on = Revision::parse(running)
            .ok()
            .and_then(|r| r.arn.map(|arn| (r.family, arn)));
        let Some((running_family, (partition, region, account))) = on else {
            return Err(format!(
                "the service {service} runs \"{running}\", not a task-definition ARN: its family, which a redeploy must keep, is unknown"
            ));
        };
        let name = format!("{}:{}", wanted.family, wanted.number);
        if wanted.family != running_family {
            return Err(format!(
                "{name} is of family {}: target {} redeploys only revisions of {running_family}, the family its service {service} runs",
                wanted.family, self.name
            ));
        }
        if let Some((p, r, a)) = wanted.arn {
            if (p, r) != (partition, region) {
                return Err(format!(
                    "\"{arn_or_family_revision}\" is in {p} {r}: the service {service} runs {running_family} in {partition} {region}"
                ));
            }
            if a != account {
                return Err(format!(
                    "\"{arn_or_family_revision}\" is in account {a}: the service {service} runs {running_family} of account {account}"
                ));
            }
        }
        Ok(Revision {
            arn: Some((partition, region, account)),
            ..wanted
        }
        .to_string())
    }

    /// Reads a revision and checks what the configuration knows: its partition and region.
    fn parse_revision<'t>(&self, text: &'t str) -> Result<Revision<'t>, String> {
        let partition = crate::iam::partition_of(&self.region);
        let expected = format!(
            "expected FAMILY:REVISION (web:42) or arn:{partition}:ecs:{}:ACCOUNT:task-definition/FAMILY:REVISION",
            self.region
        );
        let revision =
            Revision::parse(text).map_err(|why| format!("\"{text}\" {why}: {expected}"))?;
        if let Some((p, r, _)) = revision.arn {
            if p != partition {
                return Err(format!(
                    "\"{text}\" is in partition {p}: target {} deploys in {partition} (region {})",
                    self.name, self.region
                ));
            }
            if r != self.region {
                return Err(format!(
                    "\"{text}\" is in region {r}: target {} deploys to {}",
                    self.name, self.region
                ));
            }
        }
        Ok(revision)
    }

    /// A task of the target's cluster in the ECS console, from its ARN
    /// (`arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID`).
    pub fn task_console_url(&self, task_arn: &str) -> String {
        let r = &self.region;
        let id = task_arn.rsplit('/').next().unwrap_or(task_arn);
        format!(
            "https://{r}.console.aws.amazon.com/ecs/v2/clusters/{}/tasks/{id}/configuration?region={r}",
            self.cluster
        )
    }

    /// The service's page in the ECS console.
    pub fn console_url(&self) -> String {
        let r = &self.region;
        format!(
            "https://{r}.console.aws.amazon.com/ecs/v2/clusters/{}/services/{}/deployments?region={r}",
            self.cluster, self.service
        )
    }
}

/// A task-definition revision as a redeploy names it: `family:revision`, or its ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Revision<'t> {
    /// Partition, region and account, when given as an ARN.
    arn: Option<(&'t str, &'t str, &'t str)>,
    family: &'t str,
    number: u64,
}

impl<'t> Revision<'t> {
    /// The revision, or why the text is none (to follow the quoted text).
    fn parse(text: &'t str) -> Result<Self, String> {
        let (arn, name) = if text.starts_with("arn:") {
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            let [_, partition, service, region, account, resource] = parts[..] else {
                return Err("is not an ARN".to_owned());
            };
            let Some(name) = resource.strip_prefix("task-definition/") else {
                return Err(format!(
                    "is not a task definition's ARN (it names {resource})"
                ));
            };
            if service != "ecs" {
                return Err(format!("is not an ECS ARN (its service is \"{service}\")"));
            }
            if partition.is_empty() || region.is_empty() {
                return Err("has no partition or no region".to_owned());
            }
            if crate::iam::check_account_id(account).is_err() {
                return Err(format!("has account \"{account}\", not 12 digits"));
            }
            (Some((partition, region, account)), name)
        } else {
            (None, text)
        };
        let Some((family, number)) = name.rsplit_once(':') else {
            return Err("names no revision".to_owned());
        };
        if crate::iam::check_family(family).is_err() {
            return Err(format!(
                "has family \"{family}\", not 1 to 255 letters, digits, `-` or `_`"
            ));
        }
        // Digits alone: `u64::from_str` would also take a leading `+`.
        let number = match number.parse::<u64>() {
            Ok(n) if n > 0 && number.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(format!(
                    "has revision \"{number}\", not a revision number (1, 2, ...)"
                ));
            }
        };
        Ok(Revision {
            arn,
            family,
            number,
        })
    }
}

impl fmt::Display for Revision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((partition, region, account)) = self.arn {
            write!(f, "arn:{partition}:ecs:{region}:{account}:task-definition/")?;
        }
        write!(f, "{}:{}", self.family, self.number)
    }
}

/// Whether `sha` names a commit as a person may type it: 7 to 64 hex digits (read in lower case
/// from there on).
pub fn is_commit_sha(sha: &str) -> bool {
    (7..=64).contains(&sha.len()) && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The first seven characters of a commit sha, as GitHub shows it.
pub fn short_sha(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

/// One problem with the configured targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFinding {
    /// Where: `HATOBA_TARGETS[1].cluster`.
    pub path: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for ConfigFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

const KEYS: [&str; 19] = [
    "name",
    "repository",
    "branch",
    "workflow",
    "environment",
    "region",
    "cluster",
    "service",
    "container",
    "ecrRepository",
    "imageTag",
    "taskDefinition",
    "pinDigest",
    "imageWaitSeconds",
    "rolloutWaitSeconds",
    "pollSeconds",
    "failFast",
    "failFastTasks",
    "preDeploy",
];

/// Reads targets from text: a JSON array, or a JSON string holding one (as a plain-text
/// wrangler var arrives).
pub fn parse_targets_json(text: &str) -> Result<Vec<Target>, Vec<ConfigFinding>> {
    let value: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| {
        vec![ConfigFinding {
            path: VARIABLE.to_owned(),
            message: format!("not JSON: {e}"),
        }]
    })?;
    match value {
        Value::String(inner) => parse_targets_json(&inner),
        other => parse_targets(&other),
    }
}

/// Reads and checks the targets (the value of `HATOBA_TARGETS`): every finding, or the targets.
pub fn parse_targets(value: &Value) -> Result<Vec<Target>, Vec<ConfigFinding>> {
    let mut findings = Vec::new();
    let Some(items) = value.as_array() else {
        return Err(vec![ConfigFinding {
            path: VARIABLE.to_owned(),
            message: format!(
                "expected a list of targets ([[vars.{VARIABLE}]] tables), found {}",
                kind(value)
            ),
        }]);
    };
    if items.is_empty() {
        findings.push(ConfigFinding {
            path: VARIABLE.to_owned(),
            message: "no targets: add a [[vars.HATOBA_TARGETS]] table".to_owned(),
        });
    }
    let mut targets = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let mut reader = Reader {
            path: format!("{VARIABLE}[{index}]"),
            findings: &mut findings,
        };
        if let Some(target) = reader.target(item) {
            targets.push(target);
        }
    }
    for (i, target) in targets.iter().enumerate() {
        if targets[..i].iter().any(|t| t.name == target.name) {
            findings.push(ConfigFinding {
                path: format!("{VARIABLE}[{i}].name"),
                message: format!(
                    "\"{}\" names two targets: names must be unique",
                    target.name
                ),
            });
        }
    }
    if findings.is_empty() {
        Ok(targets)
    } else {
        Err(findings)
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

struct Reader<'f> {
    path: String,
    findings: &'f mut Vec<ConfigFinding>,
}

impl Reader<'_> {
    fn push(&mut self, key: &str, message: impl Into<String>) {
        self.findings.push(ConfigFinding {
            path: format!("{}.{key}", self.path),
            message: message.into(),
        });
    }

    fn string(&mut self, object: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
        match object.get(key) {
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.push(key, "empty: expected a value or no key at all");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.push(key, format!("expected a string, found {}", kind(other)));
                None
            }
        }
    }

    fn required(&mut self, object: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
        if !object.contains_key(key) {
            self.push(key, "missing");
            return None;
        }
        self.string(object, key)
    }

    fn seconds(
        &mut self,
        object: &serde_json::Map<String, Value>,
        key: &str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> u64 {
        self.whole(object, key, default, range, " of seconds")
    }

    fn whole(
        &mut self,
        object: &serde_json::Map<String, Value>,
        key: &str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
        unit: &str,
    ) -> u64 {
        match object.get(key) {
            None => default,
            Some(value) => match value.as_u64() {
                Some(n) if range.contains(&n) => n,
                _ => {
                    self.push(
                        key,
                        format!(
                            "{value} is not a whole number{unit} from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    );
                    default
                }
            },
        }
    }

    fn flag(&mut self, object: &serde_json::Map<String, Value>, key: &str, default: bool) -> bool {
        match object.get(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.push(
                    key,
                    format!("expected true or false, found {}", kind(other)),
                );
                default
            }
        }
    }

    fn target(&mut self, item: &Value) -> Option<Target> {
        let Some(object) = item.as_object() else {
            self.findings.push(ConfigFinding {
                path: self.path.clone(),
                message: format!("expected a table, found {}", kind(item)),
            });
            return None;
        };
        let before = self.findings.len();
        for key in object.keys() {
            if !KEYS.contains(&key.as_str()) {
                let hint = crate::finding::did_you_mean(key, KEYS.iter().copied())
                    .map(|k| format!(": did you mean `{k}`?"))
                    .unwrap_or_else(|| format!(": expected one of {}", KEYS.join(", ")));
                self.push(key, format!("unknown key{hint}"));
            }
        }
        let name = self.required(object, "name");
        if let Some(name) = &name
            && !(name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            self.push(
                "name",
                format!("\"{name}\" is not 1 to 64 letters, digits, `-` or `_`"),
            );
        }
        let repository = self.required(object, "repository");
        if let Some(r) = &repository
            && RepoRef::parse(r).is_none()
        {
            self.push(
                "repository",
                format!("\"{r}\" is not OWNER/NAME (a GitHub repository)"),
            );
        }
        let branch = self.string(object, "branch");
        let workflow = self.string(object, "workflow");
        let environment = self.string(object, "environment");
        if !object.contains_key("branch")
            && !object.contains_key("workflow")
            && !object.contains_key("environment")
        {
            self.findings.push(ConfigFinding {
                path: self.path.clone(),
                message: "no trigger: set branch (push), workflow (workflow_run) or environment (deployment)".to_owned(),
            });
        }
        let region = self.required(object, "region");
        if let Some(r) = &region
            && !is_region(r)
        {
            self.push(
                "region",
                format!("\"{r}\" is not an AWS region name like eu-west-1"),
            );
        }
        let cluster = self.required(object, "cluster");
        let service = self.required(object, "service");
        let container = self.required(object, "container");
        let ecr_repository = self.required(object, "ecrRepository");
        if let Some(r) = &ecr_repository
            && !is_ecr_repository_name(r)
        {
            self.push(
                "ecrRepository",
                format!("\"{r}\" is not an ECR repository name (lowercase letters, digits, `._-/`, 2 to 256)"),
            );
        }
        let image_tag = self
            .string(object, "imageTag")
            .unwrap_or("{sha}".to_owned());
        if !image_tag.contains("{sha}") && !image_tag.contains("{short_sha}") {
            self.push(
                "imageTag",
                format!("\"{image_tag}\" does not contain {{sha}}: every commit would deploy the same tag"),
            );
        }
        let task_definition = match self.required(object, "taskDefinition") {
            Some(text) => match BaseSource::parse(&text) {
                Ok(base) => Some(base),
                Err(message) => {
                    self.push("taskDefinition", message);
                    None
                }
            },
            None => None,
        };
        let pin_digest = self.flag(object, "pinDigest", false);
        let fail_fast = self.flag(object, "failFast", true);
        let fail_fast_tasks = self.whole(object, "failFastTasks", 2, 1..=100, "");
        let image_wait_seconds = self.seconds(object, "imageWaitSeconds", 900, 0..=86_400);
        let rollout_wait_seconds = self.seconds(object, "rolloutWaitSeconds", 1800, 1..=86_400);
        let poll_seconds = self.seconds(object, "pollSeconds", 15, 1..=3600);
        let pre_deploy = match object.get("preDeploy") {
            Some(value) => self.pre_deploy(value),
            None => None,
        };
        if self.findings.len() > before {
            return None;
        }
        Some(Target {
            name: name?,
            repository: repository?,
            branch,
            workflow,
            environment,
            region: region?,
            cluster: cluster?,
            service: service?,
            container: container?,
            ecr_repository: ecr_repository?,
            image_tag,
            task_definition: task_definition?,
            pin_digest,
            image_wait_seconds,
            rollout_wait_seconds,
            poll_seconds,
            fail_fast,
            fail_fast_tasks,
            pre_deploy,
        })
    }

    /// The `preDeploy` table: `{ container, command, timeoutSeconds }`. Whether the container
    /// is one of the task definition's is known only at deploy time.
    fn pre_deploy(&mut self, value: &Value) -> Option<PreDeploy> {
        const EXPECTED: &str = "expected a table { container = \"web\", command = [\"bin/migrate\"], timeoutSeconds = 900 }";
        let Some(object) = value.as_object() else {
            self.push("preDeploy", format!("{EXPECTED}, found {}", kind(value)));
            return None;
        };
        let outer = self.path.clone();
        self.path = format!("{outer}.preDeploy");
        let before = self.findings.len();
        for key in object.keys() {
            if !["container", "command", "timeoutSeconds"].contains(&key.as_str()) {
                self.push(
                    key,
                    "unknown key: expected container, command or timeoutSeconds",
                );
            }
        }
        let container = self.required(object, "container");
        let command = match object.get("command") {
            None => {
                self.push(
                    "command",
                    "missing: expected a list of strings, [\"bin/migrate\"]",
                );
                None
            }
            Some(Value::Array(items))
                if !items.is_empty()
                    && items.iter().all(Value::is_string)
                    && !items[0].as_str().is_some_and(|s| s.trim().is_empty()) =>
            {
                Some(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                )
            }
            Some(other) => {
                self.push(
                    "command",
                    format!(
                        "{other} is not a command: expected a list of strings whose first is the program, [\"bin/migrate\"]"
                    ),
                );
                None
            }
        };
        let timeout_seconds = self.seconds(object, "timeoutSeconds", 900, 1..=86_400);
        self.path = outer;
        if self.findings.len() > before {
            return None;
        }
        Some(PreDeploy {
            container: container?,
            command: command?,
            timeout_seconds,
        })
    }
}

fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

fn is_ecr_repository_name(text: &str) -> bool {
    (2..=256).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
        && text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sha_is_seven_to_sixty_four_hex_digits() {
        assert!(is_commit_sha("1a2b3c4"));
        assert!(is_commit_sha("1A2B3C4"));
        assert!(is_commit_sha(&"a".repeat(40)));
        assert!(!is_commit_sha("main"));
        assert!(!is_commit_sha("1a2b3c"));
        assert!(!is_commit_sha(&"a".repeat(65)));
    }
    use serde_json::json;

    fn good() -> Value {
        json!({"name": "stg-web", "repository": "octo/shop", "branch": "main", "region": "eu-west-1",
               "cluster": "stg", "service": "web", "container": "web", "ecrRepository": "shop/web",
               "taskDefinition": ".aws/task-definition.json"})
    }

    #[test]
    fn a_minimal_target_gets_the_documented_defaults() {
        let targets = parse_targets(&json!([good()])).unwrap();
        let t = &targets[0];
        assert_eq!(t.image_tag, "{sha}");
        assert_eq!(
            (t.image_wait_seconds, t.rollout_wait_seconds, t.poll_seconds),
            (900, 1800, 15)
        );
        assert!(!t.pin_digest);
        assert_eq!(
            t.task_definition,
            BaseSource::Repository {
                path: ".aws/task-definition.json".into()
            }
        );
        assert_eq!(t.tag_for("0123456789abcdef"), "0123456789abcdef");
        assert_eq!(t.status_context(), "hatoba/stg-web");
    }

    #[test]
    fn every_problem_is_named_by_its_key() {
        let mut second = good();
        second.as_object_mut().unwrap().remove("cluster");
        second["pollSeconds"] = json!("often");
        second["regoin"] = json!("x");
        second["taskDefinition"] = json!("s3://bucket-only");
        let err = parse_targets(&json!([good(), second])).unwrap_err();
        let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "HATOBA_TARGETS[1].regoin: unknown key: did you mean `region`?",
                "HATOBA_TARGETS[1].cluster: missing",
                "HATOBA_TARGETS[1].taskDefinition: \"s3://bucket-only\" is not s3://BUCKET/KEY: expected a bucket and an object key",
                "HATOBA_TARGETS[1].pollSeconds: \"often\" is not a whole number of seconds from 1 to 3600",
            ]
        );
    }

    #[test]
    fn a_target_needs_a_trigger_a_unique_name_and_a_list_around_it() {
        let mut t = good();
        t.as_object_mut().unwrap().remove("branch");
        let err = parse_targets(&json!([t])).unwrap_err();
        assert_eq!(err[0].path, "HATOBA_TARGETS[0]");
        assert!(err[0].message.starts_with("no trigger"));
        let err = parse_targets(&json!([good(), good()])).unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "HATOBA_TARGETS[1].name: \"stg-web\" names two targets: names must be unique"
        );
        let err = parse_targets(&good()).unwrap_err();
        assert!(
            err[0].message.starts_with("expected a list of targets"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn bases_and_values_are_checked() {
        assert_eq!(BaseSource::parse("current"), Ok(BaseSource::Current));
        assert_eq!(
            BaseSource::parse("s3://cfg/deploy/web.json"),
            Ok(BaseSource::S3 {
                bucket: "cfg".into(),
                key: "deploy/web.json".into()
            })
        );
        assert!(BaseSource::parse("../secret.json").is_err());
        assert!(BaseSource::parse("https://x/y").is_err());
        let mut t = good();
        t["region"] = json!("Ireland");
        t["ecrRepository"] = json!("Shop");
        t["imageTag"] = json!("latest");
        t["repository"] = json!("shop");
        let err = parse_targets(&json!([t])).unwrap_err();
        let paths: Vec<&str> = err.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "HATOBA_TARGETS[0].repository",
                "HATOBA_TARGETS[0].region",
                "HATOBA_TARGETS[0].ecrRepository",
                "HATOBA_TARGETS[0].imageTag"
            ]
        );
    }

    #[test]
    fn a_pre_deploy_task_is_read_with_its_default_timeout_and_each_bad_field_named() {
        assert_eq!(stg_web().pre_deploy, None);
        let mut t = good();
        t["preDeploy"] = json!({"container": "web", "command": ["bin/migrate", "--all"]});
        let target = parse_targets(&json!([t])).unwrap().remove(0);
        assert_eq!(
            target.pre_deploy,
            Some(PreDeploy {
                container: "web".into(),
                command: vec!["bin/migrate".into(), "--all".into()],
                timeout_seconds: 900,
            })
        );
        let problems = |pre: Value| -> Vec<String> {
            let mut t = good();
            t["preDeploy"] = pre;
            parse_targets(&json!([t]))
                .unwrap_err()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            problems(json!({"container": "", "command": [], "timeoutSeconds": 0, "retries": 2})),
            [
                "HATOBA_TARGETS[0].preDeploy.retries: unknown key: expected container, command or timeoutSeconds",
                "HATOBA_TARGETS[0].preDeploy.container: empty: expected a value or no key at all",
                "HATOBA_TARGETS[0].preDeploy.command: [] is not a command: expected a list of strings whose first is the program, [\"bin/migrate\"]",
                "HATOBA_TARGETS[0].preDeploy.timeoutSeconds: 0 is not a whole number of seconds from 1 to 86400",
            ]
        );
        assert_eq!(
            problems(json!({"command": "bin/migrate", "timeoutSeconds": 86_401})),
            [
                "HATOBA_TARGETS[0].preDeploy.container: missing",
                "HATOBA_TARGETS[0].preDeploy.command: \"bin/migrate\" is not a command: expected a list of strings whose first is the program, [\"bin/migrate\"]",
                "HATOBA_TARGETS[0].preDeploy.timeoutSeconds: 86401 is not a whole number of seconds from 1 to 86400",
            ]
        );
        assert_eq!(
            problems(json!({"container": "web"})),
            [
                "HATOBA_TARGETS[0].preDeploy.command: missing: expected a list of strings, [\"bin/migrate\"]"
            ]
        );
        assert_eq!(
            problems(json!({"container": "web", "command": [" ", 3]})).len(),
            1
        );
        assert_eq!(
            problems(json!("bin/migrate")),
            [
                "HATOBA_TARGETS[0].preDeploy: expected a table { container = \"web\", command = [\"bin/migrate\"], timeoutSeconds = 900 }, found a string"
            ]
        );
    }

    const WEB_42: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42";
    const RUNNING: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:43";

    fn stg_web() -> Target {
        parse_targets(&json!([good()])).unwrap().remove(0)
    }

    #[test]
    fn a_revision_of_the_family_the_service_runs_is_redeployed_as_its_full_arn() {
        let t = stg_web();
        assert_eq!(t.check_revision(WEB_42).as_deref(), Ok(WEB_42));
        assert_eq!(
            t.check_revision_against(WEB_42, RUNNING).as_deref(),
            Ok(WEB_42)
        );
        // `family:revision` stays short until the service's revision completes it.
        assert_eq!(t.check_revision("web:42").as_deref(), Ok("web:42"));
        assert_eq!(
            t.check_revision_against("web:42", RUNNING).as_deref(),
            Ok(WEB_42)
        );
        // Normalized as ECS writes it, so it compares equal to the ARN ECS answers with.
        assert_eq!(t.check_revision("web:042").as_deref(), Ok("web:42"));
        assert_eq!(
            t.check_revision_against("web:042", RUNNING).as_deref(),
            Ok(WEB_42)
        );
    }

    #[test]
    fn a_revision_of_another_family_is_refused_naming_both_families() {
        let t = stg_web();
        let other = "arn:aws:ecs:eu-west-1:123456789012:task-definition/other-team-admin:1";
        // The configuration does not know the family: only the form is checked here.
        assert_eq!(t.check_revision(other).as_deref(), Ok(other));
        let expected = "other-team-admin:1 is of family other-team-admin: target stg-web redeploys only revisions of web, the family its service stg/web runs";
        assert_eq!(
            t.check_revision_against(other, RUNNING).unwrap_err(),
            expected
        );
        assert_eq!(
            t.check_revision_against("other-team-admin:1", RUNNING)
                .unwrap_err(),
            expected
        );
        // A family whose name merely starts with the service's is another family.
        assert!(t.check_revision_against("web-admin:1", RUNNING).is_err());
        assert!(t.check_revision_against("Web:1", RUNNING).is_err());
    }

    #[test]
    fn a_revision_in_another_account_region_or_partition_is_refused() {
        let t = stg_web();
        assert_eq!(
            t.check_revision_against(
                "arn:aws:ecs:eu-west-1:210987654321:task-definition/web:42",
                RUNNING
            )
            .unwrap_err(),
            "\"arn:aws:ecs:eu-west-1:210987654321:task-definition/web:42\" is in account 210987654321: the service stg/web runs web of account 123456789012"
        );
        let region = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42";
        assert_eq!(
            t.check_revision(region).unwrap_err(),
            format!("\"{region}\" is in region us-east-1: target stg-web deploys to eu-west-1")
        );
        assert!(t.check_revision_against(region, RUNNING).is_err());
        let partition = "arn:aws-cn:ecs:eu-west-1:123456789012:task-definition/web:42";
        assert_eq!(
            t.check_revision(partition).unwrap_err(),
            format!(
                "\"{partition}\" is in partition aws-cn: target stg-web deploys in aws (region eu-west-1)"
            )
        );
        let mut beijing = stg_web();
        beijing.region = "cn-north-1".into();
        let china = "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:42";
        assert_eq!(beijing.check_revision(china).as_deref(), Ok(china));
    }

    #[test]
    fn a_malformed_revision_is_refused_saying_what_is_expected() {
        let t = stg_web();
        let expected = "expected FAMILY:REVISION (web:42) or arn:aws:ecs:eu-west-1:ACCOUNT:task-definition/FAMILY:REVISION";
        for (text, why) in [
            ("web", "names no revision"),
            (
                "web:latest",
                "has revision \"latest\", not a revision number (1, 2, ...)",
            ),
            (
                "web:0",
                "has revision \"0\", not a revision number (1, 2, ...)",
            ),
            (
                "web:+1",
                "has revision \"+1\", not a revision number (1, 2, ...)",
            ),
            (
                "web:",
                "has revision \"\", not a revision number (1, 2, ...)",
            ),
            (
                "web:99999999999999999999",
                "has revision \"99999999999999999999\", not a revision number (1, 2, ...)",
            ),
            (
                "my web:1",
                "has family \"my web\", not 1 to 255 letters, digits, `-` or `_`",
            ),
            (
                ":1",
                "has family \"\", not 1 to 255 letters, digits, `-` or `_`",
            ),
            ("arn:aws:ecs:eu-west-1", "is not an ARN"),
            (
                "arn:aws:ecs:eu-west-1:123456789012:service/stg/web",
                "is not a task definition's ARN (it names service/stg/web)",
            ),
            (
                "arn:aws:iam:eu-west-1:123456789012:task-definition/web:1",
                "is not an ECS ARN (its service is \"iam\")",
            ),
            (
                "arn:aws:ecs:eu-west-1:12345:task-definition/web:1",
                "has account \"12345\", not 12 digits",
            ),
            (
                "arn:aws:ecs::123456789012:task-definition/web:1",
                "has no partition or no region",
            ),
            (
                "arn:aws:ecs:eu-west-1:123456789012:task-definition/web",
                "names no revision",
            ),
        ] {
            assert_eq!(
                t.check_revision(text),
                Err(format!("\"{text}\" {why}: {expected}")),
                "{text}"
            );
            assert!(t.check_revision_against(text, RUNNING).is_err(), "{text}");
        }
    }

    #[test]
    fn a_service_on_no_task_definition_arn_redeploys_nothing() {
        let t = stg_web();
        assert_eq!(
            t.check_revision_against("web:42", "web:43").unwrap_err(),
            "the service stg/web runs \"web:43\", not a task-definition ARN: its family, which a redeploy must keep, is unknown"
        );
        assert!(t.check_revision_against("web:42", "").is_err());
    }

    #[test]
    fn a_plain_text_var_holding_json_is_read_too() {
        let text =
            serde_json::to_string(&serde_json::to_string(&json!([good()])).unwrap()).unwrap();
        assert_eq!(parse_targets_json(&text).unwrap()[0].name, "stg-web");
        assert!(
            parse_targets_json("[{").unwrap_err()[0]
                .message
                .starts_with("not JSON")
        );
    }
}
