//! `fargate-limits`: what Fargate refuses that EC2 allows: placement constraints, and log
//! drivers other than awslogs, splunk and awsfirelens.

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "fargate-limits";

const FARGATE_LOG_DRIVERS: [&str; 3] = ["awslogs", "splunk", "awsfirelens"];

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if !td.requires_fargate() {
        return;
    }
    if let Some(node) = td
        .root
        .get("placementConstraints")
        .filter(|p| p.items().is_some_and(|i| !i.is_empty()))
    {
        out.push(Finding::error(
            ID,
            Path::root().key("placementConstraints"),
            node.pos,
            "Fargate tasks take no placement constraints: remove placementConstraints",
        ));
    }
    for (path, container) in td.containers() {
        let Some(driver) = container
            .get("logConfiguration")
            .and_then(|l| l.get("logDriver"))
        else {
            continue;
        };
        if let Some(name) = driver.as_str().filter(|d| !FARGATE_LOG_DRIVERS.contains(d)) {
            out.push(Finding::error(
                ID,
                path.key("logConfiguration").key("logDriver"),
                driver.pos,
                format!("log driver \"{name}\" is not available on Fargate: expected awslogs, splunk or awsfirelens"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn placement_and_log_drivers() {
        let json = r#"{"requiresCompatibilities": ["FARGATE"], "placementConstraints": [{"type": "memberOf"}], "containerDefinitions": [{"name": "a", "logConfiguration": {"logDriver": "json-file"}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2);
        assert!(
            found[0].contains("placementConstraints: Fargate tasks take no placement constraints")
        );
        assert!(found[1].contains("log driver \"json-file\" is not available on Fargate"));
        assert!(findings(super::check, &json.replace("FARGATE", "EC2")).is_empty());
    }
}
