//! `uses-format`: a step's `uses` is `owner/repo[/path]@ref`, `./path` or `docker://image`;
//! a job's `uses` (a reusable workflow) is `./.github/workflows/NAME.yml` or
//! `owner/repo/.github/workflows/NAME.yml@ref`, and its `secrets` a mapping or `inherit`.

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

/// Why a job's `uses` does not name a reusable workflow, if it does not.
pub(crate) fn workflow_problem(uses: &str) -> Option<String> {
    let (file, git_ref) = match uses.strip_prefix("./") {
        Some(local) => (local, None),
        None => match uses.split_once('@') {
            Some((remote, git_ref)) => {
                let mut parts = remote.splitn(3, '/');
                let (_, _, file) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
                (file, Some(git_ref))
            }
            None => {
                return Some(
                    "has no @ref: a reusable workflow of another repository is owner/repo/.github/workflows/NAME.yml@ref"
                        .to_owned(),
                );
            }
        },
    };
    let in_workflows = file.starts_with(".github/workflows/")
        && !file[".github/workflows/".len()..].contains('/')
        && (file.ends_with(".yml") || file.ends_with(".yaml"));
    if !in_workflows || git_ref.is_some_and(str::is_empty) {
        return Some(
            "is not a reusable workflow: expected ./.github/workflows/NAME.yml or owner/repo/.github/workflows/NAME.yml@ref"
                .to_owned(),
        );
    }
    None
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        if let Some(uses) = job.node.get("uses")
            && let Some(text) = uses.as_str()
            && let Some(problem) = workflow_problem(text)
        {
            out.push(Finding::error(
                ID,
                job.path.key("uses"),
                uses.pos,
                format!("uses \"{text}\" {problem}"),
            ));
        }
        if let Some(secrets) = job.node.get("secrets")
            && let Some(text) = secrets.as_str()
            && text != "inherit"
        {
            out.push(Finding::error(
                ID,
                job.path.key("secrets"),
                secrets.pos,
                format!(
                    "`secrets: {text}`: expected `inherit` or a mapping of secret names to values"
                ),
            ));
        }
    }
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
    fn reusable_workflows() {
        use super::workflow_problem;
        for ok in [
            "./.github/workflows/build.yml",
            "octo/repo/.github/workflows/deploy.yaml@v1",
            "octo/repo/.github/workflows/deploy.yml@0123abc",
        ] {
            assert_eq!(workflow_problem(ok), None, "{ok}");
        }
        assert!(
            workflow_problem("octo/repo/.github/workflows/deploy.yml")
                .unwrap()
                .contains("no @ref")
        );
        assert!(
            workflow_problem("./build.yml")
                .unwrap()
                .contains("not a reusable workflow")
        );
        assert!(
            workflow_problem("octo/repo@v1")
                .unwrap()
                .contains("not a reusable workflow")
        );
        assert!(workflow_problem("./.github/workflows/sub/x.yml").is_some());
        let yaml =
            "on: push\njobs:\n  a:\n    uses: ./workflows/build.yml\n    secrets: inherited\n";
        assert_eq!(
            crate::workflow::rules::findings(super::check, yaml),
            [
                "4:11 jobs.a.uses: uses \"./workflows/build.yml\" is not a reusable workflow: expected ./.github/workflows/NAME.yml or owner/repo/.github/workflows/NAME.yml@ref",
                "5:14 jobs.a.secrets: `secrets: inherited`: expected `inherit` or a mapping of secret names to values",
            ]
        );
    }

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
