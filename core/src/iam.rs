//! Least-privilege IAM policies, and their Terraform, for a deploy target.
//!
//! Not filled in yet: this module marks where that domain lives.
