//! `unique-container-name`: container names must be unique within a task definition.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "unique-container-name";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    let containers: Vec<_> = td.containers().collect();
    for (i, (path, container)) in containers.iter().enumerate() {
        let Some(node) = container.get("name") else {
            continue;
        };
        let Some(name) = node.as_str() else { continue };
        let first = containers[..i]
            .iter()
            .find(|(_, c)| c.get("name").and_then(|n| n.as_str()) == Some(name));
        if let Some((first, _)) = first {
            out.push(Finding::error(
                ID,
                path.key("name"),
                node.pos,
                format!(
                    "container name \"{name}\" is already used by {first}: names must be unique"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn a_second_use_of_a_name_is_reported() {
        let json =
            r#"{"containerDefinitions": [{"name": "web"}, {"name": "log"}, {"name": "web"}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:70 containerDefinitions[2].name: container name \"web\" is already used by containerDefinitions[0]: names must be unique"
            ]
        );
    }
}
