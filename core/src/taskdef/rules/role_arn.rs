//! `role-arn`: `taskRoleArn` and `executionRoleArn` are IAM role ARNs
//! (`arn:aws:iam::123456789012:role/NAME`).

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
        if !is_role_arn(value) {
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
