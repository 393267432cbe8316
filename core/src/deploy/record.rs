//! The deployment record: what the worker stores, the API returns, the Deployments page shows
//! and `hatoba deploy --format json` prints. It is the truth of a deploy: the pipeline reads its
//! next step from it, so a record stored between steps resumes anywhere.

use serde::{Deserialize, Serialize};

use super::target::short_sha;
use crate::fields::{FieldError, Obj};
use crate::time;

/// Where a deployment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Accepted, not started (another deploy of the target runs).
    Queued,
    /// Running its steps.
    InProgress,
    /// The service runs the new revision.
    Success,
    /// The deploy did not take: the rollout failed or was rolled back, or the task definition
    /// breaks a rule.
    Failure,
    /// Hatoba could not finish: AWS refused a call, the image never appeared, the rollout
    /// did not end in time.
    Error,
    /// A newer commit replaced it before it started.
    Superseded,
    /// ECS holds the rollout at a PAUSE lifecycle hook until someone continues it or rolls it
    /// back ([`Deployment::pause`] says where).
    Paused,
}

impl State {
    /// The state as the record and the API spell it: `in_progress`.
    pub fn as_str(self) -> &'static str {
        STATES
            .iter()
            .find(|(_, state)| *state == self)
            .map_or("", |(name, _)| name)
    }

    /// The state as people read it, on the Deployments page and in `hatoba deploy`'s output:
    /// `in progress`.
    pub fn words(self) -> &'static str {
        match self {
            State::InProgress => "in progress",
            other => other.as_str(),
        }
    }

    /// Whether the deployment is over.
    pub fn is_final(self) -> bool {
        !matches!(self, State::Queued | State::InProgress | State::Paused)
    }
}

/// What started a deployment. In JSON, an object whose `event` names the kind:
/// `{"event": "push", "delivery": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Trigger {
    /// A push to the target's branch.
    Push {
        /// The webhook delivery (`X-GitHub-Delivery`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<String>,
    },
    /// A successful run of the target's build workflow.
    WorkflowRun {
        /// The webhook delivery.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<String>,
        /// The run's id.
        #[serde(rename = "runId")]
        run_id: u64,
    },
    /// A GitHub deployment for the target's environment: deployment statuses are reported too.
    Deployment {
        /// The webhook delivery.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<String>,
        /// GitHub's deployment id.
        #[serde(rename = "deploymentId")]
        deployment_id: u64,
        /// The environment.
        environment: String,
    },
    /// Asked for by a person: the API's deploy button or `hatoba deploy`.
    Manual {
        /// Who or what asked (`cli`, `api`).
        by: String,
    },
}

/// Read by hand through a JSON value: a derived reader of an internally tagged enum buffers
/// the object in serde's `Content` first, whose code was the largest part of a record's
/// reader in the worker and the app.
impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Trigger::read(&Obj::of(&value).map_err(serde::de::Error::custom)?)
            .map_err(|e| serde::de::Error::custom(format!("trigger: {e}")))
    }
}

impl Trigger {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let trigger = match o.string("event")?.as_str() {
            "push" => Trigger::Push {
                delivery: o.opt_string("delivery")?,
            },
            "workflow_run" => Trigger::WorkflowRun {
                delivery: o.opt_string("delivery")?,
                run_id: o.id("runId")?,
            },
            "deployment" => Trigger::Deployment {
                delivery: o.opt_string("delivery")?,
                deployment_id: o.id("deploymentId")?,
                environment: o.string("environment")?,
            },
            "manual" => Trigger::Manual {
                by: o.string("by")?,
            },
            other => {
                return Err(o.error(
                    "event",
                    format!("unknown trigger `{other}`: expected push, workflow_run, deployment or manual"),
                ));
            }
        };
        Ok(trigger)
    }

    /// The trigger at `key` of a record being read.
    pub(crate) fn read_at(o: &Obj, key: &str) -> Result<Self, FieldError> {
        Trigger::read(&o.object(key)?)
    }
}

