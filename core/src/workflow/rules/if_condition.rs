//! `if-condition`: an `if:` that mixes `${{ }}` with other text (`${{ github.ref == 'x' }} &&
//! success()`, or a stray space after the braces in a quoted value) is not a condition but a
//! string, never empty, so GitHub runs the job or step every time: the deploy step it was
//! meant to guard runs on every branch.

use crate::finding::Finding;
use crate::workflow::Workflow;
use crate::workflow::expr::templates;

pub(crate) const ID: &str = "if-condition";

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut conditions = Vec::new();
    for job in wf.jobs() {
        if let Some(c) = job.node.get("if") {
            conditions.push((job.path.key("if"), c));
        }
        for (path, step) in &job.steps {
            if let Some(c) = step.get("if") {
                conditions.push((path.key("if"), c));
            }
        }
    }
    for (path, node) in conditions {
        let Some(text) = node.as_str() else { continue };
        let Ok(found) = templates(text) else { continue };
        let [first, ..] = found.as_slice() else {
            continue;
        };
        let whole = found.len() == 1 && first.raw == text;
        if !whole {
            out.push(Finding::error(
                ID,
                path,
                node.pos,
                "this `if:` mixes ${{ }} with other text, so it is a non-empty string and always true: put the whole condition inside one ${{ }}, or drop the braces",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn mixed_conditions_are_always_true() {
        let yaml = "on: push\njobs:\n  a:\n    if: ${{ github.ref == 'refs/heads/main' }} && success()\n    runs-on: x\n    steps:\n      - if: \"${{ false }} \"\n        run: deploy\n      - if: ${{ github.event_name == 'push' }}\n        run: ok\n      - if: github.event_name == 'push'\n        run: ok\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:9 jobs.a.if: this `if:` mixes ${{ }} with other text, so it is a non-empty string and always true: put the whole condition inside one ${{ }}, or drop the braces",
                "7:13 jobs.a.steps[0].if: this `if:` mixes ${{ }} with other text, so it is a non-empty string and always true: put the whole condition inside one ${{ }}, or drop the braces",
            ]
        );
    }
}
