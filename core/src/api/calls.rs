//! The messages between the worker and its Durable Objects, one type each way, written and read
//! by the same code on both sides: a call is one JSON body `POST`ed to the object, and its
//! answer is the JSON the object returns.
//!
//! A new question for a target's object is a variant of [`TargetCall`], its answer type here,
//! and its branch in [`answer`].

use serde::Serialize;

use crate::checks::Checks;
use crate::checks::LocalFuture;
use crate::deploy::{
    Admitted, Context, DeployRequest, Deployment, Driver, PauseAction, PauseRefusal, Store,
    StoreError,
};
use crate::deploy::{BaseSource, CheckAction, PlanInputs, Target};
use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};
use crate::github::api::GitHubClient;
use crate::http::{Clock, Transport};
use crate::review::{Assessment, PlanRequest, ReviewRequest};

use super::Deployments;

/// A request for a target's Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum TargetCall {
    /// Queue a deploy (answer: [`Admitted`]).
    Admit(Admit),
    /// The target's deployments, newest first (answer: [`Deployments`]).
    Deployments,
    /// The newest deployment (answer: [`OneDeployment`]).
    Last,
    /// One deployment by id (answer: [`OneDeployment`]).
    Deployment {
        /// The deployment's id.
        id: String,
    },
    /// The commit a revision was deployed from (answer: [`RevisionCommit`]).
    #[serde(rename_all = "camelCase")]
    CommitOfRevision {
        /// The revision's ARN.
        task_definition_arn: String,
    },
    /// Answer the PAUSE hook a deployment waits at (answer: [`PauseReply`]); it needs the
    /// target's AWS context, so the object answers it with [`answer_pause`].
    AnswerPause {
        /// The deployment's id.
        id: String,
        /// What to answer.
        action: PauseAction,
    },
    /// A deploy's check run pressed (answer: JSON, see [`answer_check_action`]).
    CheckAction {
        /// What was pressed, by whom, on which run.
        action: CheckAction,
    },
    /// Review a pull request of the target's repository (answer: JSON, see [`answer_review`]).
    Review {
        /// The target whose object was asked (its configuration and GitHub credentials).
        target: String,
        /// What to review.
        request: ReviewRequest,
    },
}

/// A deploy to admit: the request, and the keys of the delivery that asked (its id and its
/// body's hash; none for a person's request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admit {
    /// The deploy asked for.
    pub request: DeployRequest,
    /// The delivery's keys.
    pub keys: Vec<String>,
}

deserialize_with_read!(TargetCall, "target call");

impl TargetCall {
    /// Reads a call from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(match o.string("call")?.as_str() {
            "admit" => TargetCall::Admit(Admit {
                request: DeployRequest::read(&o.object("request")?)?,
                keys: o.strings("keys")?,
            }),
            "deployments" => TargetCall::Deployments,
            "last" => TargetCall::Last,
            "deployment" => TargetCall::Deployment {
                id: o.string("id")?,
            },
            "commitOfRevision" => TargetCall::CommitOfRevision {
                task_definition_arn: o.string("taskDefinitionArn")?,
            },
            "answerPause" => TargetCall::AnswerPause {
                id: o.string("id")?,
                action: o.one_of(
                    "action",
                    &[
                        ("continue", PauseAction::Continue),
                        ("rollback", PauseAction::Rollback),
                    ],
                )?,
            },
            "checkAction" => TargetCall::CheckAction {
                action: CheckAction::read(&o.object("action")?)?,
            },
            "review" => TargetCall::Review {
                target: o.string("target")?,
                request: ReviewRequest::read(&o.object("request")?)?,
            },
            other => return Err(o.error("call", format!("unknown call `{other}`"))),
        })
    }
}

/// The answer to [`TargetCall::Last`] and [`TargetCall::Deployment`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneDeployment {
    /// The deployment, when there is one.
    pub deployment: Option<Deployment>,
}

deserialize_with_read!(OneDeployment, "deployment answer");

impl Reply for OneDeployment {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let deployment = match o.map.get("deployment") {
            None | Some(serde_json::Value::Null) => None,
            Some(value) => Some(Deployment::from_json(value)?),
        };
        Ok(OneDeployment { deployment })
    }
}

/// The answer to [`TargetCall::CommitOfRevision`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionCommit {
    /// The commit, when Hatoba deployed the revision here.
    pub sha: Option<String>,
}

deserialize_with_read!(RevisionCommit, "revision commit");

