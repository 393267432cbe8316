//! The steps of a deploy, each a function named for what it does, and [`advance`], which runs
//! the record's next one.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::evidence;
use super::record::{
    Deployment, EventLine, Failure, Lifecycle, LogExcerpt, Next, Outcome, Pause, Progress, State,
    StatusSent, Step, StepName, StoppedTask, Trigger,
};
use super::rollout::{Rollout, evaluate_rollout, evaluate_service_deployment};
use super::session::{self, Session};
use super::status::{
    commit_state, deployment_state, duration_text, ecs_reason, pending_description, revision_name,
    target_url,
};
use super::target::{BaseSource, PreDeploy, Target, short_sha};
use super::{COMMIT_TAG, DEPLOYMENT_TAG};
use crate::aws::client::{AwsClient, Endpoint, Operation, read_json};
use crate::aws::ecr::{self, DescribeImagesOutput, ImageIdentifier, registry_host};
use crate::aws::ecs::{
    self, DescribeServiceDeploymentsOutput, DescribeServicesOutput, DescribeTasksOutput,
    ListServiceDeploymentsOutput, ListTasksOutput, TaskDefinitionOutput, UpdateServiceOutput,
};
use crate::aws::error::{AwsError, AwsErrorKind};
use crate::aws::logs::{self, GetLogEventsOutput};
use crate::aws::retry::RetryPolicy;
use crate::aws::sigv4::Credentials;
use crate::aws::{s3, sts};
use crate::checks::Checks;
use crate::finding::Severity;
use crate::github::api::{
    CommitStatus, DESCRIPTION_LIMIT, DeploymentStatus, GitHubClient, may_pass, truncate_description,
};
use crate::http::{Clock, HttpRequest, HttpResponse, Transport};
use crate::redact::Redactor;
use crate::taskdef;
use crate::taskdef::render::{ContainerChange, Render, render};

/// The largest base task definition read (ECS itself caps a registered one at 64 KiB).
pub const MAX_TASK_DEFINITION_BYTES: usize = 1024 * 1024;

/// How long a step keeps trying through throttling, 5xx answers and timeouts, waiting between
/// tries, before the deploy ends in `error` (a step that waits anyway, for an image or a
/// rollout, keeps trying for as long as it waits, if that is longer). A deploy is not a
/// request: it has minutes, and a bad minute of AWS must not end it.
pub const STEP_PATIENCE: Duration = Duration::from_secs(10 * 60);

/// How long the final status is tried again while GitHub refuses it with 5xx or 429: the next
/// deployment of the target waits behind it, so for less than a step.
pub const FINAL_STATUS_PATIENCE: Duration = Duration::from_secs(3 * 60);

/// What a deploy runs with: the target, the seams, and the credentials for AWS and GitHub.
#[derive(Debug)]
pub struct Context<'a, T, C> {
    /// Sends HTTP requests.
    pub transport: &'a T,
    /// Tells time and waits (between retries only: waits between steps are the caller's).
    pub clock: &'a C,
    /// The target deployed to.
    pub target: &'a Target,
    /// AWS credentials.
    pub credentials: Credentials,
    /// `AWS_ENDPOINT_URL`: every AWS request goes there instead of AWS.
    pub endpoint_url: Option<String>,
    /// GitHub, when a token is configured; without it no status is sent and repository bases
    /// cannot be read.
    pub github: Option<GitHubClient>,
    /// `HATOBA_PUBLIC_URL`: statuses link to the deployment's page there.
    pub public_url: Option<String>,
    /// How AWS and GitHub calls are retried.
    pub retry: RetryPolicy,
    /// `AWS_ROLE_ARN`: each deploy assumes this role, and [`Context::credentials`] are used for
    /// nothing but `sts:AssumeRole`.
    pub role: Option<DeployRole<'a>>,
    /// Removes secrets from every text the record keeps and every status description sent (an
    /// AWS or GitHub error may echo what it was sent).
    pub redactor: Redactor,
    /// Write a check run "Hatoba deploy: TARGET" on the commit besides the statuses: with a
    /// GitHub App (a token cannot write check runs).
    pub check_runs: bool,
    /// The task-definition rules a rendered revision must pass before it is registered:
    /// [`LocalChecks`](crate::checks::LocalChecks) in process, or the checks worker.
    pub checks: &'a dyn Checks,
}

/// The role deploys assume, and where the driver keeps the session between steps.
#[derive(Debug)]
pub struct DeployRole<'a> {
    /// The role's ARN.
    pub role_arn: String,
    /// The credentials assumed last (in memory only).
    pub session: &'a Session,
}

/// When to call [`advance`] again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Right away: the next step is ready.
    Now,
    /// After this long: the deploy is waiting on ECR or ECS.
    After(Duration),
    /// Never: the deployment is over and its final status sent.
    Done,
}

/// Does the deployment's next step and says when to call again. Store the record after each
/// call: it holds everything the next call needs.
pub async fn advance<T: Transport, C: Clock>(d: &mut Deployment, ctx: &Context<'_, T, C>) -> Wake {
    if d.next.calls_aws()
        && let Some(role) = &ctx.role
        && let Err(wake) = assume_role(d, ctx, role).await
    {
        return wake;
    }
    let wake = match d.next {
        Next::Start => start(d, ctx).await,
        Next::FindImage => find_image(d, ctx).await,
        Next::Prepare => prepare_task_definition(d, ctx).await,
        Next::Register => register_task_definition(d, ctx).await,
        Next::PreDeploy => pre_deploy(d, ctx).await,
        Next::UpdateService => update_service(d, ctx).await,
        Next::WaitRollout => wait_rollout(d, ctx).await,
        Next::CollectEvidence => collect_evidence(d, ctx).await,
        Next::FinalStatus => send_final_status(d, ctx).await,
        Next::Done => Wake::Done,
    };
    if ctx.check_runs
        && d.check_run_id.is_some()
        && !matches!(d.next, Next::FinalStatus | Next::Done)
    {
        sync_check_run(d, ctx).await;
    }
    wake
}

/// Writes the deploy's check run again when a step ended since it was last written (the steps
/// as they end); the final status completes it. Best effort: the next step tries again.
fn sync_check_run<'a, T: Transport, C: Clock>(
    d: &'a mut Deployment,
    ctx: &'a Context<'_, T, C>,
) -> std::pin::Pin<Box<dyn Future<Output = ()> + 'a>> {
    // Boxed: its code stays out of each step's future.
    Box::pin(async move {
        let (Some(github), Some(id)) = (&ctx.github, d.check_run_id) else {
            return;
        };
        let ended = d.steps.iter().filter(|s| s.ended_at.is_some()).count() as u64;
        if d.check_run_steps == Some(ended) {
            return;
        }
        let link = target_url(ctx.target, d, ctx.public_url.as_deref());
        let body = check_run_body(d, ctx.target, &link, ctx.clock.now_millis());
        let request = github.update_check_run(&ctx.target.repo(), id, &body);
        if send_github(ctx, request)
            .await
            .is_ok_and(|r| (200..300).contains(&r.status))
        {
            d.check_run_steps = Some(ended);
        }
    })
}

/// What to note in the record before [`advance`] runs its next step, and whether the record
/// must be stored first: a step whose effect in AWS cannot be repeated safely (registering a
/// revision) counts its tries, so a try that follows one that may have reached AWS knows to
/// look for what that one made, and the first try goes straight to AWS.
pub fn before_advance(d: &mut Deployment) -> bool {
    if d.next == Next::Register {
        d.register_tries = d.register_tries.saturating_add(1);
        return true;
    }
    // Running the pre-deploy task, likewise: until its ARN is stored, a try may have started it.
    if d.next == Next::PreDeploy && d.pre_deploy_task_arn.is_none() {
        d.pre_deploy_tries = d.pre_deploy_tries.saturating_add(1);
        return true;
    }
    false
}

/// Whether `d` can still be superseded: it has not yet registered anything in AWS.
pub fn can_supersede(d: &Deployment) -> bool {
    matches!(d.state, State::Queued | State::InProgress)
        && matches!(
            d.next,
            Next::Start | Next::FindImage | Next::Prepare | Next::Register
        )
        && d.task_definition_arn.is_none()
        // Once a try of registering began, it may have reached AWS (its answer lost, or the
        // worker gone before storing it): the deployment runs to its end.
        && d.register_tries == 0
}

/// Marks a deployment superseded by a newer commit, if it has not yet registered anything in
/// AWS: its final status (`error`, "Superseded by 9f8e7d6") is the next step. False when it is
/// past that point (it then runs to its end).
pub fn supersede(d: &mut Deployment, by_sha: &str, now_millis: u64) -> bool {
    if !can_supersede(d) {
        return false;
    }
    d.state = State::Superseded;
    d.description = format!("Superseded by {}", short_sha(by_sha));
    d.finished_at = Some(now_millis);
    d.next = Next::FinalStatus;
    true
}

// ---- the steps --------------------------------------------------------------------------

