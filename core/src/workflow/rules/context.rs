//! `context`: expressions read contexts that exist, where GitHub makes them available (no
//! `secrets` in `if:`, no `steps` in a job's `env`, ...), with properties `github`, `runner`
//! and `strategy` have; status functions only in `if:`, `hashFiles` only in steps; and no
//! expression where GitHub reads the value before evaluating any (`uses`, a step's `id`).
//! A property runners set without GitHub documenting it (`runner.workspace`) is a warning.

use crate::finding::{Finding, did_you_mean};
use crate::workflow::Workflow;
use crate::workflow::expr::{ExprKind, STATUS_FUNCTIONS};
use crate::workflow::places::{CONTEXTS, at};

pub(crate) const ID: &str = "context";

/// The properties of the `github` context.
pub(crate) const GITHUB: [&str; 39] = [
    "action",
    "action_path",
    "action_ref",
    "action_repository",
    "action_status",
    "actor",
    "actor_id",
    "api_url",
    "base_ref",
    "env",
    "event",
    "event_name",
    "event_path",
    "graphql_url",
    "head_ref",
    "job",
    "path",
    "ref",
    "ref_name",
    "ref_protected",
    "ref_type",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repositoryUrl",
    "retention_days",
    "run_id",
    "run_number",
    "run_attempt",
    "secret_source",
    "server_url",
    "sha",
    "token",
    "triggering_actor",
    "workflow",
    "workflow_ref",
    "workflow_sha",
    "workspace",
];
pub(crate) const RUNNER: [&str; 7] = [
    "name",
    "os",
    "arch",
    "temp",
    "tool_cache",
    "debug",
    "environment",
];
/// Properties runners set that GitHub's list of the `runner` context leaves out. Workflows in
/// use read `runner.workspace` (the directory above `github.workspace`) and it works, so it is
/// no error; a warning, as nothing promises it stays.
const RUNNER_UNDOCUMENTED: [&str; 1] = ["workspace"];
pub(crate) const STRATEGY: [&str; 4] = ["fail-fast", "job-index", "job-total", "max-parallel"];

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut warnings = Vec::new();
    for e in &wf.expressions {
        let Ok(parsed) = &e.parsed else { continue };
        if std::ptr::eq(e.place, &at::NOWHERE) {
            out.push(Finding::error(
                ID,
                &e.path,
                e.pos,
                "expressions are not evaluated here: GitHub reads `uses` and `id` before running anything, so write a fixed value",
            ));
            continue;
        }
        let mut report = |offset: usize, message: String| {
            out.push(e.error(ID, offset, message));
        };
        parsed.walk(&mut |x| {
            if let ExprKind::Call(name, _) = &x.kind {
                if STATUS_FUNCTIONS.contains(&name.as_str()) && !e.place.status_functions {
                    report(
                        x.offset,
                        format!("`{name}()` reads the job's status and works only in `if:`"),
                    );
                }
                if name == "hashFiles" && !e.place.hash_files {
                    report(
                        x.offset,
                        format!(
                            "`hashFiles()` reads the runner's workspace and works only in steps, not in `{}`",
                            e.place.name
                        ),
                    );
                }
            }
        });
        for path in parsed.references() {
            let (name, offset) = path[0];
            let lower = name.to_ascii_lowercase();
            if !CONTEXTS.contains(&lower.as_str()) {
                let hint = did_you_mean(name, CONTEXTS)
                    .map(|c| format!("did you mean `{c}`? The contexts are "))
                    .unwrap_or_else(|| "expected one of ".into());
                report(
                    offset,
                    format!("unknown context `{name}`: {hint}{}", CONTEXTS.join(", ")),
                );
                continue;
            }
            if !e.place.allows(&lower) {
                let hint = if lower == "secrets" && e.place.status_functions {
                    "; to run only when a secret is set, map it to an `env:` variable and test `env.NAME != ''`"
                } else {
                    ""
                };
                report(
                    offset,
                    format!(
                        "the `{lower}` context is not available in `{}`: there you can use {}{hint}",
                        e.place.name,
                        e.place.contexts().join(", ")
                    ),
                );
                continue;
            }
            let known: &[&str] = match lower.as_str() {
                "github" => &GITHUB,
                "runner" => &RUNNER,
                "strategy" => &STRATEGY,
                _ => continue,
            };
            let Some((property, offset)) = super::named(&path, 1) else {
                continue;
            };
            if lower == "runner"
                && RUNNER_UNDOCUMENTED
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(property))
            {
                warnings.push(Finding::warning(
                    ID,
                    &e.path,
                    e.pos_at(offset),
                    format!(
                        "`runner.{property}` is not documented by GitHub: runners set it today, but nothing promises they keep it; `github.workspace` is the documented path of the checkout"
                    ),
                ));
                continue;
            }
            if !known.iter().any(|k| k.eq_ignore_ascii_case(property)) {
                let extra: &[&str] = if lower == "runner" {
                    &RUNNER_UNDOCUMENTED
                } else {
                    &[]
                };
                let hint = did_you_mean(property, known.iter().chain(extra).copied())
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                report(
                    offset,
                    format!("the `{lower}` context has no property `{property}`{hint}"),
                );
            }
        }
    }
    out.append(&mut warnings);
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn contexts_where_github_offers_them() {
        let yaml = "on: push\nenv:\n  A: ${{ steps.x.outputs.y }}\njobs:\n  a:\n    if: secrets.TOKEN != ''\n    runs-on: ${{ runner.os }}\n    env:\n      K: ${{ hashFiles('x') }}\n    steps:\n      - uses: ${{ env.ACTION }}\n      - run: echo ${{ github.shaa }} ${{ gihub.sha }} ${{ success() }}\n        if: failure() && runner.os == 'Linux'\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "3:10 env.A: the `steps` context is not available in `env`: there you can use github, vars, secrets, inputs",
                "6:9 jobs.a.if: the `secrets` context is not available in `jobs.<job_id>.if`: there you can use github, vars, needs, inputs; to run only when a secret is set, map it to an `env:` variable and test `env.NAME != ''`",
                "7:18 jobs.a.runs-on: the `runner` context is not available in `jobs.<job_id>`: there you can use github, vars, strategy, matrix, needs, inputs",
                "9:14 jobs.a.env.K: `hashFiles()` reads the runner's workspace and works only in steps, not in `jobs.<job_id>.env`",
                "11:18 jobs.a.steps[0].uses: expressions are not evaluated here: GitHub reads `uses` and `id` before running anything, so write a fixed value",
                "12:30 jobs.a.steps[1].run: the `github` context has no property `shaa`; did you mean `sha`?",
                "12:42 jobs.a.steps[1].run: unknown context `gihub`: did you mean `github`? The contexts are github, env, vars, job, jobs, steps, runner, secrets, strategy, matrix, needs, inputs",
                "12:59 jobs.a.steps[1].run: `success()` reads the job's status and works only in `if:`",
            ]
        );
    }

    #[test]
    fn runner_workspace_is_a_warning_not_an_error() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ls ${{ runner.workspace }} ${{ runner.wrkspace }}\n";
        let document = crate::source::parse_yaml(yaml).unwrap();
        let mut out = Vec::new();
        super::check(&crate::workflow::Workflow::new(&document, yaml), &mut out);
        let found: Vec<String> = out.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            found,
            [
                "6:52: error: the `runner` context has no property `wrkspace`; did you mean `workspace`? [context]",
                "6:28: warning: `runner.workspace` is not documented by GitHub: runners set it today, but nothing promises they keep it; `github.workspace` is the documented path of the checkout [context]",
            ]
        );
    }

    #[test]
    fn usual_expressions_pass() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    environment:\n      name: prod\n      url: ${{ steps.d.outputs.url }}\n    steps:\n      - id: d\n        run: echo ${{ github.event.head_commit.message }} ${{ secrets.T }} ${{ runner.temp }}\n        if: always() && hashFiles('**/x') != '' && github.event_name == 'push'\n";
        assert_eq!(findings(super::check, yaml), Vec::<String>::new());
    }
}
