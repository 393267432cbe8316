//! Amazon ECS: the calls a deploy makes, their inputs and the parts of their answers Hatoba
//! reads. Fields Hatoba does not read are ignored on the way in, so new API fields never break
//! a deploy.

use serde::Serialize;
use serde_json::Value;

use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};

use super::client::{ECS, Operation};

const TARGET_PREFIX: &str = "AmazonEC2ContainerServiceV20141113";

fn ecs(name: &'static str, input: &impl Serialize) -> Operation {
    Operation::aws_json(ECS, TARGET_PREFIX, name, input)
}

/// `RegisterTaskDefinition` with a task definition in the API's JSON shape.
pub fn register_task_definition(task_definition: &serde_json::Value) -> Operation {
    ecs("RegisterTaskDefinition", task_definition)
}

/// `DescribeTaskDefinition` of a family, `family:revision` or ARN, with its tags.
pub fn describe_task_definition(task_definition: &str) -> Operation {
    ecs(
        "DescribeTaskDefinition",
        &serde_json::json!({ "taskDefinition": task_definition, "include": ["TAGS"] }),
    )
}

/// `UpdateService`: point `service` in `cluster` at `task_definition`.
pub fn update_service(cluster: &str, service: &str, task_definition: &str) -> Operation {
    ecs(
        "UpdateService",
        &serde_json::json!({ "cluster": cluster, "service": service, "taskDefinition": task_definition }),
    )
}

/// `DescribeServices` for up to 10 services of `cluster`.
pub fn describe_services(cluster: &str, services: &[&str]) -> Operation {
    ecs(
        "DescribeServices",
        &serde_json::json!({ "cluster": cluster, "services": services }),
    )
}

/// `ListServices` of `cluster`, one page.
pub fn list_services(cluster: &str, next_token: Option<&str>) -> Operation {
    ecs(
        "ListServices",
        &serde_json::json!({ "cluster": cluster, "nextToken": next_token }),
    )
}

/// `ListClusters`, one page.
pub fn list_clusters(next_token: Option<&str>) -> Operation {
    ecs(
        "ListClusters",
        &serde_json::json!({ "nextToken": next_token }),
    )
}

/// `ListTasks` of `cluster` started by `started_by` (a service deployment's `ecs-svc/...` id)
/// whose desired status is STOPPED: the tasks of a rollout that ended.
pub fn list_stopped_tasks(cluster: &str, started_by: &str) -> Operation {
    list_tasks(cluster, started_by, "STOPPED")
}

/// `ListTasks` of `cluster` started by `started_by` whose desired status is `desired_status`
/// (`RUNNING` or `STOPPED`).
pub fn list_tasks(cluster: &str, started_by: &str, desired_status: &str) -> Operation {
    ecs(
        "ListTasks",
        &serde_json::json!({ "cluster": cluster, "startedBy": started_by, "desiredStatus": desired_status }),
    )
}

/// What `RunTask` starts: one task of a revision, where and how a service runs its tasks, with
/// one container's command replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTask<'a> {
    /// The cluster.
    pub cluster: &'a str,
    /// The revision's ARN.
    pub task_definition: &'a str,
    /// Who started it, as `ListTasks` finds it again (at most 128 characters).
    pub started_by: &'a str,
    /// The container whose command is replaced.
    pub container: &'a str,
    /// The command.
    pub command: &'a [String],
    /// The service's network configuration, as `DescribeServices` gives it.
    pub network_configuration: Option<&'a Value>,
    /// The service's launch type, when it has no capacity provider strategy.
    pub launch_type: Option<&'a str>,
    /// The service's capacity provider strategy.
    pub capacity_provider_strategy: Option<&'a Value>,
    /// The service's Fargate platform version.
    pub platform_version: Option<&'a str>,
}

