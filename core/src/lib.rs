//! Hatoba's domain, shared by the worker, the app and the `hatoba` CLI.
//!
//! Everything here is pure: no network, no file system, no clock. It builds natively and for
//! `wasm32-unknown-unknown`, so the browser editor, the edge worker and the CLI make the same
//! decisions with the same code. Faces depend on this crate; this crate depends on no face.
//! Inside it, [`deploy`] uses the domain modules and none of them uses [`deploy`].
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod api;
pub mod assist;
pub mod aws;
pub mod checks;
pub mod deploy;
pub mod fields;
pub mod finding;
pub mod fix;
pub mod github;
mod graph;
pub mod hex;
pub mod http;
pub mod iam;
pub mod lintconfig;
pub mod percent;
pub mod redact;
mod repeats;
pub mod retry;
pub mod review;
pub mod source;
pub mod target;
pub mod taskdef;
pub mod time;
pub mod workflow;

/// Hatoba's version, as the worker reports it on `/healthz` and the CLI on `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The product's name as shown to people.
pub const PRODUCT: &str = "Hatoba";

/// Sorts `list` by `less`, stably, by insertion: for the short lists of a request (its headers,
/// its query, the configured secrets), where this loop is all the code a sort needs and each
/// `sort_by` would bring its own copy of the standard library's driftsort or ipnsort.
pub(crate) fn sort_short<T>(list: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..list.len() {
        let mut j = i;
        while j > 0 && less(&list[j], &list[j - 1]) {
            list.swap(j, j - 1);
            j -= 1;
        }
    }
}
