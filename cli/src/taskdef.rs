//! `hatoba taskdef ...`: the task-definition checks of the editor, for terminals and CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use hatoba_core::finding::{Finding, Severity};

use crate::report::CheckFlags;

/// `hatoba taskdef ...`.
#[derive(Debug, clap::Subcommand)]
// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum TaskdefCommand {
    /// What may be written at a place of a task definition (the editor's completion): keys, values,
    /// enum values and Fargate sizes. Exit 0, 2 on a usage or I/O error.
    Complete(crate::assist::AssistArgs),
    /// What the key or value at a place of a task definition is (the editor's hover): its type, allowed
    /// values and reference page. Exit 0 (nothing printed when nothing is known there), 2 on a
    /// usage or I/O error.
    Hover(crate::assist::AssistArgs),
    /// Check task definitions (JSON or YAML, plain or describe-task-definition output) with the
    /// editor's rules. Exit 0 when no error, 1 when any, 2 on a usage or I/O error.
    Check {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        flags: CheckFlags,
    },
    /// Render changes into a task definition and print it, ready for RegisterTaskDefinition
    /// (read-only fields stripped). Values may contain '='. Exit 1 when the result breaks a
    /// rule (the findings go to stderr), 2 on a usage or I/O error.
    Render {
        /// The task definition (plain or describe-task-definition output).
        file: PathBuf,
        /// The container the container options apply to.
        #[arg(long, required_unless_present_any = ["task_role_arn", "execution_role_arn", "cpu", "memory", "image_for"])]
        container: Option<String>,
        /// Its new image.
        #[arg(long, requires = "container")]
        image: Option<String>,
        /// An environment variable to add or replace: KEY=VALUE.
        #[arg(long = "env", value_name = "KEY=VALUE", requires = "container")]
        env: Vec<String>,
        /// A secret to add or replace: NAME=ARN-OR-PARAMETER.
        #[arg(long = "secret", value_name = "NAME=ARN", requires = "container")]
        secrets: Vec<String>,
        /// A Docker label to add or replace: KEY=VALUE.
        #[arg(long = "label", value_name = "KEY=VALUE", requires = "container")]
        labels: Vec<String>,
        /// A log driver option to add or replace: KEY=VALUE.
        #[arg(long = "log-option", value_name = "KEY=VALUE", requires = "container")]
        log_options: Vec<String>,
        /// The new command, split like a shell does: --command "sh -c 'echo hi'".
        #[arg(long, requires = "container")]
        command: Option<String>,
        /// The image of another container, for task definitions with several:
        /// NAME=URI (repeat it for each).
        #[arg(long = "image-for", value_name = "NAME=URI")]
        image_for: Vec<String>,
        /// New taskRoleArn.
        #[arg(long)]
        task_role_arn: Option<String>,
        /// New executionRoleArn.
        #[arg(long)]
        execution_role_arn: Option<String>,
        /// New task cpu ("256", "0.25 vCPU").
        #[arg(long)]
        cpu: Option<String>,
        /// New task memory ("512", "1 GB").
        #[arg(long)]
        memory: Option<String>,
    },
    /// Compare two task definitions after normalizing both (defaults, units, order); print
    /// the changes. Exit 0 when they mean the same, 1 when they differ, 2 on an error.
    Diff {
        /// The old task definition.
        old: PathBuf,
        /// The new task definition.
        new: PathBuf,
    },
    /// Print imagedefinitions.json ([{"name", "imageUri"}], for CodePipeline's ECS deploy).
    Imagedefinitions {
        /// The task definition.
        file: PathBuf,
    },
    /// Print imageDetail.json ({"ImageURI"}, for CodeDeploy blue/green) of one container.
    Imagedetail {
        /// The task definition.
        file: PathBuf,
        /// The container whose image it names.
        #[arg(long)]
        container: String,
    },
}

/// Reads and loads a task definition file; read-only fields are stripped (their warnings go to
/// `err`). `None` (after saying why on `err`) when it cannot be read or is not JSON.
pub fn load_file(
    file: &std::path::Path,
    mut err: impl Write,
) -> std::io::Result<Option<serde_json::Value>> {
    let name = file.display();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            writeln!(err, "{name}: {e}")?;
            return Ok(None);
        }
    };
    let loaded = hatoba_core::taskdef::load(&text);
    for finding in &loaded.findings {
        writeln!(err, "{name}:{finding}")?;
    }
    Ok(loaded.document.map(|d| d.to_json()))
}

