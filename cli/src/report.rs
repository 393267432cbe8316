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
    /// Nothing that fails (by default: no error; warnings allowed): exit 0.
    Clean,
    /// At least one error (or, with `--fail-on warning`, any finding): exit 1.
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

/// A checker of file text: `hatoba_core::taskdef::check` or `hatoba_core::workflow::check`.
pub type Checker = fn(&str) -> Vec<Finding>;

/// The severity from which a finding fails the check (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any error is found (warnings allowed).
    #[default]
    Error,
    /// Exit 1 when any finding at all is found.
    Warning,
}

/// How a check run reports and fails.
#[derive(Debug)]
pub struct Options {
    /// How findings are printed.
    pub format: Format,
    /// From which severity the run fails.
    pub fail_on: FailOn,
    /// The `.hatoba.toml` files that apply.
    pub configs: crate::lintconfig::Configs,
    /// `--ignore RULE`: rules whose findings are dropped, whatever the configuration says.
    pub ignore: Vec<String>,
    /// `--fix`: the quick fixes to apply to each file, which is written back.
    pub fix: Option<Fixer>,
}

/// The quick fix of a finding: `hatoba_core::fix::taskdef_fixes` or `workflow_fixes`.
pub type Fixer = fn(&str, &Finding) -> Option<hatoba_core::fix::Fix>;

impl Options {
    /// Options for `format` and `fail_on`, with the configuration `--config` names or else each
    /// file's nearest `.hatoba.toml`. `Err` (after saying why on `err`) when the named or a
    /// found configuration cannot be read.
    pub fn new(
        format: Format,
        fail_on: FailOn,
        config: Option<&std::path::Path>,
    ) -> Result<Self, String> {
        Ok(Self {
            format,
            fail_on,
            configs: crate::lintconfig::Configs::new(config)?,
            ignore: Vec::new(),
            fix: None,
        })
    }
}

/// Checks each file with `checker` and prints the findings to `out` (problems reading files go
/// to `err`), without a configuration file: every rule as it is.
pub fn check_files(
    files: &[PathBuf],
    checker: Checker,
    format: Format,
    out: impl Write,
    err: impl Write,
) -> std::io::Result<Outcome> {
    let mut options = Options {
        format,
        fail_on: FailOn::Error,
        configs: crate::lintconfig::Configs::default(),
        ignore: Vec::new(),
        fix: None,
    };
    let files: Vec<(PathBuf, Checker)> = files.iter().map(|f| (f.clone(), checker)).collect();
    check_with(&files, &mut options, out, err)
}

