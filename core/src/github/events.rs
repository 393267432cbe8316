//! The webhook events Hatoba acts on, typed: tolerant of fields it does not use (GitHub adds
//! them all the time), strict on the ones it does, with errors naming the JSON path.
//!
//! Read by hand from a `serde_json::Value` rather than derived: the worker already carries the
//! `Value` reader, each field's path comes for free, and the derived readers of these types were
//! the largest part of the worker's event code.

use std::fmt;

use serde_json::Value;

use crate::fields::{FieldError, Obj, kind};

/// The header naming the event.
pub const EVENT_HEADER: &str = "X-GitHub-Event";
/// The header carrying the delivery's unique id (the same on a redelivery).
pub const DELIVERY_HEADER: &str = "X-GitHub-Delivery";

/// A webhook event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Sent when a webhook is created.
    Ping(Ping),
    /// Commits pushed to a branch or tag.
    Push(Push),
    /// A workflow run was requested, started or completed.
    WorkflowRun(WorkflowRunEvent),
    /// A deployment was created.
    Deployment(DeploymentEvent),
    /// A pull request opened or pushed to, or a check suite or run of one asked for.
    Review(ReviewEvent),
    /// Any other event: acknowledged and ignored.
    Other(String),
}

/// Why a delivery's body could not be read as its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// The event name (`push`, ...).
    pub event: String,
    /// The JSON path of the offending field (`repository.full_name`), empty for the whole body.
    pub path: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} event: {}", self.event, self.message)
        } else {
            write!(
                f,
                "{} event: at `{}`: {}",
                self.event, self.path, self.message
            )
        }
    }
}

impl std::error::Error for EventError {}

/// Reads a delivery: `event` is the `X-GitHub-Event` header, `body` the JSON payload.
pub fn parse_event(event: &str, body: &[u8]) -> Result<Event, EventError> {
    let read: fn(&Obj) -> Result<Event, FieldError> = match event {
        "ping" => |o| Ping::read(o).map(Event::Ping),
        "push" => |o| Push::read(o).map(Event::Push),
        "workflow_run" => |o| WorkflowRunEvent::read(o).map(Event::WorkflowRun),
        "deployment" => |o| DeploymentEvent::read(o).map(Event::Deployment),
        "pull_request" => |o| ReviewEvent::read(o, "pull_request").map(Event::Review),
        "check_suite" => |o| ReviewEvent::read(o, "check_suite").map(Event::Review),
        "check_run" => |o| ReviewEvent::read(o, "check_run").map(Event::Review),
        other => return Ok(Event::Other(other.to_owned())),
    };
    let fail = |path: &str, message: String| EventError {
        event: event.to_owned(),
        path: path.to_owned(),
        message,
    };
    let value: Value = serde_json::from_slice(body).map_err(|e| fail("", e.to_string()))?;
    let Value::Object(map) = &value else {
        return Err(fail(
            "",
            format!("the body is {}: expected a JSON object", kind(&value)),
        ));
    };
    read(&Obj::root(map)).map_err(|e| fail(&e.path, e.message))
}

impl Obj<'_> {
    /// A commit sha as Git writes it: 40 hex digits (64 in a SHA-256 repository). A deploy names
    /// its image tag, its status URL and its record after it, so nothing else gets that far.
    fn commit_sha(&self, key: &str) -> Result<String, FieldError> {
        let text = self.string(key)?;
        if matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(text)
        } else {
            let shown: String = text.chars().take(80).collect();
            Err(self.error(
                key,
                format!("\"{shown}\" is not a commit sha: expected 40 hex digits"),
            ))
        }
    }

    fn repository(&self) -> Result<Repository, FieldError> {
        Repository::read(&self.object("repository")?)
    }

    fn installation(&self) -> Result<Option<Installation>, FieldError> {
        self.opt_object("installation")?
            .map(|i| Ok(Installation { id: i.id("id")? }))
            .transpose()
    }

    fn commit(&self, key: &str) -> Result<Option<Commit>, FieldError> {
        self.opt_object(key)?
            .map(|c| {
                Ok(Commit {
                    id: c.opt_string("id")?.unwrap_or_default(),
                    timestamp: c.opt_string("timestamp")?,
                })
            })
            .transpose()
    }
}