impl Trigger {
    /// GitHub's deployment id, for a `deployment` event.
    pub fn github_deployment_id(&self) -> Option<u64> {
        match self {
            Trigger::Deployment { deployment_id, .. } => Some(*deployment_id),
            _ => None,
        }
    }
}

/// The steps of a deploy, in order, as the record names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepName {
    /// The `pending` commit status (and `in_progress` deployment status).
    PendingStatus,
    /// Short-lived credentials of the deploy role (`AWS_ROLE_ARN`), for this deploy alone.
    AssumeRole,
    /// The image tagged for the commit, found in ECR (waited for).
    FindImage,
    /// The base task definition, read from the repository, S3 or the service.
    LoadTaskDefinition,
    /// The image rendered into the container.
    Render,
    /// The rendered task definition checked with the editor's rules.
    Check,
    /// `RegisterTaskDefinition`.
    RegisterTaskDefinition,
    /// The target's `preDeploy` task of the new revision (`RunTask`), followed until it stops.
    PreDeploy,
    /// `UpdateService`.
    UpdateService,
    /// `DescribeServices` (and ECS's service deployment) until the rollout ends.
    WaitRollout,
    /// Why it failed: stopped tasks, the service's events, the failing container's log.
    CollectEvidence,
    /// The final commit status (and deployment status).
    FinalStatus,
}

impl StepName {
    /// The step as the record and the CLI name it: `register_task_definition`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepName::PendingStatus => "pending_status",
            StepName::AssumeRole => "assume_role",
            StepName::FindImage => "find_image",
            StepName::LoadTaskDefinition => "load_task_definition",
            StepName::Render => "render",
            StepName::Check => "check",
            StepName::RegisterTaskDefinition => "register_task_definition",
            StepName::PreDeploy => "pre_deploy",
            StepName::UpdateService => "update_service",
            StepName::WaitRollout => "wait_rollout",
            StepName::CollectEvidence => "collect_evidence",
            StepName::FinalStatus => "final_status",
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Ok,
    /// It failed and ended the deploy.
    Failed,
    /// Something went wrong that does not end the deploy (a GitHub status not sent).
    Warning,
}

/// One step of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Which step.
    pub name: StepName,
    /// When it started.
    #[serde(with = "time")]
    pub started_at: u64,
    /// When it ended (none while it runs or waits).
    #[serde(
        default,
        with = "time::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_at: Option<u64>,
    /// How it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// What it did or found, for a person: `web:42`, `2/3 tasks running`, AWS's error.
    #[serde(default)]
    pub detail: String,
    /// The request ids of the AWS calls it made (quote them to AWS support).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_ids: Vec<String>,
    /// How many times it waited and started again after AWS or GitHub failed it for a while
    /// (throttling, 5xx, timeouts).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// Where a person sees what it made in AWS (the pre-deploy task in the ECS console).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A GitHub status Hatoba sent (or tried to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusSent {
    /// `commit` or `deployment`.
    pub kind: String,
    /// `pending`, `success`, `in_progress`, ...
    pub state: String,
    /// The description GitHub shows.
    pub description: String,
    /// The link it carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// When it was sent.
    #[serde(with = "time")]
    pub at: u64,
    /// Why GitHub did not take it, if it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Tasks of the new deployment, while the rollout runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Tasks running.
    pub running: i64,
    /// Tasks wanted.
    pub desired: i64,
    /// Tasks that failed to start so far.
    pub failed: i64,
}

/// Where a blue/green, linear or canary rollout stands, from ECS's service deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    /// `BLUE_GREEN`, `LINEAR`, `CANARY` or `ROLLING`.
    pub strategy: String,
    /// ECS's lifecycle stage: `TEST_TRAFFIC_SHIFT`, `BAKE_TIME`, ...
    pub stage: String,
    /// When Hatoba first saw this stage.
    #[serde(with = "time")]
    pub since: u64,
    /// The bake time configured, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bake_minutes: Option<u64>,
}

