//! `deploy-practices` (warnings): what a reviewer flags in an ECS deploy workflow even when it
//! runs: long-lived AWS keys where OIDC (`role-to-assume`) would do, and a deploy to ECS with
//! no `concurrency` guard, so two pushes can deploy over each other.

use crate::finding::Finding;
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "deploy-practices";

fn uses(step: &Node, action: &str) -> bool {
    step.get("uses")
        .and_then(Node::as_str)
        .is_some_and(|u| u.to_ascii_lowercase().starts_with(&format!("{action}@")))
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        let steps = &job.steps;
        for (path, step) in steps {
            if !uses(step, "aws-actions/configure-aws-credentials") {
                continue;
            }
            let with = step.get("with");
            if let Some(key) = with.and_then(|w| w.get("aws-access-key-id"))
                && with.and_then(|w| w.get("role-to-assume")).is_none()
            {
                out.push(Finding::warning(
                    ID,
                    path.key("with").key("aws-access-key-id"),
                    key.pos,
                    "long-lived AWS keys: assume a role with GitHub's OIDC token instead (role-to-assume, permissions: id-token: write) and delete the keys",
                ));
            }
        }
        let deploys = steps
            .iter()
            .find(|(_, s)| uses(s, "aws-actions/amazon-ecs-deploy-task-definition"));
        if let Some((path, step)) = deploys
            && job.node.get("concurrency").is_none()
            && wf.root.get("concurrency").is_none()
        {
            out.push(Finding::warning(
                ID,
                path.key("uses"),
                step.get("uses").map_or(step.pos, |u| u.pos),
                "this job deploys to ECS with no concurrency guard: two runs can deploy over each other; add `concurrency: {group: deploy-ENVIRONMENT, cancel-in-progress: false}`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn keys_and_missing_concurrency() {
        let yaml = "on: push\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n          aws-region: eu-west-1\n      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n        with: {task-definition: td.json, service: web, cluster: prod}\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "8:30 jobs.deploy.steps[0].with.aws-access-key-id: long-lived AWS keys"
            )
        );
        assert!(found[1].starts_with(
            "11:15 jobs.deploy.steps[1].uses: this job deploys to ECS with no concurrency guard"
        ));
        let guarded = yaml.replace("on: push\n", "on: push\nconcurrency: deploy\n");
        assert_eq!(findings(super::check, &guarded).len(), 1);
    }
}
