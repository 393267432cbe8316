//! Sends AWS operations: resolves the endpoint, signs with the injected clock's time, sends
//! through the injected transport, reads errors and retries what is retryable.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{AwsError, AwsErrorKind};
use super::sigv4::{self, AmzDate, Credentials, Payload, Settings, SignableRequest};
use super::url::SplitUrl;
use crate::http::{Clock, HttpRequest, HttpResponse, Transport};
use crate::percent::uri_encode;
use crate::retry::RetryPolicy;

/// Which service a call goes to: how its API, its signature and its endpoint name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The service as its API names it: `ECS`.
    pub name: &'static str,
    /// The SigV4 signing name: `ecs`.
    pub signing_name: &'static str,
    /// The endpoint's first label(s): `ecs`, `api.ecr`.
    pub endpoint_prefix: &'static str,
}

/// Amazon ECS.
pub const ECS: Service = Service {
    name: "ECS",
    signing_name: "ecs",
    endpoint_prefix: "ecs",
};
/// Amazon ECR (the API, not the registry).
pub const ECR: Service = Service {
    name: "ECR",
    signing_name: "ecr",
    endpoint_prefix: "api.ecr",
};
/// Amazon S3.
pub const S3: Service = Service {
    name: "S3",
    signing_name: "s3",
    endpoint_prefix: "s3",
};
/// AWS STS (regional endpoint).
pub const STS: Service = Service {
    name: "STS",
    signing_name: "sts",
    endpoint_prefix: "sts",
};
/// Amazon CloudWatch Logs.
pub const LOGS: Service = Service {
    name: "CloudWatch Logs",
    signing_name: "logs",
    endpoint_prefix: "logs",
};
/// AWS IAM (global: sign for us-east-1).
pub const IAM: Service = Service {
    name: "IAM",
    signing_name: "iam",
    endpoint_prefix: "iam",
};

/// One AWS API call, built but not yet signed or sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The service as its API names it: `ECS`, `ECR`, `S3`, `STS`.
    pub service: &'static str,
    /// The operation: `RegisterTaskDefinition`, ...
    pub name: &'static str,
    /// The SigV4 signing name: `ecs`, `ecr`, `s3`, `sts`.
    pub signing_name: &'static str,
    /// The endpoint's first label(s): `ecs`, `api.ecr`, `s3`, `sts`.
    pub endpoint_prefix: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path, encoded, relative to the endpoint: `/` or `/bucket/key`.
    pub path: String,
    /// The query, encoded, without `?`.
    pub query: String,
    /// Headers beyond `Host` and the signature's.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Service-specific signing choices.
    pub settings: Settings,
    /// For S3: the bucket, addressed by virtual host on AWS and by path on a custom endpoint.
    pub bucket: Option<String>,
}

impl Operation {
    /// An `awsJson1_1` call (ECS, ECR): `POST /` with `X-Amz-Target: <target_prefix>.<name>`.
    pub fn aws_json(
        service: Service,
        target_prefix: &str,
        name: &'static str,
        input: &impl Serialize,
    ) -> Self {
        Operation {
            service: service.name,
            name,
            signing_name: service.signing_name,
            endpoint_prefix: service.endpoint_prefix,
            method: "POST",
            path: "/".to_owned(),
            query: String::new(),
            headers: vec![
                (
                    "content-type".to_owned(),
                    "application/x-amz-json-1.1".to_owned(),
                ),
                ("x-amz-target".to_owned(), format!("{target_prefix}.{name}")),
            ],
            body: serde_json::to_vec(input).expect("inputs serialize"),
            settings: Settings::DEFAULT,
            bucket: None,
        }
    }

    /// A query-protocol call (STS, IAM): `POST /` with a form body `Action=...&Version=...`.
    pub fn aws_query(
        service: Service,
        action: &'static str,
        version: &str,
        params: &[(&str, &str)],
    ) -> Self {
        let mut form = format!("Action={action}&Version={version}");
        for (name, value) in params {
            form.push('&');
            form.push_str(name);
            form.push('=');
            form.push_str(&uri_encode(value, true));
        }
        Operation {
            service: service.name,
            name: action,
            signing_name: service.signing_name,
            endpoint_prefix: service.endpoint_prefix,
            method: "POST",
            path: "/".to_owned(),
            query: String::new(),
            headers: vec![(
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            )],
            body: form.into_bytes(),
            settings: Settings::DEFAULT,
            bucket: None,
        }
    }
}

/// Where requests go: AWS's public endpoint for the region, or one custom URL for every
/// service (`AWS_ENDPOINT_URL`, e.g. a local emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The region, e.g. `eu-west-1`.
    pub region: String,
    /// `AWS_ENDPOINT_URL`: when set, every service is reached there.
    pub endpoint_url: Option<String>,
}