/// The first steps at once: the pending status, the image and the base task definition need
/// nothing of each other, so their requests go out together, each branch on its own copy of
/// the record, and the copies are put back together in the steps' order. When the image is
/// there and the base read, the revision is rendered and checked in the same call; anything
/// else continues as the steps one by one would (the base is read again once the image is
/// there).
async fn start<T: Transport, C: Clock>(d: &mut Deployment, ctx: &Context<'_, T, C>) -> Wake {
    if d.task_definition_arn.is_some() {
        // A redeploy: no image to find, no base to read.
        return send_pending_status(d, ctx).await;
    }
    let (mut image, mut base) = (scratch(d), scratch(d));
    let i = begin(&mut base, StepName::LoadTaskDefinition, ctx);
    let (_, image_wake, text) = join3(
        send_pending_status(d, ctx),
        find_image(&mut image, ctx),
        load_base(&mut base, i, ctx),
    )
    .await;
    d.steps.append(&mut image.steps);
    if image.next != Next::Prepare {
        // Waiting for the image, or it failed: as the image step alone would have left it.
        d.next = if image.state.is_final() {
            d.state = image.state;
            d.description = image.description;
            d.finished_at = image.finished_at;
            image.next
        } else {
            Next::FindImage
        };
        return image_wake;
    }
    d.image = image.image;
    d.next = Next::Prepare;
    let Ok(text) = text else {
        // The base step reads it again, and ends or waits as it should.
        return Wake::Now;
    };
    d.steps.append(&mut base.steps);
    let i = d.steps.len() - 1;
    prepared(d, i, &text, ctx).await
}

/// A record for one branch of [`start`]: the deployment's identity, no steps yet.
fn scratch(d: &Deployment) -> Deployment {
    let mut branch = Deployment::new(
        &d.target,
        &d.sha,
        Trigger::Manual { by: String::new() },
        d.created_at,
    );
    branch.id.clone_from(&d.id);
    branch.state = d.state;
    branch.next = Next::FindImage;
    branch
}

/// Runs three futures at once and gives their outputs.
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    poll_fn(move |cx| {
        if ra.is_none()
            && let Poll::Ready(out) = a.as_mut().poll(cx)
        {
            ra = Some(out);
        }
        if rb.is_none()
            && let Poll::Ready(out) = b.as_mut().poll(cx)
        {
            rb = Some(out);
        }
        if rc.is_none()
            && let Poll::Ready(out) = c.as_mut().poll(cx)
        {
            rc = Some(out);
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready((x, y, z)),
            (x, y, z) => {
                (ra, rb, rc) = (x, y, z);
                Poll::Pending
            }
        }
    })
    .await
}

async fn send_pending_status<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    d.state = State::InProgress;
    let i = begin(d, StepName::PendingStatus, ctx);
    d.description = pending_description(ctx.target, &d.sha);
    let (outcome, detail, _) = send_statuses(d, ctx, false).await;
    end(d, i, outcome, detail, ctx);
    d.next = if d.task_definition_arn.is_some() {
        Next::UpdateService
    } else {
        Next::FindImage
    };
    Wake::Now
}

async fn find_image<T: Transport, C: Clock>(d: &mut Deployment, ctx: &Context<'_, T, C>) -> Wake {
    let t = ctx.target;
    let i = begin(d, StepName::FindImage, ctx);
    let tag = t.tag_for(&d.sha);
    let op = ecr::describe_images(&t.ecr_repository, &[ImageIdentifier::tag(&tag)]);
    let found = match call::<DescribeImagesOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
        Ok(out) => out.image_details.into_iter().next(),
        Err(e) if e.code() == Some("ImageNotFoundException") => None,
        Err(e) => return fail_aws(d, i, e, ctx),
    };
    let Some(image) = found else {
        let waited = ctx.clock.now_millis().saturating_sub(d.steps[i].started_at);
        let limit = t.image_wait_seconds * 1000;
        if waited >= limit {
            let description = format!(
                "Image {}:{tag} not found in ECR after {}",
                t.ecr_repository,
                duration_text(t.image_wait_seconds)
            );
            return fail_step(d, i, State::Error, description, ctx);
        }
        d.steps[i].detail = format!(
            "waiting for {}:{tag} to be pushed ({} s so far)",
            t.ecr_repository,
            waited / 1000
        );
        return Wake::After(Duration::from_millis(
            (t.poll_seconds * 1000).min(limit - waited),
        ));
    };
    let host = registry_host(&image.registry_id, &t.region);
    let uri = if t.pin_digest {
        format!("{host}/{}@{}", t.ecr_repository, image.image_digest)
    } else {
        format!("{host}/{}:{tag}", t.ecr_repository)
    };
    end(
        d,
        i,
        Outcome::Ok,
        format!("{uri} ({})", image.image_digest),
        ctx,
    );
    d.image = Some(uri);
    d.next = Next::Prepare;
    Wake::Now
}

/// Loads the base, renders the image into it and checks the result: one call, since none of
/// the three has an effect outside the record.
async fn prepare_task_definition<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let i = begin(d, StepName::LoadTaskDefinition, ctx);
    match load_base(d, i, ctx).await {
        Ok(text) => prepared(d, i, &text, ctx).await,
        Err(wake) => wake,
    }
}

/// The base's text read (step `i`, still open): loads it, renders the image into it and checks
/// the result.
async fn prepared<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    text: &str,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let t = ctx.target;
    let loaded = taskdef::load(text);
    let Some(document) = loaded.document else {
        let e = &loaded.findings[0];
        let message = format!(
            "{} is not a task definition: {}:{}: {}",
            t.task_definition, e.pos.line, e.pos.column, e.message
        );
        return fail_step(d, i, State::Failure, message, ctx);
    };
    let base = document.to_json();
    end(
        d,
        i,
        Outcome::Ok,
        format!("{} ({} bytes)", t.task_definition, text.len()),
        ctx,
    );

    let i = begin(d, StepName::Render, ctx);
    let image = d.image.clone().unwrap_or_default();
    let change = Render {
        containers: vec![ContainerChange {
            name: t.container.clone(),
            image: Some(image.clone()),
            ..ContainerChange::default()
        }],
        ..Render::default()
    };
    let rendered = match render(&base, &change) {
        Ok(rendered) => rendered,
        Err(e) => {
            let message = format!("Cannot render the image: {e}");
            return fail_step(d, i, State::Failure, message, ctx);
        }
    };
    end(d, i, Outcome::Ok, format!("{} ← {image}", t.container), ctx);

    let i = begin(d, StepName::Check, ctx);
    // Compact: the findings are reported by path, not line, and the worker then needs no
    // pretty printer.
    let text = serde_json::to_string(&rendered).expect("JSON values serialize");
    let findings = match ctx.checks.task_definition(&text).await {
        Ok(findings) => findings,
        Err(e) => {
            // The rules catch what AWS accepts and ECS then fails on; AWS still validates what
            // is registered. A deploy is not held up by the checks being away: the step says so.
            end(d, i, Outcome::Warning, format!("not checked: {e}"), ctx);
            d.rendered = Some(rendered);
            d.next = Next::Register;
            return Wake::Now;
        }
    };
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let detail = errors
            .iter()
            .map(|f| format!("{}: {} [{}]", f.path, f.message, f.rule))
            .collect::<Vec<_>>()
            .join("\n");
        end(d, i, Outcome::Failed, detail, ctx);
        let at = if first.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", first.path)
        };
        let description = format!(
            "Task definition breaks {}: {at}{}",
            first.rule, first.message
        );
        return finish(d, State::Failure, description, ctx);
    }
    let warnings = findings.len();
    end(
        d,
        i,
        Outcome::Ok,
        match warnings {
            0 => "no findings".to_owned(),
            1 => "1 warning".to_owned(),
            n => format!("{n} warnings"),
        },
        ctx,
    );
    d.rendered = Some(rendered);
    d.next = Next::Register;
    Wake::Now
}

