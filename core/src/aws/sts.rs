//! AWS STS: short-lived credentials for a deploy role (query protocol, XML answer).

use super::client::{Operation, STS};
use super::error::{AwsError, AwsErrorKind};
use super::sigv4::Credentials;
use super::xml::element_text;
use crate::http::HttpResponse;

/// `AssumeRole` of `role_arn` for `duration_seconds` (900 to the role's maximum).
pub fn assume_role(role_arn: &str, session_name: &str, duration_seconds: u32) -> Operation {
    assume_role_with_policy(role_arn, session_name, duration_seconds, None)
}

/// `AssumeRole` with a session policy: the session may do only what both the role's policies
/// and `policy` (JSON, at most 2,048 characters packed) allow.
pub fn assume_role_with_policy(
    role_arn: &str,
    session_name: &str,
    duration_seconds: u32,
    policy: Option<&str>,
) -> Operation {
    let duration = duration_seconds.to_string();
    let mut params = vec![
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("DurationSeconds", duration.as_str()),
    ];
    if let Some(policy) = policy {
        params.push(("Policy", policy));
    }
    Operation::aws_query(STS, "AssumeRole", "2011-06-15", &params)
}

/// Credentials from `AssumeRole`, and when they expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRole {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// Their expiry, as AWS wrote it (`2026-11-27T10:00:00Z`).
    pub expiration: String,
}

/// Reads the XML answer of `AssumeRole`.
pub fn read_assume_role(response: &HttpResponse) -> Result<AssumedRole, AwsError> {
    let xml = String::from_utf8_lossy(&response.body);
    let field = |name: &str| {
        element_text(&xml, name).ok_or_else(|| AwsError {
            service: "STS",
            operation: "AssumeRole",
            kind: AwsErrorKind::InvalidResponse(format!("no <{name}> in the answer")),
        })
    };
    Ok(AssumedRole {
        credentials: Credentials {
            access_key_id: field("AccessKeyId")?,
            secret_access_key: field("SecretAccessKey")?,
            session_token: Some(field("SessionToken")?),
        },
        expiration: field("Expiration")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_form_encoded_query_call() {
        let op = assume_role("arn:aws:iam::123456789012:role/deploy", "hatoba-web", 900);
        assert_eq!(
            String::from_utf8(op.body).unwrap(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=hatoba-web&DurationSeconds=900"
        );
    }

    #[test]
    fn reads_the_documented_answer_and_refuses_a_partial_one() {
        // The shape of AWS's documented AssumeRole response (values fake).
        let body = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/hatoba</Arn><AssumedRoleId>AROAFAKE:hatoba</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAFAKEFAKEFAKE</AccessKeyId>
      <SecretAccessKey>fake/secret</SecretAccessKey>
      <SessionToken>FAKE-TOKEN</SessionToken>
      <Expiration>2026-11-27T10:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-fake</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;
        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        let role = read_assume_role(&ok).unwrap();
        assert_eq!(role.credentials.access_key_id, "ASIAFAKEFAKEFAKE");
        assert_eq!(
            role.credentials.session_token.as_deref(),
            Some("FAKE-TOKEN")
        );
        assert_eq!(role.expiration, "2026-11-27T10:00:00Z");
        let partial = HttpResponse {
            status: 200,
            headers: vec![],
            body: b"<AssumeRoleResponse/>".to_vec(),
        };
        assert_eq!(
            read_assume_role(&partial).unwrap_err().to_string(),
            "STS AssumeRole failed: unexpected response: no <AccessKeyId> in the answer"
        );
    }
}
