//! Why a deployment did not succeed, told from what ECS and the container's log say: which
//! stopped tasks will not heal by trying again (the fail-fast rule), the one sentence that names
//! the cause, and the log lines worth keeping.

use super::record::{Deployment, Failure, StoppedContainer, StoppedTask};
use crate::aws::ecs;

/// The most log lines kept.
pub const MAX_LOG_LINES: usize = 20;
/// The most log text kept, in bytes, over all lines.
pub const MAX_LOG_BYTES: usize = 4096;
/// The most stopped tasks kept in a record.
pub const MAX_STOPPED_TASKS: usize = 5;
/// The most service events kept in a record.
pub const MAX_EVENTS: usize = 10;

/// What stopped a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The image could not be pulled (`CannotPullContainerError`).
    Pull,
    /// The task could not be set up: secrets, the log group, the network interface
    /// (`ResourceInitializationError`).
    Setup,
    /// A container ran out of memory (exit 137 with `OutOfMemoryError`).
    OutOfMemory,
    /// An essential container exited with a code other than 0.
    Exit,
    /// The task failed its container or load balancer health checks.
    Health,
    /// Anything else (scaled in, replaced, stopped by a person).
    Other,
}

impl Cause {
    /// Whether tasks stopped for this cause will stop again, whatever ECS retries: the fail-fast
    /// rule stops a rollout after enough of them.
    pub fn is_lasting(self) -> bool {
        matches!(
            self,
            Cause::Pull | Cause::Setup | Cause::OutOfMemory | Cause::Exit
        )
    }
}

impl From<ecs::Task> for StoppedTask {
    fn from(t: ecs::Task) -> Self {
        StoppedTask {
            task_arn: t.task_arn,
            stop_code: t.stop_code,
            stopped_reason: t.stopped_reason,
            stopped_at: t.stopped_at,
            containers: t
                .containers
                .into_iter()
                .map(|c| StoppedContainer {
                    name: c.name,
                    exit_code: c.exit_code,
                    reason: c.reason,
                })
                .collect(),
        }
    }
}

/// The container a task failed by: the first that exited with a code other than 0, else the
/// first with a reason.
pub fn failing_container(task: &StoppedTask) -> Option<&StoppedContainer> {
    task.containers
        .iter()
        .find(|c| c.exit_code.is_some_and(|code| code != 0))
        .or_else(|| task.containers.iter().find(|c| c.reason.is_some()))
}

/// Why `task` stopped.
pub fn cause(task: &StoppedTask) -> Cause {
    let reason = task.stopped_reason.as_deref().unwrap_or("");
    let has = |needle: &str| {
        reason.contains(needle)
            || task
                .containers
                .iter()
                .any(|c| c.reason.as_deref().is_some_and(|r| r.contains(needle)))
    };
    if has("CannotPullContainer") || has("pull image") {
        Cause::Pull
    } else if has("ResourceInitializationError") {
        Cause::Setup
    } else if has("OutOfMemory") {
        Cause::OutOfMemory
    } else if reason.contains("health check") {
        Cause::Health
    } else if task.stop_code.as_deref() == Some("EssentialContainerExited")
        && failing_container(task).is_some_and(|c| c.exit_code.is_some_and(|code| code != 0))
    {
        if failing_container(task).and_then(|c| c.exit_code) == Some(137) && has("memory") {
            Cause::OutOfMemory
        } else {
            Cause::Exit
        }
    } else {
        Cause::Other
    }
}

/// How many of `tasks` stopped for a cause that will not heal.
pub fn lasting_failures(tasks: &[StoppedTask]) -> usize {
    tasks.iter().filter(|t| cause(t).is_lasting()).count()
}

/// The task that tells best why the deployment failed: the newest with a lasting cause, else
/// one that failed its health checks, else the newest.
pub fn telling_task(tasks: &[StoppedTask]) -> Option<&StoppedTask> {
    tasks
        .iter()
        .find(|t| cause(t).is_lasting())
        .or_else(|| tasks.iter().find(|t| cause(t) == Cause::Health))
        .or_else(|| tasks.first())
}