impl Endpoint {
    /// The URL `operation` is sent to.
    pub fn url_for(&self, operation: &Operation) -> String {
        let query = if operation.query.is_empty() {
            String::new()
        } else {
            format!("?{}", operation.query)
        };
        if let Some(base) = &self.endpoint_url {
            let base = base.trim_end_matches('/');
            let bucket = operation
                .bucket
                .as_deref()
                .map(|b| format!("/{}", uri_encode(b, true)))
                .unwrap_or_default();
            return format!("{base}{bucket}{}{query}", operation.path);
        }
        let suffix = super::dns_suffix(&self.region);
        let host = match &operation.bucket {
            Some(bucket) => format!(
                "{bucket}.{}.{}.{suffix}",
                operation.endpoint_prefix, self.region
            ),
            None => format!("{}.{}.{suffix}", operation.endpoint_prefix, self.region),
        };
        format!("https://{host}{}{query}", operation.path)
    }
}

/// A client for one set of credentials in one region.
#[derive(Debug)]
pub struct AwsClient<'a, T, C> {
    transport: &'a T,
    clock: &'a C,
    credentials: Credentials,
    endpoint: Endpoint,
    retry: RetryPolicy,
}

impl<'a, T: Transport, C: Clock> AwsClient<'a, T, C> {
    /// A client sending through `transport`, timed by `clock`, with the standard retry policy.
    pub fn new(
        transport: &'a T,
        clock: &'a C,
        credentials: Credentials,
        endpoint: Endpoint,
    ) -> Self {
        Self {
            transport,
            clock,
            credentials,
            endpoint,
            retry: RetryPolicy::STANDARD,
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same client in `region` (a log group in another region than the service).
    pub fn in_region(mut self, region: String) -> Self {
        self.endpoint.region = region;
        self
    }

    /// The region requests go to.
    pub fn region(&self) -> &str {
        &self.endpoint.region
    }

    /// Signs and sends `operation`, retrying retryable failures; returns the success answer.
    pub async fn send(&self, operation: &Operation) -> Result<HttpResponse, AwsError> {
        self.retry
            .run(
                self.clock,
                |result: &Result<_, AwsError>| result.as_ref().is_err_and(AwsError::is_retryable),
                || self.send_once(operation),
            )
            .await
    }

    /// Sends `operation` and reads its JSON answer as `O`.
    pub async fn send_json<O: DeserializeOwned>(
        &self,
        operation: &Operation,
    ) -> Result<O, AwsError> {
        let response = self.send(operation).await?;
        read_json(operation, &response)
    }

    async fn send_once(&self, operation: &Operation) -> Result<HttpResponse, AwsError> {
        let fail = |kind| AwsError {
            service: operation.service,
            operation: operation.name,
            kind,
        };
        let request = self.sign(operation).map_err(fail)?;
        let response = self
            .transport
            .send(request)
            .await
            .map_err(|e| fail(AwsErrorKind::Transport(e)))?;
        if response.status >= 300 {
            return Err(AwsError::from_response(
                operation.service,
                operation.name,
                &response,
            ));
        }
        Ok(response)
    }

    /// The signed HTTP request for `operation` at the clock's current time.
    pub fn sign(&self, operation: &Operation) -> Result<HttpRequest, AwsErrorKind> {
        let url = self.endpoint.url_for(operation);
        let split = SplitUrl::parse(&url).map_err(|e| {
            AwsErrorKind::Transport(crate::http::TransportError::InvalidRequest(e.to_string()))
        })?;
        let mut headers = vec![("host".to_owned(), split.host_header().to_owned())];
        headers.extend(operation.headers.iter().cloned());
        let time = AmzDate::from_unix_seconds((self.clock.now_millis() / 1000) as i64);
        let signed = sigv4::sign(
            &SignableRequest {
                method: operation.method,
                path: split.path,
                query: split.query,
                headers: &headers,
                payload: Payload::Bytes(&operation.body),
            },
            &sigv4::SigningParams {
                credentials: &self.credentials,
                region: &self.endpoint.region,
                service: operation.signing_name,
                time,
                settings: operation.settings,
            },
        )
        .map_err(AwsErrorKind::Signing)?;
        // Host is set by the HTTP client from the URL; sending it twice confuses some servers.
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("host"));
        headers.extend(signed.headers);
        Ok(HttpRequest {
            method: operation.method.to_owned(),
            url,
            headers,
            body: operation.body.clone(),
        })
    }
}

/// Reads the JSON answer of a successful `operation`.
pub fn read_json<O: DeserializeOwned>(
    operation: &Operation,
    response: &HttpResponse,
) -> Result<O, AwsError> {
    serde_json::from_slice(&response.body).map_err(|e| {
        let snippet: String = String::from_utf8_lossy(&response.body)
            .chars()
            .take(200)
            .collect();
        AwsError {
            service: operation.service,
            operation: operation.name,
            kind: AwsErrorKind::InvalidResponse(format!("{e} in {snippet}")),
        }
    })
}
