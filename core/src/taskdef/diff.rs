//! A semantic diff of two task definitions: both are normalized first (defaults filled, units
//! converted, lists whose order ECS ignores sorted, empty lists dropped), then compared with
//! list items matched by their names, so only real changes show:
//! `~ containerDefinitions[web].image: "web:1" → "web:2"`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value, json};

use super::units::{cpu_units, memory_mib};

/// One difference.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Only in the new one.
    Added {
        /// Where.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Only in the old one.
    Removed {
        /// Where.
        path: String,
        /// The old value.
        value: Value,
    },
    /// In both, different.
    Changed {
        /// Where.
        path: String,
        /// The old value.
        old: Value,
        /// The new value.
        new: Value,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added { path, value } => write!(f, "+ {path}: {value}"),
            Change::Removed { path, value } => write!(f, "- {path}: {value}"),
            Change::Changed { path, old, new } => write!(f, "~ {path}: {old} → {new}"),
        }
    }
}

/// Lists whose order ECS ignores, and the field that names their items.
const KEYED_LISTS: [(&str, &str); 10] = [
    ("containerDefinitions", "name"),
    ("environment", "name"),
    ("secrets", "name"),
    ("tags", "key"),
    ("volumes", "name"),
    ("ulimits", "name"),
    ("dependsOn", "containerName"),
    ("mountPoints", "containerPath"),
    ("portMappings", "containerPort"),
    ("systemControls", "namespace"),
];

/// Lists of plain values whose order ECS ignores.
const SET_LISTS: [&str; 1] = ["requiresCompatibilities"];

fn key_field(list: &str) -> Option<&'static str> {
    KEYED_LISTS
        .iter()
        .find(|(l, _)| *l == list)
        .map(|(_, k)| *k)
}

fn item_key(item: &Value, field: &str) -> String {
    match &item[field] {
        Value::String(s) => s.clone(),
        Value::Null => "?".to_owned(),
        other => other.to_string(),
    }
}

/// The task definition with ECS's defaults filled in and its units and list orders normalized.
pub fn normalize(td: &Value) -> Value {
    let mut td = td.clone();
    let Some(root) = td.as_object_mut() else {
        return td;
    };
    let fargate = root
        .get("requiresCompatibilities")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|v| v == "FARGATE"));
    if !root.contains_key("networkMode") {
        root.insert(
            "networkMode".into(),
            json!(if fargate { "awsvpc" } else { "bridge" }),
        );
    }
    let awsvpc = root.get("networkMode").is_some_and(|m| m == "awsvpc");
    if let Some(cpu) = root.get("cpu").and_then(Value::as_str).and_then(cpu_units) {
        root.insert("cpu".into(), json!(cpu.to_string()));
    }
    if let Some(memory) = root
        .get("memory")
        .and_then(Value::as_str)
        .and_then(memory_mib)
    {
        root.insert("memory".into(), json!(memory.to_string()));
    }
    if let Some(containers) = root
        .get_mut("containerDefinitions")
        .and_then(Value::as_array_mut)
    {
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            container.entry("essential").or_insert(json!(true));
            // describe-task-definition writes cpu 0 for "not set".
            if container.get("cpu") == Some(&json!(0)) {
                container.shift_remove("cpu");
            }
            for mapping in container
                .get_mut("portMappings")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object_mut)
            {
                mapping.entry("protocol").or_insert(json!("tcp"));
                if awsvpc
                    && !mapping.contains_key("hostPort")
                    && let Some(port) = mapping.get("containerPort").cloned()
                {
                    mapping.insert("hostPort".into(), port);
                }
            }
        }
    }
    tidy(&mut td);
    td
}

/// Drops empty lists and objects and sorts the lists whose order does not matter, everywhere.
fn tidy(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    object.retain(|_, v| {
        !matches!(v, Value::Array(a) if a.is_empty())
            && !matches!(v, Value::Object(o) if o.is_empty())
    });
    for (key, child) in object.iter_mut() {
        if let Value::Array(items) = child {
            for item in items.iter_mut() {
                tidy(item);
            }
            if let Some(field) = key_field(key) {
                crate::sort_by_key(items, |item| item_key(item, field));
            } else if SET_LISTS.contains(&key.as_str()) {
                crate::sort_by_key(items, |item| item.to_string());
            }
        } else {
            tidy(child);
        }
    }
}

