//! `inputs`: the inputs of `workflow_dispatch` and `workflow_call` have a type GitHub has
//! (`string`, `boolean`, `number`, and for dispatch also `choice` and `environment`), a
//! `choice` lists its `options`, and a default fits the type (a boolean for `boolean`, one of
//! the options for `choice`); a `workflow_call` input must say its type, an output its value.
//!
//! A `workflow_call` input that is `required` and has a `default` is a warning: every caller must
//! pass it ("Input ... is required, but not provided while calling" otherwise), so the default
//! is never used. Not so for `workflow_dispatch`, whose default fills the form GitHub shows
//! (GitHub's own example has `required: true` with `default: 'warning'`).

use crate::finding::{Finding, did_you_mean, some_names};
use crate::source::{Node, Path, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "inputs";

const DISPATCH_TYPES: [&str; 5] = ["string", "boolean", "number", "choice", "environment"];
const CALL_TYPES: [&str; 3] = ["string", "boolean", "number"];

fn check_input(
    name: &str,
    input: &Node,
    types: &[&str],
    call: bool,
    path: &Path,
    out: &mut Vec<Finding>,
) {
    let required = matches!(
        input.get("required").map(|r| &r.value),
        Some(Value::Bool(true))
    );
    let default_key = input
        .members()
        .unwrap_or_default()
        .iter()
        .rfind(|m| m.key == "default");
    if let (true, true, Some(default)) = (call, required, default_key) {
        out.push(Finding::warning(
            ID,
            path.key("default"),
            default.key_pos,
            format!(
                "workflow_call input `{name}` is required, so its default is never used: every caller must pass it; drop the `default`, or drop `required: true` so that callers may leave it out"
            ),
        ));
    }
    let kind = input.get("type");
    let Some(kind_text) = kind.and_then(Node::as_str) else {
        if call {
            out.push(Finding::error(
                ID,
                path.key("type"),
                input.pos,
                format!(
                    "workflow_call input `{name}` needs a `type`: one of {}",
                    types.join(", ")
                ),
            ));
        }
        return;
    };
    let kind = kind.unwrap_or(input);
    if !types.contains(&kind_text) {
        let hint = did_you_mean(kind_text, types.iter().copied())
            .map(|t| format!("did you mean `{t}`? The types are "))
            .unwrap_or_else(|| "expected one of ".into());
        out.push(Finding::error(
            ID,
            path.key("type"),
            kind.pos,
            format!(
                "input `{name}` has type `{kind_text}`: {hint}{}",
                types.join(", ")
            ),
        ));
        return;
    }
    let options: Vec<&str> = input
        .get("options")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    if kind_text == "choice" && options.is_empty() {
        out.push(Finding::error(
            ID,
            path.key("options"),
            kind.pos,
            format!(
                "input `{name}` is a `choice` with no `options`: list the values to choose from"
            ),
        ));
    }
    let Some(default) = input.get("default") else {
        return;
    };
    let expression = default.as_str().is_some_and(|s| s.contains("${{"));
    let problem = match (kind_text, &default.value) {
        _ if expression => None,
        ("boolean", Value::Bool(_)) | ("number", Value::Number(_)) => None,
        ("boolean", _) => Some("expected true or false".to_owned()),
        ("number", _) => Some("expected a number".to_owned()),
        ("choice", _)
            if !options.is_empty() && !default.as_str().is_some_and(|d| options.contains(&d)) =>
        {
            Some(format!(
                "expected one of the options: {}",
                some_names(&options)
            ))
        }
        _ => None,
    };
    if let Some(expected) = problem {
        out.push(Finding::error(
            ID,
            path.key("default"),
            default.pos,
            format!("the default of `{kind_text}` input `{name}` does not fit: {expected}"),
        ));
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let Some(on) = wf.root.get("on") else { return };
    let on_path = Path::root().key("on");
    for (trigger, types, call) in [
        ("workflow_dispatch", &DISPATCH_TYPES[..], false),
        ("workflow_call", &CALL_TYPES[..], true),
    ] {
        let Some(t) = on.get(trigger) else { continue };
        let path = on_path.key(trigger);
        for m in t.get("inputs").and_then(Node::members).unwrap_or_default() {
            if m.value.members().is_some() {
                check_input(
                    &m.key,
                    &m.value,
                    types,
                    call,
                    &path.key("inputs").key(&m.key),
                    out,
                );
            }
        }
        if call {
            for m in t.get("outputs").and_then(Node::members).unwrap_or_default() {
                if m.value.members().is_some() && m.value.get("value").is_none() {
                    out.push(Finding::error(
                        ID,
                        path.key("outputs").key(&m.key).key("value"),
                        m.key_pos,
                        format!("workflow_call output `{}` needs a `value`, such as ${{{{ jobs.JOB.outputs.NAME }}}}", m.key),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn types_options_and_defaults() {
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      env: {type: choice, options: [staging, production], default: prod}\n      dry: {type: boolean, default: 'yes'}\n      n: {type: integer}\n      pick: {type: choice}\n      ok: {type: boolean, default: true}\n  workflow_call:\n    inputs:\n      tag: {required: true}\n      env: {type: environment}\n    outputs:\n      image: {description: x}\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:68 on.workflow_dispatch.inputs.env.default: the default of `choice` input `env` does not fit: expected one of the options: staging, production",
                "5:37 on.workflow_dispatch.inputs.dry.default: the default of `boolean` input `dry` does not fit: expected true or false",
                "6:17 on.workflow_dispatch.inputs.n.type: input `n` has type `integer`: expected one of string, boolean, number, choice, environment",
                "7:20 on.workflow_dispatch.inputs.pick.options: input `pick` is a `choice` with no `options`: list the values to choose from",
                "11:12 on.workflow_call.inputs.tag.type: workflow_call input `tag` needs a `type`: one of string, boolean, number",
                "12:19 on.workflow_call.inputs.env.type: input `env` has type `environment`: expected one of string, boolean, number",
                "14:7 on.workflow_call.outputs.image.value: workflow_call output `image` needs a `value`, such as ${{ jobs.JOB.outputs.NAME }}",
            ]
        );
    }

    /// A caller must pass a required call input, so its default is dead; a dispatch default
    /// fills the form, required or not.
    #[test]
    fn a_required_call_input_with_a_default() {
        let yaml = "on:\n  workflow_call:\n    inputs:\n      tag:\n        type: string\n        required: true\n        default: latest\n      region: {type: string, required: false, default: eu-west-1}\n      dry: {required: true, default: false}\n  workflow_dispatch:\n    inputs:\n      level: {type: string, required: true, default: info}\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "7:9 on.workflow_call.inputs.tag.default: workflow_call input `tag` is required, so its default is never used: every caller must pass it; drop the `default`, or drop `required: true` so that callers may leave it out",
                "9:29 on.workflow_call.inputs.dry.default: workflow_call input `dry` is required, so its default is never used: every caller must pass it; drop the `default`, or drop `required: true` so that callers may leave it out",
                "9:12 on.workflow_call.inputs.dry.type: workflow_call input `dry` needs a `type`: one of string, boolean, number",
            ]
        );
    }
}
