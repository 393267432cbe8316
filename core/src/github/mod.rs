//! GitHub: webhook signature checks, the events Hatoba acts on, and the REST calls it makes
//! (commit statuses, deployment statuses, file contents, GitHub App installation tokens).

pub mod api;
pub mod events;
pub mod guard;
pub mod webhook;
