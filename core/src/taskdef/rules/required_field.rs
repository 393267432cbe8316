//! `required-field`: a field the API requires is missing (`family`, `containerDefinitions`,
//! a port mapping's `containerPort`, ...).

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;
use crate::taskdef::schema::Mismatch;

pub(crate) const ID: &str = "required-field";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for m in td.mismatches() {
        if let Mismatch::MissingRequired {
            path,
            pos,
            field,
            structure,
        } = m
        {
            let at = if path.to_string().is_empty() {
                String::new()
            } else {
                format!(" at `{path}`")
            };
            out.push(Finding::error(
                ID,
                path.key(field),
                *pos,
                format!("{structure} needs `{field}`{at}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn names_the_missing_field_and_where() {
        let json = r#"{"containerDefinitions": [{"name": "web", "image": "nginx", "secrets": [{"name": "DB"}]}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:73 containerDefinitions[0].secrets[0].valueFrom: Secret needs `valueFrom` at `containerDefinitions[0].secrets[0]`",
                "1:1 family: RegisterTaskDefinitionRequest needs `family`",
            ]
        );
    }
}
