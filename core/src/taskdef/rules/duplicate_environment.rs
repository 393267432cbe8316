//! `duplicate-environment`: the same variable twice in a container's `environment` (or in
//! `environment` and `secrets`): only one value reaches the process, and which is not obvious.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "duplicate-environment";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        // (name, list, index) of each variable seen; paths are only spelled out for a finding.
        let mut seen: Vec<(&str, &str, usize)> = Vec::new();
        for list in ["environment", "secrets"] {
            let items = container
                .get(list)
                .and_then(|l| l.items())
                .unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                let Some(node) = item.get("name") else {
                    continue;
                };
                let Some(name) = node.as_str() else { continue };
                match seen.iter().find(|(n, _, _)| *n == name) {
                    Some((_, first_list, first)) => out.push(Finding::error(
                        ID,
                        path.key(list).index(i).key("name"),
                        node.pos,
                        format!(
                            "variable {name} is set again (first at {}): keep one",
                            path.key(first_list).index(*first)
                        ),
                    )),
                    None => seen.push((name, list, i)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn names_both_places() {
        let json = r#"{"containerDefinitions": [{"name": "a", "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "secrets": [{"name": "A", "valueFrom": "x"}]}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:137 containerDefinitions[0].secrets[0].name: variable A is set again (first at containerDefinitions[0].environment[0]): keep one"
            ]
        );
    }
}
