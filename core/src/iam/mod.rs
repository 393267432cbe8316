//! Least-privilege IAM policies, and their Terraform, for a deploy target.
//!
//! Three principals take part in a deploy, and each gets exactly what its part needs:
//!
//! - the **worker** (or `hatoba deploy`): [`deploy_policy`], each action on the narrowest resource
//!   AWS accepts for it. Attached to the worker's IAM user, or, when the worker assumes a role
//!   (`AWS_ROLE_ARN`), to that role ([`deploy_role_trust_policy`]) while the user may do nothing
//!   but assume it ([`worker_user_policy`]);
//! - the **build workflow** on GitHub Actions: a role trusted through GitHub's OIDC provider for
//!   one repository and branch (or environment), [`ci_trust_policy`], allowed to push to one ECR
//!   repository, [`ci_role_policy`];
//! - [`terraform`] declares all of it, and the OIDC provider.
//!
//! Every statement has a `Sid` that says why it is there.

use serde_json::{Value, json};

use crate::target::{BaseSource, Target};

pub mod kit;

/// GitHub Actions' OIDC token issuer.
pub const GITHUB_OIDC_HOST: &str = "token.actions.githubusercontent.com";

/// The audience `aws-actions/configure-aws-credentials` asks GitHub's token for.
pub const GITHUB_OIDC_AUDIENCE: &str = "sts.amazonaws.com";

/// The service principal that runs tasks: the only one the task's roles may be passed to.
pub const ECS_TASKS_PRINCIPAL: &str = "ecs-tasks.amazonaws.com";

/// The log group that stands for every log group of the account in the target's region, when
/// the base, and so its groups, is not known when the policy is made.
pub const ANY_LOG_GROUP: &str = "*";

/// Everything the policies are generated from: a deploy target and what only the AWS account
/// knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The deploy target (region, cluster, service, ECR repository, base, GitHub repository and
    /// trigger).
    pub target: Target,
    /// The 12-digit AWS account id.
    pub account_id: String,
    /// The task-definition family the deploys register revisions of.
    pub family: String,
    /// The roles the task definition names (`executionRoleArn`, `taskRoleArn`): the only roles
    /// a deploy may pass to ECS.
    pub pass_roles: Vec<String>,
    /// The log groups the task definition's containers send to with the `awslogs` driver: the
    /// only ones whose streams a deploy may read, to tell why a task stopped. [`ANY_LOG_GROUP`]
    /// leaves them open (the base is not known yet); empty, none may be read.
    pub log_groups: Vec<String>,
    /// The IAM user whose keys the worker holds (`hatoba-worker`).
    pub worker_user: String,
    /// The role the worker assumes for each deploy when `AWS_ROLE_ARN` is used
    /// (`hatoba-deploy-<target>`).
    pub deploy_role: String,
    /// The role the build workflow assumes through OIDC (`hatoba-build-<target>`).
    pub ci_role: String,
    /// The branch the build workflow runs on (the target's branch, else `main`).
    pub build_branch: String,
    /// The GitHub environment the build job runs in, when its role should trust that
    /// environment rather than the branch (`None`).
    pub build_environment: Option<String>,
}