/// The cause of `task`'s stop in a few words, with the log's last line when a container exited:
/// `web exited 1: "DATABASE_URL is not set"`, `CannotPullContainerError: …web:1a2b3c4: not
/// found`, `web ran out of memory (exit 137)`.
pub fn cause_text(task: &StoppedTask, last_log_line: Option<&str>) -> String {
    let reason = task.stopped_reason.as_deref().unwrap_or("");
    let container = failing_container(task);
    let name = container.map_or("the task", |c| c.name.as_str());
    match cause(task) {
        Cause::Pull | Cause::Setup => {
            let text = if reason.contains("Error") {
                reason
            } else {
                container
                    .and_then(|c| c.reason.as_deref())
                    .unwrap_or(reason)
            };
            elide(text, 100)
        }
        Cause::OutOfMemory => format!("{name} ran out of memory (exit 137)"),
        Cause::Exit => {
            let code = container.and_then(|c| c.exit_code).unwrap_or_default();
            match last_log_line.map(str::trim).filter(|l| !l.is_empty()) {
                Some(line) => format!("{name} exited {code}: \"{}\"", elide(line, 80)),
                None => format!("{name} exited {code}"),
            }
        }
        // The start says which checks ("Task failed ELB health checks in (target-group ...").
        Cause::Health => format!("{name} failed its health checks ({})", head(reason, 60)),
        Cause::Other if reason.is_empty() => format!("{name} stopped"),
        Cause::Other => elide(reason, 100),
    }
}

