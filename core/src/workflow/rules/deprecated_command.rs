//! `deprecated-command`: workflow commands GitHub turned off for security in `run:` scripts, with
//! their replacement: `::set-env` and `::add-path` are disabled (a step that prints them fails),
//! `::set-output` and `::save-state` deprecated, with their removal announced ("workflows using
//! save-state or set-output commands via stdout will fail with an error"; the date has moved).

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "deprecated-command";

/// (command, what GitHub did to it, what to write instead). A disabled command fails its step
/// (an error); a deprecated one still runs (a warning).
const COMMANDS: [(&str, &str, &str); 4] = [
    (
        "::set-output",
        "is deprecated and announced to fail",
        "echo \"NAME=value\" >> \"$GITHUB_OUTPUT\"",
    ),
    (
        "::save-state",
        "is deprecated and announced to fail",
        "echo \"NAME=value\" >> \"$GITHUB_STATE\"",
    ),
    (
        "::set-env",
        "is disabled",
        "echo \"NAME=value\" >> \"$GITHUB_ENV\"",
    ),
    (
        "::add-path",
        "is disabled",
        "echo \"/some/dir\" >> \"$GITHUB_PATH\"",
    ),
];

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, script) in wf.step_values("run") {
        for (command, state, instead) in COMMANDS {
            if script.contains(command) {
                let message = format!("`{command}` {state} on GitHub Actions: use {instead}");
                let at = wf.locate(node.pos, command);
                out.push(if state == "is disabled" {
                    Finding::error(ID, path.key("run"), at, message)
                } else {
                    Finding::warning(ID, path.key("run"), at, message)
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn set_output_and_friends() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo \"::set-output name=tag::v1\"\n      - run: |\n          make\n          echo \"::add-path::/opt/bin\"\n";
        let found = findings(super::check, yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("6:20 jobs.a.steps[0].run: `::set-output` is deprecated and announced to fail on GitHub Actions: use echo \"NAME=value\" >> \"$GITHUB_OUTPUT\""), "{found:?}");
        assert!(found[1].starts_with("9:17 "), "{found:?}");
        assert!(
            found[1].contains("`::add-path` is disabled on GitHub Actions"),
            "{found:?}"
        );
    }
}
