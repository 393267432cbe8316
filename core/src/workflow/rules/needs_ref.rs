//! `needs-ref`: `needs.J` names a job this job lists in `needs:` (GitHub sets `needs` only for
//! those, so anything else is empty at run time), and reads `outputs` or `result`; in a
//! reusable workflow's `on.workflow_call.outputs`, `jobs.J` names a job of the workflow.

use super::job_needs::needs;
use super::named;
use crate::finding::{Finding, did_you_mean};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "needs-ref";

const PROPERTIES: [&str; 2] = ["outputs", "result"];

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    let all: Vec<&str> = jobs.iter().map(|j| j.id).collect();
    for e in &wf.expressions {
        let Ok(parsed) = &e.parsed else { continue };
        for path in parsed.references() {
            let context = path[0].0.to_ascii_lowercase();
            let (Some((name, offset)), true) = (named(&path, 1), e.place.allows(&context)) else {
                continue;
            };
            let (known, message): (Vec<&str>, _) = match (context.as_str(), e.job) {
                ("needs", Some(j)) => {
                    let job = &jobs[j];
                    let listed: Vec<&str> = needs(job.node).iter().map(|(n, _)| *n).collect();
                    let message = if all.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                        format!(
                            "job `{}` does not list `{name}` in `needs:`, so `needs.{name}` is empty: add it to `needs`",
                            job.id
                        )
                    } else {
                        let hint = did_you_mean(name, listed.iter().copied())
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        format!("no job `{name}` in this workflow{hint}")
                    };
                    (listed, message)
                }
                ("jobs", None) => {
                    let hint = did_you_mean(name, all.iter().copied())
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    (
                        all.clone(),
                        format!("no job `{name}` in this workflow{hint}"),
                    )
                }
                _ => continue,
            };
            if !known.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                out.push(e.error(ID, offset, message));
            } else if let Some((property, at)) = named(&path, 2)
                && !PROPERTIES.iter().any(|p| p.eq_ignore_ascii_case(property))
            {
                let hint = did_you_mean(property, PROPERTIES)
                    .map(|p| format!("did you mean `{p}`? "))
                    .unwrap_or_default();
                out.push(e.error(
                    ID,
                    at,
                    format!("a job has no `{property}`: {hint}expected outputs or result"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn filters_read_every_job() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n  b:\n    needs: a\n    if: always() && contains(needs.*.result, 'failure')\n    runs-on: x\n    steps:\n      - run: echo ${{ toJSON(needs.a.*) }} ${{ toJSON(steps.*.outputs) }} ${{ join(matrix.*, ',') }}\n";
        assert_eq!(findings(super::check, yaml), Vec::<String>::new());
        assert_eq!(
            findings(crate::workflow::rules::step_ref::check, yaml),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(crate::workflow::rules::matrix_ref::check, yaml),
            Vec::<String>::new()
        );
    }

    #[test]
    fn needs_lists_the_job() {
        let yaml = "on:\n  workflow_call:\n    outputs:\n      image:\n        value: ${{ jobs.biuld.outputs.image }}\njobs:\n  build:\n    runs-on: x\n    steps: [{run: x}]\n  test:\n    runs-on: x\n    steps: [{run: x}]\n  deploy:\n    needs: build\n    if: needs.build.result == 'success' && needs.test.result == 'success'\n    runs-on: x\n    steps:\n      - run: echo ${{ needs.build.output.image }} ${{ needs.buidl.outputs.image }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "5:25 on.workflow_call.outputs.image.value: no job `biuld` in this workflow; did you mean `build`?",
                "15:50 jobs.deploy.if: job `deploy` does not list `test` in `needs:`, so `needs.test` is empty: add it to `needs`",
                "18:35 jobs.deploy.steps[0].run: a job has no `output`: did you mean `outputs`? expected outputs or result",
                "18:61 jobs.deploy.steps[0].run: no job `buidl` in this workflow; did you mean `build`?",
            ]
        );
    }
}