impl Lifecycle {
    /// The stage as people read it, with the bake time left at `now`: `Blue/green: test
    /// traffic shifted` or `Canary: baking, 4 min left`.
    pub fn words(&self, now: u64) -> String {
        let strategy = match self.strategy.as_str() {
            "BLUE_GREEN" => "Blue/green",
            "LINEAR" => "Linear",
            "CANARY" => "Canary",
            _ => "Rolling",
        };
        let stage = match self.stage.as_str() {
            "RECONCILE_SERVICE" => "reconciling the service",
            "PRE_SCALE_UP" => "before scale-up",
            "SCALE_UP" => "scaling up the new tasks",
            "POST_SCALE_UP" => "new tasks up",
            "TEST_TRAFFIC_SHIFT" => "shifting test traffic",
            "POST_TEST_TRAFFIC_SHIFT" => "test traffic shifted",
            "PRODUCTION_TRAFFIC_SHIFT" => "shifting production traffic",
            "POST_PRODUCTION_TRAFFIC_SHIFT" => "production traffic shifted",
            "BAKE_TIME" => "baking",
            "CLEAN_UP" => "cleaning up the old tasks",
            other => other,
        };
        let mut text = format!("{strategy}: {stage}");
        if let Some(minutes) = self.bake_minutes.filter(|_| self.stage == "BAKE_TIME") {
            let left = (minutes * 60_000).saturating_sub(now.saturating_sub(self.since));
            text.push_str(&format!("; bake {} min left", left.div_ceil(60_000)));
        }
        text
    }
}

/// Where ECS holds a rollout: a PAUSE lifecycle hook awaiting `ContinueServiceDeployment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pause {
    /// The lifecycle stage it waits at: `TEST_TRAFFIC_SHIFT`, ...
    pub stage: String,
    /// The hook's id, which continuing names.
    pub hook_id: String,
    /// When the hook times out and ECS takes its timeout action.
    #[serde(with = "time::option", skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

/// Why a deployment did not succeed: ECS's stopped tasks, the service's events and the failing
/// container's last log lines, and one sentence naming the cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The cause, in one sentence (the final status's description).
    pub summary: String,
    /// How the rollout ended: `rolled back to web:41`, `stopped early`, `failed`, `timed out`,
    /// `never began: ...` (the pre-deploy task failed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ending: String,
    /// The deployment's stopped tasks, newest first.
    pub stopped_tasks: Vec<StoppedTask>,
    /// The service's events since the deploy began, oldest first.
    pub events: Vec<EventLine>,
    /// The failing container's last log lines, when it logs with `awslogs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogExcerpt>,
    /// What could not be read, for a person (evidence is read once, and may be partial).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// A task of the deployment that stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoppedTask {
    /// Its ARN.
    pub task_arn: String,
    /// ECS's stop code: `TaskFailedToStart`, `EssentialContainerExited`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_code: Option<String>,
    /// ECS's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_reason: Option<String>,
    /// When it stopped.
    #[serde(with = "time::option", skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<u64>,
    /// Its containers.
    pub containers: Vec<StoppedContainer>,
}

/// A container of a stopped task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoppedContainer {
    /// The container's name.
    pub name: String,
    /// Its exit code, when it exited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// ECS's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An event of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLine {
    /// When.
    #[serde(with = "time")]
    pub at: u64,
    /// ECS's message.
    pub message: String,
}

/// The last lines of a container's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogExcerpt {
    /// The log group.
    pub group: String,
    /// The stream: `PREFIX/CONTAINER/TASK_ID`.
    pub stream: String,
    /// The lines, oldest first, redacted.
    pub lines: Vec<String>,
}

