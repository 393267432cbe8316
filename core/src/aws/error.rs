//! One error type for every AWS call: which service and operation, and what AWS (or the
//! network) said, parsed from JSON (`{"__type": ..., "message": ...}`) or XML
//! (`<Error><Code>...`) answers alike.

use std::fmt;

use super::sigv4::SigningError;
use super::xml::element_text;
use crate::http::{HttpResponse, TransportError};

/// An AWS call that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The service, as its API names it: `ECS`, `ECR`, `S3`, `STS`.
    pub service: &'static str,
    /// The operation: `RegisterTaskDefinition`, `GetObject`, ...
    pub operation: &'static str,
    /// What went wrong.
    pub kind: AwsErrorKind,
}

/// What went wrong in an AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsErrorKind {
    /// AWS answered with an error.
    Service {
        /// The HTTP status.
        status: u16,
        /// AWS's error code: `ClientException`, `AccessDenied`, `ThrottlingException`, ...
        code: String,
        /// AWS's message.
        message: String,
        /// AWS's request id, when it sent one (quote it to AWS support).
        request_id: Option<String>,
    },
    /// No answer: timeout or connection failure.
    Transport(TransportError),
    /// The request could not be signed.
    Signing(SigningError),
    /// A success answer that is not what the API documents.
    InvalidResponse(String),
}

/// Error codes that mean "slow down" (the AWS SDKs' standard retry mode lists the same ones).
const THROTTLING_CODES: [&str; 14] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures, whatever the status.
const TRANSIENT_CODES: [&str; 4] = [
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "IDPCommunicationError",
];

impl AwsError {
    /// Whether the same request may succeed if sent again: throttling, transient errors, 5xx,
    /// timeouts and broken connections.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            AwsErrorKind::Service { status, code, .. } => {
                THROTTLING_CODES.contains(&code.as_str())
                    || TRANSIENT_CODES.contains(&code.as_str())
                    || matches!(status, 500 | 502 | 503 | 504)
            }
            AwsErrorKind::Transport(e) => e.is_retryable(),
            AwsErrorKind::Signing(_) | AwsErrorKind::InvalidResponse(_) => false,
        }
    }

    /// Whether AWS said "slow down" (as opposed to another retryable failure).
    pub fn is_throttling(&self) -> bool {
        matches!(&self.kind, AwsErrorKind::Service { code, .. } if THROTTLING_CODES.contains(&code.as_str()))
    }

    /// AWS's error code, if AWS answered.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            AwsErrorKind::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Reads an error answer (status ≥ 300) of `service`'s `operation`.
    pub fn from_response(
        service: &'static str,
        operation: &'static str,
        response: &HttpResponse,
    ) -> Self {
        let (code, message) = parse_error_body(response);
        let request_id = response
            .header("x-amzn-requestid")
            .or_else(|| response.header("x-amz-request-id"))
            .map(str::to_owned)
            .or_else(|| {
                let body = String::from_utf8_lossy(&response.body);
                element_text(&body, "RequestId")
            });
        AwsError {
            service,
            operation,
            kind: AwsErrorKind::Service {
                status: response.status,
                code,
                message,
                request_id,
            },
        }
    }
}

/// The error code and message of an error answer: the `x-amzn-ErrorType` header, a JSON body
/// (`__type` may be `com.amazon...#Code` or `Code:http://...`), an XML body, or, when the body
/// says nothing, the status.
fn parse_error_body(response: &HttpResponse) -> (String, String) {
    let body = String::from_utf8_lossy(&response.body);
    let trimmed = body.trim_start();
    let (mut code, mut message) = (None, None);
    if trimmed.starts_with('{') {
        if let Ok(serde_json::Value::Object(json)) =
            serde_json::from_slice::<serde_json::Value>(trimmed.as_bytes())
        {
            // The first string of each set of spellings the services use.
            let first = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
                    .map(str::to_owned)
            };
            code = first(&["__type", "code", "Code"]);
            message = first(&["message", "Message", "errorMessage"]);
        }
    } else if trimmed.starts_with('<') {
        code = element_text(trimmed, "Code");
        message = element_text(trimmed, "Message");
    }
    if let Some(header) = response.header("x-amzn-errortype") {
        code = Some(header.to_owned());
    }
    let code = code
        .map(|c| clean_code(&c).to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| format!("HTTP{}", response.status));
    let message = message.unwrap_or_else(|| {
        if body.trim().is_empty() {
            format!("HTTP {} with an empty body", response.status)
        } else {
            let snippet: String = body.chars().take(200).collect();
            format!("HTTP {}: {snippet}", response.status)
        }
    });
    (code, message)
}

