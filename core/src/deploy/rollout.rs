//! Reading a rollout: from ECS's service deployment when the service has them (its status is
//! ECS's verdict), else from `DescribeServices`: whether the deployment a deploy started
//! completed, failed, was rolled back, waits at a paused hook, or still runs.

use crate::aws::ecs::{Service, ServiceDeployment};

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
    /// ECS holds the deployment at a PAUSE lifecycle hook until someone answers it.
    Paused {
        /// The lifecycle stage: `TEST_TRAFFIC_SHIFT`, ...
        stage: String,
        /// The hook's id.
        hook_id: String,
        /// When the hook times out (milliseconds since the epoch).
        expires_at: Option<u64>,
    },
}

/// Evaluates ECS's service deployment `sd`: SUCCESSFUL is success; STOPPED a failure; any
/// ROLLBACK_ status a rollback to `previous` (the revision the service ran before); a PAUSE
/// hook awaiting action a pause; anything else in progress. A rollback ECS gives no reason for
/// yet (it is only requested) is said by the lifecycle stage it left, when there is one.
pub fn evaluate_service_deployment(sd: &ServiceDeployment, previous: &str) -> Rollout {
    let reason = || {
        sd.status_reason
            .clone()
            .or_else(|| sd.rollback_reason.clone())
            .or_else(|| {
                let stage = sd.lifecycle_stage.as_deref()?;
                sd.status
                    .starts_with("ROLLBACK_")
                    .then(|| format!("Rolled back in {stage}"))
            })
            .unwrap_or_else(|| "no reason given".to_owned())
    };
    match sd.status.as_str() {
        "SUCCESSFUL" => Rollout::Completed {
            running: sd.running,
            desired: sd.requested,
        },
        "STOPPED" => Rollout::Failed { reason: reason() },
        status if status.starts_with("ROLLBACK_") => Rollout::RolledBack {
            reason: reason(),
            to: previous.to_owned(),
        },
        _ => match sd
            .hooks
            .iter()
            .find(|h| h.target_type == "PAUSE" && h.status == "AWAITING_ACTION")
        {
            Some(hook) => Rollout::Paused {
                stage: sd.lifecycle_stage.clone().unwrap_or_default(),
                hook_id: hook.hook_id.clone(),
                expires_at: hook.expires_at,
            },
            None => Rollout::InProgress {
                running: sd.running,
                desired: sd.requested,
                failed: sd.failed,
            },
        },
    }
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
            events: vec![],
            network_configuration: None,
            launch_type: None,
            capacity_provider_strategy: None,
            platform_version: None,
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

    fn sd(status: &str, hooks: Vec<crate::aws::ecs::Hook>) -> ServiceDeployment {
        ServiceDeployment {
            arn: "arn:aws:ecs:eu-west-1:123456789012:service-deployment/stg/web/abc".into(),
            status: status.into(),
            status_reason: None,
            lifecycle_stage: Some("TEST_TRAFFIC_SHIFT".into()),
            strategy: Some("BLUE_GREEN".into()),
            bake_minutes: Some(5),
            running: 2,
            requested: 2,
            failed: 1,
            rollback_reason: Some("Deployment stopped and rolled back.".into()),
            hooks,
        }
    }

    #[test]
    fn ecss_service_deployment_is_the_verdict_and_a_pause_hook_awaiting_action_is_a_pause() {
        assert!(matches!(
            evaluate_service_deployment(&sd("SUCCESSFUL", vec![]), OLD),
            Rollout::Completed {
                running: 2,
                desired: 2
            }
        ));
        for status in [
            "ROLLBACK_REQUESTED",
            "ROLLBACK_IN_PROGRESS",
            "ROLLBACK_SUCCESSFUL",
            "ROLLBACK_FAILED",
        ] {
            assert_eq!(
                evaluate_service_deployment(&sd(status, vec![]), OLD),
                Rollout::RolledBack {
                    reason: "Deployment stopped and rolled back.".into(),
                    to: OLD.into()
                },
                "{status}"
            );
        }
        assert!(matches!(
            evaluate_service_deployment(&sd("STOPPED", vec![]), OLD),
            Rollout::Failed { .. }
        ));
        // A rollback only requested may come with no reason yet: the stage it left says where.
        let mut requested = sd("ROLLBACK_REQUESTED", vec![]);
        requested.rollback_reason = None;
        assert_eq!(
            evaluate_service_deployment(&requested, OLD),
            Rollout::RolledBack {
                reason: "Rolled back in TEST_TRAFFIC_SHIFT".into(),
                to: OLD.into()
            }
        );
        requested.lifecycle_stage = None;
        assert_eq!(
            evaluate_service_deployment(&requested, OLD),
            Rollout::RolledBack {
                reason: "no reason given".into(),
                to: OLD.into()
            }
        );
        let hook = |target_type: &str, status: &str| crate::aws::ecs::Hook {
            hook_id: "hook-1".into(),
            target_type: target_type.into(),
            status: status.into(),
            expires_at: Some(7),
        };
        assert_eq!(
            evaluate_service_deployment(
                &sd("IN_PROGRESS", vec![hook("PAUSE", "AWAITING_ACTION")]),
                OLD
            ),
            Rollout::Paused {
                stage: "TEST_TRAFFIC_SHIFT".into(),
                hook_id: "hook-1".into(),
                expires_at: Some(7)
            }
        );
        for (t, s) in [("PAUSE", "SUCCEEDED"), ("AWS_LAMBDA", "AWAITING_ACTION")] {
            assert!(matches!(
                evaluate_service_deployment(&sd("IN_PROGRESS", vec![hook(t, s)]), OLD),
                Rollout::InProgress {
                    running: 2,
                    desired: 2,
                    failed: 1
                }
            ));
        }
        assert!(matches!(
            evaluate_service_deployment(&sd("PENDING", vec![]), OLD),
            Rollout::InProgress { .. }
        ));
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
