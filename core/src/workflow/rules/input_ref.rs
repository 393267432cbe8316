//! `input-ref`: `inputs.X` names an input the workflow declares under
//! `on.workflow_dispatch.inputs` or `on.workflow_call.inputs`.

use std::collections::BTreeSet;

use crate::finding::{Finding, did_you_mean, some_names};
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "input-ref";

/// The declared inputs of both triggers.
fn declared<'a>(on: Option<&'a Node<'a>>) -> Vec<&'a str> {
    let Some(on) = on else { return Vec::new() };
    ["workflow_dispatch", "workflow_call"]
        .iter()
        .filter_map(|t| on.get(t)?.get("inputs")?.members())
        .flatten()
        .map(|m| &*m.key)
        .collect()
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut names = declared(wf.root.get("on"));
    names.sort_unstable();
    names.dedup();
    // Compared without case, as GitHub compares them.
    let lower: BTreeSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    for e in &wf.expressions {
        let Ok(parsed) = &e.parsed else { continue };
        for path in parsed.references() {
            if !path[0].0.eq_ignore_ascii_case("inputs") || !e.place.allows("inputs") {
                continue;
            }
            let Some((name, offset)) = super::named(&path, 1) else {
                continue;
            };
            if lower.contains(&name.to_ascii_lowercase()) {
                continue;
            }
            let message = if names.is_empty() {
                format!(
                    "`inputs.{name}` is never set: this workflow declares no inputs (add it under `on.workflow_dispatch.inputs` or `on.workflow_call.inputs`)"
                )
            } else {
                let hint = did_you_mean(name, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                format!(
                    "no input `{name}` is declared: {hint}the inputs are {}",
                    some_names(&names)
                )
            };
            out.push(e.error(ID, offset, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn declared_inputs_only() {
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      environment: {type: string}\n  workflow_call:\n    inputs:\n      image: {type: string}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.environment }} ${{ inputs.image }} ${{ inputs.enviroment }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "12:76 jobs.a.steps[0].run: no input `enviroment` is declared: did you mean `environment`? the inputs are environment, image"
            ]
        );
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.tag }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "6:30 jobs.a.steps[0].run: `inputs.tag` is never set: this workflow declares no inputs (add it under `on.workflow_dispatch.inputs` or `on.workflow_call.inputs`)"
            ]
        );
    }
}
