//! Which targets a webhook delivery deploys to, and why not when it deploys nowhere.

use serde::Serialize;

use super::record::{Deployment, Trigger};
use super::target::Target;
use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};
use crate::github::events::{Event, EventError, ReviewEvent, parse_event};
use crate::github::webhook::verify_signature;
use crate::review::ReviewRequest;
use crate::target::short_sha;
use crate::{hex, time};

/// A deploy a delivery (or a person) asks of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployRequest {
    /// The target's name.
    pub target: String,
    /// The commit.
    pub sha: String,
    /// What asked.
    pub trigger: Trigger,
    /// When the commit was made (ms since the epoch), when the payload says: a webhook never
    /// deploys a commit older than the last one a webhook deployed.
    #[serde(default)]
    pub commit_time: Option<u64>,
    /// A revision to redeploy instead of building one (rollback from the API).
    #[serde(default)]
    pub task_definition_arn: Option<String>,
    /// When GitHub says the repository was last pushed to (ms since the epoch): a commit
    /// pushed after the newest deployed one is never "older" than it, whatever its date says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_at: Option<u64>,
}

deserialize_with_read!(DeployRequest, "deploy request");

impl DeployRequest {
    /// Reads a request from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(DeployRequest {
            target: o.string("target")?,
            sha: o.string("sha")?,
            trigger: Trigger::read_at(o, "trigger")?,
            commit_time: o.opt_id("commitTime")?,
            task_definition_arn: o.opt_string("taskDefinitionArn")?,
            pushed_at: o.opt_id("pushedAt")?,
        })
    }
}

/// A person's press on a deploy's check run ("Roll back", "Redeploy") or its re-run, to perform
/// in the target's object once GitHub says the person may write to the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckAction {
    /// The target (from the run's name, `Hatoba deploy: TARGET`).
    pub target: String,
    /// The deployment the run is of (its `external_id`).
    pub deployment: String,
    /// `rollback` or `redeploy`.
    pub action: String,
    /// Who pressed it (`sender.login`).
    pub sender: String,
    /// The check run.
    pub check_run_id: u64,
    /// The delivery's keys: a redelivered press does nothing twice.
    pub keys: Vec<String>,
}

impl CheckAction {
    /// Reads an action from its JSON object.
    pub fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(CheckAction {
            target: o.string("target")?,
            deployment: o.string("deployment")?,
            action: o.string("action")?,
            sender: o.string("sender")?,
            check_run_id: o.id("checkRunId")?,
            keys: o.strings("keys")?,
        })
    }
}

/// What a delivery asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing {
    /// `ping`: answered, nothing else.
    Ping,
    /// Deploys, one per matching target.
    Deploy(Vec<DeployRequest>),
    /// A pull request's head to review, in the object of `target` (the repository's first).
    Review {
        /// The target whose object reviews it (its GitHub credentials are the repository's).
        target: String,
        /// What to review.
        request: ReviewRequest,
    },
    /// A deploy's check run pressed: roll back or redeploy (keys added by [`receive`]).
    CheckAction(CheckAction),
    /// Nothing to do, and why.
    Ignored(String),
}

/// A webhook delivery as it arrived: the headers the route reads, and the raw body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Delivery<'a> {
    /// `X-Hub-Signature-256`.
    pub signature: Option<&'a str>,
    /// `X-GitHub-Event`.
    pub event: Option<&'a str>,
    /// `X-GitHub-Delivery`.
    pub delivery: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// The body, exactly as received.
    pub body: &'a [u8],
}

/// What to answer a delivery, decided in this order: size, secret, signature (before anything
/// of the body is parsed), content type, configuration, payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reception {
    /// 413: the body is over the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// 503: no webhook secret is configured, so nothing can be verified.
    NoSecret,
    /// 401: the signature is missing, malformed or wrong (the address's failure counts).
    Unauthorized(String),
    /// 415: not `application/json`.
    UnsupportedMediaType(String),
    /// 503: the targets do not check.
    NotConfigured,
    /// 400: a signed body that is not the event it says it is.
    BadPayload(String),
    /// 200: `ping`.
    Ping,
    /// 202: nothing to deploy, and why.
    Ignored(String),
    /// 202: a deploy's check run pressed, to perform in its target's object.
    CheckAction(CheckAction),
    /// 202: a pull request to review, in `target`'s object.
    Review {
        /// The target whose object reviews it.
        target: String,
        /// What to review.
        request: ReviewRequest,
    },
    /// 202: deploys to queue, each with the delivery's idempotency keys: its id (when sent)
    /// and the SHA-256 of the signed body (GitHub does not sign the id, so a replay under a
    /// new id is caught by the body).
    Deploy {
        /// One per matching target.
        requests: Vec<DeployRequest>,
        /// `delivery <id>`, `body <sha256 hex>`.
        keys: Vec<String>,
    },
}

