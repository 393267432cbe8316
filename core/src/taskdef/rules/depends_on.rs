//! `depends-on`: `dependsOn` names containers of the same task, not itself, and the
//! dependencies form no cycle (ECS could start none of them).

use crate::finding::{Finding, some_names};
use crate::graph;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "depends-on";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    let containers: Vec<_> = td.containers().collect();
    let names: Vec<Option<&str>> = containers
        .iter()
        .map(|(_, c)| c.get("name").and_then(|n| n.as_str()))
        .collect();
    let index = graph::by_name(names.iter().copied());
    // edges[i] = indexes container i waits for
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); containers.len()];
    for (i, (path, container)) in containers.iter().enumerate() {
        let deps = container
            .get("dependsOn")
            .and_then(|d| d.items())
            .unwrap_or_default();
        for (j, dep) in deps.iter().enumerate() {
            let Some(node) = dep.get("containerName") else {
                continue;
            };
            let Some(target) = node.as_str() else {
                continue;
            };
            let at = path.key("dependsOn").index(j).key("containerName");
            match index.get(target).copied() {
                Some(k) if k == i => out.push(Finding::error(
                    ID,
                    at,
                    node.pos,
                    format!("container \"{target}\" depends on itself"),
                )),
                Some(k) => edges[i].push(k),
                None => {
                    let known: Vec<&str> = names.iter().flatten().copied().collect();
                    let known = some_names(&known);
                    out.push(Finding::error(
                        ID,
                        at,
                        node.pos,
                        format!("dependsOn names \"{target}\", which is not a container of this task: expected one of {known}"),
                    ));
                }
            }
        }
    }
    // Each cycle once, at its first container in document order.
    for cycle in graph::cycles(&edges) {
        let start = cycle[0];
        let (path, container) = &containers[start];
        let node = container
            .get("dependsOn")
            .expect("a container in a cycle has dependsOn");
        let mut chain: Vec<&str> = cycle.iter().map(|&c| names[c].unwrap_or("?")).collect();
        chain.push(names[start].unwrap_or("?"));
        out.push(Finding::error(
            ID,
            path.key("dependsOn"),
            node.pos,
            format!(
                "dependsOn forms a cycle: {}; ECS could start none of them",
                chain.join(" → ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn unknown_names_and_cycles() {
        let json = r#"{"containerDefinitions": [
            {"name": "app", "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}, {"containerName": "proxy", "condition": "START"}]},
            {"name": "proxy", "dependsOn": [{"containerName": "app", "condition": "START"}]},
            {"name": "log", "dependsOn": [{"containerName": "log", "condition": "START"}]}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("dependsOn names \"db\", which is not a container of this task: expected one of app, proxy, log"));
        assert!(found[1].contains("container \"log\" depends on itself"));
        assert!(found[2].contains(
            "containerDefinitions[0].dependsOn: dependsOn forms a cycle: app → proxy → app"
        ));
    }

    #[test]
    fn a_chain_is_fine() {
        let json = r#"{"containerDefinitions": [{"name": "a", "dependsOn": [{"containerName": "b"}]}, {"name": "b", "dependsOn": [{"containerName": "c"}]}, {"name": "c"}]}"#;
        assert!(findings(super::check, json).is_empty());
    }
}