impl Failure {
    /// Reads a record's `failure` ([`Deployment::failure`]).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, FieldError> {
        Failure::read(&Obj::of(value)?)
    }

    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Failure {
            summary: o.text("summary")?,
            ending: o.text("ending")?,
            stopped_tasks: o.list("stoppedTasks", |t| {
                Ok(StoppedTask {
                    task_arn: t.text("taskArn")?,
                    stop_code: t.opt_string("stopCode")?,
                    stopped_reason: t.opt_string("stoppedReason")?,
                    stopped_at: t.opt_time("stoppedAt")?,
                    containers: t.list("containers", |c| {
                        Ok(StoppedContainer {
                            name: c.text("name")?,
                            exit_code: c.optional(
                                "exitCode",
                                "a whole number",
                                serde_json::Value::as_i64,
                            )?,
                            reason: c.opt_string("reason")?,
                        })
                    })?,
                })
            })?,
            events: o.list("events", |e| {
                Ok(EventLine {
                    at: e.time("at")?,
                    message: e.text("message")?,
                })
            })?,
            logs: match o.opt_object("logs")? {
                Some(l) => Some(LogExcerpt {
                    group: l.text("group")?,
                    stream: l.text("stream")?,
                    lines: l.strings("lines")?,
                }),
                None => None,
            },
            missing: o.strings("missing")?,
        })
    }
}

/// The pipeline's position: the next thing [`super::advance`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Next {
    /// Send the pending status.
    Start,
    /// Look for (or keep waiting for) the image.
    FindImage,
    /// Load, render and check the task definition.
    Prepare,
    /// Register the rendered revision.
    Register,
    /// Run the pre-deploy task (or keep following it).
    PreDeploy,
    /// Point the service at the revision.
    UpdateService,
    /// Poll the rollout.
    WaitRollout,
    /// Read why it did not succeed.
    CollectEvidence,
    /// Send the final status.
    FinalStatus,
    /// Nothing: the deployment is over.
    Done,
}

impl Next {
    /// The step this position runs first, in the record's words (`None` once done): `Prepare`
    /// begins `load_task_definition` (then `render` and `check`), `Start` the pending status
    /// (and, at once, the image and the base).
    pub fn step(self) -> Option<StepName> {
        Some(match self {
            Next::Start => StepName::PendingStatus,
            Next::FindImage => StepName::FindImage,
            Next::Prepare => StepName::LoadTaskDefinition,
            Next::Register => StepName::RegisterTaskDefinition,
            Next::PreDeploy => StepName::PreDeploy,
            Next::UpdateService => StepName::UpdateService,
            Next::WaitRollout => StepName::WaitRollout,
            Next::CollectEvidence => StepName::CollectEvidence,
            Next::FinalStatus => StepName::FinalStatus,
            Next::Done => return None,
        })
    }

    /// Whether this step calls AWS (and so needs the deploy role's credentials, when one is
    /// assumed).
    pub fn calls_aws(self) -> bool {
        matches!(
            self,
            Next::Start
                | Next::FindImage
                | Next::Prepare
                | Next::Register
                | Next::PreDeploy
                | Next::UpdateService
                | Next::WaitRollout
                | Next::CollectEvidence
        )
    }
}

/// One deployment of a commit (or of a revision) to a target. Read by hand (see the
/// `Deserialize` impl below), written by serde with the names the fields say.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// Unique id: `<target>.<created, ms>.<short sha>`.
    pub id: String,
    /// The target's name.
    pub target: String,
    /// The commit.
    pub sha: String,
    /// What asked for it.
    pub trigger: Trigger,
    /// Where it stands.
    pub state: State,
    /// When it was accepted.
    #[serde(with = "time")]
    pub created_at: u64,
    /// When it ended.
    #[serde(default, with = "time::option")]
    pub finished_at: Option<u64>,
    /// The revision it deploys, once registered (or asked for, for a rollback).
    #[serde(default)]
    pub task_definition_arn: Option<String>,
    /// The image written into the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The revision the service ran before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_task_definition_arn: Option<String>,
    /// ECS's id of the service deployment it started (`ecs-svc/...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_deployment_id: Option<String>,
    /// The rollout's tasks, while it is followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    /// ECS's service deployment the update started (`arn:aws:ecs:...:service-deployment/...`),
    /// once found: its status is ECS's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_deployment_arn: Option<String>,
    /// Why ECS's service deployments cannot be followed (the API refused or is unknown): the
    /// rollout is read from `DescribeServices` alone, and ECS's circuit breaker decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_deployments_unavailable: Option<String>,
    /// Where a blue/green, linear or canary rollout stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// Where ECS holds the rollout, while the state is `paused`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
    /// Why it did not succeed, once that is known: a [`Failure`] as JSON (read it with
    /// [`Failure::from_json`]); while the evidence is read, the text of how the rollout ended.
    /// The pipeline writes it whole and never reads it back, so the worker carries no reader
    /// for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<serde_json::Value>,
    /// What happened, in one line (the final status's description).
    #[serde(default)]
    pub description: String,
    /// The steps so far.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The GitHub statuses sent.
    #[serde(default)]
    pub statuses: Vec<StatusSent>,
    /// What the pipeline does next.
    pub next: Next,
    /// The rendered task definition, kept between checking and registering it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<serde_json::Value>,
    /// How many times registering was begun, counted and stored before each try: a second try
    /// may follow one that reached AWS, and looks for its revision first.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub register_tries: u32,
    /// The check run "Hatoba deploy: TARGET" on the commit (with a GitHub App), once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_run_id: Option<u64>,
    /// How many steps had ended when the check run was last written: it is written again when
    /// another ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_run_steps: Option<u64>,
    /// The pre-deploy task, once `RunTask` answered with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_deploy_task_arn: Option<String>,
    /// How many times running the pre-deploy task was begun, counted and stored before each
    /// try: a second try may follow a `RunTask` that started a task whose answer was lost, and
    /// looks for it first.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pre_deploy_tries: u32,
}

