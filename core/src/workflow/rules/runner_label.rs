//! `runner-label`: `runs-on` names runners that exist. A misspelled or retired GitHub-hosted
//! label leaves the job queued until it times out; a label Hatoba does not know is a warning
//! (it may be a larger runner), and anything goes beside `self-hosted`.

use crate::finding::{Finding, did_you_mean};
use crate::source::{Node, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "runner-label";

/// GitHub-hosted runner labels (standard and larger macOS runners).
pub(crate) const HOSTED: [&str; 22] = [
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-24.04-arm",
    "ubuntu-22.04-arm",
    "ubuntu-slim",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "windows-11-arm",
    "macos-latest",
    "macos-26",
    "macos-15",
    "macos-14",
    "macos-15-intel",
    "macos-latest-large",
    "macos-15-large",
    "macos-14-large",
    "macos-latest-xlarge",
    "macos-26-xlarge",
    "macos-15-xlarge",
    "macos-14-xlarge",
];

/// Labels GitHub has retired, and what to use instead.
const RETIRED: [(&str, &str); 11] = [
    ("ubuntu-16.04", "ubuntu-24.04"),
    ("ubuntu-18.04", "ubuntu-24.04"),
    ("ubuntu-20.04", "ubuntu-24.04"),
    ("windows-2016", "windows-2025"),
    ("windows-2019", "windows-2025"),
    ("macos-10.15", "macos-15"),
    ("macos-11", "macos-15"),
    ("macos-12", "macos-15"),
    ("macos-13", "macos-15 (or macos-15-intel for x64)"),
    ("macos-13-large", "macos-15-large"),
    ("macos-13-xlarge", "macos-15-xlarge"),
];

/// The labels every self-hosted runner has.
const SELF_HOSTED: [&str; 7] = [
    "self-hosted",
    "linux",
    "windows",
    "macos",
    "x64",
    "arm",
    "arm64",
];

fn labels<'a>(runs_on: &'a Node<'a>) -> Vec<&'a Node<'a>> {
    match &runs_on.value {
        Value::String(_) => vec![runs_on],
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => match runs_on.get("labels") {
            Some(l) if l.as_str().is_some() => vec![l],
            Some(l) => l.items().unwrap_or_default().iter().collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        let Some(runs_on) = job.node.get("runs-on") else {
            continue;
        };
        let labels = labels(runs_on);
        let texts: Vec<&str> = labels.iter().filter_map(|l| l.as_str()).collect();
        if texts
            .iter()
            .any(|t| t.eq_ignore_ascii_case("self-hosted") || t.contains("${{"))
            || runs_on.get("group").is_some()
        {
            continue;
        }
        // A runner must carry every label listed, and a GitHub-hosted runner is one image.
        let hosted: Vec<&Node<'_>> = labels
            .iter()
            .copied()
            .filter(|l| {
                l.as_str()
                    .is_some_and(|t| HOSTED.contains(&t.to_ascii_lowercase().as_str()))
            })
            .collect();
        if let [first, second, ..] = hosted[..] {
            out.push(Finding::error(
                ID,
                job.path.key("runs-on"),
                second.pos,
                format!(
                    "`{}` and `{}` are both GitHub-hosted images: a runner must have every label listed and none is two images, so the job never starts; list one (or use a matrix)",
                    first.as_str().unwrap_or_default(),
                    second.as_str().unwrap_or_default()
                ),
            ));
        }
        for label in labels {
            let Some(text) = label.as_str() else { continue };
            let lower = text.to_ascii_lowercase();
            if HOSTED.contains(&lower.as_str()) || SELF_HOSTED.contains(&lower.as_str()) {
                continue;
            }
            let path = job.path.key("runs-on");
            if let Some((_, instead)) = RETIRED.iter().find(|(r, _)| *r == lower) {
                out.push(Finding::error(
                    ID,
                    path,
                    label.pos,
                    format!("GitHub has retired the `{text}` runner, so the job never starts: use {instead}"),
                ));
            } else if let Some(near) = did_you_mean(&lower, HOSTED) {
                out.push(Finding::error(
                    ID,
                    path,
                    label.pos,
                    format!("`{text}` is not a GitHub-hosted runner, so the job waits for one until it times out; did you mean `{near}`?"),
                ));
            } else {
                out.push(Finding::warning(
                    ID,
                    path,
                    label.pos,
                    format!("`{text}` is not a GitHub-hosted runner label: if it names a larger runner this is fine; for a self-hosted runner list `self-hosted` too"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn two_hosted_images_in_one_runs_on_never_start() {
        let yaml = "on: push\njobs:\n  a:\n    runs-on: [ubuntu-latest, windows-latest]\n    steps:\n      - run: make\n  b:\n    runs-on: [ubuntu-latest, arm64]\n    steps:\n      - run: make\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:30 jobs.a.runs-on: `ubuntu-latest` and `windows-latest` are both GitHub-hosted images: a runner must have every label listed and none is two images, so the job never starts; list one (or use a matrix)"
            ]
        );
    }

    #[test]
    fn hosted_retired_misspelled_and_custom_labels() {
        let yaml = "on: push\njobs:\n  a: {runs-on: ubuntu-latest}\n  b: {runs-on: ubuntu-20.04}\n  c: {runs-on: ubuntu-lates}\n  d: {runs-on: [self-hosted, gpu]}\n  e: {runs-on: big-box}\n  f: {runs-on: '${{ matrix.os }}'}\n  g: {runs-on: {group: builders}}\n  h: {runs-on: [linux, x64]}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "4:16 jobs.b.runs-on: GitHub has retired the `ubuntu-20.04` runner, so the job never starts: use ubuntu-24.04",
                "5:16 jobs.c.runs-on: `ubuntu-lates` is not a GitHub-hosted runner, so the job waits for one until it times out; did you mean `ubuntu-latest`?",
                "7:16 jobs.e.runs-on: `big-box` is not a GitHub-hosted runner label: if it names a larger runner this is fine; for a self-hosted runner list `self-hosted` too",
            ]
        );
    }
}
