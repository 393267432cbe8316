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
    checked(text, placeholders)
}

/// [`check`] for a task definition about to be registered: a placeholder left in is reported
/// by each rule it breaks (the deploy stops before AWS sees it), not as one warning.
pub fn check_to_register(text: &str) -> Vec<Finding> {
    checked(text, |_, findings| findings)
}

/// Loads `text`, runs every rule on it, and passes the findings through `then` with the
/// document, sorted. A function of its own so the worker, which registers, carries no
/// placeholder pass.
fn checked(text: &str, then: fn(&Node<'_>, Vec<Finding>) -> Vec<Finding>) -> Vec<Finding> {
    let loaded = load(text);
    let mut findings = loaded.findings;
    if let Some(document) = &loaded.document {
        rules::run_all(&TaskDefinition::new(document), &mut findings);
        findings = then(document, findings);
    }
    crate::finding::sort(&mut findings);
    findings
}

pub use crate::finding::PLACEHOLDER;

/// Whether `value` is a template's placeholder rather than a value: `{will-be-replaced-by-ci}`,
/// `{{ image }}`, `<PLACEHOLDER>`, `${VAR}`, `__IMAGE__`, `CHANGEME_IMAGE`, `REPLACE_ME`, or a
/// run of twelve `X`s where an account id goes.
pub fn is_placeholder(value: &str) -> bool {
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' '))
    };
    let upper = value.to_ascii_uppercase();
    // A name between the marks, spaces allowed around it only inside `{{ }}`.
    let between = |open: &str, close: &str| {
        let mut rest = value;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len()..];
            match after.find(close) {
                Some(end) => {
                    let inside = &after[..end];
                    let name = if open == "{{" { inside.trim() } else { inside };
                    if word(name) && !name.starts_with(' ') && !name.ends_with(' ') {
                        return true;
                    }
                    rest = after;
                }
                None => rest = after,
            }
        }
        false
    };
    upper.contains("CHANGEME")
        || upper.contains("REPLACE_ME")
        || upper.contains("XXXXXXXXXXXX")
        || between("${", "}")
        || between("{{", "}}")
        || between("<", ">")
        || (between("__", "__") && value.trim_matches('_') == upper.trim_matches('_'))
        || (between("{", "}") && value.contains('-'))
}

/// Every finding on a placeholder value becomes one `placeholder` warning for that value: a
/// template's `<ACCOUNT_ID>` broke three or four format rules at once, each a false alarm.
fn placeholders(document: &Node<'_>, findings: Vec<Finding>) -> Vec<Finding> {
    let mut at = Vec::new();
    crate::source::walk(document, &mut |_, node| {
        if let Value::String(s) = &node.value
            && is_placeholder(s)
        {
            at.push((node.pos, s.to_string()));
        }
    });
    if at.is_empty() {
        return findings;
    }
    let mut said = Vec::new();
    let mut out = Vec::with_capacity(findings.len());
    for finding in findings {
        match at.iter().find(|(pos, _)| *pos == finding.pos) {
            Some((pos, value)) => {
                if !said.contains(pos) {
                    said.push(*pos);
                    out.push(Finding::placeholder(&finding.path, *pos, value));
                }
            }
            None => out.push(finding),
        }
    }
    out
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

    #[test]
    fn placeholders_are_told_from_values() {
        for p in [
            "{will-be-replaced-by-ci}",
            "{{ image }}",
            "<PLACEHOLDER>",
            "arn:aws:iam::<account-id>:role/x",
            "${IMAGE_URI}",
            "__IMAGE__",
            "CHANGEME_IMAGE",
            "replace_me",
            "arn:aws:iam::XXXXXXXXXXXX:role/x",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for v in [
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1a2b3c4",
            "nginx:1.27",
            "arn:aws:iam::123456789012:role/web-exec",
            "{\"json\": true}",
            "a < b > c",
            "__init__.py",
            "/ecs/web",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn a_placeholder_is_one_warning_and_a_value_to_register_keeps_every_error() {
        let text = r#"{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "executionRoleArn": "arn:aws:iam::<ACCOUNT_ID>:role/web-exec",
            "containerDefinitions": [{"name": "web", "image": "{will-be-replaced-by-ci}", "essential": true}]}"#;
        let rules: Vec<&str> = check(text).iter().map(|f| f.rule).collect();
        assert_eq!(rules, [PLACEHOLDER, PLACEHOLDER]);
        assert!(
            check(text)
                .iter()
                .all(|f| f.severity == crate::finding::Severity::Warning)
        );
        let strict: Vec<&str> = check_to_register(text).iter().map(|f| f.rule).collect();
        assert!(
            strict.contains(&"role-arn") && strict.contains(&"image-reference"),
            "{strict:?}"
        );
    }
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
