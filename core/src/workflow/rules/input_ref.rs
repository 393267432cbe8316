//! `input-ref`: `inputs.X` names an input the workflow declares under
//! `on.workflow_dispatch.inputs` or `on.workflow_call.inputs`, and `github.event.inputs.X` one
//! it declares under `on.workflow_dispatch.inputs`: a misspelt input is an empty value at run
//! time. GitHub: "The `inputs` context ... is available only in a reusable workflow or in a
//! workflow triggered by the `workflow_dispatch` event"; the `workflow_dispatch` event payload's
//! `inputs` holds "the inputs ... configured in the workflow file".
//!
//! In a called workflow `github.event` is the caller's event ("the `github` context is always
//! associated with the caller workflow"), so `github.event.inputs` may hold the caller's dispatch
//! inputs: with `workflow_call` among the triggers it is not checked. actionlint checks it
//! against this file's dispatch inputs even then.

use std::cmp::Ordering;

use crate::finding::{Finding, did_you_mean, some_names};
use crate::source::{Node, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "input-ref";

/// Whether `on` (a string, a list or a mapping of events) names `event`.
fn has_event(on: Option<&Node<'_>>, event: &str) -> bool {
    match on.map(|on| &on.value) {
        Some(Value::String(s)) => s == event,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(event)),
        Some(Value::Object(_)) => on.and_then(|on| on.get(event)).is_some(),
        _ => false,
    }
}

/// The declared inputs of these triggers, sorted and each once: GitHub compares input names
/// without case, so `Env` and `env` are one input (the first spelling is kept).
fn declared<'a>(on: Option<&'a Node<'a>>, triggers: &[&str]) -> Vec<&'a str> {
    let Some(on) = on else { return Vec::new() };
    let mut names: Vec<&str> = triggers
        .iter()
        .filter_map(|t| on.get(t)?.get("inputs")?.members())
        .flatten()
        .map(|m| &*m.key)
        .collect();
    crate::sort_by(&mut names, |a, b| without_case(a, b));
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

/// `a` and `b` compared as GitHub compares input names: ASCII letters without case.
fn without_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.bytes(), b.bytes());
    a.map(|c| c.to_ascii_lowercase())
        .cmp(b.map(|c| c.to_ascii_lowercase()))
}

/// The message for an undeclared input `name`, given the declared ones.
fn unknown(name: &str, names: &[&str], reference: &str, declare_under: &str) -> String {
    if names.is_empty() {
        return format!(
            "`{reference}.{name}` is never set: this workflow declares no inputs (add it under {declare_under})"
        );
    }
    let hint = did_you_mean(name, names.iter().copied())
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    format!(
        "no input `{name}` is declared: {hint}the inputs are {}",
        some_names(names)
    )
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let on = wf.root.get("on");
    let names = declared(on, &["workflow_dispatch", "workflow_call"]);
    let dispatch_names = declared(on, &["workflow_dispatch"]);
    let dispatch = has_event(on, "workflow_dispatch");
    // `github.event` of a called workflow is the caller's event (see the module doc).
    let check_event_inputs = !has_event(on, "workflow_call");
    for e in &wf.expressions {
        let Ok(parsed) = &e.parsed else { continue };
        for path in parsed.references() {
            let segment = |i: usize, name: &str| {
                super::named(&path, i).is_some_and(|(p, _)| p.eq_ignore_ascii_case(name))
            };
            // (the input named, where, whether through `github.event.inputs`)
            let (name, offset, event) = if segment(0, "inputs") && e.place.allows("inputs") {
                match super::named(&path, 1) {
                    Some((name, offset)) => (name, offset, false),
                    None => continue,
                }
            } else if segment(0, "github")
                && segment(1, "event")
                && segment(2, "inputs")
                && check_event_inputs
                && e.place.allows("github")
            {
                match super::named(&path, 3) {
                    Some((name, offset)) => (name, offset, true),
                    None => continue,
                }
            } else {
                continue;
            };
            let known = if event { &dispatch_names } else { &names };
            // Sorted without case: found in time logarithmic in the number of inputs.
            if known.binary_search_by(|n| without_case(n, name)).is_ok() {
                continue;
            }
            let message = match (event, dispatch) {
                (false, _) => unknown(
                    name,
                    known,
                    "inputs",
                    "`on.workflow_dispatch.inputs` or `on.workflow_call.inputs`",
                ),
                (true, true) => unknown(
                    name,
                    known,
                    "github.event.inputs",
                    "`on.workflow_dispatch.inputs`",
                ),
                (true, false) => format!(
                    "`github.event.inputs.{name}` is never set: only a `workflow_dispatch` event has inputs, and this workflow has no `workflow_dispatch` trigger"
                ),
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

    #[test]
    fn event_inputs_are_the_dispatch_inputs() {
        let yaml = "on:\n  push:\n  workflow_dispatch:\n    inputs:\n      environment: {type: string}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.inputs.environment }} ${{ github.event.inputs.Environment }} ${{ github.event.inputs.enviroment }}\n      - run: echo ${{ github.event.inputs['stage'] }} ${{ toJSON(github.event.inputs) }} ${{ github.event.inputs.* }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "10:121 jobs.a.steps[0].run: no input `enviroment` is declared: did you mean `environment`? the inputs are environment",
                "11:43 jobs.a.steps[1].run: no input `stage` is declared: the inputs are environment",
            ]
        );
        // A dispatch trigger without inputs, in the list form.
        let yaml = "on: [push, workflow_dispatch]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.inputs.tag }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "6:43 jobs.a.steps[0].run: `github.event.inputs.tag` is never set: this workflow declares no inputs (add it under `on.workflow_dispatch.inputs`)"
            ]
        );
        // No dispatch trigger: no event has inputs.
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.inputs.tag }} ${{ github.event.input.tag }}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "6:43 jobs.a.steps[0].run: `github.event.inputs.tag` is never set: only a `workflow_dispatch` event has inputs, and this workflow has no `workflow_dispatch` trigger"
            ]
        );
        // A called workflow sees its caller's event: its inputs are the caller's business. The
        // call inputs are not in `github.event.inputs` otherwise.
        let yaml = "on:\n  workflow_call:\n    inputs:\n      image: {type: string}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.inputs.environment }} ${{ inputs.image }}\n";
        assert!(findings(super::check, yaml).is_empty());
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      tag: {type: string}\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.event.inputs.tag }}\n";
        assert!(findings(super::check, yaml).is_empty());
    }

    /// The declared inputs are named once each (GitHub compares them without case), and at
    /// most 20 of them.
    #[test]
    fn declared_inputs_are_named_once_and_at_most_twenty() {
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      Env: {type: string}\n  workflow_call:\n    inputs:\n      env: {type: string}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.nope }}\n";
        assert_eq!(
            findings(super::check, yaml),
            ["12:30 jobs.a.steps[0].run: no input `nope` is declared: the inputs are Env"]
        );
        let mut yaml = String::from("on:\n  workflow_dispatch:\n    inputs:\n");
        for i in 0..25 {
            yaml.push_str(&format!("      in{i:02}: {{type: string}}\n"));
        }
        yaml.push_str(
            "jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.nope }}\n",
        );
        let found = findings(super::check, &yaml);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].ends_with("the inputs are in00, in01, in02, in03, in04, in05, in06, in07, in08, in09, in10, in11, in12, in13, in14, in15, in16, in17, in18, in19, ... (25 in all)"),
            "{}",
            found[0]
        );
    }
}