/// One problem with a [`Setup`]'s answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFinding {
    /// Which answer: `account`, `passRole[1]`, `family`, `workerUser`, `deployRole`, `ciRole`.
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl std::fmt::Display for SetupFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl Setup {
    /// A setup with the default principal names for `target`, and no log group to read (set
    /// [`Setup::log_groups`] to the base's, from [`read_task_definition`]).
    /// A role given by its short name (as a task definition's `taskRoleArn` may be, which ECS
    /// completes with the registering account) becomes that account's role ARN.
    pub fn new(target: Target, account_id: &str, family: &str, pass_roles: Vec<String>) -> Self {
        let partition = partition_of(&target.region);
        let pass_roles = pass_roles
            .into_iter()
            .map(|role| {
                if !role.starts_with("arn:") && check_iam_name(&role).is_ok() {
                    format!("arn:{partition}:iam::{account_id}:role/{role}")
                } else {
                    role
                }
            })
            .collect();
        Self {
            worker_user: "hatoba-worker".to_owned(),
            deploy_role: format!("hatoba-deploy-{}", target.name),
            ci_role: format!("hatoba-build-{}", target.name),
            build_environment: None,
            build_branch: target.branch.clone().unwrap_or_else(|| "main".to_owned()),
            target,
            account_id: account_id.to_owned(),
            family: family.to_owned(),
            pass_roles,
            log_groups: Vec::new(),
        }
    }

    /// Every problem with the answers, each naming its field; empty when the policies can be
    /// generated.
    pub fn check(&self) -> Vec<SetupFinding> {
        let mut findings = Vec::new();
        let mut push = |field: String, message: String| {
            findings.push(SetupFinding { field, message });
        };
        if let Err(e) = check_account_id(&self.account_id) {
            push("account".to_owned(), e);
        }
        if let Err(e) = check_family(&self.family) {
            push("family".to_owned(), e);
        }
        for (i, arn) in self.pass_roles.iter().enumerate() {
            if let Err(e) = check_role_arn(arn, self.partition()) {
                push(format!("passRole[{i}]"), e);
            }
        }
        for (i, group) in self.log_groups.iter().enumerate() {
            if group != ANY_LOG_GROUP
                && let Err(e) = check_log_group(group)
            {
                push(format!("logGroup[{i}]"), e);
            }
        }
        for (field, name) in [
            ("workerUser", &self.worker_user),
            ("deployRole", &self.deploy_role),
            ("ciRole", &self.ci_role),
        ] {
            if let Err(e) = check_iam_name(name) {
                push(field.to_owned(), e);
            }
        }
        let b = &self.build_branch;
        if b.is_empty()
            || b.contains("..")
            || b.starts_with('/')
            || b.ends_with('/')
            || b.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
        {
            push(
                "buildBranch".to_owned(),
                format!("\"{b}\" is not a branch name git accepts"),
            );
        }
        if let Some(environment) = &self.build_environment
            && (environment.trim().is_empty() || environment.len() > 255)
        {
            push(
                "buildEnvironment".to_owned(),
                format!(
                    "\"{environment}\" is not a GitHub environment name: expected 1 to 255 characters"
                ),
            );
        }
        findings
    }

    /// The AWS partition of the target's region: `aws`, `aws-cn` or `aws-us-gov`.
    pub fn partition(&self) -> &'static str {
        partition_of(&self.target.region)
    }

    fn arn(&self, service: &str, region: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:{resource}",
            self.partition(),
            self.account_id
        )
    }

    /// The ECR repository's ARN.
    pub fn ecr_repository_arn(&self) -> String {
        self.arn(
            "ecr",
            &self.target.region,
            &format!("repository/{}", self.target.ecr_repository),
        )
    }

    /// Every revision of the family: `task-definition/web:*`.
    pub fn family_arn(&self) -> String {
        self.arn(
            "ecs",
            &self.target.region,
            &format!("task-definition/{}:*", self.family),
        )
    }

    /// The service's ARN (the long form, with the cluster).
    pub fn service_arn(&self) -> String {
        self.arn(
            "ecs",
            &self.target.region,
            &format!("service/{}/{}", self.target.cluster, self.target.service),
        )
    }

    /// The cluster's ARN: the value of the `ecs:cluster` condition key.
    pub fn cluster_arn(&self) -> String {
        self.arn(
            "ecs",
            &self.target.region,
            &format!("cluster/{}", self.target.cluster),
        )
    }

    /// Every task of the cluster: `task/prod/*` (a task's ARN names its cluster, not its
    /// service).
    pub fn cluster_tasks_arn(&self) -> String {
        self.arn(
            "ecs",
            &self.target.region,
            &format!("task/{}/*", self.target.cluster),
        )
    }

    /// Every deployment of the service: `service-deployment/prod/web/*`.
    pub fn service_deployments_arn(&self) -> String {
        self.arn(
            "ecs",
            &self.target.region,
            &format!(
                "service-deployment/{}/{}/*",
                self.target.cluster, self.target.service
            ),
        )
    }

    /// Every stream of each log group in [`Setup::log_groups`]:
    /// `log-group:/ecs/web:log-stream:*`.
    pub fn log_stream_arns(&self) -> Vec<String> {
        self.log_groups
            .iter()
            .map(|group| {
                self.arn(
                    "logs",
                    &self.target.region,
                    &format!("log-group:{group}:log-stream:*"),
                )
            })
            .collect()
    }

    /// The worker user's ARN.
    pub fn worker_user_arn(&self) -> String {
        self.arn("iam", "", &format!("user/{}", self.worker_user))
    }

    /// The deploy role's ARN: the value of the worker's `AWS_ROLE_ARN`.
    pub fn deploy_role_arn(&self) -> String {
        self.arn("iam", "", &format!("role/{}", self.deploy_role))
    }

    /// The build workflow's role ARN: `role-to-assume` in the build workflow.
    pub fn ci_role_arn(&self) -> String {
        self.arn("iam", "", &format!("role/{}", self.ci_role))
    }

    /// The ARN of the account's GitHub OIDC provider.
    pub fn oidc_provider_arn(&self) -> String {
        self.arn("iam", "", &format!("oidc-provider/{GITHUB_OIDC_HOST}"))
    }

    /// The `sub` claim GitHub puts in the build job's token: the build branch
    /// (`repo:OWNER/REPO:ref:refs/heads/main`), or the build job's environment when it has one
    /// (`repo:OWNER/REPO:environment:production`; GitHub then names the environment, not the
    /// branch).
    pub fn ci_subject(&self) -> String {
        let repo = &self.target.repository;
        match &self.build_environment {
            Some(environment) => format!("repo:{repo}:environment:{environment}"),
            None => format!("repo:{repo}:ref:refs/heads/{}", self.build_branch),
        }
    }
}

/// The partition a region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// An AWS account id: exactly 12 digits.
pub fn check_account_id(text: &str) -> Result<(), String> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let placeholder = text.bytes().any(|b| matches!(b, b'X' | b'x' | b'<' | b'{'));
    Err(format!(
        "\"{text}\" is not an AWS account id: expected 12 digits{}",
        if placeholder {
            " (this looks like a placeholder)"
        } else {
            ""
        }
    ))
}

/// A task-definition family: 1 to 255 letters, digits, `-` and `_`.
pub fn check_family(text: &str) -> Result<(), String> {
    if !text.is_empty()
        && text.len() <= 255
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(format!(
            "\"{text}\" is not a task-definition family: expected 1 to 255 letters, digits, `-` or `_`"
        ))
    }
}

/// A CloudWatch Logs group name: 1 to 512 letters, digits and `._-/#`.
pub fn check_log_group(text: &str) -> Result<(), String> {
    if !text.is_empty()
        && text.len() <= 512
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b))
    {
        Ok(())
    } else {
        Err(format!(
            "\"{text}\" is not a log group name: expected 1 to 512 letters, digits or ._-/#"
        ))
    }
}

