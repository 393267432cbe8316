//! `execution-role`: secrets and the awslogs driver are fetched by ECS's agent with the task
//! execution role, so either needs `executionRoleArn`.

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
            .filter(|d| d.as_str() == Some("awslogs"))
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
        let json = r#"{"containerDefinitions": [{"name": "a", "secrets": [{"name": "A", "valueFrom": "x"}], "logConfiguration": {"logDriver": "awslogs"}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].starts_with("1:52 containerDefinitions[0].secrets: secrets need"),
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
    }
}
