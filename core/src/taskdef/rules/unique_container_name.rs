//! `unique-container-name`: container names must be unique within a task definition.

use crate::finding::Finding;
use crate::repeats::repeats;
use crate::source::Node;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "unique-container-name";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    let containers: Vec<_> = td.containers().collect();
    fn name<'n>(c: &'n Node<'_>) -> Option<&'n str> {
        c.get("name").and_then(Node::as_str)
    }
    for (again, first) in repeats(&containers, |(_, c)| name(c).map(Into::into)) {
        let (path, container) = &containers[again];
        let Some(node) = container.get("name") else {
            continue;
        };
        out.push(Finding::error(
            ID,
            path.key("name"),
            node.pos,
            format!(
                "container name \"{}\" is already used by {}: names must be unique",
                name(container).unwrap_or_default(),
                containers[first].0
            ),
        ));
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