/// Registers the rendered revision, tagged with the commit and the deployment. Looks first: a
/// step redone after a crash finds the revision it registered and registers no second one.
async fn register_task_definition<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let i = begin(d, StepName::RegisterTaskDefinition, ctx);
    let Some(mut rendered) = d.rendered.clone() else {
        // Only a record edited by hand gets here: start the preparation again.
        end(
            d,
            i,
            Outcome::Warning,
            "no rendered task definition: preparing it again".into(),
            ctx,
        );
        d.next = Next::Prepare;
        return Wake::Now;
    };
    let family = rendered["family"].as_str().unwrap_or_default().to_owned();
    // The pre-deploy task's container must be one of the revision's (RunTask would refuse the
    // override): known here, before a revision is registered for nothing.
    if let Some(pre) = &ctx.target.pre_deploy {
        let names: Vec<&str> = rendered["containerDefinitions"]
            .as_array()
            .map(|cs| cs.iter().filter_map(|c| c["name"].as_str()).collect())
            .unwrap_or_default();
        if !names.contains(&pre.container.as_str()) {
            let message = format!(
                "pre-deploy container \"{}\" is not a container of the task definition {family} (it has {})",
                pre.container,
                names.join(", ")
            );
            return fail_step(d, i, State::Failure, message, ctx);
        }
    }
    // The first try, stored as such before it began (`before_advance`), cannot follow one that
    // reached AWS: it registers at once. Any other try looks first.
    let first_try = d.register_tries == 1;
    let look = ecs::describe_task_definition(&family);
    let looked = if first_try {
        Ok(None)
    } else {
        call::<TaskDefinitionOutput, _, _>(ctx, &look, &mut d.steps[i])
            .await
            .map(Some)
    };
    match looked {
        Ok(Some(out))
            if out
                .tags
                .iter()
                .any(|t| t.key == DEPLOYMENT_TAG && t.value == d.id) =>
        {
            if let Some(arn) = out.arn() {
                let arn = arn.to_owned();
                return registered(d, i, arn, "registered before a restart", ctx);
            }
        }
        Ok(_) => {}
        // A family never registered: ECS answers ClientException.
        Err(e) if e.code() == Some("ClientException") => {}
        Err(e) => return fail_aws(d, i, e, ctx),
    }
    let mut tags: Vec<Value> = rendered["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .filter(|t| !t["key"].as_str().is_some_and(|k| k.starts_with("hatoba:")))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    tags.push(json!({"key": COMMIT_TAG, "value": d.sha}));
    tags.push(json!({"key": DEPLOYMENT_TAG, "value": d.id}));
    rendered["tags"] = Value::Array(tags);
    let op = ecs::register_task_definition(&rendered);
    // Sent once: an answer lost after ECS registered the revision (a 5xx, a timeout) must not
    // register a second one. The step waits and runs again instead, and looks first (above).
    let once = RetryPolicy {
        max_attempts: 1,
        ..ctx.retry
    };
    let answer = send_with(ctx, &op, &mut d.steps[i], once).await;
    match answer.and_then(|response| read_json::<TaskDefinitionOutput>(&op, &response)) {
        Ok(out) => match out.arn() {
            Some(arn) => {
                let arn = arn.to_owned();
                registered(d, i, arn, "", ctx)
            }
            None => {
                let e = AwsError {
                    service: "ECS",
                    operation: "RegisterTaskDefinition",
                    kind: AwsErrorKind::InvalidResponse(
                        "no taskDefinitionArn in the answer".into(),
                    ),
                };
                fail_aws(d, i, e, ctx)
            }
        },
        Err(e) => fail_aws(d, i, e, ctx),
    }
}

fn registered<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    arn: String,
    note: &str,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let detail = if note.is_empty() {
        revision_name(&arn).to_owned()
    } else {
        format!("{} ({note})", revision_name(&arn))
    };
    end(d, i, Outcome::Ok, detail, ctx);
    d.task_definition_arn = Some(arn);
    d.rendered = None;
    d.register_tries = 0;
    d.next = if ctx.target.pre_deploy.is_some() {
        Next::PreDeploy
    } else {
        Next::UpdateService
    };
    Wake::Now
}

/// Runs the target's pre-deploy task ([`Target::pre_deploy`]) of the registered revision where
/// the service runs its tasks, and follows it (`DescribeTasks`, every `pollSeconds`) until it
/// stops: its container exiting 0 lets the service be updated; anything else, or no end within
/// its timeout (the task is then stopped), ends the deploy in `failure` naming the exit code or
/// ECS's reason and the container's last log line, and the service is never updated.
///
/// `RunTask` is sent once per try, and the tries are counted in the record before each begins
/// ([`before_advance`]): a try that follows one that may have started the task looks for it
/// first (`ListTasks` by the deploy's `startedBy`), so a lost answer never runs it twice.
async fn pre_deploy<T: Transport, C: Clock>(d: &mut Deployment, ctx: &Context<'_, T, C>) -> Wake {
    let t = ctx.target;
    let Some(pre) = &t.pre_deploy else {
        // The target's configuration changed since: nothing to run.
        d.next = Next::UpdateService;
        return Wake::Now;
    };
    let i = begin(d, StepName::PreDeploy, ctx);
    let arn = match d.pre_deploy_task_arn.clone() {
        Some(arn) => arn,
        None => {
            return match run_pre_deploy(d, i, pre, ctx).await {
                Ok(arn) => {
                    let command = pre.command.join(" ");
                    let detail = format!("{arn}: {} runs `{command}`", pre.container);
                    d.steps[i].detail = ctx.redactor.redact(&detail).into_owned();
                    d.steps[i].link = Some(t.task_console_url(&arn));
                    d.pre_deploy_task_arn = Some(arn);
                    Wake::After(Duration::from_secs(t.poll_seconds))
                }
                Err(wake) => wake,
            };
        }
    };
    let op = ecs::describe_tasks(&t.cluster, std::slice::from_ref(&arn));
    let task = match call::<DescribeTasksOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
        Ok(out) => out.tasks.into_iter().find(|task| task.task_arn == arn),
        // A throttled poll is a missed poll: the step waits and looks again.
        Err(e) => return fail_aws(d, i, e, ctx),
    };
    let Some(task) = task else {
        let message = format!("pre-deploy task {arn} not found in cluster {}", t.cluster);
        return fail_step(d, i, State::Error, message, ctx);
    };
    let status = task
        .last_status
        .clone()
        .unwrap_or_else(|| "PROVISIONING".to_owned());
    let task = StoppedTask::from(task);
    let c = &pre.container;
    let exit_code = task
        .containers
        .iter()
        .find(|x| x.name == *c)
        .and_then(|x| x.exit_code);
    let mut failure = Failure::default();
    let description = if status != "STOPPED" {
        let waited = ctx.clock.now_millis().saturating_sub(d.steps[i].started_at);
        let limit = pre.timeout_seconds * 1000;
        if waited < limit {
            d.steps[i].detail = format!("{arn}: {status} ({} s so far)", waited / 1000);
            return Wake::After(Duration::from_millis(
                (t.poll_seconds * 1000).min(limit - waited),
            ));
        }
        let op = ecs::stop_task(&t.cluster, &arn, "Hatoba: the pre-deploy task timed out");
        let once = RetryPolicy {
            max_attempts: 1,
            ..ctx.retry
        };
        let stop = match send_with(ctx, &op, &mut d.steps[i], once).await {
            Ok(_) => "stopped".to_owned(),
            Err(e) => format!("StopTask failed: {e}"),
        };
        let after = duration_text(pre.timeout_seconds);
        format!("pre-deploy task {c} timed out after {after} ({stop})")
    } else if let Some(code) = exit_code {
        if code == 0 {
            end(d, i, Outcome::Ok, format!("{arn}: {c} exited 0"), ctx);
            d.next = Next::UpdateService;
            return Wake::Now;
        }
        let td = d.task_definition_arn.clone().unwrap_or_default();
        match read_log(d, i, ctx, &td, &arn, c).await {
            Ok(logs) => failure.logs = logs,
            Err(e) => {
                let missing = format!("the log of {c}: {e}");
                failure
                    .missing
                    .push(ctx.redactor.redact(&missing).into_owned());
            }
        }
        let last = failure.logs.as_ref().and_then(|l| l.lines.last());
        match last.map(|l| l.trim()).filter(|l| !l.is_empty()) {
            Some(line) => format!(
                "pre-deploy task {c} exited {code}: \"{}\"",
                evidence::elide(line, 80)
            ),
            None => format!("pre-deploy task {c} exited {code}"),
        }
    } else {
        let cause = evidence::cause_text(&task, None);
        format!("pre-deploy task {c} stopped: {cause}")
    };
    failure.stopped_tasks.push(task);
    pre_deploy_failed(d, i, description, failure, ctx)
}

/// Starts the pre-deploy task, or finds the one an earlier try started: its ARN, or how the
/// step ends (or waits).
async fn run_pre_deploy<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    pre: &PreDeploy,
    ctx: &Context<'_, T, C>,
) -> Result<String, Wake> {
    let t = ctx.target;
    let started_by = format!("hatoba/{}", d.id.replace('.', "/"));
    if d.pre_deploy_tries > 1 {
        for status in ["RUNNING", "STOPPED"] {
            let op = ecs::list_tasks(&t.cluster, &started_by, status);
            match call::<ListTasksOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
                Ok(out) => {
                    if let Some(arn) = out.task_arns.into_iter().next() {
                        return Ok(arn);
                    }
                }
                Err(e) => return Err(fail_aws(d, i, e, ctx)),
            }
        }
    }
    let td = d.task_definition_arn.clone().unwrap_or_default();
    let service = describe_service(d, i, ctx).await?;
    let op = ecs::run_task(&ecs::RunTask {
        cluster: &t.cluster,
        task_definition: &td,
        started_by: &started_by,
        container: &pre.container,
        command: &pre.command,
        network_configuration: service.network_configuration.as_ref(),
        launch_type: service.launch_type.as_deref(),
        capacity_provider_strategy: service.capacity_provider_strategy.as_ref(),
        platform_version: service.platform_version.as_deref(),
    });
    // Sent once: an answer lost after ECS started the task must not start a second one. The
    // step waits and runs again instead, and looks first (above).
    let once = RetryPolicy {
        max_attempts: 1,
        ..ctx.retry
    };
    let answer = send_with(ctx, &op, &mut d.steps[i], once).await;
    match answer.and_then(|response| read_json::<DescribeTasksOutput>(&op, &response)) {
        Ok(out) => match (out.tasks.into_iter().next(), out.failures.first()) {
            (Some(task), _) => Ok(task.task_arn),
            (None, failure) => {
                let why =
                    failure.map_or(
                        "no task and no reason in the answer".to_owned(),
                        |f| match &f.detail {
                            Some(detail) => format!("{} ({detail})", f.reason),
                            None => f.reason.clone(),
                        },
                    );
                let message = format!("pre-deploy task {} could not start: {why}", pre.container);
                Err(fail_step(d, i, State::Failure, message, ctx))
            }
        },
        Err(e) => Err(fail_aws(d, i, e, ctx)),
    }
}

