//! The checks as a service: what the deploy pipeline (and the pull-request review) asks of the
//! task-definition and workflow rules, behind a trait so that the rules need not be linked into
//! every face.
//!
//! The CLI and the tests run the rules in process ([`LocalChecks`]). The worker does not carry
//! them: they are a sixth of its code, and its deploys, which are the hot path, stay small. It
//! asks Hatoba's checks worker over a service binding instead, which answers with
//! [`answer_task_definition`]'s JSON; [`read_reported`] reads that answer back.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::finding::{Finding, Severity};
use crate::review::{self, Assessment, PlanRequest, ReviewFile};
use crate::taskdef;

/// A boxed future, not `Send`: the worker is single-threaded and the CLI drives one deploy.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A finding as it crosses from the checks to their caller: what the caller reports, without the
/// position (a rendered task definition is compact JSON: its findings are reported by path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The rule's id, e.g. `fargate-cpu-memory`.
    pub rule: String,
    /// How serious.
    pub severity: Severity,
    /// The JSON path of the offending value (empty for the whole document).
    pub path: String,
    /// What is wrong, and what is expected.
    pub message: String,
}

impl From<&Finding> for Reported {
    fn from(f: &Finding) -> Self {
        Self {
            rule: f.rule.to_owned(),
            severity: f.severity,
            path: f.path.clone(),
            message: f.message.clone(),
        }
    }
}

/// The rules, wherever they run.
pub trait Checks: std::fmt::Debug {
    /// The findings of every rule on a task definition about to be registered (JSON text), as
    /// [`taskdef::check_to_register`] gives them; `Err` when the checks could not be asked
    /// (the text says why).
    fn task_definition<'a>(
        &'a self,
        text: &'a str,
    ) -> LocalFuture<'a, Result<Vec<Reported>, String>>;

    /// The review of a pull request's files ([`review::assess`]); `Err` as above.
    fn review<'a>(&'a self, files: &'a [ReviewFile])
    -> LocalFuture<'a, Result<Assessment, String>>;

    /// A target's deploy plan ([`review::plan`]); `Err` as above.
    fn plan<'a>(&'a self, request: &'a PlanRequest) -> LocalFuture<'a, Result<Assessment, String>>;
}

/// The rules in this process: the CLI's and the tests'.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalChecks;

impl Checks for LocalChecks {
    fn task_definition<'a>(
        &'a self,
        text: &'a str,
    ) -> LocalFuture<'a, Result<Vec<Reported>, String>> {
        let findings = taskdef::check_to_register(text);
        Box::pin(std::future::ready(Ok(findings
            .iter()
            .map(Reported::from)
            .collect())))
    }

    fn review<'a>(
        &'a self,
        files: &'a [ReviewFile],
    ) -> LocalFuture<'a, Result<Assessment, String>> {
        Box::pin(std::future::ready(Ok(review::assess(files))))
    }

    fn plan<'a>(&'a self, request: &'a PlanRequest) -> LocalFuture<'a, Result<Assessment, String>> {
        Box::pin(std::future::ready(Ok(review::plan(request))))
    }
}

/// The checks worker's answer to a task definition about to be registered: its findings as a
/// JSON array (each with `rule`, `severity`, `path`, `line`, `column` and `message`).
pub fn answer_task_definition(text: &str) -> String {
    serde_json::to_string(&taskdef::check_to_register(text)).expect("findings serialize")
}

/// Reads an answer of [`answer_task_definition`]; what does not have its shape is an error
/// naming what was expected.
pub fn read_reported(json: &[u8]) -> Result<Vec<Reported>, String> {
    let value: Value =
        serde_json::from_slice(json).map_err(|e| format!("the checks answered no JSON: {e}"))?;
    let list = value
        .as_array()
        .ok_or("the checks answered no list of findings")?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let text = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("finding {i} of the checks' answer has no text `{key}`"))
        };
        let severity = match text("severity")?.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => {
                return Err(format!(
                    "finding {i} of the checks' answer has severity `{other}`: expected error or warning"
                ));
            }
        };
        out.push(Reported {
            rule: text("rule")?,
            severity,
            path: text("path")?,
            message: text("message")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = r#"{"family":"web","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"256","memory":"4096","containerDefinitions":[{"name":"web","image":"nginx:1.27","essential":true}]}"#;

    fn run<T>(future: LocalFuture<'_, T>) -> T {
        let mut future = future;
        let waker = std::task::Waker::noop();
        match future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker))
        {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the local checks never wait"),
        }
    }

    #[test]
    fn the_answer_reads_back_as_the_local_checks_report() {
        let local = run(LocalChecks.task_definition(BROKEN)).unwrap();
        assert!(
            local
                .iter()
                .any(|r| r.rule == "fargate-cpu-memory" && r.severity == Severity::Error),
            "{local:?}"
        );
        let remote = read_reported(answer_task_definition(BROKEN).as_bytes()).unwrap();
        assert_eq!(remote, local);
    }

    #[test]
    fn an_answer_of_another_shape_is_an_error_naming_what_was_expected() {
        assert!(read_reported(b"<html>").unwrap_err().contains("no JSON"));
        assert!(read_reported(b"{}").unwrap_err().contains("no list"));
        assert_eq!(
            read_reported(br#"[{"rule":"x","severity":"fatal","path":"","message":"m"}]"#)
                .unwrap_err(),
            "finding 0 of the checks' answer has severity `fatal`: expected error or warning"
        );
        assert_eq!(
            read_reported(br#"[{"rule":"x","severity":"error","path":""}]"#).unwrap_err(),
            "finding 0 of the checks' answer has no text `message`"
        );
        assert_eq!(read_reported(b"[]").unwrap(), vec![]);
    }
}
