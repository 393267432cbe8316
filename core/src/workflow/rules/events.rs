//! `events`: `on:` names events GitHub Actions has, and filters that cannot be combined are not
//! (`branches` with `branches-ignore`, `tags` with `tags-ignore`, `paths` with `paths-ignore`).

use crate::finding::{Finding, did_you_mean};
use crate::source::{Node, Path, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "events";

/// The events that can trigger a workflow (GitHub's "Events that trigger workflows").
const EVENTS: [&str; 36] = [
    "branch_protection_rule",
    "check_run",
    "check_suite",
    "create",
    "delete",
    "deployment",
    "deployment_status",
    "discussion",
    "discussion_comment",
    "fork",
    "gollum",
    "issue_comment",
    "issues",
    "label",
    "merge_group",
    "milestone",
    "page_build",
    "project",
    "project_card",
    "project_column",
    "public",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "pull_request_target",
    "push",
    "registry_package",
    "release",
    "repository_dispatch",
    "schedule",
    "status",
    "watch",
    "workflow_call",
    "workflow_dispatch",
    "workflow_run",
    "image_version",
];

const EXCLUSIVE: [(&str, &str); 3] = [
    ("branches", "branches-ignore"),
    ("tags", "tags-ignore"),
    ("paths", "paths-ignore"),
];

/// The filter keys each event takes; events not listed take only `types`. As GitHub's workflow
/// schema has them (`on-mapping-strict`): the events of the last rows take none.
const FILTERS: [(&str, &[&str]); 18] = [
    (
        "push",
        &[
            "branches",
            "branches-ignore",
            "tags",
            "tags-ignore",
            "paths",
            "paths-ignore",
        ],
    ),
    (
        "pull_request",
        &[
            "types",
            "branches",
            "branches-ignore",
            "paths",
            "paths-ignore",
        ],
    ),
    (
        "pull_request_target",
        &[
            "types",
            "branches",
            "branches-ignore",
            "paths",
            "paths-ignore",
        ],
    ),
    (
        "workflow_run",
        &["workflows", "types", "branches", "branches-ignore"],
    ),
    ("workflow_dispatch", &["inputs"]),
    ("workflow_call", &["inputs", "outputs", "secrets"]),
    ("schedule", &[]),
    ("merge_group", &["types", "branches", "branches-ignore"]),
    ("image_version", &["names", "versions", "types"]),
    ("create", &[]),
    ("delete", &[]),
    ("deployment", &[]),
    ("deployment_status", &[]),
    ("fork", &[]),
    ("gollum", &[]),
    ("page_build", &[]),
    ("public", &[]),
    ("status", &[]),
];

/// Activity types of the events deploy workflows use most.
const TYPES: [(&str, &[&str]); 5] = [
    ("pull_request", &PULL_REQUEST_TYPES),
    ("pull_request_target", &PULL_REQUEST_TYPES),
    ("workflow_run", &["completed", "requested", "in_progress"]),
    (
        "release",
        &[
            "published",
            "unpublished",
            "created",
            "edited",
            "deleted",
            "prereleased",
            "released",
        ],
    ),
    ("registry_package", &["published", "updated"]),
];
const PULL_REQUEST_TYPES: [&str; 21] = [
    "assigned",
    "unassigned",
    "labeled",
    "unlabeled",
    "opened",
    "edited",
    "closed",
    "reopened",
    "synchronize",
    "converted_to_draft",
    "ready_for_review",
    "locked",
    "unlocked",
    "review_requested",
    "review_request_removed",
    "auto_merge_enabled",
    "auto_merge_disabled",
    "milestoned",
    "demilestoned",
    "enqueued",
    "dequeued",
];

/// Filters the event does not take, and activity types it does not have.
fn check_filters(event: &str, filters: &Node, path: &Path, out: &mut Vec<Finding>) {
    let allowed = FILTERS
        .iter()
        .find(|(e, _)| *e == event)
        .map_or(&["types"][..], |(_, f)| *f);
    for m in filters.members().unwrap_or_default() {
        if !allowed.contains(&&*m.key) {
            let hint = match allowed {
                [] => "it takes none".to_owned(),
                _ => format!("expected {}", allowed.join(", ")),
            };
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.key_pos,
                format!("`{event}` has no filter `{}`: {hint}", m.key),
            ));
        }
    }
    let (Some(types), Some((_, known))) = (
        filters.get("types"),
        TYPES.iter().find(|(e, _)| *e == event),
    ) else {
        return;
    };
    let items: Vec<&Node> = match &types.value {
        Value::String(_) => vec![types],
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for item in items {
        let Some(t) = item.as_str() else { continue };
        if !known.contains(&t) {
            let hint = did_you_mean(t, known.iter().copied())
                .map(|k| format!("did you mean `{k}`? The types are "))
                .unwrap_or_else(|| "expected one of ".into());
            out.push(Finding::error(
                ID,
                path.key("types"),
                item.pos,
                format!(
                    "`{event}` has no activity type `{t}`: {hint}{}",
                    known.join(", ")
                ),
            ));
        }
    }
}

