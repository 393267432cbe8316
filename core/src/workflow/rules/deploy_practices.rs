//! `deploy-practices` (warnings): what a reviewer flags in an ECS deploy workflow even when it
//! runs: long-lived AWS keys where OIDC (`role-to-assume`) would do; a deploy to ECS with no
//! `concurrency` guard, so two pushes can deploy over each other, or with
//! `cancel-in-progress: true`, so a newer push abandons a rollout half-watched; a deploy step
//! that does not wait for the service to be stable, so the commit turns green before one task
//! of the new revision runs; and a rendered image with a moving tag (`latest`, or none).

use crate::finding::Finding;
use crate::source::Node;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "deploy-practices";

/// Whether `step` uses `action` (`owner/name`, lowercase) at some ref, as GitHub compares: without
/// case. Asked four times a step, so it compares in place rather than lowercasing a copy.
fn uses(step: &Node, action: &str) -> bool {
    step.get("uses").and_then(Node::as_str).is_some_and(|u| {
        u.as_bytes().get(action.len()) == Some(&b'@')
            && u.get(..action.len())
                .is_some_and(|name| name.eq_ignore_ascii_case(action))
    })
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
        for (path, step) in steps {
            let with = step.get("with");
            let input = |name: &str| with.and_then(|w| w.get(name));
            if uses(step, "aws-actions/amazon-ecs-deploy-task-definition")
                && input("service").is_some()
                && !input("wait-for-service-stability")
                    .is_some_and(|w| w.as_bool() == Some(true) || w.as_str() == Some("true"))
            {
                out.push(Finding::warning(
                    ID,
                    path.key("with"),
                    step.get("uses").map_or(step.pos, |u| u.pos),
                    "this deploy succeeds as soon as ECS accepts the new revision, before one task of it runs: a broken image still gets a green check; add `wait-for-service-stability: true`",
                ));
            }
            if uses(step, "aws-actions/amazon-ecs-render-task-definition")
                && let Some(image) = input("image")
                && let Some(text) = image.as_str()
                && !text.contains("${{")
                && moving_tag(text)
            {
                out.push(Finding::warning(
                    ID,
                    path.key("with").key("image"),
                    image.pos,
                    format!("`{text}` is a moving tag: each task pulls whatever it points to when it starts, so a scale-out or restart runs other code; render an immutable tag (the commit sha) or a digest"),
                ));
            }
        }
        let deploys = steps
            .iter()
            .find(|(_, s)| uses(s, "aws-actions/amazon-ecs-deploy-task-definition"));
        let concurrency = job
            .node
            .get("concurrency")
            .or_else(|| wf.root.get("concurrency"));
        if let Some((_, _)) = deploys
            && let Some(cancel) = concurrency.and_then(|c| c.get("cancel-in-progress"))
            && cancel.as_bool() == Some(true)
        {
            out.push(Finding::warning(
                ID,
                "concurrency.cancel-in-progress",
                cancel.pos,
                "`cancel-in-progress: true` on a deploy: a newer push cancels this run mid-rollout, and nothing waits for or reports how the rollout ends; use `cancel-in-progress: false` (runs queue instead)",
            ));
        }
        if let Some((path, step)) = deploys
            && concurrency.is_none()
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

/// Whether an image reference names a tag that moves: `latest`, or no tag and no digest.
fn moving_tag(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.split_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn keys_and_missing_concurrency() {
        let yaml = "on: push\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n          aws-region: eu-west-1\n      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n        with: {task-definition: td.json, service: web, cluster: prod, wait-for-service-stability: true}\n";
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

    #[test]
    fn unwatched_deploys_moving_tags_and_cancelled_rollouts() {
        let yaml = "on: push\nconcurrency: {group: deploy, cancel-in-progress: true}\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with: {task-definition: td.json, container-name: web, image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest}\n      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n        with: {task-definition: td.json, service: web, cluster: prod}\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("8:70 jobs.deploy.steps[0].with.image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest` is a moving tag"), "{found:?}");
        assert!(
            found[1].starts_with(
                "9:15 jobs.deploy.steps[1].with: this deploy succeeds as soon as ECS accepts"
            ),
            "{found:?}"
        );
        assert!(
            found[2].starts_with(
                "2:50 concurrency.cancel-in-progress: `cancel-in-progress: true` on a deploy"
            ),
            "{found:?}"
        );
        let fixed = yaml
            .replace("cancel-in-progress: true", "cancel-in-progress: false")
            .replace(":latest", ":5779607b")
            .replace(
                "cluster: prod}",
                "cluster: prod, wait-for-service-stability: true}",
            );
        assert_eq!(findings(super::check, &fixed), Vec::<String>::new());
        assert!(super::moving_tag("nginx"));
        assert!(!super::moving_tag("localhost:5000/web:1.2"));
        assert!(super::moving_tag("localhost:5000/web"));
        assert!(!super::moving_tag("web@sha256:0123"));
    }
}