/// `RunTask` of one task.
pub fn run_task(r: &RunTask) -> Operation {
    let mut input = serde_json::json!({
        "cluster": r.cluster,
        "taskDefinition": r.task_definition,
        "count": 1,
        "startedBy": r.started_by,
        "overrides": { "containerOverrides": [{ "name": r.container, "command": r.command }] },
    });
    // A strategy and a launch type may not both be given: the strategy wins, as in the service.
    match (r.capacity_provider_strategy, r.launch_type) {
        (Some(strategy), _) => input["capacityProviderStrategy"] = strategy.clone(),
        (None, Some(launch_type)) => input["launchType"] = Value::from(launch_type),
        (None, None) => {}
    }
    if let Some(network) = r.network_configuration {
        input["networkConfiguration"] = network.clone();
    }
    if let Some(version) = r.platform_version {
        input["platformVersion"] = Value::from(version);
    }
    ecs("RunTask", &input)
}

/// `StopTask` of `task` in `cluster`, saying why.
pub fn stop_task(cluster: &str, task: &str, reason: &str) -> Operation {
    ecs(
        "StopTask",
        &serde_json::json!({ "cluster": cluster, "task": task, "reason": reason }),
    )
}

/// `DescribeTasks` of up to 100 tasks of `cluster`.
pub fn describe_tasks(cluster: &str, tasks: &[String]) -> Operation {
    ecs(
        "DescribeTasks",
        &serde_json::json!({ "cluster": cluster, "tasks": tasks }),
    )
}

/// `ListServiceDeployments` of `service` in `cluster` created after `after_seconds` (since the
/// epoch).
pub fn list_service_deployments(cluster: &str, service: &str, after_seconds: u64) -> Operation {
    ecs(
        "ListServiceDeployments",
        &serde_json::json!({ "cluster": cluster, "service": service, "createdAt": { "after": after_seconds } }),
    )
}

/// `DescribeServiceDeployments` of one service deployment.
pub fn describe_service_deployment(arn: &str) -> Operation {
    ecs(
        "DescribeServiceDeployments",
        &serde_json::json!({ "serviceDeploymentArns": [arn] }),
    )
}

/// `StopServiceDeployment` with `stopType` ROLLBACK: ECS stops the deployment and goes back to
/// the revision before.
pub fn stop_service_deployment(arn: &str) -> Operation {
    ecs(
        "StopServiceDeployment",
        &serde_json::json!({ "serviceDeploymentArn": arn, "stopType": "ROLLBACK" }),
    )
}

/// `ContinueServiceDeployment`: answers the PAUSE hook `hook_id` with `action` (`CONTINUE` or
/// `ROLLBACK`).
pub fn continue_service_deployment(arn: &str, hook_id: &str, action: &str) -> Operation {
    ecs(
        "ContinueServiceDeployment",
        &serde_json::json!({ "serviceDeploymentArn": arn, "hookId": hook_id, "action": action }),
    )
}

/// The answer of `ListTasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTasksOutput {
    /// Task ARNs.
    pub task_arns: Vec<String>,
}

/// The answer of `DescribeTasks` and of `RunTask`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeTasksOutput {
    /// The tasks found (or started).
    pub tasks: Vec<Task>,
    /// The ones not found (or not started), and why.
    pub failures: Vec<Failure>,
}

/// A task, as far as it tells why it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Its ARN.
    pub task_arn: String,
    /// `PROVISIONING`, `PENDING`, `RUNNING`, ..., `STOPPED`.
    pub last_status: Option<String>,
    /// `TaskFailedToStart`, `EssentialContainerExited`, ...
    pub stop_code: Option<String>,
    /// ECS's sentence: `CannotPullContainerError: ...`, `Essential container in task exited`.
    pub stopped_reason: Option<String>,
    /// When it stopped (milliseconds since the epoch).
    pub stopped_at: Option<u64>,
    /// Its containers.
    pub containers: Vec<Container>,
}

