//! `script-injection`: text an outsider controls (issue and pull-request titles and bodies,
//! comments, commit messages, branch names) interpolated with `${{ }}` into a `run:` script,
//! where it becomes shell code. Pass it through `env:` and quote the variable instead.
//!
//! GitHub's guide ("Script injections") says such contexts "typically end with body,
//! default_branch, email, head_ref, label, message, name, page_name, ref, and title", but
//! matching those endings also catches `github.event.pull_request.base.ref` or
//! `github.event.repository.name`, which only the repository's own people can set. So the rule
//! names each field an outsider writes, path by path.

use crate::finding::Finding;
use crate::workflow::Workflow;
use crate::workflow::expr::{Expr, ExprKind, parse, templates};

pub(crate) const ID: &str = "script-injection";

/// The fields whose value someone outside the repository writes, as context paths; `*` is any
/// one key or array index. Branch names may hold `"`, `;`, `$` and backquotes, and titles,
/// bodies, commit messages and author names anything.
const UNTRUSTED: [&str; 30] = [
    // The branch of a pull request, named by whoever opened it (from their fork).
    "github.head_ref",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    // Titles and bodies anyone who may open an issue, a pull request or a discussion writes.
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    // Comments on issues, pull requests, commits, discussions and review comments: the payload
    // names them all `comment`.
    "github.event.comment.body",
    "github.event.review.body",
    // Wiki pages: anyone may edit the wiki of many public repositories.
    "github.event.pages.*.page_name",
    // Commits a push brings may come from a merged pull request: their message, author and
    // committer are whatever its author's git wrote.
    "github.event.commits.*.message",
    "github.event.commits.*.author.name",
    "github.event.commits.*.author.email",
    "github.event.commits.*.committer.name",
    "github.event.commits.*.committer.email",
    "github.event.head_commit.message",
    "github.event.head_commit.author.name",
    "github.event.head_commit.author.email",
    "github.event.head_commit.committer.name",
    "github.event.head_commit.committer.email",
    // `workflow_run` reports on a run a fork's pull request may have started.
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.display_title",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.committer.name",
    "github.event.workflow_run.head_commit.committer.email",
];

/// The most names a pattern of [`UNTRUSTED`] has.
const LONGEST: usize = 6;

/// The path of a chain of property accesses from a context, with `*` for an index that is not
/// a string (`commits[0]`, `commits.*`); `None` for anything else or for a chain longer than
/// any pattern. Checked at every node of an expression, so it looks at no more than
/// [`LONGEST`] links: a long chain costs no more than a short one.
fn path_of(e: &Expr) -> Option<Vec<&str>> {
    let mut reversed = Vec::new();
    let mut e = e;
    loop {
        if reversed.len() == LONGEST {
            return None;
        }
        let (object, name) = match &e.kind {
            ExprKind::Context(name) => {
                reversed.push(name.as_str());
                reversed.reverse();
                return Some(reversed);
            }
            ExprKind::Property(object, name, _) => (object, name.as_str()),
            ExprKind::Index(object, index) => match &index.kind {
                ExprKind::String(name) => (object, name.as_str()),
                _ => (object, "*"),
            },
            ExprKind::Filter(object) => (object, "*"),
            _ => return None,
        };
        reversed.push(name);
        e = object;
    }
}

/// Whether `path` is one of [`UNTRUSTED`]; contexts and their properties are matched without
/// case, as GitHub does.
fn untrusted_path(path: &[&str]) -> bool {
    UNTRUSTED.iter().any(|pattern| {
        pattern.split('.').count() == path.len()
            && pattern
                .split('.')
                .zip(path)
                .all(|(p, name)| p == "*" || p.eq_ignore_ascii_case(name))
    })
}

