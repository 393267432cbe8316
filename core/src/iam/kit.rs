//! The set-up kit: from one [`Setup`], every file a new deploy target needs (the policies, their
//! Terraform: the worker's long-lived key may only assume a deploy role, which holds this
//! target's deploy rights; the build workflow, a starter task definition, the target's table for
//! `worker/wrangler.toml`), the worker's secrets, the GitHub webhook's settings and the steps in
//! order. `hatoba init` writes it; the app's Set up page shows it.

use serde_json::{Value, json};

use super::{Parts, Setup};
use crate::aws::ecr::registry_host;
use crate::target::{BaseSource, Target};
use crate::workflow::generate::{self, DeployTarget};

/// Where the build workflow goes, unless the target names another file.
pub const BUILD_WORKFLOW: &str = "build.yml";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitFile {
    /// Where it goes: relative to the service's repository, except `worker/wrangler.toml`'s
    /// table, which goes to Hatoba's checkout.
    pub path: String,
    /// What it is for, in a few words.
    pub about: &'static str,
    /// Its text.
    pub contents: String,
}

/// One secret the worker needs, and where its value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// The name `wrangler secret put` takes.
    pub name: &'static str,
    /// Where to get the value.
    pub source: String,
}

/// The repository webhook GitHub needs, as its settings page asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Payload URL.
    pub payload_url: String,
    /// Content type.
    pub content_type: &'static str,
    /// Which events: the target's triggers.
    pub events: Vec<&'static str>,
}

/// Everything to set a target up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kit {
    /// The files, in the order the steps use them.
    pub files: Vec<KitFile>,
    /// The worker's secrets.
    pub secrets: Vec<Secret>,
    /// The webhook to add on the repository.
    pub webhook: Webhook,
    /// The steps, in order.
    pub steps: Vec<String>,
}

/// The answers beyond the [`Setup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitOptions {
    /// Where the worker is served (`https://hatoba.example.workers.dev`), for the webhook.
    pub worker_url: String,
    /// The port the starter task definition's container listens on.
    pub container_port: u16,
}

impl Default for KitOptions {
    fn default() -> Self {
        Self {
            worker_url: "https://hatoba.example.workers.dev".to_owned(),
            container_port: 8080,
        }
    }
}

/// The execution role most accounts already have (the ECS console creates it), in `account`
/// and the partition of `region`: the default role to pass when the task definition is new.
pub fn default_execution_role(region: &str, account: &str) -> String {
    format!(
        "arn:{}:iam::{account}:role/ecsTaskExecutionRole",
        super::partition_of(region)
    )
}

/// The log group of the starter task definition's container: `/ecs/FAMILY`.
pub fn starter_log_group(family: &str) -> String {
    format!("/ecs/{family}")
}

/// The build workflow's path in the repository: the target's `workflow` when it is a file name
/// or a path, else `.github/workflows/build.yml`.
pub fn build_workflow_path(target: &Target) -> String {
    match target.workflow.as_deref() {
        Some(w) if w.starts_with(".github/workflows/") => w.to_owned(),
        Some(w) if w.ends_with(".yml") || w.ends_with(".yaml") => {
            format!(".github/workflows/{w}")
        }
        _ => format!(".github/workflows/{BUILD_WORKFLOW}"),
    }
}

/// The build workflow for `setup`: pushes the image tagged with the commit, assuming the build
/// role through OIDC.
pub fn build_workflow(setup: &Setup) -> String {
    let t = &setup.target;
    let target = DeployTarget {
        ecr_repository: t.ecr_repository.clone(),
        region: t.region.clone(),
        cluster: t.cluster.clone(),
        service: t.service.clone(),
        container: t.container.clone(),
        task_definition: t.task_definition.to_string(),
        branch: setup.build_branch.clone(),
        role_arn: setup.ci_role_arn(),
        environment: t.environment.clone().unwrap_or_else(|| "production".into()),
        build_environment: setup.build_environment.clone(),
    };
    generate::generate(generate::Kind::Build, &target)
}

