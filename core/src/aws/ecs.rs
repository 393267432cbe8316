//! Amazon ECS: the calls a deploy makes, their inputs and the parts of their answers Hatoba
//! reads. Fields Hatoba does not read are ignored on the way in, so new API fields never break
//! a deploy.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinitionOutput {
    /// The task definition as ECS holds it (read-only fields included).
    pub task_definition: serde_json::Value,
    /// Its tags, when asked for.
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl TaskDefinitionOutput {
    /// `arn:aws:ecs:region:account:task-definition/family:revision`.
    pub fn arn(&self) -> Option<&str> {
        self.task_definition["taskDefinitionArn"].as_str()
    }
}

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// The answer of `UpdateService`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UpdateServiceOutput {
    /// The service after the update.
    pub service: Service,
}

/// The answer of `DescribeServices`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DescribeServicesOutput {
    /// The services found.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The ones not found, and why.
    #[serde(default)]
    pub failures: Vec<Failure>,
}

/// A service, as far as a deploy follows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The name.
    pub service_name: String,
    /// The ARN.
    #[serde(default)]
    pub service_arn: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    #[serde(default)]
    pub status: String,
    /// The task definition new tasks start from.
    #[serde(default)]
    pub task_definition: String,
    /// Tasks wanted.
    #[serde(default)]
    pub desired_count: i64,
    /// Tasks running.
    #[serde(default)]
    pub running_count: i64,
    /// The deployments, newest (`PRIMARY`) first.
    #[serde(default)]
    pub deployments: Vec<Deployment>,
}

/// One deployment of a service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// `ecs-svc/...`.
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    #[serde(default)]
    pub status: String,
    /// The task definition it deploys.
    #[serde(default)]
    pub task_definition: String,
    /// Tasks wanted.
    #[serde(default)]
    pub desired_count: i64,
    /// Tasks running.
    #[serde(default)]
    pub running_count: i64,
    /// Tasks that failed to start.
    #[serde(default)]
    pub failed_tasks: i64,
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED` (absent on services without the rolling-update
    /// deployment controller's state).
    #[serde(default)]
    pub rollout_state: Option<String>,
    /// Why it is in that state.
    #[serde(default)]
    pub rollout_state_reason: Option<String>,
}

/// A resource a call could not find.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Failure {
    /// Its ARN.
    #[serde(default)]
    pub arn: String,
    /// Why: `MISSING`, ...
    #[serde(default)]
    pub reason: String,
    /// More detail.
    #[serde(default)]
    pub detail: Option<String>,
}

/// The answer of `ListServices`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListServicesOutput {
    /// Service ARNs.
    #[serde(default)]
    pub service_arns: Vec<String>,
    /// Where the next page starts.
    #[serde(default)]
    pub next_token: Option<String>,
}

/// The answer of `ListClusters`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListClustersOutput {
    /// Cluster ARNs.
    #[serde(default)]
    pub cluster_arns: Vec<String>,
    /// Where the next page starts.
    #[serde(default)]
    pub next_token: Option<String>,
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