/// An IAM user or role name: 1 to 64 of letters, digits and `+=,.@_-`.
pub fn check_iam_name(text: &str) -> Result<(), String> {
    if !text.is_empty() && text.len() <= 64 && text.bytes().all(is_iam_name_byte) {
        Ok(())
    } else {
        Err(format!(
            "\"{text}\" is not an IAM name: expected 1 to 64 letters, digits or +=,.@_-"
        ))
    }
}

fn is_iam_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)
}

/// A role ARN in `partition`: `arn:aws:iam::123456789012:role/NAME` (a path before the name is
/// allowed).
pub fn check_role_arn(text: &str, partition: &str) -> Result<(), String> {
    let expected = format!("expected arn:{partition}:iam::ACCOUNT:role/NAME");
    let mut parts = text.splitn(6, ':');
    let fields: Vec<&str> = parts.by_ref().collect();
    let [arn, part, service, region, account, resource] = fields[..] else {
        return Err(format!("\"{text}\" is not a role ARN: {expected}"));
    };
    if arn != "arn" || service != "iam" || !region.is_empty() {
        return Err(format!("\"{text}\" is not a role ARN: {expected}"));
    }
    if part != partition {
        return Err(format!(
            "\"{text}\" is in partition {part}, the target's region is in {partition}"
        ));
    }
    if let Err(e) = check_account_id(account) {
        return Err(format!("\"{text}\": {e}"));
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(format!("\"{text}\" is not a role ARN: {expected}"));
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    check_iam_name(name).map_err(|e| format!("\"{text}\": {e}"))
}

/// What a task definition says about the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDefinitionFacts {
    /// Its family.
    pub family: Option<String>,
    /// The roles it passes to ECS (`executionRoleArn`, `taskRoleArn`, in that order, without
    /// repeats; an empty one names no role; a short name stays one, for [`Setup::new`] to
    /// complete with the account).
    pub pass_roles: Vec<String>,
    /// The log groups its containers send to with the `awslogs` driver
    /// (`logConfiguration.options["awslogs-group"]`), in order, without repeats.
    pub log_groups: Vec<String>,
}

/// What a task definition says about the policy: its family, the roles it passes to ECS and its
/// `awslogs` log groups.
pub fn read_task_definition(document: &Value) -> TaskDefinitionFacts {
    let family = document["family"].as_str().map(str::to_owned);
    let mut roles: Vec<String> = Vec::new();
    for key in ["executionRoleArn", "taskRoleArn"] {
        if let Some(arn) = document[key].as_str()
            && !arn.is_empty()
            && !roles.iter().any(|r| r == arn)
        {
            roles.push(arn.to_owned());
        }
    }
    let mut log_groups: Vec<String> = Vec::new();
    for container in document["containerDefinitions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let logging = &container["logConfiguration"];
        if logging["logDriver"] != "awslogs" {
            continue;
        }
        if let Some(group) = logging["options"]["awslogs-group"].as_str()
            && !group.is_empty()
            && !log_groups.iter().any(|g| g == group)
        {
            log_groups.push(group.to_owned());
        }
    }
    TaskDefinitionFacts {
        family,
        pass_roles: roles,
        log_groups,
    }
}

