//! Amazon Web Services requests: SigV4 signing, ECS/ECR/S3/STS request builders, response and
//! error parsing, and the retry policy.
//!
//! Sans-IO: this module builds requests and reads responses; sending them is the caller's
//! (the worker's `fetch`, the CLI's HTTP client, a scripted fake in tests).

pub mod client;
pub mod ecr;
pub mod ecs;
pub mod error;
pub mod s3;
pub mod sigv4;
pub mod sts;
pub mod url;
pub mod xml;

/// The retry policy began as AWS's and is still named from here.
pub use crate::retry;
