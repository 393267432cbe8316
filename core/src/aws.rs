//! Amazon Web Services requests: SigV4 signing, ECS/ECR/S3/STS request builders, response and error parsing, and the retry policy.
//!
//! Not filled in yet: this module marks where that domain lives.
