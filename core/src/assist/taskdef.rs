//! Completion and hover in task definitions, from ECS's `RegisterTaskDefinition` shapes.

use super::cursor::{Cursor, Role, Seg};
use super::{Completion, Hover, Kind};
use crate::taskdef::schema::Shape;
use crate::taskdef::shapes::{ROOT, SHAPES};
use crate::taskdef::units::{FARGATE_CPU, cpu_units, fargate_memory_for_cpu, vcpu};

/// The shape at `path`, and the structure and member that hold it.
fn shape_at(path: &[Seg]) -> Option<(usize, Option<(&'static str, &'static str)>)> {
    let mut shape = ROOT;
    let mut owner = None;
    for seg in path {
        shape = match (&SHAPES[shape], seg) {
            (Shape::Structure { name, members, .. }, Seg::Key(k)) => {
                let (member, s) = members.iter().find(|(m, _)| m == k)?;
                owner = Some((*name, *member));
                *s
            }
            (Shape::Map { value }, Seg::Key(_)) => *value,
            (Shape::List { member }, Seg::Index) => *member,
            _ => return None,
        };
    }
    Some((shape, owner))
}

/// A shape's type in words: `string`, `list of PortMapping`, `HealthCheck object`.
fn type_of(shape: usize) -> String {
    match &SHAPES[shape] {
        Shape::Structure { name, .. } => format!("{name} object"),
        Shape::List { member } => format!("list of {}", type_of(*member)),
        Shape::Map { value } => format!("map of {}", type_of(*value)),
        Shape::String { values } if !values.is_empty() => "string (an enum)".into(),
        Shape::String { .. } => "string".into(),
        Shape::Integer => "integer".into(),
        Shape::Boolean => "boolean".into(),
        Shape::Number => "number".into(),
    }
}

pub(super) fn complete(c: &Cursor) -> Vec<Completion> {
    match c.role {
        Role::Key => keys(c, &c.path),
        Role::Item => {
            let mut out = keys(c, &c.path);
            out.extend(values(c));
            out
        }
        Role::Value => values(c),
    }
}

/// The members of the structure at `path` not written yet.
fn keys(c: &Cursor, path: &[Seg]) -> Vec<Completion> {
    let Some((shape, _)) = shape_at(path) else {
        return Vec::new();
    };
    let Shape::Structure {
        members, required, ..
    } = &SHAPES[shape]
    else {
        return Vec::new();
    };
    let mut out: Vec<Completion> = members
        .iter()
        .filter(|(m, _)| !c.siblings.iter().any(|(k, _)| k == m))
        .map(|(m, s)| Completion {
            label: (*m).to_owned(),
            kind: Kind::Key,
            detail: match required.contains(m) {
                true => format!("{} · required", type_of(*s)),
                false => type_of(*s),
            },
            apply: match (c.json, c.quoted) {
                (true, true) => (*m).to_owned(),
                (true, false) => format!("\"{m}\": "),
                (false, _) => format!("{m}: "),
            },
        })
        .collect();
    // Required members first.
    let required = |o: &Completion| o.detail.ends_with("required");
    crate::sort_short(&mut out, |a, b| required(a) && !required(b));
    out
}

/// The values the key at the cursor allows: its enum, true/false, Fargate's sizes.
fn values(c: &Cursor) -> Vec<Completion> {
    let Some((shape, _)) = shape_at(&c.path) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    let task_level = c.path.len() == 1;
    match (&SHAPES[shape], c.last_key()) {
        (_, Some("cpu")) if task_level => {
            out.extend(FARGATE_CPU.map(|u| (u.to_string(), format!("{} (Fargate)", vcpu(u)))));
        }
        (_, Some("memory")) if task_level => {
            let cpu = Cursor::value_in(&c.root, "cpu").and_then(cpu_units);
            let sizes = match cpu.and_then(fargate_memory_for_cpu) {
                Some(sizes) => sizes,
                None => FARGATE_CPU
                    .iter()
                    .flat_map(|&u| fargate_memory_for_cpu(u).unwrap_or_default())
                    .fold(Vec::new(), |mut all, m| {
                        if !all.contains(&m) {
                            all.push(m);
                        }
                        all
                    }),
            };
            let note = cpu.map_or(String::new(), |u| format!(", pairs with {}", vcpu(u)));
            out.extend(
                sizes
                    .into_iter()
                    .map(|m| (m.to_string(), format!("{} GB{note}", m / 1024))),
            );
        }
        (Shape::String { values }, _) => {
            out.extend(values.iter().map(|v| ((*v).to_owned(), String::new())));
        }
        (Shape::Boolean, _) => {
            out.extend(["true", "false"].map(|v| (v.to_owned(), String::new())));
        }
        _ => {}
    }
    let string = matches!(SHAPES[shape], Shape::String { .. });
    out.into_iter()
        .map(|(value, detail)| Completion {
            apply: match c.json && !c.quoted && string {
                true => format!("\"{value}\""),
                false => value.clone(),
            },
            label: value,
            kind: Kind::Value,
            detail,
        })
        .collect()
}