/// Ends the pre-deploy step and the deploy in `failure`, with `failure` (the task, its log)
/// as the evidence.
fn pre_deploy_failed<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    description: String,
    mut failure: Failure,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let wake = fail_step(d, i, State::Failure, description, ctx);
    failure.summary.clone_from(&d.description);
    // Read after "The rollout": no rollout began.
    failure.ending = "never began: the service was not updated".to_owned();
    // As collect_evidence writes it: the record's own writer and reader.
    d.failure = serde_json::to_vec(&failure)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok());
    wake
}

/// Points the service at the revision. Looks first: a service already on it (a step redone
/// after a crash, or a redeploy of the running revision) is followed, not updated again.
///
/// A redeploy names its revision itself, so before anything changes the revision must be of
/// the family the service runs, in its account ([`Target::check_revision_against`]): else the
/// deploy ends in `failure` and the service is not touched. A revision this deploy registered
/// is of the base's family already, and may start a new family (the base renamed it).
async fn update_service<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let t = ctx.target;
    let i = begin(d, StepName::UpdateService, ctx);
    let mut arn = d.task_definition_arn.clone().unwrap_or_default();
    let service = match describe_service(d, i, ctx).await {
        Ok(service) => service,
        Err(wake) => return wake,
    };
    if is_redeploy(d) {
        match t.check_revision_against(&arn, &service.task_definition) {
            Ok(full) => arn = full,
            Err(message) => return fail_step(d, i, State::Failure, message, ctx),
        }
    }
    let on_it = |s: &ecs::Service| {
        s.deployments
            .iter()
            .find(|dep| dep.status == "PRIMARY" && same_revision(&dep.task_definition, &arn))
            .map(|dep| (dep.id.clone(), dep.task_definition.clone()))
    };
    let (ecs_id, full_arn, note) = match on_it(&service) {
        Some((id, full)) => (id, full, " (the service was already on it)"),
        None => {
            d.previous_task_definition_arn = Some(service.task_definition.clone());
            let op = ecs::update_service(&t.cluster, &t.service, &arn);
            match call::<UpdateServiceOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
                Ok(out) => match on_it(&out.service) {
                    Some((id, full)) => (id, full, ""),
                    None => {
                        let e = AwsError {
                            service: "ECS",
                            operation: "UpdateService",
                            kind: AwsErrorKind::InvalidResponse(format!(
                                "no PRIMARY deployment of {} in the answer",
                                revision_name(&arn)
                            )),
                        };
                        return fail_aws(d, i, e, ctx);
                    }
                },
                Err(e) => return fail_aws(d, i, e, ctx),
            }
        }
    };
    end(
        d,
        i,
        Outcome::Ok,
        format!("{ecs_id}: {}{note}", revision_name(&full_arn)),
        ctx,
    );
    d.task_definition_arn = Some(full_arn);
    d.ecs_deployment_id = Some(ecs_id);
    d.next = Next::WaitRollout;
    Wake::After(Duration::from_secs(t.poll_seconds))
}

/// Follows the rollout until ECS says it completed or failed, or the wait is over: ECS's
/// service deployment when the service has them (its status is the verdict; its stage, bake
/// time and paused hooks are shown), `DescribeServices` otherwise. Stops a rollout early when
/// enough of its tasks stopped for a cause that will not heal ([`Target::fail_fast`]).
async fn wait_rollout<T: Transport, C: Clock>(d: &mut Deployment, ctx: &Context<'_, T, C>) -> Wake {
    let t = ctx.target;
    let i = begin(d, StepName::WaitRollout, ctx);
    let service = match describe_service(d, i, ctx).await {
        Ok(service) => service,
        Err(wake) => return wake,
    };
    let arn = d.task_definition_arn.clone().unwrap_or_default();
    let ecs_id = d.ecs_deployment_id.clone().unwrap_or_default();
    let sha = short_sha(&d.sha).to_owned();
    let target = format!("{}/{}", t.cluster, t.service);
    let sd = match service_deployment(d, i, ctx).await {
        Ok(sd) => sd,
        Err(wake) => return wake,
    };
    let previous = d
        .previous_task_definition_arn
        .clone()
        .unwrap_or_else(|| service.task_definition.clone());
    let rollout = match (evaluate_rollout(&service, &ecs_id, &arn), &sd) {
        (replaced @ Rollout::Replaced { .. }, _) | (replaced, None) => replaced,
        (_, Some(sd)) => evaluate_service_deployment(sd, &previous),
    };
    let now = ctx.clock.now_millis();
    if !matches!(rollout, Rollout::Paused { .. }) && d.state == State::Paused {
        d.state = State::InProgress;
        d.pause = None;
        d.description = pending_description(t, &d.sha);
        note_stage(d, i, ctx).await;
    }
    match rollout {
        Rollout::InProgress {
            running,
            desired,
            failed,
        } => {
            d.progress = Some(Progress {
                running,
                desired,
                failed,
            });
            let mut tasks = tasks_text(running, desired, failed);
            if let Some(sd) = &sd
                && let (Some(strategy), Some(stage)) = (&sd.strategy, &sd.lifecycle_stage)
                && strategy != "ROLLING"
            {
                if d.lifecycle.as_ref().is_none_or(|l| &l.stage != stage) {
                    d.lifecycle = Some(Lifecycle {
                        strategy: strategy.clone(),
                        stage: stage.clone(),
                        since: now,
                        bake_minutes: sd.bake_minutes,
                    });
                    d.description = d
                        .lifecycle
                        .as_ref()
                        .map(|l| l.words(now))
                        .unwrap_or_default();
                    note_stage(d, i, ctx).await;
                }
                if let Some(l) = &d.lifecycle {
                    tasks = format!("{}; {tasks}", l.words(now));
                }
            }
            d.steps[i].detail.clone_from(&tasks);
            // Fail fast may add why it did not stop the rollout to the step's detail.
            if t.fail_fast
                && let Some(wake) = fail_fast(d, i, ctx).await
            {
                return wake;
            }
            // Each stage of a blue/green, linear or canary rollout has the whole wait.
            let since = d.lifecycle.as_ref().map_or(d.steps[i].started_at, |l| {
                l.since.max(d.steps[i].started_at)
            });
            let waited = now.saturating_sub(since);
            let limit = t.rollout_wait_seconds * 1000;
            if waited >= limit {
                let description = format!(
                    "Still rolling out after {}: {tasks}",
                    duration_text(t.rollout_wait_seconds)
                );
                let ending = format!("timed out after {}", duration_text(t.rollout_wait_seconds));
                return fail_rollout(d, i, State::Error, description, ending, ctx);
            }
            Wake::After(Duration::from_millis(
                (t.poll_seconds * 1000).min(limit - waited),
            ))
        }
        Rollout::Paused {
            stage,
            hook_id,
            expires_at,
        } => {
            let again = d.pause.as_ref().is_some_and(|p| p.hook_id == hook_id);
            d.state = State::Paused;
            d.pause = Some(Pause {
                stage: stage.clone(),
                hook_id,
                expires_at,
            });
            d.steps[i].detail =
                format!("paused at {stage}: waiting to be continued or rolled back");
            if !again {
                d.description = format!("Paused at {stage}: continue or roll back in Hatoba");
                note_stage(d, i, ctx).await;
            }
            Wake::After(Duration::from_secs(t.poll_seconds))
        }
        Rollout::Completed { running, desired } => {
            d.progress = Some(Progress {
                running,
                desired,
                failed: 0,
            });
            let detail = format!("completed: {}", tasks_text(running, desired, 0));
            end(d, i, Outcome::Ok, detail, ctx);
            let description = format!("Deployed {sha} to {target} as {}", revision_name(&arn));
            finish(d, State::Success, description, ctx)
        }
        Rollout::Failed { reason } => {
            let description = format!("Rollout failed: {}", ecs_reason(&reason));
            fail_rollout(d, i, State::Failure, description, "failed".to_owned(), ctx)
        }
        Rollout::RolledBack { reason, to } => {
            // ECS's service deployment rolls back for whoever asked (a person at a pause, a
            // stop, an alarm) and says so in its reason; DescribeServices shows only the
            // circuit breaker's.
            let why = ecs_reason(&reason);
            let by = if sd.is_none() || reason.contains("circuit breaker") {
                "Rolled back by the circuit breaker: "
            } else if why.starts_with("Rolled back") {
                ""
            } else {
                "Rolled back: "
            };
            let description = format!("{by}{why} (back on {})", revision_name(&to));
            let ending = format!("rolled back to {}", revision_name(&to));
            fail_rollout(d, i, State::Failure, description, ending, ctx)
        }
        Rollout::Replaced { by } => {
            let description = format!(
                "Replaced by another deployment before it finished: {target} runs {}",
                revision_name(&by)
            );
            fail_step(d, i, State::Failure, description, ctx)
        }
    }
}

