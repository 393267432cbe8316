//! Amazon ECS: the calls a deploy makes, their inputs and the parts of their answers Hatoba
//! reads. Fields Hatoba does not read are ignored on the way in, so new API fields never break
//! a deploy.

use serde::Serialize;

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
            failures: o.list("failures", |f| {
                Ok(Failure {
                    arn: f.text("arn")?,
                    reason: f.text("reason")?,
                    detail: f.opt_string("detail")?,
                })
            })?,
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
        })
    }
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
