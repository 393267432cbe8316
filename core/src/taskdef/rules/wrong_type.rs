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
                format!("`{path}` is {found}: expected {expected}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
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
