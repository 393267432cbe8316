//! Reading a rollout from `DescribeServices`: whether the service deployment a deploy started
//! completed, failed, was rolled back by the circuit breaker, or still runs.

use crate::aws::ecs::Service;

/// Where the rollout of one service deployment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// Tasks are starting.
    InProgress {
        /// Tasks of the new deployment running.
        running: i64,
        /// Tasks wanted.
        desired: i64,
        /// Tasks that failed to start so far.
        failed: i64,
    },
    /// ECS says COMPLETED: the new revision runs at the desired count.
    Completed {
        /// Tasks running.
        running: i64,
        /// Tasks wanted.
        desired: i64,
    },
    /// ECS says FAILED and the service stays on the new revision.
    Failed {
        /// ECS's reason.
        reason: String,
    },
    /// The circuit breaker failed the deployment and the service went back to another revision.
    RolledBack {
        /// ECS's reason (`tasks failed to start`).
        reason: String,
        /// The revision the service is back on.
        to: String,
    },
    /// The deployment is gone and the service runs another revision (someone else deployed).
    Replaced {
        /// The revision the service runs.
        by: String,
    },
}

/// Evaluates `service` (one `DescribeServices` answer) for the deployment `deployment_id`, which
/// deploys `task_definition_arn`.
pub fn evaluate_rollout(
    service: &Service,
    deployment_id: &str,
    task_definition_arn: &str,
) -> Rollout {
    let other_primary = service.deployments.iter().find(|d| {
        d.status == "PRIMARY" && d.id != deployment_id && d.task_definition != task_definition_arn
    });
    let Some(ours) = service.deployments.iter().find(|d| d.id == deployment_id) else {
        return Rollout::Replaced {
            by: other_primary
                .map(|d| d.task_definition.clone())
                .unwrap_or_else(|| service.task_definition.clone()),
        };
    };
    let reason = || {
        ours.rollout_state_reason
            .clone()
            .unwrap_or_else(|| "no reason given".to_owned())
    };
    match ours.rollout_state.as_deref() {
        Some("COMPLETED") => Rollout::Completed {
            running: ours.running_count,
            desired: ours.desired_count,
        },
        Some("FAILED") => match other_primary {
            Some(back) => Rollout::RolledBack {
                reason: reason(),
                to: back.task_definition.clone(),
            },
            None => Rollout::Failed { reason: reason() },
        },
        _ if ours.status == "INACTIVE" || (ours.status != "PRIMARY" && other_primary.is_some()) => {
            Rollout::Replaced {
                by: other_primary
                    .map(|d| d.task_definition.clone())
                    .unwrap_or_else(|| service.task_definition.clone()),
            }
        }
        // Without a rollout state (an old service, another controller): steady when this is
        // the only deployment and all its tasks run.
        None if service.deployments.len() == 1
            && ours.desired_count > 0
            && ours.running_count >= ours.desired_count =>
        {
            Rollout::Completed {
                running: ours.running_count,
                desired: ours.desired_count,
            }
        }
        _ => Rollout::InProgress {
            running: ours.running_count,
            desired: ours.desired_count,
            failed: ours.failed_tasks,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ecs::Deployment;

    const NEW: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42";
    const OLD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41";

    fn deployment(
        id: &str,
        status: &str,
        td: &str,
        state: Option<&str>,
        reason: Option<&str>,
    ) -> Deployment {
        Deployment {
            id: id.into(),
            status: status.into(),
            task_definition: td.into(),
            desired_count: 2,
            running_count: 1,
            failed_tasks: 0,
            rollout_state: state.map(Into::into),
            rollout_state_reason: reason.map(Into::into),
        }
    }

    fn service(deployments: Vec<Deployment>) -> Service {
        Service {
            service_name: "web".into(),
            service_arn: String::new(),
            status: "ACTIVE".into(),
            task_definition: deployments[0].task_definition.clone(),
            desired_count: 2,
            running_count: 2,
            deployments,
        }
    }

    #[test]
    fn in_progress_then_completed() {
        let s = service(vec![
            deployment("ecs-svc/2", "PRIMARY", NEW, Some("IN_PROGRESS"), None),
            deployment("ecs-svc/1", "ACTIVE", OLD, Some("COMPLETED"), None),
        ]);
        assert_eq!(
            evaluate_rollout(&s, "ecs-svc/2", NEW),
            Rollout::InProgress {
                running: 1,
                desired: 2,
                failed: 0
            }
        );
        let s = service(vec![deployment(
            "ecs-svc/2",
            "PRIMARY",
            NEW,
            Some("COMPLETED"),
            None,
        )]);
        assert!(matches!(
            evaluate_rollout(&s, "ecs-svc/2", NEW),
            Rollout::Completed { .. }
        ));
    }

    #[test]
    fn the_circuit_breakers_rollback_is_told_apart_from_a_plain_failure() {
        // As ECS shows it: the failed deployment ACTIVE and FAILED, a new PRIMARY on the old
        // revision rolling back.
        let s = service(vec![
            deployment(
                "ecs-svc/3",
                "PRIMARY",
                OLD,
                Some("IN_PROGRESS"),
                Some("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
            ),
            deployment(
                "ecs-svc/2",
                "ACTIVE",
                NEW,
                Some("FAILED"),
                Some("ECS deployment circuit breaker: tasks failed to start."),
            ),
        ]);
        assert_eq!(
            evaluate_rollout(&s, "ecs-svc/2", NEW),
            Rollout::RolledBack {
                reason: "ECS deployment circuit breaker: tasks failed to start.".into(),
                to: OLD.into()
            }
        );
        let s = service(vec![deployment(
            "ecs-svc/2",
            "PRIMARY",
            NEW,
            Some("FAILED"),
            Some("tasks failed to start"),
        )]);
        assert_eq!(
            evaluate_rollout(&s, "ecs-svc/2", NEW),
            Rollout::Failed {
                reason: "tasks failed to start".into()
            }
        );
    }

    #[test]
    fn a_vanished_deployment_is_replaced_and_no_rollout_state_means_steady_when_all_run() {
        let s = service(vec![deployment(
            "ecs-svc/9",
            "PRIMARY",
            OLD,
            Some("IN_PROGRESS"),
            None,
        )]);
        assert_eq!(
            evaluate_rollout(&s, "ecs-svc/2", NEW),
            Rollout::Replaced { by: OLD.into() }
        );
        let mut d = deployment("ecs-svc/2", "PRIMARY", NEW, None, None);
        d.running_count = 2;
        assert!(matches!(
            evaluate_rollout(&service(vec![d.clone()]), "ecs-svc/2", NEW),
            Rollout::Completed { .. }
        ));
        d.running_count = 1;
        assert!(matches!(
            evaluate_rollout(&service(vec![d]), "ecs-svc/2", NEW),
            Rollout::InProgress { .. }
        ));
    }
}
