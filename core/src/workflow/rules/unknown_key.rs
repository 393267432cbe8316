//! `unknown-key`: keys GitHub Actions does not know at the workflow, job and step levels (a
//! typo there is silently ignored or fails the run), with a "did you mean"; and the keys each
//! level needs (`on` and `jobs`; `runs-on` and `steps`, or `uses`; `run` or `uses`).

use crate::finding::{Finding, did_you_mean};
use crate::source::{Node, Path, ToPath};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "unknown-key";

const WORKFLOW_KEYS: [&str; 8] = [
    "name",
    "run-name",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];
const JOB_KEYS: [&str; 16] = [
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
];
/// Keys a job that calls a reusable workflow (`uses:`) may have.
const REUSABLE_JOB_KEYS: [&str; 9] = [
    "name",
    "uses",
    "with",
    "secrets",
    "needs",
    "if",
    "permissions",
    "strategy",
    "concurrency",
];
const STEP_KEYS: [&str; 11] = [
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

fn unknown(node: &Node, known: &[&str], level: &str, path: &impl ToPath, out: &mut Vec<Finding>) {
    for m in node.members().unwrap_or_default() {
        if !known.contains(&&*m.key) {
            let hint = did_you_mean(&m.key, known.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.key_pos,
                format!("unknown key `{}` in {level}{hint}", m.key),
            ));
        }
    }
}

/// The keys of mappings inside the workflow, job and step levels: (name in messages, keys).
const CONCURRENCY_KEYS: [&str; 2] = ["group", "cancel-in-progress"];
const DEFAULTS_KEYS: [&str; 1] = ["run"];
const DEFAULTS_RUN_KEYS: [&str; 2] = ["shell", "working-directory"];
const STRATEGY_KEYS: [&str; 3] = ["matrix", "fail-fast", "max-parallel"];
const ENVIRONMENT_KEYS: [&str; 2] = ["name", "url"];
const CONTAINER_KEYS: [&str; 6] = ["image", "credentials", "env", "ports", "volumes", "options"];
const CREDENTIALS_KEYS: [&str; 2] = ["username", "password"];
const RUNS_ON_KEYS: [&str; 2] = ["group", "labels"];
const DISPATCH_INPUT_KEYS: [&str; 5] = ["description", "required", "default", "type", "options"];
const CALL_INPUT_KEYS: [&str; 4] = ["description", "required", "default", "type"];
const CALL_SECRET_KEYS: [&str; 2] = ["description", "required"];
const CALL_OUTPUT_KEYS: [&str; 2] = ["description", "value"];

/// Checks the keys of `parent.key` when it is a mapping.
fn nested(
    parent: &Node,
    key: &str,
    known: &[&str],
    level: &str,
    path: &impl ToPath,
    out: &mut Vec<Finding>,
) {
    if let Some(node) = parent.get(key) {
        unknown(node, known, level, &path.key(key), out);
    }
}

/// Checks every member's mapping of `parent.key` (inputs, secrets, services...).
fn each(
    parent: Option<&Node>,
    key: &str,
    known: &[&str],
    level: &str,
    path: &impl ToPath,
    out: &mut Vec<Finding>,
) {
    let Some(map) = parent.and_then(|p| p.get(key)) else {
        return;
    };
    for m in map.members().unwrap_or_default() {
        unknown(&m.value, known, level, &path.key(key).key(&m.key), out);
    }
}

fn container(node: &Node, level: &str, path: &impl ToPath, out: &mut Vec<Finding>) {
    unknown(node, &CONTAINER_KEYS, level, path, out);
    nested(
        node,
        "credentials",
        &CREDENTIALS_KEYS,
        "container credentials",
        path,
        out,
    );
}

