//! The task-definition rules, one file each. A rule reads a [`TaskDefinition`] and pushes
//! [`Finding`]s; adding one touches no other. `syntax`, `read-only-field` and `explicit-null`
//! are reported by [`super::load`].

use super::TaskDefinition;
use crate::finding::Finding;

mod awslogs_options;
mod awsvpc_host_port;
mod awsvpc_hostname;
mod awsvpc_links;
mod container_limits;
mod container_resources;
mod depends_on;
mod duplicate_environment;
mod enum_value;
mod essential_container;
mod execution_role;
pub(crate) mod explicit_null;
mod family_name;
pub(crate) mod fargate_cpu_memory;
mod fargate_limits;
mod fargate_network_mode;
mod health_check;
mod image_reference;
mod required_field;
mod role_arn;
mod secret_value_from;
mod unique_container_name;
mod unknown_key;
mod wrong_type;

/// The text is not JSON.
pub const SYNTAX: &str = "syntax";
/// A field ECS sets itself (describe-task-definition output), removed.
pub const READ_ONLY_FIELD: &str = "read-only-field";

type Check = fn(&TaskDefinition<'_>, &mut Vec<Finding>);

/// Every rule run on a loaded document: (id, check).
const RULES: &[(&str, Check)] = &[
    (unknown_key::ID, unknown_key::check),
    (wrong_type::ID, wrong_type::check),
    (required_field::ID, required_field::check),
    (enum_value::ID, enum_value::check),
    (family_name::ID, family_name::check),
    (fargate_network_mode::ID, fargate_network_mode::check),
    (fargate_cpu_memory::ID, fargate_cpu_memory::check),
    (awsvpc_host_port::ID, awsvpc_host_port::check),
    (essential_container::ID, essential_container::check),
    (unique_container_name::ID, unique_container_name::check),
    (duplicate_environment::ID, duplicate_environment::check),
    (execution_role::ID, execution_role::check),
    (fargate_limits::ID, fargate_limits::check),
    (awsvpc_links::ID, awsvpc_links::check),
    (container_resources::ID, container_resources::check),
    (container_limits::ID, container_limits::check),
    (awsvpc_hostname::ID, awsvpc_hostname::check),
    (secret_value_from::ID, secret_value_from::check),
    (role_arn::ID, role_arn::check),
    (depends_on::ID, depends_on::check),
    (health_check::ID, health_check::check),
    (image_reference::ID, image_reference::check),
    (awslogs_options::ID, awslogs_options::check),
];

/// The ids of every rule, `syntax`, `read-only-field` and `explicit-null` included.
pub fn ids() -> Vec<&'static str> {
    let mut ids = vec![SYNTAX, READ_ONLY_FIELD, explicit_null::ID];
    ids.extend(RULES.iter().map(|(id, _)| *id));
    ids
}

pub(crate) fn run_all(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (_, check) in RULES {
        check(td, out);
    }
}

/// Test helper: the findings of one rule on a JSON text, as `LINE:COL path: message` lines.
#[cfg(test)]
pub(crate) fn findings(check: Check, json: &str) -> Vec<String> {
    let document = crate::source::parse_json(json).expect("test input is JSON");
    let mut out = Vec::new();
    check(&TaskDefinition::new(&document), &mut out);
    out.iter()
        .map(|f| format!("{}:{} {}: {}", f.pos.line, f.pos.column, f.path, f.message))
        .collect()
}
