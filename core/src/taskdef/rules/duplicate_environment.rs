//! `duplicate-environment`: the same variable twice in a container's `environment` (or in
//! `environment` and `secrets`): only one value reaches the process, and which is not obvious.

use crate::finding::Finding;
use crate::repeats::repeats;
use crate::source::Node;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "duplicate-environment";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        // (list, index, name node) of each variable; paths are only spelled out for a finding.
        let mut all: Vec<(&str, usize, &Node)> = Vec::new();
        for list in ["environment", "secrets"] {
            let items = container
                .get(list)
                .and_then(|l| l.items())
                .unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                if let Some(node) = item.get("name") {
                    all.push((list, i, node));
                }
            }
        }
        for (again, first) in repeats(&all, |(_, _, node)| node.as_str().map(Into::into)) {
            let ((list, i, node), (first_list, first_i, _)) = (all[again], all[first]);
            out.push(Finding::error(
                ID,
                path.key(list).index(i).key("name"),
                node.pos,
                format!(
                    "variable {} is set again (first at {}): keep one",
                    node.as_str().unwrap_or_default(),
                    path.key(first_list).index(first_i)
                ),
            ));
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

    /// 30,000 variables, two of them repeated: both found, in linear-logarithmic time (the
    /// pairwise comparison this replaced took seconds on 50,000).
    #[test]
    fn thousands_of_variables() {
        let mut env: Vec<String> = (0..30_000)
            .map(|i| format!(r#"{{"name": "V{i}", "value": "x"}}"#))
            .collect();
        env.push(r#"{"name": "V7", "value": "y"}"#.to_owned());
        let json = format!(
            r#"{{"containerDefinitions": [{{"name": "a", "environment": [{}], "secrets": [{{"name": "V29999", "valueFrom": "x"}}]}}]}}"#,
            env.join(", ")
        );
        let found = findings(super::check, &json);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("environment[30000].name: variable V7 is set again (first at containerDefinitions[0].environment[7])"), "{found:?}");
        assert!(
            found[1].contains("secrets[0].name: variable V29999 is set again"),
            "{found:?}"
        );
    }
}
