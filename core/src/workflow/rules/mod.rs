//! The workflow rules, one file each. A rule reads a [`Workflow`] and pushes [`Finding`]s;
//! adding one touches no other. `syntax` is reported by [`super::check`].

use super::Workflow;
use crate::finding::Finding;

mod action_inputs;
pub(crate) mod context;
mod deploy_practices;
mod deprecated_command;
mod duplicate_id;
mod duplicate_key;
mod events;
mod expression;
mod hardcoded_aws_key;
mod id_format;
mod id_token_permission;
mod if_condition;
mod input_ref;
mod inputs;
mod job_needs;
pub(crate) mod matrix_ref;
mod needs_ref;
pub(crate) mod outdated_action;
pub(crate) mod runner_label;
mod schedule;
pub(crate) mod script_injection;
pub(crate) mod step_ref;
mod unknown_key;
mod uses_format;
mod wrong_type;

/// The text is not YAML.
pub const SYNTAX: &str = "syntax";

/// A `# hatoba-ignore` comment names a rule that does not exist (see `super::suppress`).
pub const SUPPRESSION: &str = "hatoba-ignore";

type Check = fn(&Workflow<'_>, &mut Vec<Finding>);

/// Every rule run on a parsed workflow: (id, check).
const RULES: &[(&str, Check)] = &[
    (unknown_key::ID, unknown_key::check),
    (wrong_type::ID, wrong_type::check),
    (events::ID, events::check),
    (schedule::ID, schedule::check),
    (inputs::ID, inputs::check),
    (runner_label::ID, runner_label::check),
    (job_needs::ID, job_needs::check),
    (duplicate_id::ID, duplicate_id::check),
    (duplicate_key::ID, duplicate_key::check),
    (id_format::ID, id_format::check),
    (expression::ID, expression::check),
    (if_condition::ID, if_condition::check),
    (context::ID, context::check),
    (step_ref::ID, step_ref::check),
    (needs_ref::ID, needs_ref::check),
    (matrix_ref::ID, matrix_ref::check),
    (input_ref::ID, input_ref::check),
    (uses_format::ID, uses_format::check),
    (outdated_action::ID, outdated_action::check),
    (action_inputs::ID, action_inputs::check),
    (deprecated_command::ID, deprecated_command::check),
    (id_token_permission::ID, id_token_permission::check),
    (script_injection::ID, script_injection::check),
    (hardcoded_aws_key::ID, hardcoded_aws_key::check),
    (deploy_practices::ID, deploy_practices::check),
];

/// The ids of every rule, `syntax` included.
pub fn ids() -> Vec<&'static str> {
    let mut ids = vec![SYNTAX, SUPPRESSION];
    ids.extend(RULES.iter().map(|(id, _)| *id));
    ids
}

pub(crate) fn run_all(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (_, check) in RULES {
        check(wf, out);
    }
}

/// Segment `i` of an expression's reference path (see `Expr::references`), unless it is a
/// `.*` filter: that stands for every member, so no rule may say it names nothing.
pub(crate) fn named<'e>(path: &[(&'e str, usize)], i: usize) -> Option<(&'e str, usize)> {
    path.get(i).copied().filter(|(name, _)| *name != "*")
}

/// Test helper: the findings of one rule on a YAML text, as `LINE:COL path: message` lines.
#[cfg(test)]
pub(crate) fn findings(check: Check, yaml: &str) -> Vec<String> {
    let document = crate::source::parse_yaml(yaml).expect("test input is YAML");
    let mut out = Vec::new();
    check(&Workflow::new(&document, yaml), &mut out);
    out.iter()
        .map(|f| format!("{}:{} {}: {}", f.pos.line, f.pos.column, f.path, f.message))
        .collect()
}