/// A repository, as events name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// `owner/name`.
    pub full_name: String,
    /// The name alone.
    pub name: String,
    /// Its owner.
    pub owner: Account,
    /// Its web page.
    pub html_url: String,
    /// The default branch, when the event says.
    pub default_branch: Option<String>,
    /// When anything was last pushed to it (ms since the epoch), when the event says: GitHub's
    /// clock, where a commit's date is whatever its author wrote.
    pub pushed_at: Option<u64>,
}

/// A user or organization. Push payloads name a repository's owner as a commit author does
/// (`name` and `email`, no `login`), so every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// The login.
    pub login: Option<String>,
    /// The name (push payloads).
    pub name: Option<String>,
}

/// The GitHub App installation a delivery came through, when it came through one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    /// The installation id (for an installation token).
    pub id: u64,
}

/// `ping`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ping {
    /// GitHub's zen of the day.
    pub zen: String,
    /// The webhook's id.
    pub hook_id: u64,
    /// The repository, for a repository webhook.
    pub repository: Option<Repository>,
}

/// `push`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// `refs/heads/main` or `refs/tags/v1`.
    pub git_ref: String,
    /// The commit before the push.
    pub before: String,
    /// The commit after the push (all zeros when the branch was deleted).
    pub after: String,
    /// Whether the push deleted the ref.
    pub deleted: bool,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    pub installation: Option<Installation>,
    /// The newest commit pushed (none for a deletion).
    pub head_commit: Option<Commit>,
}

/// A commit, as push and workflow_run events describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Its sha.
    pub id: String,
    /// When it was committed: `2019-05-15T15:20:41-07:00` (ISO 8601 with an offset).
    pub timestamp: Option<String>,
}

impl Push {
    /// The branch pushed to, if a branch was (`main` for `refs/heads/main`).
    pub fn branch(&self) -> Option<&str> {
        self.git_ref.strip_prefix("refs/heads/")
    }
}

/// `workflow_run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRunEvent {
    /// `requested`, `in_progress` or `completed`.
    pub action: String,
    /// The run.
    pub workflow_run: WorkflowRun,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    pub installation: Option<Installation>,
}

/// A workflow run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    /// The run id.
    pub id: u64,
    /// The workflow's name.
    pub name: Option<String>,
    /// The commit the run built.
    pub head_sha: String,
    /// The branch, when the run is for one.
    pub head_branch: Option<String>,
    /// `queued`, `in_progress`, `completed`, ...
    pub status: String,
    /// `success`, `failure`, ... once completed.
    pub conclusion: Option<String>,
    /// The event that started it (`push`, `workflow_dispatch`, ...).
    pub event: String,
    /// Its page.
    pub html_url: String,
    /// The workflow file (`.github/workflows/build.yml`).
    pub path: Option<String>,
    /// The commit the run built.
    pub head_commit: Option<Commit>,
}

/// `deployment`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentEvent {
    /// `created`.
    pub action: String,
    /// The deployment.
    pub deployment: Deployment,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    pub installation: Option<Installation>,
}

/// A GitHub deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// Its id (deployment statuses go to it).
    pub id: u64,
    /// The commit to deploy.
    pub sha: String,
    /// The ref it was made for.
    pub git_ref: String,
    /// The environment (`production`, ...).
    pub environment: String,
    /// `deploy` or a custom task.
    pub task: Option<String>,
    /// Extra data set by whoever created it.
    pub payload: serde_json::Value,
}

/// `pull_request`, `check_suite` or `check_run`: the pull request's head commit, and what
/// happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEvent {
    /// `pull_request`, `check_suite` or `check_run`.
    pub event: &'static str,
    /// `opened`, `synchronize`, `rerequested`, `requested_action`, ...
    pub action: String,
    /// The repository.
    pub repository: Repository,
    /// The pull request's number: of the pull request, or the first a check suite or run
    /// belongs to (none for a branch without one, or a fork's).
    pub number: Option<u64>,
    /// The head commit.
    pub head_sha: String,
    /// A check run's name.
    pub check_name: Option<String>,
    /// A check run's `external_id`.
    pub external_id: Option<String>,
    /// A check run's id.
    pub check_run_id: Option<u64>,
    /// The action button a person pressed on a check run (`requested_action.identifier`).
    pub requested_action: Option<String>,
    /// Who caused the event (`sender.login`).
    pub sender: Option<String>,
    /// The pull request comes from a fork: its head is in another repository.
    pub fork: bool,
}

