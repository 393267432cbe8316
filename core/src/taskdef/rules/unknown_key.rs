//! `unknown-key`: a key the ECS API does not have (ECS refuses the request), with the key that
//! was probably meant.

use crate::finding::{Finding, did_you_mean};
use crate::taskdef::TaskDefinition;
use crate::taskdef::schema::Mismatch;

pub(crate) const ID: &str = "unknown-key";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for m in td.mismatches() {
        if let Mismatch::UnknownKey {
            path,
            pos,
            key,
            known,
            structure,
        } = m
        {
            let hint = match did_you_mean(key, known.iter().map(|(k, _)| *k)) {
                Some(k) => format!("; did you mean `{k}`?"),
                None => String::new(),
            };
            out.push(Finding::error(
                ID,
                path,
                *pos,
                format!("unknown key `{key}` in {structure}{hint}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn names_the_key_and_suggests_the_real_one() {
        let json = r#"{"family": "web", "containerDefinition": [], "containerDefinitions": [{"name": "web", "image": "nginx", "portMapping": []}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:19 containerDefinition: unknown key `containerDefinition` in RegisterTaskDefinitionRequest; did you mean `containerDefinitions`?",
                "1:105 containerDefinitions[0].portMapping: unknown key `portMapping` in ContainerDefinition; did you mean `portMappings`?",
            ]
        );
        assert!(
            findings(
                super::check,
                r#"{"family": "w", "containerDefinitions": [], "zzz": 1}"#
            )[0]
            .ends_with("unknown key `zzz` in RegisterTaskDefinitionRequest")
        );
    }
}