impl Deployment {
    /// The id a deployment of `sha` to `target` created at `now_millis` gets.
    pub fn id_of(target: &str, sha: &str, now_millis: u64) -> String {
        format!("{target}.{now_millis}.{}", short_sha(sha))
    }

    /// A queued deployment of `sha` to `target`.
    pub fn new(target: &str, sha: &str, trigger: Trigger, now_millis: u64) -> Self {
        Deployment {
            id: Deployment::id_of(target, sha, now_millis),
            target: target.to_owned(),
            sha: sha.to_owned(),
            trigger,
            state: State::Queued,
            created_at: now_millis,
            finished_at: None,
            task_definition_arn: None,
            image: None,
            previous_task_definition_arn: None,
            ecs_deployment_id: None,
            progress: None,
            service_deployment_arn: None,
            service_deployments_unavailable: None,
            lifecycle: None,
            pause: None,
            failure: None,
            description: String::new(),
            steps: Vec::new(),
            statuses: Vec::new(),
            next: Next::Start,
            rendered: None,
            register_tries: 0,
            check_run_id: None,
            check_run_steps: None,
            pre_deploy_task_arn: None,
            pre_deploy_tries: 0,
        }
    }

    /// A queued redeploy of an existing revision (a rollback): no image, no render, no register.
    pub fn redeploy(
        target: &str,
        sha: &str,
        task_definition_arn: &str,
        trigger: Trigger,
        now_millis: u64,
    ) -> Self {
        let mut d = Deployment::new(target, sha, trigger, now_millis);
        d.task_definition_arn = Some(task_definition_arn.to_owned());
        d
    }

    /// The step named `name`, if it started.
    pub fn step(&self, name: StepName) -> Option<&Step> {
        self.steps.iter().rev().find(|s| s.name == name)
    }

    /// The step running now (started, not ended), if any.
    pub fn open_step(&self) -> Option<&Step> {
        self.steps.last().filter(|s| s.ended_at.is_none())
    }

    /// The target name an id ([`Deployment::id`]) starts with, for routing the id to its target.
    pub fn target_of_id(id: &str) -> Option<&str> {
        let (target, _) = id.split_once('.')?;
        (!target.is_empty()).then_some(target)
    }
}