pub(super) fn hover(c: &Cursor) -> Option<Hover> {
    let mut path = c.path.clone();
    if c.role != Role::Value {
        path.push(Seg::Key(c.prefix.clone()));
    }
    let (shape, owner) = shape_at(&path)?;
    let (structure, member) = owner?;
    let mut facts = vec![type_of(shape)];
    if let Shape::Structure { required, .. } = &SHAPES[shape_at(&path[..path.len() - 1])?.0]
        && required.contains(&member)
    {
        facts.push("required".into());
    }
    if let Shape::String { values } = &SHAPES[shape]
        && !values.is_empty()
    {
        facts.push(format!("one of: {}", values.join(", ")));
    }
    if let Some(default) = default_of(structure, member) {
        facts.push(format!("default: {default}"));
    }
    if path.len() == 1 && member == "cpu" {
        facts.push(format!(
            "on Fargate: {}",
            FARGATE_CPU.map(|u| u.to_string()).join(", ")
        ));
    }
    let link = match structure {
        "RegisterTaskDefinitionRequest" => format!(
            "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-{member}"
        ),
        s => format!(
            "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_{s}.html#ECS-Type-{s}-{member}"
        ),
    };
    Some(Hover {
        from: 0,
        to: 0,
        title: member.to_owned(),
        facts,
        about: about(member),
        link: Some(link),
    })
}

/// What ECS takes when a member is left out, for those whose default people ask about.
fn default_of(structure: &str, member: &str) -> Option<&'static str> {
    Some(match (structure, member) {
        ("ContainerDefinition", "essential") => "true",
        ("ContainerDefinition", "readonlyRootFilesystem" | "privileged" | "interactive") => "false",
        ("ContainerDefinition", "pseudoTerminal" | "disableNetworking") => "false",
        ("ContainerDefinition", "stopTimeout") => "30 seconds",
        ("ContainerDefinition", "versionConsistency") => "enabled",
        ("RegisterTaskDefinitionRequest", "networkMode") => "bridge (EC2); Fargate needs awsvpc",
        ("HealthCheck", "interval") => "30 seconds",
        ("HealthCheck", "timeout") => "5 seconds",
        ("HealthCheck", "retries") => "3",
        ("PortMapping", "protocol") => "tcp",
        ("EphemeralStorage", "sizeInGiB") => "20 GiB on Fargate (21 to 200 to ask for more)",
        _ => return None,
    })
}

