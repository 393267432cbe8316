//! `uses-format`: a step's `uses` is `owner/repo[/path]@ref`, `./path` or `docker://image`.

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "uses-format";

/// Why `uses` is malformed, if it is.
pub(crate) fn problem(uses: &str) -> Option<String> {
    if uses.starts_with("./") || uses.starts_with("docker://") && uses.len() > 9 {
        return None;
    }
    let Some((action, git_ref)) = uses.split_once('@') else {
        return Some(format!(
            "has no @ref: pin a tag, branch or commit sha, e.g. {uses}@v1 (its current major tag)"
        ));
    };
    let mut parts = action.split('/');
    let (owner, repo) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    if !valid(owner) || !valid(repo) || git_ref.is_empty() || git_ref.contains(char::is_whitespace)
    {
        return Some("is not owner/repo[/path]@ref, ./path or docker://image".to_owned());
    }
    None
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, uses) in wf.step_values("uses") {
        if let Some(problem) = problem(uses) {
            out.push(Finding::error(
                ID,
                path.key("uses"),
                node.pos,
                format!("uses \"{uses}\" {problem}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn the_three_forms() {
        for ok in [
            "actions/checkout@v4",
            "aws-actions/amazon-ecs-deploy-task-definition@v2",
            "octo/repo/sub/dir@0123abc",
            "./.github/actions/build",
            "docker://alpine:3.20",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert!(problem("actions/checkout").unwrap().contains("no @ref"));
        assert!(problem("checkout@v4").unwrap().contains("owner/repo"));
        assert!(problem("actions/checkout@").unwrap().contains("owner/repo"));
    }
}
