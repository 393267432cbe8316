//! The deploy pipeline, driven by core's driver over a store, against a scripted AWS and GitHub
//! and a fake clock: every step, every retryable failure retried, every final failure named with
//! its step, the circuit breaker's rollback, the deadlines, a task definition that breaks a rule,
//! a resume from the stored record at every step boundary (also after a crash between a request
//! and its answer being stored), and the driver crashed at every write of admitting and of a
//! whole deploy.

mod common;
use common::block_on;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Duration;

use hatoba_core::aws::retry::RetryPolicy;
use hatoba_core::aws::sigv4::Credentials;
use hatoba_core::deploy::{
    self, BaseSource, Context, DeployRequest, Deployment, Driver, Ledger, MemoryStore, Next,
    Outcome, State, StepName, Store, StoreError, Summary, Target, Trigger, Wake,
};
use hatoba_core::github::api::GitHubClient;
use hatoba_core::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};
use serde_json::{Value, json};

const SHA: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
const ACCOUNT: &str = "123456789012";
const OLD_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1";

struct FakeClock(RefCell<u64>);

impl Clock for FakeClock {
    fn now_millis(&self) -> u64 {
        *self.0.borrow()
    }
    async fn sleep(&self, duration: Duration) {
        *self.0.borrow_mut() += duration.as_millis() as u64;
    }
    fn jitter(&self) -> f64 {
        0.5
    }
}

/// How ECS ends the rollout UpdateService starts.
#[derive(Clone, Copy, PartialEq)]
enum Ending {
    /// COMPLETED after this many DescribeServices.
    Complete(u32),
    /// The circuit breaker fails it and rolls back after this many.
    RollBack(u32),
    /// Never ends.
    Stall,
}

/// A failure injected before an operation's answer.
#[derive(Clone)]
enum Fault {
    Status(u16, &'static str),
    Timeout,
    /// An error whose message echoes the request's credentials (as a careless server might).
    Echo(u16),
    /// The call takes effect, and its answer is lost (a timeout once AWS or GitHub acted).
    Lost,
}

/// Faults drawn at random for every call, from a seed: the soak's weather.
struct Chaos {
    seed: u64,
    /// Percent of AWS calls throttled or failing before they act.
    aws: u64,
    /// Percent of calls whose answer is lost after they acted.
    lost: u64,
    /// Percent of GitHub calls failing with 502.
    github: u64,
}

impl Chaos {
    /// The next number in 0..100 (a 64-bit linear congruential generator).
    fn roll(&mut self) -> u64 {
        self.seed = self
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.seed >> 33) % 100
    }
}

/// ECR, ECS, S3 and GitHub in one scripted world.
struct World {
    image_tags: Vec<String>,
    image_appears_after_calls: u32,
    describe_images_calls: u32,
    task_definitions: Vec<(String, Value, Vec<Value>)>,
    service_td: String,
    deployments: Vec<Value>,
    ending: Ending,
    polls_since_update: u32,
    update_calls: u32,
    /// The `taskDefinition` of each UpdateService.
    updated_with: Vec<String>,
    register_calls: u32,
    faults: HashMap<String, Vec<Fault>>,
    calls: Vec<String>,
    github_files: HashMap<String, String>,
    statuses: Vec<(String, Value)>,
    s3_object: String,
    /// The access key each call was signed with, by operation.
    signed_by: Vec<(String, String)>,
    /// STS answers AccessDenied.
    sts_denies: bool,
    /// Random faults on every call, when set.
    chaos: Option<Chaos>,
    /// ECS's service deployment of the rollout, for a service that has them; `None` is a
    /// service without the API (ListServiceDeployments lists nothing).
    sd: Option<Sd>,
    /// The rollout's tasks that stop, in DescribeTasks' shape: one more has stopped at each
    /// DescribeServices after the update.
    stopped_tasks: Vec<Value>,
    /// The service's events, newest first, as DescribeServices gives them.
    events: Vec<Value>,
    /// The one log stream there is: its group, its name and its events' messages.
    log: Option<(String, String, Vec<String>)>,
    /// The input of each StopServiceDeployment, ContinueServiceDeployment, ListTasks,
    /// ListServiceDeployments and GetLogEvents, by operation.
    inputs: Vec<(String, Value)>,
    /// How the tasks RunTask starts end: after how many DescribeTasks of each, and with what.
    pre_ending: PreEnding,
    /// The tasks RunTask started, in DescribeTasks' shape, each with the DescribeTasks seen.
    pre_tasks: Vec<(Value, u32)>,
}

/// How a task RunTask starts ends.
#[derive(Clone, Copy)]
enum PreEnding {
    /// Its container exits with this code after this many DescribeTasks.
    Exit(i64, u32),
    /// It never starts: the image cannot be pulled (after this many DescribeTasks).
    Pull(u32),
    /// It runs until it is stopped.
    Never,
}

/// ECS's service deployment of a rollout, scripted: its stages, each lasting some
/// DescribeServiceDeployments, a PAUSE hook at one of them, and its status once they are over.
struct Sd {
    strategy: &'static str,
    bake_minutes: Option<u64>,
    stages: Vec<(&'static str, u32)>,
    /// The stage whose PAUSE hook holds the deployment until ContinueServiceDeployment.
    pause_at: Option<&'static str>,
    /// The status once the stages are over: SUCCESSFUL, or ROLLBACK_SUCCESSFUL when the
    /// circuit breaker rolls it back.
    end: &'static str,
    /// DescribeServiceDeployments answered so far.
    reads: u32,
    /// The action ContinueServiceDeployment took, or `STOP` for StopServiceDeployment.
    answered: Option<&'static str>,
    /// ROLLBACK_* once a stop or a rollback was asked.
    status: Option<&'static str>,
}

const SD_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/stg/web/Vt3fKzTqLw9x";
const OLD_SD_ARN: &str =
    "arn:aws:ecs:eu-west-1:123456789012:service-deployment/stg/web/Ab1cDe2fGh3i";
const HOOK_ID: &str = "hook-0a1b2c3d4e5f";
const HOOK_EXPIRES_SECONDS: f64 = 1_795_780_800.0;

impl Sd {
    fn new(strategy: &'static str, stages: Vec<(&'static str, u32)>, end: &'static str) -> Sd {
        Sd {
            strategy,
            bake_minutes: None,
            stages,
            pause_at: None,
            end,
            reads: 0,
            answered: None,
            status: None,
        }
    }

    /// The deployment as DescribeServiceDeployments shows it at its next read.
    fn read(&mut self) -> Value {
        self.reads += 1;
        if let Some(status) = self.status {
            // A rollback asked shows as requested once, then done.
            self.status = Some(match status {
                "ROLLBACK_REQUESTED" | "ROLLBACK_IN_PROGRESS" => "ROLLBACK_SUCCESSFUL",
                other => other,
            });
            return self.shape(status, None, false);
        }
        let mut at = 0;
        let mut stage = None;
        for (name, lasts) in &self.stages {
            at += lasts;
            if self.reads <= at {
                stage = Some(*name);
                break;
            }
        }
        let Some(stage) = stage else {
            return self.shape(self.end, self.stages.last().map(|s| s.0), false);
        };
        let held = self.pause_at == Some(stage) && self.answered.is_none();
        if held {
            // It waits at the hook: the next read is of the same stage.
            self.reads -= 1;
        }
        self.shape("IN_PROGRESS", Some(stage), held)
    }

    fn shape(&self, status: &str, stage: Option<&str>, held: bool) -> Value {
        let rolled_back = status.starts_with("ROLLBACK_");
        let mut sd = json!({
            "serviceDeploymentArn": SD_ARN,
            "serviceArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service/stg/web"),
            "clusterArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/stg"),
            "createdAt": 1_795_766_410.5,
            "startedAt": 1_795_766_411.0,
            "updatedAt": 1_795_766_420.25,
            "sourceServiceRevisions": [{"arn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/stg/web/111"),
                "requestedTaskCount": 2, "runningTaskCount": 2, "pendingTaskCount": 0}],
            "targetServiceRevision": {"arn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/stg/web/222"),
                "requestedTaskCount": 2, "runningTaskCount": if status == "SUCCESSFUL" { 2 } else { 1 },
                "pendingTaskCount": 0},
            "status": status,
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {"enable": true, "rollback": true},
                "maximumPercent": 200, "minimumHealthyPercent": 100,
                "strategy": self.strategy,
            },
            "deploymentCircuitBreaker": {"status": if rolled_back { "TRIGGERED" } else { "MONITORING" },
                "failureCount": if rolled_back { 3 } else { 0 }, "threshold": 3},
        });
        if let Some(stage) = stage {
            sd["lifecycleStage"] = json!(stage);
        }
        if let Some(minutes) = self.bake_minutes {
            sd["deploymentConfiguration"]["bakeTimeInMinutes"] = json!(minutes);
        }
        if rolled_back {
            let reason = if self.answered.is_some() {
                "Service deployment rolled back because of a user request."
            } else {
                "ECS deployment circuit breaker: tasks failed to start."
            };
            sd["statusReason"] = json!(reason);
            sd["rollback"] = json!({"reason": reason, "startedAt": 1_795_766_500.0,
                "serviceRevisionArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/stg/web/111")});
        }
        if let Some(pause) = self.pause_at
            && stage == Some(pause)
        {
            sd["lifecycleHookDetails"] = json!([{
                "hookId": HOOK_ID, "targetType": "PAUSE",
                "status": if held { "AWAITING_ACTION" } else { "SUCCEEDED" },
                "lifecycleStage": pause, "expiresAt": HOOK_EXPIRES_SECONDS,
            }]);
        }
        sd
    }
}

struct Fake(RefCell<World>);

fn base_td() -> Value {
    json!({"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
           "cpu": "256", "memory": "512", "executionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/web-exec"),
           "containerDefinitions": [{"name": "web", "image": "placeholder", "essential": true,
             "portMappings": [{"containerPort": 8080}]}]})
}

impl Fake {
    fn new(ending: Ending) -> Self {
        let mut files = HashMap::new();
        files.insert(
            format!(".aws/task-definition.json@{SHA}"),
            base_td().to_string(),
        );
        let mut old = base_td();
        old["containerDefinitions"][0]["image"] =
            json!(format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:old"));
        old["taskDefinitionArn"] = json!(OLD_ARN);
        old["revision"] = json!(1);
        Fake(RefCell::new(World {
            image_tags: vec![SHA.to_owned()],
            image_appears_after_calls: 0,
            describe_images_calls: 0,
            task_definitions: vec![(OLD_ARN.to_owned(), old, vec![])],
            service_td: OLD_ARN.to_owned(),
            deployments: vec![
                json!({"id": "ecs-svc/1", "status": "PRIMARY", "taskDefinition": OLD_ARN,
                "desiredCount": 2, "runningCount": 2, "failedTasks": 0, "rolloutState": "COMPLETED"}),
            ],
            ending,
            polls_since_update: 0,
            update_calls: 0,
            updated_with: vec![],
            register_calls: 0,
            faults: HashMap::new(),
            calls: vec![],
            github_files: files,
            statuses: vec![],
            s3_object: base_td().to_string(),
            signed_by: vec![],
            sts_denies: false,
            chaos: None,
            sd: None,
            stopped_tasks: vec![],
            events: vec![],
            log: None,
            inputs: vec![],
            pre_ending: PreEnding::Exit(0, 2),
            pre_tasks: vec![],
        }))
    }

    fn fault(&self, op: &str, faults: Vec<Fault>) {
        self.0.borrow_mut().faults.insert(op.to_owned(), faults);
    }

    fn world(&self) -> std::cell::RefMut<'_, World> {
        self.0.borrow_mut()
    }
}

fn ok(body: Value) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: 200,
        headers: vec![("x-amzn-RequestId".into(), "req-0001".into())],
        body: body.to_string().into_bytes(),
    })
}

fn error(status: u16, code: &str, message: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![("x-amzn-RequestId".into(), "req-err".into())],
        body: json!({"__type": code, "message": message})
            .to_string()
            .into_bytes(),
    })
}