/// Prints `value` as indented JSON.
pub fn print_json(value: &serde_json::Value, mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    )
}

/// The error findings of a rendered task definition, as `rendered:LINE:COL: ...` lines on
/// `err`; whether there were any.
pub fn report_rendered(rendered: &serde_json::Value, mut err: impl Write) -> std::io::Result<bool> {
    let text = serde_json::to_string_pretty(rendered).expect("JSON values serialize");
    let errors: Vec<Finding> = hatoba_core::taskdef::check(&text)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    for finding in &errors {
        writeln!(err, "rendered:{finding}")?;
    }
    Ok(!errors.is_empty())
}

/// Runs a `hatoba taskdef` command; returns its exit code.
pub fn run(command: TaskdefCommand) -> ExitCode {
    use hatoba_core::taskdef::{diff, render};
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("hatoba taskdef: {e}");
        ExitCode::from(2)
    };
    macro_rules! load {
        ($file:expr) => {
            match load_file(&$file, &mut err) {
                Ok(Some(td)) => td,
                Ok(None) => return ExitCode::from(2),
                Err(e) => return fail(&e),
            }
        };
    }
    match command {
        TaskdefCommand::Complete(args) => crate::assist::run(
            hatoba_core::assist::Language::TaskDefinition,
            false,
            args,
            "taskdef complete",
        ),
        TaskdefCommand::Hover(args) => crate::assist::run(
            hatoba_core::assist::Language::TaskDefinition,
            true,
            args,
            "taskdef hover",
        ),
        TaskdefCommand::Check { files, flags } => {
            let checker: crate::report::Checker = hatoba_core::taskdef::check;
            let files: Vec<_> = files.into_iter().map(|f| (f, checker)).collect();
            crate::report::run_checks(&files, &flags, hatoba_core::fix::taskdef_fixes, out, err)
        }
        TaskdefCommand::Render {
            file,
            container,
            image,
            env,
            secrets,
            labels,
            log_options,
            command,
            image_for,
            task_role_arn,
            execution_role_arn,
            cpu,
            memory,
        } => {
            let td = load!(file);
            let pairs = |args: &[String]| {
                args.iter()
                    .map(|a| render::key_value(a))
                    .collect::<Result<Vec<_>, _>>()
            };
            let change = (|| -> Result<Option<render::ContainerChange>, render::RenderError> {
                let Some(name) = container else {
                    return Ok(None);
                };
                Ok(Some(render::ContainerChange {
                    name,
                    image,
                    environment: pairs(&env)?,
                    secrets: pairs(&secrets)?,
                    docker_labels: pairs(&labels)?,
                    log_options: pairs(&log_options)?,
                    command: command.as_deref().map(render::split_command).transpose()?,
                }))
            })();
            let change = match change {
                Ok(change) => change,
                Err(e) => return fail(&e),
            };
            let others = match pairs(&image_for) {
                Ok(others) => others,
                Err(e) => return fail(&e),
            };
            let containers = change
                .into_iter()
                .chain(
                    others
                        .into_iter()
                        .map(|(name, image)| render::ContainerChange {
                            name,
                            image: Some(image),
                            ..Default::default()
                        }),
                )
                .collect();
            let spec = render::Render {
                containers,
                task_role_arn,
                execution_role_arn,
                cpu,
                memory,
            };
            match render::render(&td, &spec) {
                Ok(rendered) => {
                    if print_json(&rendered, &mut out).is_err() {
                        return ExitCode::from(2);
                    }
                    match report_rendered(&rendered, &mut err) {
                        Ok(false) => ExitCode::SUCCESS,
                        Ok(true) => ExitCode::from(1),
                        Err(e) => fail(&e),
                    }
                }
                Err(e) => fail(&e),
            }
        }
        TaskdefCommand::Diff { old, new } => {
            let (old, new) = (load!(old), load!(new));
            let changes = diff::diff(&old, &new);
            for change in &changes {
                if writeln!(out, "{change}").is_err() {
                    return ExitCode::from(2);
                }
            }
            if changes.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        TaskdefCommand::Imagedefinitions { file } => {
            let td = load!(file);
            match print_json(&render::image_definitions(&td), &mut out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        TaskdefCommand::Imagedetail { file, container } => {
            let td = load!(file);
            match render::image_detail(&td, &container).map(|d| print_json(&d, &mut out)) {
                Ok(Ok(())) => ExitCode::SUCCESS,
                Ok(Err(e)) => fail(&e),
                Err(e) => fail(&e),
            }
        }
    }
}