impl Reception {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Reception::TooLarge { .. } => 413,
            Reception::NoSecret | Reception::NotConfigured => 503,
            Reception::Unauthorized(_) => 401,
            Reception::UnsupportedMediaType(_) => 415,
            Reception::BadPayload(_) => 400,
            Reception::Ping => 200,
            Reception::Ignored(_)
            | Reception::Deploy { .. }
            | Reception::Review { .. }
            | Reception::CheckAction(_) => 202,
        }
    }
}

/// Whether a `Content-Type` is JSON (`application/json`, parameters aside).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Decides what a delivery asks for. `secret` is the webhook secret, `limit` the largest body
/// read, `targets` reads the configured targets (`None` when they do not check); it is called
/// only for a verified delivery, so a forged one costs no configuration read.
pub fn receive(
    d: &Delivery<'_>,
    secret: Option<&str>,
    limit: usize,
    targets: impl FnOnce() -> Option<Vec<Target>>,
) -> Reception {
    use sha2::{Digest, Sha256};

    if d.body.len() > limit {
        return Reception::TooLarge { limit };
    }
    let Some(secret) = secret else {
        return Reception::NoSecret;
    };
    if let Err(e) = verify_signature(secret.as_bytes(), d.body, d.signature) {
        return Reception::Unauthorized(e.to_string());
    }
    if !is_json(d.content_type) {
        // The header is not quoted back: no answer repeats what the request said.
        return Reception::UnsupportedMediaType(
            "the content type is not application/json: set the webhook's content type to application/json in its GitHub settings".to_owned(),
        );
    }
    let Some(targets) = targets() else {
        return Reception::NotConfigured;
    };
    let keys = || {
        let mut keys = vec![format!("body {}", hex::encode(&Sha256::digest(d.body)))];
        if let Some(id) = d.delivery {
            keys.insert(0, format!("delivery {id}"));
        }
        keys
    };
    match route(d.event.unwrap_or_default(), d.body, d.delivery, &targets) {
        Err(e) => Reception::BadPayload(e.to_string()),
        Ok(Routing::CheckAction(mut action)) => {
            action.keys = keys();
            Reception::CheckAction(action)
        }
        Ok(Routing::Ping) => Reception::Ping,
        Ok(Routing::Ignored(why)) => Reception::Ignored(why),
        Ok(Routing::Review { target, request }) => Reception::Review { target, request },
        Ok(Routing::Deploy(requests)) => Reception::Deploy {
            requests,
            keys: keys(),
        },
    }
}

