//! The `hatoba` command's pieces that tests drive directly: the native transport and the AWS
//! tools. The binary (`main.rs`) only parses arguments and calls these.

pub mod aws;
pub mod transport;
