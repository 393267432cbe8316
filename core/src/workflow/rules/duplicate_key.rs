//! `duplicate-key`: a key written twice in one mapping, or two keys GitHub compares without case
//! that differ only in case. YAML parsers commonly keep the last of two equal keys; GitHub's
//! workflow loader refuses the file instead ("'runs-on' is already defined"), so nothing in it
//! runs. Job ids, the inputs, secrets and outputs of `workflow_dispatch` and `workflow_call`, a
//! matrix's keys and a step's `with:` inputs are compared without case ("Job IDs ... are case
//! insensitive"; action inputs are lowercased when they are passed), so `Build` next to `build`
//! is the same refusal.

use crate::finding::Finding;
use std::borrow::Cow;

use crate::repeats::repeats;
use crate::source::{self, Node, Path, ToPath, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "duplicate-key";

/// Every mapping, with its path: equal keys twice are an error.
fn exact(root: &Node<'_>, out: &mut Vec<Finding>) {
    source::walk(root, &mut |path, node| {
        let Value::Object(members) = &node.value else {
            return;
        };
        for (again, _) in repeats(members, |m| Some(m.key.as_ref().into())) {
            let m = &members[again];
            out.push(Finding::error(
                ID,
                path.key(&m.key),
                m.key_pos,
                format!(
                    "`{}` appears twice in this mapping: GitHub refuses the whole file (it does not keep the last one)",
                    m.key
                ),
            ));
        }
    });
}

/// Keys of `node` (a mapping GitHub compares without case, at `path` then `key`) that differ
/// from an earlier one only in case. The path is built only for a finding: this runs on every
/// step.
fn without_case(
    node: Option<&Node<'_>>,
    (path, key): (&impl ToPath, &str),
    what: &str,
    out: &mut Vec<Finding>,
) {
    let Some(Value::Object(members)) = node.map(|n| &n.value) else {
        return;
    };
    // Keys folded to lowercase (a copy only for a key that has capitals); keys written alike
    // are `exact`'s to report.
    let folded = repeats(members, |m| {
        if matches!(m.key.as_ref(), "include" | "exclude") && what == "matrix keys" {
            return None;
        }
        Some(if m.key.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(m.key.to_ascii_lowercase())
        } else {
            Cow::Borrowed(m.key.as_ref())
        })
    });
    for (again, first) in folded {
        let (m, first) = (&members[again], &members[first]);
        if m.key != first.key {
            out.push(Finding::error(
                ID,
                path.key(key).key(&m.key),
                m.key_pos,
                format!(
                    "`{}` and `{}` differ only in case: GitHub compares {what} without case, so it refuses the file",
                    first.key, m.key
                ),
            ));
        }
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    exact(wf.root, out);
    let root = wf.root;
    without_case(root.get("jobs"), (&Path::root(), "jobs"), "job ids", out);
    if let Some(on) = root.get("on") {
        for (event, what) in [
            ("workflow_dispatch", &["inputs"][..]),
            ("workflow_call", &["inputs", "secrets", "outputs"][..]),
        ] {
            let Some(trigger) = on.get(event) else {
                continue;
            };
            for key in what {
                without_case(
                    trigger.get(key),
                    (&Path::root().key("on").key(event), key),
                    &format!("{event} {key}"),
                    out,
                );
            }
        }
    }
    for job in wf.jobs() {
        if let Some(strategy) = job.node.get("strategy") {
            without_case(
                strategy.get("matrix"),
                (&job.path.key("strategy"), "matrix"),
                "matrix keys",
                out,
            );
        }
        for (path, step) in &job.steps {
            without_case(step.get("with"), (path, "with"), "action inputs", out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn a_key_twice_is_refused_wherever_it_is() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n        run: make test\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "5:5 jobs.a.runs-on: `runs-on` appears twice in this mapping: GitHub refuses the whole file (it does not keep the last one)",
                "8:9 jobs.a.steps[0].run: `run` appears twice in this mapping: GitHub refuses the whole file (it does not keep the last one)",
            ]
        );
    }

    #[test]
    fn keys_github_compares_without_case() {
        let yaml = "on:\n  workflow_dispatch:\n    inputs:\n      env: {type: string}\n      Env: {type: string}\njobs:\n  build:\n    runs-on: x\n    strategy:\n      matrix:\n        os: [a]\n        OS: [b]\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n          Node-Version: 22\n  Build:\n    runs-on: x\n    steps:\n      - run: make\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "18:3 jobs.Build: `build` and `Build` differ only in case: GitHub compares job ids without case, so it refuses the file",
                "5:7 on.workflow_dispatch.inputs.Env: `env` and `Env` differ only in case: GitHub compares workflow_dispatch inputs without case, so it refuses the file",
                "12:9 jobs.build.strategy.matrix.OS: `os` and `OS` differ only in case: GitHub compares matrix keys without case, so it refuses the file",
                "17:11 jobs.build.steps[0].with.Node-Version: `node-version` and `Node-Version` differ only in case: GitHub compares action inputs without case, so it refuses the file",
            ]
        );
    }
}