impl Reply for RevisionCommit {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(RevisionCommit {
            sha: o.opt_string("sha")?,
        })
    }
}

/// The answer to [`TargetCall::AnswerPause`]: the API's status and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PauseReply {
    /// 202 when ECS took the answer, 404 for no such deployment, 409 when it is not paused,
    /// 502 when AWS refused.
    pub status: u16,
    /// What happened, for a person.
    pub message: String,
}

deserialize_with_read!(PauseReply, "pause answer");

impl Reply for PauseReply {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(PauseReply {
            status: u16::try_from(o.id("status")?).unwrap_or(500),
            message: o.text("message")?,
        })
    }
}

/// Answers [`TargetCall::AnswerPause`] with the target's context: the JSON text of a
/// [`PauseReply`], and whether ECS took it (the object then wakes its driver to follow).
pub async fn answer_pause<S: Store, T: Transport, C: Clock>(
    driver: &Driver<'_, S>,
    ctx: &Context<'_, T, C>,
    id: &str,
    action: PauseAction,
) -> Result<(String, bool), StoreError> {
    let verb = action.as_aws().to_ascii_lowercase();
    let (status, message) = match driver.answer_pause(ctx, id, action).await? {
        None => (404, "no deployment has that id".to_owned()),
        Some(Ok(())) => (
            202,
            format!("ECS took {verb}: the deployment goes on from its pause"),
        ),
        Some(Err(PauseRefusal::NotPaused(state))) => (
            409,
            format!(
                "the deployment is {}, not paused: nothing to {verb}",
                state.words()
            ),
        ),
        Some(Err(PauseRefusal::Refused(why))) => (502, format!("ECS did not take {verb}: {why}")),
    };
    let accepted = status == 202;
    let text = serde_json::to_string(&PauseReply { status, message })
        .map_err(|e| StoreError(e.to_string()))?;
    Ok((text, accepted))
}

/// The store key of the heads reviewed lately (space-separated, newest last).
const REVIEWED_KEY: &str = "reviewed-heads";
/// How many reviewed heads are remembered.
const REVIEWED_KEPT: usize = 200;

/// What a target's object needs to review a pull request.
#[derive(Debug)]
pub struct ReviewSetting<'a, T, C> {
    /// Sends HTTP requests.
    pub transport: &'a T,
    /// Tells time (retries, the run's completion time).
    pub clock: &'a C,
    /// GitHub, with an App's installation token; `None` without an App.
    pub github: Option<GitHubClient>,
    /// Why there is no App's client, when there is none.
    pub no_app: Option<String>,
    /// The rules.
    pub checks: &'a dyn Checks,
    /// The repository's targets.
    pub targets: Vec<Target>,
    /// Reads what a target's plan compares; `None` writes no plans.
    pub planner: Option<&'a dyn Planner>,
}

/// Reads what a target's deploy plan compares ([`crate::deploy::plan_inputs`] with the
/// target's context).
pub trait Planner: std::fmt::Debug {
    /// The plan's inputs for `target` at `sha`, or why they cannot be read.
    fn inputs<'a>(
        &'a self,
        target: &'a Target,
        sha: &'a str,
    ) -> LocalFuture<'a, Result<PlanInputs, String>>;
}

