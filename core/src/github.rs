//! GitHub: webhook signature checks, event types, and commit-status and deployment-status payloads.
//!
//! Not filled in yet: this module marks where that domain lives.