fn statement(sid: &str, actions: &[&str], resource: Value) -> Value {
    let action = match actions {
        [one] => json!(one),
        many => json!(many),
    };
    json!({ "Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource })
}

fn with_condition(mut statement: Value, operator: &str, key: &str, value: &str) -> Value {
    statement["Condition"] = json!({ operator: { key: value } });
    statement
}

fn document(statements: Vec<Value>) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// What a deploy needs and nothing more, each action on the narrowest resource AWS accepts:
/// find the image, read task definitions, register and tag revisions of the family, update the
/// one service to a revision of the family (`ecs:task-definition` `ArnLike`
/// `task-definition/FAMILY:*`) and follow it, read why the cluster's tasks stopped (`ecs:cluster`
/// `ArnEquals` the cluster) and the streams of the task definition's log groups, follow, stop
/// (roll back) and continue the service's own deployments, pass the task definition's roles to
/// ECS tasks, and read the base from its one S3 object when it lives there. A target with a
/// pre-deploy task may also run a revision of the family in the cluster (`ecs:RunTask`) and
/// stop a task of the cluster (`ecs:StopTask`), each held to the cluster by `ecs:cluster`.
pub fn deploy_policy(setup: &Setup) -> Value {
    let t = &setup.target;
    let mut statements = vec![
        statement(
            "FindTheImageInItsRepository",
            &["ecr:DescribeImages"],
            json!(setup.ecr_repository_arn()),
        ),
        statement(
            "ReadTaskDefinitionsItsOnlyResourceIsStar",
            &["ecs:DescribeTaskDefinition"],
            json!("*"),
        ),
        statement(
            "RegisterRevisionsOfTheFamily",
            &["ecs:RegisterTaskDefinition"],
            json!(setup.family_arn()),
        ),
        with_condition(
            statement(
                "TagRevisionsOnlyAsTheyAreRegistered",
                &["ecs:TagResource"],
                json!(setup.family_arn()),
            ),
            "StringEquals",
            "ecs:CreateAction",
            "RegisterTaskDefinition",
        ),
        // The service's ARN alone would let the service be pointed at any task definition in
        // the account; `ecs:task-definition` is the ARN UpdateService is asked to run.
        with_condition(
            statement(
                "UpdateTheServiceOnlyToRevisionsOfTheFamily",
                &["ecs:UpdateService"],
                json!(setup.service_arn()),
            ),
            "ArnLike",
            "ecs:task-definition",
            &setup.family_arn(),
        ),
        // Apart: DescribeServices has no `ecs:task-definition`, and a condition on a key a
        // request lacks fails.
        statement(
            "FollowTheService",
            &["ecs:DescribeServices"],
            json!(setup.service_arn()),
        ),
        // ListTasks names no resource when it lists by `startedBy` (a container instance only
        // when asked for one; Fargate has none): "*", held to the cluster by `ecs:cluster`.
        with_condition(
            statement(
                "ListStoppedTasksOfTheClusterOnly",
                &["ecs:ListTasks"],
                json!("*"),
            ),
            "ArnEquals",
            "ecs:cluster",
            &setup.cluster_arn(),
        ),
        with_condition(
            statement(
                "ReadWhyTasksOfTheClusterStopped",
                &["ecs:DescribeTasks"],
                json!(setup.cluster_tasks_arn()),
            ),
            "ArnEquals",
            "ecs:cluster",
            &setup.cluster_arn(),
        ),
        statement(
            "ListTheServicesDeployments",
            &["ecs:ListServiceDeployments"],
            json!(setup.service_arn()),
        ),
        // AWS authorizes these on the service and on the deployment both: each is named, for
        // this one service.
        statement(
            "FollowRollBackOrContinueTheServicesDeployments",
            &[
                "ecs:DescribeServiceDeployments",
                "ecs:StopServiceDeployment",
                "ecs:ContinueServiceDeployment",
            ],
            json!([setup.service_arn(), setup.service_deployments_arn()]),
        ),
    ];
    if t.pre_deploy.is_some() {
        // RunTask is authorized on the revision it runs; `ecs:cluster` holds it to the target's
        // cluster. The task is followed with ListTasks and DescribeTasks (above).
        statements.push(with_condition(
            statement(
                "RunThePreDeployTaskOfTheFamilyInTheClusterOnly",
                &["ecs:RunTask"],
                json!(setup.family_arn()),
            ),
            "ArnEquals",
            "ecs:cluster",
            &setup.cluster_arn(),
        ));
        statements.push(with_condition(
            statement(
                "StopThePreDeployTaskAtItsTimeoutInTheClusterOnly",
                &["ecs:StopTask"],
                json!(setup.cluster_tasks_arn()),
            ),
            "ArnEquals",
            "ecs:cluster",
            &setup.cluster_arn(),
        ));
    }
    if !setup.log_groups.is_empty() {
        statements.push(statement(
            "ReadTheTaskDefinitionsLogStreams",
            &["logs:GetLogEvents"],
            json!(setup.log_stream_arns()),
        ));
    }
    if !setup.pass_roles.is_empty() {
        statements.push(with_condition(
            statement(
                "PassTheTaskDefinitionRolesToEcsTasksOnly",
                &["iam:PassRole"],
                json!(setup.pass_roles),
            ),
            "StringEquals",
            "iam:PassedToService",
            ECS_TASKS_PRINCIPAL,
        ));
    }
    if let BaseSource::S3 { bucket, key } = &t.task_definition {
        statements.push(statement(
            "ReadTheBaseTaskDefinitionObject",
            &["s3:GetObject"],
            json!(format!("arn:{}:s3:::{bucket}/{key}", setup.partition())),
        ));
    }
    document(statements)
}

/// The deploy role's trust policy: the worker user alone may assume it.
pub fn deploy_role_trust_policy(setup: &Setup) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "TheWorkerUserAssumesItForEachDeploy",
            "Effect": "Allow",
            "Principal": { "AWS": setup.worker_user_arn() },
            "Action": "sts:AssumeRole",
        }]
    })
}

/// The worker user's policy when it assumes the deploy role: that, and nothing else.
pub fn worker_user_policy(setup: &Setup) -> Value {
    document(vec![statement(
        "AssumeTheDeployRoleNothingElse",
        &["sts:AssumeRole"],
        json!(setup.deploy_role_arn()),
    )])
}

/// The build workflow's role trust: GitHub's OIDC token for this repository's branch (or
/// environment), asked for AWS's audience.
pub fn ci_trust_policy(setup: &Setup) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "GitHubActionsOfThisRepositoryAndBranch",
            "Effect": "Allow",
            "Principal": { "Federated": setup.oidc_provider_arn() },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    format!("{GITHUB_OIDC_HOST}:aud"): GITHUB_OIDC_AUDIENCE,
                    format!("{GITHUB_OIDC_HOST}:sub"): setup.ci_subject(),
                }
            }
        }]
    })
}

/// The build workflow's rights: log in to ECR (`GetAuthorizationToken` has no resource but
/// `*`) and push to the one repository.
pub fn ci_role_policy(setup: &Setup) -> Value {
    document(vec![
        statement(
            "LogInToEcrItsOnlyResourceIsStar",
            &["ecr:GetAuthorizationToken"],
            json!("*"),
        ),
        statement(
            "PushTheImageToItsRepository",
            &[
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            json!(setup.ecr_repository_arn()),
        ),
    ])
}

/// Which IAM principals [`terraform`] declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The worker user and its deploy rights.
    pub deploy: bool,
    /// The worker assumes a deploy role (`AWS_ROLE_ARN`): the role holds the deploy policy, the
    /// user may only assume it.
    pub assume: bool,
    /// GitHub's OIDC provider and the build workflow's role.
    pub ci: bool,
}

