//! What `hatoba deploy` prints about a deployment that did not succeed or that ECS holds at a
//! PAUSE hook, from records built with core's types (the deploy that writes them is core's,
//! tested there).

use hatoba_cli::deploy::{evidence_text, pause_text};
use hatoba_core::deploy::{Deployment, Lifecycle, Pause, State, Trigger};
use serde_json::json;

const AT: u64 = 1_795_970_331_123; // 2026-11-29T16:38:51.123Z
const SD_ARN: &str = "arn:aws:ecs:eu-west-1:111122223333:service-deployment/stg/web/AbCdEf";

fn deployment(state: State) -> Deployment {
    let mut d = Deployment::new(
        "stg-web",
        "1a2b3c4d5e6f",
        Trigger::Manual { by: "cli".into() },
        AT,
    );
    d.state = state;
    d
}

fn failed() -> Deployment {
    let mut d = deployment(State::Failure);
    d.description =
        "Rolled back by the circuit breaker: web exited 1: \"DATABASE_URL is not set\"".into();
    d.failure = Some(json!({
        "summary": "web exited 1: \"DATABASE_URL is not set\"",
        "ending": "rolled back to web:41",
        "stoppedTasks": [{
            "taskArn": "arn:aws:ecs:eu-west-1:111122223333:task/stg/0f1e2d3c4b5a",
            "stopCode": "EssentialContainerExited",
            "stoppedReason": "Essential container in task exited",
            "stoppedAt": "2026-11-29T16:40:02.000Z",
            "containers": [
                {"name": "web", "exitCode": 1},
                {"name": "log-router", "exitCode": 0, "reason": "stopped with the task"}
            ]
        }],
        "events": [
            {"at": "2026-11-29T16:39:00.000Z", "message": "(service web) has started 1 tasks: (task 0f1e2d3c4b5a)."}
        ],
        "logs": {
            "group": "/ecs/web",
            "stream": "ecs/web/0f1e2d3c4b5a",
            "lines": ["booting", "DATABASE_URL is not set"]
        },
        "missing": ["the log of task 9a8b7c: ResourceNotFoundException"]
    }));
    d
}

#[test]
fn a_failed_deploy_prints_its_evidence() {
    assert_eq!(
        evidence_text(&failed()).unwrap(),
        "Cause: web exited 1: \"DATABASE_URL is not set\"\n\
         The rollout rolled back to web:41.\n\
         Stopped tasks, newest first (UTC):\n\
         \x20 0f1e2d3c4b5a  16:40:02  EssentialContainerExited: Essential container in task exited\n\
         \x20   web  exit 1\n\
         \x20   log-router  exit 0  stopped with the task\n\
         Service events (UTC):\n\
         \x20 16:39:00  (service web) has started 1 tasks: (task 0f1e2d3c4b5a).\n\
         Log /ecs/web ecs/web/0f1e2d3c4b5a:\n\
         \x20 | booting\n\
         \x20 | DATABASE_URL is not set\n\
         Not read: the log of task 9a8b7c: ResourceNotFoundException.\n"
    );
    // As the pipeline writes it, the description is the summary, which names the ending: the
    // final line says both, and the evidence goes on from the stopped tasks.
    let mut d = failed();
    let summary = "web exited 1: \"DATABASE_URL is not set\" (rolled back to web:41)";
    d.description = summary.into();
    d.failure.as_mut().unwrap()["summary"] = summary.into();
    assert!(
        evidence_text(&d)
            .unwrap()
            .starts_with("Stopped tasks, newest first (UTC):\n")
    );
}

#[test]
fn the_cause_is_not_repeated_when_the_final_line_says_it_and_partial_evidence_prints_what_there_is()
{
    let mut d = deployment(State::Error);
    d.description = "Still rolling out after 10 min: 1/2 tasks running".into();
    d.failure = Some(json!({
        "summary": d.description,
        "ending": "timed out after 10 min",
        "stoppedTasks": [],
        "events": []
    }));
    assert_eq!(
        evidence_text(&d).unwrap(),
        "The rollout timed out after 10 min.\n"
    );
}

#[test]
fn nothing_is_printed_without_evidence() {
    // Succeeded.
    assert_eq!(evidence_text(&deployment(State::Success)), None);
    // Still being read: the record holds how the rollout ended, as text.
    let mut d = deployment(State::Failure);
    d.failure = Some(json!("failed"));
    assert_eq!(evidence_text(&d), None);
}

fn paused() -> Deployment {
    let mut d = deployment(State::Paused);
    d.service_deployment_arn = Some(SD_ARN.into());
    d.lifecycle = Some(Lifecycle {
        strategy: "BLUE_GREEN".into(),
        stage: "POST_TEST_TRAFFIC_SHIFT".into(),
        since: AT,
        bake_minutes: None,
    });
    d.pause = Some(Pause {
        stage: "POST_TEST_TRAFFIC_SHIFT".into(),
        hook_id: "hook-0123".into(),
        expires_at: Some(AT + 3_600_000),
    });
    d
}

#[test]
fn a_pause_prints_where_it_waits_and_the_aws_cli_commands_that_answer_it() {
    assert_eq!(
        pause_text(&paused(), "eu-west-1").unwrap(),
        format!(
            "Paused at POST_TEST_TRAFFIC_SHIFT: ECS holds the rollout until it is continued or rolled back; unanswered, the hook times out at 2026-11-29 17:38:51 UTC.\n\
             This command follows the rollout on. Answer the pause with the AWS CLI:\n\
             \x20 continue:  aws ecs continue-service-deployment --region eu-west-1 --service-deployment-arn {SD_ARN} --hook-id hook-0123 --action CONTINUE\n\
             \x20 roll back: aws ecs continue-service-deployment --region eu-west-1 --service-deployment-arn {SD_ARN} --hook-id hook-0123 --action ROLLBACK\n"
        )
    );
    // A hook id a shell would split is quoted.
    let mut d = paused();
    d.pause.as_mut().unwrap().hook_id = "it's $x".into();
    assert!(
        pause_text(&d, "eu-west-1")
            .unwrap()
            .contains(r"--hook-id 'it'\''s $x' --action CONTINUE")
    );
    // Not paused: nothing.
    d.state = State::InProgress;
    assert_eq!(pause_text(&d, "eu-west-1"), None);
}

#[test]
fn the_json_record_carries_the_evidence_the_pause_and_the_stage() {
    // `--format json` prints the whole record: what the page reads, the CLI prints.
    for d in [failed(), paused()] {
        let json = serde_json::to_value(&d).unwrap();
        let back = Deployment::from_json(&json).unwrap();
        assert_eq!(back, d);
    }
    let json = serde_json::to_value(paused()).unwrap();
    assert_eq!(json["pause"]["hookId"], "hook-0123");
    assert_eq!(json["lifecycle"]["stage"], "POST_TEST_TRAFFIC_SHIFT");
    assert_eq!(json["serviceDeploymentArn"], SD_ARN);
    let json = serde_json::to_value(failed()).unwrap();
    assert_eq!(
        json["failure"]["stoppedTasks"][0]["containers"][0]["exitCode"],
        1
    );
}
