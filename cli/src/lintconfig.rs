//! `.hatoba.toml`: finding the one that applies to each checked file (reading it, the model and what it does to
//! findings are `hatoba_core::lintconfig`'s) by walking up from the file's directory, unless `--config` names one for every file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hatoba_core::finding::Finding;
use hatoba_core::lintconfig::LintConfig;
pub use hatoba_core::lintconfig::{FILE_NAME, RULE, known_rules, parse};

/// A configuration and the directory its path globs are relative to.
#[derive(Debug)]
pub struct Found {
    /// The parsed configuration.
    pub config: LintConfig,
    /// The directory holding it (absolute).
    pub dir: PathBuf,
}

/// The configurations of one run: the one `--config` names, or the nearest `.hatoba.toml` of
/// each file, each read once; what reading them found waits in [`Configs::take_findings`].
#[derive(Debug, Default)]
pub struct Configs {
    explicit: Option<Rc<Found>>,
    by_dir: HashMap<PathBuf, Option<Rc<Found>>>,
    findings: Vec<(String, Finding)>,
}

impl Configs {
    /// With `--config PATH`, that file for every checked file; else each file's nearest
    /// `.hatoba.toml`. `Err` when the named file cannot be read or is not TOML.
    pub fn new(explicit: Option<&Path>) -> Result<Self, String> {
        let mut configs = Self::default();
        if let Some(path) = explicit {
            configs.explicit = Some(configs.load(path)?);
        }
        Ok(configs)
    }

    fn load(&mut self, path: &Path) -> Result<Rc<Found>, String> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        let (config, warnings) = parse(&text).map_err(|f| format!("{name}:{f}"))?;
        self.findings
            .extend(warnings.into_iter().map(|w| (name.clone(), w)));
        let dir = std::path::absolute(path)
            .map_err(|e| format!("{name}: {e}"))?
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Rc::new(Found { config, dir }))
    }

    /// The configuration for `file`, if any. `Err` when the one found is not TOML.
    pub fn for_file(&mut self, file: &Path) -> Result<Option<Rc<Found>>, String> {
        if let Some(found) = &self.explicit {
            return Ok(Some(found.clone()));
        }
        let Ok(absolute) = std::path::absolute(file) else {
            return Ok(None);
        };
        let mut visited = Vec::new();
        let mut dir = absolute.parent();
        let mut result = None;
        while let Some(d) = dir {
            if let Some(known) = self.by_dir.get(d) {
                result = known.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                let shown = relative_to_cwd(&candidate);
                result = Some(self.load(&shown)?);
                break;
            }
            dir = d.parent();
        }
        for d in visited {
            self.by_dir.insert(d, result.clone());
        }
        Ok(result)
    }

    /// What reading the configurations found so far, with each configuration's name; taken
    /// once.
    pub fn take_findings(&mut self) -> Vec<(String, Finding)> {
        std::mem::take(&mut self.findings)
    }
}

impl Found {
    /// `file`'s findings as the configuration asks (its globs see the path relative to the
    /// configuration's directory).
    pub fn apply(&self, file: &Path, text: &str, findings: Vec<Finding>) -> Vec<Finding> {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let relative = absolute.strip_prefix(&self.dir).unwrap_or(&absolute);
        let path: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        self.config.apply(&path.join("/"), text, findings)
    }
}

/// `path` relative to the working directory when it is below it (for messages), else as is.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hatoba_core::lintconfig::Level;

    #[test]
    fn the_issue_form_reads_without_warnings() {
        let text = r#"[rules]                       # rule id -> "off" | "warning" | "error"
step-ref = "warning"
[[overrides]]                 # later entries win
paths = ["infra/templates/**"]
rules = { image-reference = "off" }
[runners]
labels = ["gpu-large", "self-hosted-arm"]   # known self-hosted labels
[placeholders]
patterns = ["__[A-Z_]+__"]                  # the team's own placeholder forms
"#;
        let (config, warnings) = parse(text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.rules, [("step-ref".to_string(), Level::Warning)]);
        assert_eq!(config.overrides.len(), 1);
        assert_eq!(config.overrides[0].paths, ["infra/templates/**"]);
        assert_eq!(
            config.overrides[0].rules,
            [("image-reference".to_string(), Level::Off)]
        );
        assert_eq!(config.runner_labels, ["gpu-large", "self-hosted-arm"]);
        assert_eq!(config.placeholders[0].as_str(), "__[A-Z_]+__");
    }

    #[test]
    fn unknown_keys_rule_ids_and_levels_are_warnings_with_their_line() {
        let text = "[rules]\nstep-rfe = \"warning\"\nmatrix-ref = \"loud\"\n[runner]\nlabels = []\n[[overrides]]\npath = [\"a\"]\n[placeholders]\npatterns = [\"(a|b)\"]\n";
        let (config, warnings) = parse(text).unwrap();
        assert!(config.rules.is_empty());
        let got: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "2:1: warning: unknown rule `step-rfe` is ignored; did you mean `step-ref`? [config]",
                "3:14: warning: rule `matrix-ref`: the level is \"off\", \"warning\" or \"error\"; ignored [config]",
                "4:2: warning: unknown key `runner` at the top level is ignored (known: rules, overrides, runners, placeholders); did you mean `runners`? [config]",
                "6:1: warning: an override without `paths` applies to no file [config]",
                "7:1: warning: unknown key `path` in `overrides[0]` is ignored (known: paths, rules); did you mean `paths`? [config]",
                "9:13: warning: pattern `(a|b)` is ignored: `(`: groups and alternatives are not supported; write one pattern per form [config]",
            ]
        );
        assert!(
            parse("[rules\n")
                .unwrap_err()
                .to_string()
                .contains("not TOML")
        );
    }

    #[test]
    fn the_nearest_configuration_applies_and_config_overrides_it() {
        let root = std::env::temp_dir().join(format!("hatoba-lintconfig-{}", std::process::id()));
        let sub = root.join("infra/templates");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(root.join(FILE_NAME), "[rules]\nstep-ref = \"off\"\n").unwrap();
        std::fs::write(sub.join(FILE_NAME), "[rules]\nstep-ref = \"error\"\n").unwrap();
        let other = root.join("other.toml");
        std::fs::write(&other, "[rules]\nbogus = \"off\"\n").unwrap();
        let mut configs = Configs::new(None).unwrap();
        let top = configs.for_file(&root.join("a.yml")).unwrap().unwrap();
        assert_eq!(top.config.level("step-ref", "a.yml"), Some(Level::Off));
        let near = configs.for_file(&sub.join("td.json")).unwrap().unwrap();
        assert_eq!(near.config.level("step-ref", "td.json"), Some(Level::Error));
        assert!(configs.take_findings().is_empty());
        let mut explicit = Configs::new(Some(&other)).unwrap();
        let found = explicit.for_file(&sub.join("td.json")).unwrap().unwrap();
        assert!(found.config.rules.is_empty());
        let findings = explicit.take_findings();
        assert_eq!(findings.len(), 1);
        assert!(findings[0].1.message.contains("unknown rule `bogus`"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