/// A container of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// The container's name in the task definition.
    pub name: String,
    /// Its exit code, once it exited.
    pub exit_code: Option<i64>,
    /// Why it stopped, in ECS's words (`OutOfMemoryError: ...`).
    pub reason: Option<String>,
}

/// The answer of `ListServiceDeployments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListServiceDeploymentsOutput {
    /// The deployments, each as its ARN and when it was created (milliseconds).
    pub service_deployments: Vec<(String, u64)>,
}

/// The answer of `DescribeServiceDeployments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeServiceDeploymentsOutput {
    /// The deployments found.
    pub service_deployments: Vec<ServiceDeployment>,
}

/// ECS's own record of a service deployment: its verdict, stage and hooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDeployment {
    /// Its ARN.
    pub arn: String,
    /// `PENDING`, `IN_PROGRESS`, `SUCCESSFUL`, `STOPPED`, `STOP_REQUESTED`, `ROLLBACK_*`.
    pub status: String,
    /// Why it is in that status.
    pub status_reason: Option<String>,
    /// `SCALE_UP`, `TEST_TRAFFIC_SHIFT`, `BAKE_TIME`, ...
    pub lifecycle_stage: Option<String>,
    /// `ROLLING`, `BLUE_GREEN`, `LINEAR` or `CANARY`.
    pub strategy: Option<String>,
    /// The bake time configured, in minutes.
    pub bake_minutes: Option<u64>,
    /// Tasks of the new revision running, and wanted.
    pub running: i64,
    /// Tasks of the new revision wanted.
    pub requested: i64,
    /// Tasks the circuit breaker counted as failed.
    pub failed: i64,
    /// Why it rolled back, when it did.
    pub rollback_reason: Option<String>,
    /// The lifecycle hooks of the current stage.
    pub hooks: Vec<Hook>,
}

/// A lifecycle hook of a service deployment's stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The id `ContinueServiceDeployment` takes.
    pub hook_id: String,
    /// `PAUSE` or `AWS_LAMBDA`.
    pub target_type: String,
    /// `AWAITING_ACTION`, `IN_PROGRESS`, `SUCCEEDED`, ...
    pub status: String,
    /// When it times out (milliseconds since the epoch).
    pub expires_at: Option<u64>,
}

/// An event of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEvent {
    /// When (milliseconds since the epoch).
    pub at: u64,
    /// ECS's message.
    pub message: String,
}

/// The answer of `RegisterTaskDefinition` and `DescribeTaskDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinitionOutput {
    /// The task definition as ECS holds it (read-only fields included).
    pub task_definition: serde_json::Value,
    /// Its tags, when asked for.
    pub tags: Vec<Tag>,
}

impl TaskDefinitionOutput {
    /// `arn:aws:ecs:region:account:task-definition/family:revision`.
    pub fn arn(&self) -> Option<&str> {
        self.task_definition["taskDefinitionArn"].as_str()
    }
}

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// The answer of `UpdateService`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateServiceOutput {
    /// The service after the update.
    pub service: Service,
}

/// The answer of `DescribeServices`.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeServicesOutput {
    /// The services found.
    pub services: Vec<Service>,
    /// The ones not found, and why.
    pub failures: Vec<Failure>,
}

/// A service, as far as a deploy follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The name.
    pub service_name: String,
    /// The ARN.
    pub service_arn: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    pub status: String,
    /// The task definition new tasks start from.
    pub task_definition: String,
    /// Tasks wanted.
    pub desired_count: i64,
    /// Tasks running.
    pub running_count: i64,
    /// The deployments, newest (`PRIMARY`) first.
    pub deployments: Vec<Deployment>,
    /// Its events, newest first.
    pub events: Vec<ServiceEvent>,
    /// Where its tasks run: `awsvpcConfiguration` (subnets, security groups, public IP).
    pub network_configuration: Option<Value>,
    /// `FARGATE`, `EC2` or `EXTERNAL`, when it has no capacity provider strategy.
    pub launch_type: Option<String>,
    /// Its capacity provider strategy, when it has one.
    pub capacity_provider_strategy: Option<Value>,
    /// Its Fargate platform version.
    pub platform_version: Option<String>,
}

