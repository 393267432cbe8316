//! `awsvpc-links`: container links work only with the bridge network; under awsvpc the
//! containers of a task reach each other on localhost.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "awsvpc-links";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if td.network_mode() != "awsvpc" {
        return;
    }
    for (path, container) in td.containers() {
        if let Some(links) = container
            .get("links")
            .filter(|l| l.items().is_some_and(|i| !i.is_empty()))
        {
            out.push(Finding::error(
                ID,
                path.key("links"),
                links.pos,
                "links are not supported with awsvpc networking: remove them and reach the other containers on localhost",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn links_only_under_bridge() {
        let json =
            r#"{"networkMode": "awsvpc", "containerDefinitions": [{"name": "a", "links": ["b"]}]}"#;
        assert_eq!(findings(super::check, json).len(), 1);
        assert!(findings(super::check, &json.replace("awsvpc", "bridge")).is_empty());
    }
}
