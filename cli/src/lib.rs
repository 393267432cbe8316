//! The `hatoba` command's pieces that tests drive directly: the native transport, the AWS
//! tools and the task-definition and workflow checks. The binary (`main.rs`) only parses arguments and calls these.

pub mod assist;
pub mod aws;
pub mod check;
pub mod config;
pub mod deploy;
pub mod iam;
pub mod init;
pub mod lintconfig;
pub mod lsp;
pub mod plan;
pub mod report;
pub mod taskdef;
pub mod transport;
pub mod webhook;
pub mod workflow;