impl World {
    fn service(&self) -> Value {
        json!({"serviceName": "web", "serviceArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service/stg/web"),
               "status": "ACTIVE", "taskDefinition": self.service_td, "desiredCount": 2, "runningCount": 2,
               "deployments": self.deployments, "events": self.events, "launchType": "FARGATE",
               "platformVersion": "LATEST",
               "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0fake1"],
                 "securityGroups": ["sg-0fake1"], "assignPublicIp": "DISABLED"}}})
    }

    /// The ARNs of the rollout's tasks stopped by now.
    fn stopped_now(&self) -> Vec<String> {
        let n = (self.polls_since_update as usize).min(self.stopped_tasks.len());
        self.stopped_tasks[..n]
            .iter()
            .map(|t| t["taskArn"].as_str().unwrap().to_owned())
            .collect()
    }

    fn logs(&mut self, input: Value) -> Result<HttpResponse, TransportError> {
        self.inputs.push(("GetLogEvents".into(), input.clone()));
        match &self.log {
            Some((group, stream, messages))
                if input["logGroupName"] == group.as_str()
                    && input["logStreamName"] == stream.as_str() =>
            {
                // The newest `limit` events, oldest first, as with startFromHead false.
                let limit = input["limit"].as_u64().unwrap_or(10_000) as usize;
                let skip = messages.len().saturating_sub(limit);
                let events: Vec<Value> = messages[skip..]
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        json!({"timestamp": 1_795_766_450_000u64 + i as u64, "message": m,
                        "ingestionTime": 1_795_766_451_000u64 + i as u64})
                    })
                    .collect();
                ok(
                    json!({"events": events, "nextForwardToken": "f/0001", "nextBackwardToken": "b/0001"}),
                )
            }
            _ => error(
                400,
                "ResourceNotFoundException",
                "The specified log stream does not exist.",
            ),
        }
    }

    fn ecs(&mut self, op: &str, input: Value) -> Result<HttpResponse, TransportError> {
        match op {
            "DescribeTaskDefinition" => {
                let wanted = input["taskDefinition"].as_str().unwrap();
                let found = self.task_definitions.iter().rev().find(|(arn, td, _)| {
                    arn == wanted || td["family"] == wanted || arn.ends_with(&format!("/{wanted}"))
                });
                match found {
                    Some((_, td, tags)) => ok(json!({"taskDefinition": td, "tags": tags})),
                    None => error(
                        400,
                        "ClientException",
                        "Unable to describe task definition.",
                    ),
                }
            }
            "RegisterTaskDefinition" => {
                self.register_calls += 1;
                let revision = self.task_definitions.len() + 1;
                let arn = format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/web:{revision}");
                let tags = input["tags"].as_array().cloned().unwrap_or_default();
                let mut td = input.clone();
                td.as_object_mut().unwrap().remove("tags");
                td["taskDefinitionArn"] = json!(arn);
                td["revision"] = json!(revision);
                self.task_definitions.push((arn, td.clone(), tags.clone()));
                ok(json!({"taskDefinition": td, "tags": tags}))
            }
            "DescribeServices" => {
                if !self.deployments.is_empty() && self.update_calls > 0 {
                    self.polls_since_update += 1;
                    let n = self.polls_since_update;
                    match self.ending {
                        Ending::Complete(after) if n >= after => {
                            self.deployments.truncate(1);
                            self.deployments[0]["rolloutState"] = json!("COMPLETED");
                            self.deployments[0]["runningCount"] = json!(2);
                        }
                        Ending::RollBack(after) if n == after => {
                            let failed = self.deployments[0].clone();
                            let mut failed = failed;
                            failed["status"] = json!("ACTIVE");
                            failed["rolloutState"] = json!("FAILED");
                            failed["rolloutStateReason"] =
                                json!("ECS deployment circuit breaker: tasks failed to start.");
                            failed["failedTasks"] = json!(3);
                            let back = json!({"id": "ecs-svc/3", "status": "PRIMARY", "taskDefinition": OLD_ARN,
                                "desiredCount": 2, "runningCount": 0, "failedTasks": 0, "rolloutState": "IN_PROGRESS",
                                "rolloutStateReason": "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."});
                            self.deployments = vec![back, failed];
                            self.service_td = OLD_ARN.to_owned();
                        }
                        _ => {
                            if self.deployments[0]["rolloutState"] == "IN_PROGRESS" {
                                self.deployments[0]["runningCount"] = json!(1);
                            }
                        }
                    }
                }
                if input["services"][0] != "web" {
                    return ok(
                        json!({"services": [], "failures": [{"arn": "arn:aws:ecs:eu-west-1:123456789012:service/stg/nope", "reason": "MISSING"}]}),
                    );
                }
                ok(json!({"services": [self.service()], "failures": []}))
            }
            "UpdateService" => {
                self.update_calls += 1;
                let wanted = input["taskDefinition"].as_str().unwrap();
                self.updated_with.push(wanted.to_owned());
                let arn = self
                    .task_definitions
                    .iter()
                    .find(|(arn, _, _)| arn == wanted || arn.ends_with(&format!("/{wanted}")))
                    .map(|(arn, _, _)| arn.clone())
                    .expect("UpdateService with a registered revision");
                let previous = self.deployments.first().cloned();
                let mut deployments = vec![
                    json!({"id": format!("ecs-svc/{}", 100 + self.update_calls), "status": "PRIMARY",
                    "taskDefinition": arn, "desiredCount": 2, "runningCount": 0, "failedTasks": 0,
                    "rolloutState": "IN_PROGRESS", "rolloutStateReason": "ECS deployment in progress."}),
                ];
                if let Some(mut p) = previous {
                    p["status"] = json!("ACTIVE");
                    deployments.push(p);
                }
                self.deployments = deployments;
                self.service_td = arn;
                self.polls_since_update = 0;
                ok(json!({"service": self.service()}))
            }
            // A service without ECS's service deployments, whose rollouts stop no task: the
            // rollout is read from DescribeServices as it always was.
            "ListServiceDeployments" => {
                self.inputs.push((op.into(), input.clone()));
                if self.sd.is_none() || self.update_calls == 0 {
                    return ok(json!({"serviceDeployments": []}));
                }
                // An older deployment of the service is listed too: the newest is the rollout's.
                let brief = |arn: &str, created: f64, status: &str| {
                    json!({"serviceDeploymentArn": arn,
                        "serviceArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service/stg/web"),
                        "clusterArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/stg"),
                        "createdAt": created, "startedAt": created,
                        "targetServiceRevisionArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/stg/web/1"),
                        "status": status})
                };
                ok(json!({"serviceDeployments": [
                    brief(OLD_SD_ARN, 1_795_766_000.0, "SUCCESSFUL"),
                    brief(SD_ARN, 1_795_766_410.5, "IN_PROGRESS"),
                ]}))
            }
            "DescribeServiceDeployments" => {
                let wanted = input["serviceDeploymentArns"][0].as_str().unwrap_or("");
                match &mut self.sd {
                    Some(sd) if wanted == SD_ARN => {
                        ok(json!({"serviceDeployments": [sd.read()], "failures": []}))
                    }
                    _ => ok(json!({"serviceDeployments": [], "failures": [
                        {"arn": wanted, "reason": "MISSING", "detail": "Service deployment not found"}]})),
                }
            }
            "StopServiceDeployment" => {
                self.inputs.push((op.into(), input.clone()));
                let Some(sd) = self
                    .sd
                    .as_mut()
                    .filter(|_| input["serviceDeploymentArn"] == SD_ARN)
                else {
                    return error(
                        400,
                        "ServiceDeploymentNotFoundException",
                        "The service deployment does not exist.",
                    );
                };
                if sd.status.is_some() || sd.reads > sd.stages.iter().map(|s| s.1).sum::<u32>() {
                    return error(
                        400,
                        "ConflictException",
                        "The service deployment is not in a state that can be stopped.",
                    );
                }
                sd.answered = Some("STOP");
                sd.status = Some(if input["stopType"] == "ROLLBACK" {
                    "ROLLBACK_REQUESTED"
                } else {
                    "STOP_REQUESTED"
                });
                ok(json!({"serviceDeploymentArn": SD_ARN}))
            }
            "ContinueServiceDeployment" => {
                self.inputs.push((op.into(), input.clone()));
                let Some(sd) = self.sd.as_mut().filter(|sd| {
                    input["serviceDeploymentArn"] == SD_ARN
                        && input["hookId"] == HOOK_ID
                        && sd.pause_at.is_some()
                        && sd.answered.is_none()
                }) else {
                    return error(
                        400,
                        "InvalidParameterException",
                        "No lifecycle hook awaits an action.",
                    );
                };
                if input["action"] == "ROLLBACK" {
                    sd.answered = Some("ROLLBACK");
                    sd.status = Some("ROLLBACK_IN_PROGRESS");
                } else {
                    sd.answered = Some("CONTINUE");
                }
                ok(json!({"serviceDeploymentArn": SD_ARN}))
            }
            "ListTasks"
                if input["startedBy"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("hatoba/")) =>
            {
                self.inputs.push((op.into(), input.clone()));
                let arns: Vec<&Value> = self
                    .pre_tasks
                    .iter()
                    .filter(|(t, _)| {
                        t["startedBy"] == input["startedBy"]
                            && t["desiredStatus"] == input["desiredStatus"]
                    })
                    .map(|(t, _)| &t["taskArn"])
                    .collect();
                ok(json!({"taskArns": arns}))
            }
            "RunTask" => {
                self.inputs.push((op.into(), input.clone()));
                let n = self.pre_tasks.len() + 1;
                let arn = format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:task/stg/0a0b0c0d{n:024}");
                let task = json!({"taskArn": arn, "lastStatus": "PROVISIONING", "desiredStatus": "RUNNING",
                    "startedBy": input["startedBy"], "taskDefinitionArn": input["taskDefinition"],
                    "containers": [{"name": "web", "lastStatus": "PENDING"}]});
                let mut kept = task.clone();
                if let PreEnding::Exit(code, 0) = self.pre_ending {
                    // Over before anyone looks: only a STOPPED listing finds it.
                    kept["lastStatus"] = json!("STOPPED");
                    kept["desiredStatus"] = json!("STOPPED");
                    kept["containers"] =
                        json!([{"name": "web", "lastStatus": "STOPPED", "exitCode": code}]);
                }
                self.pre_tasks.push((kept, 0));
                ok(json!({"tasks": [task], "failures": []}))
            }
            "StopTask" => {
                self.inputs.push((op.into(), input.clone()));
                let Some((task, _)) = self
                    .pre_tasks
                    .iter_mut()
                    .find(|(t, _)| t["taskArn"] == input["task"])
                else {
                    return error(
                        400,
                        "InvalidParameterException",
                        "The referenced task was not found.",
                    );
                };
                task["desiredStatus"] = json!("STOPPED");
                task["lastStatus"] = json!("STOPPED");
                task["stopCode"] = json!("UserInitiated");
                task["stoppedReason"] = input["reason"].clone();
                ok(json!({"task": task}))
            }
            "DescribeTasks"
                if input["tasks"][0]
                    .as_str()
                    .is_some_and(|t| t.contains("/0a0b0c0d")) =>
            {
                let ending = self.pre_ending;
                let mut found = vec![];
                for (task, seen) in self.pre_tasks.iter_mut() {
                    if input["tasks"][0] != task["taskArn"] {
                        continue;
                    }
                    *seen += 1;
                    if task["lastStatus"] != "STOPPED" {
                        match ending {
                            PreEnding::Exit(code, after) if *seen >= after => {
                                task["lastStatus"] = json!("STOPPED");
                                task["desiredStatus"] = json!("STOPPED");
                                task["stopCode"] = json!("EssentialContainerExited");
                                task["stoppedReason"] = json!("Essential container in task exited");
                                task["containers"] = json!([{"name": "web", "lastStatus": "STOPPED", "exitCode": code}]);
                            }
                            PreEnding::Pull(after) if *seen >= after => {
                                task["lastStatus"] = json!("STOPPED");
                                task["desiredStatus"] = json!("STOPPED");
                                task["stopCode"] = json!("TaskFailedToStart");
                                task["stoppedReason"] = json!(
                                    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1a2b3c4: not found"
                                );
                                task["containers"] =
                                    json!([{"name": "web", "lastStatus": "STOPPED"}]);
                            }
                            _ => task["lastStatus"] = json!("RUNNING"),
                        }
                    }
                    found.push(task.clone());
                }
                ok(json!({"tasks": found, "failures": []}))
            }
            "ListTasks" => {
                self.inputs.push((op.into(), input.clone()));
                let ours = self
                    .deployments
                    .iter()
                    .any(|d| d["id"] == input["startedBy"] && d["taskDefinition"] != OLD_ARN);
                if !ours || input["desiredStatus"] != "STOPPED" || input["cluster"] != "stg" {
                    return ok(json!({"taskArns": []}));
                }
                ok(json!({"taskArns": self.stopped_now()}))
            }
            "DescribeTasks" => {
                let wanted: Vec<&str> = input["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                let tasks: Vec<&Value> = self
                    .stopped_tasks
                    .iter()
                    .filter(|t| wanted.contains(&t["taskArn"].as_str().unwrap()))
                    .collect();
                ok(json!({"tasks": tasks, "failures": []}))
            }
            other => panic!("the pipeline called ECS {other}"),
        }
    }
}

impl Transport for Fake {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // A lost answer: the call is answered (and takes effect), the caller hears a timeout.
        let lost = {
            let mut w = self.0.borrow_mut();
            let key = fault_key(&request);
            let scripted = match w.faults.get_mut(&key) {
                Some(faults) if matches!(faults.first(), Some(Fault::Lost)) => {
                    faults.remove(0);
                    true
                }
                _ => false,
            };
            let github = key == "GitHub";
            let weather = match &mut w.chaos {
                Some(chaos) if key != "AssumeRole" => {
                    if chaos.roll() < chaos.lost {
                        Some(())
                    } else if github && chaos.roll() < chaos.github {
                        return error(502, "BadGateway", "injected");
                    } else if !github && chaos.roll() < chaos.aws {
                        return match chaos.roll() % 3 {
                            0 => error(400, "ThrottlingException", "Rate exceeded"),
                            1 => error(500, "ServerException", "injected"),
                            _ => Err(TransportError::Timeout),
                        };
                    } else {
                        None
                    }
                }
                _ => None,
            };
            scripted || weather.is_some()
        };
        let answer = self.answer(request, !lost);
        if lost {
            return Err(TransportError::Timeout);
        }
        answer
    }
}

/// The key faults are scripted under: the ECS or ECR operation, `GitHub`, `GetObject` or
/// `AssumeRole`.
fn fault_key(request: &HttpRequest) -> String {
    if let Some(target) = request.header("x-amz-target") {
        target.rsplit('.').next().unwrap().to_owned()
    } else if request.url.contains("://sts.") {
        "AssumeRole".to_owned()
    } else if request.url.contains("api.github.com") {
        "GitHub".to_owned()
    } else {
        "GetObject".to_owned()
    }
}

impl Fake {
    /// The world's answer to `request`; with `faults`, the next scripted fault first.
    fn answer(&self, request: HttpRequest, faults: bool) -> Result<HttpResponse, TransportError> {
        let mut w = self.0.borrow_mut();
        let op = if let Some(target) = request.header("x-amz-target") {
            target.rsplit('.').next().unwrap().to_owned()
        } else if request.url.contains("://sts.") {
            "AssumeRole".to_owned()
        } else if request.url.contains("api.github.com") {
            format!(
                "GitHub {} {}",
                request.method,
                request.url.split("/repos/").nth(1).unwrap_or("")
            )
        } else {
            "GetObject".to_owned()
        };
        w.calls.push(op.clone());
        if let Some(key) = request
            .header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split('/').next())
        {
            w.signed_by.push((op.clone(), key.to_owned()));
        }
        if op == "AssumeRole" {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            w.calls.push(format!("AssumeRole {body}"));
            return Ok(if w.sts_denies {
                HttpResponse {
                    status: 403,
                    headers: vec![],
                    body: b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>req-sts</RequestId></ErrorResponse>".to_vec(),
                }
            } else {
                HttpResponse {
                    status: 200,
                    headers: vec![("x-amzn-RequestId".into(), "req-sts".into())],
                    body: b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAFAKESESSION</AccessKeyId><SecretAccessKey>fake-session-secret</SecretAccessKey><SessionToken>fake-session-token</SessionToken><Expiration>2026-11-27T10:15:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>".to_vec(),
                }
            });
        }
        let key = op.split(' ').next().unwrap().to_owned();
        let key = if key == "GitHub" {
            "GitHub".to_owned()
        } else {
            op.clone()
        };
        if let Some(faults) = w.faults.get_mut(&key).filter(|_| faults)
            && !faults.is_empty()
        {
            return match faults.remove(0) {
                Fault::Status(status, code) => error(status, code, "injected"),
                Fault::Timeout => Err(TransportError::Timeout),
                Fault::Lost => unreachable!("handled before"),
                Fault::Echo(status) => error(
                    status,
                    "AccessDeniedException",
                    &format!(
                        "refused {} (secret fake-secret)",
                        request.header("authorization").unwrap_or_default()
                    ),
                ),
            };
        }
        if key == "GitHub" {
            let url = request.url.clone();
            if request.method == "GET" {
                let path = url.split("/contents/").nth(1).unwrap();
                let (path, reference) = path.split_once("?ref=").unwrap();
                return match w.github_files.get(&format!("{path}@{reference}")) {
                    Some(text) => Ok(HttpResponse {
                        status: 200,
                        headers: vec![],
                        body: text.clone().into_bytes(),
                    }),
                    None => Ok(HttpResponse {
                        status: 404,
                        headers: vec![],
                        body: br#"{"message":"Not Found"}"#.to_vec(),
                    }),
                };
            }
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            w.statuses.push((url, body));
            return Ok(HttpResponse {
                status: 201,
                headers: vec![],
                body: b"{}".to_vec(),
            });
        }
        if key == "GetObject" {
            return Ok(HttpResponse {
                status: 200,
                headers: vec![],
                body: w.s3_object.clone().into_bytes(),
            });
        }
        let input: Value = serde_json::from_slice(&request.body).unwrap();
        if key == "DescribeImages" {
            w.describe_images_calls += 1;
            let tag = input["imageIds"][0]["imageTag"]
                .as_str()
                .unwrap()
                .to_owned();
            if w.describe_images_calls > w.image_appears_after_calls && w.image_tags.contains(&tag)
            {
                return ok(
                    json!({"imageDetails": [{"registryId": ACCOUNT, "repositoryName": "web",
                    "imageDigest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7", "imageTags": [tag]}]}),
                );
            }
            return error(
                400,
                "ImageNotFoundException",
                &format!("The image with imageId {{imageTag:'{tag}'}} does not exist"),
            );
        }
        if key == "GetLogEvents" {
            return w.logs(input);
        }
        w.ecs(&key, input)
    }
}

