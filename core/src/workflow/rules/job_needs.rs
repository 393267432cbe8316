//! `job-needs`: `needs` names jobs of this workflow, and the needs form no cycle.

use crate::finding::{Finding, some_names};
use crate::graph;
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "job-needs";

/// The (name, node) of each job `needs`, whether written as a string or a list.
pub(super) fn needs<'a>(job: &'a Node<'a>) -> Vec<(&'a str, &'a Node<'a>)> {
    match job.get("needs") {
        Some(n) if n.as_str().is_some() => vec![(n.as_str().unwrap_or_default(), n)],
        Some(n) => n
            .items()
            .unwrap_or_default()
            .iter()
            .filter_map(|i| Some((i.as_str()?, i)))
            .collect(),
        None => Vec::new(),
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id).collect();
    let index = graph::by_name(ids.iter().map(|i| Some(*i)));
    // edges[j] = the jobs job j needs
    let mut edges: Vec<Vec<usize>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut needed = Vec::new();
        for (name, node) in needs(job.node) {
            match index.get(name) {
                Some(&k) => needed.push(k),
                None => out.push(Finding::error(
                    ID,
                    job.path.key("needs"),
                    node.pos,
                    format!(
                        "job `{}` needs `{name}`, which is not a job of this workflow: expected one of {}",
                        job.id,
                        some_names(&ids)
                    ),
                )),
            }
        }
        edges.push(needed);
    }
    // Each cycle once, at its first job.
    for cycle in graph::cycles(&edges) {
        let mut names: Vec<&str> = cycle.iter().map(|&j| ids[j]).collect();
        names.push(ids[cycle[0]]);
        let job = &jobs[cycle[0]];
        out.push(Finding::error(
            ID,
            job.path.key("needs"),
            job.id_pos,
            format!(
                "needs form a cycle: {}; none of these jobs can start",
                names.join(" → ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn unknown_jobs_and_cycles() {
        let yaml = "on: push\njobs:\n  a:\n    needs: [b, lint]\n  b:\n    needs: a\n  c:\n    needs: [a]\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:16 jobs.a.needs: job `a` needs `lint`, which is not a job of this workflow: expected one of a, b, c",
                "3:3 jobs.a.needs: needs form a cycle: a → b → a; none of these jobs can start",
            ]
        );
    }
}
