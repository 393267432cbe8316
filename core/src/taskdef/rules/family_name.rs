//! `family-name`: up to 255 letters, digits, hyphens and underscores (ECS's rule for `family`).

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "family-name";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    let Some(node) = td.root.get("family") else {
        return;
    };
    let Some(family) = node.as_str() else { return };
    let problem = if family.is_empty() {
        Some("is empty".to_owned())
    } else if family.chars().count() > 255 {
        Some(format!("has {} characters", family.chars().count()))
    } else {
        family
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            .map(|c| format!("contains {c:?}"))
    };
    if let Some(problem) = problem {
        out.push(Finding::error(
            ID,
            Path::root().key("family"),
            node.pos,
            format!("family \"{family}\" {problem}: expected 1 to 255 letters, digits, hyphens (-) and underscores (_)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn accepts_ecs_names_and_refuses_others() {
        assert!(findings(super::check, r#"{"family": "web-api_2"}"#).is_empty());
        assert_eq!(
            findings(super::check, r#"{"family": "web api"}"#),
            [
                "1:12 family: family \"web api\" contains ' ': expected 1 to 255 letters, digits, hyphens (-) and underscores (_)"
            ]
        );
        let long = format!(r#"{{"family": "{}"}}"#, "a".repeat(256));
        assert!(findings(super::check, &long)[0].contains("has 256 characters"));
        assert!(findings(super::check, r#"{"family": ""}"#)[0].contains("is empty"));
    }
}