/// The JSON spellings of the record's enums, for reading them back.
pub(crate) const STATES: [(&str, State); 7] = [
    ("queued", State::Queued),
    ("in_progress", State::InProgress),
    ("success", State::Success),
    ("failure", State::Failure),
    ("error", State::Error),
    ("superseded", State::Superseded),
    ("paused", State::Paused),
];
const STEP_NAMES: [StepName; 12] = [
    StepName::PendingStatus,
    StepName::AssumeRole,
    StepName::FindImage,
    StepName::LoadTaskDefinition,
    StepName::Render,
    StepName::Check,
    StepName::RegisterTaskDefinition,
    StepName::PreDeploy,
    StepName::UpdateService,
    StepName::WaitRollout,
    StepName::CollectEvidence,
    StepName::FinalStatus,
];
const OUTCOMES: [(&str, Outcome); 3] = [
    ("ok", Outcome::Ok),
    ("failed", Outcome::Failed),
    ("warning", Outcome::Warning),
];
const NEXTS: [(&str, Next); 10] = [
    ("start", Next::Start),
    ("find_image", Next::FindImage),
    ("prepare", Next::Prepare),
    ("register", Next::Register),
    ("pre_deploy", Next::PreDeploy),
    ("update_service", Next::UpdateService),
    ("wait_rollout", Next::WaitRollout),
    ("collect_evidence", Next::CollectEvidence),
    ("final_status", Next::FinalStatus),
    ("done", Next::Done),
];

impl Obj<'_> {
    /// A time as the record writes it ([`time::format`]).
    fn time(&self, key: &str) -> Result<u64, FieldError> {
        self.opt_time(key)?
            .ok_or_else(|| self.error(key, "found nothing: expected a time".to_owned()))
    }

    fn opt_time(&self, key: &str) -> Result<Option<u64>, FieldError> {
        let Some(text) = self.opt_string(key)? else {
            return Ok(None);
        };
        time::parse(&text).map(Some).ok_or_else(|| {
            self.error(
                key,
                format!("\"{text}\" is not a time like 2026-11-29T16:38:51.123Z"),
            )
        })
    }
}

impl Step {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let names = STEP_NAMES.map(|n| (n.as_str(), n));
        Ok(Step {
            name: o.one_of("name", &names)?,
            started_at: o.time("startedAt")?,
            ended_at: o.opt_time("endedAt")?,
            outcome: match o.opt_string("outcome")? {
                Some(_) => Some(o.one_of("outcome", &OUTCOMES)?),
                None => None,
            },
            detail: o.opt_string("detail")?.unwrap_or_default(),
            request_ids: o.strings("requestIds")?,
            retries: o
                .opt_id("retries")?
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            link: o.opt_string("link")?,
        })
    }
}

impl StatusSent {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(StatusSent {
            kind: o.string("kind")?,
            state: o.string("state")?,
            description: o.string("description")?,
            target_url: o.opt_string("targetUrl")?,
            at: o.time("at")?,
            error: o.opt_string("error")?,
        })
    }
}

impl Deployment {
    /// Reads a record from its JSON (as the API and the worker's storage hold it).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, FieldError> {
        Deployment::read(&Obj::of(value)?, value)
    }

    fn read(o: &Obj, value: &serde_json::Value) -> Result<Self, FieldError> {
        let progress = match o.opt_object("progress")? {
            Some(p) => Some(Progress {
                running: p.count("running")?,
                desired: p.count("desired")?,
                failed: p.count("failed")?,
            }),
            None => None,
        };
        Ok(Deployment {
            id: o.string("id")?,
            target: o.string("target")?,
            sha: o.string("sha")?,
            trigger: Trigger::read_at(o, "trigger")?,
            state: o.one_of("state", &STATES)?,
            created_at: o.time("createdAt")?,
            finished_at: o.opt_time("finishedAt")?,
            task_definition_arn: o.opt_string("taskDefinitionArn")?,
            image: o.opt_string("image")?,
            previous_task_definition_arn: o.opt_string("previousTaskDefinitionArn")?,
            ecs_deployment_id: o.opt_string("ecsDeploymentId")?,
            progress,
            service_deployment_arn: o.opt_string("serviceDeploymentArn")?,
            service_deployments_unavailable: o.opt_string("serviceDeploymentsUnavailable")?,
            lifecycle: match o.opt_object("lifecycle")? {
                Some(l) => Some(Lifecycle {
                    strategy: l.text("strategy")?,
                    stage: l.text("stage")?,
                    since: l.time("since")?,
                    bake_minutes: l.opt_id("bakeMinutes")?,
                }),
                None => None,
            },
            pause: match o.opt_object("pause")? {
                Some(p) => Some(Pause {
                    stage: p.text("stage")?,
                    hook_id: p.string("hookId")?,
                    expires_at: p.opt_time("expiresAt")?,
                }),
                None => None,
            },
            failure: value.get("failure").filter(|v| !v.is_null()).cloned(),
            description: o.opt_string("description")?.unwrap_or_default(),
            steps: o.list("steps", Step::read)?,
            statuses: o.list("statuses", StatusSent::read)?,
            next: o.one_of("next", &NEXTS)?,
            rendered: value.get("rendered").filter(|v| !v.is_null()).cloned(),
            register_tries: o
                .opt_id("registerTries")?
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            check_run_id: o.opt_id("checkRunId")?,
            check_run_steps: o.opt_id("checkRunSteps")?,
            pre_deploy_task_arn: o.opt_string("preDeployTaskArn")?,
            pre_deploy_tries: o
                .opt_id("preDeployTries")?
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        })
    }
}