fn stg_target() -> Target {
    Target {
        name: "stg-web".into(),
        repository: "octo/shop".into(),
        branch: Some("main".into()),
        workflow: None,
        environment: None,
        region: "eu-west-1".into(),
        cluster: "stg".into(),
        service: "web".into(),
        container: "web".into(),
        ecr_repository: "web".into(),
        image_tag: "{sha}".into(),
        task_definition: BaseSource::Repository {
            path: ".aws/task-definition.json".into(),
        },
        pin_digest: false,
        image_wait_seconds: 60,
        rollout_wait_seconds: 300,
        poll_seconds: 15,
        fail_fast: true,
        fail_fast_tasks: 2,
        pre_deploy: None,
    }
}

fn context<'a>(
    fake: &'a Fake,
    clock: &'a FakeClock,
    target: &'a Target,
) -> Context<'a, Fake, FakeClock> {
    Context {
        transport: fake,
        clock,
        target,
        credentials: Credentials {
            access_key_id: "AKIDFAKEDEPLOY".into(),
            secret_access_key: "fake-secret".into(),
            session_token: None,
        },
        endpoint_url: None,
        github: Some(GitHubClient {
            api_url: "https://api.github.com".into(),
            token: "ghs_fakefakefake".into(),
        }),
        public_url: Some("https://hatoba.example.com".into()),
        retry: RetryPolicy::STANDARD,
        role: None,
        redactor: hatoba_core::redact::Redactor::new(["fake-secret", "ghs_fakefakefake"]),
        checks: &hatoba_core::checks::LocalChecks,
        check_runs: false,
    }
}

/// The base at the commit, with `memory` (300 is no Fargate size for 0.25 vCPU).
fn base_with_memory(fake: &Fake, memory: &str) {
    let mut td = base_td();
    td["memory"] = json!(memory);
    fake.world()
        .github_files
        .insert(format!(".aws/task-definition.json@{SHA}"), td.to_string());
}

fn fake_clock() -> FakeClock {
    FakeClock(RefCell::new(1_795_766_400_000))
}

/// Stores `d` as its target's only queued deployment, as admitting it would have.
fn enqueue(store: &MemoryStore, d: &Deployment) {
    let ledger = Ledger {
        queue: vec![d.id.clone()],
        history: vec![Summary {
            id: d.id.clone(),
            sha: d.sha.clone(),
            state: d.state,
            webhook: !matches!(d.trigger, Trigger::Manual { .. }),
            superseded_by: None,
            commit_time: None,
            pushed_at: None,
        }],
        ..Ledger::default()
    };
    let put = |key: &str, text: String| block_on(store.put(key, text)).unwrap();
    put(
        &deploy::driver::record_key(&d.id),
        serde_json::to_string(d).unwrap(),
    );
    put(
        deploy::driver::LEDGER_KEY,
        serde_json::to_string(&ledger).unwrap(),
    );
}

/// Runs the driver over `store` until nothing is left, the fake clock jumping over waits, one
/// step a run (the smallest alarm budget). Returns how many steps it took.
fn drive<S: Store>(store: &S, ctx: &Context<'_, Fake, FakeClock>) -> Result<usize, StoreError> {
    let driver = Driver::new(store);
    let mut steps = 0;
    for _ in 0..500 {
        let wake = block_on(driver.run(ctx, Duration::ZERO, |_| {
            steps += 1;
            ControlFlow::Continue(())
        }))?;
        match wake {
            Wake::Now => {}
            Wake::After(wait) => *ctx.clock.0.borrow_mut() += wait.as_millis() as u64,
            Wake::Done => return Ok(steps),
        }
    }
    panic!("the driver never finished");
}

/// Runs the driver over `store`, one step at a time, until deployment `id` is at `next`.
fn run_until(store: &MemoryStore, ctx: &Context<'_, Fake, FakeClock>, id: &str, next: Next) {
    let driver = Driver::new(store);
    while block_on(driver.deployment(id)).unwrap().unwrap().next != next {
        if let Wake::After(wait) =
            block_on(driver.run(ctx, Duration::ZERO, |_| ControlFlow::Continue(()))).unwrap()
        {
            *ctx.clock.0.borrow_mut() += wait.as_millis() as u64;
        }
    }
}

/// Drives a deployment to its end through the driver, as the worker and the CLI do. Returns
/// how many steps it took.
fn run(d: &mut Deployment, ctx: &Context<'_, Fake, FakeClock>) -> usize {
    let store = MemoryStore::default();
    enqueue(&store, d);
    let steps = drive(&store, ctx).unwrap();
    *d = block_on(Driver::new(&store).deployment(&d.id))
        .unwrap()
        .unwrap();
    steps
}

fn new_deployment(clock: &FakeClock) -> Deployment {
    Deployment::new(
        "stg-web",
        SHA,
        Trigger::Push {
            delivery: Some("d-1".into()),
        },
        clock.now_millis(),
    )
}

fn step_names(d: &Deployment) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = d.steps.iter().map(|s| s.name.as_str()).collect();
    names.dedup();
    names
}

fn status_states(fake: &Fake) -> Vec<String> {
    fake.world()
        .statuses
        .iter()
        .map(|(_, b)| b["state"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_push_deploys_end_to_end_and_the_commit_says_so() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(
        step_names(&d),
        [
            "pending_status",
            "find_image",
            "load_task_definition",
            "render",
            "check",
            "register_task_definition",
            "update_service",
            "wait_rollout",
            "final_status"
        ]
    );
    assert!(
        d.steps
            .iter()
            .all(|s| s.outcome == Some(Outcome::Ok) && s.ended_at.is_some()),
        "{:#?}",
        d.steps
    );
    let arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2";
    assert_eq!(d.task_definition_arn.as_deref(), Some(arn));
    assert_eq!(d.previous_task_definition_arn.as_deref(), Some(OLD_ARN));
    assert_eq!(d.description, "Deployed 1a2b3c4 to stg/web as web:2");
    let w = fake.world();
    // The revision registered carries the commit's image and tags naming the commit and deploy.
    let (_, td, tags) = &w.task_definitions[1];
    assert_eq!(
        td["containerDefinitions"][0]["image"],
        format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:{SHA}")
    );
    assert!(tags.contains(&json!({"key": "hatoba:commit", "value": SHA})));
    assert!(tags.contains(&json!({"key": "hatoba:deployment", "value": d.id})));
    assert_eq!(w.service_td, arn);
    assert_eq!((w.register_calls, w.update_calls), (1, 1));
    // pending, then success, on the commit, with the context and a link to the deployment.
    let (url, pending) = &w.statuses[0];
    assert_eq!(
        url,
        &format!("https://api.github.com/repos/octo/shop/statuses/{SHA}")
    );
    assert_eq!(pending["state"], "pending");
    assert_eq!(pending["description"], "Deploying 1a2b3c4 to stg/web");
    assert_eq!(pending["context"], "hatoba/stg-web");
    assert_eq!(
        pending["target_url"],
        format!("https://hatoba.example.com/#/deployments/{}", d.id)
    );
    assert_eq!(w.statuses[1].1["state"], "success");
    assert_eq!(w.statuses.len(), 2);
    // Every AWS answer's request id is kept on its step.
    assert_eq!(
        d.step(StepName::RegisterTaskDefinition)
            .unwrap()
            .request_ids,
        ["req-0001"]
    );
    // The first try of registering, stored as such before it began, went straight to AWS.
    assert!(
        !w.calls.iter().any(|c| c == "DescribeTaskDefinition"),
        "{:?}",
        w.calls
    );
}

#[test]
fn every_retryable_failure_of_every_step_is_retried_to_success() {
    // (DescribeTaskDefinition is called only by a base read from the service and by a
    // register that follows a try that may have reached AWS: both are tested on their own.)
    let ops = [
        "DescribeImages",
        "RegisterTaskDefinition",
        "DescribeServices",
        "UpdateService",
        "GitHub",
    ];
    for op in ops {
        let faults = if op == "GitHub" {
            [
                Fault::Status(429, "RateLimited"),
                Fault::Status(502, "BadGateway"),
                Fault::Timeout,
            ]
        } else {
            [
                Fault::Status(400, "ThrottlingException"),
                Fault::Status(500, "InternalFailure"),
                Fault::Timeout,
            ]
        };
        for fault in faults {
            let (fake, clock, target) =
                (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
            fake.fault(op, vec![fault.clone(), fault.clone()]);
            let ctx = context(&fake, &clock, &target);
            let mut d = new_deployment(&clock);
            run(&mut d, &ctx);
            assert_eq!(d.state, State::Success, "{op}: {d:#?}");
            let w = fake.world();
            assert_eq!((w.register_calls, w.update_calls), (1, 1), "{op}");
            let tries = w.calls.iter().filter(|c| c.starts_with(op)).count();
            assert!(
                tries >= 3,
                "{op}: two failures and a success, got {tries}: {:?}",
                w.calls
            );
        }
    }
}

#[test]
fn a_final_aws_failure_ends_in_error_naming_the_step_and_awss_error() {
    let cases = [
        ("DescribeImages", "find_image", "AccessDeniedException"),
        (
            "RegisterTaskDefinition",
            "register_task_definition",
            "ClientException",
        ),
        (
            "UpdateService",
            "update_service",
            "ServiceNotActiveException",
        ),
        (
            "DescribeServices",
            "update_service",
            "AccessDeniedException",
        ),
    ];
    for (op, step, code) in cases {
        let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
        fake.fault(op, vec![Fault::Status(400, code); 5]);
        let ctx = context(&fake, &clock, &target);
        let mut d = new_deployment(&clock);
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Error, "{op}");
        assert!(
            d.description.starts_with(&format!("{step}: ")),
            "{op}: {}",
            d.description
        );
        assert!(
            d.description.contains(&format!("{op}: {code}: injected")),
            "{op}: {}",
            d.description
        );
        let failed = d
            .steps
            .iter()
            .find(|s| s.outcome == Some(Outcome::Failed))
            .unwrap();
        assert_eq!(failed.name.as_str(), step);
        assert_eq!(status_states(&fake), ["pending", "error"], "{op}");
        assert!(fake.world().update_calls <= 1);
    }
    // A retryable failure that outlasts the quick retries makes the step wait and try again;
    // one that outlasts the step's patience is final, and the record counts the waits.
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    fake.fault(
        "UpdateService",
        vec![Fault::Status(503, "ServiceUnavailable"); 5],
    );
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.step(StepName::UpdateService).unwrap().retries, 1);
    assert_eq!(fake.world().update_calls, 1);
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    fake.fault(
        "UpdateService",
        vec![Fault::Status(503, "ServiceUnavailable"); 1000],
    );
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    let started = clock.now_millis();
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Error);
    assert!(
        d.description
            .starts_with("update_service: ECS UpdateService: ServiceUnavailable"),
        "{}",
        d.description
    );
    let step = d.step(StepName::UpdateService).unwrap();
    assert!(step.retries >= 10, "{step:?}");
    let took = step.ended_at.unwrap() - started;
    assert!(
        (deploy::STEP_PATIENCE.as_millis() as u64
            ..deploy::STEP_PATIENCE.as_millis() as u64 + 70_000)
            .contains(&took),
        "{took} ms"
    );
}

#[test]
fn a_lost_answer_to_register_task_definition_never_registers_a_second_revision() {
    for (case, faults) in [
        vec![Fault::Lost],
        vec![Fault::Lost, Fault::Status(500, "ServerException")],
        vec![Fault::Timeout, Fault::Lost],
    ]
    .into_iter()
    .enumerate()
    {
        let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
        fake.fault("RegisterTaskDefinition", faults);
        let ctx = context(&fake, &clock, &target);
        let mut d = new_deployment(&clock);
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Success, "{d:#?}");
        let w = fake.world();
        // The revision ECS registered before the answer was lost is the one deployed.
        assert_eq!(w.task_definitions.len(), 2, "one new revision");
        assert_eq!(w.service_td, w.task_definitions[1].0);
        let calls = w.calls.clone();
        let step = d.step(StepName::RegisterTaskDefinition).unwrap();
        assert!(step.retries >= 1);
        assert!(
            step.detail.contains("registered before"),
            "case {case}: {calls:?}"
        );
    }
}

#[test]
fn a_throttled_poll_of_the_rollout_is_a_missed_poll() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(3)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    // Everything up to the rollout, then throttle every poll's quick retries once.
    let store = MemoryStore::default();
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    block_on(driver.run(&ctx, Duration::from_secs(60), |d| {
        if d.next == Next::WaitRollout {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }))
    .unwrap();
    fake.fault(
        "DescribeServices",
        vec![Fault::Status(400, "ThrottlingException"); 3],
    );
    drive(&store, &ctx).unwrap();
    d = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.step(StepName::WaitRollout).unwrap().retries, 1);
}

#[test]
fn a_final_status_github_refuses_for_a_while_is_sent_until_it_is_taken() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    // The pending status goes through; the final one meets GitHub's bad minute (each try is
    // three quick attempts).
    let store = MemoryStore::default();
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    run_until(&store, &ctx, &d.id, Next::FinalStatus);
    fake.fault("GitHub", vec![Fault::Status(502, "BadGateway"); 6]);
    drive(&store, &ctx).unwrap();
    d = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(status_states(&fake), ["pending", "success"]);
    let step = d.step(StepName::FinalStatus).unwrap();
    assert_eq!(
        (step.outcome, step.retries),
        (Some(Outcome::Ok), 2),
        "{step:?}"
    );
    let tries: Vec<bool> = d.statuses.iter().map(|s| s.error.is_none()).collect();
    assert_eq!(tries, [true, false, false, true]);
    // A status GitHub refuses for good (a 4xx) is not tried again: the record says why.
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    let store = MemoryStore::default();
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    run_until(&store, &ctx, &d.id, Next::FinalStatus);
    fake.fault("GitHub", vec![Fault::Status(422, "Unprocessable"); 10]);
    drive(&store, &ctx).unwrap();
    d = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(d.state, State::Success);
    let step = d.step(StepName::FinalStatus).unwrap();
    assert_eq!((step.outcome, step.retries), (Some(Outcome::Warning), 0));
    assert!(
        step.detail.contains("GitHub answered 422"),
        "{}",
        step.detail
    );
}

#[test]
fn the_circuit_breakers_rollback_is_a_failure_with_ecss_reason() {
    let (fake, clock, target) = (Fake::new(Ending::RollBack(3)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure);
    assert_eq!(
        d.description,
        "Rolled back by the circuit breaker: tasks failed to start (back on web:1)"
    );
    assert_eq!(status_states(&fake), ["pending", "failure"]);
    assert_eq!(fake.world().statuses[1].1["description"], d.description);
}

#[test]
fn a_rollout_that_never_ends_is_an_error_at_the_deadline() {
    let (fake, clock, target) = (Fake::new(Ending::Stall), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    let started = clock.now_millis();
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Error);
    assert_eq!(
        d.description,
        "Still rolling out after 5 min: 1/2 tasks running"
    );
    // Polled every pollSeconds until rolloutWaitSeconds, not a poll more (and read once more
    // for the service's events, the evidence of a rollout that did not end).
    let polls = fake
        .world()
        .calls
        .iter()
        .filter(|c| *c == "DescribeServices")
        .count();
    assert_eq!(polls, 1 + 300 / 15 + 1 + 1, "{polls}");
    let elapsed = clock.now_millis() - started;
    assert!((315_000..=330_000).contains(&elapsed), "{elapsed}");
    assert_eq!(status_states(&fake), ["pending", "error"]);
}

#[test]
fn an_image_that_never_appears_is_an_error_and_a_late_one_is_waited_for() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    fake.world().image_tags.clear();
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Error);
    assert_eq!(
        d.description,
        format!("Image web:{SHA} not found in ECR after 1 min")
    );
    assert_eq!(
        fake.world()
            .calls
            .iter()
            .filter(|c| *c == "DescribeImages")
            .count(),
        5
    );
    assert_eq!(fake.world().register_calls, 0);

    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    fake.world().image_appears_after_calls = 2;
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success);
    assert_eq!(
        d.steps
            .iter()
            .filter(|s| s.name == StepName::FindImage)
            .count(),
        1
    );
}

