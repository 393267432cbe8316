//! The `hatoba` command's pieces that tests drive directly: the native transport, the AWS
//! tools and the task-definition checks. The binary (`main.rs`) only parses arguments and calls these.

pub mod aws;
pub mod taskdef;
pub mod transport;
