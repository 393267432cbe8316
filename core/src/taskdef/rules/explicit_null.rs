//! `explicit-null`: a field set to `null` (old console exports write them). ECS takes a missing
//! field, but `aws ecs register-task-definition --cli-input-json` refuses `null` ("Invalid type
//! for parameter ..., value: None") and the deploy action drops it, so the file means different
//! things to different tools: a warning, to remove the key.

use crate::finding::Finding;
use crate::source::{self, Node, Value};

pub(crate) const ID: &str = "explicit-null";

/// Warns of every member set to `null` in `root`, then removes them: every rule after load,
/// the renderer and the deploy see such a field as the deploy action sends it, absent (Fargate
/// refuses `hostname`, not `"hostname": null`).
pub(crate) fn drop_nulls(root: &mut Node<'_>, out: &mut Vec<Finding>) {
    let mut any = false;
    source::walk(root, &mut |path, node| {
        if let (Value::Null, Some(key)) = (&node.value, path.last_key()) {
            any = true;
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
    if any {
        prune(root);
    }
}

fn prune(node: &mut Node<'_>) {
    match &mut node.value {
        Value::Object(members) => {
            members.retain(|m| !matches!(m.value.value, Value::Null));
            members.iter_mut().for_each(|m| prune(&mut m.value));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef;

    #[test]
    fn nulls_are_named_and_then_absent_to_every_rule() {
        // Fargate refuses `hostname` and `dnsServers`; set to null (an old console export),
        // they are not set at all, as the deploy action sends them.
        let json = r#"{"family": "x", "taskRoleArn": null, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "a", "image": "nginx", "environment": null, "hostname": null, "dnsServers": null, "essential": true}]}"#;
        let found: Vec<String> = taskdef::check(json)
            .iter()
            .map(|f| format!("{} {}: {}", f.rule, f.path, f.message))
            .collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found.iter().all(|f| f.starts_with("explicit-null ")),
            "{found:?}"
        );
        assert!(
            found[0].contains(" taskRoleArn: `taskRoleArn` is null"),
            "{found:?}"
        );
        assert!(found[1].contains("containerDefinitions[0].environment: `environment` is null"));
        let loaded = taskdef::load(json).document.unwrap().to_json();
        assert_eq!(loaded.get("taskRoleArn"), None);
        assert_eq!(loaded["containerDefinitions"][0].get("hostname"), None);
        assert_eq!(loaded["containerDefinitions"][0]["image"], "nginx");
    }
}