/// `com.amazonaws.ecs#ClientException` and `ClientException:http://internal/` → `ClientException`.
fn clean_code(code: &str) -> &str {
    let code = code.rsplit('#').next().unwrap_or(code);
    code.split(':').next().unwrap_or(code).trim()
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} failed: ", self.service, self.operation)?;
        match &self.kind {
            AwsErrorKind::Service {
                status,
                code,
                message,
                request_id,
            } => {
                write!(f, "{code} (HTTP {status}): {message}")?;
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            AwsErrorKind::Transport(e) => write!(f, "{e}"),
            AwsErrorKind::Signing(e) => write!(f, "could not sign the request: {e}"),
            AwsErrorKind::InvalidResponse(e) => write!(f, "unexpected response: {e}"),
        }
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn service(e: &AwsError) -> (&str, &str, u16) {
        match &e.kind {
            AwsErrorKind::Service {
                code,
                message,
                status,
                ..
            } => (code, message, *status),
            other => panic!("not a service error: {other:?}"),
        }
    }

    #[test]
    fn reads_aws_json_errors_in_their_real_shapes() {
        // ECS: awsJson1_1 with the namespace in __type.
        let ecs = response(
            400,
            &[("x-amzn-RequestId", "8f0e-fake")],
            r#"{"__type":"com.amazonaws.ecs#ClientException","message":"Container.image should not be null or empty."}"#,
        );
        let e = AwsError::from_response("ECS", "RegisterTaskDefinition", &ecs);
        assert_eq!(
            service(&e),
            (
                "ClientException",
                "Container.image should not be null or empty.",
                400
            )
        );
        assert_eq!(
            e.to_string(),
            "ECS RegisterTaskDefinition failed: ClientException (HTTP 400): Container.image should not be null or empty. [request id 8f0e-fake]"
        );
        assert!(!e.is_retryable());
        // ECR: bare code in __type, "message".
        let ecr = response(
            400,
            &[],
            r#"{"__type":"RepositoryNotFoundException","message":"The repository with name 'web' does not exist in the registry with id '123456789012'"}"#,
        );
        assert_eq!(
            AwsError::from_response("ECR", "DescribeImages", &ecr).code(),
            Some("RepositoryNotFoundException")
        );
        // Throttling, "Message" capitalized, and the error-type header winning.
        let throttled = response(
            400,
            &[(
                "X-Amzn-ErrorType",
                "ThrottlingException:http://internal.amazon.com/coral/",
            )],
            r#"{"__type":"com.amazon.coral#Other","Message":"Rate exceeded"}"#,
        );
        let e = AwsError::from_response("ECS", "DescribeServices", &throttled);
        assert_eq!(service(&e), ("ThrottlingException", "Rate exceeded", 400));
        assert!(e.is_retryable() && e.is_throttling());
    }

    #[test]
    fn reads_xml_errors_of_s3_sts_and_the_emulator() {
        let s3 = response(
            404,
            &[("x-amz-request-id", "4442587FB7D0A2F9")],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>taskdef.json</Key></Error>",
        );
        let e = AwsError::from_response("S3", "GetObject", &s3);
        assert_eq!(
            service(&e),
            ("NoSuchKey", "The specified key does not exist.", 404)
        );
        assert!(e.to_string().ends_with("[request id 4442587FB7D0A2F9]"));
        // moto answers a denied ECS call with XML and 403 where AWS sends JSON.
        let denied = response(
            403,
            &[],
            "<ErrorResponse><Errors><Error><Code>AccessDeniedException</Code><Message>User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: ecs:DeleteCluster</Message></Error></Errors><RequestId>7a62c49f</RequestId></ErrorResponse>",
        );
        let e = AwsError::from_response("ECS", "DeleteCluster", &denied);
        assert_eq!(service(&e).0, "AccessDeniedException");
        assert!(
            service(&e)
                .1
                .contains("not authorized to perform: ecs:DeleteCluster")
        );
        assert!(e.to_string().contains("[request id 7a62c49f]"));
        assert!(!e.is_retryable());
    }

    #[test]
    fn an_empty_or_foreign_body_still_names_the_status() {
        let e = AwsError::from_response("S3", "GetObject", &response(503, &[], ""));
        assert_eq!(service(&e), ("HTTP503", "HTTP 503 with an empty body", 503));
        assert!(e.is_retryable());
        let e = AwsError::from_response("ECS", "ListClusters", &response(502, &[], "Bad Gateway"));
        assert_eq!(service(&e).1, "HTTP 502: Bad Gateway");
        assert!(e.is_retryable() && !e.is_throttling());
    }

    #[test]
    fn network_failures_are_retryable_but_bad_requests_are_not() {
        let err = |kind| AwsError {
            service: "ECS",
            operation: "ListClusters",
            kind,
        };
        assert!(err(AwsErrorKind::Transport(TransportError::Timeout)).is_retryable());
        assert!(
            err(AwsErrorKind::Transport(TransportError::Connection(
                "reset".into()
            )))
            .is_retryable()
        );
        assert!(
            !err(AwsErrorKind::Transport(TransportError::InvalidRequest(
                "url".into()
            )))
            .is_retryable()
        );
        assert!(!err(AwsErrorKind::InvalidResponse("not json".into())).is_retryable());
    }
}
