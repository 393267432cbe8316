//! Reporting findings of file checks (task definitions, workflows) the way linters do, with
//! the exit codes CI expects.

use std::io::Write;
use std::path::PathBuf;

use hatoba_core::finding::{Finding, Severity};
use serde::Serialize;

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `FILE:LINE:COL: severity: message [rule]`, one per line.
    Human,
    /// One JSON array of `{file, rule, severity, path, line, column, message}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=RULE::MESSAGE`):
    /// run in a workflow, each finding shows on the pull request's diff at its line.
    Github,
}

/// Escapes a workflow command's message (`%`, CR and LF), or with `property` also `:` and `,`.
fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn workflow_command_escapes() {
        assert_eq!(super::escape("a: b, 100%\nc", false), "a: b, 100%25%0Ac");
        assert_eq!(super::escape("dir/a,b:c.yml", true), "dir/a%2Cb%3Ac.yml");
    }
}

#[derive(Serialize)]
struct FileFinding<'a> {
    file: String,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// What `check` concluded: the exit code the command should end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No error-severity finding (warnings allowed): exit 0.
    Clean,
    /// At least one error: exit 1.
    Errors,
    /// A file could not be read: exit 2.
    IoError,
}

impl Outcome {
    /// The exit code of a check that ended so; a failure to print is exit 2 too.
    pub fn exit_code(outcome: std::io::Result<Self>) -> std::process::ExitCode {
        match outcome {
            Ok(Outcome::Clean) => std::process::ExitCode::SUCCESS,
            Ok(Outcome::Errors) => std::process::ExitCode::from(1),
            Ok(Outcome::IoError) | Err(_) => std::process::ExitCode::from(2),
        }
    }
}

/// Checks each file with `checker` and prints the findings to `out` (problems reading files go
/// to `err`).
pub fn check_files(
    files: &[PathBuf],
    checker: fn(&str) -> Vec<Finding>,
    format: Format,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<Outcome> {
    let mut all: Vec<(String, Finding)> = Vec::new();
    let mut io_error = false;
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    writeln!(err, "{name}: not UTF-8 text")?;
                    io_error = true;
                    continue;
                }
            },
            Err(e) => {
                writeln!(err, "{name}: {e}")?;
                io_error = true;
                continue;
            }
        };
        all.extend(checker(&text).into_iter().map(|f| (name.clone(), f)));
    }
    match format {
        Format::Human => {
            for (file, finding) in &all {
                writeln!(out, "{file}:{finding}")?;
            }
        }
        Format::Github => {
            for (file, f) in &all {
                writeln!(
                    out,
                    "::{} file={},line={},col={},title={}::{}",
                    f.severity,
                    escape(file, true),
                    f.pos.line,
                    f.pos.column,
                    escape(f.rule, true),
                    escape(&f.message, false)
                )?;
            }
        }
        Format::Json => {
            let rows: Vec<FileFinding<'_>> = all
                .iter()
                .map(|(file, finding)| FileFinding {
                    file: file.clone(),
                    finding,
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string(&rows).expect("findings serialize")
            )?;
        }
    }
    Ok(if io_error {
        Outcome::IoError
    } else if all.iter().any(|(_, f)| f.severity == Severity::Error) {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}