fn check_event(name: &str, at: crate::source::Pos, path: &Path, out: &mut Vec<Finding>) {
    if !EVENTS.contains(&name) {
        let hint = did_you_mean(name, EVENTS)
            .map(|e| format!("; did you mean `{e}`?"))
            .unwrap_or_default();
        out.push(Finding::error(
            ID,
            path,
            at,
            format!("`{name}` is not an event that triggers workflows{hint}"),
        ));
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let Some(on) = wf.root.get("on") else { return };
    let on_path = Path::root().key("on");
    match &on.value {
        Value::String(name) => check_event(name, on.pos, &on_path, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(name) = item.as_str() {
                    check_event(name, item.pos, &on_path.index(i), out);
                }
            }
        }
        Value::Object(members) => {
            for m in members {
                let here = on_path.key(&m.key);
                check_event(&m.key, m.key_pos, &here, out);
                if EVENTS.contains(&&*m.key) && m.value.members().is_some() {
                    check_filters(&m.key, &m.value, &here, out);
                }
                for (include, exclude) in EXCLUSIVE {
                    if let (Some(_), Some(ignore)) = (m.value.get(include), m.value.get(exclude)) {
                        out.push(Finding::error(
                            ID,
                            here.key(exclude),
                            key_pos(&m.value, exclude).unwrap_or(ignore.pos),
                            format!("`{include}` and `{exclude}` cannot both filter `{}`: use `{include}` with `!pattern` entries", m.key),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

fn key_pos(node: &Node, key: &str) -> Option<crate::source::Pos> {
    node.members()?
        .iter()
        .find(|m| m.key == key)
        .map(|m| m.key_pos)
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn unknown_events_and_exclusive_filters() {
        let yaml = "on:\n  push:\n    branches: [main]\n    branches-ignore: [wip]\n  pull-request: {}\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:5 on.push.branches-ignore: `branches` and `branches-ignore` cannot both filter `push`: use `branches` with `!pattern` entries",
                "5:3 on.pull-request: `pull-request` is not an event that triggers workflows; did you mean `pull_request`?",
            ]
        );
        assert!(findings(super::check, "on: [push, workflow_dispatch]\njobs: {}\n").is_empty());
        let yaml = "on:\n  push:\n    branch: [main]\n  workflow_run:\n    workflows: [build]\n    types: [complete]\n  pull_request:\n    types: [opened, synchronize]\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "3:5 on.push.branch: `push` has no filter `branch`: expected branches, branches-ignore, tags, tags-ignore, paths, paths-ignore",
                "6:13 on.workflow_run.types: `workflow_run` has no activity type `complete`: did you mean `completed`? The types are completed, requested, in_progress",
            ]
        );
        assert_eq!(findings(super::check, "on: pushh\njobs: {}\n").len(), 1);
    }

    #[test]
    fn filters_as_githubs_schema_has_them() {
        let yaml = "on:\n  merge_group:\n    branches: [main]\n  image_version:\n    names: [web]\n    versions: ['1.*']\n  create:\n    branches: [main]\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            ["8:5 on.create.branches: `create` has no filter `branches`: it takes none"]
        );
    }
}