/// Routes a verified delivery: `event` is `X-GitHub-Event`, `body` its JSON payload.
pub fn route(
    event: &str,
    body: &[u8],
    delivery: Option<&str>,
    targets: &[Target],
) -> Result<Routing, EventError> {
    let delivery = delivery.map(str::to_owned);
    let for_repo = |full_name: &str| -> Vec<&Target> {
        targets
            .iter()
            .filter(|t| t.repository.eq_ignore_ascii_case(full_name))
            .collect()
    };
    Ok(match parse_event(event, body)? {
        Event::Ping(_) => Routing::Ping,
        Event::Push(push) => {
            let repo = &push.repository.full_name;
            let Some(branch) = push.branch() else {
                return Ok(Routing::Ignored(format!(
                    "push to {}: Hatoba deploys pushes to branches",
                    push.git_ref
                )));
            };
            if push.deleted || push.after.bytes().all(|b| b == b'0') {
                return Ok(Routing::Ignored(format!(
                    "branch {branch} of {repo} was deleted"
                )));
            }
            let commit_time = push
                .head_commit
                .as_ref()
                .and_then(|c| c.timestamp.as_deref())
                .and_then(time::parse_offset);
            let matching = for_repo(repo)
                .into_iter()
                .filter(|t| t.branch.as_deref() == Some(branch));
            let trigger = Trigger::Push { delivery };
            deploy_or_ignore(
                matching,
                &push.after,
                &trigger,
                (commit_time, push.repository.pushed_at),
                || format!("no target deploys pushes to {repo} branch {branch}"),
            )
        }
        Event::WorkflowRun(e) => {
            let run = &e.workflow_run;
            let repo = &e.repository.full_name;
            let name = run.name.clone().unwrap_or_default();
            if e.action != "completed" {
                return Ok(Routing::Ignored(format!(
                    "workflow run {name} {}: Hatoba deploys completed runs",
                    e.action
                )));
            }
            let conclusion = run.conclusion.as_deref().unwrap_or("none");
            if conclusion != "success" {
                return Ok(Routing::Ignored(format!(
                    "workflow run {name} concluded {conclusion}: Hatoba deploys successful runs"
                )));
            }
            // A pull request can change the workflow it runs: its runs never deploy.
            if run.event.starts_with("pull_request") {
                return Ok(Routing::Ignored(format!(
                    "workflow run {name} was started by {}: Hatoba deploys runs of pushed commits, never of pull requests",
                    run.event
                )));
            }
            let path = run.path.as_deref().unwrap_or_default();
            let file = path.rsplit('/').next().unwrap_or_default();
            let commit_time = run
                .head_commit
                .as_ref()
                .and_then(|c| c.timestamp.as_deref())
                .and_then(time::parse_offset);
            let matching = for_repo(repo).into_iter().filter(|t| {
                t.workflow.as_deref().is_some_and(|w| {
                    let w = w.trim_start_matches("./");
                    (!path.is_empty() && (w == path || w == file)) || w == name
                }) && t
                    .branch
                    .as_deref()
                    .is_none_or(|b| run.head_branch.as_deref() == Some(b))
            });
            let trigger = Trigger::WorkflowRun {
                delivery,
                run_id: run.id,
            };
            deploy_or_ignore(
                matching,
                &run.head_sha,
                &trigger,
                (commit_time, e.repository.pushed_at),
                || format!("no target deploys workflow {name} ({path}) of {repo}"),
            )
        }
        Event::Deployment(e) => {
            let repo = &e.repository.full_name;
            let environment = &e.deployment.environment;
            let matching = for_repo(repo)
                .into_iter()
                .filter(|t| t.environment.as_deref() == Some(environment.as_str()));
            let trigger = Trigger::Deployment {
                delivery,
                deployment_id: e.deployment.id,
                environment: environment.clone(),
            };
            deploy_or_ignore(
                matching,
                &e.deployment.sha,
                &trigger,
                (None, e.repository.pushed_at),
                || format!("no target deploys environment {environment} of {repo}"),
            )
        }
        Event::Review(e) => {
            let repo = &e.repository.full_name;
            let Some(host) = for_repo(repo).first().copied() else {
                return Ok(Routing::Ignored(format!(
                    "no target deploys from {repo}: its pull requests are not checked"
                )));
            };
            if let Some(name) = e
                .check_name
                .as_deref()
                .and_then(|n| n.strip_prefix(DEPLOY_CHECK_PREFIX))
            {
                return Ok(check_action(&e, name, &for_repo(repo)));
            }
            let asked_again = match (e.event, e.action.as_str()) {
                ("pull_request", "opened" | "synchronize" | "reopened" | "ready_for_review")
                | ("check_suite", "requested") => false,
                ("check_suite", "rerequested") => true,
                ("check_run", "rerequested")
                    if e.check_name.as_deref() == Some(crate::review::CHECK_NAME) =>
                {
                    true
                }
                (event, action) => {
                    return Ok(Routing::Ignored(format!(
                        "{event} {action}: Hatoba checks a pull request when it is opened, pushed to, reopened or marked ready, and when its checks are asked for again"
                    )));
                }
            };
            let Some(number) = e.number else {
                return Ok(Routing::Ignored(format!(
                    "{} of {} belongs to no pull request of {repo}",
                    e.event,
                    short_sha(&e.head_sha)
                )));
            };
            Routing::Review {
                target: host.name.clone(),
                request: ReviewRequest {
                    repository: repo.clone(),
                    number,
                    head_sha: e.head_sha.to_ascii_lowercase(),
                    rerequested: asked_again,
                    fork: e.fork,
                },
            }
        }
        Event::Other(name) => {
            Routing::Ignored(format!("{name} events are not ones Hatoba deploys on"))
        }
    })
}

