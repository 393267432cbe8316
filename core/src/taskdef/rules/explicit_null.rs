//! `explicit-null`: a field set to `null` (old console exports write them). ECS takes a missing
//! field, but `aws ecs register-task-definition --cli-input-json` refuses `null` ("Invalid type
//! for parameter ..., value: None") and the deploy action drops it, so the file means different
//! things to different tools: a warning, to remove the key.

use crate::finding::Finding;
use crate::source::{self, Value};
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "explicit-null";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    source::walk(td.root, &mut |path, node| {
        if let (Value::Null, Some(key)) = (&node.value, path.last_key()) {
            out.push(Finding::warning(
                ID,
                path,
                node.pos,
                format!(
                    "`{key}` is null: the AWS CLI refuses null fields and the deploy action drops them; remove the key"
                ),
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn nulls_are_named() {
        let json = r#"{"family": "x", "taskRoleArn": null, "containerDefinitions": [{"name": "a", "environment": null}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains(" taskRoleArn: `taskRoleArn` is null"),
            "{found:?}"
        );
        assert!(found[1].contains("containerDefinitions[0].environment: `environment` is null"));
    }
}
