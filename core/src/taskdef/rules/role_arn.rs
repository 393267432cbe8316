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
                format!("{key} \"{value}\" is not an IAM role ARN: expected arn:aws:iam::ACCOUNT:role/NAME"),
            ));
        }
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
