//! ECS task definitions: loading (plain or `describe-task-definition` output, read-only fields
//! stripped), and validation by named rules, one rule a file in [`rules`], with the shape of the
//! API itself generated from botocore's ECS model.

use crate::finding::Finding;
use crate::source::{Member, Node, Path, Value, parse_document};

pub mod diff;
pub mod render;
pub mod rules;
pub(crate) mod schema;
pub(crate) mod shapes;
pub mod units;

/// Fields `describe-task-definition` returns that `RegisterTaskDefinition` refuses.
pub const READ_ONLY_FIELDS: [&str; 8] = [
    "compatibilities",
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

/// A loaded task definition and what loading found.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<'t> {
    /// The task definition, ready for RegisterTaskDefinition (none when the text is not JSON).
    pub document: Option<Node<'t>>,
    /// Syntax errors and stripped read-only fields.
    pub findings: Vec<Finding>,
}

/// Loads a task definition from JSON or YAML text: a plain one, or `aws ecs describe-task-definition`
/// output (`{"taskDefinition": {...}, "tags": [...]}`), whose tags join the task definition.
/// Read-only fields are removed with a warning each, as are fields set to `null` (which mean
/// "not set" to the deploy action, and which the AWS CLI refuses).
pub fn load(text: &str) -> Loaded<'_> {
    let mut findings = Vec::new();
    let root = match parse_document(text) {
        Ok(root) => root,
        Err(e) => {
            findings.push(Finding::error(rules::SYNTAX, "", e.pos, e.message));
            return Loaded {
                document: None,
                findings,
            };
        }
    };
    let mut document = unwrap_describe_output(root);
    if let Value::Object(members) = &mut document.value {
        members.retain(|m| {
            let read_only = READ_ONLY_FIELDS.contains(&&*m.key);
            if read_only {
                findings.push(Finding::warning(
                    rules::READ_ONLY_FIELD,
                    &m.key,
                    m.key_pos,
                    format!(
                        "`{}` is set by ECS and refused by RegisterTaskDefinition: removed (it comes with describe-task-definition output)",
                        m.key
                    ),
                ));
            }
            !read_only
        });
    }
    rules::explicit_null::drop_nulls(&mut document, &mut findings);
    Loaded {
        document: Some(document),
        findings,
    }
}

fn unwrap_describe_output(root: Node) -> Node {
    let Value::Object(members) = &root.value else {
        return root;
    };
    let is_describe = members
        .iter()
        .any(|m| m.key == "taskDefinition" && matches!(m.value.value, Value::Object(_)))
        && !members.iter().any(|m| m.key == "containerDefinitions");
    if !is_describe {
        return root;
    }
    let tags = members
        .iter()
        .find(|m| m.key == "tags" && m.value.items().is_some_and(|t| !t.is_empty()))
        .cloned();
    let Value::Object(members) = root.value else {
        unreachable!("checked above")
    };
    let mut inner = members
        .into_iter()
        .find(|m| m.key == "taskDefinition")
        .expect("checked above")
        .value;
    if let (Some(tags), Value::Object(inner_members)) = (tags, &mut inner.value)
        && !inner_members.iter().any(|m: &Member| m.key == "tags")
    {
        inner_members.push(tags);
    }
    inner
}

/// Loads `text` and runs every rule: all findings, sorted by position.
pub fn check(text: &str) -> Vec<Finding> {
    let loaded = load(text);
    let mut findings = loaded.findings;
    if let Some(document) = &loaded.document {
        rules::run_all(&TaskDefinition::new(document), &mut findings);
    }
    crate::finding::sort(&mut findings);
    findings
}

/// A read-only view of a task definition with the lookups rules share.
#[derive(Debug)]
pub struct TaskDefinition<'a> {
    /// The document.
    pub root: &'a Node<'a>,
    /// How it differs from the API's shape, worked out once for the rules that report it.
    mismatches: std::cell::OnceCell<Vec<schema::Mismatch<'a>>>,
}

impl<'a> TaskDefinition<'a> {
    /// A view of `root`.
    pub fn new(root: &'a Node<'a>) -> Self {
        Self {
            root,
            mismatches: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn mismatches(&self) -> &[schema::Mismatch<'a>] {
        self.mismatches
            .get_or_init(|| schema::mismatches(self.root))
    }

    /// A top-level string field.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.root.get(key)?.as_str()
    }

    /// The container definitions that are objects, with their paths.
    pub fn containers(&self) -> impl Iterator<Item = (Path, &'a Node<'a>)> {
        self.root
            .get("containerDefinitions")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.members().is_some())
            .map(|(i, c)| (Path::root().key("containerDefinitions").index(i), c))
    }

    /// Whether `requiresCompatibilities` names FARGATE.
    pub fn requires_fargate(&self) -> bool {
        self.root
            .get("requiresCompatibilities")
            .and_then(Node::items)
            .is_some_and(|items| items.iter().any(|c| c.as_str() == Some("FARGATE")))
    }

    /// `networkMode`, with ECS's default for the launch type when absent.
    pub fn network_mode(&self) -> &'a str {
        self.str("networkMode")
            .unwrap_or(if self.requires_fargate() {
                "awsvpc"
            } else {
                "bridge"
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_output_is_unwrapped_and_read_only_fields_stripped_with_a_warning_each() {
        let text = r#"{
  "taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
    "family": "web",
    "revision": 7,
    "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256}],
    "status": "ACTIVE",
    "compatibilities": ["EC2", "FARGATE"],
    "registeredAt": 1700000000.0
  },
  "tags": [{"key": "team", "value": "web"}]
}"#;
        let loaded = load(text);
        let doc = loaded.document.unwrap().to_json();
        assert_eq!(
            doc,
            serde_json::json!({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256}], "tags": [{"key": "team", "value": "web"}]})
        );
        let warnings: Vec<String> = loaded
            .findings
            .iter()
            .map(|f| format!("{} {} {}", f.pos.line, f.path, f.severity))
            .collect();
        assert_eq!(
            warnings,
            [
                "3 taskDefinitionArn warning",
                "5 revision warning",
                "7 status warning",
                "8 compatibilities warning",
                "9 registeredAt warning"
            ]
        );
        // What remains is valid.
        assert_eq!(
            check(text)
                .iter()
                .filter(|f| f.severity == crate::finding::Severity::Error)
                .count(),
            0
        );
    }

    #[test]
    fn a_syntax_error_is_one_finding_with_its_place() {
        let findings = check("{\n  \"family\": \"web\",\n}");
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].to_string(),
            "3:1: error: invalid JSON: trailing comma before '}': remove it [syntax]"
        );
    }

    #[test]
    fn every_rule_has_a_distinct_id() {
        let mut ids = rules::ids();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