/// Reviews a pull request once per head commit (again when GitHub asks again). The answer is
/// `{"review": Reviewed}`, `{"ignored": why}` or `{"reviewFailed": why}` (GitHub or the checks
/// failed: the delivery is answered 502 so that it can be redelivered).
pub async fn answer_review<S: Store, T: Transport, C: Clock>(
    store: &S,
    setting: &ReviewSetting<'_, T, C>,
    request: &ReviewRequest,
) -> Result<String, StoreError> {
    let answer =
        |key: &str, value: serde_json::Value| serde_json::json!({ key: value }).to_string();
    let Some(github) = &setting.github else {
        let why = setting.no_app.clone().unwrap_or_default();
        return Ok(answer("ignored", why.into()));
    };
    let seen = store.get(REVIEWED_KEY).await?.unwrap_or_default();
    let key = format!("{}#{}", request.head_sha, request.number);
    if !request.rerequested && seen.split(' ').any(|k| k == key) {
        return Ok(answer(
            "ignored",
            format!(
                "{} of pull request #{} is already checked",
                crate::target::short_sha(&request.head_sha),
                request.number
            )
            .into(),
        ));
    }
    let bases: Vec<&str> = setting
        .targets
        .iter()
        .filter_map(|t| match &t.task_definition {
            BaseSource::Repository { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    match crate::review::run(
        setting.transport,
        setting.clock,
        github,
        setting.checks,
        &bases,
        request,
    )
    .await
    {
        Ok(mut reviewed) => {
            if let Some(planner) = setting.planner.filter(|_| !request.fork) {
                reviewed.plans =
                    plan_all(setting, planner, github, request, &reviewed.changed).await;
            }
            let mut kept: Vec<&str> = seen
                .split(' ')
                .filter(|k| !k.is_empty() && *k != key)
                .collect();
            kept.push(&key);
            let from = kept.len().saturating_sub(REVIEWED_KEPT);
            store.put(REVIEWED_KEY, kept[from..].join(" ")).await?;
            let value = serde_json::to_value(&reviewed).map_err(|e| StoreError(e.to_string()))?;
            Ok(answer("review", value))
        }
        Err(why) => Ok(answer("reviewFailed", why.into())),
    }
}

/// Writes the plan check run of each target whose base or workflow the pull request changes;
/// a plan whose inputs cannot be read is a `neutral` run saying why.
async fn plan_all<T: Transport, C: Clock>(
    setting: &ReviewSetting<'_, T, C>,
    planner: &dyn Planner,
    github: &GitHubClient,
    request: &ReviewRequest,
    changed: &[String],
) -> Vec<serde_json::Value> {
    let mut plans = Vec::new();
    for t in &setting.targets {
        let BaseSource::Repository { path } = &t.task_definition else {
            continue;
        };
        if !crate::review::plans(changed, path, t.workflow.as_deref()) {
            continue;
        }
        let assessment = match planner.inputs(t, &request.head_sha).await {
            Ok(inputs) => {
                let plan = PlanRequest {
                    target: t.name.clone(),
                    container: t.container.clone(),
                    base_path: path.clone(),
                    base: inputs.base,
                    image: inputs.image,
                    running: inputs.running,
                };
                setting.checks.plan(&plan).await
            }
            Err(why) => Err(why),
        }
        .unwrap_or_else(|why| Assessment {
            conclusion: "neutral",
            title: crate::github::api::truncate_description(&format!("No plan: {why}"), 200),
            summary: why,
            annotations: Vec::new(),
            needs: Vec::new(),
        });
        let written = crate::review::write_plan(
            setting.transport,
            setting.clock,
            github,
            request,
            &t.name,
            &assessment,
        )
        .await;
        plans.push(match written {
            Ok(id) => serde_json::json!({"target": t.name, "checkRunId": id, "conclusion": assessment.conclusion}),
            Err(why) => serde_json::json!({"target": t.name, "error": why}),
        });
    }
    plans
}

/// Performs a press on a deploy's check run once GitHub says its sender may write to the
/// repository: "Roll back" queues a redeploy of the revision before the deployment's, "Redeploy"
/// (and a re-run) one of the deployment's commit (its revision, when it registered one). A
/// refusal is written on the run. The answer is `{"queued": id}`, `{"ignored": why}` or
/// `{"refused": why}`, and whether a deployment was queued.
pub async fn answer_check_action<S: Store, T: Transport, C: Clock>(
    driver: &Driver<'_, S>,
    setting: &ReviewSetting<'_, T, C>,
    target: &Target,
    action: &CheckAction,
) -> Result<(String, bool), StoreError> {
    let answer = |key: &str, value: String| (serde_json::json!({ key: value }).to_string(), false);
    let Some(github) = &setting.github else {
        return Ok(answer(
            "ignored",
            setting.no_app.clone().unwrap_or_default(),
        ));
    };
    let Some(d) = driver.deployment(&action.deployment).await? else {
        return Ok(answer(
            "ignored",
            format!("no deployment {} here", action.deployment),
        ));
    };
    let repo = target.repo();
    let may = match crate::review::send(
        setting.transport,
        setting.clock,
        github.get_permission(&repo, &action.sender),
    )
    .await
    {
        Ok(r) if r.status == 200 => serde_json::from_slice::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| v["permission"].as_str().map(str::to_owned))
            .is_some_and(|p| matches!(p.as_str(), "admin" | "maintain" | "write")),
        Ok(r) if r.status == 404 => false,
        Ok(r) => {
            return Ok(answer(
                "refused",
                format!(
                    "GitHub answered {} asking for {}'s permission",
                    r.status, action.sender
                ),
            ));
        }
        Err(e) => return Ok(answer("refused", e)),
    };
    let verb = if action.action == "rollback" {
        "roll back"
    } else {
        "redeploy"
    };
    let refusal = if !may {
        Some(format!(
            "@{} asked to {verb}, and may not: it takes write access to {}",
            action.sender, target.repository
        ))
    } else if action.action == "rollback" && d.previous_task_definition_arn.is_none() {
        Some(format!(
            "@{} asked to roll back, but this deploy never moved the service: there is no revision before it",
            action.sender
        ))
    } else {
        None
    };
    let (sha, revision) = match (&refusal, action.action.as_str()) {
        (Some(_), _) => (None, None),
        (None, "rollback") => {
            let arn = d.previous_task_definition_arn.clone();
            let sha = match &arn {
                Some(arn) => driver.commit_of_revision(arn).await?,
                None => None,
            };
            (sha, arn)
        }
        (None, _) => (Some(d.sha.clone()), d.task_definition_arn.clone()),
    };
    let refusal = refusal.or_else(|| {
        sha.is_none().then(|| format!(
            "@{} asked to roll back to {}, which Hatoba did not deploy here: roll back from the API with its commit",
            action.sender,
            revision.as_deref().unwrap_or_default()
        ))
    });
    if let Some(why) = refusal {
        // Said on the run, where the person pressed.
        let body = serde_json::json!({"output": {
            "title": crate::github::api::truncate_description(&d.description, crate::github::api::DESCRIPTION_LIMIT),
            "summary": format!("{}\n\n**{why}.**", d.description),
        }});
        let _ = crate::review::send(
            setting.transport,
            setting.clock,
            github.update_check_run(&repo, action.check_run_id, &body),
        )
        .await;
        return Ok(answer("refused", why));
    }
    let request = DeployRequest {
        target: target.name.clone(),
        sha: sha.unwrap_or_default(),
        trigger: crate::deploy::Trigger::Manual {
            by: format!("{} from its check run (@{})", action.action, action.sender),
        },
        commit_time: None,
        task_definition_arn: revision,
        pushed_at: None,
    };
    let admitted = driver
        .admit(&request, &action.keys, setting.clock.now_millis())
        .await?;
    Ok(match admitted.id {
        Some(id) => (
            serde_json::json!({"queued": id, "action": action.action}).to_string(),
            true,
        ),
        None => answer("ignored", admitted.ignored.unwrap_or_default()),
    })
}

/// An answer of a target's object, as the worker reads it.
pub trait Reply: Sized {
    /// Reads the answer from its JSON object.
    fn read(o: &Obj) -> Result<Self, FieldError>;
}

impl Reply for Admitted {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Admitted::read(o)
    }
}

/// Reads an object's answer: the JSON is parsed by one reader for every answer type, then
/// read by the type's own fields.
pub fn read_reply<T: Reply>(text: &str) -> Result<T, String> {
    crate::fields::read_text(text.as_bytes(), T::read)
}

/// Answers `call` from the target's store: the JSON text to return, and whether a deployment
/// was queued (the object then makes sure its driver runs).
pub async fn answer<S: Store>(
    driver: &Driver<'_, S>,
    call: &TargetCall,
    now_millis: u64,
) -> Result<(String, bool), StoreError> {
    fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
        serde_json::to_string(value).map_err(|e| StoreError(e.to_string()))
    }
    match call {
        TargetCall::Admit(Admit { request, keys }) => {
            let admitted: Admitted = driver.admit(request, keys, now_millis).await?;
            let queued = admitted.id.is_some();
            Ok((json(&admitted)?, queued))
        }
        TargetCall::Deployments => {
            let deployments = driver.deployments().await?;
            Ok((json(&Deployments { deployments })?, false))
        }
        TargetCall::Last => {
            let ledger = driver.ledger().await?;
            let deployment = match ledger.history.first() {
                Some(s) => driver.deployment(&s.id).await?,
                None => None,
            };
            Ok((json(&OneDeployment { deployment })?, false))
        }
        TargetCall::Deployment { id } => {
            let deployment = driver.deployment(id).await?;
            Ok((json(&OneDeployment { deployment })?, false))
        }
        TargetCall::CommitOfRevision {
            task_definition_arn,
        } => {
            let sha = driver.commit_of_revision(task_definition_arn).await?;
            Ok((json(&RevisionCommit { sha })?, false))
        }
        TargetCall::AnswerPause { .. } | TargetCall::Review { .. } | TargetCall::CheckAction { .. } => Err(StoreError(
            "pauses and reviews are answered with the target's context (answer_pause, answer_review)".to_owned(),
        )),
    }
}