/// Ends the rollout in `state`; reading why is the next step, which the record's `failure`
/// tells how the rollout ended (`ending`) until it holds the whole [`Failure`].
fn fail_rollout<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    state: State,
    description: String,
    ending: String,
    ctx: &Context<'_, T, C>,
) -> Wake {
    fail_step(d, i, state, description, ctx);
    d.failure = Some(Value::from(ending));
    d.next = Next::CollectEvidence;
    Wake::Now
}

/// Tells GitHub where the rollout stands now (a new stage, a pause, the end of one): a pending
/// status with [`Deployment::description`]. A status GitHub does not take is noted, and the
/// rollout goes on.
async fn note_stage<T: Transport, C: Clock>(d: &mut Deployment, i: usize, ctx: &Context<'_, T, C>) {
    let (outcome, detail, _) = send_statuses(d, ctx, false).await;
    if outcome != Outcome::Ok {
        let note = ctx.redactor.redact(&detail).into_owned();
        d.steps[i].detail = note;
    }
}

/// ECS's service deployment of this rollout, when the service has them: found once with
/// `ListServiceDeployments` (the newest created since the update), then read with
/// `DescribeServiceDeployments` at each poll. `None` when the API is refused or unknown (then
/// noted once in the record) or the deployment not listed yet.
async fn service_deployment<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
) -> Result<Option<ecs::ServiceDeployment>, Wake> {
    if d.service_deployments_unavailable.is_some() || d.ecs_deployment_id.is_none() {
        return Ok(None);
    }
    let t = ctx.target;
    let arn = match d.service_deployment_arn.clone() {
        Some(arn) => arn,
        None => {
            let updated = d
                .step(StepName::UpdateService)
                .map_or(d.created_at, |s| s.started_at);
            let after = updated.saturating_sub(super::CLOCK_SKEW_MS) / 1000;
            let op = ecs::list_service_deployments(&t.cluster, &t.service, after);
            match call::<ListServiceDeploymentsOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
                Ok(out) => match out
                    .service_deployments
                    .into_iter()
                    .max_by_key(|(_, at)| *at)
                {
                    Some((arn, _)) => {
                        d.service_deployment_arn = Some(arn.clone());
                        arn
                    }
                    None => return Ok(None),
                },
                Err(e) => return unavailable(d, i, e, ctx),
            }
        }
    };
    let op = ecs::describe_service_deployment(&arn);
    match call::<DescribeServiceDeploymentsOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
        Ok(out) => Ok(out.service_deployments.into_iter().find(|sd| sd.arn == arn)),
        Err(e) => unavailable(d, i, e, ctx),
    }
}

/// A service-deployments call that failed: one that may pass is a missed poll (tried again);
/// any other means the API is not there for this deploy (refused, unknown): noted, and the
/// rollout is followed as before.
fn unavailable<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    e: AwsError,
    ctx: &Context<'_, T, C>,
) -> Result<Option<ecs::ServiceDeployment>, Wake> {
    if e.is_retryable() {
        return match wait_and_retry(d, i, &e.to_string(), true, ctx) {
            Some(wake) => Err(wake),
            None => Err(fail_aws(d, i, e, ctx)),
        };
    }
    let why = ctx.redactor.redact(&e.to_string()).into_owned();
    d.service_deployments_unavailable = Some(why);
    Ok(None)
}

/// The fail-fast rule: when [`Target::fail_fast_tasks`] tasks of the rollout stopped for a
/// cause that will not heal, asks ECS to stop it and roll back (`StopServiceDeployment`), and
/// ends the rollout in `failure`. Without ECS's service deployments (or when the stop is
/// refused) it says so in the step and leaves the verdict to ECS's circuit breaker: Hatoba
/// never rolls back by a second mechanism of its own. `None` while the rollout goes on.
async fn fail_fast<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
) -> Option<Wake> {
    let needed = usize::try_from(ctx.target.fail_fast_tasks).unwrap_or(usize::MAX);
    let tasks = stopped_tasks(d, i, ctx, needed).await.ok()?;
    let lasting = evidence::lasting_failures(&tasks);
    if lasting < needed {
        return None;
    }
    let cause = evidence::telling_task(&tasks).map(|task| evidence::cause_text(task, None));
    let cause = cause.unwrap_or_default();
    let refused = match (
        &d.service_deployment_arn,
        &d.service_deployments_unavailable,
    ) {
        (Some(arn), None) => {
            let op = ecs::stop_service_deployment(arn);
            // Sent once: a stop whose answer was lost is seen at the next poll (the deployment
            // rolls back), not sent again.
            let once = RetryPolicy {
                max_attempts: 1,
                ..ctx.retry
            };
            match send_with(ctx, &op, &mut d.steps[i], once).await {
                Ok(_) => None,
                Err(e) if e.is_retryable() => {
                    return wait_and_retry(d, i, &e.to_string(), true, ctx);
                }
                Err(e) => Some(e.to_string()),
            }
        }
        (_, Some(why)) => Some(format!(
            "ECS's service deployments are not available ({why})"
        )),
        (None, None) => Some("ECS's service deployment is not known yet".to_owned()),
    };
    if let Some(why) = refused {
        let note = format!(
            "{lasting} tasks failed ({cause}); not stopped early: {why}; ECS's circuit breaker decides"
        );
        d.steps[i].detail = ctx.redactor.redact(&note).into_owned();
        return None;
    }
    let description = format!("Stopped early after {lasting} tasks failed: {cause}");
    let ending = format!("stopped early after {lasting} tasks failed");
    Some(fail_rollout(d, i, State::Failure, description, ending, ctx))
}

/// The rollout's stopped tasks (`ListTasks` by the deployment's id, `DescribeTasks`), in ECS's
/// order; none read unless at least `at_least` stopped.
async fn stopped_tasks<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
    at_least: usize,
) -> Result<Vec<StoppedTask>, AwsError> {
    let cluster = &ctx.target.cluster;
    let started_by = d.ecs_deployment_id.clone().unwrap_or_default();
    let op = ecs::list_stopped_tasks(cluster, &started_by);
    let mut arns = call::<ListTasksOutput, _, _>(ctx, &op, &mut d.steps[i])
        .await?
        .task_arns;
    if arns.is_empty() || arns.len() < at_least {
        return Ok(Vec::new());
    }
    arns.truncate(100);
    let op = ecs::describe_tasks(cluster, &arns);
    let tasks = call::<DescribeTasksOutput, _, _>(ctx, &op, &mut d.steps[i])
        .await?
        .tasks;
    Ok(tasks.into_iter().map(StoppedTask::from).collect())
}