/// The name of a deploy's check run, before the target's name.
pub const DEPLOY_CHECK_PREFIX: &str = "Hatoba deploy: ";

/// What a press on (or a re-run of) the deploy check run of target `name` asks for.
fn check_action(e: &ReviewEvent, name: &str, targets: &[&Target]) -> Routing {
    let action = match (e.action.as_str(), e.requested_action.as_deref()) {
        ("requested_action", Some(a @ ("rollback" | "redeploy"))) => a,
        ("rerequested", _) => "redeploy",
        ("requested_action", other) => {
            return Routing::Ignored(format!(
                "check run action `{}` is not one Hatoba offers (rollback, redeploy)",
                other.unwrap_or_default()
            ));
        }
        (action, _) => {
            return Routing::Ignored(format!(
                "check_run {action}: Hatoba acts on its deploy runs' actions and re-runs"
            ));
        }
    };
    if !targets.iter().any(|t| t.name == name) {
        return Routing::Ignored(format!(
            "no target {name} deploys from {}",
            e.repository.full_name
        ));
    }
    let (Some(deployment), Some(sender), Some(check_run_id)) =
        (e.external_id.clone(), e.sender.clone(), e.check_run_id)
    else {
        return Routing::Ignored(
            "the check run names no deployment (external_id), run or sender".to_owned(),
        );
    };
    if Deployment::target_of_id(&deployment) != Some(name) {
        return Routing::Ignored(format!("deployment {deployment} is not one of {name}'s"));
    }
    Routing::CheckAction(CheckAction {
        target: name.to_owned(),
        deployment,
        action: action.to_owned(),
        sender,
        check_run_id,
        keys: Vec::new(),
    })
}