/// The start of `text` in at most `max` characters, an ellipsis ending what was cut.
pub fn head(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

/// `text` in at most `max` characters: the start up to its first `: `, an ellipsis, and as
/// much of the end as fits (the end of an ECS reason names what is missing).
pub fn elide(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = match text.split_once(": ") {
        Some((head, _)) if head.chars().count() < max / 2 => format!("{head}: …"),
        _ => "…".to_owned(),
    };
    let room = max.saturating_sub(head.chars().count());
    let tail: Vec<char> = text.chars().rev().take(room).collect();
    head + &tail.into_iter().rev().collect::<String>()
}

/// The summary of a failure: `CAUSE (ENDING)`, or `Stopped early after N tasks failed: CAUSE`
/// for a rollout Hatoba stopped (an ending that says so), or `fallback` when no task tells a
/// cause.
pub fn summary(cause: Option<&str>, ending: &str, fallback: &str) -> String {
    match cause {
        Some(cause) if ending.starts_with("stopped early") => format!("S{}: {cause}", &ending[1..]),
        Some(cause) if ending.is_empty() => cause.to_owned(),
        Some(cause) => format!("{cause} ({ending})"),
        None => fallback.to_owned(),
    }
}

/// The last lines of a log worth keeping: at most [`MAX_LOG_LINES`], together at most
/// [`MAX_LOG_BYTES`] (the newest kept), each without its line ending.
pub fn last_lines(messages: &[String]) -> Vec<String> {
    let mut kept = Vec::new();
    let mut bytes = 0;
    for message in messages.iter().rev() {
        let line = message.trim_end_matches(['\n', '\r']);
        if kept.len() == MAX_LOG_LINES || bytes + line.len() > MAX_LOG_BYTES {
            break;
        }
        bytes += line.len();
        kept.push(line.to_owned());
    }
    kept.reverse();
    kept
}

/// The log stream of `container` in `task_arn` under the awslogs `prefix`:
/// `PREFIX/CONTAINER/TASK_ID`.
pub fn log_stream(prefix: &str, container: &str, task_arn: &str) -> String {
    let task_id = task_arn.rsplit('/').next().unwrap_or(task_arn);
    format!("{prefix}/{container}/{task_id}")
}

/// Where `container` of `task_definition` logs with `awslogs`: its group, stream prefix and
/// region (none when it logs otherwise or names no prefix, without which the stream cannot
/// be named).
pub fn awslogs_of(
    task_definition: &serde_json::Value,
    container: &str,
) -> Option<(String, String, Option<String>)> {
    let c = task_definition["containerDefinitions"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == container)?;
    let config = &c["logConfiguration"];
    if config["logDriver"] != "awslogs" {
        return None;
    }
    let option = |key: &str| config["options"][key].as_str().map(str::to_owned);
    Some((
        option("awslogs-group")?,
        option("awslogs-stream-prefix")?,
        option("awslogs-region"),
    ))
}

/// Why a deployment did not succeed, from the record's evidence: the cause and how the rollout
/// ended (each when what is printed before does not say it already), the stopped tasks with each
/// container's exit code and reason, the service's events, the failing container's last log
/// lines, and what could not be read. `None` when there is no evidence (a deployment that
/// succeeded, or one whose evidence is still being read).
pub fn evidence_text(d: &Deployment) -> Option<String> {
    let f = Failure::from_json(d.failure.as_ref()?).ok()?;
    let mut text = String::new();
    if f.summary != d.description {
        text.push_str(&format!("Cause: {}\n", f.summary));
    }
    if !f.ending.is_empty() && !f.summary.contains(&f.ending) {
        text.push_str(&format!("The rollout {}.\n", f.ending));
    }
    if !f.stopped_tasks.is_empty() {
        text.push_str("Stopped tasks, newest first (UTC):\n");
        for t in &f.stopped_tasks {
            let id = t.task_arn.rsplit('/').next().unwrap_or_default();
            let at = t.stopped_at.map(clock_time).unwrap_or_default();
            let why = [t.stop_code.as_deref(), t.stopped_reason.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            text.push_str(&format!("  {id}  {at}  {why}\n"));
            for c in &t.containers {
                text.push_str(&format!("    {}", c.name));
                if let Some(code) = c.exit_code {
                    text.push_str(&format!("  exit {code}"));
                }
                if let Some(reason) = &c.reason {
                    text.push_str(&format!("  {reason}"));
                }
                text.push('\n');
            }
        }
    }
    if !f.events.is_empty() {
        text.push_str("Service events (UTC):\n");
        for e in &f.events {
            text.push_str(&format!("  {}  {}\n", clock_time(e.at), e.message));
        }
    }
    if let Some(l) = &f.logs {
        text.push_str(&format!("Log {} {}:\n", l.group, l.stream));
        for line in &l.lines {
            text.push_str(&format!("  | {line}\n"));
        }
    }
    if !f.missing.is_empty() {
        text.push_str(&format!("Not read: {}.\n", f.missing.join("; ")));
    }
    Some(text)
}

/// `16:38:51`: the time of day (UTC) of `millis` since the epoch.
fn clock_time(millis: u64) -> String {
    crate::time::format(millis)[11..19].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(
        code: &str,
        reason: &str,
        containers: &[(&str, Option<i64>, Option<&str>)],
    ) -> StoppedTask {
        StoppedTask {
            task_arn: "arn:aws:ecs:eu-west-1:123456789012:task/stg/0f1e2d3c4b5a".into(),
            stop_code: Some(code.into()),
            stopped_reason: Some(reason.into()),
            stopped_at: Some(1),
            containers: containers
                .iter()
                .map(|(name, exit_code, reason)| StoppedContainer {
                    name: (*name).into(),
                    exit_code: *exit_code,
                    reason: reason.map(Into::into),
                })
                .collect(),
        }
    }

    #[test]
    fn each_cause_is_told_apart_and_only_lasting_ones_count_for_fail_fast() {
        let pull = task(
            "TaskFailedToStart",
            "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1a2b3c4: not found",
            &[("web", None, None)],
        );
        let secret = task(
            "TaskFailedToStart",
            "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: AccessDeniedException",
            &[("web", None, None)],
        );
        let crash = task(
            "EssentialContainerExited",
            "Essential container in task exited",
            &[("web", Some(1), None), ("sidecar", Some(0), None)],
        );
        let oom = task(
            "EssentialContainerExited",
            "Essential container in task exited",
            &[(
                "web",
                Some(137),
                Some("OutOfMemoryError: Container killed due to memory usage"),
            )],
        );
        let health = task(
            "ServiceSchedulerInitiated",
            "Task failed container health checks",
            &[("web", Some(143), None)],
        );
        let scaled = task(
            "ServiceSchedulerInitiated",
            "Scaling activity initiated by (deployment ecs-svc/1)",
            &[("web", Some(0), None)],
        );
        let causes: Vec<Cause> = [&pull, &secret, &crash, &oom, &health, &scaled]
            .map(cause)
            .to_vec();
        assert_eq!(
            causes,
            [
                Cause::Pull,
                Cause::Setup,
                Cause::Exit,
                Cause::OutOfMemory,
                Cause::Health,
                Cause::Other
            ]
        );
        assert_eq!(
            lasting_failures(&[pull.clone(), health.clone(), scaled.clone(), crash.clone()]),
            2
        );
        assert_eq!(
            cause_text(&crash, Some("DATABASE_URL is not set\n")),
            "web exited 1: \"DATABASE_URL is not set\""
        );
        assert_eq!(cause_text(&crash, None), "web exited 1");
        assert_eq!(cause_text(&oom, None), "web ran out of memory (exit 137)");
        assert_eq!(
            cause_text(&health, None),
            "web failed its health checks (Task failed container health checks)"
        );
        let pulled = cause_text(&pull, None);
        assert!(
            pulled.starts_with("CannotPullContainerError: …"),
            "{pulled}"
        );
        assert!(pulled.ends_with("web:1a2b3c4: not found"), "{pulled}");
        assert!(pulled.chars().count() <= 100, "{pulled}");
        // The telling task is the lasting one even when a scaled-in task is newer.
        assert_eq!(
            telling_task(&[scaled, health.clone(), crash.clone()]),
            Some(&crash)
        );
        assert_eq!(telling_task(std::slice::from_ref(&health)), Some(&health));
    }

    #[test]
    fn summaries_name_the_cause_and_how_the_rollout_ended() {
        assert_eq!(
            summary(
                Some("web exited 1: \"DATABASE_URL is not set\""),
                "rolled back to web:41",
                "x"
            ),
            "web exited 1: \"DATABASE_URL is not set\" (rolled back to web:41)"
        );
        assert_eq!(
            summary(
                Some("CannotPullContainerError: …not found"),
                "stopped early after 2 tasks failed",
                "x"
            ),
            "Stopped early after 2 tasks failed: CannotPullContainerError: …not found"
        );
        assert_eq!(
            summary(None, "failed", "Rollout failed: x"),
            "Rollout failed: x"
        );
    }

    #[test]
    fn the_last_lines_keep_the_newest_within_twenty_lines_and_four_kilobytes() {
        let many: Vec<String> = (0..50).map(|i| format!("line {i}\n")).collect();
        let kept = last_lines(&many);
        assert_eq!(kept.len(), 20);
        assert_eq!(kept[0], "line 30");
        assert_eq!(kept[19], "line 49");
        let long: Vec<String> = (0..5).map(|i| format!("{i}{}", "x".repeat(1500))).collect();
        let kept = last_lines(&long);
        assert_eq!(kept.len(), 2);
        assert!(kept[1].starts_with('4'));
        assert!(kept.iter().map(String::len).sum::<usize>() <= MAX_LOG_BYTES);
    }

    #[test]
    fn the_stream_and_the_awslogs_settings_are_read_from_the_task_definition() {
        assert_eq!(
            log_stream(
                "ecs",
                "web",
                "arn:aws:ecs:eu-west-1:123456789012:task/stg/0f1e2d3c"
            ),
            "ecs/web/0f1e2d3c"
        );
        let td = serde_json::json!({"containerDefinitions": [
            {"name": "web", "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs", "awslogs-region": "eu-west-1"}}},
            {"name": "sidecar", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}},
            {"name": "proxy", "logConfiguration": {"logDriver": "json-file"}}
        ]});
        assert_eq!(
            awslogs_of(&td, "web"),
            Some(("/ecs/web".into(), "ecs".into(), Some("eu-west-1".into())))
        );
        assert_eq!(awslogs_of(&td, "sidecar"), None);
        assert_eq!(awslogs_of(&td, "proxy"), None);
        assert_eq!(awslogs_of(&td, "nope"), None);
    }

    #[test]
    fn a_load_balancers_health_check_keeps_which_checks_failed() {
        let elb = task(
            "ServiceSchedulerInitiated",
            "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef)",
            &[("web", Some(143), None)],
        );
        let text = cause_text(&elb, None);
        assert!(
            text.starts_with("web failed its health checks (Task failed ELB health checks in"),
            "{text}"
        );
        assert!(text.ends_with("…)"), "{text}");
    }

    #[test]
    fn elision_keeps_the_error_name_and_the_end() {
        assert_eq!(elide("short", 10), "short");
        let e = elide(
            "Error: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa the end",
            20,
        );
        assert!(
            e.starts_with("Error: …") && e.ends_with("the end") && e.chars().count() <= 20,
            "{e}"
        );
    }
}