#[test]
fn a_rendered_task_definition_that_breaks_a_rule_never_reaches_aws() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    base_with_memory(&fake, "300");
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure);
    assert!(
        d.description
            .starts_with("Task definition breaks fargate-cpu-memory: memory: "),
        "{}",
        d.description
    );
    assert_eq!(fake.world().register_calls, 0);
    assert_eq!(status_states(&fake), ["pending", "failure"]);
    assert!(
        fake.world().statuses[1].1["description"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 140
    );
}

/// Checks that cannot be asked, as a worker whose checks worker is not deployed.
#[derive(Debug)]
struct AwayChecks;

impl hatoba_core::checks::Checks for AwayChecks {
    fn task_definition<'a>(
        &'a self,
        _text: &'a str,
    ) -> hatoba_core::checks::LocalFuture<'a, Result<Vec<hatoba_core::checks::Reported>, String>>
    {
        Box::pin(std::future::ready(Err(
            "the checks worker answered 503".to_owned()
        )))
    }

    fn plan<'a>(
        &'a self,
        _request: &'a hatoba_core::review::PlanRequest,
    ) -> hatoba_core::checks::LocalFuture<'a, Result<hatoba_core::review::Assessment, String>> {
        Box::pin(std::future::ready(Err(
            "the checks worker answered 503".to_owned()
        )))
    }

    fn review<'a>(
        &'a self,
        _files: &'a [hatoba_core::review::ReviewFile],
    ) -> hatoba_core::checks::LocalFuture<'a, Result<hatoba_core::review::Assessment, String>> {
        Box::pin(std::future::ready(Err(
            "the checks worker answered 503".to_owned()
        )))
    }
}

#[test]
fn checks_that_cannot_be_asked_hold_no_deploy_up_and_the_step_says_so() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    base_with_memory(&fake, "300");
    let ctx = Context {
        checks: &AwayChecks,
        ..context(&fake, &clock, &target)
    };
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    let check = d.steps.iter().find(|s| s.name.as_str() == "check").unwrap();
    assert_eq!(check.outcome, Some(Outcome::Warning));
    assert_eq!(check.detail, "not checked: the checks worker answered 503");
    assert_eq!(fake.world().register_calls, 1);
}

#[test]
fn bases_from_s3_and_from_the_running_service() {
    for base in [
        BaseSource::S3 {
            bucket: "cfg".into(),
            key: "web.json".into(),
        },
        BaseSource::Current,
    ] {
        let (fake, clock, mut target) =
            (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
        target.task_definition = base.clone();
        let ctx = context(&fake, &clock, &target);
        let mut d = new_deployment(&clock);
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Success, "{base}: {d:#?}");
        let w = fake.world();
        let (_, td, _) = &w.task_definitions[1];
        // The running revision's read-only fields are dropped before registering.
        assert!(
            td.get("revision") == Some(&json!(2))
                && w.task_definitions[1].1["containerDefinitions"][0]["image"]
                    .as_str()
                    .unwrap()
                    .ends_with(SHA)
        );
    }
}

#[test]
fn a_missing_file_a_missing_service_and_no_github_token_are_named() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    fake.world().github_files.clear();
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(
        (d.state, d.description.as_str()),
        (
            State::Error,
            "\u{2e}aws/task-definition.json not found in octo/shop at 1a2b3c4"
        )
    );

    let (fake, clock, mut target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    target.service = "nope".into();
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(
        d.description,
        "update_service: service nope not found in cluster stg (MISSING)"
    );

    // Without a GitHub token an S3 base still deploys, and the record says no status was sent.
    let (fake, clock, mut target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    target.task_definition = BaseSource::S3 {
        bucket: "cfg".into(),
        key: "web.json".into(),
    };
    let mut ctx = context(&fake, &clock, &target);
    ctx.github = None;
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success);
    assert_eq!(d.steps[0].outcome, Some(Outcome::Warning));
    assert_eq!(d.steps[0].detail, "no GitHub token: no status sent");
    assert!(fake.world().statuses.is_empty());
}

#[test]
fn a_github_failure_never_fails_a_deploy_that_succeeded_in_aws() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    // Run up to the final status, then make GitHub refuse it.
    while d.next != Next::FinalStatus {
        if let Wake::After(w) = block_on(deploy::advance(&mut d, &ctx)) {
            *clock.0.borrow_mut() += w.as_millis() as u64;
        }
    }
    fake.fault("GitHub", vec![Fault::Status(422, "Validation Failed"); 1]);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success);
    let last = d.steps.last().unwrap();
    assert_eq!(
        (last.name, last.outcome),
        (StepName::FinalStatus, Some(Outcome::Warning))
    );
    assert!(
        last.detail
            .starts_with("commit status not sent: GitHub answered 422"),
        "{}",
        last.detail
    );
    assert!(d.statuses.last().unwrap().error.is_some());
}

#[test]
fn a_deployment_event_gets_deployment_statuses_too() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let trigger = Trigger::Deployment {
        delivery: None,
        deployment_id: 42,
        environment: "staging".into(),
    };
    let mut d = Deployment::new("stg-web", SHA, trigger, clock.now_millis());
    run(&mut d, &ctx);
    let w = fake.world();
    let deployment_statuses: Vec<&Value> = w
        .statuses
        .iter()
        .filter(|(u, _)| u.ends_with("/deployments/42/statuses"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(deployment_statuses.len(), 2);
    assert_eq!(deployment_statuses[0]["state"], "in_progress");
    assert_eq!(deployment_statuses[1]["state"], "success");
    assert!(
        deployment_statuses[1]["log_url"]
            .as_str()
            .unwrap()
            .contains("/#/deployments/")
    );
    assert!(
        deployment_statuses[1]["environment_url"]
            .as_str()
            .unwrap()
            .contains("console.aws.amazon.com/ecs")
    );
}

#[test]
fn a_redeploy_of_an_earlier_revision_skips_image_render_and_register() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let mut td = base_td();
    td["taskDefinitionArn"] = json!("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2");
    fake.world().task_definitions.push((
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2".into(),
        td,
        vec![],
    ));
    let ctx = context(&fake, &clock, &target);
    let mut d = Deployment::redeploy(
        "stg-web",
        SHA,
        "web:2",
        Trigger::Manual { by: "cli".into() },
        clock.now_millis(),
    );
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(
        step_names(&d),
        [
            "pending_status",
            "update_service",
            "wait_rollout",
            "final_status"
        ]
    );
    assert_eq!(
        d.task_definition_arn.as_deref(),
        Some("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2")
    );
    assert_eq!(fake.world().register_calls, 0);
    // The full ARN, which the deploy policy's `ecs:task-definition` condition is written for.
    assert_eq!(
        fake.world().updated_with,
        ["arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2"]
    );
}

#[test]
fn a_redeploy_of_another_familys_revision_fails_before_the_service_is_touched() {
    let other = "arn:aws:ecs:eu-west-1:123456789012:task-definition/other-team-admin:1";
    let foreign = "arn:aws:ecs:eu-west-1:210987654321:task-definition/web:1";
    for (asked, why) in [
        (
            other,
            "other-team-admin:1 is of family other-team-admin: target stg-web redeploys only revisions of web, the family its service stg/web runs",
        ),
        (
            "other-team-admin:1",
            "other-team-admin:1 is of family other-team-admin: target stg-web redeploys only revisions of web, the family its service stg/web runs",
        ),
        (
            foreign,
            "\"arn:aws:ecs:eu-west-1:210987654321:task-definition/web:1\" is in account 210987654321: the service stg/web runs web of account 123456789012",
        ),
        (
            "web:latest",
            "\"web:latest\" has revision \"latest\", not a revision number (1, 2, ...): expected FAMILY:REVISION (web:42) or arn:aws:ecs:eu-west-1:ACCOUNT:task-definition/FAMILY:REVISION",
        ),
    ] {
        let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
        // Registered, so ECS itself would take it.
        let mut td = base_td();
        td["family"] = json!("other-team-admin");
        fake.world()
            .task_definitions
            .push((other.into(), td.clone(), vec![]));
        fake.world()
            .task_definitions
            .push((foreign.into(), td, vec![]));
        let ctx = context(&fake, &clock, &target);
        let mut d = Deployment::redeploy(
            "stg-web",
            SHA,
            asked,
            Trigger::Manual { by: "api".into() },
            clock.now_millis(),
        );
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Failure, "{asked}: {d:#?}");
        assert_eq!(d.description, why, "{asked}");
        assert_eq!(
            step_names(&d),
            ["pending_status", "update_service", "final_status"],
            "{asked}"
        );
        let update = d.step(StepName::UpdateService).unwrap();
        assert_eq!(update.outcome, Some(Outcome::Failed));
        assert_eq!(update.detail, why);
        let w = fake.world();
        assert_eq!(w.update_calls, 0, "{asked}: the service was updated");
        assert_eq!(w.service_td, OLD_ARN);
        assert!(!w.calls.iter().any(|c| c == "UpdateService"), "{asked}");
        drop(w);
        assert_eq!(status_states(&fake), ["pending", "failure"], "{asked}");
    }
}

#[test]
fn a_redeploy_by_family_and_revision_updates_the_service_with_the_full_arn() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = Deployment::redeploy(
        "stg-web",
        SHA,
        "web:01",
        Trigger::Manual { by: "api".into() },
        clock.now_millis(),
    );
    run(&mut d, &ctx);
    // The service already runs web:1: followed, not updated again.
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.task_definition_arn.as_deref(), Some(OLD_ARN));
    assert_eq!(fake.world().update_calls, 0);
}

#[test]
fn a_queued_deployment_is_superseded_with_an_error_status_naming_the_newer_commit() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    assert!(deploy::supersede(
        &mut d,
        "9f8e7d6c5b4a",
        clock.now_millis()
    ));
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Superseded);
    let w = fake.world();
    assert_eq!(w.statuses.len(), 1);
    assert_eq!(w.statuses[0].1["state"], "error");
    assert_eq!(w.statuses[0].1["description"], "Superseded by 9f8e7d6");
    assert_eq!(w.register_calls, 0);
    drop(w);
    // One rendered and checked but not yet registering is superseded; one whose register began
    // (it may have reached AWS) is not, nor one that registered its revision.
    let mut started = new_deployment(&clock);
    block_on(deploy::advance(&mut started, &ctx));
    assert_eq!(started.next, Next::Register);
    assert!(deploy::supersede(
        &mut started.clone(),
        "9f8e7d6c5b4a",
        clock.now_millis()
    ));
    deploy::before_advance(&mut started);
    assert!(!deploy::supersede(
        &mut started.clone(),
        "9f8e7d6c5b4a",
        clock.now_millis()
    ));
    while started.next != Next::UpdateService {
        deploy::before_advance(&mut started);
        block_on(deploy::advance(&mut started, &ctx));
    }
    assert!(!deploy::supersede(
        &mut started,
        "9f8e7d6c5b4a",
        clock.now_millis()
    ));
    assert!(!deploy::supersede(
        &mut started,
        "9f8e7d6c5b4a",
        clock.now_millis()
    ));
}

#[test]
fn resuming_from_the_stored_record_at_every_boundary_registers_and_updates_once() {
    // How many advances a clean run takes.
    let (fake, clock0, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
    let mut d = new_deployment(&clock0);
    let total = run(&mut d, &context(&fake, &clock0, &target));
    for k in 0..total {
        for crash_before_store in [false, true] {
            let (fake, clock, target) =
                (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
            let ctx = context(&fake, &clock, &target);
            let mut d = new_deployment(&clock);
            for _ in 0..k {
                deploy::before_advance(&mut d);
                if let Wake::After(w) = block_on(deploy::advance(&mut d, &ctx)) {
                    *clock.0.borrow_mut() += w.as_millis() as u64;
                }
            }
            // The record as the driver stored it before the next step, read back.
            deploy::before_advance(&mut d);
            let stored = serde_json::to_string(&d).unwrap();
            if crash_before_store {
                // The next step runs (its requests reach AWS) but its record is lost.
                block_on(deploy::advance(&mut d, &ctx));
            }
            let mut resumed: Deployment = serde_json::from_str(&stored).unwrap();
            run(&mut resumed, &ctx);
            assert_eq!(
                resumed.state,
                State::Success,
                "k={k} crash={crash_before_store}: {resumed:#?}"
            );
            let w = fake.world();
            assert_eq!(
                w.register_calls, 1,
                "k={k} crash={crash_before_store}: a second revision"
            );
            assert_eq!(
                w.update_calls, 1,
                "k={k} crash={crash_before_store}: a second UpdateService"
            );
            assert_eq!(w.service_td, resumed.task_definition_arn.clone().unwrap());
        }
    }
}

/// The deploy role of `stg-web`, its session kept in `session`.
fn deploy_role(session: &deploy::session::Session) -> deploy::DeployRole<'_> {
    deploy::DeployRole {
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/hatoba-deploy-stg-web"),
        session,
    }
}

#[test]
fn with_a_deploy_role_each_aws_call_is_signed_by_its_session_assumed_once_for_the_target() {
    let fake = Fake::new(Ending::Complete(2));
    let clock = fake_clock();
    let target = stg_target();
    let session = deploy::session::Session::default();
    let mut ctx = context(&fake, &clock, &target);
    ctx.role = Some(deploy_role(&session));
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    // The session comes first: the first steps, run at once, already call AWS.
    assert_eq!(d.steps[0].name, StepName::AssumeRole);
    assert_eq!(
        d.steps[0].detail,
        format!(
            "session hatoba-stg-web-1a2b3c4 of arn:aws:iam::{ACCOUNT}:role/hatoba-deploy-stg-web, 15 min"
        )
    );
    let w = fake.world();
    let assumed: Vec<&String> = w
        .calls
        .iter()
        .filter(|c| c.starts_with("AssumeRole "))
        .collect();
    assert_eq!(assumed.len(), 1, "{:?}", w.calls);
    // The session's name, 15 minutes, and a policy naming the target's service.
    assert!(
        assumed[0].contains("RoleSessionName=hatoba-stg-web-1a2b3c4&DurationSeconds=900&Policy=")
    );
    assert!(assumed[0].contains("service%2Fstg%2Fweb"), "{}", assumed[0]);
    for (op, key) in &w.signed_by {
        let expected = if op == "AssumeRole" {
            "AKIDFAKEDEPLOY"
        } else {
            "ASIAFAKESESSION"
        };
        assert_eq!(key, expected, "{op}");
    }
    assert!(w.signed_by.iter().any(|(op, _)| op == "UpdateService"));
}

#[test]
fn a_role_sts_refuses_ends_the_deploy_in_error_before_any_other_aws_call() {
    let fake = Fake::new(Ending::Complete(1));
    fake.world().sts_denies = true;
    let clock = fake_clock();
    let target = stg_target();
    let session = deploy::session::Session::default();
    let mut ctx = context(&fake, &clock, &target);
    ctx.role = Some(deploy_role(&session));
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Error);
    assert!(
        d.description
            .starts_with("assume_role: STS AssumeRole: AccessDenied: not authorized"),
        "{}",
        d.description
    );
    assert_eq!(step_names(&d), ["assume_role", "final_status"]);
    let w = fake.world();
    assert!(
        !w.calls
            .iter()
            .any(|c| c == "DescribeImages" || c == "UpdateService")
    );
    drop(w);
    // The commit is told at once: the error, with no pending before it.
    assert_eq!(status_states(&fake), ["error"]);
}

