//! `execution-role`: secrets are fetched by ECS's agent with the task execution role, so they
//! need `executionRoleArn`; so does the awslogs driver on Fargate ("Fargate tasks that use the
//! awslogs log driver ... require the task execution role"). On EC2 the container instance's
//! role may write the logs, so there it is not required.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "execution-role";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if td
        .root
        .get("executionRoleArn")
        .and_then(|r| r.as_str())
        .is_some_and(|r| !r.is_empty())
    {
        return;
    }
    for (path, container) in td.containers() {
        if let Some(secrets) = container
            .get("secrets")
            .filter(|s| s.items().is_some_and(|i| !i.is_empty()))
        {
            out.push(Finding::error(
                ID,
                path.key("secrets"),
                secrets.pos,
                "secrets need a task execution role to be fetched: set executionRoleArn",
            ));
        }
        let log_config = container.get("logConfiguration");
        if let Some(driver) = log_config
            .and_then(|l| l.get("logDriver"))
            .filter(|d| d.as_str() == Some("awslogs") && td.requires_fargate())
        {
            out.push(Finding::error(
                ID,
                path.key("logConfiguration").key("logDriver"),
                driver.pos,
                "the awslogs driver needs a task execution role to write to CloudWatch Logs: set executionRoleArn",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn secrets_and_awslogs_need_the_role() {
        let json = r#"{"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a", "secrets": [{"name": "A", "valueFrom": "x"}], "logConfiguration": {"logDriver": "awslogs"}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].starts_with("1:92 containerDefinitions[0].secrets: secrets need"),
            "{found:?}"
        );
        assert!(
            found[1]
                .contains("containerDefinitions[0].logConfiguration.logDriver: the awslogs driver")
        );
        let with_role = json.replacen(
            '{',
            r#"{"executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "#,
            1,
        );
        assert!(findings(super::check, &with_role).is_empty());
        // On EC2 the container instance's role may write the logs: only secrets need the role.
        let ec2 = json.replace("FARGATE", "EC2");
        let found = findings(super::check, &ec2);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("secrets need"));
    }
}
