//! The deploy pipeline, written once against a transport trait, and the deployment records the worker's API returns.
//!
//! Not filled in yet: this module marks where that domain lives.