/// One deployment of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// `ecs-svc/...`.
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// The task definition it deploys.
    pub task_definition: String,
    /// Tasks wanted.
    pub desired_count: i64,
    /// Tasks running.
    pub running_count: i64,
    /// Tasks that failed to start.
    pub failed_tasks: i64,
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED` (absent on services without the rolling-update
    /// deployment controller's state).
    pub rollout_state: Option<String>,
    /// Why it is in that state.
    pub rollout_state_reason: Option<String>,
}

/// A resource a call could not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Its ARN.
    pub arn: String,
    /// Why: `MISSING`, ...
    pub reason: String,
    /// More detail.
    pub detail: Option<String>,
}

/// The answer of `ListServices`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListServicesOutput {
    /// Service ARNs.
    pub service_arns: Vec<String>,
    /// Where the next page starts.
    pub next_token: Option<String>,
}

/// The answer of `ListClusters`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListClustersOutput {
    /// Cluster ARNs.
    pub cluster_arns: Vec<String>,
    /// Where the next page starts.
    pub next_token: Option<String>,
}

// Read by hand (`crate::fields`): the derived readers of these answers were a large part of the
// worker; fields a deploy does not follow are skipped as before.
deserialize_with_read!(TaskDefinitionOutput, "ECS's task definition answer");
deserialize_with_read!(UpdateServiceOutput, "UpdateService's answer");
deserialize_with_read!(DescribeServicesOutput, "DescribeServices' answer");
deserialize_with_read!(ListServicesOutput, "ListServices' answer");
deserialize_with_read!(ListClustersOutput, "ListClusters' answer");
deserialize_with_read!(Tag, "a tag");
deserialize_with_read!(ListTasksOutput, "ListTasks' answer");
deserialize_with_read!(DescribeTasksOutput, "DescribeTasks' answer");
deserialize_with_read!(
    ListServiceDeploymentsOutput,
    "ListServiceDeployments' answer"
);
deserialize_with_read!(
    DescribeServiceDeploymentsOutput,
    "DescribeServiceDeployments' answer"
);

impl ListTasksOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            task_arns: o.strings("taskArns")?,
        })
    }
}

impl DescribeTasksOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            failures: o.list("failures", Failure::read)?,
            tasks: o.list("tasks", |t| {
                Ok(Task {
                    task_arn: t.text("taskArn")?,
                    last_status: t.opt_string("lastStatus")?,
                    stop_code: t.opt_string("stopCode")?,
                    stopped_reason: t.opt_string("stoppedReason")?,
                    stopped_at: t.opt_epoch("stoppedAt")?,
                    containers: t.list("containers", |c| {
                        Ok(Container {
                            name: c.text("name")?,
                            exit_code: c.optional("exitCode", "a whole number", Value::as_i64)?,
                            reason: c.opt_string("reason")?,
                        })
                    })?,
                })
            })?,
        })
    }
}

impl ListServiceDeploymentsOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            service_deployments: o.list("serviceDeployments", |d| {
                Ok((
                    d.string("serviceDeploymentArn")?,
                    d.opt_epoch("createdAt")?.unwrap_or_default(),
                ))
            })?,
        })
    }
}

impl DescribeServiceDeploymentsOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            service_deployments: o.list("serviceDeployments", ServiceDeployment::read)?,
        })
    }
}

impl ServiceDeployment {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        let config = o.opt_object("deploymentConfiguration")?;
        let target = o.opt_object("targetServiceRevision")?;
        let count = |key: &str| target.as_ref().map_or(Ok(0), |t| t.count(key));
        Ok(Self {
            arn: o.text("serviceDeploymentArn")?,
            status: o.text("status")?,
            status_reason: o.opt_string("statusReason")?,
            lifecycle_stage: o.opt_string("lifecycleStage")?,
            strategy: match &config {
                Some(c) => c.opt_string("strategy")?,
                None => None,
            },
            bake_minutes: match &config {
                Some(c) => c.opt_id("bakeTimeInMinutes")?,
                None => None,
            },
            running: count("runningTaskCount")?,
            requested: count("requestedTaskCount")?,
            failed: match o.opt_object("deploymentCircuitBreaker")? {
                Some(b) => b.count("failureCount")?,
                None => 0,
            },
            rollback_reason: match o.opt_object("rollback")? {
                Some(r) => r.opt_string("reason")?,
                None => None,
            },
            hooks: o.list("lifecycleHookDetails", |h| {
                Ok(Hook {
                    hook_id: h.text("hookId")?,
                    target_type: h.text("targetType")?,
                    status: h.text("status")?,
                    expires_at: h.opt_epoch("expiresAt")?,
                })
            })?,
        })
    }
}

impl TaskDefinitionOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            task_definition: o.required("taskDefinition", "an object", |v| {
                v.is_object().then(|| v.clone())
            })?,
            tags: o.list("tags", Tag::read)?,
        })
    }
}

impl Tag {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            key: o.string("key")?,
            value: o.text("value")?,
        })
    }
}

impl UpdateServiceOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            service: Service::read(&o.object("service")?)?,
        })
    }
}

impl DescribeServicesOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            services: o.list("services", Service::read)?,
            failures: o.list("failures", Failure::read)?,
        })
    }
}

impl Failure {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Failure {
            arn: o.text("arn")?,
            reason: o.text("reason")?,
            detail: o.opt_string("detail")?,
        })
    }
}

impl Service {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            service_name: o.string("serviceName")?,
            service_arn: o.text("serviceArn")?,
            status: o.text("status")?,
            task_definition: o.text("taskDefinition")?,
            desired_count: o.count("desiredCount")?,
            running_count: o.count("runningCount")?,
            deployments: o.list("deployments", |d| {
                Ok(Deployment {
                    id: d.string("id")?,
                    status: d.text("status")?,
                    task_definition: d.text("taskDefinition")?,
                    desired_count: d.count("desiredCount")?,
                    running_count: d.count("runningCount")?,
                    failed_tasks: d.count("failedTasks")?,
                    rollout_state: d.opt_string("rolloutState")?,
                    rollout_state_reason: d.opt_string("rolloutStateReason")?,
                })
            })?,
            events: o.list("events", |e| {
                Ok(ServiceEvent {
                    at: e.opt_epoch("createdAt")?.unwrap_or_default(),
                    message: e.text("message")?,
                })
            })?,
            network_configuration: raw(o, "networkConfiguration"),
            launch_type: o.opt_string("launchType")?.filter(|t| !t.is_empty()),
            capacity_provider_strategy: raw(o, "capacityProviderStrategy")
                .filter(|s| s.as_array().is_some_and(|s| !s.is_empty())),
            platform_version: o.opt_string("platformVersion")?,
        })
    }
}

/// The value at `key` as it is, to be sent back to ECS unread (absent or null: `None`).
fn raw(o: &Obj, key: &str) -> Option<Value> {
    o.map.get(key).filter(|v| !v.is_null()).cloned()
}

impl ListServicesOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            service_arns: o.strings("serviceArns")?,
            next_token: o.opt_string("nextToken")?,
        })
    }
}

impl ListClustersOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            cluster_arns: o.strings("clusterArns")?,
            next_token: o.opt_string("nextToken")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::client::read_json;
    use crate::http::HttpResponse;

    #[test]
    fn builds_aws_json_1_1_calls() {
        let op = update_service("prod", "web", "web:42");
        assert_eq!(
            (op.service, op.name, op.method, op.path.as_str()),
            ("ECS", "UpdateService", "POST", "/")
        );
        assert!(op.headers.contains(&(
            "x-amz-target".to_owned(),
            "AmazonEC2ContainerServiceV20141113.UpdateService".to_owned()
        )));
        let body: serde_json::Value = serde_json::from_slice(&op.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"cluster": "prod", "service": "web", "taskDefinition": "web:42"})
        );
    }

    #[test]
    fn reads_describe_services_and_ignores_unknown_fields() {
        let body = br#"{"services":[{"serviceName":"web","serviceArn":"arn:aws:ecs:eu-west-1:123456789012:service/prod/web","status":"ACTIVE","taskDefinition":"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42","desiredCount":2,"runningCount":2,"newField":{"x":1},"deployments":[{"id":"ecs-svc/1","status":"PRIMARY","taskDefinition":"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42","desiredCount":2,"runningCount":1,"failedTasks":0,"rolloutState":"IN_PROGRESS","rolloutStateReason":"ECS deployment ecs-svc/1 in progress."}]}],"failures":[]}"#;
        let op = describe_services("prod", &["web"]);
        let out: DescribeServicesOutput = read_json(
            &op,
            &HttpResponse {
                status: 200,
                headers: vec![],
                body: body.to_vec(),
            },
        )
        .unwrap();
        let d = &out.services[0].deployments[0];
        assert_eq!(d.rollout_state.as_deref(), Some("IN_PROGRESS"));
        assert_eq!(d.running_count, 1);
    }

    #[test]
    fn run_task_runs_where_the_service_runs_its_strategy_winning_over_its_launch_type() {
        let body = br#"{"services":[{"serviceName":"web","serviceArn":"arn:aws:ecs:eu-west-1:123456789012:service/prod/web","status":"ACTIVE","taskDefinition":"web:42","desiredCount":1,"runningCount":1,"launchType":"","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}],"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-0fake1"]}}}],"failures":[]}"#;
        let op = describe_services("prod", &["web"]);
        let response = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_vec(),
        };
        let out: DescribeServicesOutput = read_json(&op, &response).unwrap();
        let s = &out.services[0];
        assert_eq!(s.launch_type, None);
        let command = ["bin/migrate".to_owned()];
        let op = run_task(&RunTask {
            cluster: "prod",
            task_definition: "web:43",
            started_by: "hatoba/web/1/abc",
            container: "web",
            command: &command,
            network_configuration: s.network_configuration.as_ref(),
            launch_type: Some("FARGATE"),
            capacity_provider_strategy: s.capacity_provider_strategy.as_ref(),
            platform_version: None,
        });
        let body: serde_json::Value = serde_json::from_slice(&op.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"cluster": "prod", "taskDefinition": "web:43", "count": 1,
                "startedBy": "hatoba/web/1/abc",
                "overrides": {"containerOverrides": [{"name": "web", "command": ["bin/migrate"]}]},
                "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0fake1"]}}})
        );
        // An answer's tasks and failures are read alike.
        let op = describe_tasks("prod", &[]);
        let response = HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"tasks":[],"failures":[{"arn":"arn:aws:ecs:eu-west-1:123456789012:container-instance/x","reason":"RESOURCE:MEMORY"}]}"#.to_vec(),
        };
        let out: DescribeTasksOutput = read_json(&op, &response).unwrap();
        assert_eq!(out.failures[0].reason, "RESOURCE:MEMORY");
    }

    #[test]
    fn a_malformed_answer_is_an_invalid_response_naming_the_call() {
        let op = list_clusters(None);
        let err = read_json::<ListClustersOutput>(
            &op,
            &HttpResponse {
                status: 200,
                headers: vec![],
                body: b"<html>".to_vec(),
            },
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ECS ListClusters failed: unexpected response: expected value"),
            "{err}"
        );
    }
}