/// Keys of the mappings nested in the workflow and its jobs.
fn check_nested(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let root = Path::root();
    nested(
        wf.root,
        "concurrency",
        &CONCURRENCY_KEYS,
        "`concurrency`",
        &root,
        out,
    );
    nested(
        wf.root,
        "defaults",
        &DEFAULTS_KEYS,
        "`defaults`",
        &root,
        out,
    );
    if let Some(d) = wf.root.get("defaults") {
        nested(
            d,
            "run",
            &DEFAULTS_RUN_KEYS,
            "`defaults.run`",
            &root.key("defaults"),
            out,
        );
    }
    let on = wf.root.get("on");
    let on_path = root.key("on");
    let dispatch = on.and_then(|o| o.get("workflow_dispatch"));
    each(
        dispatch,
        "inputs",
        &DISPATCH_INPUT_KEYS,
        "a workflow_dispatch input",
        &on_path.key("workflow_dispatch"),
        out,
    );
    let call = on.and_then(|o| o.get("workflow_call"));
    let call_path = on_path.key("workflow_call");
    each(
        call,
        "inputs",
        &CALL_INPUT_KEYS,
        "a workflow_call input",
        &call_path,
        out,
    );
    each(
        call,
        "secrets",
        &CALL_SECRET_KEYS,
        "a workflow_call secret",
        &call_path,
        out,
    );
    each(
        call,
        "outputs",
        &CALL_OUTPUT_KEYS,
        "a workflow_call output",
        &call_path,
        out,
    );
    for job in wf.jobs() {
        let (node, path) = (job.node, &job.path);
        nested(
            node,
            "concurrency",
            &CONCURRENCY_KEYS,
            "`concurrency`",
            path,
            out,
        );
        nested(node, "defaults", &DEFAULTS_KEYS, "`defaults`", path, out);
        if let Some(d) = node.get("defaults") {
            nested(
                d,
                "run",
                &DEFAULTS_RUN_KEYS,
                "`defaults.run`",
                &path.key("defaults"),
                out,
            );
        }
        nested(node, "strategy", &STRATEGY_KEYS, "`strategy`", path, out);
        nested(
            node,
            "environment",
            &ENVIRONMENT_KEYS,
            "`environment`",
            path,
            out,
        );
        nested(node, "runs-on", &RUNS_ON_KEYS, "`runs-on`", path, out);
        if let Some(c) = node.get("container") {
            container(c, "`container`", &path.key("container"), out);
        }
        for s in node
            .get("services")
            .and_then(Node::members)
            .unwrap_or_default()
        {
            container(
                &s.value,
                "a service",
                &path.key("services").key(&s.key),
                out,
            );
        }
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    check_nested(wf, out);
    let root_path = crate::source::Path::root();
    if wf.root.members().is_none() {
        out.push(Finding::error(
            ID,
            "",
            wf.root.pos,
            "a workflow is a mapping with `on` and `jobs`",
        ));
        return;
    }
    unknown(wf.root, &WORKFLOW_KEYS, "a workflow", &root_path, out);
    for key in ["on", "jobs"] {
        if wf.root.get(key).is_none() {
            out.push(Finding::error(
                ID,
                key,
                wf.root.pos,
                format!("a workflow needs `{key}`"),
            ));
        }
    }
    for job in wf.jobs() {
        let reusable = job.node.get("uses").is_some();
        let (known, level): (&[&str], _) = if reusable {
            (&REUSABLE_JOB_KEYS, "a job calling a reusable workflow")
        } else {
            (&JOB_KEYS, "a job")
        };
        unknown(job.node, known, level, &job.path, out);
        if !reusable {
            for key in ["runs-on", "steps"] {
                if job.node.get(key).is_none() {
                    out.push(Finding::error(
                        ID,
                        job.path.key(key),
                        job.id_pos,
                        format!(
                            "job `{}` needs `{key}` (or `uses:` to call a reusable workflow)",
                            job.id
                        ),
                    ));
                }
            }
        }
        for (path, step) in job.steps.iter().map(|(p, s)| (p, *s)) {
            unknown(step, &STEP_KEYS, "a step", path, out);
            match (step.get("uses").is_some(), step.get("run").is_some()) {
                (false, false) => out.push(Finding::error(
                    ID,
                    path,
                    step.pos,
                    "a step needs `run` or `uses`",
                )),
                (true, true) => out.push(Finding::error(
                    ID,
                    path,
                    step.pos,
                    "a step has either `run` or `uses`, not both",
                )),
                (true, false) => {
                    for key in ["shell", "working-directory"] {
                        if let Some(m) = member(step, key) {
                            out.push(Finding::error(
                                ID,
                                path.key(key),
                                m.key_pos,
                                format!("`{key}` is for a `run` step: a `uses` step runs an action, which has no script (give the action its `with` inputs)"),
                            ));
                        }
                    }
                }
                (false, true) => {
                    if let Some(m) = member(step, "with") {
                        out.push(Finding::error(
                            ID,
                            path.key("with"),
                            m.key_pos,
                            "`with` gives an action its inputs: a `run` step has none (pass values to the script with `env`)",
                        ));
                    }
                }
            }
        }
    }
}

/// The member `key` of a mapping, with the key's position.
fn member<'n, 't>(node: &'n Node<'t>, key: &str) -> Option<&'n crate::source::Member<'t>> {
    node.members()?.iter().find(|m| m.key == key)
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn keys_belong_to_the_kind_of_step() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        shell: bash\n        working-directory: app\n      - run: make\n        with: {target: all}\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("7:9 jobs.a.steps[0].shell: `shell` is for a `run` step"));
        assert!(found[1].starts_with(
            "8:9 jobs.a.steps[0].working-directory: `working-directory` is for a `run` step"
        ));
        assert!(
            found[2].starts_with("10:9 jobs.a.steps[1].with: `with` gives an action its inputs")
        );
    }

    #[test]
    fn unknown_and_missing_keys_at_every_level() {
        let yaml = "name: ci\non: push\njobs:\n  build:\n    runs_on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        whith: {fetch-depth: 0}\n      - name: nothing\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "5:5 jobs.build.runs_on: unknown key `runs_on` in a job; did you mean `runs-on`?",
                "4:3 jobs.build.runs-on: job `build` needs `runs-on` (or `uses:` to call a reusable workflow)",
                "8:9 jobs.build.steps[0].whith: unknown key `whith` in a step; did you mean `with`?",
                "9:9 jobs.build.steps[1]: a step needs `run` or `uses`",
            ]
        );
        assert_eq!(
            findings(super::check, "jobs: {}\n"),
            ["1:1 on: a workflow needs `on`"]
        );
    }

    #[test]
    fn keys_of_nested_mappings() {
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      env: {type: choice, option: [a]}\n  workflow_call:\n    outputs:\n      image: {vaule: x}\nconcurrency: {group: g, cancel_in_progress: true}\njobs:\n  a:\n    runs-on: x\n    strategy: {matrix: {os: [x]}, failfast: false}\n    environment: {name: prod, URL: x}\n    container: {image: node, credential: {}}\n    services:\n      db: {image: pg, credentials: {user: x}}\n    steps: [{run: x}]\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "8:25 concurrency.cancel_in_progress: unknown key `cancel_in_progress` in `concurrency`; did you mean `cancel-in-progress`?",
                "4:27 on.workflow_dispatch.inputs.env.option: unknown key `option` in a workflow_dispatch input; did you mean `options`?",
                "7:15 on.workflow_call.outputs.image.vaule: unknown key `vaule` in a workflow_call output; did you mean `value`?",
                "12:35 jobs.a.strategy.failfast: unknown key `failfast` in `strategy`; did you mean `fail-fast`?",
                "13:31 jobs.a.environment.URL: unknown key `URL` in `environment`; did you mean `url`?",
                "14:30 jobs.a.container.credential: unknown key `credential` in `container`; did you mean `credentials`?",
                "16:37 jobs.a.services.db.credentials.user: unknown key `user` in container credentials",
            ]
        );
    }

    #[test]
    fn reusable_workflow_jobs_take_their_own_keys() {
        let yaml = "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n    with: {x: 1}\n    runs-on: ubuntu-latest\n";
        assert_eq!(
            findings(super::check, yaml),
            ["6:5 jobs.call.runs-on: unknown key `runs-on` in a job calling a reusable workflow"]
        );
    }
}
