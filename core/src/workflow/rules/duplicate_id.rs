//! `duplicate-id`: two steps of a job with one `id` (`steps.<id>` can name only one). Two jobs
//! with one id are `duplicate-key`'s: GitHub refuses the file.

use crate::finding::Finding;
use crate::repeats::repeats;
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "duplicate-id";

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    for job in jobs {
        fn id<'n>(step: &'n Node<'_>) -> Option<&'n str> {
            step.get("id").and_then(Node::as_str)
        }
        for (again, _) in repeats(&job.steps, |(_, step)| id(step).map(Into::into)) {
            let (path, step) = &job.steps[again];
            let Some(node) = step.get("id") else { continue };
            out.push(Finding::error(
                ID,
                path.key("id"),
                node.pos,
                format!(
                    "step id `{}` is already used in job `{}`: ids must be unique",
                    id(step).unwrap_or_default(),
                    job.id
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn a_second_step_with_an_id() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - {id: build, run: make}\n      - {id: build, run: make test}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "7:14 jobs.a.steps[1].id: step id `build` is already used in job `a`: ids must be unique"
            ]
        );
    }
}
