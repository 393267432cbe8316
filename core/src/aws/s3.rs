//! Amazon S3: reading the base task definition from an object, as the old pipeline kept it.

use super::client::{Operation, S3};
use super::sigv4::Settings;
use crate::percent::uri_encode;

/// `GetObject` of `key` in `bucket`.
pub fn get_object(bucket: &str, key: &str) -> Operation {
    Operation {
        service: S3.name,
        name: "GetObject",
        signing_name: S3.signing_name,
        endpoint_prefix: S3.endpoint_prefix,
        method: "GET",
        path: format!("/{}", uri_encode(key.trim_start_matches('/'), false)),
        query: String::new(),
        headers: Vec::new(),
        body: Vec::new(),
        settings: Settings::S3,
        bucket: Some(bucket.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::client::Endpoint;

    #[test]
    fn addresses_the_bucket_by_host_on_aws_and_by_path_elsewhere() {
        let op = get_object("my-bucket", "deploy/task def+1.json");
        let aws = Endpoint {
            region: "eu-west-1".into(),
            endpoint_url: None,
        };
        assert_eq!(
            aws.url_for(&op),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/deploy/task%20def%2B1.json"
        );
        let local = Endpoint {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:5000/".into()),
        };
        assert_eq!(
            local.url_for(&op),
            "http://127.0.0.1:5000/my-bucket/deploy/task%20def%2B1.json"
        );
    }
}
