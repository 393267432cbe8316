//! `deprecated-command`: workflow commands GitHub disabled for security (`::set-output`,
//! `::save-state`, `::set-env`, `::add-path`) in `run:` scripts, with their replacement.

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "deprecated-command";

const COMMANDS: [(&str, &str); 4] = [
    ("::set-output", "echo \"NAME=value\" >> \"$GITHUB_OUTPUT\""),
    ("::save-state", "echo \"NAME=value\" >> \"$GITHUB_STATE\""),
    ("::set-env", "echo \"NAME=value\" >> \"$GITHUB_ENV\""),
    ("::add-path", "echo \"/some/dir\" >> \"$GITHUB_PATH\""),
];

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (path, node, script) in wf.step_values("run") {
        for (command, instead) in COMMANDS {
            if script.contains(command) {
                out.push(Finding::error(
                    ID,
                    path.key("run"),
                    wf.locate(node.pos, command),
                    format!("`{command}` is disabled on GitHub Actions: use {instead}"),
                ));
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
        assert!(found[0].starts_with("6:20 jobs.a.steps[0].run: `::set-output` is disabled on GitHub Actions: use echo \"NAME=value\" >> \"$GITHUB_OUTPUT\""), "{found:?}");
        assert!(found[1].starts_with("9:17 "), "{found:?}");
        assert!(found[1].contains("`::add-path`"));
    }
}
