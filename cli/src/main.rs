//! `hatoba`: the same checks as the browser editor and the worker, for terminals, CI and
//! pre-commit hooks.

use clap::Parser;

/// Push-to-deploy for Amazon ECS: Hatoba's checks and tools, for terminals and CI.
#[derive(Debug, Parser)]
#[command(name = "hatoba", version = hatoba_core::VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print the version (same as --version).
    Version,
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Version) => println!("hatoba {}", hatoba_core::VERSION),
        None => {
            // No subcommand: show what there is rather than doing nothing silently.
            use clap::CommandFactory;
            Cli::command().print_help().expect("stdout is writable");
            println!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
