//! `enum-value`: a value outside the set the API allows (`networkMode`, `protocol`,
//! `logDriver`, ...), with the allowed values.

use crate::finding::{Finding, did_you_mean};
use crate::taskdef::TaskDefinition;
use crate::taskdef::schema::Mismatch;

pub(crate) const ID: &str = "enum-value";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for m in td.mismatches() {
        if let Mismatch::BadEnum {
            path,
            pos,
            value,
            allowed,
        } = m
        {
            let hint = match did_you_mean(value, allowed.iter().copied()) {
                Some(v) => format!("; did you mean \"{v}\"?"),
                None => String::new(),
            };
            out.push(Finding::error(
                ID,
                path,
                *pos,
                format!(
                    "`{path}` is \"{value}\": expected one of {}{hint}",
                    allowed.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn lists_the_allowed_values() {
        let json = r#"{"family": "web", "networkMode": "AWSVPC", "containerDefinitions": []}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:34 networkMode: `networkMode` is \"AWSVPC\": expected one of bridge, host, awsvpc, none; did you mean \"awsvpc\"?"
            ]
        );
    }
}