/// What the fields people set most are for, in a sentence.
fn about(member: &str) -> Option<&'static str> {
    Some(match member {
        "family" => {
            "The name every revision of this task definition shares; registering again adds a revision."
        }
        "containerDefinitions" => {
            "The containers the task runs: at least one, each with a name and an image."
        }
        "image" => {
            "The image the container runs; Hatoba's deploy replaces it with the commit's image."
        }
        "cpu" => {
            "CPU units (1024 = 1 vCPU). At task level Fargate needs one of its sizes; in a container it is a share of the task's."
        }
        "memory" => {
            "Memory in MiB. At task level Fargate needs a size that pairs with the CPU; in a container it is a hard limit."
        }
        "memoryReservation" => {
            "The memory (MiB) kept for the container; it may use more, up to `memory`."
        }
        "essential" => {
            "When an essential container stops, the whole task stops. At least one container must be essential."
        }
        "portMappings" => {
            "The ports the container listens on; with awsvpc the host port equals the container port."
        }
        "environment" => "Plain environment variables. Put secrets under `secrets`, not here.",
        "secrets" => {
            "Environment variables read from Secrets Manager or SSM Parameter Store at start; needs an execution role."
        }
        "logConfiguration" => {
            "Where the container's output goes; `awslogs` sends it to CloudWatch Logs."
        }
        "healthCheck" => "A command Docker runs in the container to decide whether it is healthy.",
        "networkMode" => "How the task's containers are networked; Fargate needs `awsvpc`.",
        "requiresCompatibilities" => {
            "Where the task may run: `FARGATE`, `EC2`, `EXTERNAL` or `MANAGED_INSTANCES`."
        }
        "executionRoleArn" => "The role ECS uses to pull the image, write logs and read secrets.",
        "taskRoleArn" => "The role the application's own AWS calls use.",
        "dependsOn" => {
            "Containers that must reach a condition (START, COMPLETE, SUCCESS, HEALTHY) before this one starts."
        }
        "command" => "Replaces the image's CMD.",
        "entryPoint" => "Replaces the image's ENTRYPOINT.",
        "readonlyRootFilesystem" => "Mounts the container's root file system read-only.",
        "stopTimeout" => "Seconds to wait after SIGTERM before the container is killed.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::labels;
    use super::super::{Language, hover};

    const T: Language = Language::TaskDefinition;

    #[test]
    fn keys_of_the_object_at_the_cursor_missing_ones_only() {
        let got = labels(
            T,
            r#"{"family": "x", "containerDefinitions": [{"name": "a", "|"#,
        );
        assert!(
            got.contains(&"healthCheck".into()) && got.contains(&"image".into()),
            "{got:?}"
        );
        assert!(!got.contains(&"name".into()) && !got.contains(&"family".into()));
        // Required first: a container needs a name and an image.
        let root = labels(T, "{|}");
        assert_eq!(root[..2], ["family", "containerDefinitions"]);
        let yaml = labels(
            T,
            "family: web\ncontainerDefinitions:\n  - name: a\n    logC|\n",
        );
        assert_eq!(yaml, ["logConfiguration"]);
    }

    #[test]
    fn enum_values_and_fargate_sizes_that_pair() {
        assert_eq!(
            labels(T, r#"{"networkMode": "|"}"#),
            ["bridge", "host", "awsvpc", "none"]
        );
        assert_eq!(
            labels(T, r#"{"cpu": "256", "memory": "|"}"#),
            ["512", "1024", "2048"]
        );
        assert_eq!(
            labels(T, r#"{"memory": "|", "cpu": "0.5 vCPU"}"#),
            ["1024", "2048", "3072", "4096"]
        );
        assert_eq!(labels(T, "{\"cpu\": \"1|\"}")[..2], ["1024", "16384"]);
        let got = labels(
            T,
            r#"{"containerDefinitions": [{"logConfiguration": {"logDriver": "aw|"}}]}"#,
        );
        assert_eq!(got, ["awslogs", "awsfirelens"]);
    }

    #[test]
    fn values_outside_strings_get_their_quotes() {
        let c = super::super::complete(T, r#"{"networkMode": }"#, 16);
        assert_eq!(c.options[2].apply, "\"awsvpc\"");
        let c = super::super::complete(T, r#"{"containerDefinitions": [{"essential": }]}"#, 40);
        assert_eq!(
            c.options
                .iter()
                .map(|o| o.apply.as_str())
                .collect::<Vec<_>>(),
            ["true", "false"]
        );
    }

    #[test]
    fn hover_gives_type_requirement_values_and_the_reference() {
        let text = r#"{"family": "web", "containerDefinitions": [{"name": "a", "logConfiguration": {"logDriver": "awslogs"}}]}"#;
        let h = hover(T, text, text.find("containerDefinitions").unwrap() + 3).unwrap();
        assert_eq!(h.title, "containerDefinitions");
        assert_eq!(h.facts, ["list of ContainerDefinition object", "required"]);
        let essential = r#"{"containerDefinitions": [{"essential": false}]}"#;
        let e = hover(T, essential, essential.find("essential").unwrap()).unwrap();
        assert_eq!(e.facts, ["boolean", "default: true"]);
        assert!(h.about.is_some());
        assert_eq!(
            h.link.as_deref(),
            Some(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-containerDefinitions"
            )
        );
        let at = text.find("logDriver").unwrap();
        let h = hover(T, text, at).unwrap();
        assert_eq!((h.from, h.to), (at, at + "logDriver".len()));
        assert!(
            h.facts
                .iter()
                .any(|f| f.starts_with("one of: json-file, syslog")),
            "{h:?}"
        );
        assert!(
            h.link
                .unwrap()
                .ends_with("API_LogConfiguration.html#ECS-Type-LogConfiguration-logDriver")
        );
        // On a value: what its key is.
        let h = hover(T, text, text.find("awslogs").unwrap() + 1).unwrap();
        assert_eq!(h.title, "logDriver");
        assert!(hover(T, text, text.find("web").unwrap()).unwrap().title == "family");
    }
}