#[test]
fn credentials_an_answer_echoes_never_reach_the_record_or_a_status() {
    let fake = Fake::new(Ending::Complete(1));
    fake.fault("GitHub", vec![Fault::Echo(422)]);
    fake.fault("DescribeImages", vec![Fault::Echo(403)]);
    let clock = fake_clock();
    let target = stg_target();
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Error);
    let record = serde_json::to_string(&d).unwrap();
    for secret in ["fake-secret", "ghs_fakefakefake", "AKIDFAKEDEPLOY"] {
        assert!(!record.contains(secret), "{secret} in {record}");
    }
    // What was said is still there, with the secrets cut out.
    assert!(
        record.contains("refused Bearer [redacted] (secret [redacted])"),
        "{record}"
    );
    assert!(
        d.description
            .contains("AccessDeniedException: refused AWS4-HMAC-SHA256 Credential=[redacted]/"),
        "{}",
        d.description
    );
    let sent = fake
        .world()
        .statuses
        .iter()
        .map(|(_, b)| b.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !sent.contains("fake-secret") && !sent.contains("AKIDFAKEDEPLOY"),
        "{sent}"
    );
}

/// A store whose `fail_at`-th write (puts and deletes, counted from 1) fails, as a worker that
/// dies there would: the write does not happen and the driver stops.
#[derive(Default)]
struct CrashingStore {
    inner: MemoryStore,
    writes: Cell<usize>,
    fail_at: Cell<Option<usize>>,
}

impl CrashingStore {
    fn write(&self) -> Result<(), StoreError> {
        self.writes.set(self.writes.get() + 1);
        if self.fail_at.get() == Some(self.writes.get()) {
            return Err(StoreError("the worker died here".into()));
        }
        Ok(())
    }
}

impl Store for CrashingStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.inner.get(key).await
    }
    async fn put(&self, key: &str, value: String) -> Result<(), StoreError> {
        self.write()?;
        self.inner.put(key, value).await
    }
    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.write()?;
        self.inner.delete(key).await
    }
}

fn push_request() -> DeployRequest {
    DeployRequest {
        target: "stg-web".into(),
        sha: SHA.into(),
        trigger: Trigger::Push {
            delivery: Some("d-1".into()),
        },
        commit_time: Some(1_795_766_000_000),
        task_definition_arn: None,
        pushed_at: None,
    }
}

/// Admits the push (GitHub redelivers it when the worker failed to answer), then drives the
/// target to its end, starting again from the store after a failed write.
fn admit_and_drive(store: &CrashingStore, ctx: &Context<'_, Fake, FakeClock>) -> String {
    let keys = vec!["delivery d-1".to_owned(), "body 0f0f".to_owned()];
    let mut id = None;
    for _ in 0..3 {
        match block_on(Driver::new(store).admit(&push_request(), &keys, ctx.clock.now_millis())) {
            Ok(admitted) => {
                id = admitted.id.or(id);
                break;
            }
            Err(_) => continue,
        }
    }
    for _ in 0..3 {
        if drive(store, ctx).is_ok() {
            break;
        }
    }
    id.expect("the push was admitted")
}

#[test]
fn the_driver_crashed_at_every_write_resumes_with_one_revision_one_update_and_a_final_status() {
    // How many writes a clean run makes.
    let (fake, clock, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
    let store = CrashingStore::default();
    admit_and_drive(&store, &context(&fake, &clock, &target));
    let total = store.writes.get();
    assert!(total > 10, "{total} writes");
    for n in 1..=total {
        let (fake, clock, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
        let ctx = context(&fake, &clock, &target);
        let store = CrashingStore::default();
        store.fail_at.set(Some(n));
        let id = admit_and_drive(&store, &ctx);
        assert_eq!(
            status_states(&fake).last().map(String::as_str),
            Some("success"),
            "crash at write {n}: the final status"
        );
        let w = fake.world();
        assert_eq!(w.register_calls, 1, "crash at write {n}: revisions");
        assert_eq!(w.update_calls, 1, "crash at write {n}: UpdateService calls");
        // Nothing lost: the record is the truth, the ledger agrees, nothing is left running.
        let driver = Driver::new(&store.inner);
        let d = block_on(driver.deployment(&id)).unwrap().unwrap();
        assert_eq!(d.state, State::Success, "crash at write {n}: {d:#?}");
        assert_eq!(d.next, Next::Done);
        let ledger = block_on(driver.ledger()).unwrap();
        assert_eq!(ledger.active, None, "crash at write {n}");
        assert!(ledger.queue.is_empty(), "crash at write {n}");
        assert_eq!(ledger.history.len(), 1, "crash at write {n}: {ledger:?}");
        assert_eq!(ledger.history[0].state, State::Success);
        assert_eq!(w.service_td, d.task_definition_arn.unwrap());
        // A redelivery afterwards does nothing.
        let again = block_on(driver.admit(
            &push_request(),
            &["delivery d-1".to_owned()],
            clock.now_millis(),
        ))
        .unwrap();
        assert_eq!(again.id, None, "crash at write {n}");
    }
}

#[test]
fn a_newer_push_supersedes_one_waiting_for_its_image_and_the_queue_runs_in_order() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    // The first commit's image never appears; the second's is there.
    let newer = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    fake.world().image_tags = vec![newer.to_owned()];
    fake.world().github_files.insert(
        format!(".aws/task-definition.json@{newer}"),
        base_td().to_string(),
    );
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let driver = Driver::new(&store);
    let first = block_on(driver.admit(&push_request(), &["delivery d-1".into()], 1))
        .unwrap()
        .id
        .unwrap();
    // It runs until it waits for its image.
    let wake =
        block_on(driver.run(&ctx, Duration::from_secs(20), |_| ControlFlow::Continue(()))).unwrap();
    assert!(matches!(wake, Wake::After(_)), "{wake:?}");
    let second = DeployRequest {
        sha: newer.into(),
        trigger: Trigger::Push {
            delivery: Some("d-2".into()),
        },
        commit_time: Some(1_795_766_100_000),
        ..push_request()
    };
    let second = block_on(driver.admit(&second, &["delivery d-2".into()], 2))
        .unwrap()
        .id
        .unwrap();
    drive(&store, &ctx).unwrap();
    let first = block_on(driver.deployment(&first)).unwrap().unwrap();
    assert_eq!(first.state, State::Superseded, "{first:#?}");
    assert_eq!(first.description, "Superseded by 9f8e7d6");
    let second = block_on(driver.deployment(&second)).unwrap().unwrap();
    assert_eq!(second.state, State::Success, "{second:#?}");
    assert_eq!(fake.world().register_calls, 1);
    assert_eq!(
        status_states(&fake),
        ["pending", "error", "pending", "success"]
    );
    let history = block_on(driver.deployments()).unwrap();
    assert_eq!(
        history.iter().map(|d| d.state).collect::<Vec<_>>(),
        [State::Success, State::Superseded]
    );
}

#[test]
fn a_queued_push_superseded_before_it_ran_sends_its_error_and_never_reaches_aws() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let newer = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    fake.world().image_tags.push(newer.to_owned());
    fake.world().github_files.insert(
        format!(".aws/task-definition.json@{newer}"),
        base_td().to_string(),
    );
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let driver = Driver::new(&store);
    // A manual deploy runs; two pushes queue behind it; the newer supersedes the older.
    let manual = DeployRequest {
        trigger: Trigger::Manual { by: "api".into() },
        ..push_request()
    };
    block_on(driver.admit(&manual, &[], 1)).unwrap();
    // It runs past registering its revision, so nothing supersedes it any more.
    block_on(driver.run(&ctx, Duration::from_secs(20), |d| {
        if d.next == Next::WaitRollout {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }))
    .unwrap();
    let older = DeployRequest {
        sha: "0123456789abcdef0123456789abcdef01234567".into(),
        ..push_request()
    };
    let older = block_on(driver.admit(&older, &["delivery d-2".into()], 2))
        .unwrap()
        .id
        .unwrap();
    let newer = DeployRequest {
        sha: newer.into(),
        commit_time: Some(1_795_766_100_000),
        ..push_request()
    };
    block_on(driver.admit(&newer, &["delivery d-3".into()], 3)).unwrap();
    drive(&store, &ctx).unwrap();
    let older = block_on(driver.deployment(&older)).unwrap().unwrap();
    assert_eq!(older.state, State::Superseded);
    assert_eq!(older.description, "Superseded by 9f8e7d6");
    // Two revisions: the manual deploy's and the newer push's; the older push none.
    assert_eq!(fake.world().register_calls, 2);
    let states: Vec<State> = block_on(driver.deployments())
        .unwrap()
        .iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(states, [State::Success, State::Superseded, State::Success]);
}

#[test]
fn an_alarm_hands_over_when_its_budget_is_spent() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(1)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let driver = Driver::new(&store);
    block_on(driver.admit(&push_request(), &[], 1)).unwrap();
    // A budget already spent: one step, then "call me again now".
    let mut seen = 0;
    let wake = block_on(driver.run(&ctx, Duration::ZERO, |_| {
        seen += 1;
        ControlFlow::Continue(())
    }))
    .unwrap();
    assert_eq!((wake, seen), (Wake::Now, 1));
    // A break from the observer stops at once, with the step stored.
    let wake =
        block_on(driver.run(&ctx, Duration::from_secs(20), |_| ControlFlow::Break(()))).unwrap();
    assert_eq!(wake, Wake::Now);
    let d = &block_on(driver.deployments()).unwrap()[0];
    // (The first steps run at once: the pending status, the image and the base, rendered and
    // checked, are one step of the driver.)
    assert_eq!(
        step_names(d),
        [
            "pending_status",
            "find_image",
            "load_task_definition",
            "render",
            "check",
            "register_task_definition"
        ]
    );
    // With nothing queued, the driver has nothing to do.
    assert_eq!(
        block_on(
            Driver::new(&MemoryStore::default())
                .run(&ctx, Duration::ZERO, |_| { ControlFlow::Continue(()) })
        )
        .unwrap(),
        Wake::Done
    );
}

#[test]
fn a_soak_of_sixty_pushes_through_faults_lost_answers_and_kills_deploys_each_commit_once() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
    let shas: Vec<String> = (0..60u64)
        .map(|n| format!("{:07x}{:033x}", 0x05ee_d000 + n, n))
        .collect();
    {
        let mut w = fake.world();
        for sha in &shas {
            w.image_tags.push(sha.clone());
            w.github_files.insert(
                format!(".aws/task-definition.json@{sha}"),
                base_td().to_string(),
            );
        }
        // 30 % of AWS calls throttled or failing, 10 % of answers lost after the call took
        // effect, 30 % of GitHub calls failing.
        w.chaos = Some(Chaos {
            seed: 20_261_202,
            aws: 30,
            lost: 10,
            github: 30,
        });
    }
    let ctx = context(&fake, &clock, &target);
    let store = CrashingStore::default();
    // The worker is killed three times: at these writes, whatever it was doing.
    let kills = [97, 389, 701];
    let mut killed = 0;
    let mut next_kill = |store: &CrashingStore| {
        if let Some(at) = kills.get(killed) {
            if store.writes.get() < *at {
                store.fail_at.set(Some(*at));
            } else {
                killed += 1;
            }
        }
    };
    let mut runs = 0;
    let mut run_once = |store: &CrashingStore| -> bool {
        runs += 1;
        assert!(runs < 20_000, "the driver never settled");
        match block_on(Driver::new(store).run(&ctx, Duration::ZERO, |_| ControlFlow::Continue(())))
        {
            Ok(Wake::After(wait)) => {
                *clock.0.borrow_mut() += wait.as_millis() as u64;
                true
            }
            Ok(Wake::Now) => true,
            Ok(Wake::Done) => false,
            // Killed: the next alarm starts again from what was stored.
            Err(_) => true,
        }
    };
    for (n, sha) in shas.iter().enumerate() {
        next_kill(&store);
        let request = DeployRequest {
            sha: sha.clone(),
            trigger: Trigger::Push {
                delivery: Some(format!("d-{n}")),
            },
            commit_time: Some(1_795_766_000_000 + n as u64 * 1_000),
            pushed_at: Some(1_795_766_000_000 + n as u64 * 1_000),
            ..push_request()
        };
        let keys = vec![format!("delivery d-{n}")];
        // GitHub redelivers what the worker failed to answer.
        while block_on(Driver::new(&store).admit(&request, &keys, clock.now_millis())).is_err() {}
        // Most pushes come after the deploy before them ended, some while it runs (every
        // fourth pair comes together).
        let steps = if n % 4 == 3 { 1 } else { 40 };
        for _ in 0..steps {
            next_kill(&store);
            if !run_once(&store) {
                break;
            }
        }
    }
    loop {
        next_kill(&store);
        if !run_once(&store) {
            break;
        }
    }
    next_kill(&store);
    assert_eq!(killed, 3, "three kills in {} writes", store.writes.get());
    let driver = Driver::new(&store.inner);
    let all = block_on(driver.deployments()).unwrap();
    assert_eq!(all.len(), 60);
    // The newest commit is live.
    let newest = &all[0];
    assert_eq!(newest.sha, shas[59]);
    assert_eq!(newest.state, State::Success, "{newest:#?}");
    let w = fake.world();
    assert_eq!(Some(w.service_td.clone()), newest.task_definition_arn);
    // No deployment ended in error from faults alone, every one is over, and none registered
    // two revisions.
    for d in &all {
        assert!(d.next == Next::Done, "{}: {:?}", d.id, d.next);
        assert!(
            matches!(d.state, State::Success | State::Superseded),
            "{}: {:?} {}",
            d.id,
            d.state,
            d.description
        );
        let revisions = w
            .task_definitions
            .iter()
            .filter(|(_, _, tags)| {
                tags.contains(&json!({"key": "hatoba:deployment", "value": d.id}))
            })
            .count();
        assert!(revisions <= 1, "{}: {revisions} revisions", d.id);
        assert_eq!(
            revisions == 1,
            d.state == State::Success,
            "{}: {:?} {}",
            d.id,
            d.state,
            d.description
        );
    }
    // No status dangles: each commit's last status GitHub took is final.
    for sha in &shas {
        let last = w
            .statuses
            .iter()
            .rev()
            .find(|(url, _)| url.ends_with(sha.as_str()))
            .map(|(_, body)| body["state"].as_str().unwrap().to_owned());
        assert!(
            matches!(last.as_deref(), Some("success" | "error")),
            "{sha}: {last:?}: {:#?}",
            all.iter()
                .find(|d| &d.sha == sha)
                .map(|d| (&d.steps, &d.statuses))
        );
    }
    let superseded = all.iter().filter(|d| d.state == State::Superseded).count();
    let retried: u32 = all.iter().flat_map(|d| &d.steps).map(|s| s.retries).sum();
    println!(
        "soak: {} deployed, {superseded} superseded, {retried} step retries, {runs} runs",
        60 - superseded
    );
    assert!(retried > 0, "the weather never made a step wait");
}