/// A request for the guard of one client address (see [`crate::github::guard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum GuardCall {
    /// Is the address refused now?
    Check,
    /// The address failed a check (a signature, a body): count it.
    Failed,
}

deserialize_with_read!(GuardCall, "guard call");

impl GuardCall {
    /// The call as the worker sends it: one word. (The guard's messages are this small; words
    /// keep a JSON reader per message out of the worker.)
    pub fn as_text(self) -> &'static str {
        match self {
            GuardCall::Check => "check",
            GuardCall::Failed => "failed",
        }
    }

    /// Reads [`GuardCall::as_text`]'s word.
    pub fn from_text(text: &str) -> Option<Self> {
        match text {
            "check" => Some(GuardCall::Check),
            "failed" => Some(GuardCall::Failed),
            _ => None,
        }
    }

    /// Reads a call from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        o.one_of(
            "call",
            &[("check", GuardCall::Check), ("failed", GuardCall::Failed)],
        )
    }
}

/// The guard's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardAnswer {
    /// Seconds the address must wait, when it is refused.
    pub retry_after: Option<u64>,
}

deserialize_with_read!(GuardAnswer, "guard answer");

impl GuardAnswer {
    /// The answer as the guard sends it: the seconds to wait, or nothing.
    pub fn to_text(self) -> String {
        self.retry_after.map(|s| s.to_string()).unwrap_or_default()
    }

