//! `wrong-type`: a value of another JSON type than the API's (a number where ECS wants a
//! string, a string where it wants an integer, ...).

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;
use crate::taskdef::schema::Mismatch;

pub(crate) const ID: &str = "wrong-type";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for m in td.mismatches() {
        if let Mismatch::WrongType {
            path,
            pos,
            expected,
            found,
        } = m
        {
            out.push(Finding::error(
                ID,
                path,
                *pos,
                if path.to_string().is_empty() {
                    format!(
                        "the document is {found}: expected a task definition (a JSON object or a YAML mapping)"
                    )
                } else {
                    format!("`{path}` is {found}: expected {expected}")
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_document_that_is_not_an_object_is_named_as_such() {
        let found = crate::taskdef::check("deploy.js\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "the document is a string: expected a task definition (a JSON object or a YAML mapping)"
        );
    }

    use crate::taskdef::rules::findings;

    #[test]
    fn says_what_was_found_and_expected() {
        let json = r#"{"family": "web", "cpu": 256, "containerDefinitions": [{"name": "web", "image": "nginx", "essential": "yes", "memory": 1.5}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:26 cpu: `cpu` is a number: expected a string",
                "1:103 containerDefinitions[0].essential: `containerDefinitions[0].essential` is a string: expected a boolean (true or false)",
                "1:120 containerDefinitions[0].memory: `containerDefinitions[0].memory` is a number: expected an integer",
            ]
        );
    }
}
