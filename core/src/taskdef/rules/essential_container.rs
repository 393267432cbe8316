//! `essential-container`: at least one container must be essential (`essential` defaults to
//! true; a task whose every container says false is refused).

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "essential-container";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    let containers: Vec<_> = td.containers().collect();
    if containers.is_empty() {
        return;
    }
    let any_essential = containers
        .iter()
        .any(|(_, c)| c.get("essential").and_then(|e| e.as_bool()).unwrap_or(true));
    if !any_essential {
        let node = td
            .root
            .get("containerDefinitions")
            .expect("containers came from it");
        out.push(Finding::error(
            ID,
            Path::root().key("containerDefinitions"),
            node.pos,
            "no container is essential: set \"essential\": true on at least one (the one whose exit should stop the task)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn one_essential_container_is_needed() {
        let none = r#"{"containerDefinitions": [{"name": "a", "essential": false}, {"name": "b", "essential": false}]}"#;
        assert_eq!(findings(super::check, none).len(), 1);
        assert!(findings(super::check, &none.replacen("false", "true", 1)).is_empty());
        // Absent means essential.
        assert!(findings(super::check, r#"{"containerDefinitions": [{"name": "a"}]}"#).is_empty());
    }
}
