//! `secret-value-from`: a secret's `valueFrom` is a Secrets Manager secret ARN (optionally with
//! `:json-key:version-stage:version-id`), an SSM parameter ARN, or an SSM parameter name.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;

pub(crate) const ID: &str = "secret-value-from";

/// Why `value` is not a usable `valueFrom`, if it is not.
fn problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("is empty".to_owned());
    }
    if let Some(rest) = value.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, service, region, account, resource] = parts[..] else {
            return Some("is not a complete ARN".to_owned());
        };
        if !partition.starts_with("aws")
            || region.is_empty()
            || account.len() != 12
            || !account.bytes().all(|b| b.is_ascii_digit())
        {
            return Some(
                "is not a valid ARN (partition, region and 12-digit account expected)".to_owned(),
            );
        }
        return match service {
            "secretsmanager" if resource.starts_with("secret:") && resource.len() > 7 => None,
            "ssm" if resource.starts_with("parameter/") && resource.len() > 10 => None,
            "secretsmanager" => Some("is a Secrets Manager ARN without `secret:NAME`".to_owned()),
            "ssm" => Some("is an SSM ARN without `parameter/NAME`".to_owned()),
            other => Some(format!(
                "is an ARN of {other}, not of Secrets Manager or SSM Parameter Store"
            )),
        };
    }
    // An SSM parameter name in the same region: letters, digits, and _.-/ only.
    let valid = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b));
    (!valid).then(|| {
        "is neither an ARN nor an SSM parameter name (letters, digits, _ . - /)".to_owned()
    })
}

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        let secrets = container
            .get("secrets")
            .and_then(|s| s.items())
            .unwrap_or_default();
        for (i, secret) in secrets.iter().enumerate() {
            let Some(node) = secret.get("valueFrom") else {
                continue;
            };
            let Some(value) = node.as_str() else { continue };
            if let Some(problem) = problem(value) {
                out.push(Finding::error(
                    ID,
                    path.key("secrets").index(i).key("valueFrom"),
                    node.pos,
                    format!("valueFrom \"{value}\" {problem}: expected arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, arn:aws:ssm:REGION:ACCOUNT:parameter/NAME or a parameter name"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_the_three_forms_aws_documents() {
        for ok in [
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:web/db-AbCdEf",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:web/db-AbCdEf:password::",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/web/token",
            "/web/token",
            "web.token_v2",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn refuses_other_services_and_broken_arns() {
        assert!(
            problem("arn:aws:s3:::bucket/key")
                .unwrap()
                .contains("not a valid ARN")
        );
        assert!(
            problem("arn:aws:kms:eu-west-1:123456789012:key/abc")
                .unwrap()
                .contains("ARN of kms")
        );
        assert!(
            problem("arn:aws:ssm:eu-west-1:123456789012:param/x")
                .unwrap()
                .contains("without `parameter/NAME`")
        );
        assert!(problem("my secret").unwrap().contains("neither an ARN"));
        assert_eq!(problem("").unwrap(), "is empty");
    }
}
