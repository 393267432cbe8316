//! `unknown-key`: keys GitHub Actions does not know at the workflow, job and step levels (a
//! typo there is silently ignored or fails the run), with a "did you mean"; and the keys each
//! level needs (`on` and `jobs`; `runs-on` and `steps`, or `uses`; `run` or `uses`).

use crate::finding::{Finding, did_you_mean};
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "unknown-key";

const WORKFLOW_KEYS: [&str; 8] = [
    "name",
    "run-name",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];
const JOB_KEYS: [&str; 16] = [
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
];
/// Keys a job that calls a reusable workflow (`uses:`) may have.
const REUSABLE_JOB_KEYS: [&str; 8] = [
    "name",
    "uses",
    "with",
    "secrets",
    "needs",
    "if",
    "permissions",
    "strategy",
];
const STEP_KEYS: [&str; 11] = [
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

fn unknown(
    node: &Node,
    known: &[&str],
    level: &str,
    path: &crate::source::Path,
    out: &mut Vec<Finding>,
) {
    for m in node.members().unwrap_or_default() {
        if !known.contains(&&*m.key) {
            let hint = did_you_mean(&m.key, known.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.key_pos,
                format!("unknown key `{}` in {level}{hint}", m.key),
            ));
        }
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let root_path = crate::source::Path::root();
    if wf.root.members().is_none() {
        out.push(Finding::error(
            ID,
            "",
            wf.root.pos,
            "a workflow is a mapping with `on` and `jobs`",
        ));
        return;
    }
    unknown(wf.root, &WORKFLOW_KEYS, "a workflow", &root_path, out);
    for key in ["on", "jobs"] {
        if wf.root.get(key).is_none() {
            out.push(Finding::error(
                ID,
                key,
                wf.root.pos,
                format!("a workflow needs `{key}`"),
            ));
        }
    }
    for job in wf.jobs() {
        let reusable = job.node.get("uses").is_some();
        let (known, level): (&[&str], _) = if reusable {
            (&REUSABLE_JOB_KEYS, "a job calling a reusable workflow")
        } else {
            (&JOB_KEYS, "a job")
        };
        unknown(job.node, known, level, &job.path, out);
        if !reusable {
            for key in ["runs-on", "steps"] {
                if job.node.get(key).is_none() {
                    out.push(Finding::error(
                        ID,
                        job.path.key(key),
                        job.id_pos,
                        format!(
                            "job `{}` needs `{key}` (or `uses:` to call a reusable workflow)",
                            job.id
                        ),
                    ));
                }
            }
        }
        for (path, step) in job.steps.iter().map(|(p, s)| (p, *s)) {
            unknown(step, &STEP_KEYS, "a step", path, out);
            match (step.get("uses").is_some(), step.get("run").is_some()) {
                (false, false) => out.push(Finding::error(
                    ID,
                    path,
                    step.pos,
                    "a step needs `run` or `uses`",
                )),
                (true, true) => out.push(Finding::error(
                    ID,
                    path,
                    step.pos,
                    "a step has either `run` or `uses`, not both",
                )),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn unknown_and_missing_keys_at_every_level() {
        let yaml = "name: ci\non: push\njobs:\n  build:\n    runs_on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        whith: {fetch-depth: 0}\n      - name: nothing\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "5:5 jobs.build.runs_on: unknown key `runs_on` in a job; did you mean `runs-on`?",
                "4:3 jobs.build.runs-on: job `build` needs `runs-on` (or `uses:` to call a reusable workflow)",
                "8:9 jobs.build.steps[0].whith: unknown key `whith` in a step; did you mean `with`?",
                "9:9 jobs.build.steps[1]: a step needs `run` or `uses`",
            ]
        );
        assert_eq!(
            findings(super::check, "jobs: {}\n"),
            ["1:1 on: a workflow needs `on`"]
        );
    }

    #[test]
    fn reusable_workflow_jobs_take_their_own_keys() {
        let yaml = "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n    with: {x: 1}\n    runs-on: ubuntu-latest\n";
        assert_eq!(
            findings(super::check, yaml),
            ["6:5 jobs.call.runs-on: unknown key `runs-on` in a job calling a reusable workflow"]
        );
    }
}
