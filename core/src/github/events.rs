//! The webhook events Hatoba acts on, typed: tolerant of fields it does not use (GitHub adds
//! them all the time), strict on the ones it does, with errors naming the JSON path.

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;

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
    Ok(match event {
        "ping" => Event::Ping(parse(event, body)?),
        "push" => Event::Push(parse(event, body)?),
        "workflow_run" => Event::WorkflowRun(parse(event, body)?),
        "deployment" => Event::Deployment(parse(event, body)?),
        other => Event::Other(other.to_owned()),
    })
}

#[cfg(feature = "json-paths")]
fn parse<T: DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, EventError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        EventError {
            event: event.to_owned(),
            // "." is the root and "?" an unknown place (a syntax error): no path to name.
            path: if path == "." || path == "?" {
                String::new()
            } else {
                path
            },
            message: e.into_inner().to_string(),
        }
    })
}

/// Without `json-paths` (the worker, for its size) the error names the line and column only.
#[cfg(not(feature = "json-paths"))]
fn parse<T: DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, EventError> {
    serde_json::from_slice(body).map_err(|e| EventError {
        event: event.to_owned(),
        path: String::new(),
        message: e.to_string(),
    })
}

/// A commit sha as Git writes it: 40 hex digits (64 in a SHA-256 repository). A deploy names
/// its image tag, its status URL and its record after it, so nothing else gets that far.
fn commit_sha<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text)
    } else {
        let shown: String = text.chars().take(80).collect();
        Err(serde::de::Error::custom(format!(
            "\"{shown}\" is not a commit sha: expected 40 hex digits"
        )))
    }
}

/// A repository, as events name it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Repository {
    /// `owner/name`.
    pub full_name: String,
    /// The name alone.
    pub name: String,
    /// Its owner.
    #[serde(default)]
    pub owner: Account,
    /// Its web page.
    #[serde(default)]
    pub html_url: String,
    /// The default branch, when the event says.
    #[serde(default)]
    pub default_branch: Option<String>,
}

/// A user or organization. Push payloads name a repository's owner as a commit author does
/// (`name` and `email`, no `login`), so every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Account {
    /// The login.
    #[serde(default)]
    pub login: Option<String>,
    /// The name (push payloads).
    #[serde(default)]
    pub name: Option<String>,
}

/// The GitHub App installation a delivery came through, when it came through one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Installation {
    /// The installation id (for an installation token).
    pub id: u64,
}

/// `ping`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Ping {
    /// GitHub's zen of the day.
    pub zen: String,
    /// The webhook's id.
    pub hook_id: u64,
    /// The repository, for a repository webhook.
    #[serde(default)]
    pub repository: Option<Repository>,
}

/// `push`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Push {
    /// `refs/heads/main` or `refs/tags/v1`.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The commit before the push.
    pub before: String,
    /// The commit after the push (all zeros when the branch was deleted).
    #[serde(deserialize_with = "commit_sha")]
    pub after: String,
    /// Whether the push deleted the ref.
    #[serde(default)]
    pub deleted: bool,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    #[serde(default)]
    pub installation: Option<Installation>,
    /// The newest commit pushed (none for a deletion).
    #[serde(default)]
    pub head_commit: Option<Commit>,
}

/// A commit, as push and workflow_run events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Commit {
    /// Its sha.
    #[serde(default)]
    pub id: String,
    /// When it was committed: `2019-05-15T15:20:41-07:00` (ISO 8601 with an offset).
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl Push {
    /// The branch pushed to, if a branch was (`main` for `refs/heads/main`).
    pub fn branch(&self) -> Option<&str> {
        self.git_ref.strip_prefix("refs/heads/")
    }
}

/// `workflow_run`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkflowRunEvent {
    /// `requested`, `in_progress` or `completed`.
    pub action: String,
    /// The run.
    pub workflow_run: WorkflowRun,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    #[serde(default)]
    pub installation: Option<Installation>,
}

/// A workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkflowRun {
    /// The run id.
    pub id: u64,
    /// The workflow's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The commit the run built.
    #[serde(deserialize_with = "commit_sha")]
    pub head_sha: String,
    /// The branch, when the run is for one.
    #[serde(default)]
    pub head_branch: Option<String>,
    /// `queued`, `in_progress`, `completed`, ...
    pub status: String,
    /// `success`, `failure`, ... once completed.
    #[serde(default)]
    pub conclusion: Option<String>,
    /// The event that started it (`push`, `workflow_dispatch`, ...).
    pub event: String,
    /// Its page.
    pub html_url: String,
    /// The workflow file (`.github/workflows/build.yml`).
    #[serde(default)]
    pub path: Option<String>,
    /// The commit the run built.
    #[serde(default)]
    pub head_commit: Option<Commit>,
}

/// `deployment`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeploymentEvent {
    /// `created`.
    pub action: String,
    /// The deployment.
    pub deployment: Deployment,
    /// The repository.
    pub repository: Repository,
    /// The installation, for a GitHub App.
    #[serde(default)]
    pub installation: Option<Installation>,
}

/// A GitHub deployment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deployment {
    /// Its id (deployment statuses go to it).
    pub id: u64,
    /// The commit to deploy.
    #[serde(deserialize_with = "commit_sha")]
    pub sha: String,
    /// The ref it was made for.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The environment (`production`, ...).
    pub environment: String,
    /// `deploy` or a custom task.
    #[serde(default)]
    pub task: Option<String>,
    /// Extra data set by whoever created it.
    #[serde(default)]
    pub payload: serde_json::Value,
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
            "push event: at `repository.full_name`: invalid type: null, expected a string at line 1 column 119"
        );
        let body = br#"{"ref":"refs/heads/main","before":"a","after":"../../etc","repository":{"full_name":"o/r","name":"r","owner":{"login":"o"}}}"#;
        assert_eq!(
            parse_event("push", body).unwrap_err().to_string(),
            "push event: at `after`: \"../../etc\" is not a commit sha: expected 40 hex digits at line 1 column 57"
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
            "ping event: missing field `hook_id` at line 1 column 11"
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
            },
            installation: None,
            head_commit: None,
        };
        assert_eq!(push("refs/heads/release/1.2").branch(), Some("release/1.2"));
        assert_eq!(push("refs/tags/v1").branch(), None);
    }
}