// ---- why a rollout failed, stopping it early, and ECS's service deployments ----------------

const TASK_PREFIX: &str = "arn:aws:ecs:eu-west-1:123456789012:task/stg/";

/// A stopped task of the rollout in DescribeTasks' shape; `containers` are (name, exit code,
/// reason).
fn stopped_task(
    n: u32,
    stop_code: &str,
    reason: &str,
    containers: &[(&str, Option<i64>, Option<&str>)],
) -> Value {
    let arn = format!("{TASK_PREFIX}{n:032x}");
    let containers: Vec<Value> = containers
        .iter()
        .map(|(name, exit_code, reason)| {
            let mut c = json!({"containerArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:container/stg/{n:032x}/{name}"),
                "taskArn": arn, "name": name, "lastStatus": "STOPPED", "healthStatus": "UNKNOWN"});
            if let Some(code) = exit_code {
                c["exitCode"] = json!(code);
            }
            if let Some(reason) = reason {
                c["reason"] = json!(reason);
            }
            c
        })
        .collect();
    json!({"taskArn": arn, "clusterArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/stg"),
        "taskDefinitionArn": format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/web:2"),
        "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "launchType": "FARGATE",
        "startedBy": "ecs-svc/101", "stopCode": stop_code, "stoppedReason": reason,
        "stoppingAt": 1_795_766_430.0 + f64::from(n), "stoppedAt": 1_795_766_431.5 + f64::from(n),
        "containers": containers})
}

fn exited_task(n: u32) -> Value {
    stopped_task(
        n,
        "EssentialContainerExited",
        "Essential container in task exited",
        &[("web", Some(1), None)],
    )
}

fn pull_task(n: u32) -> Value {
    stopped_task(
        n,
        "TaskFailedToStart",
        "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b: not found",
        &[("web", None, None)],
    )
}

fn secret_task(n: u32) -> Value {
    stopped_task(
        n,
        "TaskFailedToStart",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue",
        &[("web", None, None)],
    )
}

fn oom_task(n: u32) -> Value {
    stopped_task(
        n,
        "EssentialContainerExited",
        "Essential container in task exited",
        &[(
            "web",
            Some(137),
            Some("OutOfMemoryError: Container killed due to memory usage"),
        )],
    )
}

fn unhealthy_task(n: u32) -> Value {
    stopped_task(
        n,
        "ServiceSchedulerInitiated",
        "Task failed container health checks",
        &[("web", Some(143), None)],
    )
}

/// The task id part of stopped task `n`'s ARN.
fn task_id(n: u32) -> String {
    format!("{n:032x}")
}