/// Checks each file with its checker, applies the configuration that holds for it, and prints
/// the findings (with what reading the configurations found) to `out`; problems reading files
/// go to `err`.
pub fn check_with(
    files: &[(PathBuf, Checker)],
    options: &mut Options,
    mut out: impl Write,
    mut err: impl Write,
) -> std::io::Result<Outcome> {
    let format = options.format;
    let mut all: Vec<(String, Finding)> = ignored_unknown(&options.ignore);
    let mut io_error = false;
    for (file, checker) in files {
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
        let mut text = text;
        let mut findings = findings_of(file, &text, *checker, options, &mut err, &mut io_error)?;
        if let Some(fixer) = options.fix {
            // One fix at a time, each on the text the one before left, checked again after it;
            // at most 100, should a fix not settle its finding.
            let mut fixed = Vec::new();
            for _ in 0..100 {
                let Some((finding, fix)) = findings
                    .iter()
                    .find_map(|f| fixer(&text, f).map(|fix| (f, fix)))
                else {
                    break;
                };
                let next = hatoba_core::fix::apply(&text, &fix.edits);
                if next == text {
                    break;
                }
                let (line, column) = (finding.pos.line, finding.pos.column);
                fixed.push(format!(
                    "{name}:{line}:{column}: fixed: {} [{}]",
                    fix.title, fix.rule
                ));
                text = next;
                findings = findings_of(file, &text, *checker, options, &mut err, &mut io_error)?;
            }
            if !fixed.is_empty() {
                match std::fs::write(file, &text) {
                    Ok(()) => writeln!(err, "{}", fixed.join("\n"))?,
                    Err(e) => {
                        writeln!(err, "{name}: {e}")?;
                        io_error = true;
                    }
                }
            }
        }
        all.extend(options.configs.take_findings());
        all.extend(findings.into_iter().map(|f| (name.clone(), f)));
    }
    all.extend(options.configs.take_findings());
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
    } else if all.iter().any(|(_, f)| match options.fail_on {
        FailOn::Error => f.severity == Severity::Error,
        FailOn::Warning => true,
    }) {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

/// The findings of `text` (the file `file`'s) that its configuration and `--ignore` leave.
fn findings_of(
    file: &std::path::Path,
    text: &str,
    checker: Checker,
    options: &mut Options,
    err: &mut impl Write,
    io_error: &mut bool,
) -> std::io::Result<Vec<Finding>> {
    let mut findings = checker(text);
    match options.configs.for_file(file) {
        Ok(Some(found)) => findings = found.apply(file, text, findings),
        Ok(None) => {}
        Err(message) => {
            writeln!(err, "{message}")?;
            *io_error = true;
        }
    }
    findings.retain(|f| !options.ignore.iter().any(|rule| rule == f.rule));
    Ok(findings)
}

/// A warning for each `--ignore` rule id Hatoba does not know (with the nearest it does), as
/// for an unknown id in `.hatoba.toml` or a `# hatoba-ignore` comment.
fn ignored_unknown(ignore: &[String]) -> Vec<(String, Finding)> {
    let known = crate::lintconfig::known_rules();
    ignore
        .iter()
        .filter(|rule| !known.contains(&rule.as_str()))
        .map(|rule| {
            let hint = hatoba_core::finding::did_you_mean(rule, known.iter().copied())
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_default();
            let finding = Finding::warning(
                crate::lintconfig::RULE,
                "",
                hatoba_core::source::Pos { line: 1, column: 1 },
                format!("--ignore {rule}: `{rule}` is not a rule Hatoba knows{hint}"),
            );
            ("--ignore".to_owned(), finding)
        })
        .collect()
}

/// The options the three check commands share (`hatoba check`, `taskdef check`, `workflow
/// check`).
#[derive(Debug, clap::Args)]
pub struct CheckFlags {
    /// human: FILE:LINE:COL: severity: message [rule]; json: one array of
    /// {file, rule, severity, path, line, column, message}; github: annotations for a
    /// GitHub Actions run (::error file=..,line=..,col=..,title=RULE::MESSAGE).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 on any error (default), or on any finding at all (warning).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// The .hatoba.toml for every file (default: each file's nearest, looked for in its
    /// directory and above).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Drop this rule's findings (repeatable), whatever .hatoba.toml says: `--ignore step-ref`.
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Apply the quick fixes the web editor offers and write each file back; what was fixed
    /// goes to stderr, what remains is reported as without --fix.
    #[arg(long)]
    pub fix: bool,
}

/// Runs a check command: reads the configurations, checks `files`, prints, and gives the exit
/// code (2 when a configuration `--config` names cannot be read). `fixer` gives the quick fixes
/// `--fix` applies.
pub fn run_checks(
    files: &[(PathBuf, Checker)],
    flags: &CheckFlags,
    fixer: Fixer,
    out: impl Write,
    mut err: impl Write,
) -> std::process::ExitCode {
    match Options::new(flags.format, flags.fail_on, flags.config.as_deref()) {
        Ok(mut options) => {
            options.ignore.clone_from(&flags.ignore);
            options.fix = flags.fix.then_some(fixer);
            Outcome::exit_code(check_with(files, &mut options, out, err))
        }
        Err(message) => {
            let _ = writeln!(err, "{message}");
            std::process::ExitCode::from(2)
        }
    }
}
