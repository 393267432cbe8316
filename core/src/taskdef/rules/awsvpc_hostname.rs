//! `awsvpc-hostname`: "The hostname parameter is not supported if you're using the awsvpc network
//! mode" (task definition parameters, `hostname`): the task's network interface names it.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "awsvpc-hostname";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if td.network_mode() != "awsvpc" {
        return;
    }
    for (path, container) in td.containers() {
        if let Some(node) = container.get("hostname") {
            out.push(Finding::error(
                ID,
                path.key("hostname"),
                node.pos,
                "hostname is not supported with the awsvpc network mode: remove it (the task's network interface names the host)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn hostname_with_awsvpc() {
        let json = r#"{"networkMode": "awsvpc", "containerDefinitions": [{"name": "a", "hostname": "web"}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:78 containerDefinitions[0].hostname: hostname is not supported with the awsvpc network mode: remove it (the task's network interface names the host)"
            ]
        );
        assert!(findings(super::check, &json.replace("awsvpc", "bridge")).is_empty());
    }
}