/// The base logs with awslogs to /ecs/web under the prefix `ecs`, and the stream of `web` in
/// task 1 holds `lines`.
fn with_awslogs(fake: &Fake, lines: Vec<String>) {
    let mut base = base_td();
    base["containerDefinitions"][0]["logConfiguration"] = json!({"logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "ecs"}});
    let mut w = fake.world();
    w.github_files
        .insert(format!(".aws/task-definition.json@{SHA}"), base.to_string());
    w.log = Some((
        "/ecs/web".to_owned(),
        format!("ecs/web/{}", task_id(1)),
        lines,
    ));
}

fn failure_of(d: &Deployment) -> deploy::Failure {
    deploy::Failure::from_json(d.failure.as_ref().expect("a failure in the record"))
        .expect("the record's failure reads back")
}

fn calls_of(fake: &Fake, op: &str) -> Vec<Value> {
    fake.world()
        .inputs
        .iter()
        .filter(|(o, _)| o == op)
        .map(|(_, input)| input.clone())
        .collect()
}

fn descriptions(fake: &Fake) -> Vec<(String, String)> {
    fake.world()
        .statuses
        .iter()
        .map(|(_, b)| {
            (
                b["state"].as_str().unwrap().to_owned(),
                b["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A service with ECS's service deployments whose rollout stays in SCALE_UP for `reads` reads,
/// then ends `end`.
fn rolling(reads: u32, end: &'static str) -> Sd {
    Sd::new("ROLLING", vec![("SCALE_UP", reads)], end)
}

#[test]
fn an_essential_container_that_exits_is_named_with_its_last_log_line_redacted_and_capped() {
    let (fake, clock, target) = (Fake::new(Ending::RollBack(3)), fake_clock(), stg_target());
    let mut lines: Vec<String> = (0..30).map(|i| format!("booting step {i}\n")).collect();
    lines[25] = "connecting with password fake-secret to db\n".to_owned();
    lines.push("Error: DATABASE_URL is not set\n".to_owned());
    with_awslogs(&fake, lines);
    fake.world().stopped_tasks = vec![exited_task(1), exited_task(2), exited_task(3)];
    let start = clock.now_millis() / 1000;
    fake.world().events = vec![
        json!({"id": "e3", "createdAt": start as f64 + 3600.0,
            "message": "(service web) has started 1 tasks: (task 3)."}),
        json!({"id": "e2", "createdAt": start as f64 + 3500.0,
            "message": "(service web) deployment ecs-svc/101 deployment failed: tasks failed to start."}),
        json!({"id": "e1", "createdAt": start as f64 - 86_400.0,
            "message": "(service web) has reached a steady state."}),
    ];
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    let f = failure_of(&d);
    let summary = "web exited 1: \"Error: DATABASE_URL is not set\" (rolled back to web:1)";
    assert_eq!(f.summary, summary);
    assert_eq!(f.ending, "rolled back to web:1");
    assert_eq!(d.description, summary);
    let statuses = descriptions(&fake);
    assert_eq!(
        statuses.last().unwrap(),
        &("failure".to_owned(), summary.to_owned())
    );
    // The stopped tasks, each as ECS said.
    assert_eq!(f.stopped_tasks.len(), 3, "{f:#?}");
    assert_eq!(
        f.stopped_tasks[0].task_arn,
        format!("{TASK_PREFIX}{}", task_id(1))
    );
    assert_eq!(
        f.stopped_tasks[0].stop_code.as_deref(),
        Some("EssentialContainerExited")
    );
    assert_eq!(f.stopped_tasks[0].containers[0].exit_code, Some(1));
    assert_eq!(f.stopped_tasks[0].stopped_at, Some(1_795_766_432_500));
    // The events since the update, oldest first; the one before the deploy is not kept.
    let events: Vec<&str> = f.events.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        events,
        [
            "(service web) deployment ecs-svc/101 deployment failed: tasks failed to start.",
            "(service web) has started 1 tasks: (task 3)."
        ]
    );
    // The failing container's log: its stream, the last 20 lines, the secret gone.
    let logs = f.logs.as_ref().expect("the log was read");
    assert_eq!(logs.group, "/ecs/web");
    assert_eq!(logs.stream, format!("ecs/web/{}", task_id(1)));
    assert_eq!(logs.lines.len(), 20, "{:?}", logs.lines);
    assert_eq!(logs.lines[19], "Error: DATABASE_URL is not set");
    assert_eq!(logs.lines[0], "booting step 11");
    assert!(logs.lines.iter().all(|l| !l.contains("fake-secret")));
    assert!(
        logs.lines
            .iter()
            .any(|l| l.starts_with("connecting with password")),
        "{:?}",
        logs.lines
    );
    let asked = calls_of(&fake, "GetLogEvents");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["limit"], 20);
    assert_eq!(asked[0]["startFromHead"], false);
    assert!(f.missing.is_empty(), "{:?}", f.missing);
    let step = d.step(StepName::CollectEvidence).unwrap();
    assert_eq!(step.outcome, Some(Outcome::Ok));
    assert_eq!(step.detail, "3 stopped tasks, 2 events, 20 log lines");
    // The whole record says nothing of the secret.
    assert!(!serde_json::to_string(&d).unwrap().contains("fake-secret"));
    // Without the service's deployments the rollout is not stopped early: the circuit breaker
    // decides.
    assert!(calls_of(&fake, "StopServiceDeployment").is_empty());

    // Long lines: at most 4 KB of them, the newest kept.
    let (fake, clock, target) = (Fake::new(Ending::RollBack(3)), fake_clock(), stg_target());
    let lines: Vec<String> = (0..6).map(|i| format!("{i}{}", "x".repeat(1500))).collect();
    with_awslogs(&fake, lines);
    fake.world().stopped_tasks = vec![exited_task(1)];
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    let logs = failure_of(&d).logs.unwrap();
    assert_eq!(logs.lines.len(), 2);
    assert!(logs.lines[1].starts_with('5'));
    assert!(logs.lines.iter().map(String::len).sum::<usize>() <= 4096);
}

/// Runs a deploy to its end against a service with ECS's service deployments whose tasks stop
/// as `tasks` says (one more each poll).
fn fail_fast_run(tasks: Vec<Value>, fail_fast: bool, end: &'static str) -> (Fake, Deployment) {
    let (fake, clock, mut target) = (Fake::new(Ending::Stall), fake_clock(), stg_target());
    target.fail_fast = fail_fast;
    fake.world().sd = Some(rolling(6, end));
    fake.world().stopped_tasks = tasks;
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    (fake, d)
}

#[test]
fn an_image_that_cannot_be_pulled_stops_the_rollout_after_two_tasks() {
    let (fake, d) = fail_fast_run(
        vec![pull_task(1), pull_task(2), pull_task(3)],
        true,
        "SUCCESSFUL",
    );
    assert_eq!(d.state, State::Failure, "{d:#?}");
    let stops = calls_of(&fake, "StopServiceDeployment");
    assert_eq!(
        stops,
        [json!({"serviceDeploymentArn": SD_ARN, "stopType": "ROLLBACK"})]
    );
    assert!(
        d.description
            .starts_with("Stopped early after 2 tasks failed: CannotPullContainerError"),
        "{}",
        d.description
    );
    assert!(d.description.ends_with(": not found"), "{}", d.description);
    let f = failure_of(&d);
    assert_eq!(f.ending, "stopped early after 2 tasks failed");
    assert_eq!(f.stopped_tasks.len(), 2);
    assert_eq!(d.service_deployment_arn.as_deref(), Some(SD_ARN));
    assert_eq!(
        descriptions(&fake).last().unwrap(),
        &("failure".to_owned(), d.description.clone())
    );
    // Only the rollout's stopped tasks were listed.
    for input in calls_of(&fake, "ListTasks") {
        assert_eq!(
            input,
            json!({"cluster": "stg", "startedBy": "ecs-svc/101", "desiredStatus": "STOPPED"})
        );
    }
    // The newest deployment listed since the update is followed, not an older one.
    let listed = calls_of(&fake, "ListServiceDeployments");
    assert_eq!(listed.len(), 1, "listed once");
    assert_eq!(listed[0]["cluster"], "stg");
    assert_eq!(listed[0]["service"], "web");
    assert!(listed[0]["createdAt"]["after"].as_u64().unwrap() <= 1_795_766_400);

    // With failFast off, Hatoba never stops it: ECS's circuit breaker decides.
    let (fake, d) = fail_fast_run(
        vec![pull_task(1), pull_task(2), pull_task(3)],
        false,
        "ROLLBACK_SUCCESSFUL",
    );
    assert!(calls_of(&fake, "StopServiceDeployment").is_empty());
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert!(
        d.description.starts_with("CannotPullContainerError"),
        "{}",
        d.description
    );
    assert!(
        d.description.ends_with(" (rolled back to web:1)"),
        "{}",
        d.description
    );
}

#[test]
fn a_secret_that_cannot_be_fetched_stops_the_rollout_early() {
    let (fake, d) = fail_fast_run(vec![secret_task(1), secret_task(2)], true, "SUCCESSFUL");
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(calls_of(&fake, "StopServiceDeployment").len(), 1);
    assert!(
        d.description
            .starts_with("Stopped early after 2 tasks failed: ResourceInitializationError: "),
        "{}",
        d.description
    );
    assert!(
        d.description.contains("GetSecretValue"),
        "{}",
        d.description
    );
}

#[test]
fn a_container_out_of_memory_is_named_as_such() {
    let (fake, d) = fail_fast_run(vec![oom_task(1), oom_task(2)], true, "SUCCESSFUL");
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(calls_of(&fake, "StopServiceDeployment").len(), 1);
    assert_eq!(
        d.description,
        "Stopped early after 2 tasks failed: web ran out of memory (exit 137)"
    );
}

#[test]
fn failed_health_checks_are_evidence_but_never_stop_a_rollout_early() {
    let tasks = (1..=5).map(unhealthy_task).collect();
    let (fake, d) = fail_fast_run(tasks, true, "ROLLBACK_SUCCESSFUL");
    assert!(calls_of(&fake, "StopServiceDeployment").is_empty());
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(
        d.description,
        "web failed its health checks (Task failed container health checks) (rolled back to web:1)"
    );
    let f = failure_of(&d);
    assert_eq!(f.ending, "rolled back to web:1");
    assert!(!f.stopped_tasks.is_empty());
    assert!(f.stopped_tasks.len() <= 5);
}

#[test]
fn a_blue_green_rollout_tells_each_new_stage_once_and_succeeds() {
    let (fake, clock, target) = (Fake::new(Ending::Stall), fake_clock(), stg_target());
    let mut sd = Sd::new(
        "BLUE_GREEN",
        vec![
            ("SCALE_UP", 1),
            ("TEST_TRAFFIC_SHIFT", 2),
            ("PRODUCTION_TRAFFIC_SHIFT", 1),
            ("BAKE_TIME", 3),
            ("CLEAN_UP", 1),
        ],
        "SUCCESSFUL",
    );
    sd.bake_minutes = Some(5);
    fake.world().sd = Some(sd);
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.description, "Deployed 1a2b3c4 to stg/web as web:2");
    let pending: Vec<String> = descriptions(&fake)
        .into_iter()
        .map(|(state, description)| format!("{state}: {description}"))
        .collect();
    assert_eq!(
        pending,
        [
            "pending: Deploying 1a2b3c4 to stg/web",
            "pending: Blue/green: scaling up the new tasks",
            "pending: Blue/green: shifting test traffic",
            "pending: Blue/green: shifting production traffic",
            "pending: Blue/green: baking; bake 5 min left",
            "pending: Blue/green: cleaning up the old tasks",
            "success: Deployed 1a2b3c4 to stg/web as web:2",
        ]
    );
    let l = d
        .lifecycle
        .as_ref()
        .expect("the lifecycle is in the record");
    assert_eq!(
        (l.strategy.as_str(), l.stage.as_str(), l.bake_minutes),
        ("BLUE_GREEN", "CLEAN_UP", Some(5))
    );
    assert_eq!(d.service_deployment_arn.as_deref(), Some(SD_ARN));
    assert_eq!(d.service_deployments_unavailable, None);
    // The verdict was ECS's service deployment's: DescribeServices never said COMPLETED.
    assert!(d.failure.is_none());
}

/// Runs the driver one step at a time until `stop` says so of deployment `id` (at most `max`
/// steps), the fake clock jumping over waits.
fn step_until(
    store: &MemoryStore,
    ctx: &Context<'_, Fake, FakeClock>,
    id: &str,
    max: usize,
    stop: impl Fn(&Deployment) -> bool,
) -> Deployment {
    let driver = Driver::new(store);
    for _ in 0..max {
        let d = block_on(driver.deployment(id)).unwrap().unwrap();
        if stop(&d) {
            return d;
        }
        match block_on(driver.run(ctx, Duration::ZERO, |_| ControlFlow::Continue(()))).unwrap() {
            Wake::After(wait) => *ctx.clock.0.borrow_mut() += wait.as_millis() as u64,
            Wake::Now => {}
            Wake::Done => {}
        }
    }
    let d = block_on(driver.deployment(id)).unwrap().unwrap();
    assert!(stop(&d), "not there after {max} steps: {d:#?}");
    d
}

fn paused_world() -> Fake {
    let fake = Fake::new(Ending::Stall);
    let mut sd = Sd::new(
        "BLUE_GREEN",
        vec![
            ("SCALE_UP", 1),
            ("TEST_TRAFFIC_SHIFT", 1),
            ("PRODUCTION_TRAFFIC_SHIFT", 1),
        ],
        "SUCCESSFUL",
    );
    sd.pause_at = Some("TEST_TRAFFIC_SHIFT");
    fake.world().sd = Some(sd);
    fake
}

const PAUSED: &str = "Paused at TEST_TRAFFIC_SHIFT: continue or roll back in Hatoba";

#[test]
fn a_pause_hook_pauses_the_deployment_and_continuing_it_lets_the_rollout_succeed() {
    let (fake, clock, target) = (paused_world(), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    // Before it is paused, a pause cannot be answered, and AWS is not asked.
    let early = step_until(&store, &ctx, &d.id, 50, |d| d.next == Next::WaitRollout);
    assert_eq!(
        block_on(driver.answer_pause(&ctx, &d.id, deploy::PauseAction::Continue)).unwrap(),
        Some(Err(deploy::PauseRefusal::NotPaused(early.state)))
    );
    assert_eq!(
        block_on(driver.answer_pause(&ctx, "stg-web.1.0000000", deploy::PauseAction::Continue))
            .unwrap(),
        None
    );
    assert!(calls_of(&fake, "ContinueServiceDeployment").is_empty());
    let paused = step_until(&store, &ctx, &d.id, 50, |d| d.state == State::Paused);
    let pause = paused.pause.clone().expect("the pause is in the record");
    assert_eq!(
        (
            pause.stage.as_str(),
            pause.hook_id.as_str(),
            pause.expires_at
        ),
        ("TEST_TRAFFIC_SHIFT", HOOK_ID, Some(1_795_780_800_000))
    );
    assert_eq!(paused.description, PAUSED);
    // Polled a while longer, paused all along: the status is sent once, not at every poll.
    let reads = || {
        fake.world()
            .calls
            .iter()
            .filter(|c| *c == "DescribeServiceDeployments")
            .count()
    };
    let polls = reads();
    for _ in 0..5 {
        let d = step_until(&store, &ctx, &d.id, 1, |_| true);
        assert_eq!(d.state, State::Paused);
        block_on(driver.run(&ctx, Duration::ZERO, |_| ControlFlow::Continue(()))).unwrap();
        *clock.0.borrow_mut() += 15_000;
    }
    assert_eq!(reads(), polls + 5);
    let sent = descriptions(&fake);
    assert_eq!(
        sent.iter().filter(|(_, text)| text == PAUSED).count(),
        1,
        "{sent:?}"
    );
    assert_eq!(
        sent.last().unwrap(),
        &("pending".to_owned(), PAUSED.to_owned())
    );
    // Continued: ECS is told, with the hook's id.
    assert_eq!(
        block_on(driver.answer_pause(&ctx, &d.id, deploy::PauseAction::Continue)).unwrap(),
        Some(Ok(()))
    );
    assert_eq!(
        calls_of(&fake, "ContinueServiceDeployment"),
        [json!({"serviceDeploymentArn": SD_ARN, "hookId": HOOK_ID, "action": "CONTINUE"})]
    );
    drive(&store, &ctx).unwrap();
    let done = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(done.state, State::Success, "{done:#?}");
    assert_eq!(done.pause, None);
    assert_eq!(
        status_states(&fake).last().map(String::as_str),
        Some("success")
    );
    // A deployment that is over is not paused either.
    assert_eq!(
        block_on(driver.answer_pause(&ctx, &d.id, deploy::PauseAction::Rollback)).unwrap(),
        Some(Err(deploy::PauseRefusal::NotPaused(State::Success)))
    );
    assert_eq!(calls_of(&fake, "ContinueServiceDeployment").len(), 1);
}

#[test]
fn a_pause_rolled_back_ends_in_failure_rolled_back() {
    let (fake, clock, target) = (paused_world(), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    step_until(&store, &ctx, &d.id, 50, |d| d.state == State::Paused);
    assert_eq!(
        block_on(driver.answer_pause(&ctx, &d.id, deploy::PauseAction::Rollback)).unwrap(),
        Some(Ok(()))
    );
    assert_eq!(
        calls_of(&fake, "ContinueServiceDeployment"),
        [json!({"serviceDeploymentArn": SD_ARN, "hookId": HOOK_ID, "action": "ROLLBACK"})]
    );
    drive(&store, &ctx).unwrap();
    let done = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(done.state, State::Failure, "{done:#?}");
    assert_eq!(done.pause, None);
    assert_eq!(failure_of(&done).ending, "rolled back to web:1");
    assert_eq!(
        status_states(&fake).last().map(String::as_str),
        Some("failure")
    );
    assert!(calls_of(&fake, "StopServiceDeployment").is_empty());
}

#[test]
fn a_pause_rolled_back_by_a_person_is_not_told_as_the_circuit_breakers() {
    let (fake, clock, target) = (paused_world(), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    let driver = Driver::new(&store);
    step_until(&store, &ctx, &d.id, 50, |d| d.state == State::Paused);
    block_on(driver.answer_pause(&ctx, &d.id, deploy::PauseAction::Rollback))
        .unwrap()
        .unwrap()
        .unwrap();
    drive(&store, &ctx).unwrap();
    let done = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(done.state, State::Failure);
    assert!(
        !done.description.contains("circuit breaker"),
        "{}",
        done.description
    );
}

#[test]
fn answering_a_pause_with_a_deploy_role_assumes_it_when_its_session_is_gone() {
    let (fake, clock, target) = (paused_world(), fake_clock(), stg_target());
    let session = deploy::session::Session::default();
    let mut ctx = context(&fake, &clock, &target);
    ctx.role = Some(deploy_role(&session));
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    step_until(&store, &ctx, &d.id, 50, |d| d.state == State::Paused);
    // The worker restarted: the session kept in memory is gone.
    let fresh = deploy::session::Session::default();
    let mut answering = context(&fake, &clock, &target);
    answering.role = Some(deploy_role(&fresh));
    let assumed_before = fake
        .world()
        .calls
        .iter()
        .filter(|c| c.starts_with("AssumeRole "))
        .count();
    let driver = Driver::new(&store);
    assert_eq!(
        block_on(driver.answer_pause(&answering, &d.id, deploy::PauseAction::Continue)).unwrap(),
        Some(Ok(()))
    );
    let w = fake.world();
    let assumed = w
        .calls
        .iter()
        .filter(|c| c.starts_with("AssumeRole "))
        .count();
    assert_eq!(assumed, assumed_before + 1, "{:?}", w.calls);
    let signer = w
        .signed_by
        .iter()
        .rev()
        .find(|(op, _)| op == "ContinueServiceDeployment")
        .map(|(_, key)| key.as_str());
    assert_eq!(signer, Some("ASIAFAKESESSION"));
    drop(w);
    // STS refusing: the answer is refused with STS's word, and ECS is not asked.
    fake.world().sts_denies = true;
    let gone = deploy::session::Session::default();
    let mut refused = context(&fake, &clock, &target);
    refused.role = Some(deploy_role(&gone));
    match block_on(driver.answer_pause(&refused, &d.id, deploy::PauseAction::Continue)).unwrap() {
        Some(Err(deploy::PauseRefusal::Refused(why))) => {
            assert!(why.contains("AccessDenied"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls_of(&fake, "ContinueServiceDeployment").len(), 1);
}

#[test]
fn a_service_deployments_api_denied_is_noted_once_and_describe_services_decides() {
    for op in ["ListServiceDeployments", "DescribeServiceDeployments"] {
        let (fake, clock, target) = (Fake::new(Ending::Complete(3)), fake_clock(), stg_target());
        fake.world().sd = Some(rolling(50, "SUCCESSFUL"));
        fake.fault(op, vec![Fault::Status(400, "AccessDeniedException"); 10]);
        let ctx = context(&fake, &clock, &target);
        let mut d = new_deployment(&clock);
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Success, "{op}: {d:#?}");
        let why = d
            .service_deployments_unavailable
            .as_deref()
            .unwrap_or_else(|| panic!("{op}: not noted"));
        assert!(why.contains("AccessDeniedException"), "{op}: {why}");
        assert!(why.contains(op), "{op}: {why}");
        let tried = fake.world().calls.iter().filter(|c| *c == op).count();
        assert_eq!(tried, 1, "{op}: asked once, then left alone");
        assert_eq!(d.lifecycle, None);
    }
    // Throttled: a missed poll, tried again; the API is still followed.
    let (fake, clock, target) = (Fake::new(Ending::Stall), fake_clock(), stg_target());
    fake.world().sd = Some(rolling(2, "SUCCESSFUL"));
    fake.fault(
        "DescribeServiceDeployments",
        vec![Fault::Status(400, "ThrottlingException"); 3],
    );
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.service_deployments_unavailable, None);
    assert_eq!(d.step(StepName::WaitRollout).unwrap().retries, 1);
}

#[test]
fn evidence_that_cannot_be_read_is_named_and_the_verdict_stands() {
    // The log refused.
    let (fake, clock, target) = (Fake::new(Ending::RollBack(3)), fake_clock(), stg_target());
    with_awslogs(&fake, vec!["Error: DATABASE_URL is not set".to_owned()]);
    fake.world().stopped_tasks = vec![exited_task(1), exited_task(2)];
    fake.fault(
        "GetLogEvents",
        vec![Fault::Status(400, "AccessDeniedException"); 5],
    );
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(d.next, Next::Done);
    assert_eq!(d.description, "web exited 1 (rolled back to web:1)");
    let f = failure_of(&d);
    assert_eq!(f.logs, None);
    assert_eq!(f.missing.len(), 1, "{:?}", f.missing);
    assert!(
        f.missing[0].starts_with("the log of web: "),
        "{:?}",
        f.missing
    );
    assert!(
        f.missing[0].contains("AccessDeniedException"),
        "{:?}",
        f.missing
    );
    let step = d.step(StepName::CollectEvidence).unwrap();
    assert_eq!(step.outcome, Some(Outcome::Warning));
    assert!(
        step.detail.contains("not read: the log of web"),
        "{}",
        step.detail
    );
    assert_eq!(
        descriptions(&fake).last().unwrap(),
        &("failure".to_owned(), d.description.clone())
    );
    // The stopped tasks and the events refused: the summary is how the rollout ended.
    let (fake, clock, target) = (Fake::new(Ending::RollBack(3)), fake_clock(), stg_target());
    fake.world().stopped_tasks = vec![exited_task(1), exited_task(2)];
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    run_until(&store, &ctx, &d.id, Next::CollectEvidence);
    fake.fault(
        "DescribeTasks",
        vec![Fault::Status(400, "AccessDeniedException"); 5],
    );
    fake.fault(
        "DescribeServices",
        vec![Fault::Status(400, "AccessDeniedException"); 5],
    );
    drive(&store, &ctx).unwrap();
    let d = block_on(Driver::new(&store).deployment(&d.id))
        .unwrap()
        .unwrap();
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(
        d.description,
        "Rolled back by the circuit breaker: tasks failed to start (back on web:1)"
    );
    let f = failure_of(&d);
    let missing: Vec<&str> = f
        .missing
        .iter()
        .map(|m| m.split(':').next().unwrap())
        .collect();
    assert_eq!(
        missing,
        ["stopped tasks", "service events"],
        "{:?}",
        f.missing
    );
    assert_eq!(
        d.step(StepName::CollectEvidence).unwrap().outcome,
        Some(Outcome::Warning)
    );
    assert_eq!(
        status_states(&fake).last().map(String::as_str),
        Some("failure")
    );
}

/// The world of a rollout whose essential container exits and is rolled back by the circuit
/// breaker, with the log and events to read.
fn exiting_world() -> Fake {
    let fake = Fake::new(Ending::RollBack(3));
    with_awslogs(
        &fake,
        vec![
            "listening on :8080".to_owned(),
            "Error: DATABASE_URL is not set".to_owned(),
        ],
    );
    fake.world().stopped_tasks = vec![exited_task(1), exited_task(2)];
    fake
}

/// The world of a rollout whose image cannot be pulled, on a service with ECS's service
/// deployments: fail fast stops it.
fn unpullable_world() -> Fake {
    let fake = Fake::new(Ending::Stall);
    fake.world().sd = Some(rolling(20, "SUCCESSFUL"));
    fake.world().stopped_tasks = vec![pull_task(1), pull_task(2), pull_task(3)];
    fake
}

#[test]
fn the_driver_crashed_at_every_write_of_a_failing_rollout_sends_one_verdict_with_its_evidence() {
    let summary = "web exited 1: \"Error: DATABASE_URL is not set\" (rolled back to web:1)";
    let (fake, clock, target) = (exiting_world(), fake_clock(), stg_target());
    let store = CrashingStore::default();
    admit_and_drive(&store, &context(&fake, &clock, &target));
    let total = store.writes.get();
    for n in 1..=total {
        let (fake, clock, target) = (exiting_world(), fake_clock(), stg_target());
        let ctx = context(&fake, &clock, &target);
        let store = CrashingStore::default();
        store.fail_at.set(Some(n));
        let id = admit_and_drive(&store, &ctx);
        let d = block_on(Driver::new(&store.inner).deployment(&id))
            .unwrap()
            .unwrap();
        assert_eq!(d.state, State::Failure, "crash at write {n}: {d:#?}");
        assert_eq!(d.next, Next::Done, "crash at write {n}");
        let f = failure_of(&d);
        assert_eq!(f.summary, summary, "crash at write {n}");
        assert_eq!(f.stopped_tasks.len(), 2, "crash at write {n}");
        assert_eq!(f.logs.map(|l| l.lines.len()), Some(2), "crash at write {n}");
        assert_eq!(
            descriptions(&fake).last().unwrap(),
            &("failure".to_owned(), summary.to_owned()),
            "crash at write {n}"
        );
        let w = fake.world();
        assert_eq!(
            (w.register_calls, w.update_calls),
            (1, 1),
            "crash at write {n}"
        );
    }
}

#[test]
fn the_driver_crashed_at_every_write_of_a_fail_fast_stop_stops_the_rollout_once() {
    let (fake, clock, target) = (unpullable_world(), fake_clock(), stg_target());
    let store = CrashingStore::default();
    admit_and_drive(&store, &context(&fake, &clock, &target));
    let total = store.writes.get();
    let mut endings = std::collections::BTreeSet::new();
    for n in 1..=total {
        let (fake, clock, target) = (unpullable_world(), fake_clock(), stg_target());
        let ctx = context(&fake, &clock, &target);
        let store = CrashingStore::default();
        store.fail_at.set(Some(n));
        let id = admit_and_drive(&store, &ctx);
        let d = block_on(Driver::new(&store.inner).deployment(&id))
            .unwrap()
            .unwrap();
        assert_eq!(d.state, State::Failure, "crash at write {n}: {d:#?}");
        assert_eq!(d.next, Next::Done, "crash at write {n}");
        assert_eq!(
            calls_of(&fake, "StopServiceDeployment").len(),
            1,
            "crash at write {n}"
        );
        assert!(
            d.description
                .starts_with("Stopped early after 2 tasks failed: CannotPullContainerError")
                || d.description.starts_with("CannotPullContainerError"),
            "crash at write {n}: {}",
            d.description
        );
        assert_eq!(
            descriptions(&fake).last().unwrap(),
            &("failure".to_owned(), d.description.clone()),
            "crash at write {n}"
        );
        endings.insert(failure_of(&d).ending);
    }
    println!("fail-fast endings over every crash: {endings:?}");
}

#[test]
fn a_lost_answer_to_stop_service_deployment_still_ends_in_failure() {
    let (fake, clock, target) = (unpullable_world(), fake_clock(), stg_target());
    fake.fault("StopServiceDeployment", vec![Fault::Lost]);
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    // The stop took effect and its answer was lost: the client's quick retry asks again, ECS
    // refuses a deployment already rolling back, and that refusal is not the verdict: the
    // next poll sees ECS's ROLLBACK_REQUESTED.
    let stops = calls_of(&fake, "StopServiceDeployment");
    assert!((1..=2).contains(&stops.len()), "{stops:?}");
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(d.next, Next::Done);
    assert_eq!(failure_of(&d).ending, "rolled back to web:1");
    assert!(
        d.description.starts_with("CannotPullContainerError"),
        "{}",
        d.description
    );
    assert_eq!(
        status_states(&fake).last().map(String::as_str),
        Some("failure")
    );
}

/// A rollout whose image cannot be pulled, on a service with ECS's service deployments whose
/// StopServiceDeployment is denied: its circuit breaker rolls it back after 6 polls.
fn stop_denied_world() -> Fake {
    let fake = Fake::new(Ending::Stall);
    fake.world().sd = Some(rolling(6, "ROLLBACK_SUCCESSFUL"));
    fake.world().stopped_tasks = vec![pull_task(1), pull_task(2), pull_task(3)];
    fake.fault(
        "StopServiceDeployment",
        vec![Fault::Status(400, "AccessDeniedException"); 10],
    );
    fake
}

#[test]
fn a_stop_ecs_refuses_leaves_the_verdict_to_the_circuit_breaker() {
    let (fake, clock, target) = (stop_denied_world(), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    // Asked (and refused: the fault answers before the world records the input).
    assert!(
        fake.world()
            .calls
            .iter()
            .any(|c| c == "StopServiceDeployment")
    );
    assert!(calls_of(&fake, "StopServiceDeployment").is_empty());
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(failure_of(&d).ending, "rolled back to web:1");
    assert!(
        d.description.starts_with("CannotPullContainerError"),
        "{}",
        d.description
    );
}

#[test]
fn a_stop_ecs_refuses_is_said_in_the_rollout_step() {
    let (fake, clock, target) = (stop_denied_world(), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let store = MemoryStore::default();
    let d = new_deployment(&clock);
    enqueue(&store, &d);
    // Once two tasks failed and the stop was refused, the poll says so and goes on.
    let noted = step_until(&store, &ctx, &d.id, 60, |d| {
        d.step(StepName::WaitRollout)
            .is_some_and(|s| s.detail.contains("not stopped early"))
    });
    let detail = &noted.step(StepName::WaitRollout).unwrap().detail;
    assert!(
        detail.starts_with("2 tasks failed (CannotPullContainerError"),
        "{detail}"
    );
    assert!(detail.contains("AccessDeniedException"), "{detail}");
    assert!(
        detail.ends_with("ECS's circuit breaker decides"),
        "{detail}"
    );
    assert_eq!(
        fake.world()
            .calls
            .iter()
            .filter(|c| *c == "GetLogEvents")
            .count(),
        0
    );
}

// ---- the pre-deploy task ----------------------------------------------------------------------

/// The first task RunTask starts in the fake.
const PRE_TASK: &str =
    "arn:aws:ecs:eu-west-1:123456789012:task/stg/0a0b0c0d000000000000000000000001";

/// The target with a pre-deploy task: `bin/migrate` in `web`, for at most two minutes.
fn pre_target() -> Target {
    Target {
        pre_deploy: Some(deploy::PreDeploy {
            container: "web".into(),
            command: vec!["bin/migrate".into(), "--all".into()],
            timeout_seconds: 120,
        }),
        ..stg_target()
    }
}

fn pre_world(ending: PreEnding) -> Fake {
    let fake = Fake::new(Ending::Complete(2));
    fake.world().pre_ending = ending;
    fake
}

/// The index of the first call of `op` in the fake's log.
fn first_call(fake: &Fake, op: &str) -> usize {
    fake.world()
        .calls
        .iter()
        .position(|c| c == op)
        .unwrap_or_else(|| panic!("no {op} call"))
}

#[test]
fn a_pre_deploy_task_runs_the_new_revision_where_the_service_runs_before_it_is_updated() {
    let fake = pre_world(PreEnding::Exit(0, 2));
    let (clock, target) = (fake_clock(), pre_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(
        step_names(&d)[5..],
        [
            "register_task_definition",
            "pre_deploy",
            "update_service",
            "wait_rollout",
            "final_status"
        ]
    );
    // Register, then RunTask, then the task followed until it stopped, then UpdateService.
    let (register, run_task, update) = (
        first_call(&fake, "RegisterTaskDefinition"),
        first_call(&fake, "RunTask"),
        first_call(&fake, "UpdateService"),
    );
    assert!(
        register < run_task && run_task < update,
        "{:?}",
        fake.world().calls
    );
    let polls = fake.world().calls[run_task..update]
        .iter()
        .filter(|c| *c == "DescribeTasks")
        .count();
    assert_eq!(polls, 2);
    let runs = calls_of(&fake, "RunTask");
    assert_eq!(runs.len(), 1);
    let new_arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2";
    assert_eq!(
        runs[0],
        json!({"cluster": "stg", "taskDefinition": new_arn, "count": 1,
               "startedBy": format!("hatoba/{}", d.id.replace('.', "/")),
               "overrides": {"containerOverrides": [{"name": "web", "command": ["bin/migrate", "--all"]}]},
               "launchType": "FARGATE", "platformVersion": "LATEST",
               "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0fake1"],
                 "securityGroups": ["sg-0fake1"], "assignPublicIp": "DISABLED"}}})
    );
    // startedBy takes letters, digits, `-`, `/` and `_` only, up to 128.
    let started_by = runs[0]["startedBy"].as_str().unwrap();
    assert!(started_by.len() <= 128);
    assert!(
        started_by
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/_".contains(&b)),
        "{started_by}"
    );
    // The step names the task and links to it in the ECS console.
    let step = d.step(StepName::PreDeploy).unwrap();
    assert_eq!(step.outcome, Some(Outcome::Ok));
    assert_eq!(step.detail, format!("{PRE_TASK}: web exited 0"));
    assert_eq!(
        step.link.as_deref(),
        Some(
            "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/stg/tasks/0a0b0c0d000000000000000000000001/configuration?region=eu-west-1"
        )
    );
    assert_eq!(d.pre_deploy_task_arn.as_deref(), Some(PRE_TASK));
    assert_eq!(fake.world().updated_with, [new_arn]);
    // The record with the step reads back.
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Deployment>(&text).unwrap(), d);
    assert!(text.contains("\"name\":\"pre_deploy\""), "{text}");
}

#[test]
fn a_target_without_a_pre_deploy_task_runs_none() {
    let (fake, clock, target) = (Fake::new(Ending::Complete(2)), fake_clock(), stg_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Success);
    assert!(d.step(StepName::PreDeploy).is_none());
    assert!(calls_of(&fake, "RunTask").is_empty());
}

#[test]
fn a_pre_deploy_task_that_exits_3_fails_the_deploy_with_its_log_and_the_service_is_not_updated() {
    let fake = pre_world(PreEnding::Exit(3, 2));
    with_awslogs(&fake, vec![]);
    fake.world().log = Some((
        "/ecs/web".into(),
        "ecs/web/0a0b0c0d000000000000000000000001".into(),
        vec![
            "Applying migration 0041 ... done".into(),
            "Applying migration 0042 ...".into(),
            "migration 0042 failed".into(),
        ],
    ));
    let (clock, target) = (fake_clock(), pre_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(
        d.description,
        "pre-deploy task web exited 3: \"migration 0042 failed\""
    );
    assert_eq!(
        step_names(&d)[5..],
        ["register_task_definition", "pre_deploy", "final_status"]
    );
    let step = d.step(StepName::PreDeploy).unwrap();
    assert_eq!(step.outcome, Some(Outcome::Failed));
    {
        let w = fake.world();
        assert_eq!(w.update_calls, 0);
        assert_eq!(w.service_td, OLD_ARN);
        let (_, last) = w.statuses.last().unwrap();
        assert_eq!(last["state"], "failure");
        assert_eq!(
            last["description"],
            "pre-deploy task web exited 3: \"migration 0042 failed\""
        );
    }
    let f = failure_of(&d);
    assert_eq!(f.summary, d.description);
    assert_eq!(f.ending, "never began: the service was not updated");
    assert_eq!(f.stopped_tasks.len(), 1);
    assert_eq!(f.stopped_tasks[0].task_arn, PRE_TASK);
    assert_eq!(f.stopped_tasks[0].containers[0].exit_code, Some(3));
    let logs = f.logs.expect("the task's log tail");
    assert_eq!(logs.stream, "ecs/web/0a0b0c0d000000000000000000000001");
    assert_eq!(logs.lines.len(), 3);
}

#[test]
fn a_pre_deploy_task_that_cannot_pull_its_image_is_named_by_ecss_reason() {
    let fake = pre_world(PreEnding::Pull(1));
    let (clock, target) = (fake_clock(), pre_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert!(
        d.description
            .starts_with("pre-deploy task web stopped: CannotPullContainerError: "),
        "{}",
        d.description
    );
    assert_eq!(fake.world().update_calls, 0);
    // No exit code: no log to read.
    assert!(calls_of(&fake, "GetLogEvents").is_empty());
}

#[test]
fn a_pre_deploy_task_that_outlasts_its_timeout_is_stopped_and_fails_the_deploy() {
    let fake = pre_world(PreEnding::Never);
    let (clock, target) = (fake_clock(), pre_target());
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(
        d.description,
        "pre-deploy task web timed out after 2 min (stopped)"
    );
    let stops = calls_of(&fake, "StopTask");
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0]["task"], PRE_TASK);
    assert_eq!(stops[0]["cluster"], "stg");
    assert_eq!(fake.world().update_calls, 0);
    let step = d.step(StepName::PreDeploy).unwrap();
    assert_eq!(step.ended_at.unwrap() - step.started_at, 120_000);
}

#[test]
fn a_throttled_poll_of_the_pre_deploy_task_is_a_missed_poll() {
    let fake = pre_world(PreEnding::Exit(0, 2));
    let (clock, target) = (fake_clock(), pre_target());
    let ctx = context(&fake, &clock, &target);
    let d = new_deployment(&clock);
    let store = MemoryStore::default();
    enqueue(&store, &d);
    run_until(&store, &ctx, &d.id, Next::PreDeploy);
    let driver = Driver::new(&store);
    // RunTask, then every quick retry of the first poll throttled.
    block_on(driver.run(&ctx, Duration::ZERO, |_| ControlFlow::Continue(()))).unwrap();
    fake.fault(
        "DescribeTasks",
        vec![Fault::Status(400, "ThrottlingException"); 3],
    );
    drive(&store, &ctx).unwrap();
    let d = block_on(driver.deployment(&d.id)).unwrap().unwrap();
    assert_eq!(d.state, State::Success, "{d:#?}");
    assert_eq!(d.step(StepName::PreDeploy).unwrap().retries, 1);
    assert_eq!(calls_of(&fake, "RunTask").len(), 1);
    assert_eq!(fake.world().update_calls, 1);
}

#[test]
fn a_lost_answer_to_run_task_never_runs_the_task_twice() {
    for ending in [PreEnding::Exit(0, 2), PreEnding::Exit(0, 0)] {
        let fake = pre_world(ending);
        fake.fault("RunTask", vec![Fault::Lost]);
        let (clock, target) = (fake_clock(), pre_target());
        let ctx = context(&fake, &clock, &target);
        let mut d = new_deployment(&clock);
        run(&mut d, &ctx);
        assert_eq!(d.state, State::Success, "{d:#?}");
        assert_eq!(
            calls_of(&fake, "RunTask").len(),
            1,
            "{:?}",
            fake.world().calls
        );
        assert_eq!(d.pre_deploy_task_arn.as_deref(), Some(PRE_TASK));
        // The second try looked for the task by the deploy's startedBy: running, then stopped.
        let mut listed = calls_of(&fake, "ListTasks");
        // (The rollout's own tasks are listed by its `ecs-svc/...` id.)
        listed.retain(|l| l["startedBy"].as_str().unwrap().starts_with("hatoba/"));
        assert_eq!(
            listed[0]["startedBy"],
            format!("hatoba/{}", d.id.replace('.', "/"))
        );
        let statuses: Vec<&Value> = listed.iter().map(|l| &l["desiredStatus"]).collect();
        match ending {
            PreEnding::Exit(_, 0) => assert_eq!(statuses, ["RUNNING", "STOPPED"]),
            _ => assert_eq!(statuses, ["RUNNING"]),
        }
        assert_eq!(d.step(StepName::PreDeploy).unwrap().retries, 1);
        assert_eq!(fake.world().update_calls, 1);
    }
}

#[test]
fn the_driver_crashed_at_every_write_runs_the_pre_deploy_task_once() {
    let (fake, clock, target) = (pre_world(PreEnding::Exit(0, 2)), fake_clock(), pre_target());
    let store = CrashingStore::default();
    admit_and_drive(&store, &context(&fake, &clock, &target));
    let total = store.writes.get();
    for n in 1..=total {
        let (fake, clock, target) = (pre_world(PreEnding::Exit(0, 2)), fake_clock(), pre_target());
        let ctx = context(&fake, &clock, &target);
        let store = CrashingStore::default();
        store.fail_at.set(Some(n));
        let id = admit_and_drive(&store, &ctx);
        let d = block_on(Driver::new(&store.inner).deployment(&id))
            .unwrap()
            .unwrap();
        assert_eq!(d.state, State::Success, "crash at write {n}: {d:#?}");
        assert_eq!(calls_of(&fake, "RunTask").len(), 1, "crash at write {n}");
        assert_eq!(fake.world().update_calls, 1, "crash at write {n}");
    }
}

#[test]
fn a_pre_deploy_container_the_task_definition_does_not_have_fails_before_anything_is_registered() {
    let fake = pre_world(PreEnding::Exit(0, 2));
    let mut target = pre_target();
    target.pre_deploy.as_mut().unwrap().container = "migrate".into();
    let clock = fake_clock();
    let ctx = context(&fake, &clock, &target);
    let mut d = new_deployment(&clock);
    run(&mut d, &ctx);
    assert_eq!(d.state, State::Failure, "{d:#?}");
    assert_eq!(
        d.description,
        "pre-deploy container \"migrate\" is not a container of the task definition web (it has web)"
    );
    assert_eq!(
        d.step(StepName::RegisterTaskDefinition).unwrap().outcome,
        Some(Outcome::Failed)
    );
    assert!(calls_of(&fake, "RunTask").is_empty());
    let w = fake.world();
    assert_eq!((w.register_calls, w.update_calls), (0, 0));
}