impl ReviewEvent {
    fn read(o: &Obj, event: &'static str) -> Result<Self, FieldError> {
        // The first pull request of a check suite or run, and whether it comes from a fork
        // (its head in another repository than its base).
        let first_pull = |c: &Obj| -> Result<(Option<u64>, bool), FieldError> {
            let pulls = c.list("pull_requests", |p| {
                let repo_id = |side: &str| -> Result<Option<u64>, FieldError> {
                    match p.opt_object(side)? {
                        Some(s) => Ok(s
                            .opt_object("repo")?
                            .map(|r| r.opt_id("id"))
                            .transpose()?
                            .flatten()),
                        None => Ok(None),
                    }
                };
                let (head, base) = (repo_id("head")?, repo_id("base")?);
                Ok((
                    p.id("number")?,
                    head.is_some() && base.is_some() && head != base,
                ))
            })?;
            Ok(pulls
                .first()
                .map_or((None, false), |(n, fork)| (Some(*n), *fork)))
        };
        let repository = o.repository()?;
        let (number, head_sha, check_name, external_id, check_run_id, fork) = match event {
            "pull_request" => {
                let pr = o.object("pull_request")?;
                let head = pr.object("head")?;
                // A fork's head names its own repository (none once the fork is deleted).
                let from = head
                    .opt_object("repo")?
                    .map(|r| r.opt_string("full_name"))
                    .transpose()?
                    .flatten();
                let fork = !from.is_some_and(|f| f.eq_ignore_ascii_case(&repository.full_name));
                (
                    Some(pr.id("number")?),
                    head.commit_sha("sha")?,
                    None,
                    None,
                    None,
                    fork,
                )
            }
            _ => {
                let c = o.object(event)?;
                let names = event == "check_run";
                let (number, fork) = first_pull(&c)?;
                (
                    number,
                    c.commit_sha("head_sha")?,
                    if names { c.opt_string("name")? } else { None },
                    if names {
                        c.opt_string("external_id")?
                    } else {
                        None
                    },
                    if names { c.opt_id("id")? } else { None },
                    fork,
                )
            }
        };
        Ok(Self {
            event,
            action: o.string("action")?,
            repository,
            fork,
            number,
            head_sha,
            check_name,
            external_id,
            check_run_id,
            requested_action: o
                .opt_object("requested_action")?
                .map(|a| a.string("identifier"))
                .transpose()?,
            sender: o
                .opt_object("sender")?
                .map(|s| s.opt_string("login"))
                .transpose()?
                .flatten(),
        })
    }
}

impl Repository {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let owner = match o.opt_object("owner")? {
            Some(a) => Account {
                login: a.opt_string("login")?,
                name: a.opt_string("name")?,
            },
            None => Account::default(),
        };
        Ok(Self {
            full_name: o.string("full_name")?,
            name: o.string("name")?,
            owner,
            html_url: o.opt_string("html_url")?.unwrap_or_default(),
            default_branch: o.opt_string("default_branch")?,
            // A push event gives seconds since the epoch; the other events an RFC 3339 time.
            pushed_at: o.optional("pushed_at", "a time", |v| match v {
                serde_json::Value::Number(n) => n.as_u64().map(|s| s.saturating_mul(1000)),
                serde_json::Value::String(s) => crate::time::parse_offset(s),
                _ => None,
            })?,
        })
    }
}

impl Ping {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            zen: o.string("zen")?,
            hook_id: o.id("hook_id")?,
            repository: o
                .opt_object("repository")?
                .map(|r| Repository::read(&r))
                .transpose()?,
        })
    }
}

impl Push {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            git_ref: o.string("ref")?,
            before: o.string("before")?,
            after: o.commit_sha("after")?,
            deleted: o
                .optional("deleted", "true or false", Value::as_bool)?
                .unwrap_or(false),
            repository: o.repository()?,
            installation: o.installation()?,
            head_commit: o.commit("head_commit")?,
        })
    }
}

