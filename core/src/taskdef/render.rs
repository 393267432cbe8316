//! Render: a new image (and environment, secrets, labels, log options, command, roles, size)
//! into a task definition, the way a deploy rewrites it; and the `imagedefinitions.json` /
//! `imageDetail.json` files CodePipeline's ECS actions read.
//!
//! Unlike the usual render action, values may contain `=` and `command` is split like a shell
//! would, quotes respected.

use std::fmt;

use serde_json::{Map, Value, json};

/// What to change in one container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerChange {
    /// The container's `name`.
    pub name: String,
    /// The new image.
    pub image: Option<String>,
    /// Environment variables to add or replace.
    pub environment: Vec<(String, String)>,
    /// Secrets (name, valueFrom) to add or replace.
    pub secrets: Vec<(String, String)>,
    /// Docker labels to add or replace.
    pub docker_labels: Vec<(String, String)>,
    /// Log driver options to add or replace.
    pub log_options: Vec<(String, String)>,
    /// The new command.
    pub command: Option<Vec<String>>,
}

/// Everything a render changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Render {
    /// Per-container changes.
    pub containers: Vec<ContainerChange>,
    /// New `taskRoleArn`.
    pub task_role_arn: Option<String>,
    /// New `executionRoleArn`.
    pub execution_role_arn: Option<String>,
    /// New task-level `cpu`.
    pub cpu: Option<String>,
    /// New task-level `memory`.
    pub memory: Option<String>,
}

/// Why a render could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The task definition is not an object with a `containerDefinitions` array.
    NotATaskDefinition,
    /// No container has this name.
    NoSuchContainer {
        /// The name asked for.
        name: String,
        /// The containers there are.
        available: Vec<String>,
    },
    /// A `KEY=VALUE` argument without `=`.
    NotKeyValue(String),
    /// A command with an unclosed quote or a trailing backslash.
    Command(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::NotATaskDefinition => write!(
                f,
                "not a task definition: expected an object with containerDefinitions"
            ),
            RenderError::NoSuchContainer { name, available } => {
                write!(
                    f,
                    "no container named \"{name}\": the task definition has {}",
                    available
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            RenderError::NotKeyValue(arg) => write!(f, "\"{arg}\" is not KEY=VALUE"),
            RenderError::Command(why) => write!(f, "command: {why}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Splits `KEY=VALUE` at the first `=`, so values may hold `=` themselves.
pub fn key_value(arg: &str) -> Result<(String, String), RenderError> {
    match arg.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(RenderError::NotKeyValue(arg.to_owned())),
    }
}

/// Splits a command line as a POSIX shell would (without expansions): whitespace separates
/// words; '…' is literal; "…" keeps spaces and honours \" \\ \$ \`; a backslash outside quotes
/// escapes the next character.
pub fn split_command(line: &str) -> Result<Vec<String>, RenderError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(RenderError::Command("unclosed single quote".into())),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => {
                                return Err(RenderError::Command("unclosed double quote".into()));
                            }
                        },
                        Some(c) => word.push(c),
                        None => return Err(RenderError::Command("unclosed double quote".into())),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
                None => return Err(RenderError::Command("trailing backslash".into())),
            },
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Adds or replaces `{name, value_key: value}` entries of a named list (`environment`,
/// `secrets`), keeping the order of those already there.
fn upsert_named(list: &mut Vec<Value>, value_key: &str, pairs: &[(String, String)]) {
    for (name, value) in pairs {
        match list.iter_mut().find(|e| e["name"] == name.as_str()) {
            Some(entry) => entry[value_key] = json!(value),
            None => list.push(json!({ "name": name, value_key: value })),
        }
    }
}

fn object_field<'a>(object: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = object.entry(key).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    slot.as_object_mut().expect("made an object above")
}

fn array_field<'a>(object: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    let slot = object.entry(key).or_insert_with(|| json!([]));
    if !slot.is_array() {
        *slot = json!([]);
    }
    slot.as_array_mut().expect("made an array above")
}

/// Applies `render` to a task definition (as loaded: read-only fields already stripped).
pub fn render(task_definition: &Value, render: &Render) -> Result<Value, RenderError> {
    let mut td = task_definition.clone();
    let root = td.as_object_mut().ok_or(RenderError::NotATaskDefinition)?;
    for (key, value) in [
        ("taskRoleArn", &render.task_role_arn),
        ("executionRoleArn", &render.execution_role_arn),
        ("cpu", &render.cpu),
        ("memory", &render.memory),
    ] {
        if let Some(value) = value {
            root.insert(key.to_owned(), json!(value));
        }
    }
    let containers = root
        .get_mut("containerDefinitions")
        .and_then(Value::as_array_mut)
        .ok_or(RenderError::NotATaskDefinition)?;
    for change in &render.containers {
        let Some(container) = containers
            .iter_mut()
            .find(|c| c["name"] == change.name.as_str())
            .and_then(Value::as_object_mut)
        else {
            return Err(RenderError::NoSuchContainer {
                name: change.name.clone(),
                available: container_names(task_definition),
            });
        };
        if let Some(image) = &change.image {
            container.insert("image".into(), json!(image));
        }
        if !change.environment.is_empty() {
            upsert_named(
                array_field(container, "environment"),
                "value",
                &change.environment,
            );
        }
        if !change.secrets.is_empty() {
            upsert_named(
                array_field(container, "secrets"),
                "valueFrom",
                &change.secrets,
            );
        }
        if !change.docker_labels.is_empty() {
            let labels = object_field(container, "dockerLabels");
            for (k, v) in &change.docker_labels {
                labels.insert(k.clone(), json!(v));
            }
        }
        if !change.log_options.is_empty() {
            let options = object_field(object_field(container, "logConfiguration"), "options");
            for (k, v) in &change.log_options {
                options.insert(k.clone(), json!(v));
            }
        }
        if let Some(command) = &change.command {
            container.insert("command".into(), json!(command));
        }
    }
    Ok(td)
}

