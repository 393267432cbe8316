//! `outdated-action`: well-known actions pinned to a major version that runs on a Node.js
//! runtime GitHub Actions has retired (12 or 16), with the first major that does not. The runner
//! still runs them, forcing a newer Node.js on them ("Node16 actions ... will be forced to run on
//! Node20"), which they were not built for: a warning, as the run works. An error only where
//! GitHub fails the run outright: the artifact actions before v4 ("workflows using v3 of
//! actions/upload-artifact or actions/download-artifact will fail", from January 30, 2025) and
//! actions/cache before v3 (its v1 and v2 were closed down on March 1, 2025; v3 works from
//! 3.4.0, which `@v3` is). actionlint calls every one of them too old to run, an error.

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "outdated-action";

/// (action, first major version on a supported runtime).
const MINIMUM_MAJOR: [(&str, u32); 15] = [
    ("actions/checkout", 4),
    ("actions/setup-node", 4),
    ("actions/setup-python", 5),
    ("actions/setup-go", 5),
    ("actions/setup-java", 4),
    ("actions/cache", 4),
    ("actions/upload-artifact", 4),
    ("actions/download-artifact", 4),
    ("actions/github-script", 7),
    ("aws-actions/configure-aws-credentials", 4),
    ("aws-actions/amazon-ecr-login", 2),
    ("aws-actions/amazon-ecs-deploy-task-definition", 2),
    ("docker/login-action", 3),
    ("docker/build-push-action", 5),
    ("docker/setup-buildx-action", 3),
];

/// (action, first major version GitHub still runs at all).
const REFUSED_BELOW: [(&str, u32); 3] = [
    ("actions/upload-artifact", 4),
    ("actions/download-artifact", 4),
    ("actions/cache", 3),
];

/// Archived actions whose every version runs on a retired Node.js, and what replaces them. The
/// runner still runs them (on a forced newer Node.js), so they are warnings too.
const ARCHIVED: [(&str, &str); 6] = [
    ("actions-rs/toolchain", "dtolnay/rust-toolchain"),
    ("actions-rs/cargo", "a `run: cargo ...` step"),
    ("actions-rs/clippy-check", "a `run: cargo clippy ...` step"),
    ("actions-rs/audit-check", "rustsec/audit-check@v2"),
    (
        "actions/create-release",
        "a `run: gh release create ...` step",
    ),
    (
        "actions/upload-release-asset",
        "a `run: gh release upload ...` step",
    ),
];

/// The first major version of `action` on a supported runtime, if Hatoba knows the action.
pub(crate) fn minimum_major(action: &str) -> Option<u32> {
    MINIMUM_MAJOR
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(action))
        .map(|(_, minimum)| *minimum)
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, uses) in wf.step_values("uses") {
        let Some((action, git_ref)) = uses.split_once('@') else {
            continue;
        };
        if let Some((_, instead)) = ARCHIVED
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(action))
        {
            out.push(Finding::warning(
                ID,
                path.key("uses"),
                node.pos,
                format!("{action} is archived and every version of it runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to {instead}"),
            ));
            continue;
        }
        let Some(minimum) = minimum_major(action) else {
            continue;
        };
        // Only major-version tags (v3, v3.1.0) are judged; a commit sha is the user's call.
        let major = git_ref.strip_prefix('v').map(|v| {
            v.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        });
        let Some(major) = major.and_then(|m| m.parse::<u32>().ok()) else {
            continue;
        };
        let refused = REFUSED_BELOW
            .iter()
            .any(|(a, first)| a.eq_ignore_ascii_case(action) && major < *first);
        if refused {
            out.push(Finding::error(
                ID,
                path.key("uses"),
                node.pos,
                format!("GitHub fails every run that uses {action}@{git_ref} (this version's service is shut down): use {action}@v{minimum}"),
            ));
        } else if major < minimum {
            out.push(Finding::warning(
                ID,
                path.key("uses"),
                node.pos,
                format!("{action}@{git_ref} runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to {action}@v{minimum} or later"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Severity;
    use crate::workflow::Workflow;
    use crate::workflow::rules::findings;

    const YAML: &str = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v1\n      - uses: aws-actions/configure-aws-credentials@v1-node16\n      - uses: actions/checkout@v4\n      - uses: actions/cache@0123456789abcdef0123456789abcdef01234567\n      - uses: actions-rs/toolchain@v1\n      - uses: actions/upload-artifact@v3\n      - uses: actions/cache@v2\n      - uses: actions/cache@v3\n      - uses: actions/download-artifact@v2.1.0\n";

    #[test]
    fn retired_runtimes_are_flagged_with_the_version_to_use() {
        assert_eq!(
            findings(super::check, YAML),
            [
                "6:15 jobs.a.steps[0].uses: actions/checkout@v1 runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to actions/checkout@v4 or later",
                "7:15 jobs.a.steps[1].uses: aws-actions/configure-aws-credentials@v1-node16 runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to aws-actions/configure-aws-credentials@v4 or later",
                "10:15 jobs.a.steps[4].uses: actions-rs/toolchain is archived and every version of it runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to dtolnay/rust-toolchain",
                "11:15 jobs.a.steps[5].uses: GitHub fails every run that uses actions/upload-artifact@v3 (this version's service is shut down): use actions/upload-artifact@v4",
                "12:15 jobs.a.steps[6].uses: GitHub fails every run that uses actions/cache@v2 (this version's service is shut down): use actions/cache@v4",
                "13:15 jobs.a.steps[7].uses: actions/cache@v3 runs on a Node.js version GitHub Actions retired: the runner still runs it, on a newer Node.js it was not built for; move to actions/cache@v4 or later",
                "14:15 jobs.a.steps[8].uses: GitHub fails every run that uses actions/download-artifact@v2.1.0 (this version's service is shut down): use actions/download-artifact@v4",
            ]
        );
    }

    /// An error only where GitHub fails the run; a version the runner still runs is a warning.
    #[test]
    fn only_versions_github_fails_are_errors() {
        let document = crate::source::parse_yaml(YAML).unwrap();
        let mut out = Vec::new();
        super::check(&Workflow::new(&document, YAML), &mut out);
        let severities: Vec<(u32, Severity)> =
            out.iter().map(|f| (f.pos.line, f.severity)).collect();
        assert_eq!(
            severities,
            [
                (6, Severity::Warning),
                (7, Severity::Warning),
                (10, Severity::Warning),
                (11, Severity::Error),
                (12, Severity::Error),
                (13, Severity::Warning),
                (14, Severity::Error),
            ]
        );
    }
}
