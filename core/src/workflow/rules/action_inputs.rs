//! `action-inputs`: a step calling a well-known action (the aws-actions for credentials, ECR
//! and ECS, checkout, setup-*, cache, artifacts) gives every input the action requires, and
//! no input it does not have. A misspelled input is an error (the value is dropped and the
//! default used: `wait-for-service-stabilty: true` deploys without waiting); any other unknown
//! input is a warning, as GitHub itself gives.

use crate::finding::{Finding, did_you_mean};
use crate::workflow::Workflow;
use crate::workflow::actions::{known, major};

pub(crate) const ID: &str = "action-inputs";

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        for (path, step) in job.steps.iter().map(|(p, s)| (p, *s)) {
            let Some(uses) = step.get("uses") else {
                continue;
            };
            let Some(action) = uses.as_str().and_then(known) else {
                continue;
            };
            // Inputs some majors have and others not are checked against the major pinned.
            let major = uses.as_str().and_then(major);
            let inputs: Vec<&str> = action.inputs_in(major).collect();
            let with = step.get("with");
            let given: Vec<&str> = with
                .and_then(|w| w.members())
                .unwrap_or_default()
                .iter()
                .map(|m| &*m.key)
                .collect();
            let has = |input: &str| given.iter().any(|g| g.eq_ignore_ascii_case(input));
            for m in with.and_then(|w| w.members()).unwrap_or_default() {
                if inputs.iter().any(|i| i.eq_ignore_ascii_case(&m.key)) {
                    continue;
                }
                let at = path.key("with").key(&m.key);
                if let (Some(only), Some(major)) = (action.only(&m.key), major) {
                    let (name, key) = (action.name, &m.key);
                    let (when, way) = match only.until {
                        Some(until) if major > until => {
                            (format!("it was one until v{until}"), "drop it")
                        }
                        _ => (
                            format!("it is one from v{} on", only.from),
                            "raise the version or drop it",
                        ),
                    };
                    out.push(Finding::warning(
                        ID,
                        at,
                        m.key_pos,
                        format!(
                            "`{key}` is not an input of {name}@v{major}, which ignores it ({when}): {way}"
                        ),
                    ));
                    continue;
                }
                match did_you_mean(&m.key, inputs.iter().copied()) {
                    Some(input) => out.push(Finding::error(
                        ID,
                        at,
                        m.key_pos,
                        format!(
                            "`{}` is not an input of {}; did you mean `{input}`? As written, the action ignores it",
                            m.key, action.name
                        ),
                    )),
                    None => out.push(Finding::warning(
                        ID,
                        at,
                        m.key_pos,
                        format!(
                            "`{}` is not an input of {}, which ignores it: its inputs are {}",
                            m.key,
                            action.name,
                            inputs.join(", ")
                        ),
                    )),
                }
            }
            let missing: Vec<&str> = action
                .required
                .iter()
                .copied()
                .filter(|r| !has(r))
                .collect();
            for input in missing {
                out.push(Finding::error(
                    ID,
                    path.key("uses"),
                    uses.pos,
                    format!(
                        "{} needs the input `{input}`: add it under `with:`",
                        action.name
                    ),
                ));
            }
            for group in action.one_of {
                if !group.iter().any(|i| has(i)) {
                    out.push(Finding::error(
                        ID,
                        path.key("uses"),
                        uses.pos,
                        format!(
                            "{} needs one of the inputs {}: add one under `with:`",
                            action.name,
                            group.join(", ")
                        ),
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
    fn inputs_of_the_current_majors_are_known_and_one_that_never_was_is_not() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v6\n        with:\n          aws-region: eu-west-1\n          aws-profile: ci\n          proxy-server: http://proxy\n      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n        with:\n          task-definition: t.json\n          max-retries: 3\n      - uses: actions/upload-artifact@v7\n        with:\n          path: out\n          archive: false\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(
                "10:11 jobs.a.steps[0].with.proxy-server: `proxy-server` is not an input"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn required_misspelled_and_unknown_inputs() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-asume: arn:aws:iam::123456789012:role/x\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with:\n          container-name: web\n          image: x\n          colour: blue\n      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2\n        with:\n          task-definition: t.json\n          wait-for-service-stabilty: true\n      - uses: actions/checkout@v3\n        with: {anything: 1}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "8:11 jobs.a.steps[0].with.role-to-asume: `role-to-asume` is not an input of aws-actions/configure-aws-credentials; did you mean `role-to-assume`? As written, the action ignores it",
                "6:15 jobs.a.steps[0].uses: aws-actions/configure-aws-credentials needs the input `aws-region`: add it under `with:`",
                "13:11 jobs.a.steps[1].with.colour: `colour` is not an input of aws-actions/amazon-ecs-render-task-definition, which ignores it: its inputs are task-definition, task-definition-arn, task-definition-family, task-definition-revision, container-name, image, environment-variables, log-configuration-log-driver, log-configuration-options, docker-labels, command, task-role-arn, execution-role-arn, env-files, secrets",
                "9:15 jobs.a.steps[1].uses: aws-actions/amazon-ecs-render-task-definition needs one of the inputs task-definition, task-definition-arn, task-definition-family: add one under `with:`",
                "17:11 jobs.a.steps[2].with.wait-for-service-stabilty: `wait-for-service-stabilty` is not an input of aws-actions/amazon-ecs-deploy-task-definition; did you mean `wait-for-service-stability`? As written, the action ignores it",
            ]
        );
    }

    #[test]
    fn an_input_of_another_major_says_which_majors_have_it() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-node@v6\n        with:\n          always-auth: true\n      - uses: actions/setup-python@v5.6.0\n        with:\n          pip-version: '25'\n      - uses: actions/setup-python@v7\n        with:\n          pip-install: ruff\n          pip-version: '25'\n      - uses: actions/setup-node@v4\n        with:\n          always-auth: true\n      - uses: actions/setup-node@main\n        with:\n          always-auth: true\n          package-manager-cache: false\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "8:11 jobs.a.steps[0].with.always-auth: `always-auth` is not an input of actions/setup-node@v6, which ignores it (it was one until v5): drop it",
                "11:11 jobs.a.steps[1].with.pip-version: `pip-version` is not an input of actions/setup-python@v5, which ignores it (it is one from v6 on): raise the version or drop it",
                "14:11 jobs.a.steps[2].with.pip-install: `pip-install` is not an input of actions/setup-python@v7, which ignores it (it was one until v6): drop it",
            ]
        );
    }
}