fn container_names(task_definition: &Value) -> Vec<String> {
    task_definition["containerDefinitions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

/// `imagedefinitions.json` for CodePipeline's ECS standard deploy action: `[{"name", "imageUri"}]`
/// for every container.
pub fn image_definitions(task_definition: &Value) -> Value {
    let containers = task_definition["containerDefinitions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    containers
        .iter()
        .filter_map(|c| {
            Some(json!({ "name": c["name"].as_str()?, "imageUri": c["image"].as_str()? }))
        })
        .collect()
}

/// `imageDetail.json` for CodeDeploy blue/green: `{"ImageURI"}` of the named container.
pub fn image_detail(task_definition: &Value, container: &str) -> Result<Value, RenderError> {
    let containers = task_definition["containerDefinitions"]
        .as_array()
        .ok_or(RenderError::NotATaskDefinition)?;
    containers
        .iter()
        .find(|c| c["name"] == container)
        .map(|c| json!({ "ImageURI": c["image"] }))
        .ok_or_else(|| RenderError::NoSuchContainer {
            name: container.to_owned(),
            available: container_names(task_definition),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn td() -> Value {
        json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "web:1", "environment": [{"name": "MODE", "value": "a"}]},
            {"name": "log", "image": "fluent-bit:3"}]})
    }

    #[test]
    fn renders_image_env_secrets_labels_log_options_and_command() {
        let out = render(
            &td(),
            &Render {
                containers: vec![ContainerChange {
                    name: "web".into(),
                    image: Some(
                        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc".into(),
                    ),
                    environment: vec![
                        key_value("MODE=b").unwrap(),
                        key_value("DSN=host=db user=app sslmode=require").unwrap(),
                    ],
                    secrets: vec![("TOKEN".into(), "/web/token".into())],
                    docker_labels: vec![("team".into(), "web".into())],
                    log_options: vec![key_value("awslogs-group=/ecs/web").unwrap()],
                    command: Some(
                        split_command(r#"sh -c 'echo "$A"; exec web' --flag="a b""#).unwrap(),
                    ),
                }],
                cpu: Some("512".into()),
                ..Render::default()
            },
        )
        .unwrap();
        let web = &out["containerDefinitions"][0];
        assert_eq!(
            web["image"],
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc"
        );
        assert_eq!(
            web["environment"],
            json!([{"name": "MODE", "value": "b"}, {"name": "DSN", "value": "host=db user=app sslmode=require"}])
        );
        assert_eq!(
            web["secrets"],
            json!([{"name": "TOKEN", "valueFrom": "/web/token"}])
        );
        assert_eq!(web["dockerLabels"], json!({"team": "web"}));
        assert_eq!(
            web["logConfiguration"]["options"],
            json!({"awslogs-group": "/ecs/web"})
        );
        assert_eq!(
            web["command"],
            json!(["sh", "-c", "echo \"$A\"; exec web", "--flag=a b"])
        );
        assert_eq!(out["cpu"], "512");
        // The other container and the key order are untouched.
        assert_eq!(
            out["containerDefinitions"][1],
            td()["containerDefinitions"][1]
        );
        assert_eq!(out.as_object().unwrap().keys().next().unwrap(), "family");
    }

    #[test]
    fn a_missing_container_is_a_clear_error() {
        let err = render(
            &td(),
            &Render {
                containers: vec![ContainerChange {
                    name: "api".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no container named \"api\": the task definition has \"web\", \"log\""
        );
    }

    #[test]
    fn shell_splitting() {
        assert_eq!(
            split_command("  a  'b c' \"d \\\"e\\\"\" f\\ g ''").unwrap(),
            ["a", "b c", "d \"e\"", "f g", ""]
        );
        assert!(
            split_command("echo 'x")
                .unwrap_err()
                .to_string()
                .contains("unclosed single quote")
        );
        assert!(split_command("echo \\").is_err());
        assert_eq!(key_value("A=").unwrap(), ("A".into(), String::new()));
        assert!(key_value("=x").is_err() && key_value("nope").is_err());
    }

    #[test]
    fn image_definitions_and_detail() {
        assert_eq!(
            image_definitions(&td()),
            json!([{"name": "web", "imageUri": "web:1"}, {"name": "log", "imageUri": "fluent-bit:3"}])
        );
        assert_eq!(
            image_detail(&td(), "log").unwrap(),
            json!({"ImageURI": "fluent-bit:3"})
        );
        assert!(image_detail(&td(), "x").is_err());
    }
}
