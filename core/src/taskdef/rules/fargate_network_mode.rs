//! `fargate-network-mode`: Fargate tasks run only with `networkMode` `awsvpc`.

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "fargate-network-mode";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if !td.requires_fargate() {
        return;
    }
    if let Some(node) = td.root.get("networkMode")
        && let Some(mode) = node.as_str().filter(|m| *m != "awsvpc")
    {
        out.push(Finding::error(
            ID,
            Path::root().key("networkMode"),
            node.pos,
            format!("networkMode \"{mode}\" with FARGATE: Fargate requires \"awsvpc\""),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn fargate_needs_awsvpc() {
        let bad = r#"{"requiresCompatibilities": ["FARGATE"], "networkMode": "bridge"}"#;
        assert_eq!(
            findings(super::check, bad),
            ["1:57 networkMode: networkMode \"bridge\" with FARGATE: Fargate requires \"awsvpc\""]
        );
        assert!(
            findings(
                super::check,
                r#"{"requiresCompatibilities": ["EC2"], "networkMode": "bridge"}"#
            )
            .is_empty()
        );
        assert!(findings(super::check, r#"{"requiresCompatibilities": ["FARGATE"]}"#).is_empty());
    }
}