/// The changes from `old` to `new`, both normalized first; empty when they mean the same.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    compare(String::new(), &normalize(old), &normalize(new), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn compare(path: String, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => compare_objects(&path, a, b, out),
        (Value::Array(a), Value::Array(b)) => {
            let list = path.rsplit('.').next().unwrap_or_default();
            let list = list.split('[').next().unwrap_or_default();
            match key_field(list) {
                Some(field) => compare_keyed(&path, a, b, field, out),
                None if a != b => out.push(Change::Changed {
                    path,
                    old: old.clone(),
                    new: new.clone(),
                }),
                None => {}
            }
        }
        _ if old != new => out.push(Change::Changed {
            path,
            old: old.clone(),
            new: new.clone(),
        }),
        _ => {}
    }
}

fn compare_objects(
    path: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    out: &mut Vec<Change>,
) {
    for (key, old) in a {
        match b.get(key) {
            Some(new) => compare(join(path, key), old, new, out),
            None => out.push(Change::Removed {
                path: join(path, key),
                value: old.clone(),
            }),
        }
    }
    for (key, new) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
        out.push(Change::Added {
            path: join(path, key),
            value: new.clone(),
        });
    }
}

fn compare_keyed(path: &str, a: &[Value], b: &[Value], field: &str, out: &mut Vec<Change>) {
    // Each side's items by key (the first of a key wins, as a linear search found it): large
    // lists (50,000 variables) compare in O(n log n).
    let index = |items: &[Value]| {
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            by_key.entry(item_key(item, field)).or_insert(i);
        }
        by_key
    };
    let (in_a, in_b) = (index(a), index(b));
    for old in a {
        let key = item_key(old, field);
        let here = format!("{path}[{key}]");
        match in_b.get(&key) {
            Some(&new) => compare(here, old, &b[new], out),
            None => out.push(Change::Removed {
                path: here,
                value: old.clone(),
            }),
        }
    }
    for new in b {
        let key = item_key(new, field);
        if !in_a.contains_key(&key) {
            out.push(Change::Added {
                path: format!("{path}[{key}]"),
                value: new.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_units_and_defaults_are_not_changes() {
        let old = json!({"family": "web", "requiresCompatibilities": ["FARGATE", "EC2"], "cpu": "0.25 vCPU", "memory": "1 GB",
            "containerDefinitions": [{"name": "b", "image": "b:1"}, {"name": "a", "image": "a:1", "cpu": 0,
                "environment": [{"name": "Y", "value": "2"}, {"name": "X", "value": "1"}], "portMappings": [{"containerPort": 80}], "mountPoints": []}]});
        let new = json!({"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["EC2", "FARGATE"], "cpu": "256", "memory": "1024",
            "containerDefinitions": [{"name": "a", "image": "a:1", "essential": true,
                "environment": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}], "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]},
                {"name": "b", "image": "b:1"}]});
        assert_eq!(diff(&old, &new), []);
    }

    #[test]
    fn real_changes_read_by_path() {
        let old = json!({"family": "web", "cpu": "256", "containerDefinitions": [{"name": "web", "image": "web:1", "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "command": ["run"]}]});
        let new = json!({"family": "web", "memory": "512", "containerDefinitions": [{"name": "web", "image": "web:2", "environment": [{"name": "A", "value": "9"}, {"name": "C", "value": "3"}], "command": ["run", "--fast"]}]});
        let lines: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "- cpu: \"256\"",
                "~ containerDefinitions[web].image: \"web:1\" → \"web:2\"",
                "~ containerDefinitions[web].environment[A].value: \"1\" → \"9\"",
                "- containerDefinitions[web].environment[B]: {\"name\":\"B\",\"value\":\"2\"}",
                "+ containerDefinitions[web].environment[C]: {\"name\":\"C\",\"value\":\"3\"}",
                "~ containerDefinitions[web].command: [\"run\"] → [\"run\",\"--fast\"]",
                "+ memory: \"512\"",
            ]
        );
    }
}
