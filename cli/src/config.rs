//! `hatoba config check`, and the targets `hatoba deploy` reads: the `[[vars.HATOBA_TARGETS]]`
//! tables of `worker/wrangler.toml`, the file the worker is deployed with.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hatoba_core::deploy::{Target, parse_targets, target::VARIABLE};

/// Where the targets are unless `--config` says otherwise.
pub const DEFAULT_CONFIG: &str = "worker/wrangler.toml";

/// `hatoba config ...`.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Check the deploy targets ([[vars.HATOBA_TARGETS]] in wrangler.toml) as the worker and
    /// `hatoba deploy` read them. Exit 0 when they are valid, 1 when not, 2 when the file
    /// cannot be read.
    Check {
        /// The wrangler.toml holding the targets.
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

/// Why the targets could not be read.
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read or is not TOML.
    File(String),
    /// The targets break rules: one line each, `HATOBA_TARGETS[1].cluster: missing`.
    Invalid(Vec<String>),
}

/// Reads and checks the targets of `path` (a wrangler.toml).
pub fn load_targets(path: &Path) -> Result<Vec<Target>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::File(format!("{}: {e}", path.display())))?;
    targets_from_toml(&text).map_err(|e| match e {
        ConfigError::File(message) => ConfigError::File(format!("{}: {message}", path.display())),
        other => other,
    })
}

/// Reads and checks the targets of wrangler.toml text.
pub fn targets_from_toml(text: &str) -> Result<Vec<Target>, ConfigError> {
    let document: toml::Table = toml::from_str(text)
        .map_err(|e| ConfigError::File(format!("not TOML: {}", e.to_string().trim_end())))?;
    let Some(targets) = document.get("vars").and_then(|vars| vars.get(VARIABLE)) else {
        return Err(ConfigError::Invalid(vec![format!(
            "{VARIABLE}: missing: add a [[vars.{VARIABLE}]] table for each target"
        )]));
    };
    // The worker receives the same tables as JSON (wrangler passes non-string vars so).
    let json = serde_json::to_value(targets).map_err(|e| ConfigError::File(e.to_string()))?;
    let json = match json {
        // A target list written as a JSON string (as `wrangler secret`-style plain vars are).
        serde_json::Value::String(s) => serde_json::from_str(&s)
            .map_err(|e| ConfigError::Invalid(vec![format!("{VARIABLE}: not JSON: {e}")]))?,
        other => other,
    };
    parse_targets(&json).map_err(|findings| {
        ConfigError::Invalid(findings.iter().map(ToString::to_string).collect())
    })
}

/// Runs `hatoba config ...`.
pub fn run(command: ConfigCommand) -> ExitCode {
    let ConfigCommand::Check { config } = command;
    match load_targets(&config) {
        Ok(targets) => {
            for t in &targets {
                let triggers: Vec<String> = [
                    t.branch.as_ref().map(|b| format!("push to {b}")),
                    t.workflow.as_ref().map(|w| format!("workflow {w}")),
                    t.environment.as_ref().map(|e| format!("deployment to {e}")),
                ]
                .into_iter()
                .flatten()
                .collect();
                println!(
                    "{}: {} → {}/{} in {} ({}; base {})",
                    t.name,
                    t.repository,
                    t.cluster,
                    t.service,
                    t.region,
                    triggers.join(", "),
                    t.task_definition
                );
            }
            println!(
                "{}: {} target{} ok",
                config.display(),
                targets.len(),
                if targets.len() == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
        Err(ConfigError::Invalid(findings)) => {
            for f in &findings {
                println!("{}: {f}", config.display());
            }
            ExitCode::from(1)
        }
        Err(ConfigError::File(message)) => {
            eprintln!("hatoba config check: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tables_of_wrangler_toml() {
        let text = r#"
name = "hatoba"
[vars]
AWS_REGION = "us-east-1"
[[vars.HATOBA_TARGETS]]
name = "stg-web"
repository = "octo/shop"
branch = "main"
region = "eu-west-1"
cluster = "stg"
service = "web"
container = "web"
ecrRepository = "shop/web"
taskDefinition = "s3://cfg/web.json"
pollSeconds = 5
"#;
        let targets = targets_from_toml(text).unwrap();
        assert_eq!(targets[0].poll_seconds, 5);
        let broken = text.replace("cluster = \"stg\"\n", "");
        match targets_from_toml(&broken) {
            Err(ConfigError::Invalid(f)) => assert_eq!(f, ["HATOBA_TARGETS[0].cluster: missing"]),
            other => panic!("{other:?}"),
        }
        match targets_from_toml("[vars\n") {
            Err(ConfigError::File(m)) => assert!(m.starts_with("not TOML: "), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_shipped_wrangler_toml_checks() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../worker/wrangler.toml");
        let targets = load_targets(&path).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!targets.is_empty());
    }
}
