//! What a deploy tells GitHub: the commit status (`hatoba/<target>`) and, for a `deployment`
//! event, the deployment status, with a description under 140 characters that says what
//! happened and a link.

use super::record::{Deployment, State};
use super::target::{Target, short_sha};
use crate::github::api::{DeploymentState, StatusState};

/// The commit status state for a deployment state.
pub fn commit_state(state: State) -> StatusState {
    match state {
        State::Queued | State::InProgress | State::Paused => StatusState::Pending,
        State::Success => StatusState::Success,
        State::Failure => StatusState::Failure,
        State::Error | State::Superseded => StatusState::Error,
    }
}

/// The deployment status state for a deployment state.
pub fn deployment_state(state: State) -> DeploymentState {
    match state {
        State::Queued => DeploymentState::Queued,
        State::InProgress | State::Paused => DeploymentState::InProgress,
        State::Success => DeploymentState::Success,
        State::Failure => DeploymentState::Failure,
        State::Error => DeploymentState::Error,
        State::Superseded => DeploymentState::Inactive,
    }
}

/// `Deploying 1a2b3c4 to stg/web`.
pub fn pending_description(target: &Target, sha: &str) -> String {
    format!(
        "Deploying {} to {}/{}",
        short_sha(sha),
        target.cluster,
        target.service
    )
}

/// Where a status links: the deployment's page in Hatoba's UI when a public URL is known, else
/// the service in the ECS console.
pub fn target_url(target: &Target, deployment: &Deployment, public_url: Option<&str>) -> String {
    match public_url {
        Some(base) => format!(
            "{}/#/deployments/{}",
            base.trim_end_matches('/'),
            deployment.id
        ),
        None => target.console_url(),
    }
}

/// `30 min`, `90 s`, `1 h 5 min`: a wait as people say it.
pub fn duration_text(seconds: u64) -> String {
    match seconds {
        s if s < 120 && s % 60 != 0 || s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// The short name of a task-definition ARN: `web:42`.
pub fn revision_name(arn: &str) -> &str {
    arn.rsplit_once('/').map(|(_, name)| name).unwrap_or(arn)
}

/// ECS's rollout reason without its prefix and final period: `tasks failed to start`.
pub fn ecs_reason(reason: &str) -> &str {
    reason
        .trim()
        .trim_start_matches("ECS deployment circuit breaker:")
        .trim()
        .trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_text(1800), "30 min");
        assert_eq!(duration_text(900), "15 min");
        assert_eq!(duration_text(90), "90 s");
        assert_eq!(duration_text(5), "5 s");
        assert_eq!(duration_text(3600), "1 h");
        assert_eq!(duration_text(3900), "1 h 5 min");
    }

    #[test]
    fn names_and_reasons_are_shortened() {
        assert_eq!(
            revision_name("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42"),
            "web:42"
        );
        assert_eq!(
            ecs_reason("ECS deployment circuit breaker: tasks failed to start."),
            "tasks failed to start"
        );
        assert_eq!(commit_state(State::Superseded), StatusState::Error);
        assert_eq!(
            deployment_state(State::InProgress),
            DeploymentState::InProgress
        );
    }
}
