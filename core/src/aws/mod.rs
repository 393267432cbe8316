//! Amazon Web Services requests: SigV4 signing, ECS/ECR/S3/STS request builders, response and
//! error parsing, and the retry policy.
//!
//! Sans-IO: this module builds requests and reads responses; sending them is the caller's
//! (the worker's `fetch`, the CLI's HTTP client, a scripted fake in tests).

pub mod client;
pub mod ecr;
pub mod ecs;
pub mod error;
pub mod logs;
pub mod s3;
pub mod sigv4;
pub mod sts;
pub mod url;
pub mod xml;

/// The retry policy began as AWS's and is still named from here.
pub use crate::retry;

/// The domain AWS's endpoints in `region` end with: `amazonaws.com.cn` in the China regions,
/// `amazonaws.com` everywhere else.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_china_regions_have_their_own_domain() {
        assert_eq!(dns_suffix("eu-west-1"), "amazonaws.com");
        assert_eq!(dns_suffix("us-gov-west-1"), "amazonaws.com");
        assert_eq!(dns_suffix("cn-north-1"), "amazonaws.com.cn");
        assert_eq!(dns_suffix("cn-northwest-1"), "amazonaws.com.cn");
    }
}
