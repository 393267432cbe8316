//! `id-format`: job and step ids GitHub refuses. "The `<job_id>` must start with a letter or `_`
//! and contain only alphanumeric characters, `-`, or `_`" (workflow syntax, `jobs.<job_id>`), and
//! the same for a step's `id`; and a `jobs` mapping with no job at all ("No jobs defined").

use crate::finding::Finding;
use crate::source::Path;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "id-format";

/// Whether GitHub takes `id` as a job or step id.
fn is_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if let Some(jobs) = wf.root.get("jobs")
        && jobs.members().is_some_and(<[_]>::is_empty)
    {
        out.push(Finding::error(
            ID,
            Path::root().key("jobs"),
            jobs.pos,
            "`jobs` defines no job: GitHub refuses a workflow without one",
        ));
    }
    for job in wf.jobs() {
        if !is_id(job.id) {
            out.push(Finding::error(
                ID,
                &job.path,
                job.id_pos,
                format!(
                    "job id `{}` must start with a letter or `_` and hold only letters, digits, `-` and `_`",
                    job.id
                ),
            ));
        }
        for (path, step) in &job.steps {
            if let Some(node) = step.get("id")
                && let Some(id) = node.as_str()
                && !id.contains("${{")
                && !is_id(id)
            {
                out.push(Finding::error(
                    ID,
                    path.key("id"),
                    node.pos,
                    format!(
                        "step id `{id}` must start with a letter or `_` and hold only letters, digits, `-` and `_`"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn ids_github_refuses() {
        let yaml = "on: push\njobs:\n  1build:\n    runs-on: x\n    steps:\n      - id: my step\n        run: make\n      - id: fine_one-2\n        run: make\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "3:3 jobs.1build: job id `1build` must start with a letter or `_` and hold only letters, digits, `-` and `_`",
                "6:13 jobs.1build.steps[0].id: step id `my step` must start with a letter or `_` and hold only letters, digits, `-` and `_`",
            ]
        );
        assert_eq!(
            findings(super::check, "on: push\njobs: {}\n"),
            ["2:7 jobs: `jobs` defines no job: GitHub refuses a workflow without one"]
        );
    }
}
