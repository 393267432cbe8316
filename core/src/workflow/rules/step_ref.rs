//! `step-ref`: `steps.X` names a step of the same job with `id: X` that runs before the
//! expression is evaluated, and reads `outputs`, `outcome` or `conclusion`. Anything else is
//! an empty value at run time, and a deploy that silently uses an empty image tag.

use super::named;
use std::collections::BTreeMap;

use crate::finding::{Finding, did_you_mean, some_names};
use crate::source::Node;
use crate::workflow::{Workflow, actions};

pub(crate) const ID: &str = "step-ref";

const PROPERTIES: [&str; 3] = ["outputs", "outcome", "conclusion"];

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    // Per job, its steps with an id: (index in `steps`, id, step).
    let ids: Vec<Vec<(usize, &str, &Node)>> = jobs
        .iter()
        .map(|job| {
            job.node
                .get("steps")
                .and_then(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter_map(|(i, step)| Some((i, step.get("id")?.as_str()?, step)))
                .collect()
        })
        .collect();
    // Per job, the ids alone (for messages) and each lowercase id's first step there (GitHub
    // compares ids without case).
    let names: Vec<Vec<&str>> = ids
        .iter()
        .map(|ids| ids.iter().map(|(_, id, _)| *id).collect())
        .collect();
    let first: Vec<BTreeMap<String, usize>> = ids
        .iter()
        .map(|ids| {
            let mut first = BTreeMap::new();
            for (k, (_, id, _)) in ids.iter().enumerate() {
                first.entry(id.to_ascii_lowercase()).or_insert(k);
            }
            first
        })
        .collect();
    for e in &wf.expressions {
        let (Ok(parsed), Some(j)) = (&e.parsed, e.job.filter(|&j| j < jobs.len())) else {
            continue;
        };
        let (job, ids, names, first) = (&jobs[j], &ids[j], &names[j], &first[j]);
        if !e.place.allows("steps") {
            continue; // the `context` rule says so
        }
        // In a step, only the steps before it; at job level (outputs, environment url), all.
        let before = e.step.unwrap_or(usize::MAX);
        for path in parsed.references() {
            if !path[0].0.eq_ignore_ascii_case("steps") {
                continue;
            }
            let Some((id, offset)) = named(&path, 1) else {
                continue;
            };
            let found = first.get(&id.to_ascii_lowercase()).map(|&k| &ids[k]);
            let message = match found {
                Some((index, _, _)) if *index >= before => format!(
                    "step `{id}` runs {} this one: `steps.{id}` reads only steps that ran before",
                    if *index == before { "as" } else { "after" }
                ),
                Some(_) => match named(&path, 2) {
                    Some((property, at))
                        if !PROPERTIES.iter().any(|p| p.eq_ignore_ascii_case(property)) =>
                    {
                        let hint = did_you_mean(property, PROPERTIES)
                            .map(|p| format!("did you mean `{p}`? ",))
                            .unwrap_or_default();
                        out.push(e.error(ID, at, format!(
                                "a step has no `{property}`: {hint}expected outputs, outcome or conclusion"
                            ),
                        ));
                        continue;
                    }
                    Some((property, _)) if property.eq_ignore_ascii_case("outputs") => {
                        let (Some((output, at)), Some((_, _, step))) = (named(&path, 3), found)
                        else {
                            continue;
                        };
                        let uses = step.get("uses").and_then(Node::as_str);
                        let Some(action) = uses.and_then(actions::known) else {
                            continue;
                        };
                        if action.has_output(output, uses.and_then(actions::major)) {
                            continue;
                        }
                        let hint = did_you_mean(output, action.outputs.iter().copied())
                            .map(|o| format!("did you mean `{o}`? "))
                            .unwrap_or_default();
                        out.push(e.error(ID, at, format!(
                                "step `{id}` ({}) has no output `{output}`: {hint}its outputs are {}",
                                action.name,
                                action.outputs.join(", ")
                            ),
                        ));
                        continue;
                    }
                    _ => continue,
                },
                None => {
                    // The steps before this one: a prefix, as `ids` is in step order.
                    let earlier = &names[..ids.partition_point(|(i, _, _)| *i < before)];
                    let hint = match did_you_mean(
                        id,
                        earlier[earlier.len().saturating_sub(100)..].iter().copied(),
                    ) {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None if earlier.is_empty() => {
                            format!("; give the step that sets it `id: {id}`")
                        }
                        None => format!(": expected one of {}", some_names(earlier)),
                    };
                    format!("no step of job `{}` has `id: {id}`{hint}", job.id)
                }
            };
            out.push(e.error(ID, offset, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn steps_before_this_one_with_that_id() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    outputs:\n      tag: ${{ steps.meta.outputs.tag }}\n      bad: ${{ steps.mta.outputs.tag }}\n    steps:\n      - run: echo ${{ steps.meta.outputs.tag }}\n      - id: meta\n        run: echo ${{ steps.meta.outputs.tag }}\n      - run: echo ${{ steps.meta.output.tag }} ${{ steps.meta.outcome }} ${{ steps.build.outputs.x }}\n      - id: ecr\n        uses: aws-actions/amazon-ecr-login@v2\n      - run: echo ${{ steps.ecr.outputs.registry }} ${{ steps.ecr.outputs.registy }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "7:22 jobs.a.outputs.bad: no step of job `a` has `id: mta`; did you mean `meta`?",
                "9:29 jobs.a.steps[0].run: step `meta` runs after this one: `steps.meta` reads only steps that ran before",
                "11:29 jobs.a.steps[1].run: step `meta` runs as this one: `steps.meta` reads only steps that ran before",
                "12:34 jobs.a.steps[2].run: a step has no `output`: did you mean `outputs`? expected outputs, outcome or conclusion",
                "12:84 jobs.a.steps[2].run: no step of job `a` has `id: build`: expected one of meta",
                "15:75 jobs.a.steps[4].run: step `ecr` (aws-actions/amazon-ecr-login) has no output `registy`: did you mean `registry`? its outputs are registry, docker_username_*, docker_password_*",
            ]
        );
    }

    /// A job of 3,000 steps, each reading a step that does not exist: each message names 20 of
    /// the steps before it and how many there are, not all of them.
    #[test]
    fn thousands_of_steps_and_wrong_references() {
        let mut yaml = String::from("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n");
        for i in 0..3_000 {
            yaml.push_str(&format!(
                "      - id: s{i}\n        run: echo ${{{{ steps.nope{i}.outputs.x }}}}\n"
            ));
        }
        let found = findings(super::check, &yaml);
        assert_eq!(found.len(), 3_000);
        assert!(
            found[0].ends_with(
                "no step of job `a` has `id: nope0`; give the step that sets it `id: nope0`"
            ),
            "{}",
            found[0]
        );
        let last = &found[2_999];
        assert!(last.contains("expected one of s0, s1,"), "{last}");
        assert!(last.ends_with(", s19, ... (2999 in all)"), "{last}");
    }
}