    /// Reads [`GuardAnswer::to_text`]'s text.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(GuardAnswer { retry_after: None });
        }
        text.parse()
            .map(|s| GuardAnswer {
                retry_after: Some(s),
            })
            .map_err(|_| "the guard answered no number of seconds".to_owned())
    }

    /// Reads the answer from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(GuardAnswer {
            retry_after: o.opt_id("retryAfter")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::Trigger;

    fn round_trip<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        value: &T,
    ) {
        let text = serde_json::to_string(value).unwrap();
        let back: T = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, value, "{text}");
    }

    #[test]
    fn every_call_and_answer_reads_back_what_the_other_side_writes() {
        let request = DeployRequest {
            target: "stg-web".into(),
            sha: "1a2b3c4".into(),
            trigger: Trigger::Manual { by: "api".into() },
            commit_time: None,
            task_definition_arn: None,
            pushed_at: None,
        };
        for call in [
            TargetCall::Admit(Admit {
                request,
                keys: vec!["delivery d-1".into()],
            }),
            TargetCall::Deployments,
            TargetCall::Last,
            TargetCall::Deployment {
                id: "stg-web.1.1a2b3c4".into(),
            },
            TargetCall::CommitOfRevision {
                task_definition_arn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4"
                    .into(),
            },
        ] {
            round_trip(&call);
        }
        assert_eq!(
            serde_json::to_value(TargetCall::Deployment { id: "x".into() }).unwrap(),
            serde_json::json!({"call": "deployment", "id": "x"})
        );
        round_trip(&GuardCall::Check);
        round_trip(&GuardCall::Failed);
        round_trip(&GuardAnswer {
            retry_after: Some(600),
        });
        round_trip(&GuardAnswer { retry_after: None });
        for call in [GuardCall::Check, GuardCall::Failed] {
            assert_eq!(GuardCall::from_text(call.as_text()), Some(call));
        }
        assert_eq!(GuardCall::from_text("delete"), None);
        for answer in [
            GuardAnswer {
                retry_after: Some(600),
            },
            GuardAnswer { retry_after: None },
        ] {
            assert_eq!(GuardAnswer::from_text(&answer.to_text()), Ok(answer));
        }
        assert!(GuardAnswer::from_text("soon").is_err());
        round_trip(&RevisionCommit {
            sha: Some("1a2b3c4".into()),
        });
        round_trip(&OneDeployment {
            deployment: Some(Deployment::new(
                "stg-web",
                "1a2b3c4",
                Trigger::Manual { by: "api".into() },
                1_795_766_400_000,
            )),
        });
        round_trip(&OneDeployment { deployment: None });
    }

    #[test]
    fn an_unknown_call_is_named() {
        let err = serde_json::from_str::<TargetCall>(r#"{"call": "delete"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown call `delete`"), "{err}");
        let err = serde_json::from_str::<GuardCall>(r#"{"call": 3}"#).unwrap_err();
        assert!(err.to_string().contains("call"), "{err}");
    }
}