/// Reads why the rollout did not succeed, once, as far as AWS lets it: the stopped tasks, the
/// service's events since the update, and the failing container's last log lines; then names
/// the cause in the final status. What cannot be read is noted, never retried for long: the
/// final status waits for this.
async fn collect_evidence<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let t = ctx.target;
    let i = begin(d, StepName::CollectEvidence, ctx);
    let mut f = Failure {
        ending: match &d.failure {
            Some(Value::String(ending)) => ending.clone(),
            _ => String::new(),
        },
        ..Failure::default()
    };
    let mut missing = Vec::new();
    match stopped_tasks(d, i, ctx, 1).await {
        Ok(mut tasks) => {
            tasks.truncate(evidence::MAX_STOPPED_TASKS);
            f.stopped_tasks = tasks;
        }
        Err(e) => missing.push(format!("stopped tasks: {e}")),
    }
    let op = ecs::describe_services(&t.cluster, &[&t.service]);
    let since = d
        .step(StepName::UpdateService)
        .map_or(d.created_at, |s| s.started_at)
        .saturating_sub(super::CLOCK_SKEW_MS);
    match call::<DescribeServicesOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
        Ok(out) => {
            let mut events: Vec<EventLine> = out
                .services
                .into_iter()
                .flat_map(|s| s.events)
                .filter(|e| e.at >= since)
                .take(evidence::MAX_EVENTS)
                .map(|e| EventLine {
                    at: e.at,
                    message: ctx.redactor.redact(&e.message).into_owned(),
                })
                .collect();
            events.reverse();
            f.events = events;
        }
        Err(e) => missing.push(format!("service events: {e}")),
    }
    let failing = evidence::telling_task(&f.stopped_tasks).and_then(|task| {
        evidence::failing_container(task).map(|c| (task.task_arn.clone(), c.name.clone()))
    });
    if let (Some((task_arn, container)), Some(arn)) = (failing, d.task_definition_arn.clone()) {
        match read_log(d, i, ctx, &arn, &task_arn, &container).await {
            Ok(logs) => f.logs = logs,
            Err(e) => missing.push(format!("the log of {container}: {e}")),
        }
    }
    let last_line = f
        .logs
        .as_ref()
        .and_then(|l| l.lines.last())
        .map(String::as_str);
    let cause =
        evidence::telling_task(&f.stopped_tasks).map(|task| evidence::cause_text(task, last_line));
    let summary = evidence::summary(cause.as_deref(), &f.ending, &d.description);
    f.summary = ctx.redactor.redact(&summary).into_owned();
    d.description.clone_from(&f.summary);
    let detail = format!(
        "{} stopped tasks, {} events, {} log lines",
        f.stopped_tasks.len(),
        f.events.len(),
        f.logs.as_ref().map_or(0, |l| l.lines.len())
    );
    let outcome = if missing.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Warning
    };
    let detail = if missing.is_empty() {
        detail
    } else {
        format!("{detail}; not read: {}", missing.join("; "))
    };
    f.missing = missing
        .into_iter()
        .map(|m| ctx.redactor.redact(&m).into_owned())
        .collect();
    // Written as text and read back: the record's own writer and reader, not a third
    // (serde_json's value serializer) for this one field.
    d.failure = serde_json::to_vec(&f)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok());
    end(d, i, outcome, detail, ctx);
    d.next = Next::FinalStatus;
    Wake::Now
}

/// The last lines `container` of task `task_arn` logged, when the revision `arn` has it log
/// with `awslogs` (`None` when it logs otherwise).
async fn read_log<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
    arn: &str,
    task_arn: &str,
    container: &str,
) -> Result<Option<LogExcerpt>, AwsError> {
    let op = ecs::describe_task_definition(arn);
    let td = call::<TaskDefinitionOutput, _, _>(ctx, &op, &mut d.steps[i]).await?;
    let Some((group, prefix, region)) = evidence::awslogs_of(&td.task_definition, container) else {
        return Ok(None);
    };
    let stream = evidence::log_stream(&prefix, container, task_arn);
    let op = logs::get_last_log_events(&group, &stream, evidence::MAX_LOG_LINES as u32);
    let mut client = aws_client(ctx);
    if let Some(region) = region {
        client = client.in_region(region);
    }
    let response = client.send(&op).await?;
    keep_request_id(&mut d.steps[i], &response);
    let out: GetLogEventsOutput = read_json(&op, &response)?;
    let lines = evidence::last_lines(&out.messages)
        .into_iter()
        .map(|l| ctx.redactor.redact(&l).into_owned())
        .collect();
    Ok(Some(LogExcerpt {
        group,
        stream,
        lines,
    }))
}

/// What a person may answer a paused deployment with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PauseAction {
    /// Let the rollout go on past the hook.
    Continue,
    /// Roll the rollout back.
    Rollback,
}

impl PauseAction {
    /// The action as `ContinueServiceDeployment` and the API name it: `CONTINUE`, `ROLLBACK`.
    pub fn as_aws(self) -> &'static str {
        match self {
            PauseAction::Continue => "CONTINUE",
            PauseAction::Rollback => "ROLLBACK",
        }
    }
}

/// Why a pause could not be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PauseRefusal {
    /// The deployment is not paused (its state).
    NotPaused(State),
    /// AWS refused (its error), or the deploy role could not be assumed.
    Refused(String),
}

/// Answers the PAUSE hook `d` waits at with `action` (`ContinueServiceDeployment`). The record
/// is not changed here: the next poll of the rollout sees what ECS does.
pub async fn answer_pause<T: Transport, C: Clock>(
    d: &Deployment,
    ctx: &Context<'_, T, C>,
    action: PauseAction,
) -> Result<(), PauseRefusal> {
    let (Some(pause), Some(arn), State::Paused) = (&d.pause, &d.service_deployment_arn, d.state)
    else {
        return Err(PauseRefusal::NotPaused(d.state));
    };
    if let Some(role) = &ctx.role {
        let mut scratch = d.clone();
        if assume_role(&mut scratch, ctx, role).await.is_err() {
            return Err(PauseRefusal::Refused(scratch.description));
        }
    }
    let op = ecs::continue_service_deployment(arn, &pause.hook_id, action.as_aws());
    aws_client(ctx)
        .send(&op)
        .await
        .map(|_| ())
        .map_err(|e| PauseRefusal::Refused(ctx.redactor.redact(&e.to_string()).into_owned()))
}

/// What a deploy plan compares: the base a deploy of a commit would start from, the image it
/// would render, and the revision the service runs now.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInputs {
    /// The base's text at the commit.
    pub base: String,
    /// The image a deploy of the commit renders (its tag, in the account the service runs in).
    pub image: String,
    /// The revision the service runs: its ARN and its task definition.
    pub running: Option<(String, Value)>,
}

/// Reads what a plan of `sha` for `ctx`'s target compares, with the deploy's own reads (the
/// deploy role assumed first when one is set), writing nothing; the error says what failed.
pub async fn plan_inputs<T: Transport, C: Clock>(
    ctx: &Context<'_, T, C>,
    sha: &str,
) -> Result<PlanInputs, String> {
    let t = ctx.target;
    let trigger = Trigger::Manual {
        by: "plan".to_owned(),
    };
    let mut d = Deployment::new(&t.name, sha, trigger, ctx.clock.now_millis());
    let failed = |d: &Deployment| match d.description.is_empty() {
        false => d.description.clone(),
        true => d.steps.last().map(|s| s.detail.clone()).unwrap_or_default(),
    };
    if let Some(role) = &ctx.role {
        assume_role(&mut d, ctx, role)
            .await
            .map_err(|_| failed(&d))?;
    }
    let i = begin(&mut d, StepName::LoadTaskDefinition, ctx);
    let base = load_base(&mut d, i, ctx).await.map_err(|_| failed(&d))?;
    let service = describe_service(&mut d, i, ctx)
        .await
        .map_err(|_| failed(&d))?;
    let arn = service.task_definition;
    let op = ecs::describe_task_definition(&arn);
    let running = call::<TaskDefinitionOutput, _, _>(ctx, &op, &mut d.steps[i])
        .await
        .map_err(|e| ctx.redactor.redact(&e.to_string()).into_owned())?;
    let account = arn.split(':').nth(4).unwrap_or_default();
    let image = format!(
        "{}/{}:{}",
        registry_host(account, &t.region),
        t.ecr_repository,
        t.tag_for(sha)
    );
    Ok(PlanInputs {
        base,
        image,
        running: Some((arn, running.task_definition)),
    })
}

async fn send_final_status<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
) -> Wake {
    let i = begin(d, StepName::FinalStatus, ctx);
    // Tried again, only the statuses GitHub did not take are sent again.
    let again = d.steps[i].retries > 0;
    let (outcome, detail, retryable) = send_statuses(d, ctx, again).await;
    if let Some(wake) = wait_and_retry(d, i, &detail, retryable, ctx) {
        return wake;
    }
    end(d, i, outcome, detail, ctx);
    d.next = Next::Done;
    Wake::Done
}

// ---- parts the steps share ----------------------------------------------------------------

/// Starts step `name`, or picks up the one left open (a wait being polled): its index.
fn begin<T, C: Clock>(d: &mut Deployment, name: StepName, ctx: &Context<'_, T, C>) -> usize {
    if let Some(last) = d.steps.last()
        && last.name == name
        && last.ended_at.is_none()
    {
        return d.steps.len() - 1;
    }
    d.steps.push(Step {
        name,
        started_at: ctx.clock.now_millis(),
        ended_at: None,
        outcome: None,
        detail: String::new(),
        request_ids: Vec::new(),
        retries: 0,
        link: None,
    });
    d.steps.len() - 1
}

fn end<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    outcome: Outcome,
    detail: String,
    ctx: &Context<'_, T, C>,
) {
    let step = &mut d.steps[i];
    step.ended_at = Some(ctx.clock.now_millis());
    step.outcome = Some(outcome);
    step.detail = ctx.redactor.redact(&detail).into_owned();
}

/// Ends the deploy in `state`; the final status is the next step.
fn finish<T, C: Clock>(
    d: &mut Deployment,
    state: State,
    description: String,
    ctx: &Context<'_, T, C>,
) -> Wake {
    d.state = state;
    d.description = ctx.redactor.redact(&description).into_owned();
    d.finished_at = Some(ctx.clock.now_millis());
    d.next = Next::FinalStatus;
    Wake::Now
}

