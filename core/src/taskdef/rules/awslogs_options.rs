//! `awslogs-options`: the awslogs driver needs `awslogs-group` and `awslogs-region`, and on
//! Fargate `awslogs-stream-prefix`; unknown `awslogs-*` options are typos.

use crate::finding::{Finding, did_you_mean};
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "awslogs-options";

const KNOWN: [&str; 9] = [
    "awslogs-group",
    "awslogs-region",
    "awslogs-stream-prefix",
    "awslogs-create-group",
    "awslogs-datetime-format",
    "awslogs-multiline-pattern",
    "awslogs-endpoint",
    "mode",
    "max-buffer-size",
];

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        let Some(config) = container.get("logConfiguration") else {
            continue;
        };
        if config.get("logDriver").and_then(|d| d.as_str()) != Some("awslogs") {
            continue;
        }
        let config_path = path.key("logConfiguration");
        let options = config.get("options");
        let mut required = vec!["awslogs-group", "awslogs-region"];
        if td.requires_fargate() {
            required.push("awslogs-stream-prefix");
        }
        for key in required {
            if options.and_then(|o| o.get(key)).is_none() {
                out.push(Finding::error(
                    ID,
                    config_path.key("options").key(key),
                    options.unwrap_or(config).pos,
                    format!("the awslogs driver needs option \"{key}\""),
                ));
            }
        }
        for member in options.and_then(|o| o.members()).unwrap_or_default() {
            if !KNOWN.contains(&&*member.key) {
                let hint = did_you_mean(&member.key, KNOWN)
                    .map(|k| format!("; did you mean \"{k}\"?"))
                    .unwrap_or_default();
                out.push(Finding::error(
                    ID,
                    config_path.key("options").key(&member.key),
                    member.key_pos,
                    format!("unknown awslogs option \"{}\"{hint}", member.key),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn required_and_unknown_options() {
        let json = r#"{"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/a", "awslogs-regoin": "eu-west-1"}}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("needs option \"awslogs-region\""));
        assert!(found[1].contains("needs option \"awslogs-stream-prefix\""));
        assert!(found[2].contains(
            "unknown awslogs option \"awslogs-regoin\"; did you mean \"awslogs-region\"?"
        ));
    }
}