/// A Terraform identifier from a target name: letters, digits and `_`.
fn tf_name(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A JSON document as a Terraform heredoc (`${` and `%{` escaped so Terraform keeps them).
fn tf_heredoc(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    let text = text.replace("${", "$${").replace("%{", "%%{");
    let indented: String = text.lines().map(|l| format!("    {l}\n")).collect();
    format!("<<-EOT\n{indented}  EOT")
}

fn tf_string(text: &str) -> String {
    serde_json::to_string(text)
        .expect("strings always serialize")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

/// Terraform (HCL) declaring the chosen principals and their policies. Access keys are left out
/// on purpose: Terraform would keep the secret in its state; create the worker's key with
/// `aws iam create-access-key` and put it straight into `wrangler secret put`.
pub fn terraform(setup: &Setup, parts: Parts) -> String {
    let t = tf_name(&setup.target.name);
    let mut out = format!(
        "# Hatoba: least-privilege IAM for the deploy target \"{name}\" ({region}, {cluster}/{service}).\n\
         # Generated by `hatoba iam policy --format terraform` / `hatoba init`.\n\n\
         terraform {{\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }}\n  }}\n}}\n",
        name = setup.target.name,
        region = setup.target.region,
        cluster = setup.target.cluster,
        service = setup.target.service,
    );
    if parts.deploy || parts.assume {
        out.push_str(&format!(
            "\n# The user whose access key the worker holds (create the key with `aws iam create-access-key`).\n\
             resource \"aws_iam_user\" \"hatoba_worker\" {{\n  name = {}\n}}\n",
            tf_string(&setup.worker_user)
        ));
    }
    if parts.assume {
        out.push_str(&format!(
            "\n# The role the worker assumes for each deploy (the worker's AWS_ROLE_ARN).\n\
             resource \"aws_iam_role\" \"deploy_{t}\" {{\n  name                 = {name}\n  max_session_duration = 3600\n  assume_role_policy   = {trust}\n}}\n\n\
             resource \"aws_iam_role_policy\" \"deploy_{t}\" {{\n  name   = \"deploy\"\n  role   = aws_iam_role.deploy_{t}.id\n  policy = {policy}\n}}\n\n\
             # The worker's own key can do nothing but assume that role.\n\
             resource \"aws_iam_user_policy\" \"hatoba_worker_assume_{t}\" {{\n  name   = \"assume-deploy-{name_raw}\"\n  user   = aws_iam_user.hatoba_worker.name\n  policy = {assume}\n}}\n",
            name = tf_string(&setup.deploy_role),
            name_raw = setup.target.name,
            trust = tf_heredoc(&deploy_role_trust_policy(setup)),
            policy = tf_heredoc(&deploy_policy(setup)),
            assume = tf_heredoc(&worker_user_policy(setup)),
        ));
    } else if parts.deploy {
        out.push_str(&format!(
            "\n# A managed policy attached to the user: IAM takes at most 2,048 characters of inline\n\
             # policy per user, and the deploy policy is longer; a managed one may have 6,144.\n\
             resource \"aws_iam_policy\" \"hatoba_deploy_{t}\" {{\n  name   = \"hatoba-deploy-{name_raw}\"\n  policy = {policy}\n}}\n\n\
             resource \"aws_iam_user_policy_attachment\" \"hatoba_worker_deploy_{t}\" {{\n  user       = aws_iam_user.hatoba_worker.name\n  policy_arn = aws_iam_policy.hatoba_deploy_{t}.arn\n}}\n",
            name_raw = setup.target.name,
            policy = tf_heredoc(&deploy_policy(setup)),
        ));
    }
    if parts.ci {
        out.push_str(&format!(
            "\n# GitHub Actions' OIDC provider: one per account. If the account has it already, import it:\n\
             #   terraform import aws_iam_openid_connect_provider.github {provider_arn}\n\
             resource \"aws_iam_openid_connect_provider\" \"github\" {{\n  url             = \"https://{GITHUB_OIDC_HOST}\"\n  client_id_list  = [\"{GITHUB_OIDC_AUDIENCE}\"]\n  thumbprint_list = [\"6938fd4d98bab03faadb97b34396831e3780aea1\", \"1c58a3a8518e8759bf075b76b750d4f2df264fcd\"]\n}}\n\n\
             # The role the build workflow assumes to push images; no keys are stored in GitHub.\n\
             resource \"aws_iam_role\" \"build_{t}\" {{\n  name               = {name}\n  assume_role_policy = {trust}\n  depends_on         = [aws_iam_openid_connect_provider.github]\n}}\n\n\
             resource \"aws_iam_role_policy\" \"build_{t}\" {{\n  name   = \"push-image\"\n  role   = aws_iam_role.build_{t}.id\n  policy = {policy}\n}}\n\n\
             output \"build_role_arn\" {{\n  value = aws_iam_role.build_{t}.arn\n}}\n",
            provider_arn = setup.oidc_provider_arn(),
            name = tf_string(&setup.ci_role),
            trust = tf_heredoc(&ci_trust_policy(setup)),
            policy = tf_heredoc(&ci_role_policy(setup)),
        ));
    }
    if parts.assume {
        out.push_str(&format!(
            "\noutput \"deploy_role_arn\" {{\n  value = aws_iam_role.deploy_{t}.arn\n}}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::parse_targets;

    fn target(extra: Value) -> Target {
        let mut object = json!({
            "name": "web-prod", "repository": "octo/shop", "branch": "main", "region": "eu-west-1",
            "cluster": "prod", "service": "web", "container": "app", "ecrRepository": "shop/web",
            "taskDefinition": ".aws/task-definition.json",
        });
        for (k, v) in extra.as_object().unwrap() {
            object[k] = v.clone();
        }
        parse_targets(&json!([object])).unwrap().remove(0)
    }

    fn setup(extra: Value) -> Setup {
        let mut s = Setup::new(
            target(extra),
            "123456789012",
            "web",
            vec![
                "arn:aws:iam::123456789012:role/web-exec".into(),
                "arn:aws:iam::123456789012:role/app/web-task".into(),
            ],
        );
        s.log_groups = vec!["/ecs/web".into()];
        s
    }

    fn statement_of<'v>(policy: &'v Value, sid: &str) -> &'v Value {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("no statement {sid} in {policy:#}"))
    }

    #[test]
    fn the_deploy_policy_scopes_each_action_to_the_targets_resources() {
        let s = setup(json!({}));
        assert_eq!(s.check(), []);
        let p = deploy_policy(&s);
        assert_eq!(p["Version"], "2012-10-17");
        assert_eq!(
            statement_of(&p, "FindTheImageInItsRepository")["Resource"],
            "arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"
        );
        assert_eq!(
            statement_of(&p, "RegisterRevisionsOfTheFamily")["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*"
        );
        let tag = statement_of(&p, "TagRevisionsOnlyAsTheyAreRegistered");
        assert_eq!(
            tag["Condition"]["StringEquals"]["ecs:CreateAction"],
            "RegisterTaskDefinition"
        );
        let update = statement_of(&p, "UpdateTheServiceOnlyToRevisionsOfTheFamily");
        assert_eq!(
            update["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:service/prod/web"
        );
        assert_eq!(update["Action"], "ecs:UpdateService");
        // Only the family's revisions: another family's is not `ArnLike` this.
        assert_eq!(
            update["Condition"],
            json!({"ArnLike": {"ecs:task-definition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*"}})
        );
        let follow = statement_of(&p, "FollowTheService");
        assert_eq!(follow["Resource"], update["Resource"]);
        assert_eq!(follow["Action"], "ecs:DescribeServices");
        assert!(follow.get("Condition").is_none());
        // UpdateService is granted by that one statement.
        let updates = p["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Action"].to_string().contains("ecs:UpdateService"))
            .count();
        assert_eq!(updates, 1);
        let pass = statement_of(&p, "PassTheTaskDefinitionRolesToEcsTasksOnly");
        assert_eq!(pass["Resource"].as_array().unwrap().len(), 2);
        assert_eq!(
            pass["Condition"]["StringEquals"]["iam:PassedToService"],
            "ecs-tasks.amazonaws.com"
        );
        // The only statements on "*": the one whose action has no other form, and ListTasks,
        // held to the cluster by its condition.
        let stars: Vec<&Value> = p["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Resource"] == "*")
            .collect();
        assert_eq!(stars.len(), 2);
        assert_eq!(stars[0]["Action"], "ecs:DescribeTaskDefinition");
        assert!(stars[0].get("Condition").is_none());
        assert_eq!(stars[1]["Action"], "ecs:ListTasks");
        assert!(stars[1].get("Condition").is_some());
        // No S3 unless the base is on S3.
        assert!(!p.to_string().contains("s3:"));
        for st in p["Statement"].as_array().unwrap() {
            let sid = st["Sid"].as_str().unwrap();
            assert!(sid.bytes().all(|b| b.is_ascii_alphanumeric()), "{sid}");
        }
    }

    #[test]
    fn the_deploy_policy_fits_a_managed_policy_but_not_a_users_inline_one() {
        // IAM counts characters without whitespace: at most 2,048 for all of a user's inline
        // policies, 6,144 for a managed policy, 10,240 for a role's inline ones.
        let mut s = setup(json!({"taskDefinition": "s3://config-bucket/deploy/web.json"}));
        s.log_groups = vec!["/ecs/web".into(), "/ecs/web-sidecar".into()];
        let text = deploy_policy(&s).to_string();
        assert!(text.len() > 2048 && text.len() < 6144, "{}", text.len());
    }

    #[test]
    fn an_s3_base_adds_its_one_object_and_no_roles_means_no_pass_role() {
        let mut s = setup(json!({"taskDefinition": "s3://config-bucket/deploy/web.json"}));
        s.pass_roles.clear();
        let p = deploy_policy(&s);
        assert_eq!(
            statement_of(&p, "ReadTheBaseTaskDefinitionObject")["Resource"],
            "arn:aws:s3:::config-bucket/deploy/web.json"
        );
        assert!(!p.to_string().contains("iam:PassRole"));
    }

    #[test]
    fn a_short_role_name_is_passed_as_the_accounts_role_and_an_empty_one_not_at_all() {
        let document = json!({
            "family": "web",
            "executionRoleArn": "",
            "taskRoleArn": "web-task",
        });
        let facts = read_task_definition(&document);
        assert_eq!(facts.family.as_deref(), Some("web"));
        assert_eq!(facts.pass_roles, ["web-task"]);
        assert!(facts.log_groups.is_empty());
        let s = Setup::new(target(json!({})), "123456789012", "web", facts.pass_roles);
        assert_eq!(s.check(), []);
        assert_eq!(s.pass_roles, ["arn:aws:iam::123456789012:role/web-task"]);
        let p = deploy_policy(&s);
        assert_eq!(
            statement_of(&p, "PassTheTaskDefinitionRolesToEcsTasksOnly")["Resource"],
            json!(["arn:aws:iam::123456789012:role/web-task"])
        );
    }

    #[test]
    fn stopped_tasks_are_read_in_the_cluster_only() {
        let p = deploy_policy(&setup(json!({})));
        let cluster = json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"}});
        let list = statement_of(&p, "ListStoppedTasksOfTheClusterOnly");
        assert_eq!(list["Action"], "ecs:ListTasks");
        assert_eq!(list["Resource"], "*");
        assert_eq!(list["Condition"], cluster);
        let describe = statement_of(&p, "ReadWhyTasksOfTheClusterStopped");
        assert_eq!(describe["Action"], "ecs:DescribeTasks");
        assert_eq!(
            describe["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:task/prod/*"
        );
        assert_eq!(describe["Condition"], cluster);
        // Nothing else may start, stop or change a task.
        for verb in ["RunTask", "StartTask", "StopTask", "ExecuteCommand"] {
            assert!(!p.to_string().contains(&format!("ecs:{verb}\"")), "{verb}");
        }
    }

    #[test]
    fn a_pre_deploy_task_may_be_run_from_the_family_and_stopped_in_the_cluster_only() {
        let p = deploy_policy(&setup(
            json!({"preDeploy": {"container": "app", "command": ["bin/migrate"]}}),
        ));
        let cluster = json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/prod"}});
        let run = statement_of(&p, "RunThePreDeployTaskOfTheFamilyInTheClusterOnly");
        assert_eq!(run["Action"], "ecs:RunTask");
        assert_eq!(
            run["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:*"
        );
        assert_eq!(run["Condition"], cluster);
        let stop = statement_of(&p, "StopThePreDeployTaskAtItsTimeoutInTheClusterOnly");
        assert_eq!(stop["Action"], "ecs:StopTask");
        assert_eq!(
            stop["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:task/prod/*"
        );
        assert_eq!(stop["Condition"], cluster);
        // The task runs with the revision's roles: passed to ECS tasks only, as before.
        statement_of(&p, "PassTheTaskDefinitionRolesToEcsTasksOnly");
        // Still nothing that starts a task elsewhere or gets into one.
        for verb in ["StartTask", "ExecuteCommand"] {
            assert!(!p.to_string().contains(&format!("ecs:{verb}\"")), "{verb}");
        }
        // The managed policy still fits.
        assert!(p.to_string().len() < 6144);
    }

    #[test]
    fn only_the_services_own_deployments_are_followed_rolled_back_or_continued() {
        let p = deploy_policy(&setup(json!({})));
        let list = statement_of(&p, "ListTheServicesDeployments");
        assert_eq!(list["Action"], "ecs:ListServiceDeployments");
        assert_eq!(
            list["Resource"],
            "arn:aws:ecs:eu-west-1:123456789012:service/prod/web"
        );
        assert!(list.get("Condition").is_none());
        let act = statement_of(&p, "FollowRollBackOrContinueTheServicesDeployments");
        assert_eq!(
            act["Action"],
            json!([
                "ecs:DescribeServiceDeployments",
                "ecs:StopServiceDeployment",
                "ecs:ContinueServiceDeployment"
            ])
        );
        assert_eq!(
            act["Resource"],
            json!([
                "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
                "arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/*"
            ])
        );
        assert!(act.get("Condition").is_none());
        // Each of these actions is granted by one statement only.
        for action in [
            "ecs:ListTasks",
            "ecs:DescribeTasks",
            "ecs:ListServiceDeployments",
            "ecs:DescribeServiceDeployments",
            "ecs:StopServiceDeployment",
            "ecs:ContinueServiceDeployment",
            "logs:GetLogEvents",
        ] {
            let granting = p["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["Action"].to_string().contains(&format!("\"{action}\"")))
                .count();
            assert_eq!(granting, 1, "{action}");
        }
    }

    #[test]
    fn log_streams_are_read_in_the_task_definitions_awslogs_groups_only() {
        let document = json!({
            "family": "web",
            "containerDefinitions": [
                {"name": "app", "logConfiguration": {"logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1"}}},
                {"name": "sidecar", "logConfiguration": {"logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/web"}}},
                {"name": "proxy", "logConfiguration": {"logDriver": "awslogs",
                    "options": {"awslogs-group": "shared/proxy"}}},
                {"name": "router", "logConfiguration": {"logDriver": "awsfirelens",
                    "options": {"awslogs-group": "not-awslogs"}}},
                {"name": "quiet"},
            ],
        });
        let facts = read_task_definition(&document);
        assert_eq!(facts.log_groups, ["/ecs/web", "shared/proxy"]);
        let mut s = setup(json!({}));
        s.log_groups = facts.log_groups;
        assert_eq!(s.check(), []);
        let read = statement_of(&deploy_policy(&s), "ReadTheTaskDefinitionsLogStreams").clone();
        assert_eq!(read["Action"], "logs:GetLogEvents");
        assert_eq!(
            read["Resource"],
            json!([
                "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:log-stream:*",
                "arn:aws:logs:eu-west-1:123456789012:log-group:shared/proxy:log-stream:*"
            ])
        );
        assert!(read.get("Condition").is_none());
        // Not known: any group of the account, in the target's region and partition.
        s.log_groups = vec![ANY_LOG_GROUP.into()];
        assert_eq!(s.check(), []);
        assert_eq!(
            statement_of(&deploy_policy(&s), "ReadTheTaskDefinitionsLogStreams")["Resource"],
            json!(["arn:aws:logs:eu-west-1:123456789012:log-group:*:log-stream:*"])
        );
        // No awslogs group: no log is read.
        s.log_groups.clear();
        assert!(!deploy_policy(&s).to_string().contains("logs:"));
        // A name that would widen the ARN is refused.
        s.log_groups = vec!["/ecs/*".into(), "a:b".into()];
        let fields: Vec<String> = s.check().iter().map(|f| f.field.clone()).collect();
        assert_eq!(fields, ["logGroup[0]", "logGroup[1]"]);
    }

    #[test]
    fn partitions_follow_the_region() {
        let s = Setup::new(
            target(json!({"region": "cn-north-1"})),
            "123456789012",
            "web",
            vec!["arn:aws-cn:iam::123456789012:role/web-exec".into()],
        );
        assert_eq!(s.check(), []);
        assert!(s.service_arn().starts_with("arn:aws-cn:ecs:cn-north-1:"));
        assert_eq!(
            statement_of(
                &deploy_policy(&s),
                "UpdateTheServiceOnlyToRevisionsOfTheFamily"
            )["Condition"]["ArnLike"]["ecs:task-definition"],
            "arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:*"
        );
        let wrong = Setup::new(
            target(json!({"region": "cn-north-1"})),
            "123456789012",
            "web",
            vec!["arn:aws:iam::123456789012:role/web-exec".into()],
        );
        assert_eq!(
            wrong.check()[0].to_string(),
            "passRole[0]: \"arn:aws:iam::123456789012:role/web-exec\" is in partition aws, the target's region is in aws-cn"
        );
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        let mut s = s;
        s.log_groups = vec!["/ecs/web".into()];
        assert_eq!(
            s.cluster_arn(),
            "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod"
        );
        assert_eq!(
            s.service_deployments_arn(),
            "arn:aws-cn:ecs:cn-north-1:123456789012:service-deployment/prod/web/*"
        );
        assert_eq!(
            s.log_stream_arns(),
            ["arn:aws-cn:logs:cn-north-1:123456789012:log-group:/ecs/web:log-stream:*"]
        );
    }

    #[test]
    fn bad_answers_are_named_with_what_is_expected() {
        let mut s = setup(json!({}));
        s.account_id = "XXXXXXXXXXXX".into();
        s.family = "web app".into();
        s.pass_roles = vec![
            "arn:aws:iam::123456789012:user/web".into(),
            "arn:aws:iam::12345:role/x".into(),
        ];
        s.ci_role = "".into();
        s.build_branch = "feature x".into();
        let findings: Vec<String> = s.check().iter().map(|f| f.to_string()).collect();
        assert_eq!(
            findings,
            [
                "account: \"XXXXXXXXXXXX\" is not an AWS account id: expected 12 digits (this looks like a placeholder)",
                "family: \"web app\" is not a task-definition family: expected 1 to 255 letters, digits, `-` or `_`",
                "passRole[0]: \"arn:aws:iam::123456789012:user/web\" is not a role ARN: expected arn:aws:iam::ACCOUNT:role/NAME",
                "passRole[1]: \"arn:aws:iam::12345:role/x\": \"12345\" is not an AWS account id: expected 12 digits",
                "ciRole: \"\" is not an IAM name: expected 1 to 64 letters, digits or +=,.@_-",
                "buildBranch: \"feature x\" is not a branch name git accepts",
            ]
        );
    }

    #[test]
    fn the_worker_can_only_assume_the_deploy_role_which_trusts_only_the_worker() {
        let s = setup(json!({}));
        let user = worker_user_policy(&s);
        assert_eq!(user["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(user["Statement"][0]["Action"], "sts:AssumeRole");
        assert_eq!(
            user["Statement"][0]["Resource"],
            "arn:aws:iam::123456789012:role/hatoba-deploy-web-prod"
        );
        let trust = deploy_role_trust_policy(&s);
        assert_eq!(
            trust["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::123456789012:user/hatoba-worker"
        );
    }

    #[test]
    fn the_build_role_trusts_github_for_one_branch_or_environment() {
        let s = setup(json!({}));
        let trust = ci_trust_policy(&s);
        let condition = &trust["Statement"][0]["Condition"]["StringEquals"];
        assert_eq!(
            condition["token.actions.githubusercontent.com:aud"],
            "sts.amazonaws.com"
        );
        assert_eq!(
            condition["token.actions.githubusercontent.com:sub"],
            "repo:octo/shop:ref:refs/heads/main"
        );
        assert_eq!(
            trust["Statement"][0]["Principal"]["Federated"],
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        );
        let mut env_only = target(json!({"environment": "production"}));
        env_only.branch = None;
        let mut s = Setup::new(env_only, "123456789012", "web", vec![]);
        assert_eq!(s.ci_subject(), "repo:octo/shop:ref:refs/heads/main");
        s.build_environment = Some("build".into());
        assert_eq!(s.ci_subject(), "repo:octo/shop:environment:build");
        let push = &ci_role_policy(&s)["Statement"][1];
        assert_eq!(
            push["Resource"],
            "arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"
        );
        assert!(push["Action"].to_string().contains("ecr:PutImage"));
    }

    #[test]
    fn terraform_declares_each_part_with_the_same_documents() {
        let s = setup(json!({}));
        let all = terraform(
            &s,
            Parts {
                deploy: true,
                assume: true,
                ci: true,
            },
        );
        for needle in [
            "resource \"aws_iam_user\" \"hatoba_worker\"",
            "resource \"aws_iam_role\" \"deploy_web_prod\"",
            "resource \"aws_iam_role_policy\" \"deploy_web_prod\"",
            "resource \"aws_iam_user_policy\" \"hatoba_worker_assume_web_prod\"",
            "resource \"aws_iam_openid_connect_provider\" \"github\"",
            "resource \"aws_iam_role\" \"build_web_prod\"",
            "\"Sid\": \"RegisterRevisionsOfTheFamily\"",
        ] {
            assert!(all.contains(needle), "{needle} missing in:\n{all}");
        }
        let deploy_only = terraform(
            &s,
            Parts {
                deploy: true,
                assume: false,
                ci: false,
            },
        );
        assert!(deploy_only.contains("resource \"aws_iam_policy\" \"hatoba_deploy_web_prod\""));
        assert!(deploy_only.contains(
            "resource \"aws_iam_user_policy_attachment\" \"hatoba_worker_deploy_web_prod\""
        ));
        assert!(!deploy_only.contains("resource \"aws_iam_user_policy\""));
        assert!(!deploy_only.contains("openid"));
        assert_eq!(tf_string("a${b}"), "\"a$${b}\"");
    }
}