/// Read by hand through a JSON value, with errors naming the field (`steps[2].startedAt: ...`):
/// the derived reader of the record and its parts was the largest reader in the worker.
impl<'de> Deserialize<'de> for Deployment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Deployment::from_json(&value)
            .map_err(|e| serde::de::Error::custom(format!("deployment record: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_has_one_spelling_for_machines_and_one_for_people() {
        for (name, state) in STATES {
            assert_eq!(state.as_str(), name);
            assert_eq!(serde_json::to_value(state).unwrap(), name);
        }
        assert_eq!(State::InProgress.words(), "in progress");
        assert_eq!(State::Superseded.words(), "superseded");
        // Every step but the session's and the two that follow loading is where a position
        // begins, once.
        let begun: Vec<StepName> = [
            Next::Start,
            Next::FindImage,
            Next::Prepare,
            Next::Register,
            Next::PreDeploy,
            Next::UpdateService,
            Next::WaitRollout,
            Next::CollectEvidence,
            Next::FinalStatus,
        ]
        .into_iter()
        .filter_map(Next::step)
        .collect();
        let rest: Vec<StepName> = STEP_NAMES
            .into_iter()
            .filter(|s| !begun.contains(s))
            .collect();
        assert_eq!(
            rest,
            [StepName::AssumeRole, StepName::Render, StepName::Check]
        );
        assert_eq!(Next::Done.step(), None);
    }

    #[test]
    fn triggers_read_back_as_written_and_refuse_what_they_are_not() {
        for trigger in [
            Trigger::Push { delivery: None },
            Trigger::Push {
                delivery: Some("d-1".into()),
            },
            Trigger::WorkflowRun {
                delivery: Some("d-2".into()),
                run_id: 42,
            },
            Trigger::Deployment {
                delivery: None,
                deployment_id: 7,
                environment: "production".into(),
            },
            Trigger::Manual { by: "api".into() },
        ] {
            let json = serde_json::to_value(&trigger).unwrap();
            assert_eq!(serde_json::from_value::<Trigger>(json).unwrap(), trigger);
        }
        assert_eq!(
            serde_json::to_value(Trigger::WorkflowRun {
                delivery: None,
                run_id: 42
            })
            .unwrap(),
            serde_json::json!({"event": "workflow_run", "runId": 42})
        );
        for (json, error) in [
            (
                r#"{"event":"tag"}"#,
                "trigger: event: unknown trigger `tag`",
            ),
            (
                r#"{"delivery":"d"}"#,
                "trigger: event: found nothing: expected a string",
            ),
            (
                r#"{"event":"workflow_run"}"#,
                "trigger: runId: found nothing: expected a whole number",
            ),
            (
                r#"{"event":"manual","by":3}"#,
                "trigger: by: found a number: expected a string",
            ),
        ] {
            let e = serde_json::from_str::<Trigger>(json)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(error), "{json}: {e}");
        }
    }

    #[test]
    fn a_record_serializes_with_the_api_field_names_and_reads_back() {
        let mut d = Deployment::new(
            "stg-web",
            "1a2b3c4d5e6f",
            Trigger::Push {
                delivery: Some("d-1".into()),
            },
            1_795_970_331_123,
        );
        d.steps.push(Step {
            name: StepName::PendingStatus,
            started_at: 1_795_970_331_123,
            ended_at: Some(1_795_970_331_200),
            outcome: Some(Outcome::Ok),
            detail: String::new(),
            request_ids: vec![],
            retries: 0,
            link: None,
        });
        let json = serde_json::to_value(&d).unwrap();
        for key in [
            "id",
            "target",
            "sha",
            "trigger",
            "state",
            "createdAt",
            "finishedAt",
            "taskDefinitionArn",
            "steps",
            "statuses",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        assert_eq!(json["id"], "stg-web.1795970331123.1a2b3c4");
        assert_eq!(json["state"], "queued");
        assert_eq!(
            json["trigger"],
            serde_json::json!({"event": "push", "delivery": "d-1"})
        );
        assert_eq!(json["steps"][0]["name"], "pending_status");
        assert_eq!(json["steps"][0]["startedAt"], "2026-11-29T16:38:51.123Z");
        let back: Deployment = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
        assert_eq!(Deployment::target_of_id(&d.id), Some("stg-web"));
    }

    #[test]
    fn every_field_reads_back_and_a_bad_one_is_named_by_its_path() {
        let mut d = Deployment::new(
            "web",
            "1a2b3c4d5e6f",
            Trigger::Deployment {
                delivery: None,
                deployment_id: 9,
                environment: "production".into(),
            },
            1_795_970_331_123,
        );
        d.state = State::InProgress;
        d.finished_at = Some(1_795_970_400_000);
        d.task_definition_arn =
            Some("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:8".into());
        d.image = Some("111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1a2b3c4".into());
        d.previous_task_definition_arn =
            Some("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7".into());
        d.ecs_deployment_id = Some("ecs-svc/123".into());
        d.progress = Some(Progress {
            running: 1,
            desired: 2,
            failed: 0,
        });
        d.description = "Rolling out".into();
        d.steps.push(Step {
            name: StepName::RegisterTaskDefinition,
            started_at: 1_795_970_331_123,
            ended_at: None,
            outcome: Some(Outcome::Warning),
            detail: "web:8".into(),
            request_ids: vec!["req-1".into()],
            retries: 0,
            link: Some(
                "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/0f1e".into(),
            ),
        });
        d.pre_deploy_task_arn = Some("arn:aws:ecs:eu-west-1:111122223333:task/stg/0f1e".into());
        d.pre_deploy_tries = 2;
        d.statuses.push(StatusSent {
            kind: "deployment".into(),
            state: "in_progress".into(),
            description: "Deploying".into(),
            target_url: Some("https://example.com/d".into()),
            at: 1_795_970_331_500,
            error: Some("422".into()),
        });
        d.next = Next::WaitRollout;
        d.rendered = Some(serde_json::json!({"family": "web"}));
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Deployment>(&text).unwrap(), d);

        let good = serde_json::to_value(&d).unwrap();
        for (path, value, error) in [
            (
                "/steps/0/startedAt",
                serde_json::json!("yesterday"),
                "deployment record: steps[0].startedAt: \"yesterday\" is not a time",
            ),
            (
                "/state",
                serde_json::json!("done"),
                "deployment record: state: \"done\" is not one of queued, in_progress",
            ),
            (
                "/statuses/0/at",
                serde_json::json!(5),
                "deployment record: statuses[0].at: found a number: expected a string",
            ),
            (
                "/trigger/deploymentId",
                serde_json::json!(-1),
                "deployment record: trigger.deploymentId: found a number: expected a whole number",
            ),
        ] {
            let mut bad = good.clone();
            *bad.pointer_mut(path).unwrap() = value;
            let e = serde_json::from_value::<Deployment>(bad)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(error), "{path}: {e}");
        }
    }
}
