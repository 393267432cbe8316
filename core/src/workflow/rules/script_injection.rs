//! `script-injection`: text an outsider controls (issue and pull-request titles and bodies,
//! comments, commit messages, branch names) interpolated with `${{ }}` into a `run:` script,
//! where it becomes shell code. Pass it through `env:` and quote the variable instead.

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "script-injection";

/// Context paths (after `github.`) whose value an outsider writes.
const UNTRUSTED_SUFFIXES: [&str; 11] = [
    ".title",
    ".body",
    ".message",
    ".head_ref",
    ".head_branch",
    ".label",
    ".page_name",
    ".email",
    ".name",
    ".ref",
    ".default_branch",
];

/// Whether the expression reads untrusted event text.
fn untrusted(expression: &str) -> bool {
    let e: String = expression.split_whitespace().collect();
    if e.contains("github.head_ref") {
        return true;
    }
    let Some(at) = e.find("github.event.") else {
        return false;
    };
    let path = &e[at..];
    let path: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "._-*[]".contains(*c))
        .collect();
    let event_text = [
        "issue",
        "pull_request",
        "comment",
        "review",
        "review_comment",
        "pages",
        "commits",
        "head_commit",
        "discussion",
        "workflow_run",
    ];
    event_text
        .iter()
        .any(|k| path.contains(&format!("github.event.{k}")))
        && UNTRUSTED_SUFFIXES.iter().any(|s| path.ends_with(s))
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, script) in wf.step_values("run") {
        // Found one after the other along the source, so repeats get their own place.
        let mut cursor = wf.cursor(node.pos);
        let mut rest = script;
        while let Some(start) = rest.find("${{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            let expression = &rest[start + 3..start + len];
            if untrusted(expression) {
                let written = &rest[start..start + len + 2];
                out.push(Finding::error(
                    ID,
                    path.key("run"),
                    wf.find_next(&mut cursor, written).unwrap_or(node.pos),
                    format!(
                        "{} is text an outsider controls, pasted into a shell script: pass it through `env:` and use \"$VAR\" instead",
                        written
                    ),
                ));
            }
            rest = &rest[start + len + 2..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::untrusted;
    use crate::workflow::rules::findings;

    #[test]
    fn untrusted_contexts() {
        assert!(untrusted(" github.event.issue.title "));
        assert!(untrusted("github.event.pull_request.head.ref"));
        assert!(untrusted("github.head_ref"));
        assert!(untrusted("github.event.commits[0].message"));
        assert!(!untrusted("github.event.pull_request.number"));
        assert!(!untrusted("github.sha"));
        assert!(!untrusted("secrets.TOKEN"));
    }

    #[test]
    fn found_in_run_not_in_env() {
        let yaml = "on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          echo \"${{ github.event.issue.title }}\"\n      - run: echo \"$TITLE\"\n        env:\n          TITLE: ${{ github.event.issue.title }}\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("7:17 jobs.a.steps[0].run: ${{ github.event.issue.title }} is text an outsider controls"), "{found:?}");
    }

    #[test]
    fn the_same_expression_twice_is_found_at_each_place() {
        let yaml = "on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.issue.title }} ${{ github.event.issue.title }}\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("6:19 "), "{found:?}");
        assert!(found[1].starts_with("6:51 "), "{found:?}");
    }
}
