//! Hatoba's browser UI: a shell with one page per task, each page a module of its own.
//!
//! Navigation uses the URL fragment (`#/workflow`), so every page has a link that survives a
//! reload and the back button, and the worker never has to guess which paths belong to the UI.
//! Where things go: a new page is a module here, a variant of [`Page`] and a branch in
//! `frame::App`; what every page shares is in `frame` (the shell, the heading), `editor` (the
//! source editor, copy, download, local storage) and `html` (escaping); every decision a page
//! shows is `hatoba_core`'s.

mod deployments;
pub mod editor;
mod frame;
mod html;
mod page;
mod setup;
mod taskdef;
mod workflow;

pub use frame::App;
pub use page::Page;

/// Benchmark hook for scripts/bench: checks `text` (`kind` "taskdef" or "workflow") `times`
/// times in this browser's wasm and returns the number of findings. The bench times calls from
/// JavaScript (`tests/bench/wasm_check.mjs`), so the app carries no timing code of its own; the
/// text crosses into wasm once per call, not once per check.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn bench_check(kind: &str, text: &str, times: u32) -> usize {
    let check = match kind {
        "workflow" => hatoba_core::workflow::check,
        _ => hatoba_core::taskdef::check,
    };
    let mut found = 0;
    for _ in 0..times {
        found = std::hint::black_box(check(std::hint::black_box(text))).len();
    }
    found
}