/// Whether the expression (the text between `${{` and `}}`) reads an untrusted field anywhere.
fn untrusted(expression: &str) -> bool {
    let Ok(parsed) = parse(expression) else {
        // The `expression` rule reports what does not parse.
        return false;
    };
    let mut found = false;
    parsed.walk(&mut |x| {
        found = found || path_of(x).is_some_and(|p| untrusted_path(&p));
    });
    found
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, script) in wf.step_values("run") {
        // Found one after the other along the source, so repeats get their own place.
        let mut cursor = wf.cursor(node.pos);
        // An unclosed `${{` is the `expression` rule's finding; the ones before it still count.
        let found = templates(script).unwrap_or_else(|_| {
            let closed = script.rfind("}}").map_or(0, |end| end + 2);
            templates(&script[..closed]).unwrap_or_default()
        });
        for t in found {
            if untrusted(t.inner) {
                out.push(Finding::error(
                    ID,
                    path.key("run"),
                    wf.find_next(&mut cursor, t.raw).unwrap_or(node.pos),
                    format!(
                        "{} is text an outsider controls, pasted into a shell script: pass it through `env:` and use \"$VAR\" instead",
                        t.raw
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::untrusted;
    use crate::workflow::rules::findings;

    #[test]
    fn each_field_an_outsider_writes() {
        for e in [
            "github.head_ref",
            "github.event.pull_request.head.ref",
            "github.event.pull_request.head.label",
            "github.event.pull_request.head.repo.default_branch",
            "github.event.issue.title",
            "github.event.issue.body",
            "github.event.pull_request.title",
            "github.event.pull_request.body",
            "github.event.discussion.title",
            "github.event.discussion.body",
            "github.event.comment.body",
            "github.event.review.body",
            "github.event.pages[0].page_name",
            "github.event.pages.*.page_name",
            "github.event.commits[0].message",
            "github.event.commits.*.message",
            "github.event.commits[1].author.name",
            "github.event.commits[1].author.email",
            "github.event.commits[1].committer.name",
            "github.event.commits[1].committer.email",
            "github.event.head_commit.message",
            "github.event.head_commit.author.name",
            "github.event.head_commit.author.email",
            "github.event.head_commit.committer.name",
            "github.event.head_commit.committer.email",
            "github.event.workflow_run.head_branch",
            "github.event.workflow_run.display_title",
            "github.event.workflow_run.head_commit.message",
            "github.event.workflow_run.head_commit.author.name",
            "github.event.workflow_run.head_commit.author.email",
            "github.event.workflow_run.head_commit.committer.name",
            "github.event.workflow_run.head_commit.committer.email",
        ] {
            assert!(untrusted(e), "{e}");
        }
        assert_eq!(
            super::UNTRUSTED.iter().map(|p| p.split('.').count()).max(),
            Some(super::LONGEST)
        );
    }

    #[test]
    fn however_it_is_written() {
        assert!(untrusted(" github.event.issue.title "));
        assert!(untrusted("GitHub.Event.Issue.Title"));
        assert!(untrusted("github['head_ref']"));
        assert!(untrusted("github.event['pull_request'].head['ref']"));
        assert!(untrusted("format('{0}!', github.event.comment.body)"));
        assert!(untrusted("github.event.issue.title || 'none'"));
        assert!(untrusted("toJSON(github.event.commits.*.message)"));
    }

    #[test]
    fn fields_only_the_repository_sets_are_trusted() {
        for e in [
            "github.event.pull_request.base.ref",
            "github.event.pull_request.base.label",
            "github.event.pull_request.base.repo.default_branch",
            "github.event.pull_request.head.sha",
            "github.event.pull_request.head.repo.full_name",
            "github.event.pull_request.number",
            "github.event.repository.name",
            "github.event.repository.default_branch",
            "github.event.workflow_run.name",
            "github.event.workflow_run.head_sha",
            "github.event.workflow_run.conclusion",
            "github.event.head_commit.id",
            "github.event.commits[0].id",
            "github.event.issue.number",
            "github.event.label.name",
            "github.event.inputs.name",
            "github.ref",
            "github.ref_name",
            "github.base_ref",
            "github.sha",
            "github.event.issue",
            "github.event.commits",
            "secrets.TOKEN",
            "inputs.title",
            "steps.x.outputs.body",
            "matrix.name",
            "'github.event.issue.title'",
            "github.event.issue.title.",
        ] {
            assert!(!untrusted(e), "{e}");
        }
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

    #[test]
    fn found_before_an_unclosed_expression() {
        let yaml = "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.head_ref }} ${{ github.event.issue.title\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("6:19 jobs.a.steps[0].run: ${{ github.head_ref }}"),
            "{found:?}"
        );
    }
}