/// Ends the deploy in `error` for an AWS call that failed for good: the step, AWS's error code
/// and message.
fn fail_aws<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    e: AwsError,
    ctx: &Context<'_, T, C>,
) -> Wake {
    if let Some(wake) = wait_and_retry(d, i, &e.to_string(), e.is_retryable(), ctx) {
        return wake;
    }
    if let AwsErrorKind::Service {
        request_id: Some(id),
        ..
    } = &e.kind
    {
        d.steps[i].request_ids.push(id.clone());
    }
    let step = d.steps[i].name.as_str();
    let description = match &e.kind {
        AwsErrorKind::Service { code, message, .. } => {
            format!("{step}: {} {}: {code}: {message}", e.service, e.operation)
        }
        _ => format!("{step}: {e}"),
    };
    end(d, i, Outcome::Failed, e.to_string(), ctx);
    finish(d, State::Error, description, ctx)
}

/// The step's patience: [`STEP_PATIENCE`], or the step's own wait when that is longer.
fn patience<T, C>(name: StepName, ctx: &Context<'_, T, C>) -> Duration {
    let own = match name {
        StepName::FindImage => ctx.target.image_wait_seconds,
        StepName::WaitRollout => ctx.target.rollout_wait_seconds,
        StepName::PreDeploy => ctx
            .target
            .pre_deploy
            .as_ref()
            .map_or(0, |p| p.timeout_seconds),
        StepName::FinalStatus => return FINAL_STATUS_PATIENCE,
        _ => 0,
    };
    STEP_PATIENCE.max(Duration::from_secs(own))
}

/// The wait before retry `n` of a step: 5 s, doubling, at most a minute.
pub fn retry_delay(n: u32) -> Duration {
    Duration::from_secs(5u64.saturating_mul(1 << n.saturating_sub(1).min(4)).min(60))
}

/// For a failure that may pass (`retryable`): when the step still has patience, it stays open,
/// says why and when it tries again, and the deploy waits for it; `d.next` is unchanged, so the
/// whole step runs again, looking before it acts. `None` when the failure is final.
fn wait_and_retry<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    why: &str,
    retryable: bool,
    ctx: &Context<'_, T, C>,
) -> Option<Wake> {
    if !retryable {
        return None;
    }
    let step = &mut d.steps[i];
    let waited = ctx.clock.now_millis().saturating_sub(step.started_at);
    let left = patience(step.name, ctx).saturating_sub(Duration::from_millis(waited));
    if left.is_zero() {
        return None;
    }
    step.retries += 1;
    let delay = retry_delay(step.retries).min(left);
    let detail = format!(
        "{why}: trying again in {} s (retry {})",
        delay.as_secs().max(1),
        step.retries
    );
    step.detail = ctx.redactor.redact(&detail).into_owned();
    Some(Wake::After(delay))
}

/// Makes sure the deploy role's session for `d` lasts through the next step: assumed the first
/// time (a step of its own in the record), renewed when it nears its end. A failure ends the
/// deploy in `error`, naming STS's code.
async fn assume_role<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
    role: &DeployRole<'_>,
) -> Result<(), Wake> {
    let now = ctx.clock.now_millis();
    if role.session.valid_for(&d.id, now).is_some() {
        return Ok(());
    }
    let first = !d.steps.iter().any(|s| s.name == StepName::AssumeRole);
    let i = begin(d, StepName::AssumeRole, ctx);
    let Some(account) = session::account_of(&role.role_arn) else {
        let message = format!(
            "AWS_ROLE_ARN \"{}\" is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
            role.role_arn
        );
        return Err(fail_step(d, i, State::Error, message, ctx));
    };
    let policy = session::session_policy(ctx.target, account).to_string();
    let name = session::session_name(ctx.target, &d.sha);
    let op = sts::assume_role_with_policy(
        &role.role_arn,
        &name,
        session::SESSION_SECONDS,
        Some(&policy),
    );
    let client = client_with(ctx, ctx.credentials.clone());
    let result = match client.send(&op).await {
        Ok(response) => {
            keep_request_id(&mut d.steps[i], &response);
            sts::read_assume_role(&response)
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(assumed) => {
            let until = now + u64::from(session::SESSION_SECONDS) * 1000;
            role.session.keep(&d.id, assumed.credentials, until);
            if first {
                let detail = format!("session {name} of {}, 15 min", role.role_arn);
                end(d, i, Outcome::Ok, detail, ctx);
            } else {
                // A renewal in the middle of a step leaves no step behind.
                d.steps.pop();
            }
            Ok(())
        }
        Err(e) => Err(fail_aws(d, i, e, ctx)),
    }
}

fn aws_client<'a, T: Transport, C: Clock>(ctx: &Context<'a, T, C>) -> AwsClient<'a, T, C> {
    let credentials = match &ctx.role {
        Some(role) => role
            .session
            .current()
            .unwrap_or_else(|| ctx.credentials.clone()),
        None => ctx.credentials.clone(),
    };
    client_with(ctx, credentials)
}

fn client_with<'a, T: Transport, C: Clock>(
    ctx: &Context<'a, T, C>,
    credentials: Credentials,
) -> AwsClient<'a, T, C> {
    AwsClient::new(
        ctx.transport,
        ctx.clock,
        credentials,
        Endpoint {
            region: ctx.target.region.clone(),
            endpoint_url: ctx.endpoint_url.clone(),
        },
    )
    .with_retry(ctx.retry)
}

/// Sends `op` and reads its answer, keeping AWS's request id on `step`.
async fn call<O: DeserializeOwned, T: Transport, C: Clock>(
    ctx: &Context<'_, T, C>,
    op: &Operation,
    step: &mut Step,
) -> Result<O, AwsError> {
    let response = send(ctx, op, step).await?;
    read_json(op, &response)
}

/// The one place an AWS call is sent from: not generic over the answer's type, so the sending,
/// signing and retrying is compiled once, not once per answer type (it is most of the wasm).
async fn send<T: Transport, C: Clock>(
    ctx: &Context<'_, T, C>,
    op: &Operation,
    step: &mut Step,
) -> Result<HttpResponse, AwsError> {
    send_with(ctx, op, step, ctx.retry).await
}

/// [`send`] with its own retry policy.
async fn send_with<T: Transport, C: Clock>(
    ctx: &Context<'_, T, C>,
    op: &Operation,
    step: &mut Step,
    retry: RetryPolicy,
) -> Result<HttpResponse, AwsError> {
    let response = aws_client(ctx).with_retry(retry).send(op).await?;
    keep_request_id(step, &response);
    Ok(response)
}

fn keep_request_id(step: &mut Step, response: &HttpResponse) {
    if let Some(id) = response
        .header("x-amzn-requestid")
        .or_else(|| response.header("x-amz-request-id"))
    {
        step.request_ids.push(id.to_owned());
    }
}

/// `DescribeServices` of the target's service; a service ECS does not find ends the deploy.
async fn describe_service<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
) -> Result<ecs::Service, Wake> {
    let t = ctx.target;
    let op = ecs::describe_services(&t.cluster, &[&t.service]);
    match call::<DescribeServicesOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
        Ok(out) => match out.services.into_iter().find(|s| s.status != "INACTIVE") {
            Some(service) => Ok(service),
            None => {
                let why = out
                    .failures
                    .first()
                    .map(|f| f.reason.clone())
                    .unwrap_or_else(|| "INACTIVE".to_owned());
                let message = format!(
                    "{}: service {} not found in cluster {} ({why})",
                    d.steps[i].name.as_str(),
                    t.service,
                    t.cluster
                );
                Err(fail_step(d, i, State::Error, message, ctx))
            }
        },
        Err(e) => Err(fail_aws(d, i, e, ctx)),
    }
}

