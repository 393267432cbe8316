//! `role-arn`: `taskRoleArn` and `executionRoleArn` are IAM role ARNs
//! (`arn:aws:iam::123456789012:role/NAME`), or for the task role its short name.
//!
//! The ECS API reference: taskRoleArn is "The short name or full Amazon Resource Name (ARN) of
//! the IAM role that containers in this task can assume"; executionRoleArn is "The Amazon
//! Resource Name (ARN) of the task execution role" (ECS fills in the account of a short name
//! there too, so one is a warning, not an error). An empty string registers without the role.

use crate::finding::Finding;
use crate::source::Path;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "role-arn";

/// Whether `value` is an IAM role ARN.
pub(crate) fn is_role_arn(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("arn:") else {
        return false;
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, "iam", "", account, resource] = parts[..] else {
        return false;
    };
    let name = resource.strip_prefix("role/").unwrap_or_default();
    partition.starts_with("aws")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
}

/// Whether `value` is an IAM role's short name (no path), which ECS completes with the
/// account registering the task definition.
fn is_role_name(value: &str) -> bool {
    !value.starts_with("arn:")
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// A hint when the account part looks like a placeholder left in (`XXXXXXXXXXXX`, `<account>`,
/// `${AWS::AccountId}`), or is not 12 digits.
fn placeholder_hint(arn: &str) -> &'static str {
    if !arn.starts_with("arn:") || arn.split(':').count() < 6 {
        return "";
    }
    let account = arn.split(':').nth(4).unwrap_or_default();
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        ""
    } else if account.is_empty()
        || account
            .bytes()
            .any(|b| matches!(b, b'X' | b'x' | b'<' | b'{' | b'$' | b'*'))
    {
        " (the account looks like a placeholder: put the 12-digit account id)"
    } else {
        " (the account must be 12 digits)"
    }
}

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for key in ["taskRoleArn", "executionRoleArn"] {
        let Some(node) = td.root.get(key) else {
            continue;
        };
        let Some(value) = node.as_str() else { continue };
        if value.is_empty() {
            out.push(Finding::warning(
                ID,
                Path::root().key(key),
                node.pos,
                format!("{key} is empty: the task definition is registered without that role; remove the field, or name the role"),
            ));
        } else if is_role_name(value) {
            if key == "executionRoleArn" {
                out.push(Finding::warning(
                    ID,
                    Path::root().key(key),
                    node.pos,
                    format!("{key} \"{value}\" is a role name: ECS documents an ARN here (arn:aws:iam::ACCOUNT:role/{value})"),
                ));
            }
        } else if !is_role_arn(value) {
            out.push(Finding::error(
                ID,
                Path::root().key(key),
                node.pos,
                format!(
                    "{key} \"{value}\" is not an IAM role ARN: expected arn:aws:iam::ACCOUNT:role/NAME{}",
                    placeholder_hint(value)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod placeholder_tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn a_short_name_is_a_task_role_and_an_empty_one_no_role() {
        let json = r#"{"taskRoleArn": "web-task", "executionRoleArn": "ecsTaskExecutionRole"}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("executionRoleArn \"ecsTaskExecutionRole\" is a role name"));
        let json = r#"{"taskRoleArn": ""}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("taskRoleArn is empty"), "{found:?}");
        // Not a name, not an ARN: still an error.
        let found = findings(super::check, r#"{"taskRoleArn": "role/web task"}"#);
        assert!(found[0].contains("is not an IAM role ARN"), "{found:?}");
    }

    #[test]
    fn a_placeholder_account_is_named_as_one() {
        let json = r#"{"executionRoleArn": "arn:aws:iam::XXXXXXXXXXXX:role/ecsTaskExecutionRole", "taskRoleArn": "arn:aws:iam::12345:role/app"}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].ends_with("(the account must be 12 digits)"),
            "{found:?}"
        );
        assert!(
            found[1]
                .ends_with("(the account looks like a placeholder: put the 12-digit account id)"),
            "{found:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_role_arn;

    #[test]
    fn role_arns() {
        assert!(is_role_arn(
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
        ));
        assert!(is_role_arn(
            "arn:aws-cn:iam::123456789012:role/service-role/web"
        ));
        assert!(!is_role_arn("ecsTaskExecutionRole"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/deployer"));
        assert!(!is_role_arn("arn:aws:iam:eu-west-1:123456789012:role/x"));
        assert!(!is_role_arn("arn:aws:iam::12345:role/x"));
    }
}
