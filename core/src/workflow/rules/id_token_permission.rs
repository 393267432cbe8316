//! `id-token-permission`: `configure-aws-credentials` with `role-to-assume` and no access keys
//! authenticates with GitHub's OIDC token, which a job gets only with `id-token: write`.

use crate::finding::Finding;
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "id-token-permission";

/// Whether a `permissions` value grants `id-token: write`.
fn grants_id_token(permissions: &Node) -> bool {
    match permissions.as_str() {
        Some(all) => all == "write-all",
        None => permissions.get("id-token").and_then(Node::as_str) == Some("write"),
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        // A job's permissions replace the workflow's; without either, the token has no id-token.
        let permissions = job
            .node
            .get("permissions")
            .or_else(|| wf.root.get("permissions"));
        if permissions.is_some_and(grants_id_token) {
            continue;
        }
        for (path, step) in job.steps.iter().map(|(p, s)| (p, *s)) {
            let uses = step.get("uses").and_then(Node::as_str).unwrap_or_default();
            if !uses
                .to_ascii_lowercase()
                .starts_with("aws-actions/configure-aws-credentials@")
            {
                continue;
            }
            let with = step.get("with");
            let Some(role) = with.and_then(|w| w.get("role-to-assume")) else {
                continue;
            };
            if with.and_then(|w| w.get("aws-access-key-id")).is_some() {
                continue; // role chaining from keys: no OIDC token involved
            }
            out.push(Finding::error(
                ID,
                path.key("with").key("role-to-assume"),
                role.pos,
                format!(
                    "role-to-assume uses GitHub's OIDC token, which job `{}` cannot get: add `permissions: {{id-token: write, contents: read}}` to the job or the workflow",
                    job.id
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    const STEP: &str = "    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n";

    #[test]
    fn oidc_needs_id_token_write() {
        let without = format!("on: push\njobs:\n  deploy:\n    runs-on: x\n{STEP}");
        let found = findings(super::check, &without);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("8:27 jobs.deploy.steps[0].with.role-to-assume: role-to-assume uses GitHub's OIDC token"), "{found:?}");
        let workflow_level = format!(
            "on: push\npermissions:\n  id-token: write\n  contents: read\njobs:\n  deploy:\n    runs-on: x\n{STEP}"
        );
        assert!(findings(super::check, &workflow_level).is_empty());
        // The job's own permissions replace the workflow's.
        let overridden = format!(
            "on: push\npermissions: write-all\njobs:\n  deploy:\n    runs-on: x\n    permissions: {{contents: read}}\n{STEP}"
        );
        assert_eq!(findings(super::check, &overridden).len(), 1);
    }
}