/// The base task definition's text, or the state to end in and why.
async fn load_base<T: Transport, C: Clock>(
    d: &mut Deployment,
    i: usize,
    ctx: &Context<'_, T, C>,
) -> Result<String, Wake> {
    let t = ctx.target;
    let bytes = match &t.task_definition {
        BaseSource::Repository { path } => {
            let Some(github) = &ctx.github else {
                return Err(fail_step(
                    d,
                    i,
                    State::Error,
                    format!(
                        "The base {path} is read from the repository: set GITHUB_TOKEN (or a GitHub App) so Hatoba can read it"
                    ),
                    ctx,
                ));
            };
            let request = github.get_file_contents(&t.repo(), path, &d.sha);
            let (why, passes) = match send_github(ctx, request).await {
                Ok(r) if r.status == 200 => (Ok(r.body), false),
                Ok(r) if r.status == 404 => (
                    Err(format!(
                        "{path} not found in {} at {}",
                        t.repository,
                        short_sha(&d.sha)
                    )),
                    false,
                ),
                Ok(r) => (
                    Err(format!(
                        "GitHub answered {} reading {path}: {}",
                        r.status,
                        github_message(&r)
                    )),
                    may_pass(r.status),
                ),
                Err(e) => (Err(format!("reading {path} from GitHub: {e}")), true),
            };
            why.map_err(|message| {
                wait_and_retry(d, i, &message, passes, ctx)
                    .unwrap_or_else(|| fail_step(d, i, State::Error, message, ctx))
            })?
        }
        BaseSource::S3 { bucket, key } => {
            let op = s3::get_object(bucket, key);
            match send(ctx, &op, &mut d.steps[i]).await {
                Ok(response) => response.body,
                Err(e) => return Err(fail_aws(d, i, e, ctx)),
            }
        }
        BaseSource::Current => {
            // describe_service ends the deploy itself when the service is not there.
            let service = describe_service(d, i, ctx).await?;
            let op = ecs::describe_task_definition(&service.task_definition);
            match call::<TaskDefinitionOutput, _, _>(ctx, &op, &mut d.steps[i]).await {
                Ok(out) => serde_json::to_vec(
                    &json!({"taskDefinition": out.task_definition, "tags": out.tags}),
                )
                .expect("JSON values serialize"),
                Err(e) => return Err(fail_aws(d, i, e, ctx)),
            }
        }
    };
    if bytes.len() > MAX_TASK_DEFINITION_BYTES {
        let message = format!(
            "{} is {} bytes: a task definition is at most {} bytes",
            t.task_definition,
            bytes.len(),
            MAX_TASK_DEFINITION_BYTES
        );
        return Err(fail_step(d, i, State::Failure, message, ctx));
    }
    String::from_utf8(bytes).map_err(|_| {
        let message = format!("{} is not UTF-8 text", t.task_definition);
        fail_step(d, i, State::Failure, message, ctx)
    })
}

/// Ends step `i` as failed and the deploy in `state`, both saying `message`.
fn fail_step<T, C: Clock>(
    d: &mut Deployment,
    i: usize,
    state: State,
    message: String,
    ctx: &Context<'_, T, C>,
) -> Wake {
    end(d, i, Outcome::Failed, message.clone(), ctx);
    finish(d, state, message, ctx)
}

/// Sends a GitHub request with the context's retry policy.
async fn send_github<T: Transport, C: Clock>(
    ctx: &Context<'_, T, C>,
    request: HttpRequest,
) -> Result<HttpResponse, String> {
    crate::github::api::send(ctx.transport, ctx.clock, ctx.retry, request).await
}

fn github_message(response: &HttpResponse) -> String {
    serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&response.body)
                .chars()
                .take(140)
                .collect()
        })
}

/// Sends the commit status for the deployment's state (and the deployment status, for a
/// `deployment` event); with `only_failed`, only those whose last try GitHub did not take. A
/// GitHub failure is the step's outcome, never the deploy's; the third value says whether it
/// may pass (5xx, 429, no connection).
async fn send_statuses<T: Transport, C: Clock>(
    d: &mut Deployment,
    ctx: &Context<'_, T, C>,
    only_failed: bool,
) -> (Outcome, String, bool) {
    let t = ctx.target;
    let Some(github) = &ctx.github else {
        return (
            Outcome::Warning,
            "no GitHub token: no status sent".to_owned(),
            false,
        );
    };
    let link = target_url(t, d, ctx.public_url.as_deref());
    let description = truncate_description(&d.description, DESCRIPTION_LIMIT);
    let commit = CommitStatus {
        state: commit_state(d.state),
        target_url: Some(link.clone()),
        description: description.clone(),
        context: t.status_context(),
    };
    let mut requests = vec![(
        "commit",
        state_name(&commit.state),
        github.create_commit_status(&t.repo(), &d.sha, &commit),
    )];
    if let Some(id) = d.trigger.github_deployment_id() {
        let status = DeploymentStatus {
            state: deployment_state(d.state),
            log_url: Some(link.clone()),
            environment_url: Some(t.console_url()),
            description: description.clone(),
        };
        requests.push((
            "deployment",
            state_name(&status.state),
            github.create_deployment_status(&t.repo(), id, &status),
        ));
    }
    if ctx.check_runs {
        let body = check_run_body(d, t, &link, ctx.clock.now_millis());
        let request = match d.check_run_id {
            Some(id) => github.update_check_run(&t.repo(), id, &body),
            None => {
                let mut body = body.clone();
                body["head_sha"] = d.sha.as_str().into();
                github.create_check_run(&t.repo(), &body)
            }
        };
        let status = body["status"].as_str().unwrap_or_default().to_owned();
        requests.push(("check", status, request));
    }
    if only_failed {
        let failed_last = |kind: &str| {
            d.statuses
                .iter()
                .rev()
                .find(|s| s.kind == kind)
                .is_none_or(|s| s.error.is_some())
        };
        requests.retain(|(kind, _, _)| failed_last(kind));
    }
    let mut problems = Vec::new();
    let mut sent = Vec::new();
    let mut retryable = false;
    for (kind, state, request) in requests {
        let error = match send_github(ctx, request).await {
            Ok(r) if (200..300).contains(&r.status) => {
                if kind == "check" {
                    let id = serde_json::from_slice::<Value>(&r.body)
                        .ok()
                        .and_then(|v| v["id"].as_u64());
                    d.check_run_id = d.check_run_id.or(id);
                    d.check_run_steps =
                        Some(d.steps.iter().filter(|s| s.ended_at.is_some()).count() as u64);
                }
                None
            }
            Ok(r) => {
                retryable |= may_pass(r.status);
                Some(format!(
                    "GitHub answered {}: {}",
                    r.status,
                    github_message(&r)
                ))
            }
            Err(e) => {
                retryable = true;
                Some(e)
            }
        }
        .map(|e| ctx.redactor.redact(&e).into_owned());
        if let Some(e) = &error {
            problems.push(format!("{kind} status not sent: {e}"));
        } else {
            sent.push(format!("{kind} {state}"));
        }
        d.statuses.push(StatusSent {
            kind: kind.to_owned(),
            state,
            description: description.clone(),
            target_url: Some(link.clone()),
            at: ctx.clock.now_millis(),
            error,
        });
    }
    if problems.is_empty() {
        (Outcome::Ok, sent.join(", "), false)
    } else {
        (Outcome::Warning, problems.join("; "), retryable)
    }
}

/// The check run "Hatoba deploy: TARGET" as `d` stands: in progress with its steps, or
/// completed with its outcome, the evidence of a failure, and the actions "Roll back" (to the
/// revision before, once there is one) and "Redeploy".
fn check_run_body(d: &Deployment, t: &Target, link: &str, now: u64) -> Value {
    let mut summary = String::from("| step | outcome | detail |\n|---|---|---|\n");
    for s in &d.steps {
        let outcome = match s.outcome {
            Some(Outcome::Ok) => "ok",
            Some(Outcome::Failed) => "failed",
            Some(Outcome::Warning) => "warning",
            None => "…",
        };
        let detail = evidence::head(&s.detail.replace(['\n', '|'], " "), 300);
        summary.push_str(&format!("| {} | {outcome} | {detail} |\n", s.name.as_str()));
    }
    if let Some(evidence) = evidence::evidence_text(d) {
        summary.push_str("\n```\n");
        summary.push_str(&evidence::head(&evidence, 60_000));
        summary.push_str("\n```\n");
    }
    let mut body = json!({
        "name": format!("Hatoba deploy: {}", t.name),
        "external_id": d.id,
        "details_url": link,
        "output": {"title": truncate_description(&d.description, DESCRIPTION_LIMIT), "summary": summary},
    });
    if d.state.is_final() {
        body["status"] = "completed".into();
        body["conclusion"] = match d.state {
            State::Success => "success",
            State::Superseded => "cancelled",
            _ => "failure",
        }
        .into();
        body["completed_at"] = crate::time::format(now).into();
        let mut actions = Vec::new();
        if d.previous_task_definition_arn.is_some() {
            actions.push(json!({"label": "Roll back", "identifier": "rollback",
                                "description": "Deploy the revision before this one"}));
        }
        actions.push(json!({"label": "Redeploy", "identifier": "redeploy",
                            "description": "Deploy this commit again"}));
        body["actions"] = actions.into();
    } else {
        body["status"] = "in_progress".into();
    }
    body
}

fn state_name(state: &impl serde::Serialize) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whether `d` redeploys a revision it was given rather than one it registered.
fn is_redeploy(d: &Deployment) -> bool {
    !d.steps
        .iter()
        .any(|s| s.name == StepName::RegisterTaskDefinition)
}

/// Whether `full` (an ARN) names `wanted` (an ARN, or `family:revision` as a rollback may ask).
fn same_revision(full: &str, wanted: &str) -> bool {
    full == wanted || (!wanted.contains('/') && revision_name(full) == wanted)
}

fn tasks_text(running: i64, desired: i64, failed: i64) -> String {
    let mut text = format!("{running}/{desired} tasks running");
    if failed > 0 {
        text.push_str(&format!(", {failed} failed to start"));
    }
    text
}
