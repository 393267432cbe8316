//! `hatoba workflow ...`: the workflow checks of the editor, for terminals and CI.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::report::{Format, Outcome, check_files};

/// `hatoba workflow ...`.
#[derive(Debug, clap::Subcommand)]
pub enum WorkflowCommand {
    /// Check GitHub Actions workflow files with the editor's rules. Exit 0 when no error, 1
    /// when any, 2 on a usage or I/O error.
    Check {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// human: FILE:LINE:COL: severity: message [rule]; json: one array of
        /// {file, rule, severity, path, line, column, message}.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

/// Runs a `hatoba workflow` command; returns its exit code.
pub fn run(command: WorkflowCommand) -> ExitCode {
    let (out, err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match command {
        WorkflowCommand::Check { files, format } => {
            match check_files(&files, hatoba_core::workflow::check, format, out, err) {
                Ok(Outcome::Clean) => ExitCode::SUCCESS,
                Ok(Outcome::Errors) => ExitCode::from(1),
                Ok(Outcome::IoError) | Err(_) => ExitCode::from(2),
            }
        }
    }
}