/// A Fargate task definition to start from: the family, one container with the image of the
/// target's repository, logs to CloudWatch, the roles to pass (the first as execution role,
/// the second, if any, as task role). It passes Hatoba's own checks.
pub fn starter_task_definition(setup: &Setup, options: &KitOptions) -> Value {
    let t = &setup.target;
    let image = format!(
        "{}/{}:latest",
        registry_host(&setup.account_id, &t.region),
        t.ecr_repository
    );
    let mut document = json!({
        "family": setup.family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
    });
    if let Some(role) = setup.pass_roles.first() {
        document["executionRoleArn"] = json!(role);
    }
    if let Some(role) = setup.pass_roles.get(1) {
        document["taskRoleArn"] = json!(role);
    }
    document["containerDefinitions"] = json!([{
        "name": t.container,
        "image": image,
        "essential": true,
        "portMappings": [{ "containerPort": options.container_port, "protocol": "tcp" }],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": starter_log_group(&setup.family),
                "awslogs-region": t.region,
                "awslogs-stream-prefix": t.container,
                "awslogs-create-group": "true",
            }
        }
    }]);
    document
}

fn toml_string(text: &str) -> String {
    // A JSON string is a TOML basic string: the same quotes and escapes.
    serde_json::to_string(text).expect("strings always serialize")
}

/// The target as a `[[vars.HATOBA_TARGETS]]` table, keys in the documented order, defaults
/// left out.
pub fn target_table(target: &Target) -> String {
    let mut out = String::from("[[vars.HATOBA_TARGETS]]\n");
    let mut line = |key: &str, value: String| {
        out.push_str(&format!("{key} = {value}\n"));
    };
    line("name", toml_string(&target.name));
    line("repository", toml_string(&target.repository));
    for (key, value) in [
        ("branch", &target.branch),
        ("workflow", &target.workflow),
        ("environment", &target.environment),
    ] {
        if let Some(v) = value {
            line(key, toml_string(v));
        }
    }
    line("region", toml_string(&target.region));
    line("cluster", toml_string(&target.cluster));
    line("service", toml_string(&target.service));
    line("container", toml_string(&target.container));
    line("ecrRepository", toml_string(&target.ecr_repository));
    if target.image_tag != "{sha}" {
        line("imageTag", toml_string(&target.image_tag));
    }
    line(
        "taskDefinition",
        toml_string(&target.task_definition.to_string()),
    );
    if target.pin_digest {
        line("pinDigest", "true".to_owned());
    }
    for (key, value, default) in [
        ("imageWaitSeconds", target.image_wait_seconds, 900),
        ("rolloutWaitSeconds", target.rollout_wait_seconds, 1800),
        ("pollSeconds", target.poll_seconds, 15),
    ] {
        if value != default {
            line(key, value.to_string());
        }
    }
    out
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// A set-up's answers as a person gives them (a form, flags, a file): text, checked by
/// [`Answers::setup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// The target's name.
    pub name: String,
    /// The GitHub repository, `OWNER/NAME`.
    pub repository: String,
    /// The branch the build runs on.
    pub branch: String,
    /// A GitHub environment whose `deployment` events also deploy (empty: none).
    pub environment: String,
    /// The GitHub environment of the build job (empty: the role trusts the branch).
    pub build_environment: String,
    /// The AWS region.
    pub region: String,
    /// The AWS account id.
    pub account: String,
    /// The ECS cluster.
    pub cluster: String,
    /// The ECS service.
    pub service: String,
    /// The container whose image a deploy replaces.
    pub container: String,
    /// The ECR repository.
    pub ecr_repository: String,
    /// The base: a repository path, `s3://BUCKET/KEY` or `current`.
    pub task_definition: String,
    /// The task-definition family.
    pub family: String,
    /// The roles the task definition passes.
    pub pass_roles: Vec<String>,
    /// Where the worker is served.
    pub worker_url: String,
    /// The starter task definition's container port.
    pub container_port: String,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            name: "web".into(),
            repository: "octo/shop".into(),
            branch: "main".into(),
            environment: String::new(),
            build_environment: String::new(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            cluster: "default".into(),
            service: "web".into(),
            container: "web".into(),
            ecr_repository: "web".into(),
            task_definition: ".aws/task-definition.json".into(),
            family: "web".into(),
            pass_roles: vec![default_execution_role("us-east-1", "123456789012")],
            worker_url: KitOptions::default().worker_url,
            container_port: "8080".into(),
        }
    }
}

/// One problem with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFinding {
    /// The answer, by its flag's name: `account`, `ecr-repository`, `pass-role` (with the
    /// index of the role: `pass-role[1]`).
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl std::fmt::Display for AnswerFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--{}: {}", self.field, self.message)
    }
}