/// A deploy of `sha` to each matching target, or, when none matches, nothing and why. `times`
/// are the commit's date and the repository's last push. Shas are lower case from here on: an
/// upper-case redelivery is the same commit.
fn deploy_or_ignore<'t>(
    matching: impl Iterator<Item = &'t Target>,
    sha: &str,
    trigger: &Trigger,
    (commit_time, pushed_at): (Option<u64>, Option<u64>),
    why_none: impl FnOnce() -> String,
) -> Routing {
    let requests: Vec<DeployRequest> = matching
        .map(|t| DeployRequest {
            target: t.name.clone(),
            sha: sha.to_ascii_lowercase(),
            trigger: trigger.clone(),
            commit_time,
            task_definition_arn: None,
            pushed_at,
        })
        .collect();
    if requests.is_empty() {
        Routing::Ignored(why_none())
    } else {
        Routing::Deploy(requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::target::parse_targets;
    use serde_json::{Value, json};

    fn targets() -> Vec<Target> {
        let base = json!({"repository": "Octo/Shop", "region": "eu-west-1", "cluster": "c", "service": "s",
                          "container": "web", "ecrRepository": "web", "taskDefinition": "current"});
        let mut push = base.clone();
        push["name"] = json!("stg");
        push["branch"] = json!("main");
        let mut run = base.clone();
        run["name"] = json!("prod");
        run["workflow"] = json!("build.yml");
        run["environment"] = json!("production");
        parse_targets(&json!([push, run])).unwrap()
    }

    fn push(git_ref: &str, after: &str) -> Vec<u8> {
        json!({"ref": git_ref, "before": "0".repeat(40), "after": after, "deleted": after == "0".repeat(40),
               "repository": {"full_name": "octo/shop", "name": "shop", "owner": {"name": "octo", "email": null}},
               "head_commit": {"id": after, "timestamp": "2026-11-29T17:20:41+01:00"}})
        .to_string()
        .into_bytes()
    }

    fn pull_request(action: &str, repo: &str) -> Vec<u8> {
        json!({"action": action, "number": 7, "repository": {"full_name": repo, "name": "shop"},
               "pull_request": {"number": 7, "head": {"sha": "AB".repeat(20), "ref": "feature", "repo": {"full_name": "Octo/Shop"}}},
               "sender": {"login": "octocat"}})
        .to_string()
        .into_bytes()
    }

    fn check(event: &str, action: &str, name: &str, pulls: Value) -> Vec<u8> {
        json!({"action": action, "repository": {"full_name": "octo/shop", "name": "shop"},
               event: {"head_sha": "ab".repeat(20), "name": name, "pull_requests": pulls}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_pull_request_is_reviewed_in_the_object_of_its_repositorys_first_target() {
        let t = targets();
        let review = |event: &str, body: &[u8]| match route(event, body, Some("d"), &t).unwrap() {
            Routing::Review { target, request } => Ok((target, request)),
            Routing::Ignored(why) => Err(why),
            other => panic!("{other:?}"),
        };
        for action in ["opened", "synchronize", "reopened", "ready_for_review"] {
            let (target, request) =
                review("pull_request", &pull_request(action, "octo/shop")).unwrap();
            assert_eq!(target, "stg");
            assert_eq!(
                request,
                ReviewRequest {
                    repository: "octo/shop".into(),
                    number: 7,
                    head_sha: "ab".repeat(20),
                    rerequested: false,
                    fork: false
                }
            );
        }
        let mut from_fork: Value =
            serde_json::from_slice(&pull_request("opened", "octo/shop")).unwrap();
        from_fork["pull_request"]["head"]["repo"]["full_name"] = json!("mallory/shop");
        assert!(
            review("pull_request", from_fork.to_string().as_bytes())
                .unwrap()
                .1
                .fork
        );
        from_fork["pull_request"]["head"]["repo"] = Value::Null;
        assert!(
            review("pull_request", from_fork.to_string().as_bytes())
                .unwrap()
                .1
                .fork
        );
        assert_eq!(
            review("pull_request", &pull_request("closed", "octo/shop")).unwrap_err(),
            "pull_request closed: Hatoba checks a pull request when it is opened, pushed to, reopened or marked ready, and when its checks are asked for again"
        );
        assert_eq!(
            review("pull_request", &pull_request("opened", "octo/other")).unwrap_err(),
            "no target deploys from octo/other: its pull requests are not checked"
        );
        let pulls = json!([{"number": 7}]);
        assert!(
            !review(
                "check_suite",
                &check("check_suite", "requested", "", pulls.clone())
            )
            .unwrap()
            .1
            .rerequested
        );
        assert!(
            review(
                "check_suite",
                &check("check_suite", "rerequested", "", pulls.clone())
            )
            .unwrap()
            .1
            .rerequested
        );
        assert!(
            review(
                "check_run",
                &check("check_run", "rerequested", "Hatoba checks", pulls.clone())
            )
            .unwrap()
            .1
            .rerequested
        );
        assert!(
            review(
                "check_run",
                &check("check_run", "rerequested", "lint", pulls.clone())
            )
            .is_err()
        );
        assert_eq!(
            review(
                "check_suite",
                &check("check_suite", "requested", "", json!([]))
            )
            .unwrap_err(),
            "check_suite of abababa belongs to no pull request of octo/shop"
        );
        let broken = json!({"action": "opened", "repository": {"full_name": "octo/shop", "name": "shop"},
                            "pull_request": {"number": 7, "head": {"sha": "main"}}});
        assert_eq!(
            route("pull_request", broken.to_string().as_bytes(), None, &t)
                .unwrap_err()
                .to_string(),
            "pull_request event: at `pull_request.head.sha`: \"main\" is not a commit sha: expected 40 hex digits"
        );
    }

    #[test]
    fn a_push_to_the_branch_deploys_tags_and_deletions_do_not() {
        let t = targets();
        let sha = "a".repeat(40);
        match route("push", &push("refs/heads/main", &sha), Some("d-1"), &t).unwrap() {
            Routing::Deploy(requests) => {
                assert_eq!(requests.len(), 1);
                assert_eq!(
                    (requests[0].target.as_str(), requests[0].sha.as_str()),
                    ("stg", sha.as_str())
                );
                assert_eq!(
                    requests[0].trigger,
                    Trigger::Push {
                        delivery: Some("d-1".into())
                    }
                );
                assert_eq!(requests[0].commit_time, time::parse("2026-11-29T16:20:41Z"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            route("push", &push("refs/tags/v1", &sha), None, &t).unwrap(),
            Routing::Ignored("push to refs/tags/v1: Hatoba deploys pushes to branches".into())
        );
        assert_eq!(
            route("push", &push("refs/heads/main", &"0".repeat(40)), None, &t).unwrap(),
            Routing::Ignored("branch main of octo/shop was deleted".into())
        );
        assert_eq!(
            route("push", &push("refs/heads/dev", &sha), None, &t).unwrap(),
            Routing::Ignored("no target deploys pushes to octo/shop branch dev".into())
        );
    }

    fn run(action: &str, conclusion: &str, path: &str) -> Vec<u8> {
        json!({"action": action, "repository": {"full_name": "octo/shop", "name": "shop", "owner": {"login": "octo"}},
               "workflow_run": {"id": 7, "name": "Build", "head_sha": "b".repeat(40), "status": "completed",
                                "conclusion": conclusion, "event": "push", "html_url": "https://github.com/x", "path": path}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_pull_requests_run_never_deploys_and_a_branch_narrows_the_runs() {
        let t = targets();
        let mut body: Value =
            serde_json::from_slice(&run("completed", "success", ".github/workflows/build.yml"))
                .unwrap();
        body["workflow_run"]["event"] = json!("pull_request_target");
        match route(
            "workflow_run",
            &serde_json::to_vec(&body).unwrap(),
            None,
            &t,
        )
        .unwrap()
        {
            Routing::Ignored(why) => assert!(why.contains("never of pull requests"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A target with both a workflow and a branch takes runs on that branch only.
        let mut both = t[1].clone();
        both.branch = Some("main".into());
        body["workflow_run"]["event"] = json!("push");
        body["workflow_run"]["head_branch"] = json!("feature");
        let bytes = serde_json::to_vec(&body).unwrap();
        assert!(matches!(
            route("workflow_run", &bytes, None, std::slice::from_ref(&both)).unwrap(),
            Routing::Ignored(_)
        ));
        body["workflow_run"]["head_branch"] = json!("main");
        let bytes = serde_json::to_vec(&body).unwrap();
        assert!(matches!(
            route("workflow_run", &bytes, None, std::slice::from_ref(&both)).unwrap(),
            Routing::Deploy(_)
        ));
    }

    #[test]
    fn only_a_successful_completed_run_of_the_targets_workflow_deploys() {
        let t = targets();
        let deployed = route(
            "workflow_run",
            &run("completed", "success", ".github/workflows/build.yml"),
            None,
            &t,
        )
        .unwrap();
        assert!(
            matches!(&deployed, Routing::Deploy(r) if r[0].target == "prod" && r[0].trigger == Trigger::WorkflowRun { delivery: None, run_id: 7 })
        );
        assert_eq!(
            route(
                "workflow_run",
                &run("completed", "failure", ".github/workflows/build.yml"),
                None,
                &t
            )
            .unwrap(),
            Routing::Ignored(
                "workflow run Build concluded failure: Hatoba deploys successful runs".into()
            )
        );
        assert!(matches!(
            route(
                "workflow_run",
                &run("requested", "", ".github/workflows/build.yml"),
                None,
                &t
            )
            .unwrap(),
            Routing::Ignored(_)
        ));
        assert!(matches!(
            route(
                "workflow_run",
                &run("completed", "success", ".github/workflows/test.yml"),
                None,
                &t
            )
            .unwrap(),
            Routing::Ignored(_)
        ));
    }

    #[test]
    fn deployments_route_by_environment_and_other_events_are_ignored() {
        let t = targets();
        let body = json!({"action": "created", "repository": {"full_name": "octo/shop", "name": "shop", "owner": {"login": "octo"}},
                          "deployment": {"id": 42, "sha": "c".repeat(40), "ref": "main", "environment": "production"}});
        match route("deployment", body.to_string().as_bytes(), None, &t).unwrap() {
            Routing::Deploy(r) => assert_eq!(r[0].trigger.github_deployment_id(), Some(42)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            route("ping", br#"{"zen":"z","hook_id":1}"#, None, &t).unwrap(),
            Routing::Ping
        );
        assert_eq!(
            route("star", b"{}", None, &t).unwrap(),
            Routing::Ignored("star events are not ones Hatoba deploys on".into())
        );
        assert!(route("push", b"{", None, &t).is_err());
    }
}