impl WorkflowRunEvent {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let run = o.object("workflow_run")?;
        Ok(Self {
            action: o.string("action")?,
            workflow_run: WorkflowRun {
                id: run.id("id")?,
                name: run.opt_string("name")?,
                head_sha: run.commit_sha("head_sha")?,
                head_branch: run.opt_string("head_branch")?,
                status: run.string("status")?,
                conclusion: run.opt_string("conclusion")?,
                event: run.string("event")?,
                html_url: run.string("html_url")?,
                path: run.opt_string("path")?,
                head_commit: run.commit("head_commit")?,
            },
            repository: o.repository()?,
            installation: o.installation()?,
        })
    }
}

impl DeploymentEvent {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let d = o.object("deployment")?;
        Ok(Self {
            action: o.string("action")?,
            deployment: Deployment {
                id: d.id("id")?,
                sha: d.commit_sha("sha")?,
                git_ref: d.string("ref")?,
                environment: d.string("environment")?,
                task: d.opt_string("task")?,
                payload: d.map.get("payload").cloned().unwrap_or_default(),
            },
            repository: o.repository()?,
            installation: o.installation()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_events_are_acknowledged_not_parsed() {
        assert_eq!(
            parse_event("star", b"not even json").unwrap(),
            Event::Other("star".into())
        );
    }

    #[test]
    fn errors_name_the_event_and_the_json_path() {
        let body = br#"{"ref":"refs/heads/main","before":"a","after":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","repository":{"full_name":null,"name":"r","owner":{"login":"o"}}}"#;
        let err = parse_event("push", body).unwrap_err();
        assert_eq!(err.path, "repository.full_name");
        assert_eq!(
            err.to_string(),
            "push event: at `repository.full_name`: found null: expected a string"
        );
        let body = br#"{"ref":"refs/heads/main","before":"a","after":"../../etc","repository":{"full_name":"o/r","name":"r","owner":{"login":"o"}}}"#;
        assert_eq!(
            parse_event("push", body).unwrap_err().to_string(),
            "push event: at `after`: \"../../etc\" is not a commit sha: expected 40 hex digits"
        );
        let err = parse_event("push", b"{").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("push event: EOF while parsing an object"),
            "{err}"
        );
        let err = parse_event("ping", br#"{"zen":"z"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ping event: at `hook_id`: found nothing: expected a whole number"
        );
        let err = parse_event("ping", br#"[1]"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ping event: the body is an array: expected a JSON object"
        );
        let body = br#"{"action":"completed","workflow_run":{"id":-1},"repository":{}}"#;
        assert_eq!(
            parse_event("workflow_run", body).unwrap_err().to_string(),
            "workflow_run event: at `workflow_run.id`: found a number: expected a whole number"
        );
    }

    #[test]
    fn a_push_read_whole() {
        let sha = "0d3e5c8a9b1f2e4d6c7a8b9c0d1e2f3a4b5c6d7e";
        let body = format!(
            r#"{{"ref":"refs/heads/main","before":"{sha}","after":"{sha}","deleted":null,"repository":{{"full_name":"o/r","name":"r","owner":{{"name":"o","email":"o@example.com"}},"html_url":"https://example.com/o/r","default_branch":"main","extra":[1]}},"installation":{{"id":7}},"head_commit":{{"id":"{sha}","timestamp":"2026-11-29T12:00:00Z"}}}}"#
        );
        let Event::Push(push) = parse_event("push", body.as_bytes()).unwrap() else {
            panic!("not a push");
        };
        assert_eq!(push.branch(), Some("main"));
        assert_eq!(push.after, sha);
        assert!(!push.deleted);
        assert_eq!(push.repository.owner.login, None);
        assert_eq!(push.repository.owner.name.as_deref(), Some("o"));
        assert_eq!(push.repository.default_branch.as_deref(), Some("main"));
        assert_eq!(push.installation, Some(Installation { id: 7 }));
        assert_eq!(
            push.head_commit.unwrap().timestamp.as_deref(),
            Some("2026-11-29T12:00:00Z")
        );
    }

    #[test]
    fn branch_of_a_push() {
        let push = |r: &str| Push {
            git_ref: r.into(),
            before: String::new(),
            after: String::new(),
            deleted: false,
            repository: Repository {
                full_name: "o/r".into(),
                name: "r".into(),
                owner: Account::default(),
                html_url: String::new(),
                default_branch: None,
                pushed_at: None,
            },
            installation: None,
            head_commit: None,
        };
        assert_eq!(push("refs/heads/release/1.2").branch(), Some("release/1.2"));
        assert_eq!(push("refs/tags/v1").branch(), None);
    }
}