/// A target key's answer name: `ecrRepository` → `ecr-repository`.
fn answer_name(target_key: &str) -> String {
    let mut name = String::new();
    for c in target_key.chars() {
        if c.is_ascii_uppercase() {
            name.push('-');
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

impl Answers {
    /// The target the answers describe: deployed on successful runs of the build workflow
    /// (and on `deployment` events for the environment, if one is given).
    fn target_json(&self) -> Value {
        let mut target = json!({
            "name": self.name.trim(), "repository": self.repository.trim(),
            "workflow": BUILD_WORKFLOW, "region": self.region.trim(),
            "cluster": self.cluster.trim(), "service": self.service.trim(),
            "container": self.container.trim(), "ecrRepository": self.ecr_repository.trim(),
            "taskDefinition": self.task_definition.trim(),
        });
        if !self.environment.trim().is_empty() {
            target["environment"] = json!(self.environment.trim());
        }
        target
    }

    /// The setup and kit options the answers describe, or every problem, each naming its
    /// answer.
    pub fn setup(&self) -> Result<(Setup, KitOptions), Vec<AnswerFinding>> {
        let mut problems = Vec::new();
        let mut push = |field: String, message: String| {
            problems.push(AnswerFinding { field, message });
        };
        let target = match crate::target::parse_targets(&json!([self.target_json()])) {
            Ok(mut t) => Some(t.remove(0)),
            Err(findings) => {
                for f in findings {
                    let key = f.path.rsplit('.').next().unwrap_or_default();
                    push(answer_name(key), f.message);
                }
                None
            }
        };
        let port = match self.container_port.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                push(
                    "container-port".into(),
                    format!("\"{}\" is not a port from 1 to 65535", self.container_port),
                );
                8080
            }
        };
        let worker_url = self.worker_url.trim().to_owned();
        if !(worker_url.starts_with("https://") || worker_url.starts_with("http://"))
            || worker_url.contains(char::is_whitespace)
        {
            push(
                "worker-url".into(),
                format!("\"{worker_url}\" is not an http(s) URL"),
            );
        }
        let roles: Vec<String> = self
            .pass_roles
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        let Some(target) = target else {
            // The answers the target does not cover are still worth naming now.
            if let Err(e) = super::check_account_id(self.account.trim()) {
                push("account".into(), e);
            }
            return Err(problems);
        };
        // A repository base is the starter task definition until there is one: its log group.
        // Another base is not known yet: any group of the account in the region.
        let log_group = match &target.task_definition {
            BaseSource::Repository { .. } => starter_log_group(self.family.trim()),
            _ => super::ANY_LOG_GROUP.to_owned(),
        };
        let mut setup = Setup::new(target, self.account.trim(), self.family.trim(), roles);
        setup.log_groups = vec![log_group];
        setup.build_branch = self.branch.trim().to_owned();
        if !self.build_environment.trim().is_empty() {
            setup.build_environment = Some(self.build_environment.trim().to_owned());
        }
        for f in setup.check() {
            let field = match f.field.as_str() {
                "buildBranch" => "branch".to_owned(),
                "buildEnvironment" => "build-environment".to_owned(),
                "workerUser" => "worker-user".to_owned(),
                "deployRole" => "deploy-role".to_owned(),
                "ciRole" => "ci-role".to_owned(),
                other if other.starts_with("passRole") => {
                    format!("pass-role{}", &other["passRole".len()..])
                }
                other if other.starts_with("logGroup") => {
                    format!("log-group{}", &other["logGroup".len()..])
                }
                other => other.to_owned(),
            };
            push(field, f.message);
        }
        if problems.is_empty() {
            Ok((
                setup,
                KitOptions {
                    worker_url,
                    container_port: port,
                },
            ))
        } else {
            Err(problems)
        }
    }
}

/// Everything `setup` needs: files, secrets, webhook and steps.
pub fn kit(setup: &Setup, options: &KitOptions) -> Kit {
    let t = &setup.target;
    let workflow_path = build_workflow_path(t);
    let mut files = vec![
        KitFile {
            path: "iam/deploy-role-policy.json".into(),
            about: "the deploy role's rights: this target's deploys and nothing more",
            contents: pretty(&super::deploy_policy(setup)),
        },
        KitFile {
            path: "iam/deploy-role-trust-policy.json".into(),
            about: "who may assume the deploy role: the worker's user alone",
            contents: pretty(&super::deploy_role_trust_policy(setup)),
        },
        KitFile {
            path: "iam/worker-user-policy.json".into(),
            about: "the worker user's own rights: assume the deploy role, nothing else",
            contents: pretty(&super::worker_user_policy(setup)),
        },
        KitFile {
            path: "iam/build-role-trust-policy.json".into(),
            about: "who may assume the build role: this repository's build on GitHub Actions",
            contents: pretty(&super::ci_trust_policy(setup)),
        },
        KitFile {
            path: "iam/build-role-policy.json".into(),
            about: "the build role's rights: push to the ECR repository",
            contents: pretty(&super::ci_role_policy(setup)),
        },
        KitFile {
            path: "hatoba.tf".into(),
            about: "Terraform for all of the above and GitHub's OIDC provider",
            contents: super::terraform(
                setup,
                Parts {
                    deploy: false,
                    assume: true,
                    ci: true,
                },
            ),
        },
        KitFile {
            path: workflow_path.clone(),
            about: "the build workflow: pushes the image tagged with the commit",
            contents: build_workflow(setup),
        },
    ];
    if let BaseSource::Repository { path } = &t.task_definition {
        files.push(KitFile {
            path: path.clone(),
            about: "a task definition to start from (written only when there is none)",
            contents: pretty(&starter_task_definition(setup, options)),
        });
    }
    files.push(KitFile {
        path: "worker/wrangler.toml".into(),
        about: "the target, appended to the worker's configuration",
        contents: target_table(t),
    });

    let mut events = Vec::new();
    if t.branch.is_some() {
        events.push("push");
    }
    if t.workflow.is_some() {
        events.push("workflow_run");
    }
    if t.environment.is_some() {
        events.push("deployment");
    }
    let webhook = Webhook {
        payload_url: format!(
            "{}/webhooks/github",
            options.worker_url.trim_end_matches('/')
        ),
        content_type: "application/json",
        events,
    };
    let secrets = vec![
        Secret {
            name: "GITHUB_WEBHOOK_SECRET",
            source: "a new random value (openssl rand -hex 32); give GitHub the same".into(),
        },
        Secret {
            name: "AWS_ACCESS_KEY_ID",
            source: format!(
                "aws iam create-access-key --user-name {} (AccessKeyId)",
                setup.worker_user
            ),
        },
        Secret {
            name: "AWS_SECRET_ACCESS_KEY",
            source: "the same command's SecretAccessKey".into(),
        },
        Secret {
            name: "AWS_ROLE_ARN",
            source: format!(
                "{} (not a secret: a [vars] entry in wrangler.toml works as well)",
                setup.deploy_role_arn()
            ),
        },
        Secret {
            name: "GITHUB_TOKEN",
            source: format!(
                "a fine-grained token for {} with commit statuses and deployments read and write, contents read (or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY)",
                t.repository
            ),
        },
    ];
    let steps = vec![
        "Create the IAM principals: terraform init && terraform apply (hatoba.tf), or the JSON files in iam/ by hand".to_owned(),
        format!(
            "Create the worker's access key: aws iam create-access-key --user-name {}",
            setup.worker_user
        ),
        format!(
            "Commit {workflow_path} and {} to {} on branch {}",
            t.task_definition, t.repository, setup.build_branch
        ),
        "Put the worker's secrets: cd worker && npx wrangler secret put NAME, for each secret listed".to_owned(),
        "Check the target and deploy the worker: hatoba config check && (cd worker && npx wrangler deploy)".to_owned(),
        format!(
            "Add the webhook on GitHub ({}/settings/hooks): payload URL {}, content type {}, the secret, events {} (as a GitHub App, which pull request checks need: the App's webhook, with pull_request, check_suite and check_run too)",
            t.repository,
            webhook.payload_url,
            webhook.content_type,
            webhook.events.join(", ")
        ),
        format!(
            "Push to {}: the commit shows hatoba/{} pending, then success",
            setup.build_branch, t.name
        ),
    ];
    Kit {
        files,
        secrets,
        webhook,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::parse_targets;

    fn setup() -> Setup {
        let target = parse_targets(&json!([{
            "name": "web-prod", "repository": "octo/shop", "workflow": "build.yml", "region": "eu-west-1",
            "cluster": "prod", "service": "web", "container": "app", "ecrRepository": "shop/web",
            "taskDefinition": ".aws/task-definition.json", "pollSeconds": 5,
        }]))
        .unwrap()
        .remove(0);
        let mut s = Setup::new(target, "123456789012", "web", vec![]);
        s.pass_roles = vec![default_execution_role(&s.target.region, &s.account_id)];
        s
    }

    #[test]
    fn the_target_table_reads_back_as_the_same_target() {
        let s = setup();
        let table = target_table(&s.target);
        assert!(table.contains("pollSeconds = 5\n"), "{table}");
        assert!(!table.contains("imageWaitSeconds"), "{table}");
        // The same reader the worker uses, given the table as wrangler would pass it.
        let mut object = serde_json::Map::new();
        for line in table.lines().skip(1) {
            let (key, value) = line.split_once(" = ").unwrap();
            object.insert(key.to_owned(), serde_json::from_str(value).unwrap());
        }
        let back = parse_targets(&json!([object])).unwrap().remove(0);
        assert_eq!(back, s.target);
    }

    #[test]
    fn the_starter_task_definition_and_the_build_workflow_pass_hatobas_checks() {
        let s = setup();
        let k = kit(&s, &KitOptions::default());
        let taskdef = k
            .files
            .iter()
            .find(|f| f.path == ".aws/task-definition.json")
            .unwrap();
        assert_eq!(crate::taskdef::check(&taskdef.contents), []);
        let workflow = k
            .files
            .iter()
            .find(|f| f.path == ".github/workflows/build.yml")
            .unwrap();
        assert_eq!(crate::workflow::check(&workflow.contents), []);
        assert!(
            workflow
                .contents
                .contains("role-to-assume: arn:aws:iam::123456789012:role/hatoba-build-web-prod")
        );
        assert!(workflow.contents.contains("branches: [main]"));
    }

    #[test]
    fn the_webhook_asks_for_the_targets_triggers_only() {
        let s = setup();
        let options = KitOptions {
            worker_url: "https://deploys.example.com/".into(),
            ..Default::default()
        };
        let k = kit(&s, &options);
        assert_eq!(
            k.webhook.payload_url,
            "https://deploys.example.com/webhooks/github"
        );
        assert_eq!(k.webhook.events, ["workflow_run"]);
        assert_eq!(
            k.secrets.iter().map(|s| s.name).collect::<Vec<_>>(),
            [
                "GITHUB_WEBHOOK_SECRET",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_ROLE_ARN",
                "GITHUB_TOKEN"
            ]
        );
        assert_eq!(k.steps.len(), 7);
        // The webhook step names the target's events, and those a GitHub App adds for pull
        // request checks.
        assert!(
            k.steps[5].contains("events workflow_run (as a GitHub App")
                && k.steps[5].contains("pull_request, check_suite and check_run"),
            "{}",
            k.steps[5]
        );
    }

    #[test]
    fn answers_name_each_problem_by_its_flag() {
        assert!(Answers::default().setup().is_ok());
        let bad = Answers {
            repository: "octo".into(),
            account: "12345678901X".into(),
            ecr_repository: "Web".into(),
            container_port: "70000".into(),
            ..Answers::default()
        };
        let fields: Vec<String> = bad
            .setup()
            .unwrap_err()
            .iter()
            .map(|f| f.field.clone())
            .collect();
        assert_eq!(
            fields,
            ["repository", "ecr-repository", "container-port", "account"]
        );
        let bad = Answers {
            pass_roles: vec!["".into(), "arn:aws:iam::123456789012:user/x".into()],
            branch: "a..b".into(),
            ..Answers::default()
        };
        let found: Vec<String> = bad
            .setup()
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "--pass-role[0]: \"arn:aws:iam::123456789012:user/x\" is not a role ARN: expected arn:aws:iam::ACCOUNT:role/NAME",
                "--branch: \"a..b\" is not a branch name git accepts",
            ]
        );
    }

    #[test]
    fn an_environment_build_runs_its_job_in_the_environment_its_role_trusts() {
        let mut s = setup();
        s.build_environment = Some("build".into());
        let workflow = build_workflow(&s);
        assert!(workflow.contains("    environment: build\n"), "{workflow}");
        assert_eq!(crate::workflow::check(&workflow), []);
        assert_eq!(s.ci_subject(), "repo:octo/shop:environment:build");
    }
}
